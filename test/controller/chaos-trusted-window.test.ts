/**
 * The chaos world (chaos-world.ts) with the forecast floor and the ramp guard on, as
 * chaos-descent.test.ts, and the forecast's recent error (`ZoneForecast.recentErrorMiBps`) drawn
 * as 0 (trusted: a removal whose descent the forecast confirms waits the 180 s empty-node window,
 * `forecastTrusted` in controller/decide.ts) or unknown (the full window). The real reconciler
 * runs under the fault schedules; the invariant checker (invariants.ts) judges the history, and
 * the world must settle. Six schedules a curve by default; `CHAOS_TRUSTED_RUNS` and
 * `CHAOS_TRUSTED_SEED` run more.
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

const runs = Number(process.env.CHAOS_TRUSTED_RUNS ?? '6');
const seed = Number(process.env.CHAOS_TRUSTED_SEED ?? '16');

describe.each(['margin', 'split'] as const)(
  'chaos with a trusted forecast shortening the window (%s curve)',
  curve => {
    test('breaks no invariant, settles, and scales in on the short window', async () => {
      let trustedRemovals = 0;
      await fc.assert(
        fc.asyncProperty(
          fc
            .array(faultArbOf(FAULT_KINDS), { minLength: 1, maxLength: 40 })
            .map(faults => [...faults].sort((a, b) => a.atMs - b.atMs)),
          fc.constantFrom(2, 3),
          fc.integer({ min: 0, max: 120 }),
          fc.constantFrom<number | undefined>(0, 0, undefined),
          async (faults, zones, forecastMiBps, recentErrorMiBps) => {
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
                forecast: zoneForecasts(config, forecastMiBps).map(zone =>
                  recentErrorMiBps === undefined ? zone : { ...zone, recentErrorMiBps },
                ),
              }),
              onPass: pass => {
                const action = pass.plan.action;
                if (
                  action?.kind === 'scale-in' &&
                  pass.plan.zones.some(zone => zone.zone === action.zone && zone.forecastTrusted)
                )
                  trustedRemovals++;
              },
            });
            expect(violations).toEqual([]);
            expectSettled(world);
          },
        ),
        { numRuns: runs, seed, endOnFailure: true },
      );
      // The schedules did start removals from zones whose forecast was trusted.
      expect(trustedRemovals).toBeGreaterThan(0);
    }, 600_000);
  },
);
