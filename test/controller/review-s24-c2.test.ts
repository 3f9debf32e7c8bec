/**
 * Review s24-c2: faults found by trying to break the controller with fault combinations the chaos
 * kinds do not produce.
 *
 * 1. A roll went out with no schedulable node in the moved broker's zone. The room check
 *    (`noRoomBlocker` in operation.ts) looked in the zone the record names, and the write gate
 *    checked no room at all; a record edited by hand to another zone (valid, but not this node's)
 *    passed both, and the broker would stay Pending. Class: the gate's roll check trusted the
 *    record for where the broker lands. Fix: the gate judges room in the broker's own zone
 *    (`landingBlocker`), from the observation alone.
 * 2. A removal whose node the cached view shows empty but a live read does not (a broker pod of a
 *    pool outside the configuration, which the pod cache does not map) asked for `unprotect`
 *    every pass, the reconciler skipped it every pass, and `drain` had no deadline on that path:
 *    the node stayed cordoned for ever. Class: a step whose effect the reconciler refuses after
 *    the gate (live reads) must still meet its phase deadline. Fix: `drain` rolls back once its
 *    deadline passed before it asks for `unprotect`.
 * 3. Holds whose detail named no way out (`kafka-not-ready`: "Kafka orders is not Ready";
 *    `stale-data`: "prometheus data is 300s old"; `operation-in-flight`, `roll-in-flight`,
 *    `no-room-to-move`, ...): an operator reading the decision could not tell whether to act or
 *    wait. Class: the hold details were written one by one. Fix: one table of ways out per hold
 *    reason (`HOLD_WAY_OUT` in decide.ts), which every hold's detail ends with.
 */
import fc from 'fast-check';
import { HOLD_WAY_OUT, decide } from '../../controller/decide';
import { writeBlocker } from '../../controller/gate';
import { DECISION_REASONS, INITIAL_MEMORY, type Observed } from '../../controller/model';
import { releaseNode, stepOperation } from '../../controller/operation';
import type { OperationRecord } from '../../controller/operation-record';
import { configWithZones, expectSettled, faultArbOf, runSchedule } from './chaos-run';
import {
  FAULT_KINDS,
  REVIEW_4_FAULT_KINDS,
  REVIEW_S24_FAULT_KINDS,
  type FaultKind,
} from './chaos-world';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import {
  STEP_CONTEXT,
  cordonRecordOfNodeA1,
  healthyCluster,
  stabilizedLongAgo,
  testConfig,
  withBroker,
  withNode,
} from './fixtures';

describe('fault 1: no roll goes out without a schedulable node in the broker zone', () => {
  const config = testConfig();

  function editedRespread(zoneIndex: number): OperationRecord {
    const letter = 'abc'[zoneIndex];
    return {
      ...cordonRecordOfNodeA1('respread'),
      zone: `us-east-1${letter}`,
      groupName: `asg-orders-kafka-${letter}`,
      phase: 'drain',
      fencingToken: 3,
      drainPods: [{ podName: 'orders-brokers-a-1001', podUid: 'uid-orders-brokers-a-1001' }],
    };
  }

  test('a record edited to zone b on a node of zone a whose other node is cordoned: no roll', () => {
    const record = editedRespread(1);
    let observed = healthyCluster(config, { nodesPerZone: 2 });
    observed = withNode(observed, 'node-a-1', node => ({
      ...node,
      unschedulable: true,
      cordonedByController: true,
      operation: record,
    }));
    observed = withNode(observed, 'node-a-0', node => ({ ...node, unschedulable: true }));
    const step = stepOperation(record, observed, config, {
      ...STEP_CONTEXT,
      recordNodeName: 'node-a-1',
    });
    expect(step.effect?.kind).not.toBe('request-roll');
    expect(
      writeBlocker(observed, config, {
        kind: 'request-roll',
        podName: 'orders-brokers-a-1001',
        podUid: 'uid-orders-brokers-a-1001',
      }),
    ).toMatchObject({ reason: 'no-room-to-move' });
  });

  test('property: the gate passes a roll only when the broker zone has a node to land on', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ready: fc.boolean(), unschedulable: fc.boolean() }), {
          minLength: 2,
          maxLength: 2,
        }),
        fc.integer({ min: 0, max: 2 }),
        (others, recordZone) => {
          // Zone a: every broker on node-a-0, which is being drained under a record naming the
          // drawn zone; node-a-1 and node-a-2 in the drawn states.
          let observed = healthyCluster(config, { nodesPerZone: 3 });
          observed = {
            ...observed,
            brokers: observed.brokers.map(broker =>
              broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
            ),
          };
          observed = withNode(observed, 'node-a-0', node => ({
            ...node,
            unschedulable: true,
            cordonedByController: true,
            operation: { ...editedRespread(recordZone), nodeName: 'node-a-0', nodeUid: node.uid },
          }));
          others.forEach((state, index) => {
            observed = withNode(observed, `node-a-${index + 1}`, node => ({ ...node, ...state }));
          });
          const room = others.some(state => state.ready && !state.unschedulable);
          const pod = observed.brokers.find(broker => broker.nodeName === 'node-a-0');
          const blocked = writeBlocker(observed, config, {
            kind: 'request-roll',
            podName: pod?.podName ?? '',
            podUid: pod?.uid ?? '',
          });
          expect(blocked?.reason).toBe(room ? undefined : 'no-room-to-move');
        },
      ),
    );
  });
});

