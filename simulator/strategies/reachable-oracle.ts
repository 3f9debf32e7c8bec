/**
 * `reachable-oracle`: perfect foresight, like `oracle`, but every level change pays the least time
 * the model's physics allow, so no strategy that keeps every node within the planned utilization
 * can beat it (at node counts the spec allows).
 *
 * The `oracle` changes levels instantly: it drops a level for a single quiet minute and climbs back
 * the next, which no scaler can do. Here each node added to a zone is billed from its launch, at
 * least `nodeReadySeconds` (it joins) plus `brokerRestartSeconds` (a first broker starts on it)
 * before the higher level can carry anything, and each node removed is billed
 * `instanceShutdownSeconds` after the lower level takes over (EC2 bills a terminating instance until
 * it has shut down). These are lower bounds of what the cluster model charges any strategy: catch-up
 * after a restart, serial moves and metrics lag are left out on purpose, so the bound stays a bound.
 *
 * Within those rules it picks, with dynamic programming over minutes and node counts, the schedule
 * of lowest node-minutes that keeps every node at or under the planned utilization. The counts are
 * every count per zone between the spec's minimum and maximum whose busiest node carries fewer
 * brokers than at any smaller count (`efficientNodeCounts`): the balanced levels, plus unbalanced
 * counts where they carry more, as 3 nodes do for 8 brokers (3 brokers a node, where level 2 puts
 * 4). A strategy that runs such a count (target tracking does) is then still bounded; with 4
 * brokers a zone (`stacks/prod.yaml`) they are exactly the balanced levels 1/2/4, and every minute
 * is at or above the `oracle`'s level. A dip is taken only when it is longer than the round trip
 * costs: with the default timings, 4 node-minutes per node dropped. Its books count like the
 * `oracle`'s: under-replication, concurrent moves and catch-up transfer are zero by construction,
 * and broker moves count what its level changes would take.
 */
import { emptyBooks, emptySeries } from '../cluster';
import type { DemandSeries } from '../demand';
import {
  brokerLoadMiBps,
  producerCapacityAt,
  type ClusterFacts,
  type ModelTimings,
} from '../facts';
import { countIndexForDemand, efficientNodeCounts, movesBetweenLevels } from './oracle';
import type { StrategyRun } from './strategy';

/** Node-minutes a level change costs beyond the minutes at the new level, per node changed. */
export interface LevelChangeCost {
  /** Per node added: billed this long before it carries load, minutes. */
  readonly addMinutes: number;
  /** Per node removed: billed this long after the lower level takes over, minutes. */
  readonly removeMinutes: number;
}

/** The least overhead the model's timings allow (see the module comment). */
export function levelChangeCost(timings: ModelTimings): LevelChangeCost {
  return {
    addMinutes: (timings.nodeReadySeconds + timings.brokerRestartSeconds) / 60,
    removeMinutes: timings.instanceShutdownSeconds / 60,
  };
}

/**
 * The cheapest level schedule, as indexes into `levels`.
 *
 * @param required per minute, the lowest allowed index into `levels` (ascending node counts).
 * @param levels nodes per zone at each index, ascending.
 * @param zones zones that change together (every cost is multiplied by it).
 * @param change overhead per node added or removed, minutes.
 * @returns per minute, the chosen index; the first minute starts at its required level free of
 *   charge, as the `oracle` does. Empty for an empty `required`.
 */
export function cheapestLevelSchedule(
  required: readonly number[],
  levels: readonly number[],
  zones: number,
  change: LevelChangeCost,
): number[] {
  const minutes = required.length;
  const count = levels.length;
  if (minutes === 0) return [];
  const from = new Int32Array(minutes * count);
  let cost = new Float64Array(count).fill(Infinity);
  let next = new Float64Array(count);
  for (let level = required[0]; level < count; level++) {
    cost[level] = level === required[0] ? zones * levels[level] : Infinity;
  }
  for (let minute = 1; minute < minutes; minute++) {
    for (let level = 0; level < count; level++) {
      if (level < required[minute]) {
        next[level] = Infinity;
        continue;
      }
      let best = Infinity;
      let bestFrom = level;
      for (let previous = 0; previous < count; previous++) {
        if (!Number.isFinite(cost[previous])) continue;
        const delta = levels[level] - levels[previous];
        const overhead =
          zones * (delta > 0 ? delta * change.addMinutes : -delta * change.removeMinutes);
        const total = cost[previous] + overhead;
        if (total < best || (total === best && previous === level)) {
          best = total;
          bestFrom = previous;
        }
      }
      next[level] = best + zones * levels[level];
      from[minute * count + level] = bestFrom;
    }
    [cost, next] = [next, cost];
  }
  const schedule = new Array<number>(minutes);
  let level = 0;
  for (let index = 1; index < count; index++) if (cost[index] < cost[level]) level = index;
  for (let minute = minutes - 1; minute >= 0; minute--) {
    schedule[minute] = level;
    if (minute > 0) level = from[minute * count + level];
  }
  return schedule;
}

/**
 * @param planUtilization the share of the baseline the schedule keeps every node under (default
 *   the spec's target); over-target minutes are always counted against the spec's target.
 */
export function runReachableOracle(
  facts: ClusterFacts,
  timings: ModelTimings,
  demand: DemandSeries,
  planUtilization: number = facts.targetUtilization,
): StrategyRun {
  const minutes = demand.producerMiBps.length;
  const zones = facts.zones.length;
  const levels = efficientNodeCounts(facts);
  const required = Array.from(demand.producerMiBps, producer =>
    countIndexForDemand(facts, levels, producer, planUtilization),
  );
  const change = levelChangeCost(timings);
  const schedule = cheapestLevelSchedule(required, levels, zones, change);
  const books = emptyBooks();
  const series = emptySeries(minutes, zones);
  const baseline = facts.nodeBaselineMiBps;
  let previous: number | undefined;
  for (let minute = 0; minute < minutes; minute++) {
    const producer = demand.producerMiBps[minute];
    const level = levels[schedule[minute]];
    books.nodeSeconds += zones * level * 60;
    const nodeLoad = Math.ceil(facts.brokersPerZone / level) * brokerLoadMiBps(facts, producer);
    const nodeSeconds = zones * level * 60;
    if (nodeLoad > baseline) books.overloadedNodeSeconds += nodeSeconds;
    // A level planned above the baseline runs on burst credits: count it throttled (an upper bound).
    if (nodeLoad > baseline) books.throttledNodeSeconds += nodeSeconds;
    if (nodeLoad > baseline * facts.targetUtilization) books.overTargetNodeSeconds += nodeSeconds;
    if (previous !== undefined && previous !== level) {
      const delta = level - previous;
      books.nodeSeconds +=
        zones * 60 * (delta > 0 ? delta * change.addMinutes : -delta * change.removeMinutes);
      books.scalingActions += zones;
      books.brokerMoves += zones * movesBetweenLevels(facts.brokersPerZone, previous, level);
    }
    previous = level;
    series.capacityMiBps[minute] = producerCapacityAt(facts, level, 1);
    for (const zoneSeries of series.nodesPerZone) zoneSeries[minute] = level;
  }
  return { books, series, reasons: {} };
}
