/**
 * A raise that only the forecast floor asks for, with every zone's forecast right lately, waits
 * while another zone's group still launches nodes (`plannedRaiseWaitsFor` in
 * controller/decide.ts): the re-spread moves one broker at a time, so nodes launched in every zone
 * at once would stand empty, billed, until the moves ahead of them are done.
 */
import fc from 'fast-check';
import { decide, INITIAL_MEMORY, type Memory, type Observed } from '../../controller/decide';
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import { healthyCluster, NOW_MS, testConfig, zoneForecasts } from './fixtures';

// Test platform (fixtures): 3 zones of 4 brokers, levels 1 / 2 / 4, a node plans for 50 MiB/s at
// the target: a zone needs 2 nodes up to 100 MiB/s and 4 above. A forecast is right lately when
// its recent error is at most the margin of one node at the target: 0.1 x 50 = 5 MiB/s.
const config: ControllerConfig = {
  ...testConfig(),
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};

/** `observed` with every zone's forecast at `forecastMiBps`, its recent error `recentErrorMiBps`. */
function withForecast(observed: Observed, forecastMiBps: number, recentErrorMiBps = 2): Observed {
  return {
    ...observed,
    forecast: zoneForecasts(config, forecastMiBps).map(forecast => ({
      ...forecast,
      recentErrorMiBps,
    })),
  };
}

/**
 * Every zone at 2 nodes carrying 80 MiB/s, a forecast of 150 (level 4) for the lead time, and zone
 * us-east-1a already raised to 4: `aBrokers` gives its four nodes' broker counts, with
 * `readyNew` of its two new nodes Ready (the others still launching: in the group, no Node yet).
 */
function zoneARaised(aBrokers: readonly number[], readyNew = 2): Observed {
  const observed = withForecast(healthyCluster(config, { nodesPerZone: 2, demandMiBps: 80 }), 150);
  const newNodes = Array.from({ length: readyNew }, (_, index) => ({
    name: `node-a-${2 + index}`,
    uid: `uid-node-a-${2 + index}`,
    resourceVersion: '1',
    zone: 'us-east-1a',
    ready: true,
    unschedulable: false,
    instanceId: `i-a${2 + index}`,
    createdAtMs: NOW_MS - 60_000,
    operation: undefined,
  }));
  const aNodes = ['node-a-0', 'node-a-1', 'node-a-2', 'node-a-3'];
  const placement = aNodes.flatMap((name, index) => Array<string>(aBrokers[index]).fill(name));
  let aBroker = 0;
  return {
    ...observed,
    nodes: [...observed.nodes, ...newNodes],
    groups: observed.groups.map(group =>
      group.zone === 'us-east-1a'
        ? {
            ...group,
            desired: 4,
            instances: [
              ...group.instances,
              ...['i-a2', 'i-a3'].map((instanceId, index) => ({
                instanceId,
                lifecycleState: index < readyNew ? 'InService' : 'Pending',
                protectedFromScaleIn: true,
              })),
            ],
          }
        : group,
    ),
    brokers: observed.brokers.map(broker =>
      broker.zone === 'us-east-1a' ? { ...broker, nodeName: placement[aBroker++] } : broker,
    ),
  };
}

/** Memory in which zone us-east-1a has waited for its new nodes since `sinceMs`. */
function waitingSince(sinceMs: number): Memory {
  return { ...INITIAL_MEMORY, waitingForNodesSinceMs: { 'us-east-1a': sinceMs } };
}