describe('fault 2: a removal whose unprotect a live read keeps refusing meets its deadline', () => {
  test('a broker pod of a pool outside the configuration on the emptied node: rolled back', async () => {
    const config = { ...testConfig(), operationPhaseTimeoutSeconds: 600 };
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.brokers = cluster.brokers.map(broker =>
      broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    const record: OperationRecord = {
      ...cordonRecordOfNodeA1('remove-node'),
      phase: 'drain',
      movesDone: 2,
      startedAtMs: cluster.nowMs,
      phaseStartedAtMs: cluster.nowMs,
    };
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true, operation: record }
        : node,
    );
    // The cached view maps only the configured pools; the live read lists every broker pod.
    const reconciler = reconcilerOn(cluster, config, {
      observe: () => cluster.observe(),
      liveNodeCheck: {
        nodeNow: async name => {
          const now = await cluster.nodeNow(name);
          return name === 'node-a-1'
            ? { ...now, brokers: [...now.brokers, 'orders-brokers-x-9000'] }
            : now;
        },
        nodesOfInstance: cluster.nodesOfInstance,
      },
    });
    let lastPhase: string | undefined = 'drain';
    for (let pass = 0; pass < 60 && lastPhase === 'drain'; pass++) {
      await reconciler.reconcileOnce();
      lastPhase = cluster.nodes.find(node => node.name === 'node-a-1')?.operation?.phase;
      cluster.advance(30);
    }
    // Out of `drain` within the deadline and a few passes, towards the node kept (never unprotected).
    expect(lastPhase).not.toBe('drain');
    expect(
      cluster.writes.filter(write => write.startsWith('unprotect') && write.includes('i-a1')),
    ).toEqual([]);
    for (let pass = 0; pass < 10; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    const after = cluster.nodes.find(node => node.name === 'node-a-1');
    expect(after?.operation).toBeUndefined();
    expect(after?.unschedulable).toBe(false);
    expect(cluster.terminated).not.toContain('i-a1');
  });
});

