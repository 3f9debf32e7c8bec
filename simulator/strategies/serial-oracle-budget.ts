/**
 * The `serial-oracle` bound at a risk budget: the least node cost of any strategy that may run up
 * to B over-target node-minutes, by Lagrangian relaxation.
 *
 * `serial-oracle` bounds what a strategy saves only while every node stays within the planned
 * (target) utilization. A strategy that runs some node-minutes over the target (the controller
 * does) is outside that claim. This module widens it to every strategy that, in `serial-oracle`'s
 * model (its module comment: exact layouts, one broker move in flight across the cluster, at most
 * ceil(60 / r) moves beginning a minute, no node terminated with a broker on it, brokers rolled
 * only onto Ready nodes, the same node billing):
 *
 * - runs at most B over-target node-minutes, counted as `simulator/cluster.ts` counts them for
 *   every strategy: a Ready node whose load (brokers on it x one broker's load at that minute's
 *   demand) is above baseline x `targetUtilization` x (1 + 1e-9), per node and tick;
 * - never has a node above its baseline (load above baseline x (1 + 1e-9)). So the bound covers a
 *   run only when that run had 0 above-baseline node-minutes (`overloadedNodeMinutes`); a run
 *   that went above its baseline is outside it.
 *
 * Derivation (weak duality). Let S be the schedules of that model, N(x) a schedule's node-minutes
 * and O(x) its over-target node-minutes. For any lambda >= 0 and any x in S with O(x) <= B:
 * N(x) >= N(x) + lambda (O(x) - B) >= L(lambda) - lambda B, where L(lambda) is the least
 * N + lambda O over S, or over any larger set (a relaxation only lowers L, so the bound stays a
 * bound). So every lambda gives a lower bound on the cost of every schedule within the budget, and
 * the largest one tried is the answer. L is a minimum of lines in lambda, so L(lambda) - lambda B
 * is concave and piecewise linear; `serialBudgetBound` finds its maximum by intersecting the lines
 * of the minimisers on either side of it. Schedules move whole brokers, so the bound may be below
 * the cheapest schedule within B (a duality gap: in the tests, 6.2 node-minutes where the cheapest
 * schedule within the budget costs 8); it is a bound, not a schedule.
 *
 * L(lambda) is the `serial-oracle` search over steps and layouts, with its states, moves and
 * charges (`layoutStates`: a step's state is its layout at the step's end, a node added billed
 * max(0, n - step) ahead, one removed s after, the first layout free), and two changes:
 *
 * - a step's layout must keep every node within its baseline at that step's demand (not the
 *   target); when demand is so high that no layout does, the most spread-out layouts are allowed
 *   (a relaxation);
 * - each step adds lambda x the over-target node-minutes charged to it (`overTargetCharge`).
 *
 * What a step is charged. The run holds the previous step's layout until its move begins, at one
 * of the step's ticks, and the layout the move makes from that tick to the step's end (the model
 * moves a rolled broker's load onto its Ready target in the tick of the roll). So where the move
 * cools (or there is none) the run may count the new layout's over-target nodes for the whole
 * step, and where it heats the old layout's for all of it but its last tick: the step is charged
 * the least of those (with a 10 s tick and one step a minute, 1/6 minute of the new count). When
 * ticks do not divide a step, the new layout's share is taken as 0 (the cooler of the two). The
 * layout before the first step is taken as within the target (0 over). Each charge is at most
 * what the run counts in that step, so O(schedule) <= the run's over-target minutes, and a run
 * within B maps to a schedule within B. At B = 0 only schedules whose every step ends within the
 * target are left (a heating move is charged at least one tick), so the bound equals
 * `serial-oracle`'s cost there.
 *
 * Tests: brute force over every schedule of the step model, counted from its rules, on tiny
 * platforms; and random one-move-at-a-time scripts run in `cluster.ts` over the target (never
 * above the baseline), where the bound at each run's own over-target minutes bills no more than
 * the run (`test/simulator/strategies/serial-oracle-model.test.ts`).
 *
 * Not covered: where the exact layouts are too many (`MAX_LAYOUT_STATES`) there is no bound here:
 * `budgetProblem` returns undefined.
 */
import type { DemandSeries } from '../demand';
import { brokerLoadMiBps, type ClusterFacts, type ModelTimings } from '../facts';
import { efficientNodeCounts } from './oracle';
import { reachableFrom } from './reachable-oracle';
import { layoutStates } from './serial-oracle';

