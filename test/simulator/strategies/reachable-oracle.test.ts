import fc from 'fast-check';
import { DEFAULT_TIMINGS } from '../../../simulator/facts';
import {
  cheapestLevelSchedule,
  levelChangeCost,
  runReachableOracle,
  type LevelChangeCost,
} from '../../../simulator/strategies/reachable-oracle';
import { runOracle } from '../../../simulator/strategies/oracle';
import { flat, series, tinyFacts } from '../helpers';

const LEVELS = [1, 2, 4];
const CHANGE: LevelChangeCost = { addMinutes: 3, removeMinutes: 1 };

/** Node-minutes of a schedule under the same rules, counted the plain way. */
function costOf(
  schedule: readonly number[],
  levels: readonly number[],
  zones: number,
  change: LevelChangeCost,
): number {
  let total = 0;
  schedule.forEach((level, minute) => {
    total += zones * levels[level];
    if (minute === 0) return;
    const delta = levels[level] - levels[schedule[minute - 1]];
    total += zones * (delta > 0 ? delta * change.addMinutes : -delta * change.removeMinutes);
  });
  return total;
}

/** Every schedule that starts at the first minute's required level and never goes below it. */
function allSchedules(required: readonly number[], count: number): number[][] {
  let partial: number[][] = [[required[0]]];
  for (let minute = 1; minute < required.length; minute++) {
    partial = partial.flatMap(prefix =>
      Array.from({ length: count - required[minute] }, (_, step) => [
        ...prefix,
        required[minute] + step,
      ]),
    );
  }
  return partial;
}

describe('levelChangeCost', () => {
  it('takes node launch plus one broker restart ahead, and the instance shutdown after', () => {
    expect(levelChangeCost(DEFAULT_TIMINGS)).toEqual({ addMinutes: 3, removeMinutes: 1 });
  });
});

describe('cheapestLevelSchedule', () => {
  it('keeps the level through a dip shorter than the round trip (4 node-minutes per node)', () => {
    // GIVEN level 4 needed, then 3 quiet minutes, then level 4 again
    const required = [2, 2, 0, 0, 0, 2, 2];
    // WHEN scheduled THEN it never drops: dropping 3 nodes for 3 minutes saves 9, costs 12
    expect(cheapestLevelSchedule(required, LEVELS, 1, CHANGE)).toEqual([2, 2, 2, 2, 2, 2, 2]);
  });

  it('drops through a dip longer than the round trip', () => {
    const required = [2, 0, 0, 0, 0, 0, 2];
    // dropping 3 nodes for 5 minutes saves 15 and costs 12
    expect(cheapestLevelSchedule(required, LEVELS, 1, CHANGE)).toEqual([2, 0, 0, 0, 0, 0, 2]);
  });

  it('can stop at an intermediate level when that pays best', () => {
    // 1 node needed for 3 minutes: dropping to 2 nodes saves 2 x 3 = 6 and costs 2 x 4 = 8,
    // dropping to 1 saves 9 and costs 12: it stays
    expect(cheapestLevelSchedule([2, 0, 0, 0, 2], LEVELS, 1, CHANGE)).toEqual([2, 2, 2, 2, 2]);
    // with free changes it follows the requirement exactly
    const free = { addMinutes: 0, removeMinutes: 0 };
    expect(cheapestLevelSchedule([2, 0, 1, 0, 2], LEVELS, 1, free)).toEqual([2, 0, 1, 0, 2]);
  });

  it('returns an empty schedule for no minutes', () => {
    expect(cheapestLevelSchedule([], LEVELS, 3, CHANGE)).toEqual([]);
  });

  it('is the cheapest allowed schedule (property: brute force over short series)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 1, max: 3 }),
        fc.record({
          addMinutes: fc.integer({ min: 0, max: 6 }),
          removeMinutes: fc.integer({ min: 0, max: 3 }),
        }),
        (required, zones, change) => {
          const schedule = cheapestLevelSchedule(required, LEVELS, zones, change);
          schedule.forEach((level, minute) =>
            expect(level).toBeGreaterThanOrEqual(required[minute]),
          );
          expect(schedule[0]).toBe(required[0]);
          const best = Math.min(
            ...allSchedules(required, LEVELS.length).map(each =>
              costOf(each, LEVELS, zones, change),
            ),
          );
          expect(costOf(schedule, LEVELS, zones, change)).toBe(best);
        },
      ),
      { numRuns: 300, seed: 1130 },
    );
  });
});

describe('runReachableOracle', () => {
  // one zone of 2 brokers, levels 1 and 2 nodes, 100 MiB/s baseline, target 60%:
  // 1 node carries 60 MiB/s of producer traffic, 2 nodes 120
  const facts = tinyFacts();

  it('books the launch and shutdown overhead and the moves of each level change', () => {
    const demand = series([...flat(50, 30), ...flat(100, 30), ...flat(50, 30)]);
    const run = runReachableOracle(facts, DEFAULT_TIMINGS, demand);
    const instant = runOracle(facts, demand);
    // one node added (3 min ahead) and removed (1 min after)
    expect(run.books.nodeSeconds).toBe(instant.books.nodeSeconds + (3 + 1) * 60);
    expect(run.books.brokerMoves).toBe(2);
    expect(run.books.overTargetNodeSeconds).toBe(0);
    expect(Array.from(run.series.nodesPerZone[0].slice(28, 32))).toEqual([1, 1, 2, 2]);
  });

  it('rides out a 2-minute lull that the instant oracle drops for', () => {
    const demand = series([...flat(100, 30), ...flat(50, 2), ...flat(100, 30)]);
    const run = runReachableOracle(facts, DEFAULT_TIMINGS, demand);
    expect(run.series.nodesPerZone[0].every(nodes => nodes === 2)).toBe(true);
    expect(run.books.brokerMoves).toBe(0);
    expect(runOracle(facts, demand).books.brokerMoves).toBe(2);
  });
});
