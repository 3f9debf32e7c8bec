/**
 * Third outside fault review of the controller: the faults it found, each as the schedule or the
 * state that showed it and as a property over its class.
 *
 * 1. Someone else's cordon undone. A respread's own uncordon went out; someone cordoned the node
 *    (maintenance) before the step that removes the record, and that step, delayed by a
 *    Prometheus outage, saw the node cordoned and uncordoned it again. Every exit of an
 *    operation (completion, rollback, abandon, the abandoned phase, a replaced Node) took any
 *    cordon of its node for its own. Now an operation undoes only a cordon that carries this
 *    controller's marker (`ownCordon`), and clears a marker left on a node someone else
 *    uncordoned before its record goes, so a later cordon is never taken for its own.
 *
 * 2. A copied record waited for ever. Someone copied a node's operation record onto another node
 *    of the zone (a Node object created from another's YAML; the chaos kind `record-edited`).
 *    The copy was stepped as if it sat on the node it names: it wrote its steps on the copy's
 *    node and, once the named node was gone, waited for ever ("node ... is gone"), holding every
 *    move. Now a record that names another node than the one it was read from is dropped like a
 *    record on a replaced Node: its own cordon undone, the record removed, a Warning.
 *
 * 3. A record timed from the future had no deadline. A record whose times are ahead of the
 *    controller's clock (edited by hand, or written by a machine whose clock was ahead; the chaos
 *    kind `record-edited` sets them a day ahead) kept its phase and its move waiting until then:
 *    a move that never finished was neither retried nor abandoned for a day. Now times further
 *    ahead than `staleAfterSeconds` are set to now, in a step of its own, and the deadlines run.
 *
 * Checked and held (kept as tests): the controller's clock stepping a day either way mid
 * re-spread. Prometheus's samples keep the true time, so the data looks a day old (or a day
 * ahead) and every write holds until the clock is back; small steps (90 s) change no invariant.
 */
import fc from 'fast-check';
import type { ObservedNode } from '../../controller/model';
import {
  ownCordon,
  phaseDeadlines,
  startOperation,
  stepOperation,
} from '../../controller/operation';
import { OPERATION_PHASES, type OperationRecord } from '../../controller/operation-record';
import { configWithZones, expectSettled, runSchedule } from './chaos-run';
import type { Fault } from './chaos-world';
import {
  NOW_MS,
  healthyCluster,
  testConfig,
  withBroker,
  withNode,
  STEP_CONTEXT,
  SCALE_IN_NODE_A1,
} from './fixtures';
import { MINUTE } from './chaos-run';

const config = testConfig();
const context = STEP_CONTEXT;
const base = healthyCluster(config, { nodesPerZone: 2 });
const respread = startOperation(
  {
    kind: 'respread',
    zone: 'us-east-1a',
    groupName: 'asg-orders-kafka-a',
    nodeName: 'node-a-1',
    nodeUid: 'uid-node-a-1',
  },
  { nowMs: NOW_MS, fencingToken: 3, holder: 'a', id: 'op-1' },
);
/** node-a-1 cordoned by someone else: no marker. */
const foreignCordoned = withNode(base, 'node-a-1', node => ({
  ...node,
  unschedulable: true,
  cordonedByController: false,
}));

