/**
 * Adversarial review of the forecast history marker (`controller/forecast-marker.ts`,
 * `ForecastHistory`): faults found by fault injection, each reproduced here.
 * - A stamp dated after the reading process's clock was written back as read, so every restart
 *   within `historyDays` counted it from its own first read again: the stamp never expired.
 * - A stamp beyond the range of a JavaScript Date passed the schema and made `forecasts` throw
 *   (every pass failed, scale-out included) instead of reading as a marker that is not one.
 * - A write after a failed re-read wrote back the stamps of the last successful read, undoing the
 *   operator's deletion of the marker (the documented way out).
 * - A write replaced the marker with the stamps of the process's last read (at its start, for a
 *   follower that takes the lead): a stamp another process wrote since was dropped.
 * - The marker held a zone only while its history spanned less than `minHistoryHours`: after a
 *   restart onto a Prometheus that kept a block of old data and the last hours, the forecast had no
 *   sample in its past windows (`insufficient-history`, the floor ignored) and the zone read as new.
 * - A clock stepped back (history now under `minHistoryHours`) holds a zone by the process's own
 *   stamp (conservative, and only until the clock catches up); deleting the marker let it go, but
 *   the next refetch wrote the process's own stamp back and held it again.
 * - A failed re-read right before a write, with no zone held (so nothing read the marker again),
 *   stopped every later write of the process: the read error was never cleared.
 */
import type { ControllerConfig } from '../../controller/config';
import {
  decide,
  INITIAL_MEMORY,
  removalContext,
  startOperation,
  type Observed,
} from '../../controller/decide';
import { DEFAULT_FORECAST, type ZoneForecast } from '../../controller/forecast';
import {
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  type RangeQuerier,
} from '../../controller/forecast-history';
import { decodeForecastMarker } from '../../controller/forecast-marker';
import {
  healthyCluster,
  NOW_MS,
  SCALE_IN_NODE_A1,
  STEP_CONTEXT,
  testConfig,
  withNode,
} from './fixtures';
import { MemoryMarkerStore } from './memory-marker-store';

const MIB = 1024 * 1024;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const STEP_MS = FORECAST_STEP_SECONDS * 1000;

const config: ControllerConfig = {
  ...testConfig(),
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};
const [ZONE_A] = config.zones.map(zone => zone.zone);

type Series = Awaited<ReturnType<RangeQuerier['queryRange']>>[number];

/**
 * A Prometheus holding a flat 40 MiB/s per pool up to each query's end: the first zone's pool from
 * `shortSinceMs` (moved along to stay short), the others from 3 days before NOW_MS.
 */
function prometheus(shortFor: () => number): RangeQuerier {
  return {
    queryRange: async (_promql, startMs, endMs): Promise<Series[]> =>
      config.zones.map((zone, index) => {
        const sinceMs = index === 0 ? endMs - shortFor() : NOW_MS - 3 * DAY_MS;
        const points: Array<{ atMs: number; value: number }> = [];
        for (
          let atMs = Math.ceil(Math.max(startMs, sinceMs) / STEP_MS) * STEP_MS;
          atMs <= endMs;
          atMs += STEP_MS
        ) {
          points.push({ atMs, value: 40 * MIB });
        }
        return { labels: { pool: zone.poolName }, points };
      }),
  };
}

function start(marker: MemoryMarkerStore, query: RangeQuerier): ForecastHistory {
  return new ForecastHistory(query, config, () => undefined, {
    marker,
    mayWriteMarker: () => true,
    onMarkerError: () => undefined,
  });
}

async function statusOfA(history: ForecastHistory, nowMs: number): Promise<string | undefined> {
  await history.refresh(nowMs);
  return history.forecasts(nowMs)?.[0]?.status;
}

