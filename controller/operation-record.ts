/**
 * The progress of the one operation in flight, stored as JSON in an annotation on the node being
 * worked on. A restarted controller reads it back and resumes (or rolls back) from there.
 */
import { z } from 'zod';

/** Annotation on the Node holding the operation record. */
export const OPERATION_ANNOTATION = 'kafka.platform/autoscaler-operation';
/**
 * Annotation on a Node this controller cordoned (value `true`), set in the same patch as the cordon
 * and removed in the same patch as the uncordon, so the controller can tell its own cordon from
 * someone else's even when the operation record is gone (someone removed it mid-operation).
 */
export const CORDON_ANNOTATION = 'kafka.platform/autoscaler-cordoned';
/** Pod annotation that asks Strimzi to roll (recreate) a pod. */
export const MANUAL_ROLLING_UPDATE_ANNOTATION = 'strimzi.io/manual-rolling-update';

/**
 * Every phase an operation record can be in, in the order a removal goes through them (a respread
 * uses `cordon`, `drain`, `uncordon`; `abandoned` ends either early). docs/controller.md gives
 * the transitions.
 */
export const OPERATION_PHASES = [
  'cordon',
  'drain',
  'uncordon',
  'unprotect',
  'terminate',
  'terminated',
  'abandoned',
] as const;

/**
 * The record format this controller writes (`OperationRecord.version`). 2: every write that undoes
 * this controller's cordon comes after its instance's scale-in protection was written again or
 * observed ("protect before uncordon", docs/controller.md). A record without a version was written
 * by a controller before that order (or before this field): a removal of it may have left its
 * instance unprotected in `uncordon` or `abandoned`, which a lagging Auto Scaling view can still
 * show protected, so its release protects the instance first, whatever the view says
 * (`stepOperation`).
 */
export const OPERATION_RECORD_VERSION = 2;

const moveSchema = z.strictObject({
  podName: z.string(),
  podUid: z.string(),
  requestedAtMs: z.number(),
  attempt: z.union([z.literal(1), z.literal(2)]),
});

// Strict: a field this format does not know belongs to a newer format (or an edit); dropping it
// and writing the rest back would lose what that writer meant by it.
const recordSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(['respread', 'remove-node']),
  zone: z.string(),
  groupName: z.string(),
  nodeName: z.string(),
  nodeUid: z.string(),
  instanceId: z.string().optional(),
  phase: z.enum(OPERATION_PHASES),
  move: moveSchema.optional(),
  movesDone: z.number().int().nonnegative(),
  startedAtMs: z.number(),
  phaseStartedAtMs: z.number().optional(),
  fencingToken: z.number().int().nonnegative(),
  holder: z.string(),
  note: z.string().optional(),
  version: z.number().int().positive().optional(),
  drainPods: z.array(z.strictObject({ podName: z.string(), podUid: z.string() })).optional(),
});

/** One broker move in flight. */
export interface MoveRecord {
  /** Pod asked to roll. */
  readonly podName: string;
  /** Its UID when asked; a different UID means Strimzi recreated it. */
  readonly podUid: string;
  /** When the roll was requested, epoch ms. */
  readonly requestedAtMs: number;
  /** 1 for the first request, 2 after the one retry. */
  readonly attempt: 1 | 2;
}

/** Steps of an operation; see docs/controller.md for the transitions. */
export type OperationPhase = z.infer<typeof recordSchema>['phase'];

/** The record written on the node. */
export interface OperationRecord {
  /** Unique ID, for logs and events. */
  readonly id: string;
  /** `respread` moves one broker off the node; `remove-node` empties and terminates it. */
  readonly kind: 'respread' | 'remove-node';
  /** Zone of the node. */
  readonly zone: string;
  /** Auto Scaling group of the node. */
  readonly groupName: string;
  /** Node worked on. */
  readonly nodeName: string;
  /** Its UID when the operation started. */
  readonly nodeUid: string;
  /** Its EC2 instance (remove-node only). */
  readonly instanceId?: string;
  /** Current step. */
  readonly phase: OperationPhase;
  /** The broker move in flight, if any. */
  readonly move?: MoveRecord;
  /** Brokers moved off the node so far. */
  readonly movesDone: number;
  /** When the operation started, epoch ms. */
  readonly startedAtMs: number;
  /**
   * When the current phase began or last made progress (a finished move), epoch ms; the phase's
   * deadline counts from here. Absent in records written before phases had deadlines: then
   * `startedAtMs`.
   */
  readonly phaseStartedAtMs?: number;
  /** Lease transitions of the leader that last wrote the record (fencing token). */
  readonly fencingToken: number;
  /** Identity of that leader. */
  readonly holder: string;
  /** Why the operation was abandoned or rolled back, when it was. */
  readonly note?: string;
  /**
   * The record format (`OPERATION_RECORD_VERSION`) of the controller that started the operation,
   * or that protected its instance again after finding it without one. Absent: written by a
   * controller from before protect-before-uncordon (or an unreadable record).
   */
  readonly version?: number;
  /**
   * A re-spread's broker pods on the node when its drain began (name and UID), so that a roll
   * whose record write was lost (a crash between the roll request and the record) is recognised
   * once Strimzi has recreated the pod elsewhere: that pod is adopted as the re-spread's move
   * instead of a second broker being moved. The pod a re-spread rolls is always listed here
   * (under the UID it rolls) before the roll goes out: the list taken as the drain began comes
   * from a cached view that may have missed it. Absent in remove-node records and in records
   * written before this field (the drain adds it before its roll).
   */
  readonly drainPods?: ReadonlyArray<{ readonly podName: string; readonly podUid: string }>;
  /**
   * Set only by `decodeOperationRecord`, never stored: why the annotation is not a record this
   * controller can read (not JSON, not this format, a field or phase it does not know, or a
   * `version` above `OPERATION_RECORD_VERSION`: a newer controller's). Such a record is never
   * stepped or written (`stepOperation` waits for an operator, `encodeOperationRecord` throws): the
   * annotation stays as its writer left it, for that writer or a person to finish.
   */
  readonly unreadable?: string;
}

