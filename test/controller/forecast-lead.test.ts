/** The level-aware lead time of the forecast floor: each step looks ahead its own launch and moves. */
import fc from 'fast-check';
import {
  DEFAULT_FORECAST,
  forecastFloorLevel,
  forecastFloorMiBps,
  forecastStepLeads,
  forecastZone,
  stepLeadTimeSeconds,
  type DemandSample,
  type ForecastConfig,
  type LeadPlatform,
  type ZoneForecast,
} from '../../controller/forecast';
import { levelCovering } from '../../controller/levels';
import { decide, INITIAL_MEMORY, type Observed } from '../../controller/decide';
import type { ControllerConfig } from '../../controller/config';
import { healthyCluster, testConfig } from './fixtures';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Monday 2024-01-01 00:00 UTC. */
const MONDAY = Date.UTC(2024, 0, 1);

/** The prod example: 3 zones x 4 brokers, levels 1 / 2 / 4, 120 s launch, 150 s per move. */
const PROD: LeadPlatform = {
  nodeLaunchSeconds: 120,
  moveSeconds: 150,
  zones: 3,
  brokersPerZone: 4,
  balancedNodeCounts: [1, 2, 4],
};
const LEVELS = [1, 2, 4];
/** What one node plans for, MiB/s: a zone needs 1 node up to 50, 2 up to 100, 4 up to 200. */
const NODE_MIBPS = 50;

const config: ForecastConfig = {
  ...DEFAULT_FORECAST,
  leadTimeSeconds: 1470,
  steps: forecastStepLeads(1470, PROD),
};

/** An `ok` forecast of 1,470 s with the given forecasts of the shorter leads (no correction). */
function ok(fullMiBps: number, byLead: Readonly<Record<number, number>> = {}): ZoneForecast {
  return {
    zone: 'a',
    status: 'ok',
    historyHours: 48,
    forecastMiBps: fullMiBps,
    profileMiBps: fullMiBps,
    correctionMiBps: 0,
    errorMiBps: 0,
    byLead: Object.entries(byLead).map(([lead, mibps]) => ({
      leadTimeSeconds: Number(lead),
      profileMiBps: mibps,
      forecastMiBps: mibps,
    })),
  };
}

describe('stepLeadTimeSeconds', () => {
  it('is node launch plus the serial moves of that step only', () => {
    // 1 -> 2: the new node takes 2 of 4 brokers per zone; 3 zones x 2 moves x 150 s
    expect(stepLeadTimeSeconds(PROD, 1, 2)).toBe(120 + 6 * 150);
    // 2 -> 4: each of the 2 new nodes takes 1 broker per zone
    expect(stepLeadTimeSeconds(PROD, 2, 4)).toBe(120 + 6 * 150);
    // 1 -> 4: 3 new nodes, 1 broker each: the full re-spread (forecastLeadTimeSeconds)
    expect(stepLeadTimeSeconds(PROD, 1, 4)).toBe(1470);
    // no step up: node launch alone
    expect(stepLeadTimeSeconds(PROD, 2, 2)).toBe(120);
  });
});

describe('forecastStepLeads', () => {
  it('gives each step its own launch and moves with the platform lead', () => {
    expect(forecastStepLeads(1470, PROD)).toEqual([
      { fromNodes: 1, toNodes: 2, leadTimeSeconds: 1020 },
      { fromNodes: 1, toNodes: 4, leadTimeSeconds: 1470 },
      { fromNodes: 2, toNodes: 4, leadTimeSeconds: 1020 },
    ]);
  });

  it('scales a configured lead by the step share, the full step keeping it', () => {
    // 2,940 s configured (twice the platform's): one-level steps 2 x 1,020 s
    expect(forecastStepLeads(2940, PROD).map(step => step.leadTimeSeconds)).toEqual([
      2040, 2940, 2040,
    ]);
  });

  it('has no step with one level', () => {
    expect(forecastStepLeads(120, { ...PROD, balancedNodeCounts: [4] })).toEqual([]);
  });

  it('never looks ahead more than the configured lead (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64_800 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 3 }),
        (lead, levels, zones) => {
          const sorted = [...levels].sort((a, b) => a - b);
          const platform = { ...PROD, zones, brokersPerZone: 12, balancedNodeCounts: sorted };
          for (const step of forecastStepLeads(lead, platform)) {
            expect(step.leadTimeSeconds).toBeGreaterThan(0);
            expect(step.leadTimeSeconds).toBeLessThanOrEqual(lead);
          }
        },
      ),
    );
  });
});

