/**
 * The forecast history marker's writes against writers racing them (`ForecastMarkerStore.write`'s
 * optimistic concurrency, as `ForecastHistory` uses it): another replica's write, the operator's
 * delete or another process's create landing between a process's read of the marker and its write.
 * Each write that raced must lose (`conflict`: nothing written, counted, the marker read again at
 * the next refresh), so no stamp another process wrote is dropped and no deleted marker is written
 * back. Before the store took the read's version, each of these writes replaced what the racer
 * left. The marker is the in-memory stand-in (memory-marker-store.ts); the adapter's answers to the
 * same races are checked against a real kube-apiserver in test/cluster/adapter-scenarios.ts.
 */
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  FORECAST_REFRESH_SECONDS,
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  type RangeQuerier,
} from '../../controller/forecast-history';
import { encodeForecastMarker } from '../../controller/forecast-marker';
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
const zones = config.zones.map(zone => zone.zone);
const [ZONE_A = '', ...OTHERS] = zones;

type Series = Awaited<ReturnType<RangeQuerier['queryRange']>>[number];

/** 40 MiB/s per pool up to each query's end: zone A's pool for the last 2 h, the others 3 days. */
const prometheus: RangeQuerier = {
  queryRange: async (_promql, startMs, endMs): Promise<Series[]> =>
    config.zones.map((zone, index) => {
      const sinceMs = index === 0 ? endMs - 2 * HOUR_MS : NOW_MS - 3 * DAY_MS;
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

function leader(marker: MemoryMarkerStore, events: string[]): ForecastHistory {
  return new ForecastHistory(prometheus, config, () => undefined, {
    marker,
    mayWriteMarker: () => true,
    onMarkerError: (operation, error) => events.push(`${operation}: ${String(error)}`),
    onMarkerConflict: () => events.push('conflict'),
  });
}

const statusOfA = (history: ForecastHistory, nowMs: number) =>
  history.forecasts(nowMs)?.find(each => each.zone === ZONE_A)?.status;

describe('forecast marker writes racing other writers', () => {
  it("another replica's stamp written between the read and the write is not dropped", async () => {
    const marker = new MemoryMarkerStore();
    const events: string[] = [];
    const history = leader(marker, events);
    // GIVEN the leader created the marker with its own stamps (zone A's history is short)
    await history.refresh(NOW_MS);
    expect(Object.keys(marker.marker?.zones ?? {})).toEqual(OTHERS);
    // WHEN, an hour on (a rewrite due), another replica writes a stamp for zone A (it held a day
    // of A's history) between the leader's read and its write
    const t1 = NOW_MS + HOUR_MS;
    const racer = encodeForecastMarker({
      version: 1,
      zones: { [ZONE_A]: { sufficientAtMs: t1 - 5 * MINUTE_MS } },
    });
    marker.beforeWrite = () => {
      marker.text = racer;
    };
    await history.refresh(t1);
    // THEN the leader's write lost: the other stamp stands, counted as a conflict, not an error
    expect(marker.text).toBe(racer);
    expect(events).toEqual(['conflict']);
    // AND the marker is read again at the next refresh: zone A is held by the other's stamp
    const reads = marker.reads;
    await history.refresh(t1 + MINUTE_MS);
    expect(marker.reads).toBe(reads + 1);
    expect(statusOfA(history, t1 + MINUTE_MS)).toBe('unknown');
    // AND the next write keeps it beside the leader's own stamps
    const t2 = t1 + REFRESH_MS;
    await history.refresh(t2);
    expect(marker.marker?.zones).toEqual({
      [ZONE_A]: { sufficientAtMs: t1 - 5 * MINUTE_MS },
      ...Object.fromEntries(OTHERS.map(zone => [zone, { sufficientAtMs: t2 }])),
    });
    expect(events).toEqual(['conflict']);
  });

  it('a marker the operator deletes between the read and the write stays deleted', async () => {
    // GIVEN a marker holding zone A (another process held a day of it an hour ago)
    const marker = new MemoryMarkerStore({
      version: 1,
      zones: { [ZONE_A]: { sufficientAtMs: NOW_MS - HOUR_MS } },
    });
    const events: string[] = [];
    const history = leader(marker, events);
    // WHEN the operator deletes it between the leader's read and its write
    marker.beforeWrite = () => {
      marker.text = undefined;
    };
    await history.refresh(NOW_MS);
    // THEN the write lost: the marker stays deleted
    expect(marker.writes).toBe(1);
    expect(marker.text).toBeUndefined();
    expect(events).toEqual(['conflict']);
    // AND the next pass reads it again and lets zone A go (the way out)
    await history.refresh(NOW_MS + MINUTE_MS);
    expect(statusOfA(history, NOW_MS + MINUTE_MS)).toBe('insufficient-history');
    expect(marker.text).toBeUndefined();
    // AND the next write (a create) holds only stamps counted since, never zone A's
    await history.refresh(NOW_MS + REFRESH_MS);
    expect(Object.keys(marker.marker?.zones ?? {})).toEqual(OTHERS);
    expect(events).toEqual(['conflict']);
  });

  it('a create racing a create loses, and the first stamp stands', async () => {
    const marker = new MemoryMarkerStore();
    const events: string[] = [];
    const history = leader(marker, events);
    // WHEN another process creates the marker between this one's read (none) and its create
    const racer = encodeForecastMarker({
      version: 1,
      zones: { [ZONE_A]: { sufficientAtMs: NOW_MS - MINUTE_MS } },
    });
    marker.beforeWrite = () => {
      marker.text = racer;
    };
    await history.refresh(NOW_MS);
    // THEN the create lost, and the other's marker stands
    expect(marker.text).toBe(racer);
    expect(events).toEqual(['conflict']);
    // AND after the re-read zone A is held, and the next write keeps its stamp
    await history.refresh(NOW_MS + MINUTE_MS);
    expect(statusOfA(history, NOW_MS + MINUTE_MS)).toBe('unknown');
    await history.refresh(NOW_MS + REFRESH_MS);
    expect(marker.marker?.zones[ZONE_A]).toEqual({ sufficientAtMs: NOW_MS - MINUTE_MS });
    expect(Object.keys(marker.marker?.zones ?? {}).sort()).toEqual([...zones].sort());
  });

  it('after a conflict the marker is read once, not at every pass', async () => {
    const marker = new MemoryMarkerStore();
    const events: string[] = [];
    const process = leader(marker, events);
    // GIVEN a create that lost to another process's marker holding no zone this one lacks
    const racer = encodeForecastMarker({
      version: 1,
      zones: Object.fromEntries(OTHERS.map(zone => [zone, { sufficientAtMs: NOW_MS - MINUTE_MS }])),
    });
    marker.beforeWrite = () => {
      marker.text = racer;
    };
    await process.refresh(NOW_MS);
    expect(events).toEqual(['conflict']);
    // THEN the next pass reads it again, and the passes after it do not
    const reads = marker.reads;
    await process.refresh(NOW_MS + MINUTE_MS);
    expect(marker.reads).toBe(reads + 1);
    await process.refresh(NOW_MS + 2 * MINUTE_MS);
    await process.refresh(NOW_MS + 3 * MINUTE_MS);
    expect(marker.reads).toBe(reads + 1);
  });
});
