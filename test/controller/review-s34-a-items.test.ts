/**
 * Review s34-a, part 1: the three items review s33-c found and left (docs/controller.md, "Review
 * s33-c", "Found and not fixed"), each closed where its class lives, and tested here.
 *
 * 1a. A Pending pod of a broker pool outside the configuration (`Observed.otherBrokerPods`) held
 *     no unprotect or terminate: the gate looked for Pending brokers of the removal's zone only, and
 *     such a pod's zone cannot be told. Now the gate (`emptyNodeBlocker`) and the live read right
 *     before the call (`liveTerminateRefusal`, `LiveBrokerCheck.otherBrokerPodsNow`) hold every
 *     zone's unprotect and terminate while one is unbound, naming the pod and the way out (bound,
 *     deleted, or its pool added to the configuration).
 * 1b. The pick of a node to remove saw only the Kafka node view: a second Node naming the victim's
 *     instance outside it had the removal started, refused at its unprotect and rolled back at the
 *     deadline, again and again. Now the live read of every Node right before the first record
 *     (`victimIsOnlyNodeOfInstance`) starts nothing on such an instance, and `decide` picks another
 *     node or holds with `no-removable-node` naming that Node (`Observed.instancesNamedOutsideView`,
 *     kept `staleAfterSeconds`, then read again).
 * 1c. The completeness checks counted broker entries per zone: a view listing one pod twice and
 *     missing another passed. Now they count distinct pods and hold on a view listing one twice
 *     (`distinctBrokersOfZone`, `duplicateBrokerPods`), in the gate and in `kafkaBlocker`.
 *
 * Each test below failed on the code before its fix (checked by reverting the fix).
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import { incompletePodView, writeBlocker } from '../../controller/gate';
import type { Observed, ObservedBroker } from '../../controller/model';
import { kafkaBlocker } from '../../controller/safety';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { healthyCluster, testConfig } from './fixtures';
import { removalOfNodeA1, waitingGroupWriter } from './writer-waits';

const threeZones = testConfig();
const terminateOfA1 = {
  kind: 'terminate-instance' as const,
  groupName: 'asg-orders-kafka-a',
  instanceId: 'i-a1',
  nodeName: 'node-a-1',
};

describe('1a: a Pending pod of a pool outside the configuration holds every zone’s unprotect and terminate', () => {
  test.each(['terminate-instance', 'unprotect-instance'] as const)(
    'the gate holds the %s, naming the pod and the way out',
    async kind => {
      // GIVEN node-a-1 emptied and cordoned, and a pod of an unconfigured pool Pending
      const cluster = removalOfNodeA1(threeZones, 'terminate', true);
      cluster.otherBrokerPods = [{ podName: 'orders-extra-0', nodeName: undefined }];
      const blocked = writeBlocker(await cluster.observe(), threeZones, { ...terminateOfA1, kind });
      // THEN held (failed before: undefined, the call allowed)
      expect(blocked?.reason).toBe('operation-in-flight');
      expect(blocked?.detail).toContain('orders-extra-0');
      expect(blocked?.detail).toContain('zone cannot be told');
      expect(blocked?.detail).toContain('bound or deleted');
      expect(blocked?.detail).toContain('add its pool to the configuration');
    },
  );

  test.each([
    ['bound to another node', { podName: 'orders-extra-0', nodeName: 'node-b-0' }],
    ['gone', undefined],
  ] as const)('the hold clears once the pod is %s', async (_name, pod) => {
    const cluster = removalOfNodeA1(threeZones, 'terminate', true);
    cluster.otherBrokerPods = pod === undefined ? [] : [{ ...pod }];
    expect(writeBlocker(await cluster.observe(), threeZones, terminateOfA1)).toBeUndefined();
  });

  test('the live read right before the terminate: such a pod recreated Pending meanwhile', async () => {
    // GIVEN a removal of node-a-1 at terminate, nothing Pending in the cached view
    const cluster = removalOfNodeA1(threeZones, 'terminate', true);
    const reconciler = reconcilerOn(cluster, threeZones, {
      // WHEN, while the call waits its spacing, a pod of an unconfigured pool goes Pending
      groups: waitingGroupWriter(cluster, 'terminate', () => {
        cluster.otherBrokerPods = [{ podName: 'orders-extra-0', nodeName: undefined }];
      }),
      liveNodeCheck: cluster,
      liveBrokerCheck: cluster,
    });
    await reconciler.reconcileOnce();
    // THEN no terminate, and the instance is protected again (failed before: i-a1 terminated)
    expect(cluster.terminated).toEqual([]);
    const a1 = cluster.groups
      .flatMap(group => group.instances)
      .find(instance => instance.instanceId === 'i-a1');
    expect(a1?.protectedFromScaleIn).toBe(true);
  });

  test('end to end: the removal waits while it is Pending and completes once it binds elsewhere', async () => {
    const cluster = removalOfNodeA1(threeZones, 'unprotect');
    cluster.otherBrokerPods = [{ podName: 'orders-extra-0', nodeName: undefined }];
    const reconciler = reconcilerOn(cluster, threeZones, {
      observe: () => cluster.observe(),
      liveNodeCheck: cluster,
      liveBrokerCheck: cluster,
    });
    for (let pass = 0; pass < 4; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    // Held: nothing unprotected, nothing terminated (failed before: i-a1 terminated)
    expect(cluster.terminated).toEqual([]);
    expect(cluster.writes.filter(write => write.startsWith('unprotect'))).toEqual([]);
    // The way out: the pod binds (to a node of zone b)
    cluster.otherBrokerPods = [{ podName: 'orders-extra-0', nodeName: 'node-b-0' }];
    for (let pass = 0; pass < 6 && cluster.terminated.length === 0; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    expect(cluster.terminated).toEqual(['i-a1']);
  });
});

describe('1b: no removal starts on an instance another Node names outside the Kafka node view', () => {
  const oneZone: ControllerConfig = {
    ...testConfig({ zones: 1 }),
    scaleInStabilizationSeconds: 120,
    emptyNodeStabilizationSeconds: 60,
  };

  /** Two nodes, 10 MiB/s (one is to go), and Nodes outside the view naming `twinned` instances. */
  function twinned(instances: readonly string[]): {
    cluster: FakeCluster;
    hidden: Set<string>;
  } {
    const cluster = new FakeCluster(oneZone, { nodesPerZone: 2, demandMiBps: 10 });
    const hidden = new Set<string>();
    for (const instanceId of instances) {
      const node = cluster.nodes.find(each => each.instanceId === instanceId);
      if (node === undefined) throw new Error(instanceId);
      const name = `twin-of-${node.name}`;
      hidden.add(name);
      // A stale Node object of the instance (its kubelet registered again under another name):
      // NotReady, so no pod is scheduled there.
      cluster.nodes.push({ ...node, name, uid: `uid-${name}`, ready: false, operation: undefined });
    }
    const truth = cluster.observe;
    cluster.observe = async () => {
      const observed = await truth();
      return { ...observed, nodes: observed.nodes.filter(node => !hidden.has(node.name)) };
    };
    return { cluster, hidden };
  }

  test('the twinned instance is never the one whose removal starts', async () => {
    const { cluster } = twinned(['i-a1']);
    const reconciler = reconcilerOn(cluster, oneZone, {
      observe: () => cluster.observe(),
      liveNodeCheck: cluster,
      liveBrokerCheck: cluster,
    });
    for (let pass = 0; pass < 30; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    // THEN no record or cordon ever went to node-a-1 (failed before: its removal started, then
    // was refused at its unprotect and rolled back), and the other node's removal went ahead
    expect(cluster.writes.filter(write => write.includes('node-a-1'))).toEqual([]);
    expect(cluster.terminated).toEqual(['i-a0']);
  });

  test('every instance twinned: no-removable-node naming the Node; the hold clears once it goes', async () => {
    const { cluster, hidden } = twinned(['i-a0', 'i-a1']);
    const reconciler = reconcilerOn(cluster, oneZone, {
      observe: () => cluster.observe(),
      liveNodeCheck: cluster,
      liveBrokerCheck: cluster,
    });
    let last: Awaited<ReturnType<typeof reconciler.reconcileOnce>> | undefined;
    const reasons = new Set<string>();
    for (let pass = 0; pass < 20; pass++) {
      last = await reconciler.reconcileOnce();
      reasons.add(last.plan.reason);
      cluster.advance(30);
    }
    expect(cluster.writes.filter(write => write.startsWith('record'))).toEqual([]);
    // Held with no-removable-node naming the Nodes, read again every staleAfterSeconds (when the
    // pick is `scale-in` for the one pass that reads)
    expect(reasons).toEqual(new Set(['stabilizing', 'scale-in', 'no-removable-node']));
    await reconciler.reconcileOnce();
    const held = await reconciler.reconcileOnce();
    expect(held.plan.reason).toBe('no-removable-node');
    expect(held.plan.detail).toContain('twin-of-node-a-0');
    expect(held.plan.detail).toContain('twin-of-node-a-1');
    expect(held.plan.detail).toContain('Kafka node label back');
    // The way out: the stale Node objects deleted; read again within staleAfterSeconds
    cluster.nodes = cluster.nodes.filter(node => !hidden.has(node.name));
    for (let pass = 0; pass < 20 && cluster.terminated.length === 0; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    expect(cluster.terminated).toHaveLength(1);
  });
});

