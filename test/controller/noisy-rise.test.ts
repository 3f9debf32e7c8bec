/**
 * "Is demand rising?" for the empty-node window (`demandRising` in `controller/ramp.ts`): the
 * latest demand more than `RISING_MIN_MIBPS` above the lowest of all the ramp guard's samples
 * (about 150 s), not the rise over the last minute of one pass, so noise can neither hide a slow
 * rise nor fake one for long.
 *
 * Test config: levels 1/2/4, 4 brokers a zone, baseline 100 MiB/s, target 0.5 (a node carries
 * 50 MiB/s), margin 0.1 (level 1 takes at most 45 MiB/s to scale in to), window 600 s, empty-node
 * window 180 s, a pass every 30 s, ramp guard on (180 s look-ahead).
 */
import fc from 'fast-check';
import {
  demandRising,
  RAMP_KEEP_MS,
  RISING_MIN_MIBPS,
  type RampSample,
} from '../../controller/ramp';
import type { Plan } from '../../controller/decide';
import { config, PASS_MS, run, samplesOf, SHORT_PASS } from './empty-node-rise-harness';

/** The pass at which the full window (600 s) has: 20. */
const FULL_PASS = (config.scaleInStabilizationSeconds * 1000) / PASS_MS;
/** The earlier samples kept at each pass (150 s at 30 s): 5. */
const EARLIER_SAMPLES = RAMP_KEEP_MS / PASS_MS;

const firstScaleIn = (plans: readonly Plan[]): number =>
  plans.findIndex(plan => plan.action?.kind === 'scale-in');

/** Noise in [-1, 1], to be scaled; the extremes often, as the worst cases sit there. */
const unitNoiseArb = (length: number): fc.Arbitrary<number[]> =>
  fc.array(fc.oneof(fc.constantFrom(-1, 1), fc.double({ min: -1, max: 1, noNaN: true })), {
    minLength: length,
    maxLength: length,
  });

describe('a slow rise under noise keeps the full window for the empty node', () => {
  test("the review's case: +1 MiB/s a minute with +-2 MiB/s of noise; the node goes only after the full window", () => {
    // Judged by the last minute, the rise was negative at every fourth pass (+1 - 4 MiB/s): the
    // node went at the first such pass past the short window (pass 7, 210 s).
    const noise = [0, 2, 0, -2];
    const demands = Array.from(
      { length: FULL_PASS + 1 },
      (_, index) => 30 + index / 2 + noise[index % 4],
    );
    const plans = run(demands);
    expect(firstScaleIn(plans)).toBe(FULL_PASS);
    for (const plan of plans.slice(SHORT_PASS, FULL_PASS)) {
      expect(plan.zones[0].rampRising).toBe(true);
      expect(plan.detail).not.toContain('empty');
    }
  });

  test('property: a steady rise R over the span with noise within +-a, R - 2a above 1 MiB/s, keeps the full window', () => {
    fc.assert(
      fc.property(
        // The rise a pass, MiB/s, and how much of the room above 1 MiB/s the noise's range takes.
        fc.double({ min: 0.3, max: 1.1, noNaN: true }),
        fc.oneof(fc.constant(0.99), fc.double({ min: 0, max: 0.99, noNaN: true })),
        unitNoiseArb(FULL_PASS + 1),
        (risePerPass, share, unitNoise) => {
          const riseOverSpan = risePerPass * EARLIER_SAMPLES;
          const amplitude = (share * (riseOverSpan - RISING_MIN_MIBPS)) / 2;
          // Demand ends at no more than 44 MiB/s: level 1 carries the zone at every pass.
          const start = 44 - amplitude - risePerPass * FULL_PASS;
          const demands = unitNoise.map(
            (unit, index) => start + risePerPass * index + amplitude * unit,
          );
          const plans = run(demands);
          expect(plans.slice(SHORT_PASS).every(plan => plan.zones[0].rampRising === true)).toBe(
            true,
          );
          expect(firstScaleIn(plans)).toBe(FULL_PASS);
        },
      ),
      { numRuns: 60, seed: 17 },
    );
  });
});

