/**
 * Prometheus metrics of the controller, on its own registry (served at `/metrics`). The forecast
 * floor's (`kafka_autoscaler_forecast_*`) are registered only while the floor is on
 * (`ControllerMetricsOptions.forecastFloor`).
 */
import type { LeaseConfirmOutcome } from './leader-election';
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { DecisionReason, Plan } from './model';
import type { OperationEvent } from './operation';

/** Options of `ControllerMetrics`. */
export interface ControllerMetricsOptions {
  /** Collect prom-client's process and Node.js metrics. @default true */
  readonly defaultMetrics?: boolean;
  /**
   * Whether the forecast floor is on (`autoscaling.forecast`, `ControllerConfig.forecast` set).
   * Off, no `kafka_autoscaler_forecast_*` metric is registered, so none is exported (a 0 would
   * read as a healthy forecast); on, all are, the marker error counters from 0 per operation.
   * @default false
   */
  readonly forecastFloor?: boolean;
}

/** The operations `recordForecastMarkerError` counts. */
const FORECAST_MARKER_OPERATIONS = ['read', 'write', 'conflict'] as const;

/** The controller's metrics. */
export class ControllerMetrics {
  /** The registry to serve. */
  readonly registry = new Registry();
  private readonly desiredNodes = new Gauge({
    name: 'kafka_autoscaler_desired_nodes',
    help: 'Balanced node level the controller wants per zone (the current unbalanced count while a zone holds it on its way down)',
    labelNames: ['zone'],
    registers: [this.registry],
  });
  private readonly currentNodes = new Gauge({
    name: 'kafka_autoscaler_current_nodes',
    help: 'Ready Kafka nodes per zone, not counting one being removed',
    labelNames: ['zone'],
    registers: [this.registry],
  });
  private readonly demand = new Gauge({
    name: 'kafka_autoscaler_zone_demand_mibps',
    help: 'Broker network demand per zone, MiB/s in the busier direction',
    labelNames: ['zone'],
    registers: [this.registry],
  });
  private readonly forecastDemand = new Gauge({
    name: 'kafka_autoscaler_forecast_demand_mibps',
    help: 'Forecast floor: demand forecast per zone for the lead time ahead, MiB/s (absent until enough history)',
    labelNames: ['zone'],
    // Registered by the constructor, only while the floor is on.
    registers: [],
  });
  private readonly forecastError = new Gauge({
    name: 'kafka_autoscaler_forecast_error_mibps',
    help: 'Forecast floor: forecast minus the highest demand seen, on the lead-time window that just ended, MiB/s',
    labelNames: ['zone'],
    // Registered by the constructor, only while the floor is on.
    registers: [],
  });
  private readonly forecastRecentError = new Gauge({
    name: 'kafka_autoscaler_forecast_recent_error_mibps',
    help: 'Forecast floor: mean absolute forecast error over the lead-time windows of the last day, MiB/s (absent while unknown)',
    labelNames: ['zone'],
    // Registered by the constructor, only while the floor is on.
    registers: [],
  });
  private readonly forecastCorrection = new Gauge({
    name: 'kafka_autoscaler_forecast_correction_mibps',
    help: 'Forecast floor: how far the forecast was lowered because the window that just ended ran below its forecast, MiB/s (0 when it did not; absent until enough history)',
    labelNames: ['zone'],
    // Registered by the constructor, only while the floor is on.
    registers: [],
  });
  private readonly forecastFloorNodes = new Gauge({
    name: 'kafka_autoscaler_forecast_floor_nodes',
    help: 'Forecast floor: the level per zone the forecast alone asks for (its effect; the lowest level when none)',
    labelNames: ['zone'],
    // Registered by the constructor, only while the floor is on.
    registers: [],
  });
  private readonly forecastUnknown = new Gauge({
    name: 'kafka_autoscaler_forecast_unknown',
    help: 'Forecast floor: 1 per zone while its forecast is unknown (no successful history range query since the start, the last one too old, or the zone missing from it; or, after a restart, a history shorter than minHistoryHours that the forecast history marker says was long enough before, or that no marker read could yet tell from a new cluster): no node removal starts or goes on in the zone; 0 otherwise; absent while the floor is off',
    labelNames: ['zone'],
    // Registered by the constructor, only while the floor is on.
    registers: [],
  });
  private readonly rampFloorNodes = new Gauge({
    name: 'kafka_autoscaler_ramp_floor_nodes',
    help: 'Ramp guard: the level per zone a steep demand rise alone asks for (0 when none; absent while the guard is off)',
    labelNames: ['zone'],
    registers: [this.registry],
  });
  private readonly rollbackLoopHeld = new Gauge({
    name: 'kafka_autoscaler_rollback_loop_held',
    help: 'Rollback loop breaker: 1 per zone and kind of operation (respread, remove-node) while no such operation starts in the zone because several in a row were rolled back at their deadline; 0 otherwise',
    labelNames: ['zone', 'kind'],
    registers: [this.registry],
  });
  private readonly leaseConfirmations = new Counter({
    name: 'kafka_autoscaler_lease_confirmations_total',
    help: 'Lease read-backs before a write, by outcome: confirmed (write sent), read_failed (the Lease could not be read; write dropped, leadership not known lost), lease_lost (the Lease names another replica or term; write dropped), not_leading (renew deadline passed; write dropped)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly fenceRefusals = new Counter({
    name: 'kafka_autoscaler_admission_fence_refusals_total',
    help: "Writes the API server's admission fence refused (a 403/422 naming the fence's policy): the Lease the API server reads names another holder or term than the write's stamp; the replica stops leading until it reads the Lease again",
    registers: [this.registry],
  });
  private readonly decision = new Gauge({
    name: 'kafka_autoscaler_last_decision',
    help: 'Last decision: 1 for its reason, 0 for the others',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly decisionTime = new Gauge({
    name: 'kafka_autoscaler_last_decision_timestamp_seconds',
    help: 'When the last decision was taken',
    registers: [this.registry],
  });
  private readonly blockedSeconds = new Counter({
    name: 'kafka_autoscaler_blocked_seconds_total',
    help: 'Time spent holding, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly moves = new Counter({
    name: 'kafka_autoscaler_broker_moves_total',
    help: 'Broker moves by outcome (started, retried, finished, failed)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly actions = new Counter({
    name: 'kafka_autoscaler_actions_total',
    help: 'Actions taken (or reported in dry-run) by kind',
    labelNames: ['kind', 'dry_run'],
    registers: [this.registry],
  });
  private readonly protections = new Counter({
    name: 'kafka_autoscaler_instances_protected_total',
    help: 'Instances the controller protected from scale-in (new, or found unprotected)',
    registers: [this.registry],
  });
  private readonly terminations = new Counter({
    name: 'kafka_autoscaler_instances_terminated_total',
    help: 'Instances terminated after being emptied',
    registers: [this.registry],
  });
  private readonly abandoned = new Counter({
    name: 'kafka_autoscaler_operations_abandoned_total',
    help: 'Operations abandoned after a failed move; the controller holds until a human looks',
    registers: [this.registry],
  });
  private readonly moveAge = new Gauge({
    name: 'kafka_autoscaler_current_move_age_seconds',
    help: 'Age of the broker move in flight (since its roll was first requested), 0 when none',
    registers: [this.registry],
  });
  private readonly forecastHistoryFailures = new Gauge({
    name: 'kafka_autoscaler_forecast_history_failures',
    help: 'Forecast floor: forecast history range queries failed in a row since the last success (0 after a success)',
    // Registered by the constructor, only while the floor is on.
    registers: [],
  });
  private readonly forecastHistoryRetryDelay = new Gauge({
    name: 'kafka_autoscaler_forecast_history_retry_delay_seconds',
    help: 'Forecast floor: the wait before the failing history range query is tried again (the pass interval, doubling per failure up to the 600 s refresh); 0 after a success',
    // Registered by the constructor, only while the floor is on.
    registers: [],
  });
  private readonly forecastMarkerErrors = new Counter({
    name: 'kafka_autoscaler_forecast_marker_errors_total',
    help: 'Forecast floor: failed reads and writes of the forecast history marker ConfigMap, by operation (read, write), and writes that lost a race (conflict: the ConfigMap changed since the read; nothing written, read again at the next refresh)',
    labelNames: ['operation'],
    // Registered by the constructor, only while the floor is on.
    registers: [],
  });
  private readonly heldCordoned = new Gauge({
    name: 'kafka_autoscaler_nodes_held_cordoned',
    help: 'Nodes cordoned by the controller, without an operation record, that it has kept cordoned for at least the phase deadline (instance detached or in no group, leaving, or node not Ready): an operator is needed',
    registers: [this.registry],
  });
  private readonly leader = new Gauge({
    name: 'kafka_autoscaler_leader',
    help: '1 while this replica holds the lease',
    registers: [this.registry],
  });
  private lastReason: DecisionReason | undefined;
  private lastDecisionAtMs: number | undefined;

  constructor(options: ControllerMetricsOptions = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    if (options.forecastFloor ?? false) {
      const forecastMetrics: Metric<string>[] = [
        this.forecastDemand,
        this.forecastError,
        this.forecastRecentError,
        this.forecastCorrection,
        this.forecastFloorNodes,
        this.forecastUnknown,
        this.forecastHistoryFailures,
        this.forecastHistoryRetryDelay,
        this.forecastMarkerErrors,
      ];
      for (const metric of forecastMetrics) this.registry.registerMetric(metric);
      for (const operation of FORECAST_MARKER_OPERATIONS) {
        this.forecastMarkerErrors.inc({ operation }, 0);
      }
    }
  }

  /** Records a plan; time since the previous plan counts as blocked under its reason. */
  recordPlan(plan: Plan, nowMs: number): void {
    if (this.lastReason !== undefined && this.lastDecisionAtMs !== undefined) {
      const acting = ['scale-out', 'respread', 'scale-in', 'at-target'].includes(this.lastReason);
      if (!acting) {
        this.blockedSeconds.inc(
          { reason: this.lastReason },
          Math.max(0, nowMs - this.lastDecisionAtMs) / 1000,
        );
      }
    }
    this.decision.reset();
    this.decision.set({ reason: plan.reason }, 1);
    this.decisionTime.set(nowMs / 1000);
    for (const zone of plan.zones) {
      this.desiredNodes.set({ zone: zone.zone }, zone.desiredNodes);
      this.currentNodes.set({ zone: zone.zone }, zone.currentNodes);
      this.demand.set({ zone: zone.zone }, zone.demandMiBps);
      for (const kind of ['respread', 'remove-node'] as const) {
        const held = zone.rollbackLoopHeld?.includes(kind) === true;
        this.rollbackLoopHeld.set({ zone: zone.zone, kind }, held ? 1 : 0);
      }
      if (zone.forecastFloorNodes === undefined)
        this.forecastFloorNodes.remove({ zone: zone.zone });
      else this.forecastFloorNodes.set({ zone: zone.zone }, zone.forecastFloorNodes);
      if (zone.forecastUnknown === undefined) this.forecastUnknown.remove({ zone: zone.zone });
      else this.forecastUnknown.set({ zone: zone.zone }, zone.forecastUnknown ? 1 : 0);
      if (zone.rampFloorNodes === undefined) this.rampFloorNodes.remove({ zone: zone.zone });
      else this.rampFloorNodes.set({ zone: zone.zone }, zone.rampFloorNodes);
      if (zone.forecastMiBps === undefined) this.forecastDemand.remove({ zone: zone.zone });
      else this.forecastDemand.set({ zone: zone.zone }, zone.forecastMiBps);
      if (zone.forecastErrorMiBps === undefined) this.forecastError.remove({ zone: zone.zone });
      else this.forecastError.set({ zone: zone.zone }, zone.forecastErrorMiBps);
      if (zone.forecastRecentErrorMiBps === undefined) {
        this.forecastRecentError.remove({ zone: zone.zone });
      } else this.forecastRecentError.set({ zone: zone.zone }, zone.forecastRecentErrorMiBps);
      if (zone.forecastCorrectionMiBps === undefined) {
        this.forecastCorrection.remove({ zone: zone.zone });
      } else this.forecastCorrection.set({ zone: zone.zone }, zone.forecastCorrectionMiBps);
    }
    this.lastReason = plan.reason;
    this.lastDecisionAtMs = nowMs;
  }

  /** Counts one Lease read-back before a write (`LeaderElector.confirmOutcome`), by outcome. */
  recordLeaseConfirmation(outcome: LeaseConfirmOutcome): void {
    this.leaseConfirmations.inc({ outcome: outcome.replace('-', '_') });
  }

  /** Counts a write the API server's admission fence refused (`AdmissionFenceRefusedError`). */
  recordAdmissionFenceRefusal(): void {
    this.fenceRefusals.inc();
  }

  /** Counts an action taken or, in dry-run, reported. */
  recordAction(kind: string, dryRun: boolean): void {
    this.actions.inc({ kind, dry_run: String(dryRun) });
  }

  /** Counts what a state machine step did. */
  /** Counts instances protected from scale-in by the housekeeping. */
  recordInstancesProtected(count: number): void {
    this.protections.inc(count);
  }

  recordOperationEvents(events: readonly OperationEvent[]): void {
    for (const event of events) {
      if (event === 'move-started') this.moves.inc({ outcome: 'started' });
      else if (event === 'move-retried') this.moves.inc({ outcome: 'retried' });
      else if (event === 'move-finished') this.moves.inc({ outcome: 'finished' });
      else if (event === 'move-failed') this.moves.inc({ outcome: 'failed' });
      else if (event === 'instance-terminated') this.terminations.inc();
      else if (event === 'abandoned') this.abandoned.inc();
    }
  }

  /**
   * Sets the age of the broker move in flight, 0 when none. The age comes from the operation
   * record on the node, so it survives restarts and leader changes.
   */
  setCurrentMoveAge(seconds: number): void {
    this.moveAge.set(Math.max(0, seconds));
  }

  /** Sets the forecast history range query's retry gauges (`ForecastHistory.refreshState`). */
  setForecastRefreshState(state: {
    readonly consecutiveFailures: number;
    readonly retryDelaySeconds: number;
  }): void {
    this.forecastHistoryFailures.set(state.consecutiveFailures);
    this.forecastHistoryRetryDelay.set(state.retryDelaySeconds);
  }

  /**
   * Counts a failed read or write of the forecast history marker, or a write that lost a race
   * (`conflict`: not a failure, nothing was written and the marker is read again).
   */
  recordForecastMarkerError(operation: (typeof FORECAST_MARKER_OPERATIONS)[number]): void {
    this.forecastMarkerErrors.inc({ operation });
  }

  /** Sets how many nodes the orphaned-cordon release has kept cordoned past the phase deadline. */
  setNodesHeldCordoned(count: number): void {
    this.heldCordoned.set(count);
  }

  /** Sets the leader gauge. */
  setLeader(leading: boolean): void {
    this.leader.set(leading ? 1 : 0);
  }

  /** The exposition text. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }
}
