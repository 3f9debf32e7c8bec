/**
 * Turns cached Kubernetes objects, Prometheus answers and Auto Scaling groups into one `Observed`.
 * The object shapes here are the few fields the controller reads, so this file needs no client
 * library and is tested with plain objects.
 */
import type { ControllerConfig } from './config';
import type {
  BrokerLoad,
  Observed,
  ObservedBroker,
  ObservedGroup,
  ObservedNode,
  ReadSource,
} from './model';
import {
  MANUAL_ROLLING_UPDATE_ANNOTATION,
  OPERATION_ANNOTATION,
  CORDON_ANNOTATION,
  decodeOperationRecord,
} from './operation-record';
import { ROLLBACK_TALLY_ANNOTATION, decodeRollbackTally } from './rollback-loop';

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly lastTransitionTime?: Date | string;
}

interface Metadata {
  readonly name?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly creationTimestamp?: Date | string;
  readonly deletionTimestamp?: Date | string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The Node fields read. */
export interface NodeLike {
  readonly metadata?: Metadata;
  readonly spec?: { readonly unschedulable?: boolean; readonly providerID?: string };
  readonly status?: { readonly conditions?: readonly Condition[] };
}

/** The Pod fields read. */
export interface PodLike {
  readonly metadata?: Metadata;
  readonly spec?: { readonly nodeName?: string };
  readonly status?: { readonly conditions?: readonly Condition[] };
}

/** The `Kafka` resource fields read. */
export interface KafkaLike {
  readonly metadata?: {
    /** Bumped by the API server on every spec change (a resource with a status subresource). */
    readonly generation?: number;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly status?: {
    readonly conditions?: readonly Condition[];
    /** The generation Strimzi's last reconciliation of the resource finished with. */
    readonly observedGeneration?: number;
  };
}

/**
 * Strimzi's annotation that stops it reconciling the resource (`"true"`): it then acts on no
 * change, manual roll requests included, until the annotation is removed or set to `"false"`.
 */
export const PAUSE_RECONCILIATION_ANNOTATION = 'strimzi.io/pause-reconciliation';

/**
 * Whether the `Kafka` resource says Kafka is Ready now, and why not when it does not. Its `Ready`
 * condition is Strimzi's verdict at the end of its last reconciliation, so it counts only while
 * that reconciliation was of the current spec (`status.observedGeneration` equal to
 * `metadata.generation`; a resource without a generation is not judged on it) and reconciliation
 * is not paused (the annotation `strimzi.io/pause-reconciliation: "true"`, or a
 * `ReconciliationPaused` condition `True`, which Strimzi writes in place of the others once it sees
 * the annotation). A spec edited since is being applied (a rolling update may be under way or
 * about to start) and a paused resource rolls no pod, so either way the condition describes a
 * cluster that no longer is, or a roll request that would never be acted on. Pure.
 */
export function kafkaReadiness(kafka: KafkaLike): {
  readonly ready: boolean;
  /** Why Kafka does not count as Ready; undefined when it does. */
  readonly notReadyBecause?: string;
} {
  const conditions = kafka.status?.conditions;
  if (
    kafka.metadata?.annotations?.[PAUSE_RECONCILIATION_ANNOTATION] === 'true' ||
    isTrue(conditions, 'ReconciliationPaused')
  ) {
    return {
      ready: false,
      notReadyBecause: `its reconciliation is paused (${PAUSE_RECONCILIATION_ANNOTATION}), so Strimzi acts on no roll request`,
    };
  }
  const generation = kafka.metadata?.generation;
  const observedGeneration = kafka.status?.observedGeneration;
  if (generation !== undefined && observedGeneration !== generation) {
    return {
      ready: false,
      notReadyBecause: `its status answers for generation ${observedGeneration ?? 'none'}, the spec is at ${generation} (Strimzi has not finished reconciling the latest change)`,
    };
  }
  if (!isTrue(conditions, 'Ready')) {
    return { ready: false, notReadyBecause: 'its Ready condition is not True' };
  }
  return { ready: true };
}

const ZONE_LABEL = 'topology.kubernetes.io/zone';
const POOL_LABEL = 'strimzi.io/pool-name';

function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return (conditions ?? []).some(
    condition => condition.type === type && condition.status === 'True',
  );
}

/**
 * The EC2 instance ID in a Node's `spec.providerID`: `aws:///us-east-1a/i-0abc` (the form EKS
 * nodes carry), `aws:////i-0abc` (no zone) and a bare `i-0abc` all give `i-0abc` (the forms the
 * AWS cloud provider's `KubernetesInstanceID` accepts); anything else gives undefined, and the
 * write gate then holds every termination rather than guess which instance hosts which brokers.
 */
export function instanceIdOf(providerId: string | undefined): string | undefined {
  const match = /^(?:aws:\/\/\/[^/]*\/)?(i-[0-9a-z]+)$/.exec(providerId ?? '');
  return match?.[1];
}

/** Maps a Node. */
export function observeNode(node: NodeLike): ObservedNode {
  const metadata = node.metadata ?? {};
  const name = metadata.name ?? '';
  const uid = metadata.uid ?? '';
  const zone = metadata.labels?.[ZONE_LABEL] ?? '';
  const recorded = metadata.annotations?.[OPERATION_ANNOTATION];
  const tally = decodeRollbackTally(metadata.annotations?.[ROLLBACK_TALLY_ANNOTATION]);
  return {
    name,
    uid,
    resourceVersion: metadata.resourceVersion ?? '',
    zone,
    ready: isTrue(node.status?.conditions, 'Ready'),
    unschedulable: node.spec?.unschedulable === true,
    instanceId: instanceIdOf(node.spec?.providerID),
    createdAtMs: new Date(metadata.creationTimestamp ?? 0).getTime(),
    operation:
      recorded === undefined ? undefined : decodeOperationRecord(recorded, { name, uid, zone }),
    cordonedByController: metadata.annotations?.[CORDON_ANNOTATION] !== undefined,
    ...(tally === undefined ? {} : { rollbacks: tally }),
  };
}

/** Maps a broker Pod; its zone comes from its pool. */
export function observeBroker(pod: PodLike, config: ControllerConfig): ObservedBroker | undefined {
  const metadata = pod.metadata ?? {};
  const pool = metadata.labels?.[POOL_LABEL];
  const zone = config.zones.find(each => each.poolName === pool);
  if (zone === undefined) return undefined;
  return {
    podName: metadata.name ?? '',
    uid: metadata.uid ?? '',
    zone: zone.zone,
    nodeName: pod.spec?.nodeName,
    ready: isTrue(pod.status?.conditions, 'Ready'),
    rollRequested: metadata.annotations?.[MANUAL_ROLLING_UPDATE_ANNOTATION] === 'true',
    terminating: metadata.deletionTimestamp !== undefined,
    ...readySince(pod.status?.conditions),
  };
}

function readySince(conditions: readonly Condition[] | undefined): { readySinceMs?: number } {
  const changed = conditions?.find(condition => condition.type === 'Ready')?.lastTransitionTime;
  const ms = changed === undefined ? Number.NaN : new Date(changed).getTime();
  return Number.isFinite(ms) ? { readySinceMs: ms } : {};
}

/** What the view of one informer says about its own freshness. */
export interface InformerState {
  /** Lists completed since the process started. */
  readonly lists: number;
  /** Epoch ms of its last successful list or watch event; undefined before the first list. */
  readonly syncedAtMs: number | undefined;
}

/**
 * The age of the Kubernetes view: undefined until the node and the pod informers have each
 * completed a list since the process started, then the older of their last syncs.
 */
export function kubernetesViewAtMs(nodes: InformerState, pods: InformerState): number | undefined {
  if (nodes.lists === 0 || pods.lists === 0) return undefined;
  if (nodes.syncedAtMs === undefined || pods.syncedAtMs === undefined) return undefined;
  return Math.min(nodes.syncedAtMs, pods.syncedAtMs);
}

/** The inputs of one observation. */
export interface ObservationInputs {
  readonly nowMs: number;
  readonly nodes: readonly NodeLike[];
  readonly pods: readonly PodLike[];
  readonly kafka: KafkaLike | undefined;
  readonly kubernetesSyncedAtMs: number | undefined;
  readonly prometheus:
    | {
        /** The oldest sample behind the answers (not the query time). */
        readonly atMs: number;
        readonly loads: readonly BrokerLoad[];
        readonly underReplicatedPartitions: number;
        readonly underMinIsrPartitions: number;
        /** Per broker pod: the time of its partition-health sample, epoch ms. */
        readonly healthSampledAtMs: Readonly<Record<string, number>>;
      }
    | undefined;
  readonly autoscaling:
    { readonly atMs: number; readonly groups: readonly ObservedGroup[] } | undefined;
  /** Why a read of this pass failed, by source (`Freshness.readErrors`). @default - none failed */
  readonly readErrors?: Readonly<Partial<Record<ReadSource, string>>>;
}

/** Assembles one observation. */
export function assembleObservation(inputs: ObservationInputs, config: ControllerConfig): Observed {
  return {
    nowMs: inputs.nowMs,
    freshness: {
      kubernetesAtMs: inputs.kubernetesSyncedAtMs,
      prometheusAtMs: inputs.prometheus?.atMs,
      autoscalingAtMs: inputs.autoscaling?.atMs,
      ...(inputs.readErrors === undefined || Object.keys(inputs.readErrors).length === 0
        ? {}
        : { readErrors: inputs.readErrors }),
    },
    ...(inputs.kafka === undefined
      ? { kafkaReady: undefined }
      : (() => {
          const readiness = kafkaReadiness(inputs.kafka);
          return {
            kafkaReady: readiness.ready,
            ...(readiness.notReadyBecause === undefined
              ? {}
              : { kafkaNotReadyBecause: readiness.notReadyBecause }),
          };
        })()),
    underReplicatedPartitions: inputs.prometheus?.underReplicatedPartitions,
    underMinIsrPartitions: inputs.prometheus?.underMinIsrPartitions,
    healthSampledAtMs: inputs.prometheus?.healthSampledAtMs,
    nodes: inputs.nodes.map(observeNode),
    brokers: inputs.pods
      .map(pod => observeBroker(pod, config))
      .filter((broker): broker is ObservedBroker => broker !== undefined),
    otherBrokerPods: inputs.pods
      .filter(pod => observeBroker(pod, config) === undefined)
      .map(pod => ({ podName: pod.metadata?.name ?? '', nodeName: pod.spec?.nodeName })),
    groups: inputs.autoscaling?.groups ?? [],
    loads: inputs.prometheus?.loads,
  };
}

/**
 * Readiness times the pod objects do not give. A broker pod whose `Ready` condition is `True` but
 * carries no usable `lastTransitionTime` (missing, or not a date: a client or a stand-in that does
 * not set it) would count as Ready since for ever, and the checks that need partition health
 * sampled after the last broker became Ready (`kafkaBlocker`, and a move's end in `moveIsDone`)
 * would pass on a sample taken before it started, while its replicas are still catching up.
 * Such a pod is given the time this process first saw it (its UID) Ready, by its own clock: never
 * earlier than the truth, so those checks wait for a sample after that (one scrape after a
 * restart; a pod with a stamp keeps it). Pods no longer seen Ready are forgotten.
 *
 * A stamp later than the view it is read from (`seenAtMs`) is no truth either: the kubelet stamps
 * the condition by its node's clock, and a node whose clock runs ahead would hold every move
 * (`stale-data`, "partition health was last sampled before the latest broker became Ready") until
 * this process's clock catches up, for ever with a clock years ahead, and no operator action on
 * a data source clears it (review s32-g fault 3). The pod was Ready when the view was read, so it
 * became Ready no later: such a pod takes its first-seen time too, which still never precedes the
 * truth.
 */
export class ReadySinceMemory {
  /** Pod UID -> epoch ms this process first saw it Ready without a usable readiness time. */
  private firstSeenReadyMs = new Map<string, number>();

