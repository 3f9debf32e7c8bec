/**
 * The move and scale-in state machine, as plain functions. Each call to `stepOperation` performs
 * one transition: it reads the record stored on the node and the current observation, and returns
 * the next record and at most one side effect. Every effect is idempotent and its completion is
 * observable, so a controller that crashes between any two steps resumes from the record.
 *
 *   respread:    cordon -> drain (one move) -> uncordon -> (record removed)
 *   remove-node: cordon -> drain (moves, one at a time) -> unprotect -> terminate -> terminated
 *                -> (node gone)
 *
 * No state is without a way out: every phase has a deadline (`phaseDeadlines`), and passing it
 * leads to a defined exit: a move is retried once and then abandoned (node uncordoned, Warning
 * Event, the controller holds moves until an operator removes the record); any other wait rolls
 * the operation back (uncordon, record removed, Event; protect before uncordon: `releaseNode`,
 * `protectFirst`); an uncordon that does not take is
 * abandoned; a node that stays after its instance left is let go with a Warning Event; a record
 * found on a Node object other than the one it was written on (same name, another UID) is
 * dropped (uncordon, record removed, Event). A step
 * never acts on a view it cannot trust: with stale or missing data it waits, and it asks the write
 * gate (`gate.ts`) before choosing an effect. A node uncordoned by someone else mid-operation is
 * cordoned again; in a removal's `unprotect` or `terminate` its instance is protected first, and the
 * removal goes back to `drain`. A record written under a token higher than the leader's own (a recreated Lease
 * restarts its transition count) is adopted once it has stayed unchanged for two lease durations.
 */
import type { ControllerConfig } from './config';
import { DEFAULT_OPERATION_PHASE_TIMEOUT_SECONDS } from './config';
import { writeBlocker } from './gate';
import type { Action, Observed, ObservedBroker, ObservedInstance, ObservedNode } from './model';
import {
  OPERATION_RECORD_VERSION,
  type MoveRecord,
  type OperationPhase,
  type OperationRecord,
} from './operation-record';
import { UNPROTECTED_PHASES } from './protection';
import { nextRollbackTally, type RollbackTally } from './rollback-loop';
import {
  kafkaBlocker,
  leavingState,
  partitionHealthSampledAtMs,
  readySinceKnown,
  staleDataBlocker,
} from './safety';

/** The one side effect a step asks for. */
export type Effect =
  | { readonly kind: 'cordon'; readonly nodeName: string; readonly nodeUid: string }
  | { readonly kind: 'uncordon'; readonly nodeName: string; readonly nodeUid: string }
  | { readonly kind: 'request-roll'; readonly podName: string; readonly podUid: string }
  | {
      /** Puts the instance's scale-in protection back: before its node is uncordoned. */
      readonly kind: 'protect-instance';
      readonly groupName: string;
      readonly instanceId: string;
      readonly nodeName: string;
    }
  | {
      readonly kind: 'unprotect-instance';
      readonly groupName: string;
      readonly instanceId: string;
      readonly nodeName: string;
    }
  | {
      readonly kind: 'terminate-instance';
      readonly groupName: string;
      readonly instanceId: string;
      readonly nodeName: string;
    };

/** Something worth counting, logging and reporting as a Kubernetes Event. */
export type OperationEvent =
  | 'adopted'
  | 'move-started'
  | 'move-retried'
  | 'move-finished'
  | 'move-failed'
  | 'unprotect-requested'
  | 'terminate-requested'
  | 'instance-terminated'
  | 'abandoned'
  | 'rolled-back'
  | 'completed'
  | 're-cordoned'
  | 'node-remains';

/** The result of one step. */
export interface StepOutcome {
  /** The record to store on the node; undefined removes it. */
  readonly next: OperationRecord | undefined;
  /** The side effect to perform, if any. */
  readonly effect: Effect | undefined;
  /**
   * Perform the effect before storing `next`: a roll request (a crash in between leaves an
   * annotated pod, which the next step adopts), and the protect of a removal rolled back from
   * `unprotect` or `terminate` (a crash or a failed protect leaves the record in that phase, so
   * the next step rolls back, and protects, again). Otherwise store first, then act.
   */
  readonly effectFirst: boolean;
  /** What the operation waits for, when it waits. */
  readonly waiting: string | undefined;
  /** What happened in this step. */
  readonly events: readonly OperationEvent[];
  /**
   * The node's rollback tally to store with `next`, in the same write (controller/rollback-loop.ts):
   * one more on a deadline rollback, null (removed) when a re-spread of the node completes;
   * undefined leaves it as it is.
   */
  readonly rollbacks?: RollbackTally | null;
}

/** Who is stepping, and when. */
export interface StepContext {
  /** Epoch ms of this step. */
  readonly nowMs: number;
  /** The leader's lease transitions; records written by a newer leader are left alone. */
  readonly fencingToken: number;
  /** The leader's identity. */
  readonly holder: string;
  /**
   * False when the zone needs the node being removed again (demand rose; `removalStillWanted` in
   * `decide.ts`): roll back before the next move, and also once the node is empty, before its
   * scale-in protection comes off (the emptied node is kept, uncordoned).
   */
  readonly removalStillWanted: boolean;
  /**
   * False while the zone's other nodes carry its demand at the target but not with the scale-in
   * margin, while the ramp guard is blind after a restart, or while the forecast floor is on and
   * the zone's forecast is unknown (`removalMayProceed` in `decide.ts`): a removal starts no further move, and does not
   * take the emptied node's protection off (unless `removalMayProceedWhenEmpty`), until demand is
   * back under the margin (or rolls back when it rises past the target, or when the phase
   * deadline passes). @default true
   */
  readonly removalMayProceed?: boolean;
  /**
   * Why `removalMayProceed` is false when it is not demand within the margin (the zone's forecast
   * floor unknown, its ramp guard blind; `removalContext` in `decide.ts`): the waiting note.
   * @default - demand is within the scale-in margin
   */
  readonly removalWaitReason?: string;
  /**
   * True when a removal whose node holds no broker any more may take its protection off although
   * `removalMayProceed` is false: only the scale-in margin holds it (the zone's other nodes carry
   * its demand at the target, floors included, the ramp guard is not blind and the forecast is
   * known; `removalMayProceedWhenEmpty` in `decide.ts`). The node moves nothing more, so waiting
   * for the margin only kept it idle. The record's note then says so. @default false
   */
  readonly removalMayProceedWhenEmpty?: boolean;
  /**
   * Since when (epoch ms, this process's clock) this exact record has been seen unchanged, when it
   * carries a higher fencing token than ours; undefined = now. Such a record is adopted once it
   * has stayed unchanged for `2 x leaseDurationSeconds` (a recreated Lease restarts its count).
   */
  readonly foreignRecordSinceMs?: number;
  /**
   * The name of the Node the record was read from. A record there that names another node is a
   * copy (a Node object created from another's YAML, an edit): it is dropped like a record on a
   * replaced Node (its own cordon undone, record removed, Warning), since stepping it would work
   * on the node it names while writing here, and wait for ever once that node is gone.
   * Undefined: the record is taken to sit on the node it names (the simulator).
   */
  readonly recordNodeName?: string;
}

