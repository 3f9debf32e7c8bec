/** The Kafka cluster: `Kafka`, one broker pool per zone, the controller pool, topics. */
import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformPlan } from '../spec/derive';
import type { PlatformSpec } from '../spec/schema';
import { kafkaSpec } from './kafka/kafka-spec';
import { READINESS_GATE_INJECT_LABEL, STRIMZI_CLUSTER_LABEL } from './kafka/labels';
import {
  CONTROLLER_POOL_NAME,
  brokerPoolSpec,
  controllerPoolSpec,
  poolAnnotations,
} from './kafka/node-pools';
import { topicMetadataName, topicSpec } from './kafka/topics';
import { STRIMZI_API_VERSION } from './strimzi/types';

export interface KafkaChartProps extends ChartProps {
  /** The validated platform spec. */
  readonly spec: PlatformSpec;
  /** Numbers derived from the spec. */
  readonly plan: PlatformPlan;
}

/**
 * Labels of the Kafka namespace: restricted pod security, NLB readiness gates. The namespace itself
 * is emitted by the operators layer (`operators-chart.ts`): Strimzi's chart writes RoleBindings
 * into it, so it must exist before that release installs.
 */
export function kafkaNamespaceLabels(): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': 'restricted',
    [READINESS_GATE_INJECT_LABEL]: 'enabled',
  };
}

export class KafkaChart extends Chart {
  /** The `Kafka` resource, for JSON-patch overrides of fields this project does not type. */
  public readonly kafka: ApiObject;
  /** Node pools by name (`controllers`, `brokers-a`, ...). */
  public readonly nodePools: Readonly<Record<string, ApiObject>>;

  public constructor(scope: Construct, id: string, props: KafkaChartProps) {
    super(scope, id, props);
    const { spec, plan } = props;
    const namespace = spec.kafka.namespace;
    const clusterLabels = { [STRIMZI_CLUSTER_LABEL]: spec.name };

    this.kafka = new ApiObject(this, 'kafka', {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'Kafka',
      metadata: { name: spec.name, namespace },
      spec: kafkaSpec(spec, plan),
    });
    const pools: Record<string, ApiObject> = {};
    pools[CONTROLLER_POOL_NAME] = new ApiObject(this, `pool-${CONTROLLER_POOL_NAME}`, {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaNodePool',
      metadata: {
        name: CONTROLLER_POOL_NAME,
        namespace,
        labels: clusterLabels,
        annotations: poolAnnotations(plan.controllerNodeIdRange),
      },
      spec: controllerPoolSpec(spec, plan),
    });
    for (const zone of plan.zones) {
      pools[zone.poolName] = new ApiObject(this, `pool-${zone.poolName}`, {
        apiVersion: STRIMZI_API_VERSION,
        kind: 'KafkaNodePool',
        metadata: {
          name: zone.poolName,
          namespace,
          labels: clusterLabels,
          annotations: poolAnnotations(zone.nodeIdRange),
        },
        spec: brokerPoolSpec(spec, plan, zone),
      });
    }
    this.nodePools = pools;
    for (const topic of spec.kafka.topics) {
      const name = topicMetadataName(topic);
      new ApiObject(this, `topic-${name}`, {
        apiVersion: STRIMZI_API_VERSION,
        kind: 'KafkaTopic',
        metadata: { name, namespace, labels: clusterLabels },
        spec: topicSpec(spec, topic),
      });
    }
  }
}
