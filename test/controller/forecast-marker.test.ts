/**
 * The forecast history marker (`controller/forecast-marker.ts`) and how `ForecastHistory` uses it:
 * after a restart, a zone whose Prometheus history is short reads as a new cluster
 * (`insufficient-history`, reactive) only when no controller held `minHistoryHours` of it within
 * `historyDays`; when one did (the marker's stamp), Prometheus lost the data and the zone is
 * `unknown` until Prometheus holds enough again, the stamp expires or the operator deletes the
 * marker. And the range query's backoff after failures (`forecastRetryDelaySeconds`).
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  FORECAST_HISTORY_MAX_AGE_SECONDS,
  FORECAST_REFRESH_SECONDS,
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  forecastRetryDelaySeconds,
  type RangeQuerier,
} from '../../controller/forecast-history';
import {
  FORECAST_MARKER_KEY,
  FORECAST_MARKER_REWRITE_SECONDS,
  decodeForecastMarker,
  encodeForecastMarker,
  markerExpiresAtMs,
} from '../../controller/forecast-marker';
import { ControllerMetrics } from '../../controller/metrics';
import { NOW_MS, testConfig } from './fixtures';
import { MemoryMarkerStore } from './memory-marker-store';

const MIB = 1024 * 1024;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const STEP_MS = FORECAST_STEP_SECONDS * 1000;
const REFRESH_MS = FORECAST_REFRESH_SECONDS * 1000;
const config: ControllerConfig = {
  ...testConfig(),
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};
const ZONES = config.zones.map(zone => zone.zone);

type Series = Awaited<ReturnType<RangeQuerier['queryRange']>>[number];

/**
 * A Prometheus holding a flat 40 MiB/s per pool from `dataSinceMs` (moved forward by a wipe) up to
 * each query's end, or failing while `down`.
 */
class WipeablePrometheus implements RangeQuerier {
  down = false;
  calls = 0;
  constructor(public dataSinceMs: number) {}

  queryRange = async (_promql: string, startMs: number, endMs: number): Promise<Series[]> => {
    this.calls++;
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:9090');
    const points: Array<{ atMs: number; value: number }> = [];
    const fromMs = Math.max(startMs, this.dataSinceMs);
    for (let atMs = Math.ceil(fromMs / STEP_MS) * STEP_MS; atMs <= endMs; atMs += STEP_MS) {
      points.push({ atMs, value: 40 * MIB });
    }
    return config.zones.map(zone => ({ labels: { pool: zone.poolName }, points }));
  };

  /** Loses every sample before `atMs` (TSDB wiped, a new instance). */
  wipe(atMs: number): void {
    this.dataSinceMs = atMs;
  }
}

function startController(
  prometheus: RangeQuerier,
  marker: MemoryMarkerStore | undefined,
  leading: () => boolean = () => true,
  markerErrors: string[] = [],
): ForecastHistory {
  return new ForecastHistory(prometheus, config, () => undefined, {
    ...(marker === undefined ? {} : { marker }),
    mayWriteMarker: leading,
    onMarkerError: (operation, error) => markerErrors.push(`${operation}: ${String(error)}`),
  });
}

async function statusesAt(history: ForecastHistory, nowMs: number): Promise<string[]> {
  await history.refresh(nowMs);
  return (history.forecasts(nowMs) ?? []).map(each => each.status);
}

const allZones = (status: string) => ZONES.map(() => status);

/** Prometheus where zone a's pool holds 3 days of history and zones b and c only the last 2 h. */
function zoneALongOthersShort(): RangeQuerier {
  return {
    queryRange: async (promql, startMs, endMs) => {
      const long = await new WipeablePrometheus(NOW_MS - 3 * DAY_MS).queryRange(
        promql,
        startMs,
        endMs,
      );
      const short = await new WipeablePrometheus(NOW_MS - 2 * HOUR_MS).queryRange(
        promql,
        startMs,
        endMs,
      );
      return [long[0], short[1], short[2]];
    },
  };
}

