/**
 * `ideal`: the physical limit. Fractional nodes that carry the demand at exactly 100% of their
 * baseline: no granularity, no margin, no delays. Only node-hours (and cost) mean anything here;
 * the other counters stay zero because there is no placement to count.
 */
import { emptyBooks, emptySeries } from '../cluster';
import type { DemandSeries } from '../demand';
import { brokerLoadMiBps, type ClusterFacts } from '../facts';
import type { StrategyRun } from './strategy';

export function runIdeal(facts: ClusterFacts, demand: DemandSeries): StrategyRun {
  const minutes = demand.producerMiBps.length;
  const zones = facts.zones.length;
  const books = emptyBooks();
  const series = emptySeries(minutes, facts.zones.length);
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
