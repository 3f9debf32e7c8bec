/**
 * Adversarial review of `demandRising` (`controller/ramp.ts`) and its use by the empty-node window
 * (`decide`): what its bound does and does not guarantee, and how it reads the ramp samples after a
 * restart, a gap in the data and a clock step.
 *
 * Test config as in `noisy-rise.test.ts`: levels 1/2/4, baseline 100 MiB/s, target 0.5, margin
 * 0.1, window 600 s, empty-node window 180 s, a pass every 30 s, ramp guard on (180 s).
 */
import {
  demandRising,
  nextRampSamples,
  RAMP_KEEP_MS,
  RISING_MIN_MIBPS,
  zoneRamp,
} from '../../controller/ramp';
import { NOW_MS } from './fixtures';
import { run, samplesOf, SHORT_PASS } from './empty-node-rise-harness';

describe('the bound is all that is guaranteed', () => {
  test('+1 MiB/s a minute under other noise within +-2 MiB/s: a low pass after five high ones lets the empty node go at the short window', () => {
    // 2.5 MiB/s over the 150 s kept, under 2a + 1 = 5 MiB/s: outside the bound. The pass at 180 s
    // is 2 MiB/s low after five passes 2 MiB/s high, so it is the lowest of its samples.
    const demands = Array.from(
      { length: SHORT_PASS + 1 },
      (_, index) => 30 + index / 2 + (index % SHORT_PASS === 0 ? -2 : 2),
    );
    const plans = run(demands);
    expect(plans.slice(2, SHORT_PASS).every(plan => plan.zones[0].rampRising === true)).toBe(true);
    expect(plans[SHORT_PASS].zones[0].rampRising).toBe(false);
    expect(plans[SHORT_PASS].action?.kind).toBe('scale-in');
    // The same six samples are what a flat demand under +-2 MiB/s of noise gives.
    const kept = demands.slice(1);
    expect(Math.max(...kept) - Math.min(...kept)).toBeLessThanOrEqual(4);
  });

  test('a rise of exactly 2a + 1 MiB/s over the samples need not count; any more does', () => {
    const a = 1.5;
    const rise = 2 * a + RISING_MIN_MIBPS;
    // Oldest high by a, latest low by a: latest - lowest = rise - 2a = RISING_MIN_MIBPS.
    expect(demandRising(samplesOf([100 + a, 100 + rise / 2, 100 + rise - a]))).toBe(false);
    expect(demandRising(samplesOf([100 + a, 100 + rise / 2, 100 + rise - a + 0.01]))).toBe(true);
  });
});

describe('the samples after a restart, a gap and a clock step', () => {
  const levels = { balancedNodeCounts: [1, 2, 4], nodeBaselineMiBps: 100 };

  test('blind after a restart or a gap longer than the samples are kept: never rising', () => {
    expect(zoneRamp(nextRampSamples(undefined, NOW_MS, 90), 1, 180, levels)).toMatchObject({
      blind: true,
      rising: false,
    });
    const before = samplesOf([10, 10, 10]);
    const afterGap = nextRampSamples(before, NOW_MS + 60_000 + RAMP_KEEP_MS + 1, 90);
    expect(afterGap).toHaveLength(1);
    expect(zoneRamp(afterGap, 1, 180, levels)).toMatchObject({ blind: true, rising: false });
  });

  test('a clock stepped back drops the samples from the future: blind, not rising or falling', () => {
    const before = samplesOf([80, 90, 100]);
    const stepped = nextRampSamples(before, NOW_MS + 30_000, 20);
    expect(stepped.map(sample => sample.atMs)).toEqual([NOW_MS, NOW_MS + 30_000]);
    expect(zoneRamp(stepped, 1, 180, levels)).toMatchObject({ blind: true, rising: false });
  });

  test('uneven spacing: a rise between two passes a metric minute apart counts; within it not', () => {
    expect(demandRising(samplesOf([10, 12], 55_000))).toBe(true);
    expect(demandRising(samplesOf([10, 12], 54_999))).toBe(false);
    // A sample in between that is lower still is the one compared with.
    expect(
      demandRising([
        { atMs: NOW_MS, demandMiBps: 12 },
        { atMs: NOW_MS + 10_000, demandMiBps: 5 },
        { atMs: NOW_MS + 60_000, demandMiBps: 6.5 },
      ]),
    ).toBe(true);
  });
});