/** Most passes in a row a flat demand with noise within +-`amplitude` counts as rising. */
const flatBound = (amplitude: number): number =>
  2 * amplitude <= RISING_MIN_MIBPS
    ? 0
    : EARLIER_SAMPLES * (Math.ceil((2 * amplitude) / RISING_MIN_MIBPS) - 1);

describe('flat demand with bounded noise: the short window is delayed boundedly', () => {
  test('property: noise within +-a delays the empty node at most 5 x (ceil(2a / 1 MiB/s) - 1) passes, none for a <= 0.5', () => {
    // Bound (`demandRising`): a pass that counts has a sample among the 5 before it more than
    // 1 MiB/s lower; a chain of those from the last pass of a run drops more than 1 MiB/s a link
    // and cannot drop further than the noise's range 2a.
    fc.assert(
      fc.property(
        fc.double({ min: 10, max: 40, noNaN: true }),
        fc.oneof(
          fc.constantFrom(0.25, 0.5, 0.75, 1, 1.5),
          fc.double({ min: 0, max: 1.5, noNaN: true }),
        ),
        unitNoiseArb(FULL_PASS + 1),
        (level, amplitude, unitNoise) => {
          const plans = run(unitNoise.map(unit => level + amplitude * unit));
          const first = firstScaleIn(plans);
          expect(first).toBeGreaterThanOrEqual(SHORT_PASS);
          expect(first).toBeLessThanOrEqual(SHORT_PASS + flatBound(amplitude));
        },
      ),
      { numRuns: 100, seed: 17 },
    );
  });

  test('an adversarial drift: noise that climbs just fast enough counts for most of what the bound allows', () => {
    // +0.21 MiB/s a pass from 30 - 1.5 (1.05 MiB/s over the 5 passes before: rising) until it
    // stops at 30 + 1.5 (a = 1.5, bound 10 passes) at pass 15: 9 passes past the short window's
    // 6, not the full window.
    const demands = Array.from({ length: FULL_PASS + 1 }, (_, index) =>
      Math.min(30 + 1.5, 30 - 1.5 + 0.21 * index),
    );
    const plans = run(demands);
    expect(plans[SHORT_PASS].zones[0].rampRising).toBe(true);
    expect(firstScaleIn(plans)).toBe(15);
    expect(flatBound(1.5)).toBe(10);
  });
});

describe('demandRising', () => {
  test('the latest more than 1 MiB/s above the lowest of the samples; less than a metric minute: never', () => {
    expect(demandRising(samplesOf([10, 20]))).toBe(false);
    expect(demandRising([])).toBe(false);
    expect(demandRising(samplesOf([40, 40, 40 + RISING_MIN_MIBPS]))).toBe(false);
    expect(demandRising(samplesOf([40, 40, 40 + RISING_MIN_MIBPS + 0.01]))).toBe(true);
    // A recovery after a dip counts (as the one-minute rise did); the latest as the lowest never.
    expect(demandRising(samplesOf([45, 41, 38, 40]))).toBe(true);
    expect(demandRising(samplesOf([38, 42, 44, 37.5]))).toBe(false);
  });

  test('property: a line rising R over the samples under noise within +-a counts when R - 2a > 1 MiB/s; a flat one never when 2a <= 1 MiB/s', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 12 }).chain(count => unitNoiseArb(count)),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (unitNoise, share, riseOverSpan) => {
          const steps = unitNoise.length - 1;
          const samples = (rise: number, amplitude: number): RampSample[] =>
            samplesOf(
              unitNoise.map((unit, index) => 100 + (rise * index) / steps + amplitude * unit),
            );
          if (riseOverSpan > RISING_MIN_MIBPS) {
            expect(
              demandRising(samples(riseOverSpan, (share * (riseOverSpan - RISING_MIN_MIBPS)) / 2)),
            ).toBe(true);
          }
          expect(demandRising(samples(0, (share * RISING_MIN_MIBPS) / 2))).toBe(false);
        },
      ),
      { numRuns: 300, seed: 17 },
    );
  });
});
