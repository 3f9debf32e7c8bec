/**
 * A property over two controller replicas sharing one forecast history marker (the ConfigMap; in
 * memory here), each with its own `ForecastHistory` and clock offset, the lease moving between them,
 * restarts, Prometheus wipes, the operator deleting the marker, marker reads and writes failing,
 * clocks stepping, and another writer (a third process, or the operator's delete) racing a write:
 * landing between a replica's read of the marker and its write. It checks the ways out the docs
 * name, and the writes' optimistic concurrency:
 * - the operator deleting the marker (while it can be read) lets the leader's marker holds go at
 *   once;
 * - no stamp is ever stored later than the latest clock of a replica (a stamp cannot outlive its
 *   `historyDays` by being carried forward);
 * - once Prometheus holds a day of history again and the marker can be read, no zone is held, and
 *   the marker holds a stamp for every zone (a write that lost a race is made again);
 * - a write that raced another writer loses: what the racer left stands (no stamp dropped, no
 *   deleted marker written back);
 * - no stamp another writer stored is dropped by a later write while it is live at every clock
 *   (only a delete, or a later stamp, replaces it).
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
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
const config: ControllerConfig = {
  ...testConfig(),
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};

type Series = Awaited<ReturnType<RangeQuerier['queryRange']>>[number];

/** A flat 40 MiB/s per pool from `sinceMs` (moved on by a wipe) up to each query's end. */
class WipeablePrometheus implements RangeQuerier {
  constructor(public sinceMs: number) {}
  queryRange = async (_promql: string, startMs: number, endMs: number): Promise<Series[]> => {
    const points: Array<{ atMs: number; value: number }> = [];
    const fromMs = Math.max(startMs, this.sinceMs);
    for (let atMs = Math.ceil(fromMs / STEP_MS) * STEP_MS; atMs <= endMs; atMs += STEP_MS) {
      points.push({ atMs, value: 40 * MIB });
    }
    return config.zones.map(zone => ({ labels: { pool: zone.poolName }, points }));
  };
}

type Event =
  | { readonly kind: 'advance'; readonly minutes: number }
  | { readonly kind: 'restart'; readonly replica: number }
  | { readonly kind: 'wipe' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'marker-fails'; readonly fails: boolean }
  | { readonly kind: 'lease'; readonly replica: number }
  | { readonly kind: 'clock'; readonly replica: number; readonly offsetMinutes: number }
  | {
      readonly kind: 'race';
      readonly action: 'delete' | 'stamp';
      readonly zone: number;
      readonly hoursAgo: number;
    };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 120 }) }),
  fc.record({
    kind: fc.constant('advance' as const),
    minutes: fc.integer({ min: 120, max: 4 * 24 * 60 }),
  }),
  fc.record({ kind: fc.constant('restart' as const), replica: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ kind: fc.constant('wipe' as const) }),
  fc.record({ kind: fc.constant('delete' as const) }),
  fc.record({ kind: fc.constant('marker-fails' as const), fails: fc.boolean() }),
  fc.record({ kind: fc.constant('lease' as const), replica: fc.integer({ min: 0, max: 1 }) }),
  fc.record({
    kind: fc.constant('clock' as const),
    replica: fc.integer({ min: 0, max: 1 }),
    offsetMinutes: fc.integer({ min: -180, max: 180 }),
  }),
  fc.record({
    kind: fc.constant('race' as const),
    action: fc.constantFrom('delete' as const, 'stamp' as const),
    zone: fc.nat({ max: 2 }),
    // Older than any replica's clock (offsets are at most 3 h): read as dated, not as of its read.
    hoursAgo: fc.integer({ min: 4, max: 12 * 24 }),
  }),
);

interface Replica {
  history: ForecastHistory;
  offsetMs: number;
}

