/**
 * `stepWrites` (controller/step-writes.ts): the writes one step makes and their order, shared by
 * the reconciler's `apply` and the simulator's adapter. Every combination of record change, effect
 * and `effectFirst`.
 */
import type { Effect, StepOutcome } from '../../controller/operation';
import { stepWrites } from '../../controller/step-writes';
import { healthyCluster, removalOfNodeA1, testConfig } from './fixtures';

const node = healthyCluster(testConfig(), { nodesPerZone: 2 }).nodes.find(
  each => each.name === 'node-a-1',
);
if (node === undefined) throw new Error('fixture has no node-a-1');
const record = removalOfNodeA1();
const onNode = { ...node, operation: record };
const cordon: Effect = { kind: 'cordon', nodeName: 'node-a-1', nodeUid: node.uid };
const moved = { ...record, phase: 'drain' as const };

function step(next: StepOutcome['next'], effect: Effect | undefined, effectFirst = false) {
  return { next, effect, effectFirst, waiting: undefined, events: [] } satisfies StepOutcome;
}

describe('stepWrites', () => {
  it('writes nothing when the record is unchanged (same encoding) and no effect is asked', () => {
    expect(stepWrites(onNode, step({ ...record }, undefined))).toEqual({ order: [], gated: [] });
    expect(stepWrites(node, step(undefined, undefined))).toEqual({ order: [], gated: [] });
  });

  it('stores the record before the effect unless the step says effect first', () => {
    const after = stepWrites(onNode, step(moved, cordon));
    expect(after.order).toEqual([
      { kind: 'record', record: moved },
      { kind: 'effect', effect: cordon },
    ]);
    const first = stepWrites(onNode, step(moved, cordon, true));
    expect(first.order).toEqual([
      { kind: 'effect', effect: cordon },
      { kind: 'record', record: moved },
    ]);
    // The gate judges the effect first, then the record, whatever the order of the writes
    for (const writes of [after, first]) {
      expect(writes.gated).toEqual([cordon, { kind: 'record', nodeName: 'node-a-1' }]);
    }
  });

  it('removes a record (undefined) and writes an effect alone', () => {
    expect(stepWrites(onNode, step(undefined, undefined)).order).toEqual([
      { kind: 'record', record: undefined },
    ]);
    const alone = stepWrites(onNode, step(record, cordon, true));
    expect(alone).toEqual({ order: [{ kind: 'effect', effect: cordon }], gated: [cordon] });
  });
});
