/**
 * The rollback loop breaker (controller/rollback-loop.ts). An operation that cannot finish for a
 * cause the controller's view does not show was rolled back at its deadline and started again, for
 * ever: a cordon, a Warning and a rollback every phase deadline. The property drives the real
 * reconciler against the fake cluster under such causes (someone reverting every cordon at once;
 * a broker pod only the live read of the node finds), for both kinds of operation, any limit and a
 * restart at any pass, and checks that the zone holds after the limit, says why and how to get
 * out, and exposes it; the tally lives on the Node, so a restarted process holds the same.
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import { ControllerMetrics } from '../../controller/metrics';
import {
  ROLLBACK_TALLY_ANNOTATION,
  decodeRollbackTally,
  encodeRollbackTally,
  rollbackHoldUntilMs,
} from '../../controller/rollback-loop';
import { observeNode } from '../../controller/observe';
import type { Reconciler } from '../../controller/reconciler';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { testConfig } from './fixtures';

type Cause = 'cordon-reverted' | 'hidden-broker';
type Kind = 'respread' | 'remove-node';

/**
 * Zone a's brokers all on node-a-0, two nodes a zone. Low demand: a removal of node-a-1 (the
 * emptiest); demand that needs both nodes: a re-spread of node-a-0.
 */
function loopCluster(
  kind: Kind,
  limit: number,
): { config: ControllerConfig; cluster: FakeCluster } {
  const config: ControllerConfig = {
    ...testConfig(),
    operationPhaseTimeoutSeconds: 600,
    rollbackLoopLimit: limit,
    rollbackLoopBackoffSeconds: 3600,
  };
  const cluster = new FakeCluster(config, {
    nodesPerZone: 2,
    demandMiBps: kind === 'remove-node' ? 10 : 80,
  });
  cluster.brokers = cluster.brokers.map(broker =>
    broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
  );
  return { config, cluster };
}

/** The reconciler with the hidden cause wired in. */
function loopReconciler(
  cluster: FakeCluster,
  config: ControllerConfig,
  cause: Cause,
  metrics: ControllerMetrics,
): Reconciler {
  return reconcilerOn(cluster, config, {
    metrics,
    liveNodeCheck: {
      // A broker pod the cached view never shows (hidden-broker): every emptied node of zone a
      // keeps one.
      nodeNow: async name => {
        const now = await cluster.nodeNow(name);
        return cause === 'hidden-broker' && name.startsWith('node-a-')
          ? { ...now, brokers: [...now.brokers, 'hidden-broker-0'] }
          : now;
      },
      nodesOfInstance: cluster.nodesOfInstance,
    },
  });
}

/** Someone uncordons, at once, every node this controller cordoned. */
function revertCordons(cluster: FakeCluster): void {
  cluster.nodes = cluster.nodes.map(node =>
    node.unschedulable
      ? { ...node, unschedulable: false, resourceVersion: String(Number(node.resourceVersion) + 1) }
      : node,
  );
}

/** Operations started on the nodes of zone a: first records written there. */
function startsInZoneA(cluster: FakeCluster): number {
  return cluster.writes.filter(write => /^record node-a-\d+ cordon$/.test(write)).length;
}

