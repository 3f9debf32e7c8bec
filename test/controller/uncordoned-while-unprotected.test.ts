/**
 * Review s32-a, fault 2: a removal in `unprotect` or `terminate` owns its instance's scale-in
 * protection, which may be off (the unprotect asked for, or taken). When someone uncordoned its
 * node, the step only cordoned it again (`KEEP_CORDONED`), pass after pass, and protected the
 * instance only once a cordon held and the view showed a broker aboard, or at the phase deadline
 * (600 s by default). A tool that reverts every cordon (the cause the rollback loop breaker names)
 * left the node schedulable on an unprotected instance for that whole deadline: a Pending broker
 * bound to it stayed aboard the one instance of its group that anything lowering the desired
 * capacity would pick. The rest of the controller never lets a node of its own be schedulable
 * while its instance may be unprotected (protect before uncordon); this was the one way the
 * same state was kept, not made. Class: a removal's node found schedulable while the removal may
 * have unprotected its instance. Fix: protect first, whatever the view shows, then back to
 * `drain` (which cordons again, and whose deadline rolls back if the uncordons go on).
 */
import fc from 'fast-check';
import { stepOperation } from '../../controller/operation';
import type { OperationPhase } from '../../controller/operation-record';
import type { ClusterWriter } from '../../controller/ports';
import { CrashError, type FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { testConfig } from './fixtures';
import { landingOnNodeA1, removalOfNodeA1 } from './writer-waits';

const config = testConfig();

/** Whether i-a1 (node-a-1's instance) is listed unprotected while a broker is bound to node-a-1. */
function unprotectedWithBroker(cluster: FakeCluster): boolean {
  const instance = cluster.groups
    .flatMap(group => group.instances)
    .find(each => each.instanceId === 'i-a1');
  return (
    instance?.protectedFromScaleIn === false &&
    cluster.brokers.some(broker => broker.nodeName === 'node-a-1')
  );
}

/** The fake cluster as a `ClusterWriter` whose every cordon someone undoes at once (a new version). */
function cordonsReverted(cluster: FakeCluster): ClusterWriter {
  return {
    writeOperation: (node, record, rollbacks) => cluster.writeOperation(node, record, rollbacks),
    requestRoll: (pod, uid, mayRoll) => cluster.requestRoll(pod, uid, mayRoll),
    setUnschedulable: async (name, uid, unschedulable) => {
      const versions = await cluster.setUnschedulable(name, uid, unschedulable);
      if (unschedulable) {
        cluster.nodes = cluster.nodes.map(node =>
          node.name === name
            ? {
                ...node,
                unschedulable: false,
                resourceVersion: String(Number(node.resourceVersion) + 1),
              }
            : node,
        );
      }
      return versions;
    },
  };
}

describe('fault 2: a removal whose node is uncordoned protects its instance first', () => {
  test.each<OperationPhase>(['unprotect', 'terminate'])(
    'stepOperation in %s, node uncordoned: protect first, then back to drain',
    async phase => {
      // GIVEN a removal of node-a-1 in `phase`, its instance unprotected, the node uncordoned
      const cluster = removalOfNodeA1(config, phase, true);
      cluster.nodes = cluster.nodes.map(node =>
        node.name === 'node-a-1' ? { ...node, unschedulable: false } : node,
      );
      const observed = await cluster.observe();
      const record = observed.nodes.find(node => node.name === 'node-a-1')?.operation;
      if (record === undefined) throw new Error('no record');
      // WHEN the operation steps
      const step = stepOperation(record, observed, config, {
        nowMs: observed.nowMs,
        fencingToken: 1,
        holder: 'a',
        removalStillWanted: true,
      });
      // THEN it protects the instance before storing `drain` (failed before: a cordon only)
      expect(step.effect).toEqual({
        kind: 'protect-instance',
        groupName: 'asg-orders-kafka-a',
        instanceId: 'i-a1',
        nodeName: 'node-a-1',
      });
      expect(step.effectFirst).toBe(true);
      expect(step.next?.phase).toBe('drain');
    },
  );

  test.each<OperationPhase>(['unprotect', 'terminate'])(
    'reconciler in %s: a tool reverts every cordon and a broker lands; the instance is protected at the next pass',
    async phase => {
      // GIVEN a removal of node-a-1 in `phase`, its instance unprotected, then uncordoned by
      // someone and given a broker; that someone undoes every cordon at once
      const cluster = removalOfNodeA1(config, phase, true);
      landingOnNodeA1(cluster)();
      const reconciler = reconcilerOn(cluster, config, {
        cluster: cordonsReverted(cluster),
        liveNodeCheck: cluster,
        liveBrokerCheck: cluster,
        observe: () => cluster.observe(),
      });
      // WHEN the controller runs for the phase deadline and more
      const unsafePasses: number[] = [];
      for (let pass = 0; pass < 25; pass++) {
        await reconciler.reconcileOnce();
        if (unprotectedWithBroker(cluster)) unsafePasses.push(pass);
        cluster.nowMs += config.intervalSeconds * 1000;
      }
      // THEN no pass ends with the broker aboard an unprotected instance (failed before: 21
      // passes, until the phase deadline), and the instance was never terminated
      expect(unsafePasses).toEqual([]);
      expect(cluster.terminated).toEqual([]);
    },
  );

  test('property: whatever the phase, protection view, broker, reverted cordons and crash, a schedulable node of a removal gets its instance protected within one pass', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<OperationPhase>('unprotect', 'terminate'),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.option(
          fc.record({
            atWrite: fc.integer({ min: 1, max: 6 }),
            when: fc.constantFrom<'before' | 'after'>('before', 'after'),
          }),
          { nil: undefined },
        ),
        async (phase, shownUnprotected, brokerLands, reverted, crash) => {
          const cluster = removalOfNodeA1(config, phase, shownUnprotected);
          // The removal may have unprotected it whatever the view shows: the truth is unprotected.
          cluster.groups = cluster.groups.map(group => ({
            ...group,
            instances: group.instances.map(each =>
              each.instanceId === 'i-a1' ? { ...each, protectedFromScaleIn: false } : each,
            ),
          }));
          const view = cluster.observe;
          const observe = async () => {
            const seen = await view();
            // A lagging Auto Scaling view still shows it protected, unless `shownUnprotected`.
            return shownUnprotected
              ? seen
              : {
                  ...seen,
                  groups: seen.groups.map(group => ({
                    ...group,
                    instances: group.instances.map(each =>
                      each.instanceId === 'i-a1' ? { ...each, protectedFromScaleIn: true } : each,
                    ),
                  })),
                };
          };
          if (brokerLands) landingOnNodeA1(cluster)();
          else {
            cluster.nodes = cluster.nodes.map(node =>
              node.name === 'node-a-1' ? { ...node, unschedulable: false } : node,
            );
          }
          if (crash !== undefined) cluster.crash = crash;
          let reconciler = reconcilerOn(cluster, config, {
            cluster: reverted ? cordonsReverted(cluster) : cluster,
            liveNodeCheck: cluster,
            liveBrokerCheck: cluster,
            observe,
          });
          let crashes = 0;
          let unsafePassEnds = 0;
          for (let pass = 0; pass < 25; pass++) {
            try {
              await reconciler.reconcileOnce();
            } catch (error) {
              if (!(error instanceof CrashError)) throw error;
              crashes++;
              reconciler = reconcilerOn(cluster, config, {
                cluster: reverted ? cordonsReverted(cluster) : cluster,
                liveNodeCheck: cluster,
                liveBrokerCheck: cluster,
                observe,
              });
            }
            const node = cluster.nodes.find(each => each.name === 'node-a-1');
            const instance = cluster.groups
              .flatMap(group => group.instances)
              .find(each => each.instanceId === 'i-a1');
            if (node?.unschedulable === false && instance?.protectedFromScaleIn === false) {
              unsafePassEnds++;
            }
            expect(
              cluster.terminated.includes('i-a1') &&
                cluster.brokers.some(broker => broker.nodeName === 'node-a-1'),
            ).toBe(false);
            cluster.nowMs += config.intervalSeconds * 1000;
          }
          // Each crash may cost one pass; otherwise no pass ends with the node schedulable on an
          // unprotected instance.
          expect(unsafePassEnds).toBeLessThanOrEqual(crashes);
        },
      ),
      { numRuns: 80 },
    );
  });
});