describe('forecastZone with step leads', () => {
  /** One sample per minute for two days: 100 MiB/s, 500 from 09:00 to 17:00 UTC. */
  const samples: DemandSample[] = [];
  for (let atMs = MONDAY; atMs < MONDAY + 2 * DAY_MS; atMs += 60_000) {
    const minute = ((atMs - MONDAY) / 60_000) % 1440;
    samples.push({ atMs, demandMiBps: minute >= 540 && minute < 1020 ? 500 : 100 });
  }

  it('forecasts each shorter lead from its own window', () => {
    // 08:40 on day 3: the ramp is 20 min ahead; the 1,470 s window (to 09:04:30) holds 5 of 25
    // minutes at 500 (90th percentile 500), the 1,020 s window (to 08:57) none
    const nowMs = MONDAY + 2 * DAY_MS + (8 * 60 + 40) * 60_000;
    const forecast = forecastZone('a', samples, nowMs, config);
    expect(forecast.forecastMiBps).toBe(500);
    expect(forecast.byLead).toEqual([
      { leadTimeSeconds: 1020, profileMiBps: 100, forecastMiBps: 100 },
    ]);
  });

  it('has no lead forecasts without steps', () => {
    const nowMs = MONDAY + 2 * DAY_MS + (8 * 60 + 40) * 60_000;
    const single: ForecastConfig = { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 };
    expect(forecastZone('a', samples, nowMs, single).byLead).toBeUndefined();
  });
});

describe('forecastFloorLevel', () => {
  it('raises a zone at 2 nodes to 4 only within the 2 -> 4 step lead', () => {
    // within 1,470 s the zone needs 4 nodes (150 MiB/s); within 1,020 s it needs 2 (60 MiB/s)
    // (the zone's own level, 2, is held by the full lead)
    const forecast = ok(150, { 1020: 60 });
    expect(forecastFloorLevel(forecast, 90, 2, LEVELS, NODE_MIBPS, config)).toEqual({
      nodes: 2,
      floorMiBps: 150,
      leadTimeSeconds: 1470,
    });
    // once the 1,020 s window needs 4 (the ramp is nearer), the floor is 4
    expect(forecastFloorLevel(ok(150, { 1020: 120 }), 90, 2, LEVELS, NODE_MIBPS, config)).toEqual({
      nodes: 4,
      floorMiBps: 120,
      leadTimeSeconds: 1020,
    });
  });

  it('keeps the full lead for a zone at 1 node, where 4 nodes are the full re-spread', () => {
    const forecast = ok(150, { 1020: 60 });
    expect(forecastFloorLevel(forecast, 90, 1, LEVELS, NODE_MIBPS, config)).toEqual({
      nodes: 4,
      floorMiBps: 150,
      leadTimeSeconds: 1470,
    });
  });

  it('holds a level it runs at by the full lead, as with one lead', () => {
    // at 4 nodes, demand 90: 4 is held while the 1,470 s window needs it, whatever 1,020 s says
    expect(forecastFloorLevel(ok(150, { 1020: 60 }), 90, 4, LEVELS, NODE_MIBPS, config)).toEqual({
      nodes: 4,
      floorMiBps: 150,
      leadTimeSeconds: 1470,
    });
    // at 2 nodes with 2 needed within 1,470 s: held at 2 by the full lead
    expect(forecastFloorLevel(ok(80, { 1020: 40 }), 90, 2, LEVELS, NODE_MIBPS, config)).toEqual({
      nodes: 2,
      floorMiBps: 80,
      leadTimeSeconds: 1470,
    });
  });

  it('applies the cap above current demand to every lead', () => {
    // at 1 node, the 1,020 s (1 -> 2) window 300 MiB/s, capped at 2 x 45 = 90: 2 nodes, not 4
    expect(forecastFloorLevel(ok(300, { 1020: 300 }), 45, 1, LEVELS, NODE_MIBPS, config)).toEqual({
      nodes: 2,
      floorMiBps: 90,
      leadTimeSeconds: 1020,
    });
  });

  it('is the lowest level without a usable forecast', () => {
    const ignored: ZoneForecast = {
      zone: 'a',
      status: 'insufficient-history',
      historyHours: 3,
      forecastMiBps: undefined,
      profileMiBps: undefined,
      correctionMiBps: undefined,
      errorMiBps: undefined,
    };
    expect(forecastFloorLevel(ignored, 90, 2, LEVELS, NODE_MIBPS, config).nodes).toBe(1);
    expect(forecastFloorLevel(undefined, 90, 2, LEVELS, NODE_MIBPS, config).nodes).toBe(1);
  });

  /** The floor with one lead: the level covering the full lead's floor. */
  const fullLeadLevel = (forecast: ZoneForecast, demand: number, cfg: ForecastConfig) =>
    levelCovering(forecastFloorMiBps(forecast, demand, cfg), NODE_MIBPS, LEVELS);

  const arbitrary = fc.record({
    full: fc.double({ min: 0, max: 400, noNaN: true }),
    short: fc.double({ min: 0, max: 400, noNaN: true }),
    demand: fc.double({ min: 0, max: 250, noNaN: true }),
    nodes: fc.integer({ min: 0, max: 5 }),
    correctionHistory: fc.option(fc.double({ min: 0, max: 400, noNaN: true }), {
      nil: undefined,
    }),
  });

  it('is never above the full-lead floor (property)', () => {
    fc.assert(
      fc.property(arbitrary, ({ full, short, demand, nodes, correctionHistory }) => {
        const forecast: ZoneForecast = {
          ...ok(full, { 1020: short }),
          ...(correctionHistory === undefined ? {} : { correctionHistoryMiBps: correctionHistory }),
        };
        const floor = forecastFloorLevel(forecast, demand, nodes, LEVELS, NODE_MIBPS, config);
        expect(LEVELS).toContain(floor.nodes);
        expect(floor.nodes).toBeLessThanOrEqual(fullLeadLevel(forecast, demand, config));
        expect(floor.leadTimeSeconds).toBeLessThanOrEqual(config.leadTimeSeconds);
      }),
    );
  });

  it('equals the full-lead floor when every step needs the full moves (property)', () => {
    // levels 1 / 4 only: the one step is the full re-spread
    const twoLevels: ForecastConfig = {
      ...config,
      steps: forecastStepLeads(1470, { ...PROD, balancedNodeCounts: [1, 4] }),
    };
    expect(twoLevels.steps).toEqual([{ fromNodes: 1, toNodes: 4, leadTimeSeconds: 1470 }]);
    fc.assert(
      fc.property(arbitrary, ({ full, short, demand, nodes }) => {
        const forecast = ok(full, { 1020: short });
        const levels = [1, 4];
        const floor = forecastFloorLevel(forecast, demand, nodes, levels, NODE_MIBPS, twoLevels);
        expect(floor.nodes).toBe(
          levelCovering(forecastFloorMiBps(forecast, demand, twoLevels), NODE_MIBPS, levels),
        );
      }),
    );
  });
});

