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
/** Gauge, label `zone`: the balanced node level the controller wants (`controller/metrics.ts`). */
export const AUTOSCALER_DESIRED_NODES = 'kafka_autoscaler_desired_nodes';
/** Gauge, label `zone`: Ready Kafka nodes, not counting one being removed. */
export const AUTOSCALER_CURRENT_NODES = 'kafka_autoscaler_current_nodes';
/** Gauge, label `zone`: broker network demand, MiB/s in the busier direction. */
export const AUTOSCALER_ZONE_DEMAND = 'kafka_autoscaler_zone_demand_mibps';
/** Gauge, label `reason`: 1 for the last decision's reason, 0 for the others. */
export const AUTOSCALER_LAST_DECISION = 'kafka_autoscaler_last_decision';
/** Counter, label `outcome` (started, retried, finished, failed): broker moves. */
export const AUTOSCALER_BROKER_MOVES = 'kafka_autoscaler_broker_moves_total';
/** Counter, labels `kind` and `dry_run`: actions taken, or reported in dry-run. */
export const AUTOSCALER_ACTIONS = 'kafka_autoscaler_actions_total';
/** Counter: instances terminated after being emptied. */
export const AUTOSCALER_INSTANCES_TERMINATED = 'kafka_autoscaler_instances_terminated_total';
/** Counter: operations given up after a failed move. */
export const AUTOSCALER_OPERATIONS_ABANDONED = 'kafka_autoscaler_operations_abandoned_total';
/**
 * Gauge from `controller/metrics.ts`: nodes this controller cordoned, without an operation record,
 * that it has kept cordoned for at least the phase deadline (instance detached or in no group,
 * leaving, node NotReady): each needs an operator. Set by the leader; 0 on the other replicas.
 */
export const AUTOSCALER_NODES_HELD_CORDONED = 'kafka_autoscaler_nodes_held_cordoned';
/**
 * Gauge by zone and kind (`respread`, `remove-node`): 1 while the controller's rollback loop
 * breaker withholds that kind of operation in the zone (`rollback-loop`: several in a row were
 * rolled back at their deadline), 0 otherwise. Set by the leader.
 */
export const AUTOSCALER_ROLLBACK_LOOP_HELD = 'kafka_autoscaler_rollback_loop_held';
/**
 * Counter from `controller/metrics.ts`: writes of this replica the API server's admission fence
 * refused (a 403/422 naming `<name>-kafka-autoscaler-fence`): the Lease the API server reads named
 * another holder or term than the write's stamp. Each ends the replica's leadership until it reads
 * the Lease again. Per pod; starts at 0.
 */
export const AUTOSCALER_ADMISSION_FENCE_REFUSALS =
  'kafka_autoscaler_admission_fence_refusals_total';
/** Gauge: 1 on the replica holding the lease; dashboards keep only the leader's series. */
export const AUTOSCALER_LEADER = 'kafka_autoscaler_leader';
/**
 * kube-state-metrics gauge, one series per pod with labels `namespace`, `pod`, `node`,
 * `created_by_kind`, `created_by_name` (kube-state-metrics `docs/pod-metrics.md`, STABLE).
 */
export const POD_INFO = 'kube_pod_info';
