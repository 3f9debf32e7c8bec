/**
 * The ramp-down passing an unbalanced count (issue #16, daily:2 trace): a zone going 4 -> 2 on
 * levels 1/2/4 runs 3 nodes between its two removals, its group at 3 (terminate with decrement).
 * Its 3 nodes carry whatever 2 do (the hottest holds ceil(4 / 3) = 2 brokers, as at level 2).
 * Before, `desiredNodes` rounded the 3 up to the level 4 whenever this pass's demand sat inside
 * the scale-in margin of level 2 (under its target), and the scale-out raised the group back to 4:
 * a node launched and removed again for nothing, 23 times in 14 synthetic days at 2:1 (194 scaling actions, now 148). Now
 * the zone holds its 3 nodes while they carry its demand at the target, goes on down once demand
 * fits level 2 with the margin, and goes back up only when demand passes level 2's target.
 *
 * Test config: levels 1/2/4, 4 brokers a zone, baseline 100 MiB/s, target 0.5 (a node carries
 * 50 MiB/s; level 2 100 MiB/s), margin 0.1 (level 2 takes at most 90 MiB/s to scale in to).
 */
import fc from 'fast-check';
import { decide, INITIAL_MEMORY, type Observed } from '../../controller/decide';
import { healthyCluster, stabilizedLongAgo, testConfig } from './fixtures';

const config = testConfig();

/** Every zone at 3 Ready nodes with its group at 3 (between the two removals of 4 -> 2). */
function threeNodes(demandMiBps: number): Observed {
  return healthyCluster(config, { nodesPerZone: 3, demandMiBps });
}

describe('a zone at an unbalanced count on its way down', () => {
  test('holds its 3 nodes while demand is inside level 2 margin, and says why', () => {
    const plan = decide(threeNodes(94), config, stabilizedLongAgo(config));
    expect(plan.action).toBeUndefined();
    expect(plan.zones[0]).toMatchObject({
      currentNodes: 3,
      desiredNodes: 3,
      scaleOutLevelNodes: 2,
      scaleInLevelNodes: 4,
    });
    expect(plan.reason).toBe('at-target');
    expect(plan.detail).toBe(
      'zone us-east-1a holds 3 nodes on its way down to 2: its 94 MiB/s fits 2 nodes at the target utilization (100 MiB/s) but not with the scale-in margin (at most 90 MiB/s); a node goes once it does, and the zone goes back up to 4 only if demand passes the target of 2',
    );
  });

  test('goes on to level 2 once demand fits it with the margin', () => {
    const plan = decide(threeNodes(88), config, stabilizedLongAgo(config));
    expect(plan.action).toMatchObject({ kind: 'scale-in', zone: 'us-east-1a' });
  });

  test('goes back up to level 4 once demand passes level 2 target', () => {
    const plan = decide(threeNodes(101), config, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'scale-out', fromDesired: 3, toDesired: 4 });
  });

  test('a group raised to 4 with 3 nodes Ready still waits for its fourth node', () => {
    const observed = threeNodes(94);
    const launching: Observed = {
      ...observed,
      groups: observed.groups.map(group => ({ ...group, desired: 4 })),
    };
    const plan = decide(launching, config, INITIAL_MEMORY);
    expect(plan.zones[0].desiredNodes).toBe(4);
    expect(plan.reason).toBe('waiting-for-nodes');
  });

  test('property: at 3 nodes a zone is raised exactly when its demand passes level 2 target', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1900 }), tenths => {
        const demand = tenths / 10;
        const plan = decide(threeNodes(demand), config, stabilizedLongAgo(config));
        const raised = plan.action?.kind === 'scale-out';
        expect(raised).toBe(demand > 2 * config.nodeBaselineMiBps * config.targetUtilization);
        for (const zone of plan.zones) {
          expect(
            zone.desiredNodes === zone.currentNodes ||
              config.balancedNodeCounts.includes(zone.desiredNodes),
          ).toBe(true);
        }
      }),
    );
  });
});