/** The `cluster.ts` tolerance on its above-target and above-baseline tests. */
const EPSILON = 1e-9;

/**
 * The most brokers one node may hold at `producerMiBps` without its load going above
 * `share` x baseline, counted as `cluster.ts` does (load > baseline x share x (1 + 1e-9)).
 *
 * @returns 0 to `brokersPerZone`.
 */
export function brokersWithin(facts: ClusterFacts, producerMiBps: number, share: number): number {
  const perBroker = brokerLoadMiBps(facts, producerMiBps);
  const limit = facts.nodeBaselineMiBps * share * (1 + EPSILON);
  let most = 0;
  for (let brokers = 1; brokers <= facts.brokersPerZone; brokers++) {
    if (brokers * perBroker <= limit) most = brokers;
  }
  return most;
}

/** Everything the inner minimum needs, built once per series (`budgetProblem`). */
export interface BudgetProblem {
  /** Steps of the schedule (minutes x steps per minute). */
  readonly steps: number;
  /** Node-minutes of one step per state (`layoutStates`' `nodeMinutes`). */
  readonly stepNodeMinutes: Float64Array;
  /** Minutes per step (1 / steps per minute). */
  readonly stepMinutes: number;
  /**
   * The least share of a step the layout a move makes holds within that step: one tick of the
   * step (`tickSeconds` / step seconds) when ticks divide the step, else 0.
   */
  readonly newLayoutShare: number;
  /**
   * Per state, the states one move away (the state itself first) and each move's node-minutes
   * (`layoutStates`' `transition`).
   */
  readonly sources: readonly Int32Array[];
  readonly prices: readonly Float64Array[];
  /** Per state and threshold k (0..brokersPerZone): nodes holding more than k brokers. */
  readonly over: readonly Int32Array[];
  /** Per state, the busiest node's brokers. */
  readonly busiest: Int32Array;
  /** Per step, the most brokers a node holds within the target / within the baseline. */
  readonly withinTarget: Int32Array;
  readonly withinBaseline: Int32Array;
  /** Per state, node-minutes billed before the first step (`layoutStates`' `start`: 0). */
  readonly start: Float64Array;
}

/**
 * Builds the problem for `demand` (per-minute producer MiB/s) on `facts` with `timings`: the
 * `serial-oracle` states, moves and charges (`layoutStates`), plus what the penalty needs.
 *
 * @returns undefined where `layoutStates` has more than `MAX_LAYOUT_STATES` states.
 */
export function budgetProblem(
  facts: ClusterFacts,
  timings: ModelTimings,
  demand: DemandSeries,
): BudgetProblem | undefined {
  const levels = efficientNodeCounts(facts);
  const exact = layoutStates(facts, levels, timings);
  if (exact === undefined) return undefined;
  const { states, members, stepsPerMinute } = exact;
  const count = members.length;
  const brokers = facts.brokersPerZone;
  const { sources, prices } = reachableFrom(states, count);
  const over = members.map(member =>
    Int32Array.from({ length: brokers + 1 }, (_, k) =>
      member.reduce((sum, layout) => sum + layout.filter(held => held > k).length, 0),
    ),
  );
  const busiest = Int32Array.from(members, member => Math.max(...member.map(layout => layout[0])));
  const spreadOut = Math.min(...busiest);
  const minutes = demand.producerMiBps.length;
  const steps = minutes * stepsPerMinute;
  const withinTarget = new Int32Array(steps);
  const withinBaseline = new Int32Array(steps);
  for (let minute = 0; minute < minutes; minute++) {
    const producer = demand.producerMiBps[minute];
    const target = brokersWithin(facts, producer, facts.targetUtilization);
    const baseline = Math.max(spreadOut, brokersWithin(facts, producer, 1));
    for (let step = 0; step < stepsPerMinute; step++) {
      withinTarget[minute * stepsPerMinute + step] = target;
      withinBaseline[minute * stepsPerMinute + step] = baseline;
    }
  }
  const ticksPerStep = 60 / stepsPerMinute / timings.tickSeconds;
  const whole = Math.round(ticksPerStep);
  const newLayoutShare = whole >= 1 && Math.abs(ticksPerStep - whole) < 1e-9 ? 1 / whole : 0;
  return {
    steps,
    stepNodeMinutes: Float64Array.from(states.nodeMinutes),
    stepMinutes: 1 / stepsPerMinute,
    newLayoutShare,
    sources,
    prices,
    over,
    busiest,
    withinTarget,
    withinBaseline,
    start: Float64Array.from(members, (_, state) => states.start(state, 0)),
  };
}

