/**
 * Protect before uncordon, the ways out of a record that is not this Node's own operation: a
 * record found on a Node object other than the one it was written on (same name, another UID),
 * and a copy of another node's record. Its operation is moot; only the node's cordon is left to
 * undo, after the protection (`releaseNode`). When that release can only wait (its instance is in
 * no observed group, is leaving, or a protect that keeps failing), the record must not stay
 * forever: while it stays, `decide` holds every scale-in and re-spread (`operation-in-flight`;
 * scale-out goes on), and the reconciler steps the oldest record each pass (a copy is as old as
 * its original). Past twice its phase deadline the record goes, and the node stays
 * cordoned with the controller's marker, for the orphaned-cordon release (`reconciler.ts`), which
 * protects before it uncordons and keeps a node whose instance is unknown cordoned.
 *
 * Found by the fresh review of s20-rollback: before the fix each of the "past twice the
 * deadline" cases kept the record at any age (the step returned it unchanged, waiting).
 */
import { silentLogger } from '../../controller/log';
import { ControllerMetrics } from '../../controller/metrics';
import type { Observed } from '../../controller/model';
import { phaseDeadlines, startOperation, stepOperation } from '../../controller/operation';
import type { OperationRecord } from '../../controller/operation-record';
import { Reconciler } from '../../controller/reconciler';
import { FakeCluster } from './fake-cluster';
import {
  NOW_MS,
  SCALE_IN_NODE_A1,
  STEP_CONTEXT,
  healthyCluster,
  testConfig,
  withNode,
} from './fixtures';

const config = testConfig();
const deadlines = phaseDeadlines(config);
const record: OperationRecord = {
  ...startOperation(SCALE_IN_NODE_A1, { nowMs: NOW_MS, fencingToken: 3, holder: 'a', id: 'op-1' }),
  phase: 'terminate',
};
const base = healthyCluster(config, { nodesPerZone: 2 });
const cordonedOurs = (observed: Observed, name: string): Observed =>
  withNode(observed, name, node => ({ ...node, unschedulable: true, cordonedByController: true }));
const replacedView = (observed: Observed): Observed =>
  withNode(cordonedOurs(observed, 'node-a-1'), 'node-a-1', node => ({ ...node, uid: 'uid-new' }));
const withoutInstance = (observed: Observed, instanceId: string): Observed => ({
  ...observed,
  groups: observed.groups.map(group => ({
    ...group,
    instances: group.instances.filter(each => each.instanceId !== instanceId),
  })),
});
const withInstanceState = (
  observed: Observed,
  instanceId: string,
  change: Partial<Observed['groups'][number]['instances'][number]>,
): Observed => ({
  ...observed,
  groups: observed.groups.map(group => ({
    ...group,
    instances: group.instances.map(each =>
      each.instanceId === instanceId ? { ...each, ...change } : each,
    ),
  })),
});
/** The view and the step context `ms` after the record's phase started, the view fresh. */
const after = (observed: Observed, ms: number) => {
  const nowMs = NOW_MS + ms;
  return {
    observed: {
      ...observed,
      nowMs,
      freshness: { kubernetesAtMs: nowMs, prometheusAtMs: nowMs, autoscalingAtMs: nowMs },
      healthSampledAtMs: Object.fromEntries(observed.brokers.map(each => [each.podName, nowMs])),
    },
    context: { ...STEP_CONTEXT, nowMs },
  };
};
const waits = [
  ['its instance is in no observed group', (o: Observed) => withoutInstance(o, 'i-a1')],
  [
    'its instance is Terminating',
    (o: Observed) => withInstanceState(o, 'i-a1', { lifecycleState: 'Terminating' }),
  ],
  [
    'its instance stays observed unprotected (the protect keeps failing)',
    (o: Observed) => withInstanceState(o, 'i-a1', { protectedFromScaleIn: false }),
  ],
] as const;

describe('a record on a replaced Node whose release can only wait', () => {
  test.each(waits)('%s: waits cordoned within twice the phase deadline', (_, view) => {
    const { observed, context } = after(replacedView(view(base)), 2 * deadlines.phase);
    const step = stepOperation(record, observed, config, context);
    expect(step.effect?.kind).not.toBe('uncordon');
    if (step.effect?.kind === 'protect-instance') {
      // A removal past its unprotect protects first, whatever the view shows (leftovers review,
      // 5.): the record then says `uncordon`, stored after the protect, its times kept.
      expect(step.effectFirst).toBe(true);
      expect(step.next).toEqual({ ...record, phase: 'uncordon', version: record.version });
    } else {
      expect(step.next).toEqual(record);
    }
  });

  test.each(waits)(
    '%s: past twice the phase deadline the record goes, the node stays cordoned (failed before)',
    (_, view) => {
      const { observed, context } = after(replacedView(view(base)), 2 * deadlines.phase + 1000);
      const step = stepOperation(record, observed, config, context);
      expect(step.next).toBeUndefined();
      expect(step.effect?.kind).not.toBe('uncordon');
      expect(step.events).toEqual(['rolled-back']);
    },
  );

  test('its instance observed protected: protected again first (the view may predate the unprotect), then uncordon, the record staying until it took', () => {
    const { observed, context } = after(replacedView(base), 5 * deadlines.phase);
    // Past twice the deadline a removal past its unprotect is dropped (the orphaned-cordon release
    // protects before it uncordons); within it, it protects first.
    const late = stepOperation(record, observed, config, context);
    expect(late.effect).toBeUndefined();
    expect(late.next).toBeUndefined();
    const inTime = after(replacedView(base), deadlines.phase);
    const first = stepOperation(record, inTime.observed, config, inTime.context);
    expect(first.effect).toEqual({
      kind: 'protect-instance',
      groupName: 'asg-orders-kafka-a',
      instanceId: 'i-a1',
      nodeName: 'node-a-1',
    });
    const stored = first.next;
    expect(stored?.phase).toBe('uncordon');
    if (stored === undefined) return;
    const second = stepOperation(stored, observed, config, context);
    expect(second.effect).toEqual({ kind: 'uncordon', nodeName: 'node-a-1', nodeUid: 'uid-new' });
    expect(second.next).toEqual(stored);
  });
});

