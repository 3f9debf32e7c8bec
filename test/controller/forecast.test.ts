import fc from 'fast-check';
import {
  DEFAULT_FORECAST,
  forecastFloorMiBps,
  forecastLeadTimeSeconds,
  forecastZone,
  FORECAST_CORRECTION_WINDOW_SECONDS,
  isWeekend,
  todayFactor,
  type DemandSample,
  type ForecastConfig,
} from '../../controller/forecast';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Monday 2024-01-01 00:00 UTC. */
const MONDAY = Date.UTC(2024, 0, 1);

const config: ForecastConfig = { ...DEFAULT_FORECAST, leadTimeSeconds: 1800 };

/** One sample per minute from `fromMs` for `days`, demand given by the minute of the day. */
function history(
  fromMs: number,
  days: number,
  demand: (minuteOfDay: number, atMs: number) => number,
) {
  const samples: DemandSample[] = [];
  for (let atMs = fromMs; atMs < fromMs + days * DAY_MS; atMs += 60_000) {
    samples.push({ atMs, demandMiBps: demand(((atMs - fromMs) / 60_000) % 1440, atMs) });
  }
  return samples;
}

/** 100 MiB/s all day, 500 from 09:00 to 17:00 UTC. */
const officeHours = (minute: number) => (minute >= 9 * 60 && minute < 17 * 60 ? 500 : 100);

describe('forecastZone', () => {
  it('ignores the forecast until 24 hours of history exist', () => {
    const samples = history(MONDAY, 0.99, officeHours);
    const forecast = forecastZone('a', samples, MONDAY + 0.99 * DAY_MS, config);
    expect(forecast.status).toBe('insufficient-history');
    expect(forecast.forecastMiBps).toBeUndefined();
    expect(forecastFloorMiBps(forecast, 100, config)).toBe(0);
  });

  it('sees the 09:00 ramp coming a lead time ahead, from yesterday', () => {
    // GIVEN two days of office hours, WHEN it is 08:40 on day 3 (lead 30 min)
    const samples = history(MONDAY, 2, officeHours);
    const nowMs = MONDAY + 2 * DAY_MS + (8 * 60 + 40) * 60_000;
    const forecast = forecastZone('a', samples, nowMs, config);
    // THEN the window 08:40-09:10 of past days holds 10 of 30 minutes at 500: the 90th percentile
    expect(forecast.status).toBe('ok');
    expect(forecast.forecastMiBps).toBe(500);
    expect(forecast.historyHours).toBeCloseTo(56.67, 1);
  });

  it('forecasts the trough at night and reports a zero error on a repeating day', () => {
    const nowMs = MONDAY + 2 * DAY_MS + 2 * HOUR_MS;
    const samples = history(MONDAY, 2 + 2 / 24, officeHours);
    const forecast = forecastZone('a', samples, nowMs, config);
    expect(forecast.forecastMiBps).toBe(100);
    expect(forecast.errorMiBps).toBe(0);
  });

  it('uses days of the same kind: a Saturday forecast ignores the weekdays once a weekend day is known', () => {
    // GIVEN Monday to Saturday 10:00 (weekdays busy, Saturday quiet), WHEN it is Sunday 08:40
    const samples = history(MONDAY, 6, (minute, atMs) =>
      new Date(atMs).getUTCDay() === 6 ? 100 : officeHours(minute),
    );
    const sunday = MONDAY + 6 * DAY_MS + (8 * 60 + 40) * 60_000;
    expect(forecastZone('a', samples, sunday, config).forecastMiBps).toBe(100);
    // AND a weekday forecast still sees the ramp
    const saturday = MONDAY + 5 * DAY_MS + (8 * 60 + 40) * 60_000;
    expect(
      forecastZone(
        'a',
        samples.filter(s => s.atMs < saturday),
        saturday,
        config,
      ).forecastMiBps,
    ).toBe(500);
  });

  it('looks back at most historyDays', () => {
    // GIVEN a busy first week and a quiet second one
    const samples = history(MONDAY, 14, (minute, atMs) =>
      atMs < MONDAY + 7 * DAY_MS ? officeHours(minute) : 100,
    );
    const nowMs = MONDAY + 14 * DAY_MS + (8 * 60 + 40) * 60_000;
    expect(forecastZone('a', samples, nowMs, config).forecastMiBps).toBe(500);
    expect(forecastZone('a', samples, nowMs, { ...config, historyDays: 7 }).forecastMiBps).toBe(
      100,
    );
  });

  it('reports a positive error when the day just past was quieter than the ones before', () => {
    const samples = history(MONDAY, 3, (minute, atMs) =>
      atMs >= MONDAY + 2 * DAY_MS ? 100 : officeHours(minute),
    );
    const nowMs = MONDAY + 2 * DAY_MS + 10 * HOUR_MS;
    expect(forecastZone('a', samples, nowMs, config).errorMiBps).toBe(400);
  });
});