/**
 * How long each phase may last without progress, in ms, from the controller configuration. A
 * move's two attempts are timed by `move`; every other wait by `phase` (progress restarts it: a
 * phase change or a finished move).
 */
export function phaseDeadlines(config: ControllerConfig): {
  readonly move: number;
  readonly phase: number;
  readonly adoptForeignRecord: number;
} {
  return {
    move: config.moveTimeoutSeconds * 1000,
    phase: (config.operationPhaseTimeoutSeconds ?? DEFAULT_OPERATION_PHASE_TIMEOUT_SECONDS) * 1000,
    adoptForeignRecord: 2 * config.leaderElection.leaseDurationSeconds * 1000,
  };
}

/** When the record's current phase (or its last progress) began, epoch ms. */
function phaseSinceMs(record: OperationRecord): number {
  return record.phaseStartedAtMs ?? record.startedAtMs;
}

/** The record in `phase`, its deadline clock restarted. */
function enter(
  record: OperationRecord,
  phase: OperationPhase,
  nowMs: number,
  extra: Partial<OperationRecord> = {},
): OperationRecord {
  return { ...record, ...extra, phase, phaseStartedAtMs: nowMs };
}

/** Builds the first record of an operation for a respread or scale-in action. */
export function startOperation(
  action: Exclude<Action, { kind: 'scale-out' }>,
  context: {
    readonly nowMs: number;
    readonly fencingToken: number;
    readonly holder: string;
    readonly id: string;
  },
): OperationRecord {
  return {
    id: context.id,
    kind: action.kind === 'scale-in' ? 'remove-node' : 'respread',
    zone: action.zone,
    groupName: action.groupName,
    nodeName: action.nodeName,
    nodeUid: action.nodeUid,
    ...(action.kind === 'scale-in' ? { instanceId: action.instanceId } : {}),
    phase: 'cordon',
    movesDone: 0,
    startedAtMs: context.nowMs,
    phaseStartedAtMs: context.nowMs,
    fencingToken: context.fencingToken,
    holder: context.holder,
    version: OPERATION_RECORD_VERSION,
  };
}

function outcome(
  next: OperationRecord | undefined,
  parts: Partial<Omit<StepOutcome, 'next'>> = {},
): StepOutcome {
  return {
    next,
    effect: parts.effect,
    effectFirst: parts.effectFirst ?? false,
    waiting: parts.waiting,
    events: parts.events ?? [],
    ...(parts.rollbacks === undefined ? {} : { rollbacks: parts.rollbacks }),
  };
}

function withoutMove(record: OperationRecord): OperationRecord {
  const { move, ...rest } = record;
  void move;
  return rest;
}

/**
 * The record without its note: a removal back in `drain`, or entering `unprotect` with the margin
 * met, must not keep `MARGIN_WAIVED_NOTE` ("the node holds no broker") from an earlier pass.
 */
function withoutNote(record: OperationRecord): OperationRecord {
  const { note, ...rest } = record;
  void note;
  return rest;
}

function moveIsDone(
  move: MoveRecord,
  record: OperationRecord,
  pod: ObservedBroker | undefined,
  nodesByName: ReadonlyMap<string, ObservedNode>,
  observed: Observed,
): boolean {
  if (pod === undefined || pod.uid === move.podUid || !pod.ready || pod.nodeName === undefined) {
    return false;
  }
  if (pod.nodeName === record.nodeName) return false;
  if (nodesByName.get(pod.nodeName)?.zone !== record.zone) return false;
  // The partition counts must come from samples taken after the new pod became Ready; a pod whose
  // Ready time is unknown may have become Ready just now, so the move is not done on them.
  // Every Ready broker's own health sample counts, not only the data's time (which may be the
  // query's evaluation time): `partitionHealthSampledAtMs`.
  const healthAtMs = partitionHealthSampledAtMs(observed) ?? Number.NEGATIVE_INFINITY;
  if (!readySinceKnown(pod.readySinceMs) || healthAtMs <= pod.readySinceMs) return false;
  return observed.underReplicatedPartitions === 0 && observed.underMinIsrPartitions === 0;
}

/**
 * Whether the node's cordon is this controller's to undo: it is cordoned and carries the cordon
 * marker (`CORDON_ANNOTATION`, set in the cordon's own patch and removed in the uncordon's). A
 * cordon without the marker is someone else's (made after this controller's uncordon, or before
 * its cordon, which then changed nothing): no exit of an operation undoes it. An observer that
 * does not report the marker at all (`cordonedByController` absent: the simulator, older tests)
 * has every cordon of the node taken as the controller's own.
 */
export function ownCordon(node: ObservedNode): boolean {
  return node.unschedulable && node.cordonedByController !== false;
}

/**
 * The uncordon that undoes this controller's own cordon of the node, if it holds one, or that
 * clears a marker left on a node someone else uncordoned (the uncordon's patch removes it), so
 * that no operation ends while its node still carries the marker: a cordon made later would be
 * taken for this controller's. Undefined when there is nothing of this controller's to undo.
 */
function uncordonOwn(node: ObservedNode): Effect | undefined {
  return ownCordon(node) || node.cordonedByController === true
    ? { kind: 'uncordon', nodeName: node.name, nodeUid: node.uid }
    : undefined;
}

/** What to do about a node this controller means to make schedulable again. */
export interface Release {
  /** The uncordon, the protect that must come first, or undefined (nothing to do, or a wait). */
  readonly effect: Effect | undefined;
  /** Why the uncordon waits (the instance's protection is off or unknown), when it waits. */
  readonly waiting: string | undefined;
}

/**
 * Protect before uncordon: the write that makes `node` schedulable again (undoing this
 * controller's cordon, see `uncordonOwn`) goes out only once its instance is observed protected
 * from scale-in, so no broker lands on an instance a lowered desired capacity may pick. Its
 * instance is looked up in every observed group by `node.instanceId`, and every listing counts
 * (an instance moved between groups while one Describe paged through them is listed twice: the
 * worse listing decides):
 * - observed unprotected (`protectedFromScaleIn: false`, a removal's `unprotect` took, or the
 *   housekeeping has not protected it yet): the effect is `protect-instance`, and the uncordon
 *   waits for a later observation that shows it protected;
 * - unknown (the node names no instance, or no group lists it) or leaving (`Terminat*`): no
 *   effect, the node stays cordoned and the caller waits (its phase deadline applies);
 * - protected, or a source that does not model protection (`protectedFromScaleIn` undefined: the
 *   simulator): the uncordon.
 * Nothing to undo (no cordon of this controller's, no marker): no effect, no wait. Pure.
 */
