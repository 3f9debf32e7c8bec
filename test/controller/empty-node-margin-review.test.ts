/**
 * Review of the empty-node rule (`removalMayProceedWhenEmpty`): a removal 4 -> 2 passes through 3
 * counted nodes, a count that is no level of 1/2/4. The zone view's `desiredNodes` rounds it up to
 * 4 there, so the rule must judge "carried at the target" by `scaleOutLevelNodes` (as
 * `removalStillWanted` does), or the emptied node would wait for the margin after all.
 */
import {
  decide,
  removalContext,
  removalMayProceed,
  removalMayProceedWhenEmpty,
  startOperation,
  stepOperation,
  type Observed,
  type OperationRecord,
  type StepOutcome,
} from '../../controller/decide';
import type { ControllerConfig } from '../../controller/config';
import type { Plan } from '../../controller/model';
import { MARGIN_WAIVED_NOTE } from '../../controller/operation';
import { Reconciler } from '../../controller/reconciler';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { healthyCluster, NOW_MS, stabilizedLongAgo, testConfig, withNode } from './fixtures';

// 2 zones x 4 brokers, levels 1/2/4, 50 MiB/s per node at the target, 45 with the 10% margin.
const config: ControllerConfig = testConfig({ zones: 2, sameLevelInAllZones: false });

/** Removing node-a-3 of zone a's 4 nodes, in `drain`, its one broker moved to node-a-0. */
function removalOfA3(): OperationRecord {
  const started = startOperation(
    {
      kind: 'scale-in',
      zone: 'us-east-1a',
      groupName: 'asg-orders-kafka-a',
      nodeName: 'node-a-3',
      nodeUid: 'uid-node-a-3',
      instanceId: 'i-a3',
    },
    { nowMs: NOW_MS - 60_000, fencingToken: 3, holder: 'a', id: 'op-1' },
  );
  return { ...started, phase: 'drain', movesDone: 1 };
}

/** One step of `removalOfA3()` on `observed`, as the leader that wrote it, with `plan`'s removal context. */
function stepRemovalOfA3(observed: Observed, plan: Plan): StepOutcome {
  return stepOperation(removalOfA3(), observed, config, {
    nowMs: observed.nowMs,
    fencingToken: 3,
    holder: 'a',
    ...removalContext(plan, 'us-east-1a'),
  });
}

/** Zone a: 4 nodes, node-a-3 cordoned and emptied, at `demandA` MiB/s; zone b: 4 nodes at `demandB`. */
function emptiedA3(demandA: number, demandB = 10): Observed {
  const observed = healthyCluster(config, { nodesPerZone: 4, demandByZone: [demandA, demandB] });
  return withNode(
    {
      ...observed,
      brokers: observed.brokers.map(broker =>
        broker.nodeName === 'node-a-3' ? { ...broker, nodeName: 'node-a-0' } : broker,
      ),
    },
    'node-a-3',
    node => ({
      ...node,
      unschedulable: true,
      cordonedByController: true,
      operation: removalOfA3(),
    }),
  );
}

describe('an emptied node of a removal 4 -> 2, at 3 counted nodes', () => {
  test('held only by the margin (demand 95 MiB/s: 2 nodes carry 100 at the target, 90 with the margin), it goes on to unprotect', () => {
    const observed = emptiedA3(95);
    const plan = decide(observed, config, stabilizedLongAgo(config));
    const view = plan.zones.find(zone => zone.zone === 'us-east-1a');
    // The count is unbalanced: the view rounds it up, the level needed at the target is 2.
    expect(view).toMatchObject({ currentNodes: 3, scaleOutLevelNodes: 2 });
    expect(removalMayProceed(plan, 'us-east-1a')).toBe(false);
    expect(removalMayProceedWhenEmpty(plan, 'us-east-1a')).toBe(true);
    const outcome = stepRemovalOfA3(observed, plan);
    expect(outcome.next?.phase).toBe('unprotect');
    expect(outcome.next?.note).toBe(MARGIN_WAIVED_NOTE);
    expect(outcome.effect).toMatchObject({ kind: 'unprotect-instance', instanceId: 'i-a3' });
  });

  test('past the target of the 2 nodes left (demand 105 MiB/s) it is kept, not removed', () => {
    const observed = emptiedA3(105);
    const plan = decide(observed, config, stabilizedLongAgo(config));
    expect(removalMayProceedWhenEmpty(plan, 'us-east-1a')).toBe(false);
    const outcome = stepRemovalOfA3(observed, plan);
    expect(outcome.next?.phase).not.toBe('unprotect');
  });
});

