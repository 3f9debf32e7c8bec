/**
 * Client-side rate limits, as plain code with an injected clock.
 *
 * - `TokenBucket`: client-go's global bucket (10 QPS, burst 100 by default) for every Kubernetes
 *   API request. A 429 answer pauses the whole bucket until its `Retry-After` has passed, so no
 *   other request of this controller (list, watch, read, write, Event, Lease) goes out meanwhile.
 * - `GroupMutationSpacing`: at least `minIntervalMs` between two mutating Auto Scaling calls on
 *   the same group (`SetDesiredCapacity`, `TerminateInstanceInAutoScalingGroup`,
 *   `SetInstanceProtection`).
 *
 * The `limited*` wrappers put them in front of the ports; `main.ts` wraps the adapters with them
 * and the tests wrap the in-memory fakes with the same functions. Costs are the number of HTTP
 * requests the Kubernetes adapter makes for the call (a guarded write is a GET and a PATCH).
 */
import { apiFaultOf } from './api-fault';
import type { LeaseStore } from './leader-election';
import type { ListWatchSource } from './list-watch';
import type { ClusterWriter, EventRecorder, GroupWriter } from './ports';

/** Time, injected. */
export interface LimiterClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const realClock: LimiterClock = {
  now: () => Date.now(),
  sleep: ms => new Promise<void>(resolve => setTimeout(resolve, ms)),
};

/** Kubernetes API budget. */
export interface KubernetesRateLimit {
  /** Sustained requests per second. */
  readonly qps: number;
  /** Requests that may go out at once after a quiet period. */
  readonly burst: number;
}

/** client-go's default (`workqueue.DefaultControllerRateLimiter`'s bucket). */
export const DEFAULT_KUBERNETES_RATE_LIMIT: KubernetesRateLimit = { qps: 10, burst: 100 };

/** Minimum time between two mutating Auto Scaling calls on one group. */
export const DEFAULT_AUTOSCALING_MUTATION_INTERVAL_SECONDS = 10;

/** Pause after a 429 that carries no `Retry-After`. */
const DEFAULT_RETRY_AFTER_MS = 1000;

/** Something a request waits on before it goes out, and tells about its failure. */
export interface RequestGate {
  /** Resolves when `cost` requests may go out. */
  acquire(cost?: number): Promise<void>;
  /** Sees every failed request; a 429 pauses the gate until its Retry-After. */
  failed(error: unknown): void;
}

/**
 * A token bucket: holds up to `burst` tokens, refilled at `qps` per second; each request takes
 * `cost` tokens. Implemented as GCRA (virtual scheduling): each reservation gets a send time in
 * arrival order, so waiting callers are served FIFO and never poll, and in any window of `T`
 * seconds at most `burst + qps * T` tokens are spent. A pause (after a 429) makes the bucket start
 * full again at the pause's end; a caller whose slot fell inside a pause set while it waited
 * reserves again (its old tokens are forfeited, which only ever sends less).
 */
export class TokenBucket implements RequestGate {
  private readonly intervalMs: number;
  /** When the bucket would be full again (GCRA's theoretical arrival time). */
  private fullAtMs: number;
  private pausedUntilMs = 0;
  /** Callers waiting now. */
  waiting = 0;
  /** The most callers ever waiting at once (memory bound, for tests and metrics). */
  mostWaiting = 0;

  constructor(
    private readonly limit: KubernetesRateLimit = DEFAULT_KUBERNETES_RATE_LIMIT,
    private readonly clock: LimiterClock = realClock,
  ) {
    if (!(limit.qps > 0) || !(limit.burst >= 1)) {
      throw new Error(`invalid rate limit: qps ${limit.qps}, burst ${limit.burst}`);
    }
    this.intervalMs = 1000 / limit.qps;
    this.fullAtMs = clock.now();
  }

  /** The time until which every request waits (after a 429). */
  get pausedUntil(): number {
    return this.pausedUntilMs;
  }

  /** Takes `cost` tokens (at most `burst`) and returns how long the caller must wait for them. */
  reserve(cost = 1): number {
    const now = this.clock.now();
    const start = Math.max(now, this.pausedUntilMs);
    this.fullAtMs =
      Math.max(this.fullAtMs, start) + Math.min(cost, this.limit.burst) * this.intervalMs;
    const sendAtMs = Math.max(start, this.fullAtMs - this.limit.burst * this.intervalMs);
    return Math.ceil(sendAtMs - now);
  }

  async acquire(cost = 1): Promise<void> {
    let waitMs = this.reserve(cost);
    if (waitMs <= 0) return;
    this.waiting++;
    this.mostWaiting = Math.max(this.mostWaiting, this.waiting);
    try {
      while (waitMs > 0) {
        await this.clock.sleep(waitMs);
        // A 429 seen while this caller slept: queue again behind the pause.
        waitMs = this.clock.now() < this.pausedUntilMs ? this.reserve(cost) : 0;
      }
    } finally {
      this.waiting--;
    }
  }

