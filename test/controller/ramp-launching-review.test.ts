/**
 * Review of `rampBaseNodes` (controller/decide.ts) by fault injection: two mutants the tests of
 * `ramp-launching.test.ts` left alive.
 *
 * - The launching count is the group's desired capacity less its Ready nodes, not its listed
 *   instances: right after a raise, Auto Scaling reports the new desired capacity before it lists
 *   the instances it launches for it (and it lists Terminating ones too), so a guard judging by the
 *   instance list judges a zone by fewer nodes than it has asked for and asks again for the level
 *   just asked for.
 * - The launching count is at least 0: a group whose desired capacity is below its Ready nodes
 *   (an instance put in Standby with `ShouldDecrementDesiredCapacity`, or a terminate with
 *   decrement the group view already shows while the node is still Ready) has no node launching,
 *   and must not be judged by fewer nodes than it counts: that would raise its floor a level on a
 *   rise its counted nodes carry.
 */
import type { ControllerConfig } from '../../controller/config';
import { decide, INITIAL_MEMORY, type Memory, type Observed } from '../../controller/decide';
import { healthyCluster, NOW_MS, testConfig } from './fixtures';

// 4 brokers a zone: levels 1 / 2 / 4; 100 MiB/s baseline, target 0.5 (50 MiB/s planned a node).
const config: ControllerConfig = { ...testConfig(), rampHorizonSeconds: 180 };
const MINUTE_MS = 60_000;

function risingFrom(beforeMiBps: number): Memory {
  return {
    ...INITIAL_MEMORY,
    rampSamples: Object.fromEntries(
      config.zones.map(zone => [
        zone.zone,
        [{ atMs: NOW_MS - MINUTE_MS, demandMiBps: beforeMiBps }],
      ]),
    ),
  };
}

/** Every group's desired capacity set to `desired`, its instance list unchanged. */
function withDesired(observed: Observed, desired: number): Observed {
  return { ...observed, groups: observed.groups.map(group => ({ ...group, desired })) };
}

describe('rampBaseNodes counts what the group asked for, never less than the counted nodes', () => {
  test('a raise the group does not list instances for yet counts as launching', () => {
    // GIVEN 1 Ready node a zone, desired 2 but the second instance not listed yet, and demand
    // 40 -> 90 MiB/s in a minute: 240 MiB/s projected, past the 200 MiB/s baseline of 2 nodes
    const observed = withDesired(healthyCluster(config, { demandMiBps: 90 }), 2);
    // WHEN the controller decides
    const plan = decide(observed, config, risingFrom(40));
    // THEN it judges the zone by the 2 nodes asked for and raises it to 4, not to 2 again
    expect(plan.action).toMatchObject({ kind: 'scale-out', fromDesired: 2, toDesired: 4 });
    expect(plan.zones[0]).toMatchObject({ rampFloorNodes: 4 });
  });

  test('a desired capacity below the Ready nodes does not lower the nodes the guard judges', () => {
    // GIVEN 2 counted Ready nodes a zone, one of them in Standby with the decrement (desired 1),
    // and demand 20 -> 45 MiB/s in a minute: 120 MiB/s projected, under 2 nodes' 200 MiB/s
    const cluster = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 45 });
    const observed: Observed = {
      ...cluster,
      groups: cluster.groups.map(group => ({
        ...group,
        desired: 1,
        instances: group.instances.map((instance, index) =>
          index === 1 ? { ...instance, lifecycleState: 'Standby' } : instance,
        ),
      })),
    };
    // WHEN the controller decides
    const plan = decide(observed, config, risingFrom(20));
    // THEN the guard asks for nothing: the 2 nodes carry the projection; no raise
    expect(plan.zones.map(zone => zone.rampFloorNodes)).toEqual([0, 0, 0]);
    expect(plan.action?.kind).not.toBe('scale-out');
  });
});

describe('a NotReady node that is not booting is not a launching node', () => {
  // GIVEN each zone at 3 nodes (desired 3, on its way down from 4 to 2), one of them a day old
  // and NotReady now (its kubelet stopped): 2 nodes work, 200 MiB/s of baseline. Demand
  // 60 -> 100 MiB/s in a minute projects 220 MiB/s within 180 s, past what those 2 carry.
  function withLostNode(): Observed {
    const cluster = healthyCluster(config, { nodesPerZone: 3, demandMiBps: 100 });
    return {
      ...cluster,
      nodes: cluster.nodes.map(node =>
        node.name.endsWith('-2') ? { ...node, ready: false } : node,
      ),
    };
  }

  test('the guard judges the zone by its 2 working nodes and raises it to 4, as before the change', () => {
    // WHEN the controller decides
    const plan = decide(withLostNode(), config, risingFrom(60));
    // THEN the NotReady node (created a day ago, past nodeReadyTimeoutSeconds) adds nothing: the
    // guard asks for 4 and the first group goes 3 -> 4; counted as launching, it left the zone
    // judged by 3 nodes (300 MiB/s) and asked for nothing
    expect(plan.zones[0]).toMatchObject({ rampFloorNodes: 4, desiredNodes: 4 });
    expect(plan.action).toMatchObject({ kind: 'scale-out', fromDesired: 3, toDesired: 4 });
  });

  test('a node that registered NotReady within nodeReadyTimeoutSeconds still counts as launching', () => {
    // GIVEN the same zones, but the NotReady node registered 60 s ago (it is booting)
    const observed = withLostNode();
    const booting: Observed = {
      ...observed,
      nodes: observed.nodes.map(node =>
        node.ready ? node : { ...node, createdAtMs: NOW_MS - 60_000 },
      ),
    };
    // WHEN the controller decides THEN the zone is judged by 3 nodes: 220 MiB/s is under their
    // 300 MiB/s baseline, no raise
    const plan = decide(booting, config, risingFrom(60));
    expect(plan.zones[0]).toMatchObject({ rampFloorNodes: 0 });
    expect(plan.action?.kind).not.toBe('scale-out');
  });
  test('a NotReady Node whose instance left the group takes nothing off the launching nodes', () => {
    // GIVEN 1 Ready node a zone and a second one launching (desired 2), plus a day-old NotReady
    // Node left behind by an instance the group no longer has; demand 40 -> 90 MiB/s in a minute
    // projects 240 MiB/s, past the 200 MiB/s baseline of the 2 nodes
    const cluster = withDesired(healthyCluster(config, { demandMiBps: 90 }), 2);
    const observed: Observed = {
      ...cluster,
      nodes: [
        ...cluster.nodes,
        ...config.zones.map((zone, index) => ({
          ...cluster.nodes[index],
          name: `left-behind-${index}`,
          uid: `uid-left-behind-${index}`,
          instanceId: `i-gone-${index}`,
          zone: zone.zone,
          ready: false,
        })),
      ],
    };
    // WHEN the controller decides THEN that Node is not one of the group's: the zone is judged by
    // its 2 nodes and goes to 4
    const plan = decide(observed, config, risingFrom(40));
    expect(plan.action).toMatchObject({ kind: 'scale-out', fromDesired: 2, toDesired: 4 });
  });
});
