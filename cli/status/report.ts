/**
 * What `status` prints, computed from what it read: per zone the level and the desired level, the
 * nodes with their brokers, the operation in flight (phase, age), the leader's last decision and
 * its hold reason, and when the next scale-in could happen. Pure: no I/O, `nowMs` is given.
 */
import { emptyNodeStabilizationSeconds, type ControllerConfig } from '../../controller/config';
import { ACTING_REASONS, type DecisionRecord } from '../../controller/decision-record';
import { FORECAST_UNKNOWN_WAY_OUT } from '../../controller/forecast';
import { scheduledMinimumNodes } from '../../controller/levels';
import type { ObservedBroker, ObservedNode } from '../../controller/model';

/** What was read from the cluster. */
export interface StatusInput {
  /** The controller configuration from its ConfigMap. */
  readonly config: ControllerConfig;
  /** Kafka nodes (the controller's node label). */
  readonly nodes: readonly ObservedNode[];
  /** Broker pods of the cluster, mapped to their zone by pool. */
  readonly brokers: readonly ObservedBroker[];
  /** The leader's last decision; `error` when the ConfigMap holds something unreadable. */
  readonly decision: DecisionRecord | { readonly error: string } | undefined;
  /** The leader Lease: holder and last renewal, epoch ms; undefined when there is none. */
  readonly lease: { readonly holder: string; readonly renewTimeMs: number } | undefined;
  /** Now, epoch ms. */
  readonly nowMs: number;
}

/** One node of a zone. */
export interface NodeStatus {
  readonly name: string;
  readonly ready: boolean;
  readonly cordoned: boolean;
  /** Broker pod names on the node, sorted. */
  readonly brokers: readonly string[];
}

/** The operation in flight on a node of the zone. */
export interface OperationStatus {
  readonly id: string;
  readonly kind: 'respread' | 'remove-node';
  readonly nodeName: string;
  readonly phase: string;
  /** Seconds since the operation started. */
  readonly ageSeconds: number;
  /** Seconds since its current phase began or last progressed. */
  readonly phaseAgeSeconds: number;
  readonly movesDone: number;
  /** The broker move in flight, if any. */
  readonly move?: {
    readonly podName: string;
    readonly attempt: number;
    readonly ageSeconds: number;
  };
  /** Why it was abandoned or rolled back, when it was. */
  readonly note?: string;
}

/** When the zone could next lose a node. */
export interface NextScaleIn {
  /**
   * - `at-lowest-level`: nothing to remove;
   * - `scheduled-minimum`: a scheduled minimum holds the level;
   * - `waiting`: demand is low enough, the stabilization window runs until `atMs`;
   * - `due`: the window has passed; it happens once nothing else holds (see the decision);
   * - `demand-too-high`: demand must fall to `belowMiBps` (the next level down at the target
   *   utilization less the scale-in margin), and that level must have carried the zone at the
   *   target for the window; `atMs` when its window already runs (decide.ts counts it from when the
   *   level first carried the zone, `levelCarriesSinceMs`, which can be before demand falls below
   *   the margin);
   * - `held-by-floor`: demand already fits the next level down with the margin, but the zone is
   *   still wanted at its level: a floor holds it (the forecast floor, the ramp guard, or, with
   *   `sameLevelInAllZones`, another zone);
   * - `forecast-unknown`: the forecast floor is on and the zone's forecast unknown (hold
   *   `forecast-unknown`): no node is removed, and the window starts only once it is known;
   * - `unknown`: no decision recorded yet.
   */
  readonly state:
    | 'at-lowest-level'
    | 'scheduled-minimum'
    | 'waiting'
    | 'due'
    | 'demand-too-high'
    | 'held-by-floor'
    | 'forecast-unknown'
    | 'unknown';
  /**
   * Earliest time, epoch ms (`waiting`, `due`; `demand-too-high` when the window already runs:
   * then also only once demand is at most `belowMiBps`). Counted as decide.ts counts the window:
   * also only as far as the Prometheus data advanced, if it keeps running as far behind the passes'
   * clock as at the record's last judging pass (`DecisionRecord.dataBehindMs`).
   */
  readonly atMs?: number;
  /** Demand threshold, MiB/s (`demand-too-high`). */
  readonly belowMiBps?: number;
  /**
   * Earliest time for a node of the zone that carries no broker, epoch ms (`waiting`, `due`, when
   * the zone has such a node and `emptyNodeStabilizationSeconds` is shorter than the window): the
   * controller removes an empty node after the shorter window, if demand is not rising and the
   * zone needs no re-spread (docs/controller.md).
   */
  readonly emptyNodeAtMs?: number;
  /** One sentence for people. */
  readonly summary: string;
}

