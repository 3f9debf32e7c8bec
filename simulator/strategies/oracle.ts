/**
 * `oracle`: perfect foresight and instant changes. Every minute each zone runs the lowest balanced
 * level at which no node is above the target utilization. A lower bound on node-hours for any
 * strategy that keeps the same margin; it moves no data in time, so its under-replicated minutes
 * and concurrent moves are zero by construction (its broker moves count what the level changes
 * would take).
 */
import { emptyBooks, emptySeries } from '../cluster';
import type { DemandSeries } from '../demand';
import { brokerLoadMiBps, levelForDemand, producerCapacityAt, type ClusterFacts } from '../facts';
import type { StrategyRun } from './strategy';

/** Broker moves one zone needs to go from `from` to `to` balanced nodes. */
export function movesBetweenLevels(brokersPerZone: number, from: number, to: number): number {
  if (to < from) return (from - to) * (brokersPerZone / from);
  if (to > from) return (to - from) * (brokersPerZone / to);
  return 0;
}

/**
 * @param planUtilization the share of the baseline the oracle plans for (default the spec's
 *   target); over-target minutes are always counted against the spec's target.
 */
export function runOracle(
  facts: ClusterFacts,
  demand: DemandSeries,
  planUtilization: number = facts.targetUtilization,
): StrategyRun {
  const minutes = demand.producerMiBps.length;
  const zones = facts.zones.length;
  const books = emptyBooks();
  const series = emptySeries(minutes, facts.zones.length);
  const baseline = facts.nodeBaselineMiBps;
  let previous: number | undefined;
  for (let minute = 0; minute < minutes; minute++) {
    const producer = demand.producerMiBps[minute];
    const level = levelForDemand(facts, producer, planUtilization);
    books.nodeSeconds += zones * level * 60;
    const nodeLoad = Math.ceil(facts.brokersPerZone / level) * brokerLoadMiBps(facts, producer);
    if (nodeLoad > baseline) books.overloadedNodeSeconds += zones * level * 60;
    // A level planned above the baseline runs on burst credits: count it throttled (an upper bound).
    if (nodeLoad > baseline) books.throttledNodeSeconds += zones * level * 60;
    if (nodeLoad > baseline * facts.targetUtilization) {
      books.overTargetNodeSeconds += zones * level * 60;
    }
    if (previous !== undefined && previous !== level) {
      books.scalingActions += zones;
      books.brokerMoves += zones * movesBetweenLevels(facts.brokersPerZone, previous, level);
    }
    previous = level;
    series.capacityMiBps[minute] = producerCapacityAt(facts, level, 1);
    for (const zoneSeries of series.nodesPerZone) zoneSeries[minute] = level;
  }
  return { books, series, reasons: {} };
}