describe('1c: the completeness checks count distinct broker pods', () => {
  const config = testConfig({ zones: 2, brokersPerZone: 2 });
  const base = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 10 });

  /** `base` with each broker listed `counts[i]` times (0: missing, 2: twice). */
  function listed(counts: readonly number[]): Observed {
    const brokers: ObservedBroker[] = base.brokers.flatMap((broker, index) =>
      Array.from({ length: counts[index] }, () => broker),
    );
    return { ...base, brokers };
  }

  test('a property over views with duplicates and omissions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 }), {
          minLength: base.brokers.length,
          maxLength: base.brokers.length,
        }),
        counts => {
          const view = listed(counts);
          const exact = counts.every(count => count === 1);
          // Complete exactly when each pod is listed once (failed before: one twice and one
          // missing in a zone passed)
          expect(incompletePodView(view, config) === undefined).toBe(exact);
          const blocked = writeBlocker(view, config, {
            ...terminateOfA1,
            groupName: 'asg-orders-kafka-a',
          });
          if (!exact) expect(blocked).toBeDefined();
          if (!exact) expect(kafkaBlocker(view, config)).toBeDefined();
        },
      ),
      { numRuns: 300, seed: 34 },
    );
  });

  test('one pod twice and another missing, in one zone: held, the detail naming the pod', () => {
    const zoneA = base.brokers.filter(broker => broker.zone === 'us-east-1a');
    const view = {
      ...base,
      brokers: [...base.brokers.filter(broker => broker !== zoneA[1]), zoneA[0]],
    };
    expect(incompletePodView(view, config)).toContain(zoneA[0].podName);
    expect(kafkaBlocker(view, config)?.reason).toBe('stale-data');
  });

  test('the same UID under two names holds too', () => {
    const [first, second, ...rest] = base.brokers;
    const view = { ...base, brokers: [first, { ...second, uid: first.uid }, ...rest] };
    expect(incompletePodView(view, config)).toContain('under two names');
  });
});