describe('an operation never undoes a cordon that is not its own', () => {
  test('the respread finished and uncordoned; someone cordoned since: the record goes, the cordon stays', () => {
    const uncordoning = { ...respread, phase: 'uncordon' as const, movesDone: 1 };
    const step = stepOperation(uncordoning, foreignCordoned, config, context);
    expect(step.effect).toBeUndefined();
    expect(step.next).toBeUndefined();
    expect(step.events).toEqual(['completed']);
  });

  test('its own cordon (marker set) is undone as before', () => {
    const uncordoning = { ...respread, phase: 'uncordon' as const, movesDone: 1 };
    const own = withNode(foreignCordoned, 'node-a-1', node => ({
      ...node,
      cordonedByController: true,
    }));
    const step = stepOperation(uncordoning, own, config, context);
    expect(step.effect).toEqual({
      kind: 'uncordon',
      nodeName: 'node-a-1',
      nodeUid: 'uid-node-a-1',
    });
    expect(step.next).toEqual(uncordoning);
  });

  test('a marker left on a node someone uncordoned is cleared before the record goes', () => {
    const uncordoning = { ...respread, phase: 'uncordon' as const, movesDone: 1 };
    const staleMarker = withNode(base, 'node-a-1', node => ({
      ...node,
      unschedulable: false,
      cordonedByController: true,
    }));
    const step = stepOperation(uncordoning, staleMarker, config, context);
    expect(step.effect).toEqual({
      kind: 'uncordon',
      nodeName: 'node-a-1',
      nodeUid: 'uid-node-a-1',
    });
    expect(step.next).toEqual(uncordoning);
  });

  test('an observer that does not report the marker (the simulator) keeps the old behaviour', () => {
    const uncordoning = { ...respread, phase: 'uncordon' as const, movesDone: 1 };
    const unknown = withNode(base, 'node-a-1', node => ({ ...node, unschedulable: true }));
    expect(ownCordon(unknown.nodes.find(node => node.name === 'node-a-1') as ObservedNode)).toBe(
      true,
    );
    expect(stepOperation(uncordoning, unknown, config, context).effect?.kind).toBe('uncordon');
  });

  test('property: no step of any phase, on time or overdue, uncordons a node cordoned by someone else', () => {
    const deadlines = phaseDeadlines(config);
    fc.assert(
      fc.property(
        fc.constantFrom(...OPERATION_PHASES),
        fc.constantFrom<OperationRecord['kind']>('respread', 'remove-node'),
        fc.constantFrom(0, 1, 2),
        fc.option(fc.constantFrom<1 | 2>(1, 2), { nil: undefined }),
        fc.constantFrom(
          0,
          deadlines.phase + 1,
          deadlines.move + 1,
          deadlines.move + deadlines.phase + 1,
        ),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (phase, kind, movesDone, attempt, elapsedMs, replaced, empty, rollerBack, withNote) => {
          let observed = foreignCordoned;
          if (replaced) {
            observed = withNode(observed, 'node-a-1', node => ({ ...node, uid: 'uid-restored' }));
          }
          if (empty) {
            for (const broker of observed.brokers.filter(each => each.nodeName === 'node-a-1')) {
              observed = withBroker(observed, broker.podName, each => ({
                ...each,
                nodeName: 'node-a-0',
              }));
            }
          }
          if (rollerBack) {
            // The moved pod came back Ready on the node it left.
            observed = withBroker(observed, 'orders-brokers-a-1001', each => ({
              ...each,
              uid: 'uid-again',
              nodeName: 'node-a-1',
            }));
          }
          const record: OperationRecord = {
            ...respread,
            kind,
            ...(kind === 'remove-node' ? { instanceId: 'i-a1' } : {}),
            phase,
            movesDone,
            ...(attempt === undefined || phase !== 'drain'
              ? {}
              : {
                  move: {
                    podName: 'orders-brokers-a-1001',
                    podUid: 'uid-orders-brokers-a-1001',
                    requestedAtMs: NOW_MS,
                    attempt,
                  },
                }),
            ...(withNote ? { note: 'rolled back' } : {}),
          };
          const nowMs = NOW_MS + elapsedMs;
          const step = stepOperation(
            record,
            {
              ...observed,
              nowMs,
              freshness: { kubernetesAtMs: nowMs, prometheusAtMs: nowMs, autoscalingAtMs: nowMs },
              healthSampledAtMs: Object.fromEntries(observed.brokers.map(b => [b.podName, nowMs])),
            },
            config,
            { ...context, nowMs, removalStillWanted: !withNote },
          );
          expect(step.effect?.kind).not.toBe('uncordon');
        },
      ),
      { numRuns: 400, seed: 3 },
    );
  });

  test('regression (sweep seed 303): a maintenance cordon after the respread uncordoned is not undone', async () => {
    // Found by the long sweep once the chaos world recorded whose cordon each node carries: the
    // respread of node-i-b2 uncordoned it at +1404 s, someone cordoned it at +1411 s, Prometheus
    // went missing, and at +1526 s the step that removes the record uncordoned the node again.
    const faults: Fault[] = [
      { atMs: 512368, kind: 'crash-restart', durationMs: 74914, pick: 868 },
      { atMs: 1758745, kind: 'foreign-cordon', durationMs: 118228, pick: 181, afterWrite: 77 },
      { atMs: 3136272, kind: 'prometheus-missing', durationMs: 134511, pick: 361, afterWrite: 3 },
      { atMs: 4082713, kind: 'foreign-uncordon', durationMs: 25637, pick: 846, afterWrite: 137 },
      { atMs: 5806299, kind: 'watch-lag', durationMs: 15718, pick: 899, afterWrite: 6 },
      { atMs: 7977341, kind: 'prometheus-missing', durationMs: 44237, pick: 555, afterWrite: 116 },
      { atMs: 8798814, kind: 'foreign-uncordon', durationMs: 73804, pick: 321, afterWrite: 75 },
      { atMs: 9965812, kind: 'foreign-uncordon', durationMs: 158136, pick: 595, afterWrite: 27 },
    ];
    const { violations, world } = await runSchedule(faults, configWithZones(3));
    expect(violations).toEqual([]);
    expect(world.foreignCordonsUndone).toEqual([]);
    expectSettled(world);
  });

  test('regression (sweep seed 505): every node of a zone cordoned by someone: held, and the cordons stay', async () => {
    // Both nodes left in zone a were cordoned by someone else: the zone holds (no-room-to-move)
    // at 2 nodes and the controller leaves both cordons alone.
    const faults: Fault[] = [
      { atMs: 1169214, kind: 'watch-lag', durationMs: 144281, pick: 858, afterWrite: 67 },
      { atMs: 2482497, kind: 'foreign-cordon', durationMs: 170452, pick: 810, afterWrite: 88 },
      { atMs: 3032009, kind: 'foreign-cordon', durationMs: 179212, pick: 310, afterWrite: 71 },
      { atMs: 3965971, kind: 'foreign-uncordon', durationMs: 16294, pick: 897, afterWrite: 78 },
      { atMs: 6002755, kind: 'foreign-cordon', durationMs: 64505, pick: 812, afterWrite: 154 },
      { atMs: 6507461, kind: 'api-slow', durationMs: 8167, pick: 448, afterWrite: 118 },
      { atMs: 8042006, kind: 'foreign-cordon', durationMs: 70936, pick: 180, afterWrite: 112 },
      { atMs: 8995034, kind: 'foreign-cordon', durationMs: 48871, pick: 165 },
      { atMs: 9429446, kind: 'watch-lag', durationMs: 112997, pick: 853, afterWrite: 79 },
    ];
    let lastReason = '';
    const { violations, world } = await runSchedule(faults, configWithZones(3), {
      onPass: pass => (lastReason = pass.plan.reason),
    });
    expect(violations).toEqual([]);
    expect(world.foreignCordonsUndone).toEqual([]);
    expectSettled(world);
    // Every cordon someone else holds at the end is still in place. The trajectory depends on the
    // scale-in rules (the schedule was found on the controller before the per-level window), so
    // the zone ends fully cordoned only on some versions; when it does, the controller holds.
    for (const node of world.nodes.filter(each => world.foreignCordons.has(each.name))) {
      expect([node.name, node.unschedulable]).toEqual([node.name, true]);
    }
    const zoneA = world.nodes.filter(node => node.zone === 'us-east-1a');
    if (zoneA.every(node => world.foreignCordons.has(node.name))) {
      expect(lastReason).toBe('no-room-to-move');
    }
  });
});

