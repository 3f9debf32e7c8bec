/**
 * Protect before uncordon: a node whose instance was (or may be) unprotected from scale-in is made
 * schedulable again only once its instance is protected. Unit tests of `stepOperation` (its
 * rollbacks from `unprotect` and `terminate`, the `uncordon` and `abandoned` phases, a replaced
 * Node), `stepWrites` (the order of the writes) and the orphaned-cordon release, then a property
 * over operation phase x rollback cause x protect failures x crash points, run by the reconciler
 * against the in-memory fake cluster: at every uncordon the controller writes, the node's instance
 * is protected (the controller has written nothing else that makes it schedulable).
 *
 * Before the fix, the rollbacks uncordoned in the same step that stored `uncordon` (the
 * instance still unprotected until a later pass's housekeeping), and an unknown instance did not
 * hold the orphaned-cordon release: the unit tests marked "(failed before)" and the property
 * failed there.
 */
import fc from 'fast-check';
import type { Observed } from '../../controller/model';
import {
  phaseDeadlines,
  releaseNode,
  stepOperation,
  type StepContext,
} from '../../controller/operation';
import type { OperationRecord } from '../../controller/operation-record';
import { Reconciler } from '../../controller/reconciler';
import { stepWrites } from '../../controller/step-writes';
import { CrashError, FakeCluster } from './fake-cluster';
import type { WriteVersions } from '../../controller/ports';
import { reconcilerOn } from './fake-reconciler';
import {
  NOW_MS,
  STEP_CONTEXT,
  emptiedNodeA1,
  healthyCluster,
  removalOfNodeA1,
  testConfig,
  withBroker,
  withNode,
} from './fixtures';

const config = testConfig();
const deadlines = phaseDeadlines(config);
const record = removalOfNodeA1(STEP_CONTEXT);
const inPhase = (phase: OperationRecord['phase'], extra: Partial<OperationRecord> = {}) => ({
  ...record,
  phase,
  ...extra,
});
const base = healthyCluster(config, { nodesPerZone: 2 });
const emptied = emptiedNodeA1;
const cordoned = withNode(emptied(base), 'node-a-1', node => ({
  ...node,
  unschedulable: true,
  cordonedByController: true,
}));
const withInstance = (
  observed: Observed,
  change: (instance: Observed['groups'][number]['instances'][number]) => unknown,
): Observed => ({
  ...observed,
  groups: observed.groups.map(group => ({
    ...group,
    instances: group.instances.flatMap(i => {
      if (i.instanceId !== 'i-a1') return [i];
      const changed = change(i);
      return changed === undefined ? [] : [changed as typeof i];
    }),
  })),
});
const unprotected = withInstance(cordoned, i => ({ ...i, protectedFromScaleIn: false }));
const atMin = {
  ...unprotected,
  groups: unprotected.groups.map(group => ({ ...group, min: group.desired })),
};
const at = (observed: Observed, nowMs: number): Observed => ({
  ...observed,
  nowMs,
  freshness: { kubernetesAtMs: nowMs, prometheusAtMs: nowMs, autoscalingAtMs: nowMs },
  healthSampledAtMs: Object.fromEntries(observed.brokers.map(broker => [broker.podName, nowMs])),
});
const late = (ms: number): StepContext => ({ ...STEP_CONTEXT, nowMs: NOW_MS + ms });

