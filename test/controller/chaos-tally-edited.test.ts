/**
 * The chaos world (chaos-world.ts) with people editing the rollback loop breaker's tally
 * (`tally-edited`, controller/rollback-loop.ts) among the usual faults. The world's node writers
 * answer resource versions (read-your-writes, own-writes.ts) and keep the tally the controller
 * writes, so the breaker and the version chain run under every fault. An edited tally must hold
 * nothing, or hold only until its own stamp's backoff ends: the invariant checker (invariants.ts)
 * judges the history and the world must settle. Eight schedules by default;
 * `CHAOS_TALLY_RUNS` and `CHAOS_TALLY_SEED` run more.
 */
import fc from 'fast-check';
import { configWithZones, expectSettled, faultArbOf, runSchedule } from './chaos-run';
import { FAULT_KINDS, REVIEW_S25_FAULT_KINDS } from './chaos-world';

const runs = Number(process.env.CHAOS_TALLY_RUNS ?? '8');
const seed = Number(process.env.CHAOS_TALLY_SEED ?? '25');

test('chaos with edited rollback tallies: no invariant broken, the world settles', async () => {
  let held = 0;
  await fc.assert(
    fc.asyncProperty(
      fc
        .tuple(
          fc.array(faultArbOf(FAULT_KINDS), { minLength: 1, maxLength: 20 }),
          fc.array(faultArbOf(REVIEW_S25_FAULT_KINDS), { minLength: 4, maxLength: 20 }),
        )
        .map(([faults, edits]) => [...faults, ...edits].sort((a, b) => a.atMs - b.atMs)),
      fc.constantFrom(2, 3),
      async (faults, zones) => {
        const { violations, world } = await runSchedule(faults, configWithZones(zones), {
          onPass: pass => {
            if (pass.plan.zones.some(zone => zone.rollbackLoopHeld !== undefined)) held++;
          },
        });
        expect(violations).toEqual([]);
        expectSettled(world);
      },
    ),
    { numRuns: runs, seed, endOnFailure: true },
  );
  // Some edit held a zone (a count at the limit whose backoff was ending), and it let go.
  expect(held).toBeGreaterThan(0);
}, 600_000);