describe('rollback loop breaker', () => {
  test('property: whatever hidden cause makes an operation roll back at its deadline, the zone holds after the limit, says why, and a restart keeps the hold', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<[Kind, Cause]>(
          ['remove-node', 'cordon-reverted'],
          ['remove-node', 'hidden-broker'],
          ['respread', 'cordon-reverted'],
        ),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 399 }),
        async ([kind, cause], limit, restartAt) => {
          const { config, cluster } = loopCluster(kind, limit);
          const metrics = new ControllerMetrics({ defaultMetrics: false });
          let reconciler = loopReconciler(cluster, config, cause, metrics);
          const reasons: string[] = [];
          let heldDetail = '';
          for (let pass = 0; pass < 400; pass++) {
            // A restart: a new process, nothing in memory.
            if (pass === restartAt) reconciler = loopReconciler(cluster, config, cause, metrics);
            const { plan } = await reconciler.reconcileOnce();
            reasons.push(plan.reason);
            if (plan.reason === 'rollback-loop') heldDetail = plan.detail;
            if (cause === 'cordon-reverted') revertCordons(cluster);
            cluster.advance(30);
          }
          // 200 minutes: `limit` operations rolled back (about 11 minutes each), a 1-hour hold, at
          // most one attempt after it, then a 2-hour hold. Before the breaker: about 18.
          expect(startsInZoneA(cluster)).toBeLessThanOrEqual(limit + 1);
          expect(startsInZoneA(cluster)).toBeGreaterThanOrEqual(limit);
          expect(reasons).toContain('rollback-loop');
          const what = kind === 'respread' ? 're-spread' : 'node removal';
          expect(heldDetail).toMatch(
            new RegExp(
              `^zone us-east-1a: no ${what} starts for \\d+s more: \\d+ in a row on node node-a-\\d`,
            ),
          );
          expect(heldDetail).toContain(ROLLBACK_TALLY_ANNOTATION);
          // No node of zone a was terminated: the breaker only withholds.
          expect(cluster.terminated.filter(id => id.startsWith('i-a'))).toEqual([]);
          const tallied = cluster.nodes.find(node => node.rollbacks !== undefined);
          expect(tallied?.rollbacks?.kind).toBe(kind);
          expect(tallied?.rollbacks?.count).toBeGreaterThanOrEqual(limit);
        },
      ),
      { numRuns: 14 },
    );
  });

  test('the hold is a metric while it lasts, and removing the annotation releases it at once', async () => {
    const { config, cluster } = loopCluster('remove-node', 2);
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    const reconciler = loopReconciler(cluster, config, 'hidden-broker', metrics);
    let reason = '';
    for (let pass = 0; pass < 120 && reason !== 'rollback-loop'; pass++) {
      reason = (await reconciler.reconcileOnce()).plan.reason;
      cluster.advance(30);
    }
    expect(reason).toBe('rollback-loop');
    expect(await metrics.registry.metrics()).toMatch(
      /kafka_autoscaler_rollback_loop_held\{zone="us-east-1a",kind="remove-node"\} 1/,
    );
    expect(await metrics.registry.metrics()).toMatch(
      /kafka_autoscaler_rollback_loop_held\{zone="us-east-1a",kind="respread"\} 0/,
    );
    const starts = startsInZoneA(cluster);
    // The operator fixed the cause and removes the tally: the next pass starts a removal.
    cluster.nodes = cluster.nodes.map(node => {
      const { rollbacks, ...rest } = node;
      void rollbacks;
      return rest;
    });
    await reconciler.reconcileOnce();
    expect(startsInZoneA(cluster)).toBe(starts + 1);
  });

  test('a re-spread of the node that completes clears its tally', async () => {
    const { config, cluster } = loopCluster('respread', 3);
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-0'
        ? { ...node, rollbacks: { kind: 'respread', count: 2, lastAtMs: cluster.nowMs, note: 'x' } }
        : node,
    );
    const reconciler = loopReconciler(
      cluster,
      config,
      'cordon-reverted',
      new ControllerMetrics({ defaultMetrics: false }),
    );
    for (let pass = 0; pass < 40; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    expect(
      cluster.writes.filter(write => write === 'record node-a-0 clear').length,
    ).toBeGreaterThan(0);
    expect(cluster.nodes.find(node => node.name === 'node-a-0')?.rollbacks).toBeUndefined();
  });

  test('the backoff doubles past the limit, is capped at a day, and a stamp far ahead holds nothing', () => {
    const config = { ...testConfig(), rollbackLoopLimit: 3, rollbackLoopBackoffSeconds: 3600 };
    const at = (count: number, lastAtMs = 0) =>
      rollbackHoldUntilMs({ kind: 'respread', count, lastAtMs, note: '' }, config, 0);
    expect(at(2)).toBeUndefined();
    expect(at(3)).toBe(3_600_000);
    expect(at(4)).toBe(7_200_000);
    expect(at(40)).toBe(86_400_000);
    expect(at(3, 10 * 60_000)).toBeUndefined();
  });

  test('the annotation round-trips through the node observation; an unreadable one holds nothing', () => {
    const tally = { kind: 'remove-node' as const, count: 3, lastAtMs: 5, note: 'why' };
    const node = (value: string) =>
      observeNode({
        metadata: { name: 'n', uid: 'u', annotations: { [ROLLBACK_TALLY_ANNOTATION]: value } },
      });
    expect(node(encodeRollbackTally(tally)).rollbacks).toEqual(tally);
    expect(node('{oops').rollbacks).toBeUndefined();
    expect(decodeRollbackTally(JSON.stringify({ ...tally, count: 0 }))).toBeUndefined();
  });
});
