/**
 * Faults an adversarial review found in the forecast-unknown hold and the forecast correction, each
 * reproduced here (every test failed on the code before its fix):
 * - passes with the zone's forecast unknown counted toward the scale-in stabilization, so the first
 *   pass with a known forecast removed a node at once, on a window no pass with the floor judged;
 * - a clock stepped back left a history fetched "in the future" trusted and never refetched for
 *   as long as the step (the age bound never trips on a negative age);
 * - the correction lowered the forecast on a today window the history only partly covers (the
 *   last success up to 6 h old, or a gap in the series), taking a peak it never saw for none.
 */
import {
  decide,
  INITIAL_MEMORY,
  removalContext,
  startOperation,
  stepOperation,
  type Memory,
  type Observed,
  type Plan,
} from '../../controller/decide';
import type { ControllerConfig } from '../../controller/config';
import {
  DEFAULT_FORECAST,
  forecastFloorMiBps,
  forecastZone,
  FORECAST_CORRECTION_MAX_GAP_SECONDS,
  todayFactor,
  type DemandSample,
  type ZoneForecast,
} from '../../controller/forecast';
import {
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  type RangeQuerier,
} from '../../controller/forecast-history';
import {
  healthyCluster,
  NOW_MS,
  STEP_CONTEXT,
  testConfig,
  withNode,
  SCALE_IN_NODE_A1,
} from './fixtures';

const MIB = 1024 * 1024;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const STEP_MS = FORECAST_STEP_SECONDS * 1000;

const config: ControllerConfig = {
  ...testConfig(),
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};

/** `observed` as a pass at `nowMs` sees it (every source fresh). */
function at(observed: Observed, nowMs: number): Observed {
  return {
    ...observed,
    nowMs,
    freshness: { kubernetesAtMs: nowMs, prometheusAtMs: nowMs, autoscalingAtMs: nowMs },
    healthSampledAtMs: Object.fromEntries(
      Object.keys(observed.healthSampledAtMs ?? {}).map(pod => [pod, nowMs]),
    ),
  };
}

function forecasts(status: 'unknown' | 'insufficient-history'): ZoneForecast[] {
  return config.zones.map(zone => ({
    zone: zone.zone,
    status,
    ...(status === 'unknown'
      ? { unknownCause: 'no forecast history range query has succeeded' }
      : {}),
    historyHours: status === 'unknown' ? 0 : 3,
    forecastMiBps: undefined,
    profileMiBps: undefined,
    correctionMiBps: undefined,
    errorMiBps: undefined,
  }));
}

describe('stabilization while the forecast is unknown', () => {
  // 2 nodes per zone at 30 MiB/s: 1 node carries it with the margin; the full 600 s window.
  const twoNodes = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 30 });

  it('restarts the window once the forecast is known: unknown passes never count toward it', () => {
    // GIVEN a restarted controller whose range queries fail for 15 minutes (every pass holds)
    let memory: Memory = INITIAL_MEMORY;
    let plan: Plan | undefined;
    let nowMs = NOW_MS;
    for (; nowMs < NOW_MS + 15 * MINUTE_MS; nowMs += config.intervalSeconds * 1000) {
      plan = decide({ ...at(twoNodes, nowMs), forecast: forecasts('unknown') }, config, memory);
      memory = plan.memory;
      expect(plan.action).toBeUndefined();
    }
    expect(plan?.reason).toBe('forecast-unknown');
    // WHEN the forecast is known again (here short: the floor is ignored, the controller reactive)
    const known = decide(
      { ...at(twoNodes, nowMs), forecast: forecasts('insufficient-history') },
      config,
      memory,
    );
    // THEN no node goes yet: the 600 s window starts at the first pass that could judge the floor
    expect(known.action).toBeUndefined();
    expect(known.reason).toBe('stabilizing');
    expect(known.detail).toContain('waiting 600s more');
    // AND it goes once the window has passed with the forecast known
    memory = known.memory;
    let later: Plan = known;
    for (
      let t = nowMs + config.intervalSeconds * 1000;
      t <= nowMs + config.scaleInStabilizationSeconds * 1000;
      t += config.intervalSeconds * 1000
    ) {
      later = decide(
        { ...at(twoNodes, t), forecast: forecasts('insufficient-history') },
        config,
        memory,
      );
      memory = later.memory;
    }
    expect(later.action).toMatchObject({ kind: 'scale-in' });
  });
});

