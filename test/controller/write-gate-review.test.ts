/**
 * Faults found by the review of issue #10 (a fault injected at each step, and mutations of the
 * gate): each test names the fault, and each failed before its fix.
 *
 * - A pass's first writes waited (rate limit, Auto Scaling spacing) until its observation was
 *   stale, and a later write of the same pass still went out on it: the gate judged age by the
 *   observation's instant, not by the write's.
 * - An instance whose Node was missing from the Kafka node view (its label changed) or whose
 *   providerID did not parse looked node-less: the node-less exit terminated it with brokers
 *   aboard.
 * - A removal's record naming an instance other than its node's: the gate checked the node named
 *   and terminated the instance named, whose node hosted brokers.
 * - Leader election: a lease read that waited was timed from before the wait, so a follower took
 *   over while the holder still led; a clock that went backwards kept a replica leading.
 * - Data stamped in the future (a clock stepped back) counted as fresh.
 * - A record on a Node object restored under a new UID was waited on forever.
 * - Leader election on one clock: a wall clock steps forward (NTP), a monotonic one stands still
 *   across a suspend; either alone can make two leaders.
 * - Mutants of the gate and the reconciler that survived the suite (each named in its test).
 */
import { writeBlocker } from '../../controller/gate';
import { LeaderElector, type LeaseStore } from '../../controller/leader-election';
import { MemoryLeaseStore } from './memory-lease-store';
import { silentLogger } from '../../controller/log';
import { ControllerMetrics } from '../../controller/metrics';
import type { Observed, ObservedNode } from '../../controller/model';
import type { OperationRecord } from '../../controller/operation-record';
import type { ClusterWriter, GroupWriter } from '../../controller/ports';
import { stepOperation } from '../../controller/operation';
import { Reconciler } from '../../controller/reconciler';
import { staleDataBlocker } from '../../controller/safety';
import { FakeCluster } from './fake-cluster';
import { NOW_MS, testConfig } from './fixtures';

const leadership = () => ({ leading: true, fencingToken: 1, holder: 'a' });

function removal(phase: OperationRecord['phase'], instanceId: string): OperationRecord {
  return {
    id: 'op-1',
    kind: 'remove-node',
    zone: 'us-east-1a',
    groupName: 'asg-orders-kafka-a',
    nodeName: 'node-a-1',
    nodeUid: 'uid-node-a-1',
    instanceId,
    phase,
    movesDone: 2,
    startedAtMs: NOW_MS - 60_000,
    phaseStartedAtMs: NOW_MS - 1_000,
    fencingToken: 1,
    holder: 'a',
  };
}

/** Zone a with two nodes; node-a-1 cordoned and emptied (its brokers on node-a-0). */
function emptiedCluster(record: OperationRecord | undefined): FakeCluster {
  const cluster = new FakeCluster(
    { ...testConfig(), scaleInStabilizationSeconds: 0 },
    {
      nodesPerZone: 2,
      demandMiBps: 10,
    },
  );
  cluster.nodes = cluster.nodes.map(node =>
    node.name === 'node-a-1' ? { ...node, unschedulable: true, operation: record } : node,
  );
  cluster.brokers = cluster.brokers.map(broker =>
    broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
  );
  return cluster;
}

