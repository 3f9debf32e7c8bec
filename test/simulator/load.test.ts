import fc from 'fast-check';
import { demandAt, peakOf, scaleToPeak } from '../../simulator/demand';
import { SimulationInputError } from '../../simulator/errors';
import { parseSyntheticPattern, syntheticDemand } from '../../simulator/synthetic';
import {
  demandFromCsv,
  parseTimestamp,
  parseTraceCsv,
  resampleToMinutes,
} from '../../simulator/trace';

describe('trace loading', () => {
  it('reads NAB timestamps as UTC and resamples 5-minute readings to 1-minute steps', () => {
    const points = parseTraceCsv(
      'timestamp,value\n2014-04-10 00:00:00,10\n2014-04-10 00:05:00,60\n2014-04-10 00:10:00,10\n',
    );
    expect(points[0].atMs).toBe(Date.UTC(2014, 3, 10));
    const { startMs, values } = resampleToMinutes(points);
    expect(startMs).toBe(Date.UTC(2014, 3, 10));
    expect([...values]).toEqual([10, 20, 30, 40, 50, 60, 50, 40, 30, 20, 10]);
  });

  it('averages readings within one minute and bridges gaps linearly, in any order', () => {
    const { values } = resampleToMinutes([
      { atMs: 180_000, value: 4 },
      { atMs: 0, value: 1 },
      { atMs: 30_000, value: 3 },
    ]);
    const expected = [2, 8 / 3, 10 / 3, 4];
    expect(values.length).toBe(expected.length);
    expected.forEach((value, i) => expect(values[i]).toBeCloseTo(value, 9));
  });

  it('scales so the peak equals the requested MiB/s and cuts to --days', () => {
    const rows = Array.from(
      { length: 3 * 1440 },
      (_, i) => `${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},${(i % 1440) + 1}`,
    );
    const demand = demandFromCsv(`timestamp,value\n${rows.join('\n')}`, {
      peakMiBps: 500,
      days: 2,
      source: 'ramp.csv',
    });
    expect(demand.producerMiBps.length).toBe(2 * 1440);
    expect(peakOf(demand.producerMiBps)).toBeCloseTo(500, 9);
    expect(demandAt(demand, demand.startMs + 1439 * 60_000 + 30_000)).toBeCloseTo(500, 9);
  });

  it('throws when --days is longer than the trace, saying how long it is', () => {
    const text = 'timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 12:00:00,2\n';
    expect(() => demandFromCsv(text, { peakMiBps: 1, days: 3, source: 'half.csv' })).toThrow(
      /--days: 3 is longer than the trace half.csv \(0\.5 days\); use --days 0\.5 or leave it out/,
    );
  });

  it.each([
    ['time,bytes\n2024-01-01 00:00:00,1\n', /the first line is "time,bytes"/],
    [
      'timestamp,value\n2024-01-01 00:00:00,abc\n2024-01-01 00:01:00,1\n',
      /line 2 .* not "timestamp,value"/,
    ],
    ['timestamp,value\nyesterday,1\n2024-01-01 00:01:00,1\n', /line 2 "yesterday,1"/],
    ['timestamp,value\n2024-01-01 00:00:00,-1\n2024-01-01 00:01:00,1\n', /non-negative/],
    ['timestamp,value\n2024-01-01 00:00:00,1\n', /fewer than 2 readings/],
  ])('throws on a bad trace (%#), naming --trace', (text, message) => {
    expect(() => parseTraceCsv(text)).toThrow(SimulationInputError);
    expect(() => parseTraceCsv(text)).toThrow(message);
  });

  it('parses epoch seconds and ISO timestamps', () => {
    expect(parseTimestamp('1700000000')).toBe(1_700_000_000_000);
    expect(parseTimestamp('2024-01-01T01:00:00Z')).toBe(Date.UTC(2024, 0, 1, 1));
    expect(parseTimestamp('not a date')).toBeUndefined();
  });

  it('scaling keeps the shape (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 1, max: 5000, noNaN: true }),
        (values, peak) => {
          const scaled = scaleToPeak(values, peak);
          const top = peakOf(values);
          if (top === 0) return scaled.every(value => value === 0);
          return (
            Math.abs(peakOf(scaled) - peak) < 1e-6 * peak &&
            values.every((value, i) => Math.abs(scaled[i] - (value / top) * peak) < 1e-6 * peak)
          );
        },
      ),
    );
  });
});

describe('synthetic daily load', () => {
  it('parses daily:<ratio> and rejects anything else, naming --synthetic', () => {
    expect(parseSyntheticPattern('daily:3')).toEqual({ peakToTroughRatio: 3 });
    expect(parseSyntheticPattern('daily:1.5')).toEqual({ peakToTroughRatio: 1.5 });
    for (const bad of ['daily', 'daily:0.5', 'weekly:3', 'daily:x']) {
      expect(() => parseSyntheticPattern(bad)).toThrow(
        /--synthetic: .* write daily:<peak\/trough ratio>/,
      );
    }
  });

  it('peaks at the requested MiB/s with about the requested peak/trough ratio on weekdays', () => {
    const demand = syntheticDemand({ peakToTroughRatio: 3, days: 1, noiseShare: 0 }, 900);
    const values = [...demand.producerMiBps];
    expect(Math.max(...values)).toBeCloseTo(900, 6);
    expect(Math.max(...values) / Math.min(...values)).toBeCloseTo(3, 2);
    expect(values.indexOf(Math.max(...values))).toBe(15 * 60);
  });

  it('is lower on weekends and reproducible from its seed', () => {
    const week = syntheticDemand({ peakToTroughRatio: 2, days: 7, seed: 5 }, 800);
    const dayPeak = (day: number) =>
      Math.max(...week.producerMiBps.subarray(day * 1440, (day + 1) * 1440));
    expect(dayPeak(5)).toBeLessThan(dayPeak(2) * 0.9);
    const again = syntheticDemand({ peakToTroughRatio: 2, days: 7, seed: 5 }, 800);
    expect(again.producerMiBps).toEqual(week.producerMiBps);
    const other = syntheticDemand({ peakToTroughRatio: 2, days: 7, seed: 6 }, 800);
    expect(other.producerMiBps).not.toEqual(week.producerMiBps);
  });

  it('adds a 30-minute flash spike that becomes the peak', () => {
    const demand = syntheticDemand(
      { peakToTroughRatio: 2, days: 2, noiseShare: 0, flashSpike: true },
      800,
    );
    const values = [...demand.producerMiBps];
    const top = values.indexOf(Math.max(...values));
    expect(top).toBeGreaterThanOrEqual(1440 + 600);
    expect(top).toBeLessThan(1440 + 630);
  });
});
