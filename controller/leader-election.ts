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
 * not leading until the next one. Two clocks are read side by side (`main.ts`: the wall clock and
 * `performance.now()`): leadership lapses as soon as either says the renew deadline passed, and a
 * takeover waits until both say the lease duration passed, so neither a wall clock stepped forward
 * (NTP) nor a monotonic clock that stood still while the machine was suspended makes two leaders.
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

/**
 * What a read-back of the Lease before a write found (`LeaderElector.confirmOutcome`): the Lease
 * names this replica as it last wrote it (`confirmed`); the local clocks say the renew deadline
 * passed (`not-leading`); the read failed, so nothing is known of the Lease (`read-failed`); or
 * the Lease was read and names someone else, another term, or is gone (`lease-lost`).
 */
export type LeaseConfirmOutcome = 'confirmed' | 'not-leading' | 'read-failed' | 'lease-lost';

/** Election timing. */
export interface LeaderElectionTiming {
  readonly leaseDurationSeconds: number;
  readonly renewDeadlineSeconds: number;
  readonly retryPeriodSeconds: number;
}

/**
 * How many of its last renew times a process remembers (`confirm`, and telling its own Lease from
 * a same-identity successor's). 16 renewals at the usual 2 s retry period span 32 s, more than a
 * lease duration: renewals whose answers were lost, or that went out while a write's Lease read
 * waited, do not push out the renew time the Lease still shows.
 */
const WRITTEN_KEPT = 16;

/** One replica's view of the election. */
export class LeaderElector {
  private lastRenewAtMs: number | undefined;
  /** `monotonic()` at the same instant as `lastRenewAtMs`. */
  private lastRenewMonoMs = 0;
  private fencingToken = 0;
  private observed:
    { holder: string | undefined; renewTimeMs: number; transitions: number } | undefined;
  private observedAtMs = 0;
  private observedMonoMs = 0;
  private timer: NodeJS.Timeout | undefined;
  /**
   * The renew times this process sent last (newest last, at most `WRITTEN_KEPT`), for `confirm`
   * and for telling its own Lease from one another process of the same identity renewed.
   */
  private readonly written: number[] = [];

  constructor(
    private readonly identity: string,
    private readonly store: LeaseStore,
    private readonly timing: LeaderElectionTiming,
    private readonly clock: () => number = Date.now,
    private readonly onError: (error: unknown) => void = () => undefined,
    /**
     * A second clock that never goes backwards (ms, any origin), read beside `clock`. Default:
     * `clock` itself. Leadership lapses when either clock says the renew deadline passed; a
     * takeover needs both to say the lease duration passed (a wall clock may step forward; a
     * monotonic clock may stand still while the machine is suspended).
     */
    private readonly monotonic: () => number = clock,
  ) {}

  /** Whether this replica may act now, and with which fencing token. */
  leadership(): Leadership {
    // A clock that went backwards since the renewal (elapsed < 0) proves nothing about the lease:
    // not leading until the next renewal.
    const elapsedMs = this.lastRenewAtMs === undefined ? -1 : this.clock() - this.lastRenewAtMs;
    const monoElapsedMs = this.monotonic() - this.lastRenewMonoMs;
    const leading =
      elapsedMs >= 0 &&
      Math.max(elapsedMs, monoElapsedMs) < this.timing.renewDeadlineSeconds * 1000;
    return { leading, fencingToken: this.fencingToken, holder: this.identity };
  }

  /**
   * Whether the Lease, read from the store now, still names this replica exactly as it last wrote
   * it: holder this identity, transitions this fencing token, renew time one this replica sent (a
   * renewal in flight counts), and `leadership()` leading before and after the read. The server's
   * word beside the clocks: a replica whose clocks stood still through a freeze (a paused VM not
   * yet corrected) still finds the takeover here, and so does an old process of the same identity
   * whose successor took the Lease over. False when the read fails (fail closed). Never throws.
   * Used by the write fence (`confirmedFence` in fence.ts), once per write. `read` reads the Lease
   * (default: the store's `get`); `main.ts` sends it through the general Kubernetes token bucket, so
   * these reads never queue ahead of a renewal in the Lease's own bucket nor pause it on a 429.
   */
  async confirm(
    read: () => Promise<LeaseState | undefined> = () => this.store.get(),
  ): Promise<boolean> {
    return (await this.confirmOutcome(read)) === 'confirmed';
  }

