/**
 * The `controller` strategy: the controller's real `decide` and operation state machine, run in
 * simulated time against the cluster model. This file is only the adapter: it builds `Observed`
 * from the model (load and under-replication through the metrics lag) and applies the actions and
 * effects the controller asks for, one pass per decision interval, in the order the reconciler uses.
 */
import type { ControllerConfig } from '../../controller/config';
import { forecastZone, type DemandSample, type ZoneForecast } from '../../controller/forecast';
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
  type OperationRecord,
} from '../../controller/decide';
import { writeBlocker } from '../../controller/gate';
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
  private readonly history: DemandSample[][];
  private lastHistoryMinute = -1;
  private forecasts: readonly ZoneForecast[] | undefined;

  constructor(
    private readonly cluster: ClusterModel,
    private readonly config: ControllerConfig,
  ) {
    this.intervalMs = config.intervalSeconds * 1000;
    this.nextPassMs = cluster.nowMs + WAKE_DELAY_MS;
    this.history = cluster.facts.zones.map(() => []);
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
      if (sampleDue) samples.push({ atMs, demandMiBps: observedLoad * zone.brokerIds.length });
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
      healthSampledAtMs: Object.fromEntries(
        cluster.brokers.map(broker => [broker.podName, cluster.nowMs]),
      ),
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
      })),
      brokers: cluster.brokers.map(broker => ({
        podName: broker.podName,
        uid: broker.uid,
        zone: facts.zones[broker.zoneIndex].zone,
        nodeName: broker.nodeName,
        ready: broker.phase === 'running' || broker.phase === 'catching-up',
        rollRequested: broker.rollRequested,
        terminating: false,
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
   * One reconcile pass, in the reconciler's order: decide; step the operation or start the action.
   * Returns whether it acted: wrote an operation record (a node change its watch reports) or raised
   * a group (main.ts runs the next pass soon after an action).
   */
  pass(): boolean {
    const { cluster, config } = this;
    const observed = this.observe();
    const plan = decide(observed, config, this.memory);
    this.memory = plan.memory;
    this.count(`decide:${plan.reason}`);

    const busy = observed.nodes
      .filter(node => node.operation !== undefined)
      .sort((a, b) => (a.operation?.startedAtMs ?? 0) - (b.operation?.startedAtMs ?? 0))[0];
    const action = plan.action;
    // As the reconciler does (controller/reconciler.ts `act`): a scale-out is applied even while an
    // operation is in flight (it moves nothing), then the operation advances by one step.
    let raised = false;
    if (action?.kind === 'scale-out' && !config.dryRun) raised = this.scaleOut(action, observed);
    if (busy?.operation !== undefined) {
      const step = stepOperation(busy.operation, observed, config, {
        nowMs: observed.nowMs,
        fencingToken: FENCING_TOKEN,
        holder: HOLDER,
        ...removalContext(plan, busy.operation.zone),
      });
      for (const event of step.events) this.count(`event:${event}`);
      if (step.effect !== undefined) this.perform(step.effect);
      const before = this.records.get(busy.name);
      if (step.next === undefined) this.records.delete(busy.name);
      else this.records.set(busy.name, step.next);
      // As the reconciler's `apply`: a step acted when it wrote its record or performed its effect
      // (a cordon, an uncordon, a repeated terminate write no record), so the next pass follows
      // one second later, not at the next interval.
      const recordChanged = JSON.stringify(before) !== JSON.stringify(step.next);
      return raised || recordChanged || step.effect !== undefined;
    }

    if (action === undefined || config.dryRun) return false;
    // The controller runs its next pass soon after any action (main.ts), so the next zone's
    // scale-out does not wait a whole interval.
    if (action.kind === 'scale-out') return raised;
    if (cluster.nodeByName(action.nodeName) === undefined) return false;
    const record = startOperation(action, {
      nowMs: observed.nowMs,
      fencingToken: FENCING_TOKEN,
      holder: HOLDER,
      id: `op-${this.nextOperation++}`,
    });
    this.records.set(action.nodeName, record);
    return true;
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
    const blocked = writeBlocker(observed, this.config, {
      kind: 'set-desired',
      groupName: action.groupName,
      desired: action.toDesired,
    });
    if (blocked !== undefined) {
      this.count(`gate:${blocked.reason}`);
      return false;
    }
    cluster.setDesired(zoneIndex, action.toDesired);
    cluster.books.scalingActions++;
    return true;
  }

  /** Applies one effect the way the adapters would (UID-guarded, group-checked). */
  private perform(effect: Effect): void {
    const { cluster } = this;
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
