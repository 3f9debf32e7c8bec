/**
 * Which broker a re-spread moves first: off the most loaded node across all zones, so after a
 * scale-out every zone's hottest node is relieved in turn (the simulator measures the effect:
 * docs/simulator.md). Still one action per decision.
 */
import fc from 'fast-check';
import { decide, INITIAL_MEMORY, type Observed } from '../../controller/decide';
import { healthyCluster, testConfig } from './fixtures';

const config = testConfig();

/** The cluster with each zone's brokers placed on the given node indexes (4 nodes per zone). */
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

/** Applies a respread the way Strimzi and the scheduler would: to the zone's emptiest node. */
function applyMove(observed: Observed, nodeName: string): Observed {
  const node = observed.nodes.find(each => each.name === nodeName);
  const zoneNodes = observed.nodes.filter(each => each.zone === node?.zone);
  const target = [...zoneNodes].sort(
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

describe('re-spread order', () => {
  test('after a scale-out, relieves each zone in turn instead of one zone after the other', () => {
    // Every zone just went from 1 to 4 nodes: all four brokers still on node 0.
    let observed: Observed = placed(
      config.zones.map(() => [0, 0, 0, 0]),
      config.zones.map(() => 150),
    );
    const zonesInOrder: string[] = [];
    for (let move = 0; move < 12; move++) {
      const plan = decide(observed, config, INITIAL_MEMORY);
      if (plan.action?.kind !== 'respread') break;
      zonesInOrder.push(plan.action.zone);
      observed = applyMove(observed, plan.action.nodeName);
    }
    expect(zonesInOrder).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
    ]);
    expect(decide(observed, config, INITIAL_MEMORY).reason).toBe('at-target');
  });

  test('moves first off the node with the most load, whichever zone it is in', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), {
          minLength: 3,
          maxLength: 3,
        }),
        fc.array(fc.integer({ min: 110, max: 190 }), { minLength: 3, maxLength: 3 }),
        (placement, demandByZone) => {
          const observed = placed(placement, demandByZone);
          const plan = decide(observed, config, INITIAL_MEMORY);
          // The most crowded node of each zone that is not yet even, and its load.
          const uneven = config.zones.flatMap((zone, zoneIndex) => {
            const counts = [0, 1, 2, 3].map(
              node => placement[zoneIndex].filter(index => index === node).length,
            );
            const most = Math.max(...counts);
            return most > Math.min(...counts)
              ? [{ zone: zone.zone, load: (most * demandByZone[zoneIndex]) / zone.brokers, most }]
              : [];
          });
          if (uneven.length === 0) {
            expect(plan.action).toBeUndefined();
            return;
          }
          expect(plan.action?.kind).toBe('respread');
          if (plan.action?.kind !== 'respread') return;
          const chosen = uneven.find(each => each.zone === plan.action?.zone);
          expect(chosen).toBeDefined();
          const highest = Math.max(...uneven.map(each => each.load));
          expect(chosen?.load).toBeCloseTo(highest, 9);
          // The node moved from is the most crowded of its zone.
          expect(brokersOn(observed, plan.action.nodeName)).toBe(chosen?.most);
        },
      ),
      { numRuns: 300 },
    );
  });
});
