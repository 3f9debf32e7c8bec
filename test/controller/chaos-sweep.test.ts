/**
 * The long chaos sweep, off by default (`npm test` stays fast): the property of chaos.test.ts on
 * more schedules and other seeds. Set `CONTROLLER_CHAOS_RUNS` to the number of schedules (and
 * optionally `CONTROLLER_CHAOS_SEED`, default 1; `CONTROLLER_CHAOS_KINDS`, a comma-separated list
 * of fault kinds to draw from instead of all of `FAULT_KINDS` (any kind of any review's list, or
 * `every` for all the lists together); `CONTROLLER_CHAOS_DEMAND=above-level` for the
 * demand curve of chaos-above-level.test.ts instead of chaos.test.ts's, `margin` for
 * `marginDemandAt` with the ramp guard on; `CONTROLLER_CHAOS_FULL_WINDOW` and
 * `CONTROLLER_CHAOS_EMPTY_WINDOW`, seconds, for `scaleInStabilizationSeconds` and
 * `emptyNodeStabilizationSeconds` instead of the chaos configuration's 120 s and its default, which
 * equals the full window there; the empty-node window only shows with a longer full window, for
 * example 600 and 0 on the above-level curve):
 *
 *   CONTROLLER_CHAOS_RUNS=2000 CONTROLLER_CHAOS_SEED=7 npx jest test/controller/chaos-sweep.test.ts
 *
 * A failing schedule is shrunk and printed by fast-check; keep it as a regression test.
 */
import fc from 'fast-check';
import {
  FAULT_KINDS,
  LEFTOVERS_FAULT_KINDS,
  REVIEW_4_FAULT_KINDS,
  REVIEW_5_FAULT_KINDS,
  REVIEW_S23_FAULT_KINDS,
  SCALE_OUT_FAULT_KINDS,
  type FaultKind,
} from './chaos-world';
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_RAMP_HORIZON_SECONDS } from '../../controller/ramp';
import {
  aboveLevelDemandAt,
  marginDemandAt,
  configWithZones,
  expectSettled,
  faultArbOf,
  runSchedule,
} from './chaos-run';

const runs = Number(process.env.CONTROLLER_CHAOS_RUNS ?? '0');
const seed = Number(process.env.CONTROLLER_CHAOS_SEED ?? '1');
/** Every fault kind the chaos world knows: the main list and each review's own. */
const EVERY_FAULT_KIND: readonly FaultKind[] = [
  ...FAULT_KINDS,
  ...REVIEW_4_FAULT_KINDS,
  ...LEFTOVERS_FAULT_KINDS,
  ...REVIEW_5_FAULT_KINDS,
  ...REVIEW_S23_FAULT_KINDS,
  ...SCALE_OUT_FAULT_KINDS,
];
const kinds = (process.env.CONTROLLER_CHAOS_KINDS ?? '')
  .split(',')
  .map(kind => kind.trim())
  .filter(kind => kind !== '')
  .flatMap(kind => (kind === 'every' ? [...EVERY_FAULT_KIND] : [kind]));
for (const kind of kinds) {
  if (!(EVERY_FAULT_KIND as readonly string[]).includes(kind)) {
    throw new Error(
      `CONTROLLER_CHAOS_KINDS: unknown fault kind ${kind}; known: ${EVERY_FAULT_KIND.join(', ')}, or every`,
    );
  }
}

const demand = process.env.CONTROLLER_CHAOS_DEMAND ?? 'cycles';
if (demand !== 'cycles' && demand !== 'above-level' && demand !== 'margin') {
  throw new Error(
    `CONTROLLER_CHAOS_DEMAND: ${demand} is not a demand curve; use cycles, above-level or margin`,
  );
}

/** A window from the environment, seconds; undefined when unset. */
function windowFromEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined) return undefined;
  if (!(Number(value) >= 0)) {
    throw new Error(`${name}: ${value} is not a number of seconds; use 0 or more`);
  }
  return Number(value);
}
const fullWindow = windowFromEnv('CONTROLLER_CHAOS_FULL_WINDOW');
const emptyWindow = windowFromEnv('CONTROLLER_CHAOS_EMPTY_WINDOW');
const withWindow = (config: ControllerConfig): ControllerConfig => ({
  ...config,
  ...(fullWindow === undefined ? {} : { scaleInStabilizationSeconds: fullWindow }),
  ...(emptyWindow === undefined ? {} : { emptyNodeStabilizationSeconds: emptyWindow }),
});

const sweep = runs > 0 ? test : test.skip;

describe('long chaos sweep (CONTROLLER_CHAOS_RUNS)', () => {
  sweep(
    `${runs} schedules from seed ${seed}: no violation, and the world settles`,
    async () => {
      const drawn = kinds.length === 0 ? [...FAULT_KINDS] : (kinds as FaultKind[]);
      const schedule = fc
        .array(faultArbOf(drawn), { minLength: 1, maxLength: 60 })
        .map(faults => [...faults].sort((a, b) => a.atMs - b.atMs));
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(schedule, fc.constantFrom(2, 3), async (faults, zones) => {
          // The margin curve runs with the ramp guard on, so its floor meets the removal rules.
          const { violations, world } = await runSchedule(
            faults,
            withWindow(
              demand === 'margin'
                ? { ...configWithZones(zones), rampHorizonSeconds: DEFAULT_RAMP_HORIZON_SECONDS }
                : configWithZones(zones),
            ),
            demand === 'above-level'
              ? { demandAt: aboveLevelDemandAt }
              : demand === 'margin'
                ? { demandAt: marginDemandAt }
                : {},
          );
          expect(violations).toEqual([]);
          expectSettled(world);
        }),
        { numRuns: runs, seed, endOnFailure: true },
      );
      process.stdout.write(
        `chaos sweep: ${runs} schedules, seed ${seed}, demand ${demand}, windows ${fullWindow ?? 'default'}/${emptyWindow ?? 'default'} s, kinds ${kinds.length === 0 ? 'all' : kinds.join(',')}, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
    },
    24 * 3_600_000,
  );
});
