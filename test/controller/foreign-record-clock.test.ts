/**
 * Found by a longer chaos sweep of the forecast floor (CHAOS_FORECAST_SEED=505, run 484), and
 * reproduced here on the plain chaos world: a record with a higher fencing token than the
 * leader's (written before the Lease was recreated) is adopted once it has been unchanged for
 * `adoptForeignRecord`, counted from when the reconciler first saw it. Seen while the clock was a
 * day ahead (a `clock-jump`), that time stayed a day ahead once the clock stepped back, so the
 * re-spread's record waited a day in drain (over 50 minutes here: `operation-overdue`) instead of
 * being adopted. The reconciler now restarts such a time at now.
 */
import type { Fault } from './chaos-world';
import { configWithZones, expectSettled, runSchedule } from './chaos-run';

const FAULTS: readonly Fault[] = [
  { atMs: 23_332, kind: 'record-edited', durationMs: 42_454, pick: 895, afterWrite: 123 },
  { atMs: 557_353, kind: 'clock-jump', durationMs: 37_867, pick: 706, afterWrite: 89 },
  { atMs: 1_432_232, kind: 'record-edited', durationMs: 17_511, pick: 655, afterWrite: 82 },
  { atMs: 1_756_515, kind: 'record-deleted', durationMs: 38_192, pick: 290, afterWrite: 120 },
  { atMs: 1_760_426, kind: 'api-timeout', durationMs: 111_424, pick: 874 },
  { atMs: 4_273_697, kind: 'foreign-cordon', durationMs: 70_310, pick: 415, afterWrite: 5 },
  { atMs: 4_796_990, kind: 'node-replaced', durationMs: 138_889, pick: 676, afterWrite: 100 },
  { atMs: 6_228_477, kind: 'crash-restart', durationMs: 25_008, pick: 806, afterWrite: 71 },
  { atMs: 7_161_463, kind: 'lease-recreated', durationMs: 13_032, pick: 226, afterWrite: 90 },
];

describe('a foreign record first seen while the clock ran ahead', () => {
  it('is adopted after adoptForeignRecord once the clock steps back, not a day later', async () => {
    const { violations, world } = await runSchedule(FAULTS, configWithZones(3));
    expect(violations).toEqual([]);
    expectSettled(world);
  });
});
