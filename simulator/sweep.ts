/**
 * `simulate --sweep`: each strategy over a range of its main knob, every run's cost against its
 * risk, each strategy's Pareto frontier, and the headline: the cost of each strategy at the
 * controller's over-target node-minutes, interpolated on the strategy's frontier.
 *
 * Knobs: target utilization for every strategy but `ideal` (static and the three oracles plan their
 * level at it; the target-tracking strategies track it; the controller plans for it), plus the scale-in
 * margin for the controller. Over-target minutes are always counted against the spec's target,
 * so every point is measured with the same ruler.
 */
import type { LoadedSpec } from '../spec/load';
import type { DemandSeries } from './demand';
import { DEFAULT_TIMINGS, type ModelTimings } from './facts';
import {
  metricsOfRuns,
  runStrategy,
  strategyContext,
  type StrategyKnobs,
  type StrategyMetrics,
} from './simulate';
import type { StrategyName, StrategyRun } from './strategies/strategy';

/** Target utilizations every swept strategy runs at. */
export const SWEEP_TARGET_UTILIZATIONS = [0.3, 0.4, 0.5, 0.6, 0.7] as const;
/** Scale-in margins the controller runs at (with the spec's target utilization). */
export const SWEEP_SCALE_IN_MARGINS = [0.03, 0.05, 0.07, 0.1, 0.15] as const;
/** The strategies a sweep runs, in report order. */
export const SWEPT_STRATEGIES = [
  'static',
  'target-tracking',
  'predictive-target-tracking',
  'controller',
  'oracle',
  'reachable-oracle',
  'serial-oracle',
] as const satisfies readonly StrategyName[];
export type SweptStrategy = (typeof SWEPT_STRATEGIES)[number];

/** One run of a sweep. */
export interface SweepPoint {
  readonly strategy: SweptStrategy;
  /** The knob values of this run (spec values where unset). */
  readonly targetUtilization: number;
  readonly scaleInMargin: number | null;
  /** Node cost plus cross-zone catch-up transfer, USD (the frontier's cost axis). */
  readonly costWithTransfer: number;
  /** Node cost alone, USD. */
  readonly cost: number;
  readonly overTargetNodeMinutes: number;
  readonly overloadedNodeMinutes: number;
  readonly throttledNodeMinutes: number;
  readonly maxConcurrentMoves: number;
}

/** A strategy's cost where its frontier has the reference's over-target node-minutes. */
export interface HeadlineCost {
  readonly strategy: SweptStrategy;
  /** Interpolated cost with transfer, USD; null when no setting gets that few over-target minutes. */
  readonly costAtReference: number | null;
  /** costAtReference / the controller's, null when either is missing. */
  readonly ratioToController: number | null;
  /** The fewest over-target node-minutes any setting of the strategy reached. */
  readonly fewestOverTargetNodeMinutes: number;
  /** Cost with transfer of the frontier point with the fewest over-target node-minutes, USD. */
  readonly costAtFewest: number;
}

export interface SweepResult {
  readonly minutesSimulated: number;
  readonly points: readonly SweepPoint[];
  /** Per strategy, the Pareto-optimal points, ascending in over-target node-minutes. */
  readonly frontiers: Readonly<Record<SweptStrategy, readonly SweepPoint[]>>;
  /** The controller's over-target node-minutes at the spec's settings: the common risk level. */
  readonly referenceOverTargetNodeMinutes: number;
  readonly headline: readonly HeadlineCost[];
}

/**
 * The points no other point beats on both cost and over-target minutes, ascending in over-target
 * minutes (and so descending in cost).
 */
export function paretoFrontier<
  T extends { costWithTransfer: number; overTargetNodeMinutes: number },
>(points: readonly T[]): T[] {
  const sorted = [...points].sort(
    (a, b) =>
      a.overTargetNodeMinutes - b.overTargetNodeMinutes || a.costWithTransfer - b.costWithTransfer,
  );
  const frontier: T[] = [];
  for (const point of sorted) {
    const last = frontier[frontier.length - 1];
    if (last === undefined || point.costWithTransfer < last.costWithTransfer) frontier.push(point);
  }
  return frontier;
}

/**
 * The cost on a frontier at `overTargetNodeMinutes`, linear between neighbouring points; the
 * cheapest point's cost beyond the last one; null below the first (no setting is that safe).
 */
export function costOnFrontier(
  frontier: readonly { costWithTransfer: number; overTargetNodeMinutes: number }[],
  overTargetNodeMinutes: number,
): number | null {
  const first = frontier[0];
  if (first === undefined || overTargetNodeMinutes < first.overTargetNodeMinutes) return null;
  for (let i = 1; i < frontier.length; i++) {
    const a = frontier[i - 1];
    const b = frontier[i];
    if (overTargetNodeMinutes < b.overTargetNodeMinutes) {
      const share =
        (overTargetNodeMinutes - a.overTargetNodeMinutes) /
        (b.overTargetNodeMinutes - a.overTargetNodeMinutes);
      return a.costWithTransfer + share * (b.costWithTransfer - a.costWithTransfer);
    }
  }
  return frontier[frontier.length - 1].costWithTransfer;
}

