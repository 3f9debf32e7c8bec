/**
 * What the simulator needs to know about a platform, taken from a validated spec, and the timings
 * of the physical steps (research/performance.md section 3), with their defaults.
 */
import { zoneSuffix } from '../spec/derive';
import { burstCeilingMiBps, DEFAULT_BURST_SECONDS } from './burst';
import type { LoadedSpec } from '../spec/load';

/** One zone: its pool, its nodegroup (= Auto Scaling group) and its node name prefix. */
export interface ZoneFacts {
  readonly zone: string;
  readonly poolName: string;
  readonly groupName: string;
  /** Short suffix of the zone, for node and pod names. */
  readonly suffix: string;
  /** Strimzi node IDs of the zone's brokers. */
  readonly brokerIds: readonly number[];
}

/** The platform as the simulator sees it. */
export interface ClusterFacts {
  readonly clusterName: string;
  readonly zones: readonly ZoneFacts[];
  readonly brokers: number;
  readonly brokersPerZone: number;
  readonly replicationFactor: number;
  /** Replicas a broker hosts on average (partitions x replication factor / brokers), rounded up. */
  readonly partitionsPerBroker: number;
  readonly instanceType: string;
  /** Baseline network bandwidth of one Kafka node, MiB/s per direction. */
  readonly nodeBaselineMiBps: number;
  /** Most a Kafka node sends while it has burst credits ("up to" bandwidth), MiB/s per direction. */
  readonly nodeBurstCeilingMiBps: number;
  /** Price of one Kafka node, USD per hour. */
  readonly pricePerNodeHourUsd: number;
  /** Node counts per zone with equal brokers per node, ascending. */
  readonly balancedNodeCounts: readonly number[];
  readonly minNodesPerZone: number;
  readonly maxNodesPerZone: number;
  /** Share of the baseline a node may carry by plan (0-1]. */
  readonly targetUtilization: number;
  /** Interval of the descheduler in the target-tracking recipe. */
  readonly deschedulerIntervalSeconds: number;
}

/** Durations of the physical steps and of the AWS machinery the strategies run against. */
export interface ModelTimings {
  /** EC2 launch to Kubernetes node Ready. @default 120 */
  readonly nodeReadySeconds: number;
  /** A broker pod's stop, volume re-attach and start, until Ready. @default 60 */
  readonly brokerRestartSeconds: number;
  /** Age of the load metrics every strategy sees (the oracle excepted). @default 60 */
  readonly metricsLagSeconds: number;
  /** Simulation step; must divide 60 and the controller interval. @default 10 */
  readonly tickSeconds: number;
  /** Extra downtime of a broker whose node was killed with its volume still attached. @default 360 */
  readonly forcedDetachSeconds: number;
  /** Terminate request to the instance leaving the group (billing stops). @default 60 */
  readonly instanceShutdownSeconds: number;
  /** EKS managed nodegroup drain before it lets Auto Scaling terminate anyway. @default 900 */
  readonly drainTimeoutSeconds: number;
  /** Instance warm-up of target tracking (unset: falls back to the 300 s default cooldown). */
  readonly instanceWarmupSeconds: number;
  /** Consecutive 1-minute datapoints above target before target tracking scales out. @default 3 */
  readonly scaleOutDatapoints: number;
  /** Consecutive 1-minute datapoints below the low threshold before it scales in. @default 15 */
  readonly scaleInDatapoints: number;
  /** The low alarm's threshold as a share of the target. @default 0.9 */
  readonly scaleInThresholdShare: number;
  /** A full network credit bucket lasts this long at the burst ceiling (`simulator/burst.ts`). @default 300 */
  readonly burstSeconds: number;
}

export const DEFAULT_TIMINGS: ModelTimings = {
  nodeReadySeconds: 120,
  brokerRestartSeconds: 60,
  metricsLagSeconds: 60,
  tickSeconds: 10,
  forcedDetachSeconds: 360,
  instanceShutdownSeconds: 60,
  drainTimeoutSeconds: 900,
  instanceWarmupSeconds: 300,
  scaleOutDatapoints: 3,
  scaleInDatapoints: 15,
  scaleInThresholdShare: 0.9,
  burstSeconds: DEFAULT_BURST_SECONDS,
};

/** Builds the facts from a spec that passed validation. */
export function clusterFactsFromSpec(loaded: LoadedSpec): ClusterFacts {
  const { spec, plan } = loaded;
  const replicas = spec.kafka.topics.reduce(
    (sum, topic) =>
      sum + topic.partitions * (topic.replicationFactor ?? spec.kafka.replicationFactor),
    0,
  );
  return {
    clusterName: spec.name,
    zones: plan.zones.map(zone => ({
      zone: zone.zone,
      poolName: zone.poolName,
      groupName: zone.nodegroupName,
      suffix: zoneSuffix(spec.region, zone.zone),
      brokerIds: zone.brokerIds,
    })),
    brokers: spec.kafka.brokers,
    brokersPerZone: plan.brokersPerZone,
    replicationFactor: spec.kafka.replicationFactor,
    partitionsPerBroker: Math.max(1, Math.ceil(replicas / spec.kafka.brokers)),
    instanceType: plan.nodeCapacity.instanceType,
    nodeBaselineMiBps: plan.nodeCapacity.baselineMiBps,
    nodeBurstCeilingMiBps: burstCeilingMiBps(
      plan.nodeCapacity.instanceType,
      plan.nodeCapacity.baselineMiBps,
    ),
    pricePerNodeHourUsd: plan.nodeCapacity.pricePerHourUsd,
    balancedNodeCounts: plan.balancedNodeCounts,
    minNodesPerZone: plan.minNodesPerZone,
    maxNodesPerZone: plan.maxNodesPerZone,
    targetUtilization: spec.autoscaling.targetUtilization,
    deschedulerIntervalSeconds: spec.descheduler.intervalSeconds,
  };
}

/** Network load of one broker, MiB/s per direction, for a cluster-wide producer rate. */
export function brokerLoadMiBps(facts: ClusterFacts, producerMiBps: number): number {
  return (producerMiBps / facts.brokers) * facts.replicationFactor;
}

/**
 * The lowest balanced level per zone at which no node runs above `utilization` of its baseline
 * for this producer rate, or the highest level when none does.
 */
export function levelForDemand(
  facts: ClusterFacts,
  producerMiBps: number,
  utilization: number,
): number {
  const perBroker = brokerLoadMiBps(facts, producerMiBps);
  const limit = facts.nodeBaselineMiBps * utilization;
  for (const level of facts.balancedNodeCounts) {
    if (Math.ceil(facts.brokersPerZone / level) * perBroker <= limit) return level;
  }
  return facts.balancedNodeCounts[facts.balancedNodeCounts.length - 1];
}

/** Producer traffic the cluster carries at a level with no node above `utilization`. */
export function producerCapacityAt(
  facts: ClusterFacts,
  nodesPerZone: number,
  utilization: number,
): number {
  const brokersPerNode = Math.ceil(facts.brokersPerZone / nodesPerZone);
  return (
    (facts.nodeBaselineMiBps * utilization * facts.brokers) /
    (facts.replicationFactor * brokersPerNode)
  );
}
