/**
 * `oracle`: perfect foresight and instant changes. Every minute each zone runs the lowest node
 * count at which no node is above the target utilization, among the counts that spread the brokers
 * best (`efficientNodeCounts`: the balanced levels, plus unbalanced counts where they carry more).
 * A lower bound on node-hours for any strategy that keeps the same margin; it moves no data in
 * time, so its under-replicated minutes and concurrent moves are zero by construction (its broker
 * moves count what the level changes would take).
 */
import { emptyBooks, emptySeries } from '../cluster';
import type { DemandSeries } from '../demand';
import { brokerLoadMiBps, producerCapacityAt, type ClusterFacts } from '../facts';
import type { StrategyRun } from './strategy';

/**
 * The fewest broker moves one zone needs to go from an even spread over `from` nodes to one over
 * `to`: each node added takes at least `floor(brokers / to)` brokers, each node removed gives up at
 * least `floor(brokers / from)`. Exact for balanced levels.
 */
export function movesBetweenLevels(brokersPerZone: number, from: number, to: number): number {
  if (to > from) return (to - from) * Math.floor(brokersPerZone / to);
  if (to < from) return (from - to) * Math.floor(brokersPerZone / from);
  return 0;
}

/**
 * Node counts per zone the oracles may use, ascending: every count from `minNodesPerZone` to
 * `maxNodesPerZone` whose busiest node (`ceil(brokersPerZone / count)` brokers) carries fewer
 * brokers than at every smaller count. Every balanced level (a divisor of `brokersPerZone` in that
 * range) is one; a count between two levels is one when it carries more than the lower level, e.g.
 * 3 for 8 brokers (3 brokers a node where 2 nodes put 4), which target tracking may run. With 4
 * brokers a zone (`stacks/prod.yaml`) they are the balanced levels 1/2/4. The balanced levels when
 * the range is empty.
 */
export function efficientNodeCounts(facts: ClusterFacts): number[] {
  const counts: number[] = [];
  let fewest = Infinity;
  for (let count = facts.minNodesPerZone; count <= facts.maxNodesPerZone; count++) {
    const busiest = Math.ceil(facts.brokersPerZone / count);
    if (busiest < fewest) counts.push(count);
    fewest = Math.min(fewest, busiest);
  }
  return counts.length > 0 ? counts : [...facts.balancedNodeCounts];
}

/**
 * As `levelForDemand`, over `counts` (ascending): the index of the lowest count whose busiest node
 * stays within `utilization` of the baseline at this producer MiB/s, or of the highest count.
 */
export function countIndexForDemand(
  facts: ClusterFacts,
  counts: readonly number[],
  producerMiBps: number,
  utilization: number,
): number {
  const perBroker = brokerLoadMiBps(facts, producerMiBps);
  const limit = facts.nodeBaselineMiBps * utilization;
  const index = counts.findIndex(
    count => Math.ceil(facts.brokersPerZone / count) * perBroker <= limit,
  );
  return index < 0 ? counts.length - 1 : index;
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
  const counts = efficientNodeCounts(facts);
  let previous: number | undefined;
  for (let minute = 0; minute < minutes; minute++) {
    const producer = demand.producerMiBps[minute];
    const level = counts[countIndexForDemand(facts, counts, producer, planUtilization)];
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
