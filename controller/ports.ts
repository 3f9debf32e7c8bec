/**
 * What the controller needs from the outside world, as interfaces. The adapters implement them;
 * tests and the simulator implement them with fakes.
 */
import type { Observed, ObservedBroker, ObservedNode, OtherBrokerPod } from './model';
import type { OperationRecord } from './operation-record';
import type { RollbackTally } from './rollback-loop';

/**
 * The `metadata.resourceVersion` of a node right before a guarded write (`before`: the fresh read
 * its patch tested) and right after it (`after`: what the patch answered; equal to `before` when
 * the patch changed nothing). Kubernetes promises only equality of resource versions (the API
 * conventions call them opaque), which is all `own-writes.ts` uses: a view showing a version that
 * is none of those this process knows at or before its write shows a later one.
 */
export interface WriteVersions {
  readonly before: string;
  readonly after: string;
}

/** Writes to Kubernetes. Each write re-reads the object and checks its UID first. */
export interface ClusterWriter {
  /**
   * Stores (or with undefined removes) the operation record on the node, guarded by the node's
   * resourceVersion: fails when the node changed since it was observed. `rollbacks`, when given,
   * is the node's rollback tally (`ROLLBACK_TALLY_ANNOTATION`) set, or with null removed, in the
   * same patch; undefined leaves it as it is.
   */
  writeOperation(
    node: ObservedNode,
    record: OperationRecord | undefined,
    rollbacks?: RollbackTally | null,
  ): Promise<WriteVersions | void>;
  /**
   * Cordons or uncordons the node with this UID; a cordon also sets `CORDON_ANNOTATION` and an
   * uncordon removes it, in the same write. Answers the node's versions around the write when the
   * writer knows them; a write not sent because the node already is as it would leave it (someone
   * else's cordon, left as it is) answers the version it read as both (review s35-f).
   */
  setUnschedulable(
    nodeName: string,
    nodeUid: string,
    unschedulable: boolean,
  ): Promise<WriteVersions | void>;
  /**
   * Annotates the pod with this UID `strimzi.io/manual-rolling-update=true`. `mayRoll`, when
   * given, is asked right before the patch goes out, after the waits in front of it (the token
   * bucket, a 429 pause, the adapter's read of the pod): a reason it returns stops the write, and
   * the result is `refused`. The caller's live read of the broker pods belongs there.
   */
  requestRoll(
    podName: string,
    podUid: string,
    mayRoll?: () => Promise<string | undefined>,
  ): Promise<'refused' | void>;
}

/**
 * A live read of one node, bypassing the informer caches, made right before the two irreversible
 * steps of a removal (unprotect and terminate): the cached pod view may be up to
 * `staleAfterSeconds` old, and a broker may have landed on the node since (after someone
 * uncordoned it).
 */
export interface LiveNodeCheck {
  /** The node's `spec.unschedulable` and the broker pods bound to it now (pod names). */
  nodeNow(
    nodeName: string,
  ): Promise<{ readonly unschedulable: boolean; readonly brokers: readonly string[] }>;
  /**
   * Names of every Node of the cluster (one LIST without a label selector, not the informer
   * cache) whose `spec.providerID` names this EC2 instance, sorted; empty when none does. Read
   * right before the node-less exit (`nodeless.ts`) terminates an instance: the cached Kafka node
   * view lists nodes by label, so a Node whose label changed, or one the cache has not shown yet,
   * would make its instance look node-less.
   */
  nodesOfInstance(instanceId: string): Promise<readonly string[]>;
}

/**
 * A live read of every Node of the cluster (one LIST without a label selector, not the informer
 * cache), made right before the first record of a new operation: a record on a node outside the
 * cached Kafka node view (its label changed, or the cache has not caught up) would otherwise be
 * unseen, and a second operation would start beside it.
 */
export interface LiveRecordCheck {
  /** Names of the nodes that carry an operation record now, sorted. */
  nodesWithRecords(): Promise<readonly string[]>;
}

/**
 * A live read of the broker pods (one LIST with the broker label selector, not the informer
 * cache), made right before every roll request (a move, or its retry). A roll takes a broker down,
 * and the cached pod view counts as fresh while any pod event arrives: a watch that delivers
 * another actor's change late (a broker deleted, restarting, rolled by someone, NotReady) would let
 * a second broker go down beside it, while the partition counts may not show the first one yet
 * (a broker shutting down keeps its replicas in sync until it stops, and a follower leaves the ISR
 * only after `replica.lag.time.max.ms`).
 */