/** One zone. */
export interface ZoneStatus {
  readonly zone: string;
  readonly nodegroupName: string;
  /** Ready, schedulable Kafka nodes now. */
  readonly level: number;
  /** The level the leader last wanted; undefined before any decision. */
  readonly desiredLevel: number | undefined;
  /** Demand at the last decision, MiB/s in the busier direction. */
  readonly demandMiBps: number | undefined;
  readonly nodes: readonly NodeStatus[];
  /** Broker pods of the zone not on any node (Pending). */
  readonly unscheduledBrokers: readonly string[];
  readonly operation: OperationStatus | undefined;
  /** The last decision's reason if it acted on this zone or held (holds apply to every zone). */
  readonly lastDecision: string | undefined;
  readonly nextScaleIn: NextScaleIn;
}

/** The whole report; `--json` prints exactly this. */
export interface ClusterStatus {
  readonly clusterName: string;
  readonly kafkaNamespace: string;
  readonly leader: { readonly holder: string; readonly renewedSecondsAgo: number } | undefined;
  readonly decision:
    | {
        readonly reason: string;
        /** True when the reason is a hold (the controller did not act). */
        readonly holding: boolean;
        readonly detail: string;
        readonly ageSeconds: number;
        readonly dryRun: boolean;
        readonly action?: DecisionRecord['action'];
      }
    | undefined;
  /** Why there is no decision: never written, or unreadable. */
  readonly decisionProblem: string | undefined;
  readonly zones: readonly ZoneStatus[];
}

const seconds = (ms: number): number => Math.max(0, Math.round(ms / 1000));

function operationStatus(node: ObservedNode, nowMs: number): OperationStatus | undefined {
  const record = node.operation;
  if (record === undefined) return undefined;
  return {
    id: record.id,
    kind: record.kind,
    nodeName: node.name,
    phase: record.phase,
    ageSeconds: seconds(nowMs - record.startedAtMs),
    phaseAgeSeconds: seconds(nowMs - (record.phaseStartedAtMs ?? record.startedAtMs)),
    movesDone: record.movesDone,
    ...(record.move === undefined
      ? {}
      : {
          move: {
            podName: record.move.podName,
            attempt: record.move.attempt,
            ageSeconds: seconds(nowMs - record.move.requestedAtMs),
          },
        }),
    ...(record.note === undefined ? {} : { note: record.note }),
  };
}

function nextScaleIn(
  config: ControllerConfig,
  level: number,
  zone: DecisionRecord['zones'][number] | undefined,
  stabilizationSeconds: number,
  emptyNode: string | undefined,
  nowMs: number,
  dataBehindMs: number | undefined,
): NextScaleIn {
  const levels = config.balancedNodeCounts;
  const lower = [...levels].reverse().find(each => each < level);
  if (lower === undefined) {
    return { state: 'at-lowest-level', summary: 'none: the zone is at its lowest level' };
  }
  const scheduled = scheduledMinimumNodes(config.scheduledMinimums, nowMs);
  if (scheduled > lower) {
    return {
      state: 'scheduled-minimum',
      summary: `not while the scheduled minimum of ${scheduled} nodes per zone is active`,
    };
  }
  if (zone === undefined) {
    return { state: 'unknown', summary: 'unknown: no decision recorded yet' };
  }
  if (zone.forecastUnknownCause !== undefined) {
    const wayOut = zone.forecastUnknownWayOut ?? FORECAST_UNKNOWN_WAY_OUT;
    return {
      state: 'forecast-unknown',
      summary: `not while the zone's forecast is unknown (${zone.forecastUnknownCause}): it ends once ${wayOut}, or autoscaling.forecast is turned off; the ${stabilizationSeconds}s window starts once it is known`,
    };
  }
  if (zone.scaleInEligibleSinceMs !== undefined) {
    const eligibleSinceMs = zone.scaleInEligibleSinceMs;
    // The step's level: the one whose clock the eligibility is (decide.ts `nextMemory`).
    const step = Object.entries(zone.levelCarriesSinceMs ?? {}).find(
      ([, sinceMs]) => sinceMs === eligibleSinceMs,
    )?.[0];
    const startMs = windowStartMs(zone, step, eligibleSinceMs, dataBehindMs);
    const atMs = startMs + stabilizationSeconds * 1000;
    const at = new Date(atMs).toISOString();
    const emptySeconds = Math.min(emptyNodeStabilizationSeconds(config), stabilizationSeconds);
    const emptyNodeAtMs =
      emptyNode !== undefined && atMs > nowMs && emptySeconds < stabilizationSeconds
        ? startMs + emptySeconds * 1000
        : undefined;
    const emptyNote =
      emptyNodeAtMs === undefined
        ? ''
        : emptyNodeAtMs > nowMs
          ? `; ${emptyNode} carries no broker and can go at ${new Date(emptyNodeAtMs).toISOString()} (in ${seconds(emptyNodeAtMs - nowMs)}s) if demand is not rising`
          : `; ${emptyNode} carries no broker and can go now if demand is not rising`;
    return atMs > nowMs
      ? {
          state: 'waiting',
          atMs,
          ...(emptyNodeAtMs === undefined ? {} : { emptyNodeAtMs }),
          summary: `at ${at} (in ${seconds(atMs - nowMs)}s) if demand stays low${dataNote(startMs, eligibleSinceMs, dataBehindMs)}${emptyNote}`,
        }
      : {
          state: 'due',
          atMs,
          summary: `due since ${at}; it starts once nothing else holds`,
        };
  }
  return notEligible(config, lower, zone, stabilizationSeconds, nowMs, dataBehindMs);
}

