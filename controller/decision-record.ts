/**
 * The leader's last decision, kept in the cluster so `status` (and `kubectl`) can say what the
 * controller is doing and why it holds without reaching the controller's pods. Metrics and logs
 * carry the same facts but live outside the API server; operation records only exist while an
 * operation runs.
 *
 * Stored as JSON under `DECISION_RECORD_KEY` in the ConfigMap `<cluster>-kafka-autoscaler-status`
 * in the controller's namespace, written by the leader after a pass when the decision changed or
 * the stored one is older than `DECISION_RECORD_REFRESH_SECONDS`. Nothing reads it back to decide:
 * it is for people and the status command only.
 */
import { z } from 'zod';
import type { DecisionReason, Plan } from './model';

/** Data key of the ConfigMap holding the record. */
export const DECISION_RECORD_KEY = 'last-decision.json';

/** Rewrite an unchanged decision at most this often, seconds, so its age stays meaningful. */
export const DECISION_RECORD_REFRESH_SECONDS = 60;

/** Name of the status ConfigMap for a platform (in the controller's namespace). */
export function decisionConfigMapName(clusterName: string): string {
  return `${clusterName}-kafka-autoscaler-status`;
}

const zoneSchema = z.object({
  zone: z.string(),
  currentNodes: z.number(),
  desiredNodes: z.number(),
  demandMiBps: z.number(),
  scaleInEligibleSinceMs: z.number().optional(),
  /**
   * Per balanced level (the key, nodes), since when every pass found it carrying the zone at the
   * target utilization, floors included (`Memory.levelCarriesSinceMs`, epoch ms): the clock of the
   * scale-in window toward that level, which `status` reads to say how much of it is left. Absent
   * when no level below the zone's count carries it, and in records written before this field.
   */
  levelCarriesSinceMs: z.record(z.string(), z.number()).optional(),
  /**
   * Per level of `levelCarriesSinceMs`: the Prometheus data time of the pass that started its clock
   * (`Memory.levelCarriesSinceDataMs`, epoch ms, Prometheus's clock). decide.ts counts a window only
   * as far as the data advanced since then too (`carriedForMs`). Absent (or a level missing) = the
   * level's `levelCarriesSinceMs`, as in decide.ts, and in records written before this field.
   */
  levelCarriesSinceDataMs: z.record(z.string(), z.number()).optional(),
  /**
   * Forecast floor on and the zone's forecast unknown (hold `forecast-unknown`): why, and the way
   * out (`ZoneView.forecastUnknownCause`, `forecastUnknownWayOut`); absent otherwise and in
   * records written before these fields.
   */
  forecastUnknownCause: z.string().optional(),
  forecastUnknownWayOut: z.string().optional(),
});

const recordSchema = z.object({
  version: z.literal(1),
  decidedAtMs: z.number(),
  holder: z.string(),
  dryRun: z.boolean(),
  reason: z.string(),
  detail: z.string(),
  action: z
    .object({
      kind: z.enum(['scale-out', 'respread', 'scale-in']),
      zone: z.string(),
      nodeName: z.string().optional(),
      toDesired: z.number().optional(),
    })
    .optional(),
  scaleInStabilizationSeconds: z.number(),
  /**
   * How far the Prometheus data ran behind the passes' clock at the pass that last judged the level
   * clocks, ms (`Memory.levelCarriesCheckedAtMs` less `levelCarriesCheckedDataAtMs`; negative when
   * Prometheus's clock is ahead). With `levelCarriesSinceDataMs` it tells `status` when decide.ts's
   * window ends if the data keeps running that far behind. Not part of `decisionRecordDue` (it
   * moves with every pass's sample age), so it can be up to `DECISION_RECORD_REFRESH_SECONDS` old.
   * Absent before the first such pass and in records written before this field.
   */
  dataBehindMs: z.number().optional(),
  zones: z.array(zoneSchema),
});

/** The stored decision. Times are epoch milliseconds; demand is MiB/s in the busier direction. */
export type DecisionRecord = z.infer<typeof recordSchema>;

/** Reasons under which the controller acts rather than holds (`DecisionReason` values). */
export const ACTING_REASONS: readonly DecisionReason[] = [
  'scale-out',
  'respread',
  'scale-in',
  'at-target',
];

