/**
 * Review s36-a: the controller changed while an operation is in flight (docs/controller.md,
 * "Review s36-a"): its record format (version skew), its configuration, its Deployment.
 */
import fc from 'fast-check';
import { controllerConfigFromSpec } from '../../controller/config';
import { decide, removalContext } from '../../controller/decide';
import { ControllerConfigError, parseControllerConfig } from '../../controller/load-config';
import { stepOperation } from '../../controller/operation';
import {
  OPERATION_PHASES,
  OPERATION_RECORD_VERSION,
  UnreadableRecordWriteError,
  decodeOperationRecord,
  encodeOperationRecord,
  type OperationRecord,
} from '../../controller/operation-record';
import { stepWrites } from '../../controller/step-writes';
import type { Observed } from '../../controller/model';
import { balancedNodeCounts } from '../../spec/derive';
import { loadSpecFile } from '../../spec/load';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import {
  NOW_MS,
  STEP_CONTEXT,
  emptiedNodeA1,
  freshAt,
  healthyCluster,
  removalOfNodeA1,
  stabilizedLongAgo,
  testConfig,
  withNode,
} from './fixtures';

const config = testConfig();
const NODE = { name: 'node-a-1', uid: 'uid-node-a-1', zone: 'us-east-1a' };

/** Any record the current format can hold for node-a-1 (as `startOperation` and the steps write). */
const currentRecord: fc.Arbitrary<OperationRecord> = fc
  .record(
    {
      kind: fc.constantFrom('respread' as const, 'remove-node' as const),
      phase: fc.constantFrom(...OPERATION_PHASES),
      movesDone: fc.nat(4),
      fencingToken: fc.nat(9),
      holder: fc.constantFrom('a', 'b'),
      version: fc.constantFrom(undefined, 1, OPERATION_RECORD_VERSION),
      move: fc.option(
        fc.record({
          podName: fc.constant('orders-brokers-a-1001'),
          podUid: fc.constant('uid-orders-brokers-a-1001'),
          requestedAtMs: fc.constant(NOW_MS - 60_000),
          attempt: fc.constantFrom(1 as const, 2 as const),
        }),
        { nil: undefined },
      ),
      note: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    },
    { requiredKeys: ['kind', 'phase', 'movesDone', 'fencingToken', 'holder'] },
  )
  .map(
    (fields): OperationRecord =>
      ({
        id: 'op-1',
        zone: NODE.zone,
        groupName: 'asg-orders-kafka-a',
        nodeName: NODE.name,
        nodeUid: NODE.uid,
        startedAtMs: NOW_MS - 120_000,
        phaseStartedAtMs: NOW_MS - 120_000,
        ...(fields.kind === 'remove-node' ? { instanceId: 'i-a1' } : {}),
        ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
      }) as OperationRecord,
  );

/** How a newer controller's record differs from what this one writes. */
const newerFormat = fc.oneof(
  fc.integer({ min: OPERATION_RECORD_VERSION + 1, max: 99 }).map(version => ({ version })),
  fc.constantFrom(
    { detachedFromGroup: true },
    { moves: [{ podName: 'orders-brokers-a-1001', podUid: 'x' }] },
    {
      move: {
        podName: 'orders-brokers-a-1001',
        podUid: 'uid-orders-brokers-a-1001',
        requestedAtMs: NOW_MS,
        attempt: 1,
        target: 'node-a-0',
      },
    },
    { phase: 'detach' },
    { kind: 'replace-node' },
    {
      version: OPERATION_RECORD_VERSION + 1,
      drainPods: [{ podName: 'p', podUid: 'u', zone: 'z' }],
    },
  ),
);

/** node-a-1 emptied, cordoned by the controller, its instance unprotected, carrying `record`. */
function clusterWith(record: OperationRecord): Observed {
  const observed = emptiedNodeA1(healthyCluster(config, { nodesPerZone: 2 }));
  const withRecord = withNode(observed, NODE.name, node => ({
    ...node,
    unschedulable: true,
    cordonedByController: true,
    operation: record,
  }));
  return {
    ...withRecord,
    groups: withRecord.groups.map(group => ({
      ...group,
      instances: group.instances.map(instance =>
        instance.instanceId === 'i-a1' ? { ...instance, protectedFromScaleIn: false } : instance,
      ),
    })),
  };
}