export function releaseNode(node: ObservedNode, observed: Observed): Release {
  const uncordon = uncordonOwn(node);
  if (uncordon === undefined) return { effect: undefined, waiting: undefined };
  // Every listing: an instance moved between groups while one Describe paged through them is
  // listed twice, and the worse listing decides.
  const listings = observed.groups.flatMap(group =>
    group.instances
      .filter(each => node.instanceId !== undefined && each.instanceId === node.instanceId)
      .map(instance => ({ group, instance })),
  );
  if (node.instanceId === undefined || listings.length === 0) {
    return {
      effect: undefined,
      waiting: `node ${node.name} stays cordoned: its instance (${node.instanceId ?? 'none'}) is in no observed group, so its scale-in protection is unknown`,
    };
  }
  const leaving = listings.find(each => leavingState(each.instance.lifecycleState));
  if (leaving !== undefined) {
    return {
      effect: undefined,
      waiting: `node ${node.name} stays cordoned: its instance ${leaving.instance.instanceId} is ${leaving.instance.lifecycleState}`,
    };
  }
  const unprotected = listings.find(each => each.instance.protectedFromScaleIn === false);
  if (unprotected !== undefined) {
    const { group, instance } = unprotected;
    return {
      effect: protectEffect(group.groupName, instance.instanceId, node.name),
      waiting: `scale-in protection of ${instance.instanceId} to be observed before node ${node.name} is uncordoned`,
    };
  }
  return { effect: uncordon, waiting: undefined };
}

/**
 * Whether `record` may have left the instance of `node` unprotected from scale-in, so that a view
 * showing it protected may predate the unprotect: a `remove-node` of that instance (or of an
 * instance it does not name: an unreadable record) in `unprotect`, `terminate` or `terminated`, or
 * one without a version (`OPERATION_RECORD_VERSION`: written by a controller from before protect
 * before uncordon, whose rollback could store `uncordon` or `abandoned` after an unprotect without
 * protecting again) in `uncordon` or `abandoned`.
 */
function mayHaveUnprotected(record: OperationRecord, node: ObservedNode): boolean {
  if (record.kind !== 'remove-node') return false;
  if (record.instanceId !== undefined && record.instanceId !== node.instanceId) return false;
  if (UNPROTECTED_PHASES.has(record.phase)) return true;
  return (
    record.version === undefined && (record.phase === 'uncordon' || record.phase === 'abandoned')
  );
}

/**
 * Protect before a release the view cannot vouch for (`mayHaveUnprotected`): the instance of
 * `node` is protected first, whatever the view shows (a lagging Auto Scaling view may still show
 * it protected from before the unprotect), and the record is stored with the current version
 * (and, from `unprotect`, `terminate` or `terminated`, in `uncordon`, its times kept) only after
 * that call went out: a crash or a failed call leaves it as it was, and the next step protects
 * again. The uncordon itself waits for a later step (`releaseNode`). Undefined when there is
 * nothing to do first: a record that cannot have unprotected the instance, nothing of this
 * controller's to undo, or an instance in no observed group or leaving (`releaseNode` then keeps
 * the node cordoned and waits).
 */
function protectBeforeRelease(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
): StepOutcome | undefined {
  if (!mayHaveUnprotected(record, node)) return undefined;
  if (uncordonOwn(node) === undefined || node.instanceId === undefined) return undefined;
  const group = observed.groups.find(each =>
    each.instances.some(instance => instance.instanceId === node.instanceId),
  );
  const instance = group?.instances.find(each => each.instanceId === node.instanceId);
  if (group === undefined || instance === undefined) return undefined;
  if (leavingState(instance.lifecycleState)) return undefined;
  return outcome(
    {
      ...record,
      ...(UNPROTECTED_PHASES.has(record.phase) ? { phase: 'uncordon' as const } : {}),
      version: OPERATION_RECORD_VERSION,
    },
    {
      effect: protectEffect(group.groupName, instance.instanceId, node.name),
      effectFirst: true,
      waiting: `scale-in protection of ${instance.instanceId} written again before node ${node.name} is uncordoned (the record may have left it unprotected)`,
    },
  );
}

function protectEffect(groupName: string, instanceId: string, nodeName: string): Effect {
  return { kind: 'protect-instance', groupName, instanceId, nodeName };
}

function abandon(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
  note: string,
  nowMs: number,
  events: readonly OperationEvent[] = ['move-failed', 'abandoned'],
): StepOutcome {
  return outcome(enter(withoutMove(record), 'abandoned', nowMs, { note }), {
    effect: releaseNode(node, observed).effect,
    events,
  });
}

/**
 * The defined exit of a wait that ran out (or of a removal the zone needs again): the node is made
 * schedulable again (`releaseNode`, in the `uncordon` phase), then the record removed.
 *
 * A removal in `unprotect`, `terminate` or `terminated` may have its instance unprotected, and the
 * view may not show it yet: its rollback protects the instance first (`protectFirst`), whatever
 * the view says, and stores `uncordon` only once that write went out. Any other rollback whose
 * instance is observed unprotected does the same. The uncordon itself waits for a later step that
 * observes the protection (`releaseNode`).
 */
function rollBack(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
  config: ControllerConfig,
  note: string,
  nowMs: number,
  atDeadline = false,
): StepOutcome {
  const rolled = rollBackOutcome(record, node, observed, config, note, nowMs);
  // A rollback because a wait ran out, not because the view changed: tallied on the node with the
  // record that enters `uncordon` (the rollback loop breaker, controller/rollback-loop.ts).
  if (!atDeadline || rolled.next?.phase !== 'uncordon') return rolled;
  return { ...rolled, rollbacks: nextRollbackTally(node.rollbacks, record.kind, note, nowMs) };
}

function rollBackOutcome(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
  config: ControllerConfig,
  note: string,
  nowMs: number,
): StepOutcome {
  const next = enter(withoutMove(record), 'uncordon', nowMs, { note });
  if (record.kind === 'remove-node' && UNPROTECTED_PHASES.has(record.phase)) {
    return protectFirst(record, node, config, nowMs, next, note, ['rolled-back']);
  }
  const release = releaseNode(node, observed);
  return outcome(next, {
    effect: release.effect,
    // Observed unprotected (the housekeeping has not protected it yet): protect before the
    // record says `uncordon`, as above.
    effectFirst: release.effect?.kind === 'protect-instance',
    events: ['rolled-back'],
  });
}

/**
 * A removal leaving `unprotect`, `terminate` or `terminated` for a phase whose node may be made
 * schedulable again (`uncordon`, or `drain`, which the housekeeping owns and which may roll back):
 * the instance is protected first, whatever the view says (it may not show the unprotect yet),
 * and `next` stored only once that write went out. A protect that keeps failing leaves the record
 * in its phase: once that phase has lasted twice its deadline, the operation is abandoned instead
 * (node cordoned, Warning; the housekeeping and the `abandoned` step keep protecting it).
 */
