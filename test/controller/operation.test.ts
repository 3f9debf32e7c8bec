import { stepOperation } from '../../controller/operation';
import type { Observed } from '../../controller/model';
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
const context = STEP_CONTEXT;
const base = healthyCluster(config, { nodesPerZone: 2 });
const record = removalOfNodeA1(STEP_CONTEXT);
const cordoned = withNode(base, 'node-a-1', node => ({ ...node, unschedulable: true }));
const draining = { ...record, phase: 'drain' as const };
const moving = {
  ...draining,
  move: {
    podName: 'orders-brokers-a-1001',
    podUid: 'uid-orders-brokers-a-1001',
    requestedAtMs: NOW_MS,
    attempt: 1 as const,
  },
};
const moved = (observed: Observed, nodeName = 'node-a-0') =>
  withBroker(observed, 'orders-brokers-a-1001', broker => ({ ...broker, uid: 'new', nodeName }));

const unprotectedVictim = (observed: Observed, protectedFromScaleIn = false): Observed => ({
  ...observed,
  groups: observed.groups.map(group => ({
    ...group,
    instances: group.instances.map(i =>
      i.instanceId === 'i-a1' ? { ...i, protectedFromScaleIn } : i,
    ),
  })),
});

const emptied = emptiedNodeA1;

describe('stepOperation: scale-in protection of the node being removed', () => {
  const empty = emptied(cordoned);
  const unprotectPhase = { ...draining, phase: 'unprotect' as const };
  const terminatePhase = { ...draining, phase: 'terminate' as const };

  test('an emptied node is unprotected first (record stored before the call), exactly it', () => {
    const step = stepOperation(draining, empty, config, context);
    expect(step.next?.phase).toBe('unprotect');
    expect(step.effectFirst).toBe(false);
    expect(step.effect).toEqual({
      kind: 'unprotect-instance',
      groupName: 'asg-orders-kafka-a',
      instanceId: 'i-a1',
      nodeName: 'node-a-1',
    });
    expect(step.events).toEqual(['unprotect-requested']);
  });

  test('unprotect phase: asks again while the group still shows the instance protected', () => {
    const step = stepOperation(unprotectPhase, empty, config, context);
    expect(step.next).toEqual(unprotectPhase);
    expect(step.effect).toMatchObject({ kind: 'unprotect-instance', instanceId: 'i-a1' });
  });

  test('unprotect phase: terminates once unprotected, recording terminate first', () => {
    const step = stepOperation(unprotectPhase, unprotectedVictim(empty), config, context);
    expect(step.next?.phase).toBe('terminate');
    expect(step.effectFirst).toBe(false);
    expect(step.effect).toEqual({
      kind: 'terminate-instance',
      groupName: 'asg-orders-kafka-a',
      instanceId: 'i-a1',
      nodeName: 'node-a-1',
    });
    expect(step.events).toEqual(['terminate-requested']);
  });

  test('unprotect phase: an instance already leaving is terminated, no call', () => {
    const leaving = {
      ...empty,
      groups: empty.groups.map(group => ({
        ...group,
        instances: group.instances.filter(i => i.instanceId !== 'i-a1'),
      })),
    };
    const step = stepOperation(unprotectPhase, leaving, config, context);
    expect(step.effect).toBeUndefined();
    expect(step.next?.phase).toBe('terminated');
  });

  test('unprotect phase: a broker that landed again sends it back to drain, protected first', () => {
    // Back in drain the housekeeping owns protection and a rollback may uncordon: the instance
    // is protected again before the record says drain (rollback-protection.test.ts).
    const step = stepOperation(unprotectPhase, unprotectedVictim(cordoned), config, context);
    expect(step.effect).toMatchObject({ kind: 'protect-instance', instanceId: 'i-a1' });
    expect(step.effectFirst).toBe(true);
    expect(step.next?.phase).toBe('drain');
  });

  test('unprotect phase: waits without acting while the group is not observed', () => {
    const step = stepOperation(unprotectPhase, { ...empty, groups: [] }, config, context);
    expect(step.effect).toBeUndefined();
    expect(step.next).toEqual(unprotectPhase);
  });

  test('terminate phase: an instance protected again is unprotected before terminating', () => {
    const step = stepOperation(terminatePhase, empty, config, context);
    expect(step.next?.phase).toBe('unprotect');
    expect(step.effect).toMatchObject({ kind: 'unprotect-instance', instanceId: 'i-a1' });
    const resumed = stepOperation(terminatePhase, unprotectedVictim(empty), config, context);
    expect(resumed.effect).toMatchObject({ kind: 'terminate-instance', instanceId: 'i-a1' });
  });
});