/** The knob settings of one strategy in a sweep. */
function settingsOf(
  strategy: SweptStrategy,
  specMargin: number,
  specTarget: number,
): StrategyKnobs[] {
  const targets = SWEEP_TARGET_UTILIZATIONS.map(targetUtilization => ({ targetUtilization }));
  if (strategy !== 'controller') return targets;
  const margins = SWEEP_SCALE_IN_MARGINS.filter(margin => margin !== specMargin).map(
    scaleInMargin => ({ targetUtilization: specTarget, scaleInMargin }),
  );
  return [...targets, ...margins];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Runs the sweep. @throws SimulationInputError as `simulate` does */
export function sweep(
  loaded: LoadedSpec,
  demand: DemandSeries,
  timings: ModelTimings = DEFAULT_TIMINGS,
): SweepResult {
  const context = strategyContext(loaded, demand, timings);
  const specTarget = context.facts.targetUtilization;
  const specMargin = context.config.scaleInMargin;
  // Savings shares are not reported here, but metricsOfRuns needs the reference runs.
  const references = {
    static: runStrategy('static', context),
    oracle: runStrategy('oracle', context),
    reachableOracle: runStrategy('reachable-oracle', context),
    serialOracle: runStrategy('serial-oracle', context),
  };
  const points: SweepPoint[] = [];
  let reference: number | undefined;
  for (const strategy of SWEPT_STRATEGIES) {
    for (const knobs of settingsOf(strategy, specMargin, specTarget)) {
      const run: StrategyRun = runStrategy(strategy, context, knobs);
      const metrics: StrategyMetrics = metricsOfRuns(context.facts, { run }, references).run;
      const targetUtilization = knobs.targetUtilization ?? specTarget;
      const scaleInMargin = strategy === 'controller' ? (knobs.scaleInMargin ?? specMargin) : null;
      points.push({
        strategy,
        targetUtilization,
        scaleInMargin,
        costWithTransfer: metrics.costWithTransfer,
        cost: metrics.cost,
        overTargetNodeMinutes: metrics.overTargetNodeMinutes,
        overloadedNodeMinutes: metrics.overloadedNodeMinutes,
        throttledNodeMinutes: metrics.throttledNodeMinutes,
        maxConcurrentMoves: metrics.maxConcurrentMoves,
      });
      if (
        strategy === 'controller' &&
        targetUtilization === specTarget &&
        scaleInMargin === specMargin
      ) {
        reference = metrics.overTargetNodeMinutes;
      }
    }
  }
  const frontiers = Object.fromEntries(
    SWEPT_STRATEGIES.map(strategy => [
      strategy,
      paretoFrontier(points.filter(point => point.strategy === strategy)),
    ]),
  ) as Record<SweptStrategy, SweepPoint[]>;
  const referenceOverTargetNodeMinutes = reference ?? 0;
  const controllerCost = costOnFrontier(frontiers.controller, referenceOverTargetNodeMinutes);
  const headline = SWEPT_STRATEGIES.map(strategy => {
    const costAtReference = costOnFrontier(frontiers[strategy], referenceOverTargetNodeMinutes);
    return {
      strategy,
      costAtReference: costAtReference === null ? null : round(costAtReference),
      ratioToController:
        costAtReference === null || controllerCost === null || controllerCost === 0
          ? null
          : Math.round((costAtReference / controllerCost) * 1000) / 1000,
      fewestOverTargetNodeMinutes: frontiers[strategy][0].overTargetNodeMinutes,
      costAtFewest: frontiers[strategy][0].costWithTransfer,
    };
  });
  return {
    minutesSimulated: demand.producerMiBps.length,
    points,
    frontiers,
    referenceOverTargetNodeMinutes,
    headline,
  };
}

/** The sweep as text: every run, then the headline. */
export function formatSweep(result: SweepResult, source: string): string {
  const lines = [
    `Sweep over ${(result.minutesSimulated / 1440).toFixed(1)} days of ${source}: cost (USD, nodes + cross-zone catch-up) against node-minutes over target, above baseline and throttled`,
    '',
    `${'strategy'.padEnd(28)}${'target'.padStart(8)}${'margin'.padStart(8)}${'cost'.padStart(10)}${'>target'.padStart(10)}${'>baseline'.padStart(11)}${'throttled'.padStart(11)}  frontier`,
  ];
  for (const point of result.points) {
    const onFrontier = result.frontiers[point.strategy].includes(point) ? '  *' : '';
    lines.push(
      `${point.strategy.padEnd(28)}${point.targetUtilization.toFixed(2).padStart(8)}${(point.scaleInMargin === null ? '' : point.scaleInMargin.toFixed(2)).padStart(8)}${point.costWithTransfer.toFixed(2).padStart(10)}${point.overTargetNodeMinutes.toFixed(0).padStart(10)}${point.overloadedNodeMinutes.toFixed(0).padStart(11)}${point.throttledNodeMinutes.toFixed(0).padStart(11)}${onFrontier}`,
    );
  }
  lines.push(
    '',
    `Cost at the controller's over-target node-minutes (${result.referenceOverTargetNodeMinutes.toFixed(0)}), interpolated on each frontier:`,
  );
  for (const entry of result.headline) {
    const cost =
      entry.costAtReference === null
        ? `not reached: its safest setting runs ${entry.fewestOverTargetNodeMinutes.toFixed(0)} over-target node-minutes at ${entry.costAtFewest.toFixed(2)} USD`
        : `${entry.costAtReference.toFixed(2)} USD${entry.ratioToController === null ? '' : ` (${(entry.ratioToController * 100).toFixed(1)}% of the controller's)`}`;
    lines.push(`  ${entry.strategy.padEnd(28)}${cost}`);
  }
  return `${lines.join('\n')}\n`;
}