describe('the correction when today runs below the history', () => {
  /** Two office-hours days, then a third day flat at `today` MiB/s. */
  const quietThirdDay = (today: number, untilMs: number) =>
    history(MONDAY, 3, (minute, atMs) =>
      atMs >= MONDAY + 2 * DAY_MS ? today : officeHours(minute),
    ).filter(sample => sample.atMs <= untilMs);

  it('stops planning for a busy day that does not come', () => {
    // GIVEN two office-hours days and a third that stays at 100, WHEN it is 10:00 on day 3
    const nowMs = MONDAY + 2 * DAY_MS + 10 * HOUR_MS;
    const forecast = forecastZone('a', quietThirdDay(100, nowMs), nowMs, config);
    // THEN the profile still says 500 for 10:00-10:30, but 08:00-10:00 peaked at 100 where the past
    // days' 90th percentile of it is 500: the forecast is scaled by 100 / 500
    expect(forecast.profileMiBps).toBe(500);
    expect(forecast.forecastMiBps).toBeCloseTo(100, 9);
    expect(forecast.correctionMiBps).toBeCloseTo(400, 9);
    expect(forecastFloorMiBps(forecast, 100, config)).toBeCloseTo(100, 9);
  });

  it("counts the current demand into today's peak: a rise after the last refresh undoes the correction", () => {
    // GIVEN the quiet day's history as last fetched at 10:00 (the controller refetches every 10 min)
    const nowMs = MONDAY + 2 * DAY_MS + 10 * HOUR_MS;
    const forecast = forecastZone('a', quietThirdDay(100, nowMs), nowMs, config);
    expect(forecast.correctionHistoryMiBps).toBe(500);
    // WHEN demand has risen to 250 since (not in the history yet), THEN the factor is 250 / 500,
    // capped by the profile and by twice the current demand
    expect(forecastFloorMiBps(forecast, 250, config)).toBeCloseTo(250, 9);
    expect(forecastFloorMiBps(forecast, 400, config)).toBeCloseTo(400, 9);
    expect(forecastFloorMiBps(forecast, 600, config)).toBeCloseTo(500, 9);
    // and a current demand at or below today's peak leaves the corrected forecast as it was
    expect(forecastFloorMiBps(forecast, 80, config)).toBeCloseTo(100, 9);
  });

  it('with the current demand, the floor stays between the corrected and the uncorrected forecast (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 1e4, noNaN: true }), { nil: undefined }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        (profile, factor, history, current) => {
          const forecast = {
            zone: 'a',
            status: 'ok',
            historyHours: 48,
            forecastMiBps: profile * factor,
            profileMiBps: profile,
            correctionMiBps: profile - profile * factor,
            ...(history === undefined ? {} : { correctionHistoryMiBps: history }),
            errorMiBps: 0,
          } as const;
          const floor = forecastFloorMiBps(forecast, current, { ...config, maxRaiseShare: 1e9 });
          expect(floor).toBeGreaterThanOrEqual(Math.min(profile * factor, current * 1e9) - 1e-9);
          expect(floor).toBeLessThanOrEqual(profile + 1e-9);
        },
      ),
    );
  });

  it('does not lower the forecast before the history says today is behind', () => {
    // 08:40 on the quiet day: the last 2 hours were at 100 on every day, so the ramp is still planned
    const nowMs = MONDAY + 2 * DAY_MS + (8 * 60 + 40) * 60_000;
    const forecast = forecastZone('a', quietThirdDay(100, nowMs), nowMs, config);
    expect(forecast.forecastMiBps).toBe(500);
    expect(forecast.correctionMiBps).toBe(0);
  });

  it('never raises the forecast on a busier day, and leaves it alone on a repeating one', () => {
    const nowMs = MONDAY + 2 * DAY_MS + 10 * HOUR_MS;
    const busier = forecastZone('a', quietThirdDay(900, nowMs), nowMs, config);
    expect(busier.forecastMiBps).toBe(500);
    expect(busier.correctionMiBps).toBe(0);
    const repeating = forecastZone(
      'a',
      history(MONDAY, 3, officeHours).filter(sample => sample.atMs <= nowMs),
      nowMs,
      config,
    );
    expect(repeating.forecastMiBps).toBe(500);
    expect(repeating.correctionMiBps).toBe(0);
  });

  it('does not correct without a sample of today in the correction window', () => {
    // GIVEN a gap (Prometheus down) over the last 2 hours of the quiet day
    const nowMs = MONDAY + 2 * DAY_MS + 10 * HOUR_MS;
    const samples = quietThirdDay(100, nowMs).filter(
      sample => sample.atMs < nowMs - FORECAST_CORRECTION_WINDOW_SECONDS * 1000,
    );
    const forecast = forecastZone('a', samples, nowMs, config);
    expect(forecast.forecastMiBps).toBe(500);
    expect(forecast.correctionMiBps).toBe(0);
  });

  it('todayFactor is today over the history, in [0, 1], and 1 without data', () => {
    expect(todayFactor(500, 100)).toBe(0.2);
    expect(todayFactor(500, 600)).toBe(1);
    expect(todayFactor(500, 0)).toBe(0);
    expect(todayFactor(0, 100)).toBe(1);
    expect(todayFactor(undefined, 100)).toBe(1);
    expect(todayFactor(500, undefined)).toBe(1);
  });

  it('is never above the uncorrected forecast, never below 0, and 0 when today matched (property)', () => {
    const STEP_MS = 300_000;
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 288, maxLength: 288 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 0, max: 287 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (profile, days, step, scale) => {
          const nowMs = MONDAY + days * DAY_MS + step * STEP_MS;
          const samples = (todayScale: number): DemandSample[] => {
            const out: DemandSample[] = [];
            for (let atMs = MONDAY; atMs <= nowMs; atMs += STEP_MS) {
              const value = profile[((atMs - MONDAY) / STEP_MS) % 288];
              const today = atMs >= MONDAY + days * DAY_MS;
              out.push({ atMs, demandMiBps: today ? value * todayScale : value });
            }
            return out;
          };
          // Today identical to the past days: the correction is 0
          const matched = forecastZone('a', samples(1), nowMs, config);
          expect(matched.status).toBe('ok');
          expect(matched.correctionMiBps).toBe(0);
          expect(matched.forecastMiBps).toBe(matched.profileMiBps);
          // Today scaled: the forecast is at most the uncorrected one (the profile) and at least 0
          const scaled = forecastZone('a', samples(scale), nowMs, config);
          expect(scaled.forecastMiBps).toBeLessThanOrEqual(scaled.profileMiBps ?? Number.NaN);
          // The profile reads past days only, unless yesterday's window runs past midnight into today
          if (step * STEP_MS + config.leadTimeSeconds * 1000 <= DAY_MS) {
            expect(scaled.profileMiBps).toBe(matched.profileMiBps);
          }
          expect(scaled.forecastMiBps).toBeGreaterThanOrEqual(0);
          expect(scaled.correctionMiBps).toBeGreaterThanOrEqual(0);
          expect((scaled.forecastMiBps ?? 0) + (scaled.correctionMiBps ?? 0)).toBeCloseTo(
            scaled.profileMiBps ?? Number.NaN,
            6,
          );
          if (scale >= 1) expect(scaled.correctionMiBps).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('forecastFloorMiBps', () => {
  const ok = (forecastMiBps: number) =>
    ({
      zone: 'a',
      status: 'ok',
      historyHours: 48,
      forecastMiBps,
      profileMiBps: forecastMiBps,
      correctionMiBps: 0,
      errorMiBps: 0,
    }) as const;

  it('caps the floor at (1 + maxRaiseShare) x current demand', () => {
    expect(forecastFloorMiBps(ok(500), 100, config)).toBe(200);
    expect(forecastFloorMiBps(ok(500), 100, { ...config, maxRaiseShare: 0.5 })).toBe(150);
    expect(forecastFloorMiBps(ok(150), 100, config)).toBe(150);
  });

  it('is never negative and never above the cap (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (forecast, current, raise) => {
          const floor = forecastFloorMiBps(ok(forecast), current, {
            ...config,
            maxRaiseShare: raise,
          });
          expect(floor).toBeGreaterThanOrEqual(0);
          expect(floor).toBeLessThanOrEqual(current * (1 + raise) + 1e-9);
          expect(floor).toBeLessThanOrEqual(forecast + 1e-9);
        },
      ),
    );
  });

  it('is 0 without a usable forecast', () => {
    expect(forecastFloorMiBps(undefined, 100, config)).toBe(0);
  });
});

