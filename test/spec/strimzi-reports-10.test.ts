/**
 * Tenth round of spec validation against public Strimzi and Kafka reports: configurations the spec
 * let through that leave a topic uncreated, a broker rolling a segment per write, or every classic
 * consumer group unable to join. Each report is one test that cites it; each class gets a
 * fast-check property over the whole class.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import { topicSpec } from '../../charts/kafka/topics';
import {
  KRAFT_MAX_PARTITIONS_PER_REQUEST,
  KRAFT_MAX_RECORDS_PER_OPERATION,
} from '../../spec/topic-partitions';
import { CLIENT_SESSION_DEFAULTS } from '../../spec/classic-group-session';
import { specInput, specProblems } from '../util/specs';

type Config = Record<string, string | number | boolean>;
type TopicInput = NonNullable<PlatformSpecInput['kafka']['topics']>[number];

/** A 3-zone, 1-broker-a-zone spec with these topics and broker config. */
function withTopics(topics: TopicInput[], config: Config = {}): PlatformSpecInput {
  const base = specInput(3, 1);
  return { ...base, kafka: { ...base.kafka, topics, config } };
}

/** The problems at one path prefix. */
function problemsAt(input: PlatformSpecInput, prefix: string): string[] {
  return specProblems(input).filter(problem => problem.startsWith(prefix));
}

