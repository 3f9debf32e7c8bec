/**
 * The writes one operation step makes, and in which order: the part of the reconciler's `apply`
 * that needs no I/O, shared with the simulator's adapter (simulator/strategies/controller.ts) so
 * the two cannot drift apart. The caller gates, reads live and writes; see `Reconciler.apply`.
 */
import type { GatedWrite } from './gate';
import type { Effect, StepOutcome } from './operation';
import { operationRecordKey, type OperationRecord } from './operation-record';
import type { ObservedNode } from './model';
import type { RollbackTally } from './rollback-loop';

/** One write of a step: its effect, or the record stored on the node (undefined: removed). */
export type StepWrite =
  | { readonly kind: 'effect'; readonly effect: Effect }
  | {
      readonly kind: 'record';
      readonly record: OperationRecord | undefined;
      /** The node's rollback tally written in the same patch (`StepOutcome.rollbacks`). */
      readonly rollbacks?: RollbackTally | null;
    };

/** What {@link stepWrites} returns. */
export interface StepWrites {
  /**
   * The writes in the order they go out: the effect before the record when the step says so
   * (`effectFirst`: a roll request, or the protect that must precede a record letting the node be
   * made schedulable again, see `releaseNode` in operation.ts), after it otherwise. Empty when the step changes no record
   * (same encoding as the node's) and asks no effect: nothing to do, the pass did not act.
   */
  readonly order: readonly StepWrite[];
  /**
   * What the write gate must pass, all on one observation, before any of them goes out (the whole
   * step or nothing): the effect first, then the record, so the first refusal logged or counted
   * is the same in both callers.
   */
  readonly gated: readonly GatedWrite[];
}

/**
 * The writes `step` makes on `node` (whose `operation` is the record in flight), and what the gate
 * must pass for them. Pure. Throws nothing.
 */
export function stepWrites(node: ObservedNode, step: StepOutcome): StepWrites {
  const before = node.operation === undefined ? undefined : operationRecordKey(node.operation);
  const after = step.next === undefined ? undefined : operationRecordKey(step.next);
  const record: StepWrite | undefined =
    before === after && step.rollbacks === undefined
      ? undefined
      : {
          kind: 'record',
          record: step.next,
          ...(step.rollbacks === undefined ? {} : { rollbacks: step.rollbacks }),
        };
  const effect: StepWrite | undefined =
    step.effect === undefined ? undefined : { kind: 'effect', effect: step.effect };
  const order = (step.effectFirst ? [effect, record] : [record, effect]).filter(
    (write): write is StepWrite => write !== undefined,
  );
  const gated = [effect, record].filter((write): write is StepWrite => write !== undefined);
  return { order, gated: gated.map(write => gatedWrite(write, node.name)) };
}

/** What the write gate judges for `write` on node `nodeName`: the effect, or a record write. */
export function gatedWrite(write: StepWrite, nodeName: string): GatedWrite {
  return write.kind === 'effect' ? write.effect : { kind: 'record', nodeName };
}