describe('a removal rolled back from unprotect or terminate protects its instance first', () => {
  test.each(['unprotect', 'terminate'] as const)(
    '%s, group at its min size: protect (before the record), no uncordon (failed before)',
    phase => {
      const step = stepOperation(inPhase(phase), atMin, config, STEP_CONTEXT);
      expect(step.events).toEqual(['rolled-back']);
      expect(step.next?.phase).toBe('uncordon');
      expect(step.effect).toEqual({
        kind: 'protect-instance',
        groupName: 'asg-orders-kafka-a',
        instanceId: 'i-a1',
        nodeName: 'node-a-1',
      });
      // The protect goes out before the record: a failed protect leaves the record where it was.
      const writes = stepWrites({ ...atMin.nodes[1], operation: inPhase(phase) }, step);
      expect(writes.order.map(write => write.kind)).toEqual(['effect', 'record']);
    },
  );

  test.each(['unprotect', 'terminate'] as const)(
    '%s past its deadline, even with the view still showing it protected: protect first (failed before)',
    phase => {
      const past = deadlines.phase + 1000;
      const step = stepOperation(inPhase(phase), at(cordoned, NOW_MS + past), config, late(past));
      expect(step.next?.phase).toBe('uncordon');
      expect(step.effect?.kind).toBe('protect-instance');
      expect(step.effectFirst).toBe(true);
    },
  );

  test('a node uncordoned by someone mid-terminate and overdue: protect, not uncordon (failed before)', () => {
    const past = deadlines.phase + 1000;
    const uncordonedBySomeone = withNode(at(unprotected, NOW_MS + past), 'node-a-1', node => ({
      ...node,
      unschedulable: false,
    }));
    const step = stepOperation(inPhase('terminate'), uncordonedBySomeone, config, late(past));
    expect(step.events).toEqual(['rolled-back']);
    expect(step.effect?.kind).toBe('protect-instance');
  });

  test('a protect that keeps failing: abandoned at twice the deadline, the node stays cordoned', () => {
    const longPast = 2 * deadlines.phase + 1000;
    const step = stepOperation(
      inPhase('unprotect'),
      at(atMin, NOW_MS + longPast),
      config,
      late(longPast),
    );
    expect(step.next?.phase).toBe('abandoned');
    expect(step.next?.note).toMatch(/could not be protected again/);
    expect(step.effect?.kind).toBe('protect-instance');
    expect(step.events).toEqual(['abandoned']);
  });
});

describe('the uncordon waits for the protection to be observed', () => {
  const rolledBack = inPhase('uncordon', { note: 'group at its min size' });

  test('uncordon phase, instance observed unprotected: protect, no uncordon (failed before)', () => {
    const step = stepOperation(rolledBack, unprotected, config, STEP_CONTEXT);
    expect(step.next).toEqual(rolledBack);
    expect(step.effect?.kind).toBe('protect-instance');
    expect(step.waiting).toMatch(/scale-in protection of i-a1 to be observed/);
  });

  test('uncordon phase, instance observed protected: uncordon', () => {
    const step = stepOperation(rolledBack, cordoned, config, STEP_CONTEXT);
    expect(step.effect).toEqual({
      kind: 'uncordon',
      nodeName: 'node-a-1',
      nodeUid: 'uid-node-a-1',
    });
  });

  test('uncordon phase, instance in no observed group: waits cordoned, then abandons at the deadline (failed before)', () => {
    const unknown = withInstance(cordoned, () => undefined);
    const waiting = stepOperation(rolledBack, unknown, config, STEP_CONTEXT);
    expect(waiting.effect).toBeUndefined();
    expect(waiting.next).toEqual(rolledBack);
    expect(waiting.waiting).toMatch(/protection is unknown/);
    const past = deadlines.phase + 1000;
    const exit = stepOperation(rolledBack, at(unknown, NOW_MS + past), config, late(past));
    expect(exit.next?.phase).toBe('abandoned');
    expect(exit.effect).toBeUndefined();
  });

  test('uncordon phase, instance Terminating: stays cordoned', () => {
    const leaving = withInstance(cordoned, i => ({ ...i, lifecycleState: 'Terminating' }));
    expect(stepOperation(rolledBack, leaving, config, STEP_CONTEXT).effect).toBeUndefined();
  });

  test('abandoned phase, instance observed unprotected: protect, no uncordon (failed before)', () => {
    const step = stepOperation(inPhase('abandoned'), unprotected, config, STEP_CONTEXT);
    expect(step.effect?.kind).toBe('protect-instance');
  });

  test('a move abandoned while the instance is observed unprotected: protect, no uncordon (failed before)', () => {
    const past = deadlines.move + 1000;
    const moving = inPhase('drain', {
      move: {
        podName: 'orders-brokers-a-1001',
        podUid: 'uid-orders-brokers-a-1001',
        requestedAtMs: NOW_MS,
        attempt: 2,
      },
    });
    const step = stepOperation(moving, at(unprotected, NOW_MS + past), config, late(past));
    expect(step.next?.phase).toBe('abandoned');
    expect(step.effect?.kind).toBe('protect-instance');
  });

  test('drain rolled back (demand rose) with the instance observed unprotected: protect (failed before)', () => {
    const step = stepOperation(inPhase('drain'), unprotected, config, {
      ...STEP_CONTEXT,
      removalStillWanted: false,
    });
    expect(step.next?.phase).toBe('uncordon');
    expect(step.effect?.kind).toBe('protect-instance');
    expect(step.effectFirst).toBe(true);
  });

  test.each(['unprotect', 'terminate'] as const)(
    '%s, a broker landed back: protect before the record goes back to drain (failed before)',
    phase => {
      const refilled = withBroker(unprotected, 'orders-brokers-a-1001', b => ({
        ...b,
        nodeName: 'node-a-1',
      }));
      const step = stepOperation(inPhase(phase), refilled, config, STEP_CONTEXT);
      expect(step.next?.phase).toBe('drain');
      expect(step.effect?.kind).toBe('protect-instance');
      expect(step.effectFirst).toBe(true);
    },
  );

  test('a replaced Node whose instance is observed unprotected: protect before uncordon (failed before)', () => {
    const replaced = withNode(unprotected, 'node-a-1', node => ({ ...node, uid: 'uid-new' }));
    const step = stepOperation(inPhase('terminate'), replaced, config, STEP_CONTEXT);
    expect(step.effect?.kind).toBe('protect-instance');
    // Stored after the protect went out (leftovers review, 5.): the moot record then only needs
    // its uncordon, once the protection is observed.
    expect(step.effectFirst).toBe(true);
    expect(step.next).toEqual(inPhase('uncordon'));
  });

  test('releaseNode: nothing of ours to undo is no effect and no wait', () => {
    const free = withNode(unprotected, 'node-a-1', node => ({
      ...node,
      unschedulable: false,
      cordonedByController: false,
    }));
    expect(releaseNode(free.nodes[1], free)).toEqual({ effect: undefined, waiting: undefined });
  });
});

