/**
 * What the controller sees and what it decides, as plain data. Adapters fill `Observed`; `decide`
 * and the operation state machine read it. No Kubernetes or AWS types leak in here.
 */
import type { ZoneForecast } from './forecast';
import type { OperationRecord } from './operation-record';
import type { RampSample } from './ramp';
import type { RollbackTally } from './rollback-loop';

/** A Kafka node as observed. */
export interface ObservedNode {
  /** Node name. */
  readonly name: string;
  /** Node UID; a node recreated under the same name has another one. */
  readonly uid: string;
  /** `metadata.resourceVersion`, used to guard writes. */
  readonly resourceVersion: string;
  /** Label `topology.kubernetes.io/zone`. */
  readonly zone: string;
  /** Condition `Ready` is `True`. */
  readonly ready: boolean;
  /** `spec.unschedulable` (cordoned). */
  readonly unschedulable: boolean;
  /** EC2 instance ID from `spec.providerID`, when known. */
  readonly instanceId: string | undefined;
  /** `metadata.creationTimestamp`, epoch ms. */
  readonly createdAtMs: number;
  /** The controller's operation recorded on this node, if any. */
  readonly operation: OperationRecord | undefined;
  /**
   * The node carries `kafka.platform/autoscaler-cordoned` (`CORDON_ANNOTATION`): this controller
   * cordoned it and has not uncordoned it since. Absent = false.
   */
  readonly cordonedByController?: boolean;
  /**
   * The node's rollback tally (`ROLLBACK_TALLY_ANNOTATION`, controller/rollback-loop.ts):
   * consecutive deadline rollbacks of one kind of operation on it. Absent when none (or
   * unreadable).
   */
  readonly rollbacks?: RollbackTally;
}

/** A broker pod as observed. */
export interface ObservedBroker {
  /** Pod name (Strimzi keeps it across restarts). */
  readonly podName: string;
  /** Pod UID (changes when Strimzi recreates the pod). */
  readonly uid: string;
  /** Zone of the broker's pool (from the pool name). */
  readonly zone: string;
  /** `spec.nodeName`, undefined while Pending. */
  readonly nodeName: string | undefined;
  /** Condition `Ready` is `True`. */
  readonly ready: boolean;
  /** Carries `strimzi.io/manual-rolling-update=true`. */
  readonly rollRequested: boolean;
  /** Has a deletion timestamp. */
  readonly terminating: boolean;
  /**
   * When the pod's `Ready` condition last changed (`lastTransitionTime`), epoch ms; undefined when
   * unknown. Kafka health samples older than this say nothing about the pod as it is now.
   */
  readonly readySinceMs?: number;
}

/** One instance of a zone's Auto Scaling group. */
export interface ObservedInstance {
  /** EC2 instance ID. */
  readonly instanceId: string;
  /** Auto Scaling lifecycle state, for example `InService`, `Pending`, `Terminating`. */
  readonly lifecycleState: string;
  /**
   * `ProtectedFromScaleIn`: the group cannot pick this instance when its desired capacity drops.
   * The Auto Scaling adapter always fills it; undefined only where the source does not model
   * protection (the simulator), and then it is neither restored nor removed.
   */
  readonly protectedFromScaleIn?: boolean;
}

/** A zone's Auto Scaling group as observed. */
export interface ObservedGroup {
  /** Zone the group serves. */
  readonly zone: string;
  /** Auto Scaling group name. */
  readonly groupName: string;
  /** Desired capacity. */
  readonly desired: number;
  /** Minimum size. */
  readonly min: number;
  /** Maximum size. */
  readonly max: number;
  /** Instances currently in the group. */
  readonly instances: readonly ObservedInstance[];
}

/** Network throughput of one broker pod. */
export interface BrokerLoad {
  /** Pod name. */
  readonly podName: string;
  /** MiB/s received. */
  readonly receiveMiBps: number;
  /** MiB/s sent. */
  readonly transmitMiBps: number;
}

