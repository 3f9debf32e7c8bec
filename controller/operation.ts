/**
 * The move and scale-in state machine, as plain functions. Each call to `stepOperation` performs
 * one transition: it reads the record stored on the node and the current observation, and returns
 * the next record and at most one side effect. Every effect is idempotent and its completion is
 * observable, so a controller that crashes between any two steps resumes from the record.
 *
 *   respread:    cordon -> drain (one move) -> uncordon -> (record removed)
 *   remove-node: cordon -> drain (moves, one at a time) -> unprotect -> terminate -> terminated
 *                -> (node gone)
 *   any drain whose move fails twice -> abandoned (node uncordoned; the controller holds)
 */
import type { ControllerConfig } from './config';
import type { Action, Observed, ObservedBroker, ObservedInstance, ObservedNode } from './model';
import type { MoveRecord, OperationRecord } from './operation-record';
import { kafkaBlocker } from './safety';

/** The one side effect a step asks for. */
export type Effect =
  | { readonly kind: 'cordon'; readonly nodeName: string; readonly nodeUid: string }
  | { readonly kind: 'uncordon'; readonly nodeName: string; readonly nodeUid: string }
  | { readonly kind: 'request-roll'; readonly podName: string; readonly podUid: string }
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
  | 'completed';

/** The result of one step. */
export interface StepOutcome {
  /** The record to store on the node; undefined removes it. */
  readonly next: OperationRecord | undefined;
  /** The side effect to perform, if any. */
  readonly effect: Effect | undefined;
  /**
   * Perform the effect before storing `next` (only for roll requests: a crash in between leaves
   * an annotated pod, which the next step adopts). Otherwise store first, then act.
   */
  readonly effectFirst: boolean;
  /** What the operation waits for, when it waits. */
  readonly waiting: string | undefined;
  /** What happened in this step. */
  readonly events: readonly OperationEvent[];
}

/** Who is stepping, and when. */
export interface StepContext {
  /** Epoch ms of this step. */
  readonly nowMs: number;
  /** The leader's lease transitions; records written by a newer leader are left alone. */
  readonly fencingToken: number;
  /** The leader's identity. */
  readonly holder: string;
  /** False when the zone needs the node being removed again (demand rose): roll back. */
  readonly removalStillWanted: boolean;
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
    fencingToken: context.fencingToken,
    holder: context.holder,
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
  };
}

function withoutMove(record: OperationRecord): OperationRecord {
  const { move, ...rest } = record;
  void move;
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
  return observed.underReplicatedPartitions === 0 && observed.underMinIsrPartitions === 0;
}

function abandon(record: OperationRecord, node: ObservedNode, note: string): StepOutcome {
  return outcome(
    { ...withoutMove(record), phase: 'abandoned', note },
    {
      effect: node.unschedulable
        ? { kind: 'uncordon', nodeName: node.name, nodeUid: node.uid }
        : undefined,
      events: ['move-failed', 'abandoned'],
    },
  );
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
      { ...withoutMove(record), movesDone: record.movesDone + 1 },
      { events: ['move-finished'] },
    );
  }
  const elapsedSeconds = (context.nowMs - move.requestedAtMs) / 1000;
  if (elapsedSeconds <= config.moveTimeoutSeconds) {
    return outcome(record, { waiting: `move of ${move.podName} (attempt ${move.attempt})` });
  }
  if (move.attempt === 2) {
    return abandon(record, node, `move of ${move.podName} did not finish after one retry`);
  }
  const retried: OperationRecord = {
    ...record,
    move: { ...move, attempt: 2, requestedAtMs: context.nowMs },
  };
  // Ask again only if Strimzi never recreated the pod (the annotation was dropped or refused).
  const stillOriginal = pod !== undefined && pod.uid === move.podUid;
  return outcome(retried, {
    effect: stillOriginal
      ? { kind: 'request-roll', podName: move.podName, podUid: move.podUid }
      : undefined,
    effectFirst: true,
    events: ['move-retried'],
  });
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
  const finished = record.kind === 'respread' ? record.movesDone >= 1 : onNode.length === 0;
  if (finished || onNode.length === 0) {
    if (record.kind === 'respread') {
      return outcome(
        { ...record, phase: 'uncordon' },
        { effect: { kind: 'uncordon', nodeName: node.name, nodeUid: node.uid } },
      );
    }
    // Empty: take the scale-in protection off exactly this instance before terminating it.
    return outcome(
      { ...record, phase: 'unprotect' },
      { effect: unprotectEffect(record, node), events: ['unprotect-requested'] },
    );
  }
  if (record.kind === 'remove-node' && !context.removalStillWanted) {
    return outcome(
      { ...record, phase: 'uncordon', note: 'demand rose; node kept' },
      {
        effect: { kind: 'uncordon', nodeName: node.name, nodeUid: node.uid },
        events: ['rolled-back'],
      },
    );
  }
  const blocker = kafkaBlocker(observed, config);
  if (blocker !== undefined) return outcome(record, { waiting: blocker.detail });
  const broker = onNode[0];
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
    {
      effect: { kind: 'request-roll', podName: broker.podName, podUid: broker.uid },
      effectFirst: true,
      events: ['move-started'],
    },
  );
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
 * already left (done), or a broker landed on the node again (back to drain).
 */
