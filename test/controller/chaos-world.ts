/**
 * A fault-injecting in-memory world for the controller's property test: Kafka nodes, broker pods,
 * one Auto Scaling group per zone, Strimzi, Kafka's replication health, a Lease, and the views the
 * controller's adapters would report, each of which can go stale, missing, partial or NaN. The
 * world plays the cloud (launches and terminates instances, lets nodes join and leave), Strimzi
 * (recreates a pod asked to roll; the new pod starts, becomes Ready and catches up), the scheduler
 * (a Pending broker goes to the least loaded schedulable Ready node of its zone), people (foreign
 * cordons and uncordons, desired/min/max edits, an operator who clears abandoned records) and
 * the faults of issue #10. It records the history the invariant checker reads (`invariants.ts`).
 *
 * A stand-in: this is a model of the real parts, small enough to run hundreds of schedules in
 * seconds. The end-to-end tier records the same history from a real control plane.
 */
import type { ControllerConfig } from '../../controller/config';
import type {
  BrokerLoad,
  Observed,
  ObservedBroker,
  ObservedGroup,
  ObservedNode,
} from '../../controller/model';
import { decodeOperationRecord, type OperationRecord } from '../../controller/operation-record';
import {
  DEFAULT_ROLLBACK_LOOP_BACKOFF_SECONDS,
  decodeRollbackTally,
  encodeRollbackTally,
  rollbackLoopLimit,
  type RollbackTally,
} from '../../controller/rollback-loop';
import type {
  ClusterWriter,
  ControllerEvent,
  EventRecorder,
  GroupWriter,
  Leadership,
  LiveBrokerCheck,
  LiveNodeCheck,
  LiveRecordCheck,
  WriteVersions,
} from '../../controller/ports';
import type { HistoryEvent, WriteKind } from './invariants';
import { CrashError } from './fake-cluster';
import { NOW_MS } from './fixtures';

/** A write refused by the API (the controller sees an error and retries next pass). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** The faults the property test interleaves. */
export const FAULT_KINDS = [
  'nodes-view-frozen',
  'nodes-view-missing',
  'pods-view-frozen',
  'pods-view-missing',
  'prometheus-frozen',
  'prometheus-missing',
  'prometheus-partial',
  'prometheus-nan',
  'autoscaling-frozen',
  'autoscaling-missing',
  'crash-restart',
  'crash-mid-write',
  'lease-lost',
  'lease-recreated',
  'api-errors',
  'api-429',
  'foreign-cordon',
  'foreign-uncordon',
  'external-desired',
  'external-max-size',
  'external-min-size',
  'instance-never-joins',
  'node-remains',
  'urp-spike',
  'kafka-not-ready',
  // Added by the issue #10 review: time passes while writes wait (rate limits, spacing), a Kafka
  // node drops out of the node view while brokers stay bound to it (its label changed), and a
  // node's providerID stops parsing.
  'api-slow',
  'node-unlabelled',
  'providerid-unparsed',
  // A Node object replaced under the same name with its annotations (restored from a backup).
  'node-replaced',
  // One Ready broker's partition-health series is missing (its scrape failed): the cluster-wide
  // sum reads 0 although the partitions it leads may be under-replicated.
  'prometheus-health-partial',
  // Added by the second fault review: foreign hands on the controller's own state and on the
  // cluster. Someone removes an operation record mid-operation, or leaves an unreadable one; deletes
  // a broker pod while all is quiet; an instance fails and Auto Scaling replaces it (its node and
  // its pod, at most one broker, go with it); someone protects every instance of a group.
  'record-deleted',
  'record-corrupted',
  'pod-deleted',
  'instance-lost',
  'foreign-protect',
  // The informer caches deliver the events of the controller's own writes late (a busy API
  // server): the objects it wrote keep their old content in its view, stamped fresh, for up to
  // 100 s (under staleAfterSeconds, so no age check can see it).
  'watch-lag',
  // Added by the third fault review. The controller's clock steps away from everyone else's for
  // a while and back (an NTP step: from a few seconds to a day, either way); a restarted controller
  // runs on a machine whose clock is off by up to 100 s for good (replicas on skewed clocks: one
  // writes a record, another steps it); a node goes NotReady for a while (its kubelet stops
  // reporting) and its pods turn NotReady after the node controller's grace period.
  'clock-jump',
  'clock-skew',
  'node-not-ready',
  // Someone edits an operation record mid-operation: another phase, another instance ID, another
  // broker in its move, times a day ahead (written by a machine with a wrong clock), or the whole
  // annotation copied onto another node of the zone (a Node object created from another's YAML).
  'record-edited',
  // Writes reach the server and take effect, but the answer is lost: the controller sees a
  // timeout for a write that was made (an ambiguous failure).
  'api-timeout',
] as const;

/**
 * Fault kinds added by the fourth fault review, kept apart from `FAULT_KINDS` so that the seeded
 * schedules of the main property (and its kept regressions) stay as they were; the review's own
 * property (`fault-review-4.test.ts`) draws from both lists.
 * - `pod-unbound-in-view`: the pod cache shows one bound, Ready broker pod as Pending without a
 *   node for a while (a cache behind on a pod Strimzi recreated and the scheduler bound since);
 *   the live reads see the truth.
 * - `instance-standby`: an operator puts one InService instance of a zone into Standby (desired
 *   capacity decremented, as `EnterStandby` does by default) for a while and takes it out again
 *   (`ExitStandby` increments it); its machine, its Node and its brokers keep running.
 */
export const REVIEW_4_FAULT_KINDS = ['pod-unbound-in-view', 'instance-standby'] as const;

/**
 * Fault kinds added by the leftovers review (`leftovers-review.test.ts`), kept apart like
 * `REVIEW_4_FAULT_KINDS`.
 * - `no-capacity`: Auto Scaling cannot launch in one zone for a while (no capacity for the
 *   instance type, `InsufficientInstanceCapacity`): the group keeps its desired capacity and gets
 *   no instance; launches resume when the window ends (ten times the drawn duration, up to 30
 *   minutes: past `nodeReadyTimeoutSeconds`).
 */
export const LEFTOVERS_FAULT_KINDS = ['no-capacity'] as const;

/**
 * Fault kinds added by the fifth fault review, kept apart for the same reason
 * (`fault-review-5.test.ts` draws from all three lists).
 * - `pod-down-unseen`: someone restarts one broker pod while all are up, and for up to 60 s the
 *   pod cache still shows the old pod Ready (stamped fresh: other pod events keep the view young)
 *   and Prometheus still reads its partitions in sync (a follower leaves the ISR only after
 *   `replica.lag.time.max.ms`, and the sample lags the scrape). Only the live reads see it down.
 */
export const REVIEW_5_FAULT_KINDS = ['pod-down-unseen'] as const;

/**
 * Fault kinds of the s23 review (`review-s23.test.ts` used them against the fake cluster at the
 * start of a drain; the second s23 review, `review-s23-scale-out.test.ts`, added them here), kept
 * apart for the same reason:
 * - `pod-missing-in-view`: the pod cache leaves out one broker pod for a while (a list that has
 *   not caught up). The pod is chosen among those bound to a node with an operation record (the
 *   node being drained), else among all (`pick`, modulo); the live reads see the truth.
 * - `pod-elsewhere-in-view`: the pod cache shows one broker pod (chosen the same way) bound to
 *   another node of its zone, Ready, for a while (a cache behind on a pod recreated elsewhere).
 * - `autoscaling-missing-long`: the Auto Scaling reads fail for minutes (ten times the drawn
 *   duration, up to 30 minutes: past `operationPhaseTimeoutSeconds` and `nodeReadyTimeoutSeconds`).
 */
export const REVIEW_S23_FAULT_KINDS = [
  'pod-missing-in-view',
  'pod-elsewhere-in-view',
  'autoscaling-missing-long',
] as const;

/**
 * Scale-out faults of the second s23 review (`review-s23-scale-out.test.ts`), kept apart too:
 * - `instance-joins-other-zone`: the next instance launched in the picked zone registers a Node
 *   labelled with the next zone (a group whose subnets include another zone's); for good.
 * - `instance-joins-unlabelled`: the next instance launched in the picked zone registers a Node
 *   without the Kafka label (a bootstrap that sets the labels late), so the Kafka node view misses
 *   it for four times the drawn duration (as `node-unlabelled`, whose slot it shares).
 */
