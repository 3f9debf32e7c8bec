/**
 * Runs every strategy against the same demand and compares them. The JSON shape of
 * `SimulationResult` is a contract: `{ minutesSimulated, strategies: { static, "target-tracking",
 * "predictive-target-tracking", controller, oracle, "reachable-oracle", "serial-oracle", ideal } }`, each with exactly the keys of
 * `StrategyMetrics`.
 */
import { controllerConfigFromSpec, type ControllerConfig } from '../controller/config';
import type { LoadedSpec } from '../spec/load';
import type { MinuteSeries } from './cluster';
import { peakOf, type DemandSeries } from './demand';
import { SimulationInputError } from './errors';
import {
  clusterFactsFromSpec,
  DEFAULT_TIMINGS,
  levelForDemand,
  producerCapacityAt,
  type ClusterFacts,
  type ModelTimings,
} from './facts';
import { ControllerStrategy } from './strategies/controller';
import { PredictiveTargetTrackingStrategy } from './strategies/predictive-target-tracking';
import { runIdeal } from './strategies/ideal';
import { runOracle } from './strategies/oracle';
import { runReachableOracle } from './strategies/reachable-oracle';
import { runSerialOracle } from './strategies/serial-oracle';
import {
  budgetProblem,
  serialBudgetBound,
  shareOfOracleSavingsAtBound,
} from './strategies/serial-oracle-budget';
import {
  runDynamic,
  staticStrategy,
  STRATEGY_NAMES,
  type StrategyName,
  type StrategyRun,
} from './strategies/strategy';
import { TargetTrackingStrategy } from './strategies/target-tracking';

/** One strategy's figures. The key names are a contract. */
export interface StrategyMetrics {
  /** Node-hours billed (launch to shutdown). */
  readonly nodeHours: number;
  /** Node-hours x price per node-hour, USD. */
  readonly cost: number;
  /** (static cost - cost) / static cost. */
  readonly savingsVsStatic: number;
  /** (static - strategy) / (static - oracle) in node-hours; null when the oracle saves nothing. */
  readonly shareOfOracleSavings: number | null;
  /**
   * (static - strategy) / (static - reachable oracle) in node-hours: the same share against the
   * bound that pays each level change's least launch and shutdown time
   * (`strategies/reachable-oracle.ts`); null when that oracle saves nothing.
   */
  readonly shareOfReachableOracleSavings: number | null;
  /**
   * (static - strategy) / (static - serial oracle) in node-hours: the same share against the bound
   * that also moves one broker at a time across the cluster (`strategies/serial-oracle.ts`); null
   * when that oracle saves nothing.
   */
  readonly shareOfSerialOracleSavings: number | null;
  /** Node-minutes with a node above 100% of its baseline ("above baseline"; burst may cover them). */
  readonly overloadedNodeMinutes: number;
  /**
   * Node-minutes with demand above what the node could deliver at that moment, burst credits
   * included: the outage a client sees.
   */
  readonly throttledNodeMinutes: number;
  /** Node-minutes with a node above the target utilization. */
  readonly overTargetNodeMinutes: number;
  /** Minutes with at least one partition under-replicated (a move in flight). */
  readonly underReplicatedMinutes: number;
  /** Broker restarts on another node (planned or forced). */
  readonly brokerMoves: number;
  /** Most brokers in a move (down or catching up) at one time. */
  readonly maxConcurrentMoves: number;
  /** Changes of a group's desired capacity (scale-outs, scale-ins, terminations with decrement). */
  readonly scalingActions: number;
  /** Data moved brokers fetched from leaders in other zones to catch up, GiB. */
  readonly crossZoneCatchUpGiB: number;
  /** `cost` plus that cross-zone transfer at `CROSS_ZONE_USD_PER_GB`, USD. */
  readonly costWithTransfer: number;
}

/**
 * Data transfer between Availability Zones in a Region: USD 0.01 per GB out of one zone and 0.01 per
 * GB into the other (AWS EC2 on-demand pricing, "Data transfer within the same AWS Region").
 */
