/**
 * Names of the Kafka series the Strimzi Metrics Reporter exposes that both the alerts
 * (`charts/monitoring`) and the controller's default queries (`controller/config.ts`) read.
 * One place, so an alert and a safety check can never watch different series.
 */
export const UNDER_REPLICATED_PARTITIONS = 'kafka_server_replicamanager_underreplicatedpartitions';
export const UNDER_MIN_ISR_PARTITIONS = 'kafka_cluster_partition_underminisr';
export const OFFLINE_PARTITIONS = 'kafka_controller_kafkacontroller_offlinepartitionscount';