describe('a copy of another node’s record whose host’s release can only wait', () => {
  const copyWaits = [
    ['its instance is in no observed group', (o: Observed) => withoutInstance(o, 'i-a0')],
    [
      'its instance stays observed unprotected (the protect keeps failing)',
      (o: Observed) => withInstanceState(o, 'i-a0', { protectedFromScaleIn: false }),
    ],
  ] as const;

  test.each(copyWaits)('%s: waits cordoned within twice the phase deadline', (_, view) => {
    const { observed, context } = after(cordonedOurs(view(base), 'node-a-0'), deadlines.phase);
    const step = stepOperation(record, observed, config, {
      ...context,
      recordNodeName: 'node-a-0',
    });
    expect(step.next).toEqual(record);
    expect(step.effect?.kind).not.toBe('uncordon');
  });

  test.each(copyWaits)(
    '%s: past twice the phase deadline the copy goes, its host stays cordoned (failed before)',
    (_, view) => {
      const { observed, context } = after(
        cordonedOurs(view(base), 'node-a-0'),
        2 * deadlines.phase + 1000,
      );
      const step = stepOperation(record, observed, config, {
        ...context,
        recordNodeName: 'node-a-0',
      });
      expect(step.next).toBeUndefined();
      expect(step.effect?.kind).not.toBe('uncordon');
    },
  );

  test('a copy whose phase is timed a day ahead: no wait, the copy goes at once (failed before)', () => {
    const { observed, context } = after(cordonedOurs(withoutInstance(base, 'i-a0'), 'node-a-0'), 0);
    const ahead = { ...record, phaseStartedAtMs: NOW_MS + 24 * 3600 * 1000 };
    const step = stepOperation(ahead, observed, config, { ...context, recordNodeName: 'node-a-0' });
    expect(step.next).toBeUndefined();
    expect(step.effect).toBeUndefined();
  });
});

describe('end to end: the reconciler against the fake cluster', () => {
  test('a replaced Node whose instance is unknown: the record goes past twice the deadline, the node stays cordoned until its instance is seen, then protect, then uncordon (failed before)', async () => {
    // GIVEN node-a-1 replaced (another UID), carrying a removal record in `terminate` written for
    // the old Node, cordoned by the controller, its instance in no observed group
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const hidden = cluster.groups;
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? {
            ...node,
            uid: 'uid-new',
            unschedulable: true,
            cordonedByController: true,
            operation: record,
          }
        : node,
    );
    // (its group wants one instance fewer: a group short of an instance for the node timeout
    // would give the missing launch up, `LaunchesAbandoned`)
    cluster.groups = hidden.map(group => ({
      ...group,
      desired: group.instances.some(each => each.instanceId === 'i-a1')
        ? group.desired - 1
        : group.desired,
      instances: group.instances.filter(each => each.instanceId !== 'i-a1'),
    }));
    const controller = new Reconciler({
      config,
      observe: cluster.observe,
      cluster,
      groups: cluster,
      events: { record: async () => undefined },
      leadership: () => ({ leading: true, fencingToken: 3, holder: 'a' }),
      metrics: new ControllerMetrics({ defaultMetrics: false }),
      logger: silentLogger,
      newId: () => 'op-new',
    });
    const nodeA1 = () => cluster.nodes.find(node => node.name === 'node-a-1');
    // WHEN passes run, a minute apart, past twice the phase deadline
    for (let passed = 0; passed <= 2 * deadlines.phase + 60_000; passed += 60_000) {
      await controller.reconcileOnce();
      cluster.nowMs += 60_000;
    }
    // THEN the record is gone and the node is still cordoned (nothing uncordoned it)
    expect(nodeA1()?.operation).toBeUndefined();
    expect(nodeA1()?.unschedulable).toBe(true);
    expect(cluster.writes.filter(write => write.startsWith('uncordon'))).toEqual([]);
    // (the one write of those passes: the record's removal)
    expect(cluster.writes).toEqual(['record node-a-1 clear']);
    // WHEN its instance is seen again, protected, and a pass runs
    cluster.groups = hidden;
    const before = cluster.writes.length;
    await controller.reconcileOnce();
    // THEN the orphaned-cordon release protects it, then uncordons the node
    expect(cluster.writes.slice(before, before + 2)).toEqual(['protect i-a1', 'uncordon node-a-1']);
    expect(nodeA1()?.unschedulable).toBe(false);
  });
});
