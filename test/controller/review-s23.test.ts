/**
 * Fault review s23: a fresh reviewer's attempt to break the controller by injecting faults at
 * every step of a re-spread and a scale-in, against the in-memory fake cluster.
 */
import fc from 'fast-check';
import type { Observed } from '../../controller/model';
import type { OperationRecord } from '../../controller/operation-record';
import { CrashError, FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { NOW_MS, testConfig } from './fixtures';

const config = testConfig();

/** How the pod view is wrong in the one pass where the re-spread's drain begins. */
type DrainStartFault = 'pod-missing' | 'pod-unbound' | 'pod-elsewhere';

describe('finding 1: a re-spread whose drain began on a partial pod view moves two brokers after a crash', () => {
  /**
   * A re-spread of node-a-1 (brokers a-1001 and a-1003 of zone a's 4) from `cordon`. Writes: 1
   * cordon, 2 record `drain` (with `drainPods`), 3 roll, 4 record with the move. In pass 2 the
   * cached pod view is wrong about a-1001 (`fault`), and the controller crashes right after write
   * 3; Strimzi recreates the pod elsewhere `lagPasses` passes later.
   */
  async function respread(fault: DrainStartFault, lagPasses: number, crash: boolean) {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const record: OperationRecord = {
      id: 'op-r',
      kind: 'respread',
      zone: 'us-east-1a',
      groupName: 'asg-orders-kafka-a',
      nodeName: 'node-a-1',
      nodeUid: 'uid-node-a-1',
      phase: 'cordon',
      movesDone: 0,
      startedAtMs: NOW_MS,
      phaseStartedAtMs: NOW_MS,
      fencingToken: 1,
      holder: 'a',
      version: 2,
    };
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1' ? { ...node, operation: record } : node,
    );
    if (crash) cluster.crash = { atWrite: 3, when: 'after' };
    let pass = 0;
    const observe = async (): Promise<Observed> => {
      const observed = await cluster.observe();
      if (pass !== 2) return observed;
      const target = 'orders-brokers-a-1001';
      if (fault === 'pod-missing') {
        return { ...observed, brokers: observed.brokers.filter(b => b.podName !== target) };
      }
      return {
        ...observed,
        brokers: observed.brokers.map(b =>
          b.podName !== target
            ? b
            : fault === 'pod-unbound'
              ? { ...b, nodeName: undefined, ready: false }
              : { ...b, nodeName: 'node-a-0' },
        ),
      };
    };
    const start = () =>
      reconcilerOn(cluster, config, { observe, liveBrokerCheck: cluster, liveNodeCheck: cluster });
    let controller = start();
    let rollsSeen = 0;
    let lag = lagPasses;
    while (pass < 60 && cluster.nodes.find(node => node.name === 'node-a-1')?.operation) {
      pass++;
      try {
        await controller.reconcileOnce();
      } catch (error) {
        if (!(error instanceof CrashError)) throw error;
        controller = start();
      }
      const rolls = cluster.writes.filter(write => write.startsWith('roll ')).length;
      if (rolls > rollsSeen) {
        rollsSeen = rolls;
        cluster.strimzi = lag > 0 ? 'refuse' : 'roll';
      }
      if (cluster.strimzi === 'refuse' && --lag <= 0) cluster.strimzi = 'roll';
      cluster.advance(60);
    }
    return cluster;
  }

  test.each<DrainStartFault>(['pod-missing', 'pod-unbound', 'pod-elsewhere'])(
    '%s as the drain begins, crash after the roll: one broker rolled, not two',
    async fault => {
      const cluster = await respread(fault, 0, true);
      const rolled = new Set(cluster.writes.filter(write => write.startsWith('roll ')));
      expect([...rolled]).toEqual(['roll orders-brokers-a-1001']);
      expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation).toBeUndefined();
      expect(cluster.brokers.filter(broker => broker.nodeName === 'node-a-1')).toHaveLength(1);
    },
  );

  test('property: whatever the view fault as the drain begins, crash or not, Strimzi lag: one broker rolled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<DrainStartFault>('pod-missing', 'pod-unbound', 'pod-elsewhere'),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        async (fault, lag, crash) => {
          const cluster = await respread(fault, lag, crash);
          const rolled = new Set(cluster.writes.filter(write => write.startsWith('roll ')));
          expect(rolled.size).toBe(1);
          expect(cluster.mostRollsInFlight).toBeLessThanOrEqual(1);
          expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation).toBeUndefined();
          expect(cluster.brokers.filter(b => b.nodeName === 'node-a-1')).toHaveLength(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
