/**
 * The controller's safety invariants, checked over a recorded history. The same checker reads the
 * history of the in-memory fake cluster (test/controller) and of the end-to-end tier (a real
 * control plane), so the history format is small, generic and plain JSON: snapshots of what was
 * true (pods, nodes, groups, Kafka health) and the writes and operation states the controller
 * produced, each stamped with a time in epoch milliseconds.
 *
 * Invariants (issue #10, "How it is checked"):
 *
 * 1. `two-brokers-down`: no instant with two broker pods down. A broker pod named in the `setup`
 *    event is down while it is missing from the latest `pods` snapshot, unbound (no `nodeName`) or
 *    not Ready.
 * 2. `terminated-with-broker`: no termination of an instance whose node has a broker bound, judged
 *    against the latest `pods` and `nodes` snapshots at the instant of the `terminate` write.
 * 3. `unbalanced-desired`: no desired capacity written (`set-desired`) outside the balanced levels.
 *    A `terminate` write that decrements desired capacity is a step of a scale-in, not a desired
 *    capacity write, and is not judged here.
 * 4. `move-while-unhealthy`: no move (`request-roll` write) while the latest `kafka` snapshot says
 *    under-replicated partitions are above 0 or Kafka is not Ready (or before any `kafka` snapshot).
 * 5. `operation-overdue`: every operation ends, by success (its record removed) or a defined exit
 *    (record removed after a rollback, or phase `abandoned`), within its deadlines: each state of
 *    an operation (its phase, moves done and move attempt) lasts at most `stateDeadlineMs`, and the
 *    whole operation at most `operationDeadlineMs` when given. An operation still open at the end
 *    of the history is judged at the time of the last event.
 * 6. `two-operations`: no operation starts (its first record appears) while another one is open
 *    (recorded and not abandoned): one operation, hence one move, at a time.
 * 7. `uncordon-unprotected`: no `uncordon` write of a node whose instance the latest `nodes`
 *    snapshot shows InService and not protected from scale-in (`protectedFromScaleIn: false`):
 *    protect before uncordon, so no broker lands on an instance a lowered desired capacity may
 *    pick. Judged only where the history reports the protection (the field is optional).
 *
 * Snapshots are full states: a `pods` snapshot lists every broker pod seen at that instant. The
 * history must start with one `setup` event; events must be in time order (equal times allowed).
 */

/** Common to every history event. */
interface At {
  /** When it happened or was seen, epoch ms. */
  readonly atMs: number;
}

/** What the checker needs to know about the platform; first event of a history. */
export interface SetupEvent extends At {
  readonly kind: 'setup';
  /** Node counts per zone that carry equal brokers per node, for example `[1, 2, 4]`. */
  readonly balancedNodeCounts: readonly number[];
  /** Every broker pod name of the cluster (pods keep their names across restarts). */
  readonly brokerPods: readonly string[];
  /** Longest time one operation state (phase, moves done, move attempt) may last, ms. */
  readonly stateDeadlineMs: number;
  /** Longest time one operation may last from its first record to its end, ms; optional. */
  readonly operationDeadlineMs?: number;
}

/** The broker pods as they are at `atMs` (all of them). */
export interface PodsEvent extends At {
  readonly kind: 'pods';
  readonly pods: ReadonlyArray<{
    readonly name: string;
    /** `spec.nodeName`; absent while Pending. */
    readonly nodeName?: string;
    /** Condition `Ready` is `True`. */
    readonly ready: boolean;
  }>;
}

/** The Kafka nodes as they are at `atMs` (all of them). */
export interface NodesEvent extends At {
  readonly kind: 'nodes';
  readonly nodes: ReadonlyArray<{
    readonly name: string;
    /** EC2 instance ID from `spec.providerID`, when known. */
    readonly instanceId?: string;
    /** `spec.unschedulable`. */
    readonly unschedulable: boolean;
    /**
     * `ProtectedFromScaleIn` of the node's instance while it is InService; absent when the
     * history does not know it or the instance is in another lifecycle state.
     */
    readonly protectedFromScaleIn?: boolean;
  }>;
}

/** One Auto Scaling group as it is at `atMs` (informational; no invariant reads it yet). */
export interface GroupEvent extends At {
  readonly kind: 'group';
  readonly groupName: string;
  readonly desired: number;
  readonly min: number;
  readonly max: number;
  /** Instance IDs in the group, any lifecycle state. */
  readonly instances: readonly string[];
}

/** Kafka health as it is at `atMs`. */
export interface KafkaEvent extends At {
  readonly kind: 'kafka';
  /** The `Kafka` resource's `Ready` condition is `True`. */
  readonly ready: boolean;
  /** Under-replicated partitions across the cluster. */
  readonly underReplicatedPartitions: number;
}

