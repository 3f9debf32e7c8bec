/**
 * A property over two controller replicas sharing one forecast history marker (the ConfigMap; in
 * memory here), each with its own `ForecastHistory` and clock offset, the lease moving between them,
 * restarts, Prometheus wipes, the operator deleting the marker, marker reads and writes failing, and
 * clocks stepping. It checks the ways out the docs name:
 * - the operator deleting the marker (while it can be read) lets the leader's marker holds go at
 *   once;
 * - no stamp is ever stored later than the latest clock of a replica (a stamp cannot outlive its
 *   `historyDays` by being carried forward);
 * - once Prometheus holds a day of history again and the marker can be read, no zone is held.
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  type RangeQuerier,
} from '../../controller/forecast-history';
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
  | { readonly kind: 'clock'; readonly replica: number; readonly offsetMinutes: number };

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
);

interface Replica {
  history: ForecastHistory;
  offsetMs: number;
}

describe('two replicas sharing the forecast history marker (property)', () => {
  it('a deleted marker lets the leader go, no stamp is carried past the clocks, and every hold ends', async () => {
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
          const pass = async () => {
            for (const replica of replicas) {
              const nowMs = worldMs + replica.offsetMs;
              latestClockMs = Math.max(latestClockMs, nowMs);
              await replica.history.refresh(nowMs);
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
            if (event.kind === 'delete') marker.text = undefined;
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
        },
      ),
      { numRuns: Number(process.env.MARKER_REPLICAS_RUNS ?? '20') },
    );
  }, 300_000);
});
