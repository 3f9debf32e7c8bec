/**
 * Round 15: an index size that holds no time index entry (spec/segment-roll.ts `indexRollIssues`),
 * the second way after a roll jitter above the compaction deadline to make Kafka roll a new segment
 * at every write. The CLI refusal is in strimzi-reports-15-cli.test.ts.
 */
import fc from 'fast-check';
import { INDEX_SIZE_KEYS, TIME_INDEX_ENTRY_BYTES } from '../../spec/segment-roll';
import { kafkaConfigProblems, specInput, specProblems } from '../util/specs';

function topicProblems(value: string | number): string[] {
  const base = specInput(3, 1);
  return specProblems({
    ...base,
    kafka: {
      ...base.kafka,
      topics: [{ name: 'events', partitions: 12, config: { [INDEX_SIZE_KEYS.topic]: value } }],
    },
  }).filter(problem => problem.startsWith('kafka.topics[0].config'));
}

function brokerProblems(value: string | number): string[] {
  return kafkaConfigProblems({ [INDEX_SIZE_KEYS.broker]: value }).filter(problem =>
    problem.startsWith(`kafka.config["${INDEX_SIZE_KEYS.broker}"]`),
  );
}

describe('round 15, class: an index size below one time index entry (a roll at every write)', () => {
  // apache/kafka LogSegment.shouldRoll rolls when the offset or time index is full; an index is
  // sized down to whole entries, and a time index entry is 12 bytes, so 4-11 bytes hold none.
  it('throws when a topic sets segment.index.bytes to 4 (Kafka lower bound)', () => {
    expect(topicProblems(4)).toEqual([
      'kafka.topics[0].config["segment.index.bytes"]: 4 bytes holds no time index entry (12 bytes each), so the index of this topic ("events") is full from the start and Kafka rolls a new segment at every write (LogSegment.shouldRoll rolls when an index is full), a segment with its index files and memory maps per produce batch until the broker runs out of file handles or map areas (linkedin/kafka#521); use at least 4096 (Kafka\'s default is 10485760), or remove segment.index.bytes',
    ]);
  });

  it('property: 4-11 are refused once at either key, 12 and above pass, below 4 only by range', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(topicProblems, brokerProblems),
        fc.integer({ min: 4, max: TIME_INDEX_ENTRY_BYTES - 1 }),
        fc.integer({ min: TIME_INDEX_ENTRY_BYTES, max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 3 }),
        (problemsOf, small, fits, belowBound) => {
          expect(problemsOf(small)).toEqual([expect.stringContaining('holds no time index entry')]);
          expect(problemsOf(String(fits))).toEqual([]);
          expect(problemsOf(belowBound)).toEqual([expect.stringContaining('is out of range')]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
