/**
 * Review s24-r1 of the Lease read-back (`LeaderElector.confirm`). Fault 1: an old process of the
 * same identity (a replica replaced under the same name while its predecessor stood frozen) that
 * wakes up renews the Lease it finds under its own name on its next retry tick, and from then on
 * both processes confirm in turn, each right after its own renewal, with the same fencing token:
 * two writers, interleaved, that no record can tell apart. Confirm refused the old process only
 * until its next renewal.
 *
 * Fault 2: a node hosting a pod of the broker selector whose pool is none of the configured zones'
 * (a pool added by hand) looked empty to the cached view, which maps only configured pools, but
 * not to the live read before the unprotect (same selector, every pool). Its removal drained,
 * waited for its deadline, rolled back (`stepDrain` `late`) and started again, for ever: a
 * cordon/uncordon loop every phase deadline.
 *
 * Fault 3 (same class): a zone showing more broker pods than configured (a pool scaled by hand)
 * makes the gate's empty-node check refuse every unprotect (`incompletePodView`), in every zone,
 * but a scale-in still started: each removal cordoned, waited for its deadline and rolled back,
 * zone after zone, for ever, under `operation-in-flight` holds that never named the pool.
 *
 * Fault 4 (same class): a Kafka node whose providerID the controller cannot read makes the gate
 * refuse every unprotect (`unmappedBrokerHost`); removals started and rolled back the same way.
 *
 * Fault 5 (same class): a victim whose instance a second Node object names (a stale Node left
 * under another name): the unprotect needs exactly one node per instance, so its removal looped.
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import type { Observed } from '../../controller/model';
import { assembleObservation } from '../../controller/observe';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { testConfig } from './fixtures';
import { MemoryLeaseStore, replica } from './memory-lease-store';

type Replica = ReturnType<typeof replica>;

/** Records every confirmation; fails when one fencing token is confirmed by two processes. */
class ConfirmLog {
  private readonly byToken = new Map<number, Replica>();
  async check(processes: readonly Replica[]): Promise<void> {
    for (const p of processes) {
      if (!(await p.elector.confirm())) continue;
      const token = p.elector.leadership().fencingToken;
      const first = this.byToken.get(token) ?? p;
      this.byToken.set(token, first);
      // One fencing token, one writer: a second process confirming under it writes records and
      // moves brokers indistinguishable from the first's.
      expect(first).toBe(p);
    }
  }
}

/**
 * A 10-minute phase deadline and a cluster at 2 nodes a zone under low demand, zone a's brokers
 * all on node-a-0: node-a-1 is the empty node a removal would pick.
 */
function packedCluster(): { config: ControllerConfig; cluster: FakeCluster } {
  const config = { ...testConfig(), operationPhaseTimeoutSeconds: 600 };
  const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
  cluster.brokers = cluster.brokers.map(broker =>
    broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
  );
  return { config, cluster };
}

/** 400 passes 30 s apart (200 minutes); the last plan as `reason: detail`. */
async function run200Minutes(
  reconciler: ReturnType<typeof reconcilerOn>,
  cluster: FakeCluster,
): Promise<string> {
  let last = '';
  for (let pass = 0; pass < 400; pass++) {
    const result = await reconciler.reconcileOnce();
    last = `${result.plan.reason}: ${result.plan.detail}`;
    cluster.advance(30);
  }
  return last;
}

