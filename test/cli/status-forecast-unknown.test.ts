/**
 * `status` on a zone held by `forecast-unknown`: the leader's record carries the zone's cause and
 * way out, and the next scale-in names them. Before, no pass while the forecast is unknown counts
 * toward the window, so the record's window start moved with every pass and `status` printed
 * "at <30 s from now + the window> if demand stays low" for as long as the hold lasted (up to 24 h
 * after a restart whose Prometheus lost its data), never the hold.
 */
import { buildStatus } from '../../cli/status/report';
import type { ControllerConfig } from '../../controller/config';
import { decide, INITIAL_MEMORY, type Memory, type Plan } from '../../controller/decide';
import {
  decisionRecordOf,
  decodeDecisionRecord,
  encodeDecisionRecord,
  type DecisionRecord,
} from '../../controller/decision-record';
import { DEFAULT_FORECAST, type ZoneForecast } from '../../controller/forecast';
import type { Observed } from '../../controller/model';
import { healthyCluster, NOW_MS, testConfig } from '../controller/fixtures';

const config: ControllerConfig = {
  ...testConfig(),
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};
// 2 nodes per zone at 30 MiB/s: 1 node carries it with the margin.
const cluster = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 30 });
const CAUSE =
  "Prometheus holds 2 h of zone us-east-1a's demand history, less than the 24 h the forecast needs, but the forecast history marker says a controller held 24 h or more of it";
const WAY_OUT =
  "Prometheus holds 24 h of the zone's history again, the marker's stamp expires, or the marker is deleted";

function forecasts(known: boolean): ZoneForecast[] {
  return config.zones.map(zone => ({
    zone: zone.zone,
    status: known ? ('insufficient-history' as const) : ('unknown' as const),
    ...(known ? {} : { unknownCause: CAUSE, unknownWayOut: WAY_OUT }),
    historyHours: 2,
    forecastMiBps: undefined,
    profileMiBps: undefined,
    correctionMiBps: undefined,
    errorMiBps: undefined,
  }));
}

function pass(nowMs: number, known: boolean): Observed {
  return {
    ...cluster,
    nowMs,
    freshness: { kubernetesAtMs: nowMs, prometheusAtMs: nowMs, autoscalingAtMs: nowMs },
    healthSampledAtMs: Object.fromEntries(
      Object.keys(cluster.healthSampledAtMs ?? {}).map(pod => [pod, nowMs]),
    ),
    forecast: forecasts(known),
  };
}

/** Runs passes for `minutes`, then the record the leader would store, read back as `status` does. */
function runFor(
  minutes: number,
  known: boolean,
  start: { memory: Memory; nowMs: number },
): { memory: Memory; nowMs: number; record: DecisionRecord } {
  let { memory, nowMs } = start;
  let plan: Plan | undefined;
  const endMs = nowMs + minutes * 60_000;
  for (; nowMs < endMs; nowMs += config.intervalSeconds * 1000) {
    plan = decide(pass(nowMs, known), config, memory);
    memory = plan.memory;
  }
  if (plan === undefined) throw new Error('no pass');
  const stored = decodeDecisionRecord(
    encodeDecisionRecord(
      decisionRecordOf(plan, {
        nowMs,
        holder: 'controller-0',
        dryRun: false,
        scaleInStabilizationSeconds: config.scaleInStabilizationSeconds,
      }),
    ),
  );
  if ('error' in stored) throw new Error(stored.error);
  return { memory, nowMs, record: stored.record };
}

function statusOf(record: DecisionRecord, nowMs: number) {
  return buildStatus({
    config,
    nodes: cluster.nodes,
    brokers: cluster.brokers,
    decision: record,
    lease: undefined,
    nowMs,
  });
}

describe('status while the forecast is unknown', () => {
  it('names the hold, its cause and its way out instead of a window end that keeps moving', () => {
    // GIVEN an hour of passes with every zone's forecast unknown (the marker holds them)
    const held = runFor(60, false, { memory: INITIAL_MEMORY, nowMs: NOW_MS });
    expect(held.record.reason).toBe('forecast-unknown');
    // WHEN status reads the leader's record
    const status = statusOf(held.record, held.nowMs);
    // THEN every zone's next scale-in is the hold, with the cause and the way out
    for (const zone of status.zones) {
      expect(zone.nextScaleIn).toEqual({
        state: 'forecast-unknown',
        summary: `not while the zone's forecast is unknown (${CAUSE}): it ends once ${WAY_OUT}, or autoscaling.forecast is turned off; the 600s window starts once it is known`,
      });
    }
  });

  it('counts the window down again once the forecast is known', () => {
    const held = runFor(60, false, { memory: INITIAL_MEMORY, nowMs: NOW_MS });
    // 5 minutes with the forecast known: the 600 s window runs from the first known pass
    const known = runFor(5, true, held);
    const status = statusOf(known.record, known.nowMs);
    for (const zone of status.zones) {
      expect(zone.nextScaleIn.state).toBe('waiting');
      expect(zone.nextScaleIn.atMs).toBe(held.nowMs + 600_000);
    }
  });
});
