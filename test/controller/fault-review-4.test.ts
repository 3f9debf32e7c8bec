/**
 * Fourth outside fault review of the controller (fault injection at every step, mutation check):
 * the faults it found, each as the state that showed it and as a property over its class.
 *
 * 1. The node-less exit terminated an instance on the cached node view alone. Every other
 *    termination reads the node live right before it (`LiveNodeCheck.nodeNow`); the exit for an
 *    instance that "never became a Node" trusted the informer's Kafka node view, which lists
 *    nodes by label. An instance whose Node exists but is missing from that view (its label
 *    changed, the cache has not caught up) looked node-less for `nodeReadyTimeoutSeconds`, and a
 *    broker the cached pod view did not yet show on that node (a pod recreated by Strimzi and
 *    bound since the cache last heard of it, shown Pending) was terminated with it. Now the exit
 *    first lists every Node of the cluster live (no label selector) and terminates only an
 *    instance that no Node names in its `spec.providerID`, and reports one it leaves
 *    (`NodelessInstanceHasNode`).
 *
 * Mutation check (each mutant one fault in the safety code, run against the controller's safety
 * tests): four that changed behaviour survived and are now killed. Opening the fence in `main.ts`'s
 * wiring (`test/controller/writers.test.ts`); dropping the node-less exit's dry-run guard, the
 * protection housekeeping's write gate, and the monotonic clock from the leader's renew deadline
 * (below).
 *
 * Fault kinds added to the chaos world (`REVIEW_4_FAULT_KINDS`): a pod cache that shows a bound
 * broker pod unbound, and an instance put into Standby and out again. The property below draws
 * from every kind; it found no violation.
 */
import fc from 'fast-check';
import type { Observed } from '../../controller/model';
import type { ControllerEvent } from '../../controller/ports';
import { LeaderElector, type LeaseState, type LeaseStore } from '../../controller/leader-election';
import { Reconciler } from '../../controller/reconciler';
import { configWithZones, expectSettled, faultArbOf, runSchedule } from './chaos-run';
import { FAULT_KINDS, REVIEW_4_FAULT_KINDS, type FaultKind } from './chaos-world';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { testConfig } from './fixtures';

const config = { ...testConfig(), scaleInStabilizationSeconds: 86_400 };

/**
 * A reconciler on `cluster` whose cached views miss the nodes in `hidden` (their label changed,
 * or the node cache lags) and show the broker pods in `pendingInView` unbound (the pod cache has
 * not seen their binding yet). The live reads see the truth.
 */
function reconcilerWithCaches(
  cluster: FakeCluster,
  hidden: ReadonlySet<string>,
  pendingInView: ReadonlySet<string>,
  events: ControllerEvent[] = [],
): Reconciler {
  const observe = async (): Promise<Observed> => {
    const truth = await cluster.observe();
    return {
      ...truth,
      nodes: truth.nodes.filter(node => !hidden.has(node.name)),
      brokers: truth.brokers.map(broker =>
        pendingInView.has(broker.podName)
          ? { ...broker, nodeName: undefined, ready: false }
          : broker,
      ),
    };
  };
  return reconcilerOn(cluster, config, {
    observe,
    events: { record: async event => void events.push(event) },
    liveNodeCheck: cluster,
  });
}

/** Whether the Node of `instanceId` is one the node cache misses. */
function hiddenOf(instanceId: string, cluster: FakeCluster, hidden: ReadonlySet<string>): boolean {
  const node = cluster.nodes.find(each => each.instanceId === instanceId);
  return node !== undefined && hidden.has(node.name);
}

/** Runs passes 30 s apart for a little longer than the node-less timeout. */
async function pastNodelessTimeout(controller: Reconciler, cluster: FakeCluster): Promise<void> {
  const passes = Math.ceil(config.nodeReadyTimeoutSeconds / 30) + 4;
  for (let pass = 0; pass < passes; pass++) {
    await controller.reconcileOnce();
    cluster.nowMs += 30_000;
  }
}