/**
 * How old each source's data is: the time of its oldest piece, epoch ms; undefined = none yet.
 * Judged by the data itself, not by when it was fetched.
 */
export interface Freshness {
  /**
   * The older of the node and broker pod views: each counts only after its informer completed a
   * list since the process started, and then is as old as its last list or watch event.
   */
  readonly kubernetesAtMs: number | undefined;
  /** The oldest sample the Prometheus answers were computed from (sample timestamps). */
  readonly prometheusAtMs: number | undefined;
  /** When the Auto Scaling groups were described (a live read). */
  readonly autoscalingAtMs: number | undefined;
  /**
   * Why a source's read of this pass failed: the error's message (it names what is wrong and,
   * where the adapter knows it, the fix: a partial answer, a series of another namespace, two
   * clocks that disagree, two Auto Scaling groups with one tag). The hold on the missing data
   * shows it (`staleDataBlocker`), so the decision record and `status` name the way out, not only
   * the logs (review s35-a, fault 5). `kafka` is the read of the `Kafka` resource.
   * @default - no read failed
   */
  readonly readErrors?: Readonly<Partial<Record<ReadSource, string>>>;
}

/** A read of one pass that can fail on its own (`Freshness.readErrors`). */
export type ReadSource = 'prometheus' | 'autoscaling' | 'kafka';

/** Everything `decide` and `step` need, gathered at one instant. */
export interface Observed {
  /** The instant the decision is for, epoch ms. */
  readonly nowMs: number;
  /** Age of each source. */
  readonly freshness: Freshness;
  /**
   * The `Kafka` resource's `Ready` condition, counted only for the current spec and while
   * reconciliation is not paused (`kafkaReadiness` in `observe.ts`); undefined when unknown.
   */
  readonly kafkaReady: boolean | undefined;
  /** Why `kafkaReady` is false, for the hold's detail. @default - the Ready condition is not True */
  readonly kafkaNotReadyBecause?: string;
  /** Under-replicated partitions; undefined when unknown. */
  readonly underReplicatedPartitions: number | undefined;
  /** Partitions under min ISR; undefined when unknown. */
  readonly underMinIsrPartitions: number | undefined;
  /**
   * Per broker pod: the time of its partition-health sample, epoch ms; undefined when Prometheus
   * did not answer. A Ready broker pod missing here, or sampled more than `staleAfterSeconds`
   * ago, makes the counts above partial: the controller holds with `stale-data`.
   */
  readonly healthSampledAtMs: Readonly<Record<string, number>> | undefined;
  /** Kafka nodes. */
  readonly nodes: readonly ObservedNode[];
  /** Broker pods. */
  readonly brokers: readonly ObservedBroker[];
  /**
   * Pods the broker selector matches whose pool is none of the configured zones' (a pool added by
   * hand, one a restarted configuration dropped, a pod without the pool label): not brokers of any
   * zone, but the live empty-node read (`LiveNodeCheck.nodeNow`, the same selector) counts them,
   * so a node hosting one is never empty (`emptyNodeBlocker` in gate.ts) and never a scale-in
   * victim (`scaleInVictim` in decide.ts). Absent = none.
   */
  readonly otherBrokerPods?: readonly OtherBrokerPod[];
  /**
   * Per EC2 instance ID: Nodes outside the Kafka node view (no Kafka label, or not in the cache
   * yet) that name the instance in `spec.providerID`, as the reconciler's live read of every Node
   * found them right before a removal's first record, for `staleAfterSeconds` after that read
   * (then read again). `decide` picks no such instance to remove (its unprotect needs one Node per
   * instance) and names the Node in `no-removable-node` (review s34-a, item 1b). Absent = none
   * known.
   */
  readonly instancesNamedOutsideView?: Readonly<Record<string, readonly string[]>>;
  /** One group per zone, when described. */
  readonly groups: readonly ObservedGroup[];
  /** Broker throughput; undefined when Prometheus did not answer. */
  readonly loads: readonly BrokerLoad[] | undefined;
  /** Per zone demand forecast (`controller/forecast.ts`); absent when the forecast floor is off. */
  readonly forecast?: readonly ZoneForecast[];
  /**
   * A Kubernetes write of this process that the view does not show yet, as a sentence (set by
   * the reconciler, `own-writes.ts`); the view then counts as stale. Absent = none.
   */
  readonly unseenOwnWrite?: string;
}

