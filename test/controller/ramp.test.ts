/**
 * The ramp guard (`controller/ramp.ts`): one level up ahead of a rise that would pass the Ready
 * nodes' baseline within the look-ahead, as a floor inside `decide`.
 */
import fc from 'fast-check';
import { controllerConfigFromSpec, type ControllerConfig } from '../../controller/config';
import {
  decide,
  INITIAL_MEMORY,
  removalMayProceed,
  removalStillWanted,
  type Memory,
  type Observed,
} from '../../controller/decide';
import {
  DEFAULT_RAMP_HORIZON_SECONDS,
  nextRampSamples,
  RAMP_KEEP_MS,
  RAMP_MIN_SPAN_MS,
  rampKeepMs,
  zoneRamp,
  type RampSample,
} from '../../controller/ramp';
import { exampleSpec } from '../util/specs';
import {
  drainingNodeA1,
  healthyCluster,
  NOW_MS,
  removalOfNodeA1,
  stabilizedLongAgo,
  testConfig,
} from './fixtures';

// Test platform: 4 brokers per zone, levels 1 / 2 / 4, 100 MiB/s baseline at target 0.5: one node
// plans for 50 MiB/s of zone demand and is above its baseline past 100.
const off = testConfig();
const config: ControllerConfig = { ...off, rampHorizonSeconds: 180 };
const MINUTE_MS = 60_000;

function samples(...points: ReadonlyArray<readonly [number, number]>): RampSample[] {
  return points.map(([agoMs, demandMiBps]) => ({ atMs: NOW_MS - agoMs, demandMiBps }));
}

/** Memory as `decide` leaves it after passes that saw `demandMiBps` `agoMs` before now, every zone. */
function memoryWith(
  cfg: ControllerConfig,
  points: ReadonlyArray<readonly [number, number]>,
): Memory {
  return {
    ...INITIAL_MEMORY,
    rampSamples: Object.fromEntries(cfg.zones.map(zone => [zone.zone, samples(...points)])),
  };
}

describe('zoneRamp', () => {
  it('asks for the next level when the rise passes the Ready nodes baseline within the horizon', () => {
    // 20 -> 45 MiB/s in a minute: 45 + 25/60 x 180 = 120 > 100 (one node's baseline)
    const ramp = zoneRamp(samples([MINUTE_MS, 20], [0, 45]), 1, 180, config);
    expect(ramp.floorNodes).toBe(2);
    expect(ramp.projectedMiBps).toBeCloseTo(120, 6);
    expect(ramp.slopeMiBpsPerSecond).toBeCloseTo(25 / 60, 9);
  });

  it('asks for nothing when the projection only reaches the baseline', () => {
    // 20 -> 40 in a minute: 40 + 60 = 100, not above 100
    expect(zoneRamp(samples([MINUTE_MS, 20], [0, 40]), 1, 180, config).floorNodes).toBe(0);
  });

  it('asks for nothing on a flat or falling demand', () => {
    expect(zoneRamp(samples([MINUTE_MS, 90], [0, 90]), 1, 180, config).floorNodes).toBe(0);
    const falling = zoneRamp(samples([MINUTE_MS, 95], [0, 60]), 1, 180, config);
    expect(falling.floorNodes).toBe(0);
    expect(falling.projectedMiBps).toBe(60);
  });

  it('asks for nothing before it has samples a metric minute apart', () => {
    // A steep rise over 30 s only: no slope yet.
    expect(zoneRamp(samples([30_000, 10], [0, 90]), 1, 180, config).floorNodes).toBe(0);
    expect(zoneRamp(samples([0, 90]), 1, 180, config).floorNodes).toBe(0);
    expect(zoneRamp([], 1, 180, config).floorNodes).toBe(0);
  });

  it('takes the newest sample at least a minute old for the slope', () => {
    // 150 s ago 0, 60 s ago 60, now 70: slope 10/60 (not 70/150): 70 + 30 = 100, no raise.
    expect(
      zoneRamp(samples([150_000, 0], [MINUTE_MS, 60], [0, 70]), 1, 180, config).floorNodes,
    ).toBe(0);
  });

  it('compares with the baseline of the Ready level and asks for one level above it', () => {
    // Two Ready nodes carry 200 at baseline: 150 -> 190 projects 190 + 120 = 310 > 200: four.
    expect(zoneRamp(samples([MINUTE_MS, 150], [0, 190]), 2, 180, config).floorNodes).toBe(4);
    // The same rise with four Ready nodes (400): nothing; and no level above four exists anyway.
    expect(zoneRamp(samples([MINUTE_MS, 150], [0, 390]), 4, 180, config).floorNodes).toBe(0);
    // Three Ready nodes (an unbalanced count: mid-removal 4 -> 2, or booting) past their own 300:
    // the level at or above them, four (ramp-unbalanced.test.ts); under 300, nothing.
    expect(zoneRamp(samples([MINUTE_MS, 150], [0, 290]), 3, 180, config).floorNodes).toBe(4);
    expect(zoneRamp(samples([MINUTE_MS, 150], [0, 160]), 3, 180, config).floorNodes).toBe(0);
  });

  it('scales the projection with the horizon', () => {
    const rise = samples([MINUTE_MS, 20], [0, 45]);
    expect(zoneRamp(rise, 1, 120, config).floorNodes).toBe(0); // 45 + 50 = 95
    expect(zoneRamp(rise, 1, 180, config).floorNodes).toBe(2); // 45 + 75 = 120
  });
});