/**
 * When decide.ts's window toward `level` counts from, epoch ms, if the Prometheus data keeps
 * running `dataBehindMs` behind the passes' clock (as at the record's last judging pass):
 * decide.ts counts `min(now - levelCarriesSinceMs, dataAt - levelCarriesSinceDataMs)`
 * (`carriedForMs`), so the window ends at the later of `sinceMs` and the data clock plus the lag,
 * plus the window. `sinceMs` when the record has no data times (older records).
 */
function windowStartMs(
  zone: DecisionRecord['zones'][number],
  level: string | undefined,
  sinceMs: number,
  dataBehindMs: number | undefined,
): number {
  if (dataBehindMs === undefined) return sinceMs;
  const sinceDataMs =
    (level === undefined ? undefined : zone.levelCarriesSinceDataMs?.[level]) ?? sinceMs;
  return Math.max(sinceMs, sinceDataMs + dataBehindMs);
}

/** The clause saying the window ends later because the data fell behind, or ''. */
function dataNote(startMs: number, sinceMs: number, dataBehindMs: number | undefined): string {
  return startMs > sinceMs
    ? ` (${seconds(startMs - sinceMs)}s later than the passes' clock alone: decide counts the window only as far as the Prometheus data advanced, and it ran ${seconds(dataBehindMs ?? 0)}s behind at the last decision)`
    : '';
}

/**
 * The next scale-in of a zone above its lowest level that is not eligible to lose a node (no
 * `scaleInEligibleSinceMs`), by decide.ts's rule: a node goes toward the next level down, `lower`,
 * once this pass's demand fits it with the margin (`desiredNodes`) and `lower` has carried the zone
 * at the target utilization, floors included, for the window (`levelCarriesSinceMs`). When demand
 * already fits `lower` with the margin, something else (a floor) keeps the zone's level. With the
 * forecast floor and the ramp guard both on, the summary also names the target alone as enough
 * while the forecast confirms the descent (`descentConfirmed` in controller/decide.ts; the record
 * does not say whether it will, so both thresholds are named).
 */
