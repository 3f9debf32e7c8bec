/** The reconciler as the controller tests run it against the in-memory fake cluster. */
import type { ControllerConfig } from '../../controller/config';
import { silentLogger } from '../../controller/log';
import { ControllerMetrics } from '../../controller/metrics';
import { Reconciler, type ReconcilerDependencies } from '../../controller/reconciler';
import type { FakeCluster } from './fake-cluster';

/**
 * A `Reconciler` with `config` that observes and writes `cluster` (Kubernetes and Auto Scaling
 * groups both), leads as holder `a` with fencing token 1, drops its events, keeps its metrics in a
 * registry of its own without the process defaults and logs nothing; `overrides` replace any of
 * these or add the optional dependencies (`newId`, `liveNodeCheck`, ...). It observes through
 * `cluster.observe` as it is at this call: a test that replaces `cluster.observe` later passes
 * `observe: () => cluster.observe()`.
 */
export function reconcilerOn(
  cluster: FakeCluster,
  config: ControllerConfig,
  overrides: Partial<ReconcilerDependencies> = {},
): Reconciler {
  return new Reconciler({
    config,
    observe: cluster.observe,
    cluster,
    groups: cluster,
    events: { record: async () => undefined },
    leadership: () => ({ leading: true, fencingToken: 1, holder: 'a' }),
    metrics: new ControllerMetrics({ defaultMetrics: false }),
    logger: silentLogger,
    ...overrides,
  });
}