export const SCALE_OUT_FAULT_KINDS = [
  'instance-joins-other-zone',
  'instance-joins-unlabelled',
] as const;

/**
 * How long a fault keeps the controller from trusting its views, ms: its drawn duration, or the
 * longer window a kind stretches it to (`autoscaling-missing-long`: ten times, up to 30 minutes).
 */
export function untrustedWindowMs(fault: Fault): number {
  return fault.kind === 'autoscaling-missing-long'
    ? Math.min(AUTOSCALING_MISSING_LONG_MAX_MS, 10 * fault.durationMs)
    : fault.durationMs;
}

/** The longest window of `autoscaling-missing-long`, ms. */
const AUTOSCALING_MISSING_LONG_MAX_MS = 30 * 60_000;

/**
 * Fault kinds of the s24-c2 review (`review-s24-c2.test.ts`), kept apart like the others:
 * - `record-zone-edited`: someone edits the operation record on a node to a valid but different
 *   operation, naming the next configured zone and that zone's group (`pick` chooses the record).
 */
export const REVIEW_S24_FAULT_KINDS = ['record-zone-edited'] as const;

/**
 * Fault kinds added by review s25-r1, apart from `FAULT_KINDS` (whose seeded schedules stay as
 * they were); `chaos-tally-edited.test.ts` draws from both.
 * - `tally-edited`: someone edits a node's rollback tally annotation
 *   (`kafka.platform/autoscaler-rollbacks`, controller/rollback-loop.ts): text that is no JSON, a
 *   negative or fractional count, a huge count stamped two days ahead (a wrong clock) or two days
 *   back, a count at the limit whose hold ends within ten minutes, or the annotation removed. Each
 *   must hold nothing, or only until its stamp's backoff ends.
 */
export const REVIEW_S25_FAULT_KINDS = ['tally-edited'] as const;

/** One kind of fault. */
export type FaultKind =
  | (typeof REVIEW_S24_FAULT_KINDS)[number]
  | (typeof REVIEW_S25_FAULT_KINDS)[number]
  | (typeof FAULT_KINDS)[number]
  | (typeof REVIEW_4_FAULT_KINDS)[number]
  | (typeof LEFTOVERS_FAULT_KINDS)[number]
  | (typeof REVIEW_5_FAULT_KINDS)[number]
  | (typeof REVIEW_S23_FAULT_KINDS)[number]
  | (typeof SCALE_OUT_FAULT_KINDS)[number];

/** One fault at one point of the run: a time, or right after the controller's n-th write. */
export interface Fault {
  /** Offset from the start of the run, ms (ignored when `afterWrite` is given). */
  readonly atMs: number;
  /** Inject right after the pass in which the controller made its n-th write (1-based). */
  readonly afterWrite?: number;
  readonly kind: FaultKind;
  /** How long a windowed fault lasts, ms. */
  readonly durationMs: number;
  /** Which zone, node or value it picks (taken modulo what exists). */
  readonly pick: number;
}

type ViewSource = 'nodes' | 'pods' | 'prometheus' | 'autoscaling';

interface Node {
  name: string;
  uid: string;
  resourceVersion: number;
  zone: string;
  ready: boolean;
  unschedulable: boolean;
  /** The controller's cordon marker (`CORDON_ANNOTATION`). */
  cordonedByController: boolean;
  instanceId: string;
  createdAtMs: number;
  operation: OperationRecord | undefined;
  /** The rollback tally annotation's text (controller/rollback-loop.ts), written with the record. */
  rollbacks?: string;
  /** When the Node object is deleted (after its instance left), epoch ms. */
  deleteAtMs: number | undefined;
  /** Under `node-not-ready`: since when, and until when, the node is NotReady. */
  notReady?: { readonly sinceMs: number; readonly untilMs: number };
}

interface Instance {
  instanceId: string;
  zone: string;
  lifecycleState: 'Pending' | 'InService' | 'Terminating' | 'Standby';
  /** Under `instance-standby`: when the operator takes it out of Standby again, epoch ms. */
  standbyUntilMs?: number;
  protectedFromScaleIn: boolean;
  inServiceAtMs: number;
  /** The zone label its Node gets, when not its own (`instance-joins-other-zone`). */
  nodeZone?: string;
  /** When its Node joins; undefined = never (launch fault). */
  joinsAtMs: number | undefined;
  leavesAtMs: number | undefined;
}

interface Group {
  zone: string;
  groupName: string;
  desired: number;
  min: number;
  max: number;
}

interface Pod {
  podName: string;
  uid: string;
  zone: string;
  nodeName: string | undefined;
  ready: boolean;
  rollRequested: boolean;
  readySinceMs: number;
  /** When a started pod becomes Ready. */
  readyAtMs: number | undefined;
}

/** A broker pod as the controller observes it (never terminating in this world). */
function brokerOf(pod: Pod): ObservedBroker {
  return {
    podName: pod.podName,
    uid: pod.uid,
    zone: pod.zone,
    nodeName: pod.nodeName,
    ready: pod.ready,
    rollRequested: pod.rollRequested,
    terminating: false,
    readySinceMs: pod.readySinceMs,
  };
}

const POD_START_MS = 30_000;
const CATCH_UP_MS = 20_000;
const INSTANCE_IN_SERVICE_MS = 30_000;
const NODE_JOIN_MS = 60_000;
const INSTANCE_LEAVE_MS = 20_000;
const NODE_DELETE_MS = 40_000;
/** The node controller marks a NotReady node's pods NotReady after this grace period. */
const NODE_GRACE_MS = 40_000;
/** The NTP steps `clock-jump` draws from, ms (either sign). */
const CLOCK_JUMPS_MS = [5_000, 30_000, 90_000, 150_000, 600_000, 3_600_000, 86_400_000];
/** The simulated operator clears an abandoned record this long after it appears. */
export const OPERATOR_DELAY_MS = 300_000;

