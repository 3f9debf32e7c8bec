/**
 * Hand-written types for the parts of Strimzi's `kafka.strimzi.io/v1` API this project sets.
 * Field names follow the Strimzi 1.2 CRDs (tests validate every emitted object against them).
 * Anything not typed here can still be set: every construct exposes its `ApiObject`, and
 * `apiObject.addJsonPatch(JsonPatch.add('/spec/...', value))` is the escape hatch.
 */

export const STRIMZI_API_VERSION = 'kafka.strimzi.io/v1';

export interface ObjectMetaLite {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: ReadonlyArray<{
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }>;
}

export interface NetworkPolicyPeer {
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface ListenerBrokerOverride {
  readonly broker: number;
  readonly annotations?: Record<string, string>;
}

export interface ListenerConfiguration {
  /** Service `loadBalancerClass`, e.g. `service.k8s.aws/nlb` (older Strimzi: `controllerClass`). */
  readonly class?: string;
  readonly loadBalancerSourceRanges?: readonly string[];
  readonly bootstrap?: { readonly annotations?: Record<string, string> };
  readonly brokers?: readonly ListenerBrokerOverride[];
  /** Annotations for every per-broker Service (`{nodeId}` and `{nodePodName}` are expanded). */
  readonly perBrokerAnnotationsTemplate?: Record<string, string>;
}

export interface GenericKafkaListener {
  readonly name: string;
  readonly port: number;
  readonly type: 'internal' | 'route' | 'loadbalancer' | 'nodeport' | 'ingress' | 'cluster-ip';
  readonly tls: boolean;
  readonly authentication?: { readonly type: 'tls' | 'scram-sha-512' | 'custom' };
  readonly configuration?: ListenerConfiguration;
  readonly networkPolicyPeers?: readonly NetworkPolicyPeer[];
}

export interface Toleration {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface TopologySpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  readonly labelSelector: LabelSelector;
  readonly nodeAffinityPolicy?: 'Honor' | 'Ignore';
  readonly nodeTaintsPolicy?: 'Honor' | 'Ignore';
  readonly minDomains?: number;
}

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export interface PodTemplate {
  readonly metadata?: {
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly affinity?: {
    readonly nodeAffinity?: {
      readonly requiredDuringSchedulingIgnoredDuringExecution?: {
        readonly nodeSelectorTerms: ReadonlyArray<{
          readonly matchExpressions: readonly NodeSelectorRequirement[];
        }>;
      };
    };
  };
  readonly tolerations?: readonly Toleration[];
  readonly topologySpreadConstraints?: readonly TopologySpreadConstraint[];
  readonly priorityClassName?: string;
  readonly terminationGracePeriodSeconds?: number;
}

export interface ResourceRequirements {
  readonly requests?: { readonly memory?: string; readonly cpu?: string };
  readonly limits?: { readonly memory?: string; readonly cpu?: string };
}

export interface PersistentClaimVolume {
  readonly id: number;
  readonly type: 'persistent-claim';
  readonly size: string;
  readonly class: string;
  readonly deleteClaim: boolean;
  readonly kraftMetadata?: 'shared';
}

/** A container security context, the fields this project sets (core/v1 `SecurityContext`). */
export interface ContainerSecurityContext {
  readonly allowPrivilegeEscalation?: boolean;
  readonly runAsNonRoot?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly seccompProfile?: { readonly type: 'RuntimeDefault' };
  readonly capabilities?: { readonly drop?: readonly string[] };
}

/**
 * Strimzi `ContainerTemplate` (the `kafkaContainer` / `initContainer` templates of a node pool).
 * A `securityContext` here replaces, as a whole, the one the operator's pod security provider
 * would set (Strimzi `RestrictedPodSecurityProvider`: a user-supplied context wins).
 */
export interface ContainerTemplate {
  readonly securityContext?: ContainerSecurityContext;
}

export interface KafkaNodePoolSpec {
  readonly replicas: number;
  readonly roles: ReadonlyArray<'broker' | 'controller'>;
  readonly storage: { readonly type: 'jbod'; readonly volumes: readonly PersistentClaimVolume[] };
  readonly resources: ResourceRequirements;
  readonly template?: {
    readonly pod?: PodTemplate;
    readonly kafkaContainer?: ContainerTemplate;
    readonly initContainer?: ContainerTemplate;
  };
}

export interface KafkaSpec {
  readonly kafka: {
    readonly version: string;
    readonly listeners: readonly GenericKafkaListener[];
    readonly config: Record<string, string | number | boolean>;
    readonly authorization?: { readonly type: 'simple'; readonly superUsers?: readonly string[] };
    readonly rack?: { readonly type?: 'topology-label'; readonly topologyKey: string };
    readonly metricsConfig?: { readonly type: 'strimziMetricsReporter' | 'jmxPrometheusExporter' };
    readonly template?: {
      readonly podDisruptionBudget?: { readonly maxUnavailable: number };
      readonly pod?: PodTemplate;
    };
  };
  readonly entityOperator?: {
    readonly topicOperator?: { readonly resources?: ResourceRequirements };
    readonly userOperator?: { readonly resources?: ResourceRequirements };
    readonly template?: {
      readonly pod?: PodTemplate;
      readonly topicOperatorContainer?: {
        readonly env?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
      };
    };
  };
}

export interface KafkaTopicSpec {
  readonly topicName?: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly config: Record<string, string | number | boolean>;
}