describe('class: a topic with more partitions than the KRaft controller creates in one request', () => {
  // https://github.com/apache/kafka/pull/17604 (KAFKA-17870, Kafka 4.0): the controller refuses a
  // CreateTopics request of more than 10000 partitions ("Excessively large number of partitions
  // per request."); https://github.com/teslamotors/kafka-helmsman/pull/82 hit it creating topics.
  // The spec allowed up to 100000 partitions, so the KafkaTopic stayed NotReady for good.
  it('throws when a topic asks for 20000 partitions (apache/kafka#17604, teslamotors/kafka-helmsman#82)', () => {
    expect(problemsAt(withTopics([{ name: 'clicks', partitions: 20000 }]), 'kafka.topics')).toEqual(
      [
        "kafka.topics[0].partitions: 20000 partitions cannot be created: Kafka's KRaft controller writes a topic's creation as one batch of at most 10000 metadata records (one for the topic, one for each of its 1 configuration keys, one per partition) and refuses any request of more than 10000 partitions (\"Excessively large number of partitions per request\", apache/kafka#17604), so the KafkaTopic would stay NotReady for good (teslamotors/kafka-helmsman#82); use at most 9998 partitions for kafka.topics[0], or spread its data over several topics (the Kafka chart sizes the Topic Operator's batches so that topics which fit alone are created)",
      ],
    );
  });

  // https://github.com/apache/kafka/pull/13742 (KAFKA-14996): the records of one creation (the
  // topic, each config key, each partition) must fit 10000, so 10000 partitions do not.
  it('counts the topic record and each config key the KafkaTopic sets against the record limit', () => {
    expect(problemsAt(withTopics([{ name: 'a', partitions: 9998 }]), 'kafka.topics')).toEqual([]);
    expect(problemsAt(withTopics([{ name: 'a', partitions: 9999 }]), 'kafka.topics')).toHaveLength(
      1,
    );
    const configured = withTopics([
      { name: 'a', partitions: 9996, config: { 'retention.ms': 3600000, 'segment.ms': 600000 } },
    ]);
    expect(problemsAt(configured, 'kafka.topics')).toEqual([]);
    const over = withTopics([
      { name: 'a', partitions: 9997, config: { 'retention.ms': 3600000, 'segment.ms': 600000 } },
    ]);
    expect(problemsAt(over, 'kafka.topics')[0]).toContain('use at most 9996 partitions');
  });

  it('refuses exactly the topics whose creation exceeds the record or partition limit', () => {
    const keys = ['retention.ms', 'segment.ms', 'cleanup.policy', 'min.insync.replicas'] as const;
    const values: Config = {
      'retention.ms': 3600000,
      'segment.ms': 600000,
      'cleanup.policy': 'delete',
      'min.insync.replicas': 2,
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12000 }),
        fc.subarray([...keys]),
        (partitions, chosen) => {
          const config = Object.fromEntries(chosen.map(key => [key, values[key]!]));
          const input = withTopics([{ name: 'a', partitions, config }]);
          const loaded = parseSpecOrUndefined(input);
          const refused = problemsAt(input, 'kafka.topics[0].partitions').length === 1;
          // The records Kafka writes for the rendered KafkaTopic: the topic, its config, partitions.
          const rendered =
            loaded === undefined ? undefined : topicSpec(loaded.spec, loaded.spec.kafka.topics[0]!);
          const configKeys = Object.keys(
            rendered?.config ?? { 'min.insync.replicas': 2, ...config },
          ).length;
          const fits =
            partitions <= KRAFT_MAX_PARTITIONS_PER_REQUEST &&
            1 + configKeys + partitions <= KRAFT_MAX_RECORDS_PER_OPERATION;
          expect(refused).toBe(!fits);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** The warnings (`path: message`) of a spec that passes. */
function warningsOf(input: PlatformSpecInput): string[] {
  return parseSpec(input).warnings.map(w => `${w.path}: ${w.message}`);
}

function parseSpecOrUndefined(input: PlatformSpecInput): ReturnType<typeof parseSpec> | undefined {
  try {
    return parseSpec(input);
  } catch {
    return undefined;
  }
}

describe('class: a compacted topic whose segment roll jitter reaches its compaction deadline', () => {
  // https://github.com/linkedin/kafka/pull/521: "if logRollTimeJitterMillis is larger than
  // maxCompactionLagMs, the log roll time can be as short as 0 millisecond so that new segments are
  // rolling out on every new message", which exhausted file handles and crashed the broker. Apache
  // Kafka 4.x computes the roll time the same way (LogConfig.maxSegmentMs, randomSegmentJitter,
  // LogSegment.shouldRoll) and has no guard.
  it('throws when a compacted topic has a 1-day jitter and a 1-hour compaction lag (linkedin/kafka#521)', () => {
    const input = withTopics([
      {
        name: 'profiles',
        partitions: 6,
        config: {
          'cleanup.policy': 'compact',
          'max.compaction.lag.ms': 3600000,
          'segment.jitter.ms': 86400000,
        },
      },
    ]);
    expect(problemsAt(input, 'kafka.topics')).toEqual([
      'kafka.topics[0].config["segment.jitter.ms"]: a roll jitter of up to 86400000 (kafka.topics[0].config["segment.jitter.ms"]) reaches the compaction deadline max.compaction.lag.ms 3600000 (kafka.topics[0].config["max.compaction.lag.ms"]) of this compacted topic ("profiles"): Kafka rolls a compacted topic\'s segment once it is min(segment.ms, max.compaction.lag.ms) old less a jitter drawn per segment below min(segment.jitter.ms, segment.ms), so about 95% of the segments are due at once and roll at every write, a new segment with its index files and memory maps per produce batch until the broker runs out of file handles or map areas (linkedin/kafka#521); keep the jitter well below the lag (segment.jitter.ms below max.compaction.lag.ms), or remove it',
    ]);
  });

  it("throws for the broker defaults, which Kafka's compacted __consumer_offsets takes", () => {
    const input = withTopics([{ name: 'events', partitions: 6 }], {
      'log.roll.jitter.hours': 2,
      'log.cleaner.max.compaction.lag.ms': 3600000,
    });
    const problems = specProblems(input);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^kafka\.config\["log\.roll\.jitter\.hours"\]: a roll jitter of up to 7200000 \(kafka\.config\["log\.roll\.jitter\.hours"\]\) reaches the compaction deadline .* of Kafka's compacted topics \(__consumer_offsets, __transaction_state/,
    );
    expect(problems[0]).toContain('about 50% of the segments');
  });

  it('accepts a jitter up to the lag, any jitter on a topic that is not compacted, and the defaults', () => {
    const topic = (config: Config): PlatformSpecInput =>
      withTopics([{ name: 'a', partitions: 3, config }]);
    expect(
      specProblems(
        topic({
          'cleanup.policy': 'compact',
          'max.compaction.lag.ms': 3600000,
          'segment.jitter.ms': 3600000,
        }),
      ),
    ).toEqual([]);
    expect(
      specProblems(
        topic({ 'cleanup.policy': 'delete', 'max.compaction.lag.ms': 1, 'segment.jitter.ms': 9e7 }),
      ),
    ).toEqual([]);
    expect(specProblems(topic({ 'cleanup.policy': 'compact,delete' }))).toEqual([]);
  });

  it('refuses exactly the settings where some segment of a compacted topic rolls at every write', () => {
    const ms = fc.integer({ min: 1, max: 400_000_000 });
    const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
    const level = fc.record({
      jitter: maybe(ms),
      lag: maybe(ms),
      segment: maybe(ms),
      policy: maybe(fc.constantFrom('compact', 'delete', 'compact,delete', 'delete, compact')),
    });
    fc.assert(
      fc.property(level, level, (topicLevel, brokerLevel) => {
        const topicConfig: Config = {
          ...(topicLevel.jitter === undefined ? {} : { 'segment.jitter.ms': topicLevel.jitter }),
          ...(topicLevel.lag === undefined ? {} : { 'max.compaction.lag.ms': topicLevel.lag }),
          ...(topicLevel.segment === undefined ? {} : { 'segment.ms': topicLevel.segment }),
          ...(topicLevel.policy === undefined ? {} : { 'cleanup.policy': topicLevel.policy }),
        };
        const brokerConfig: Config = {
          ...(brokerLevel.jitter === undefined ? {} : { 'log.roll.jitter.ms': brokerLevel.jitter }),
          ...(brokerLevel.lag === undefined
            ? {}
            : { 'log.cleaner.max.compaction.lag.ms': brokerLevel.lag }),
          ...(brokerLevel.segment === undefined ? {} : { 'log.roll.ms': brokerLevel.segment }),
          ...(brokerLevel.policy === undefined ? {} : { 'log.cleanup.policy': brokerLevel.policy }),
        };
        const input = withTopics([{ name: 'a', partitions: 3, config: topicConfig }], brokerConfig);
        const rollProblems = specProblems(input).filter(p => p.includes('linkedin/kafka#521'));
        // Kafka's rule, restated: a jitter value in [0, min(J, S)) at or above min(L, S) exists.
        const rollsEveryWrite = (
          compacted: boolean,
          j?: number,
          l?: number,
          s?: number,
        ): boolean => {
          const segment = s ?? 168 * 3_600_000;
          const jitter = j ?? 0;
          if (!compacted || l === undefined || jitter === 0) return false;
          return Math.min(jitter, segment) - 1 >= Math.min(l, segment);
        };
        const isCompact = (policy?: string): boolean =>
          policy !== undefined && policy.split(',').some(part => part.trim() === 'compact');
        const brokerSetsAny = Object.keys(brokerConfig).some(key => key !== 'log.cleanup.policy');
        const brokerFault =
          brokerSetsAny &&
          rollsEveryWrite(true, brokerLevel.jitter, brokerLevel.lag, brokerLevel.segment);
        const topicFault =
          Object.keys(topicConfig).length > 0 &&
          rollsEveryWrite(
            isCompact(topicLevel.policy ?? brokerLevel.policy),
            topicLevel.jitter ?? brokerLevel.jitter,
            topicLevel.lag ?? brokerLevel.lag,
            topicLevel.segment ?? brokerLevel.segment,
          );
        expect(rollProblems.filter(p => p.startsWith('kafka.config[')).length).toBe(
          brokerFault ? 1 : 0,
        );
        expect(rollProblems.filter(p => p.startsWith('kafka.topics[0]')).length).toBe(
          topicFault ? 1 : 0,
        );
        for (const found of rollProblems) expect(found).toMatch(/keep the jitter well below/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('class: a classic group session timeout range that refuses the clients joining it', () => {
  const MIN = 'group.min.session.timeout.ms';
  const MAX = 'group.max.session.timeout.ms';
  const sessionFindings = (found: string[]): string[] =>
    found.filter(
      p => p.startsWith(`kafka.config["${MIN}"]`) || p.startsWith(`kafka.config["${MAX}"]`),
    );

  // https://github.com/dpkp/kafka-python/issues/837: a consumer in production failed to join with
  // InvalidSessionTimeoutError, the broker refusing a session timeout outside its range. Kafka 4.x
  // still refuses such a JoinGroup and does not check the classic range at start, so a minimum
  // above the maximum refuses every classic member, Connect workers and default Java consumers.
  it('throws when the minimum is above the maximum (dpkp/kafka-python#837)', () => {
    expect(sessionFindings(specProblems(withTopics([], { [MIN]: 2000000 })))).toEqual([
      'kafka.config["group.min.session.timeout.ms"]: group.min.session.timeout.ms 2000000 is above group.max.session.timeout.ms 1800000 (Kafka\'s default), so no session timeout fits: Kafka starts, but answers every classic-protocol JoinGroup with INVALID_SESSION_TIMEOUT, and Kafka Connect workers and consumers and Kafka Streams applications on the classic protocol (the Java consumer\'s default) never join their groups (dpkp/kafka-python#837); make group.min.session.timeout.ms at most group.max.session.timeout.ms, with 45000 and 10000 inside the range',
    ]);
  });

  // https://github.com/zendesk/ruby-kafka/issues/186: a session timeout above the broker's maximum
  // (then 30000) was refused with InvalidSessionTimeout. Today's client default is 45000.
  it('warns when the maximum leaves out the 45000 default of Java consumers (zendesk/ruby-kafka#186)', () => {
    const input = withTopics([], { [MAX]: 30000 });
    expect(sessionFindings(specProblems(input))).toEqual([]);
    expect(sessionFindings(warningsOf(input))).toEqual([
      'kafka.config["group.max.session.timeout.ms"]: the classic group session timeout range (group.min.session.timeout.ms 6000 (Kafka\'s default) to group.max.session.timeout.ms 30000 ms) leaves out the default session.timeout.ms 45000 (the Java consumer, Kafka Streams and librdkafka), so such a client left at its default fails to join its group with INVALID_SESSION_TIMEOUT (dpkp/kafka-python#837, zendesk/ruby-kafka#186); widen the range, or make sure every such client sets a session.timeout.ms inside it',
    ]);
  });

  it('says nothing for the defaults, written out or left out, or a range holding both client defaults', () => {
    const configs: Config[] = [{}, { [MIN]: 6000, [MAX]: 1800000 }, { [MIN]: 10000, [MAX]: 45000 }];
    for (const config of configs) {
      const input = withTopics([], config);
      expect(sessionFindings(specProblems(input))).toEqual([]);
      expect(sessionFindings(warningsOf(input))).toEqual([]);
    }
  });

  it('refuses exactly the empty ranges and warns exactly for the others that leave out a client default', () => {
    const timeout = fc.oneof(
      fc.integer({ min: 0, max: 3_000_000 }),
      fc.constantFrom(9999, 10000, 10001, 44999, 45000, 45001),
    );
    fc.assert(
      fc.property(
        fc.option(timeout, { nil: undefined }),
        fc.option(timeout, { nil: undefined }),
        (min, max) => {
          const config: Config = {
            ...(min === undefined ? {} : { [MIN]: min }),
            ...(max === undefined ? {} : { [MAX]: max }),
          };
          const input = withTopics([], config);
          const low = min ?? 6000;
          const high = max ?? 1800000;
          const set = min !== undefined || max !== undefined;
          const problems = sessionFindings(specProblems(input));
          expect(problems).toHaveLength(set && low > high ? 1 : 0);
          if (problems.length > 0) return;
          const leavesOut = CLIENT_SESSION_DEFAULTS.some(([t]) => t < low || t > high);
          expect(sessionFindings(warningsOf(input))).toHaveLength(set && leavesOut ? 1 : 0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
