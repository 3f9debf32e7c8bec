import { ControllerMetrics } from '../../controller/metrics';
import { silentLogger } from '../../controller/log';
import type { ObservedNode } from '../../controller/model';
import { currentMoveAgeSeconds, NotLeaderError, Reconciler } from '../../controller/reconciler';
import type { ControllerEvent, Leadership } from '../../controller/ports';
import { testConfig } from './fixtures';
import { CrashError, FakeCluster, type CrashPlan } from './fake-cluster';

const config = { ...testConfig(), scaleInStabilizationSeconds: 0, moveTimeoutSeconds: 300 };

function controller(
  cluster: FakeCluster,
  leadership: () => Leadership,
  events: ControllerEvent[] = [],
  overrides: Partial<typeof config> = {},
): Reconciler {
  let id = 0;
  return new Reconciler({
    config: { ...config, ...overrides },
    observe: cluster.observe,
    cluster,
    groups: cluster,
    events: { record: async event => void events.push(event) },
    leadership,
    metrics: new ControllerMetrics({ defaultMetrics: false }),
    logger: silentLogger,
    newId: () => `op-${++id}`,
  });
}

const leading =
  (holder = 'a', fencingToken = 1) =>
  (): Leadership => ({
    leading: true,
    fencingToken,
    holder,
  });

/** Runs passes (restarting the controller after a crash) until nothing changes for a while. */
async function runToRest(cluster: FakeCluster, passes = 200): Promise<number> {
  let reconciler = controller(cluster, leading());
  let restarts = 0;
  for (let pass = 0; pass < passes; pass++) {
    try {
      await reconciler.reconcileOnce();
    } catch (error) {
      if (!(error instanceof CrashError)) throw error;
      restarts++;
      reconciler = controller(cluster, leading());
    }
    cluster.advance(30);
  }
  return restarts;
}

function expectScaledInCleanly(cluster: FakeCluster): void {
  // One node per zone, every broker on it and Ready, nothing cordoned, no record left.
  expect(cluster.nodes).toHaveLength(3);
  for (const node of cluster.nodes) {
    expect(node.unschedulable).toBe(false);
    expect(node.operation).toBeUndefined();
  }
  for (const broker of cluster.brokers) {
    expect(broker.ready).toBe(true);
    const node = cluster.nodes.find(each => each.name === broker.nodeName);
    expect(node?.zone).toBe(broker.zone);
  }
  // Exactly one instance terminated per zone, desired decremented exactly once.
  expect([...cluster.terminated].sort()).toEqual(['i-a1', 'i-b1', 'i-c1']);
  for (const group of cluster.groups) expect(group.desired).toBe(1);
  // Never more than one broker moving at a time.
  expect(cluster.mostRollsInFlight).toBe(1);
  // Each victim was unprotected before it was terminated; nothing else lost its protection, and
  // the housekeeping never protected a victim again once its removal owned the protection.
  expect(cluster.terminatedWhileProtected).toEqual([]);
  const unprotected = cluster.writes.filter(write => write.startsWith('unprotect '));
  expect([...new Set(unprotected)].sort()).toEqual([
    'unprotect i-a1',
    'unprotect i-b1',
    'unprotect i-c1',
  ]);
  expect(cluster.writes.filter(write => write.startsWith('protect '))).toEqual([]);
  for (const group of cluster.groups) {
    for (const instance of group.instances) expect(instance.protectedFromScaleIn).toBe(true);
  }
}

