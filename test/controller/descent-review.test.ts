/**
 * Fresh review by fault injection of the two scale-in rules of issue #16's ramp-down
 * (`holdsOnItsWayDown`, `descentConfirmed` in `controller/decide.ts`).
 *
 * Fault 1: the ramp guard in a zone held at 3 nodes on its way down. The hold rests on the 3 nodes
 * carrying what 2 carry (the hottest holds 2 of 4 brokers, as at level 2), yet the ramp guard
 * judged them by 3 nodes' baseline (`rampFloorNodes` at an unbalanced count): a rise projected past
 * 2 nodes' baseline, under 3 nodes', raised a 2-node zone to 4 ahead of the ramp but left the held
 * zone where it was, its hottest node heading above its baseline, for as long as the hold lasts
 * (before the rule a 3-node count was only a step between two removals). Now the hold ends when
 * the ramp guard projects demand past the baseline of the level below (the zone is rounded up
 * to 4 as before the rule).
 *
 * Fault 2: the descent confirmed by a forecast the floor no longer plans for. `descentConfirmed`
 * read `ZoneForecast.forecastMiBps`, lowered by the correction of the last history fetch (every
 * `FORECAST_REFRESH_SECONDS`), while the floor counts current demand into today's peak so that a
 * rise since that fetch does not leave the forecast lowered (`forecastFloorMiBps`). With a small
 * `maxRaiseShare` the floor's cap keeps it from raising the level, so nothing but the stale
 * figure decided: demand back up inside the margin, the forecast as the floor reads it now above
 * level 2's target, and the margin was waived all the same. Now the descent is judged on the
 * forecast the floor reads (`forecastPlannedMiBps`, before its cap).
 *
 * Fault 3: the held zone reported as a hold. It carries its demand at the target and nothing waits
 * on a safety check, as a zone at a balanced level with demand inside the margin, which reports
 * `at-target`; but the plan said `stabilizing` for as long as demand stayed inside the margin
 * (hours, on a load parked there), so `kafka_autoscaler_blocked_seconds_total{reason="stabilizing"}`
 * grew the whole time and `KafkaAutoscalerBlocked` ("refuses to scale while the cluster is
 * unsafe") fired after `monitoring.autoscalerBlockedMinutes`; and being a scale-in hold it came
 * before the holds decide.ts only reports (a group at its max size, a zone that cannot grow, a
 * cordoned node), which it hid meanwhile. Now the held zone is reported as `at-target`, its detail
 * saying it holds on its way down, only when nothing else is to report.
 *
 * Test config: levels 1/2/4, 4 brokers a zone, baseline 100 MiB/s, target 0.5, margin 0.1, ramp
 * horizon 180 s.
 */
import type { ControllerConfig } from '../../controller/config';
import { decide, type Memory, type Observed } from '../../controller/decide';
import { ControllerMetrics } from '../../controller/metrics';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  freshAt,
  healthyCluster,
  memoryAfterSamples,
  memoryWithRampSamples,
  NOW_MS,
  stabilizedLongAgo,
  testConfig,
  zoneForecasts,
} from './fixtures';

const config: ControllerConfig = { ...testConfig(), rampHorizonSeconds: 180 };
const MINUTE_MS = 60_000;

/** Stabilized long ago; the ramp guard saw `beforeMiBps` a minute ago in every zone. */
function rampMemory(beforeMiBps: number): Memory {
  return {
    ...stabilizedLongAgo(config),
    rampSamples: Object.fromEntries(
      config.zones.map(zone => [
        zone.zone,
        [{ atMs: NOW_MS - MINUTE_MS, demandMiBps: beforeMiBps }],
      ]),
    ),
  };
}

describe('a zone held at 3 nodes on its way down, under a rise', () => {
  // 94 MiB/s now, 44 a minute ago: 94 + 50/60 x 180 = 244 MiB/s projected, past the 200 MiB/s
  // baseline of 2 nodes (the hottest of 3 nodes holds 2 of the 4 brokers: 122 MiB/s), under 3
  // nodes' 300.
  test('a 2-node zone is raised to 4 ahead of the ramp (the reference)', () => {
    const plan = decide(
      healthyCluster(config, { nodesPerZone: 2, demandMiBps: 94 }),
      config,
      rampMemory(44),
    );
    expect(plan.zones[0].desiredNodes).toBe(4);
    expect(plan.action).toMatchObject({ kind: 'scale-out', fromDesired: 2, toDesired: 4 });
  });

  test('the held 3-node zone is raised to 4 too', () => {
    const plan = decide(
      healthyCluster(config, { nodesPerZone: 3, demandMiBps: 94 }),
      config,
      rampMemory(44),
    );
    expect(plan.zones[0].desiredNodes).toBe(4);
    expect(plan.action).toMatchObject({ kind: 'scale-out', fromDesired: 3, toDesired: 4 });
  });

  test('without a rise past 2 nodes baseline it still holds', () => {
    // 94 now, 80 a minute ago: 94 + 14/60 x 180 = 136 MiB/s, under 200.
    const plan = decide(
      healthyCluster(config, { nodesPerZone: 3, demandMiBps: 94 }),
      config,
      rampMemory(80),
    );
    expect(plan.zones[0].desiredNodes).toBe(3);
    expect(plan.action).toBeUndefined();
  });
});

