/** What every strategy produces, and how a dynamic one drives the cluster model. */
import { ClusterModel, type ClusterBooks, type MinuteSeries } from '../cluster';
import type { DemandSeries } from '../demand';
import type { ClusterFacts, ModelTimings } from '../facts';

/** The strategy names, in report order. These are a contract (JSON keys). */
export const STRATEGY_NAMES = [
  'static',
  'target-tracking',
  'predictive-target-tracking',
  'controller',
  'oracle',
  'reachable-oracle',
  'serial-oracle',
  'ideal',
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** The raw outcome of one strategy, before comparison with the others. */
export interface StrategyRun {
  readonly books: ClusterBooks;
  readonly series: MinuteSeries;
  /** Why the strategy did what it did, counted (for reports); empty when not applicable. */
  readonly reasons: Readonly<Record<string, number>>;
}

/** A strategy that acts on the cluster model as time passes. */
export interface DynamicStrategy {
  /** Called at the start of every tick, before the model advances. */
  act(cluster: ClusterModel): void;
  /** Counted reasons, for reports. */
  reasons(): Readonly<Record<string, number>>;
}

/** Replays the whole demand series through the model with one strategy acting on it. */
export function runDynamic(
  facts: ClusterFacts,
  timings: ModelTimings,
  demand: DemandSeries,
  initialNodesPerZone: number,
  makeStrategy: (cluster: ClusterModel) => DynamicStrategy,
): StrategyRun {
  const cluster = new ClusterModel(facts, timings, demand, initialNodesPerZone);
  const strategy = makeStrategy(cluster);
  const ticks = Math.round((demand.producerMiBps.length * 60) / timings.tickSeconds);
  for (let tick = 0; tick < ticks; tick++) {
    strategy.act(cluster);
    cluster.step();
  }
  return { books: cluster.books, series: cluster.series, reasons: strategy.reasons() };
}

/** Static provisioning: the model with nobody acting on it. */
export const staticStrategy: DynamicStrategy = {
  act: () => undefined,
  reasons: () => ({}),
};
