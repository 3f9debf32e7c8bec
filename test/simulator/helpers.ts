/** Small hand-made platforms and loads for the simulator tests. */
import type { DemandSeries } from '../../simulator/demand';
import { DEFAULT_TIMINGS, type ClusterFacts, type ModelTimings } from '../../simulator/facts';

export const START_MS = Date.UTC(2024, 0, 1);

/**
 * One or more zones of `brokersPerZone` brokers, replication factor 1 and a 100 MiB/s baseline, so
 * a broker's load equals producer traffic / brokers and node utilization is easy to read.
 */
export function tinyFacts(overrides: Partial<ClusterFacts> = {}): ClusterFacts {
  const zoneCount = overrides.zones?.length ?? 1;
  const brokersPerZone = overrides.brokersPerZone ?? 2;
  const zones =
    overrides.zones ??
    Array.from({ length: zoneCount }, (_, index) => ({
      zone: `test-${index}`,
      poolName: `brokers-${index}`,
      groupName: `group-${index}`,
      suffix: String(index),
      brokerIds: Array.from({ length: brokersPerZone }, (__, i) => (index + 1) * 1000 + i),
    }));
  return {
    clusterName: 'tiny',
    brokers: brokersPerZone * zones.length,
    brokersPerZone,
    replicationFactor: 1,
    partitionsPerBroker: 10,
    instanceType: 'test.large',
    nodeBaselineMiBps: 100,
    nodeBurstCeilingMiBps: 100,
    pricePerNodeHourUsd: 1,
    balancedNodeCounts: [1, 2],
    minNodesPerZone: 1,
    maxNodesPerZone: 2,
    targetUtilization: 0.6,
    deschedulerIntervalSeconds: 300,
    ...overrides,
    zones,
  };
}

export function timings(overrides: Partial<ModelTimings> = {}): ModelTimings {
  return { ...DEFAULT_TIMINGS, ...overrides };
}

/** A demand series from per-minute producer MiB/s values. */
export function series(values: readonly number[], source = 'test'): DemandSeries {
  return { startMs: START_MS, producerMiBps: Float64Array.from(values), source };
}

/** `minutes` minutes at `value`. */
export function flat(value: number, minutes: number): number[] {
  return Array.from({ length: minutes }, () => value);
}
