/**
 * Regression (found by reviewing 562d724 with the chaos property over 3 zones, seed 778, run 422):
 * the node-less exit's one retry per zone was spent for the life of the process. Zone c's new node
 * dropped out of the Kafka node view for 12 minutes at the first scale-out (its label changed), so
 * its instance was terminated as node-less (no broker was on it). Ninety minutes later a real
 * instance never joined in zone c; with the retry spent, the zone held `zone-cannot-grow` for good
 * and ran 4 nodes through the quiet hour. Now the retry is given back once an instance launched
 * after it becomes a Node; a launch whose replacements never join still gets one retry only.
 */
import { Reconciler } from '../../controller/reconciler';
import { config as chaosConfig, expectSettled, runSchedule } from './chaos-run';
import type { Fault } from './chaos-world';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { testConfig } from './fixtures';

const config = { ...testConfig(), scaleInStabilizationSeconds: 0, moveTimeoutSeconds: 300 };

function reconciler(cluster: FakeCluster): Reconciler {
  let id = 0;
  return reconcilerOn(cluster, config, { newId: () => `op-${++id}` });
}

/** Zone a's group with these extra InService instances (none has a Node) and desired capacity. */
function zoneAWith(cluster: FakeCluster, instanceIds: readonly string[], desired: number): void {
  cluster.groups = cluster.groups.map(group =>
    group.zone === 'us-east-1a'
      ? {
          ...group,
          desired,
          instances: [
            ...group.instances.filter(instance => instance.instanceId === 'i-a0'),
            ...instanceIds.map(instanceId => ({
              instanceId,
              lifecycleState: 'InService',
              protectedFromScaleIn: false,
            })),
          ],
        }
      : group,
  );
}

async function passes(controller: Reconciler, cluster: FakeCluster, count: number): Promise<void> {
  for (let pass = 0; pass < count; pass++) {
    await controller.reconcileOnce();
    cluster.advance(30);
  }
}

describe('node-less exit across a day', () => {
  test('a launch whose replacement never joins either gets one retry; a joined launch gives it back', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    const controller = reconciler(cluster);
    // GIVEN an instance that never joins: terminated once, after nodeReadyTimeoutSeconds
    zoneAWith(cluster, ['i-lost-1'], 2);
    await passes(controller, cluster, 40);
    // WHEN its replacement never joins either
    zoneAWith(cluster, ['i-lost-2'], 2);
    await passes(controller, cluster, 40);
    // THEN the retry is spent: the replacement is left (zone-cannot-grow), not terminated
    const terminated = () => cluster.writes.filter(write => write.startsWith('terminate i-lost'));
    expect(terminated()).toEqual(['terminate i-lost-1']);
    // WHEN a later launch joins (its Node appears), and another instance never joins
    const template = cluster.nodes.find(node => node.zone === 'us-east-1a');
    if (template === undefined) throw new Error('zone a has no node');
    cluster.nodes.push({
      ...template,
      name: 'node-a-new',
      uid: 'uid-node-a-new',
      instanceId: 'i-new',
    });
    zoneAWith(cluster, ['i-new', 'i-lost-3'], 3);
    await passes(controller, cluster, 40);
    // THEN that one gets its own way out
    expect(terminated()).toEqual(['terminate i-lost-1', 'terminate i-lost-3']);
  });

  test('a later instance that never joins gets its own way out once a replacement has joined', async () => {
    // chaos-run's config with 3 zones (jest gives each test file its own module registry).
    Object.assign(chaosConfig, { zones: testConfig({ zones: 3, brokersPerZone: 4 }).zones });
    const faults: Fault[] = [
      { atMs: 20, kind: 'api-errors', durationMs: 141906, pick: 838 },
      { atMs: 787113, kind: 'nodes-view-missing', durationMs: 29209, pick: 35 },
      { atMs: 2829418, kind: 'prometheus-partial', durationMs: 113946, pick: 4, afterWrite: 28 },
      { atMs: 4541129, kind: 'instance-never-joins', durationMs: 120723, pick: 533 },
      { atMs: 10551887, kind: 'node-unlabelled', durationMs: 179991, pick: 647, afterWrite: 5 },
    ];
    const { violations, world } = await runSchedule(faults);
    expect(violations).toEqual([]);
    expectSettled(world);
    const nodeless = world.history.filter(
      event =>
        event.kind === 'event' &&
        event.reason === 'NodelessInstanceTerminated' &&
        event.message.includes('asg-orders-kafka-c'),
    );
    // Since the fourth fault review, the instance whose node lost its label (it has a Node, read
    // live) is no longer taken for node-less: only the instance that never joined is terminated.
    // The retry given back is the test above.
    expect(nodeless).toHaveLength(1);
    expect(world.groups.map(group => group.desired)).toEqual([1, 1, 1]);
  });
});
