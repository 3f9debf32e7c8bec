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
 * Test config: levels 1/2/4, 4 brokers a zone, baseline 100 MiB/s, target 0.5, margin 0.1, ramp
 * horizon 180 s.
 */
import type { ControllerConfig } from '../../controller/config';
import { decide, type Memory } from '../../controller/decide';
import { healthyCluster, NOW_MS, stabilizedLongAgo, testConfig } from './fixtures';

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