/** A write of a record this controller could not read (`OperationRecord.unreadable`). */
export class UnreadableRecordWriteError extends Error {}

/**
 * A key that is equal for equal records, for telling whether a step changed the record (not for
 * writing: `encodeOperationRecord`). Throws nothing.
 */
export function operationRecordKey(record: OperationRecord): string {
  return JSON.stringify(record);
}

/**
 * Serialises a record for the annotation. Throws `UnreadableRecordWriteError` for a record that
 * stands for an annotation this controller could not read (`unreadable`): writing it would replace
 * the writer's record (a newer controller's, mid-operation) with this placeholder.
 */
export function encodeOperationRecord(record: OperationRecord): string {
  if (record.unreadable !== undefined) {
    throw new UnreadableRecordWriteError(
      `refusing to write over ${OPERATION_ANNOTATION} on node ${record.nodeName}: ${record.unreadable}`,
    );
  }
  return JSON.stringify(record);
}

/**
 * Parses the annotation. A value this controller cannot read is reported as an abandoned record
 * marked `unreadable` (with a note naming why and the way out), so the controller holds and a
 * person looks, rather than ignoring a half-done operation or acting on part of it: not JSON, not
 * this record format (a field it does not know, a phase or kind it does not know, a wrong type),
 * or a `version` above `OPERATION_RECORD_VERSION` (written by a newer controller: a rolling update
 * of the Deployment, or an image rolled back while an operation of the newer one was in flight).
 */
export function decodeOperationRecord(
  value: string,
  node: { readonly name: string; readonly uid: string; readonly zone: string },
): OperationRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const result = recordSchema.safeParse(parsed);
  // The format the writer claims, read before (and whatever) the rest of the schema says: a newer
  // controller's record may also fail this format's schema, and its way out is that controller.
  const claimed =
    typeof parsed === 'object' && parsed !== null && 'version' in parsed
      ? (parsed as { readonly version: unknown }).version
      : undefined;
  const newer = typeof claimed === 'number' && claimed > OPERATION_RECORD_VERSION;
  if (result.success && !newer) return result.data;
  const unreadable = newer
    ? `it was written in record format ${claimed}, newer than this controller's ${OPERATION_RECORD_VERSION}, by a newer controller`
    : parsed === undefined
      ? 'it is not JSON'
      : `it is not a record of format ${OPERATION_RECORD_VERSION}, maybe a newer controller's or an edit (${(
          result.error?.issues ?? []
        )
          .slice(0, 3)
          .map(
            issue =>
              `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`,
          )
          .join('; ')})`;
  const wayOut = newer
    ? `run the controller version that wrote it again (roll the Deployment forward) so it finishes the operation, or remove the annotation from node ${node.name}: this controller then protects its instance from scale-in and uncordons it`
    : `run the controller version that wrote it again, fix it, or remove the annotation from node ${node.name}: this controller then protects its instance from scale-in and uncordons it`;
  return {
    id: 'unreadable',
    kind: 'remove-node',
    zone: node.zone,
    groupName: '',
    nodeName: node.name,
    nodeUid: node.uid,
    phase: 'abandoned',
    movesDone: 0,
    startedAtMs: 0,
    fencingToken: 0,
    holder: '',
    note: `annotation ${OPERATION_ANNOTATION} cannot be read: ${unreadable}; the controller never steps or writes it (it keeps the node's instance protected) until an operator acts: ${wayOut}`,
    unreadable,
  };
}