  /** Holds every request until `untilMs` (never shortens a pause). */
  pauseUntil(untilMs: number): void {
    this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs);
  }

  failed(error: unknown): void {
    const fault = apiFaultOf(error);
    if (fault.status !== 429) return;
    const retryAfterMs =
      fault.retryAfterSeconds === undefined
        ? DEFAULT_RETRY_AFTER_MS
        : fault.retryAfterSeconds * 1000;
    this.pauseUntil(this.clock.now() + retryAfterMs);
  }
}

/** Runs one request through the gate. */
export async function limitedCall<T>(
  gate: RequestGate,
  call: () => Promise<T>,
  cost = 1,
): Promise<T> {
  await gate.acquire(cost);
  try {
    return await call();
  } catch (error) {
    gate.failed(error);
    throw error;
  }
}

/** List and watch through the gate; a watch that ends with a 429 pauses the gate. */
export function limitedSource<T>(
  source: ListWatchSource<T>,
  gate: RequestGate,
): ListWatchSource<T> {
  return {
    list: () => limitedCall(gate, () => source.list()),
    watch: (resourceVersion, onEvent, onDone) =>
      limitedCall(gate, () =>
        source.watch(resourceVersion, onEvent, error => {
          if (error !== undefined && error !== null) gate.failed(error);
          onDone(error);
        }),
      ),
  };
}

/** Guarded writes through the gate (each is a re-GET and a PATCH). */
export function limitedClusterWriter(writer: ClusterWriter, gate: RequestGate): ClusterWriter {
  return {
    writeOperation: (node, record, rollbacks) =>
      limitedCall(gate, () => writer.writeOperation(node, record, rollbacks), 2),
    setUnschedulable: (nodeName, nodeUid, unschedulable) =>
      limitedCall(gate, () => writer.setUnschedulable(nodeName, nodeUid, unschedulable), 2),
    // `mayRoll` is passed on, to be asked after the wait for tokens.
    requestRoll: (podName, podUid, mayRoll) =>
      limitedCall(gate, () => writer.requestRoll(podName, podUid, mayRoll), 2),
  };
}

/** Events through the gate. */
export function limitedEvents(recorder: EventRecorder, gate: RequestGate): EventRecorder {
  return { record: event => limitedCall(gate, () => recorder.record(event)) };
}

/** The Lease through the gate. */
export function limitedLeaseStore(store: LeaseStore, gate: RequestGate): LeaseStore {
  return {
    get: () => limitedCall(gate, () => store.get()),
    create: lease => limitedCall(gate, () => store.create(lease)),
    update: lease => limitedCall(gate, () => store.update(lease)),
  };
}

/**
 * At least `minIntervalMs` between the starts of two mutating calls on the same group. Slots are
 * reserved before waiting, so concurrent callers queue instead of firing together.
 */
export class GroupMutationSpacing {
  private readonly nextAllowedAtMs = new Map<string, number>();

  constructor(
    private readonly minIntervalMs: number,
    private readonly clock: LimiterClock = realClock,
  ) {}

  /** Resolves when a mutating call on `groupName` may go out. */
  async acquire(groupName: string): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.nextAllowedAtMs.get(groupName) ?? 0);
    this.nextAllowedAtMs.set(groupName, at + this.minIntervalMs);
    if (at > now) await this.clock.sleep(at - now);
  }

  /** Groups with a reservation (bounded by the number of groups). */
  get size(): number {
    return this.nextAllowedAtMs.size;
  }
}

/** The group writer with its mutating calls spaced per group. */
export function spacedGroupWriter(groups: GroupWriter, spacing: GroupMutationSpacing): GroupWriter {
  return {
    raiseDesiredCapacity: async (groupName, desired) => {
      await spacing.acquire(groupName);
      return groups.raiseDesiredCapacity(groupName, desired);
    },
    lowerDesiredCapacity: async (groupName, fromDesired, toDesired) => {
      await spacing.acquire(groupName);
      return groups.lowerDesiredCapacity(groupName, fromDesired, toDesired);
    },
    terminateInstance: async (groupName, instanceId, mayTerminate) => {
      await spacing.acquire(groupName);
      // `mayTerminate` is passed on, not asked here: it must come after the adapter's own waits.
      return groups.terminateInstance(groupName, instanceId, mayTerminate);
    },
    setInstanceProtection: async (groupName, instanceIds, protectedFromScaleIn, mayUnprotect) => {
      await spacing.acquire(groupName);
      // `mayUnprotect` is passed on, not asked here: it must come after the adapter's own waits.
      return groups.setInstanceProtection(
        groupName,
        instanceIds,
        protectedFromScaleIn,
        mayUnprotect,
      );
    },
  };
}
