/** Builds the body of the Strimzi `Kafka` resource from the spec. Plain functions only. */
import type { PlatformPlan } from '../../spec/derive';
import { EXTERNAL_LISTENER, INTERNAL_LISTENER } from '../../spec/kafka-listeners';
import type { PlatformSpec } from '../../spec/schema';
import {
  TOPIC_OPERATOR_DEFAULT_BATCH_SIZE,
  topicOperatorBatchSize,
} from '../../spec/topic-partitions';
import type { GenericKafkaListener, KafkaSpec, NetworkPolicyPeer } from '../strimzi/types';
import {
  EXTERNAL_PORT,
  INTERNAL_TLS_PORT,
  KAFKA_CLIENT_NAMESPACE_LABEL,
  ZONE_LABEL,
} from './labels';

const NLB_CLASS = 'service.k8s.aws/nlb';
const LB_ANNOTATION_PREFIX = 'service.beta.kubernetes.io/aws-load-balancer-';

/** Broker configuration that keeps data safe; `kafka.config` in the spec is merged over it. */
export function brokerConfig(spec: PlatformSpec): Record<string, string | number | boolean> {
  const { replicationFactor, minInSyncReplicas } = spec.kafka;
  return {
    'default.replication.factor': replicationFactor,
    'min.insync.replicas': minInSyncReplicas,
    'offsets.topic.replication.factor': replicationFactor,
    'transaction.state.log.replication.factor': replicationFactor,
    'transaction.state.log.min.isr': minInSyncReplicas,
    // Kafka's defaults for the share-group state topic (3 replicas, min ISR 2) do not fit every spec.
    'share.coordinator.state.topic.replication.factor': replicationFactor,
    'share.coordinator.state.topic.min.isr': minInSyncReplicas,
    'auto.create.topics.enable': false,
    'unclean.leader.election.enable': false,
    'replica.selector.class': 'org.apache.kafka.common.replica.RackAwareReplicaSelector',
    ...spec.kafka.config,
  };
}

/** Annotations the AWS Load Balancer Controller reads on every NLB Service. */
export function nlbAnnotations(spec: PlatformSpec, subnet?: string): Record<string, string> {
  const annotations: Record<string, string> = {
    [`${LB_ANNOTATION_PREFIX}type`]: 'external',
    [`${LB_ANNOTATION_PREFIX}nlb-target-type`]: 'ip',
    [`${LB_ANNOTATION_PREFIX}scheme`]: spec.kafka.external.scheme,
  };
  if (subnet === undefined) {
    annotations[`${LB_ANNOTATION_PREFIX}attributes`] = 'load_balancing.cross_zone.enabled=true';
  } else {
    annotations[`${LB_ANNOTATION_PREFIX}subnets`] = subnet;
  }
  return annotations;
}

/** Namespaces allowed to reach the internal listener: Kafka's own and those labelled as clients. */
function internalPeers(spec: PlatformSpec): NetworkPolicyPeer[] {
  return [
    {
      namespaceSelector: {
        matchLabels: { 'kubernetes.io/metadata.name': spec.kafka.namespace },
      },
    },
    { namespaceSelector: { matchLabels: { [KAFKA_CLIENT_NAMESPACE_LABEL]: 'true' } } },
  ];
}

/** The external listener: one NLB per broker plus a bootstrap NLB. */
export function externalListener(spec: PlatformSpec, plan: PlatformPlan): GenericKafkaListener {
  const external = spec.kafka.external;
  const pinned = plan.zones.every(zone => zone.nlbSubnet !== undefined);
  const configuration = pinned
    ? {
        class: NLB_CLASS,
        loadBalancerSourceRanges: external.allowedCidrs,
        bootstrap: { annotations: nlbAnnotations(spec) },
        brokers: plan.zones.flatMap(zone =>
          zone.brokerIds.map(broker => ({
            broker,
            annotations: nlbAnnotations(spec, zone.nlbSubnet),
          })),
        ),
      }
    : {
        class: NLB_CLASS,
        loadBalancerSourceRanges: external.allowedCidrs,
        bootstrap: { annotations: nlbAnnotations(spec) },
        perBrokerAnnotationsTemplate: nlbAnnotations(spec),
      };
  return {
    name: EXTERNAL_LISTENER.name,
    port: EXTERNAL_PORT,
    type: 'loadbalancer',
    tls: true,
    authentication: { type: external.authentication },
    configuration,
    // NLB health checks and, without client IP preservation, all traffic arrive from VPC addresses.
    networkPolicyPeers: [...external.allowedCidrs, spec.cluster.vpcCidr]
      .filter((cidr, index, all) => all.indexOf(cidr) === index)
      .map(cidr => ({ ipBlock: { cidr } })),
  };
}

/** Listeners: internal mTLS always; the per-broker NLB listener when enabled. */
export function listeners(spec: PlatformSpec, plan: PlatformPlan): GenericKafkaListener[] {
  const internal: GenericKafkaListener = {
    name: INTERNAL_LISTENER.name,
    port: INTERNAL_TLS_PORT,
    type: 'internal',
    tls: true,
    authentication: { type: 'tls' },
    networkPolicyPeers: internalPeers(spec),
  };
  return spec.kafka.external.enabled ? [internal, externalListener(spec, plan)] : [internal];
}

/** PDB over all Kafka pods: 0 in the Drain Cleaner's legacy mode (it alone may evict), else 1. */
export function podDisruptionBudgetMaxUnavailable(spec: PlatformSpec): number {
  return spec.drainCleaner.mode === 'legacy' ? 0 : 1;
}

/** The `Kafka` resource's spec. */
export function kafkaSpec(spec: PlatformSpec, plan: PlatformPlan): KafkaSpec {
  return {
    kafka: {
      version: spec.kafka.version,
      listeners: listeners(spec, plan),
      config: brokerConfig(spec),
      authorization: { type: 'simple' },
      rack: { type: 'topology-label', topologyKey: ZONE_LABEL },
      metricsConfig: { type: 'strimziMetricsReporter' },
      template: {
        podDisruptionBudget: { maxUnavailable: podDisruptionBudgetMaxUnavailable(spec) },
      },
    },
    entityOperator: {
      topicOperator: {
        resources: { requests: { memory: '512Mi', cpu: '100m' }, limits: { memory: '512Mi' } },
      },
      userOperator: {
        resources: { requests: { memory: '512Mi', cpu: '100m' }, limits: { memory: '512Mi' } },
      },
      ...topicOperatorTemplate(spec),
    },
  };
}

/**
 * The entity operator's template for the Topic Operator: `STRIMZI_MAX_BATCH_SIZE` where the spec's
 * topics would not fit Kafka's creation limits in one batch of Strimzi's default size
 * (`topicOperatorBatchSize` in spec/topic-partitions.ts), else nothing (Strimzi's default, 100).
 */
function topicOperatorTemplate(
  spec: PlatformSpec,
): Pick<NonNullable<KafkaSpec['entityOperator']>, 'template'> {
  const size = topicOperatorBatchSize(spec.kafka.topics);
  if (size === TOPIC_OPERATOR_DEFAULT_BATCH_SIZE) return {};
  return {
    template: {
      topicOperatorContainer: { env: [{ name: 'STRIMZI_MAX_BATCH_SIZE', value: String(size) }] },
    },
  };
}
