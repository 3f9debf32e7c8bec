/**
 * The chaos property (chaos.test.ts) with the forecast floor on: each controller process (a
 * restart makes a new one) feeds its passes through its own `ForecastHistory`, as main.ts does,
 * over a range querier that fails, drops a pool's series, cuts one short or loses all but the
 * window's data (a wiped Prometheus, restored at the window's end) in drawn windows, with one
 * forecast history marker shared by the processes (the ConfigMap; in memory here) whose reads and
 * writes fail in drawn windows, on top of the world's faults (clock steps, restarts, stale
 * views...). Each process writes the marker only while the world's lease is its own, and a second
 * replica (its own `ForecastHistory` over the same Prometheus and marker, refreshed at each pass)
 * writes it while the lease is not: a lost leader and a new one writing the one marker. In drawn
 * race windows another writer (a third process stamping a zone, or the operator deleting the
 * marker) acts inside each marker write, between its read and its version check: that write must
 * lose (what the racer left stands after the pass). No invariant may break, no state may be left
 * without a way out, and the world settles once the faults stop. Runs `CHAOS_FORECAST_RUNS`
 * schedules (default 4) from `CHAOS_FORECAST_SEED` (default 17).
 */
import fc from 'fast-check';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  type RangeQuerier,
} from '../../controller/forecast-history';
import type { ControllerConfig } from '../../controller/config';
import { FAULT_KINDS, type Fault } from './chaos-world';
import { configWithZones, expectSettled, faultArbOf, MINUTE, runSchedule } from './chaos-run';
import { encodeForecastMarker } from '../../controller/forecast-marker';
import { MemoryMarkerStore } from './memory-marker-store';

const MIB = 1024 * 1024;
const DAY_MS = 86_400_000;
const STEP_MS = FORECAST_STEP_SECONDS * 1000;

/** A window in which the range query misbehaves, as an offset from the first query. */
interface Outage {
  readonly fromMs: number;
  readonly durationMs: number;
  readonly kind: 'down' | 'pool-missing' | 'cut-short' | 'wiped' | 'marker-down';
  readonly pick: number;
}

/** A window in which another writer races each marker write, as an offset from the first pass. */
interface Race {
  readonly fromMs: number;
  readonly durationMs: number;
  readonly pick: number;
}

const raceArb: fc.Arbitrary<Race> = fc.record({
  // Long enough to cover an hourly rewrite of the marker (FORECAST_MARKER_REWRITE_SECONDS) or not.
  fromMs: fc.integer({ min: 0, max: 130 * MINUTE }),
  durationMs: fc.integer({ min: 10 * MINUTE, max: 90 * MINUTE }),
  pick: fc.nat({ max: 100 }),
});

const outageArb: fc.Arbitrary<Outage> = fc.record({
  // All end before the quiet last hour (chaos-run.ts: faults in the first 180 minutes).
  fromMs: fc.integer({ min: 0, max: 130 * MINUTE }),
  durationMs: fc.integer({ min: MINUTE, max: 45 * MINUTE }),
  kind: fc.constantFrom(
    'down' as const,
    'pool-missing' as const,
    'cut-short' as const,
    'wiped' as const,
    'marker-down' as const,
  ),
  pick: fc.nat({ max: 100 }),
});

/** Three days of a flat `mibps` per pool, through the outages. */
function flakyPrometheus(
  config: ControllerConfig,
  outages: readonly Outage[],
  mibps: number,
): RangeQuerier {
  let firstEndMs: number | undefined;
  return {
    queryRange: async (_promql, _startMs, endMs) => {
      firstEndMs ??= endMs;
      const offsetMs = endMs - firstEndMs;
      const active = outages.filter(
        outage => offsetMs >= outage.fromMs && offsetMs < outage.fromMs + outage.durationMs,
      );
      if (active.some(outage => outage.kind === 'down')) {
        throw new Error('connect ECONNREFUSED 127.0.0.1:9090');
      }
      // Wiped: only the data since the window started (restored from a backup at its end).
      const keptFromMs = Math.max(
        endMs - 3 * DAY_MS,
        ...active
          .filter(outage => outage.kind === 'wiped')
          .map(outage => (firstEndMs ?? endMs) + outage.fromMs),
      );
      return config.zones.flatMap((zone, index) => {
        const mine = active.filter(outage => outage.pick % config.zones.length === index);
        if (mine.some(outage => outage.kind === 'pool-missing')) return [];
        const lastMs = mine.some(outage => outage.kind === 'cut-short') ? endMs - 3_600_000 : endMs;
        const points: Array<{ atMs: number; value: number }> = [];
        for (let t = endMs - 3 * DAY_MS; t <= lastMs; t += STEP_MS) {
          if (t < keptFromMs) continue;
          points.push({ atMs: t, value: mibps * MIB });
        }
        return [{ labels: { pool: zone.poolName }, points }];
      });
    },
  };
}

