/**
 * How right the forecast has been lately (`ZoneForecast.recentErrorMiBps` in
 * `controller/forecast.ts`, issue #16): the mean absolute error of the forecast over the lead-time
 * windows of the last day, each judged as `errorMiBps` is. `decide` lets a small one shorten the
 * scale-in wait (`test/controller/forecast-trusted-window.test.ts`), so missing data must never
 * read as a small error: a short history, a gap, a lead time too short or a forecast not `ok`
 * give `undefined`, never 0.
 */
import fc from 'fast-check';
import {
  DEFAULT_FORECAST,
  forecastRecentErrorWindows,
  forecastZone,
  FORECAST_RECENT_ERROR_MIN_LEAD_SECONDS,
  type DemandSample,
  type ForecastConfig,
} from '../../controller/forecast';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Monday 2024-01-01 00:00 UTC. */
const MONDAY = Date.UTC(2024, 0, 1);
const STEP_MS = 300_000;

const config: ForecastConfig = { ...DEFAULT_FORECAST, leadTimeSeconds: 1800 };

/** One sample every 5 minutes in [fromMs, toMs), demand given by its time. */
function samples(fromMs: number, toMs: number, demand: (atMs: number) => number): DemandSample[] {
  const out: DemandSample[] = [];
  for (let atMs = fromMs; atMs < toMs; atMs += STEP_MS)
    out.push({ atMs, demandMiBps: demand(atMs) });
  return out;
}

/** 100 MiB/s all day, 500 from 09:00 to 17:00 UTC. */
const officeHours = (atMs: number) => {
  const minute = ((atMs - MONDAY) / 60_000) % 1440;
  return minute >= 9 * 60 && minute < 17 * 60 ? 500 : 100;
};

describe('recentErrorMiBps', () => {
  test('a day that repeats the ones before: 0 MiB/s', () => {
    const nowMs = MONDAY + 3 * DAY_MS + 2 * HOUR_MS;
    const forecast = forecastZone('a', samples(MONDAY, nowMs + 1, officeHours), nowMs, config);
    expect(forecast.status).toBe('ok');
    expect(forecast.recentErrorMiBps).toBe(0);
  });

  test('a last day 50 MiB/s above three flat days: 50 MiB/s (every window of the day missed by 50)', () => {
    const nowMs = MONDAY + 4 * DAY_MS;
    const history = samples(MONDAY, nowMs + 1, atMs => (atMs > nowMs - DAY_MS ? 150 : 100));
    expect(forecastZone('a', history, nowMs, config).recentErrorMiBps).toBe(50);
  });

  test('one window of the day missed by 480 MiB/s: 10 MiB/s over the day (48 windows of 30 min)', () => {
    expect(forecastRecentErrorWindows(1800)).toBe(48);
    const nowMs = MONDAY + 4 * DAY_MS;
    const spikeAtMs = nowMs - 6 * HOUR_MS + 10 * 60_000;
    const history = samples(MONDAY, nowMs + 1, atMs => (atMs === spikeAtMs ? 580 : 100));
    expect(forecastZone('a', history, nowMs, config).recentErrorMiBps).toBe(10);
  });

  test('history too short for a day of windows with past days behind them: undefined, though the forecast is ok', () => {
    const nowMs = MONDAY + 1.5 * DAY_MS;
    const forecast = forecastZone(
      'a',
      samples(MONDAY, nowMs + 1, () => 100),
      nowMs,
      config,
    );
    expect(forecast.status).toBe('ok');
    expect(forecast.recentErrorMiBps).toBeUndefined();
  });

  test('a gap longer than a window in the last day: undefined (missing data is not a small error)', () => {
    const nowMs = MONDAY + 4 * DAY_MS;
    const gapFromMs = nowMs - 5 * HOUR_MS;
    const history = samples(MONDAY, nowMs + 1, () => 100).filter(
      sample => sample.atMs < gapFromMs || sample.atMs >= gapFromMs + 2 * HOUR_MS,
    );
    const forecast = forecastZone('a', history, nowMs, config);
    expect(forecast.status).toBe('ok');
    expect(forecast.recentErrorMiBps).toBeUndefined();
  });

  test('a window the correction lowered below a demand that came back counts its larger miss', () => {
    // GIVEN flat 100 MiB/s on the past days, and on the last day 20 MiB/s from 12 h before now
    // until 2 h 10 min later, 100 otherwise
    const nowMs = MONDAY + 4 * DAY_MS;
    const quietFromMs = nowMs - 12 * HOUR_MS;
    const quietToMs = quietFromMs + 2 * HOUR_MS + 10 * 60_000;
    const history = samples(MONDAY, nowMs + 1, atMs =>
      atMs >= quietFromMs && atMs < quietToMs ? 20 : 100,
    );
    // THEN the 4 windows inside the quiet block miss by 80 (profile 100, nothing lowered: the
    // 2 h before each start hold 100), and the window from quietFromMs + 2 h, whose 2 h before
    // were all quiet, was lowered to 20 by the correction while demand came back to 100 in it:
    // a miss of 80 that the profile (100, right) alone hid: (5 x 80) / 48, not (4 x 80) / 48
    expect(forecastZone('a', history, nowMs, config).recentErrorMiBps).toBeCloseTo(
      (5 * 80) / 48,
      9,
    );
  });

  test('a lead time under 10 minutes: undefined', () => {
    const short = { ...config, leadTimeSeconds: FORECAST_RECENT_ERROR_MIN_LEAD_SECONDS - 1 };
    const nowMs = MONDAY + 4 * DAY_MS;
    const forecast = forecastZone(
      'a',
      samples(MONDAY, nowMs + 1, () => 100),
      nowMs,
      short,
    );
    expect(forecast.status).toBe('ok');
    expect(forecast.recentErrorMiBps).toBeUndefined();
  });

  test('appending later samples to the same array changes no window already judged; changing its past recomputes', () => {
    // The simulator appends to one array; the cache must give what a fresh array gives.
    const nowMs = MONDAY + 4 * DAY_MS;
    const history = samples(MONDAY, nowMs - HOUR_MS, officeHours);
    forecastZone('a', history, nowMs - HOUR_MS - 1, config);
    history.push(...samples(nowMs - HOUR_MS, nowMs + 1, () => 900));
    expect(forecastZone('a', history, nowMs, config).recentErrorMiBps).toBe(
      forecastZone('a', [...history], nowMs, config).recentErrorMiBps,
    );
    history.splice(0, 12);
    expect(forecastZone('a', history, nowMs, config).recentErrorMiBps).toBe(
      forecastZone('a', [...history], nowMs, config).recentErrorMiBps,
    );
  });
});