function leftOrRefilled(
  record: OperationRecord,
  observed: Observed,
): { outcome: StepOutcome } | { instance: ObservedInstance | undefined; groupSeen: boolean } {
  const group = observed.groups.find(each => each.groupName === record.groupName);
  const instance = group?.instances.find(each => each.instanceId === record.instanceId);
  if (
    group !== undefined &&
    (instance === undefined || instance.lifecycleState.startsWith('Terminat'))
  ) {
    return {
      outcome: outcome({ ...record, phase: 'terminated' }, { events: ['instance-terminated'] }),
    };
  }
  if (observed.brokers.some(broker => broker.nodeName === record.nodeName)) {
    return {
      outcome: outcome(
        { ...record, phase: 'drain' },
        { waiting: 'a broker landed on the node again' },
      ),
    };
  }
  return { instance, groupSeen: group !== undefined };
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
): StepOutcome {
  const checked = leftOrRefilled(record, observed);
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
  return outcome(
    { ...record, phase: 'terminate' },
    { effect: terminateEffect(record, node), events: ['terminate-requested'] },
  );
}

function stepTerminate(
  record: OperationRecord,
  node: ObservedNode,
  observed: Observed,
): StepOutcome {
  const checked = leftOrRefilled(record, observed);
  if ('outcome' in checked) return checked.outcome;
  if (checked.instance?.protectedFromScaleIn === true) {
    // Protected again since (by a person, or a record written before the unprotect step existed).
    return outcome(
      { ...record, phase: 'unprotect' },
      {
        effect: unprotectEffect(record, node),
        waiting: `scale-in protection of ${record.instanceId} to be removed`,
      },
    );
  }
  return outcome(record, {
    effect: terminateEffect(record, node),
    waiting: `instance ${record.instanceId} to terminate`,
  });
}

/** Advances an operation by one transition. Pure. */
export function stepOperation(
  record: OperationRecord,
  observed: Observed,
  config: ControllerConfig,
  context: StepContext,
): StepOutcome {
  if (record.fencingToken > context.fencingToken) {
    return outcome(record, { waiting: `record written by a newer leader (${record.holder})` });
  }
  if (record.fencingToken < context.fencingToken || record.holder !== context.holder) {
    return outcome(
      { ...record, fencingToken: context.fencingToken, holder: context.holder },
      { events: ['adopted'] },
    );
  }
  const node = observed.nodes.find(each => each.name === record.nodeName);
  if (node === undefined || node.uid !== record.nodeUid) {
    return outcome(record, { waiting: `node ${record.nodeName} is gone or was replaced` });
  }
  switch (record.phase) {
    case 'cordon':
      if (node.unschedulable) return outcome({ ...record, phase: 'drain' });
      return outcome(record, {
        effect: { kind: 'cordon', nodeName: node.name, nodeUid: node.uid },
      });
    case 'drain':
      return stepDrain(record, node, observed, config, context);
    case 'uncordon':
      if (!node.unschedulable) {
        return outcome(undefined, { events: record.kind === 'respread' ? ['completed'] : [] });
      }
      return outcome(record, {
        effect: { kind: 'uncordon', nodeName: node.name, nodeUid: node.uid },
      });
    case 'unprotect':
      return stepUnprotect(record, node, observed);
    case 'terminate':
      return stepTerminate(record, node, observed);
    case 'terminated':
      return outcome(record, { waiting: `node ${node.name} to leave the cluster` });
    case 'abandoned':
      return outcome(record, {
        effect: node.unschedulable
          ? { kind: 'uncordon', nodeName: node.name, nodeUid: node.uid }
          : undefined,
        waiting: `a human: ${record.note ?? 'operation abandoned'}`,
      });
  }
}