function notEligible(
  config: ControllerConfig,
  lower: number,
  zone: DecisionRecord['zones'][number],
  stabilizationSeconds: number,
  nowMs: number,
  dataBehindMs: number | undefined,
): NextScaleIn {
  const tenths = (value: number): number => Math.round(value * 10) / 10;
  const targetMiBps = tenths(lower * config.nodeBaselineMiBps * config.targetUtilization);
  const belowMiBps = tenths(
    lower * config.nodeBaselineMiBps * config.targetUtilization * (1 - config.scaleInMargin),
  );
  const demand = `demand (${zone.demandMiBps} MiB/s)`;
  if (zone.demandMiBps <= belowMiBps) {
    const floors = [
      ...(config.forecast === undefined ? [] : ['the forecast floor']),
      ...(config.rampHorizonSeconds === undefined ? [] : ['the ramp guard']),
      ...(config.sameLevelInAllZones
        ? ['another zone (every zone runs the same level: sameLevelInAllZones)']
        : []),
    ];
    const holders = floors.length === 0 ? 'a floor' : floors.join(' or ');
    return {
      state: 'held-by-floor',
      summary: `not while the zone is wanted at ${zone.desiredNodes} nodes: its ${demand} already fits ${lower} nodes with the scale-in margin (at most ${belowMiBps} MiB/s), so ${holders} holds the level; see the last decision`,
    };
  }
  // With the forecast floor and the ramp guard on, the margin goes while the forecast confirms
  // the descent (`descentConfirmed` in controller/decide.ts): the target is then enough.
  const waiver =
    config.forecast !== undefined && config.rampHorizonSeconds !== undefined
      ? `; at most ${targetMiBps} MiB/s (${lower} nodes at the target) is enough while the forecast confirms the descent (its forecast for the lead time fits ${lower} nodes at the target and so does the ramp guard projection: no scale-in margin)`
      : '';
  const sinceMs = zone.levelCarriesSinceMs?.[String(lower)];
  if (sinceMs === undefined) {
    return {
      state: 'demand-too-high',
      belowMiBps,
      summary: `not before ${demand} falls to ${targetMiBps} MiB/s (${lower} nodes at the target) and stays there for the ${stabilizationSeconds}s window, and is at most ${belowMiBps} MiB/s (less the scale-in margin) at its end${waiver}`,
    };
  }
  const startMs = windowStartMs(zone, String(lower), sinceMs, dataBehindMs);
  const atMs = startMs + stabilizationSeconds * 1000;
  const carried = `${lower} nodes have carried the zone at the target (at most ${targetMiBps} MiB/s) since ${new Date(sinceMs).toISOString()}${dataNote(startMs, sinceMs, dataBehindMs)}`;
  if (atMs <= nowMs) {
    return {
      state: 'demand-too-high',
      belowMiBps,
      atMs,
      summary: `not before ${demand} is at most ${belowMiBps} MiB/s (${lower} nodes at the target less the scale-in margin); the ${stabilizationSeconds}s window has passed (${carried}), so a node can go as soon as demand is at most ${belowMiBps} MiB/s${waiver}`,
    };
  }
  return {
    state: 'demand-too-high',
    belowMiBps,
    atMs,
    summary: `not before ${demand} is at most ${belowMiBps} MiB/s (${lower} nodes at the target less the scale-in margin); the ${stabilizationSeconds}s window already runs (${carried}, ${seconds(Math.max(0, nowMs - startMs))}s of it), so a node can go at ${new Date(atMs).toISOString()} (in ${seconds(atMs - nowMs)}s) at the earliest, if demand stays at most ${targetMiBps} MiB/s${waiver}`,
  };
}