function reconciler(
  cluster: FakeCluster,
  options: {
    groups?: GroupWriter;
    observe?: () => Promise<Observed>;
    now?: () => number;
  } = {},
): Reconciler {
  return new Reconciler({
    config: cluster.config,
    observe: options.observe ?? cluster.observe,
    cluster,
    groups: options.groups ?? cluster,
    events: { record: async () => undefined },
    leadership,
    metrics: new ControllerMetrics({ defaultMetrics: false }),
    logger: silentLogger,
    newId: () => 'op-new',
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

async function passIgnoringErrors(controller: Reconciler): Promise<void> {
  try {
    await controller.reconcileOnce();
  } catch {
    // the production loop logs and retries next interval
  }
}

describe('write gate: faults found by the issue #10 review', () => {
  test('a write waits until the observation is stale: the gate ages the data at the write', async () => {
    // GIVEN node-a-1 emptied in drain, and an unprotected instance in zone b, so the pass first
    // protects it, and that call waits 200 s (Auto Scaling spacing and throttling retries)
    const cluster = emptiedCluster(removal('drain', 'i-a1'));
    cluster.groups = cluster.groups.map(group =>
      group.zone === 'us-east-1b'
        ? {
            ...group,
            instances: group.instances.map(i => ({ ...i, protectedFromScaleIn: false })),
          }
        : group,
    );
    const slowGroups: GroupWriter = {
      raiseDesiredCapacity: (name, desired) => cluster.raiseDesiredCapacity(name, desired),
      lowerDesiredCapacity: (name, from, to) => cluster.lowerDesiredCapacity(name, from, to),
      terminateInstance: (name, id) => cluster.terminateInstance(name, id),
      setInstanceProtection: async (name, ids, value) => {
        cluster.nowMs += 200_000;
        return cluster.setInstanceProtection(name, ids, value);
      },
    };
    // WHEN one pass runs (staleAfterSeconds is 120)
    await reconciler(cluster, { groups: slowGroups, now: () => cluster.nowMs }).reconcileOnce();
    // THEN the protection went out, and nothing of the removal step (its data is 200 s old now)
    expect(cluster.writes).toEqual(['protect i-b0,i-b1']);
  });

  test('a Kafka node missing from the node view: its instance is not terminated as node-less', async () => {
    // GIVEN node-a-1 (instance i-a1, brokers a-1001 and a-1003) lost the Kafka node label, so
    // the node view no longer lists it while its broker pods stay bound to it
    const cluster = new FakeCluster(testConfig(), { nodesPerZone: 2, demandMiBps: 10 });
    const withoutNodeA1 = async (): Promise<Observed> => {
      const observed = await cluster.observe();
      return { ...observed, nodes: observed.nodes.filter(node => node.name !== 'node-a-1') };
    };
    const controller = reconciler(cluster, { observe: withoutNodeA1 });
    // WHEN passes run past nodeReadyTimeoutSeconds
    for (let pass = 0; pass < 4; pass++) {
      await passIgnoringErrors(controller);
      cluster.nowMs += (cluster.config.nodeReadyTimeoutSeconds / 2) * 1000;
    }
    // THEN i-a1 is neither unprotected nor terminated
    expect(cluster.terminated).toEqual([]);
    expect(cluster.writes.filter(write => write.includes('i-a1'))).toEqual([]);
  });

  test('a node whose providerID does not parse: its instance is not terminated as node-less', async () => {
    const cluster = new FakeCluster(testConfig(), { nodesPerZone: 2, demandMiBps: 10 });
    cluster.nodes = cluster.nodes.map((node): ObservedNode =>
      node.name === 'node-a-1' ? { ...node, instanceId: undefined } : node,
    );
    const controller = reconciler(cluster);
    for (let pass = 0; pass < 4; pass++) {
      await passIgnoringErrors(controller);
      cluster.nowMs += (cluster.config.nodeReadyTimeoutSeconds / 2) * 1000;
    }
    expect(cluster.terminated).toEqual([]);
    expect(cluster.writes.filter(write => write.includes('i-a1'))).toEqual([]);
  });

  test("a removal whose record names another node's instance terminates nothing", async () => {
    // GIVEN node-a-1 emptied and cordoned, its record in terminate naming i-a0, the instance of
    // node-a-0, which hosts all of zone a's brokers (unprotected, as after the unprotect step)
    const cluster = emptiedCluster(removal('terminate', 'i-a0'));
    cluster.groups = cluster.groups.map(group => ({
      ...group,
      instances: group.instances.map(i => ({
        ...i,
        protectedFromScaleIn: i.instanceId !== 'i-a0',
      })),
    }));
    const controller = reconciler(cluster);
    for (let pass = 0; pass < 3; pass++) {
      await passIgnoringErrors(controller);
      cluster.nowMs += 30_000;
    }
    expect(cluster.terminated).toEqual([]);
  });

  test('scale-out: a raise waits until the observation is stale: not written', async () => {
    // GIVEN demand that needs zone a at 2 nodes, and a protection call that waits 200 s first
    const cluster = new FakeCluster(testConfig(), { nodesPerZone: 1, demandMiBps: 80 });
    cluster.groups = cluster.groups.map(group => ({
      ...group,
      instances: group.instances.map(i => ({ ...i, protectedFromScaleIn: false })),
    }));
    const slowGroups: GroupWriter = {
      raiseDesiredCapacity: (name, desired) => cluster.raiseDesiredCapacity(name, desired),
      lowerDesiredCapacity: (name, from, to) => cluster.lowerDesiredCapacity(name, from, to),
      terminateInstance: (name, id) => cluster.terminateInstance(name, id),
      setInstanceProtection: async (name, ids, value) => {
        cluster.nowMs += 200_000;
        return cluster.setInstanceProtection(name, ids, value);
      },
    };
    const result = await reconciler(cluster, {
      groups: slowGroups,
      now: () => cluster.nowMs,
    }).reconcileOnce();
    // THEN decide asked for the raise, and the gate held it: its data is 200+ s old by then
    expect(result.plan.action?.kind).toBe('scale-out');
    expect(cluster.writes.filter(write => write.startsWith('desired'))).toEqual([]);
  });

  test('an operation whose start waits until the observation is stale: no record written', async () => {
    // GIVEN low demand on two nodes per zone (decide asks for a scale-in at once), and a
    // protection call that waits 200 s first
    const cluster = new FakeCluster(
      { ...testConfig(), scaleInStabilizationSeconds: 0 },
      { nodesPerZone: 2, demandMiBps: 10 },
    );
    cluster.groups = cluster.groups.map(group =>
      group.zone === 'us-east-1b'
        ? {
            ...group,
            instances: group.instances.map(i => ({ ...i, protectedFromScaleIn: false })),
          }
        : group,
    );
    const slowGroups: GroupWriter = {
      raiseDesiredCapacity: (name, desired) => cluster.raiseDesiredCapacity(name, desired),
      lowerDesiredCapacity: (name, from, to) => cluster.lowerDesiredCapacity(name, from, to),
      terminateInstance: (name, id) => cluster.terminateInstance(name, id),
      setInstanceProtection: async (name, ids, value) => {
        cluster.nowMs += 200_000;
        return cluster.setInstanceProtection(name, ids, value);
      },
    };
    const result = await reconciler(cluster, {
      groups: slowGroups,
      now: () => cluster.nowMs,
    }).reconcileOnce();
    expect(result.plan.action?.kind).toBe('scale-in');
    expect(cluster.writes).toEqual(['protect i-b0,i-b1']);
  });

  test('the node-less exit whose terminate the gate refused mid-pass is tried again', async () => {
    // GIVEN zone a's group with an InService instance that never became a Node
    const cluster = new FakeCluster(testConfig(), { nodesPerZone: 1, demandMiBps: 10 });
    cluster.groups = cluster.groups.map(group =>
      group.zone === 'us-east-1a'
        ? {
            ...group,
            desired: group.desired + 1,
            instances: [
              ...group.instances,
              { instanceId: 'i-a9', lifecycleState: 'InService', protectedFromScaleIn: true },
            ],
          }
        : group,
    );
    // and an unprotect call that, once, waits until the pass's observation is stale
    let slowOnce = true;
    const groups: GroupWriter = {
      raiseDesiredCapacity: (name, desired) => cluster.raiseDesiredCapacity(name, desired),
      lowerDesiredCapacity: (name, from, to) => cluster.lowerDesiredCapacity(name, from, to),
      terminateInstance: (name, id) => cluster.terminateInstance(name, id),
      setInstanceProtection: async (name, ids, value) => {
        if (!value && slowOnce) {
          slowOnce = false;
          cluster.nowMs += 200_000;
        }
        return cluster.setInstanceProtection(name, ids, value);
      },
    };
    const controller = reconciler(cluster, { groups, now: () => cluster.nowMs });
    for (let pass = 0; pass < 6; pass++) {
      await passIgnoringErrors(controller);
      cluster.nowMs += (cluster.config.nodeReadyTimeoutSeconds / 2) * 1000;
    }
    // THEN the first attempt stopped after the unprotect, and a later pass terminated it
    expect(slowOnce).toBe(false);
    expect(cluster.terminated).toEqual(['i-a9']);
    expect(cluster.writes.filter(write => write === 'unprotect i-a9')).toHaveLength(2);
  });

  test('a record on a Node object of the same name but another UID is dropped, not waited on', async () => {
    // GIVEN node-a-1 restored from a backup: cordoned, carrying a drain record written for the
    // Node object it replaced (UID uid-old)
    const cluster = emptiedCluster({ ...removal('drain', 'i-a1'), nodeUid: 'uid-old' });
    const controller = reconciler(cluster);
    // WHEN two passes run
    await controller.reconcileOnce();
    await controller.reconcileOnce();
    // THEN the node is uncordoned first, then the record removed (before: it waited forever)
    expect(cluster.writes.slice(0, 2)).toEqual(['uncordon node-a-1', 'record node-a-1 clear']);
    const node = cluster.nodes.find(each => each.name === 'node-a-1');
    expect(node?.operation?.nodeUid).not.toBe('uid-old');
    expect(cluster.terminated).toEqual([]);
  });

  test('a move is done only on partition health sampled after the new pod became Ready', () => {
    // GIVEN a move whose pod was recreated on node-a-0 and became Ready 10 s ago, and partition
    // counts of 0 sampled 20 s ago (before it was Ready)
    const cluster = emptiedCluster(undefined);
    return cluster.observe().then(observed => {
      const record: OperationRecord = {
        ...removal('drain', 'i-a1'),
        move: {
          podName: 'orders-brokers-a-1001',
          podUid: 'uid-orders-brokers-a-1001',
          requestedAtMs: NOW_MS - 60_000,
          attempt: 1,
        },
      };
      const moved = {
        ...observed,
        freshness: { ...observed.freshness, prometheusAtMs: NOW_MS - 20_000 },
        brokers: observed.brokers.map(broker =>
          broker.podName === 'orders-brokers-a-1001'
            ? { ...broker, uid: 'uid-new', readySinceMs: NOW_MS - 10_000 }
            : broker,
        ),
        nodes: observed.nodes.map(node =>
          node.name === 'node-a-1' ? { ...node, operation: record } : node,
        ),
      };
      const context = { nowMs: NOW_MS, fencingToken: 1, holder: 'a', removalStillWanted: true };
      const before = stepOperation(record, moved, cluster.config, context);
      expect(before.events).not.toContain('move-finished');
      const after = stepOperation(
        record,
        { ...moved, freshness: { ...moved.freshness, prometheusAtMs: NOW_MS - 5_000 } },
        cluster.config,
        context,
      );
      expect(after.events).toContain('move-finished');
    });
  });

  test("the lease lapses between two groups' protection calls: the second is not made", async () => {
    const cluster = new FakeCluster(testConfig(), { nodesPerZone: 1, demandMiBps: 10 });
    cluster.groups = cluster.groups.map(group => ({
      ...group,
      instances: group.instances.map(i => ({ ...i, protectedFromScaleIn: false })),
    }));
    let leading = true;
    const lapsing: GroupWriter = {
      raiseDesiredCapacity: (name, desired) => cluster.raiseDesiredCapacity(name, desired),
      lowerDesiredCapacity: (name, from, to) => cluster.lowerDesiredCapacity(name, from, to),
      terminateInstance: (name, id) => cluster.terminateInstance(name, id),
      setInstanceProtection: async (name, ids, value) => {
        await cluster.setInstanceProtection(name, ids, value);
        leading = false;
      },
    };
    const controller = new Reconciler({
      config: cluster.config,
      observe: cluster.observe,
      cluster,
      groups: lapsing,
      events: { record: async () => undefined },
      leadership: () => ({ leading, fencingToken: 1, holder: 'a' }),
      metrics: new ControllerMetrics({ defaultMetrics: false }),
      logger: silentLogger,
    });
    await passIgnoringErrors(controller);
    expect(cluster.writes).toEqual(['protect i-a0']);
  });

  test("a step's second write is gated again after its first one waited", async () => {
    // GIVEN node-a-1 emptied in drain (the step writes the record `unprotect`, then unprotects),
    // and a record write that waits 200 s
    const cluster = emptiedCluster(removal('drain', 'i-a1'));
    const slowRecords: ClusterWriter = {
      writeOperation: async (node, record) => {
        cluster.nowMs += 200_000;
        return cluster.writeOperation(node, record);
      },
      setUnschedulable: (name, uid, value) => cluster.setUnschedulable(name, uid, value),
      requestRoll: (name, uid) => cluster.requestRoll(name, uid),
    };
    const controller = new Reconciler({
      config: cluster.config,
      observe: cluster.observe,
      cluster: slowRecords,
      groups: cluster,
      events: { record: async () => undefined },
      leadership,
      metrics: new ControllerMetrics({ defaultMetrics: false }),
      logger: silentLogger,
      now: () => cluster.nowMs,
    });
    await controller.reconcileOnce();
    // THEN the record went out and the unprotect did not (its data was 200 s old by then); the
    // next pass, on a fresh view, sends it
    expect(cluster.writes).toEqual(['record node-a-1 unprotect']);
    await controller.reconcileOnce();
    expect(cluster.writes).toEqual(['record node-a-1 unprotect', 'unprotect i-a1']);
  });

  test('a roll request that waited: the record after it is gated again, and the roll adopted', async () => {
    // GIVEN a drain on node-a-1 (still hosting two brokers) and a roll request that waits 200 s
    const cluster = new FakeCluster(testConfig(), { nodesPerZone: 2, demandMiBps: 10 });
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, operation: removal('drain', 'i-a1') }
        : node,
    );
    const slowRolls: ClusterWriter = {
      writeOperation: (node, record) => cluster.writeOperation(node, record),
      setUnschedulable: (name, uid, value) => cluster.setUnschedulable(name, uid, value),
      requestRoll: async (name, uid) => {
        cluster.nowMs += 200_000;
        return cluster.requestRoll(name, uid);
      },
    };
    const controller = new Reconciler({
      config: { ...cluster.config, scaleInStabilizationSeconds: 0 },
      observe: cluster.observe,
      cluster: slowRolls,
      groups: cluster,
      events: { record: async () => undefined },
      leadership,
      metrics: new ControllerMetrics({ defaultMetrics: false }),
      logger: silentLogger,
      now: () => cluster.nowMs,
    });
    await controller.reconcileOnce();
    expect(cluster.writes).toEqual(['roll orders-brokers-a-1001']);
    // The next pass adopts the annotated pod as the move (as after a crash).
    await controller.reconcileOnce();
    expect(cluster.writes).toEqual(['roll orders-brokers-a-1001', 'record node-a-1 drain']);
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation?.move?.podName).toBe(
      'orders-brokers-a-1001',
    );
  });

  test('the lease lapses mid-pass: the removal step writes nothing', async () => {
    // GIVEN node-a-1 emptied in drain and an unprotected instance; the lease lapses while the
    // pass protects it
    const cluster = emptiedCluster(removal('drain', 'i-a1'));
    cluster.groups = cluster.groups.map(group =>
      group.zone === 'us-east-1b'
        ? {
            ...group,
            instances: group.instances.map(i => ({ ...i, protectedFromScaleIn: false })),
          }
        : group,
    );
    let leading = true;
    const lapsing: GroupWriter = {
      raiseDesiredCapacity: (name, desired) => cluster.raiseDesiredCapacity(name, desired),
      lowerDesiredCapacity: (name, from, to) => cluster.lowerDesiredCapacity(name, from, to),
      terminateInstance: (name, id) => cluster.terminateInstance(name, id),
      setInstanceProtection: async (name, ids, value) => {
        await cluster.setInstanceProtection(name, ids, value);
        leading = false;
      },
    };
    const controller = new Reconciler({
      config: cluster.config,
      observe: cluster.observe,
      cluster,
      groups: lapsing,
      events: { record: async () => undefined },
      leadership: () => ({ leading, fencingToken: 1, holder: 'a' }),
      metrics: new ControllerMetrics({ defaultMetrics: false }),
      logger: silentLogger,
    });
    await expect(controller.reconcileOnce()).rejects.toThrow(/lease/);
    expect(cluster.writes).toEqual(['protect i-b0,i-b1']);
  });

  test('the gate refuses a terminate in a group at its min size (not only the state machine)', async () => {
    const cluster = emptiedCluster(undefined);
    const observed = await cluster.observe();
    const atMin = {
      ...observed,
      groups: observed.groups.map(group => ({ ...group, min: group.desired })),
    };
    const terminate = {
      kind: 'terminate-instance',
      groupName: 'asg-orders-kafka-a',
      instanceId: 'i-a1',
      nodeName: 'node-a-1',
    } as const;
    expect(writeBlocker(observed, cluster.config, terminate)).toBeUndefined();
    expect(writeBlocker(atMin, cluster.config, terminate)?.reason).toBe('group-at-min-size');
  });

  test('data stamped beyond the stale limit in the future is stale (a clock stepped back)', () => {
    const cluster = new FakeCluster(testConfig(), { nodesPerZone: 1, demandMiBps: 10 });
    const observed = {
      nowMs: NOW_MS,
      freshness: {
        kubernetesAtMs: NOW_MS + 600_000,
        prometheusAtMs: NOW_MS,
        autoscalingAtMs: NOW_MS,
      },
    };
    return cluster.observe().then(base => {
      expect(staleDataBlocker({ ...base, ...observed }, cluster.config)).toEqual({
        reason: 'stale-data',
        detail: 'kubernetes data is stamped 600s in the future; clocks disagree',
      });
      // A few seconds of skew between clocks is not stale.
      const skewed = { ...observed.freshness, kubernetesAtMs: NOW_MS + 5_000 };
      expect(
        staleDataBlocker({ ...base, nowMs: NOW_MS, freshness: skewed }, cluster.config),
      ).toBeUndefined();
    });
  });
});

