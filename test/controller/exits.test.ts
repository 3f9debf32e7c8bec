/**
 * Every operation phase has a deadline and a defined exit (issue #10), and every write passes the
 * one gate. Unit tests of `stepOperation`, `writeBlocker` and `nodelessInstanceToTerminate`.
 */
import { writeBlocker } from '../../controller/gate';
import type { Observed } from '../../controller/model';
import { nodelessInstanceToTerminate } from '../../controller/nodeless';
import { phaseDeadlines, stepOperation, type StepContext } from '../../controller/operation';
import { OPERATION_PHASES, type OperationRecord } from '../../controller/operation-record';
import {
  NOW_MS,
  emptiedNodeA1,
  healthyCluster,
  removalOfNodeA1,
  testConfig,
  withBroker,
  withNode,
  STEP_CONTEXT,
} from './fixtures';

const config = testConfig();
const deadlines = phaseDeadlines(config);
const context = STEP_CONTEXT;
const late = (ms: number): StepContext => ({ ...context, nowMs: NOW_MS + ms });
const base = healthyCluster(config, { nodesPerZone: 2 });
const cordoned = withNode(base, 'node-a-1', node => ({ ...node, unschedulable: true }));
const record = removalOfNodeA1(STEP_CONTEXT);
const inPhase = (phase: OperationRecord['phase']): OperationRecord => ({ ...record, phase });
const emptied = emptiedNodeA1;
const atTime = (observed: Observed, nowMs: number): Observed => ({
  ...observed,
  nowMs,
  freshness: { kubernetesAtMs: nowMs, prometheusAtMs: nowMs, autoscalingAtMs: nowMs },
  healthSampledAtMs: Object.fromEntries(observed.brokers.map(broker => [broker.podName, nowMs])),
});
const unprotected = (observed: Observed): Observed => ({
  ...observed,
  groups: observed.groups.map(group => ({
    ...group,
    instances: group.instances.map(i =>
      i.instanceId === 'i-a1' ? { ...i, protectedFromScaleIn: false } : i,
    ),
  })),
});

describe('phase deadlines come from the configuration', () => {
  test('defaults: move 900 s per attempt (config), every other phase 600 s, adopt after 30 s', () => {
    expect(deadlines).toEqual({ move: 900_000, phase: 600_000, adoptForeignRecord: 30_000 });
    expect(phaseDeadlines({ ...config, operationPhaseTimeoutSeconds: 200 }).phase).toBe(200_000);
  });
});