describe('the node-less exit never terminates an instance that has a Node', () => {
  test('a Node missing from the cached view, with a broker the pod cache shows Pending: not terminated', async () => {
    // GIVEN zone a with a second instance i-a9 whose Node node-a-9 exists and hosts broker 1000,
    // while the node cache misses node-a-9 and the pod cache still shows that broker unbound
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    cluster.addInstance('us-east-1a', 9);
    const broker = cluster.brokers.find(each => each.zone === 'us-east-1a');
    if (broker === undefined) throw new Error('zone a has no broker');
    cluster.brokers = cluster.brokers.map(each =>
      each === broker ? { ...each, nodeName: 'node-a-9' } : each,
    );
    const events: ControllerEvent[] = [];
    const controller = reconcilerWithCaches(
      cluster,
      new Set(['node-a-9']),
      new Set([broker.podName]),
      events,
    );
    // WHEN the controller runs past nodeReadyTimeoutSeconds
    await pastNodelessTimeout(controller, cluster);
    // THEN i-a9, whose Node hosts a broker, is neither unprotected nor terminated
    expect(cluster.terminated).toEqual([]);
    expect(cluster.writes.filter(write => write.startsWith('unprotect'))).toEqual([]);
    // AND it says why, once: the Node that names the instance
    const reported = events.filter(event => event.reason === 'NodelessInstanceHasNode');
    expect(reported).toHaveLength(1);
    expect(reported[0].message).toContain('node-a-9');
  });

  test('an instance with no Node anywhere is still terminated (the way out stays)', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    cluster.addInstance('us-east-1a', 9);
    cluster.nodes = cluster.nodes.filter(node => node.name !== 'node-a-9');
    const controller = reconcilerWithCaches(cluster, new Set(), new Set());
    await pastNodelessTimeout(controller, cluster);
    expect(cluster.terminated).toEqual(['i-a9']);
  });

  test('property: whatever the caches miss, only instances without a Node are terminated', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Extra instances of zone a: whether each has a Node, whether the node cache misses that
        // Node, and how many of the zone's brokers sit on it (shown Pending by the pod cache).
        fc.array(fc.record({ hasNode: fc.boolean(), hidden: fc.boolean(), brokers: fc.nat(2) }), {
          minLength: 1,
          maxLength: 3,
        }),
        async extras => {
          const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
          const hidden = new Set<string>();
          const pending = new Set<string>();
          const zoneBrokers = cluster.brokers.filter(each => each.zone === 'us-east-1a');
          let next = 0;
          // Instances that have a Node in the cluster (shown or not).
          const withNode = new Set<string>();
          extras.forEach((extra, index) => {
            const instanceId = cluster.addInstance('us-east-1a', 5 + index);
            const nodeName = `node-a-${5 + index}`;
            if (!extra.hasNode) {
              cluster.nodes = cluster.nodes.filter(node => node.name !== nodeName);
              return;
            }
            withNode.add(instanceId);
            if (!extra.hidden) return;
            hidden.add(nodeName);
            for (let count = 0; count < extra.brokers && next < zoneBrokers.length; count++) {
              const podName = zoneBrokers[next++].podName;
              pending.add(podName);
              cluster.brokers = cluster.brokers.map(each =>
                each.podName === podName ? { ...each, nodeName } : each,
              );
            }
          });
          await pastNodelessTimeout(reconcilerWithCaches(cluster, hidden, pending), cluster);
          // A Node the caches miss keeps its instance (a visible empty node may be scaled in by
          // an ordinary removal, which reads the node live: not judged here).
          for (const instanceId of cluster.terminated) {
            expect(withNode.has(instanceId) && hiddenOf(instanceId, cluster, hidden)).toBe(false);
          }
          // The way out stays: a zone with an instance that has no Node at all gets its retry.
          if (extras.some(extra => !extra.hasNode)) {
            expect(cluster.terminated.filter(id => !withNode.has(id))).toHaveLength(1);
          }
        },
      ),
      { numRuns: 60, seed: 20 },
    );
  });
});

describe("the chaos property with the fourth review's fault kinds", () => {
  /** Every kind, the review's own drawn as often as all the others together. */
  const kinds: readonly FaultKind[] = [
    ...FAULT_KINDS,
    ...Array.from({ length: FAULT_KINDS.length }, (_, index) => {
      return REVIEW_4_FAULT_KINDS[index % REVIEW_4_FAULT_KINDS.length];
    }),
  ];
  const schedules = fc
    .array(faultArbOf(kinds), { minLength: 1, maxLength: 60 })
    .map(faults => [...faults].sort((a, b) => a.atMs - b.atMs));

  test('every schedule: the checker finds no violation, and the world settles', async () => {
    await fc.assert(
      fc.asyncProperty(schedules, fc.constantFrom(2, 3), async (faults, zones) => {
        const { violations, world } = await runSchedule(faults, configWithZones(zones));
        expect(violations).toEqual([]);
        expectSettled(world);
      }),
      { numRuns: 100, seed: 2020, endOnFailure: true },
    );
  }, 300_000);
});

