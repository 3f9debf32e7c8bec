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
 * replaced (another UID); and, for a node write whose versions the writer answered
 * (`NodeVersions`), the node at a resource version this process did not know at or before its write:
 * someone changed the node after us (a hand uncordon right after our cordon), which is news, not
 * lag. A write not shown within `staleAfterSeconds`
 * (someone changed the object back at once, so the view will never show it) stops counting: from
 * then on the view is judged by its age alone, as for everyone else's changes. Memory only: a
 * restarted process lists its caches anew, and a list is a consistent read.
 */
import type { Observed, ObservedNode } from './model';
import type { OperationRecord } from './operation-record';

/**
 * What a node write knows of the node's resource versions, for telling a lagging view from one
 * showing a later change. Kubernetes promises resource versions compare for equality only (API
 * conventions: opaque strings; ordering is promised for the same resource only from v1.35,
 * KEP-5504), so none is ordered here. Instead: a node's cached view never goes back past the
 * version the deciding pass observed, and the guarded patch went from `before` to `after` with no
 * version in between (the watch delivers one object's events in order, and a relist is a consistent
 * read, so a later view is never older than an earlier one). When `known` lists every version from the observed one to `after` with none
 * missing (`complete`: each write of the pass started from the version the one before it left),
 * any other version the view shows is later than this write.
 */
export interface NodeVersions {
  /** The versions of the node this process knew at or before its write, `after` last. */
  readonly known: readonly string[];
  /** No version between the observed one and `after` is unknown to this process. */
  readonly complete: boolean;
  /** The version the write left (equal to the one before it when it changed nothing). */
  readonly after: string;
  /** The write changed nothing (`after` is the version it read). */
  readonly unchanged: boolean;
}

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
      /** The node's versions around the write, when the writer answered them. */
      readonly versions?: NodeVersions;
    }
  | {
      readonly kind: 'cordon';
      readonly nodeName: string;
      readonly nodeUid: string;
      readonly unschedulable: boolean;
      readonly atMs: number;
      /** The node's versions around the write, when the writer answered them. */
      readonly versions?: NodeVersions;
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
  if (write.versions !== undefined && laterVersion(write.versions, node.resourceVersion)) {
    return true;
  }
  if (write.kind === 'cordon') return node.unschedulable === write.unschedulable;
  // A record from a newer leader was written after ours (it adopted or replaced it).
  if ((node.operation?.fencingToken ?? Number.NEGATIVE_INFINITY) > write.fencingToken) return true;
  return recordIdentity(node.operation) === write.identity;
}

/**
 * Whether a view of the node at `resourceVersion` shows the state after the write of `versions`
 * or a later one, by versions alone: the version the write left when it changed nothing (the view
 * then shows what the write found, which is the state after it), or, with every earlier version
 * known, one this process does not know (only a later write can have made it).
 */
export function laterVersion(versions: NodeVersions, resourceVersion: string): boolean {
  if (resourceVersion === '') return false;
  if (versions.unchanged && resourceVersion === versions.after) return true;
  return versions.complete && !versions.known.includes(resourceVersion);
}

/**
 * The running `NodeVersions` of one node over a pass: starts at the version the pass observed,
 * and each write answered with its versions extends it (`wrote`), complete while each write began
 * at the version the previous one left.
 */
export class NodeVersionChain {
  private known: string[];
  private complete: boolean;

  constructor(observedResourceVersion: string) {
    this.known = observedResourceVersion === '' ? [] : [observedResourceVersion];
    this.complete = observedResourceVersion !== '';
  }

  /** Extends the chain with a write from `before` to `after`; the write's `NodeVersions`. */
  wrote(before: string, after: string): NodeVersions {
    this.complete = this.complete && this.known[this.known.length - 1] === before;
    if (!this.known.includes(before)) this.known.push(before);
    if (!this.known.includes(after)) this.known.push(after);
    return {
      known: [...this.known],
      complete: this.complete,
      after,
      unchanged: before === after,
    };
  }
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