describe('chaos with the forecast floor on (its history failing, partial, across restarts)', () => {
  it('breaks no invariant and settles', async () => {
    let unknownPasses = 0;
    let markerPasses = 0;
    let racedWrites = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(faultArbOf(FAULT_KINDS), { minLength: 1, maxLength: 30 }),
        fc.array(outageArb, { maxLength: 6 }),
        fc.constantFrom(2, 3),
        fc.array(raceArb, { minLength: 1, maxLength: 3 }),
        async (drawn, outages, zones, races) => {
          // A wiped Prometheus matters across a restart (the marker's case): restart in each such window.
          const restarts: Fault[] = outages
            .filter(outage => outage.kind === 'wiped')
            .map(outage => ({
              atMs: outage.fromMs + Math.floor(outage.durationMs / 2),
              kind: 'crash-restart',
              durationMs: 5_000,
              pick: outage.pick,
            }));
          const faults = [...drawn, ...restarts].sort((a, b) => a.atMs - b.atMs);
          const config: ControllerConfig = {
            ...configWithZones(zones),
            forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 600 },
          };
          // A quiet history (10 MiB/s): the floor never keeps a node the quiet hour does not need.
          const prometheus = flakyPrometheus(config, outages, 10);
          // One marker for every process of the schedule, failing in the marker-down windows.
          const marker = new MemoryMarkerStore();
          let firstPassMs: number | undefined;
          // The other replica: writes the marker while the world's lease is not this one's.
          let otherLeads = false;
          const otherReplica = new ForecastHistory(prometheus, config, () => undefined, {
            marker,
            mayWriteMarker: () => otherLeads,
          });
          const { violations, world } = await runSchedule(faults, config, {
            newObserveHook: world => {
              const history = new ForecastHistory(prometheus, config, () => undefined, {
                marker,
                mayWriteMarker: () => world.leadership.leading,
              });
              return async observed => {
                firstPassMs ??= observed.nowMs;
                const offsetMs = observed.nowMs - firstPassMs;
                const markerDown = outages.some(
                  outage =>
                    outage.kind === 'marker-down' &&
                    offsetMs >= outage.fromMs &&
                    offsetMs < outage.fromMs + outage.durationMs,
                );
                marker.failReads = markerDown;
                marker.failWrites = markerDown;
                // Another writer inside this pass's marker write (at most one: only the process
                // holding the lease, or else the other replica, writes).
                const race = races.find(
                  each => offsetMs >= each.fromMs && offsetMs < each.fromMs + each.durationMs,
                );
                let raced: { text: string | undefined } | undefined;
                marker.beforeWrite =
                  race === undefined
                    ? undefined
                    : () => {
                        const current = marker.text === undefined ? undefined : marker.marker;
                        if (race.pick % 2 === 0) {
                          if (current === undefined) return; // nothing to delete: no race
                          marker.text = undefined;
                        } else {
                          const zone = config.zones[race.pick % config.zones.length]?.zone ?? '';
                          marker.text = encodeForecastMarker({
                            version: 1,
                            zones: {
                              ...current?.zones,
                              [zone]: { sufficientAtMs: observed.nowMs - 4 * 3_600_000 },
                            },
                          });
                        }
                        raced = { text: marker.text };
                      };
                await history.refresh(observed.nowMs);
                otherLeads = !world.leadership.leading;
                await otherReplica.refresh(observed.nowMs);
                marker.beforeWrite = undefined;
                // The write that raced lost: what the racer left stands.
                if (raced !== undefined) {
                  racedWrites++;
                  expect(marker.text).toBe(raced.text);
                }
                const forecast = history.forecasts(observed.nowMs);
                if (forecast?.some(each => each.status === 'unknown')) unknownPasses++;
                if (forecast?.some(each => each.unknownWayOut !== undefined)) markerPasses++;
                return forecast === undefined ? observed : { ...observed, forecast };
              };
            },
          });
          expect(violations).toEqual([]);
          expectSettled(world);
        },
      ),
      {
        numRuns: Number(process.env.CHAOS_FORECAST_RUNS ?? '4'),
        seed: Number(process.env.CHAOS_FORECAST_SEED ?? '17'),
        endOnFailure: true,
      },
    );
    // The schedules did exercise the unknown forecast (a range query down, a pool missing).
    expect(unknownPasses).toBeGreaterThan(0);
    // and a restart into a wiped Prometheus the marker held.
    expect(markerPasses).toBeGreaterThan(0);
    // and marker writes raced by another writer.
    expect(racedWrites).toBeGreaterThan(0);
  }, 600_000);
});