/**
 * The over-target node-minutes a step is charged when its layout goes from one with `before`
 * nodes over the target (at this step's demand) to one with `after` (module comment): the least
 * the run's own count can be wherever in the step the move began. A move that cools (or none) is
 * charged `after` for the whole step (it may have begun at the step's start); one that heats, the
 * old count for the step but its last tick (it may have begun then).
 *
 * @param newLayoutShare the least share of the step the new layout holds (`BudgetProblem`).
 * @returns node-minutes.
 */
export function overTargetCharge(
  before: number,
  after: number,
  stepMinutes: number,
  newLayoutShare: number,
): number {
  const nodes = after <= before ? after : before + (after - before) * newLayoutShare;
  return nodes * stepMinutes;
}

/** One evaluation of the inner minimum at a penalty. */
export interface LagrangianPoint {
  /** Penalty per over-target node-minute, in node-minutes. */
  readonly lambda: number;
  /** L(lambda): the least node-minutes + lambda x over-target node-minutes. */
  readonly value: number;
  /** A minimiser's node-minutes and (charged) over-target node-minutes; value = nodes + lambda over. */
  readonly nodeMinutes: number;
  readonly overTargetNodeMinutes: number;
}

/**
 * L(lambda) over `problem`: the `serial-oracle` search over steps and layouts with every node
 * within its baseline (not the target) at each step's end, plus lambda x each step's
 * `overTargetCharge` (the first step's layout before is taken as within the target).
 *
 * @param lambda node-minutes per over-target node-minute, >= 0.
 * @throws Error when no layout keeps a step's requirement (cannot happen: the most spread-out
 *   layouts are always allowed).
 */
export function lagrangianMinimum(problem: BudgetProblem, lambda: number): LagrangianPoint {
  const { steps, stepNodeMinutes, stepMinutes, newLayoutShare, sources, prices, over, busiest } =
    problem;
  const count = stepNodeMinutes.length;
  if (steps === 0) return { lambda, value: 0, nodeMinutes: 0, overTargetNodeMinutes: 0 };
  let value = new Float64Array(count);
  let nodes = new Float64Array(count);
  let overs = new Float64Array(count);
  let nextValue = new Float64Array(count);
  let nextNodes = new Float64Array(count);
  let nextOvers = new Float64Array(count);
  const firstTarget = problem.withinTarget[0];
  for (let state = 0; state < count; state++) {
    if (busiest[state] > problem.withinBaseline[0]) {
      value[state] = Infinity;
      continue;
    }
    const charged = overTargetCharge(0, over[state][firstTarget], stepMinutes, newLayoutShare);
    nodes[state] = problem.start[state] + stepNodeMinutes[state];
    overs[state] = charged;
    value[state] = nodes[state] + lambda * charged;
  }
  // A step's state is its layout at its end; the move from the previous one began within it.
  for (let step = 1; step < steps; step++) {
    const targetK = problem.withinTarget[step];
    const baselineK = problem.withinBaseline[step];
    for (let to = 0; to < count; to++) {
      if (busiest[to] > baselineK) {
        nextValue[to] = Infinity;
        continue;
      }
      const toOver = over[to][targetK];
      const stateSources = sources[to];
      const statePrices = prices[to];
      let best = Infinity;
      let bestNodes = 0;
      let bestOvers = 0;
      for (let index = 0; index < stateSources.length; index++) {
        const from = stateSources[index];
        if (value[from] === Infinity) continue;
        const charged = overTargetCharge(over[from][targetK], toOver, stepMinutes, newLayoutShare);
        const total = value[from] + statePrices[index] + lambda * charged;
        if (total < best) {
          best = total;
          bestNodes = nodes[from] + statePrices[index];
          bestOvers = overs[from] + charged;
        }
      }
      nextValue[to] = best + stepNodeMinutes[to];
      nextNodes[to] = bestNodes + stepNodeMinutes[to];
      nextOvers[to] = bestOvers;
    }
    [value, nextValue] = [nextValue, value];
    [nodes, nextNodes] = [nextNodes, nodes];
    [overs, nextOvers] = [nextOvers, overs];
  }
  let bestState = -1;
  for (let state = 0; state < count; state++) {
    if (value[state] === Infinity) continue;
    if (bestState < 0 || value[state] < value[bestState]) bestState = state;
  }
  if (bestState < 0) throw new Error('no schedule keeps every node within its baseline');
  return {
    lambda,
    value: value[bestState],
    nodeMinutes: nodes[bestState],
    overTargetNodeMinutes: overs[bestState],
  };
}