describe('removalMayProceedWhenEmpty without a view of the zone', () => {
  test('is true, as documented (a plan without the zone is one on stale data, where no step acts)', () => {
    expect(removalMayProceedWhenEmpty({ zones: [] }, 'us-east-1a')).toBe(true);
  });
});

describe('an emptied node held only by the margin while another zone is below its level', () => {
  test('is rolled back (the other zone would wait for it), not taken on to unprotect', () => {
    // Zone b: 1 node at 80 MiB/s, below its level of 2.
    const base = emptiedA3(95, 80);
    const observed: Observed = {
      ...base,
      nodes: base.nodes.filter(node => node.zone !== 'us-east-1b' || node.name === 'node-b-0'),
      brokers: base.brokers.map(broker =>
        broker.zone === 'us-east-1b' ? { ...broker, nodeName: 'node-b-0' } : broker,
      ),
      groups: base.groups.map(group =>
        group.zone === 'us-east-1b'
          ? { ...group, desired: 1, instances: group.instances.slice(0, 1) }
          : group,
      ),
    };
    const plan = decide(observed, config, stabilizedLongAgo(config));
    const b = plan.zones.find(zone => zone.zone === 'us-east-1b');
    expect(b !== undefined && b.desiredNodes > b.currentNodes).toBe(true);
    expect(removalMayProceedWhenEmpty(plan, 'us-east-1a')).toBe(true);
    const outcome = stepRemovalOfA3(observed, plan);
    expect(outcome.next?.phase).toBe('uncordon');
    expect(outcome.events).toEqual(['rolled-back']);
  });
});