function protectFirst(
  record: OperationRecord,
  node: ObservedNode,
  config: ControllerConfig,
  nowMs: number,
  next: OperationRecord,
  why: string,
  events: readonly OperationEvent[],
  waiting?: string,
): StepOutcome {
  const protect = protectEffect(record.groupName, record.instanceId ?? '', node.name);
  if (nowMs - phaseSinceMs(record) > 2 * phaseDeadlines(config).phase) {
    // Record first: `abandoned` is the housekeeping's to protect too, and its step never
    // uncordons before the protection is observed (`releaseNode`).
    return outcome(
      enter(withoutMove(record), 'abandoned', nowMs, {
        note: `${why}; the instance could not be protected again before its node is uncordoned`,
      }),
      { effect: protect, events: ['abandoned'] },
    );
  }
  return outcome(next, { effect: protect, effectFirst: true, events, waiting });
}

/**
 * A record that is not `host`'s own operation (a copy of another node's record, or one found on a
 * replaced Node): its operation is moot, only `host`'s cordon is left to undo, protect before
 * uncordon (`releaseNode`). The record stays while that release acts or waits, so a crash or a
 * refusal runs this exit again, and goes once nothing is left to undo. A release that can only
 * wait (its instance in no observed group or leaving, or a protect that keeps failing) is bounded:
 * once the record's phase has lasted twice its deadline, the record goes and the node stays
 * cordoned with this controller's marker, for the orphaned-cordon release (`reconciler.ts`, which
 * also protects before it uncordons and keeps a node whose instance is unknown cordoned). Kept for
 * good, the record would hold every scale-in and re-spread (`decide` holds while a record exists;
 * scale-out goes on).
 */
function releaseMoot(
  record: OperationRecord,
  host: ObservedNode | undefined,
  observed: Observed,
  config: ControllerConfig,
  nowMs: number,
  why: string,
): StepOutcome {
  const release = host === undefined ? undefined : releaseNode(host, observed);
  const acts = release?.effect?.kind === 'uncordon';
  // A phase timed further ahead than the stale limit (a record edited by hand, or from a wrong
  // clock; a copy is never restamped, see `withoutFutureTimes`) gives no wait either.
  const elapsedMs = nowMs - phaseSinceMs(record);
  const mayWait =
    elapsedMs >= -config.staleAfterSeconds * 1000 && elapsedMs <= 2 * phaseDeadlines(config).phase;
  // The record may have left this node's instance unprotected (a removal past its unprotect, or
  // one from before protect-before-uncordon): protect first, whatever the view shows.
  const protect = host === undefined ? undefined : protectBeforeRelease(record, host, observed);
  if (protect !== undefined) {
    return mayWait
      ? { ...protect, waiting: `${why}; ${protect.waiting ?? ''}` }
      : outcome(undefined, { events: ['rolled-back'] });
  }
  if (release !== undefined && (release.effect ?? release.waiting) !== undefined) {
    if (acts || mayWait) {
      return outcome(record, {
        effect: release.effect,
        waiting: `${why}; ${release.waiting ?? 'uncordoning it'}`,
      });
    }
  }
  return outcome(undefined, { events: ['rolled-back'] });
}

function overdue(record: OperationRecord, config: ControllerConfig, nowMs: number): boolean {
  return nowMs - phaseSinceMs(record) > phaseDeadlines(config).phase;
}

function stepMove(
  record: OperationRecord,
  move: MoveRecord,
  node: ObservedNode,
  observed: Observed,
  config: ControllerConfig,
  context: StepContext,
): StepOutcome {
  const nodesByName = new Map(observed.nodes.map(each => [each.name, each]));
  const pod = observed.brokers.find(broker => broker.podName === move.podName);
  if (moveIsDone(move, record, pod, nodesByName, observed)) {
    return outcome(
      { ...withoutMove(record), movesDone: record.movesDone + 1, phaseStartedAtMs: context.nowMs },
      { events: ['move-finished'] },
    );
  }
  // The moved broker was recreated and waits unbound while its zone has no schedulable Ready node
  // but this one (the node it was to land on went away: terminated, NotReady, cordoned by someone):
  // the move cannot finish, and the broker can run only on the node this operation keeps cordoned.
  // Roll back now (review s34-a, fault 2); before, the move waited out its deadline twice and was
  // abandoned, the broker down for half an hour beside the node held for it.
  const recreatedPending =
    pod !== undefined && pod.uid !== move.podUid && pod.nodeName === undefined;
  const noRoom = noRoomBlocker(observed, record);
  if (recreatedPending && noRoom !== undefined) {
    return rollBack(
      record,
      node,
      observed,
      config,
      `moved broker ${move.podName} is Pending and ${noRoom.detail} to run on; node kept`,
      context.nowMs,
    );
  }
  const deadlines = phaseDeadlines(config);
  const elapsedMs = context.nowMs - move.requestedAtMs;
  if (elapsedMs <= deadlines.move) {
    return outcome(record, { waiting: `move of ${move.podName} (attempt ${move.attempt})` });
  }
  if (move.attempt === 2) {
    return abandon(
      record,
      node,
      observed,
      `move of ${move.podName} did not finish after one retry`,
      context.nowMs,
    );
  }
  // Ask again if Strimzi never recreated the pod (the annotation was dropped or refused), or if it
  // recreated it on this same node: someone uncordoned the node while the pod restarted, so the
  // scheduler put it back. `stepOperation` has cordoned the node again before any move step
  // (KEEP_CORDONED), so the new pod is rolled: it is what the move now has to take off the node.
  const stillOriginal = pod !== undefined && pod.uid === move.podUid;
  const backOnNode =
    pod !== undefined && !stillOriginal && pod.ready && pod.nodeName === record.nodeName;
  const rollUid = stillOriginal ? move.podUid : backOnNode ? pod.uid : undefined;
  const effect: Effect | undefined =
    rollUid === undefined
      ? undefined
      : { kind: 'request-roll', podName: move.podName, podUid: rollUid };
  if (effect !== undefined) {
    // The same checks as the first request: a roll with no other node to land on would only
    // leave the broker Pending.
    const blocked = noRoomBlocker(observed, record) ?? writeBlocker(observed, config, effect);
    if (blocked !== undefined) {
      if (elapsedMs > deadlines.move + deadlines.phase) {
        return abandon(
          record,
          node,
          observed,
          `move of ${move.podName} could not be retried: ${blocked.detail}`,
          context.nowMs,
        );
      }
      return outcome(record, { waiting: `retry of ${move.podName}: ${blocked.detail}` });
    }
  }
  const retried: OperationRecord = {
    ...record,
    move: { ...move, podUid: rollUid ?? move.podUid, attempt: 2, requestedAtMs: context.nowMs },
  };
  return outcome(retried, { effect, effectFirst: true, events: ['move-retried'] });
}