/** A pod of the broker selector outside the configured pools (`Observed.otherBrokerPods`). */
export interface OtherBrokerPod {
  readonly podName: string;
  /** `spec.nodeName`; undefined while unbound. */
  readonly nodeName: string | undefined;
}

/** State `decide` carries from one call to the next (plain JSON). */
export interface Memory {
  /**
   * Per zone with more nodes than its scale-in level: since when (epoch ms) the zone's demand has
   * fitted the next level its scale-in would remove a node toward (`levelCarriesSinceMs` of that
   * level); the next removal can come `scaleInStabilizationSeconds` after it, or
   * `emptyNodeStabilizationSeconds` after it for a removal that moves nothing or while the zone's
   * forecast is trusted (`ZoneView.forecastTrusted`; `status` assumes the full window). For reports (the decision record, `status`); the scale-in itself is judged on
   * `levelCarriesSinceMs`.
   */
  readonly scaleInEligibleSinceMs: Readonly<Record<string, number>>;
  /** Per zone: since when (epoch ms) the group's desired capacity has exceeded its Ready nodes. */
  readonly waitingForNodesSinceMs: Readonly<Record<string, number>>;
  /**
   * Ramp guard on (`rampHorizonSeconds`): per zone, the demands of the passes of the last
   * `RAMP_KEEP_MS` (150 s), oldest first (`controller/ramp.ts`). Absent = none yet.
   */
  readonly rampSamples?: Readonly<Record<string, readonly RampSample[]>>;
  /**
   * Per zone, per balanced level (the key is the node count as a string): since when (epoch ms)
   * every pass found that level enough for the zone: its demand at the target utilization (no
   * margin) and every floor (scheduled minimum, forecast floor; with `sameLevelInAllZones` the
   * highest zone's). A level is absent while the current pass finds it too low. It does not
   * depend on how many nodes the zone runs, so the window also runs while new nodes boot.
   */
  readonly levelCarriesSinceMs: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * Per zone and level, as `levelCarriesSinceMs`: the time (epoch ms, Prometheus's clock) of the
   * data (`Freshness.prometheusAtMs`) of the pass that started the level's clock. A window counts
   * only as long as the data advanced since then too, so passes that reread one frozen sample
   * (still fresh by `staleAfterSeconds`) do not make a scale-in come sooner. Absent (or a level
   * missing) = its pass time.
   */
  readonly levelCarriesSinceDataMs?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * Epoch ms of the last pass that judged `levelCarriesSinceMs` (a pass on fresh data). When the
   * next such pass is further from it, either way, than `max(staleAfterSeconds, 2 x
   * intervalSeconds)` (the data was stale or missing meanwhile, or the clock stepped), every
   * window restarts: no pass saw the levels carry the zone in between. Absent = none yet.
   */
  readonly levelCarriesCheckedAtMs?: number;
  /**
   * The Prometheus data time (`Freshness.prometheusAtMs`, epoch ms) of the pass at
   * `levelCarriesCheckedAtMs`. Not used to decide: the decision record keeps how far the data ran
   * behind the passes' clock then, so `status` can say when a window will have counted (see
   * `carriedForMs`). Absent = none yet.
   */
  readonly levelCarriesCheckedDataAtMs?: number;
}

/** Memory before the first decision. */
export const INITIAL_MEMORY: Memory = {
  scaleInEligibleSinceMs: {},
  waitingForNodesSinceMs: {},
  levelCarriesSinceMs: {},
};

/** Raise a zone group's desired capacity. */
export interface ScaleOutAction {
  readonly kind: 'scale-out';
  readonly zone: string;
  readonly groupName: string;
  readonly fromDesired: number;
  readonly toDesired: number;
}

/** Move one broker off the most loaded node of a zone (starts a `respread` operation). */
export interface RespreadAction {
  readonly kind: 'respread';
  readonly zone: string;
  readonly groupName: string;
  readonly nodeName: string;
  readonly nodeUid: string;
}

/** Empty one node and terminate its instance (starts a `remove-node` operation). */
export interface ScaleInAction {
  readonly kind: 'scale-in';
  readonly zone: string;
  readonly groupName: string;
  readonly nodeName: string;
  readonly nodeUid: string;
  readonly instanceId: string;
}

/** The one thing `decide` may ask for. */
export type Action = ScaleOutAction | RespreadAction | ScaleInAction;

/** Every reason `decide` acts or holds, in the order of docs/controller.md's hold table. */
export const DECISION_REASONS = [
  'scale-out',
  'respread',
  'scale-in',
  'stale-data',
  'kafka-not-ready',
  'under-replicated',
  'under-min-isr',
  'broker-not-ready',
  'roll-in-flight',
  'operation-in-flight',
  'operation-abandoned',
  'waiting-for-nodes',
  'zone-cannot-grow',
  'group-at-max-size',
  'group-at-min-size',
  'no-room-to-move',
  'no-removable-node',
  'node-cordoned-externally',
  'rollback-loop',
  'stabilizing',
  'forecast-unknown',
  'at-target',
] as const;

/** Why `decide` acts or holds. */
export type DecisionReason = (typeof DECISION_REASONS)[number];

/**
 * The reasons `decide` holds for: every reason but the three actions and `at-target` (nothing to
 * do). Each has a way out (`HOLD_WAY_OUT` in `decide.ts`) that its detail names.
 */
export type HoldReason = Exclude<
  DecisionReason,
  'scale-out' | 'respread' | 'scale-in' | 'at-target'
>;

/** The numbers behind a decision, per zone. */
export interface ZoneView {
  readonly zone: string;
  /** Ready nodes that are not being removed. */
  readonly currentNodes: number;
  /**
   * The balanced level the zone should run at now, or its current unbalanced count while it holds
   * there on its way down (3 of levels 1/2/4 between the removals of 4 -> 2, demand inside the
   * scale-in margin of 2: `holdsOnItsWayDown` in `decide.ts`; nothing is ever written at it).
   */
  readonly desiredNodes: number;
  /**
   * The lowest balanced level that carries the zone's demand with the scale-in margin (without it
   * while `descentConfirmed`), floors included (with `sameLevelInAllZones` the highest zone's): a
   * node removal in progress starts its next move only while the zone's other nodes are at least
   * this many.
   */
  readonly scaleInLevelNodes: number;
  /**
   * The lowest balanced level that carries the zone's demand at the target utilization, floors
   * included (with `sameLevelInAllZones` the highest zone's): a node removal in progress is rolled
   * back once the zone's other nodes are fewer. Unlike `desiredNodes` it is not rounded up from an
   * unbalanced node count (3 of levels 1/2/4 while a removal 4 -> 2 runs). Absent in views built
   * before the field existed; `removalStillWanted` then uses `desiredNodes`.
   */
  readonly scaleOutLevelNodes?: number;
  /**
   * True when the zone has its nodes and would re-spread a broker were no operation in flight (the
   * move `decide` picks for it, cordons by others aside); absent otherwise. A node removal in
   * another zone that waits inside the scale-in margin is rolled back instead of holding it.
   */
  readonly respreadPending?: boolean;
  /** Demand, MiB/s in the busier direction. */
  readonly demandMiBps: number;
  /**
   * Forecast floor on: the zone's demand forecast for the lead time, MiB/s, after the correction
   * (absent when ignored).
   */
  readonly forecastMiBps?: number;
  /**
   * Forecast floor on: how far the forecast was lowered because the window that just ended ran
   * below its forecast, MiB/s (`ZoneForecast.correctionMiBps`; 0 when it did not; absent when
   * ignored).
   */
  readonly forecastCorrectionMiBps?: number;
  /** Forecast floor on: the forecast's error on the window that just ended, MiB/s (+ = over). */
  readonly forecastErrorMiBps?: number;
  /**
   * Forecast floor on: the forecast's mean absolute error over the lead-time windows of the last
   * day, MiB/s (`ZoneForecast.recentErrorMiBps`; absent while unknown: a gap, under about two
   * days of history, a lead time under 10 minutes).
   */
  readonly forecastRecentErrorMiBps?: number;
  /** Forecast floor on: the demand the floor plans for (capped), MiB/s; 0 when ignored. */
  readonly forecastFloorMiBps?: number;
  /** Forecast floor on: the level the floor alone asks for (the lowest level when none). */
  readonly forecastFloorNodes?: number;
  /**
   * Forecast floor on: true while the zone's forecast is unknown (`ZoneForecast.status` `unknown`,
   * or no forecast observed for the zone); no node removal starts or goes on in the zone
   * meanwhile (`removalMayProceed`). Absent while the floor is off.
   */
  readonly forecastUnknown?: boolean;
  /** Forecast floor on and `forecastUnknown`: why, one clause (`ZoneForecast.unknownCause`). */
  readonly forecastUnknownCause?: string;
  /**
   * Forecast floor on and `forecastUnknown`: the way out, one clause (`ZoneForecast.unknownWayOut`);
   * absent when it is Prometheus answering the history range query again.
   */
  readonly forecastUnknownWayOut?: string;
  /** Ramp guard on: the demand projected over `rampHorizonSeconds`, MiB/s. */
  readonly rampProjectedMiBps?: number;
  /** Ramp guard on: the level the guard asks for (0 = none). */
  readonly rampFloorNodes?: number;
  /**
   * Ramp guard on: true while it has no sample a metric minute old (`ZoneRamp.blind`); no node
   * removal starts or goes on in the zone meanwhile.
   */
  readonly rampBlind?: boolean;
  /**
   * Ramp guard on: true while demand rises by the trend of the guard's samples (`ZoneRamp.rising`);
   * an empty node then keeps the full scale-in window.
   */
  readonly rampRising?: boolean;
  /**
   * Forecast floor and ramp guard on: true while the forecast confirms the zone's descent (its
   * forecast for the lead time fits the level that carries current demand, at the target, and so
   * does the ramp guard's projection, `rampProjectedMiBps`), so the zone's own scale-in level and
   * a removal in progress are judged at the target without the scale-in margin (`descentConfirmed`
   * in `decide.ts`); absent otherwise. With `sameLevelInAllZones` the scale-in level is the highest
   * of the zones', so another zone whose descent is not confirmed can still hold this zone's level
   * (`scaleInLevelNodes` then stays above the level at the target).
   */
  readonly descentConfirmed?: boolean;
  /**
   * Forecast floor and ramp guard on: true while the forecast confirms the zone's descent
   * (`descentConfirmed`) and its recent error (`forecastRecentErrorMiBps`) is at most the
   * scale-in margin of one node at the target, so a removal from the zone waits
   * `emptyNodeStabilizationSeconds` instead of `scaleInStabilizationSeconds` (`forecastTrusted`
   * in `decide.ts`); absent otherwise.
   */
  readonly forecastTrusted?: boolean;
  /**
   * The kinds of operation the rollback loop breaker keeps from starting in the zone now
   * (controller/rollback-loop.ts); absent when none.
   */
  readonly rollbackLoopHeld?: ReadonlyArray<'respread' | 'remove-node'>;
}

/** The result of `decide`: at most one action, the reason, and the next memory. */
export interface Plan {
  /** The action to take, or undefined to hold. */
  readonly action: Action | undefined;
  /** Why. */
  readonly reason: DecisionReason;
  /** A sentence for logs and events. */
  readonly detail: string;
  /** Per zone numbers; empty when the data was too stale to compute them. */
  readonly zones: readonly ZoneView[];
  /** Pass this to the next `decide`. */
  readonly memory: Memory;
}