describe('reconciler: the write gate and the live read still stand before a margin-waived unprotect', () => {
  const reconcilerConfig = { ...testConfig(), scaleInStabilizationSeconds: 0 };

  /** node-a-1 of 2 emptied and cordoned, its removal in drain; every zone at 48 MiB/s (inside the margin of 1 node). */
  function emptiedInMargin(): FakeCluster {
    const cluster = new FakeCluster(reconcilerConfig, { nodesPerZone: 2, demandMiBps: 48 });
    cluster.brokers = cluster.brokers.map(broker =>
      broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? {
            ...node,
            unschedulable: true,
            cordonedByController: true,
            operation: {
              id: 'op-1',
              kind: 'remove-node',
              zone: 'us-east-1a',
              groupName: 'asg-orders-kafka-a',
              nodeName: 'node-a-1',
              nodeUid: 'uid-node-a-1',
              instanceId: 'i-a1',
              phase: 'drain',
              movesDone: 2,
              startedAtMs: cluster.nowMs,
              phaseStartedAtMs: cluster.nowMs,
              fencingToken: 1,
              holder: 'a',
            },
          }
        : node,
    );
    return cluster;
  }

  function reconciler(
    cluster: FakeCluster,
    observe: () => Promise<Observed>,
    live: boolean,
  ): Reconciler {
    return reconcilerOn(cluster, reconcilerConfig, {
      observe,
      ...(live ? { liveNodeCheck: cluster } : {}),
    });
  }

  const unprotects = (cluster: FakeCluster) =>
    cluster.writes.filter(write => /^(unprotect|terminate) /.test(write));

  test('on a fresh, complete view it goes on to unprotect with the note', async () => {
    const cluster = emptiedInMargin();
    await reconciler(cluster, cluster.observe, true).reconcileOnce();
    expect(unprotects(cluster)).toEqual(['unprotect i-a1']);
    const record = cluster.nodes.find(node => node.name === 'node-a-1')?.operation;
    expect(record).toMatchObject({ phase: 'unprotect', note: MARGIN_WAIVED_NOTE });
  });

  test('a broker that landed back on the node since the cached view: the live read stops it', async () => {
    const cluster = emptiedInMargin();
    const cachedView = await cluster.observe();
    cluster.brokers = cluster.brokers.map(broker =>
      broker.podName === 'orders-brokers-a-1001' ? { ...broker, nodeName: 'node-a-1' } : broker,
    );
    await reconciler(cluster, async () => cachedView, true).reconcileOnce();
    expect(unprotects(cluster)).toEqual([]);
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation?.phase).toBe('drain');
  });

  test.each([
    [
      "a pod view missing one of the zone's broker pods (being recreated)",
      (full: Observed): Observed => ({
        ...full,
        brokers: full.brokers.filter(broker => broker.podName !== 'orders-brokers-a-1000'),
      }),
      'pod view',
    ],
    [
      'a node of another zone whose instance cannot be read',
      (full: Observed): Observed => ({
        ...full,
        nodes: full.nodes.map(node =>
          node.name === 'node-c-1' ? { ...node, instanceId: undefined } : node,
        ),
      }),
      'no instance ID',
    ],
  ])('%s: the gate holds it in drain', async (_, damage, detail) => {
    const cluster = emptiedInMargin();
    const partial = damage(await cluster.observe());
    await reconciler(cluster, async () => partial, true).reconcileOnce();
    expect(unprotects(cluster)).toEqual([]);
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation?.phase).toBe('drain');
    // The state machine itself waits on the gate (not only the reconciler's check at the write).
    const plan = decide(partial, reconcilerConfig, stabilizedLongAgo(reconcilerConfig));
    const record = cluster.nodes.find(node => node.name === 'node-a-1')?.operation;
    if (record === undefined) throw new Error('no record');
    const outcome = stepOperation(record, partial, reconcilerConfig, {
      nowMs: partial.nowMs,
      fencingToken: 1,
      holder: 'a',
      removalStillWanted: true,
      removalMayProceed: false,
      removalMayProceedWhenEmpty: true,
    });
    expect(removalContext(plan, 'us-east-1a')).toMatchObject({
      removalStillWanted: true,
      removalMayProceed: false,
      removalMayProceedWhenEmpty: true,
    });
    expect(outcome.effect).toBeUndefined();
    expect(outcome.waiting).toContain(detail);
  });
});

describe('the margin-waived note does not outlive what it says', () => {
  test('a broker that lands on the node again sends the removal back to drain without the note', () => {
    // GIVEN node-a-3's removal in unprotect with the margin-waived note, and a broker back on it
    const observed = emptiedA3(95);
    const landed: Observed = {
      ...observed,
      brokers: observed.brokers.map((broker, index) =>
        index === 0 ? { ...broker, nodeName: 'node-a-3' } : broker,
      ),
    };
    const waived: OperationRecord = {
      ...removalOfA3(),
      phase: 'unprotect',
      phaseStartedAtMs: NOW_MS,
      note: MARGIN_WAIVED_NOTE,
    };
    const context = {
      nowMs: NOW_MS,
      fencingToken: 3,
      holder: 'a',
      removalStillWanted: true,
      removalMayProceed: true,
      removalMayProceedWhenEmpty: true,
    };
    // WHEN it steps; THEN back to drain, and the note ("holds no broker") is gone
    const back = stepOperation(waived, landed, config, context);
    expect(back.next?.phase).toBe('drain');
    expect(back.next?.note).toBeUndefined();
    // and a later unprotect with the margin met carries no note either (not the stale one)
    const drained = stepOperation({ ...waived, phase: 'drain' }, observed, config, context);
    expect(drained.next?.phase).toBe('unprotect');
    expect(drained.next?.note).toBeUndefined();
  });
});