export const CROSS_ZONE_USD_PER_GB = 0.02;
const GB_PER_GIB = 1.073741824;

export interface SimulationResult {
  readonly minutesSimulated: number;
  readonly strategies: Readonly<Record<StrategyName, StrategyMetrics>>;
  /**
   * Only with `bounds` (`simulate --bounds`): the serial-move bound at the controller's own risk
   * (`SerialBoundAtOverTarget`); null where it does not apply (the controller ran a node above its
   * baseline) or is not computed (more layouts than `MAX_LAYOUT_STATES`).
   */
  readonly serialBoundAtControllerOverTarget?: SerialBoundAtOverTarget | null;
}

/**
 * What any strategy with at most the controller's over-target node-minutes, no node above its
 * baseline and one broker move in flight could at most save (`strategies/serial-oracle-budget.ts`).
 * The key names are a contract.
 */
export interface SerialBoundAtOverTarget {
  /** B: the controller's over-target node-minutes in this run. */
  readonly budgetOverTargetNodeMinutes: number;
  /** The least node-hours any such strategy is billed. */
  readonly nodeHours: number;
  /** (static - bound) / (static - oracle) in node-hours: the most of the oracle's savings any such strategy gets; null when the oracle saves nothing. */
  readonly shareOfOracleSavings: number | null;
  /** The Lagrange multiplier that gave the bound, node-minutes per over-target node-minute. */
  readonly lambda: number;
  /** false when no schedule of the model keeps within B (the bound is then not tight). */
  readonly budgetReachable: boolean;
  /**
   * B plus one step (a minute with the default timings) per controller broker move. The bound at B
   * needs no such slack (a step is charged the least over-target minutes its move allows,
   * `strategies/serial-oracle-budget.ts`); this looser figure is kept as a key of the contract.
   */
  readonly budgetWithMoveSlackOverTargetNodeMinutes: number;
  /** The share as `shareOfOracleSavings`, at that larger budget (a looser, safer bound). */
  readonly shareOfOracleSavingsWithMoveSlack: number | null;
}

/** Extra, slower figures `simulate` computes on request. */
export interface SimulationExtras {
  /** Compute `serialBoundAtControllerOverTarget` (about 0.5 s per 14 days on the prod example). @default false */
  readonly bounds?: boolean;
}

/** The result plus what reports and charts need. */
export interface SimulationDetails {
  readonly result: SimulationResult;
  readonly facts: ClusterFacts;
  readonly demand: DemandSeries;
  readonly series: Readonly<Record<StrategyName, MinuteSeries>>;
  readonly reasons: Readonly<Record<StrategyName, Readonly<Record<string, number>>>>;
  /** Nodes per zone of the static strategy. */
  readonly staticNodesPerZone: number;
  /**
   * `result` before its figures are rounded for the JSON contract (shares to 4 places, node-hours
   * to 3, ...): the text report formats from these, so it rounds once (a share of 0.950502 is
   * 95.1%, not the 95.0% of 0.9505 formatted again).
   */
  readonly unrounded: SimulationResult;
}

/** Rounds `value` to `digits` decimal places; the figures of the JSON contract go through it. */
type Rounding = (value: number, digits: number) => number;

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A `Rounding` that keeps every figure as computed (`SimulationDetails.unrounded`). */
const unrounded: Rounding = value => value;

/** Checks the timings. @throws SimulationInputError naming the option. */
export function validateTimings(timings: ModelTimings, intervalSeconds: number): void {
  const options: Array<[string, number]> = [
    ['--node-ready-seconds', timings.nodeReadySeconds],
    ['--broker-restart-seconds', timings.brokerRestartSeconds],
    ['--metrics-lag-seconds', timings.metricsLagSeconds],
  ];
  for (const [option, value] of options) {
    if (!Number.isFinite(value) || value < 0 || value > 86_400) {
      throw new SimulationInputError(
        option,
        `${value} is not a duration in seconds; give a number from 0 to 86400`,
      );
    }
  }
  if (60 % timings.tickSeconds !== 0 || intervalSeconds % timings.tickSeconds !== 0) {
    throw new SimulationInputError(
      'tickSeconds',
      `${timings.tickSeconds} must divide 60 and the controller interval ${intervalSeconds}`,
    );
  }
}