describe('the controller clock steps away and back (clock-jump)', () => {
  // `pick` selects the step: 6 -> +1 day, 13 -> -1 day, 2 -> +90 s, 9 -> -90 s (chaos-world.ts).
  test.each([
    ['a day ahead', 6],
    ['a day behind', 13],
  ])(
    '%s mid re-spread: nothing is written until the clock is back, then it settles',
    async (_, pick) => {
      const startMs = 12 * MINUTE;
      const durationMs = 5 * MINUTE;
      const faults: Fault[] = [{ atMs: startMs, kind: 'clock-jump', durationMs, pick }];
      const { violations, world } = await runSchedule(faults, configWithZones(2));
      expect(violations).toEqual([]);
      expectSettled(world);
      const writes = world.history.filter(event => event.kind === 'write');
      // The run starts at NOW_MS; the jump is injected at the first pass at or after startMs.
      const during = writes.filter(
        event =>
          event.atMs > NOW_MS + startMs + 30_000 && event.atMs < NOW_MS + startMs + durationMs,
      );
      expect(during).toEqual([]);
      expect(writes.some(event => event.atMs >= NOW_MS + startMs + durationMs)).toBe(true);
    },
  );

  test.each([
    ['90 s ahead', 2],
    ['90 s behind', 9],
  ])(
    '%s for 20 minutes through scale-out and re-spread: no violation, and it settles',
    async (_, pick) => {
      const faults: Fault[] = [
        { atMs: 9 * MINUTE, kind: 'clock-jump', durationMs: 20 * MINUTE, pick },
      ];
      const { violations, world } = await runSchedule(faults, configWithZones(3));
      expect(violations).toEqual([]);
      expectSettled(world);
    },
  );
});