describe('review s24-r1: one fencing token, one writing process', () => {
  test('fault 1: an old process of the same identity that wakes and renews never confirms again', async () => {
    const store = new MemoryLeaseStore();
    const log = new ConfirmLog();
    const old = replica('a', store);
    expect(await old.elector.tryAcquireOrRenew()).toBe(true);
    await log.check([old]);
    // Old freezes (clocks stand still); a successor of the same name starts and takes the Lease.
    const successor = replica('a', store, 1_000_500);
    expect(await successor.elector.tryAcquireOrRenew()).toBe(true);
    await log.check([old, successor]);
    // Old wakes: its retry timer fires at once. Before: it renewed the Lease under its name and
    // confirmed again, the successor in turn after its own next renewal.
    await old.elector.tryAcquireOrRenew();
    expect(await old.elector.confirm()).toBe(false);
    await log.check([old, successor]);
    successor.advance(2_000);
    await successor.elector.tryAcquireOrRenew();
    await log.check([old, successor]);
    old.advance(2_000);
    await old.elector.tryAcquireOrRenew();
    await log.check([old, successor]);
    // The successor leads throughout and is never locked out.
    successor.advance(2_000);
    expect(await successor.elector.tryAcquireOrRenew()).toBe(true);
    expect(await successor.elector.confirm()).toBe(true);
  });

  test('property: each fencing token is confirmed by one process only, whoever wakes and ticks', async () => {
    type Step =
      | { kind: 'tick'; who: number }
      | { kind: 'advance'; who: number; ms: number }
      | { kind: 'restart'; who: 0 | 1 };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('tick' as const), who: fc.nat({ max: 5 }) }),
      fc.record({
        kind: fc.constant('advance' as const),
        who: fc.nat({ max: 5 }),
        ms: fc.integer({ min: 0, max: 20_000 }),
      }),
      fc.record({
        kind: fc.constant('restart' as const),
        who: fc.constantFrom(0 as const, 1 as const),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async steps => {
        const store = new MemoryLeaseStore();
        const log = new ConfirmLog();
        const live = [replica('a', store), replica('b', store)];
        // Replaced processes live on: each may wake, advance its clocks and tick again.
        const all: Replica[] = [...live];
        let restarts = 0;
        for (const s of steps) {
          if (s.kind === 'restart') {
            restarts += 1;
            live[s.who] = replica(
              live[s.who].elector.leadership().holder,
              store,
              2_000_000 + restarts * 7 + 1 / 3,
            );
            all.push(live[s.who]);
          } else {
            const p = all[s.who % all.length];
            if (s.kind === 'tick') await p.elector.tryAcquireOrRenew();
            else p.advance(s.ms);
          }
          await log.check(all);
        }
        // A live process alone, ticking, leads again within a lease duration and some ticks.
        const last = live[0];
        for (let i = 0; i < 12; i++) {
          await last.elector.tryAcquireOrRenew();
          last.advance(2_000);
        }
        await last.elector.tryAcquireOrRenew();
        expect(await last.elector.confirm()).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('review s24-r1 fault 2: a node the live read never finds empty is no scale-in victim', () => {
  test('a broker pod of a pool outside the configuration: no drain/rollback loop', async () => {
    const { config, cluster } = packedCluster();
    const other = { podName: 'orders-brokers-x-9000', nodeName: 'node-a-1' };
    const withOther = (observed: Observed): Observed => ({
      ...observed,
      otherBrokerPods: [other],
    });
    const reconciler = reconcilerOn(cluster, config, {
      observe: async () => withOther(await cluster.observe()),
      liveNodeCheck: {
        nodeNow: async name => {
          const now = await cluster.nodeNow(name);
          return name === other.nodeName
            ? { ...now, brokers: [...now.brokers, other.podName] }
            : now;
        },
        nodesOfInstance: cluster.nodesOfInstance,
      },
    });
    // 200 minutes: before, node-a-1 was cordoned, drained, rolled back about every 11 minutes.
    await run200Minutes(reconciler, cluster);
    const cordons = cluster.writes.filter(write => write === 'cordon node-a-1');
    expect(cordons.length).toBeLessThanOrEqual(1);
    expect(cluster.writes.filter(write => write === 'unprotect i-a1')).toEqual([]);
    expect(cluster.terminated).not.toContain('i-a1');
  });

  test('the observation carries the pods of pools outside the configuration', () => {
    const config = testConfig();
    const pod = (name: string, pool: string | undefined, nodeName: string) => ({
      metadata: {
        name,
        uid: name,
        labels:
          pool === undefined ? {} : ({ 'strimzi.io/pool-name': pool } as Record<string, string>),
      },
      spec: { nodeName },
    });
    const observed = assembleObservation(
      {
        nowMs: 0,
        nodes: [],
        pods: [
          pod('orders-brokers-a-1000', config.zones[0].poolName, 'n0'),
          pod('orders-brokers-x-9000', 'brokers-x', 'n1'),
          pod('orders-unlabelled-0', undefined, 'n2'),
        ],
        kafka: undefined,
        kubernetesSyncedAtMs: undefined,
        prometheus: undefined,
        autoscaling: undefined,
      },
      config,
    );
    expect(observed.brokers.map(broker => broker.podName)).toEqual(['orders-brokers-a-1000']);
    expect(observed.otherBrokerPods).toEqual([
      { podName: 'orders-brokers-x-9000', nodeName: 'n1' },
      { podName: 'orders-unlabelled-0', nodeName: 'n2' },
    ]);
  });
});

describe('review s24-r1 fault 3: no removal starts that the empty-node check must refuse', () => {
  test('a zone with more broker pods than configured: scale-in held with the reason, no loop', async () => {
    const { config, cluster } = packedCluster();
    const first = cluster.brokers.find(broker => broker.zone === 'us-east-1a');
    if (first === undefined) throw new Error('no broker in zone a');
    const extra = 'orders-brokers-a-1099';
    // The pool scaled by hand past the configuration: one more Ready broker, with its series.
    cluster.brokers = [...cluster.brokers, { ...first, podName: extra, uid: 'extra-uid' }];
    const reconciler = reconcilerOn(cluster, config, {
      observe: async () => {
        const observed = await cluster.observe();
        const sampled = observed.healthSampledAtMs ?? {};
        return {
          ...observed,
          loads:
            observed.loads === undefined
              ? undefined
              : [...observed.loads, { podName: extra, receiveMiBps: 0, transmitMiBps: 0 }],
          healthSampledAtMs: { ...sampled, [extra]: Object.values(sampled)[0] ?? observed.nowMs },
        };
      },
    });
    const last = await run200Minutes(reconciler, cluster);
    // Before: 15 removals started and rolled back in 200 minutes (zones a and b in turn).
    expect(cluster.writes.filter(write => write.startsWith('cordon '))).toEqual([]);
    expect(last).toMatch(/^stale-data: .*more than the \d+ configured.*way out/);
  });
});

describe('review s24-r1 fault 4: no removal starts while a Kafka node maps to no instance', () => {
  test('a node whose providerID does not parse: scale-in held with the reason, no loop', async () => {
    const { config, cluster } = packedCluster();
    const reconciler = reconcilerOn(cluster, config, {
      observe: async () => {
        const observed = await cluster.observe();
        return {
          ...observed,
          nodes: observed.nodes.map(node =>
            node.name === 'node-c-0' ? { ...node, instanceId: undefined } : node,
          ),
        };
      },
    });
    const last = await run200Minutes(reconciler, cluster);
    expect(cluster.writes.filter(write => write.startsWith('cordon '))).toEqual([]);
    expect(last).toMatch(/^stale-data: node node-c-0 has no instance ID.*way out/);
  });
});

describe('review s24-r1 fault 5: no victim whose instance two Node objects name', () => {
  test('a second Node object naming the victim instance: no drain/rollback loop', async () => {
    const { config, cluster } = packedCluster();
    const reconciler = reconcilerOn(cluster, config, {
      observe: async () => {
        const observed = await cluster.observe();
        const a1 = observed.nodes.find(node => node.name === 'node-a-1');
        if (a1 === undefined) return observed;
        // A stale Node object left behind under another name, naming the same instance.
        const twin = { ...a1, name: 'node-a-1-old', uid: 'twin-uid', ready: false };
        return { ...observed, nodes: [...observed.nodes, twin] };
      },
    });
    await run200Minutes(reconciler, cluster);
    expect(cluster.writes.filter(write => write === 'cordon node-a-1').length).toBeLessThanOrEqual(
      1,
    );
    expect(cluster.terminated).not.toContain('i-a1');
  });
});

describe('review s24-r1: the class of faults 2 to 5', () => {
  test('property: whatever the view hides from the unprotect gate, no node is cordoned twice in 200 minutes', async () => {
    const nodeNames = ['node-a-0', 'node-a-1', 'node-b-0', 'node-b-1', 'node-c-0', 'node-c-1'];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          otherPodOn: fc.option(fc.constantFrom(...nodeNames), { nil: undefined }),
          extraPodInZoneA: fc.boolean(),
          unmappedNode: fc.option(fc.constantFrom(...nodeNames), { nil: undefined }),
          twinOf: fc.option(fc.constantFrom(...nodeNames), { nil: undefined }),
        }),
        async faults => {
          const { config, cluster } = packedCluster();
          const extra = 'orders-brokers-a-1099';
          if (faults.extraPodInZoneA) {
            const first = cluster.brokers.find(broker => broker.zone === 'us-east-1a');
            if (first !== undefined) {
              cluster.brokers = [...cluster.brokers, { ...first, podName: extra, uid: 'extra' }];
            }
          }
          const other = 'orders-brokers-x-9000';
          const reconciler = reconcilerOn(cluster, config, {
            observe: async () => {
              const observed = await cluster.observe();
              const sampled = observed.healthSampledAtMs ?? {};
              const twin = observed.nodes.find(node => node.name === faults.twinOf);
              return {
                ...observed,
                loads:
                  faults.extraPodInZoneA && observed.loads !== undefined
                    ? [...observed.loads, { podName: extra, receiveMiBps: 0, transmitMiBps: 0 }]
                    : observed.loads,
                healthSampledAtMs: faults.extraPodInZoneA
                  ? { ...sampled, [extra]: Object.values(sampled)[0] ?? observed.nowMs }
                  : observed.healthSampledAtMs,
                nodes: [
                  ...observed.nodes.map(node =>
                    node.name === faults.unmappedNode ? { ...node, instanceId: undefined } : node,
                  ),
                  ...(twin === undefined
                    ? []
                    : [{ ...twin, name: `${twin.name}-old`, uid: 'twin', ready: false }]),
                ],
                otherBrokerPods:
                  faults.otherPodOn === undefined
                    ? []
                    : [{ podName: other, nodeName: faults.otherPodOn }],
              };
            },
            liveNodeCheck: {
              nodeNow: async name => {
                const now = await cluster.nodeNow(name);
                return name === faults.otherPodOn
                  ? { ...now, brokers: [...now.brokers, other] }
                  : now;
              },
              nodesOfInstance: cluster.nodesOfInstance,
            },
          });
          await run200Minutes(reconciler, cluster);
          for (const name of nodeNames) {
            const cordons = cluster.writes.filter(write => write === `cordon ${name}`).length;
            expect({ name, loops: cordons > 1 }).toEqual({ name, loops: false });
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
