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
 *   `kafka_autoscaler_forecast_recent_error_mibps`; it is now unknown (absent), never NaN.
 */
import fc from 'fast-check';
import {
  DEFAULT_FORECAST,
  FORECAST_CORRECTION_MAX_GAP_SECONDS,
  forecastZone,
  type DemandSample,
  type ForecastConfig,
} from '../../controller/forecast';

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
    'a %p sample in the last day: unknown, never NaN or infinite',
    value => {
      const badAtMs = nowMs - 3 * HOUR_MS;
      const history = samples(MONDAY, nowMs + 1, atMs => (atMs === badAtMs ? value : 100));
      const forecast = forecastZone('a', history, nowMs, config);
      expect(forecast.recentErrorMiBps).toBeUndefined();
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