describe('reconciler: scale-in end to end', () => {
  test('empties one node per zone, one broker at a time, then terminates it', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    await runToRest(cluster);
    expectScaledInCleanly(cluster);
  });

  test('scale-out raises desired capacity, then re-spreads until every node is even', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 60 });
    const reconciler = controller(cluster, leading());
    for (let pass = 0; pass < 100; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
      // The cloud launches nodes for raised groups.
      for (const group of cluster.groups) {
        const zoneNodes = cluster.nodes.filter(node => node.zone === group.zone);
        if (zoneNodes.length < group.desired) {
          const name = `${zoneNodes[0].name}-new`;
          cluster.nodes.push({
            ...zoneNodes[0],
            name,
            uid: `uid-${name}`,
            instanceId: `i-${name}`,
          });
          cluster.groups = cluster.groups.map(each =>
            each === group
              ? {
                  ...each,
                  instances: [
                    ...each.instances,
                    {
                      instanceId: `i-${name}`,
                      lifecycleState: 'InService',
                      protectedFromScaleIn: false,
                    },
                  ],
                }
              : each,
          );
        }
      }
    }
    for (const node of cluster.nodes) {
      expect(cluster.brokers.filter(broker => broker.nodeName === node.name)).toHaveLength(2);
      expect(node.unschedulable).toBe(false);
      expect(node.operation).toBeUndefined();
    }
    expect(cluster.mostRollsInFlight).toBe(1);
    // The new instances were protected from scale-in once InService.
    for (const group of cluster.groups) {
      expect(group.instances).toHaveLength(2);
      for (const instance of group.instances) expect(instance.protectedFromScaleIn).toBe(true);
    }
  });
});

describe('reconciler: scale-in protection housekeeping', () => {
  test('protects a new InService instance, one call per group, in the first pass', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.addInstance('us-east-1a', 2);
    cluster.addInstance('us-east-1a', 3);
    const result = await controller(cluster, leading()).reconcileOnce();
    expect(result.protectedInstances).toEqual(['i-a2', 'i-a3']);
    expect(cluster.writes[0]).toBe('protect i-a2,i-a3');
    expect(cluster.writes.filter(write => write.startsWith('protect '))).toHaveLength(1);
    const group = cluster.groups.find(each => each.zone === 'us-east-1a');
    expect(group?.instances.every(instance => instance.protectedFromScaleIn === true)).toBe(true);
  });

  test('restores protection someone cleared, and is idempotent afterwards', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    await cluster.setInstanceProtection('asg-orders-kafka-b', ['i-b0'], false);
    const reconciler = controller(cluster, leading());
    await reconciler.reconcileOnce();
    const protectWrites = () => cluster.writes.filter(write => write.startsWith('protect '));
    expect(protectWrites()).toEqual(['protect i-b0']);
    const again = await reconciler.reconcileOnce();
    expect(again.protectedInstances).toEqual([]);
    expect(protectWrites()).toEqual(['protect i-b0']);
  });

  test('a group scaled in from outside cannot pick a broker node once protected', async () => {
    const unguarded = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    unguarded.addInstance('us-east-1a', 2);
    unguarded.lowerDesiredFromOutside('asg-orders-kafka-a', 2);
    expect(unguarded.scaledIn).toEqual(['i-a2']); // the fake does pick unprotected instances

    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.addInstance('us-east-1a', 2);
    await controller(cluster, leading()).reconcileOnce();
    cluster.lowerDesiredFromOutside('asg-orders-kafka-a', 2);
    expect(cluster.scaledIn).toEqual([]);
  });

  test('dry-run reports the instances it would protect and writes nothing', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.addInstance('us-east-1c', 2);
    const result = await controller(cluster, leading(), [], { dryRun: true }).reconcileOnce();
    expect(result.protectedInstances).toEqual(['i-c2']);
    expect(cluster.writes).toEqual([]);
  });

  test('only the leader protects', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.addInstance('us-east-1c', 2);
    const follower = (): Leadership => ({ leading: false, fencingToken: 1, holder: 'b' });
    const result = await controller(cluster, follower).reconcileOnce();
    expect(result.protectedInstances).toEqual([]);
    expect(cluster.writes).toEqual([]);
  });

  test('is not the action: a scale-out goes out in the same pass', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 60 });
    await cluster.setInstanceProtection('asg-orders-kafka-a', ['i-a0'], false);
    const result = await controller(cluster, leading()).reconcileOnce();
    expect(result.protectedInstances).toEqual(['i-a0']);
    expect(result.plan.action?.kind).toBe('scale-out');
    expect(result.acted).toBe(true);
    expect(cluster.writes.slice(1)).toEqual(['protect i-a0', 'desired asg-orders-kafka-a 2']);
  });

  test('a failed protection call is logged and does not stop the pass', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 60 });
    await cluster.setInstanceProtection('asg-orders-kafka-a', ['i-a0'], false);
    cluster.crash = { atWrite: 2, when: 'before' };
    const result = await controller(cluster, leading()).reconcileOnce();
    expect(result.protectedInstances).toEqual([]);
    expect(result.acted).toBe(true);
    expect(cluster.writes.at(-1)).toBe('desired asg-orders-kafka-a 2');
  });
});

