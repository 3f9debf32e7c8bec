/** The forecast floor inside `decide` and its history source. */
import fc from 'fast-check';
import {
  decide,
  INITIAL_MEMORY,
  removalContext,
  removalMayProceed,
  startOperation,
  stepOperation,
  type Observed,
} from '../../controller/decide';
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST, type ZoneForecast } from '../../controller/forecast';
import {
  ForecastHistory,
  perPoolQuery,
  type RangeQuerier,
} from '../../controller/forecast-history';
import {
  healthyCluster,
  NOW_MS,
  placedCluster,
  STEP_CONTEXT,
  testConfig,
  withNode,
  SCALE_IN_NODE_A1,
} from './fixtures';

// Test platform: 4 brokers per zone, levels 1 / 2 / 4, 100 MiB/s baseline at target 0.5: a node
// plans for 50 MiB/s, so a zone needs 1 node up to 50, 2 up to 100, 4 up to 200.
const base = testConfig();
const config: ControllerConfig = {
  ...base,
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};

function withForecast(
  observed: Observed,
  forecastMiBps: number | undefined,
  correctionMiBps = 0,
): Observed {
  return {
    ...observed,
    forecast: config.zones.map((zone): ZoneForecast => ({
      zone: zone.zone,
      status: forecastMiBps === undefined ? 'insufficient-history' : 'ok',
      historyHours: forecastMiBps === undefined ? 3 : 72,
      forecastMiBps,
      profileMiBps: forecastMiBps === undefined ? undefined : forecastMiBps + correctionMiBps,
      correctionMiBps: forecastMiBps === undefined ? undefined : correctionMiBps,
      errorMiBps: forecastMiBps === undefined ? undefined : 5 + correctionMiBps,
    })),
  };
}