function reconciler(
  cluster: FakeCluster,
  observe: () => Promise<Observed> = cluster.observe,
): Reconciler {
  return reconcilerOn(cluster, cluster.config, {
    observe,
    leadership: () => ({ leading: true, fencingToken: 3, holder: 'a' }),
    newId: () => 'op-new',
  });
}

/**
 * The fake cluster, with `protect` writes that fail `protectFailures` times, and a check at
 * every uncordon the controller writes: the node's instance is protected (or has left).
 */
class CheckedCluster extends FakeCluster {
  protectFailures = 0;
  readonly violations: string[] = [];

  override async setUnschedulable(
    nodeName: string,
    nodeUid: string,
    unschedulable: boolean,
  ): Promise<WriteVersions | void> {
    if (!unschedulable) {
      const instanceId = this.nodes.find(node => node.name === nodeName)?.instanceId;
      const instance = this.groups
        .flatMap(group => group.instances)
        .find(each => each.instanceId === instanceId);
      if (instance?.lifecycleState === 'InService' && instance.protectedFromScaleIn !== true) {
        this.violations.push(`uncordon ${nodeName} while ${instanceId} is unprotected`);
      }
    }
    return super.setUnschedulable(nodeName, nodeUid, unschedulable);
  }

  override async setInstanceProtection(
    groupName: string,
    instanceIds: readonly string[],
    protectedFromScaleIn: boolean,
    mayUnprotect?: () => Promise<string | undefined>,
  ): Promise<'refused' | void> {
    if (protectedFromScaleIn && this.protectFailures > 0) {
      this.protectFailures--;
      throw new Error('Throttling: rate exceeded');
    }
    return super.setInstanceProtection(groupName, instanceIds, protectedFromScaleIn, mayUnprotect);
  }
}

describe('the orphaned-cordon release', () => {
  test('a node whose instance no observed group lists stays cordoned (failed before)', async () => {
    // GIVEN node-a-1 cordoned by the controller, no record, its instance in no observed group
    const cluster = new CheckedCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true }
        : node,
    );
    cluster.groups = cluster.groups.map(group => ({
      ...group,
      instances: group.instances.filter(i => i.instanceId !== 'i-a1'),
    }));
    // WHEN the controller runs a pass
    await reconciler(cluster).reconcileOnce();
    // THEN it does not uncordon the node
    expect(cluster.writes.filter(write => write.startsWith('uncordon'))).toEqual([]);
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.unschedulable).toBe(true);
  });
});

const PHASES = ['unprotect', 'terminate', 'uncordon', 'abandoned', 'orphaned'] as const;
const CAUSES = ['min-size', 'overdue', 'demand-rose', 'uncordoned-by-someone', 'none'] as const;

