/**
 * Review of the tenth round (topic partitions against KRaft's creation limits, compacted topics
 * whose roll jitter reaches the compaction deadline): a valid spec the checks refused, and members
 * of the same fault class they let through. Each case names its evidence.
 */
import fc from 'fast-check';
import type { PlatformSpecInput } from '../../spec';
import { specInput, specProblems } from '../util/specs';

type Config = Record<string, string | number | boolean>;
type TopicInput = NonNullable<PlatformSpecInput['kafka']['topics']>[number];

/** A 3-zone, 3-brokers-a-zone spec with these topics and broker config. */
function withTopics(topics: TopicInput[], config: Config = {}): PlatformSpecInput {
  const base = specInput(3, 3);
  return { ...base, kafka: { ...base.kafka, topics, config } };
}

describe('review: the roll jitter Kafka draws is below 2^31', () => {
  // apache/kafka storage LogConfig.randomSegmentJitter: the jitter is
  // Utils.abs(ThreadLocalRandom.current().nextInt()) % min(segment.jitter.ms, segment.ms), an int
  // draw, so it never reaches 2^31 - 1 ms (about 24.8 days) whatever the configured bound. A
  // compaction deadline of 30 days is therefore never reached by the jitter, and no segment rolls
  // at every write; the check refused it.
  it('accepts a 60-day jitter bound against a 30-day compaction lag (the draw stays below 2^31 ms)', () => {
    const input = withTopics([
      {
        name: 'profiles',
        partitions: 3,
        config: {
          'cleanup.policy': 'compact',
          'max.compaction.lag.ms': 2592000000,
          'segment.jitter.ms': 5184000000,
          'segment.ms': 7776000000,
        },
      },
    ]);
    expect(specProblems(input)).toEqual([]);
  });

  it('still throws when the compaction deadline is below 2^31 ms, with the share of the int draw', () => {
    const input = withTopics([
      {
        name: 'profiles',
        partitions: 3,
        config: {
          'cleanup.policy': 'compact',
          'max.compaction.lag.ms': 1073741824,
          'segment.jitter.ms': 8589934592,
          'segment.ms': 8589934592,
        },
      },
    ]);
    const problems = specProblems(input);
    expect(problems).toHaveLength(1);
    // Half of the 2^31 draws reach 2^30; not 87% (1 - 2^30 / 2^33).
    expect(problems[0]).toContain('about 50% of the segments');
  });

  it('refuses a compacted topic exactly when some int draw below min(jitter, segment.ms) reaches the deadline', () => {
    const ms = fc.integer({ min: 1, max: 10_000_000_000 });
    fc.assert(
      fc.property(ms, ms, ms, (jitter, lag, segment) => {
        const input = withTopics([
          {
            name: 'a',
            partitions: 3,
            config: {
              'cleanup.policy': 'compact',
              'segment.jitter.ms': jitter,
              'max.compaction.lag.ms': lag,
              'segment.ms': segment,
            },
          },
        ]);
        const found = specProblems(input).filter(p => p.includes('linkedin/kafka#521'));
        // The largest jitter Kafka draws: below min(jitter, segment.ms) and at most 2^31 - 1.
        const largest = Math.min(jitter - 1, segment - 1, 2 ** 31 - 1);
        expect(found).toHaveLength(largest >= Math.min(lag, segment) ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });
});
