/**
 * Leadership checked at the moment of the write. The reconciler checks the lease before it
 * starts a write, but a write can wait after that: in the Kubernetes token bucket, behind a 429
 * pause, in the per-group spacing of Auto Scaling calls, or between an adapter's retries. These
 * wrappers sit innermost, right where the request goes out, and drop it with `NotLeaderError`
 * when the lease may have expired by then (`Leadership.leading` is false once the last renewal is
 * older than the renew deadline, which is shorter than the lease duration).
 *
 * Every write of the controller process goes through one of two fenced clients: the Kubernetes
 * adapter's API clients (`fenceWrites` in its constructor: node and pod patches, Events, the status
 * ConfigMap, the forecast history marker; and again once the request is authenticated, right
 * before the send: `fencedApiClient` in adapters/kubernetes.ts) and the Auto Scaling calls
 * (`fencedAutoScalingCalls`, and again inside the SDK client once it has its credentials and has
 * signed: `fenceAutoScalingClient` in adapters/autoscaling.ts, since a credentials refresh is a
 * network call of its own). The innermost checks also read the Lease back (`confirmedFence`).
 * The one exception is the Lease, whose create and update are how leadership is won and kept.
 */
import { isAdmissionFenceRefusal } from './admission-fence';
import type { AutoScalingCalls } from './adapters/autoscaling';
import type { LeaseConfirmOutcome } from './leader-election';
import type { Leadership } from './ports';

/** Thrown when a write would go out without the lease. */
export class NotLeaderError extends Error {}

/**
 * Thrown when the Lease could not be read back before a write (`confirmedFence`): the write is
 * dropped (fail closed), but leadership is not known to be lost; sustained read errors (429s, a
 * slow API server) drop every write this way. A `NotLeaderError`, so every caller drops it alike.
 */
export class LeaseUnconfirmedError extends NotLeaderError {}

/**
 * Thrown in place of the API error when the API server's admission fence refused a write
 * (`isAdmissionFenceRefusal`: a 403/422 naming the fence's policy or binding): the Lease the API
 * server reads names another holder or term than this write's stamp, so this replica has
 * evidently lost the Lease whatever its clocks say. A `NotLeaderError`, so every caller stops
 * acting as leader for the pass alike; `refusal` is the API error as thrown.
 */
export class AdmissionFenceRefusedError extends NotLeaderError {
  constructor(
    /** The policy and binding that refused the write (`admissionFenceName`). */
    readonly fenceName: string,
    /** The API error as the client threw it. */
    readonly refusal: unknown,
  ) {
    const fault = refusal as { code?: unknown; body?: unknown };
    const body = typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body);
    super(
      `the admission fence ${fenceName} refused this write (HTTP ${String(fault.code)}): the ` +
        'Lease the API server reads no longer names this replica with its fencing token; write ' +
        `dropped, not leading until the Lease is read again. API answer: ${(body ?? '').slice(0, 500)}`,
    );
  }
}

/** Throws `NotLeaderError` unless this replica leads now. */
export type WriteFence = () => void;

/**
 * Reads the Lease from the API and answers whether it still names this replica exactly as this
 * replica last wrote it (`LeaderElector.confirmOutcome`, or `confirm`'s boolean): the server's
 * word, not the local clocks'. Never throws; a read that fails answers `read-failed` (or false).
 */
export type LeaseConfirmation = () => Promise<LeaseConfirmOutcome | boolean>;

/**
 * The innermost fence, right before a write's request is sent: `fence` (the local clocks), then,
 * with `confirm`, the Lease read back from the API, then `fence` again (the read may have waited).
 * Rejects with `NotLeaderError` on the first refusal; nothing is sent then.
 *
 * Why both: the clocks catch a pause the process can measure (SIGSTOP, a GC pause: the monotonic
 * clock runs on). A frozen VM whose clocks were not advanced on resume (a paused guest before its
 * clock is corrected) measures nothing and believes it still leads while another replica already
 * took over; only the Lease itself can tell it. What stays unchecked is the send after the read
 * (microseconds, plus the network): see docs/controller.md, "A paused leader".
 */
export function confirmedFence(
  fence: WriteFence,
  confirm: LeaseConfirmation | undefined,
): () => Promise<void> {
  return async () => {
    fence();
    if (confirm === undefined) return;
    const answer = await confirm();
    const outcome: LeaseConfirmOutcome =
      answer === true ? 'confirmed' : answer === false ? 'lease-lost' : answer;
    switch (outcome) {
      case 'confirmed':
        break;
      case 'read-failed':
        throw new LeaseUnconfirmedError(
          'the Lease could not be read back to confirm this replica still holds it (the read failed); write dropped, leadership not known to be lost',
        );
      case 'not-leading':
        throw new NotLeaderError(
          'lease may have expired (no renewal within the renew deadline); write dropped',
        );
      case 'lease-lost':
        throw new NotLeaderError(
          'the Lease no longer names this replica as it last renewed it; write dropped',
        );
    }
    fence();
  };
}

