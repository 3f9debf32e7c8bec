/**
 * The chaos world (chaos-world.ts, a stand-in for the cluster) with the forecast floor and the ramp
 * guard both on, so the forecast may confirm a descent and waive the scale-in margin
 * (`descentConfirmed` in controller/decide.ts); no other chaos test runs both (chaos-forecast has
 * no ramp guard, the margin sweep no forecast). Demand noisy around the 2-node and 1-node
 * boundaries (`marginDemandAt`, every zone at one level) or at different levels per zone
 * (`splitLevelsDemandAt`, `sameLevelInAllZones: false`); each zone's forecast is `ok` at a drawn
 * figure from 0 to 120 MiB/s, so it confirms some descents, denies others, and is sometimes wrong
 * (below a rise that comes). The real reconciler runs; the invariant checker (invariants.ts)
 * judges the history, and the world must settle. Six schedules a curve by default;
 * `CHAOS_DESCENT_RUNS` and `CHAOS_DESCENT_SEED` run more (300 a curve from seeds 11 and 12
 * passed in review, with about 4,800 and 5,700 scale-ins started with the margin waived).
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import { DEFAULT_RAMP_HORIZON_SECONDS } from '../../controller/ramp';
import {
  configWithZones,
  expectSettled,
  faultArbOf,
  marginDemandAt,
  runSchedule,
  splitLevelsDemandAt,
} from './chaos-run';
import { FAULT_KINDS } from './chaos-world';
import { zoneForecasts } from './fixtures';

const runs = Number(process.env.CHAOS_DESCENT_RUNS ?? '6');
const seed = Number(process.env.CHAOS_DESCENT_SEED ?? '5');

describe.each(['margin', 'split'] as const)(
  'chaos with the descent waiver on (%s curve)',
  curve => {
    test('breaks no invariant, settles, and scales in with the margin waived', async () => {
      let waived = 0;
      await fc.assert(
        fc.asyncProperty(
          fc
            .array(faultArbOf(FAULT_KINDS), { minLength: 1, maxLength: 40 })
            .map(faults => [...faults].sort((a, b) => a.atMs - b.atMs)),
          fc.constantFrom(2, 3),
          fc.integer({ min: 0, max: 120 }),
          async (faults, zones, forecastMiBps) => {
            const config: ControllerConfig = {
              ...configWithZones(zones),
              forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 600 },
              rampHorizonSeconds: DEFAULT_RAMP_HORIZON_SECONDS,
              ...(curve === 'split' ? { sameLevelInAllZones: false } : {}),
            };
            const { violations, world } = await runSchedule(faults, config, {
              ...(curve === 'split'
                ? { zoneDemandAt: splitLevelsDemandAt }
                : { demandAt: marginDemandAt }),
              newObserveHook: () => async observed => ({
                ...observed,
                forecast: zoneForecasts(config, forecastMiBps),
              }),
              onPass: pass => {
                if (
                  pass.plan.action?.kind === 'scale-in' &&
                  pass.plan.detail.includes('no scale-in margin')
                )
                  waived++;
              },
            });
            expect(violations).toEqual([]);
            expectSettled(world);
          },
        ),
        { numRuns: runs, seed, endOnFailure: true },
      );
      // The schedules did start removals inside the margin, on the forecast's confirmation.
      expect(waived).toBeGreaterThan(0);
    }, 600_000);
  },
);