/** The world. Times are epoch ms from `NOW_MS`. */
export class ChaosWorld
  implements
    ClusterWriter,
    GroupWriter,
    EventRecorder,
    LiveNodeCheck,
    LiveRecordCheck,
    LiveBrokerCheck
{
  nowMs = NOW_MS;
  readonly history: HistoryEvent[] = [];
  readonly nodes: Node[] = [];
  readonly instances: Instance[] = [];
  readonly groups: Group[] = [];
  readonly pods: Pod[] = [];
  /** Demand per zone, MiB/s (both directions). */
  demandMiBps = 20;
  /** Demand of a zone that differs from `demandMiBps`, MiB/s, by zone name (none: all alike). */
  zoneDemandMiBps: ReadonlyMap<string, number> = new Map();
  leadership: Leadership = { leading: true, fencingToken: 1, holder: 'controller-0' };
  /** Set by a `crash-restart` or `lease-recreated` fault; the test then starts a new reconciler. */
  restartRequested = false;
  /** Writes the controller made so far. */
  writeCount = 0;
  /** Nodes someone else cordoned (`foreign-cordon`); the controller may leave those cordoned. */
  readonly foreignCordons = new Set<string>();
  /**
   * Whose cordon each cordoned node carries: the hand that made it unschedulable (a cordon of an
   * already cordoned node changes nothing). The controller must never undo someone else's.
   */
  private readonly cordonOwners = new Map<string, 'controller' | 'foreign'>();
  /** Uncordons of the controller that undid someone else's cordon: node and time. */
  readonly foreignCordonsUndone: string[] = [];
  private readonly windows = new Map<FaultKind, number>();
  private readonly lastGood = new Map<ViewSource, { atMs: number; value: unknown }>();
  private crashNextWrite = false;
  private neverJoinZones = new Set<string>();
  /** Under `instance-joins-other-zone`: zones whose next launch joins with another zone's label. */
  private otherZoneJoins = new Set<string>();
  /** Under `instance-joins-unlabelled`: zones whose next Node joins unlabelled, for how long (ms). */
  private readonly unlabelledJoins = new Map<string, number>();
  /** Under `no-capacity`: per zone, until when (epoch ms) the cloud launches no instance. */
  private readonly noCapacityUntilMs = new Map<string, number>();
  private nodeRemainsNext = false;
  private leaseLostUntilMs = 0;
  /** Nodes hidden from the node view (`node-unlabelled`) or without an instance ID in it. */
  private unlabelledNode: string | undefined;
  private unparsedNode: string | undefined;
  /** Which Ready broker pod's health series `prometheus-health-partial` hides (modulo). */
  private healthHiddenPick = 0;
  /** Which broker pod `pod-unbound-in-view` shows unbound (modulo). */
  private unboundPick = 0;
  /** Which broker pod `pod-missing-in-view` and `pod-elsewhere-in-view` misreport (modulo). */
  private misviewPick = 0;
  /** Under `pod-down-unseen`: the pod restarted, as the views still show it, until when. */
  private unseenDown:
    | {
        readonly podName: string;
        readonly shown: ObservedBroker;
        readonly sinceMs: number;
        readonly untilMs: number;
      }
    | undefined;
  private nextUid = 1;
  private nextInstance = 1;
  /** The controller's clock minus the true time, ms: a lasting skew plus a jump while it lasts. */
  private clockSkewMs = 0;
  private clockJump: { readonly offsetMs: number; readonly untilMs: number } | undefined;
  private holderCount = 0;
  private lastSnapshots = new Map<string, string>();
  private lastOperations = new Map<string, string>();
  private abandonedSeenAtMs = new Map<string, number>();
  /**
   * Under `watch-lag`: objects the controller wrote, as its view showed them before its first
   * write in the window ('node:<name>' / 'pod:<name>'); shown instead of the truth until `untilMs`.
   */
  private readonly lagged = new Map<
    string,
    { readonly untilMs: number; readonly node?: ObservedNode; readonly pod?: ObservedBroker }
  >();

  constructor(
    readonly config: ControllerConfig,
    deadlines: { readonly stateDeadlineMs: number; readonly operationDeadlineMs: number },
  ) {
    for (const zone of config.zones) {
      const suffix = zone.poolName.slice(-1);
      this.groups.push({
        zone: zone.zone,
        groupName: `asg-${zone.nodegroupName}`,
        desired: 1,
        min: 1,
        max: config.maxNodesPerZone,
      });
      const instance = this.launch(zone.zone, this.nowMs - 3_600_000);
      instance.lifecycleState = 'InService';
      instance.protectedFromScaleIn = true;
      this.joinNode(instance);
      for (let index = 0; index < zone.brokers; index++) {
        const podName = `orders-${zone.poolName}-${1000 + index}-${suffix}`;
        this.pods.push({
          podName,
          uid: `uid-${podName}`,
          zone: zone.zone,
          nodeName: this.nodes[this.nodes.length - 1].name,
          ready: true,
          rollRequested: false,
          readySinceMs: this.nowMs - 3_600_000,
          readyAtMs: undefined,
        });
      }
    }
    this.history.push({
      kind: 'setup',
      atMs: this.nowMs,
      balancedNodeCounts: [...config.balancedNodeCounts],
      brokerPods: this.pods.map(pod => pod.podName),
      ...deadlines,
    });
    this.snapshot();
  }

  // ---- faults -------------------------------------------------------------------------------

  private active(kind: FaultKind): boolean {
    return (this.windows.get(kind) ?? 0) > this.nowMs;
  }

  /** Applies one fault now. */
  inject(fault: Fault): void {
    const window = () =>
      this.windows.set(
        fault.kind,
        Math.max(this.windows.get(fault.kind) ?? 0, this.nowMs + fault.durationMs),
      );
    const zone = this.groups[fault.pick % this.groups.length];
    // The value a group fault sets, drawn apart from the zone it picks (with 2 zones, `pick % 2`
    // alone would give zone a only min size 1 and zone b only 2).
    const value = Math.floor(fault.pick / this.groups.length);
    const liveNodes = this.nodes.filter(node => node.deleteAtMs === undefined);
    const node = liveNodes[fault.pick % Math.max(1, liveNodes.length)];
    switch (fault.kind) {
      case 'crash-restart':
        // A new process: its informers list again, the pod list slower than the node list.
        this.restartRequested = true;
        this.restartViews(fault.durationMs);
        return;
      case 'crash-mid-write':
        this.crashNextWrite = true;
        return;
      case 'lease-lost':
        this.leaseLostUntilMs = Math.max(this.leaseLostUntilMs, this.nowMs + fault.durationMs);
        this.leadership = { ...this.leadership, leading: false };
        return;
      case 'lease-recreated':
        // The Lease was deleted and recreated: its transition count starts again at 0, and the
        // controller that acquires it is a new process.
        this.leadership = { leading: true, fencingToken: 0, holder: `pod-${++this.holderCount}` };
        this.restartRequested = true;
        this.restartViews(fault.durationMs);
        return;
      case 'foreign-cordon':
        if (node !== undefined) {
          // A cordon made while the node still carries the controller's marker (someone
          // uncordoned the controller's cordon and cordoned again before its next pass) looks
          // exactly like the controller's own: no controller can tell, so it is not judged.
          if (!node.unschedulable && !node.cordonedByController) {
            this.cordonOwners.set(node.name, 'foreign');
          }
          this.setNode(node, { unschedulable: true });
          this.foreignCordons.add(node.name);
        }
        return;
      case 'foreign-uncordon':
        if (node !== undefined) {
          this.cordonOwners.delete(node.name);
          this.setNode(node, { unschedulable: false });
          this.foreignCordons.delete(node.name);
        }
        return;
      case 'external-desired': {
        const desired = zone.min + (value % (zone.max - zone.min + 1));
        this.setDesiredFromOutside(zone, desired);
        return;
      }
      case 'external-max-size':
        zone.max = Math.max(zone.desired, 1 + (value % this.config.maxNodesPerZone));
        this.recordGroup(zone);
        return;
      case 'external-min-size':
        zone.min = Math.min(zone.desired, 1 + (value % 2));
        this.recordGroup(zone);
        return;
      case 'instance-never-joins':
        this.neverJoinZones.add(zone.zone);
        return;
      case 'instance-joins-other-zone':
        this.otherZoneJoins.add(zone.zone);
        return;
      case 'instance-joins-unlabelled':
        this.unlabelledJoins.set(zone.zone, 4 * fault.durationMs);
        return;
      case 'no-capacity':
        this.noCapacityUntilMs.set(
          zone.zone,
          Math.max(this.noCapacityUntilMs.get(zone.zone) ?? 0, this.nowMs + 10 * fault.durationMs),
        );
        return;
      case 'node-remains':
        this.nodeRemainsNext = true;
        return;
      // These two last four times as long: long enough for the node-less exit's timeout.
      case 'node-replaced':
        if (node !== undefined) this.setNode(node, { uid: `uid-restored-${this.nextUid++}` });
        return;
      case 'node-unlabelled':
        this.unlabelledNode = node?.name;
        this.windows.set(fault.kind, this.nowMs + 4 * fault.durationMs);
        return;
      case 'providerid-unparsed':
        this.unparsedNode = node?.name;
        this.windows.set(fault.kind, this.nowMs + 4 * fault.durationMs);
        return;
      case 'prometheus-health-partial':
        this.healthHiddenPick = fault.pick;
        window();
        return;
      case 'record-deleted': {
        const recorded = liveNodes.filter(each => each.operation !== undefined);
        const victim = recorded[fault.pick % Math.max(1, recorded.length)];
        if (victim !== undefined) this.setNode(victim, { operation: undefined });
        return;
      }
      case 'tally-edited': {
        const victim = liveNodes[fault.pick % Math.max(1, liveNodes.length)];
        if (victim === undefined) return;
        const dayMs = 86_400_000;
        const kind = fault.pick % 2 === 0 ? 'respread' : 'remove-node';
        const limit = rollbackLoopLimit(this.config);
        const backoffMs =
          (this.config.rollbackLoopBackoffSeconds ?? DEFAULT_ROLLBACK_LOOP_BACKOFF_SECONDS) * 1000;
        const texts: Array<string | undefined> = [
          '{not json',
          JSON.stringify({ kind, count: -3, lastAtMs: this.nowMs, note: 'edited' }),
          JSON.stringify({ kind, count: 2.5, lastAtMs: this.nowMs, note: 'edited' }),
          JSON.stringify({ kind, count: 1e9, lastAtMs: this.nowMs + 2 * dayMs, note: 'ahead' }),
          JSON.stringify({ kind, count: 1e9, lastAtMs: this.nowMs - 2 * dayMs, note: 'old' }),
          JSON.stringify({
            kind,
            count: limit,
            lastAtMs: this.nowMs - backoffMs + 600_000,
            note: 'ending',
          }),
          undefined,
        ];
        const text = texts[Math.floor(fault.pick / 2) % texts.length];
        if (text === undefined) delete victim.rollbacks;
        else victim.rollbacks = text;
        this.setNode(victim, {});
        return;
      }
      case 'record-corrupted': {
        const recorded = liveNodes.filter(each => each.operation !== undefined);
        const victim = recorded[fault.pick % Math.max(1, recorded.length)] ?? node;
        // The controller reads an unreadable annotation as this abandoned record.
        if (victim !== undefined) {
          this.setNode(victim, { operation: decodeOperationRecord('{', victim) });
        }
        return;
      }
      case 'record-edited': {
        const recorded = liveNodes.filter(each => each.operation !== undefined);
        const victim = recorded[fault.pick % Math.max(1, recorded.length)];
        const record = victim?.operation;
        // An unreadable annotation has no fields to edit (the controller reads it as a placeholder
        // it never writes); editing the placeholder would model a record no annotation can hold.
        if (victim === undefined || record === undefined || record.unreadable !== undefined) return;
        const phases = ['cordon', 'drain', 'uncordon', 'unprotect', 'terminate', 'terminated'];
        const others = this.instances.filter(
          each => each.zone === victim.zone && each.instanceId !== victim.instanceId,
        );
        const zonePods = this.pods.filter(each => each.zone === victim.zone);
        const choice = Math.floor(fault.pick / 7) % 5;
        if (choice === 0) {
          const phase = phases[fault.pick % phases.length] as OperationRecord['phase'];
          this.setNode(victim, { operation: { ...record, phase } });
        } else if (choice === 1 && others.length > 0) {
          const instanceId = others[fault.pick % others.length].instanceId;
          this.setNode(victim, { operation: { ...record, instanceId } });
        } else if (choice === 2 && record.move !== undefined) {
          const pod = zonePods[fault.pick % zonePods.length];
          this.setNode(victim, {
            operation: {
              ...record,
              move: { ...record.move, podName: pod.podName, podUid: pod.uid },
            },
          });
        } else if (choice === 3) {
          const dayMs = 86_400_000;
          this.setNode(victim, {
            operation: {
              ...record,
              startedAtMs: record.startedAtMs + dayMs,
              phaseStartedAtMs: (record.phaseStartedAtMs ?? record.startedAtMs) + dayMs,
              ...(record.move === undefined
                ? {}
                : { move: { ...record.move, requestedAtMs: record.move.requestedAtMs + dayMs } }),
            },
          });
        } else {
          const target = liveNodes.find(
            each => each.zone === victim.zone && each !== victim && each.operation === undefined,
          );
          if (target !== undefined) this.setNode(target, { operation: { ...record } });
        }
        return;
      }
      case 'record-zone-edited': {
        const recorded = liveNodes.filter(each => each.operation !== undefined);
        const victim = recorded[fault.pick % Math.max(1, recorded.length)];
        const record = victim?.operation;
        if (victim === undefined || record === undefined) return;
        const zones = this.config.zones;
        const index = zones.findIndex(each => each.zone === record.zone);
        const next = zones[(index + 1) % zones.length];
        this.setNode(victim, {
          operation: { ...record, zone: next.zone, groupName: `asg-${next.nodegroupName}` },
        });
        return;
      }
      case 'pod-deleted': {
        // Only while every broker is up and none is rolling: a deletion racing the controller's
        // own move would take two brokers down whatever the controller does.
        if (!this.brokersQuiet()) return;
        this.restartPod(this.pods[fault.pick % this.pods.length]);
        return;
      }
      case 'instance-lost': {
        // Only an instance whose node hosts at most one broker, while every broker is up (as for
        // pod-deleted). Auto Scaling replaces it (desired capacity unchanged). The machine stops
        // at the next tick, so the controller's pass right after sees the instance Terminating
        // while its broker still looks Ready; only with current views (a frozen or missing view,
        // or a write that waits while the machine stops, would hide it from any controller).
        const hidden: FaultKind[] = [
          'autoscaling-frozen',
          'autoscaling-missing',
          'nodes-view-frozen',
          'nodes-view-missing',
          'api-slow',
        ];
        if (hidden.some(kind => this.active(kind)) || !this.brokersQuiet()) return;
        const candidates = this.instances.filter(instance => {
          if (instance.lifecycleState !== 'InService') return false;
          const host = this.nodes.find(each => each.instanceId === instance.instanceId);
          return host === undefined || this.brokersOn(host.name).length <= 1;
        });
        const lost = candidates[fault.pick % Math.max(1, candidates.length)];
        if (lost !== undefined) this.terminate(lost);
        return;
      }
      case 'foreign-protect':
        for (const instance of this.instances) {
          if (instance.zone === zone.zone && instance.lifecycleState === 'InService') {
            instance.protectedFromScaleIn = true;
          }
        }
        return;
      case 'clock-jump': {
        const size = CLOCK_JUMPS_MS[fault.pick % CLOCK_JUMPS_MS.length];
        const sign = Math.floor(fault.pick / CLOCK_JUMPS_MS.length) % 2 === 0 ? 1 : -1;
        this.clockJump = { offsetMs: sign * size, untilMs: this.nowMs + fault.durationMs };
        return;
      }
      case 'clock-skew':
        // A new process on another machine: its clock is off by up to 100 s (under the 120 s
        // staleAfterSeconds, so it still trusts Prometheus's timestamps) until the next skew.
        this.clockSkewMs = ((fault.pick % 201) - 100) * 1000;
        this.restartRequested = true;
        this.restartViews(fault.durationMs);
        return;
      case 'node-not-ready': {
        // As for instance-lost: only a node with at most one broker, while every broker is up,
        // and only where the controller's views can see it.
        const hidden: FaultKind[] = [
          'autoscaling-frozen',
          'autoscaling-missing',
          'nodes-view-frozen',
          'nodes-view-missing',
          'api-slow',
        ];
        if (hidden.some(kind => this.active(kind)) || !this.brokersQuiet()) return;
        const candidates = liveNodes.filter(
          each =>
            each.ready && each.notReady === undefined && this.brokersOn(each.name).length <= 1,
        );
        const victim = candidates[fault.pick % Math.max(1, candidates.length)];
        if (victim === undefined) return;
        victim.notReady = { sinceMs: this.nowMs, untilMs: this.nowMs + fault.durationMs };
        this.setNode(victim, { ready: false });
        return;
      }
      case 'watch-lag':
        this.windows.set(
          fault.kind,
          Math.max(
            this.windows.get(fault.kind) ?? 0,
            this.nowMs + Math.min(100_000, fault.durationMs),
          ),
        );
        return;
      case 'pod-unbound-in-view':
        this.unboundPick = fault.pick;
        window();
        return;
      case 'pod-missing-in-view':
      case 'pod-elsewhere-in-view':
        this.misviewPick = fault.pick;
        window();
        return;
      case 'autoscaling-missing-long':
        this.windows.set(
          'autoscaling-missing',
          Math.max(
            this.windows.get('autoscaling-missing') ?? 0,
            this.nowMs + untrustedWindowMs(fault),
          ),
        );
        return;
      case 'pod-down-unseen': {
        // As for pod-deleted: only while every broker is up, and one such fault at a time.
        if (!this.brokersQuiet() || this.podDownUnseen() !== undefined) return;
        const pod = this.pods[fault.pick % this.pods.length];
        const shown = this.observedBrokers().find(each => each.podName === pod.podName);
        if (shown === undefined || !shown.ready) return;
        this.unseenDown = {
          podName: pod.podName,
          shown,
          sinceMs: this.nowMs,
          untilMs: this.nowMs + Math.min(60_000, fault.durationMs),
        };
        this.restartPod(pod);
        return;
      }
      case 'instance-standby': {
        const candidates = this.instances.filter(
          each => each.zone === zone.zone && each.lifecycleState === 'InService',
        );
        const chosen = candidates[value % Math.max(1, candidates.length)];
        if (chosen === undefined || zone.desired <= zone.min) return;
        chosen.lifecycleState = 'Standby';
        chosen.standbyUntilMs = this.nowMs + fault.durationMs;
        zone.desired -= 1;
        this.recordGroup(zone);
        return;
      }
      case 'urp-spike':
        // Partitions fall behind only where Prometheus would see it (a spike that a frozen view
        // hides would be one no controller could know about).
        if (!this.active('prometheus-frozen')) window();
        return;
      default:
        window();
    }
  }

  /**
   * Every broker up, none asked to roll, none on a machine that is stopping: only then do the
   * foreign faults that take a broker down fire (two at once would be no controller's doing).
   */
  private brokersQuiet(): boolean {
    const stopping = new Set(
      this.instances
        .filter(instance => instance.lifecycleState === 'Terminating')
        .map(instance => `node-${instance.instanceId}`),
    );
    // A node already NotReady (`node-not-ready`) takes its broker down within the grace period.
    for (const node of this.nodes) if (node.notReady !== undefined) stopping.add(node.name);
    return this.pods.every(
      pod =>
        pod.ready &&
        pod.nodeName !== undefined &&
        !pod.rollRequested &&
        !stopping.has(pod.nodeName),
    );
  }

  /** After a restart nothing is listed yet: pods take `durationMs`, nodes a third of it. */
  private restartViews(durationMs: number): void {
    const until = (kind: FaultKind, ms: number) =>
      this.windows.set(kind, Math.max(this.windows.get(kind) ?? 0, this.nowMs + ms));
    until('pods-view-missing', durationMs);
    until('nodes-view-missing', Math.floor(durationMs / 3));
    this.lastGood.clear();
  }

  // ---- dynamics ------------------------------------------------------------------------------

  private launch(zone: string, atMs: number): Instance {
    const neverJoins = this.neverJoinZones.delete(zone);
    const zones = this.config.zones.map(each => each.zone);
    const joinsAs = this.otherZoneJoins.delete(zone)
      ? zones[(zones.indexOf(zone) + 1) % zones.length]
      : undefined;
    const instance: Instance = {
      ...(joinsAs === undefined ? {} : { nodeZone: joinsAs }),
      instanceId: `i-${zone.slice(-1)}${this.nextInstance++}`,
      zone,
      lifecycleState: 'Pending',
      protectedFromScaleIn: false,
      inServiceAtMs: atMs + INSTANCE_IN_SERVICE_MS,
      joinsAtMs: neverJoins ? undefined : atMs + NODE_JOIN_MS,
      leavesAtMs: undefined,
    };
    this.instances.push(instance);
    return instance;
  }

  private joinNode(instance: Instance): void {
    const name = `node-${instance.instanceId}`;
    const unlabelledMs = this.unlabelledJoins.get(instance.zone);
    if (unlabelledMs !== undefined) {
      this.unlabelledJoins.delete(instance.zone);
      this.unlabelledNode = name;
      this.windows.set('node-unlabelled', this.nowMs + unlabelledMs);
    }
    this.nodes.push({
      name,
      uid: `uid-${name}`,
      resourceVersion: 1,
      zone: instance.nodeZone ?? instance.zone,
      ready: true,
      unschedulable: false,
      cordonedByController: false,
      instanceId: instance.instanceId,
      createdAtMs: this.nowMs,
      operation: undefined,
      deleteAtMs: undefined,
    });
  }

  private setNode(node: Node, change: Partial<Node>): void {
    Object.assign(node, change);
    node.resourceVersion++;
  }

  /** Instances that count toward desired capacity (Standby ones do not). */
  private liveInstances(zone: string): Instance[] {
    return this.instances.filter(
      each =>
        each.zone === zone &&
        each.lifecycleState !== 'Terminating' &&
        each.lifecycleState !== 'Standby',
    );
  }

  private terminate(instance: Instance): void {
    instance.lifecycleState = 'Terminating';
    instance.leavesAtMs = this.nowMs + INSTANCE_LEAVE_MS;
  }

  /**
   * Like Auto Scaling: a lower desired capacity terminates unprotected InService instances (public
   * for the conformance scenarios, `group-writer-conformance.test.ts`).
   */
  setDesiredFromOutside(group: Group, desired: number): void {
    group.desired = desired;
    const live = this.liveInstances(group.zone);
    const excess = live.length - desired;
    const victims = live
      .filter(each => !each.protectedFromScaleIn)
      .reverse()
      .slice(0, Math.max(0, excess));
    for (const victim of victims) this.terminate(victim);
    this.recordGroup(group);
  }

  private schedulable(zone: string): Node[] {
    return this.nodes.filter(
      node =>
        node.zone === zone && node.ready && !node.unschedulable && node.deleteAtMs === undefined,
    );
  }

  private brokersOn(nodeName: string): Pod[] {
    return this.pods.filter(pod => pod.nodeName === nodeName);
  }

  /** The pod goes down (deleted by Strimzi, or evicted); it comes back as a new pod. */
  private restartPod(pod: Pod): void {
    pod.uid = `uid-new-${this.nextUid++}`;
    pod.nodeName = undefined;
    pod.ready = false;
    pod.rollRequested = false;
    pod.readyAtMs = undefined;
  }

  /** Lets `ms` pass, in steps of at most five seconds. */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    while (this.nowMs < end) {
      this.nowMs = Math.min(end, this.nowMs + 5000);
      this.tick();
    }
  }

  private tick(): void {
    const now = this.nowMs;
    if (this.leaseLostUntilMs !== 0 && now >= this.leaseLostUntilMs) {
      // Regained: a new acquisition counts one more transition.
      this.leaseLostUntilMs = 0;
      this.leadership = {
        ...this.leadership,
        leading: true,
        fencingToken: this.leadership.fencingToken + 1,
      };
    }
    // The cloud: launch to desired, move Pending instances InService, join and remove nodes.
    for (const group of this.groups) {
      const noCapacity = (this.noCapacityUntilMs.get(group.zone) ?? 0) > now;
      while (!noCapacity && this.liveInstances(group.zone).length < group.desired) {
        this.launch(group.zone, now);
      }
    }
    for (const instance of this.instances) {
      if (instance.lifecycleState === 'Pending' && now >= instance.inServiceAtMs) {
        instance.lifecycleState = 'InService';
      }
      if (
        instance.lifecycleState === 'Standby' &&
        now >= (instance.standbyUntilMs ?? Number.POSITIVE_INFINITY)
      ) {
        // ExitStandby: InService again, desired capacity incremented (within the max size).
        const group = this.groups.find(each => each.zone === instance.zone);
        instance.lifecycleState = 'InService';
        instance.standbyUntilMs = undefined;
        if (group !== undefined) {
          group.desired = Math.min(group.max, group.desired + 1);
          this.recordGroup(group);
        }
      }
      if (
        instance.joinsAtMs !== undefined &&
        now >= instance.joinsAtMs &&
        instance.lifecycleState !== 'Terminating' &&
        !this.nodes.some(node => node.instanceId === instance.instanceId)
      ) {
        this.joinNode(instance);
      }
    }
    for (const instance of this.instances.filter(each => each.lifecycleState === 'Terminating')) {
      const node = this.nodes.find(each => each.instanceId === instance.instanceId);
      if (node !== undefined && node.ready) {
        // The machine stops: its pods die with it.
        this.setNode(node, { ready: false });
        for (const pod of this.brokersOn(node.name)) this.restartPod(pod);
      }
      if (instance.leavesAtMs !== undefined && now >= instance.leavesAtMs) {
        this.instances.splice(this.instances.indexOf(instance), 1);
        if (node !== undefined && node.deleteAtMs === undefined) {
          node.deleteAtMs = this.nodeRemainsNext ? Number.POSITIVE_INFINITY : now + NODE_DELETE_MS;
          this.nodeRemainsNext = false;
        }
      }
    }
    for (const node of this.nodes) {
      if (node.notReady === undefined) continue;
      const instance = this.instances.find(each => each.instanceId === node.instanceId);
      const stopping = instance === undefined || instance.lifecycleState === 'Terminating';
      if (now >= node.notReady.untilMs || stopping) {
        // The kubelet reports again: its pods' containers kept running, so they are Ready at once.
        node.notReady = undefined;
        if (stopping) continue;
        this.setNode(node, { ready: true });
        for (const pod of this.brokersOn(node.name)) {
          if (pod.ready || pod.readyAtMs !== undefined) continue;
          pod.ready = true;
          pod.readySinceMs = now;
        }
      } else if (now - node.notReady.sinceMs >= NODE_GRACE_MS) {
        for (const pod of this.brokersOn(node.name)) pod.ready = false;
      }
    }
    if (this.clockJump !== undefined && now >= this.clockJump.untilMs) this.clockJump = undefined;
    for (const node of [...this.nodes]) {
      if (node.deleteAtMs !== undefined && now >= node.deleteAtMs) {
        this.nodes.splice(this.nodes.indexOf(node), 1);
      }
    }
    // Strimzi and the scheduler.
    for (const pod of this.pods) {
      if (pod.rollRequested) this.restartPod(pod);
      if (pod.nodeName === undefined) {
        const target = this.schedulable(pod.zone)
          .map(node => ({ node, load: this.brokersOn(node.name).length }))
          .sort((a, b) => a.load - b.load || a.node.name.localeCompare(b.node.name))[0];
        if (target !== undefined) {
          pod.nodeName = target.node.name;
          pod.readyAtMs = now + POD_START_MS;
        }
      }
      if (pod.readyAtMs !== undefined && now >= pod.readyAtMs) {
        pod.ready = true;
        pod.readySinceMs = now;
        pod.readyAtMs = undefined;
      }
    }
    // The operator clears an abandoned record after a while (see docs/controller.md).
    for (const node of this.nodes) {
      const record = node.operation;
      if (record?.phase !== 'abandoned') continue;
      const seen = this.abandonedSeenAtMs.get(record.id) ?? now;
      this.abandonedSeenAtMs.set(record.id, seen);
      if (now - seen >= OPERATOR_DELAY_MS) this.setNode(node, { operation: undefined });
    }
    this.snapshot();
  }

  /** Under-replicated partitions now: a broker down or catching up, or an injected spike. */
  underReplicatedPartitions(unseenPod?: string): number {
    const behind = this.pods.filter(
      pod =>
        pod.podName !== unseenPod && (!pod.ready || this.nowMs - pod.readySinceMs < CATCH_UP_MS),
    ).length;
    return behind * 10 + (this.active('urp-spike') ? 5 : 0);
  }

  kafkaReady(): boolean {
    return !this.active('kafka-not-ready');
  }

  // ---- history -------------------------------------------------------------------------------

  private push(key: string, event: HistoryEvent, state: unknown): void {
    const text = JSON.stringify(state);
    if (this.lastSnapshots.get(key) === text) return;
    this.lastSnapshots.set(key, text);
    this.history.push(event);
  }

  private snapshot(): void {
    const atMs = this.nowMs;
    const pods = this.pods.map(pod => ({
      name: pod.podName,
      ...(pod.nodeName === undefined ? {} : { nodeName: pod.nodeName }),
      ready: pod.ready,
    }));
    this.push('pods', { kind: 'pods', atMs, pods }, pods);
    const nodes = this.nodes.map(node => {
      const instance = this.instances.find(each => each.instanceId === node.instanceId);
      return {
        name: node.name,
        instanceId: node.instanceId,
        unschedulable: node.unschedulable,
        ...(instance?.lifecycleState === 'InService'
          ? { protectedFromScaleIn: instance.protectedFromScaleIn }
          : {}),
      };
    });
    this.push('nodes', { kind: 'nodes', atMs, nodes }, nodes);
    const kafka = { ready: this.kafkaReady(), urp: this.underReplicatedPartitions() };
    this.push(
      'kafka',
      { kind: 'kafka', atMs, ready: kafka.ready, underReplicatedPartitions: kafka.urp },
      kafka,
    );
    // Ends first: a record replaced on its node by another (someone's edit) ends the old
    // operation before the new one appears, at the same instant.
    const seen = new Set(
      this.nodes.flatMap(node => (node.operation === undefined ? [] : [node.operation.id])),
    );
    for (const id of [...this.lastOperations.keys()]) {
      if (seen.has(id)) continue;
      this.lastOperations.delete(id);
      this.history.push({ kind: 'operation', atMs, id, nodeName: '' });
    }
    for (const node of this.nodes) {
      const record = node.operation;
      if (record === undefined) continue;
      const state = JSON.stringify([record.phase, record.movesDone, record.move?.attempt]);
      if (this.lastOperations.get(record.id) === state) continue;
      this.lastOperations.set(record.id, state);
      this.history.push({
        kind: 'operation',
        atMs,
        id: record.id,
        nodeName: node.name,
        phase: record.phase,
        movesDone: record.movesDone,
        ...(record.move === undefined ? {} : { moveAttempt: record.move.attempt }),
      });
    }
  }

  private recordGroup(group: Group): void {
    this.history.push({
      kind: 'group',
      atMs: this.nowMs,
      groupName: group.groupName,
      desired: group.desired,
      min: group.min,
      max: group.max,
      instances: this.instances.filter(each => each.zone === group.zone).map(i => i.instanceId),
    });
  }

  // ---- the controller's views ----------------------------------------------------------------

  private view<T>(source: ViewSource, live: () => T): { atMs: number; value: T } | undefined {
    const prefix = source === 'nodes' || source === 'pods' ? `${source}-view` : source;
    if (this.active(`${prefix}-missing` as FaultKind)) return undefined;
    if (this.active(`${prefix}-frozen` as FaultKind)) {
      return this.lastGood.get(source) as { atMs: number; value: T } | undefined;
    }
    // The informers and the Auto Scaling reads are stamped by the controller's clock; Prometheus's
    // samples by Prometheus's own (the true time here).
    // Under `pod-down-unseen` the oldest raw sample behind the answers is the restarted pod's last.
    const atMs =
      source === 'prometheus'
        ? Math.min(this.nowMs, this.podDownUnseen()?.sinceMs ?? Infinity)
        : this.controllerNowMs();
    const fresh = { atMs, value: live() };
    this.lastGood.set(source, fresh);
    return fresh;
  }

  /** Under `watch-lag`, keeps the view's current version of the object about to be written. */
  private lagBeforeWrite(key: string): void {
    if (!this.active('watch-lag') || this.lagged.has(key)) return;
    const untilMs = this.windows.get('watch-lag') ?? this.nowMs;
    const [kind, name] = key.split(':');
    if (kind === 'node') {
      const node = this.observedNodes().find(each => each.name === name);
      if (node !== undefined) this.lagged.set(key, { untilMs, node });
    } else {
      const pod = this.observedBrokers().find(each => each.podName === name);
      if (pod !== undefined) this.lagged.set(key, { untilMs, pod });
    }
  }

  private lagging(key: string): { readonly node?: ObservedNode; readonly pod?: ObservedBroker } {
    const entry = this.lagged.get(key);
    if (entry === undefined) return {};
    if (this.nowMs >= entry.untilMs) {
      this.lagged.delete(key);
      return {};
    }
    return entry;
  }

  private observedNodes(): ObservedNode[] {
    const hidden = this.active('node-unlabelled') ? this.unlabelledNode : undefined;
    const unparsed = this.active('providerid-unparsed') ? this.unparsedNode : undefined;
    return this.nodes
      .filter(node => node.name !== hidden)
      .map(
        node =>
          this.lagging(`node:${node.name}`).node ?? {
            name: node.name,
            uid: node.uid,
            resourceVersion: String(node.resourceVersion),
            zone: node.zone,
            ready: node.ready,
            unschedulable: node.unschedulable,
            instanceId: node.name === unparsed ? undefined : node.instanceId,
            createdAtMs: node.createdAtMs,
            operation: node.operation,
            cordonedByController: node.cordonedByController,
            ...this.tallyOf(node),
          },
      );
  }

  /** The `pod-down-unseen` fault in force, if any. */
  private podDownUnseen():
    | { readonly podName: string; readonly shown: ObservedBroker; readonly sinceMs: number }
    | undefined {
    if (this.unseenDown !== undefined && this.nowMs >= this.unseenDown.untilMs) {
      this.unseenDown = undefined;
    }
    return this.unseenDown;
  }

  /**
   * The pod `pod-missing-in-view` and `pod-elsewhere-in-view` misreport: by `misviewPick`, among
   * the pods bound to a node with an operation record if any, else among all.
   */
  private misviewedPod(): Pod | undefined {
    const recorded = new Set(
      this.nodes.filter(node => node.operation !== undefined).map(node => node.name),
    );
    const draining = this.pods.filter(
      pod => pod.nodeName !== undefined && recorded.has(pod.nodeName),
    );
    const among = draining.length > 0 ? draining : this.pods;
    return among[this.misviewPick % Math.max(1, among.length)];
  }

  private observedBrokers(): ObservedBroker[] {
    const unbound = this.active('pod-unbound-in-view')
      ? this.pods[this.unboundPick % Math.max(1, this.pods.length)]?.podName
      : undefined;
    const unseen = this.podDownUnseen();
    const misviewed = this.misviewedPod();
    const missing = this.active('pod-missing-in-view') ? misviewed?.podName : undefined;
    const elsewhere = this.active('pod-elsewhere-in-view') ? misviewed : undefined;
    const elsewhereNode =
      elsewhere === undefined
        ? undefined
        : this.nodes.find(
            node =>
              node.zone === elsewhere.zone &&
              node.name !== elsewhere.nodeName &&
              node.deleteAtMs === undefined,
          )?.name;
    return this.pods
      .filter(pod => pod.podName !== missing)
      .map(pod =>
        pod.podName === unseen?.podName
          ? unseen.shown
          : pod.podName === unbound
            ? {
                podName: pod.podName,
                uid: pod.uid,
                zone: pod.zone,
                nodeName: undefined,
                ready: false,
                rollRequested: pod.rollRequested,
                terminating: false,
              }
            : pod.podName === elsewhere?.podName && elsewhereNode !== undefined
              ? { ...brokerOf(pod), nodeName: elsewhereNode, ready: true }
              : (this.lagging(`pod:${pod.podName}`).pod ?? brokerOf(pod)),
      );
  }

  private observedLoads(): BrokerLoad[] {
    const perBroker = (zone: string) =>
      (this.zoneDemandMiBps.get(zone) ?? this.demandMiBps) /
      (this.config.zones.find(each => each.zone === zone)?.brokers ?? 1);
    let loads: BrokerLoad[] = this.pods.map(pod => ({
      podName: pod.podName,
      receiveMiBps: perBroker(pod.zone),
      transmitMiBps: perBroker(pod.zone),
    }));
    if (this.active('prometheus-partial')) loads = loads.filter((_, index) => index % 2 === 0);
    if (this.active('prometheus-nan')) {
      loads = loads.map((load, index) => (index === 0 ? { ...load, receiveMiBps: NaN } : load));
    }
    return loads;
  }

  /**
   * Broker load and partition health as Prometheus would answer. Under `prometheus-health-partial`
   * one Ready broker's health series is missing and the sum reads 0: the worst case, where that
   * broker leads every under-replicated partition.
   */
  private observedHealth(): {
    loads: BrokerLoad[];
    underReplicatedPartitions: number;
    healthSampledAtMs: Record<string, number>;
  } {
    // Under `pod-down-unseen` the restarted pod still reports in sync (its last sample).
    const unseen = this.podDownUnseen()?.podName;
    const ready = this.pods.filter(
      pod => (pod.ready && pod.nodeName !== undefined) || pod.podName === unseen,
    );
    const hidden = this.active('prometheus-health-partial')
      ? ready[this.healthHiddenPick % Math.max(1, ready.length)]?.podName
      : undefined;
    const behind = this.underReplicatedPartitions(unseen);
    return {
      loads: this.observedLoads(),
      underReplicatedPartitions: hidden === undefined ? behind : 0,
      healthSampledAtMs: Object.fromEntries(
        ready
          .filter(pod => pod.podName !== hidden)
          .map(pod => [
            pod.podName,
            pod.podName === unseen ? (this.unseenDown?.sinceMs ?? this.nowMs) : this.nowMs,
          ]),
      ),
    };
  }

  private observedGroups(): ObservedGroup[] {
    return this.groups.map(group => ({
      ...group,
      instances: this.instances
        .filter(each => each.zone === group.zone)
        .map(each => ({
          instanceId: each.instanceId,
          lifecycleState: each.lifecycleState,
          protectedFromScaleIn: each.protectedFromScaleIn,
        })),
    }));
  }

  /** The controller's clock, epoch ms: the true time plus its skew and any jump in force. */
  controllerNowMs(): number {
    return this.nowMs + this.clockSkewMs + (this.clockJump?.offsetMs ?? 0);
  }

  /** What the adapters would report now, through the faults. */
  observe = async (): Promise<Observed> => {
    const nodes = this.view('nodes', () => this.observedNodes());
    const pods = this.view('pods', () => this.observedBrokers());
    const prometheus = this.view('prometheus', () => this.observedHealth());
    const autoscaling = this.view('autoscaling', () => this.observedGroups());
    const apiDown = this.active('api-errors') || this.active('api-429');
    return {
      nowMs: this.controllerNowMs(),
      freshness: {
        kubernetesAtMs:
          nodes === undefined || pods === undefined ? undefined : Math.min(nodes.atMs, pods.atMs),
        prometheusAtMs: prometheus?.atMs,
        autoscalingAtMs: autoscaling?.atMs,
      },
      kafkaReady: apiDown ? undefined : this.kafkaReady(),
      underReplicatedPartitions: prometheus?.value.underReplicatedPartitions,
      underMinIsrPartitions: prometheus === undefined ? undefined : 0,
      healthSampledAtMs: prometheus?.value.healthSampledAtMs,
      nodes: nodes?.value ?? [],
      brokers: pods?.value ?? [],
      groups: autoscaling?.value ?? [],
      loads: prometheus?.value.loads,
    };
  };

  // ---- the controller's writes ---------------------------------------------------------------

  private write(kind: WriteKind, fields: Record<string, string | number>, apply: () => void): void {
    // The request waited (token bucket, 429 pause, Auto Scaling spacing): the world moved on.
    if (this.active('api-slow')) this.advance(70_000);
    if (this.active('api-429')) throw new ApiError('429 Too Many Requests', 429);
    if (this.active('api-errors')) throw new ApiError('500 Internal Server Error', 500);
    if (!this.leadership.leading) throw new Error('world: write from a replica without the lease');
    this.snapshot();
    apply();
    this.writeCount++;
    this.history.push({ kind: 'write', atMs: this.nowMs, write: kind, ...fields });
    this.snapshot();
    if (this.crashNextWrite) {
      this.crashNextWrite = false;
      this.restartRequested = true;
      throw new CrashError(`crash after ${kind}`);
    }
    if (this.active('api-timeout')) {
      throw new ApiError(`timeout: no answer to ${kind} (it was made)`, 504);
    }
  }

  /** The node's tally as the adapter observes it (`observeNode`): decoded, absent if unreadable. */
  private tallyOf(node: Node): { readonly rollbacks?: RollbackTally } {
    const tally = decodeRollbackTally(node.rollbacks);
    return tally === undefined ? {} : { rollbacks: tally };
  }

  private liveNode(name: string, uid: string): Node {
    const node = this.nodes.find(each => each.name === name);
    if (node === undefined || node.uid !== uid) throw new ApiError(`node ${name} replaced`, 409);
    return node;
  }

  /**
   * As the adapter's guarded node patch: the node's resource versions right before the write and
   * right after it (as the API's patch answer), for read-your-writes (controller/own-writes.ts).
   * The view under `watch-lag` keeps showing the version before, which the controller knows.
   */
  private versioned(
    node: Node,
    write: (apply: (change: () => void) => () => void) => void,
  ): WriteVersions {
    // Read right before the change applies (a slow request lets the world move on first), as the
    // adapter's fresh read that its patch tests.
    let before = '';
    write(change => () => {
      before = String(node.resourceVersion);
      change();
    });
    return { before, after: String(node.resourceVersion) };
  }

  async writeOperation(
    observed: ObservedNode,
    record: OperationRecord | undefined,
    rollbacks?: RollbackTally | null,
  ): Promise<WriteVersions> {
    const node = this.liveNode(observed.name, observed.uid);
    if (String(node.resourceVersion) !== observed.resourceVersion) {
      throw new ApiError(`node ${node.name} changed`, 409);
    }
    this.lagBeforeWrite(`node:${node.name}`);
    return this.versioned(node, applied =>
      this.write(
        'record',
        { nodeName: node.name },
        applied(() => {
          if (rollbacks === null) delete node.rollbacks;
          else if (rollbacks !== undefined) node.rollbacks = encodeRollbackTally(rollbacks);
          this.setNode(node, { operation: record });
        }),
      ),
    );
  }

  async setUnschedulable(
    nodeName: string,
    nodeUid: string,
    unschedulable: boolean,
  ): Promise<WriteVersions> {
    const node = this.liveNode(nodeName, nodeUid);
    this.lagBeforeWrite(`node:${nodeName}`);
    return this.versioned(node, applied =>
      this.write(
        unschedulable ? 'cordon' : 'uncordon',
        { nodeName },
        applied(() => this.cordonChange(node, nodeName, unschedulable)),
      ),
    );
  }

  private cordonChange(node: Node, nodeName: string, unschedulable: boolean): void {
    // The controller asked to undo someone else's cordon: a violation, judged on what it asked.
    if (!unschedulable && this.cordonOwners.get(nodeName) === 'foreign') {
      this.foreignCordonsUndone.push(`${nodeName} at +${(this.nowMs - NOW_MS) / 1000}s`);
    }
    // As the adapter (checked on a real API server, `kube-conformance-scenarios.ts`): a cordon
    // without the controller's marker is left as it is, by a cordon (never claimed) and by an
    // uncordon (never undone); the adapter then sends nothing and answers the version it read as
    // unchanged (review s35-f).
    if (node.unschedulable && !node.cordonedByController) return;
    if (!unschedulable) this.cordonOwners.delete(nodeName);
    else if (!node.unschedulable) this.cordonOwners.set(nodeName, 'controller');
    this.setNode(node, { unschedulable, cordonedByController: unschedulable });
  }

  async requestRoll(
    podName: string,
    podUid: string,
    mayRoll?: () => Promise<string | undefined>,
  ): Promise<'refused' | void> {
    const pod = this.pods.find(each => each.podName === podName);
    if (pod === undefined || pod.uid !== podUid) throw new ApiError(`pod ${podName} replaced`, 409);
    // As the adapter: the caller's live read, right before the patch.
    if ((await mayRoll?.()) !== undefined) return 'refused';
    this.lagBeforeWrite(`pod:${podName}`);
    this.write('request-roll', { podName }, () => (pod.rollRequested = true));
  }

  async raiseDesiredCapacity(groupName: string, desired: number): Promise<void> {
    const group = this.groups.find(each => each.groupName === groupName);
    if (group === undefined) throw new Error(`no group ${groupName}`);
    if (desired > group.max) throw new ApiError(`ValidationError: ${desired} above max`, 400);
    if (group.desired >= desired) return;
    this.write('set-desired', { groupName, desired }, () => (group.desired = desired));
  }

  /** As the adapter: only while the group is as read, with no launch since and all protected. */
  async lowerDesiredCapacity(
    groupName: string,
    fromDesired: number,
    toDesired: number,
  ): Promise<'lowered' | 'changed'> {
    const group = this.groups.find(each => each.groupName === groupName);
    if (group === undefined) throw new Error(`no group ${groupName}`);
    if (group.desired === toDesired) return 'lowered';
    const live = this.liveInstances(group.zone);
    if (
      group.desired !== fromDesired ||
      live.length > toDesired ||
      toDesired < group.min ||
      live.some(each => each.lifecycleState === 'InService' && !each.protectedFromScaleIn)
    ) {
      return 'changed';
    }
    this.write('lower-desired', { groupName, desired: toDesired }, () => {
      group.desired = toDesired;
      this.recordGroup(group);
    });
    return 'lowered';
  }

  async terminateInstance(
    groupName: string,
    instanceId: string,
    mayTerminate?: () => Promise<string | undefined>,
  ): Promise<'requested' | 'already-leaving' | 'refused'> {
    const group = this.groups.find(each => each.groupName === groupName);
    const instance = this.instances.find(each => each.instanceId === instanceId);
    if (group === undefined) throw new Error(`no group ${groupName}`);
    // The adapter's precheck: an instance another group lists is refused (it is not leaving).
    if (
      instance !== undefined &&
      instance.zone !== group.zone &&
      instance.lifecycleState !== 'Terminating'
    ) {
      throw new ApiError(`ValidationError: ${instanceId} belongs to another group`, 400);
    }
    // The adapter's precheck: only an InService instance is terminated (a Standby one is not).
    if (instance === undefined || instance.lifecycleState !== 'InService') return 'already-leaving';
    if (group.desired <= group.min) throw new ApiError('ValidationError: desired equals min', 400);
    // As the adapter: the caller's live read, right before the call.
    if ((await mayTerminate?.()) !== undefined) return 'refused';
    this.write('terminate', { groupName, instanceId }, () => {
      group.desired -= 1;
      this.terminate(instance);
    });
    return 'requested';
  }

  async setInstanceProtection(
    groupName: string,
    instanceIds: readonly string[],
    protectedFromScaleIn: boolean,
    mayUnprotect?: () => Promise<string | undefined>,
  ): Promise<'refused' | void> {
    const group = this.groups.find(each => each.groupName === groupName);
    if (group === undefined) throw new Error(`no group ${groupName}`);
    const ids = new Set(instanceIds);
    // Auto Scaling refuses an ID its group does not list (another group's too).
    const targets = this.instances.filter(
      each => ids.has(each.instanceId) && each.zone === group.zone,
    );
    if (targets.length !== ids.size) throw new ApiError('ValidationError: unknown instance', 400);
    // As the adapter: no IDs, no call.
    if (ids.size === 0) return;
    // As the adapter: the caller's live read, right before an unprotect goes out.
    if (!protectedFromScaleIn && (await mayUnprotect?.()) !== undefined) return 'refused';
    this.write(protectedFromScaleIn ? 'protect' : 'unprotect', { groupName }, () => {
      for (const instance of targets) instance.protectedFromScaleIn = protectedFromScaleIn;
    });
  }

  /** The live read of every node's record (never stale; fails like any API call). */
  async nodesWithRecords(): Promise<readonly string[]> {
    if (this.active('api-429')) throw new ApiError('429 Too Many Requests', 429);
    if (this.active('api-errors')) throw new ApiError('500 Internal Server Error', 500);
    return this.nodes
      .filter(node => node.operation !== undefined)
      .map(node => node.name)
      .sort();
  }

  /** The live read of one node (never stale; fails like any API call during an API fault). */
  async nodeNow(
    nodeName: string,
  ): Promise<{ readonly unschedulable: boolean; readonly brokers: readonly string[] }> {
    if (this.active('api-429')) throw new ApiError('429 Too Many Requests', 429);
    if (this.active('api-errors')) throw new ApiError('500 Internal Server Error', 500);
    // As the adapter: a node that is gone is a 404 (not an empty, schedulable node), and the
    // broker pods come sorted by name.
    const node = this.nodes.find(each => each.name === nodeName);
    if (node === undefined) throw new ApiError(`nodes "${nodeName}" not found`, 404);
    return {
      unschedulable: node.unschedulable,
      brokers: this.brokersOn(nodeName)
        .map(pod => pod.podName)
        .sort(),
    };
  }

  /** The live read of every broker pod (never stale; fails like any API call during an API fault). */
  async brokersNow(): Promise<readonly ObservedBroker[]> {
    if (this.active('api-429')) throw new ApiError('429 Too Many Requests', 429);
    if (this.active('api-errors')) throw new ApiError('500 Internal Server Error', 500);
    return this.pods.map(brokerOf);
  }

  /**
   * The live read of every Node that names the instance: unlabelled nodes included (no label
   * selector), never stale; fails like any API call during an API fault.
   */
  async nodesOfInstance(instanceId: string): Promise<readonly string[]> {
    if (this.active('api-429')) throw new ApiError('429 Too Many Requests', 429);
    if (this.active('api-errors')) throw new ApiError('500 Internal Server Error', 500);
    return this.nodes
      .filter(node => node.instanceId === instanceId)
      .map(node => node.name)
      .sort();
  }

  async record(event: ControllerEvent): Promise<void> {
    this.history.push({ kind: 'event', atMs: this.nowMs, ...event });
  }
}