function stepDrain(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
  config: ControllerConfig,
  context: StepContext,
): StepOutcome {
  if (record.move !== undefined) {
    return stepMove(record, record.move, node, observed, config, context);
  }
  const onNode = observed.brokers
    .filter(broker => broker.nodeName === record.nodeName)
    .sort((a, b) => a.podName.localeCompare(b.podName));
  const alreadyRolling = onNode.find(broker => broker.rollRequested);
  if (alreadyRolling !== undefined) {
    // A crash after annotating but before recording: adopt the roll as this step's move.
    const move: MoveRecord = {
      podName: alreadyRolling.podName,
      podUid: alreadyRolling.uid,
      requestedAtMs: context.nowMs,
      attempt: 1,
    };
    return outcome({ ...record, move }, { events: ['adopted'] });
  }
  const rolledUnrecorded = rolledBeforeRecorded(record, observed);
  if (rolledUnrecorded !== undefined) {
    // A crash after the roll request but before its record, and Strimzi has recreated the pod
    // since (it is gone from the node): that roll is this re-spread's move; moving another broker
    // would be a second move for one re-spread. Its end is judged as any move's (`moveIsDone`).
    const move: MoveRecord = {
      podName: rolledUnrecorded.podName,
      podUid: rolledUnrecorded.podUid,
      requestedAtMs: context.nowMs,
      attempt: 1,
    };
    return outcome({ ...record, move }, { events: ['adopted'] });
  }
  const late = overdue(record, config, context.nowMs);
  const finished = record.kind === 'respread' ? record.movesDone >= 1 : onNode.length === 0;
  if (finished || onNode.length === 0) {
    if (record.kind === 'respread') {
      const release = releaseNode(node, observed);
      return outcome(enter(record, 'uncordon', context.nowMs), {
        effect: release.effect,
        effectFirst: release.effect?.kind === 'protect-instance',
      });
    }
    // Empty, but the zone needs the node again (demand rose during the drain): keep it. It is
    // Ready and uncordoned at once, so the re-spread fills it without a launch.
    if (!context.removalStillWanted) {
      return rollBack(
        record,
        node,
        observed,
        config,
        'demand rose; emptied node kept',
        context.nowMs,
      );
    }
    // Only the margin holds an empty node (`removalMayProceedWhenEmpty`): it moves nothing more,
    // so it goes on; the note says why.
    const marginWaived =
      context.removalMayProceed === false && context.removalMayProceedWhenEmpty === true;
    if (context.removalMayProceed === false && !marginWaived) {
      if (late)
        return rollBack(
          record,
          node,
          observed,
          config,
          waitedPastDeadlineNote(context, 'emptied node kept'),
          context.nowMs,
          true,
        );
      return outcome(record, {
        waiting:
          context.removalWaitReason ?? 'demand is within the scale-in margin of the lower level',
      });
    }
    // Empty, but the drain made no progress for its whole deadline: the unprotect this step asks
    // for was refused after the gate every time (the live read of the node found a broker pod
    // the cached view does not map, or the node uncordoned), or the controller was down. Roll
    // back rather than ask again for ever.
    if (late) {
      return rollBack(
        record,
        node,
        observed,
        config,
        'the emptied node was not confirmed empty in time (a live read found a broker pod on it, one Pending in its zone, or another Node naming its instance: the warning "live read refused an irreversible step" names which and its fix; or the controller was down); node kept',
        context.nowMs,
        true,
      );
    }
    // Empty: take the scale-in protection off exactly this instance before terminating it, but
    // only on a complete, fresh pod view (the gate's empty-node check).
    const unprotect = unprotectEffect(record, node);
    const blocked = writeBlocker(observed, config, unprotect);
    if (blocked !== undefined) {
      if (late)
        return rollBack(
          record,
          node,
          observed,
          config,
          `node never seen empty: ${blocked.detail}`,
          context.nowMs,
          true,
        );
      return outcome(record, { waiting: blocked.detail });
    }
    return outcome(
      enter(
        withoutNote(record),
        'unprotect',
        context.nowMs,
        marginWaived ? { note: MARGIN_WAIVED_NOTE } : {},
      ),
      {
        effect: unprotect,
        events: ['unprotect-requested'],
      },
    );
  }
  if (record.kind === 'remove-node' && !context.removalStillWanted) {
    return rollBack(record, node, observed, config, 'demand rose; node kept', context.nowMs);
  }
  if (record.kind === 'remove-node' && context.removalMayProceed === false) {
    if (late)
      return rollBack(
        record,
        node,
        observed,
        config,
        waitedPastDeadlineNote(context, 'node kept'),
        context.nowMs,
        true,
      );
    return outcome(record, {
      waiting:
        context.removalWaitReason ?? 'demand is within the scale-in margin of the lower level',
    });
  }
  const broker = onNode[0];
  const roll: Effect = { kind: 'request-roll', podName: broker.podName, podUid: broker.uid };
  const blocker =
    kafkaBlocker(observed, config) ??
    noRoomBlocker(observed, record) ??
    writeBlocker(observed, config, roll);
  if (blocker !== undefined) {
    if (late)
      return rollBack(
        record,
        node,
        observed,
        config,
        `no move possible: ${blocker.detail}`,
        context.nowMs,
        true,
      );
    return outcome(record, { waiting: blocker.detail });
  }
  const unnoted = unnotedRollTarget(record, broker);
  if (unnoted !== undefined) {
    // A re-spread rolls only a pod its record already lists (`drainPods`): the roll goes out
    // before the record of its move, and a crash in between is recognised only by a listed pod
    // that left the node. The list taken as the drain began may miss this one (a pod view that
    // missed it, showed it unbound or on another node): note it first, roll at the next step.
    return outcome(unnoted, {
      waiting: `broker ${broker.podName} noted on the record before its roll`,
    });
  }
  return outcome(
    {
      ...record,
      move: {
        podName: broker.podName,
        podUid: broker.uid,
        requestedAtMs: context.nowMs,
        attempt: 1,
      },
    },
    { effect: roll, effectFirst: true, events: ['move-started'] },
  );
}

/**
 * For a re-spread that has moved nothing and records no move: a broker pod that was on its node
 * when the drain began (`drainPods`) and has left it since: present under a new UID on another
 * node, or unbound (recreated: Strimzi rolled it, or someone deleted it). Undefined for a removal,
 * a record without `drainPods`, or when every such pod is still there as it was or absent.
 */
function rolledBeforeRecorded(
  record: OperationRecord,
  observed: Observed,
): { readonly podName: string; readonly podUid: string } | undefined {
  if (record.kind !== 'respread' || record.movesDone > 0 || record.move !== undefined) {
    return undefined;
  }
  return record.drainPods?.find(pod => {
    const now = observed.brokers.find(broker => broker.podName === pod.podName);
    // Absent (deleted, not yet recreated, or a view missing it): not yet; the drain's own checks
    // hold meanwhile (a zone short of a broker pod starts no move).
    return now !== undefined && now.uid !== pod.podUid && now.nodeName !== record.nodeName;
  });
}