/** The bound at one budget. */
export interface SerialBudgetBound {
  /** B: the over-target node-minutes allowed. */
  readonly budgetOverTargetNodeMinutes: number;
  /** Least node-seconds any strategy within the budget pays: the best L(lambda) - lambda B. */
  readonly nodeSeconds: number;
  /** The lambda that gave it, node-minutes per over-target node-minute. */
  readonly lambda: number;
  /**
   * false when even the largest lambda tried left the minimiser above B: then no schedule of the
   * model keeps within B and the true bound is unbounded; `nodeSeconds` is still a valid bound.
   */
  readonly budgetReachable: boolean;
  /** Inner minimisations run. */
  readonly evaluations: number;
}

/** Largest lambda tried: a node-minute weighs at most this many over-target node-minutes. */
const MAX_LAMBDA = 1e7;

/**
 * The least node cost of any strategy of the model with at most `budget` over-target node-minutes
 * and no node above its baseline (module comment): max over lambda >= 0 of L(lambda) - lambda B.
 *
 * The search: lambda = 0 first (if its minimiser keeps within B, that is the maximum); else lambda
 * grows x4 from 1 until a minimiser keeps within B; then the lines N + lambda O of the two
 * minimisers around the maximum are intersected, L is evaluated there, and the side whose
 * over-target minutes are above B moves there, until L at the intersection equals the lines
 * (then it is the exact maximum) or 60 evaluations.
 *
 * @param budget B, over-target node-minutes, >= 0.
 * @returns undefined when the model has too many layouts (`MAX_LAYOUT_STATES`).
 * @throws Error when the budget is negative or not finite.
 */
export function serialBudgetBound(
  facts: ClusterFacts,
  timings: ModelTimings,
  demand: DemandSeries,
  budget: number,
  problem: BudgetProblem | undefined = budgetProblem(facts, timings, demand),
): SerialBudgetBound | undefined {
  if (!Number.isFinite(budget) || budget < 0) {
    throw new Error(`budget ${budget} must be a finite number of node-minutes >= 0`);
  }
  if (problem === undefined) return undefined;
  let evaluations = 0;
  let best = { dual: -Infinity, lambda: 0 };
  const evaluate = (lambda: number): LagrangianPoint => {
    const point = lagrangianMinimum(problem, lambda);
    evaluations++;
    const dual = point.value - lambda * budget;
    if (dual > best.dual) best = { dual, lambda };
    return point;
  };
  const result = (reachable: boolean): SerialBudgetBound => ({
    budgetOverTargetNodeMinutes: budget,
    nodeSeconds: best.dual * 60,
    lambda: best.lambda,
    budgetReachable: reachable,
    evaluations,
  });
  let low = evaluate(0);
  if (low.overTargetNodeMinutes <= budget) return result(true);
  let high: LagrangianPoint | undefined;
  for (let lambda = 1; lambda <= MAX_LAMBDA; lambda *= 4) {
    const point = evaluate(lambda);
    if (point.overTargetNodeMinutes <= budget) {
      high = point;
      break;
    }
    low = point;
  }
  if (high === undefined) return result(false);
  while (evaluations < 60) {
    const slopes = low.overTargetNodeMinutes - high.overTargetNodeMinutes;
    if (!(slopes > 0)) break;
    const lambda = (high.nodeMinutes - low.nodeMinutes) / slopes;
    if (!(lambda > low.lambda && lambda < high.lambda)) break;
    const point = evaluate(lambda);
    const lines = low.nodeMinutes + lambda * low.overTargetNodeMinutes;
    if (point.value >= lines - 1e-9 * Math.max(1, Math.abs(lines))) break;
    if (point.overTargetNodeMinutes > budget) low = point;
    else high = point;
  }
  return result(true);
}

/**
 * (static - bound) / (static - oracle), the share of the instant oracle's savings a strategy
 * within the budget could at most get; null when the oracle saves nothing.
 *
 * @param staticNodeSeconds static's node-seconds; @param oracleNodeSeconds the `oracle`'s.
 */
export function shareOfOracleSavingsAtBound(
  staticNodeSeconds: number,
  oracleNodeSeconds: number,
  boundNodeSeconds: number,
): number | null {
  const oracleSaves = staticNodeSeconds - oracleNodeSeconds;
  return oracleSaves > 1e-9 ? (staticNodeSeconds - boundNodeSeconds) / oracleSaves : null;
}
