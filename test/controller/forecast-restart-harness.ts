/**
 * What the restart tests of the forecast history share (`forecast-restart.test.ts`,
 * `forecast-restart-marker.test.ts`): the config and demand they run, one controller process (a
 * reconciler over the in-memory cluster, observing through a real `ForecastHistory`), passes 30 s
 * apart, and the writes of a removal.
 *
 * The setting: 2 nodes per zone at 30 MiB/s, where 1 node carries it with the margin (a node plans
 * for 50), so the reactive controller removes one node per zone. A history of 90 MiB/s at this time
 * of day plans for 60 (capped at twice the demand): 2 nodes, the floor holds them. One of 30 lets
 * them go.
 */
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  type RangeQuerier,
} from '../../controller/forecast-history';
import type { ForecastMarkerStore } from '../../controller/forecast-marker';
import { Reconciler, type PassResult } from '../../controller/reconciler';
import type { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { testConfig } from './fixtures';

export const MIB = 1024 * 1024;
export const DAY_MS = 86_400_000;
export const STEP_MS = FORECAST_STEP_SECONDS * 1000;

/** The test config: no scale-in window, the forecast on with a 1,470 s lead time. */
export const RESTART_CONFIG: ControllerConfig = {
  ...testConfig(),
  scaleInStabilizationSeconds: 0,
  moveTimeoutSeconds: 300,
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};
/** The current demand per zone, MiB/s. */
export const DEMAND_MIBPS = 30;

/**
 * One controller process: its own reconciler and its own (empty at start) forecast history, with
 * the marker store given (shared across processes, as the ConfigMap is) or none.
 */
export function startProcess(
  cluster: FakeCluster,
  prometheus: RangeQuerier,
  marker?: ForecastMarkerStore,
): Reconciler {
  const history =
    marker === undefined
      ? new ForecastHistory(prometheus, RESTART_CONFIG)
      : new ForecastHistory(prometheus, RESTART_CONFIG, () => undefined, { marker });
  let id = 0;
  return reconcilerOn(cluster, RESTART_CONFIG, {
    observe: async () => {
      const observed = await cluster.observe();
      await history.refresh(observed.nowMs);
      return { ...observed, forecast: history.forecasts(observed.nowMs) };
    },
    newId: () => `op-${cluster.writes.length}-${++id}`,
  });
}

/** Runs up to `passes` passes 30 s apart (stopping early once `until` holds); the last result. */
export async function run(
  cluster: FakeCluster,
  reconciler: Reconciler,
  passes: number,
  until: () => boolean = () => false,
): Promise<PassResult | undefined> {
  let last: PassResult | undefined;
  for (let pass = 0; pass < passes && !until(); pass++) {
    last = await reconciler.reconcileOnce();
    cluster.advance(30);
  }
  return last;
}

/** The cluster writes that belong to a removal (cordon, roll, unprotect, terminate). */
export const removalWrites = (writes: readonly string[]) =>
  writes.filter(write => /^(cordon|roll|unprotect|terminate) /.test(write));
