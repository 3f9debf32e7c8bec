/**
 * The `controller` strategy: the controller's real `decide` and operation state machine, run in
 * simulated time against the cluster model. This file is only the adapter: it builds `Observed`
 * from the model (load and under-replication through the metrics lag) and applies the actions and
 * effects the controller asks for, one pass per decision interval, in the order the reconciler uses.
 *
 * A pass (`passOn`) is the reconciler's `act` and `apply` (controller/reconciler.ts), made
 * synchronous on the model; the pass timing (`act`) is the pass scheduler's
 * (controller/pass-scheduler.ts). `test/simulator/strategies/controller-fidelity.test.ts` runs the
 * real `Reconciler` on the same observations and checks, pass by pass, the same writes in the same
 * order and the same `acted`.
 *
 * Differences, each because the model has nothing for it to act on:
 * - Scale-in protection: the model's groups never pick an instance themselves (a lower desired
 *   capacity only records the number), so the housekeeping's `protect` and a removal's `unprotect`
 *   write nothing (the observation leaves `protectedFromScaleIn` undefined, which the reconciler
 *   also leaves alone; a protect never counts as acted there either).
 * - Orphaned cordons and node-less instances (the reconciler's other housekeeping): no one removes a
 *   record in the model, and an instance is a Node from its launch, so neither arises.
 * - Live reads before the first record and before unprotect/terminate, and the own-writes staleness
 *   check: the model's view is the model itself, never behind, so they always pass.
 * - Leadership (one leader, fencing token 1, never lost; no foreign records), write errors (none)
 *   and the gate's clock (writes take no time, so the gate a second write passes again gives the
 *   first answer).
 * - Passes are rounded to the 10 s tick: a change in the model between ticks wakes the next pass
 *   at the next tick, and follow-up passes after a pass that acted run within the tick, up to one a
 *   second (see `act`).
 */
import type { RollbackTally } from '../../controller/rollback-loop';
import type { ControllerConfig } from '../../controller/config';
import { DemandHistory, forecastZone, type ZoneForecast } from '../../controller/forecast';
import { FORECAST_STEP_SECONDS } from '../../controller/forecast-history';
import {
  decide,
  INITIAL_MEMORY,
  removalContext,
  startOperation,
  stepOperation,
  type Effect,
  type Memory,
  type Observed,
  type ObservedNode,
  type OperationRecord,
  type StepOutcome,
} from '../../controller/decide';
import { writeBlocker, type GatedWrite } from '../../controller/gate';
import { encodeOperationRecord } from '../../controller/operation-record';
import { stepWrites } from '../../controller/step-writes';
import type { ClusterModel } from '../cluster';
import type { DynamicStrategy } from './strategy';

const HOLDER = 'simulator';
/** A watch event brings the next pass forward to one second later (rounded up to the next tick). */
const WAKE_DELAY_MS = 1000;
const FENCING_TOKEN = 1;

export class ControllerStrategy implements DynamicStrategy {
  private memory: Memory = INITIAL_MEMORY;
  /** Operation records, stored "on" the node they are about (by node name). */
  private readonly records = new Map<string, OperationRecord>();
  /** Each node's rollback tally (controller/rollback-loop.ts), kept beside its record. */
  private readonly tallies = new Map<string, RollbackTally>();
  private readonly counts: Record<string, number> = {};
  private nextOperation = 1;
  private readonly intervalMs: number;
  /** When the next pass runs: the interval after a quiet pass, sooner when a watch fires. */
  private nextPassMs: number;
  /** The model's watch version the last pass saw. */
  private seenWatchVersion = -1;
  /**
   * Per zone: the demand history the controller's Prometheus range query returns (one sample per
   * `FORECAST_STEP_SECONDS`, as the controller saw it, through the metrics lag).
   */
  private readonly history: DemandHistory[];
  private lastHistoryMinute = -1;
  private forecasts: readonly ZoneForecast[] | undefined;

  /**
   * @param onWrite called with each write the adapter makes, as one line (`record <node> <encoded
   *   record>`,
   *   `remove-record <node>`, `set-desired <group> <n>`, or an `effectWrite` line), in order.
   *   @default none
   */
  constructor(
    private readonly cluster: ClusterModel,
    private readonly config: ControllerConfig,
    private readonly onWrite?: (write: string) => void,
  ) {
    this.intervalMs = config.intervalSeconds * 1000;
    this.nextPassMs = cluster.nowMs + WAKE_DELAY_MS;
    this.history = cluster.facts.zones.map(() => DemandHistory.empty());
  }

