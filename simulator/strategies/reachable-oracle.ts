/**
 * `reachable-oracle`: perfect foresight, like `oracle`, but every level change pays the least time
 * the model's physics allow, so no strategy that keeps every node within the planned utilization
 * can beat it (at node counts the spec allows).
 *
 * The `oracle` changes levels instantly: it drops a level for a single quiet minute and climbs back
 * the next, which no scaler can do. Here a minute's level is the one at its end. The cluster model
 * moves a broker's load onto its target the moment the broker is rolled (the target must be Ready),
 * so each node added to a zone was launched at least `nodeReadySeconds` before its move began, at
 * most a minute before the minute it first counts in ends: it is billed max(0, n - 1 minute) before
 * that minute. Each node removed is billed `instanceShutdownSeconds` after the minute it stops
 * counting in begins (EC2 bills a terminating instance until it has shut down). These are lower
 * bounds of what the cluster model charges any strategy: catch-up after a restart, serial moves
 * and metrics lag are left out on purpose, so the bound stays a bound.
 *
 * Within those rules it picks, with dynamic programming over minutes and node counts, the schedule
 * of lowest node-minutes that keeps every node at or under the planned utilization. The counts are
 * every count per zone between the spec's minimum and maximum whose busiest node carries fewer
 * brokers than at any smaller count (`efficientNodeCounts`): the balanced levels, plus unbalanced
 * counts where they carry more, as 3 nodes do for 8 brokers (3 brokers a node, where level 2 puts
 * 4). A strategy that runs such a count (target tracking does) is then still bounded; with 4
 * brokers a zone (`stacks/prod.yaml`) they are exactly the balanced levels 1/2/4, and every minute
 * is at or above the `oracle`'s level. A dip is taken only when it is longer than the round trip
 * costs: with the default timings, 2 node-minutes per node dropped. Its books count like the
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

/**
 * The least overhead the model's timings allow (see the module comment). A minute's level is the
 * layout at its end, and the cluster model moves a broker's load onto its (Ready) target the moment
 * it is rolled, so a node that carries by the end of a minute was launched at least n before a
 * move in that minute began, at most a minute before the minute's end: billed max(0, n - 1 minute)
 * before the minute. A node removed by a move in a minute is billed s after the minute's start.
 */
export function levelChangeCost(timings: ModelTimings): LevelChangeCost {
  return {
    addMinutes: Math.max(0, timings.nodeReadySeconds / 60 - 1),
    removeMinutes: timings.instanceShutdownSeconds / 60,
  };
}

/**
 * States a cheapest-schedule search walks through, and what each one costs and carries.
 *
 * A state is whatever one minute of a schedule may look like: for `reachable-oracle`, one level in
 * every zone; for `serial-oracle`, one level per zone, zones free to differ.
 */
export interface ScheduleStates {
  /** Per state, the node-minutes one minute in it bills (all zones together). */
  readonly nodeMinutes: readonly number[];
  /**
   * Per state, the highest required level index it honours: a state may run in a minute whose
   * required index is at most this (for a state of levels per zone, its lowest zone's index).
   */
  readonly carries: readonly number[];
  /**
   * Node-minutes a change from state `from` to state `to` costs on top of the minutes in `to`
   * (0 when `from === to`); `Infinity` forbids the change. Called once per pair.
   */
  readonly transition: (from: number, to: number) => number;
  /**
   * Node-minutes on top of its own minute for starting the first minute in `state`, given the first
   * minute's required index; `Infinity` forbids that start.
   */
  readonly start: (state: number, required: number) => number;
}

/**
 * The cheapest schedule over `states`: dynamic programming over minutes, each minute in a state
 * that carries its required index, each change paying `states.transition`. Ties keep the state the
 * schedule is in.
 *
 * @param required per minute, the lowest allowed level index.
 * @returns per minute, the chosen state index; empty for an empty `required`.
 * @throws Error when no allowed start state carries the first minute's requirement.
 */
