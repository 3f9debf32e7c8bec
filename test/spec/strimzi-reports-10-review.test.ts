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

describe('review: topics that the Topic Operator creates together in one request', () => {
  // The unidirectional Topic Operator creates the new KafkaTopics of one batch (up to
  // STRIMZI_MAX_BATCH_SIZE, 100 by default) with one Admin.createTopics call
  // (strimzi-kafka-operator topic-operator BatchingTopicController.createTopics, DESIGN.md
  // "Batching"); Kafka's controller counts partitions (validateTotalNumberOfPartitions) and
  // metadata records (one BoundedList for the whole request) over every topic of the request
  // (apache/kafka ReplicationControlManager.createTopics; its test creates two topics of 5000 and
  // one of 1 and expects "Excessively large number of partitions per request."). Two topics of 6000
  // partitions each passed, but on a fresh cluster both (and every topic batched with them) stay
  // NotReady.
  it('throws when two topics of 6000 partitions each would be created in one request', () => {
    const problems = specProblems(
      withTopics([
        { name: 'clicks', partitions: 6000 },
        { name: 'views', partitions: 6000 },
        { name: 'small', partitions: 3 },
      ]),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^kafka\.topics\[0\]\.partitions: 6000 /);
    for (const part of [
      '"clicks" (6000 partitions)',
      '"views" (6000 partitions)',
      '12009 metadata records',
      'Excessively large number of partitions per request',
      'BatchingTopicController',
      'at most 10000 records',
      'use at most 3991 partitions for kafka.topics[0] with the others as they are',
    ])
      expect(problems[0]).toContain(part);
  });

  it('accepts topics whose creation together fits one request, and reports a single oversized topic once', () => {
    // 4998 + 2 records each: 10000 records together, the limit.
    expect(
      specProblems(
        withTopics([
          { name: 'a', partitions: 4998 },
          { name: 'b', partitions: 4998 },
        ]),
      ),
    ).toEqual([]);
    expect(
      specProblems(
        withTopics([
          { name: 'a', partitions: 4998 },
          { name: 'b', partitions: 4999 },
        ]),
      ),
    ).toHaveLength(1);
    const single = specProblems(withTopics([{ name: 'a', partitions: 20000 }]));
    expect(single).toHaveLength(1);
    expect(single[0]).toContain('20000 partitions cannot be created');
  });

  it('counts the largest 100 topics, one Topic Operator batch', () => {
    const many = (count: number, partitions: number): TopicInput[] =>
      Array.from({ length: count }, (_, i) => ({ name: `t${i}`, partitions }));
    // 150 topics of 60 partitions: 100 of them need 6200 records.
    expect(specProblems(withTopics(many(150, 60)))).toEqual([]);
    // 100 topics of 99 partitions: 9900 partitions, but 10100 records.
    const found = specProblems(withTopics(many(100, 99)));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^kafka\.topics\[0\]\.partitions: 99 partitions fit one creation alone, but with the spec's other topics they need 10100 metadata records \(9900 partitions\): "t0" \(99 partitions\), .* and 95 more\./,
    );
    expect(found[0]).toContain('use fewer partitions over these topics');
  });

  it('refuses exactly the topic sets whose largest batch exceeds the record limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6000 }), { minLength: 1, maxLength: 5 }),
        counts => {
          const topics = counts.map((partitions, i) => ({ name: `t${i}`, partitions }));
          const records = counts.reduce((sum, p) => sum + 2 + p, 0);
          const found = specProblems(withTopics(topics)).filter(p =>
            p.includes('BatchingTopicController'),
          );
          expect(found).toHaveLength(records > 10000 ? 1 : 0);
        },
      ),
      { numRuns: 150 },
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
