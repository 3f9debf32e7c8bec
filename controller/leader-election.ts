/**
 * Leader election on a `coordination.k8s.io/v1` Lease, with the store injected. Takeover is judged
 * by how long this replica has watched the lease unchanged on its own clock (not by the renew time
 * written by another replica's clock), and a leader that could not renew within the renew deadline
 * stops acting before anyone else may take over. The lease's transition count is the fencing token
 * written into every operation record.
 *
 * Clocks: a renewal counts from the instant before its request went out (so leadership lapses
 * early, never late); a lease seen changed counts from the instant its answer arrived (so a
 * takeover comes late, never early); a clock that went backwards since the last renewal means
 * not leading until the next one. `main.ts` passes a monotonic clock (a wall-clock step of NTP or
 * a resumed VM moves neither deadline).
 */
import { apiFaultOf } from './api-fault';
import type { Leadership } from './ports';

/** The Lease fields the election uses. */
export interface LeaseState {
  readonly holderIdentity: string | undefined;
  readonly leaseDurationSeconds: number;
  readonly renewTimeMs: number;
  readonly leaseTransitions: number;
  /** Guards updates (409 when stale). */
  readonly resourceVersion: string;
}

/** Reads and writes the Lease; create and update fail with status 409 on a conflict. */
export interface LeaseStore {
  get(): Promise<LeaseState | undefined>;
  create(lease: Omit<LeaseState, 'resourceVersion'>): Promise<void>;
  update(lease: LeaseState): Promise<void>;
}

/** Election timing. */
export interface LeaderElectionTiming {
  readonly leaseDurationSeconds: number;
  readonly renewDeadlineSeconds: number;
  readonly retryPeriodSeconds: number;
}

/** One replica's view of the election. */
export class LeaderElector {
  private lastRenewAtMs: number | undefined;
  private fencingToken = 0;
  private observed:
    { holder: string | undefined; renewTimeMs: number; transitions: number } | undefined;
  private observedAtMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly identity: string,
    private readonly store: LeaseStore,
    private readonly timing: LeaderElectionTiming,
    private readonly clock: () => number = Date.now,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Whether this replica may act now, and with which fencing token. */
  leadership(): Leadership {
    // A clock that went backwards since the renewal (elapsed < 0) proves nothing about the lease:
    // not leading until the next renewal.
    const elapsedMs = this.lastRenewAtMs === undefined ? -1 : this.clock() - this.lastRenewAtMs;
    const leading = elapsedMs >= 0 && elapsedMs < this.timing.renewDeadlineSeconds * 1000;
    return { leading, fencingToken: this.fencingToken, holder: this.identity };
  }

  /** One acquire-or-renew attempt; returns whether this replica holds the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock();
    try {
      const lease = await this.store.get();
      if (lease === undefined) {
        await this.store.create({
          holderIdentity: this.identity,
          leaseDurationSeconds: this.timing.leaseDurationSeconds,
          renewTimeMs: now,
          leaseTransitions: 0,
        });
        return this.won(now, 0);
      }
      const seen = {
        holder: lease.holderIdentity,
        renewTimeMs: lease.renewTimeMs,
        transitions: lease.leaseTransitions,
      };
      if (
        this.observed === undefined ||
        this.observed.holder !== seen.holder ||
        this.observed.renewTimeMs !== seen.renewTimeMs ||
        this.observed.transitions !== seen.transitions
      ) {
        // Timed from when the answer arrived, not from before the request: a read that waited
        // (a 429 pause, a slow server, a GC pause) may show a renewal made long after `now`, and
        // timing it from `now` would let this replica take over before the holder stops acting.
        this.observed = seen;
        this.observedAtMs = this.clock();
      }
      if (lease.holderIdentity === this.identity) {
        await this.store.update({ ...lease, renewTimeMs: now });
        this.observed = { ...seen, renewTimeMs: now };
        return this.won(now, lease.leaseTransitions);
      }
      const watchedMs = this.clock() - this.observedAtMs;
      const expired =
        lease.holderIdentity === undefined ||
        lease.holderIdentity === '' ||
        watchedMs >= lease.leaseDurationSeconds * 1000;
      if (!expired) return this.lost();
      const transitions = lease.leaseTransitions + 1;
      await this.store.update({
        ...lease,
        holderIdentity: this.identity,
        leaseDurationSeconds: this.timing.leaseDurationSeconds,
        renewTimeMs: now,
        leaseTransitions: transitions,
      });
      return this.won(now, transitions);
    } catch (error) {
      if (apiFaultOf(error).status !== 409) this.onError(error);
      return this.leadership().leading;
    }
  }

  private won(now: number, transitions: number): boolean {
    this.lastRenewAtMs = now;
    this.fencingToken = transitions;
    return true;
  }

  private lost(): boolean {
    this.lastRenewAtMs = undefined;
    return false;
  }

  /** Tries every retry period until `stop()`. */
  start(): void {
    const tick = () => {
      void this.tryAcquireOrRenew().finally(() => {
        if (this.timer !== undefined) {
          this.timer = setTimeout(tick, this.timing.retryPeriodSeconds * 1000);
        }
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops trying; leadership lapses after the renew deadline. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