describe('fault 3: every hold names its way out', () => {
  const ACTING = new Set(['scale-out', 'respread', 'scale-in', 'at-target']);
  const holds = DECISION_REASONS.filter(reason => !ACTING.has(reason));

  test('every hold reason has a way out naming an action or what it waits for', () => {
    for (const reason of holds) {
      const wayOut = (HOLD_WAY_OUT as Record<string, string | undefined>)[reason];
      expect([reason, wayOut]).toEqual([
        reason,
        expect.stringMatching(/resume|raise|remove|lower|uncordon|fix|turned off|by itself/),
      ]);
    }
  });

  type Fault = (observed: Observed) => Observed;
  const config = testConfig();
  const a0 = 'orders-brokers-a-1000';
  const faults: Record<string, Fault> = {
    none: observed => observed,
    stale: observed => ({
      ...observed,
      freshness: { ...observed.freshness, prometheusAtMs: observed.nowMs - 600_000 },
    }),
    noLoads: observed => ({ ...observed, loads: undefined }),
    kafkaNotReady: observed => ({ ...observed, kafkaReady: false }),
    underReplicated: observed => ({ ...observed, underReplicatedPartitions: 3 }),
    underMinIsr: observed => ({ ...observed, underMinIsrPartitions: 1 }),
    brokerNotReady: observed => withBroker(observed, a0, broker => ({ ...broker, ready: false })),
    rolling: observed => withBroker(observed, a0, broker => ({ ...broker, rollRequested: true })),
    operation: observed =>
      withNode(observed, 'node-a-1', node => ({
        ...node,
        unschedulable: true,
        operation: { ...cordonRecordOfNodeA1('respread'), phase: 'drain' },
      })),
    abandoned: observed =>
      withNode(observed, 'node-a-1', node => ({
        ...node,
        operation: { ...cordonRecordOfNodeA1('remove-node'), phase: 'abandoned', note: 'x' },
      })),
    cordonedBySomeone: observed =>
      withNode(observed, 'node-a-0', node => ({ ...node, unschedulable: true })),
    groupsAtMin: observed => ({
      ...observed,
      groups: observed.groups.map(group => ({ ...group, min: group.desired })),
    }),
    groupsSmallMax: observed => ({
      ...observed,
      groups: observed.groups.map(group => ({ ...group, max: group.desired })),
    }),
    launching: observed => ({
      ...observed,
      groups: observed.groups.map(group =>
        group.zone === 'us-east-1a' ? { ...group, desired: group.desired + 1 } : group,
      ),
    }),
    unbalanced: observed => ({
      ...observed,
      brokers: observed.brokers.map(broker =>
        broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
      ),
    }),
  };

  test('property: whatever the cluster and its faults, a hold detail ends with its way out', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4),
        fc.integer({ min: 0, max: 800 }),
        fc.subarray(Object.keys(faults)),
        fc.boolean(),
        fc.integer({ min: 0, max: 3_600_000 }),
        (nodes, demand, chosen, stabilized, waitedMs) => {
          let observed = healthyCluster(config, { nodesPerZone: nodes, demandMiBps: demand });
          for (const name of chosen) observed = faults[name](observed);
          const memory = {
            ...(stabilized ? stabilizedLongAgo(config) : INITIAL_MEMORY),
            waitingForNodesSinceMs: { 'us-east-1a': observed.nowMs - waitedMs },
          };
          const plan = decide(observed, config, memory);
          if (plan.action !== undefined || plan.reason === 'at-target') return;
          seen.add(plan.reason);
          const wayOut = (HOLD_WAY_OUT as Record<string, string>)[plan.reason];
          expect(plan.detail).toContain(wayOut);
        },
      ),
      { numRuns: 600 },
    );
    // The generator reaches most holds (the others are reached by their own tests).
    expect(seen.size).toBeGreaterThanOrEqual(10);
  });
});

describe('fault 4: a record whose zone or group is not its node is dropped, never stepped', () => {
  const config = testConfig();
  const phases = ['cordon', 'drain', 'uncordon', 'unprotect', 'terminate'] as const;

  test('property: a record edited to another zone or group asks for no roll, unprotect or terminate', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...phases),
        fc.constantFrom<OperationRecord['kind']>('respread', 'remove-node'),
        fc.constantFrom(1, 2),
        fc.constantFrom('zone', 'group', 'both'),
        fc.boolean(),
        (phase, kind, other, edit, empty) => {
          const letter = 'abc'[other];
          const record: OperationRecord = {
            ...cordonRecordOfNodeA1(kind),
            phase,
            fencingToken: 3,
            drainPods: [{ podName: 'orders-brokers-a-1001', podUid: 'uid-orders-brokers-a-1001' }],
            ...(edit !== 'group' ? { zone: `us-east-1${letter}` } : {}),
            ...(edit !== 'zone' ? { groupName: `asg-orders-kafka-${letter}` } : {}),
          };
          let observed = healthyCluster(config, { nodesPerZone: 2 });
          if (empty) {
            observed = {
              ...observed,
              brokers: observed.brokers.map(broker =>
                broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
              ),
            };
          }
          observed = withNode(observed, 'node-a-1', node => ({
            ...node,
            unschedulable: phase !== 'cordon',
            cordonedByController: phase !== 'cordon',
            operation: record,
          }));
          const step = stepOperation(record, observed, config, {
            ...STEP_CONTEXT,
            recordNodeName: 'node-a-1',
          });
          expect([
            'request-roll',
            'unprotect-instance',
            'terminate-instance',
            'cordon',
          ]).not.toContain(step.effect?.kind);
          // Dropped (or kept while its release acts or waits), never advanced; a removal that may
          // have unprotected its instance protects it first, on its way to the uncordon.
          const protectsFirst =
            step.next?.phase === 'uncordon' && step.effect?.kind === 'protect-instance';
          expect(step.next === undefined || step.next.phase === phase || protectsFirst).toBe(true);
          expect(step.events).not.toContain('instance-terminated');
        },
      ),
    );
  });
});

