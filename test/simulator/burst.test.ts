import fc from 'fast-check';
import { burstCeilingMiBps, burstInterval, fullBurstCreditMiB } from '../../simulator/burst';
import { ClusterModel } from '../../simulator/cluster';
import { flat, series, timings, tinyFacts } from './helpers';

describe('burstInterval', () => {
  it('earns credits below the baseline, up to the full bucket', () => {
    expect(burstInterval(60, 100, 400, 1000, 500, 10)).toEqual({
      creditMiB: 900,
      throttledSeconds: 0,
    });
    expect(burstInterval(0, 100, 400, 1000, 500, 10)).toEqual({
      creditMiB: 1000,
      throttledSeconds: 0,
    });
  });

  it('spends credits above the baseline and throttles the part of the interval they do not cover', () => {
    expect(burstInterval(150, 100, 400, 1000, 1000, 10)).toEqual({
      creditMiB: 500,
      throttledSeconds: 0,
    });
    // 250 MiB of credit cover 5 of the 10 seconds at 50 MiB/s above the baseline
    expect(burstInterval(150, 100, 400, 1000, 250, 10)).toEqual({
      creditMiB: 0,
      throttledSeconds: 5,
    });
  });

  it('throttles above the ceiling whatever the credits', () => {
    expect(burstInterval(500, 100, 400, 1e6, 1e6, 10).throttledSeconds).toBe(10);
  });

  it('keeps credits within the bucket and throttled time within the interval (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (load, fill) => {
          const max = 3000;
          const out = burstInterval(load, 100, 400, max, max * fill, 10);
          expect(out.creditMiB).toBeGreaterThanOrEqual(0);
          expect(out.creditMiB).toBeLessThanOrEqual(max + 1e-9);
          expect(out.throttledSeconds).toBeGreaterThanOrEqual(0);
          expect(out.throttledSeconds).toBeLessThanOrEqual(10);
          if (load <= 100) expect(out.throttledSeconds).toBe(0);
        },
      ),
    );
  });
});

describe('burst facts', () => {
  it('knows the "up to" figure of m6i.2xlarge and gives unknown types no burst', () => {
    expect(burstCeilingMiBps('m6i.2xlarge', 372.5)).toBeCloseTo(1490.1, 1);
    expect(burstCeilingMiBps('x9.huge', 372.5)).toBe(372.5);
    expect(fullBurstCreditMiB(100, 400, 300)).toBe(90_000);
  });
});

describe('ClusterModel: above baseline versus throttled', () => {
  it('runs a hot node on credits for a while, then counts it throttled', () => {
    // GIVEN one node of baseline 100 MiB/s, ceiling 200, a bucket lasting 60 s at the ceiling
    // (6000 MiB), and 2 brokers at 60 MiB/s each (120 on the node, 20 above baseline)
    const facts = tinyFacts({ nodeBurstCeilingMiBps: 200 });
    const cluster = new ClusterModel(
      facts,
      timings({ burstSeconds: 60 }),
      series(flat(120, 20)),
      1,
    );
    for (let tick = 0; tick < 6 * 20; tick++) cluster.step();
    // THEN it is above baseline all 20 minutes, and throttled once 6000 MiB / 20 MiB/s = 300 s are spent
    expect(cluster.books.overloadedNodeSeconds).toBe(1200);
    expect(cluster.books.throttledNodeSeconds).toBeCloseTo(900, 3);
  });
});
