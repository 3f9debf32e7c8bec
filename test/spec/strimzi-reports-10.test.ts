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
        'kafka.topics[0].partitions: 20000 partitions cannot be created: Kafka\'s KRaft controller writes a topic\'s creation as one batch of at most 10000 metadata records (one for the topic, one for each of its 1 configuration keys, one per partition) and refuses any request of more than 10000 partitions ("Excessively large number of partitions per request", apache/kafka#17604), so the KafkaTopic would stay NotReady for good (teslamotors/kafka-helmsman#82); use at most 9998 partitions for kafka.topics[0], or split the data over several topics',
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

function parseSpecOrUndefined(input: PlatformSpecInput): ReturnType<typeof parseSpec> | undefined {
  try {
    return parseSpec(input);
  } catch {
    return undefined;
  }
}
