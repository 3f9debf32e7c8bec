/**
 * The real reconciler against the chaos world on `marginDemandAt` (noise around the 2- and 1-node
 * boundaries, a rise while a removal drains), ramp guard on, no faults: a removal whose zone's
 * demand enters the scale-in margin waits (no move, no unprotect) instead of rolling back, and one
 * that demand overtakes is rolled back, its node kept. Kills the reconciler that leaves
 * `removalMayProceed` out of the step context (the removal then went on inside the margin).
 */
import { DEFAULT_RAMP_HORIZON_SECONDS } from '../../controller/ramp';
import { configWithZones, expectSettled, marginDemandAt, runSchedule } from './chaos-run';

test('on noise around a level boundary, removals wait inside the margin and roll back past the target', async () => {
  const waits: string[] = [];
  const events: string[] = [];
  const { violations, world } = await runSchedule(
    [],
    { ...configWithZones(2), rampHorizonSeconds: DEFAULT_RAMP_HORIZON_SECONDS },
    {
      demandAt: marginDemandAt,
      onPass: pass => {
        if (pass.step?.waiting?.includes('within the scale-in margin') === true) {
          waits.push(pass.step.waiting);
          // A waiting step writes nothing.
          expect(pass.step.effect).toBeUndefined();
        }
        events.push(...(pass.step?.events ?? []));
      },
    },
  );
  expect(violations).toEqual([]);
  expectSettled(world);
  expect(waits.length).toBeGreaterThan(0);
  expect(events.filter(event => event === 'rolled-back').length).toBeLessThan(
    events.filter(event => event === 'instance-terminated').length,
  );
});