describe('a record that names another node than the one it sits on (a copy)', () => {
  const copy = { ...respread, phase: 'drain' as const };
  const stepCopy = (observed = base) =>
    stepOperation(copy, observed, config, { ...context, recordNodeName: 'node-a-0' });

  test('is dropped with a Warning, acting on neither node', () => {
    const step = stepCopy();
    expect(step.next).toBeUndefined();
    expect(step.effect).toBeUndefined();
    expect(step.events).toEqual(['rolled-back']);
  });

  test('its host cordoned by this controller is uncordoned first, the record kept until then', () => {
    const cordonedHost = withNode(base, 'node-a-0', node => ({
      ...node,
      unschedulable: true,
      cordonedByController: true,
    }));
    const step = stepCopy(cordonedHost);
    expect(step.effect).toEqual({
      kind: 'uncordon',
      nodeName: 'node-a-0',
      nodeUid: 'uid-node-a-0',
    });
    expect(step.next).toEqual(copy);
  });

  test('the record on the node it names steps as before', () => {
    const step = stepOperation(copy, base, config, { ...context, recordNodeName: 'node-a-1' });
    expect(step.next).toBeDefined();
  });

  test('regression (sweep seed 606): a record copied onto another node no longer waits for ever', async () => {
    const faults: Fault[] = [
      { atMs: 1690401, kind: 'record-edited', durationMs: 91269, pick: 714, afterWrite: 157 },
      { atMs: 2976353, kind: 'foreign-uncordon', durationMs: 111669, pick: 112 },
      { atMs: 10211694, kind: 'record-edited', durationMs: 71128, pick: 872, afterWrite: 143 },
    ];
    const { violations, world } = await runSchedule(faults, configWithZones(3));
    expect(violations).toEqual([]);
    expectSettled(world);
  });
});

describe('the retry of a move rolls only a pod still on the node it must leave', () => {
  // Mutation review: with the retry rolling any recreated Ready pod (not only one back on the
  // node), the suite stayed green: the gate blocks every other case but this one. A pod that
  // came up Ready on a node of another zone has left the node; rolling it again would restart a
  // running broker for nothing. The move is not done (wrong zone), so it times out and is
  // abandoned with a Warning instead.
  test('a recreated pod Ready on a node of another zone is not rolled again', () => {
    const removal = startOperation(SCALE_IN_NODE_A1, {
      nowMs: NOW_MS,
      fencingToken: 3,
      holder: 'a',
      id: 'op-1',
    });
    const moving: OperationRecord = {
      ...removal,
      phase: 'drain',
      move: {
        podName: 'orders-brokers-a-1001',
        podUid: 'uid-orders-brokers-a-1001',
        requestedAtMs: NOW_MS,
        attempt: 1,
      },
    };
    const cordoned = withNode(base, 'node-a-1', node => ({
      ...node,
      unschedulable: true,
      cordonedByController: true,
    }));
    const elsewhere = withBroker(cordoned, 'orders-brokers-a-1001', broker => ({
      ...broker,
      uid: 'uid-elsewhere',
      nodeName: 'node-b-0',
    }));
    const late = { ...context, nowMs: NOW_MS + (config.moveTimeoutSeconds + 1) * 1000 };
    const retry = stepOperation(moving, elsewhere, config, late);
    expect(retry.events).toEqual(['move-retried']);
    expect(retry.effect).toBeUndefined();
  });
});

