/**
 * `serial-oracle`: perfect foresight, like `reachable-oracle`, for a strategy that also keeps the
 * controller's rule of at most one broker move in flight across the whole cluster and never
 * terminates a node with a broker on it. It bounds what any such strategy can save, as long as
 * every node stays within the planned utilization and it rolls a broker only onto a Ready node. A
 * broker left pending, with no node of its zone to go to, is in no layout the bound searches, so
 * its zone may run fewer nodes than any of them: a strategy that parks one there is not bounded.
 * The cluster model bills a pending broker's load to the other zones' brokers
 * (`ClusterModel.loadWeights`) and counts its partitions under-replicated, so parking is no
 * longer free in load or risk; only the node-minutes it saves are outside the bound.
 *
 * A state is the exact layout: per zone, how many brokers each node holds (nodes holding none are
 * not counted), zones as a multiset since they are alike. A minute's demand allows at most
 * `brokersPerNodeAllowed` brokers on a node at the plan; every node of every zone must keep to it,
 * every minute (so 3 brokers on one node and 1 on another carry what 3 a node allows, as the model
 * counts it). With the model's timings (`simulator/facts.ts`) n = `nodeReadySeconds`, r =
 * `brokerRestartSeconds`, s = `instanceShutdownSeconds`, in minutes:
 *
 * - A step moves at most one broker, inside its zone. Moves run one at a time and each takes at
 *   least r, so at most M = ceil(60 / r) begin within a minute (1 with the defaults): a minute is M
 *   steps. The cluster model moves a rolled broker's load onto its Ready target at once (the
 *   source node is relieved and the target loaded in the tick of the roll), so a step's state is
 *   its layout at the step's end, and the move that made it began somewhere in the step.
 * - A move onto a node that held nothing adds that node: it was launched at least n before the
 *   move began, at most a step before the step ends, so it is billed max(0, n - 60 / M s) before
 *   the step it first counts in (1 minute with the defaults). A move that takes a node's last
 *   broker off removes the node: it is billed s after the step it stops counting in begins (EC2
 *   bills a terminating instance until it has shut down, and it cannot be terminated before its
 *   broker was rolled). A node is never terminated with a broker on it, and a layout with fewer
 *   nodes exists only when that minute's demand allows it.
 * - So a level change of all zones is spread over as many steps as it has moves, and the nodes that
 *   joined first are billed while the others wait their turn: 2 to 4 nodes in 3 zones is 6 moves,
 *   6 minutes, 6 + (1 + 2 + 3 + 4 + 5) = 21 node-minutes of overhead (6 in the reachable oracle);
 *   1 to 2 nodes with 4 brokers a zone is 2 moves a zone (4 -> 3+1 -> 2+2), of which the second
 *   may wait while the demand allows 3 brokers on a node. Going down is the mirror image.
 * - The first minute may start in any layout that carries it, free: the model's own starting nodes
 *   cost nothing before the trace begins either. Without it a rise in the trace's first minutes
 *   could be out of reach and no schedule would exist.
 *
 * Left out on purpose, so the bound stays a bound (each leaves it at most what a real schedule
 * pays): catch-up after a restart (the model lets the next roll start only once it is done),
 * metrics lag, the broker's downtime during its move, the tick between a roll and the terminate
 * of the node it emptied, and, with r under 60 s, moves of 40 s beginning twice in a minute. A dip
 * is taken only when it pays (one node of one zone: 2 node-minutes down and up with the defaults).
 * `test/simulator/strategies/serial-oracle-model.test.ts` runs random one-move-at-a-time schedules
 * in the cluster model at the demand they just carry and checks that this bound is below each.
 *
 * The schedule of least node-minutes is found with `cheapestSchedule` over steps and layouts: 35
 * states for 3 zones of 4 brokers. With more than `MAX_LAYOUT_STATES` layouts (8 brokers a zone in
 * 3 zones: 2,024), it falls back to `runSerialCountBound`, a looser bound over node counts per zone
 * (`serialStates`): at most M nodes join and M leave a minute, priced by `serialChangeMinutes`; it
 * counts only the first move onto a node added and the last off a node removed. Books as the
 * `oracle`'s: under-replication, concurrent moves and catch-up transfer are zero by construction;
 * broker moves count the moves of the schedule (the count bound: `movesBetweenLevels` per zone
 * changed).
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
import { cheapestSchedule, type ScheduleStates } from './reachable-oracle';
import type { StrategyRun } from './strategy';

/**
 * The least node-minutes a minute's change that adds `added` and removes `removed` nodes (all zones
 * together) costs beyond the minutes at the new levels (see the module comment). A minute's state
 * is its layout at its end, so a node that joins by a move in the minute is billed from the minute's
 * start but was launched only n before its move, at most a minute earlier, and the i-th join from
 * the minute's end (i from 0) is at least i r before it: sum over i of max(0, n - 1 + i r). The
 * j-th node that leaves (j from 0) does so at least j r after the minute's start and is billed s
 * after: removed s + r removed (removed - 1) / 2. n, r, s are the timings in minutes.
 *
 * @param added nodes that join, in all zones together, >= 0.
 * @param removed nodes that leave, in all zones together, >= 0.
 * @returns node-minutes, 0 when nothing changes.
 */
