/**
 * `ForecastHistory` (`controller/forecast-history.ts`): "history known but short" (a new cluster,
 * `insufficient-history`, the controller stays reactive) against "history unknown" (`unknown`: no
 * successful range query since the start, the last one too old, a zone's series missing or cut
 * short), which `decide` answers by starting no removal in the zone; and the merge of each
 * successful response with the history held (`mergeZoneHistory`), so a Prometheus that lost its
 * data does not shorten it.
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  FORECAST_HISTORY_MAX_AGE_SECONDS,
  FORECAST_REFRESH_SECONDS,
  FORECAST_SERIES_END_TOLERANCE_SECONDS,
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  forecastHistoryMaxAgeMs,
  forecastRetryDelaySeconds,
  mergeZoneHistory,
  type RangeQuerier,
} from '../../controller/forecast-history';
import { NOW_MS, testConfig } from './fixtures';

const MIB = 1024 * 1024;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const STEP_MS = FORECAST_STEP_SECONDS * 1000;
const MAX_AGE_MS = FORECAST_HISTORY_MAX_AGE_SECONDS * 1000;
const config: ControllerConfig = {
  ...testConfig(),
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};
const pools = config.zones.map(zone => zone.poolName);

type Series = Awaited<ReturnType<RangeQuerier['queryRange']>>[number];

/** A flat series of `mibps` for `pool`, one point per step over [fromMs, toMs]. */
function flat(pool: string, fromMs: number, toMs: number, mibps: number): Series {
  const points: Array<{ atMs: number; value: number }> = [];
  for (let atMs = Math.ceil(fromMs / STEP_MS) * STEP_MS; atMs <= toMs; atMs += STEP_MS) {
    points.push({ atMs, value: mibps * MIB });
  }
  return { labels: { pool }, points };
}

/**
 * A Prometheus that answers both directions with 3 days of 40 MiB/s per pool up to the query's end,
 * or fails while `down` is true. `shape` may drop or cut a pool's series.
 */
class FakePrometheus implements RangeQuerier {
  down = false;
  calls = 0;
  shape: (pool: string, direction: 'rx' | 'tx', startMs: number, endMs: number) => Series[] = (
    pool,
    _direction,
    _startMs,
    endMs,
  ) => [flat(pool, endMs - 3 * DAY_MS, endMs, 40)];

  queryRange = async (promql: string, startMs: number, endMs: number): Promise<Series[]> => {
    this.calls++;
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:9090');
    const direction = promql.includes('label_replace(rx,') ? 'rx' : 'tx';
    return pools.flatMap(pool => this.shape(pool, direction, startMs, endMs));
  };
}

function statuses(history: ForecastHistory, nowMs: number): string[] {
  return (history.forecasts(nowMs) ?? []).map(forecast => forecast.status);
}