/** Builds the record of one pass's plan. */
export function decisionRecordOf(
  plan: Plan,
  context: {
    readonly nowMs: number;
    readonly holder: string;
    readonly dryRun: boolean;
    readonly scaleInStabilizationSeconds: number;
  },
): DecisionRecord {
  const action = plan.action;
  return {
    version: 1,
    decidedAtMs: context.nowMs,
    holder: context.holder,
    dryRun: context.dryRun,
    reason: plan.reason,
    detail: plan.detail,
    action:
      action === undefined
        ? undefined
        : {
            kind: action.kind,
            zone: action.zone,
            nodeName: action.kind === 'scale-out' ? undefined : action.nodeName,
            toDesired: action.kind === 'scale-out' ? action.toDesired : undefined,
          },
    scaleInStabilizationSeconds: context.scaleInStabilizationSeconds,
    ...(plan.memory.levelCarriesCheckedAtMs === undefined ||
    plan.memory.levelCarriesCheckedDataAtMs === undefined
      ? {}
      : {
          dataBehindMs:
            plan.memory.levelCarriesCheckedAtMs - plan.memory.levelCarriesCheckedDataAtMs,
        }),
    zones: plan.zones.map(zone => ({
      zone: zone.zone,
      currentNodes: zone.currentNodes,
      desiredNodes: zone.desiredNodes,
      demandMiBps: Math.round(zone.demandMiBps * 10) / 10,
      scaleInEligibleSinceMs: plan.memory.scaleInEligibleSinceMs[zone.zone],
      ...levelClocks(
        plan.memory.levelCarriesSinceMs[zone.zone],
        plan.memory.levelCarriesSinceDataMs?.[zone.zone],
      ),
      ...(zone.forecastUnknownCause === undefined
        ? {}
        : { forecastUnknownCause: zone.forecastUnknownCause }),
      ...(zone.forecastUnknownWayOut === undefined
        ? {}
        : { forecastUnknownWayOut: zone.forecastUnknownWayOut }),
    })),
  };
}

/**
 * The level clocks of a zone and their data times, when any runs (keys sorted, for a stable
 * record; a data time only for a level whose clock runs).
 */
function levelClocks(
  clocks: Readonly<Record<string, number>> | undefined,
  dataClocks: Readonly<Record<string, number>> | undefined,
): {
  levelCarriesSinceMs?: Record<string, number>;
  levelCarriesSinceDataMs?: Record<string, number>;
} {
  const entries = Object.entries(clocks ?? {}).sort(([a], [b]) => Number(a) - Number(b));
  if (entries.length === 0) return {};
  const dataEntries = entries.flatMap(([level]) =>
    dataClocks?.[level] === undefined ? [] : [[level, dataClocks[level]] as const],
  );
  return {
    levelCarriesSinceMs: Object.fromEntries(entries),
    ...(dataEntries.length === 0
      ? {}
      : { levelCarriesSinceDataMs: Object.fromEntries(dataEntries) }),
  };
}

/** Serialises a record (stable key order, no undefined fields). */
export function encodeDecisionRecord(record: DecisionRecord): string {
  return JSON.stringify(record);
}

/**
 * Parses a stored record.
 * @returns the record, or an error sentence naming the ConfigMap key when it is not a record.
 */
export function decodeDecisionRecord(
  text: string,
): { readonly record: DecisionRecord } | { readonly error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `${DECISION_RECORD_KEY} is not JSON: ${String(error)}` };
  }
  const result = recordSchema.safeParse(parsed);
  if (!result.success) {
    return { error: `${DECISION_RECORD_KEY} is not a decision record: ${result.error.message}` };
  }
  return { record: result.data };
}

/**
 * Whether a new record must be written: the decision changed (reason, action, holder, dry-run,
 * levels, scale-in eligibility or a level's scale-in clock; not the demand figures or the detail sentence, which move every
 * pass), or the stored one is older than `DECISION_RECORD_REFRESH_SECONDS`.
 */
export function decisionRecordDue(
  previous: DecisionRecord | undefined,
  next: DecisionRecord,
): boolean {
  if (previous === undefined) return true;
  if (next.decidedAtMs - previous.decidedAtMs >= DECISION_RECORD_REFRESH_SECONDS * 1000) {
    return true;
  }
  const essence = (record: DecisionRecord) =>
    JSON.stringify([
      record.reason,
      record.action,
      record.holder,
      record.dryRun,
      record.zones.map(zone => [
        zone.zone,
        zone.currentNodes,
        zone.desiredNodes,
        zone.scaleInEligibleSinceMs,
        zone.levelCarriesSinceMs,
        zone.levelCarriesSinceDataMs,
      ]),
    ]);
  return essence(previous) !== essence(next);
}

/**
 * Writes the leader's decision after each pass when `decisionRecordDue` says so. Failures are
 * reported and never stop the pass (the record is for people; the controller never reads it).
 */
export class DecisionPublisher {
  private last: DecisionRecord | undefined;

  constructor(
    private readonly write: (record: DecisionRecord) => Promise<void>,
    private readonly context: {
      readonly holder: string;
      readonly dryRun: boolean;
      readonly scaleInStabilizationSeconds: number;
    },
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Publishes `plan` when leading and due; returns whether it wrote. */
  async publish(plan: Plan, leading: boolean, nowMs: number): Promise<boolean> {
    if (!leading) {
      this.last = undefined;
      return false;
    }
    const record = decisionRecordOf(plan, { ...this.context, nowMs });
    if (!decisionRecordDue(this.last, record)) return false;
    try {
      await this.write(record);
      this.last = record;
      return true;
    } catch (error) {
      this.onError(error);
      return false;
    }
  }
}