/**
 * The record of a re-spread with `broker` (the pod about to be rolled) added to its `drainPods`,
 * or undefined when it is listed there already under its current UID (or for a removal). A record
 * without `drainPods` (written before the field) gets the list with this one pod. Pure.
 */
function unnotedRollTarget(
  record: OperationRecord,
  broker: ObservedBroker,
): OperationRecord | undefined {
  if (record.kind !== 'respread') return undefined;
  const listed = record.drainPods ?? [];
  if (listed.some(pod => pod.podName === broker.podName && pod.podUid === broker.uid)) {
    return undefined;
  }
  const drainPods = [
    ...listed.filter(pod => pod.podName !== broker.podName),
    { podName: broker.podName, podUid: broker.uid },
  ].sort((a, b) => a.podName.localeCompare(b.podName));
  return { ...record, drainPods };
}

/** A move needs another schedulable, Ready node in the zone to land on. */
function noRoomBlocker(
  observed: Observed,
  record: OperationRecord,
): { readonly detail: string } | undefined {
  const room = observed.nodes.some(
    node =>
      node.zone === record.zone &&
      node.name !== record.nodeName &&
      node.ready &&
      !node.unschedulable &&
      node.operation === undefined,
  );
  return room ? undefined : { detail: `no other schedulable Ready node in zone ${record.zone}` };
}

function unprotectEffect(record: OperationRecord, node: ObservedNode): Effect {
  return {
    kind: 'unprotect-instance',
    groupName: record.groupName,
    instanceId: record.instanceId ?? '',
    nodeName: node.name,
  };
}

function terminateEffect(record: OperationRecord, node: ObservedNode): Effect {
  return {
    kind: 'terminate-instance',
    groupName: record.groupName,
    instanceId: record.instanceId ?? '',
    nodeName: node.name,
  };
}

/**
 * The checks `unprotect` and `terminate` share, against the group's observed state: the instance
 * already left (done), a broker landed on the node again (back to drain), the group reached its
 * min size (terminate with decrement would be refused: roll back), or the phase ran out of time
 * (roll back).
 */
function leftOrRefilled(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
  config: ControllerConfig,
  nowMs: number,
): { outcome: StepOutcome } | { instance: ObservedInstance | undefined; groupSeen: boolean } {
  const group = observed.groups.find(each => each.groupName === record.groupName);
  const instance = group?.instances.find(each => each.instanceId === record.instanceId);
  if (group !== undefined && (instance === undefined || leavingState(instance.lifecycleState))) {
    return {
      outcome: outcome(enter(record, 'terminated', nowMs), { events: ['instance-terminated'] }),
    };
  }
  if (observed.brokers.some(broker => broker.nodeName === record.nodeName)) {
    // Back to drain, where the housekeeping owns protection and a rollback may follow: the
    // instance is protected again first.
    return {
      outcome: protectFirst(
        record,
        node,
        config,
        nowMs,
        enter(withoutNote(record), 'drain', nowMs),
        'a broker landed on the node again',
        [],
        'a broker landed on the node again',
      ),
    };
  }
  if (group !== undefined && group.desired <= group.min) {
    return {
      outcome: rollBack(
        record,
        node,
        observed,
        config,
        `group ${group.groupName} is at its min size ${group.min}; terminating with decrement would be refused`,
        nowMs,
      ),
    };
  }
  if (overdue(record, config, nowMs)) {
    return {
      outcome: rollBack(
        record,
        node,
        observed,
        config,
        `${record.phase} did not complete in time (if the live read refused the call, the warning "live read refused ..." names why and its fix)`,
        nowMs,
        true,
      ),
    };
  }
  return { instance, groupSeen: group !== undefined };
}

/**
 * The note of a removal whose emptied node goes on to `unprotect` although demand is within the
 * scale-in margin (`StepContext.removalMayProceedWhenEmpty`): shown by `status` and in the
 * `ScaleInProtectionRemoved` Event.
 */
export const MARGIN_WAIVED_NOTE =
  'the node holds no broker and the other nodes carry the demand at the target: the scale-in margin no longer holds it';

/**
 * The note of a removal rolled back at its phase deadline while `removalMayProceed` held it: why it
 * waited (`removalWaitReason`, or demand within the scale-in margin), then `kept`.
 */
function waitedPastDeadlineNote(context: StepContext, kept: string): string {
  return context.removalWaitReason === undefined
    ? `demand stayed within the scale-in margin; ${kept}`
    : `the phase deadline passed while ${context.removalWaitReason}; ${kept}`;
}

/**
 * The instance's protection is being removed. Once the group shows it unprotected, terminate:
 * the record moves to `terminate` before the call, so a crash between the two calls resumes in
 * `terminate`, which checks the group again (and the adapter checks it before calling).
 */
function stepUnprotect(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
  config: ControllerConfig,
  nowMs: number,
): StepOutcome {
  const checked = leftOrRefilled(record, node, observed, config, nowMs);
  if ('outcome' in checked) return checked.outcome;
  if (!checked.groupSeen) {
    return outcome(record, { waiting: `group ${record.groupName} to be observed` });
  }
  if (checked.instance?.protectedFromScaleIn === true) {
    return outcome(record, {
      effect: unprotectEffect(record, node),
      waiting: `scale-in protection of ${record.instanceId} to be removed`,
    });
  }
  return outcome(enter(record, 'terminate', nowMs), {
    effect: terminateEffect(record, node),
    events: ['terminate-requested'],
  });
}

function stepTerminate(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
  config: ControllerConfig,
  nowMs: number,
): StepOutcome {
  const checked = leftOrRefilled(record, node, observed, config, nowMs);
  if ('outcome' in checked) return checked.outcome;
  if (checked.instance?.protectedFromScaleIn === true) {
    // Protected again since (by a person, or a record written before the unprotect step existed).
    return outcome(enter(record, 'unprotect', nowMs), {
      effect: unprotectEffect(record, node),
      waiting: `scale-in protection of ${record.instanceId} to be removed`,
    });
  }
  return outcome(record, {
    effect: terminateEffect(record, node),
    waiting: `instance ${record.instanceId} to terminate`,
  });
}

/**
 * The record with every time further ahead of `nowMs` than `toleranceMs` (the stale limit: a
 * writer's clock may be that far ahead and still have trusted its data) set to `nowMs`, or the
 * record itself when none is. A phase or move timed from the future would have no deadline
 * until then: a record edited by hand, or written by a machine whose clock was wrong.
 */