const timing = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 };

describe('leader election: faults found by the issue #10 review', () => {
  test('a lease read that waited is timed from its answer: no takeover while the holder leads', async () => {
    const store = new MemoryLeaseStore();
    const t0 = 1_000_000;
    let now = t0;
    const a = new LeaderElector('a', store, timing, () => now);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    // B's first read waits 10 s (a 429 pause); meanwhile A renews, and B's answer shows it.
    let slow = true;
    const bStore: LeaseStore = {
      get: async () => {
        if (slow) {
          slow = false;
          now += 10_000;
          await a.tryAcquireOrRenew();
        }
        return store.get();
      },
      create: lease => store.create(lease),
      update: lease => store.update(lease),
    };
    const b = new LeaderElector('b', bStore, timing, () => now);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    // A renews no more (its requests fail) but leads until t0 + 10 s + its 10 s renew deadline.
    now = t0 + 15_000;
    expect(a.leadership().leading).toBe(true);
    // B has watched the lease unchanged for 5 s since the answer, not 15 s since its request.
    expect(await b.tryAcquireOrRenew()).toBe(false);
    now = t0 + 25_000;
    expect(a.leadership().leading).toBe(false);
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  test('two clocks: a suspended machine stops leading; a wall clock stepped forward takes nothing over', async () => {
    const store = new MemoryLeaseStore();
    let wall = 1_000_000;
    let mono = 5_000;
    const a = new LeaderElector(
      'a',
      store,
      timing,
      () => wall,
      undefined,
      () => mono,
    );
    const b = new LeaderElector(
      'b',
      store,
      timing,
      () => wall + bSkew,
      undefined,
      () => bMono,
    );
    let bSkew = 0;
    let bMono = 0;
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    // A's machine is suspended for 60 s: its monotonic clock stood still, the wall clock did not.
    wall += 60_000;
    expect(a.leadership().leading).toBe(false);
    // A renews again; B's wall clock is stepped 60 s forward by NTP while its monotonic clock
    // moved 1 s: the lease it watches is not expired.
    mono += 1_000;
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    bSkew = 60_000;
    bMono += 1_000;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(a.leadership().leading).toBe(true);
  });

  test('a clock that went backwards ends leadership until the next renewal', async () => {
    const store = new MemoryLeaseStore();
    let now = 1_000_000;
    const a = new LeaderElector('a', store, timing, () => now);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    now -= 3_600_000;
    expect(a.leadership().leading).toBe(false);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(a.leadership().leading).toBe(true);
  });
});
