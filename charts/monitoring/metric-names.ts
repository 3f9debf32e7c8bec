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
/**
 * Gauge from `controller/metrics.ts`: seconds since the broker move in flight was first requested,
 * 0 when none. Read from the operation record on the node, so it survives leader changes.
 */
export const AUTOSCALER_CURRENT_MOVE_AGE = 'kafka_autoscaler_current_move_age_seconds';
/** Counter, label `reason`: seconds the controller spent holding for that reason. */
export const AUTOSCALER_BLOCKED = 'kafka_autoscaler_blocked_seconds_total';
