/**
 * A zone above its level (waiting out the scale-in stabilization) still re-spreads while its
 * hottest node is above the target utilization and carries more brokers than its level's balanced
 * spread: the zone's Ready nodes take the load at once (simulator: ec2_network_in_257a54, where all
 * four brokers of each zone sat on one of four Ready nodes when demand came back). Otherwise it is
 * left alone, as before: no move is made for a zone that will scale in anyway.
 */
import fc from 'fast-check';
import { decide, INITIAL_MEMORY, type Memory, type Observed } from '../../controller/decide';
import { healthyCluster, testConfig } from './fixtures';

// Levels 1/2/4, baseline 100 MiB/s, target 0.5: a node plans for 50 MiB/s; scale-in margin 0.1.
const config = testConfig();

/** Four nodes per zone, each zone's brokers on the given node indexes, demand per zone. */
function placed(
  placement: readonly (readonly number[])[],
  demandByZone: readonly number[],
): Observed {
  const observed = healthyCluster(config, { nodesPerZone: 4, demandByZone });
  return {
    ...observed,
    brokers: observed.brokers.map(broker => {
      const zoneIndex = config.zones.findIndex(zone => zone.zone === broker.zone);
      const brokerIndex = observed.brokers
        .filter(each => each.zone === broker.zone)
        .findIndex(each => each.podName === broker.podName);
      const suffix = config.zones[zoneIndex].poolName.slice(-1);
      return { ...broker, nodeName: `node-${suffix}-${placement[zoneIndex][brokerIndex]}` };
    }),
  };
}

function brokersOn(observed: Observed, nodeName: string): number {
  return observed.brokers.filter(broker => broker.nodeName === nodeName).length;
}

/** A respread as Strimzi and the scheduler apply it: the broker lands on the zone's emptiest node. */
function applyMove(observed: Observed, nodeName: string): Observed {
  const node = observed.nodes.find(each => each.name === nodeName);
  const target = observed.nodes
    .filter(each => each.zone === node?.zone)
    .sort(
      (a, b) =>
        brokersOn(observed, a.name) - brokersOn(observed, b.name) || a.name.localeCompare(b.name),
    )[0];
  const moving = observed.brokers.find(broker => broker.nodeName === nodeName);
  return {
    ...observed,
    brokers: observed.brokers.map(broker =>
      broker === moving ? { ...broker, nodeName: target.name } : broker,
    ),
  };
}

/** Memory in which every zone has been eligible for scale-in for the whole window. */
const eligible: Memory = {
  ...INITIAL_MEMORY,
  scaleInEligibleSinceMs: Object.fromEntries(config.zones.map(zone => [zone.zone, 0])),
};

describe('re-spread of a zone above its level', () => {
  test('moves a broker off a node above target although the zone waits to scale in', () => {
    // 80 MiB/s per zone needs 2 nodes; the zone has 4, all brokers on node 0 (80 > 50 MiB/s).
    const observed = placed(
      config.zones.map(() => [0, 0, 0, 0]),
      config.zones.map(() => 80),
    );
    const plan = decide(observed, config, INITIAL_MEMORY);
    expect(plan.zones.map(zone => [zone.currentNodes, zone.desiredNodes])).toEqual([
      [4, 2],
      [4, 2],
      [4, 2],
    ]);
    expect(plan.action).toMatchObject({
      kind: 'respread',
      zone: 'us-east-1a',
      nodeName: 'node-a-0',
    });
  });

  test('leaves the zone alone while its hottest node is within target (was: always)', () => {
    // 40 MiB/s per zone: one node's worth, and node 0 carries 40 <= 50 MiB/s.
    const observed = placed(
      config.zones.map(() => [0, 0, 0, 0]),
      config.zones.map(() => 40),
    );
    expect(decide(observed, config, INITIAL_MEMORY).reason).toBe('stabilizing');
  });

  test('stops at the level balanced spread, then scales in without moving a broker again', () => {
    let observed = placed(
      config.zones.map(() => [0, 0, 0, 0]),
      config.zones.map(() => 80),
    );
    const moves: string[] = [];
    let plan = decide(observed, config, eligible);
    while (plan.action?.kind === 'respread' && moves.length < 20) {
      moves.push(plan.action.nodeName);
      observed = applyMove(observed, plan.action.nodeName);
      plan = decide(observed, config, eligible);
    }
    // Two moves per zone (4,0,0,0 -> 3,1,0,0 -> 2,1,1,0): no node above 2 brokers = 40 MiB/s.
    expect(moves).toHaveLength(6);
    for (const node of observed.nodes)
      expect(brokersOn(observed, node.name)).toBeLessThanOrEqual(2);
    expect(plan.action?.kind).toBe('scale-in');
    if (plan.action?.kind === 'scale-in') {
      // The victim is an empty node: the scale-in itself moves nothing.
      expect(brokersOn(observed, plan.action.nodeName)).toBe(0);
    }
  });

  test('a zone above its level only moves off a node above target with more than its share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), {
          minLength: 3,
          maxLength: 3,
        }),
        fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        (placement, demandByZone, stabilized) => {
          const observed = placed(placement, demandByZone);
          const plan = decide(observed, config, stabilized ? eligible : INITIAL_MEMORY);
          if (plan.action?.kind !== 'respread') return;
          const action = plan.action;
          const view = plan.zones.find(zone => zone.zone === action.zone);
          if (view === undefined || view.currentNodes <= view.desiredNodes) return;
          const brokers = brokersOn(observed, action.nodeName);
          const zoneBrokers = config.zones.find(zone => zone.zone === action.zone)?.brokers ?? 0;
          const loadMiBps = (brokers * view.demandMiBps) / zoneBrokers;
          expect(loadMiBps).toBeGreaterThan(config.nodeBaselineMiBps * config.targetUtilization);
          expect(brokers).toBeGreaterThan(Math.ceil(zoneBrokers / view.desiredNodes));
        },
      ),
      { numRuns: 300 },
    );
  });
});