  /**
   * `confirm`, saying why when it refuses: `not-leading` (the local clocks say the renew deadline
   * passed, before or after the read), `read-failed` (the Lease could not be read: an API error,
   * a 429, a timeout; whether another replica holds it is unknown), `lease-lost` (read, and it
   * does not name this replica as it last wrote it, or is gone). Never throws; `read-failed`
   * still refuses the write (fail closed).
   */
  async confirmOutcome(
    read: () => Promise<LeaseState | undefined> = () => this.store.get(),
  ): Promise<LeaseConfirmOutcome> {
    if (!this.leadership().leading) return 'not-leading';
    let lease: LeaseState | undefined;
    try {
      lease = await read();
    } catch {
      return 'read-failed';
    }
    const own =
      lease !== undefined &&
      lease.holderIdentity === this.identity &&
      lease.leaseTransitions === this.fencingToken &&
      this.written.includes(lease.renewTimeMs);
    if (!own) return 'lease-lost';
    return this.leadership().leading ? 'confirmed' : 'not-leading';
  }

  /**
   * Stops leading now, until the next acquire-or-renew attempt reads the Lease again and finds it
   * as this process left it (`tryAcquireOrRenew`: a conditional update it makes then proves the
   * Lease is still this replica's). For evidence from elsewhere that the Lease was lost, which the
   * clocks cannot see: the API server's admission fence refusing a write stamped with this
   * replica's fencing token (`onAdmissionFenceRefusal` in fence.ts). The fencing token and the
   * renew times this process sent are kept, so a Lease that does still name it (a refusal in the
   * API server's watch delay after this replica itself took over) is renewed, not taken over.
   */
  forgetLeadership(): void {
    this.lastRenewAtMs = undefined;
  }

  private sending(renewTimeMs: number): void {
    this.written.push(renewTimeMs);
    if (this.written.length > WRITTEN_KEPT) this.written.shift();
  }

  /** One acquire-or-renew attempt; returns whether this replica holds the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock();
    const nowMono = this.monotonic();
    try {
      const lease = await this.store.get();
      if (lease === undefined) {
        this.sending(now);
        await this.store.create({
          holderIdentity: this.identity,
          leaseDurationSeconds: this.timing.leaseDurationSeconds,
          renewTimeMs: now,
          leaseTransitions: 0,
        });
        return this.won(now, nowMono, 0);
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
        this.observedMonoMs = this.monotonic();
      }
      if (lease.holderIdentity === this.identity && this.isOwn(lease)) {
        this.sending(now);
        await this.store.update({ ...lease, renewTimeMs: now });
        this.observed = { ...seen, renewTimeMs: now };
        return this.won(now, nowMono, lease.leaseTransitions);
      }
      const watchedMs = Math.min(
        this.clock() - this.observedAtMs,
        this.monotonic() - this.observedMonoMs,
      );
      // The Lease names this identity, but not as this process wrote it: another process of the
      // same identity holds it. A process that never sent a renewal is a successor (a replica
      // replaced under the same name) and takes it over at once, with a transition, so the
      // predecessor's confirm fails from then on (the fencing token differs). A process that did
      // send one is the predecessor, woken (a frozen VM, a SIGSTOP): it waits for the Lease to
      // expire like any other replica. Renewing it instead (as before) let both processes confirm
      // in turn, each right after its own renewal, under one fencing token.
      const successor = lease.holderIdentity === this.identity && this.written.length === 0;
      const expired =
        successor ||
        lease.holderIdentity === undefined ||
        lease.holderIdentity === '' ||
        watchedMs >= lease.leaseDurationSeconds * 1000;
      if (!expired) return this.lost();
      const transitions = lease.leaseTransitions + 1;
      this.sending(now);
      await this.store.update({
        ...lease,
        holderIdentity: this.identity,
        leaseDurationSeconds: this.timing.leaseDurationSeconds,
        renewTimeMs: now,
        leaseTransitions: transitions,
      });
      return this.won(now, nowMono, transitions);
    } catch (error) {
      if (apiFaultOf(error).status !== 409) this.onError(error);
      return this.leadership().leading;
    }
  }

  /**
   * Whether `lease` is as this process last left it: its fencing token and a renew time it sent
   * (a renewal in flight, or one whose answer was lost, counts).
   */
  private isOwn(lease: LeaseState): boolean {
    return lease.leaseTransitions === this.fencingToken && this.written.includes(lease.renewTimeMs);
  }

  private won(now: number, nowMono: number, transitions: number): boolean {
    this.lastRenewAtMs = now;
    this.lastRenewMonoMs = nowMono;
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