/** Checks that the platform can carry the peak at all. @throws SimulationInputError */
export function validatePeak(facts: ClusterFacts, peakMiBps: number): void {
  const top = facts.balancedNodeCounts[facts.balancedNodeCounts.length - 1];
  const most = producerCapacityAt(facts, top, facts.targetUtilization);
  if (!(peakMiBps > 0) || peakMiBps > most) {
    throw new SimulationInputError(
      '--peak-mibps',
      `${peakMiBps} is outside what the spec can carry: ${facts.brokers} brokers on at most ${top} ${facts.instanceType} nodes per zone carry ${most.toFixed(0)} MiB/s of producer traffic at ${facts.targetUtilization * 100}% of baseline; give a peak above 0 and at most ${Math.floor(most)}, or raise nodes.kafka.maxPerZone or the instance type`,
    );
  }
}

function shareOf(savings: number, bound: number, rounding: Rounding): number | null {
  return bound > 1e-9 ? rounding(savings / bound, 4) : null;
}

function metricsOf(
  run: StrategyRun,
  price: number,
  staticNodeHours: number,
  oracleNodeHours: number,
  reachableOracleNodeHours: number,
  serialOracleNodeHours: number,
  round: Rounding,
): StrategyMetrics {
  const nodeHours = run.books.nodeSeconds / 3600;
  const catchUpGiB = run.books.catchUpMiB / 1024;
  const savings = staticNodeHours - nodeHours;
  return {
    nodeHours: round(nodeHours, 3),
    cost: round(nodeHours * price, 2),
    savingsVsStatic: staticNodeHours > 0 ? round(1 - nodeHours / staticNodeHours, 4) : 0,
    shareOfOracleSavings: shareOf(savings, staticNodeHours - oracleNodeHours, round),
    shareOfReachableOracleSavings: shareOf(
      savings,
      staticNodeHours - reachableOracleNodeHours,
      round,
    ),
    shareOfSerialOracleSavings: shareOf(savings, staticNodeHours - serialOracleNodeHours, round),
    overloadedNodeMinutes: round(run.books.overloadedNodeSeconds / 60, 2),
    throttledNodeMinutes: round(run.books.throttledNodeSeconds / 60, 2),
    overTargetNodeMinutes: round(run.books.overTargetNodeSeconds / 60, 2),
    underReplicatedMinutes: round(run.books.underReplicatedSeconds / 60, 2),
    brokerMoves: round(run.books.brokerMoves, 2),
    maxConcurrentMoves: run.books.maxConcurrentMoves,
    scalingActions: run.books.scalingActions,
    crossZoneCatchUpGiB: round(catchUpGiB, 1),
    costWithTransfer: round(nodeHours * price + catchUpGiB * GB_PER_GIB * CROSS_ZONE_USD_PER_GB, 2),
  };
}

/** The main knob of each strategy, for sweeps; unset = the spec's value. */
export interface StrategyKnobs {
  /** Share of the baseline the strategy plans for or tracks (all strategies but `ideal`). */
  readonly targetUtilization?: number;
  /** The controller's scale-in margin. */
  readonly scaleInMargin?: number;
}

/** What one strategy run needs. */
export interface StrategyContext {
  readonly facts: ClusterFacts;
  readonly config: ControllerConfig;
  readonly timings: ModelTimings;
  readonly demand: DemandSeries;
  /** Nodes per zone everyone but static starts at. */
  readonly initialLevel: number;
}

/** Builds the context and checks the inputs. @throws SimulationInputError */
export function strategyContext(
  loaded: LoadedSpec,
  demand: DemandSeries,
  timings: ModelTimings = DEFAULT_TIMINGS,
): StrategyContext {
  const facts = clusterFactsFromSpec(loaded);
  const config = controllerConfigFromSpec(loaded);
  validateTimings(timings, config.intervalSeconds);
  validatePeak(facts, peakOf(demand.producerMiBps));
  const initialLevel = levelForDemand(facts, demand.producerMiBps[0] ?? 0, facts.targetUtilization);
  return { facts, config, timings, demand, initialLevel };
}