describe('fault 3 (part 2): a KafkaNodePool scaled down for good held every move with a way out that could not happen', () => {
  const config = testConfig({ zones: 2, brokersPerZone: 4 });
  const base = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
  // The user lowers zone a's pool from 4 replicas to 3: Strimzi deletes the highest-numbered pod.
  const lowered: Observed = { ...base, brokers: base.brokers.filter((_b, index) => index !== 3) };

  test('the hold names the configuration as the way out, in the move check and the gate', () => {
    // (failed before: "zone us-east-1a has 3 of 4 broker pods", with broker-not-ready's way out,
    // "every broker pod scheduled and Ready", which no pod named can meet)
    expect(kafkaBlocker(lowered, config)?.detail).toContain(
      "make the configuration's brokers per zone match the pools",
    );
    expect(incompletePodView(lowered, config)).toContain(
      "make the configuration's brokers per zone match the pools",
    );
  });

  test('taking it (the configuration matching the pool) clears the hold', () => {
    const matched: ControllerConfig = {
      ...config,
      zones: config.zones.map(zone =>
        zone.zone === 'us-east-1a' ? { ...zone, brokers: 3 } : zone,
      ),
    };
    expect(kafkaBlocker(lowered, matched)).toBeUndefined();
    expect(incompletePodView(lowered, matched)).toBeUndefined();
  });
});