describe('recentErrorMiBps (properties)', () => {
  const anyLead = fc.integer({ min: FORECAST_RECENT_ERROR_MIN_LEAD_SECONDS, max: 4 * 3600 });
  const anyDemand = fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 24, maxLength: 24 });

  test('undefined on any history spanning less than 36 hours, whatever the lead time and the demand', () => {
    fc.assert(
      fc.property(
        anyLead,
        fc.integer({ min: 24 * 12, max: 36 * 12 - 1 }),
        anyDemand,
        (lead, steps, hourly) => {
          const nowMs = MONDAY + 10 * DAY_MS;
          const history = samples(
            nowMs - steps * STEP_MS,
            nowMs + 1,
            atMs => hourly[Math.floor(atMs / HOUR_MS) % 24],
          );
          const forecast = forecastZone('a', history, nowMs, { ...config, leadTimeSeconds: lead });
          expect(forecast.recentErrorMiBps).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });

  test('with a gap in the last day that holds a whole window (two lead times long): undefined; without: between 0 and the largest miss', () => {
    fc.assert(
      fc.property(
        anyLead,
        anyDemand,
        // The gap starts 1-10 h into the last day and ends before its last window (lead <= 4 h).
        fc.integer({ min: 1, max: 10 }),
        fc.boolean(),
        (lead, hourly, gapHour, withGap) => {
          const nowMs = MONDAY + 5 * DAY_MS + 7 * 60_000;
          const leadMs = lead * 1000;
          const gapFromMs = nowMs - DAY_MS + gapHour * HOUR_MS;
          const history = samples(
            MONDAY,
            nowMs + 1,
            atMs => hourly[Math.floor(atMs / HOUR_MS) % 24] + (atMs > nowMs - DAY_MS ? 20 : 0),
          ).filter(
            sample =>
              !withGap || sample.atMs < gapFromMs || sample.atMs > gapFromMs + 2 * leadMs + STEP_MS,
          );
          const forecast = forecastZone('a', history, nowMs, { ...config, leadTimeSeconds: lead });
          if (withGap) {
            expect(forecast.recentErrorMiBps).toBeUndefined();
          } else {
            expect(forecast.recentErrorMiBps).toBeGreaterThanOrEqual(0);
            expect(forecast.recentErrorMiBps).toBeLessThanOrEqual(1020);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
