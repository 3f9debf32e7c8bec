/**
 * The chaos world (chaos-world.ts, a stand-in for the cluster) on a demand curve that reaches the
 * re-spread of a zone ABOVE its level (controller/decide.ts `respreadChoice`): a short spike
 * raises every zone from 1 node to 4, demand falls to 2 nodes' worth before the new nodes take
 * any broker, so each zone waits to scale in with all four brokers (80 MiB/s, above the 50 MiB/s
 * target) on one node. The real reconciler runs; the invariant checker (invariants.ts) judges
 * the history, with random faults interleaved, on 3 zones.
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import {
  aboveLevelDemandAt as demandAt,
  configWithZones,
  expectSettled,
  runSchedule,
  scheduleArb,
} from './chaos-run';
import type { ChaosWorld, Fault } from './chaos-world';
import type { Violation } from './invariants';

interface Run {
  readonly violations: Violation[];
  readonly world: ChaosWorld;
  /** Respreads started by a plan whose zone was above its level. */
  readonly aboveLevelRespreads: number;
}

/** chaos-run.ts `runSchedule` with this file's demand curve, counting above-level respreads. */
async function run(faults: readonly Fault[], config: ControllerConfig): Promise<Run> {
  let aboveLevelRespreads = 0;
  const { violations, world } = await runSchedule(faults, config, {
    demandAt,
    onPass: pass => {
      const action = pass.plan.action;
      if (!pass.acted || action?.kind !== 'respread' || pass.step !== undefined) return;
      const view = pass.plan.zones.find(zone => zone.zone === action.zone);
      if (view !== undefined && view.currentNodes > view.desiredNodes) aboveLevelRespreads++;
    },
  });
  return { violations, world, aboveLevelRespreads };
}

describe('chaos: re-spread of a zone above its level', () => {
  const config = configWithZones(3);

  test('without faults: the branch is reached, moves stay one at a time, the world settles', async () => {
    const { violations, world, aboveLevelRespreads } = await run([], config);
    expect(violations).toEqual([]);
    // Two moves a zone a cycle (4,0,0,0 -> 3,1,0,0 -> 2,1,1,0), three zones, three cycles.
    expect(aboveLevelRespreads).toBe(18);
    expectSettled(world);
  });

  test('random faults on 3 zones: no violation, and the world settles', async () => {
    let reached = 0;
    await fc.assert(
      fc.asyncProperty(scheduleArb, async faults => {
        const result = await run(faults, config);
        if (result.aboveLevelRespreads > 0) reached++;
        expect(result.violations).toEqual([]);
        expectSettled(result.world);
      }),
      { numRuns: 30, seed: 16, endOnFailure: true },
    );
    expect(reached).toBeGreaterThan(20);
  }, 300_000);
});
