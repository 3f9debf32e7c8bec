/** Label keys and values shared by the Kafka charts, the operations charts and the controller. */
import { EXTERNAL_LISTENER, INTERNAL_LISTENER } from '../../spec/kafka-listeners';

export const STRIMZI_CLUSTER_LABEL = 'strimzi.io/cluster';
export const STRIMZI_POOL_LABEL = 'strimzi.io/pool-name';
export const STRIMZI_BROKER_ROLE_LABEL = 'strimzi.io/broker-role';
export const STRIMZI_NEXT_NODE_IDS_ANNOTATION = 'strimzi.io/next-node-ids';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
/** Namespace label that makes the AWS Load Balancer Controller inject pod readiness gates. */
export const READINESS_GATE_INJECT_LABEL = 'elbv2.k8s.aws/pod-readiness-gate-inject';
/** Label on namespaces whose pods may reach the internal Kafka listener. */
export const KAFKA_CLIENT_NAMESPACE_LABEL = 'kafka.platform/client';
/** Name of the controller KafkaNodePool. */
export const CONTROLLER_POOL_NAME = 'controllers';
/** StorageClass names. */
export const BROKER_STORAGE_CLASS = 'kafka-broker-gp3';
export const CONTROLLER_STORAGE_CLASS = 'kafka-controller-gp3';
/** Listener ports (the spec checks the listener-prefixed keys against them, spec/kafka-listeners.ts). */
export const INTERNAL_TLS_PORT = INTERNAL_LISTENER.port;
export const EXTERNAL_PORT = EXTERNAL_LISTENER.port;