describe('reconciler: crash at every step boundary, then restart', () => {
  const clean = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
  let boundaries = 0;
  beforeAll(async () => {
    await runToRest(clean);
    boundaries = clean.writes.length;
  });

  test('a clean run has a write at every boundary of the scale-in', () => {
    expect(boundaries).toBeGreaterThan(20);
    expect(clean.writes.filter(write => write.startsWith('terminate'))).toHaveLength(3);
  });

  test('dies between unprotect and terminate, or right after terminate: terminates once', async () => {
    const unprotectAt = clean.writes.indexOf('unprotect i-a1') + 1;
    const terminateAt = clean.writes.indexOf('terminate i-a1') + 1;
    expect(unprotectAt).toBeGreaterThan(0);
    expect(terminateAt).toBeGreaterThan(unprotectAt);
    const crashes: CrashPlan[] = [
      { atWrite: unprotectAt, when: 'after' },
      { atWrite: terminateAt, when: 'before' },
      { atWrite: terminateAt, when: 'after' },
    ];
    for (const crash of crashes) {
      const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
      cluster.crash = crash;
      expect(await runToRest(cluster)).toBe(1);
      expect(cluster.terminated.filter(id => id === 'i-a1')).toEqual(['i-a1']);
      expectScaledInCleanly(cluster);
    }
  });

  for (const when of ['before', 'after'] as const) {
    test(`converges when the controller dies ${when} each write`, async () => {
      for (let atWrite = 1; atWrite <= boundaries; atWrite++) {
        const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
        const crash: CrashPlan = { atWrite, when };
        cluster.crash = crash;
        const restarts = await runToRest(cluster);
        expect(restarts).toBe(1);
        try {
          expectScaledInCleanly(cluster);
        } catch (error) {
          throw new Error(
            `after crash ${when} write ${atWrite} (${clean.writes[atWrite - 1]}): ${String(error)}`,
          );
        }
      }
    });
  }
});

describe('reconciler: Strimzi does not roll', () => {
  for (const behaviour of ['drop-annotation', 'refuse'] as const) {
    test(`${behaviour}: retries once, then abandons, uncordons and holds`, async () => {
      const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
      cluster.strimzi = behaviour;
      const events: ControllerEvent[] = [];
      const reconciler = controller(cluster, leading(), events);
      for (let pass = 0; pass < 60; pass++) {
        await reconciler.reconcileOnce();
        cluster.advance(30);
      }
      const rolls = cluster.writes.filter(write => write.startsWith('roll'));
      expect(rolls).toEqual(['roll orders-brokers-a-1001', 'roll orders-brokers-a-1001']);
      expect(cluster.terminated).toEqual([]);
      const node = cluster.nodes.find(each => each.name === 'node-a-1');
      expect(node?.unschedulable).toBe(false);
      expect(node?.operation?.phase).toBe('abandoned');
      expect(events.map(event => event.reason)).toEqual(
        expect.arrayContaining(['BrokerMoveRetried', 'BrokerMoveFailed', 'OperationAbandoned']),
      );
      const plan = (await reconciler.reconcileOnce()).plan;
      expect(plan.reason).toBe('operation-abandoned');
    });
  }

  test('a broker with nowhere to go: no move starts; the removal rolls back at its deadline', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const events: ControllerEvent[] = [];
    const reconciler = controller(cluster, leading(), events);
    await reconciler.reconcileOnce(); // writes the record
    // The other node of zone a is cordoned by someone else: no room for node-a-1's brokers.
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-0' ? { ...node, unschedulable: true } : node,
    );
    for (let pass = 0; pass < 60; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    // node-a-1's brokers never moved (there was nowhere to go) and it was never terminated.
    expect(cluster.writes).not.toContain('roll orders-brokers-a-1001');
    expect(cluster.writes).not.toContain('roll orders-brokers-a-1003');
    expect(cluster.terminated).not.toContain('i-a1');
    const kept = cluster.nodes.find(node => node.name === 'node-a-1');
    expect(kept?.operation).toBeUndefined();
    expect(kept?.unschedulable).toBe(false);
    expect(events.map(event => event.reason)).toContain('OperationRolledBack');
    // The next scale-in of zone a picks the cordoned node, whose brokers have somewhere to go.
    expect(cluster.terminated).toContain('i-a0');
    expect(cluster.mostRollsInFlight).toBe(1);
  });
});