/**
 * Per state `to` (0 to `count` - 1), the states it may be reached from in one step, itself first
 * (at price 0), and the price of each change (`states.transition`; changes priced Infinity are left
 * out).
 */
export function reachableFrom(
  states: Pick<ScheduleStates, 'transition'>,
  count: number,
): { readonly sources: Int32Array[]; readonly prices: Float64Array[] } {
  const sources: Int32Array[] = [];
  const prices: Float64Array[] = [];
  for (let to = 0; to < count; to++) {
    const fromList = [to];
    const priceList = [0];
    for (let from = 0; from < count; from++) {
      if (from === to) continue;
      const price = states.transition(from, to);
      if (price === Infinity) continue;
      fromList.push(from);
      priceList.push(price);
    }
    sources.push(Int32Array.from(fromList));
    prices.push(Float64Array.from(priceList));
  }
  return { sources, prices };
}

export function cheapestSchedule(required: readonly number[], states: ScheduleStates): number[] {
  const minutes = required.length;
  const count = states.nodeMinutes.length;
  if (minutes === 0) return [];
  const { sources, prices } = reachableFrom(states, count);
  const from = new Int32Array(minutes * count);
  let cost = new Float64Array(count).fill(Infinity);
  let next = new Float64Array(count);
  for (let state = 0; state < count; state++) {
    if (states.carries[state] < required[0]) continue;
    cost[state] = states.nodeMinutes[state] + states.start(state, required[0]);
  }
  if (!cost.some(Number.isFinite)) {
    throw new Error(`no allowed start state carries required level ${required[0]}`);
  }
  for (let minute = 1; minute < minutes; minute++) {
    for (let state = 0; state < count; state++) {
      if (states.carries[state] < required[minute]) {
        next[state] = Infinity;
        continue;
      }
      const stateSources = sources[state];
      const statePrices = prices[state];
      // Staying comes first, so a tie keeps the state.
      let best = cost[state];
      let bestFrom = state;
      for (let index = 1; index < stateSources.length; index++) {
        const total = cost[stateSources[index]] + statePrices[index];
        if (total < best) {
          best = total;
          bestFrom = stateSources[index];
        }
      }
      next[state] = best + states.nodeMinutes[state];
      from[minute * count + state] = bestFrom;
    }
    [cost, next] = [next, cost];
  }
  const schedule = new Array<number>(minutes);
  let state = 0;
  for (let index = 1; index < count; index++) if (cost[index] < cost[state]) state = index;
  for (let minute = minutes - 1; minute >= 0; minute--) {
    schedule[minute] = state;
    if (minute > 0) state = from[minute * count + state];
  }
  return schedule;
}

/**
 * The cheapest level schedule, as indexes into `levels`: `cheapestSchedule` with one level in
 * every zone and a cost per node added or removed.
 *
 * @param required per minute, the lowest allowed index into `levels` (ascending node counts).
 * @param levels nodes per zone at each index, ascending.
 * @param zones zones that change together (every cost is multiplied by it).
 * @param change overhead per node added or removed, minutes.
 * @returns per minute, the chosen index; the first minute starts at any level that carries it,
 *   free of charge. Empty for an empty `required`.
 */
export function cheapestLevelSchedule(
  required: readonly number[],
  levels: readonly number[],
  zones: number,
  change: LevelChangeCost,
): number[] {
  return cheapestSchedule(required, {
    nodeMinutes: levels.map(level => zones * level),
    carries: levels.map((_, index) => index),
    transition: (from, to) => {
      const delta = levels[to] - levels[from];
      return zones * (delta > 0 ? delta * change.addMinutes : -delta * change.removeMinutes);
    },
    // Any level that carries the first minute may start, free: nodes there before the trace began
    // cost nothing before it, as the cluster model's own starting nodes do not.
    start: () => 0,
  });
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
