/**
 * Review s26-a: a hostile review injecting a fault at each step, looking for the class of the
 * earlier outside finding (a node terminated with brokers aboard): a broker sent to, or left on, a
 * machine the controller cannot vouch for.
 *
 * 1. A roll's landing nodes were judged only by the listings the Auto Scaling view has of their
 *    instances. A schedulable, Ready Kafka node whose instance no observed group lists (detached
 *    by an operator with `aws autoscaling detach-instances`, which leaves the Node Ready and
 *    schedulable; or a Describe answer that does not list it) or whose `spec.providerID` names no
 *    instance the controller can read had no listing to judge, so it passed: the moved broker could
 *    land on a machine outside every group, whose scale-in protection is unknown (the controller
 *    cannot set it), that the zone does not count, and that whoever detached it usually goes on to
 *    terminate. The release of a cordon already treats an instance in no observed group as unknown
 *    protection and keeps the node cordoned; the landing check took it for fine. Class: a check
 *    that judges each listing it finds, and passes when it finds none. Fix: `landingBlocker`
 *    (gate.ts) holds a roll (`no-room-to-move`, naming the node and the way out) while a node the
 *    broker may land on maps to no instance, or to one no observed group lists.
 * 2. The unprotect of a removal's instance was licensed by a live read taken before the waits in
 *    front of the call: the per-group spacing of mutating Auto Scaling calls (the protection
 *    housekeeping protects a new instance of the same group earlier in the same pass, 10 s) and
 *    any retry's backoff (throttling, up to minutes). Someone uncordoning the node in those
 *    seconds lets a Pending broker land, and the instance then loses its scale-in protection with
 *    a broker aboard: until a later pass sees the broker (the pod cache may lag), anything that
 *    lowers the group's desired capacity (a person, Pulumi's desiredSize, an EKS update) could
 *    pick exactly that instance. The node-less exit's unprotect had the same gap (its live read
 *    came before the spacing too). Class: s25-c's fault 3 (a check taken before a wait, trusted
 *    after it), closed then for the terminate and the roll but not for the unprotect that
 *    precedes every terminate. Fix: `GroupWriter.setInstanceProtection` takes `mayUnprotect`,
 *    asked right before each unprotect call goes out, after every wait (the adapter, the spaced
 *    writer, the stand-ins); the reconciler passes the same live read as the terminate's.
 */
import fc from 'fast-check';
import { writeBlocker } from '../../controller/gate';
import type { Observed, ObservedInstance } from '../../controller/model';
import { AutoScalingAdapter, type AutoScalingCalls } from '../../controller/adapters/autoscaling';
import { GroupMutationSpacing, spacedGroupWriter } from '../../controller/rate-limit';
import { FakeCluster } from './fake-cluster';
import { detachedBeside } from './detached-instance';
import {
  landingOnNodeA1,
  lateKubeletCluster,
  removalOfNodeA1,
  waitingGroupWriter,
} from './writer-waits';
import { reconcilerOn } from './fake-reconciler';
import { healthyCluster, testConfig } from './fixtures';

/** A roll request of the first broker bound to `nodeName` in `observed`. */
function rollOf(observed: Observed, nodeName: string) {
  const pod = observed.brokers.find(broker => broker.nodeName === nodeName);
  if (pod === undefined) throw new Error(`no broker on ${nodeName}`);
  return {
    kind: 'request-roll' as const,
    podName: pod.podName,
    podUid: pod.uid,
    nodeName,
  };
}