describe('the marker text', () => {
  it('round-trips, zones sorted', () => {
    const text = encodeForecastMarker({
      version: 1,
      zones: { 'us-east-1b': { sufficientAtMs: 2 }, 'us-east-1a': { sufficientAtMs: 1 } },
    });
    expect(text).toBe(
      '{"version":1,"zones":{"us-east-1a":{"sufficientAtMs":1},"us-east-1b":{"sufficientAtMs":2}}}',
    );
    expect(decodeForecastMarker(text)).toEqual({ marker: JSON.parse(text) });
  });

  it('throws out a value that is not a marker, naming the key, the problem and the fix', () => {
    expect(decodeForecastMarker('{')).toEqual({
      error: expect.stringMatching(
        new RegExp(
          `^${FORECAST_MARKER_KEY} is not JSON \\(.+\\); delete the ConfigMap to clear it$`,
        ),
      ),
    });
    expect(
      decodeForecastMarker('{"version":1,"zones":{"us-east-1a":{"sufficientAtMs":"yesterday"}}}'),
    ).toEqual({
      error: expect.stringMatching(
        /^forecast-history-marker\.json is not a forecast history marker \(zones\.us-east-1a\.sufficientAtMs: .+\); delete the ConfigMap to clear it$/,
      ),
    });
    expect(decodeForecastMarker('{"version":2,"zones":{}}')).toEqual({
      error: expect.stringContaining('version: '),
    });
  });

  it('a stamp expires historyDays after it, or after its first read when stamped ahead', () => {
    expect(markerExpiresAtMs(NOW_MS, 14, NOW_MS + DAY_MS)).toBe(NOW_MS + 14 * DAY_MS);
    // A stamp a year ahead of this clock holds no longer than historyDays from its first read.
    expect(markerExpiresAtMs(NOW_MS + 365 * DAY_MS, 14, NOW_MS)).toBe(NOW_MS + 14 * DAY_MS);
  });
});