  /**
   * `observed` with every Ready broker pod's missing `readySinceMs` filled in (see the class).
   * `seenAtMs`: when the pod view was read, epoch ms, never before it (`main.ts` reads its clock
   * after the cache snapshot: the observation's `nowMs` is taken before the other sources'
   * queries, which may take seconds). @default observed.nowMs. Throws nothing.
   */
  fill(observed: Observed, seenAtMs: number = observed.nowMs): Observed {
    const seen = new Map<string, number>();
    const brokers = observed.brokers.map(broker => {
      if (!broker.ready || readySinceNotAfter(broker.readySinceMs, seenAtMs)) return broker;
      const sinceMs = this.firstSeenReadyMs.get(broker.uid) ?? seenAtMs;
      seen.set(broker.uid, sinceMs);
      return { ...broker, readySinceMs: sinceMs };
    });
    this.firstSeenReadyMs = seen;
    return { ...observed, brokers };
  }
}

/**
 * True when a Ready pod's readiness time (`readySinceMs`) is usable as read at `seenAtMs`: known
 * and not later than the view (`ReadySinceMemory`).
 */
export function readySinceNotAfter(readySinceMs: number | undefined, seenAtMs: number): boolean {
  return readySinceMs !== undefined && Number.isFinite(readySinceMs) && readySinceMs <= seenAtMs;
}