export function serialChangeMinutes(timings: ModelTimings, added: number, removed: number): number {
  const ready = timings.nodeReadySeconds / 60;
  const restart = timings.brokerRestartSeconds / 60;
  const shutdown = timings.instanceShutdownSeconds / 60;
  let joins = 0;
  for (let index = 0; index < added; index++) joins += Math.max(0, ready - 1 + index * restart);
  return joins + removed * shutdown + (restart * removed * (removed - 1)) / 2;
}

/**
 * Node-minutes a single move's join and leave cost in a schedule of steps `stepMinutes` long whose
 * state is the layout at each step's end: a node joins at most one step before its move began, so
 * it is billed max(0, n - step) before the step it counts in; a node that leaves is billed s after
 * the step it stops counting in begins (its move began no earlier).
 */
export function serialMoveCost(
  timings: ModelTimings,
  stepMinutes: number,
): { joinMinutes: number; leaveMinutes: number } {
  return {
    joinMinutes: Math.max(0, timings.nodeReadySeconds / 60 - stepMinutes),
    leaveMinutes: timings.instanceShutdownSeconds / 60,
  };
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
export function multisets<T>(values: readonly T[], zones: number): T[][] {
  const out: T[][] = [];
  const walk = (prefix: T[], lowest: number): void => {
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
 * The count states of the fallback bound (`runSerialCountBound`): per zone a node count from the
 * lowest to the highest level, zones as a multiset; at most `movesPerMinute` nodes join and as
 * many leave a minute, priced by `serialChangeMinutes`.
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
  const states: ScheduleStates = {
    nodeMinutes: members.map(member => member.reduce((sum, count) => sum + count, 0)),
    carries: members.map(member => carriesOf(member[0])),
    transition: (from, to) => {
      const { added, removed } = nodesChanged(members[from], members[to]);
      if (added > limit || removed > limit) return Infinity;
      return serialChangeMinutes(timings, added, removed);
    },
    // Any state may start, free: nodes there before the trace began cost nothing before it, as the
    // cluster model's own starting nodes do not.
    start: () => 0,
  };
  return { states, members };
}

/** A zone's layout: the brokers on each node that holds any, descending. */
export type ZoneLayout = readonly number[];

/**
 * Every layout of `brokers` brokers on `fewest` to `most` nodes (each node holding at least one),
 * descending within, in a fixed order. These are the integer partitions of `brokers`.
 */
export function zoneLayouts(brokers: number, fewest: number, most: number): number[][] {
  const out: number[][] = [];
  const walk = (prefix: number[], left: number, largest: number): void => {
    if (left === 0) {
      if (prefix.length >= fewest) out.push(prefix);
      return;
    }
    if (prefix.length === most) return;
    for (let part = Math.min(left, largest); part >= 1; part--) {
      walk([...prefix, part], left - part, part);
    }
  };
  walk([], brokers, brokers);
  return out;
}

/** One broker move inside a zone: the layout after it, and whether a node joined or left. */
export interface ZoneMove {
  readonly layout: number[];
  /** The move went to a node that held no broker (a node added). */
  readonly joined: boolean;
  /** The move took the last broker off its node (a node removed). */
  readonly left: boolean;
}

/** Every layout one broker move away from `layout`, within `fewest` to `most` nodes. */
export function oneMoveAway(layout: ZoneLayout, fewest: number, most: number): ZoneMove[] {
  const out = new Map<string, ZoneMove>();
  for (let source = 0; source < layout.length; source++) {
    for (let target = 0; target <= layout.length; target++) {
      if (target === source) continue;
      const next = [...layout, 0];
      next[source] -= 1;
      next[target] += 1;
      const kept = next.filter(part => part > 0).sort((a, b) => b - a);
      if (kept.length < fewest || kept.length > most) continue;
      const move = { layout: kept, joined: target === layout.length, left: layout[source] === 1 };
      const key = `${kept.join(',')}|${move.joined}|${move.left}`;
      if (kept.join() !== [...layout].join() && !out.has(key)) out.set(key, move);
    }
  }
  return [...out.values()];
}

/** Most layout states the exact search takes; beyond, the count states (`serialStates`). */
export const MAX_LAYOUT_STATES = 400;

/** The largest brokers per node the plan allows at this producer rate (at least the top level's). */
export function brokersPerNodeAllowed(
  facts: ClusterFacts,
  levels: readonly number[],
  producerMiBps: number,
  utilization: number,
): number {
  const perBroker = brokerLoadMiBps(facts, producerMiBps);
  const limit = facts.nodeBaselineMiBps * utilization;
  const top = Math.ceil(facts.brokersPerZone / levels[levels.length - 1]);
  let allowed = 0;
  for (let brokers = 1; brokers <= facts.brokersPerZone; brokers++) {
    if (brokers * perBroker <= limit) allowed = brokers;
  }
  return Math.max(allowed, top);
}

/**
 * The exact-layout states: per zone the brokers on each node, zones as a multiset, one broker move
 * a step (`stepsPerMinute` steps a minute). `carries` is brokers per zone minus the busiest node's
 * brokers, so a step's requirement is brokers per zone minus `brokersPerNodeAllowed`.
 *
 * @returns undefined when there are more than `MAX_LAYOUT_STATES` states.
 */
export function layoutStates(
  facts: ClusterFacts,
  levels: readonly number[],
  timings: ModelTimings,
):
  | {
      states: ScheduleStates;
      members: number[][][];
      stepsPerMinute: number;
      moveOf: (from: number, to: number) => ZoneMove | undefined;
    }
  | undefined {
  const zones = facts.zones.length;
  const brokers = facts.brokersPerZone;
  const fewest = levels[0];
  const most = Math.min(brokers, Math.max(facts.maxNodesPerZone, levels[levels.length - 1]));
  const layouts = zoneLayouts(brokers, fewest, most);
  const layoutIndex = new Map(layouts.map((layout, index) => [layout.join(), index]));
  const indexes = Array.from({ length: layouts.length }, (_, index) => index);
  const memberIndexes = multisets(indexes, zones);
  if (memberIndexes.length > MAX_LAYOUT_STATES) return undefined;
  const stateOf = new Map(memberIndexes.map((member, index) => [member.join(), index]));
  const stepsPerMinute = Math.min(movesPerMinute(timings), brokers * zones);
  const perStep = 1 / stepsPerMinute;
  const { joinMinutes, leaveMinutes } = serialMoveCost(timings, perStep);
  // Per state, the states one move away, with the move.
  const moves = memberIndexes.map(member => {
    const next = new Map<number, ZoneMove>();
    member.forEach((layout, zone) => {
      for (const move of oneMoveAway(layouts[layout], fewest, most)) {
        const changed = [...member];
        changed[zone] = layoutIndex.get(move.layout.join()) ?? -1;
        const state = stateOf.get(changed.sort((a, b) => a - b).join());
        if (state === undefined) continue;
        const known = next.get(state);
        const price = (move.joined ? joinMinutes : 0) + (move.left ? leaveMinutes : 0);
        const knownPrice = known
          ? (known.joined ? joinMinutes : 0) + (known.left ? leaveMinutes : 0)
          : Infinity;
        if (price < knownPrice) next.set(state, move);
      }
    });
    return next;
  });
  const members = memberIndexes.map(member => member.map(layout => layouts[layout]));
  const nodesOf = (member: number[][]) => member.reduce((sum, layout) => sum + layout.length, 0);
  const states: ScheduleStates = {
    nodeMinutes: members.map(member => nodesOf(member) * perStep),
    carries: members.map(member => brokers - Math.max(...member.map(layout => layout[0]))),
    transition: (from, to) => {
      const move = moves[from].get(to);
      if (move === undefined) return Infinity;
      return (move.joined ? joinMinutes : 0) + (move.left ? leaveMinutes : 0);
    },
    // Any state may start, free: nodes there before the trace began cost nothing before it, as the
    // cluster model's own starting nodes do not.
    start: () => 0,
  };
  return { states, members, stepsPerMinute, moveOf: (from, to) => moves[from].get(to) };
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
  const levels = efficientNodeCounts(facts);
  const exact = layoutStates(facts, levels, timings);
  if (exact === undefined) return runSerialCountBound(facts, timings, demand, planUtilization);
  const { states, members, stepsPerMinute, moveOf } = exact;
  const minutes = demand.producerMiBps.length;
  const zones = facts.zones.length;
  const brokers = facts.brokersPerZone;
  const required: number[] = [];
  for (const producer of demand.producerMiBps) {
    const need = brokers - brokersPerNodeAllowed(facts, levels, producer, planUtilization);
    for (let step = 0; step < stepsPerMinute; step++) required.push(need);
  }
  const schedule = cheapestSchedule(required, states);
  const books = emptyBooks();
  const series = emptySeries(minutes, zones);
  const baseline = facts.nodeBaselineMiBps;
  const stepSeconds = 60 / stepsPerMinute;
  for (let step = 0; step < schedule.length; step++) {
    const minute = Math.floor(step / stepsPerMinute);
    const member = members[schedule[step]];
    const perBroker = brokerLoadMiBps(facts, demand.producerMiBps[minute]);
    let busiest = 0;
    member.forEach((layout, zone) => {
      books.nodeSeconds += layout.length * stepSeconds;
      for (const held of layout) {
        const nodeLoad = held * perBroker;
        if (nodeLoad > baseline) books.overloadedNodeSeconds += stepSeconds;
        // A layout planned above the baseline runs on burst credits: count it throttled (an upper bound).
        if (nodeLoad > baseline) books.throttledNodeSeconds += stepSeconds;
        if (nodeLoad > baseline * facts.targetUtilization) {
          books.overTargetNodeSeconds += stepSeconds;
        }
      }
      busiest = Math.max(busiest, layout[0]);
      if (step % stepsPerMinute === 0) series.nodesPerZone[zone][minute] = layout.length;
    });
    if (step % stepsPerMinute === 0) {
      series.capacityMiBps[minute] =
        (baseline * facts.brokers) / (facts.replicationFactor * busiest);
    }
    if (step > 0 && schedule[step] !== schedule[step - 1]) {
      const move = moveOf(schedule[step - 1], schedule[step]);
      books.nodeSeconds += 60 * states.transition(schedule[step - 1], schedule[step]);
      books.brokerMoves += 1;
      if (move?.joined === true) books.scalingActions += 1;
      if (move?.left === true) books.scalingActions += 1;
    }
  }
  if (schedule.length > 0) books.nodeSeconds += 60 * states.start(schedule[0], required[0]);
  return { books, series, reasons: {} };
}

/**
 * The count-state bound (`serialStates`): used when the exact layouts are too many (more than
 * `MAX_LAYOUT_STATES` states, e.g. 8 brokers a zone in 3 zones). Looser: it counts only the first
 * move onto each node added and the last off each node removed.
 */
export function runSerialCountBound(
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
  if (minutes > 0) books.nodeSeconds += 60 * states.start(schedule[0], required[0]);
  return { books, series, reasons: {} };
}