describe('decide with the forecast floor', () => {
  it('scales out ahead of the forecast ramp and says so', () => {
    // GIVEN 40 MiB/s per zone (1 node) and a forecast of 90 within the lead time
    const plan = decide(
      withForecast(healthyCluster(config, { demandMiBps: 40 }), 90),
      config,
      INITIAL_MEMORY,
    );
    // THEN it raises the first zone to 2 nodes and names the forecast
    expect(plan.action).toMatchObject({ kind: 'scale-out', toDesired: 2 });
    expect(plan.detail).toMatch(
      /forecast floor holds zone us-east-1a at 2 nodes \(plans for 80 MiB\/s within 1470s, demand 40\)/,
    );
    expect(plan.zones[0]).toMatchObject({
      forecastFloorMiBps: 80,
      forecastFloorNodes: 2,
      desiredNodes: 2,
    });
  });

  it('caps the floor at twice the current demand (maxRaiseShare 1)', () => {
    const plan = decide(
      withForecast(healthyCluster(config, { demandMiBps: 40 }), 1000),
      config,
      INITIAL_MEMORY,
    );
    expect(plan.action).toMatchObject({ kind: 'scale-out', toDesired: 2 });
  });

  it('ignores a forecast without enough history', () => {
    const plan = decide(
      withForecast(healthyCluster(config, { demandMiBps: 40 }), undefined),
      config,
      INITIAL_MEMORY,
    );
    expect(plan.reason).toBe('at-target');
    expect(plan.detail).toBe('every zone runs at its balanced level');
  });

  it('holds a level the forecast still needs, with the reason in the detail', () => {
    // GIVEN 2 nodes, demand 40 (1 node would do), forecast 90
    const observed = withForecast(healthyCluster(config, { nodesPerZone: 2, demandMiBps: 40 }), 90);
    const plan = decide(observed, config, INITIAL_MEMORY);
    expect(plan.reason).toBe('at-target');
    expect(plan.detail).toMatch(/forecast floor holds zone us-east-1a at 2 nodes/);
  });

  it('names the correction in the hold detail when today ran below the history', () => {
    // GIVEN 2 nodes, demand 40, a profile of 150 lowered by 60 to 90 (today runs below)
    const observed = withForecast(
      healthyCluster(config, { nodesPerZone: 2, demandMiBps: 40 }),
      90,
      60,
    );
    const plan = decide(observed, config, INITIAL_MEMORY);
    expect(plan.detail).toMatch(
      /forecast floor holds zone us-east-1a at 2 nodes \(plans for 80 MiB\/s within 1470s, demand 40, forecast lowered by 60 MiB\/s: the last 2 hours ran below the history\)/,
    );
    expect(plan.zones[0]).toMatchObject({ forecastMiBps: 90, forecastCorrectionMiBps: 60 });
  });

  it('releases the floor once the correction brings the forecast down to today', () => {
    // GIVEN the same zone whose profile (90) is lowered by 50 to 40 MiB/s, the level demand needs
    const observed = withForecast(
      healthyCluster(config, { nodesPerZone: 2, demandMiBps: 40 }),
      40,
      50,
    );
    const plan = decide(observed, config, INITIAL_MEMORY);
    // THEN the floor asks for 1 node, and the zone scales in as it would without a forecast
    expect(plan.zones[0]).toMatchObject({ forecastFloorNodes: 1, desiredNodes: 1 });
    expect(plan.detail).not.toMatch(/forecast floor holds/);
    expect(plan.reason).toBe(
      decide(healthyCluster(config, { nodesPerZone: 2, demandMiBps: 40 }), base, INITIAL_MEMORY)
        .reason,
    );
  });

  it('never bypasses a safety hold: stale data holds a forecast scale-out too', () => {
    const fresh = withForecast(healthyCluster(config, { demandMiBps: 40 }), 90);
    const staleAtMs = NOW_MS - 10 * 60_000;
    const observed = {
      ...fresh,
      freshness: { ...fresh.freshness, prometheusAtMs: staleAtMs },
    };
    const plan = decide(observed, config, INITIAL_MEMORY);
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('stale-data');
  });

  it('goes through the same holds as the demand it plans for (under-replication included)', () => {
    // GIVEN under-replicated partitions, WHEN the forecast asks for 80 MiB/s on a 40 MiB/s zone
    const withFloor = {
      ...withForecast(healthyCluster(config, { demandMiBps: 40 }), 90),
      underReplicatedPartitions: 3,
    };
    const asDemand = {
      ...healthyCluster(config, { demandMiBps: 80 }),
      underReplicatedPartitions: 3,
    };
    // THEN it decides what it would for a real demand of 80 MiB/s
    const floorPlan = decide(withFloor, config, INITIAL_MEMORY);
    const demandPlan = decide(asDemand, base, INITIAL_MEMORY);
    expect(floorPlan.reason).toBe(demandPlan.reason);
    expect(floorPlan.action).toEqual(demandPlan.action);
  });

  it('only ever raises the level: never fewer nodes than without a forecast (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4),
        fc.double({ min: 0, max: 220, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: undefined }),
        (nodes, demand, forecast) => {
          const observed = healthyCluster(config, { nodesPerZone: nodes, demandMiBps: demand });
          const without = decide(observed, base, INITIAL_MEMORY);
          const withFloor = decide(withForecast(observed, forecast), config, INITIAL_MEMORY);
          withFloor.zones.forEach((zone, index) => {
            expect(zone.desiredNodes).toBeGreaterThanOrEqual(without.zones[index].desiredNodes);
          });
          // A forecast never turns a non-scale-in into a scale-in
          if (without.action?.kind !== 'scale-in')
            expect(withFloor.action?.kind).not.toBe('scale-in');
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('ForecastHistory', () => {
  const MIB = 1024 * 1024;
  const series = (pool: string, values: ReadonlyArray<[number, number]>) => ({
    labels: { pool },
    points: values.map(([atMs, mibps]) => ({ atMs, value: mibps * MIB })),
  });

  it('groups the per-pod queries by pool and takes the busier direction per zone', async () => {
    const calls: Array<{ promql: string; startMs: number; endMs: number; step: number }> = [];
    const querier: RangeQuerier = {
      queryRange: async (promql, startMs, endMs, step) => {
        calls.push({ promql, startMs, endMs, step });
        // Zone b's pool has only a short series (a new zone): known, too short to count.
        return promql.includes('rx')
          ? [
              series('brokers-a', [
                [NOW_MS - 2 * 86_400_000, 30],
                [NOW_MS - 86_400_000, 10],
                [NOW_MS, 5],
              ]),
              series('brokers-b', [[NOW_MS, 5]]),
            ]
          : [
              series('brokers-a', [
                [NOW_MS - 2 * 86_400_000, 20],
                [NOW_MS - 86_400_000, 40],
                [NOW_MS, 5],
              ]),
              series('brokers-b', [[NOW_MS, 5]]),
            ];
      },
    };
    const history = new ForecastHistory(querier, config);
    await history.refresh(NOW_MS);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ startMs: NOW_MS - 14 * 86_400_000, endMs: NOW_MS, step: 300 });
    expect(calls[0].promql).toBe(perPoolQuery('rx', 'orders'));
    expect(calls[0].promql).toBe(
      'sum by (pool) (label_replace(rx, "pool", "$1", "pod", "orders-(.+)-[0-9]+"))',
    );
    const forecasts = history.forecasts(NOW_MS) ?? [];
    // The busier direction on each past day: 30 and 40; their 90th percentile (interpolated) is 39
    expect(forecasts[0]).toMatchObject({ zone: 'us-east-1a', status: 'ok', forecastMiBps: 39 });
    expect(forecasts[1]).toMatchObject({ zone: 'us-east-1b', status: 'insufficient-history' });
    // WHEN asked again within the refresh interval THEN it does not query again
    await history.refresh(NOW_MS + 60_000);
    expect(calls).toHaveLength(2);
  });

  it('keeps the previous history when a refresh fails, and reports the error', async () => {
    let fail = false;
    const errors: unknown[] = [];
    const querier: RangeQuerier = {
      queryRange: async () => {
        if (fail) throw new Error('Prometheus down');
        return [
          series('brokers-a', [
            [NOW_MS - 86_400_000, 25],
            [NOW_MS, 25],
          ]),
        ];
      },
    };
    const history = new ForecastHistory(querier, config, error => errors.push(error));
    await history.refresh(NOW_MS);
    fail = true;
    await history.refresh(NOW_MS + 3_600_000);
    expect(errors).toHaveLength(1);
    expect(history.forecasts(NOW_MS)?.[0].forecastMiBps).toBe(25);
  });

  it('answers nothing when the floor is off', async () => {
    const history = new ForecastHistory({ queryRange: async () => [] }, base);
    await history.refresh(NOW_MS);
    expect(history.forecasts(NOW_MS)).toBeUndefined();
  });
});

describe('forecast metrics', () => {
  it('exposes how far the correction lowered the forecast', async () => {
    const { ControllerMetrics } = await import('../../controller/metrics');
    const metrics = new ControllerMetrics({ defaultMetrics: false, forecastFloor: true });
    metrics.recordPlan(
      decide(
        withForecast(healthyCluster(config, { demandMiBps: 40 }), 90, 60),
        config,
        INITIAL_MEMORY,
      ),
      NOW_MS,
    );
    const text = await metrics.text();
    expect(text).toMatch(/kafka_autoscaler_forecast_demand_mibps\{zone="us-east-1a"\} 90/);
    expect(text).toMatch(/kafka_autoscaler_forecast_correction_mibps\{zone="us-east-1a"\} 60/);
  });

  it('exposes the forecast, its error and its effect per zone', async () => {
    const { ControllerMetrics } = await import('../../controller/metrics');
    const metrics = new ControllerMetrics({ defaultMetrics: false, forecastFloor: true });
    const plan = decide(
      withForecast(healthyCluster(config, { demandMiBps: 40 }), 90),
      config,
      INITIAL_MEMORY,
    );
    metrics.recordPlan(plan, NOW_MS);
    const text = await metrics.text();
    expect(text).toMatch(/kafka_autoscaler_forecast_demand_mibps\{zone="us-east-1a"\} 90/);
    expect(text).toMatch(/kafka_autoscaler_forecast_error_mibps\{zone="us-east-1a"\} 5/);
    expect(text).toMatch(/kafka_autoscaler_forecast_correction_mibps\{zone="us-east-1a"\} 0/);
    expect(text).toMatch(/kafka_autoscaler_forecast_floor_nodes\{zone="us-east-1a"\} 2/);
    // WHEN the forecast is ignored again THEN its gauges go away, the floor falls to the lowest level
    metrics.recordPlan(
      decide(
        withForecast(healthyCluster(config, { demandMiBps: 40 }), undefined),
        config,
        INITIAL_MEMORY,
      ),
      NOW_MS,
    );
    const after = await metrics.text();
    expect(after).not.toMatch(/kafka_autoscaler_forecast_demand_mibps\{zone="us-east-1a"\}/);
    expect(after).not.toMatch(/kafka_autoscaler_forecast_correction_mibps\{zone="us-east-1a"\}/);
    expect(after).toMatch(/kafka_autoscaler_forecast_floor_nodes\{zone="us-east-1a"\} 1/);
  });
});

describe('decide while the forecast is unknown (the floor cannot be judged)', () => {
  const cause = 'no forecast history range query has succeeded since the controller started';
  /** Every zone's forecast unknown, or only `zones`'. */
  function unknownForecast(observed: Observed, zones?: readonly string[]): Observed {
    return {
      ...observed,
      forecast: config.zones.map((zone): ZoneForecast =>
        zones === undefined || zones.includes(zone.zone)
          ? {
              zone: zone.zone,
              status: 'unknown',
              unknownCause: cause,
              historyHours: 0,
              forecastMiBps: undefined,
              profileMiBps: undefined,
              correctionMiBps: undefined,
              errorMiBps: undefined,
            }
          : {
              zone: zone.zone,
              status: 'insufficient-history',
              historyHours: 3,
              forecastMiBps: undefined,
              profileMiBps: undefined,
              correctionMiBps: undefined,
              errorMiBps: undefined,
            },
      ),
    };
  }
  // 2 nodes per zone, demand 30 (1 node carries it with the margin), carried long enough: the
  // reactive controller removes a node.
  const noWindow: ControllerConfig = { ...config, scaleInStabilizationSeconds: 0 };
  const twoNodes = healthyCluster(noWindow, { nodesPerZone: 2, demandMiBps: 30 });

  it('a short (known) history stays reactive: the node goes', () => {
    const plan = decide(withForecast(twoNodes, undefined), noWindow, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'scale-in' });
    expect(plan.zones.map(zone => zone.forecastUnknown)).toEqual([false, false, false]);
  });

  it('starts no removal, with a hold naming the cause and the way out', () => {
    const plan = decide(unknownForecast(twoNodes), noWindow, INITIAL_MEMORY);
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('forecast-unknown');
    expect(plan.detail).toBe(
      `zone us-east-1a could run 1 nodes, but its forecast floor is unknown (${cause}), so no node is removed in the zone until Prometheus answers the forecast history range query again, or autoscaling.forecast is turned off in the spec`,
    );
    expect(plan.zones[0]).toMatchObject({ forecastUnknown: true, forecastUnknownCause: cause });
  });

  it('holds only the unknown zones: a zone whose forecast is known still scales in', () => {
    const plan = decide(
      unknownForecast(twoNodes, ['us-east-1a', 'us-east-1b']),
      noWindow,
      INITIAL_MEMORY,
    );
    expect(plan.action).toMatchObject({ kind: 'scale-in', zone: 'us-east-1c' });
  });

  it('counts a missing forecast as unknown while the floor is on, and nothing while it is off', () => {
    expect(decide(twoNodes, noWindow, INITIAL_MEMORY).reason).toBe('forecast-unknown');
    const noZoneB = {
      ...withForecast(twoNodes, undefined),
      forecast: withForecast(twoNodes, undefined).forecast?.filter(f => f.zone !== 'us-east-1b'),
    };
    expect(decide(noZoneB, noWindow, INITIAL_MEMORY).zones[1].forecastUnknownCause).toBe(
      'no forecast was observed for zone us-east-1b',
    );
    const off: ControllerConfig = { ...base, scaleInStabilizationSeconds: 0 };
    const plan = decide(twoNodes, off, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'scale-in' });
    expect(plan.zones[0].forecastUnknown).toBeUndefined();
  });

  it('still scales out on demand', () => {
    const busy = healthyCluster(config, { nodesPerZone: 1, demandMiBps: 90 });
    const plan = decide(unknownForecast(busy), config, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1a', toDesired: 2 });
  });

  it('still re-spreads brokers onto a new node', () => {
    // GIVEN 4 nodes per zone at 180 MiB/s (4 nodes' level), zone a with two brokers on one node
    // and an empty one
    const uneven = placedCluster(
      config,
      [
        [0, 0, 1, 2],
        [0, 1, 2, 3],
        [0, 1, 2, 3],
      ],
      [180, 180, 180],
    );
    const plan = decide(unknownForecast(uneven), config, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'respread', zone: 'us-east-1a' });
  });

  describe('a removal in flight waits', () => {
    const record = startOperation(SCALE_IN_NODE_A1, {
      nowMs: NOW_MS,
      fencingToken: STEP_CONTEXT.fencingToken,
      holder: STEP_CONTEXT.holder,
      id: 'op-1',
    });
    const removing = withNode(twoNodes, 'node-a-1', node => ({
      ...node,
      unschedulable: true,
      operation: { ...record, phase: 'drain' as const },
    }));

    it('known: the removal goes on; unknown: it waits and says why', () => {
      const known = decide(withForecast(removing, undefined), noWindow, INITIAL_MEMORY);
      expect(removalContext(known, 'us-east-1a')).toEqual({
        removalStillWanted: true,
        removalMayProceed: true,
        removalMayProceedWhenEmpty: true,
      });
      const moves = stepOperation(
        { ...record, phase: 'drain' },
        withForecast(removing, undefined),
        noWindow,
        {
          ...STEP_CONTEXT,
          ...removalContext(known, 'us-east-1a'),
        },
      );
      expect(moves.effect).toMatchObject({ kind: 'request-roll' });
      const unknown = decide(unknownForecast(removing), noWindow, INITIAL_MEMORY);
      expect(unknown.reason).toBe('operation-in-flight');
      const context = removalContext(unknown, 'us-east-1a');
      expect(context).toMatchObject({
        removalStillWanted: true,
        removalMayProceed: false,
        removalMayProceedWhenEmpty: false,
      });
      expect(context.removalWaitReason).toContain(cause);
      // The state machine starts no move off the node and names the cause
      const observed = unknownForecast(removing);
      const outcome = stepOperation({ ...record, phase: 'drain' }, observed, noWindow, {
        ...STEP_CONTEXT,
        ...context,
      });
      expect(outcome.effect).toBeUndefined();
      expect(outcome.waiting).toContain('forecast floor of zone us-east-1a is unknown');
    });
  });

  it('never starts a removal in a zone whose forecast is unknown (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4),
        fc.double({ min: 0, max: 220, noNaN: true }),
        fc.subarray(config.zones.map(zone => zone.zone)),
        (nodes, demand, unknownZones) => {
          const observed = healthyCluster(noWindow, { nodesPerZone: nodes, demandMiBps: demand });
          const plan = decide(unknownForecast(observed, unknownZones), noWindow, INITIAL_MEMORY);
          const known = decide(withForecast(observed, undefined), noWindow, INITIAL_MEMORY);
          // The floor stays 0 either way: the same levels, so the same scale-out
          expect(plan.zones.map(zone => zone.desiredNodes)).toEqual(
            known.zones.map(zone => zone.desiredNodes),
          );
          if (known.action?.kind === 'scale-out') expect(plan.action).toEqual(known.action);
          if (plan.action?.kind === 'scale-in') {
            expect(unknownZones).not.toContain(plan.action.zone);
          }
          for (const zone of unknownZones) {
            expect(removalMayProceed(plan, zone)).toBe(
              plan.zones.find(view => view.zone === zone) === undefined,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('exposes kafka_autoscaler_forecast_unknown per zone', async () => {
    const { ControllerMetrics } = await import('../../controller/metrics');
    const metrics = new ControllerMetrics({ defaultMetrics: false, forecastFloor: true });
    metrics.recordPlan(
      decide(unknownForecast(twoNodes, ['us-east-1b']), noWindow, INITIAL_MEMORY),
      NOW_MS,
    );
    const text = await metrics.text();
    expect(text).toMatch(/kafka_autoscaler_forecast_unknown\{zone="us-east-1a"\} 0/);
    expect(text).toMatch(/kafka_autoscaler_forecast_unknown\{zone="us-east-1b"\} 1/);
    // Off: no series
    const off = new ControllerMetrics({ defaultMetrics: false });
    off.recordPlan(decide(twoNodes, base, INITIAL_MEMORY), NOW_MS);
    expect(await off.text()).not.toMatch(/kafka_autoscaler_forecast_unknown\{/);
  });
});
