/**
 * The four reproductions of issue #10, each with the outcome the issue expects. All four were run
 * against the controller as it was before the fix (commit 3bcf807) and failed there: 1 unprotected
 * the node, 2 started a scale-in, 3 never adopted the record nor scaled out, 4 wrote desired
 * capacity 3.
 */
import { decide } from '../../controller/decide';
import { writeBlocker } from '../../controller/gate';
import { silentLogger } from '../../controller/log';
import { ControllerMetrics } from '../../controller/metrics';
import { INITIAL_MEMORY, type Observed } from '../../controller/model';
import type { OperationRecord } from '../../controller/operation-record';
import type { Leadership } from '../../controller/ports';
import { Reconciler } from '../../controller/reconciler';
import { FakeCluster } from './fake-cluster';
import { NOW_MS, healthyCluster, testConfig } from './fixtures';

function reconciler(
  cluster: FakeCluster,
  leadership: () => Leadership,
  observe: () => Promise<Observed> = cluster.observe,
  config = cluster.config,
): Reconciler {
  return new Reconciler({
    config,
    observe,
    cluster,
    groups: cluster,
    events: { record: async () => undefined },
    leadership,
    metrics: new ControllerMetrics({ defaultMetrics: false }),
    logger: silentLogger,
    newId: () => 'op-new',
  });
}

function drainRecord(holder: string, fencingToken: number): OperationRecord {
  return {
    id: 'op-1',
    kind: 'remove-node',
    zone: 'us-east-1a',
    groupName: 'asg-orders-kafka-a',
    nodeName: 'node-a-1',
    nodeUid: 'uid-node-a-1',
    instanceId: 'i-a1',
    phase: 'drain',
    movesDone: 0,
    startedAtMs: NOW_MS - 60_000,
    fencingToken,
    holder,
  };
}