describe('fault 1: no roll lands a broker on a node whose instance no group lists', () => {
  const config = testConfig();

  test('a landing node whose instance was detached from its group: the roll is held, naming it', () => {
    // GIVEN zone a with node-a-0 and node-a-1, and i-a1 detached from the group (the Node stays)
    const healthy = healthyCluster(config, { nodesPerZone: 2 });
    const observed: Observed = {
      ...healthy,
      groups: healthy.groups.map(group => ({
        ...group,
        instances: group.instances.filter(instance => instance.instanceId !== 'i-a1'),
      })),
    };
    // WHEN a broker of node-a-0 is to be rolled (it may land on node-a-1)
    const blocked = writeBlocker(observed, config, rollOf(observed, 'node-a-0'));
    // THEN the gate holds it, naming the node and its instance (failed before: no hold)
    expect(blocked?.reason).toBe('no-room-to-move');
    expect(blocked?.detail).toContain('node-a-1');
    expect(blocked?.detail).toContain('i-a1');
  });

  test('a landing node whose providerID names no instance: the roll is held', () => {
    const healthy = healthyCluster(config, { nodesPerZone: 2 });
    const observed: Observed = {
      ...healthy,
      nodes: healthy.nodes.map(node =>
        node.name === 'node-a-1' ? { ...node, instanceId: undefined } : node,
      ),
    };
    const blocked = writeBlocker(observed, config, rollOf(observed, 'node-a-0'));
    expect(blocked?.reason).toBe('no-room-to-move');
    expect(blocked?.detail).toContain('node-a-1');
  });

  test('the reconciler: a re-spread beside a detached node asks for no roll', async () => {
    // GIVEN zone a: node-a-0 with 2 brokers, node-a-1 (instance detached) with 2, and the
    // group's replacement node-a-2 empty, at its level and uneven
    const { config, cluster } = detachedBeside(80);
    const reconciler = reconcilerOn(cluster, config);
    // WHEN it runs for a few passes
    for (let pass = 0; pass < 6; pass++) {
      await reconciler.reconcileOnce();
      cluster.nowMs += 30_000;
    }
    // THEN no broker of zone a is rolled while node-a-1 may receive it (failed before: rolled)
    expect(cluster.writes.filter(write => write.startsWith('roll orders-brokers-a'))).toEqual([]);
  });

  /** A listing state of a landing node's instance, or how the node maps to none. */
  type Listing =
    | { readonly kind: 'listed'; readonly instance: Omit<ObservedInstance, 'instanceId'> }
    | { readonly kind: 'unlisted' }
    | { readonly kind: 'no-instance-id' };

  const listing: fc.Arbitrary<Listing> = fc.oneof(
    fc.record({
      kind: fc.constant('listed' as const),
      instance: fc.record({
        lifecycleState: fc.constantFrom(
          'InService',
          'Pending',
          'Standby',
          'Terminating',
          'Terminating:Wait',
          'Detaching',
        ),
        protectedFromScaleIn: fc.boolean(),
      }),
    }),
    fc.constant({ kind: 'unlisted' as const }),
    fc.constant({ kind: 'no-instance-id' as const }),
  );

  test('property: a roll passes only when every node it may land on is on an instance a group lists, not leaving, and protected when InService', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ listing, ready: fc.boolean(), unschedulable: fc.boolean() }), {
          minLength: 3,
          maxLength: 3,
        }),
        landing => {
          const spread = healthyCluster(config, { nodesPerZone: 4 });
          // Every broker of zone a on node-a-0, so a candidate drawn NotReady hosts none.
          const healthy: Observed = {
            ...spread,
            brokers: spread.brokers.map(broker =>
              broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
            ),
          };
          // node-a-0 hosts the broker to roll; node-a-1..3 are the candidates drawn.
          const drawn = new Map(landing.map((each, index) => [`node-a-${index + 1}`, each]));
          const observed: Observed = {
            ...healthy,
            nodes: healthy.nodes.map(node => {
              const draw = drawn.get(node.name);
              if (draw === undefined) return node;
              return {
                ...node,
                ready: draw.ready,
                unschedulable: draw.unschedulable,
                ...(draw.listing.kind === 'no-instance-id' ? { instanceId: undefined } : {}),
              };
            }),
            groups: healthy.groups.map(group => ({
              ...group,
              instances: group.instances.flatMap(instance => {
                const name = `node-a-${instance.instanceId.slice(3)}`;
                const draw = instance.instanceId.startsWith('i-a') ? drawn.get(name) : undefined;
                if (draw === undefined) return [instance];
                if (draw.listing.kind !== 'listed') return [];
                return [{ ...instance, ...draw.listing.instance }];
              }),
            })),
          };
          const blocked = writeBlocker(observed, config, rollOf(observed, 'node-a-0'));
          const candidates = landing.filter(each => each.ready && !each.unschedulable);
          const safe =
            candidates.length > 0 &&
            candidates.every(
              each =>
                each.listing.kind === 'listed' &&
                !['Terminating', 'Terminating:Wait', 'Detaching'].includes(
                  each.listing.instance.lifecycleState,
                ) &&
                !(
                  each.listing.instance.lifecycleState === 'InService' &&
                  !each.listing.instance.protectedFromScaleIn
                ),
            );
          expect(blocked === undefined).toBe(safe);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fault 2: the live read that licenses an unprotect is taken right before the call', () => {
  const config = testConfig();

  /** Instances observed unprotected while a broker pod is bound to a node that names them. */
  function unprotectedWithBroker(cluster: FakeCluster): string[] {
    return cluster.groups
      .flatMap(group => group.instances)
      .filter(
        instance =>
          instance.protectedFromScaleIn === false &&
          cluster.nodes.some(
            node =>
              node.instanceId === instance.instanceId &&
              cluster.brokers.some(broker => broker.nodeName === node.name),
          ),
      )
      .map(instance => instance.instanceId);
  }

  test('removal: a broker lands while the unprotect waits; the instance keeps its protection', async () => {
    // GIVEN a removal of node-a-1, emptied and cordoned, whose next step is the unprotect
    const cluster = removalOfNodeA1(config, 'drain');
    const reconciler = reconcilerOn(cluster, config, {
      groups: waitingGroupWriter(cluster, 'unprotect', landingOnNodeA1(cluster)),
      liveNodeCheck: cluster,
    });
    // WHEN the step asks for the unprotect and, while it waits, the node is uncordoned and a
    // broker is bound to it
    await reconciler.reconcileOnce();
    // THEN the unprotect does not go out (failed before: i-a1 unprotected, broker aboard)
    expect(cluster.writes).not.toContain('unprotect i-a1');
    expect(unprotectedWithBroker(cluster)).toEqual([]);
    // AND the next passes take the removal back to drain (or roll it back), never terminating
    for (let pass = 0; pass < 4; pass++) {
      cluster.nowMs += 5_000;
      await reconciler.reconcileOnce();
      expect(unprotectedWithBroker(cluster)).toEqual([]);
    }
    expect(cluster.terminated).toEqual([]);
  });

  test('the adapter asks right before each unprotect attempt, after the backoff; the spaced writer passes it on; a protect never asks', async () => {
    const log: string[] = [];
    const unused = async (): Promise<never> => {
      throw new Error('not used');
    };
    const calls: AutoScalingCalls = {
      describeGroups: unused,
      describeInstances: unused,
      setDesiredCapacity: unused,
      terminateInstance: unused,
      setInstanceProtection: async input => {
        log.push(input.ProtectedFromScaleIn === true ? 'protect' : 'unprotect');
        if (input.ProtectedFromScaleIn === true) return {};
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'Throttling',
          $metadata: { httpStatusCode: 400 },
        });
      },
    };
    const adapter = new AutoScalingAdapter(calls, {
      attempts: 3,
      backoffBaseMs: 100,
      delay: async () => void log.push('backoff'),
    });
    const spacing = new GroupMutationSpacing(10, {
      now: () => 0,
      sleep: async () => void log.push('spacing'),
    });
    await spacing.acquire('asg-a'); // the housekeeping's protect of the same pass
    let asked = 0;
    const live = async () => {
      asked++;
      log.push('live read');
      return asked === 1 ? undefined : 'node-a-1 hosts orders-brokers-a-1000';
    };
    const writer = spacedGroupWriter(adapter, spacing);
    expect(await writer.setInstanceProtection('asg-a', ['i-1'], false, live)).toBe('refused');
    expect(log).toEqual(['spacing', 'live read', 'unprotect', 'backoff', 'live read']);
    log.length = 0;
    await writer.setInstanceProtection('asg-a', ['i-1'], true, live);
    expect(log).toEqual(['spacing', 'protect']);
  });

  test('node-less exit: a kubelet registers and gets a broker while the unprotect waits', async () => {
    // GIVEN zone a with an InService instance i-late that has had no Node for too long
    const { cluster, late } = lateKubeletCluster(config);
    const reconciler = reconcilerOn(cluster, config, {
      groups: waitingGroupWriter(cluster, 'unprotect', late),
      liveNodeCheck: cluster,
    });
    await reconciler.reconcileOnce();
    cluster.nowMs += (config.nodeReadyTimeoutSeconds + 60) * 1000;
    // WHEN the node-less exit unprotects it and the kubelet registers (a broker bound) meanwhile
    await reconciler.reconcileOnce();
    // THEN no unprotect went out for it, nor a terminate (failed before: unprotected, then
    // protected again only after the terminate's own live read refused)
    expect(cluster.writes).not.toContain('unprotect i-late');
    expect(cluster.terminated).toEqual([]);
    expect(unprotectedWithBroker(cluster)).toEqual([]);
  });
});