type Series = Awaited<ReturnType<RangeQuerier['queryRange']>>[number];

/** A Prometheus serving 3 days of a flat 40 MiB/s per pool up to the query's end, or down. */
class FlatPrometheus implements RangeQuerier {
  down = false;
  calls = 0;
  queryRange = async (_promql: string, startMs: number, endMs: number): Promise<Series[]> => {
    this.calls++;
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:9090');
    const points: Array<{ atMs: number; value: number }> = [];
    for (
      let t = Math.ceil(Math.max(startMs, endMs - 3 * DAY_MS) / STEP_MS) * STEP_MS;
      t <= endMs;
    ) {
      points.push({ atMs: t, value: 40 * MIB });
      t += STEP_MS;
    }
    return config.zones.map(zone => ({ labels: { pool: zone.poolName }, points }));
  };
}

describe('ForecastHistory across a clock stepped back', () => {
  it('refetches at once, and is unknown while that fails, instead of trusting a future history', async () => {
    // GIVEN a history fetched at NOW
    const prometheus = new FlatPrometheus();
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    expect((history.forecasts(NOW_MS) ?? []).map(each => each.status)).toEqual(['ok', 'ok', 'ok']);
    // WHEN the clock steps back 8 hours and the range query then fails
    prometheus.down = true;
    const back = NOW_MS - 8 * HOUR_MS;
    await history.refresh(back);
    // THEN it tried to refetch, and no zone's forecast is trusted: nothing proves how old it is
    expect(prometheus.calls).toBe(4);
    const stepped = history.forecasts(back) ?? [];
    expect(stepped.map(each => each.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(stepped[0]?.unknownCause).toMatch(/in the future/);
    // AND 7 hours later (the history still unrefetched, 15 h of real time later) still unknown
    await history.refresh(back + 7 * HOUR_MS);
    expect(history.forecasts(back + 7 * HOUR_MS)?.[0]?.status).toBe('unknown');
    // AND once the range query answers, known again at the stepped clock
    prometheus.down = false;
    await history.refresh(back + 7 * HOUR_MS + MINUTE_MS);
    expect(history.forecasts(back + 7 * HOUR_MS + MINUTE_MS)?.[0]?.status).toBe('ok');
  });
});

describe('the correction on a today window the history does not cover', () => {
  // Two past days at 90 MiB/s all day; today ran at 30 until `fetchedMs`, then at 90 (not in the
  // history: the refreshes failed since), and is 30 right now (a dip).
  const dayStart = Date.UTC(2026, 0, 7);
  const fetchedMs = dayStart + 10 * HOUR_MS;
  const samples: DemandSample[] = [];
  for (let t = dayStart - 2 * DAY_MS; t <= fetchedMs; t += STEP_MS) {
    samples.push({ atMs: t, demandMiBps: t >= fetchedMs - 3 * HOUR_MS ? 30 : 90 });
  }
  const forecastConfig = config.forecast ?? DEFAULT_FORECAST_WITH_LEAD;

  it('does not lower the forecast when the history ends long before now (refreshes failing)', () => {
    // WHEN it is 1 h 50 min after the last successful refetch (still inside the 6 h age bound)
    const nowMs = fetchedMs + 110 * MINUTE_MS;
    const forecast = forecastZone('us-east-1a', samples, nowMs, forecastConfig);
    // THEN the last 2 hours hold only 10 minutes of samples: no correction from them
    expect(forecast.profileMiBps).toBe(90);
    expect(forecast.forecastMiBps).toBe(90);
    expect(forecast.correctionMiBps).toBe(0);
    expect(forecastFloorMiBps(forecast, 30, forecastConfig)).toBe(60);
  });

  it('does not lower the forecast over a gap inside the window longer than the bound', () => {
    // GIVEN the history fetched now, but the series missing for 40 minutes inside the window
    const nowMs = fetchedMs;
    const gappy = samples.filter(
      sample => !(sample.atMs > nowMs - 90 * MINUTE_MS && sample.atMs < nowMs - 50 * MINUTE_MS),
    );
    expect(40 * 60).toBeGreaterThan(FORECAST_CORRECTION_MAX_GAP_SECONDS);
    expect(forecastZone('us-east-1a', gappy, nowMs, forecastConfig).correctionMiBps).toBe(0);
    // AND the same window without the gap is corrected (today's 30 over the history's 90)
    const whole = forecastZone('us-east-1a', samples, nowMs, forecastConfig);
    expect(whole.forecastMiBps).toBeCloseTo(30, 9);
  });

  it('still corrects when the last sample is one refresh old (the usual case)', () => {
    const nowMs = fetchedMs + 10 * MINUTE_MS + 30_000;
    const forecast = forecastZone('us-east-1a', samples, nowMs, forecastConfig);
    expect(forecast.forecastMiBps).toBeCloseTo(30, 9);
  });
});

const DEFAULT_FORECAST_WITH_LEAD = { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 };

describe('ForecastHistory: a point after the query end', () => {
  it('does not hide a series cut short', async () => {
    // GIVEN a response whose series end 1 h before the query's end, plus one point 1 h after it
    const prometheus: RangeQuerier = {
      queryRange: async (_promql, _startMs, endMs) =>
        config.zones.map(zone => {
          const points: Array<{ atMs: number; value: number }> = [];
          for (let t = endMs - 3 * DAY_MS; t <= endMs - HOUR_MS; t += STEP_MS) {
            points.push({ atMs: t, value: 40 * MIB });
          }
          points.push({ atMs: endMs + HOUR_MS, value: 40 * MIB });
          return { labels: { pool: zone.poolName }, points };
        }),
    };
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    // THEN every zone is unknown: its series is cut short
    const result = history.forecasts(NOW_MS) ?? [];
    expect(result.map(each => each.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(result[0]?.unknownCause).toMatch(/ends 60 min before/);
  });
});

describe('ForecastHistory: one direction missing at some points', () => {
  it.each(['rx', 'tx'])(
    'takes those points for a gap, not for the other direction alone (no correction over it; busier %s)',
    async busy => {
      // GIVEN two days of the busier direction at 90 MiB/s and the other at 10; today the busier one
      // runs at 30, but its series misses the 80 minutes before the last 20 (the other has them)
      const dayStart = Date.UTC(2026, 0, 7);
      const nowMs = dayStart + 10 * HOUR_MS;
      const prometheus: RangeQuerier = {
        queryRange: async (promql, _startMs, endMs) =>
          config.zones.map(zone => {
            const receive = promql.includes(`label_replace(${busy},`);
            const points: Array<{ atMs: number; value: number }> = [];
            for (let t = endMs - 3 * DAY_MS; t <= endMs; t += STEP_MS) {
              if (!receive) {
                points.push({ atMs: t, value: 10 * MIB });
                continue;
              }
              if (t > endMs - 100 * MINUTE_MS && t < endMs - 20 * MINUTE_MS) continue;
              points.push({ atMs: t, value: (t >= dayStart ? 30 : 90) * MIB });
            }
            return { labels: { pool: zone.poolName }, points };
          }),
      };
      const history = new ForecastHistory(prometheus, {
        ...config,
        prometheusQueries: {
          ...config.prometheusQueries,
          brokerReceiveBytesPerSecond: 'rx',
          brokerTransmitBytesPerSecond: 'tx',
        },
      });
      await history.refresh(nowMs);
      const forecast = history.forecasts(nowMs)?.[0];
      // THEN the profile plans for 90 and today's window, with an 80-minute hole, corrects nothing
      expect(forecast).toMatchObject({ status: 'ok', profileMiBps: 90, correctionMiBps: 0 });
    },
  );
});

describe('the correction window and its zero history (mutants that survived the review)', () => {
  const dayStart = Date.UTC(2026, 0, 7);
  const nowMs = dayStart + 10 * HOUR_MS;
  const lead = DEFAULT_FORECAST_WITH_LEAD;
  /** Two past days and today up to now, one sample per step, demand by offset from 10:00. */
  function samplesBy(demand: (offsetMs: number, today: boolean) => number): DemandSample[] {
    const samples: DemandSample[] = [];
    for (let t = nowMs - 2 * DAY_MS - 12 * HOUR_MS; t <= nowMs; t += STEP_MS) {
      const offsetMs = (((t - nowMs) % DAY_MS) + DAY_MS) % DAY_MS;
      samples.push({
        atMs: t,
        demandMiBps: demand(offsetMs > DAY_MS / 2 ? offsetMs - DAY_MS : offsetMs, t >= dayStart),
      });
    }
    return samples;
  }

  it('compares the last 2 hours, not the last lead time', () => {
    // GIVEN past days at 500 from 08:00 to 09:35, then 100 (the last lead time before 10:00), 500
    // again after 10:00; today flat at 100
    const samples = samplesBy((offsetMs, today) =>
      today && offsetMs <= 0
        ? 100
        : offsetMs >= -2 * HOUR_MS && offsetMs < -lead.leadTimeSeconds * 1000
          ? 500
          : offsetMs >= 0 && offsetMs < HOUR_MS
            ? 500
            : 100,
    );
    const forecast = forecastZone('a', samples, nowMs, lead);
    // THEN the 2-hour history quantile is 500 and today's 100 scales the profile by 0.2
    expect(forecast.profileMiBps).toBe(500);
    expect(forecast.correctionHistoryMiBps).toBe(500);
    expect(forecast.forecastMiBps).toBeCloseTo(100, 9);
  });

  it('never lowers (nor breaks) the forecast when the past 2 hours were at 0', () => {
    expect(todayFactor(0, 0)).toBe(1);
    expect(todayFactor(0, 50)).toBe(1);
    // GIVEN past days idle before 10:00 and busy after; today idle too
    const samples = samplesBy((offsetMs, today) =>
      offsetMs >= 0 && offsetMs < HOUR_MS && !today ? 100 : 0,
    );
    const forecast = forecastZone('a', samples, nowMs, lead);
    expect(forecast.profileMiBps).toBe(100);
    expect(forecast.forecastMiBps).toBe(100);
    expect(forecastFloorMiBps(forecast, 0, lead)).toBe(0);
    expect(forecastFloorMiBps(forecast, 40, lead)).toBe(80);
  });
});

describe('removalContext with the forecast unknown and the ramp guard blind at once', () => {
  it('names the forecast (the one that lasts until Prometheus answers), and the removal waits', () => {
    const plan = decide(
      {
        ...healthyCluster(config, { nodesPerZone: 2, demandMiBps: 30 }),
        forecast: forecasts('unknown'),
      },
      { ...config, rampHorizonSeconds: 180 },
      INITIAL_MEMORY,
    );
    const view = plan.zones.find(zone => zone.zone === 'us-east-1a');
    expect(view).toMatchObject({ rampBlind: true, forecastUnknown: true });
    const context = removalContext(plan, 'us-east-1a');
    expect(context.removalMayProceed).toBe(false);
    expect(context.removalWaitReason).toMatch(/^the forecast floor of zone us-east-1a is unknown/);
  });
});

describe('a removal rolled back at its deadline while the forecast is unknown', () => {
  it('says why it waited in the rollback note (not "demand stayed within the margin")', () => {
    const twoNodes = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 30 });
    const record = startOperation(SCALE_IN_NODE_A1, {
      nowMs: NOW_MS,
      fencingToken: STEP_CONTEXT.fencingToken,
      holder: STEP_CONTEXT.holder,
      id: 'op-1',
    });
    const draining = { ...record, phase: 'drain' as const };
    const removing = withNode(twoNodes, 'node-a-1', node => ({
      ...node,
      unschedulable: true,
      operation: draining,
    }));
    // WHEN a pass long past the phase deadline still finds the forecast unknown
    const lateMs = NOW_MS + 6 * HOUR_MS;
    const observed = { ...at(removing, lateMs), forecast: forecasts('unknown') };
    const plan = decide(observed, config, INITIAL_MEMORY);
    const outcome = stepOperation(draining, observed, config, {
      ...STEP_CONTEXT,
      nowMs: lateMs,
      ...removalContext(plan, 'us-east-1a'),
    });
    // THEN it rolls back, naming the forecast as the reason it waited
    expect(outcome.next?.phase).toBe('uncordon');
    expect(outcome.next?.note).toMatch(
      /^the phase deadline passed while the forecast floor of zone us-east-1a is unknown .*; node kept$/,
    );
  });
});