/** Kinds of controller writes the checker knows. */
export type WriteKind =
  | 'set-desired'
  | 'lower-desired'
  | 'terminate'
  | 'request-roll'
  | 'cordon'
  | 'uncordon'
  | 'protect'
  | 'unprotect'
  | 'record';

/** A write the controller made (that reached the API), at the instant it took effect. */
export interface WriteEvent extends At {
  readonly kind: 'write';
  readonly write: WriteKind;
  /** Group written (`set-desired`, `terminate`, `protect`, `unprotect`). */
  readonly groupName?: string;
  /** Instance terminated or (un)protected. */
  readonly instanceId?: string;
  /** Desired capacity written (`set-desired`, `lower-desired`). */
  readonly desired?: number;
  /** Pod asked to roll (`request-roll`). */
  readonly podName?: string;
  /** Node cordoned, uncordoned or annotated (`record`). */
  readonly nodeName?: string;
  /**
   * What a `record` write stored, when the writer says (the e2e write tap decodes it): the
   * record's fields the fault scenarios tell its steps apart by, or `{}` for a removal.
   */
  readonly record?: RecordWritten;
}

/** The fields of an operation record a `record` write stored; all absent for a removal. */
export interface RecordWritten {
  /** Operation ID. */
  readonly id?: string;
  /** Phase written, for example `drain`. */
  readonly phase?: string;
  /** Moves finished so far. */
  readonly movesDone?: number;
  /** True when the record carries a move in flight. */
  readonly moving?: boolean;
  /** Replica that wrote it (the record's `holder`). */
  readonly holder?: string;
}

/**
 * The operation record stored on a node, as it is at `atMs`: emit one whenever it is seen to
 * change. `phase` absent means the record was removed (the operation ended).
 */
export interface OperationEvent extends At {
  readonly kind: 'operation';
  /** Operation ID. */
  readonly id: string;
  /** Node carrying the record. */
  readonly nodeName: string;
  /** Phase, for example `drain`; absent once the record is removed. */
  readonly phase?: string;
  /** Brokers moved off the node so far. */
  readonly movesDone?: number;
  /** Attempt of the move in flight (1 or 2); absent without a move. */
  readonly moveAttempt?: number;
}