describe('dry-run writes nothing, under any fault', () => {
  test('an instance without a Node past the timeout is not terminated', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    cluster.addInstance('us-east-1a', 9);
    cluster.nodes = cluster.nodes.filter(node => node.name !== 'node-a-9');
    const controller = reconcilerOn(
      cluster,
      { ...config, dryRun: true },
      { liveNodeCheck: cluster },
    );
    await pastNodelessTimeout(controller, cluster);
    expect(cluster.writes).toEqual([]);
  });

  test('property: every schedule of every fault kind, in dry-run: no write reaches the world', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(faultArbOf([...FAULT_KINDS, ...REVIEW_4_FAULT_KINDS]), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.constantFrom(2, 3),
        async (faults, zones) => {
          const sorted = [...faults].sort((a, b) => a.atMs - b.atMs);
          const { world } = await runSchedule(sorted, { ...configWithZones(zones), dryRun: true });
          expect(world.history.filter(event => event.kind === 'write')).toEqual([]);
        },
      ),
      { numRuns: 40, seed: 2021 },
    );
  }, 300_000);
});

describe('the protection housekeeping passes the write gate like every write', () => {
  // Mutation check: with the gate dropped from the housekeeping, protection still went out on a view
  // whose Prometheus data was stale (the housekeeping's own check ages only the Kubernetes and Auto
  // Scaling views), and no test failed.
  test('an unprotected InService instance is not protected while Prometheus data is stale', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    cluster.addInstance('us-east-1a', 9);
    const staleMs = (config.staleAfterSeconds + 1) * 1000;
    const observe = async (): Promise<Observed> => {
      const truth = await cluster.observe();
      return {
        ...truth,
        freshness: { ...truth.freshness, prometheusAtMs: truth.nowMs - staleMs },
      };
    };
    const controller = reconcilerOn(cluster, config, { observe });
    const pass = await controller.reconcileOnce();
    expect(pass.protectedInstances).toEqual([]);
    expect(cluster.writes).toEqual([]);
    // Control: on a fresh view the same instance is protected.
    const fresh = reconcilerOn(cluster, config);
    expect((await fresh.reconcileOnce()).protectedInstances).toEqual(['i-a9']);
  });
});

describe('leadership lapses by either clock', () => {
  // Mutation check: judging the renew deadline by the wall clock alone survived every test. A wall
  // clock stepped back by NTP after a renewal (by less than the time since, so it reads no
  // negative age) made the last renewal look younger than it was: the replica kept writing past
  // the renew deadline, and past the lease duration, when another replica may already lead.
  test('a wall clock stepped back 9 s: not leading once 11 s have passed on the monotonic clock', async () => {
    let lease: LeaseState | undefined;
    let version = 0;
    const store: LeaseStore = {
      get: async () => lease,
      create: async next => void (lease = { ...next, resourceVersion: String(++version) }),
      update: async next => void (lease = { ...next, resourceVersion: String(++version) }),
    };
    const timing = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 };
    let wall = 1_000_000;
    let mono = 5_000;
    const elector = new LeaderElector(
      'a',
      store,
      timing,
      () => wall,
      undefined,
      () => mono,
    );
    expect(await elector.tryAcquireOrRenew()).toBe(true);
    // 11 s pass (no renewal: the API server is unreachable); NTP stepped the wall clock back 9 s.
    mono += 11_000;
    wall += 11_000 - 9_000;
    expect(elector.leadership().leading).toBe(false);
    // Control: 9 s after the renewal on both clocks it still leads.
    const again = new LeaderElector(
      'b',
      { ...store, get: async () => undefined },
      timing,
      () => wall,
      undefined,
      () => mono,
    );
    expect(await again.tryAcquireOrRenew()).toBe(true);
    mono += 9_000;
    wall += 9_000;
    expect(again.leadership().leading).toBe(true);
  });
});
