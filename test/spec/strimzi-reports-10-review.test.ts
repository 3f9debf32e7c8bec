/**
 * Review of the tenth round (topic partitions against KRaft's creation limits, compacted topics
 * whose roll jitter reaches the compaction deadline): a valid spec the checks refused, and members
 * of the same fault class they let through. Each case names its evidence.
 */
import fc from 'fast-check';
import type { PlatformSpecInput } from '../../spec';
import { topicOperatorBatchSize } from '../../spec/topic-partitions';
import { specInput, specProblems } from '../util/specs';

type Config = Record<string, string | number | boolean>;
type TopicInput = NonNullable<PlatformSpecInput['kafka']['topics']>[number];

/** A 3-zone, 3-brokers-a-zone spec with these topics and broker config. */
function withTopics(topics: TopicInput[], config: Config = {}): PlatformSpecInput {
  const base = specInput(3, 3);
  return { ...base, kafka: { ...base.kafka, topics, config } };
}

describe('review: topics that the Topic Operator creates together in one request', () => {
  // The unidirectional Topic Operator creates the new KafkaTopics of one batch (up to
  // STRIMZI_MAX_BATCH_SIZE, 100 by default) with one Admin.createTopics call
  // (strimzi-kafka-operator topic-operator BatchingTopicController.createTopics, DESIGN.md
  // "Batching"); Kafka's controller counts partitions (validateTotalNumberOfPartitions) and
  // metadata records (one BoundedList for the whole request) over every topic of the request
  // (apache/kafka ReplicationControlManager.createTopics; its test creates two topics of 5000 and
  // one of 1 and expects "Excessively large number of partitions per request."). Two topics of 6000
  // partitions each passed and rendered the default batch size, so on a fresh cluster both (and
  // every topic batched with them) stayed NotReady. The Kafka chart now sizes the batches
  // (test/charts/kafka-chart.test.ts checks the rendering against the CRD).
  /** Topics of these partitions, the i-th with `keys[i]` extra config keys (default none). */
  const topicsOf = (partitions: readonly number[], keys: readonly number[] = []): TopicInput[] =>
    partitions.map((p, i) => ({
      name: `t${i}`,
      partitions: p,
      config: Object.fromEntries(
        Array.from({ length: keys[i] ?? 0 }, (_, k) => [`x${k}`, 'v'] as const),
      ),
    }));
  /** Every batch of `size` of these topics fits both limits (checked on every worst subset). */
  const batchFits = (topics: readonly TopicInput[], size: number): boolean => {
    const records = topics.map(t => 2 + Object.keys(t.config ?? {}).length + t.partitions);
    const worst = (values: number[]): number =>
      [...values]
        .sort((a, b) => b - a)
        .slice(0, size)
        .reduce((sum, v) => sum + v, 0);
    return worst(records) <= 10000 && worst(topics.map(t => t.partitions)) <= 10000;
  };
  const sizeOf = (topics: readonly TopicInput[]): number =>
    topicOperatorBatchSize(topics.map(t => ({ partitions: t.partitions, config: t.config ?? {} })));

  it('two topics of 6000 partitions each: accepted, created one per request', () => {
    const input = withTopics([
      { name: 'clicks', partitions: 6000 },
      { name: 'views', partitions: 6000 },
      { name: 'small', partitions: 3 },
    ]);
    expect(specProblems(input)).toEqual([]);
    expect(sizeOf(topicsOf([6000, 6000, 3]))).toBe(1);
  });

  it('keeps the default where the largest 100 topics fit one request, and no more than fits', () => {
    const many = (count: number, partitions: number): TopicInput[] =>
      topicsOf(Array.from({ length: count }, () => partitions));
    // 150 topics of 60 partitions: 100 of them need 6200 records.
    expect(sizeOf(many(150, 60))).toBe(100);
    // 100 topics of 99 partitions: 101 records each, 99 of them fit (9999).
    expect(sizeOf(many(100, 99))).toBe(99);
    // 4998 + 2 records each: exactly the limit together.
    expect(sizeOf(topicsOf([4998, 4998]))).toBe(100);
    expect(sizeOf(topicsOf([4998, 4999]))).toBe(1);
    // A topic over the limit alone is refused once, and not counted.
    const single = specProblems(withTopics([{ name: 'a', partitions: 20000 }]));
    expect(single).toHaveLength(1);
    expect(single[0]).toContain('20000 partitions cannot be created');
  });

  it('property: the worst batch at the rendered size fits, and one more topic would not (or all fit)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            partitions: fc.oneof(
              fc.integer({ min: 1, max: 6000 }),
              fc.integer({ min: 1, max: 200 }),
            ),
            keys: fc.integer({ min: 0, max: 400 }),
          }),
          { minLength: 1, maxLength: 120 },
        ),
        drawn => {
          const topics = topicsOf(
            drawn.map(t => t.partitions),
            drawn.map(t => t.keys),
          );
          const size = sizeOf(topics);
          expect(size).toBeGreaterThanOrEqual(1);
          expect(size).toBeLessThanOrEqual(100);
          expect(batchFits(topics, size)).toBe(true);
          if (size < 100) expect(batchFits(topics, size + 1)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});

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

describe("review: Kafka's own topics past the creation limit", () => {
  // Kafka creates __consumer_offsets and __transaction_state with a CreateTopics request of its own
  // (AutoTopicCreationManager), with offsets.topic.num.partitions / transaction.state.log.num.partitions
  // partitions and the configs of GroupCoordinatorService.groupMetadataTopicConfigs (cleanup.policy,
  // compression.type, segment.bytes) and TransactionStateManager.transactionTopicConfigs (also
  // min.insync.replicas and unclean.leader.election.enable); the same 10000-record limit applies
  // (apache/kafka ReplicationControlManager.createTopics). Topics created without a partition count
  // (auto-created ones) take num.partitions and no configs. The spec let 10000 through for each.
  it.each([
    ['offsets.topic.num.partitions', 9996],
    ['transaction.state.log.num.partitions', 9994],
    ['num.partitions', 9999],
  ])('refuses %s above %i', (key, max) => {
    expect(specProblems(withTopics([{ name: 'a', partitions: 3 }], { [key]: max }))).toEqual([]);
    const found = specProblems(withTopics([{ name: 'a', partitions: 3 }], { [key]: max + 1 }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      new RegExp(`^kafka\\.config\\["${key.replace(/\./g, '\\.')}"\\]: ${max + 1} partitions `),
    );
    expect(found[0]).toContain(`use at most ${max}`);
  });
});