describe('forecast marker review', () => {
  it('a stamp dated ahead of the clock expires historyDays after its first read, restarts or not', async () => {
    // GIVEN a marker stamped a year ahead (a clock that ran ahead), zone a's Prometheus history
    // short (2 h, kept short), the other zones long (so the leader writes the marker)
    const marker = new MemoryMarkerStore({
      version: 1,
      zones: { [ZONE_A as string]: { sufficientAtMs: NOW_MS + 365 * DAY_MS } },
    });
    const query = prometheus(() => 2 * HOUR_MS);
    expect(await statusOfA(start(marker, query), NOW_MS)).toBe('unknown');
    // WHEN the controller restarts every 13 days
    for (let day = 13; day <= 39; day += 13)
      await start(marker, query).refresh(NOW_MS + day * DAY_MS);
    // THEN after a restart on day 40 the stamp no longer holds zone a: it expired 14 days after it
    // was first read
    expect(await statusOfA(start(marker, query), NOW_MS + 40 * DAY_MS)).toBe(
      'insufficient-history',
    );
    // AND no stamp ahead of the writer's clock is written back
    for (const entry of Object.values(marker.marker?.zones ?? {})) {
      expect(entry.sufficientAtMs).toBeLessThanOrEqual(NOW_MS + 40 * DAY_MS);
    }
  });

  it('a stamp beyond the range of a date is not a marker: the short zones are held with the fix, nothing throws', async () => {
    const text = `{"version":1,"zones":{"${ZONE_A}":{"sufficientAtMs":8700000000000000}}}`;
    expect(decodeForecastMarker(text)).toEqual({
      error: expect.stringContaining('zones.us-east-1a.sufficientAtMs'),
    });
    const marker = new MemoryMarkerStore();
    marker.text = text;
    const history = start(
      marker,
      prometheus(() => 2 * HOUR_MS),
    );
    await history.refresh(NOW_MS);
    const forecasts = history.forecasts(NOW_MS) ?? [];
    expect(forecasts.map(each => each.status)).toEqual(['unknown', 'ok', 'ok']);
    expect(forecasts[0]?.unknownCause).toContain('delete the ConfigMap to clear it');
  });

  it('a write after a failed re-read does not bring back a marker the operator deleted', async () => {
    // GIVEN zone a held by a live stamp, the leader stamping zones b and c
    const marker = new MemoryMarkerStore({
      version: 1,
      zones: { [ZONE_A as string]: { sufficientAtMs: NOW_MS - DAY_MS } },
    });
    const history = start(
      marker,
      prometheus(() => 2 * HOUR_MS),
    );
    expect(await statusOfA(history, NOW_MS)).toBe('unknown');
    expect(Object.keys(marker.marker?.zones ?? {})).toHaveLength(3);
    // WHEN the operator deletes the marker, and the re-read at the next refetch fails
    marker.text = undefined;
    marker.failReads = true;
    await history.refresh(NOW_MS + 2 * HOUR_MS);
    marker.failReads = false;
    // THEN zone a's stamp is not written back, and zone a is let go once a read succeeds
    expect(marker.marker?.zones[ZONE_A as string]).toBeUndefined();
    expect(await statusOfA(history, NOW_MS + 2 * HOUR_MS + 30_000)).toBe('insufficient-history');
  });

  it('a leader writing after another process wrote does not drop the stamp it wrote', async () => {
    // GIVEN process B (a follower) started on a marker without a stamp for zone a, zone a's
    // history short for it, b and c long
    const marker = new MemoryMarkerStore();
    let bLeads = false;
    const b = new ForecastHistory(
      prometheus(() => 2 * HOUR_MS),
      config,
      () => undefined,
      {
        marker,
        mayWriteMarker: () => bLeads,
      },
    );
    expect(await statusOfA(b, NOW_MS)).toBe('insufficient-history');
    // AND then the leader (a process that held zone a's history longer) stamped zone a
    marker.text = `{"version":1,"zones":{"${ZONE_A}":{"sufficientAtMs":${NOW_MS + HOUR_MS}}}}`;
    // WHEN B takes the lead and writes its own stamps
    bLeads = true;
    await b.refresh(NOW_MS + 2 * HOUR_MS);
    expect(marker.marker?.zones['us-east-1b']?.sufficientAtMs).toBe(NOW_MS + 2 * HOUR_MS);
    // THEN the other process's stamp for zone a is kept
    expect(marker.marker?.zones[ZONE_A as string]?.sufficientAtMs).toBe(NOW_MS + HOUR_MS);
  });

  it('a restart onto a Prometheus that kept only a block of old data and the last hours is held, not reactive', async () => {
    // GIVEN a controller that held 3 days of every zone and stamped the marker
    const marker = new MemoryMarkerStore();
    const full = prometheus(() => 3 * DAY_MS);
    expect(await statusOfA(start(marker, full), NOW_MS)).toBe('ok');
    // WHEN Prometheus loses all but an hour of data 30 h back and the last hour (blocks lost),
    // and the controller restarts
    const restartMs = NOW_MS + 2 * HOUR_MS;
    const kept = (atMs: number) =>
      (atMs >= restartMs - 30 * HOUR_MS && atMs < restartMs - 29 * HOUR_MS) ||
      atMs >= restartMs - HOUR_MS;
    const gappy: RangeQuerier = {
      queryRange: async (promql, startMs, endMs, step) =>
        (await full.queryRange(promql, startMs, endMs, step)).map(series => ({
          ...series,
          points: series.points.filter(point => kept(point.atMs)),
        })),
    };
    const restarted = start(marker, gappy);
    await restarted.refresh(restartMs);
    const forecasts = restarted.forecasts(restartMs) ?? [];
    // THEN the history spans 30 h but holds nothing in the forecast's past windows: without the
    // marker the zones read as new (the floor ignored) ...
    const unmarked = new ForecastHistory(gappy, config, () => undefined);
    await unmarked.refresh(restartMs);
    expect(unmarked.forecasts(restartMs)?.map(each => each.status)).toEqual([
      'insufficient-history',
      'insufficient-history',
      'insufficient-history',
    ]);
    // ... and the marker's stamp holds them: Prometheus lost the data the floor relied on
    expect(forecasts.map(each => each.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(forecasts[0]?.unknownCause).toContain('none of it in the forecast');
    expect(forecasts[0]?.unknownWayOut).toContain('the marker is deleted');
    // AND deleting the marker lets them go for good: the process does not write back a stamp of
    // its own for zones whose forecast never counted in it
    marker.text = undefined;
    for (let atMs = restartMs + 30_000; atMs < restartMs + 3 * HOUR_MS; atMs += 10 * 60_000) {
      await restarted.refresh(atMs);
      expect(restarted.forecasts(atMs)?.map(each => each.status)).toEqual([
        'insufficient-history',
        'insufficient-history',
        'insufficient-history',
      ]);
    }
  });

  it('a failed read right before a write skips the write (no stamp another process wrote is dropped)', async () => {
    const marker = new MemoryMarkerStore();
    let bLeads = false;
    const b = new ForecastHistory(
      prometheus(() => 2 * HOUR_MS),
      config,
      () => undefined,
      {
        marker,
        mayWriteMarker: () => bLeads,
      },
    );
    await b.refresh(NOW_MS);
    marker.text = `{"version":1,"zones":{"${ZONE_A}":{"sufficientAtMs":${NOW_MS + HOUR_MS}}}}`;
    bLeads = true;
    marker.failReads = true;
    await b.refresh(NOW_MS + 2 * HOUR_MS);
    expect(marker.writes).toBe(0);
    expect(marker.marker?.zones[ZONE_A as string]?.sufficientAtMs).toBe(NOW_MS + HOUR_MS);
  });

  it('a failed re-read before a write does not stop later writes (read again before the next one)', async () => {
    // GIVEN a leader whose zones all have 3 days of history: it creates the marker
    const marker = new MemoryMarkerStore();
    const history = start(
      marker,
      prometheus(() => 3 * DAY_MS),
    );
    await history.refresh(NOW_MS);
    expect(marker.writes).toBe(1);
    // WHEN the re-read before the hourly rewrite fails: no write
    marker.failReads = true;
    await history.refresh(NOW_MS + HOUR_MS);
    expect(marker.writes).toBe(1);
    // THEN once reads work, the next refetch reads the marker again and writes it
    marker.failReads = false;
    const laterMs = NOW_MS + HOUR_MS + 10 * 60_000;
    await history.refresh(laterMs);
    expect(marker.writes).toBe(2);
    expect(Object.values(marker.marker?.zones ?? {})).toEqual(
      config.zones.map(() => ({ sufficientAtMs: laterMs })),
    );
  });

  it('a stamp holds until exactly historyDays after it', async () => {
    const statusWith = async (sufficientAtMs: number) => {
      const marker = new MemoryMarkerStore({
        version: 1,
        zones: { [ZONE_A as string]: { sufficientAtMs } },
      });
      // A follower, so that no write of its own drops an expired stamp first.
      const follower = new ForecastHistory(
        prometheus(() => 2 * HOUR_MS),
        config,
        () => undefined,
        {
          marker,
          mayWriteMarker: () => false,
        },
      );
      return statusOfA(follower, NOW_MS);
    };
    expect(await statusWith(NOW_MS - 14 * DAY_MS + 1)).toBe('unknown');
    expect(await statusWith(NOW_MS - 14 * DAY_MS)).toBe('insufficient-history');
  });

  it('a negative stamp is not a marker', () => {
    expect(
      decodeForecastMarker(`{"version":1,"zones":{"${ZONE_A}":{"sufficientAtMs":-1}}}`),
    ).toEqual({ error: expect.stringContaining('zones.us-east-1a.sufficientAtMs') });
  });

  it("the marker's way out reaches the plan and a removal's wait note; the default one is left out", () => {
    const noWindow: ControllerConfig = { ...config, scaleInStabilizationSeconds: 0 };
    const record = startOperation(SCALE_IN_NODE_A1, {
      nowMs: NOW_MS,
      fencingToken: STEP_CONTEXT.fencingToken,
      holder: STEP_CONTEXT.holder,
      id: 'op-1',
    });
    const removing = withNode(
      healthyCluster(noWindow, { nodesPerZone: 2, demandMiBps: 30 }),
      'node-a-1',
      node => ({ ...node, unschedulable: true, operation: { ...record, phase: 'drain' as const } }),
    );
    const wayOut = 'the marker is deleted (ConfigMap ns/x)';
    const observed: Observed = {
      ...removing,
      forecast: config.zones.map((zone, index): ZoneForecast => ({
        zone: zone.zone,
        status: 'unknown',
        unknownCause: 'lost',
        ...(index === 0 ? { unknownWayOut: wayOut } : {}),
        historyHours: 1,
        forecastMiBps: undefined,
        profileMiBps: undefined,
        correctionMiBps: undefined,
        errorMiBps: undefined,
      })),
    };
    const plan = decide(observed, noWindow, INITIAL_MEMORY);
    expect(plan.zones[0]?.forecastUnknownWayOut).toBe(wayOut);
    expect(plan.zones[1]).not.toHaveProperty('forecastUnknownWayOut');
    expect(removalContext(plan, ZONE_A as string).removalWaitReason).toContain(
      `the removal waits until ${wayOut}, or autoscaling.forecast is turned off`,
    );
  });

  it('a marker holding no zone is not read again at every pass (zones whose forecast counts)', async () => {
    const marker = new MemoryMarkerStore({
      version: 1,
      zones: Object.fromEntries(
        config.zones.map(zone => [zone.zone, { sufficientAtMs: NOW_MS - HOUR_MS }]),
      ),
    });
    const follower = new ForecastHistory(
      prometheus(() => 3 * DAY_MS),
      config,
      () => undefined,
      {
        marker,
        mayWriteMarker: () => false,
      },
    );
    for (let atMs = NOW_MS; atMs < NOW_MS + 30 * 60_000; atMs += 30_000) {
      expect(await statusOfA(follower, atMs)).toBe('ok');
    }
    expect(marker.reads).toBe(1);
  });

  it("a deleted marker stays deleted when a clock stepped back holds a zone by the process's own stamp", async () => {
    // GIVEN a Prometheus holding every zone from 24.5 h before NOW_MS, and a process whose
    // forecast counts there and that stamped the marker
    const sinceMs = NOW_MS - 24.5 * HOUR_MS;
    const fixed: RangeQuerier = {
      queryRange: async (promql, startMs, endMs, step) =>
        (await prometheus(() => 3 * DAY_MS).queryRange(promql, startMs, endMs, step)).map(
          series => ({ ...series, points: series.points.filter(point => point.atMs >= sinceMs) }),
        ),
    };
    const marker = new MemoryMarkerStore();
    const history = start(marker, fixed);
    expect(await statusOfA(history, NOW_MS)).toBe('ok');
    // WHEN its clock steps back an hour (23.5 h of history: held by its own stamp)
    const backMs = NOW_MS - HOUR_MS;
    expect(await statusOfA(history, backMs)).toBe('unknown');
    // AND the operator deletes the marker
    marker.text = undefined;
    expect(await statusOfA(history, backMs + 30_000)).toBe('insufficient-history');
    // THEN the next refetches do not write the process's own stamp back while its forecast does
    // not count, and the zones stay let go
    for (let atMs = backMs + 10 * 60_000; atMs < NOW_MS - 30 * 60_000; atMs += 10 * 60_000) {
      expect(await statusOfA(history, atMs)).toBe('insufficient-history');
    }
    expect(marker.text).toBeUndefined();
    // AND once its forecast counts again it stamps the zones again
    expect(await statusOfA(history, NOW_MS)).toBe('ok');
    expect(Object.keys(marker.marker?.zones ?? {})).toHaveLength(3);
  });
});