/** Builds the report. */
export function buildStatus(input: StatusInput): ClusterStatus {
  const { config, nowMs } = input;
  const decision =
    input.decision === undefined || 'error' in input.decision ? undefined : input.decision;
  const decisionProblem =
    input.decision === undefined
      ? `no decision recorded yet (the leader writes one after each pass)`
      : 'error' in input.decision
        ? input.decision.error
        : undefined;
  const holding = decision !== undefined && !ACTING_REASONS.includes(decision.reason as never);
  const zones = config.zones.map((zoneConfig): ZoneStatus => {
    const nodes = input.nodes
      .filter(node => node.zone === zoneConfig.zone)
      .sort((a, b) => a.name.localeCompare(b.name));
    const brokers = input.brokers.filter(broker => broker.zone === zoneConfig.zone);
    const recorded = decision?.zones.find(zone => zone.zone === zoneConfig.zone);
    const level = nodes.filter(node => node.ready && !node.unschedulable).length;
    const operations = nodes
      .map(node => operationStatus(node, nowMs))
      .filter((each): each is OperationStatus => each !== undefined);
    const actedHere = decision?.action?.zone === zoneConfig.zone;
    return {
      zone: zoneConfig.zone,
      nodegroupName: zoneConfig.nodegroupName,
      level,
      desiredLevel: recorded?.desiredNodes,
      demandMiBps: recorded?.demandMiBps,
      nodes: nodes.map(node => ({
        name: node.name,
        ready: node.ready,
        cordoned: node.unschedulable,
        brokers: brokers
          .filter(broker => broker.nodeName === node.name)
          .map(broker => broker.podName)
          .sort(),
      })),
      unscheduledBrokers: brokers
        .filter(broker => broker.nodeName === undefined)
        .map(broker => broker.podName)
        .sort(),
      operation: operations[0],
      lastDecision:
        decision === undefined
          ? undefined
          : holding || actedHere
            ? decision.reason
            : decision.action === undefined
              ? decision.reason
              : `${decision.reason} (in ${decision.action.zone})`,
      nextScaleIn: nextScaleIn(
        config,
        level,
        recorded,
        decision?.scaleInStabilizationSeconds ?? config.scaleInStabilizationSeconds,
        nodes.find(
          node =>
            node.ready &&
            !node.unschedulable &&
            !brokers.some(broker => broker.nodeName === node.name),
        )?.name,
        nowMs,
        decision?.dataBehindMs,
      ),
    };
  });
  return {
    clusterName: config.clusterName,
    kafkaNamespace: config.kafkaNamespace,
    leader:
      input.lease === undefined
        ? undefined
        : {
            holder: input.lease.holder,
            renewedSecondsAgo: seconds(nowMs - input.lease.renewTimeMs),
          },
    decision:
      decision === undefined
        ? undefined
        : {
            reason: decision.reason,
            holding,
            detail: decision.detail,
            ageSeconds: seconds(nowMs - decision.decidedAtMs),
            dryRun: decision.dryRun,
            ...(decision.action === undefined ? {} : { action: decision.action }),
          },
    decisionProblem,
    zones,
  };
}

function age(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/** The report as text, one block per zone. */
export function formatStatus(status: ClusterStatus): string {
  const lines: string[] = [];
  const leader =
    status.leader === undefined
      ? 'no leader lease'
      : `leader ${status.leader.holder} (renewed ${age(status.leader.renewedSecondsAgo)} ago)`;
  lines.push(`${status.clusterName} (Kafka namespace ${status.kafkaNamespace}): ${leader}`);
  if (status.decision === undefined) {
    lines.push(`last decision: none (${status.decisionProblem ?? 'unknown'})`);
  } else {
    const d = status.decision;
    const kind = d.holding ? 'holding' : 'acting';
    lines.push(
      `last decision ${age(d.ageSeconds)} ago: ${kind}, ${d.reason}${d.dryRun ? ' (dry-run: reported, not done)' : ''} - ${d.detail}`,
    );
  }
  for (const zone of status.zones) {
    const desired = zone.desiredLevel === undefined ? 'unknown' : String(zone.desiredLevel);
    const demand = zone.demandMiBps === undefined ? '' : `, demand ${zone.demandMiBps} MiB/s`;
    lines.push('');
    lines.push(
      `zone ${zone.zone} (${zone.nodegroupName}): level ${zone.level}, desired ${desired}${demand}`,
    );
    for (const node of zone.nodes) {
      const flags = [node.ready ? undefined : 'NotReady', node.cordoned ? 'cordoned' : undefined]
        .filter(flag => flag !== undefined)
        .join(', ');
      const brokers = node.brokers.length === 0 ? 'no brokers' : node.brokers.join(', ');
      lines.push(`  node ${node.name}${flags === '' ? '' : ` [${flags}]`}: ${brokers}`);
    }
    if (zone.nodes.length === 0) lines.push('  no Kafka nodes');
    if (zone.unscheduledBrokers.length > 0) {
      lines.push(`  pending brokers: ${zone.unscheduledBrokers.join(', ')}`);
    }
    const op = zone.operation;
    if (op === undefined) {
      lines.push('  operation: none');
    } else {
      const move =
        op.move === undefined
          ? ''
          : `, moving ${op.move.podName} (attempt ${op.move.attempt}, ${age(op.move.ageSeconds)})`;
      const note = op.note === undefined ? '' : ` - ${op.note}`;
      lines.push(
        `  operation: ${op.kind} ${op.id} on ${op.nodeName}, phase ${op.phase} (${age(op.phaseAgeSeconds)}), age ${age(op.ageSeconds)}, ${op.movesDone} moved${move}${note}`,
      );
    }
    lines.push(`  last decision: ${zone.lastDecision ?? 'none'}`);
    lines.push(`  next scale-in: ${zone.nextScaleIn.summary}`);
  }
  return lines.join('\n');
}