describe('issue #10 reproductions', () => {
  test('1: a restart with the node list synced but not the pod list writes nothing', async () => {
    // GIVEN a remove-node record in drain on node-a-1, which hosts a-1001 and a-1003
    const config = { ...testConfig(), scaleInStabilizationSeconds: 0 };
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, operation: drainRecord('a', 1) }
        : node,
    );
    expect(
      cluster.brokers.filter(broker => broker.nodeName === 'node-a-1').map(b => b.podName),
    ).toEqual(['orders-brokers-a-1001', 'orders-brokers-a-1003']);
    // WHEN the restarted leader sees the nodes but no pod list yet (no Kubernetes freshness)
    const podsNotListed = async (): Promise<Observed> => {
      const observed = await cluster.observe();
      return {
        ...observed,
        brokers: [],
        freshness: { ...observed.freshness, kubernetesAtMs: undefined },
      };
    };
    const restarted = reconciler(
      cluster,
      () => ({ leading: true, fencingToken: 1, holder: 'a' }),
      podsNotListed,
    );
    for (let pass = 0; pass < 5; pass++) {
      await restarted.reconcileOnce();
      cluster.advance(1);
    }
    // THEN nothing is written: no unprotect, no terminate, no record change
    expect(cluster.writes).toEqual([]);
    expect(cluster.terminated).toEqual([]);
  });

  test('2: per-broker series missing for half a zone hold with stale-data naming the brokers', () => {
    // GIVEN 12 brokers per zone on 3 nodes, demand that needs the 3-node level
    const config = {
      ...testConfig({ brokersPerZone: 12, sameLevelInAllZones: false }),
      scaleInStabilizationSeconds: 0,
    };
    const full = healthyCluster(config, { nodesPerZone: 3, demandMiBps: 120 });
    expect(decide(full, config, INITIAL_MEMORY).reason).toBe('at-target');
    // WHEN Prometheus returns throughput for 6 of zone a's 12 broker pods
    const zoneA = full.brokers.filter(broker => broker.zone === 'us-east-1a').map(b => b.podName);
    const missing = zoneA.slice(6);
    const partial: Observed = {
      ...full,
      loads: full.loads?.filter(load => !missing.includes(load.podName)),
    };
    const plan = decide(partial, config, INITIAL_MEMORY);
    // THEN the controller holds on stale data and names the brokers without series
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('stale-data');
    for (const pod of missing) expect(plan.detail).toContain(pod);
  });

  test('2b: partition-health series missing for one of 12 brokers: no move, the hold names it', () => {
    // GIVEN 12 Ready brokers on 3 nodes with little demand, so the controller would move one
    const config = {
      ...testConfig({ zones: 1, brokersPerZone: 12 }),
      scaleInStabilizationSeconds: 0,
    };
    const full = healthyCluster(config, { nodesPerZone: 3, demandMiBps: 10 });
    const before = decide(full, config, INITIAL_MEMORY);
    expect(before.action?.kind).toBe('scale-in');
    // WHEN the under-replicated-partitions series of one broker is missing (its scrape failed),
    // so the cluster-wide sum reads 0 without that broker's share
    const missing = full.brokers[7].podName;
    const healthSampledAtMs = { ...full.healthSampledAtMs };
    delete healthSampledAtMs[missing];
    const partial: Observed = { ...full, underReplicatedPartitions: 0, healthSampledAtMs };
    // THEN decide holds on stale data naming that pod, and the gate refuses a move and every
    // operation step that depends on partition health
    const plan = decide(partial, config, INITIAL_MEMORY);
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('stale-data');
    expect(plan.detail).toContain(`1 of 12 broker pods`);
    expect(plan.detail).toContain(missing);
    const roll = {
      kind: 'request-roll',
      podName: full.brokers[0].podName,
      podUid: full.brokers[0].uid,
    } as const;
    expect(writeBlocker(partial, config, roll)?.reason).toBe('stale-data');
    expect(writeBlocker(full, config, roll)).toBeUndefined();
    // A series older than staleAfterSeconds counts as missing too.
    const old: Observed = {
      ...full,
      healthSampledAtMs: {
        ...full.healthSampledAtMs,
        [missing]: NOW_MS - (config.staleAfterSeconds + 1) * 1000,
      },
    };
    expect(decide(old, config, INITIAL_MEMORY).detail).toContain(missing);
    // A broker that is not Ready has no metrics endpoint to scrape; the hold is then Kafka's.
    const down: Observed = {
      ...partial,
      brokers: partial.brokers.map(broker =>
        broker.podName === missing ? { ...broker, ready: false } : broker,
      ),
    };
    expect(decide(down, config, INITIAL_MEMORY).reason).toBe('broker-not-ready');
  });

  test('3: a record from a recreated Lease is adopted (or rolled back) within bounded time', async () => {
    // GIVEN a record written with fencing token 5 by old-pod; the Lease was recreated, so the
    // new leader's token is 0; demand now needs more nodes
    const config = testConfig();
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 120 });
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, operation: drainRecord('old-pod', 5) }
        : node,
    );
    const newLeader = reconciler(cluster, () => ({
      leading: true,
      fencingToken: 0,
      holder: 'new-pod',
    }));
    // WHEN the new leader runs for two minutes, a pass every 5 s
    const boundMs = 2 * config.leaderElection.leaseDurationSeconds * 1000 + 30_000;
    let settledAtMs: number | undefined;
    for (let pass = 0; pass < 24; pass++) {
      await newLeader.reconcileOnce();
      const record = cluster.nodes.find(node => node.name === 'node-a-1')?.operation;
      if (settledAtMs === undefined && (record === undefined || record.holder === 'new-pod')) {
        settledAtMs = cluster.nowMs;
      }
      cluster.advance(5);
    }
    // THEN the record was adopted or rolled back in bounded time, the node is usable again, and
    // scale-out was never held by the foreign record
    expect(settledAtMs).toBeDefined();
    expect((settledAtMs ?? Infinity) - NOW_MS).toBeLessThanOrEqual(boundMs);
    const node = cluster.nodes.find(each => each.name === 'node-a-1');
    expect(node?.operation).toBeUndefined();
    expect(node?.unschedulable).toBe(false);
    expect(cluster.writes).toContain('desired asg-orders-kafka-a 4');
  });

  test('4: a group max size below the next balanced level is never written; the hold names it', async () => {
    // GIVEN levels 1/2/4 per zone, 2 nodes per zone, group max size 3, demand that needs 4
    const config = testConfig();
    expect(config.balancedNodeCounts).toEqual([1, 2, 4]);
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 120 });
    cluster.groups = cluster.groups.map(group => ({ ...group, max: 3 }));
    const leader = reconciler(cluster, () => ({ leading: true, fencingToken: 1, holder: 'a' }));
    // WHEN the controller decides and acts
    const result = await leader.reconcileOnce();
    // THEN it writes no desired capacity of 3 and holds with a reason naming the max size
    expect(cluster.writes.filter(write => write.startsWith('desired'))).toEqual([]);
    expect(result.plan.action).toBeUndefined();
    expect(result.plan.reason).toBe('group-at-max-size');
    expect(result.plan.detail).toMatch(/max size 3/);
    expect(result.plan.detail).toMatch(/needs 4/);
  });
});