describe('a node goes NotReady (node-not-ready)', () => {
  test('during the re-spreads: no move starts beside its broker, which turns NotReady 40 s later', async () => {
    // Shrunk by fast-check from a sweep on the mutant that ignores a NotReady Node in
    // `hostGoingDown` (the pod still shows Ready for the grace period): it rolled a broker
    // beside it and two brokers were down at once. Held by the real code.
    const faults: Fault[] = [
      { atMs: 0, kind: 'node-not-ready', durationMs: 152001, pick: 926, afterWrite: 57 },
      { atMs: 0, kind: 'node-not-ready', durationMs: 40001, pick: 0, afterWrite: 76 },
      { atMs: 0, kind: 'node-not-ready', durationMs: 5000, pick: 0 },
    ];
    const { violations, world } = await runSchedule(faults, configWithZones(3));
    expect(violations).toEqual([]);
    expectSettled(world);
  });
});

describe('a record timed from the future', () => {
  const dayMs = 86_400_000;
  const ahead: OperationRecord = {
    ...respread,
    phase: 'drain',
    startedAtMs: NOW_MS + dayMs,
    phaseStartedAtMs: NOW_MS + dayMs,
    move: {
      podName: 'orders-brokers-a-1001',
      podUid: 'uid-orders-brokers-a-1001',
      requestedAtMs: NOW_MS + dayMs,
      attempt: 1,
    },
  };
  const cordoned = withNode(base, 'node-a-1', node => ({
    ...node,
    unschedulable: true,
    cordonedByController: true,
  }));

  test('has its times set to now, then its move is retried after the move timeout', () => {
    const first = stepOperation(ahead, cordoned, config, context);
    expect(first.effect).toBeUndefined();
    expect(first.next).toMatchObject({
      startedAtMs: NOW_MS,
      phaseStartedAtMs: NOW_MS,
      move: { requestedAtMs: NOW_MS },
    });
    const laterMs = NOW_MS + (config.moveTimeoutSeconds + 1) * 1000;
    const retry = stepOperation(
      first.next ?? ahead,
      {
        ...cordoned,
        nowMs: laterMs,
        freshness: { kubernetesAtMs: laterMs, prometheusAtMs: laterMs, autoscalingAtMs: laterMs },
        healthSampledAtMs: Object.fromEntries(cordoned.brokers.map(b => [b.podName, laterMs])),
      },
      config,
      { ...context, nowMs: laterMs },
    );
    expect(retry.events).toEqual(['move-retried']);
  });

  test('times ahead by no more than the stale limit are left alone (clocks a little apart)', () => {
    const slightly = {
      ...ahead,
      startedAtMs: NOW_MS + 60_000,
      phaseStartedAtMs: NOW_MS + 60_000,
      move: { ...ahead.move!, requestedAtMs: NOW_MS + 60_000 },
    };
    expect(stepOperation(slightly, cordoned, config, context).next).toBe(slightly);
  });
});

describe('chaos world bookkeeping', () => {
  test('regression (sweep seed 808): a record replaced on its node by an unreadable one is not a second operation', async () => {
    // The world logged the unreadable record before the end of the one it replaced, at the
    // same instant, and the checker saw two operations open. It now logs ends first.
    const faults: Fault[] = [
      { atMs: 19220, kind: 'record-deleted', durationMs: 61070, pick: 359, afterWrite: 115 },
      { atMs: 359551, kind: 'record-corrupted', durationMs: 22571, pick: 927, afterWrite: 111 },
      { atMs: 4516838, kind: 'watch-lag', durationMs: 60076, pick: 931 },
      { atMs: 5033505, kind: 'record-corrupted', durationMs: 68266, pick: 173, afterWrite: 82 },
      { atMs: 5689514, kind: 'lease-recreated', durationMs: 90574, pick: 668 },
      { atMs: 9598999, kind: 'record-edited', durationMs: 50687, pick: 282, afterWrite: 112 },
    ];
    const { violations, world } = await runSchedule(faults, configWithZones(3));
    expect(violations).toEqual([]);
    expectSettled(world);
  });
});
