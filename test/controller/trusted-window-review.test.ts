/**
 * Review of the trusted-forecast scale-in rule (issue #16; `recentErrorMiBps` in
 * `controller/forecast.ts`, `forecastTrusted` in `controller/decide.ts`): faults found by fault
 * injection and mutants, each pinned here.
 *
 * - A window whose today side has a long gap judged its error on the samples around the gap: a
 *   peak in the gap was taken for none, so a forecast that missed it read as right and the wait
 *   was shortened on partial data. A window now needs its today side covered as the correction's
 *   window is (no stretch over `FORECAST_CORRECTION_MAX_GAP_SECONDS` without a sample).
 * - A NaN or infinite sample gave a NaN or infinite figure, shown in the zone view and exported as
 *   `kafka_autoscaler_forecast_recent_error_mibps`; it is now a missing sample (`DemandHistory`
 *   normalises the history once): the figure is the one of the history without it, unknown when
 *   such samples leave a stretch over the gap bound, never NaN.
 */
import fc from 'fast-check';
import {
  DEFAULT_FORECAST,
  FORECAST_CORRECTION_MAX_GAP_SECONDS,
  FORECAST_RECENT_ERROR_MIN_LEAD_SECONDS,
  forecastZone,
  type DemandSample,
  type ForecastConfig,
} from '../../controller/forecast';
import {
  FORECAST_REFRESH_SECONDS,
  ForecastHistory,
  type RangeQuerier,
} from '../../controller/forecast-history';
import type { ControllerConfig } from '../../controller/config';
import { decide, type Memory, type Observed } from '../../controller/decide';
import {
  forecastAndRampConfig,
  healthyCluster,
  memoryWithRampSamples,
  NOW_MS,
  testConfig,
  zoneForecasts,
} from './fixtures';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Monday 2024-01-01 00:00 UTC. */
const MONDAY = Date.UTC(2024, 0, 1);
const STEP_MS = 300_000;
const config: ForecastConfig = { ...DEFAULT_FORECAST, leadTimeSeconds: 1800 };
const LEAD_MS = config.leadTimeSeconds * 1000;

/** One sample every 5 minutes in [fromMs, toMs), demand given by its time. */
function samples(fromMs: number, toMs: number, demand: (atMs: number) => number): DemandSample[] {
  const out: DemandSample[] = [];
  for (let atMs = fromMs; atMs < toMs; atMs += STEP_MS)
    out.push({ atMs, demandMiBps: demand(atMs) });
  return out;
}

describe('recentErrorMiBps on partial windows', () => {
  // Now on a window edge: the last day's windows are [now - (k+1) x 30 min, now - k x 30 min).
  const nowMs = MONDAY + 4 * DAY_MS;
  const flat = () => 100;

  test('a window whose samples are missing but its first and last: unknown (its peak may sit in the gap)', () => {
    const windowStartMs = nowMs - 6 * HOUR_MS;
    // Samples at the window's start and 25 min in; the 20 min between are missing.
    const history = samples(MONDAY, nowMs + 1, flat).filter(
      sample => !(sample.atMs > windowStartMs && sample.atMs < windowStartMs + 25 * 60_000),
    );
    expect(forecastZone('a', history, nowMs, config).recentErrorMiBps).toBeUndefined();
  });

  test('property: a gap longer than the correction bound inside any window of the last day: unknown', () => {
    const gapMs = FORECAST_CORRECTION_MAX_GAP_SECONDS * 1000;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 47 }),
        fc.integer({ min: 0, max: LEAD_MS - gapMs - 2 * STEP_MS }),
        fc.integer({ min: gapMs + STEP_MS, max: LEAD_MS }),
        (window, offsetMs, lengthMs) => {
          const windowStartMs = nowMs - (window + 1) * LEAD_MS;
          const fromMs = windowStartMs + offsetMs;
          const history = samples(MONDAY, nowMs + 1, flat).filter(
            sample => sample.atMs <= fromMs || sample.atMs >= fromMs + lengthMs,
          );
          expect(forecastZone('a', history, nowMs, config).recentErrorMiBps).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a gap of one missing sample (10 min between samples) still counts', () => {
    const missingAtMs = nowMs - 6 * HOUR_MS + 2 * STEP_MS;
    const history = samples(MONDAY, nowMs + 1, flat).filter(sample => sample.atMs !== missingAtMs);
    expect(forecastZone('a', history, nowMs, config).recentErrorMiBps).toBe(0);
  });

  test('the last sample more than the bound before the last window ends: unknown (a stale history)', () => {
    const history = samples(MONDAY, nowMs - 20 * 60_000, flat);
    expect(forecastZone('a', history, nowMs, config).recentErrorMiBps).toBeUndefined();
  });
});