describe('property: every uncordon the controller writes finds the instance protected', () => {
  test('phase x rollback cause x lagging view x protect failures x crash point, across passes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PHASES),
        fc.constantFrom(...CAUSES),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(0, 1, 3, 1000),
        fc.option(
          fc.record({
            atWrite: fc.integer({ min: 1, max: 6 }),
            when: fc.constantFrom('before' as const, 'after' as const),
          }),
          { nil: undefined },
        ),
        async (phase, cause, unprotectTaken, viewLags, protectFailures, crash) => {
          // GIVEN node-a-1 emptied and cordoned by the controller, its instance unprotected (or,
          // for `unprotect`, maybe not yet), a record in `phase` (none when orphaned)
          const cluster = new CheckedCluster(
            { ...config, scaleInStabilizationSeconds: 0 },
            { nodesPerZone: 2, demandMiBps: cause === 'demand-rose' ? 120 : 10 },
          );
          const startedAtMs =
            cause === 'overdue' ? NOW_MS - deadlines.phase - 1000 : NOW_MS - 60_000;
          const operation: OperationRecord | undefined =
            phase === 'orphaned'
              ? undefined
              : {
                  ...record,
                  phase,
                  startedAtMs,
                  phaseStartedAtMs: startedAtMs,
                  ...(phase === 'uncordon' || phase === 'abandoned' ? { note: 'earlier' } : {}),
                };
          // Emptied; when demand rose, one broker has landed back on it (mid-unprotect/terminate).
          const landed = cluster.brokers.find(broker => broker.nodeName === 'node-a-1')?.podName;
          cluster.brokers = cluster.brokers.map(broker =>
            broker.nodeName === 'node-a-1' &&
            !(cause === 'demand-rose' && broker.podName === landed)
              ? { ...broker, nodeName: 'node-a-0' }
              : broker,
          );
          cluster.nodes = cluster.nodes.map(node =>
            node.name === 'node-a-1'
              ? {
                  ...node,
                  unschedulable: cause !== 'uncordoned-by-someone',
                  cordonedByController: true,
                  operation,
                }
              : node,
          );
          // In `unprotect`, the unprotect may not have taken yet.
          const keepProtected = phase === 'unprotect' && !unprotectTaken;
          cluster.groups = cluster.groups.map(group => ({
            ...group,
            ...(cause === 'min-size' ? { min: group.desired } : {}),
            instances: group.instances.map(i =>
              i.instanceId === 'i-a1' ? { ...i, protectedFromScaleIn: keepProtected } : i,
            ),
          }));
          cluster.protectFailures = protectFailures;
          cluster.crash = crash;
          // WHEN the controller runs 80 passes, 30 s apart, restarting after a crash
          // A lagging Auto Scaling view (a cache) shows i-a1 still protected, as before the
          // unprotect, for the first 4 passes (the view's age stays within the stale limit).
          let pass = 0;
          const observe = async (): Promise<Observed> => {
            const observed = await cluster.observe();
            // Not for a record found in `uncordon` or `abandoned` (left by a version before this
            // fix, its instance unprotected): a view that lags then hides the unprotect from
            // every part of the controller (known limit, see docs/controller.md).
            const lags = viewLags && phase !== 'uncordon' && phase !== 'abandoned';
            if (!lags || pass >= 4) return observed;
            return withInstance(observed, i => ({ ...i, protectedFromScaleIn: true }));
          };
          let controller = reconciler(cluster, observe);
          for (pass = 0; pass < 80; pass++) {
            try {
              await controller.reconcileOnce();
            } catch (error) {
              if (error instanceof CrashError) controller = reconciler(cluster, observe);
              // Otherwise a failed protect: the pass ends, the next one retries.
            }
            cluster.advance(30);
          }
          // THEN no uncordon found the instance unprotected, and the operation reached a defined
          // exit: its record is gone (node schedulable and protected, or gone) or abandoned
          // (cordoned while the instance is unprotected)
          expect(cluster.violations).toEqual([]);
          const node = cluster.nodes.find(each => each.name === 'node-a-1');
          const left = node?.operation;
          if (left?.id === 'op-1') expect(left.phase).toBe('abandoned');
          const instance = cluster.groups
            .flatMap(group => group.instances)
            .find(each => each.instanceId === 'i-a1');
          // (A node someone else uncordoned is not the controller's doing: not judged here.)
          const judged = cause !== 'uncordoned-by-someone';
          if (judged && node !== undefined && !node.unschedulable && instance !== undefined) {
            expect(instance.protectedFromScaleIn).toBe(true);
          }
        },
      ),
      { numRuns: 150, seed: 20_201_130 },
    );
  });
});