describe('reconciler: safety during an operation', () => {
  test('does not start the next move while a partition is under-replicated (T1)', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const reconciler = controller(cluster, leading());
    await reconciler.reconcileOnce(); // record
    await reconciler.reconcileOnce(); // cordon
    await reconciler.reconcileOnce(); // cordoned -> drain
    cluster.underReplicatedPartitions = 1;
    for (let pass = 0; pass < 10; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    expect(cluster.writes.filter(write => write.startsWith('roll'))).toEqual([]);
    expect(cluster.terminated).toEqual([]);
  });

  test('dry-run decides and reports but writes nothing', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const events: ControllerEvent[] = [];
    const reconciler = controller(cluster, leading(), events, { dryRun: true });
    const result = await reconciler.reconcileOnce();
    expect(result.plan.action?.kind).toBe('scale-in');
    expect(cluster.writes).toEqual([]);
    expect(events[0]).toMatchObject({ reason: 'DryRun' });
  });
});

describe('reconciler: two leaders (T3)', () => {
  test('a replica that lost the lease does not write', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    let aLeads = true;
    const a = controller(cluster, () => ({ leading: aLeads, fencingToken: 1, holder: 'a' }));
    await a.reconcileOnce();
    aLeads = false;
    const before = cluster.writes.length;
    const result = await a.reconcileOnce();
    expect(result.acted).toBe(false);
    expect(cluster.writes.length).toBe(before);
  });

  test('a stale leader writing from an old view hits a conflict; the new leader adopts the record', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const a = controller(cluster, leading('a', 1));
    await a.reconcileOnce(); // A starts the operation
    const staleView = await cluster.observe();
    const b = controller(cluster, leading('b', 2));
    const adopted = await b.reconcileOnce();
    expect(adopted.step?.events).toEqual(['adopted']);
    const node = staleView.nodes.find(each => each.operation !== undefined);
    expect(node).toBeDefined();
    if (node?.operation === undefined) return;
    // A wakes up and writes from its old view: the resourceVersion guard refuses it.
    await expect(
      cluster.writeOperation(node, { ...node.operation, phase: 'drain' }),
    ).rejects.toThrow('node changed');
    // A steps again from a fresh view: the record now carries a newer token, so A only waits.
    const aAgain = await a.reconcileOnce();
    expect(aAgain.step?.waiting).toMatch(/newer leader/);
    expect(aAgain.acted).toBe(false);
    // B finishes the job alone.
    for (let pass = 0; pass < 200; pass++) {
      await b.reconcileOnce();
      cluster.advance(30);
    }
    expect([...cluster.terminated].sort()).toEqual(['i-a1', 'i-b1', 'i-c1']);
    expect(cluster.mostRollsInFlight).toBe(1);
  });

  test('refuses to act when leadership is lost between deciding and writing', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    let calls = 0;
    const flaky = controller(cluster, () => ({
      leading: calls++ === 0,
      fencingToken: 1,
      holder: 'a',
    }));
    await expect(flaky.reconcileOnce()).rejects.toThrow(NotLeaderError);
    expect(cluster.writes).toEqual([]);
  });
});