describe('the descent is confirmed only by the forecast the floor plans for', () => {
  const forecastConfig: ControllerConfig = {
    ...config,
    forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470, maxRaiseShare: 0.05 },
  };
  /**
   * 4 nodes a zone at 95 MiB/s (inside level 2's margin: 90 < 95 <= 100). The history's profile
   * for the lead time is 270 MiB/s and 250 on the correction window; the last fetch saw today's
   * peak at 80 (factor 0.32: forecast 86.4, under level 2's 100). With today's 95 the factor is
   * 0.38: 102.6 MiB/s, above 100 (capped at 95 x 1.05 = 99.75 by the floor, which raises nothing).
   */
  function reboundedDemand(): Observed {
    return {
      ...healthyCluster(forecastConfig, { nodesPerZone: 4, demandMiBps: 95 }),
      forecast: forecastConfig.zones.map(zone => ({
        zone: zone.zone,
        status: 'ok' as const,
        historyHours: 72,
        forecastMiBps: 86.4,
        profileMiBps: 270,
        correctionMiBps: 183.6,
        correctionHistoryMiBps: 250,
        errorMiBps: 0,
      })),
    };
  }
  // Demand flat at 95 for the last 2.5 minutes: not rising.
  const flat: Memory = memoryAfterSamples(forecastConfig, 95);

  test('the margin stays and no node goes', () => {
    const plan = decide(reboundedDemand(), forecastConfig, flat);
    expect(plan.zones[0].descentConfirmed).toBeUndefined();
    expect(plan.zones[0].scaleInLevelNodes).toBe(4);
    expect(plan.action?.kind).not.toBe('scale-in');
  });

  test('the reference: a forecast that stays under level 2 still confirms it', () => {
    const observed = reboundedDemand();
    const lower: Observed = {
      ...observed,
      forecast: observed.forecast?.map(each => ({
        ...each,
        forecastMiBps: 96,
        profileMiBps: 96,
        correctionMiBps: 0,
      })),
    };
    const plan = decide(lower, forecastConfig, flat);
    expect(plan.zones[0].descentConfirmed).toBe(true);
    expect(plan.action).toMatchObject({ kind: 'scale-in' });
  });
});

describe('the descent confirmation, edges a mutant showed untested', () => {
  const forecastConfig: ControllerConfig = {
    ...config,
    forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
  };
  function fourNodes(demandMiBps: number, forecastMiBps: number): Observed {
    return {
      ...healthyCluster(forecastConfig, { nodesPerZone: 4, demandMiBps }),
      forecast: zoneForecasts(forecastConfig, forecastMiBps),
    };
  }
  function flatAt(demandMiBps: number, agoSeconds: readonly number[]): Memory {
    return memoryWithRampSamples(forecastConfig, () => demandMiBps, agoSeconds);
  }

  test('the whole margin goes: demand just under level 2 target scales in', () => {
    // 99.5 MiB/s: inside any margin above 0.5% (a halved margin, 0.05, would keep it at 4).
    const plan = decide(fourNodes(99.5, 99.5), forecastConfig, flatAt(99.5, [150, 120, 90, 60]));
    expect(plan.zones[0]).toMatchObject({ scaleInLevelNodes: 2, descentConfirmed: true });
    expect(plan.action).toMatchObject({ kind: 'scale-in' });
  });

  test('a forecast that fits only the level a floor holds confirms nothing', () => {
    // Forecast 150 MiB/s: past level 2 (100), within level 4 (200), the level the floor holds.
    const plan = decide(fourNodes(94, 150), forecastConfig, flatAt(94, [150, 120, 90, 60]));
    expect(plan.zones[0]).toMatchObject({ forecastFloorNodes: 4, desiredNodes: 4 });
    expect(plan.zones[0].descentConfirmed).toBeUndefined();
  });

  test('a blind ramp guard confirms nothing (its view keeps the margin)', () => {
    // One sample 20 s ago: less than a minute of samples, the guard is blind.
    const plan = decide(fourNodes(94, 94), forecastConfig, flatAt(94, [20]));
    expect(plan.zones[0].descentConfirmed).toBeUndefined();
    expect(plan.zones[0].scaleInLevelNodes).toBe(4);
    expect(plan.action?.kind).not.toBe('scale-in');
  });
});

describe('a zone held on its way down is not a hold', () => {
  const plain = testConfig();
  const held = healthyCluster(plain, { nodesPerZone: 3, demandMiBps: 94 });

  test('the plan says at-target, and why the zone keeps 3 nodes', () => {
    const plan = decide(held, plain, stabilizedLongAgo(plain));
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('at-target');
    expect(plan.detail).toContain('zone us-east-1a holds 3 nodes on its way down to 2');
  });

  test('an hour held adds nothing to the blocked time', async () => {
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    const memory = stabilizedLongAgo(plain);
    for (let minute = 0; minute <= 60; minute++) {
      const nowMs = NOW_MS + minute * MINUTE_MS;
      metrics.recordPlan(decide(freshAt(held, nowMs), plain, memory), nowMs);
    }
    const blocked = await metrics.registry
      .getSingleMetric('kafka_autoscaler_blocked_seconds_total')
      ?.get();
    expect(blocked?.values.filter(value => value.value > 0)).toEqual([]);
  });

  test('a group at its max size elsewhere is still reported', () => {
    // Zones a and c held at 3; zone b at 2 nodes, its group's max size 2, demand 150 (past level
    // 2 target of 100); each zone at its own level.
    const observed: Observed = {
      ...healthyCluster(plain, { nodesByZone: [3, 2, 3], demandByZone: [94, 150, 94] }),
    };
    const capped: Observed = {
      ...observed,
      groups: observed.groups.map(group =>
        group.zone === plain.zones[1].zone ? { ...group, max: 2 } : group,
      ),
    };
    const perZone: ControllerConfig = { ...plain, sameLevelInAllZones: false };
    const plan = decide(capped, perZone, stabilizedLongAgo(perZone));
    expect(plan.zones.map(zone => zone.desiredNodes)).toEqual([3, 4, 3]);
    expect(plan.reason).toBe('group-at-max-size');
  });
});