describe('ForecastHistory: known, short or unknown', () => {
  it('is unknown in every zone when the first range query fails, naming the error', async () => {
    // GIVEN a restarted controller whose Prometheus does not answer range queries
    const prometheus = new FakePrometheus();
    prometheus.down = true;
    const errors: unknown[] = [];
    const history = new ForecastHistory(prometheus, config, error => errors.push(error));
    // WHEN it refreshes
    await history.refresh(NOW_MS);
    // THEN every zone's forecast is unknown (not `insufficient-history`), with the cause
    const forecasts = history.forecasts(NOW_MS) ?? [];
    expect(forecasts.map(each => each.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(forecasts[0].unknownCause).toBe(
      'no forecast history range query has succeeded since the controller started (last error: connect ECONNREFUSED 127.0.0.1:9090)',
    );
    expect(forecasts[0].forecastMiBps).toBeUndefined();
    expect(errors).toHaveLength(1);
  });

  it('is unknown before the first refresh', () => {
    const history = new ForecastHistory(new FakePrometheus(), config);
    expect(statuses(history, NOW_MS)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(history.forecasts(NOW_MS)?.[0].unknownCause).toBe(
      'no forecast history range query has succeeded since the controller started',
    );
  });

  it('fails, then succeeds: retried at the next pass (not after the refresh interval), then known', async () => {
    const prometheus = new FakePrometheus();
    prometheus.down = true;
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    expect(statuses(history, NOW_MS)).toEqual(['unknown', 'unknown', 'unknown']);
    // WHEN Prometheus answers again 30 s later
    prometheus.down = false;
    await history.refresh(NOW_MS + 30_000);
    // THEN it queried again at once and every zone's forecast counts
    expect(prometheus.calls).toBe(4);
    const forecasts = history.forecasts(NOW_MS + 30_000) ?? [];
    expect(forecasts.map(each => each.status)).toEqual(['ok', 'ok', 'ok']);
    expect(forecasts[0].forecastMiBps).toBeCloseTo(40);
    expect(forecasts[0].unknownCause).toBeUndefined();
  });

  it('keeps the last history through failures up to the bound, then turns unknown, and back', async () => {
    // GIVEN a success at NOW, then Prometheus down
    const prometheus = new FakePrometheus();
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    prometheus.down = true;
    // WHEN it fails at every pass up to the bound
    for (let atMs = NOW_MS + FORECAST_REFRESH_SECONDS * 1000; atMs <= NOW_MS + MAX_AGE_MS;) {
      await history.refresh(atMs);
      expect(statuses(history, atMs)).toEqual(['ok', 'ok', 'ok']);
      atMs += 30 * 60_000;
    }
    expect(statuses(history, NOW_MS + MAX_AGE_MS)).toEqual(['ok', 'ok', 'ok']);
    // THEN one pass past the bound the history is too old to trust
    const pastMs = NOW_MS + MAX_AGE_MS + 30_000;
    await history.refresh(pastMs);
    const forecasts = history.forecasts(pastMs) ?? [];
    expect(forecasts.map(each => each.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(forecasts[0].unknownCause).toBe(
      'the last successful forecast history range query was 361 min ago, more than the 360 min the history is trusted (last error: connect ECONNREFUSED 127.0.0.1:9090)',
    );
    // AND a success brings it back (at the next try: the failures backed off to the refresh
    // interval)
    prometheus.down = false;
    const backMs = pastMs + FORECAST_REFRESH_SECONDS * 1000;
    await history.refresh(backMs);
    expect(statuses(history, backMs)).toEqual(['ok', 'ok', 'ok']);
  });

  it('the bound is 6 h, or 24 h less the lead time when shorter (day 1 must stay in the history)', () => {
    expect(forecastHistoryMaxAgeMs(1470)).toBe(6 * HOUR_MS);
    expect(forecastHistoryMaxAgeMs(20 * 3600)).toBe(4 * HOUR_MS);
    expect(forecastHistoryMaxAgeMs(30 * 3600)).toBe(0);
  });

  it('a zone missing from a successful response is unknown; the other zones count', async () => {
    // GIVEN a response without pool brokers-b's receive series
    const prometheus = new FakePrometheus();
    const full = prometheus.shape;
    prometheus.shape = (pool, direction, startMs, endMs) =>
      pool === 'brokers-b' && direction === 'rx' ? [] : full(pool, direction, startMs, endMs);
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    const forecasts = history.forecasts(NOW_MS) ?? [];
    expect(forecasts.map(each => each.status)).toEqual(['ok', 'unknown', 'ok']);
    expect(forecasts[1].unknownCause).toBe(
      'the forecast history range query returned no receive series for pool brokers-b',
    );
    // WHEN the next refresh holds it THEN the zone counts again
    prometheus.shape = full;
    await history.refresh(NOW_MS + FORECAST_REFRESH_SECONDS * 1000);
    expect(statuses(history, NOW_MS + FORECAST_REFRESH_SECONDS * 1000)).toEqual(['ok', 'ok', 'ok']);
  });

  it('a series cut short before the query end is unknown; one within the tolerance counts', async () => {
    const prometheus = new FakePrometheus();
    const toleranceMs = FORECAST_SERIES_END_TOLERANCE_SECONDS * 1000;
    // brokers-a's transmit series stops 2 h before the end; brokers-c's ends exactly at the
    // tolerance (one evaluation a step before the end and a late scrape are normal).
    prometheus.shape = (pool, direction, _startMs, endMs) => {
      const cut =
        pool === 'brokers-a' && direction === 'tx'
          ? 2 * HOUR_MS
          : pool === 'brokers-c'
            ? toleranceMs
            : 0;
      return [flat(pool, endMs - 3 * DAY_MS, endMs - cut, 40)];
    };
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    const forecasts = history.forecasts(NOW_MS) ?? [];
    expect(forecasts.map(each => each.status)).toEqual(['unknown', 'ok', 'ok']);
    expect(forecasts[0].unknownCause).toBe(
      "pool brokers-a's transmit series in the forecast history ends 120 min before the query's end",
    );
  });

  it('a short history that reaches now is known: insufficient-history (a new cluster stays reactive)', async () => {
    const prometheus = new FakePrometheus();
    prometheus.shape = (pool, _direction, _startMs, endMs) => [
      flat(pool, endMs - 3 * HOUR_MS, endMs, 40),
    ];
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    const forecasts = history.forecasts(NOW_MS) ?? [];
    expect(forecasts.map(each => each.status)).toEqual([
      'insufficient-history',
      'insufficient-history',
      'insufficient-history',
    ]);
    expect(forecasts[0].unknownCause).toBeUndefined();
  });

  it('is unknown exactly when no refresh succeeded or the last success is past the bound (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            afterSeconds: fc.integer({ min: 1, max: 4 * 3600 }),
            succeeds: fc.boolean(),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async steps => {
          const prometheus = new FakePrometheus();
          const history = new ForecastHistory(prometheus, config);
          let atMs = NOW_MS;
          let lastSuccessMs: number | undefined;
          let lastAttemptMs: number | undefined;
          let failures = 0;
          for (const step of steps) {
            atMs += step.afterSeconds * 1000;
            prometheus.down = !step.succeeds;
            // Due: the first try, the refresh interval after a success, the backoff after failures.
            const waitSeconds =
              failures > 0
                ? forecastRetryDelaySeconds(failures, config.intervalSeconds)
                : FORECAST_REFRESH_SECONDS;
            const due = lastAttemptMs === undefined || atMs - lastAttemptMs >= waitSeconds * 1000;
            await history.refresh(atMs);
            if (due) {
              lastAttemptMs = atMs;
              failures = step.succeeds ? 0 : failures + 1;
              if (step.succeeds) lastSuccessMs = atMs;
            }
            const unknown = lastSuccessMs === undefined || atMs - lastSuccessMs > MAX_AGE_MS;
            expect(statuses(history, atMs)).toEqual(pools.map(() => (unknown ? 'unknown' : 'ok')));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('answers nothing when the floor is off', async () => {
    const history = new ForecastHistory(new FakePrometheus(), testConfig());
    await history.refresh(NOW_MS);
    expect(history.forecasts(NOW_MS)).toBeUndefined();
  });
});

/** A daily shape: 20 MiB/s at night up to 100 MiB/s at 14:00 UTC, per point in time. */
function dailyMiBps(atMs: number): number {
  const hour = (atMs % DAY_MS) / HOUR_MS;
  return 20 + 80 * Math.max(0, Math.cos(((hour - 14) / 24) * 2 * Math.PI));
}

/** `flat`, but following `dailyMiBps`. */
function daily(pool: string, fromMs: number, toMs: number): Series {
  const points: Array<{ atMs: number; value: number }> = [];
  for (let atMs = Math.ceil(fromMs / STEP_MS) * STEP_MS; atMs <= toMs; atMs += STEP_MS) {
    points.push({ atMs, value: dailyMiBps(atMs) * MIB });
  }
  return { labels: { pool }, points };
}

describe('ForecastHistory: a successful refresh never forgets the history held', () => {
  it('a refresh returning a shorter history (Prometheus lost its data) keeps the forecast as it was', async () => {
    // GIVEN a controller that held 3 days of a daily shape
    const threeDays: FakePrometheus['shape'] = (pool, _direction, _startMs, endMs) => [
      daily(pool, endMs - 3 * DAY_MS, endMs),
    ];
    const prometheus = new FakePrometheus();
    prometheus.shape = threeDays;
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    // AND one that kept asking a Prometheus that never lost anything
    const intact = new FakePrometheus();
    intact.shape = threeDays;
    const control = new ForecastHistory(intact, config);
    await control.refresh(NOW_MS);
    // WHEN Prometheus loses its data and holds only the 30 min since (the series reach the end,
    // so the response looks like a new cluster's)
    const laterMs = NOW_MS + FORECAST_REFRESH_SECONDS * 1000;
    prometheus.shape = (pool, _direction, _startMs, endMs) => [
      daily(pool, endMs - 30 * 60_000, endMs),
    ];
    const wipedHistory = new ForecastHistory(prometheus, config);
    await wipedHistory.refresh(laterMs);
    await history.refresh(laterMs);
    await control.refresh(laterMs);
    // THEN the zone is not taken for a new cluster: the forecast is the one the full history gives
    const kept = history.forecasts(laterMs) ?? [];
    expect(kept.map(each => each.status)).toEqual(['ok', 'ok', 'ok']);
    expect(kept).toEqual(control.forecasts(laterMs));
    expect(kept[0].historyHours).toBeCloseTo(72 + 1 / 6);
    // (a process that started on the wiped Prometheus reads it as short: the limitation after a
    // restart, docs/controller.md)
    expect(statuses(wipedHistory, laterMs)).toEqual(pools.map(() => 'insufficient-history'));
  });

  it('the held samples within a step of a new one are dropped; older ones and those in its gaps stay', () => {
    const sample = (minutes: number, demandMiBps: number) => ({
      atMs: NOW_MS + minutes * 60_000,
      demandMiBps,
    });
    const held = [sample(-60, 1), sample(-50, 1), sample(-40, 1), sample(-30, 1), sample(-20, 1)];
    // The new response starts at -40 (same timestamp as a held sample: the new one wins) and has a
    // gap from -40 to -20 (steps of 5 min missing: the held -30, a step from both, fills it).
    const fresh = [sample(-40, 2), sample(-20, 2), sample(-10, 2)];
    expect(mergeZoneHistory(held, fresh, NOW_MS - 55 * 60_000, NOW_MS)).toEqual([
      sample(-50, 1),
      sample(-40, 2),
      sample(-30, 1),
      sample(-20, 2),
      sample(-10, 2),
    ]);
    // A held sample less than a step from a new one is dropped (offset grids: no double weight).
    expect(
      mergeZoneHistory([sample(-29, 1), sample(-24, 1)], fresh, NOW_MS - DAY_MS, NOW_MS),
    ).toEqual([sample(-40, 2), sample(-29, 1), sample(-20, 2), sample(-10, 2)]);
    // A response without a sample keeps the held history inside the window
    expect(mergeZoneHistory(held, [], NOW_MS - 45 * 60_000, NOW_MS)).toEqual(held.slice(2));
    // Held samples stamped after now (the clock stepped back since) are dropped
    expect(mergeZoneHistory(held, [], NOW_MS - DAY_MS, NOW_MS - 35 * 60_000)).toEqual(
      held.slice(0, 3),
    );
  });

  it('a clock stepped back: unknown until refetched, then nothing stamped after now is held', async () => {
    const prometheus = new FakePrometheus();
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    const backMs = NOW_MS - 2 * HOUR_MS;
    expect(statuses(history, backMs)).toEqual(pools.map(() => 'unknown'));
    // WHEN the refetch (due at once) answers a short history up to the new now
    prometheus.shape = (pool, _direction, _startMs, endMs) => [
      flat(pool, endMs - HOUR_MS, endMs, 40),
    ];
    await history.refresh(backMs);
    // THEN the zone is known again with the history before the new response's start kept, and
    // nothing after now
    expect(statuses(history, backMs)).toEqual(['ok', 'ok', 'ok']);
    const held = history.heldHistory('us-east-1a');
    expect(held.at(-1)?.atMs).toBe(backMs);
    expect(held[0].atMs).toBe(NOW_MS - 3 * DAY_MS);
  });

  it('the series-missing and cut-short causes are judged on the new response, not the merged history', async () => {
    const prometheus = new FakePrometheus();
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    // WHEN the next response cuts pool brokers-a short by 2 h and has no brokers-b
    prometheus.shape = (pool, _direction, _startMs, endMs) =>
      pool === 'brokers-a'
        ? [flat(pool, endMs - HOUR_MS * 3, endMs - 2 * HOUR_MS, 40)]
        : pool === 'brokers-b'
          ? []
          : [flat(pool, endMs - 3 * DAY_MS, endMs, 40)];
    const laterMs = NOW_MS + FORECAST_REFRESH_SECONDS * 1000;
    await history.refresh(laterMs);
    // THEN both are unknown although the held history reaches past the cut
    expect(statuses(history, laterMs)).toEqual(['unknown', 'unknown', 'ok']);
    expect(history.heldHistory('us-east-1b').at(-1)?.atMs).toBe(NOW_MS);
  });

  it('after any sequence of successful responses, the history held is their union within historyDays, the newest winning (property)', async () => {
    const historyDays = 2;
    const shortConfig: ControllerConfig = {
      ...config,
      forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470, historyDays },
    };
    const windowMs = historyDays * DAY_MS;
    // Per response and pool: missing, or a series from `startSteps` before the end to `cutSteps`
    // before it (cut short: unknown, but its samples are still held).
    const pool = fc.option(
      fc.record({
        startSteps: fc.integer({ min: 0, max: windowMs / STEP_MS + 12 }),
        cutSteps: fc.integer({ min: 0, max: 6 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            // Forward by at least the refresh interval (each refresh queries), or the clock
            // stepped back (refetched at once).
            afterSeconds: fc.oneof(
              fc.integer({ min: FORECAST_REFRESH_SECONDS, max: 3 * 86_400 }),
              fc.integer({ min: -3 * 3600, max: -1 }),
            ),
            pools: fc.tuple(pool, pool, pool),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async steps => {
          const prometheus = new FakePrometheus();
          const history = new ForecastHistory(prometheus, shortConfig);
          // Each response's points for each pool (value: the response's index + 1), its end.
          const responses: Array<{
            endMs: number;
            points: Array<Array<{ atMs: number; demandMiBps: number }>>;
          }> = [];
          let atMs = NOW_MS;
          for (const [index, step] of steps.entries()) {
            atMs += step.afterSeconds * 1000;
            const points = step.pools.map(shape => {
              if (shape === null) return [];
              const series = flat(
                'x',
                atMs - shape.startSteps * STEP_MS,
                atMs - shape.cutSteps * STEP_MS,
                index + 1,
              );
              return series.points.map(point => ({
                atMs: point.atMs,
                demandMiBps: point.value / MIB,
              }));
            });
            responses.push({ endMs: atMs, points });
            prometheus.shape = (poolName, _direction, _startMs, endMs) => {
              const shape = step.pools[pools.indexOf(poolName)];
              return shape === null
                ? []
                : [
                    flat(
                      poolName,
                      endMs - shape.startSteps * STEP_MS,
                      endMs - shape.cutSteps * STEP_MS,
                      index + 1,
                    ),
                  ];
            };
            await history.refresh(atMs);
          }
          // A sample of response i is held iff every later response j kept it: within j's
          // window [end_j - historyDays, end_j] and no sample of j for the pool within a step.
          for (const [zoneIndex, zone] of shortConfig.zones.entries()) {
            const inWindow = (sample: { atMs: number }, endMs: number) =>
              sample.atMs >= endMs - windowMs && sample.atMs <= endMs;
            const kept = responses.map(response =>
              response.points[zoneIndex].filter(sample => inWindow(sample, response.endMs)),
            );
            const expected = kept.flatMap((samples, i) =>
              samples.filter(sample =>
                responses
                  .slice(i + 1)
                  .every(
                    (later, offset) =>
                      inWindow(sample, later.endMs) &&
                      !kept[i + 1 + offset].some(
                        fresh => Math.abs(fresh.atMs - sample.atMs) < STEP_MS,
                      ),
                  ),
              ),
            );
            expected.sort((a, b) => a.atMs - b.atMs);
            const held = history.heldHistory(zone.zone);
            expect(held).toEqual(expected);
            // Memory bound: at most one point per step over the window (the fake's points sit on one
            // absolute grid; real refreshes' grids differ, which adds at most one point)
            expect(held.length).toBeLessThanOrEqual(windowMs / STEP_MS + 1);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
