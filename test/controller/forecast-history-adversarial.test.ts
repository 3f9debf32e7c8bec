/**
 * Adversarial review of the forecast history's merge (`mergeZoneHistory` in
 * `controller/forecast-history.ts`): a response whose two directions never share a point in time
 * (each reaches the query's end, so neither direction alone is missing or cut short) leaves the
 * merge only held samples; the zone must read `unknown`, not `ok` on samples that age by the
 * refresh. And the memory bound over three weeks of refreshes against a Prometheus keeping 1 day.
 */
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  FORECAST_REFRESH_SECONDS,
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  type RangeQuerier,
} from '../../controller/forecast-history';
import { NOW_MS, testConfig } from './fixtures';

const MIB = 1024 * 1024;
const STEP_MS = FORECAST_STEP_SECONDS * 1000;
const DAY_MS = 86_400_000;
const REFRESH_MS = FORECAST_REFRESH_SECONDS * 1000;
const config: ControllerConfig = {
  ...testConfig(),
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};
const pools = config.zones.map(zone => zone.poolName);

type Series = Awaited<ReturnType<RangeQuerier['queryRange']>>[number];

/** 40 MiB/s for `pool`, one point per step over [fromMs, toMs], shifted by `offsetMs`. */
function flat(pool: string, fromMs: number, toMs: number, offsetMs = 0): Series {
  const points: Array<{ atMs: number; value: number }> = [];
  for (let atMs = Math.ceil(fromMs / STEP_MS) * STEP_MS + offsetMs; atMs <= toMs; atMs += STEP_MS) {
    points.push({ atMs, value: 40 * MIB });
  }
  return { labels: { pool }, points };
}

describe('a response whose directions share no point in time', () => {
  it('turns the zone unknown instead of ok on held samples that age', async () => {
    // GIVEN a history known from 3 days of both directions on one grid
    let shifted = false;
    const prometheus: RangeQuerier = {
      queryRange: async (promql, _startMs, endMs) => {
        const transmit = !promql.includes('label_replace(rx,');
        return pools.map(pool =>
          flat(pool, endMs - 3 * DAY_MS, endMs, shifted && transmit ? 1 : 0),
        );
      },
    };
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    expect(history.forecasts(NOW_MS)?.map(forecast => forecast.status)).toEqual(
      config.zones.map(() => 'ok'),
    );
    // WHEN the transmit series come back 1 ms off the receive grid for 5 h of refreshes
    shifted = true;
    const laterMs = NOW_MS + 30 * REFRESH_MS;
    for (let atMs = NOW_MS + REFRESH_MS; atMs <= laterMs; atMs += REFRESH_MS) {
      await history.refresh(atMs);
    }
    // THEN the held history's newest sample is 5 h old, and every zone reads unknown, naming why
    // (it read ok on those samples before the fix)
    expect(laterMs - (history.heldHistory(config.zones[0].zone).at(-1)?.atMs ?? 0)).toBe(
      30 * REFRESH_MS,
    );
    for (const forecast of history.forecasts(laterMs) ?? []) {
      expect(forecast.status).toBe('unknown');
      expect(forecast.unknownCause).toMatch(/share no point in time/);
    }
    // AND the same grid again makes them ok
    shifted = false;
    await history.refresh(laterMs + REFRESH_MS);
    expect(history.forecasts(laterMs + REFRESH_MS)?.map(forecast => forecast.status)).toEqual(
      config.zones.map(() => 'ok'),
    );
  });
});

describe('memory over many refreshes', () => {
  it('stays within historyDays / step + 2 samples a zone against a Prometheus keeping 1 day', async () => {
    const prometheus: RangeQuerier = {
      queryRange: async (_promql, _startMs, endMs) =>
        pools.map(pool => flat(pool, endMs - DAY_MS, endMs)),
    };
    const history = new ForecastHistory(prometheus, config);
    const days = (config.forecast?.historyDays ?? 0) + 7;
    for (let atMs = NOW_MS; atMs < NOW_MS + days * DAY_MS; atMs += REFRESH_MS) {
      await history.refresh(atMs);
    }
    const bound = ((config.forecast?.historyDays ?? 0) * DAY_MS) / STEP_MS + 2;
    for (const zone of config.zones) {
      const held = history.heldHistory(zone.zone);
      expect(held.length).toBeGreaterThan(bound - 10);
      expect(held.length).toBeLessThanOrEqual(bound);
    }
  });
});

