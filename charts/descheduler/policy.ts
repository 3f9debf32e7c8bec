/**
 * The descheduler policy (`descheduler/v1alpha2`) that re-spreads Kafka brokers after a scale-out
 * in target-tracking mode. Plain data, so tests can evaluate it against fixture pods.
 *
 * Why it looks like this:
 * - Only `RemovePodsViolatingTopologySpreadConstraint`: brokers carry one hard hostname spread per
 *   zone pool, and that is the only imbalance this platform wants corrected.
 * - Scoped twice: the plugin only looks at the Kafka namespace, and the DefaultEvictor only
 *   accepts pods labelled as this cluster's brokers. Everything else in the cluster stays
 *   protected, whatever its volumes.
 * - Strimzi pods mount emptyDir volumes, which the default evictor treats as local storage and
 *   protects. `podProtections.defaultDisabled: [PodsWithLocalStorage]` lifts that protection, and
 *   is safe only because of the broker-only label selector above.
 * - At most one eviction per cycle, cluster-wide: each eviction is denied by the Drain Cleaner and
 *   becomes a Strimzi roll, which must finish (and partitions re-sync) before the next.
 * - Hard constraints only (`DoNotSchedule`), node fit checked, pods younger than `minPodAge` left
 *   alone so a freshly moved broker is not moved again while it catches up.
 */
import { STRIMZI_BROKER_ROLE_LABEL, STRIMZI_CLUSTER_LABEL } from '../kafka/labels';

export const DESCHEDULER_POLICY_API_VERSION = 'descheduler/v1alpha2';
export const SPREAD_PLUGIN = 'RemovePodsViolatingTopologySpreadConstraint';
export const DEFAULT_EVICTOR = 'DefaultEvictor';
/** Strimzi labels every pod it manages with the kind of its owning resource. */
export const STRIMZI_KIND_LABEL = 'strimzi.io/kind';

/** Label selector in the Kubernetes form. */
export interface PolicyLabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
}

export interface DefaultEvictorArgs {
  readonly labelSelector?: PolicyLabelSelector;
  readonly nodeFit?: boolean;
  readonly minPodAge?: string;
  readonly podProtections?: {
    readonly defaultDisabled?: readonly string[];
    readonly extraEnabled?: readonly string[];
  };
  /** Deprecated flags, typed so the checks can reject them. */
  readonly evictLocalStoragePods?: boolean;
  readonly evictSystemCriticalPods?: boolean;
  readonly evictDaemonSetPods?: boolean;
  readonly evictFailedBarePods?: boolean;
}

export interface SpreadPluginArgs {
  readonly namespaces?: {
    readonly include?: readonly string[];
    readonly exclude?: readonly string[];
  };
  readonly labelSelector?: PolicyLabelSelector;
  readonly constraints?: ReadonlyArray<'DoNotSchedule' | 'ScheduleAnyway'>;
  readonly topologyBalanceNodeFit?: boolean;
}

export type PluginConfig =
  | { readonly name: typeof DEFAULT_EVICTOR; readonly args: DefaultEvictorArgs }
  | { readonly name: typeof SPREAD_PLUGIN; readonly args: SpreadPluginArgs }
  | { readonly name: string; readonly args: Record<string, unknown> };

export interface PluginSet {
  readonly enabled?: readonly string[];
  readonly disabled?: readonly string[];
}

export interface DeschedulerProfile {
  readonly name: string;
  readonly pluginConfig: readonly PluginConfig[];
  readonly plugins: {
    readonly filter?: PluginSet;
    readonly preEvictionFilter?: PluginSet;
    readonly balance?: PluginSet;
    readonly deschedule?: PluginSet;
  };
}

export interface DeschedulerPolicy {
  readonly apiVersion: typeof DESCHEDULER_POLICY_API_VERSION;
  readonly kind: 'DeschedulerPolicy';
  readonly maxNoOfPodsToEvictPerNode?: number;
  readonly maxNoOfPodsToEvictPerNamespace?: number;
  readonly maxNoOfPodsToEvictTotal?: number;
  readonly profiles: readonly DeschedulerProfile[];
}

/** Labels that select exactly the broker pods of one Strimzi cluster. */
export function brokerPodLabels(clusterName: string): Record<string, string> {
  return {
    [STRIMZI_CLUSTER_LABEL]: clusterName,
    [STRIMZI_KIND_LABEL]: 'Kafka',
    [STRIMZI_BROKER_ROLE_LABEL]: 'true',
  };
}

export interface BrokerSpreadPolicyInput {
  /** Strimzi cluster name (`strimzi.io/cluster`). */
  readonly clusterName: string;
  /** Namespace of the Kafka cluster. */
  readonly kafkaNamespace: string;
  /** A broker younger than this is never evicted. */
  readonly minPodAge: string;
}

/** The policy: broker spread only, one eviction per cycle. */
export function brokerSpreadPolicy(input: BrokerSpreadPolicyInput): DeschedulerPolicy {
  const brokers = { matchLabels: brokerPodLabels(input.clusterName) };
  return {
    apiVersion: DESCHEDULER_POLICY_API_VERSION,
    kind: 'DeschedulerPolicy',
    maxNoOfPodsToEvictPerNode: 1,
    maxNoOfPodsToEvictPerNamespace: 1,
    maxNoOfPodsToEvictTotal: 1,
    profiles: [
      {
        name: 'kafka-broker-spread',
        pluginConfig: [
          {
            name: DEFAULT_EVICTOR,
            args: {
              labelSelector: brokers,
              nodeFit: true,
              minPodAge: input.minPodAge,
              podProtections: { defaultDisabled: ['PodsWithLocalStorage'] },
            },
          },
          {
            name: SPREAD_PLUGIN,
            args: {
              namespaces: { include: [input.kafkaNamespace] },
              labelSelector: brokers,
              constraints: ['DoNotSchedule'],
              topologyBalanceNodeFit: true,
            },
          },
        ],
        plugins: {
          filter: { enabled: [DEFAULT_EVICTOR] },
          preEvictionFilter: { enabled: [DEFAULT_EVICTOR] },
          balance: { enabled: [SPREAD_PLUGIN] },
        },
      },
    ],
  };
}