describe('stepOperation', () => {
  test('cordons, then drains once the node is cordoned', () => {
    expect(stepOperation(record, base, config, context).effect).toEqual({
      kind: 'cordon',
      nodeName: 'node-a-1',
      nodeUid: 'uid-node-a-1',
    });
    expect(stepOperation(record, cordoned, config, context).next?.phase).toBe('drain');
  });

  test('asks Strimzi to roll the first broker on the node, effect before record', () => {
    const step = stepOperation(draining, cordoned, config, context);
    expect(step.effect).toEqual({
      kind: 'request-roll',
      podName: 'orders-brokers-a-1001',
      podUid: 'uid-orders-brokers-a-1001',
    });
    expect(step.effectFirst).toBe(true);
    expect(step.next?.move?.attempt).toBe(1);
  });

  test('a move is done only with a new UID, Ready, on another node of the zone, and URP 0', () => {
    expect(stepOperation(moving, moved(cordoned), config, context).events).toEqual([
      'move-finished',
    ]);
    const notReady = withBroker(moved(cordoned), 'orders-brokers-a-1001', b => ({
      ...b,
      ready: false,
    }));
    expect(stepOperation(moving, notReady, config, context).events).toEqual([]);
    const sameNode = moved(cordoned, 'node-a-1');
    expect(stepOperation(moving, sameNode, config, context).events).toEqual([]);
    const otherZone = moved(cordoned, 'node-b-0');
    expect(stepOperation(moving, otherZone, config, context).events).toEqual([]);
    const urp = { ...moved(cordoned), underReplicatedPartitions: 2 };
    expect(stepOperation(moving, urp, config, context).events).toEqual([]);
    const sameUid = withBroker(cordoned, 'orders-brokers-a-1001', b => ({
      ...b,
      nodeName: 'node-a-0',
    }));
    expect(stepOperation(moving, sameUid, config, context).events).toEqual([]);
  });

  test('retries a timed-out move once, then abandons and uncordons', () => {
    const late = { ...context, nowMs: NOW_MS + (config.moveTimeoutSeconds + 1) * 1000 };
    const retry = stepOperation(moving, cordoned, config, late);
    expect(retry.events).toEqual(['move-retried']);
    expect(retry.effect?.kind).toBe('request-roll');
    expect(retry.next?.move?.attempt).toBe(2);
    const retried = retry.next ?? moving;
    const later = { ...late, nowMs: late.nowMs + (config.moveTimeoutSeconds + 1) * 1000 };
    const giveUp = stepOperation(retried, cordoned, config, later);
    expect(giveUp.next?.phase).toBe('abandoned');
    expect(giveUp.effect?.kind).toBe('uncordon');
    expect(giveUp.events).toEqual(['move-failed', 'abandoned']);
  });

  test('terminates once empty, and treats a leaving instance as terminated', () => {
    const empty = cordoned.brokers
      .filter(broker => broker.nodeName === 'node-a-1')
      .reduce(
        (observed, broker) =>
          withBroker(observed, broker.podName, b => ({ ...b, nodeName: 'node-a-0' })),
        cordoned,
      );
    const first = stepOperation(draining, empty, config, context);
    expect(first.next?.phase).toBe('unprotect');
    expect(first.effect).toMatchObject({ kind: 'unprotect-instance', instanceId: 'i-a1' });
    const unprotected = unprotectedVictim(empty);
    const step = stepOperation({ ...draining, phase: 'unprotect' }, unprotected, config, context);
    expect(step.next?.phase).toBe('terminate');
    expect(step.effect).toMatchObject({ kind: 'terminate-instance', instanceId: 'i-a1' });
    const leaving = {
      ...empty,
      groups: empty.groups.map(group => ({
        ...group,
        instances: group.instances.map(i =>
          i.instanceId === 'i-a1' ? { ...i, lifecycleState: 'Terminating:Wait' } : i,
        ),
      })),
    };
    const after = stepOperation({ ...draining, phase: 'terminate' }, leaving, config, context);
    expect(after.effect).toBeUndefined();
    expect(after.next?.phase).toBe('terminated');
  });

  test('rolls back a removal the zone needs again', () => {
    const step = stepOperation(draining, cordoned, config, {
      ...context,
      removalStillWanted: false,
    });
    expect(step.next?.phase).toBe('uncordon');
    expect(step.effect?.kind).toBe('uncordon');
  });

  test('fencing: leaves a newer leader record alone and adopts an older one', () => {
    expect(
      stepOperation({ ...draining, fencingToken: 4 }, cordoned, config, context).waiting,
    ).toMatch(/newer leader/);
    const adopted = stepOperation(
      { ...draining, fencingToken: 2, holder: 'b' },
      cordoned,
      config,
      context,
    );
    expect(adopted.next).toMatchObject({ fencingToken: 3, holder: 'a' });
    expect(adopted.effect).toBeUndefined();
  });

  test('adopts a roll requested just before a crash instead of starting another', () => {
    const annotated = withBroker(cordoned, 'orders-brokers-a-1003', b => ({
      ...b,
      rollRequested: true,
    }));
    const step = stepOperation(draining, annotated, config, context);
    expect(step.effect).toBeUndefined();
    expect(step.next?.move?.podName).toBe('orders-brokers-a-1003');
  });
});

