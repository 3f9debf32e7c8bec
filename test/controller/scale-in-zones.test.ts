/**
 * Regression (found by reviewing 562d724 with the chaos property over 3 zones): one zone whose
 * group is at its minimum size held scale-in for every zone after it, for good. Someone had set
 * zone b's min size to 2 and zone c's desired capacity to 3 (unbalanced, 4 protected instances);
 * decide returned `group-at-min-size` for zone b before it looked at zone c, so zone c never went
 * back to a balanced level and ran 4 nodes through the quiet hour. A zone at its minimum size is a
 * hold for that zone only: the other zones still scale in, and the hold is reported when no zone
 * can act.
 */
import { decide, type Memory, type Observed } from '../../controller/decide';
import { config as chaosConfig, expectSettled, runSchedule } from './chaos-run';
import type { Fault } from './chaos-world';
import { healthyCluster, stabilizedLongAgo, testConfig } from './fixtures';

const config = testConfig();
const eligibleLongAgo: Memory = stabilizedLongAgo(config);

/** Zone a at 1 node, zone b at 2 nodes with min size 2, zone c at 4 nodes; demand needs 1 each. */
function bAtMinSize(cDesired: number): Observed {
  const observed = healthyCluster(config, { nodesByZone: [1, 2, 4], demandMiBps: 10 });
  return {
    ...observed,
    groups: observed.groups.map(group => {
      if (group.zone === 'us-east-1b') return { ...group, min: 2 };
      if (group.zone === 'us-east-1c') return { ...group, desired: cDesired };
      return group;
    }),
  };
}

describe('scale-in across zones when one group is at its minimum size', () => {
  test('another zone still scales in', () => {
    const plan = decide(bAtMinSize(4), config, eligibleLongAgo);
    expect(plan.action).toMatchObject({ kind: 'scale-in', zone: 'us-east-1c' });
  });

  test('another zone with an unbalanced desired capacity still goes back to a level', () => {
    const plan = decide(bAtMinSize(3), config, eligibleLongAgo);
    expect(plan.action).toMatchObject({ kind: 'scale-in', zone: 'us-east-1c' });
  });

  test('the hold is reported when no other zone can act', () => {
    const observed = healthyCluster(config, { nodesByZone: [1, 2, 1], demandMiBps: 10 });
    const atMin: Observed = {
      ...observed,
      groups: observed.groups.map(group =>
        group.zone === 'us-east-1b' ? { ...group, min: 2 } : group,
      ),
    };
    const plan = decide(atMin, config, eligibleLongAgo);
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('group-at-min-size');
    expect(plan.detail).toContain('asg-orders-kafka-b');
  });

  test('chaos schedule over 3 zones (seed 31337, run 34): the world settles', async () => {
    // The chaos world's zone count comes from chaos-run's config; this file runs it with 3 zones
    // (jest gives each test file its own module registry, so other files keep 2).
    Object.assign(chaosConfig, { zones: testConfig({ zones: 3, brokersPerZone: 4 }).zones });
    const faults: Fault[] = [
      { atMs: 1513981, kind: 'prometheus-frozen', durationMs: 21673, pick: 77, afterWrite: 98 },
      { atMs: 3036996, kind: 'nodes-view-frozen', durationMs: 121784, pick: 395, afterWrite: 118 },
      { atMs: 4709877, kind: 'api-slow', durationMs: 84177, pick: 923, afterWrite: 39 },
      { atMs: 5818141, kind: 'external-min-size', durationMs: 62681, pick: 151, afterWrite: 61 },
      { atMs: 6193514, kind: 'prometheus-frozen', durationMs: 12270, pick: 806, afterWrite: 143 },
      { atMs: 6351499, kind: 'external-desired', durationMs: 103262, pick: 22, afterWrite: 147 },
      { atMs: 8512348, kind: 'autoscaling-missing', durationMs: 167634, pick: 762 },
      { atMs: 8787215, kind: 'crash-mid-write', durationMs: 102124, pick: 932, afterWrite: 64 },
      { atMs: 9320451, kind: 'prometheus-nan', durationMs: 148193, pick: 568, afterWrite: 43 },
      { atMs: 9346672, kind: 'kafka-not-ready', durationMs: 161517, pick: 788, afterWrite: 51 },
      { atMs: 10623196, kind: 'external-desired', durationMs: 88195, pick: 314 },
      { atMs: 10625481, kind: 'kafka-not-ready', durationMs: 162631, pick: 436, afterWrite: 142 },
    ];
    const { violations, world } = await runSchedule(faults);
    expect(world.groups).toHaveLength(3);
    expect(violations).toEqual([]);
    expectSettled(world);
  });
});