describe('fault 5: a record of a zone the restarted configuration no longer has is not stepped', () => {
  test('zone a dropped from the configuration mid-removal: no unprotect of its emptied-looking node', () => {
    const full = testConfig();
    // Restarted with zones b and c only: zone a's broker pods and group are no longer observed.
    const config = { ...full, zones: full.zones.filter(zone => zone.zone !== 'us-east-1a') };
    const all = healthyCluster(full, { nodesPerZone: 2 });
    const record: OperationRecord = {
      ...cordonRecordOfNodeA1('remove-node'),
      phase: 'drain',
      fencingToken: 3,
    };
    let observed: Observed = {
      ...all,
      brokers: all.brokers.filter(broker => broker.zone !== 'us-east-1a'),
      loads: all.loads?.filter(load => !load.podName.includes('-a-')),
      groups: all.groups.filter(group => group.zone !== 'us-east-1a'),
    };
    observed = withNode(observed, 'node-a-1', node => ({
      ...node,
      unschedulable: true,
      cordonedByController: true,
      operation: record,
    }));
    const step = stepOperation(record, observed, config, {
      ...STEP_CONTEXT,
      recordNodeName: 'node-a-1',
    });
    expect(['request-roll', 'unprotect-instance', 'terminate-instance']).not.toContain(
      step.effect?.kind,
    );
    expect(step.next === undefined || step.next.phase === 'drain').toBe(true);
    expect(step.waiting ?? '').toContain('not one of the configured zones');
  });
});