function withoutFutureTimes(
  record: OperationRecord,
  nowMs: number,
  toleranceMs: number,
): OperationRecord {
  const ahead = (atMs: number | undefined) => atMs !== undefined && atMs - nowMs > toleranceMs;
  if (
    !ahead(record.startedAtMs) &&
    !ahead(record.phaseStartedAtMs) &&
    !ahead(record.move?.requestedAtMs)
  ) {
    return record;
  }
  const clamp = (atMs: number) => (ahead(atMs) ? nowMs : atMs);
  return {
    ...record,
    startedAtMs: clamp(record.startedAtMs),
    ...(record.phaseStartedAtMs === undefined
      ? {}
      : { phaseStartedAtMs: clamp(record.phaseStartedAtMs) }),
    ...(record.move === undefined
      ? {}
      : { move: { ...record.move, requestedAtMs: clamp(record.move.requestedAtMs) } }),
  };
}

/**
 * Phases whose node is cordoned again at once when someone uncordons it, and rolled back if that
 * keeps happening past the phase deadline: brokers are being moved off it, or its instance is
 * (being) unprotected for termination.
 */
const KEEP_CORDONED: ReadonlySet<OperationPhase> = new Set(['drain', 'unprotect', 'terminate']);

/**
 * Why the node of `record` is going away, or undefined: the record is in `terminated` (its
 * instance left its group: terminated, or detached by someone), an observed group lists the
 * node's instance as leaving (`Terminating...`, `Terminated`, `Detaching`, `Detached`), or the
 * record's group is observed and no observed group lists the node's instance. Whatever
 * the phase, such a node of this controller's stays cordoned: a broker scheduled onto it would go
 * down with the instance (or run outside every group the controller counts). Pure.
 */
export function nodeGoingAway(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
): string | undefined {
  if (record.phase === 'terminated') {
    return `its instance ${record.instanceId ?? node.instanceId ?? '(unknown)'} left group ${record.groupName}`;
  }
  if (node.instanceId === undefined) return undefined;
  let listed = false;
  for (const group of observed.groups) {
    const instance = group.instances.find(each => each.instanceId === node.instanceId);
    if (instance === undefined) continue;
    listed = true;
    if (leavingState(instance.lifecycleState)) {
      return `its instance ${instance.instanceId} is ${instance.lifecycleState}`;
    }
  }
  // The record's group is in view but no group lists the instance: it left (terminated, or
  // detached by someone). An unobserved group says nothing.
  if (!listed && observed.groups.some(group => group.groupName === record.groupName)) {
    return `its instance ${node.instanceId} is in no observed group (it left group ${record.groupName})`;
  }
  return undefined;
}

/**
 * Why `record` is not an operation of `node` although it names it (name and UID): its `zone` is
 * not one of `config.zones` (the controller restarted with a configuration that dropped or renamed
 * it: that zone's broker pods and group are out of view), not the node's zone label, or its
 * `groupName` is not the observed group of the node's zone (when
 * that zone has one in view). `startOperation` copies both from the node and its zone's group, so
 * only an edit (a person changing the annotation to a valid but different operation) or a node
 * relabelled since makes them differ. Undefined when the record agrees. Pure.
 */
export function notThisNodesOperation(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
  config: ControllerConfig,
): string | undefined {
  if (!config.zones.some(zone => zone.zone === record.zone)) {
    // Restarted with a configuration without this zone: its broker pods (mapped by pool) and its
    // group are out of view, so its node would look empty and its removal wanted.
    return `the record on node ${node.name} names zone ${record.zone}, which is not one of the configured zones (${config.zones.map(zone => zone.zone).join(', ')})`;
  }
  if (record.zone !== node.zone) {
    return `the record on node ${node.name} names zone ${record.zone}, but the node is in zone ${node.zone}`;
  }
  const group = observed.groups.find(each => each.zone === node.zone);
  if (group !== undefined && group.groupName !== record.groupName) {
    return `the record on node ${node.name} names group ${record.groupName}, but zone ${node.zone}'s group is ${group.groupName}`;
  }
  return undefined;
}