/** Runs one strategy with its knobs. */
export function runStrategy(
  name: StrategyName,
  context: StrategyContext,
  knobs: StrategyKnobs = {},
): StrategyRun {
  const { facts, timings, demand, initialLevel } = context;
  const utilization = knobs.targetUtilization ?? facts.targetUtilization;
  switch (name) {
    case 'static': {
      const level = levelForDemand(facts, peakOf(demand.producerMiBps), utilization);
      return runDynamic(facts, timings, demand, level, () => staticStrategy);
    }
    case 'target-tracking':
      return runDynamic(
        facts,
        timings,
        demand,
        initialLevel,
        cluster => new TargetTrackingStrategy(cluster, { targetUtilization: utilization }),
      );
    case 'predictive-target-tracking':
      return runDynamic(
        facts,
        timings,
        demand,
        initialLevel,
        cluster =>
          new PredictiveTargetTrackingStrategy(cluster, { targetUtilization: utilization }),
      );
    case 'controller': {
      const config: ControllerConfig = {
        ...context.config,
        targetUtilization: utilization,
        scaleInMargin: knobs.scaleInMargin ?? context.config.scaleInMargin,
      };
      return runDynamic(
        facts,
        timings,
        demand,
        initialLevel,
        cluster => new ControllerStrategy(cluster, config),
      );
    }
    case 'oracle':
      return runOracle(facts, demand, utilization);
    case 'reachable-oracle':
      return runReachableOracle(facts, timings, demand, utilization);
    case 'serial-oracle':
      return runSerialOracle(facts, timings, demand, utilization);
    case 'ideal':
      return runIdeal(facts, demand);
  }
}

/** The runs every share is measured against. */
export interface ReferenceRuns {
  readonly static: StrategyRun;
  readonly oracle: StrategyRun;
  readonly reachableOracle: StrategyRun;
  readonly serialOracle: StrategyRun;
}

/**
 * Turns raw runs into the comparable figures, with shares against the reference runs.
 * @param rounding how the figures are rounded; default the JSON contract's places (shares 4,
 *   node-hours 3, costs 2, minutes 2, GiB 1).
 */
export function metricsOfRuns(
  facts: ClusterFacts,
  runs: Readonly<Record<string, StrategyRun>>,
  references: ReferenceRuns,
  rounding: Rounding = round,
): Record<string, StrategyMetrics> {
  const hours = (run: StrategyRun) => run.books.nodeSeconds / 3600;
  return Object.fromEntries(
    Object.entries(runs).map(([name, run]) => [
      name,
      metricsOf(
        run,
        facts.pricePerNodeHourUsd,
        hours(references.static),
        hours(references.oracle),
        hours(references.reachableOracle),
        hours(references.serialOracle),
        rounding,
      ),
    ]),
  );
}

/**
 * The serial-move bound at the controller's over-target node-minutes of `runs` (B = the
 * controller's over-target node-seconds / 60, unrounded).
 *
 * @returns null where the controller ran any node-second above its baseline (the bound covers only
 *   strategies that never do) or the layouts are too many for the exact search.
 */
export function serialBoundAtControllerOverTarget(
  facts: ClusterFacts,
  timings: ModelTimings,
  demand: DemandSeries,
  runs: Readonly<Record<StrategyName, StrategyRun>>,
): SerialBoundAtOverTarget | null {
  return roundedBound(unroundedBound(facts, timings, demand, runs));
}

/** The bound with the JSON contract's places (budgets 2, node-hours 3, shares and lambda 4). */
function roundedBound(bound: SerialBoundAtOverTarget | null): SerialBoundAtOverTarget | null {
  if (bound === null) return null;
  const share = (value: number | null) => (value === null ? null : round(value, 4));
  return {
    budgetOverTargetNodeMinutes: round(bound.budgetOverTargetNodeMinutes, 2),
    nodeHours: round(bound.nodeHours, 3),
    shareOfOracleSavings: share(bound.shareOfOracleSavings),
    lambda: round(bound.lambda, 4),
    budgetReachable: bound.budgetReachable,
    budgetWithMoveSlackOverTargetNodeMinutes: round(
      bound.budgetWithMoveSlackOverTargetNodeMinutes,
      2,
    ),
    shareOfOracleSavingsWithMoveSlack: share(bound.shareOfOracleSavingsWithMoveSlack),
  };
}

