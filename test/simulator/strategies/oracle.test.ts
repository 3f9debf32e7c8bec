import fc from 'fast-check';
import {
  countIndexForDemand,
  efficientNodeCounts,
  movesBetweenLevels,
} from '../../../simulator/strategies/oracle';
import { tinyFacts } from '../helpers';

describe('efficientNodeCounts', () => {
  const facts = (brokersPerZone: number, min: number, max: number) =>
    tinyFacts({ brokersPerZone, minNodesPerZone: min, maxNodesPerZone: max });

  it('is the balanced levels for 4 brokers, and adds the counts that carry more in between', () => {
    expect(efficientNodeCounts(facts(4, 1, 4))).toEqual([1, 2, 4]);
    expect(efficientNodeCounts(facts(8, 1, 8))).toEqual([1, 2, 3, 4, 8]);
    expect(efficientNodeCounts(facts(6, 2, 6))).toEqual([2, 3, 6]);
    expect(efficientNodeCounts(facts(4, 1, 6))).toEqual([1, 2, 4]);
  });

  it('holds every divisor in range, and each count carries strictly fewer brokers a node', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 30 }),
        (brokers, min, span) => {
          const counts = efficientNodeCounts(facts(brokers, min, min + span));
          for (let count = min; count <= min + span; count++) {
            if (brokers % count === 0 && count <= brokers) expect(counts).toContain(count);
          }
          const busiest = counts.map(count => Math.ceil(brokers / count));
          busiest.slice(1).forEach((each, index) => expect(each).toBeLessThan(busiest[index]));
          // No count left out carries fewer brokers a node than every smaller count in the list.
          for (let count = min; count <= min + span; count++) {
            const smaller = counts.filter(each => each < count);
            const fewest = Math.min(...smaller.map(each => Math.ceil(brokers / each)));
            if (!counts.includes(count)) expect(Math.ceil(brokers / count)).toBe(fewest);
          }
        },
      ),
      { numRuns: 300, seed: 88 },
    );
  });
});

describe('movesBetweenLevels', () => {
  it('moves the even share of each node added or removed', () => {
    expect(movesBetweenLevels(4, 1, 2)).toBe(2);
    expect(movesBetweenLevels(4, 4, 1)).toBe(3);
    expect(movesBetweenLevels(4, 2, 2)).toBe(0);
    // 8 brokers, 2 -> 3 nodes: the third node takes at least floor(8 / 3) = 2.
    expect(movesBetweenLevels(8, 2, 3)).toBe(2);
  });
});

describe('countIndexForDemand', () => {
  // One zone of 8 brokers, 100 MiB/s baseline, target 60%: a broker carries producer / 8.
  const facts = tinyFacts({ brokersPerZone: 8, maxNodesPerZone: 8 });
  const counts = [1, 2, 3, 4, 8];

  it('picks the lowest count whose busiest node stays within the utilization', () => {
    // 3 nodes carry 3 brokers each: up to 160 MiB/s; 2 nodes carry 4 each: up to 120.
    expect(counts[countIndexForDemand(facts, counts, 120, 0.6)]).toBe(2);
    expect(counts[countIndexForDemand(facts, counts, 150, 0.6)]).toBe(3);
    expect(counts[countIndexForDemand(facts, counts, 160, 0.6)]).toBe(3);
  });

  it('falls back to the highest count when none is enough', () => {
    expect(countIndexForDemand(facts, counts, 10_000, 0.6)).toBe(counts.length - 1);
  });
});