export interface LiveBrokerCheck {
  /** Every broker pod of the cluster now, mapped as the cached view maps them (`observeBroker`). */
  brokersNow(): Promise<readonly ObservedBroker[]>;
  /**
   * The pods of the broker selector outside the configured pools now (those `observeBroker` maps
   * to no broker: `Observed.otherBrokerPods`), by name and `spec.nodeName`. Read right before a
   * removal's unprotect and terminate: one of them Pending may be bound to the node whatever its
   * cordon, and its zone cannot be told (review s34-a, item 1a). Optional for stand-ins that model
   * no such pods; the Kubernetes adapter has it. Throws when the list fails.
   */
  otherBrokerPodsNow?(): Promise<readonly OtherBrokerPod[]>;
}

/** Writes to the Auto Scaling API. */
export interface GroupWriter {
  /** Raises desired capacity; never used to lower it. */
  raiseDesiredCapacity(groupName: string, desired: number): Promise<void>;
  /**
   * Gives up launches that never got an instance (`nodeless.ts`, `LaunchShortfall`): lowers the
   * group's desired capacity from `fromDesired` to `toDesired`, only if a read of the group right
   * before the write still shows `fromDesired`, no more instances counting toward it than
   * `toDesired`, `toDesired` at least its min size, and every InService instance protected from
   * scale-in; otherwise writes nothing and returns `changed`. Auto Scaling has no conditional
   * write, so this re-read is the condition; lowering to the instances the group has picks none of
   * them. Returns `lowered` when the group wants `toDesired` after the call (also when it already
   * did).
   */
  lowerDesiredCapacity(
    groupName: string,
    fromDesired: number,
    toDesired: number,
  ): Promise<'lowered' | 'changed'>;
  /**
   * Terminates exactly this instance and decrements desired capacity, after checking the group:
   * returns without calling when the instance is already leaving the group. `mayTerminate`, when
   * given, is asked right before each call goes out, after every wait in front of it (the
   * per-group spacing of mutating calls, a retry's backoff): a reason it returns stops the call,
   * and the result is `refused`. The caller's live read of what the instance hosts belongs there:
   * read before those waits, it could be seconds to minutes old when the instance goes.
   */
  terminateInstance(
    groupName: string,
    instanceId: string,
    mayTerminate?: () => Promise<string | undefined>,
  ): Promise<'requested' | 'already-leaving' | 'refused'>;
  /**
   * Sets or clears `ProtectedFromScaleIn` on these instances of the group (idempotent; the adapter
   * sends at most 50 IDs per call, the API's limit). `mayUnprotect`, when given and
   * `protectedFromScaleIn` is false, is asked right before each call goes out, after every wait in
   * front of it (the per-group spacing of mutating calls, a retry's backoff): a reason it returns
   * stops the call, and the result is `refused`: the instances keep their protection (a writer
   * that sent an unprotect for some of them before, an earlier chunk or an earlier attempt whose
   * outcome is unknown, such as a timeout, protects those again first, review s26-b; a protect
   * that fails then throws). The caller's live read of what the instance hosts belongs there, as for
   * `terminateInstance`: an instance must not lose its protection with a broker aboard (review
   * s26-a). Not asked for a protect, which is always safe.
   */
  setInstanceProtection(
    groupName: string,
    instanceIds: readonly string[],
    protectedFromScaleIn: boolean,
    mayUnprotect?: () => Promise<string | undefined>,
  ): Promise<'refused' | void>;
}

/** A Kubernetes Event on the `Kafka` resource. */
export interface ControllerEvent {
  readonly type: 'Normal' | 'Warning';
  /** CamelCase reason, for example `ScaleOut`. */
  readonly reason: string;
  readonly message: string;
}

/** Reports Events; failures are logged, never fatal. */
export interface EventRecorder {
  record(event: ControllerEvent): Promise<void>;
}

/** Who leads, from the Lease. */
export interface Leadership {
  /** True while the lease is held and was renewed within the renew deadline. */
  readonly leading: boolean;
  /** Lease transitions when this replica acquired it. */
  readonly fencingToken: number;
  /** This replica's identity. */
  readonly holder: string;
}

/** Gathers one observation. */
export type Observe = () => Promise<Observed>;