describe('fault 3: no re-spread or removal starts where the roll gate refuses every landing', () => {
  async function run200Minutes(
    reconciler: ReturnType<typeof reconcilerOn>,
    cluster: FakeCluster,
  ): Promise<{ readonly reason: string; readonly detail: string }> {
    let last = { reason: '', detail: '' };
    for (let pass = 0; pass < 400; pass++) {
      const result = await reconciler.reconcileOnce();
      last = { reason: result.plan.reason, detail: result.plan.detail };
      cluster.advance(30);
    }
    return last;
  }

  test('a re-spread beside a detached node is held, not started and rolled back again and again', async () => {
    const { config, cluster } = detachedBeside(80);
    const reconciler = reconcilerOn(cluster, config);
    const last = await run200Minutes(reconciler, cluster);
    // Before: a record on node-a-0 (or a-1) every deadline, each rolled back (the breaker after 3).
    expect(cluster.writes.filter(write => /^(record|cordon) node-a-/.test(write))).toEqual([]);
    expect(last.reason).toBe('no-room-to-move');
    expect(last.detail).toContain('node-a-1');
    expect(last.detail).toContain('i-a1');
    expect(last.detail).toContain('reattach');
  });

  test('another zone still scales in while zone a holds for its detached node', async () => {
    const { config, cluster } = detachedBeside(10);
    const reconciler = reconcilerOn(cluster, config);
    await run200Minutes(reconciler, cluster);
    // Zone b (2 nodes, demand for 1) removes a node; zone a rolls nothing, but its empty node
    // node-a-2 (no roll to judge) still goes.
    expect(cluster.writes.some(write => /^record node-b-/.test(write))).toBe(true);
    expect(cluster.writes.filter(write => /^roll orders-brokers-a/.test(write))).toEqual([]);
    expect(cluster.terminated).toContain('i-a2');
    expect(cluster.terminated).not.toContain('i-a0');
  });

  test('property: whichever instances are detached, no node is cordoned twice in 200 minutes and no broker lands beside a detached node', async () => {
    const nodeNames = ['node-a-0', 'node-a-1', 'node-a-2', 'node-a-3', 'node-b-0', 'node-b-1'];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          detached: fc.subarray(nodeNames, { maxLength: 2 }),
          demandMiBps: fc.constantFrom(10, 60, 150),
        }),
        async ({ detached, demandMiBps }) => {
          const config = { ...testConfig(), operationPhaseTimeoutSeconds: 600 };
          const cluster = new FakeCluster(config, { nodesPerZone: 4, demandMiBps });
          const detachedIds = new Set(
            cluster.nodes
              .filter(node => detached.includes(node.name))
              .map(node => node.instanceId ?? ''),
          );
          cluster.groups = cluster.groups.map(group => ({
            ...group,
            instances: group.instances.filter(instance => !detachedIds.has(instance.instanceId)),
          }));
          const reconciler = reconcilerOn(cluster, config);
          await run200Minutes(reconciler, cluster);
          for (const name of cluster.nodes.map(node => node.name)) {
            expect(
              cluster.writes.filter(write => write === `cordon ${name}`).length,
            ).toBeLessThanOrEqual(1);
          }
          const zonesWithDetached = new Set(detached.map(name => name.slice(5, 6)));
          for (const zone of zonesWithDetached) {
            expect(
              cluster.writes.filter(write => write.startsWith(`roll orders-brokers-${zone}`)),
            ).toEqual([]);
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