describe('a raise only the forecast floor asks for waits for the re-spread of the zone before', () => {
  it('the first zone is raised at once', () => {
    const observed = withForecast(
      healthyCluster(config, { nodesPerZone: 2, demandMiBps: 80 }),
      150,
    );
    const plan = decide(observed, config, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1a', toDesired: 4 });
  });

  it('waits while the zone before still launches its nodes', () => {
    // GIVEN zone a raised to 4, its two new nodes still launching
    const plan = decide(zoneARaised([2, 2, 0, 0], 0), config, waitingSince(NOW_MS - 30_000));
    // THEN zone b is not raised yet
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('waiting-for-nodes');
  });

  it("raises the next zone once the zone before's nodes are Ready", () => {
    // GIVEN zone a's new nodes Ready, still without brokers: its re-spread starts now, and the
    // first move onto zone b's nodes comes at least a move later, after their launch
    const plan = decide(zoneARaised([2, 2, 0, 0]), config, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1b', toDesired: 4 });
  });

  it('does not wait unless every zone has been forecast right lately', () => {
    // GIVEN the same launching zone a, but zone c's recent error (6 MiB/s) above the margin
    const observed = zoneARaised([2, 2, 0, 0], 0);
    const forecast = (observed.forecast ?? []).map(each =>
      each.zone === 'us-east-1c' ? { ...each, recentErrorMiBps: 6 } : each,
    );
    const plan = decide({ ...observed, forecast }, config, waitingSince(NOW_MS - 30_000));
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1b', toDesired: 4 });
    // AND an unknown error does not count as right either
    const unknown = (observed.forecast ?? []).map(each => ({
      ...each,
      recentErrorMiBps: undefined,
    }));
    const planUnknown = decide(
      { ...observed, forecast: unknown },
      config,
      waitingSince(NOW_MS - 30_000),
    );
    expect(planUnknown.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1b' });
  });

  it('never holds a raise that demand asks for', () => {
    // GIVEN zone b's own demand (120 MiB/s) past what its 2 nodes carry at the target
    const observed = zoneARaised([2, 2, 0, 0], 0);
    const loads = (observed.loads ?? []).map(load =>
      load.podName.includes('brokers-b') ? { ...load, receiveMiBps: 30, transmitMiBps: 30 } : load,
    );
    const plan = decide({ ...observed, loads }, config, waitingSince(NOW_MS - 30_000));
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1b', toDesired: 4 });
  });

  it('stops waiting for a zone whose nodes did not come within nodeReadyTimeoutSeconds', () => {
    const late = waitingSince(NOW_MS - (config.nodeReadyTimeoutSeconds + 1) * 1000);
    const plan = decide(zoneARaised([2, 2, 0, 0], 0), config, late);
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1b', toDesired: 4 });
  });

  it('raises at once a group whose desired count someone set below its nodes', () => {
    // GIVEN zone a launching, and zone b (levels per zone) running 4 nodes at 48 MiB/s, its group
    // set to 1 by someone: the controller without the floor raises b back to 2 (48 MiB/s is inside
    // the margin of 1 node), so the raise does not wait
    const own: ControllerConfig = { ...config, sameLevelInAllZones: false };
    const observed = withForecast(
      healthyCluster(own, { nodesByZone: [2, 4, 2], demandByZone: [80, 48, 80] }),
      150,
    );
    const groups = observed.groups.map(group =>
      group.zone === 'us-east-1a'
        ? { ...group, desired: 4 }
        : group.zone === 'us-east-1b'
          ? { ...group, desired: 1 }
          : group,
    );
    const plan = decide({ ...observed, groups }, own, waitingSince(NOW_MS - 30_000));
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1b', toDesired: 2 });
  });

  it('raises at once a group left at an unbalanced count that the level rounds up', () => {
    // GIVEN zone a launching, and zone b at 3 nodes (group 3) with its brokers 3 / 1 / 0, demand
    // inside the margin of 2 nodes: not held on its way down, so rounded up to 4 with or without
    // the floor
    const observed = withForecast(
      healthyCluster(config, { nodesByZone: [2, 3, 2], demandByZone: [80, 95, 80] }),
      150,
    );
    const onB = ['node-b-0', 'node-b-0', 'node-b-0', 'node-b-1'];
    let next = 0;
    const plan = decide(
      {
        ...observed,
        groups: observed.groups.map(group =>
          group.zone === 'us-east-1a' ? { ...group, desired: 4 } : group,
        ),
        brokers: observed.brokers.map(broker =>
          broker.zone === 'us-east-1b' ? { ...broker, nodeName: onB[next++] } : broker,
        ),
      },
      config,
      waitingSince(NOW_MS - 30_000),
    );
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1b', toDesired: 4 });
  });

  it('never withholds a raise that the controller without the forecast floor makes', () => {
    // Whatever the zones' nodes, launches (or a desired count someone set below the nodes),
    // brokers, demand and forecast: where the same controller
    // without the floor would raise a group, the controller with it raises one too.
    const withoutForecast: ControllerConfig = { ...config, forecast: undefined };
    const zone = fc.record({
      nodes: fc.constantFrom(1, 2, 4),
      launching: fc.integer({ min: -3, max: 3 }),
      demandMiBps: fc.integer({ min: 0, max: 220 }),
      forecastMiBps: fc.integer({ min: 0, max: 400 }),
    });
    fc.assert(
      fc.property(
        fc.array(zone, { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        (zones, sameLevel) => {
          const cfg = { ...config, sameLevelInAllZones: sameLevel };
          const base = healthyCluster(cfg, {
            nodesByZone: zones.map(each => each.nodes),
            demandByZone: zones.map(each => each.demandMiBps),
          });
          const observed: Observed = {
            ...base,
            groups: base.groups.map((group, index) => ({
              ...group,
              desired: Math.max(1, Math.min(group.max, group.desired + zones[index].launching)),
            })),
            forecast: zoneForecasts(cfg, 0).map((forecast, index) => ({
              ...forecast,
              forecastMiBps: zones[index].forecastMiBps,
              profileMiBps: zones[index].forecastMiBps,
              recentErrorMiBps: 1,
            })),
          };
          const reactive = decide(
            observed,
            { ...withoutForecast, sameLevelInAllZones: sameLevel },
            INITIAL_MEMORY,
          );
          const planned = decide(observed, cfg, INITIAL_MEMORY);
          if (reactive.action?.kind === 'scale-out') {
            expect(planned.action?.kind).toBe('scale-out');
          }
        },
      ),
    );
  });

  it('changes nothing with the forecast floor off', () => {
    const withoutForecast: ControllerConfig = { ...config, forecast: undefined };
    // GIVEN zone a launching and zone b's demand past its 2 nodes: raised as before
    const observed = healthyCluster(withoutForecast, { nodesPerZone: 2, demandMiBps: 120 });
    const raisedA = {
      ...observed,
      groups: observed.groups.map(group =>
        group.zone === 'us-east-1a' ? { ...group, desired: 4 } : group,
      ),
    };
    const plan = decide(raisedA, withoutForecast, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1b' });
  });
});