/** Advances an operation by one transition. Pure. */
export function stepOperation(
  record: OperationRecord,
  observed: Observed,
  config: ControllerConfig,
  context: StepContext,
): StepOutcome {
  const { nowMs } = context;
  // Never step on a view that cannot be trusted: not even to adopt or to take an exit.
  const stale = staleDataBlocker(observed, config);
  if (stale !== undefined) return outcome(record, { waiting: stale.detail });
  if (record.unreadable !== undefined) {
    // An annotation this controller cannot read (a newer controller's record, an edit): stepping
    // it would act on the part it understood, and rewriting it (adopting it, say) would replace
    // its writer's record with this placeholder. Nothing is written; `decide` holds moves with
    // `operation-abandoned`, the note naming the way out.
    return outcome(record, { waiting: `an operator: ${record.note ?? record.unreadable}` });
  }
  if (context.recordNodeName !== undefined && context.recordNodeName !== record.nodeName) {
    const host = observed.nodes.find(each => each.name === context.recordNodeName);
    return releaseMoot(
      record,
      host,
      observed,
      config,
      nowMs,
      `node ${context.recordNodeName} carries a record for node ${record.nodeName} (a copy)`,
    );
  }
  if (record.fencingToken > context.fencingToken) {
    const sinceMs = context.foreignRecordSinceMs ?? nowMs;
    const adoptAfterMs = phaseDeadlines(config).adoptForeignRecord;
    if (nowMs - sinceMs < adoptAfterMs) {
      return outcome(record, {
        waiting: `record written by a newer leader (${record.holder}, token ${record.fencingToken}); adopting it if unchanged for ${Math.round(adoptAfterMs / 1000)}s`,
      });
    }
    // Unchanged for two lease durations while we hold the lease: its writer is gone (the Lease
    // was recreated, so its transition count started again).
    return outcome(
      { ...record, fencingToken: context.fencingToken, holder: context.holder },
      { events: ['adopted'] },
    );
  }
  if (record.fencingToken < context.fencingToken || record.holder !== context.holder) {
    return outcome(
      { ...record, fencingToken: context.fencingToken, holder: context.holder },
      { events: ['adopted'] },
    );
  }
  const restamped = withoutFutureTimes(record, nowMs, config.staleAfterSeconds * 1000);
  if (restamped !== record) {
    // Its deadlines would not start until then (an edit, or a writer whose clock was ahead):
    // restart them now, in a step of its own.
    return outcome(restamped, {
      waiting: `record times were ahead of this clock; its deadlines restart now`,
    });
  }
  const node = observed.nodes.find(each => each.name === record.nodeName);
  if (node === undefined) {
    return outcome(record, { waiting: `node ${record.nodeName} is gone` });
  }
  if (node.uid !== record.nodeUid) {
    // The record sits on another Node object of the same name (restored from a backup, or
    // recreated with its annotations): its operation is moot. Uncordon first, in a step of its
    // own (the record stays, so a crash or a refusal runs this exit again), then remove the record.
    return releaseMoot(
      record,
      node,
      observed,
      config,
      nowMs,
      `node ${node.name} was replaced (UID ${node.uid}, record for ${record.nodeUid})`,
    );
  }
  const foreign = notThisNodesOperation(record, node, observed, config);
  if (foreign !== undefined) {
    // A valid record that does not describe its own node (edited by hand, or the node relabelled):
    // stepping it would judge the removal by another zone's demand, move the broker towards a
    // zone it cannot reach, or take another group's view of the instance for the truth (absent
    // there: "terminated"). Dropped like a copy: its own cordon undone, protect first.
    return releaseMoot(record, node, observed, config, nowMs, foreign);
  }
  const away = nodeGoingAway(record, node, observed);
  if (away !== undefined && !node.unschedulable) {
    // Uncordoned by someone while its instance goes away: cordon it again, in any phase, never
    // roll back towards an uncordon. If it keeps happening past the phase deadline, the operation
    // is moot: the record goes, but only after this cordon went out (a crash in between repeats
    // both), and the node stays cordoned with this controller's marker for the orphaned-cordon
    // release, which keeps it so while its instance is leaving or in no group, and reports it.
    // `abandoned` keeps its record (it waits for an operator anyway).
    const cordon: Effect = { kind: 'cordon', nodeName: node.name, nodeUid: node.uid };
    if (record.phase !== 'abandoned' && overdue(record, config, nowMs)) {
      return outcome(undefined, {
        effect: cordon,
        effectFirst: true,
        events: ['re-cordoned', record.phase === 'terminated' ? 'node-remains' : 'rolled-back'],
      });
    }
    return outcome(record, {
      effect: cordon,
      waiting: `node ${node.name} to be cordoned again: ${away}`,
      events: ['re-cordoned'],
    });
  }
  if (KEEP_CORDONED.has(record.phase) && !node.unschedulable) {
    // Someone uncordoned the node mid-operation: cordon it again before anything else.
    if (overdue(record, config, nowMs)) {
      return rollBack(
        record,
        node,
        observed,
        config,
        'the node keeps being uncordoned',
        nowMs,
        true,
      );
    }
    if (record.kind === 'remove-node' && UNPROTECTED_PHASES.has(record.phase)) {
      // A removal whose instance's protection may be off (an unprotect asked for, or taken): a
      // Pending broker may be bound to the node at once, and anything lowering the group's
      // desired capacity would pick exactly this instance. Protect it first, whatever the view
      // shows, then back to `drain` (which cordons the node again, and whose deadline rolls the
      // removal back if the uncordons go on). Before, the step only cordoned it again, each pass,
      // so an uncordon that kept coming back (a tool reverting cordons) left the instance
      // unprotected, brokers landing on it, until this phase's deadline (review s32-a fault 2).
      return protectFirst(
        record,
        node,
        config,
        nowMs,
        enter(withoutNote(record), 'drain', nowMs),
        `node ${node.name} was uncordoned in ${record.phase}`,
        [],
        `scale-in protection of ${record.instanceId ?? '(none)'} written again: node ${node.name} was uncordoned in ${record.phase}`,
      );
    }
    return outcome(record, {
      effect: { kind: 'cordon', nodeName: node.name, nodeUid: node.uid },
      waiting: `node ${node.name} to be cordoned again`,
      events: ['re-cordoned'],
    });
  }
  switch (record.phase) {
    case 'cordon':
      if (node.unschedulable) {
        // A re-spread notes the brokers on its node as the drain begins (see `drainPods`).
        const drainPods =
          record.kind === 'respread'
            ? observed.brokers
                .filter(broker => broker.nodeName === record.nodeName)
                .map(broker => ({ podName: broker.podName, podUid: broker.uid }))
                .sort((a, b) => a.podName.localeCompare(b.podName))
            : undefined;
        return outcome(enter(record, 'drain', nowMs, drainPods === undefined ? {} : { drainPods }));
      }
      if (overdue(record, config, nowMs)) {
        return rollBack(
          record,
          node,
          observed,
          config,
          'the node could not be cordoned',
          nowMs,
          true,
        );
      }
      return outcome(record, {
        effect: { kind: 'cordon', nodeName: node.name, nodeUid: node.uid },
      });
    case 'drain':
      return stepDrain(record, node, observed, config, context);
    case 'uncordon': {
      // Protect before uncordon (`releaseNode`): a removal rolled back after its unprotect waits
      // here, cordoned, until its instance is observed protected again. A record from before that
      // order gets its protection written first, whatever the view shows.
      const legacy = protectBeforeRelease(record, node, observed);
      if (legacy !== undefined) {
        if (!overdue(record, config, nowMs)) return legacy;
        // Past the deadline (a protect that keeps failing): abandoned, node still cordoned, the
        // record still without a version, so the `abandoned` step protects before it uncordons.
        return outcome(
          enter(withoutMove(record), 'abandoned', nowMs, {
            note: `the node could not be uncordoned: ${legacy.waiting}`,
          }),
          { effect: legacy.effect, events: ['abandoned'] },
        );
      }
      const release = releaseNode(node, observed);
      if (release.effect === undefined && release.waiting === undefined) {
        // Done: a respread that moved its broker completes; a rollback (it has a note) just ends.
        // A cordon without this controller's marker is someone else's, made since: it stays.
        const completed = record.kind === 'respread' && record.note === undefined;
        // A re-spread of the node that completed is progress: its rollback tally goes.
        const progress = completed && node.rollbacks?.kind === 'respread';
        return outcome(undefined, {
          events: completed ? ['completed'] : [],
          ...(progress ? { rollbacks: null } : {}),
        });
      }
      if (overdue(record, config, nowMs)) {
        return abandon(
          record,
          node,
          observed,
          release.waiting === undefined
            ? 'the node could not be uncordoned'
            : `the node could not be uncordoned: ${release.waiting}`,
          nowMs,
          ['abandoned'],
        );
      }
      return outcome(record, { effect: release.effect, waiting: release.waiting });
    }
    case 'unprotect':
      return stepUnprotect(record, node, observed, config, nowMs);
    case 'terminate':
      return stepTerminate(record, node, observed, config, nowMs);
    case 'terminated':
      if (overdue(record, config, nowMs)) {
        // The instance left its group but the Node object stays: let the operation go and say so.
        return outcome(undefined, { events: ['node-remains'] });
      }
      return outcome(record, { waiting: `node ${node.name} to leave the cluster` });
    case 'abandoned': {
      const legacy = protectBeforeRelease(record, node, observed);
      if (legacy !== undefined) return legacy;
      const release = releaseNode(node, observed);
      return outcome(record, {
        effect: release.effect,
        waiting: `an operator: ${record.note ?? 'operation abandoned'}${
          release.waiting === undefined ? '' : ` (${release.waiting})`
        }`,
      });
    }
  }
}