describe('ForecastHistory with the marker: new cluster or lost data, after a restart', () => {
  it('a new cluster (no marker) is reactive: insufficient-history, and the marker is not read again', async () => {
    const prometheus = new WipeablePrometheus(NOW_MS - 3 * HOUR_MS);
    const marker = new MemoryMarkerStore();
    const history = startController(prometheus, marker);
    expect(await statusesAt(history, NOW_MS)).toEqual(allZones('insufficient-history'));
    expect(await statusesAt(history, NOW_MS + REFRESH_MS)).toEqual(
      allZones('insufficient-history'),
    );
    expect(marker.reads).toBe(1);
    // Nothing to stamp yet: a short history is not written
    expect(marker.writes).toBe(0);
    expect(marker.text).toBeUndefined();
  });

  it('the leader stamps the zones it holds minHistoryHours of, again only hourly; a follower never writes', async () => {
    const prometheus = new WipeablePrometheus(NOW_MS - 3 * DAY_MS);
    const marker = new MemoryMarkerStore();
    let leading = false;
    const history = startController(prometheus, marker, () => leading);
    await history.refresh(NOW_MS);
    expect(marker.writes).toBe(0);
    leading = true;
    await history.refresh(NOW_MS + REFRESH_MS);
    expect(marker.marker).toEqual({
      version: 1,
      zones: Object.fromEntries(ZONES.map(zone => [zone, { sufficientAtMs: NOW_MS + REFRESH_MS }])),
    });
    // Refreshes within the hour write nothing; the first one an hour on does
    for (let atMs = NOW_MS + 2 * REFRESH_MS; atMs <= NOW_MS + 7 * REFRESH_MS; atMs += REFRESH_MS) {
      await history.refresh(atMs);
    }
    expect(marker.writes).toBe(2);
    expect(marker.marker?.zones['us-east-1a']?.sufficientAtMs).toBe(NOW_MS + 7 * REFRESH_MS);
    expect(7 * REFRESH_MS - REFRESH_MS).toBeGreaterThanOrEqual(
      FORECAST_MARKER_REWRITE_SECONDS * 1000,
    );
  });

  it('a restart after Prometheus lost its data: unknown with the cause and the way out, until Prometheus holds minHistoryHours again', async () => {
    // GIVEN a controller that held 3 days and stamped the marker
    const prometheus = new WipeablePrometheus(NOW_MS - 3 * DAY_MS);
    const marker = new MemoryMarkerStore();
    await startController(prometheus, marker).refresh(NOW_MS);
    expect(Object.keys(marker.marker?.zones ?? {})).toEqual(ZONES);
    // WHEN Prometheus loses its data and the controller restarts 2 h later
    prometheus.wipe(NOW_MS + HOUR_MS);
    const restartMs = NOW_MS + 2 * HOUR_MS;
    const restarted = startController(prometheus, marker);
    await restarted.refresh(restartMs);
    // THEN every zone is unknown (not a new cluster), naming the marker, the stamp and the way out
    const forecasts = restarted.forecasts(restartMs) ?? [];
    expect(forecasts.map(each => each.status)).toEqual(allZones('unknown'));
    expect(forecasts[0].historyHours).toBeCloseTo(1, 0);
    expect(forecasts[0].unknownCause).toBe(
      `Prometheus holds 1 h of zone us-east-1a's demand history, less than the 24 h the forecast needs, but the forecast history marker (ConfigMap ${marker.location}) says a controller held 24 h or more of it at 2026-01-05T12:00:00.000Z: Prometheus lost data the floor relied on`,
    );
    expect(forecasts[0].unknownWayOut).toBe(
      `Prometheus holds 24 h of the zone's history again, the marker's stamp expires (2026-01-19T12:00:00.000Z), or the marker is deleted (ConfigMap ${marker.location})`,
    );
    // AND it stays unknown while Prometheus holds less than 24 h
    expect(await statusesAt(restarted, NOW_MS + 24 * HOUR_MS)).toEqual(allZones('unknown'));
    // AND once Prometheus holds 24 h again the forecast counts
    expect(await statusesAt(restarted, NOW_MS + 25 * HOUR_MS + REFRESH_MS)).toEqual(allZones('ok'));
    // The control: the same restart without a marker reads as a new cluster (the old behaviour)
    const unmarked = startController(prometheus, undefined);
    expect(await statusesAt(unmarked, restartMs)).toEqual(allZones('insufficient-history'));
  });

  it('a stamp older than historyDays no longer holds: the zone reads as new', async () => {
    const marker = new MemoryMarkerStore({
      version: 1,
      zones: { 'us-east-1a': { sufficientAtMs: NOW_MS - 14 * DAY_MS - MINUTE_MS } },
    });
    const recent = new MemoryMarkerStore({
      version: 1,
      zones: { 'us-east-1a': { sufficientAtMs: NOW_MS - 13 * DAY_MS } },
    });
    const prometheus = new WipeablePrometheus(NOW_MS - 2 * HOUR_MS);
    expect(await statusesAt(startController(prometheus, marker), NOW_MS)).toEqual(
      allZones('insufficient-history'),
    );
    // Only the stamped zone is held by a live stamp
    expect(await statusesAt(startController(prometheus, recent), NOW_MS)).toEqual([
      'unknown',
      'insufficient-history',
      'insufficient-history',
    ]);
  });

  it('the operator deleting the marker lets the zones go at the next pass (re-read while it holds)', async () => {
    const marker = new MemoryMarkerStore({
      version: 1,
      zones: Object.fromEntries(ZONES.map(zone => [zone, { sufficientAtMs: NOW_MS - DAY_MS }])),
    });
    const prometheus = new WipeablePrometheus(NOW_MS - 2 * HOUR_MS);
    const history = startController(prometheus, marker);
    expect(await statusesAt(history, NOW_MS)).toEqual(allZones('unknown'));
    marker.text = undefined;
    // 30 s later: the range query is not due, the marker is read again
    expect(await statusesAt(history, NOW_MS + 30_000)).toEqual(allZones('insufficient-history'));
    expect(marker.reads).toBe(2);
    expect(prometheus.calls).toBe(2);
  });

  it('an unreadable marker holds the short zones only, with the error; a zone with enough history counts', async () => {
    const marker = new MemoryMarkerStore();
    marker.failReads = true;
    const errors: string[] = [];
    // Zone a's pool has 3 days, b and c 2 h.
    const prometheus = zoneALongOthersShort();
    const history = startController(prometheus, marker, () => true, errors);
    await history.refresh(NOW_MS);
    const forecasts = history.forecasts(NOW_MS) ?? [];
    expect(forecasts.map(each => each.status)).toEqual(['ok', 'unknown', 'unknown']);
    expect(forecasts[1].unknownCause).toBe(
      `the forecast history marker (ConfigMap ${marker.location}) could not be read (last error: configmaps "orders-kafka-autoscaler-forecast" is forbidden), so a 2 h history of zone us-east-1b cannot be told from one Prometheus lost`,
    );
    expect(forecasts[1].unknownWayOut).toBe(
      `the marker can be read, Prometheus holds 24 h of the zone's history, or the marker is deleted (ConfigMap ${marker.location})`,
    );
    expect(errors).toEqual([
      'read: Error: configmaps "orders-kafka-autoscaler-forecast" is forbidden',
    ]);
    // Never written before a read succeeded: a stamp it did not see would be dropped
    expect(marker.writes).toBe(0);
    // WHEN the marker can be read (none there) THEN the short zones read as new, and zone a is stamped
    marker.failReads = false;
    expect(await statusesAt(history, NOW_MS + 30_000)).toEqual([
      'ok',
      'insufficient-history',
      'insufficient-history',
    ]);
    await history.refresh(NOW_MS + REFRESH_MS);
    expect(Object.keys(marker.marker?.zones ?? {})).toEqual(['us-east-1a']);
  });

  it('a marker that is not one holds the short zones with the fix in the cause', async () => {
    const marker = new MemoryMarkerStore();
    marker.text = 'not json';
    marker.read = async () => {
      marker.reads++;
      const decoded = decodeForecastMarker(marker.text ?? '');
      if ('error' in decoded) throw new Error(`ConfigMap ${marker.location}: ${decoded.error}`);
      return { marker: decoded.marker, version: marker.version };
    };
    const history = startController(new WipeablePrometheus(NOW_MS - HOUR_MS), marker);
    await history.refresh(NOW_MS);
    const cause = history.forecasts(NOW_MS)?.[0].unknownCause;
    expect(cause).toContain('forecast-history-marker.json is not JSON');
    expect(cause).toContain('delete the ConfigMap to clear it');
  });

  it('a failed marker write holds nothing and is tried again after the next refetch', async () => {
    const marker = new MemoryMarkerStore();
    marker.failWrites = true;
    const errors: string[] = [];
    const prometheus = new WipeablePrometheus(NOW_MS - 3 * DAY_MS);
    const history = startController(prometheus, marker, () => true, errors);
    expect(await statusesAt(history, NOW_MS)).toEqual(allZones('ok'));
    expect(errors).toEqual(['write: Error: etcdserver: request timed out']);
    // Not at every pass: only with the next refetch
    await history.refresh(NOW_MS + 30_000);
    expect(marker.writes).toBe(1);
    marker.failWrites = false;
    expect(await statusesAt(history, NOW_MS + REFRESH_MS)).toEqual(allZones('ok'));
    expect(marker.writes).toBe(2);
    expect(marker.marker?.zones['us-east-1c']?.sufficientAtMs).toBe(NOW_MS + REFRESH_MS);
  });

  it('a write keeps the live stamps it read for zones it does not hold enough of, drops expired ones', async () => {
    const marker = new MemoryMarkerStore({
      version: 1,
      zones: {
        'us-east-1b': { sufficientAtMs: NOW_MS - DAY_MS },
        'us-east-1c': { sufficientAtMs: NOW_MS - 15 * DAY_MS },
        'us-west-2a': { sufficientAtMs: NOW_MS - DAY_MS },
      },
    });
    // Zone a's pool has 3 days; b and c have 2 h (b held by its stamp, c's stamp expired)
    const prometheus = zoneALongOthersShort();
    const history = startController(prometheus, marker);
    expect(await statusesAt(history, NOW_MS)).toEqual(['ok', 'unknown', 'insufficient-history']);
    expect(marker.marker).toEqual({
      version: 1,
      zones: {
        'us-east-1a': { sufficientAtMs: NOW_MS },
        'us-east-1b': { sufficientAtMs: NOW_MS - DAY_MS },
      },
    });
  });

  it('a zone some process held enough history of within historyDays never reads as new after restarts and wipes (property)', async () => {
    const forecast = config.forecast;
    if (forecast === undefined) throw new Error('the floor is on in this config');
    // The marker lags the process by up to the rewrite interval plus one refresh.
    const slackMs = FORECAST_MARKER_REWRITE_SECONDS * 1000 + REFRESH_MS;
    const event = fc.oneof(
      fc.record({
        kind: fc.constant('advance' as const),
        minutes: fc.integer({ min: 1, max: 600 }),
      }),
      fc.record({
        kind: fc.constant('advance' as const),
        minutes: fc.integer({ min: 600, max: 20 * 24 * 60 }),
      }),
      fc.record({ kind: fc.constant('restart' as const) }),
      fc.record({ kind: fc.constant('wipe' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        fc.array(event, { minLength: 1, maxLength: 14 }),
        async (historyMinutes, events) => {
          let nowMs = NOW_MS;
          const prometheus = new WipeablePrometheus(nowMs - historyMinutes * MINUTE_MS);
          const marker = new MemoryMarkerStore();
          let history = startController(prometheus, marker);
          let lastSufficientMs: number | undefined;
          for (const each of [{ kind: 'advance' as const, minutes: 0 }, ...events]) {
            if (each.kind === 'advance') nowMs += each.minutes * MINUTE_MS;
            if (each.kind === 'restart') history = startController(prometheus, marker);
            if (each.kind === 'wipe') prometheus.wipe(nowMs - STEP_MS);
            await history.refresh(nowMs);
            for (const zoneForecast of history.forecasts(nowMs) ?? []) {
              if (zoneForecast.status === 'ok') lastSufficientMs = nowMs;
              if (
                zoneForecast.status === 'insufficient-history' &&
                lastSufficientMs !== undefined
              ) {
                // THEN only once every stamp of that history could have expired
                expect(nowMs - lastSufficientMs).toBeGreaterThanOrEqual(
                  forecast.historyDays * DAY_MS - slackMs,
                );
              }
              // AND the marker holds a zone only while Prometheus holds too little of it
              if (zoneForecast.unknownWayOut !== undefined) {
                expect(zoneForecast.historyHours).toBeLessThan(forecast.minHistoryHours);
              }
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('the range query backs off after failures', () => {
  it('waits the pass interval, doubling, up to the refresh interval', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(n => forecastRetryDelaySeconds(n, 30))).toEqual([
      0, 30, 60, 120, 240, 480, 600, 600,
    ]);
    expect(forecastRetryDelaySeconds(1, 900)).toBe(FORECAST_REFRESH_SECONDS);
  });

  it('an hour of failures at 30 s passes sends 10 range queries instead of 120; a success resets it', async () => {
    const prometheus = new WipeablePrometheus(NOW_MS - 3 * DAY_MS);
    prometheus.down = true;
    const history = startController(prometheus, undefined);
    const attemptsAt: number[] = [];
    for (let atMs = NOW_MS; atMs < NOW_MS + HOUR_MS; atMs += 30_000) {
      const before = prometheus.calls;
      await history.refresh(atMs);
      if (prometheus.calls > before) attemptsAt.push((atMs - NOW_MS) / 1000);
    }
    // Two range queries (one per direction) per attempt
    expect(attemptsAt).toEqual([0, 30, 90, 210, 450, 930, 1530, 2130, 2730, 3330]);
    expect(history.refreshState()).toEqual({ consecutiveFailures: 10, retryDelaySeconds: 600 });
    // WHEN Prometheus answers at the next attempt THEN the backoff is gone
    prometheus.down = false;
    await history.refresh(NOW_MS + 3930_000);
    expect(history.refreshState()).toEqual({ consecutiveFailures: 0, retryDelaySeconds: 0 });
    expect((history.forecasts(NOW_MS + 3930_000) ?? []).map(each => each.status)).toEqual(
      allZones('ok'),
    );
  });

  it('the history still turns unknown once the last success is too old, backoff or not', async () => {
    const prometheus = new WipeablePrometheus(NOW_MS - 3 * DAY_MS);
    const history = startController(prometheus, undefined);
    await history.refresh(NOW_MS);
    prometheus.down = true;
    const maxAgeMs = FORECAST_HISTORY_MAX_AGE_SECONDS * 1000;
    let atMs = NOW_MS;
    for (; atMs <= NOW_MS + maxAgeMs; atMs += 30_000) await history.refresh(atMs);
    expect((history.forecasts(atMs) ?? []).map(each => each.status)).toEqual(allZones('unknown'));
  });

  it('a clock stepped back refetches at once, whatever the backoff', async () => {
    const prometheus = new WipeablePrometheus(NOW_MS - 3 * DAY_MS);
    prometheus.down = true;
    const history = startController(prometheus, undefined);
    for (let atMs = NOW_MS; atMs < NOW_MS + HOUR_MS; atMs += 30_000) await history.refresh(atMs);
    expect(history.refreshState().retryDelaySeconds).toBe(600);
    const before = prometheus.calls;
    prometheus.down = false;
    // The clock steps back 10 minutes, behind the last attempt
    const steppedMs = NOW_MS + HOUR_MS - 10 * MINUTE_MS;
    await history.refresh(steppedMs);
    expect(prometheus.calls).toBe(before + 2);
    expect((history.forecasts(steppedMs) ?? []).map(each => each.status)).toEqual(allZones('ok'));
  });

  it('the gauges show the failures and the wait', async () => {
    const metrics = new ControllerMetrics({ defaultMetrics: false, forecastFloor: true });
    metrics.setForecastRefreshState({ consecutiveFailures: 3, retryDelaySeconds: 120 });
    metrics.recordForecastMarkerError('write');
    metrics.recordForecastMarkerError('conflict');
    const text = await metrics.text();
    expect(text).toContain('kafka_autoscaler_forecast_history_failures 3');
    expect(text).toContain('kafka_autoscaler_forecast_history_retry_delay_seconds 120');
    expect(text).toContain('kafka_autoscaler_forecast_marker_errors_total{operation="write"} 1');
    expect(text).toContain('kafka_autoscaler_forecast_marker_errors_total{operation="conflict"} 1');
  });
});