describe('review s36-a, fault 1: a record this controller cannot read is acted on or written over', () => {
  test('property: every record this format writes reads back as itself', () => {
    fc.assert(
      fc.property(currentRecord, record => {
        expect(decodeOperationRecord(encodeOperationRecord(record), NODE)).toEqual(record);
      }),
    );
  });

  test('property: a newer format (version, field, phase or kind) is never stepped, adopted or written, and holds naming the way out', () => {
    fc.assert(
      fc.property(
        currentRecord,
        newerFormat,
        fc.integer({ min: 0, max: 3 * 3600 }),
        (record, newer, laterSeconds) => {
          const text = JSON.stringify({ ...record, ...newer });
          const decoded = decodeOperationRecord(text, NODE);
          expect(decoded.unreadable).toBeDefined();
          const nowMs = NOW_MS + laterSeconds * 1000;
          const observed = freshAt(clusterWith(decoded), nowMs);
          const step = stepOperation(decoded, observed, config, {
            ...STEP_CONTEXT,
            nowMs,
          });
          // Nothing done, nothing written: no effect (terminate, unprotect, uncordon, roll), and
          // the record the step leaves is the one it found (no adoption, no rollback, no removal).
          expect(step.effect).toBeUndefined();
          expect(step.next).toBe(decoded);
          const node = observed.nodes.find(each => each.name === NODE.name);
          if (node === undefined) throw new Error('node-a-1 missing');
          expect(stepWrites(node, step).order).toEqual([]);
          expect(() => encodeOperationRecord(decoded)).toThrow(UnreadableRecordWriteError);
          // Moves hold, naming why and the way out; scale-out is not held by it.
          const plan = decide(observed, config, stabilizedLongAgo(config));
          expect(plan.reason).toBe('operation-abandoned');
          expect(plan.detail).toContain('remove the annotation from node node-a-1');
          if ('version' in newer) {
            expect(plan.detail).toContain(`record format ${newer.version}, newer than`);
            expect(plan.detail).toContain('roll the Deployment forward');
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test("a newer controller's removal in terminate, its instance unprotected: an older controller run past every deadline terminates, uncordons and rewrites nothing", async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const observed = clusterWith(
      decodeOperationRecord(
        JSON.stringify({
          id: 'op-9',
          kind: 'remove-node',
          zone: NODE.zone,
          groupName: 'asg-orders-kafka-a',
          nodeName: NODE.name,
          nodeUid: NODE.uid,
          instanceId: 'i-a1',
          phase: 'terminate',
          movesDone: 2,
          startedAtMs: NOW_MS - 900_000,
          phaseStartedAtMs: NOW_MS - 900_000,
          fencingToken: 7,
          holder: 'newer-pod',
          version: OPERATION_RECORD_VERSION + 1,
        }),
        NODE,
      ),
    );
    cluster.nodes = observed.nodes.map(node => ({ ...node }));
    cluster.brokers = observed.brokers.map(broker => ({ ...broker }));
    cluster.groups = [...observed.groups];
    const before = cluster.nodes.find(node => node.name === NODE.name)?.operation;
    const controller = reconcilerOn(cluster, config);
    for (let pass = 0; pass < 80; pass++) {
      const result = await controller.reconcileOnce();
      expect(result.plan.reason).toBe('operation-abandoned');
      cluster.advance(60);
    }
    expect(cluster.terminated).toEqual([]);
    const nodeWrites = cluster.writes.filter(
      write =>
        write.startsWith('record ') || write.includes('cordon ') || write.startsWith('roll '),
    );
    expect(nodeWrites).toEqual([]);
    const after = cluster.nodes.find(node => node.name === NODE.name);
    expect(after?.operation).toBe(before);
    expect(after?.unschedulable).toBe(true);
  });
});

describe('review s36-a, fault 2: node bounds in the configuration file that its levels ignore', () => {
  const built = controllerConfigFromSpec(loadSpecFile('stacks/prod.yaml'));

  test('property: a configuration is accepted exactly when every balanced level lies within [minNodesPerZone, maxNodesPerZone], and a refusal names the field, the value and the fix', () => {
    expect(parseControllerConfig(JSON.parse(JSON.stringify(built)))).toEqual(built);
    fc.assert(
      fc.property(fc.nat(8), fc.integer({ min: 1, max: 8 }), (min, max) => {
        const edited = { ...built, minNodesPerZone: min, maxNodesPerZone: max };
        const fits =
          min <= max && built.balancedNodeCounts.every(level => level >= min && level <= max);
        if (fits) {
          expect(parseControllerConfig(edited).minNodesPerZone).toBe(min);
          return;
        }
        let message = '';
        try {
          parseControllerConfig(edited);
        } catch (error) {
          expect(error).toBeInstanceOf(ControllerConfigError);
          message = String(error);
        }
        expect(message).toMatch(
          /(balancedNodeCounts\.\d+: \d+ is outside|minNodesPerZone: \d+ is above)/,
        );
        if (min <= max) expect(message).toContain('regenerate the configuration');
      }),
    );
  });

  test('the spec builder always writes levels within its bounds', () => {
    const loaded = loadSpecFile('stacks/prod.yaml');
    for (const minPerZone of [1, 2, 3]) {
      const config = controllerConfigFromSpec({
        ...loaded,
        plan: {
          ...loaded.plan,
          minNodesPerZone: minPerZone,
          balancedNodeCounts: balancedNodeCounts(
            loaded.plan.brokersPerZone,
            minPerZone,
            loaded.plan.maxNodesPerZone,
          ),
        },
      });
      expect(() => parseControllerConfig(JSON.parse(JSON.stringify(config)))).not.toThrow();
    }
  });
});

describe('review s36-a, checked: a configuration change that puts an in-flight removal below the new floor', () => {
  test('min raised past the removal target (levels 1,2,4 -> 2,4): the removal is rolled back, uncordoning its node', () => {
    const before = testConfig();
    const after = { ...before, minNodesPerZone: 2, balancedNodeCounts: [2, 4] };
    const record = { ...removalOfNodeA1(STEP_CONTEXT), phase: 'drain' as const };
    const observed = withNode(healthyCluster(after, { nodesPerZone: 2 }), NODE.name, node => ({
      ...node,
      unschedulable: true,
      cordonedByController: true,
      operation: record,
    }));
    const plan = decide(observed, after, stabilizedLongAgo(after));
    const context = { ...STEP_CONTEXT, ...removalContext(plan, NODE.zone) };
    expect(context.removalStillWanted).toBe(false);
    const step = stepOperation(record, observed, after, context);
    expect(step.next?.phase).toBe('uncordon');
    expect(step.events).toContain('rolled-back');
  });
});

describe('review of review s36-a: an unreadable record beside a readable operation in flight', () => {
  // Before, the unreadable record (startedAtMs 0) was always the one stepped, and it only waits:
  // the readable removal beside it was never stepped again, so its node, uncordoned by someone,
  // sat Ready and schedulable on an unprotected instance until an operator came.
  it('keeps stepping the readable operation to its end, and never writes the unreadable one', async () => {
    const config = testConfig();
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const removal = {
      ...removalOfNodeA1({ fencingToken: 1, holder: 'x' }),
      phase: 'unprotect' as const,
      movesDone: 2,
    };
    // The removal's moves are done: its brokers run on node-a-0.
    cluster.brokers = cluster.brokers.map(broker =>
      broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true, operation: removal }
        : node.name === 'node-b-1'
          ? {
              ...node,
              operation: decodeOperationRecord('{"garbage":1}', {
                name: node.name,
                uid: node.uid,
                zone: node.zone,
              }),
            }
          : node,
    );
    cluster.groups = cluster.groups.map(group => ({
      ...group,
      instances: group.instances.map(instance =>
        instance.instanceId === 'i-a1' ? { ...instance, protectedFromScaleIn: false } : instance,
      ),
    }));
    // Someone uncordons the node while its instance is unprotected.
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1' ? { ...node, unschedulable: false } : node,
    );
    const controller = reconcilerOn(cluster, config);
    for (let pass = 0; pass < 30; pass++) {
      await controller.reconcileOnce();
      cluster.advance(60);
    }
    const nodeA1 = cluster.nodes.find(node => node.name === 'node-a-1');
    const instance = cluster.groups
      .flatMap(group => group.instances)
      .find(each => each.instanceId === 'i-a1');
    // The removal ended: its record is gone, and the node is either gone with its instance or
    // kept on a protected instance (rolled back), never schedulable on an unprotected one.
    expect(nodeA1?.operation).toBeUndefined();
    if (nodeA1 !== undefined && nodeA1.unschedulable !== true) {
      expect(instance?.protectedFromScaleIn).toBe(true);
    }
    // Here it rolled back (the uncordon sent it back to drain, where a removal beside an
    // unreadable record is no longer wanted): the node kept, its instance protected.
    expect(nodeA1?.unschedulable).not.toBe(true);
    expect(instance?.protectedFromScaleIn).toBe(true);
    // The unreadable record was left as found.
    expect(
      cluster.nodes.find(node => node.name === 'node-b-1')?.operation?.unreadable,
    ).toBeDefined();
    expect(cluster.writes.filter(write => write.includes('node-b-1'))).toEqual([]);
  });
});