describe('fault 6: an instance listed in two groups is judged by its worst listing', () => {
  // One Describe pages through the groups; an instance detached from one and attached to another
  // between two pages is listed twice, in different states.
  const config = testConfig();
  const listing = fc.record({
    lifecycleState: fc.constantFrom('InService', 'Pending', 'Detaching', 'Terminating'),
    protectedFromScaleIn: fc.boolean(),
  });
  const unsafe = (each: { lifecycleState: string; protectedFromScaleIn: boolean }) =>
    each.lifecycleState.startsWith('Terminat') ||
    each.lifecycleState.startsWith('Detach') ||
    (each.lifecycleState === 'InService' && !each.protectedFromScaleIn);

  function twice(
    first: { lifecycleState: string; protectedFromScaleIn: boolean },
    second: { lifecycleState: string; protectedFromScaleIn: boolean },
  ): Observed {
    // node-a-1's instance i-a1 as group a lists it (first) and as group b lists it (second).
    const observed = healthyCluster(config, { nodesPerZone: 2 });
    return {
      ...observed,
      groups: observed.groups.map(group =>
        group.zone === 'us-east-1a'
          ? {
              ...group,
              instances: group.instances.map(each =>
                each.instanceId === 'i-a1' ? { ...each, ...first } : each,
              ),
            }
          : group.zone === 'us-east-1b'
            ? { ...group, instances: [...group.instances, { instanceId: 'i-a1', ...second }] }
            : group,
      ),
    };
  }

  test('property: no roll may land on it while either listing is leaving or unprotected', () => {
    fc.assert(
      fc.property(listing, listing, (first, second) => {
        let observed = twice(first, second);
        // Every zone-a broker on node-a-0, being drained: node-a-1 is where a roll lands.
        observed = {
          ...observed,
          brokers: observed.brokers.map(broker =>
            broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
          ),
        };
        observed = withNode(observed, 'node-a-0', node => ({
          ...node,
          unschedulable: true,
          cordonedByController: true,
          operation: {
            ...cordonRecordOfNodeA1('respread'),
            nodeName: 'node-a-0',
            nodeUid: node.uid,
            phase: 'drain',
          },
        }));
        const pod = observed.brokers.find(broker => broker.nodeName === 'node-a-0');
        const blocked = writeBlocker(observed, config, {
          kind: 'request-roll',
          podName: pod?.podName ?? '',
          podUid: pod?.uid ?? '',
        });
        expect(blocked !== undefined).toBe(unsafe(first) || unsafe(second));
      }),
    );
  });

  test('the orphaned-cordon release waits while the other listing shows it unprotected', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true }
        : node,
    );
    const observe = async (): Promise<Observed> => {
      const observed = await cluster.observe();
      return {
        ...observed,
        groups: observed.groups.map(group =>
          group.zone === 'us-east-1b'
            ? {
                ...group,
                instances: [
                  ...group.instances,
                  { instanceId: 'i-a1', lifecycleState: 'InService', protectedFromScaleIn: false },
                ],
              }
            : group,
        ),
      };
    };
    const reconciler = reconcilerOn(cluster, config, { observe });
    await reconciler.reconcileOnce();
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.unschedulable).toBe(true);
  });

  test('property: its node is uncordoned only when no listing is leaving or unprotected', () => {
    fc.assert(
      fc.property(listing, listing, (first, second) => {
        const observed = withNode(twice(first, second), 'node-a-1', node => ({
          ...node,
          unschedulable: true,
          cordonedByController: true,
        }));
        const node = observed.nodes.find(each => each.name === 'node-a-1');
        if (node === undefined) throw new Error('no node-a-1');
        const release = releaseNode(node, observed);
        if (release.effect?.kind === 'uncordon') {
          expect(unsafe(first) || unsafe(second)).toBe(false);
        }
      }),
    );
  });
});

describe('fault 7: a pool larger than the configuration says cannot vouch for an empty node', () => {
  test('zone a runs 6 brokers, the configuration says 4, the view misses the one on the node: no unprotect', () => {
    const config = testConfig();
    let observed = healthyCluster(config, { nodesPerZone: 2 });
    const extra = (id: number, nodeName: string) => ({
      ...observed.brokers[0],
      podName: `orders-brokers-a-${id}`,
      uid: `uid-orders-brokers-a-${id}`,
      nodeName,
    });
    // Every configured broker of zone a on node-a-0; one more there too (the pool scaled by hand
    // to 6): the sixth, on node-a-1, is missing from the view.
    observed = {
      ...observed,
      brokers: [
        ...observed.brokers.map(broker =>
          broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
        ),
        extra(1004, 'node-a-0'),
      ],
    };
    observed = {
      ...observed,
      loads: [
        ...(observed.loads ?? []),
        { podName: 'orders-brokers-a-1004', receiveMiBps: 1, transmitMiBps: 1 },
      ],
      healthSampledAtMs: { ...observed.healthSampledAtMs, 'orders-brokers-a-1004': observed.nowMs },
    };
    observed = withNode(observed, 'node-a-1', node => ({
      ...node,
      unschedulable: true,
      cordonedByController: true,
    }));
    const blocked = writeBlocker(observed, config, {
      kind: 'unprotect-instance',
      groupName: 'asg-orders-kafka-a',
      instanceId: 'i-a1',
      nodeName: 'node-a-1',
    });
    expect(blocked).toMatchObject({ reason: 'stale-data' });
    expect(blocked?.detail).toContain('5 broker pods');
  });
});

describe("the chaos property with this review's fault kind (a record edited to another zone)", () => {
  /** Every main kind, the review's own drawn as often as all the others together. */
  const others: readonly FaultKind[] = [...FAULT_KINDS, ...REVIEW_4_FAULT_KINDS];
  const kinds: readonly FaultKind[] = [
    ...others,
    ...others.map((_, index) => REVIEW_S24_FAULT_KINDS[index % REVIEW_S24_FAULT_KINDS.length]),
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
      { numRuns: 30, seed: 2024, endOnFailure: true },
    );
  }, 300_000);
});
