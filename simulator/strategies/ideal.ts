/**
 * `ideal`: the physical limit. Fractional nodes that carry the demand at exactly 100% of their
 * baseline: no granularity, no margin, no delays. Only node-hours (and cost) mean anything here;
 * the other counters stay zero because there is no placement to count.
 */
import type { ClusterBooks, MinuteSeries } from '../cluster';
import type { DemandSeries } from '../demand';
import { brokerLoadMiBps, type ClusterFacts } from '../facts';
import type { StrategyRun } from './strategy';

export function runIdeal(facts: ClusterFacts, demand: DemandSeries): StrategyRun {
  const minutes = demand.producerMiBps.length;
  const zones = facts.zones.length;
  const books: ClusterBooks = {
    nodeSeconds: 0,
    overloadedNodeSeconds: 0,
    overTargetNodeSeconds: 0,
    underReplicatedSeconds: 0,
    brokerMoves: 0,
    maxConcurrentMoves: 0,
    scalingActions: 0,
  };
  const series: MinuteSeries = {
    capacityMiBps: new Float64Array(minutes),
    nodesPerZone: facts.zones.map(() => new Float64Array(minutes)),
  };
  for (let minute = 0; minute < minutes; minute++) {
    const producer = demand.producerMiBps[minute];
    const clusterLoad = brokerLoadMiBps(facts, producer) * facts.brokers;
    const nodes = clusterLoad / facts.nodeBaselineMiBps;
    books.nodeSeconds += nodes * 60;
    series.capacityMiBps[minute] = producer;
    for (const zoneSeries of series.nodesPerZone) zoneSeries[minute] = nodes / zones;
  }
  return { books, series, reasons: {} };
}