describe('two replicas sharing the forecast history marker (property)', () => {
  it('a deleted marker lets the leader go, no stamp is carried past the clocks or dropped by a racing write, and every hold ends', async () => {
    let races = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        fc.array(eventArb, { minLength: 1, maxLength: 20 }),
        async (historyMinutes, events) => {
          let worldMs = NOW_MS;
          const prometheus = new WipeablePrometheus(worldMs - historyMinutes * MINUTE_MS);
          const marker = new MemoryMarkerStore();
          let leader = 0;
          const newHistory = (index: number) =>
            new ForecastHistory(prometheus, config, () => undefined, {
              marker,
              mayWriteMarker: () => leader === index,
            });
          const replicas: Replica[] = [0, 1].map(index => ({
            history: newHistory(index),
            offsetMs: 0,
          }));
          let latestClockMs = worldMs;
          /** Stamps another writer stored, per zone: none may be dropped while live. */
          const foreign = new Map<string, number>();
          /** What a racer left in the store at its last race, until a pass checks it. */
          let raced: { text: string | undefined } | undefined;
          const storedZones = () =>
            (marker.text === undefined ? undefined : marker.marker)?.zones ?? {};
          const pass = async () => {
            const conflictsBefore = marker.conflicts;
            for (const replica of replicas) {
              const nowMs = worldMs + replica.offsetMs;
              latestClockMs = Math.max(latestClockMs, nowMs);
              await replica.history.refresh(nowMs);
            }
            // A write that raced another writer lost: what the racer left stands (only the leader
            // writes, once a pass, so nothing else wrote after it in this pass).
            if (raced !== undefined) {
              expect(marker.conflicts).toBe(conflictsBefore + 1);
              expect(marker.text).toBe(raced.text);
              raced = undefined;
            }
            // No stamp another writer stored is dropped while it is live at every replica's clock.
            for (const [zone, stamp] of foreign) {
              if (worldMs + 3 * HOUR_MS >= stamp + config.forecast!.historyDays * DAY_MS) continue;
              expect(storedZones()[zone]?.sufficientAtMs ?? -1).toBeGreaterThanOrEqual(stamp);
            }
            // No stamp later than the latest clock of a replica.
            for (const entry of Object.values(
              (marker.text === undefined ? undefined : marker.marker)?.zones ?? {},
            )) {
              expect(entry.sufficientAtMs).toBeLessThanOrEqual(latestClockMs);
            }
          };
          const leaderHolds = () => {
            const replica = replicas[leader] as Replica;
            return (replica.history.forecasts(worldMs + replica.offsetMs) ?? []).filter(
              each => each.unknownWayOut !== undefined,
            );
          };
          await pass();
          for (const event of events) {
            if (event.kind === 'advance') worldMs += event.minutes * MINUTE_MS;
            if (event.kind === 'restart') {
              (replicas[event.replica] as Replica).history = newHistory(event.replica);
            }
            if (event.kind === 'wipe') prometheus.sinceMs = worldMs - STEP_MS;
            if (event.kind === 'marker-fails') {
              marker.failReads = event.fails;
              marker.failWrites = event.fails;
            }
            if (event.kind === 'lease') leader = event.replica;
            if (event.kind === 'clock') {
              (replicas[event.replica] as Replica).offsetMs = event.offsetMinutes * MINUTE_MS;
            }
            if (event.kind === 'delete') {
              marker.text = undefined;
              foreign.clear();
            }
            if (event.kind === 'race') {
              // Another writer acts inside the next write, between its read and its version check.
              const zone = config.zones[event.zone % config.zones.length]?.zone as string;
              const stamp = worldMs - event.hoursAgo * HOUR_MS;
              marker.beforeWrite = () => {
                if (event.action === 'delete') {
                  // Deleting a marker that does not exist changes nothing: no race.
                  if (marker.text === undefined) return;
                  marker.text = undefined;
                  foreign.clear();
                } else {
                  const zones = { ...storedZones() };
                  zones[zone] = {
                    sufficientAtMs: Math.max(stamp, zones[zone]?.sufficientAtMs ?? -1),
                  };
                  marker.text = encodeForecastMarker({ version: 1, zones });
                  foreign.set(zone, Math.max(stamp, foreign.get(zone) ?? -1));
                }
                raced = { text: marker.text };
                races++;
              };
            }
            await pass();
            // THEN the operator deleting a readable marker lets the leader's holds go at once
            if (event.kind === 'delete' && !marker.failReads) {
              expect(leaderHolds()).toEqual([]);
            }
          }
          // AND once the faults stop and Prometheus holds a day again, every hold ends
          marker.failReads = false;
          marker.failWrites = false;
          for (const replica of replicas) replica.offsetMs = 0;
          const quietFromMs = worldMs;
          while (worldMs < quietFromMs + DAY_MS + 2 * HOUR_MS) {
            worldMs += 10 * MINUTE_MS;
            await pass();
          }
          for (const replica of replicas) {
            const statuses = (replica.history.forecasts(worldMs) ?? []).map(each => each.status);
            expect(statuses).toEqual(config.zones.map(() => 'ok'));
          }
          // AND the marker holds a stamp for every zone (a write that lost a race was made again)
          expect(Object.keys(storedZones()).sort()).toEqual(
            config.zones.map(zone => zone.zone).sort(),
          );
        },
      ),
      { numRuns: Number(process.env.MARKER_REPLICAS_RUNS ?? '20') },
    );
    // The runs did exercise writes racing another writer.
    expect(races).toBeGreaterThan(0);
  }, 300_000);
});
