/**
 * Read-your-writes for the Kubernetes view. The informer caches learn of the controller's own
 * writes (an operation record, a cordon, a roll request) from the watch, like of anyone's; on a
 * busy API server that event can arrive seconds after the write, while events for other objects
 * keep the view's age young. A pass on such a view would act on state the controller itself has
 * already changed: it would start a second operation on another node because its first record is
 * not in the view yet, or step a record one step behind.
 *
 * So the reconciler remembers each Kubernetes write it made (`OwnWrites.wrote`), and a pass whose
 * view does not show one of them yet holds with `stale-data` (`Observed.unseenOwnWrite`), naming
 * it. A write counts as shown once the view has the object as written or any later state: the
 * record's identity (id, phase, moves done, move, token) or no record when it was removed; the
 * cordon as set; the pod annotated, terminating, recreated (another UID) or gone; a record with a
 * higher fencing token (a newer leader wrote after us); and for every kind, the object gone or
 * replaced (another UID). A write not shown within `staleAfterSeconds`
 * (someone changed the object back at once, so the view will never show it) stops counting: from
 * then on the view is judged by its age alone, as for everyone else's changes. Memory only: a
 * restarted process lists its caches anew, and a list is a consistent read.
 */
import type { Observed, ObservedNode } from './model';
import type { OperationRecord } from './operation-record';

/** One Kubernetes write of this process that its view must show. */
export type OwnWrite =
  | {
      readonly kind: 'record';
      readonly nodeName: string;
      readonly nodeUid: string;
      /** `recordIdentity` of the record written; `none` when it was removed. */
      readonly identity: string;
      /** The fencing token of the record written (or removed). */
      readonly fencingToken: number;
      readonly atMs: number;
    }
  | {
      readonly kind: 'cordon';
      readonly nodeName: string;
      readonly nodeUid: string;
      readonly unschedulable: boolean;
      readonly atMs: number;
    }
  | {
      readonly kind: 'roll';
      readonly podName: string;
      readonly podUid: string;
      readonly atMs: number;
    };

/** What identifies a record's state (its JSON may differ in key order or optional fields). */
export function recordIdentity(record: OperationRecord | undefined): string {
  if (record === undefined) return 'none';
  return JSON.stringify([
    record.id,
    record.phase,
    record.movesDone,
    record.move?.podUid ?? null,
    record.move?.attempt ?? null,
    record.fencingToken,
  ]);
}

function sameNode(node: ObservedNode | undefined, uid: string): node is ObservedNode {
  return node !== undefined && node.uid === uid;
}

/** Whether `observed` shows `write` or a later state of its object. */
export function writeShown(write: OwnWrite, observed: Observed): boolean {
  if (write.kind === 'roll') {
    const pod = observed.brokers.find(each => each.podName === write.podName);
    return pod === undefined || pod.uid !== write.podUid || pod.rollRequested || pod.terminating;
  }
  const node = observed.nodes.find(each => each.name === write.nodeName);
  if (!sameNode(node, write.nodeUid)) return true;
  if (write.kind === 'cordon') return node.unschedulable === write.unschedulable;
  // A record from a newer leader was written after ours (it adopted or replaced it).
  if ((node.operation?.fencingToken ?? Number.NEGATIVE_INFINITY) > write.fencingToken) return true;
  return recordIdentity(node.operation) === write.identity;
}

/** A sentence naming the write, for the hold's detail. */
export function describeOwnWrite(write: OwnWrite): string {
  switch (write.kind) {
    case 'roll':
      return `the roll request of pod ${write.podName}`;
    case 'cordon':
      return `the ${write.unschedulable ? 'cordon' : 'uncordon'} of node ${write.nodeName}`;
    case 'record':
      return `the operation record written on node ${write.nodeName}`;
  }
}

/** The writes of one process not yet seen in its view. */
export class OwnWrites {
  private pending: OwnWrite[] = [];

  constructor(private readonly staleAfterSeconds: number) {}

  /** Remembers a write that succeeded. */
  wrote(write: OwnWrite): void {
    this.pending.push(write);
  }

  /**
   * `observed` with `unseenOwnWrite` set when it does not show a write made in the last
   * `staleAfterSeconds` (by `nowMs`, this process's clock); forgets the writes it shows.
   */
  check(observed: Observed, nowMs: number): Observed {
    const limitMs = this.staleAfterSeconds * 1000;
    this.pending = this.pending.filter(
      write => nowMs - write.atMs <= limitMs && !writeShown(write, observed),
    );
    const unseen = this.pending[0];
    if (unseen === undefined) return observed;
    return { ...observed, unseenOwnWrite: describeOwnWrite(unseen) };
  }
}