  /**
   * Records the zone demand once a minute and, with the forecast floor on, refreshes the forecast
   * from that history with the controller's own `forecastZone`.
   */
  private updateForecast(observedLoad: number): readonly ZoneForecast[] | undefined {
    const { cluster, config } = this;
    const minute = Math.floor(cluster.nowMs / 60_000);
    if (minute === this.lastHistoryMinute) return this.forecasts;
    this.lastHistoryMinute = minute;
    const forecast = config.forecast;
    if (forecast === undefined) return undefined;
    const atMs = minute * 60_000;
    // One history sample per step (as the range query returns them); the forecast itself is
    // recomputed every minute, since the window's edges move with the clock.
    const sampleDue = atMs % (FORECAST_STEP_SECONDS * 1000) === 0;
    this.forecasts = cluster.facts.zones.map((zone, zoneIndex) => {
      const samples = this.history[zoneIndex];
      if (sampleDue) samples.append({ atMs, demandMiBps: observedLoad * zone.brokerIds.length });
      return forecastZone(zone.zone, samples, atMs, forecast);
    });
    return this.forecasts;
  }

  reasons(): Readonly<Record<string, number>> {
    return this.counts;
  }

  private count(key: string): void {
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  /**
   * Every broker's health sampled now: `{ podName: nowMs }`. A loop, not `Object.fromEntries`,
   * which cost a tenth of `observe` (bench/simulator.ts); the same object.
   */
  private healthSampledNow(): Record<string, number> {
    const { cluster } = this;
    const sampled: Record<string, number> = {};
    for (const broker of cluster.brokers) sampled[broker.podName] = cluster.nowMs;
    return sampled;
  }

  /** What the controller's adapters would report now. */
  observe(): Observed {
    const { cluster } = this;
    const { facts } = cluster;
    for (const name of [...this.records.keys()]) {
      if (cluster.nodeByName(name) === undefined) this.records.delete(name);
    }
    const observedLoad = cluster.brokerLoadObserved();
    const forecast = this.updateForecast(observedLoad);
    return {
      ...(forecast === undefined ? {} : { forecast }),
      nowMs: cluster.nowMs,
      freshness: {
        kubernetesAtMs: cluster.nowMs,
        prometheusAtMs: cluster.nowMs,
        autoscalingAtMs: cluster.nowMs,
      },
      kafkaReady: true,
      underReplicatedPartitions: cluster.underReplicatedObserved(),
      underMinIsrPartitions: 0,
      healthSampledAtMs: this.healthSampledNow(),
      nodes: cluster.nodes.map(node => ({
        name: node.name,
        uid: node.uid,
        resourceVersion: '1',
        zone: facts.zones[node.zoneIndex].zone,
        ready: node.ready,
        unschedulable: node.cordoned,
        instanceId: node.instanceId,
        createdAtMs: node.launchedAtMs,
        operation: this.records.get(node.name),
        ...(this.tallies.has(node.name) ? { rollbacks: this.tallies.get(node.name) } : {}),
      })),
      brokers: cluster.brokers.map(broker => ({
        podName: broker.podName,
        uid: broker.uid,
        zone: facts.zones[broker.zoneIndex].zone,
        nodeName: broker.nodeName,
        ready: broker.phase === 'running' || broker.phase === 'catching-up',
        rollRequested: broker.rollRequested,
        terminating: false,
        readySinceMs: broker.readySinceMs,
      })),
      groups: cluster.groups.map(group => ({
        zone: facts.zones[group.zoneIndex].zone,
        groupName: group.groupName,
        desired: group.desired,
        min: group.min,
        max: group.max,
        instances: cluster
          .zoneNodes(group.zoneIndex)
          .map(node => ({ instanceId: node.instanceId, lifecycleState: node.state })),
      })),
      loads: cluster.brokers.map(broker => ({
        podName: broker.podName,
        receiveMiBps: observedLoad,
        transmitMiBps: observedLoad,
      })),
    };
  }

  /**
   * Runs a pass when it is due. Like the controller's main loop: a pass every interval, and a watch
   * event (node or pod changed, including the controller's own writes) brings the next pass
   * forward to one second later. Within one tick, a pass that wrote is followed at once by the
   * next (the wake one second after the controller's own write), up to one pass per second of the
   * tick; those passes see the model as it stands after the writes, at the tick's time. A change
   * in the model between ticks (a pod Ready, a node joined) is seen at the next tick.
   */
  act(cluster: ClusterModel): void {
    if (cluster.watchVersion !== this.seenWatchVersion) {
      this.nextPassMs = Math.min(this.nextPassMs, cluster.nowMs + WAKE_DELAY_MS);
      this.seenWatchVersion = cluster.watchVersion;
    }
    if (cluster.nowMs < this.nextPassMs) return;
    const passesPerTick = Math.max(
      1,
      Math.floor((cluster.timings.tickSeconds * 1000) / WAKE_DELAY_MS),
    );
    for (let passes = 1; ; passes++) {
      const wrote = this.pass();
      this.seenWatchVersion = cluster.watchVersion;
      if (!wrote || passes >= passesPerTick) {
        this.nextPassMs = cluster.nowMs + (wrote ? WAKE_DELAY_MS : this.intervalMs);
        return;
      }
    }
  }

  /**
   * One reconcile pass on the model as it stands now (`passOn(observe())`). Returns whether it
   * acted, as the reconciler's `PassResult.acted`.
   */
  pass(): boolean {
    return this.passOn(this.observe());
  }

  /**
   * One reconcile pass on this observation, as the reconciler's `act` and `apply` make it
   * (controller/reconciler.ts), writing to the model:
   *
   * - decide; in dry-run with an action nothing more (not acted);
   * - a scale-out, through the write gate, even while an operation is in flight (it moves nothing);
   * - then the operation in flight (the oldest record) advances one step: nothing when the step
   *   changes no record and asks no effect; otherwise the whole step or nothing: its effect and its
   *   record write must both pass the gate on this observation, and the effect goes before the
   *   record when the step says so (a roll request), after it otherwise. A step that wrote anything
   *   (an effect alone, as a cordon, counts) acted;
   * - else the action `decide` asked for starts its operation: the first record, through the gate.
   *
   * Returns whether it acted: a raised group, a step that wrote, or a new record. Where the model
   * differs from the reconciler, and why, is in the class docstring's "Differences".
   */
  passOn(observed: Observed): boolean {
    const { config } = this;
    const plan = decide(observed, config, this.memory);
    this.memory = plan.memory;
    this.count(`decide:${plan.reason}`);

    const action = plan.action;
    if (action !== undefined && config.dryRun) return false;
    const busy = observed.nodes
      .filter(node => node.operation !== undefined)
      .sort((a, b) => (a.operation?.startedAtMs ?? 0) - (b.operation?.startedAtMs ?? 0))[0];
    let raised = false;
    if (action?.kind === 'scale-out') raised = this.scaleOut(action, observed);
    if (busy?.operation !== undefined) {
      if (config.dryRun) return raised;
      const step = stepOperation(busy.operation, observed, config, {
        nowMs: observed.nowMs,
        fencingToken: FENCING_TOKEN,
        holder: HOLDER,
        ...removalContext(plan, busy.operation.zone),
        recordNodeName: busy.name,
      });
      const applied = this.apply(busy, step, observed);
      if (applied) for (const event of step.events) this.count(`event:${event}`);
      return raised || applied;
    }

    if (action === undefined || action.kind === 'scale-out') return raised;
    const node = observed.nodes.find(each => each.name === action.nodeName);
    if (node === undefined) return raised;
    if (!this.allowed(observed, { kind: 'record', nodeName: node.name })) return raised;
    const record = startOperation(action, {
      nowMs: observed.nowMs,
      fencingToken: FENCING_TOKEN,
      holder: HOLDER,
      id: `op-${this.nextOperation++}`,
    });
    this.writeRecord(node.name, record);
    return true;
  }

  /**
   * Applies one step as the reconciler's `apply` does, with the writes and their order it takes
   * from the same `stepWrites` (controller/step-writes.ts): the whole step or nothing, both writes
   * gated on this observation (the model's writes take no time, so the second gate gives the first
   * answer). Returns whether it wrote anything.
   */
  private apply(node: ObservedNode, step: StepOutcome, observed: Observed): boolean {
    const writes = stepWrites(node, step);
    if (writes.order.length === 0) return false;
    if (!writes.gated.every(write => this.allowed(observed, write))) return false;
    for (const write of writes.order) {
      if (write.kind === 'effect') this.perform(write.effect);
      else {
        this.writeRecord(node.name, write.record);
        // The rollback tally goes with the record, as in `ClusterWriter.writeOperation`.
        if (write.rollbacks === null) this.tallies.delete(node.name);
        else if (write.rollbacks !== undefined) this.tallies.set(node.name, write.rollbacks);
      }
    }
    return true;
  }

  /** The reconciler's write gate on this observation; a refusal counts `gate:<reason>`. */
  private allowed(observed: Observed, write: GatedWrite): boolean {
    const blocked = writeBlocker(observed, this.config, write);
    if (blocked === undefined) return true;
    this.count(`gate:${blocked.reason}`);
    return false;
  }

  /** Stores (undefined: removes) the record on the node, as `ClusterWriter.writeOperation`. */
  private writeRecord(nodeName: string, record: OperationRecord | undefined): void {
    if (record === undefined) this.records.delete(nodeName);
    else this.records.set(nodeName, record);
    if (this.onWrite !== undefined) {
      this.onWrite(
        record === undefined
          ? `remove-record ${nodeName}`
          : `record ${nodeName} ${encodeOperationRecord(record)}`,
      );
    }
  }

  /**
   * Raises the zone's group to the balanced level `decide` asked for, through the reconciler's
   * write gate (`writeBlocker` on this pass's observation; a refusal counts `gate:<reason>`);
   * false for an unknown zone or a refusal.
   */
  private scaleOut(
    action: { readonly zone: string; readonly groupName: string; readonly toDesired: number },
    observed: Observed,
  ): boolean {
    const { cluster } = this;
    const zoneIndex = cluster.facts.zones.findIndex(zone => zone.zone === action.zone);
    if (zoneIndex < 0) return false;
    const write: GatedWrite = {
      kind: 'set-desired',
      groupName: action.groupName,
      desired: action.toDesired,
    };
    if (!this.allowed(observed, write)) return false;
    cluster.setDesired(zoneIndex, action.toDesired);
    cluster.books.scalingActions++;
    this.onWrite?.(`set-desired ${action.groupName} ${action.toDesired}`);
    return true;
  }

  /** Applies one effect the way the adapters would (UID-guarded, group-checked). */
  private perform(effect: Effect): void {
    const { cluster } = this;
    this.onWrite?.(effectWrite(effect));
    switch (effect.kind) {
      case 'cordon':
      case 'uncordon': {
        const node = cluster.nodeByName(effect.nodeName);
        if (node !== undefined && node.uid === effect.nodeUid) {
          cluster.cordon(effect.nodeName, effect.kind === 'cordon');
        }
        return;
      }
      case 'request-roll': {
        const broker = cluster.brokers.find(each => each.podName === effect.podName);
        if (broker !== undefined && broker.uid === effect.podUid)
          cluster.requestRoll(broker.podName);
        return;
      }
      case 'protect-instance':
      case 'unprotect-instance':
        // The model keeps no scale-in protection: its groups never pick an instance themselves
        // (a lower desired capacity only records the number), so there is nothing to take off.
        return;
      case 'terminate-instance': {
        const node = cluster.nodes.find(each => each.instanceId === effect.instanceId);
        if (node === undefined || node.state !== 'InService') return; // already leaving
        const group = cluster.groups[node.zoneIndex];
        if (group.desired <= group.min) {
          this.count('error:terminate-at-min-size');
          return;
        }
        cluster.terminate(node.name, true);
        cluster.books.scalingActions++;
        return;
      }
    }
  }
}

/**
 * One write as a line (`cordon <node>`, `roll <pod>`, `terminate <instance>`, ...), the form the
 * `onWrite` hook reports and the differential test compares with the reconciler's writes.
 */
export function effectWrite(effect: Effect): string {
  switch (effect.kind) {
    case 'cordon':
    case 'uncordon':
      return `${effect.kind} ${effect.nodeName}`;
    case 'request-roll':
      return `roll ${effect.podName}`;
    case 'protect-instance':
      return `protect ${effect.instanceId}`;
    case 'unprotect-instance':
      return `unprotect ${effect.instanceId}`;
    case 'terminate-instance':
      return `terminate ${effect.instanceId}`;
  }
}
