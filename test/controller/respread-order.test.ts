/**
 * Which broker a re-spread moves first: off the most loaded node across all zones, so after a
 * scale-out every zone's hottest node is relieved in turn (the simulator measures the effect:
 * docs/simulator.md). Still one action per decision.
 */
import fc from 'fast-check';
import {
  decide,
  INITIAL_MEMORY,
  type Action,
  type ControllerConfig,
  type Observed,
} from '../../controller/decide';
import {
  applyRespread as applyMove,
  brokersOn,
  healthyCluster,
  placedCluster,
  testConfig,
  withNode,
} from './fixtures';

const config = testConfig();
const placed = (placement: readonly (readonly number[])[], demandByZone: readonly number[]) =>
  placedCluster(config, placement, demandByZone);

/**
 * The cluster with `nodesByZone` nodes per zone and each zone's brokers on the given node indexes.
 */
function placedOn(
  cfg: ControllerConfig,
  nodesByZone: readonly number[],
  placement: readonly (readonly number[])[],
  demandByZone: readonly number[],
): Observed {
  const observed = healthyCluster(cfg, { nodesByZone, demandByZone });
  return {
    ...observed,
    brokers: observed.brokers.map(broker => {
      const zoneIndex = cfg.zones.findIndex(zone => zone.zone === broker.zone);
      const brokerIndex = observed.brokers
        .filter(each => each.zone === broker.zone)
        .findIndex(each => each.podName === broker.podName);
      const suffix = cfg.zones[zoneIndex].poolName.slice(-1);
      return { ...broker, nodeName: `node-${suffix}-${placement[zoneIndex][brokerIndex]}` };
    }),
  };
}

/** The action's zone, group, node name and node UID all belong to one zone. */
function expectOneZone(observed: Observed, action: Action | undefined): void {
  expect(action?.kind).toBe('respread');
  if (action?.kind !== 'respread') return;
  const node = observed.nodes.find(each => each.name === action.nodeName);
  expect(node?.zone).toBe(action.zone);
  expect(node?.uid).toBe(action.nodeUid);
  expect(observed.groups.find(group => group.zone === action.zone)?.groupName).toBe(
    action.groupName,
  );
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
          expectOneZone(observed, plan.action);
          // The node moved from is the most crowded of its zone.
          expect(brokersOn(observed, plan.action.nodeName)).toBe(chosen?.most);
        },
      ),
      { numRuns: 300 },
    );
  });
  test('ties in load go to the node with the most brokers, and the action names its own zone', () => {
    // Zone a: 2 brokers of 45 MiB/s on one node; zone b: 3 brokers of 30 MiB/s. Both carry 90.
    const observed = placed(
      [
        [0, 0, 1, 1],
        [0, 0, 0, 1],
        [0, 1, 2, 3],
      ],
      [180, 120, 150],
    );
    const plan = decide(observed, config, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({
      kind: 'respread',
      zone: 'us-east-1b',
      nodeName: 'node-b-0',
    });
    expectOneZone(observed, plan.action);
  });

  test('a zone with a cordoned node is skipped, however loaded; the next zone is moved instead', () => {
    // Zone a is the hottest (all 4 brokers on node-a-0) but someone cordoned node-a-3.
    const crowded = placed(
      [
        [0, 0, 0, 0],
        [0, 0, 1, 1],
        [0, 1, 2, 3],
      ],
      [190, 120, 150],
    );
    const cordoned = withNode(crowded, 'node-a-3', node => ({ ...node, unschedulable: true }));
    const plan = decide(cordoned, config, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({
      kind: 'respread',
      zone: 'us-east-1b',
      nodeName: 'node-b-0',
    });
    expectOneZone(cordoned, plan.action);
    // With a cordoned node in zone b too, nothing is moved.
    const both = withNode(cordoned, 'node-b-2', node => ({ ...node, unschedulable: true }));
    expect(decide(both, config, INITIAL_MEMORY).action).toBeUndefined();
  });

  test('a zone still waiting for nodes is skipped, however loaded', () => {
    // Zone a runs 2 Ready nodes (3 brokers on one) while its group waits for 4; zone b is at 4.
    const observed = placedOn(
      config,
      [2, 4, 4],
      [
        [0, 0, 0, 1],
        [0, 0, 1, 1],
        [0, 1, 2, 3],
      ],
      [190, 120, 150],
    );
    const waiting: Observed = {
      ...observed,
      groups: observed.groups.map(group =>
        group.zone === 'us-east-1a' ? { ...group, desired: 4 } : group,
      ),
    };
    const plan = decide(waiting, config, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({
      kind: 'respread',
      zone: 'us-east-1b',
      nodeName: 'node-b-0',
    });
    expect(plan.memory.waitingForNodesSinceMs['us-east-1a']).toBe(waiting.nowMs);
  });

  test('zones at different levels: load is per broker of the zone, not per node', () => {
    // Each zone at its own level: zone a at 2 nodes (4 brokers on node-a-0, 90 MiB/s), zone b at
    // 4 nodes (2 brokers of 47.5 MiB/s on node-b-0: 95 MiB/s), zone c at 1 node.
    const independent = testConfig({ sameLevelInAllZones: false });
    const observed = placedOn(
      independent,
      [2, 4, 1],
      [
        [0, 0, 0, 0],
        [0, 0, 1, 2],
        [0, 0, 0, 0],
      ],
      [90, 190, 20],
    );
    const plan = decide(observed, independent, INITIAL_MEMORY);
    expect(plan.zones.map(zone => zone.desiredNodes)).toEqual([2, 4, 1]);
    expect(plan.action).toMatchObject({
      kind: 'respread',
      zone: 'us-east-1b',
      nodeName: 'node-b-0',
    });
  });

  test('a zone whose counted nodes do not divide its brokers is never re-spread', () => {
    // node-a-3's instance is terminating (its Node still Ready): zone a counts 3 nodes for 4
    // brokers, which can never be even, so moving would loop; nothing moves, nothing scales.
    const observed = placed(
      [
        [0, 0, 1, 2],
        [0, 1, 2, 3],
        [0, 1, 2, 3],
      ],
      [190, 120, 150],
    );
    const leaving: Observed = {
      ...observed,
      groups: observed.groups.map(group =>
        group.zone === 'us-east-1a'
          ? {
              ...group,
              instances: group.instances.map(instance =>
                instance.instanceId === 'i-a3'
                  ? { ...instance, lifecycleState: 'Terminating' }
                  : instance,
              ),
            }
          : group,
      ),
    };
    const plan = decide(leaving, config, INITIAL_MEMORY);
    expect(plan.zones[0].currentNodes).toBe(3);
    expect(plan.action).toBeUndefined();
  });
});