/** A fence over a leadership source. */
export function leaderFence(leadership: () => Leadership): WriteFence {
  return () => {
    if (!leadership().leading) throw new NotLeaderError('lease may have expired; write dropped');
  };
}

/**
 * Whether a method of a generated Kubernetes API client (`@kubernetes/client-node`) only reads:
 * its name starts with `read`, `list` or `get` (the client names each request after its verb:
 * get is `read...`, list is `list...`, and `getNamespacedCustomObject`/`getAPIResources` for the
 * custom-object and discovery reads). Every other method (`create`, `patch`, `replace`, `delete`,
 * `deleteCollection`, `connect`) may change the cluster.
 */
export function isKubernetesRead(method: string): boolean {
  return /^(read|list|get)[A-Z]/.test(method);
}

/** Whether an `AutoScalingCalls` method only reads: `describe...` (DescribeAutoScaling*). */
export function isAutoScalingRead(method: string): boolean {
  return /^describe[A-Z]/.test(method);
}

/**
 * `client`, with every method `isRead` does not accept fenced: the fence runs when the method is
 * called, right before its request goes out, and the call answers a rejected promise with
 * `NotLeaderError` instead (nothing is sent). Fails closed: a method added to the client later is
 * fenced unless its name says it reads. Properties that are not functions pass through; every
 * method runs on `client` itself. The fenced methods must return promises (API client calls do).
 */
export function fenceWrites<T extends object>(
  client: T,
  fence: WriteFence,
  isRead: (method: string) => boolean,
): T {
  return aroundWrites(client, isRead, async call => {
    fence();
    return call();
  });
}

/**
 * `client` as a proxy whose methods `isRead` does not accept run through `around` (given the call,
 * bound to `client` with its arguments); read methods are bound to `client` unchanged, properties
 * that are not functions pass through. The one shape both fences wrap a client in.
 */
function aroundWrites<T extends object>(
  client: T,
  isRead: (method: string) => boolean,
  around: (call: () => unknown) => Promise<unknown>,
): T {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof property === 'string' && isRead(property)) return method.bind(target);
      return async (...args: unknown[]) => around(() => method.apply(target, args));
    },
  });
}

/**
 * `client`, with every method `isRead` does not accept watched for the admission fence's refusal:
 * a call rejected with an error `isAdmissionFenceRefusal` recognises (of the policy and binding
 * `fenceName`) calls `onRefusal` with an `AdmissionFenceRefusedError` and rejects with it instead;
 * every other outcome passes through unchanged. Reads are untouched (the fence judges writes
 * only). Wrap the raw API client with this, inside `fenceWrites`, so every write method, a later
 * one included, is watched.
 */
export function recogniseFenceRefusals<T extends object>(
  client: T,
  isRead: (method: string) => boolean,
  fenceName: string,
  onRefusal: (error: AdmissionFenceRefusedError) => void = () => undefined,
): T {
  return aroundWrites(client, isRead, async call => {
    try {
      return await call();
    } catch (error) {
      if (!isAdmissionFenceRefusal(error, fenceName)) throw error;
      const refused = new AdmissionFenceRefusedError(fenceName, error);
      onRefusal(refused);
      throw refused;
    }
  });
}

/** What `onAdmissionFenceRefusal` acts on (structural, so tests may pass stand-ins). */
export interface FenceRefusalSinks {
  /** The replica's elector: leadership is dropped until the Lease is read again. */
  readonly elector: { forgetLeadership(): void };
  /** Counts the refusal (`kafka_autoscaler_admission_fence_refusals_total`). */
  readonly metrics: { recordAdmissionFenceRefusal(): void };
  /** Logs it (a `warn` line naming the fence and the API answer). */
  readonly log: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * What a replica does when the API server's admission fence refused one of its writes: the Lease
 * the API server reads names another holder or term, so this replica stops leading at once
 * (`LeaderElector.forgetLeadership`: every later write of the pass is dropped by the client-side
 * fence, and leadership comes back only from a renewal that reads the Lease and finds it still
 * this replica's), counts the refusal and logs it. Wired by `main.ts`; tested on a real API server
 * (test/cluster/admission-fence-scenarios.ts) and in test/controller/fence-refusal.test.ts.
 */
export function onAdmissionFenceRefusal(
  sinks: FenceRefusalSinks,
): (error: AdmissionFenceRefusedError) => void {
  return error => {
    sinks.elector.forgetLeadership();
    sinks.metrics.recordAdmissionFenceRefusal();
    sinks.log('admission fence refused a write: not leading until the Lease is read again', {
      fence: error.fenceName,
      error: error.message,
    });
  };
}

/**
 * The Auto Scaling calls, every one but the `describe...` reads fenced (`fenceWrites`). Wrap the
 * adapter's raw calls with this (not the adapter), so every retry the adapter makes after a
 * backoff is fenced too.
 */
export function fencedAutoScalingCalls(
  calls: AutoScalingCalls,
  fence: WriteFence,
): AutoScalingCalls {
  return fenceWrites(calls, fence, isAutoScalingRead);
}