describe('recentErrorMiBps on non-finite samples', () => {
  const nowMs = MONDAY + 4 * DAY_MS;

  test.each([Number.NaN, Number.POSITIVE_INFINITY])(
    'a %p sample in the last day reads as a missing one: the figure of the history without it, never NaN or infinite',
    value => {
      const badAtMs = nowMs - 3 * HOUR_MS;
      const history = samples(MONDAY, nowMs + 1, atMs => (atMs === badAtMs ? value : 100));
      const without = history.filter(sample => sample.atMs !== badAtMs);
      const forecast = forecastZone('a', history, nowMs, config);
      expect(forecast.recentErrorMiBps).toBe(0);
      expect(forecast).toEqual(forecastZone('a', without, nowMs, config));
    },
  );

  test.each([Number.NaN, Number.POSITIVE_INFINITY])(
    '%p samples over a stretch longer than the gap bound in the last day: unknown, as a gap',
    value => {
      const fromMs = nowMs - 3 * HOUR_MS;
      const history = samples(MONDAY, nowMs + 1, atMs =>
        atMs >= fromMs && atMs <= fromMs + FORECAST_CORRECTION_MAX_GAP_SECONDS * 1000 ? value : 100,
      );
      expect(forecastZone('a', history, nowMs, config).recentErrorMiBps).toBeUndefined();
    },
  );

  test('property: the figure is undefined or a finite number >= 0, whatever the samples', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: 0, max: 1000, noNaN: true }),
            fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -5),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 0, max: 287 }),
        (values, shift) => {
          const history = samples(MONDAY, nowMs + 1, atMs => {
            const index = Math.floor((atMs - MONDAY) / STEP_MS) + shift;
            return index % 97 === 0 ? values[index % values.length] : 100;
          });
          const error = forecastZone('a', history, nowMs, config).recentErrorMiBps;
          if (error !== undefined) {
            expect(Number.isFinite(error)).toBe(true);
            expect(error).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

/**
 * The per-array cache (`errorCaches` in forecast.ts) against the same history with no cache (a
 * fresh copy, which no cache knows): every reachable way a history changes between two passes.
 */
describe('the recent error cache never serves a stale figure', () => {
  const fresh = (history: readonly DemandSample[], nowMs: number, forecastConfig: ForecastConfig) =>
    forecastZone('a', [...history], nowMs, forecastConfig).recentErrorMiBps;

  test('property: appends, inserts in the middle, trims at the front, two configs, clock back and forth', () => {
    // Same lead time, other quantile or other days: only the cache's config key tells them apart.
    const configs: readonly ForecastConfig[] = [
      config,
      { ...config, leadTimeSeconds: 1470, quantile: 0.5 },
      { ...config, quantile: 0.5 },
      { ...config, historyDays: 2 },
    ];
    fc.assert(
      fc.property(
        // Between two passes, one to three changes (a trim and an insert together keep the count).
        fc.array(
          fc.array(
            fc.record({
              op: fc.constantFrom('append', 'insert', 'trim', 'config', 'clock'),
              value: fc.integer({ min: 50, max: 400 }),
              where: fc.integer({ min: 0, max: 1_000_000 }),
            }),
            { minLength: 1, maxLength: 3 },
          ),
          { minLength: 1, maxLength: 10 },
        ),
        passes => {
          const startMs = MONDAY;
          let nowMs = MONDAY + 3 * DAY_MS;
          const history = samples(startMs, nowMs + 1, atMs =>
            ((atMs - MONDAY) / STEP_MS) % 7 === 0 ? 180 : 100,
          );
          let current = config;
          forecastZone('a', history, nowMs, current);
          for (const pass of passes) {
            for (const { op, value, where } of pass) {
              if (op === 'append') {
                nowMs += STEP_MS;
                history.push({ atMs: nowMs, demandMiBps: value });
              } else if (op === 'insert') {
                // A sample between two held ones (a backfill), anywhere in the history.
                const index = 1 + (where % (history.length - 1));
                const atMs = history[index - 1].atMs + 1;
                if (atMs < history[index].atMs) {
                  history.splice(index, 0, { atMs, demandMiBps: value });
                }
              } else if (op === 'trim') {
                history.splice(0, 1 + (where % 3));
              } else if (op === 'config') {
                current = configs[where % configs.length];
              } else {
                nowMs += ((where % 13) - 6) * 600_000;
              }
            }
            expect(forecastZone('a', history, nowMs, current).recentErrorMiBps).toBe(
              fresh(history, nowMs, current),
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test('the controller path: a refresh that revises past values (same times, same count) builds a new array, so the figure follows', async () => {
    const MIB = 1024 * 1024;
    const controllerConfig = {
      ...testConfig({ zones: 1 }),
      forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1800 },
    };
    const pool = controllerConfig.zones[0].poolName;
    const zone = controllerConfig.zones[0].zone;
    let revised = false;
    const prometheus: RangeQuerier = {
      queryRange: async (_promql, startMs, endMs) => {
        const points: Array<{ atMs: number; value: number }> = [];
        for (let atMs = Math.ceil(startMs / STEP_MS) * STEP_MS; atMs <= endMs; atMs += STEP_MS) {
          // The revision raises the last day's values: the forecast then missed them.
          const value = revised && atMs > endMs - DAY_MS ? 140 : 100;
          points.push({ atMs, value: value * MIB });
        }
        return [{ labels: { pool }, points }];
      },
    };
    const history = new ForecastHistory(prometheus, controllerConfig);
    const nowMs = Math.floor(NOW_MS / 1_800_000) * 1_800_000;
    await history.refresh(nowMs);
    const before = history.heldHistory(zone);
    expect(history.forecasts(nowMs)?.[0].recentErrorMiBps).toBe(0);
    revised = true;
    const laterMs = nowMs + FORECAST_REFRESH_SECONDS * 1000;
    await history.refresh(laterMs);
    const after = history.heldHistory(zone);
    expect(after).not.toBe(before);
    const figure = history.forecasts(laterMs)?.[0].recentErrorMiBps;
    expect(figure).toBeGreaterThan(30);
    expect(figure).toBe(fresh(after, laterMs, controllerConfig.forecast));
  });
});

describe('the lead time bound of the recent error', () => {
  test('exactly FORECAST_RECENT_ERROR_MIN_LEAD_SECONDS (600 s): computed; a second less: unknown', () => {
    const nowMs = MONDAY + 4 * DAY_MS;
    const history = samples(MONDAY, nowMs + 1, () => 100);
    const at = (leadTimeSeconds: number) =>
      forecastZone('a', history, nowMs, { ...config, leadTimeSeconds }).recentErrorMiBps;
    expect(FORECAST_RECENT_ERROR_MIN_LEAD_SECONDS).toBe(600);
    expect(at(600)).toBe(0);
    expect(at(599)).toBeUndefined();
  });
});

/**
 * `forecastTrusted` on figures no mean absolute error can be (a broken or foreign source of
 * `Observed.forecast`): the full window. Test config as in forecast-trusted-window.test.ts
 * (tolerance 5 MiB/s, windows 600 / 180 s, level 2 carries 100 MiB/s at the target).
 */
describe('a recent error that is not a figure is never trusted', () => {
  const controllerConfig: ControllerConfig = forecastAndRampConfig();

  function observedWith(recentErrorMiBps: number): Observed {
    const forecast = zoneForecasts(controllerConfig, 96, 'ok').map(zone => ({
      ...zone,
      recentErrorMiBps,
    }));
    return {
      ...healthyCluster(controllerConfig, { nodesPerZone: 4, demandMiBps: 94 }),
      forecast,
    };
  }

  function carried(seconds: number): Memory {
    const memory = memoryWithRampSamples(controllerConfig, () => 94);
    const sinceMs = NOW_MS - seconds * 1000;
    return {
      ...memory,
      levelCarriesSinceMs: Object.fromEntries(
        controllerConfig.zones.map(zone => [
          zone.zone,
          Object.fromEntries(
            controllerConfig.balancedNodeCounts.map(level => [String(level), sinceMs]),
          ),
        ]),
      ),
    };
  }

  test.each([-1, -0.001, Number.NEGATIVE_INFINITY, Number.NaN, Number.POSITIVE_INFINITY])(
    'recentErrorMiBps %p, descent confirmed, carried 200 s: the full window (400 s more)',
    recentErrorMiBps => {
      const plan = decide(observedWith(recentErrorMiBps), controllerConfig, carried(200));
      expect(plan.zones[0].descentConfirmed).toBe(true);
      expect(plan.zones[0].forecastTrusted).toBeUndefined();
      expect(plan.action?.kind).not.toBe('scale-in');
      expect(plan.detail).toContain('waiting 400s more');
    },
  );

  test('0 is a figure: the short window', () => {
    const plan = decide(observedWith(0), controllerConfig, carried(200));
    expect(plan.action?.kind).toBe('scale-in');
  });
});
