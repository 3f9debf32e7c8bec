/**
 * Numbers derived from the spec, computed once and shared by the charts, the Pulumi components, the
 * controller's configuration and the simulator. Plain functions, no cdk8s or Pulumi.
 */
import { gbpsToMiBps, instanceTypeFacts } from './instance-types';
import type { PlatformSpec } from './schema';

/** Share of a node's memory that pods may request, and what daemonsets take besides. */
const NODE_MEMORY_USABLE_SHARE = 0.85;
const DAEMONSET_MEMORY_GI = 1;
/** Share of a node's CPU that pods may request, and what daemonsets take besides. */
const NODE_CPU_USABLE_SHARE = 0.85;
const DAEMONSET_CPU_MILLIS = 300;
/** Node IDs: controllers use [0, 999]; the pool of zone i uses [(i+1)*1000, (i+1)*1000+999]. */
export const NODE_ID_BLOCK = 1000;
/** Label and taint that mark the Kafka nodegroups' nodes. */
export const KAFKA_NODE_LABEL = 'kafka.platform/nodegroup';
export const KAFKA_NODE_TAINT_KEY = 'kafka.platform/dedicated';

/** All divisors of n in ascending order. */
export function divisors(n: number): number[] {
  const result: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) result.push(d);
  return result;
}

/**
 * Node counts per zone at which every node carries the same number of brokers: the divisors of the
 * brokers per zone, within [minPerZone, maxPerZone].
 */
export function balancedNodeCounts(
  brokersPerZone: number,
  minPerZone: number,
  maxPerZone: number,
): number[] {
  return divisors(brokersPerZone).filter(count => count >= minPerZone && count <= maxPerZone);
}

/** The part of a zone name after its region: `us-east-1a` -> `a`, `us-east-1-bos-1a` -> `bos-1a`. */
export function zoneSuffix(region: string, zone: string): string {
  const rest = zone.startsWith(region) ? zone.slice(region.length) : zone;
  return rest.replace(/^-/, '');
}

export interface NodeIdRange {
  readonly first: number;
  readonly last: number;
}

/** Everything the renderers need to know about one availability zone. */
export interface ZonePlan {
  /** Zone name, for example `us-east-1a`. */
  readonly zone: string;
  /** Position in `spec.zones`. */
  readonly index: number;
  /** Strimzi KafkaNodePool of the zone's brokers, for example `brokers-a`. */
  readonly poolName: string;
  /** Name of the zone's Kafka managed nodegroup, for example `orders-kafka-a`. */
  readonly nodegroupName: string;
  /** Node IDs this zone's pool may use; the ID tells the zone. */
  readonly nodeIdRange: NodeIdRange;
  /** The IDs of the zone's brokers when the cluster is first created. */
  readonly brokerIds: readonly number[];
  /** NLB subnet for this zone's brokers, when pinned. */
  readonly nlbSubnet: string | undefined;
}

/** Resources of one Kafka pod. */
export interface PodResources {
  readonly memoryGi: number;
  readonly cpuMillis: number;
}

/** What one Kafka node can carry. */
export interface NodeCapacity {
  readonly instanceType: string;
  readonly vcpu: number;
  readonly memoryGi: number;
  readonly baselineGbps: number;
  /** Baseline bandwidth in MiB/s, per direction. */
  readonly baselineMiBps: number;
  readonly pricePerHourUsd: number;
}

/** Derived numbers for the whole platform. */
export interface PlatformPlan {
  readonly brokersPerZone: number;
  readonly zones: readonly ZonePlan[];
  /** Node counts per zone with equal brokers on every node, ascending. */
  readonly balancedNodeCounts: readonly number[];
  readonly minNodesPerZone: number;
  readonly maxNodesPerZone: number;
  /** Most brokers one node carries: brokers per zone at the lowest balanced level. */
  readonly mostBrokersPerNode: number;
  readonly nodeCapacity: NodeCapacity;
  readonly brokerResources: PodResources;
  readonly controllerResources: PodResources;
  readonly controllerNodeIdRange: NodeIdRange;
  readonly deschedulerEnabled: boolean;
  /** Kafka nodes' label value selecting the Kafka nodegroups. */
  readonly kafkaNodeLabelValue: string;
  /**
   * Zones the KRaft controllers may run in: the zones of the nodes they run on, the system
   * nodegroup's. `zones` for a new platform; after zones were appended to a deployed one, the
   * zones the system nodegroup kept (it does not spread into appended zones, see
   * spec/system-nodegroup.ts), set by `onSystemNodegroupZones`. A prefix of `zones`, never empty.
   * The controllers' node affinity lists them and their zone spread's `minDomains` counts them
   * (charts/kafka/node-pools.ts `controllerPoolSpec`).
   */
  readonly controllerZones: readonly string[];
}