describe('forecastLeadTimeSeconds', () => {
  it('is node launch plus every serial move from the lowest to the highest level', () => {
    // 3 zones x 4 brokers, levels 1/2/4: each zone moves 3 brokers onto its 3 new nodes
    expect(
      forecastLeadTimeSeconds({
        nodeLaunchSeconds: 120,
        moveSeconds: 150,
        zones: 3,
        brokersPerZone: 4,
        balancedNodeCounts: [1, 2, 4],
      }),
    ).toBe(120 + 9 * 150);
  });
});

describe('isWeekend', () => {
  const byDate = (atMs: number) => [0, 6].includes(new Date(atMs).getUTCDay());

  it('says what Date says for any time, fractional, negative, at the edges and beyond', () => {
    const edges = [
      0,
      -0,
      -0.5,
      0.5,
      -1,
      DAY_MS - 0.5,
      -DAY_MS + 0.5,
      8.64e15,
      -8.64e15,
      8.64e15 + 1,
    ];
    for (const atMs of [...edges, NaN, Infinity, -Infinity])
      expect(isWeekend(atMs)).toBe(byDate(atMs));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: -8.7e15, max: 8.7e15, noNaN: true }),
          fc.integer({ min: -1e13, max: 1e13 }),
          fc.integer({ min: -4000, max: 4000 }).map(day => day * DAY_MS + (day % 3) - 1),
        ),
        atMs => isWeekend(atMs) === byDate(atMs),
      ),
      { numRuns: 2000 },
    );
  });

  it('names Saturday and Sunday only (a week from Monday 2024-01-01)', () => {
    const days = [0, 1, 2, 3, 4, 5, 6].map(day => isWeekend(MONDAY + day * DAY_MS + 1));
    expect(days).toEqual([false, false, false, false, false, true, true]);
  });
});