describe('currentMoveAgeSeconds', () => {
  const node = (move: { requestedAtMs: number; attempt: 1 | 2 } | undefined) =>
    ({
      name: 'n',
      operation: move === undefined ? undefined : { move: { podName: 'p', podUid: 'u', ...move } },
    }) as unknown as ObservedNode;

  test('is 0 without a move and counts a retried move from its first request', () => {
    expect(currentMoveAgeSeconds([node(undefined)], 1_000_000, 900)).toBe(0);
    expect(
      currentMoveAgeSeconds([node({ requestedAtMs: 940_000, attempt: 1 })], 1_000_000, 900),
    ).toBe(60);
    // The retry reset requestedAtMs after the 900 s timeout: the age keeps counting.
    expect(
      currentMoveAgeSeconds([node({ requestedAtMs: 940_000, attempt: 2 })], 1_000_000, 900),
    ).toBe(960);
  });
});

describe('reconciler: a live read before the irreversible steps', () => {
  test('a broker that landed on the emptied node since the cached view stops unprotect and terminate', async () => {
    // GIVEN node-a-1 emptied and cordoned, its removal in unprotect; the cached pod view (within
    // the staleness limit) still shows it empty, but broker a-1001 has landed on it since
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.brokers = cluster.brokers.map(broker =>
      broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? {
            ...node,
            unschedulable: true,
            operation: {
              id: 'op-1',
              kind: 'remove-node',
              zone: 'us-east-1a',
              groupName: 'asg-orders-kafka-a',
              nodeName: 'node-a-1',
              nodeUid: 'uid-node-a-1',
              instanceId: 'i-a1',
              phase: 'unprotect',
              movesDone: 2,
              startedAtMs: cluster.nowMs,
              fencingToken: 1,
              holder: 'a',
            },
          }
        : node,
    );
    const cachedView = await cluster.observe();
    cluster.brokers = cluster.brokers.map(broker =>
      broker.podName === 'orders-brokers-a-1001' ? { ...broker, nodeName: 'node-a-1' } : broker,
    );
    const make = (live: boolean) =>
      new Reconciler({
        config,
        observe: async () => cachedView,
        cluster,
        groups: cluster,
        events: { record: async () => undefined },
        leadership: leading(),
        metrics: new ControllerMetrics({ defaultMetrics: false }),
        logger: silentLogger,
        ...(live ? { liveNodeCheck: cluster } : {}),
      });
    // WHEN the controller with the live read steps; THEN nothing irreversible goes out
    await make(true).reconcileOnce();
    expect(cluster.writes.filter(write => /^(unprotect|terminate) /.test(write))).toEqual([]);
    // (without it, the cached view alone would have let the unprotect through)
    await make(false).reconcileOnce();
    expect(cluster.writes.filter(write => /^unprotect /.test(write))).toEqual(['unprotect i-a1']);
  });
});

describe('reconciler: an instance that never becomes a Node', () => {
  test('is unprotected and terminated with the decrement after nodeReadyTimeoutSeconds, once', async () => {
    // GIVEN zone a's group raised to 2 whose new instance is InService but never joins
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    cluster.groups = cluster.groups.map(group =>
      group.zone === 'us-east-1a'
        ? {
            ...group,
            desired: 2,
            instances: [
              ...group.instances,
              { instanceId: 'i-lost', lifecycleState: 'InService', protectedFromScaleIn: false },
            ],
          }
        : group,
    );
    const events: ControllerEvent[] = [];
    const reconciler = controller(cluster, leading(), events);
    // WHEN passes run for longer than nodeReadyTimeoutSeconds
    for (let pass = 0; pass < 40; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    // THEN it was protected by the housekeeping, then unprotected and terminated exactly once
    const about = cluster.writes.filter(write => write.includes('i-lost'));
    expect(about).toEqual(['protect i-lost', 'unprotect i-lost', 'terminate i-lost']);
    expect(cluster.groups.find(group => group.zone === 'us-east-1a')?.desired).toBe(1);
    expect(events.map(event => event.reason)).toContain('NodelessInstanceTerminated');
  });
});
