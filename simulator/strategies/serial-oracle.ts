/**
 * `serial-oracle`: perfect foresight, like `reachable-oracle`, for a strategy that also keeps the
 * controller's rule of at most one broker move in flight across the whole cluster and never
 * terminates a node with a broker on it. It bounds what any such strategy can save, as long as
 * every node stays within the planned utilization.
 *
 * A state is, per zone, the number of nodes that carry brokers, any count from the lowest to the
 * highest of `efficientNodeCounts`; zones may differ, so a short dip may be taken in one zone only.
 * A zone with c such nodes carries as the largest efficient count at most c (3 nodes of 4 brokers
 * carry like 2: the busiest still has 2), and each minute every zone must carry the level the
 * demand requires, as for the other oracles. With the model's timings (`simulator/facts.ts`) n =
 * `nodeReadySeconds`, r = `brokerRestartSeconds`, s = `instanceShutdownSeconds`, in minutes, the
 * least a change into minute t costs, adding A and removing R nodes in all zones together:
 *
 * - **A node added** carries nothing until a broker has moved onto it, so it needs its own first
 *   move, ending before t; it was launched at least n before that move started, so it is billed at
 *   least n + r before t. Moves run one at a time and each takes at least r, so their ends are at
 *   least r apart: at most M = ceil(60 / r) of them end in the minute before t, and the j-th last
 *   one (j = 1..A) ends at best (j - 1) r before t. The nodes are billed A (n + r) +
 *   r A (A - 1) / 2 before t at least.
 * - **A node removed** may be terminated only once its last broker has moved off, and that move
 *   leaves its zone with fewer nodes carrying brokers, a layout only the new minute's demand
 *   allows, so it cannot end before t. At most M such moves end in the minute from t, the j-th
 *   one at best (j - 1) r after t, and each node is billed s more after its move (EC2 bills a
 *   terminating instance until it has shut down): R s + r R (R - 1) / 2 after t at least.
 * - So a change with A > M or R > M is not allowed in one minute: it is spread over several, and
 *   the nodes that joined early, in the zones whose moves ended first, are billed in the minutes
 *   in between. With the default timings (n = 2, r = 1, s = 1) M = 1: each minute at most one
 *   node joins and one leaves, each costs 3 node-minutes (1 after it leaves) as in the reachable
 *   oracle, and the 2 to 4 nodes change of 3 zones (6 first moves) takes 6 minutes, with the
 *   early nodes billed 1 + 2 + 3 + 4 + 5 = 15 node-minutes on top (the reachable oracle bills 18
 *   for the change, this bound 33).
 * - Zones are paired with their new counts in sorted order, which makes A and R both the least
 *   over all pairings (A - R is fixed; A + R is least when sorted).
 * - The first minute may start in any state that carries it, each node above the first minute's
 *   level billed n + r as if it had been added just before the trace began, free of the queue.
 *   Without that, a rise in the trace's first minutes could be out of reach of one node a minute
 *   and no schedule would exist; a strategy that starts at the first minute's level (all but
 *   static) pays at least this.
 *
 * Left out on purpose, so the bound stays a bound (each leaves it at most what a real schedule
 * pays): the other moves of a re-spread (a zone counts its new node as carrying after the first
 * broker lands; with 4 brokers a zone, 1 to 2 nodes moves 2 brokers, and only the first must land
 * first if the demand then allows 3 on a node), moves off a removed node before its last,
 * moves ending in neighbouring minutes crowding each other when r is under 60 s, catch-up after a
 * restart, metrics lag, and a broker's downtime during its move (its new node counts from the
 * move's end). A dip is taken only when it pays, as in `reachable-oracle`.
 *
 * The schedule of least node-minutes is found with `cheapestSchedule` over every multiset of
 * per-zone counts (zones are alike, so which zone runs which count does not matter): 20 states for
 * 3 zones of 1 to 4 nodes. Its books count like the `oracle`'s: under-replication, concurrent moves
 * and catch-up transfer are zero by construction, and broker moves count what its count changes
 * would take (`movesBetweenLevels` per zone changed).
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
import { cheapestSchedule, levelChangeCost, type ScheduleStates } from './reachable-oracle';
import type { StrategyRun } from './strategy';

/**
 * The least node-minutes a change that adds `added` and removes `removed` nodes (all zones
 * together) costs beyond the minutes at the new levels, with one broker move in flight at a time
 * (see the module comment): added (n + r) + r added (added - 1) / 2 + removed s +
 * r removed (removed - 1) / 2, with n, r, s the timings in minutes.
 *
 * @param added nodes that join, in all zones together, >= 0.
 * @param removed nodes that leave, in all zones together, >= 0.
 * @returns node-minutes, 0 when nothing changes.
 */