describe('stepOperation: a moved broker that lands back on the node', () => {
  // Someone uncordoned the node while the pod restarted: the scheduler put the new pod (new UID,
  // Ready) back on node-a-1, and the controller has cordoned the node again since.
  const backOnNode = withBroker(cordoned, 'orders-brokers-a-1001', broker => ({
    ...broker,
    uid: 'uid-back',
    nodeName: 'node-a-1',
  }));
  const late = { ...context, nowMs: NOW_MS + (config.moveTimeoutSeconds + 1) * 1000 };

  test('is not a finished move', () => {
    expect(stepOperation(moving, backOnNode, config, context).events).toEqual([]);
  });

  test('the retry rolls the new pod, and the move then follows the new UID', () => {
    const retry = stepOperation(moving, backOnNode, config, late);
    expect(retry.events).toEqual(['move-retried']);
    expect(retry.effect).toEqual({
      kind: 'request-roll',
      podName: 'orders-brokers-a-1001',
      podUid: 'uid-back',
    });
    expect(retry.next?.move).toMatchObject({ podUid: 'uid-back', attempt: 2 });
    // The third pod, Ready on another node of the zone, finishes the move.
    const landed = withBroker(backOnNode, 'orders-brokers-a-1001', broker => ({
      ...broker,
      uid: 'uid-third',
      nodeName: 'node-a-0',
    }));
    expect(stepOperation(retry.next ?? moving, landed, config, late).events).toEqual([
      'move-finished',
    ]);
  });

  test('a recreated pod elsewhere that is not Ready yet gets no second roll', () => {
    const pending = withBroker(cordoned, 'orders-brokers-a-1001', broker => ({
      ...broker,
      uid: 'uid-new',
      ready: false,
      nodeName: 'node-a-0',
    }));
    const retry = stepOperation(moving, pending, config, late);
    expect(retry.effect).toBeUndefined();
    expect(retry.next?.move?.attempt).toBe(2);
  });

  test('the retry waits while the zone has no other node to land on', () => {
    const noRoom = withNode(backOnNode, 'node-a-0', node => ({ ...node, unschedulable: true }));
    const step = stepOperation(moving, noRoom, config, late);
    expect(step.effect).toBeUndefined();
    expect(step.waiting).toMatch(/retry of orders-brokers-a-1001/);
  });
});