describe('what reaches the end: both directions at one point in time, not after the end', () => {
  /** Statuses after one refresh at NOW_MS against `shape`, with 3 days on the grid before. */
  async function statusesWith(
    shape: (transmit: boolean, endMs: number) => Array<{ atMs: number; value: number }>,
  ): Promise<string[]> {
    const prometheus: RangeQuerier = {
      queryRange: async (promql, _startMs, endMs) => {
        const transmit = !promql.includes('label_replace(rx,');
        return pools.map(pool => {
          const base = flat(pool, endMs - 3 * DAY_MS, endMs - 20 * 60_000);
          return { labels: { pool }, points: [...base.points, ...shape(transmit, endMs)] };
        });
      },
    };
    const history = new ForecastHistory(prometheus, config);
    await history.refresh(NOW_MS);
    return (history.forecasts(NOW_MS) ?? []).map(forecast => forecast.status);
  }
  const point = (atMs: number) => ({ atMs, value: 40 * MIB });

  it('is unknown when the directions last share a point 20 min before the end', async () => {
    // Each direction has its own point at the end (1 ms apart), so neither is cut short alone.
    expect(await statusesWith((transmit, endMs) => [point(endMs - (transmit ? 1 : 0))])).toEqual(
      config.zones.map(() => 'unknown'),
    );
    // Sharing the end, they are ok.
    expect(await statusesWith((_transmit, endMs) => [point(endMs)])).toEqual(
      config.zones.map(() => 'ok'),
    );
  });

  it('does not count a shared point after the end, nor a direction whose only recent point is after it', async () => {
    expect(
      await statusesWith((transmit, endMs) => [
        point(endMs - (transmit ? 1 : 0)),
        point(endMs + STEP_MS),
      ]),
    ).toEqual(config.zones.map(() => 'unknown'));
    expect(await statusesWith((_transmit, endMs) => [point(endMs + STEP_MS)])).toEqual(
      config.zones.map(() => 'unknown'),
    );
  });
});

describe('a Prometheus that lost a span of its data, keeping an old block', () => {
  it('keeps the held samples in the gap: the forecast stays as it was, not the oldest day alone', async () => {
    // GIVEN 10 days held, of a demand that grew by 20 MiB/s a day
    let lost = false;
    const prometheus: RangeQuerier = {
      queryRange: async (_promql, _startMs, endMs) =>
        pools.map(pool => {
          const all = flat(pool, endMs - 10 * DAY_MS, endMs).points.map(point => ({
            atMs: point.atMs,
            value: (240 + (20 * (point.atMs - NOW_MS)) / DAY_MS) * MIB,
          }));
          // Restored from an old snapshot: its first 30 min (only the oldest past window of the
          // forecast's time of day), then the last hour.
          const blockStartMs = endMs - 10 * DAY_MS;
          const points = all.filter(
            point =>
              !lost || point.atMs < blockStartMs + 30 * 60_000 || point.atMs >= endMs - 3_600_000,
          );
          return { labels: { pool }, points };
        }),
    };
    const history = new ForecastHistory(prometheus, config);
    const control = new ForecastHistory(
      { queryRange: (...args) => prometheus.queryRange(...args) },
      config,
    );
    await history.refresh(NOW_MS);
    await control.refresh(NOW_MS);
    // WHEN the next refresh gets only the old block and the last hour (the control process's
    // Prometheus lost nothing)
    lost = true;
    const laterMs = NOW_MS + REFRESH_MS;
    await history.refresh(laterMs);
    lost = false;
    await control.refresh(laterMs);
    // THEN the forecast is the one of the whole history (it was the oldest day's alone, 140 MiB/s
    // lower: the held days 1 to 9 in the gap were dropped)
    expect(history.forecasts(laterMs)).toEqual(control.forecasts(laterMs));
    expect(history.forecasts(laterMs)?.map(forecast => forecast.status)).toEqual(
      config.zones.map(() => 'ok'),
    );
  });
});