export function serialChangeMinutes(timings: ModelTimings, added: number, removed: number): number {
  const ready = timings.nodeReadySeconds / 60;
  const restart = timings.brokerRestartSeconds / 60;
  const shutdown = timings.instanceShutdownSeconds / 60;
  return (
    added * (ready + restart) +
    (restart * added * (added - 1)) / 2 +
    removed * shutdown +
    (restart * removed * (removed - 1)) / 2
  );
}

/** Nodes added and removed when zones at `from` go to `to` (node counts, paired in order). */
export function nodesChanged(
  from: readonly number[],
  to: readonly number[],
): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  from.forEach((count, zone) => {
    const delta = to[zone] - count;
    if (delta > 0) added += delta;
    else removed -= delta;
  });
  return { added, removed };
}

/** Every ascending multiset of `zones` values from `values` (ascending), in lexicographic order. */
export function multisets(values: readonly number[], zones: number): number[][] {
  const out: number[][] = [];
  const walk = (prefix: number[], lowest: number): void => {
    if (prefix.length === zones) {
      out.push(prefix);
      return;
    }
    for (let index = lowest; index < values.length; index++) {
      walk([...prefix, values[index]], index);
    }
  };
  walk([], 0);
  return out;
}

/**
 * Most moves that can end within one minute with each at least `brokerRestartSeconds`:
 * ceil(60 / r); unbounded when r is 0.
 */
export function movesPerMinute(timings: ModelTimings): number {
  return timings.brokerRestartSeconds > 0
    ? Math.ceil(60 / timings.brokerRestartSeconds - 1e-9)
    : Infinity;
}

/**
 * The states `serial-oracle` searches.
 *
 * @param levels the efficient counts, ascending (`efficientNodeCounts`).
 * @returns the states for `cheapestSchedule`, and per state its per-zone node counts (ascending).
 */
export function serialStates(
  levels: readonly number[],
  zones: number,
  timings: ModelTimings,
): { states: ScheduleStates; members: number[][] } {
  const counts = Array.from(
    { length: levels[levels.length - 1] - levels[0] + 1 },
    (_, index) => levels[0] + index,
  );
  // The index of the largest efficient count at most c: the level c nodes carry.
  const carriesOf = (count: number): number => {
    let index = 0;
    while (index + 1 < levels.length && levels[index + 1] <= count) index++;
    return index;
  };
  const members = multisets(counts, zones);
  const limit = movesPerMinute(timings);
  const perNode = levelChangeCost(timings).addMinutes;
  const states: ScheduleStates = {
    nodeMinutes: members.map(member => member.reduce((sum, count) => sum + count, 0)),
    carries: members.map(member => carriesOf(member[0])),
    transition: (from, to) => {
      const { added, removed } = nodesChanged(members[from], members[to]);
      if (added > limit || removed > limit) return Infinity;
      return serialChangeMinutes(timings, added, removed);
    },
    // Any state may start: the nodes above the first minute's level are billed their launch and
    // first move, as if made before the trace began, one after the other free of the queue.
    start: (state, first) =>
      members[state].reduce((sum, count) => sum + Math.max(0, count - levels[first]), 0) * perNode,
  };
  return { states, members };
}

/**
 * @param planUtilization the share of the baseline the schedule keeps every node under (default
 *   the spec's target); over-target minutes are always counted against the spec's target.
 */
export function runSerialOracle(
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
  const { states, members } = serialStates(levels, zones, timings);
  const schedule = cheapestSchedule(required, states);
  const books = emptyBooks();
  const series = emptySeries(minutes, zones);
  const baseline = facts.nodeBaselineMiBps;
  for (let minute = 0; minute < minutes; minute++) {
    const member = members[schedule[minute]];
    const perBroker = brokerLoadMiBps(facts, demand.producerMiBps[minute]);
    member.forEach((count, zone) => {
      const nodeSeconds = count * 60;
      books.nodeSeconds += nodeSeconds;
      const nodeLoad = Math.ceil(facts.brokersPerZone / count) * perBroker;
      if (nodeLoad > baseline) books.overloadedNodeSeconds += nodeSeconds;
      // A level planned above the baseline runs on burst credits: count it throttled (an upper bound).
      if (nodeLoad > baseline) books.throttledNodeSeconds += nodeSeconds;
      if (nodeLoad > baseline * facts.targetUtilization) books.overTargetNodeSeconds += nodeSeconds;
      series.nodesPerZone[zone][minute] = count;
    });
    if (minute > 0 && schedule[minute] !== schedule[minute - 1]) {
      const previous = members[schedule[minute - 1]];
      const { added, removed } = nodesChanged(previous, member);
      books.nodeSeconds += 60 * serialChangeMinutes(timings, added, removed);
      previous.forEach((count, zone) => {
        if (count === member[zone]) return;
        books.scalingActions += 1;
        books.brokerMoves += movesBetweenLevels(facts.brokersPerZone, count, member[zone]);
      });
    }
    series.capacityMiBps[minute] = producerCapacityAt(
      facts,
      levels[states.carries[schedule[minute]]],
      1,
    );
  }
  return { books, series, reasons: {} };
}