describe('every phase has a defined exit', () => {
  const past = deadlines.phase + 1000;

  test('cordon that never takes: rolled back', () => {
    const step = stepOperation(inPhase('cordon'), atTime(base, NOW_MS + past), config, late(past));
    expect(step.next?.phase).toBe('uncordon');
    expect(step.events).toEqual(['rolled-back']);
  });

  test('drain waiting for Kafka to be healthy past the deadline: rolled back (uncordon)', () => {
    const unhealthy = { ...atTime(cordoned, NOW_MS + past), underReplicatedPartitions: 3 };
    const waiting = stepOperation(
      inPhase('drain'),
      { ...cordoned, underReplicatedPartitions: 3 },
      config,
      context,
    );
    expect(waiting.effect).toBeUndefined();
    expect(waiting.waiting).toMatch(/under-replicated/);
    const step = stepOperation(inPhase('drain'), unhealthy, config, late(past));
    expect(step.next?.phase).toBe('uncordon');
    expect(step.effect).toMatchObject({ kind: 'uncordon' });
    expect(step.next?.note).toMatch(/under-replicated/);
  });

  test('a move retry blocked by Kafka health is abandoned after the move and phase deadlines', () => {
    const moving: OperationRecord = {
      ...inPhase('drain'),
      move: {
        podName: 'orders-brokers-a-1001',
        podUid: 'uid-orders-brokers-a-1001',
        requestedAtMs: NOW_MS,
        attempt: 1,
      },
    };
    const unhealthy = (ms: number) => ({
      ...atTime(cordoned, NOW_MS + ms),
      underReplicatedPartitions: 3,
    });
    const held = stepOperation(
      moving,
      unhealthy(deadlines.move + 1000),
      config,
      late(deadlines.move + 1000),
    );
    expect(held.effect).toBeUndefined();
    expect(held.next).toEqual(moving);
    const after = deadlines.move + deadlines.phase + 1000;
    const giveUp = stepOperation(moving, unhealthy(after), config, late(after));
    expect(giveUp.next?.phase).toBe('abandoned');
    expect(giveUp.effect).toMatchObject({ kind: 'uncordon' });
    expect(giveUp.events).toEqual(['move-failed', 'abandoned']);
  });

  test('someone uncordons the node mid-drain: cordoned again, then rolled back if it keeps happening', () => {
    const step = stepOperation(inPhase('drain'), base, config, context);
    expect(step.effect).toEqual({ kind: 'cordon', nodeName: 'node-a-1', nodeUid: 'uid-node-a-1' });
    expect(step.events).toEqual(['re-cordoned']);
    expect(step.next).toEqual(inPhase('drain'));
    const lateStep = stepOperation(
      inPhase('drain'),
      atTime(base, NOW_MS + past),
      config,
      late(past),
    );
    expect(lateStep.next?.phase).toBe('uncordon');
  });

  test('terminate refused because the group reached its min size: rolled back, naming it', () => {
    const empty = unprotected(emptied(cordoned));
    const atMin = {
      ...empty,
      groups: empty.groups.map(group => ({ ...group, min: group.desired })),
    };
    for (const phase of ['unprotect', 'terminate'] as const) {
      const step = stepOperation(inPhase(phase), atMin, config, context);
      expect(step.next?.phase).toBe('uncordon');
      expect(step.next?.note).toMatch(/min size 2/);
      // Protect before uncordon: the instance's protection goes back on first, the uncordon
      // waits for a later step that observes it.
      expect(step.effect).toMatchObject({ kind: 'protect-instance', instanceId: 'i-a1' });
      expect(step.effectFirst).toBe(true);
    }
  });

  test('unprotect or terminate that does not complete in time: rolled back', () => {
    const empty = atTime(emptied(cordoned), NOW_MS + past);
    for (const phase of ['unprotect', 'terminate'] as const) {
      const step = stepOperation(inPhase(phase), empty, config, late(past));
      expect(step.next?.phase).toBe('uncordon');
      expect(step.events).toEqual(['rolled-back']);
    }
  });

  test('a node that never goes away after termination: the operation lets go, with an Event', () => {
    const terminated = atTime(emptied(cordoned), NOW_MS + past);
    const waiting = stepOperation(inPhase('terminated'), emptied(cordoned), config, context);
    expect(waiting.waiting).toMatch(/leave the cluster/);
    const step = stepOperation(inPhase('terminated'), terminated, config, late(past));
    expect(step.next).toBeUndefined();
    expect(step.events).toEqual(['node-remains']);
  });

  test('an uncordon that never takes: abandoned, still uncordoning', () => {
    const step = stepOperation(
      inPhase('uncordon'),
      atTime(cordoned, NOW_MS + past),
      config,
      late(past),
    );
    expect(step.next?.phase).toBe('abandoned');
    expect(step.effect).toMatchObject({ kind: 'uncordon' });
  });

  test('a record from a recreated Lease (higher token) is adopted after two lease durations', () => {
    const foreign = { ...inPhase('drain'), fencingToken: 5, holder: 'old-pod' };
    const fresh = stepOperation(foreign, cordoned, config, { ...context, fencingToken: 0 });
    expect(fresh.waiting).toMatch(/newer leader .* adopting it if unchanged for 30s/);
    const later = NOW_MS + deadlines.adoptForeignRecord;
    const adopted = stepOperation(foreign, atTime(cordoned, later), config, {
      ...context,
      nowMs: later,
      fencingToken: 0,
      foreignRecordSinceMs: NOW_MS,
    });
    expect(adopted.next).toMatchObject({ fencingToken: 0, holder: 'a', phase: 'drain' });
    expect(adopted.events).toEqual(['adopted']);
  });

  test('no step at all on a view it cannot trust, not even an exit', () => {
    const stale = {
      ...atTime(base, NOW_MS + past),
      freshness: { ...base.freshness, kubernetesAtMs: undefined },
    };
    // Every phase but `abandoned`, which ends the operation and has nothing left to hold.
    for (const phase of OPERATION_PHASES.filter(p => p !== 'abandoned')) {
      const step = stepOperation(inPhase(phase), stale, config, late(past));
      expect(step.effect).toBeUndefined();
      expect(step.next).toEqual(inPhase(phase));
    }
  });

  test('a drain that sees no brokers on an incomplete pod view waits instead of unprotecting', () => {
    const partial = {
      ...cordoned,
      brokers: cordoned.brokers.filter(b => b.nodeName !== 'node-a-1'),
    };
    const missingOne = { ...partial, brokers: partial.brokers.slice(1) };
    const step = stepOperation(inPhase('drain'), missingOne, config, context);
    expect(step.effect).toBeUndefined();
    expect(step.waiting).toMatch(/pod view shows 1 of zone us-east-1a's 4 broker pods/);
  });
});

describe('writeBlocker: the one gate', () => {
  const roll = { kind: 'request-roll', podName: 'orders-brokers-a-1001', podUid: 'u' } as const;

  test('holds every write on stale data, by the age of the data', () => {
    const old = { ...base, nowMs: NOW_MS + 121_000 };
    for (const write of [
      roll,
      { kind: 'cordon', nodeName: 'n', nodeUid: 'u' } as const,
      { kind: 'protect', groupName: 'g' } as const,
      { kind: 'set-desired', groupName: 'asg-orders-kafka-a', desired: 4 } as const,
    ]) {
      expect(writeBlocker(old, config, write)?.reason).toBe('stale-data');
    }
  });

  test('holds a roll while partitions are under-replicated or health predates a broker becoming Ready', () => {
    expect(writeBlocker(base, config, roll)).toBeUndefined();
    expect(writeBlocker({ ...base, underReplicatedPartitions: 1 }, config, roll)?.reason).toBe(
      'under-replicated',
    );
    const justReady = withBroker(base, 'orders-brokers-b-2000', b => ({
      ...b,
      readySinceMs: NOW_MS,
    }));
    expect(writeBlocker(justReady, config, roll)?.detail).toMatch(
      /sampled before the latest broker/,
    );
  });

  test('holds unprotect and terminate while the node is not cordoned or not empty', () => {
    const terminate = {
      kind: 'terminate-instance',
      groupName: 'asg-orders-kafka-a',
      instanceId: 'i-a1',
      nodeName: 'node-a-1',
    } as const;
    expect(writeBlocker(emptied(base), config, terminate)?.detail).toMatch(/not cordoned/);
    expect(writeBlocker(cordoned, config, terminate)?.detail).toMatch(/still hosts/);
    expect(writeBlocker(emptied(cordoned), config, terminate)).toBeUndefined();
  });

  test('holds an unbalanced desired capacity or one above max size', () => {
    const write = (desired: number) =>
      writeBlocker(base, config, { kind: 'set-desired', groupName: 'asg-orders-kafka-a', desired });
    expect(write(4)).toBeUndefined();
    expect(write(3)?.detail).toMatch(/not a balanced level/);
    const capped = { ...base, groups: base.groups.map(group => ({ ...group, max: 2 })) };
    expect(
      writeBlocker(capped, config, {
        kind: 'set-desired',
        groupName: 'asg-orders-kafka-a',
        desired: 4,
      })?.reason,
    ).toBe('group-at-max-size');
  });

  test('holds on NaN, infinite, negative or missing per-broker series, naming the brokers', () => {
    const broken = {
      ...base,
      loads: (base.loads ?? []).map(load =>
        load.podName === 'orders-brokers-a-1000'
          ? { ...load, receiveMiBps: Number.NaN }
          : load.podName === 'orders-brokers-b-2001'
            ? { ...load, transmitMiBps: -1 }
            : load,
      ),
    };
    const blocked = writeBlocker(broken, config, { kind: 'protect', groupName: 'g' });
    expect(blocked?.detail).toMatch(/orders-brokers-a-1000, orders-brokers-b-2001/);
  });
});

describe('an instance that never becomes a Node', () => {
  const withExtra: Observed = {
    ...base,
    groups: base.groups.map(group =>
      group.zone === 'us-east-1a'
        ? {
            ...group,
            desired: 3,
            instances: [
              ...group.instances,
              { instanceId: 'i-lost', lifecycleState: 'InService', protectedFromScaleIn: false },
            ],
          }
        : group,
    ),
  };
  const limitMs = config.nodeReadyTimeoutSeconds * 1000;

  test('is terminated once it has had no Node for nodeReadyTimeoutSeconds, once per zone', () => {
    const since = new Map([['i-lost', NOW_MS - limitMs - 1]]);
    expect(nodelessInstanceToTerminate(withExtra, config, since, new Set())).toEqual({
      zone: 'us-east-1a',
      groupName: 'asg-orders-kafka-a',
      instanceId: 'i-lost',
    });
    expect(
      nodelessInstanceToTerminate(withExtra, config, since, new Set(['us-east-1a'])),
    ).toBeUndefined();
    expect(
      nodelessInstanceToTerminate(withExtra, config, new Map([['i-lost', NOW_MS]]), new Set()),
    ).toBeUndefined();
  });

  test('the gate refuses it once the instance has a Node', () => {
    const joined = {
      ...withExtra,
      nodes: [...withExtra.nodes, { ...withExtra.nodes[0], name: 'late', instanceId: 'i-lost' }],
    };
    const write = {
      kind: 'terminate-nodeless',
      groupName: 'asg-orders-kafka-a',
      instanceId: 'i-lost',
    } as const;
    expect(writeBlocker(withExtra, config, write)).toBeUndefined();
    expect(writeBlocker(joined, config, write)?.detail).toMatch(/has node late/);
  });
});