/** A Kubernetes Event the controller emitted (informational). */
export interface ControllerEventRecord extends At {
  readonly kind: 'event';
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/** One entry of a history. */
export type HistoryEvent =
  | SetupEvent
  | PodsEvent
  | NodesEvent
  | GroupEvent
  | KafkaEvent
  | WriteEvent
  | OperationEvent
  | ControllerEventRecord;

/** Names of the invariants. */
export type InvariantName =
  | 'two-brokers-down'
  | 'terminated-with-broker'
  | 'unbalanced-desired'
  | 'move-while-unhealthy'
  | 'operation-overdue'
  | 'two-operations'
  | 'uncordon-unprotected'
  | 'malformed-history';

/** One broken invariant. */
export interface Violation {
  readonly invariant: InvariantName;
  /** When, epoch ms. */
  readonly atMs: number;
  /** What broke, in a sentence. */
  readonly detail: string;
}

interface OpenOperation {
  readonly id: string;
  readonly nodeName: string;
  readonly startedAtMs: number;
  stateKey: string;
  stateSinceMs: number;
}

/** Checks the invariants over a history; returns every violation found, in time order. */
export function checkInvariants(history: readonly HistoryEvent[]): Violation[] {
  const violations: Violation[] = [];
  const setup = history[0];
  if (setup === undefined || setup.kind !== 'setup') {
    return [{ invariant: 'malformed-history', atMs: 0, detail: 'first event must be setup' }];
  }
  const levels = new Set(setup.balancedNodeCounts);
  let pods: PodsEvent['pods'] | undefined;
  let nodes: NodesEvent['nodes'] | undefined;
  let kafka: KafkaEvent | undefined;
  let lastAtMs = setup.atMs;
  const open = new Map<string, OpenOperation>();

  const overdue = (operation: OpenOperation, atMs: number) => {
    if (atMs - operation.stateSinceMs > setup.stateDeadlineMs) {
      violations.push({
        invariant: 'operation-overdue',
        atMs,
        detail: `operation ${operation.id} on ${operation.nodeName} stayed in ${operation.stateKey} for ${atMs - operation.stateSinceMs} ms (deadline ${setup.stateDeadlineMs} ms)`,
      });
    }
    const total = setup.operationDeadlineMs;
    if (total !== undefined && atMs - operation.startedAtMs > total) {
      violations.push({
        invariant: 'operation-overdue',
        atMs,
        detail: `operation ${operation.id} on ${operation.nodeName} ran ${atMs - operation.startedAtMs} ms (deadline ${total} ms)`,
      });
    }
  };

  for (const event of history.slice(1)) {
    if (event.atMs < lastAtMs) {
      violations.push({
        invariant: 'malformed-history',
        atMs: event.atMs,
        detail: `event ${event.kind} at ${event.atMs} is earlier than the previous one at ${lastAtMs}`,
      });
    }
    lastAtMs = Math.max(lastAtMs, event.atMs);
    switch (event.kind) {
      case 'setup':
        violations.push({
          invariant: 'malformed-history',
          atMs: event.atMs,
          detail: 'a second setup event',
        });
        break;
      case 'pods': {
        pods = event.pods;
        const byName = new Map(event.pods.map(pod => [pod.name, pod]));
        const down = setup.brokerPods.filter(name => {
          const pod = byName.get(name);
          return pod === undefined || pod.nodeName === undefined || !pod.ready;
        });
        if (down.length >= 2) {
          violations.push({
            invariant: 'two-brokers-down',
            atMs: event.atMs,
            detail: `broker pods down at once: ${down.join(', ')}`,
          });
        }
        break;
      }
      case 'nodes':
        nodes = event.nodes;
        break;
      case 'kafka':
        kafka = event;
        break;
      case 'write':
        checkWrite(event, { levels, pods, nodes, kafka }, violations);
        break;
      case 'operation': {
        const current = open.get(event.id);
        if (event.phase === undefined || event.phase === 'abandoned') {
          if (current !== undefined) overdue(current, event.atMs);
          open.delete(event.id);
          break;
        }
        const stateKey = `${event.phase}/moves ${event.movesDone ?? 0}/attempt ${event.moveAttempt ?? 0}`;
        if (current === undefined) {
          const other = [...open.values()][0];
          if (other !== undefined) {
            violations.push({
              invariant: 'two-operations',
              atMs: event.atMs,
              detail: `operation ${event.id} on ${event.nodeName} started while ${other.id} on ${other.nodeName} was open`,
            });
          }
          open.set(event.id, {
            id: event.id,
            nodeName: event.nodeName,
            startedAtMs: event.atMs,
            stateKey,
            stateSinceMs: event.atMs,
          });
        } else if (current.stateKey !== stateKey) {
          overdue(current, event.atMs);
          current.stateKey = stateKey;
          current.stateSinceMs = event.atMs;
        }
        break;
      }
      case 'group':
      case 'event':
        break;
    }
  }
  for (const operation of open.values()) overdue(operation, lastAtMs);
  return violations.sort((a, b) => a.atMs - b.atMs);
}

function checkWrite(
  event: WriteEvent,
  state: {
    readonly levels: ReadonlySet<number>;
    readonly pods: PodsEvent['pods'] | undefined;
    readonly nodes: NodesEvent['nodes'] | undefined;
    readonly kafka: KafkaEvent | undefined;
  },
  violations: Violation[],
): void {
  const { atMs } = event;
  if (event.write === 'set-desired') {
    if (event.desired === undefined || !state.levels.has(event.desired)) {
      violations.push({
        invariant: 'unbalanced-desired',
        atMs,
        detail: `desired capacity ${event.desired} written on ${event.groupName}; balanced levels are ${[...state.levels].join('/')}`,
      });
    }
  } else if (event.write === 'terminate') {
    const node = state.nodes?.find(each => each.instanceId === event.instanceId);
    const aboard =
      node === undefined ? [] : (state.pods ?? []).filter(pod => pod.nodeName === node.name);
    if (aboard.length > 0) {
      violations.push({
        invariant: 'terminated-with-broker',
        atMs,
        detail: `instance ${event.instanceId} terminated while node ${node?.name} hosts ${aboard.map(pod => pod.name).join(', ')}`,
      });
    }
  } else if (event.write === 'uncordon') {
    const node = state.nodes?.find(each => each.name === event.nodeName);
    if (node?.protectedFromScaleIn === false) {
      violations.push({
        invariant: 'uncordon-unprotected',
        atMs,
        detail: `node ${node.name} uncordoned while its instance ${node.instanceId} is not protected from scale-in`,
      });
    }
  } else if (event.write === 'request-roll') {
    const kafka = state.kafka;
    if (kafka === undefined || !kafka.ready || kafka.underReplicatedPartitions > 0) {
      violations.push({
        invariant: 'move-while-unhealthy',
        atMs,
        detail: `roll of ${event.podName} requested while ${
          kafka === undefined
            ? 'Kafka health was unknown'
            : !kafka.ready
              ? 'Kafka was not Ready'
              : `${kafka.underReplicatedPartitions} partitions were under-replicated`
        }`,
      });
    }
  }
}