describe('nextRampSamples', () => {
  it('appends this pass and drops samples older than the keep window or from the future', () => {
    const kept = nextRampSamples(
      [
        { atMs: NOW_MS - RAMP_KEEP_MS - 1, demandMiBps: 1 },
        { atMs: NOW_MS - RAMP_KEEP_MS, demandMiBps: 2 },
        { atMs: NOW_MS - 30_000, demandMiBps: 3 },
        { atMs: NOW_MS + 5_000, demandMiBps: 4 },
      ],
      NOW_MS,
      5,
    );
    expect(kept.map(sample => sample.demandMiBps)).toEqual([2, 3, 5]);
    expect(kept[kept.length - 1].atMs).toBe(NOW_MS);
  });

  it('starts from nothing', () => {
    expect(nextRampSamples(undefined, NOW_MS, 7)).toEqual([{ atMs: NOW_MS, demandMiBps: 7 }]);
  });
});

describe('decide with the ramp guard', () => {
  it('scales out one level ahead of a steep rise and says why', () => {
    // GIVEN one node per zone at 45 MiB/s (under its 50 MiB/s plan), 20 a minute ago
    const observed = healthyCluster(config, { demandMiBps: 45 });
    // WHEN the controller decides
    const plan = decide(observed, config, memoryWith(config, [[MINUTE_MS, 20]]));
    // THEN it raises the first group to two nodes and names the ramp
    expect(plan.action).toMatchObject({ kind: 'scale-out', fromDesired: 1, toDesired: 2 });
    expect(plan.detail).toContain('demand rising in zone us-east-1a: raised to 2 nodes');
    expect(plan.detail).toContain('projects 120 MiB/s within 180s, above the 100 MiB/s baseline');
    expect(plan.zones[0]).toMatchObject({ rampFloorNodes: 2, desiredNodes: 2 });
    expect(plan.zones[0].rampProjectedMiBps).toBeCloseTo(120, 6);
  });

  it('holds at the level when the rise stays under the baseline', () => {
    const plan = decide(
      healthyCluster(config, { demandMiBps: 40 }),
      config,
      memoryWith(config, [[MINUTE_MS, 20]]),
    );
    expect(plan.reason).toBe('at-target');
    expect(plan.zones[0]).toMatchObject({ rampFloorNodes: 0, desiredNodes: 1 });
  });

  it('keeps this pass as a sample for the next one', () => {
    const first = decide(healthyCluster(config, { demandMiBps: 20 }), config, INITIAL_MEMORY);
    expect(first.reason).toBe('at-target');
    expect(first.memory.rampSamples?.['us-east-1a']).toEqual([{ atMs: NOW_MS, demandMiBps: 20 }]);
    // A minute later at 45: the remembered 20 makes the slope.
    const later = { ...healthyCluster(config, { demandMiBps: 45 }), nowMs: NOW_MS + MINUTE_MS };
    const fresh = {
      ...later,
      freshness: {
        kubernetesAtMs: later.nowMs,
        prometheusAtMs: later.nowMs,
        autoscalingAtMs: later.nowMs,
      },
      healthSampledAtMs: Object.fromEntries(
        later.brokers.map(broker => [broker.podName, later.nowMs]),
      ),
    };
    const second = decide(fresh, config, first.memory);
    expect(second.action).toMatchObject({ kind: 'scale-out', toDesired: 2 });
  });

  it('is off without rampHorizonSeconds: no samples, no raise', () => {
    const plan = decide(
      healthyCluster(off, { demandMiBps: 45 }),
      off,
      memoryWith(off, [[MINUTE_MS, 20]]),
    );
    expect(plan.reason).toBe('at-target');
    expect(plan.memory.rampSamples).toBeUndefined();
    expect(plan.zones[0].rampFloorNodes).toBeUndefined();
  });

  it('never acts on stale data, however steep the rise', () => {
    const observed: Observed = {
      ...healthyCluster(config, { demandMiBps: 90 }),
      freshness: {
        kubernetesAtMs: NOW_MS,
        prometheusAtMs: NOW_MS - 600_000,
        autoscalingAtMs: NOW_MS,
      },
    };
    const memory = memoryWith(config, [[MINUTE_MS, 0]]);
    const plan = decide(observed, config, memory);
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('stale-data');
    expect(plan.memory).toBe(memory);
  });

  it('only raises: never a lower level, never a scale-in of its own, at most one level above the Ready nodes', () => {
    const levels = config.balancedNodeCounts;
    fc.assert(
      fc.property(
        fc.constantFrom(...levels),
        fc.double({ min: 0, max: 400, noNaN: true }),
        fc.array(
          fc.record({
            agoMs: fc.integer({ min: 1, max: RAMP_KEEP_MS }),
            demandMiBps: fc.double({ min: 0, max: 400, noNaN: true }),
          }),
          { maxLength: 6 },
        ),
        (nodes, demandMiBps, history) => {
          const observed = healthyCluster(config, { nodesPerZone: nodes, demandMiBps });
          const points = [...history]
            .sort((a, b) => b.agoMs - a.agoMs)
            .map(({ agoMs, demandMiBps: value }) => [agoMs, value] as const);
          const withGuard = decide(observed, config, memoryWith(config, points));
          const without = decide(healthyCluster(off, { nodesPerZone: nodes, demandMiBps }), off, {
            ...INITIAL_MEMORY,
          });
          withGuard.zones.forEach((zone, index) => {
            const plain = without.zones[index].desiredNodes;
            expect(zone.desiredNodes).toBeGreaterThanOrEqual(plain);
            const oneAbove = levels.find(level => level > nodes) ?? nodes;
            expect(zone.desiredNodes).toBeLessThanOrEqual(Math.max(plain, oneAbove));
          });
          if (withGuard.action?.kind === 'scale-in') expect(without.action?.kind).toBe('scale-in');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('a restart leaves the guard blind for a minute: no removal goes on meanwhile', () => {
  // Zone a runs 2 nodes, node-a-1 is being removed (1 counted), demand rose 20 -> 45 MiB/s in the
  // last minute: 45 fits 1 node with the margin, but projects to 120 > 100 within 180 s. The
  // process that saw the rise rolls the removal back; a restarted one has no samples. Before the
  // fix it let the removal go on (and, with a window of 0 s, started a new one at its first pass).
  const removing = drainingNodeA1(
    healthyCluster(config, { nodesPerZone: 2, demandMiBps: 45 }),
    removalOfNodeA1(),
  );
  const carried = stabilizedLongAgo(config);

  it('the process that saw the rise rolls the removal back', () => {
    const plan = decide(removing, config, {
      ...carried,
      ...memoryWith(config, [[MINUTE_MS, 20]]),
      levelCarriesSinceMs: carried.levelCarriesSinceMs,
    });
    expect(plan.zones[0]).toMatchObject({ currentNodes: 1, rampFloorNodes: 2, rampBlind: false });
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(false);
  });

  it('a restarted process lets it wait instead of going on', () => {
    const plan = decide(removing, config, INITIAL_MEMORY);
    expect(plan.zones[0]).toMatchObject({ currentNodes: 1, rampFloorNodes: 0, rampBlind: true });
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(true);
    expect(removalMayProceed(plan, 'us-east-1a')).toBe(false);
    // Off, the guard is never blind.
    expect(removalMayProceed(decide(removing, off, INITIAL_MEMORY), 'us-east-1a')).toBe(true);
  });

  it('a restarted process starts no removal until it has a metric minute, even with no window', () => {
    const noWindow: ControllerConfig = { ...config, scaleInStabilizationSeconds: 0 };
    const twoNodes = healthyCluster(noWindow, { nodesPerZone: 2, demandMiBps: 45 });
    const first = decide(twoNodes, noWindow, INITIAL_MEMORY);
    expect(first.action).toBeUndefined();
    expect(first.reason).toBe('stabilizing');
    expect(first.detail).toContain('ramp guard has less than a minute of demand samples');
    // A metric minute later, flat demand: the guard sees no rise and the node goes.
    const later = decide({ ...twoNodes, nowMs: NOW_MS + RAMP_MIN_SPAN_MS }, noWindow, first.memory);
    expect(later.action).toMatchObject({ kind: 'scale-in', zone: 'us-east-1a' });
  });

  it('is not blind for ever at a pass interval longer than the samples were kept', () => {
    const slow: ControllerConfig = { ...config, intervalSeconds: 200 };
    expect(rampKeepMs(slow.intervalSeconds)).toBeGreaterThan(200_000);
    const cluster = healthyCluster(slow, { demandMiBps: 20 });
    const first = decide(cluster, slow, INITIAL_MEMORY);
    const atMs = NOW_MS + 200_000;
    const fresh: Observed = {
      ...cluster,
      nowMs: atMs,
      freshness: { kubernetesAtMs: atMs, prometheusAtMs: atMs, autoscalingAtMs: atMs },
      healthSampledAtMs: Object.fromEntries(cluster.brokers.map(broker => [broker.podName, atMs])),
    };
    const second = decide(fresh, slow, first.memory);
    expect(second.zones[0].rampBlind).toBe(false);
  });
});

describe('a removal the ramp guard would roll back is not started', () => {
  it('holds a node whose removal would leave nodes the rise passes the baseline of', () => {
    // Two nodes, 40 MiB/s (fits one node with the margin), 10 a minute ago: 40 + 0.5 x 180 = 130,
    // under the 200 MiB/s of two nodes, above the 100 of the one left. Before, the zone scaled in
    // and the next pass (one counted node, ramp floor 2) rolled the removal back.
    const twoNodes = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 40 });
    const memory = {
      ...memoryWith(config, [[MINUTE_MS, 10]]),
      levelCarriesSinceMs: stabilizedLongAgo(config).levelCarriesSinceMs,
    };
    const plan = decide(twoNodes, config, memory);
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('stabilizing');
    expect(plan.detail).toContain('demand is rising: it projects 130 MiB/s within 180s');
    // Flat demand: the node goes.
    const flat = decide(twoNodes, config, {
      ...memoryWith(config, [[MINUTE_MS, 40]]),
      levelCarriesSinceMs: stabilizedLongAgo(config).levelCarriesSinceMs,
    });
    expect(flat.action).toMatchObject({ kind: 'scale-in' });
    // Guard off: the node goes too (it only ever holds a node).
    expect(decide(twoNodes, off, memory).action).toMatchObject({ kind: 'scale-in' });
  });
});

describe('ramp metrics', () => {
  it('exports the level the guard asks for per zone, and nothing while it is off', async () => {
    const { ControllerMetrics } = await import('../../controller/metrics');
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    const raised = decide(
      healthyCluster(config, { demandMiBps: 45 }),
      config,
      memoryWith(config, [[MINUTE_MS, 20]]),
    );
    metrics.recordPlan(raised, NOW_MS);
    expect(await metrics.text()).toMatch(
      /kafka_autoscaler_ramp_floor_nodes\{zone="us-east-1a"\} 2/,
    );
    metrics.recordPlan(
      decide(healthyCluster(off, { demandMiBps: 45 }), off, INITIAL_MEMORY),
      NOW_MS,
    );
    expect(await metrics.text()).not.toMatch(/kafka_autoscaler_ramp_floor_nodes\{/);
  });
});

describe('controllerConfigFromSpec', () => {
  it('turns the ramp guard on with the forecast floor, at 180 s', () => {
    expect(controllerConfigFromSpec(exampleSpec('prod')).rampHorizonSeconds).toBe(
      DEFAULT_RAMP_HORIZON_SECONDS,
    );
    expect(DEFAULT_RAMP_HORIZON_SECONDS).toBe(180);
  });

  it('leaves it off when the forecast floor is off', () => {
    const dev = controllerConfigFromSpec(exampleSpec('dev'));
    expect(dev.forecast).toBeUndefined();
    expect(dev.rampHorizonSeconds).toBeUndefined();
  });
});
