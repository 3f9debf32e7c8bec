/**
 * The controller's two write paths, each fenced by leadership, built in one place: `main.ts` wires
 * them, and a test builds them the same way to check that a replica that does not lead sends no
 * write (`test/controller/writers.test.ts`).
 *
 * Every Kubernetes write but the Lease's goes through the Kubernetes adapter's fenced API clients
 * (`fenceWrites` in its constructor), and every mutating Auto Scaling call through
 * `fencedAutoScalingCalls` (the fence before each of the adapter's retries) and the SDK client's
 * own fence middleware (after signing, right before the request is sent): see `fence.ts`.
 */
import { AutoScalingAdapter, autoScalingClient, sdkCalls } from './adapters/autoscaling';
import { KubernetesAdapter } from './adapters/kubernetes';
import type { ControllerConfig } from './config';
import {
  fencedAutoScalingCalls,
  leaderFence,
  type AdmissionFenceRefusedError,
  type LeaseConfirmation,
  type WriteFence,
} from './fence';
import type { Leadership } from './ports';

/** What {@link fencedWriters} builds. */
export interface FencedWriters {
  /** Throws `NotLeaderError` unless `leadership()` says this replica leads now. */
  readonly fence: WriteFence;
  /** The Kubernetes adapter, every write but the Lease's fenced. */
  readonly kubernetes: KubernetesAdapter;
  /** The Auto Scaling adapter, every call but the `Describe...` reads fenced. */
  readonly autoscaling: AutoScalingAdapter;
}

/** Where the writers send their requests (tests: stand-ins on 127.0.0.1). */
export interface WriterEndpoints {
  /**
   * The Kubernetes client configuration.
   * @default - the in-cluster configuration, or `KUBECONFIG` (`defaultKubeConfig`)
   */
  readonly kubeConfig?: ConstructorParameters<typeof KubernetesAdapter>[3];
  /**
   * The Auto Scaling API endpoint URL.
   * @default - the SDK's endpoint for `config.region`
   */
  readonly autoScalingEndpoint?: string;
}

/** How the innermost fence confirms the Lease with the API server. */
export interface WriterLease {
  /**
   * Reads the Lease back before each write (`LeaderElector.confirm`); `main.ts` passes the
   * elector's. Default: none, the local clocks only (tests whose leadership is a stand-in).
   */
  readonly confirm?: LeaseConfirmation;
  /**
   * Called when the API server's admission fence refused a Kubernetes write (the write then
   * rejects with `AdmissionFenceRefusedError`); `main.ts` passes `onAdmissionFenceRefusal`
   * (fence.ts).
   * Default: none.
   */
  readonly onFenceRefusal?: (error: AdmissionFenceRefusedError) => void;
}

/**
 * Builds the Kubernetes and Auto Scaling adapters of replica `identity`, both fenced by
 * `leadership` (read at the moment each request goes out) and, innermost, by `lease.confirm` (the
 * Lease read back from the API right before the request is sent). Every Kubernetes write but the
 * Lease's also carries `identity` and `leadership().fencingToken` as the admission fence's stamp
 * (controller/admission-fence.ts), which the API server checks against the Lease as it admits the
 * write when the chart's ValidatingAdmissionPolicy is installed. Throws nothing itself; the
 * adapters' writes reject with `NotLeaderError` while `leadership().leading` is false or the
 * Lease no longer names this replica as it last renewed it, and with `AdmissionFenceRefusedError`
 * (after `lease.onFenceRefusal`) when the API server's admission fence refused them.
 */
export function fencedWriters(
  config: ControllerConfig,
  identity: string,
  leadership: () => Leadership,
  endpoints: WriterEndpoints = {},
  lease: WriterLease = {},
): FencedWriters {
  const fence = leaderFence(leadership);
  const kubernetes = new KubernetesAdapter(
    config,
    identity,
    fence,
    endpoints.kubeConfig,
    lease.confirm,
    () => leadership().fencingToken,
    lease.onFenceRefusal,
  );
  const autoscaling = new AutoScalingAdapter(
    fencedAutoScalingCalls(
      sdkCalls(
        autoScalingClient(config.region, endpoints.autoScalingEndpoint, fence, lease.confirm),
      ),
      fence,
    ),
  );
  return { fence, kubernetes, autoscaling };
}