describe('decide with level-aware leads', () => {
  // The fixtures' platform: 4 brokers per zone, levels 1 / 2 / 4, a node plans for 50 MiB/s.
  const base = testConfig();
  const stepped: ControllerConfig = { ...base, forecast: config };

  /** Every zone forecast at `fullMiBps` within 1,470 s and `shortMiBps` within 1,020 s. */
  function withLeads(observed: Observed, fullMiBps: number, shortMiBps: number): Observed {
    return {
      ...observed,
      forecast: stepped.zones.map(zone => ({
        ...ok(fullMiBps, { 1020: shortMiBps }),
        zone: zone.zone,
      })),
    };
  }

  it('leaves a zone at 2 nodes there until the 2 -> 4 step lead needs 4, and names that lead', () => {
    // GIVEN 2 nodes, demand 90 (2 nodes), 4 needed within 1,470 s but not within 1,020 s
    const early = decide(
      withLeads(healthyCluster(stepped, { nodesPerZone: 2, demandMiBps: 90 }), 150, 90),
      stepped,
      INITIAL_MEMORY,
    );
    expect(early.action).toBeUndefined();
    expect(early.zones[0]).toMatchObject({ forecastFloorNodes: 2, forecastLeadTimeSeconds: 1470 });
    // WHEN the 1,020 s window needs 4 THEN it scales out, naming the 1,020 s lead
    const due = decide(
      withLeads(healthyCluster(stepped, { nodesPerZone: 2, demandMiBps: 90 }), 150, 150),
      stepped,
      INITIAL_MEMORY,
    );
    expect(due.action).toMatchObject({ kind: 'scale-out', toDesired: 4 });
    expect(due.detail).toMatch(
      /forecast floor holds zone us-east-1a at 4 nodes \(plans for 150 MiB\/s within 1020s, demand 90\)/,
    );
  });

  it('scales a zone at 1 node to 4 a full lead ahead, as with one lead', () => {
    const plan = decide(
      withLeads(healthyCluster(stepped, { demandMiBps: 90 }), 150, 60),
      stepped,
      INITIAL_MEMORY,
    );
    expect(plan.action).toMatchObject({ kind: 'scale-out', toDesired: 4 });
    expect(plan.zones[0]).toMatchObject({ forecastFloorNodes: 4, forecastLeadTimeSeconds: 1470 });
  });
});