/** Capacity of one Kafka node: the spec's overrides over the instance table. */
export function nodeCapacityOf(spec: PlatformSpec): NodeCapacity | undefined {
  const kafkaNodes = spec.nodes.kafka;
  const known = instanceTypeFacts(kafkaNodes.instanceType);
  const overrides = kafkaNodes.capacity;
  const vcpu = overrides.vcpu ?? known?.vcpu;
  const memoryGi = overrides.memoryGi ?? known?.memoryGi;
  const baselineGbps = overrides.baselineGbps ?? known?.baselineGbps;
  const pricePerHourUsd = overrides.pricePerHourUsd ?? known?.pricePerHourUsd;
  if (
    vcpu === undefined ||
    memoryGi === undefined ||
    baselineGbps === undefined ||
    pricePerHourUsd === undefined
  ) {
    return undefined;
  }
  return {
    instanceType: kafkaNodes.instanceType,
    vcpu,
    memoryGi,
    baselineGbps,
    baselineMiBps: gbpsToMiBps(baselineGbps),
    pricePerHourUsd,
  };
}

/** Memory (GiB) and CPU (millicores) that pods may request on one node. */
export function podAllocatable(capacity: Pick<NodeCapacity, 'memoryGi' | 'vcpu'>): PodResources {
  return {
    memoryGi: capacity.memoryGi * NODE_MEMORY_USABLE_SHARE - DAEMONSET_MEMORY_GI,
    cpuMillis: Math.floor(capacity.vcpu * 1000 * NODE_CPU_USABLE_SHARE - DAEMONSET_CPU_MILLIS),
  };
}

/** Broker resources that let `brokersPerNode` brokers share one node, rounded down. */
export function brokerResourcesFor(
  capacity: Pick<NodeCapacity, 'memoryGi' | 'vcpu'>,
  brokersPerNode: number,
): PodResources {
  const allocatable = podAllocatable(capacity);
  return {
    memoryGi: Math.floor((allocatable.memoryGi / brokersPerNode) * 4) / 4,
    cpuMillis: Math.floor(allocatable.cpuMillis / brokersPerNode / 50) * 50,
  };
}

/** Effective max nodes per zone: the spec's value or the brokers per zone. */
export function maxNodesPerZone(spec: PlatformSpec): number {
  return spec.nodes.kafka.maxPerZone ?? spec.kafka.brokers / spec.zones.length;
}

/**
 * Derives the plan. Call only on a spec that passed validation (`parseSpec` does both); on an
 * invalid spec the numbers are meaningless.
 */
export function derivePlatform(spec: PlatformSpec): PlatformPlan {
  const brokersPerZone = spec.kafka.brokers / spec.zones.length;
  const maxPerZone = maxNodesPerZone(spec);
  const levels = balancedNodeCounts(brokersPerZone, spec.nodes.kafka.minPerZone, maxPerZone);
  const lowestLevel = levels[0] ?? spec.nodes.kafka.minPerZone;
  const mostBrokersPerNode = Math.ceil(brokersPerZone / lowestLevel);
  const capacity = nodeCapacityOf(spec);
  if (capacity === undefined) {
    throw new Error(
      `no capacity known for ${spec.nodes.kafka.instanceType}; validate the spec first`,
    );
  }
  const derivedBroker = brokerResourcesFor(capacity, mostBrokersPerNode);
  const zones = spec.zones.map((zone, index): ZonePlan => {
    const suffix = zoneSuffix(spec.region, zone);
    const first = (index + 1) * NODE_ID_BLOCK;
    return {
      zone,
      index,
      poolName: `brokers-${suffix}`,
      nodegroupName: `${spec.name}-kafka-${suffix}`,
      nodeIdRange: { first, last: first + NODE_ID_BLOCK - 1 },
      brokerIds: Array.from({ length: brokersPerZone }, (_, i) => first + i),
      nlbSubnet: spec.kafka.external.subnets[zone],
    };
  });
  return {
    brokersPerZone,
    zones,
    balancedNodeCounts: levels,
    minNodesPerZone: spec.nodes.kafka.minPerZone,
    maxNodesPerZone: maxPerZone,
    mostBrokersPerNode,
    nodeCapacity: capacity,
    brokerResources: {
      memoryGi: spec.kafka.brokerResources.memoryGi ?? derivedBroker.memoryGi,
      cpuMillis: spec.kafka.brokerResources.cpuMillis ?? derivedBroker.cpuMillis,
    },
    controllerResources: {
      memoryGi: spec.kafka.controllerResources.memoryGi ?? 2,
      cpuMillis: spec.kafka.controllerResources.cpuMillis ?? 500,
    },
    controllerNodeIdRange: { first: 0, last: NODE_ID_BLOCK - 1 },
    deschedulerEnabled: spec.descheduler.enabled ?? spec.autoscaling.mode === 'target-tracking',
    kafkaNodeLabelValue: `${spec.name}-kafka`,
    controllerZones: [...spec.zones],
  };
}

/**
 * Network load per broker, MiB/s per direction, for a cluster-wide producer rate: each broker takes
 * its share of produce traffic plus (replicationFactor - 1) shares of follower fetches in, and sends
 * about as much out (followers plus one consumer group).
 */
export function brokerNetworkMiBps(
  producerMiBps: number,
  brokers: number,
  replicationFactor: number,
): number {
  return (producerMiBps / brokers) * replicationFactor;
}
