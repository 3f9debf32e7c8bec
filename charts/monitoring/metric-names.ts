/**
 * Metric names the alerts use. Kafka metrics come from the Strimzi Metrics Reporter on the
 * brokers and controllers; the pod and volume series from kube-state-metrics and the kubelet; the
 * `kafka_autoscaler_*` gauges are the controller's contract with these alerts.
 */
export {
  OFFLINE_PARTITIONS,
  UNDER_MIN_ISR_PARTITIONS,
  UNDER_REPLICATED_PARTITIONS,
} from '../../spec/kafka-metrics';
export const POD_READY = 'kube_pod_status_ready';
export const DEPLOYMENT_AVAILABLE_REPLICAS = 'kube_deployment_status_replicas_available';
export const VOLUME_AVAILABLE_BYTES = 'kubelet_volume_stats_available_bytes';
export const VOLUME_CAPACITY_BYTES = 'kubelet_volume_stats_capacity_bytes';
export const CERTIFICATE_EXPIRY = 'certmanager_certificate_expiration_timestamp_seconds';
/** Counter, label `outcome` (started, retried, finished, failed), from `controller/metrics.ts`. */
export const AUTOSCALER_BROKER_MOVES = 'kafka_autoscaler_broker_moves_total';
/** Counter, label `reason`: seconds the controller spent holding for that reason. */
export const AUTOSCALER_BLOCKED = 'kafka_autoscaler_blocked_seconds_total';