/** `serialBoundAtControllerOverTarget` with every figure as computed. */
function unroundedBound(
  facts: ClusterFacts,
  timings: ModelTimings,
  demand: DemandSeries,
  runs: Readonly<Record<StrategyName, StrategyRun>>,
): SerialBoundAtOverTarget | null {
  const controller = runs.controller.books;
  if (controller.overloadedNodeSeconds > 0) return null;
  const budget = controller.overTargetNodeSeconds / 60;
  const problem = budgetProblem(facts, timings, demand);
  const bound = serialBudgetBound(facts, timings, demand, budget, problem);
  if (problem === undefined || bound === undefined) return null;
  const slackBudget = budget + controller.brokerMoves * problem.stepMinutes;
  const slack = serialBudgetBound(facts, timings, demand, slackBudget, problem);
  const shareAt = (nodeSeconds: number | undefined) =>
    nodeSeconds === undefined
      ? null
      : shareOfOracleSavingsAtBound(
          runs.static.books.nodeSeconds,
          runs.oracle.books.nodeSeconds,
          nodeSeconds,
        );
  return {
    budgetOverTargetNodeMinutes: budget,
    nodeHours: bound.nodeSeconds / 3600,
    shareOfOracleSavings: shareAt(bound.nodeSeconds),
    lambda: bound.lambda,
    budgetReachable: bound.budgetReachable,
    budgetWithMoveSlackOverTargetNodeMinutes: slackBudget,
    shareOfOracleSavingsWithMoveSlack: shareAt(slack?.nodeSeconds),
  };
}

/** Runs every strategy on the demand. */
export function simulate(
  loaded: LoadedSpec,
  demand: DemandSeries,
  timings: ModelTimings = DEFAULT_TIMINGS,
  extras: SimulationExtras = {},
): SimulationDetails {
  const context = strategyContext(loaded, demand, timings);
  const { facts } = context;
  const staticLevel = levelForDemand(facts, peakOf(demand.producerMiBps), facts.targetUtilization);
  const runs = Object.fromEntries(
    STRATEGY_NAMES.map(name => [name, runStrategy(name, context)]),
  ) as Record<StrategyName, StrategyRun>;
  const references: ReferenceRuns = {
    static: runs.static,
    oracle: runs.oracle,
    reachableOracle: runs['reachable-oracle'],
    serialOracle: runs['serial-oracle'],
  };
  const minutesSimulated = demand.producerMiBps.length;
  const metrics = (rounding: Rounding) =>
    metricsOfRuns(facts, runs, references, rounding) as Record<StrategyName, StrategyMetrics>;
  // The bound costs about 0.5 s per 14 days: computed once, rounded for the result.
  const bound = extras.bounds === true ? unroundedBound(facts, timings, demand, runs) : undefined;
  const withBound = (result: SimulationResult, figures: SerialBoundAtOverTarget | null) =>
    bound === undefined ? result : { ...result, serialBoundAtControllerOverTarget: figures };
  return {
    result: withBound(
      { minutesSimulated, strategies: metrics(round) },
      roundedBound(bound ?? null),
    ),
    unrounded: withBound({ minutesSimulated, strategies: metrics(unrounded) }, bound ?? null),
    facts,
    demand,
    series: Object.fromEntries(STRATEGY_NAMES.map(name => [name, runs[name].series])) as Record<
      StrategyName,
      MinuteSeries
    >,
    reasons: Object.fromEntries(STRATEGY_NAMES.map(name => [name, runs[name].reasons])) as Record<
      StrategyName,
      Readonly<Record<string, number>>
    >,
    staticNodesPerZone: staticLevel,
  };
}
