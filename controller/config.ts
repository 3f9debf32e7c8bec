/**
 * The controller's configuration: derived from the platform spec at synth time, shipped in a
 * ConfigMap, read by the controller at start. The builder is a plain function so the chart, the
 * simulator and the tests all get the same numbers.
 */
import type { LoadedSpec } from '../spec/load';
import { KAFKA_NODE_LABEL } from '../spec/derive';

/** One availability zone as the controller sees it. */
export interface ZoneConfig {
  /** Zone name, for example `us-east-1a`. */
  readonly zone: string;
  /** Strimzi KafkaNodePool of the zone's brokers (pod label `strimzi.io/pool-name`). */
  readonly poolName: string;
  /** EKS managed nodegroup; its Auto Scaling group carries the tag `eks:nodegroup-name`. */
  readonly nodegroupName: string;
  /** Brokers in the zone. */
  readonly brokers: number;
}

/** A window with a minimum node count per zone, for known daily peaks. */
export interface ScheduledMinimum {
  readonly startUtc: string;
  readonly endUtc: string;
  readonly nodesPerZone: number;
  /** 0 = Sunday. */
  readonly weekdays: readonly number[];
}

export interface ControllerConfig {
  /** Platform name; also the Strimzi `Kafka` resource name. */
  readonly clusterName: string;
  /** AWS region of the Auto Scaling groups. */
  readonly region: string;
  /** Namespace of the Kafka cluster. */
  readonly kafkaNamespace: string;
  /** Node label key and value that mark Kafka nodes. */
  readonly kafkaNodeLabel: { readonly key: string; readonly value: string };
  readonly zones: readonly ZoneConfig[];
  /** Node counts per zone that carry equal brokers per node, ascending. */
  readonly balancedNodeCounts: readonly number[];
  readonly minNodesPerZone: number;
  readonly maxNodesPerZone: number;
  /** Baseline network bandwidth of one Kafka node, MiB/s per direction. */
  readonly nodeBaselineMiBps: number;
  /** Share of the baseline a node may be planned to carry (0-1]. */
  readonly targetUtilization: number;
  /** Demand must be this share below the lower level before a scale-in. */
  readonly scaleInMargin: number;
  readonly scaleInStabilizationSeconds: number;
  readonly intervalSeconds: number;
  readonly sameLevelInAllZones: boolean;
  readonly scheduledMinimums: readonly ScheduledMinimum[];
  /** Replication factor of the cluster's topics (for load estimates). */
  readonly replicationFactor: number;
  /** Decide and report, never act. */
  readonly dryRun: boolean;
  /** Prometheus base URL. */
  readonly prometheusUrl: string;
  /** Observations older than this are stale; the controller holds. */
  readonly staleAfterSeconds: number;
  /** How long one broker move may take before it is retried (once) and then abandoned. */
  readonly moveTimeoutSeconds: number;
}

/** Builds the controller configuration from a validated spec. */
export function controllerConfigFromSpec(loaded: LoadedSpec): ControllerConfig {
  const { spec, plan } = loaded;
  return {
    clusterName: spec.name,
    region: spec.region,
    kafkaNamespace: spec.kafka.namespace,
    kafkaNodeLabel: { key: KAFKA_NODE_LABEL, value: plan.kafkaNodeLabelValue },
    zones: plan.zones.map(zone => ({
      zone: zone.zone,
      poolName: zone.poolName,
      nodegroupName: zone.nodegroupName,
      brokers: plan.brokersPerZone,
    })),
    balancedNodeCounts: plan.balancedNodeCounts,
    minNodesPerZone: plan.minNodesPerZone,
    maxNodesPerZone: plan.maxNodesPerZone,
    nodeBaselineMiBps: plan.nodeCapacity.baselineMiBps,
    targetUtilization: spec.autoscaling.targetUtilization,
    scaleInMargin: spec.autoscaling.scaleInMargin,
    scaleInStabilizationSeconds: spec.autoscaling.scaleInStabilizationSeconds,
    intervalSeconds: spec.autoscaling.intervalSeconds,
    sameLevelInAllZones: spec.autoscaling.sameLevelInAllZones,
    scheduledMinimums: spec.autoscaling.scheduledMinimums,
    replicationFactor: spec.kafka.replicationFactor,
    dryRun: spec.autoscaling.dryRun,
    prometheusUrl: spec.monitoring.prometheusUrl,
    staleAfterSeconds: Math.max(120, spec.autoscaling.intervalSeconds * 4),
    moveTimeoutSeconds: 900,
  };
}
