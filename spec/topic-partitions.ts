/**
 * How many partitions one `kafka.topics[]` entry may have: as many as the KRaft controller writes
 * in one topic creation.
 *
 * The Topic Operator creates a KafkaTopic with a CreateTopics request, together with the other new
 * KafkaTopics of its batch (`topicOperatorBatchSize` below sizes the batches so that they fit). The KRaft controller of Kafka 4.x answers it
 * with one atomic batch of metadata records, and refuses the request when the batch would be too
 * large:
 * - more than 10000 partitions in the request: "Excessively large number of partitions per
 *   request." (a PolicyViolationException; apache/kafka#17604, KAFKA-17870, in Kafka 4.0; tools
 *   that created large topics hit it, teslamotors/kafka-helmsman#82,
 *   StephenSorriaux/ansible-kafka-admin#176);
 * - more than 10000 records in the batch (`MAX_RECORDS_PER_USER_OP`, apache/kafka#13742,
 *   KAFKA-14996): the controller collects, in one bounded list, one topic record, one config record
 *   per configuration key of the request and one partition record per partition.
 *
 * Either way the topic is never created: the KafkaTopic stays NotReady at every reconciliation and
 * nothing in the spec changes that. The keys of a topic's request are those the KafkaTopic sets
 * (`charts/kafka/topics.ts`: `min.insync.replicas` and the topic's own `config`), so a topic may
 * have at most 10000 - 1 - (its config keys) partitions; with `min.insync.replicas` alone, 9998.
 */
import type { SpecIssue } from './errors';
import type { TopicSpec } from './schema';
import { configWholeNumber } from './config-values';

/** What these limits read of a topic: its partition count and its own config keys. */
export type TopicCreation = Pick<TopicSpec, 'partitions' | 'config'>;

/** The KRaft controller's record limit of one user operation (`MAX_RECORDS_PER_USER_OP`). */
export const KRAFT_MAX_RECORDS_PER_OPERATION = 10000;
/** The KRaft controller's partition limit of one CreateTopics request (KAFKA-17870). */
export const KRAFT_MAX_PARTITIONS_PER_REQUEST = 10000;

/** The configuration keys the topic's KafkaTopic sets (the rendered `spec.config`). */
export function renderedTopicConfigKeys(topic: TopicCreation): string[] {
  return [...new Set(['min.insync.replicas', ...Object.keys(topic.config)])];
}

/** The most partitions this topic may have so that Kafka creates it. */
export function maxTopicPartitions(topic: TopicCreation): number {
  const byRecords = KRAFT_MAX_RECORDS_PER_OPERATION - 1 - renderedTopicConfigKeys(topic).length;
  return Math.min(KRAFT_MAX_PARTITIONS_PER_REQUEST, byRecords);
}

/**
 * The problem of `kafka.topics[index].partitions`, if any: below 1, or more than the controller
 * writes in one creation (see the module comment).
 */
export function topicPartitionsProblem(topic: TopicCreation, index: number): string | undefined {
  const max = maxTopicPartitions(topic);
  if (topic.partitions < 1)
    return `${topic.partitions} is out of range; use 1 to ${max} partitions`;
  if (topic.partitions <= max) return undefined;
  const keys = renderedTopicConfigKeys(topic).length;
  return `${topic.partitions} partitions cannot be created: Kafka's KRaft controller writes a topic's creation as one batch of at most ${KRAFT_MAX_RECORDS_PER_OPERATION} metadata records (one for the topic, one for each of its ${keys} configuration keys, one per partition) and refuses any request of more than ${KRAFT_MAX_PARTITIONS_PER_REQUEST} partitions ("Excessively large number of partitions per request", apache/kafka#17604), so the KafkaTopic would stay NotReady for good (teslamotors/kafka-helmsman#82); use at most ${max} partitions for kafka.topics[${index}], or spread its data over several topics (the Kafka chart sizes the Topic Operator's batches so that topics which fit alone are created)`;
}

/**
 * Strimzi's default Topic Operator batch size (`STRIMZI_MAX_BATCH_SIZE`): how many KafkaTopic
 * events one batch holds, and so how many new KafkaTopics it creates with one CreateTopics request.
 */
export const TOPIC_OPERATOR_DEFAULT_BATCH_SIZE = 100;

/** The metadata records of one topic's creation: the topic, its config keys, its partitions. */
export function topicCreationRecords(topic: TopicCreation): number {
  return 1 + renderedTopicConfigKeys(topic).length + topic.partitions;
}

/**
 * The Topic Operator batch size the Kafka chart renders for these topics
 * (`entityOperator.template.topicOperatorContainer.env` `STRIMZI_MAX_BATCH_SIZE`), 1 to
 * `TOPIC_OPERATOR_DEFAULT_BATCH_SIZE`; the default (100) means nothing is rendered.
 *
 * Why: the unidirectional Topic Operator reconciles KafkaTopic events in batches of at most that
 * many distinct topics and creates the new ones of a batch with one `Admin.createTopics` call
 * (strimzi-kafka-operator `BatchingTopicController.createTopics`), and Kafka's controller applies
 * both limits of the module comment to the whole request (one partition count and one bounded
 * record list for every topic in it), refusing it whole: on a new cluster every KafkaTopic is new
 * and is batched again at each resync, so topics that fit one creation each but not together (two
 * of 6,000 partitions, or 100 of 99) would never be created. The worst batch is the topics needing
 * the most records, so the size is the largest n whose n largest topics fit both limits together.
 * Topics that do not fit alone are refused by `topicPartitionsProblem` and left out. A smaller
 * batch only means more, smaller Admin requests (Strimzi's own tests tune this variable the same
 * way). Topics created outside the spec (KafkaTopics applied by hand) are not counted.
 */
export function topicOperatorBatchSize(topics: readonly TopicCreation[]): number {
  const fitting = topics.filter(
    (topic, index) => topicPartitionsProblem(topic, index) === undefined,
  );
  // Each limit has its own worst batch: the topics with the most records, and those with the most
  // partitions (a topic with many configuration keys may be among the first but not the second).
  return Math.min(
    largestThatFit(fitting.map(topicCreationRecords), KRAFT_MAX_RECORDS_PER_OPERATION),
    largestThatFit(
      fitting.map(topic => topic.partitions),
      KRAFT_MAX_PARTITIONS_PER_REQUEST,
    ),
  );
}

/**
 * How many of the largest `values` fit `limit` together, at least 1 and at most
 * `TOPIC_OPERATOR_DEFAULT_BATCH_SIZE` (also when all of them fit).
 */
function largestThatFit(values: readonly number[], limit: number): number {
  const largestFirst = [...values].sort((a, b) => b - a);
  let sum = 0;
  for (
    let count = 0;
    count < Math.min(largestFirst.length, TOPIC_OPERATOR_DEFAULT_BATCH_SIZE);
    count++
  ) {
    sum += largestFirst[count]!;
    if (sum > limit) return Math.max(1, count);
  }
  return TOPIC_OPERATOR_DEFAULT_BATCH_SIZE;
}

/**
 * Broker keys that set the partitions of a topic Kafka creates itself, with the configuration keys
 * it sends along (each one more record): `__consumer_offsets` (cleanup.policy, compression.type,
 * segment.bytes: `GroupCoordinatorService.groupMetadataTopicConfigs`), `__transaction_state` (also
 * min.insync.replicas and unclean.leader.election.enable: `TransactionStateManager`), and topics
 * created without a partition count, auto-created ones included (`num.partitions`, no keys).
 */
const BROKER_TOPIC_PARTITION_KEYS: ReadonlyArray<readonly [string, number, string]> = [
  [
    'offsets.topic.num.partitions',
    3,
    '__consumer_offsets, so no consumer group can commit or join',
  ],
  [
    'transaction.state.log.num.partitions',
    5,
    '__transaction_state, so no transactional producer can start',
  ],
  ['num.partitions', 0, 'any topic created without a partition count, auto-created ones included'],
];

/** Broker keys whose topic Kafka cannot create in one request (see the module comment). */
export function brokerTopicPartitionIssues(
  config: Readonly<Record<string, string | number | boolean>>,
): SpecIssue[] {
  return BROKER_TOPIC_PARTITION_KEYS.flatMap(([key, keys, topic]) => {
    const value = config[key];
    const partitions = configWholeNumber(value);
    if (partitions === undefined || partitions < 0) return [];
    const max = Math.min(
      KRAFT_MAX_PARTITIONS_PER_REQUEST,
      KRAFT_MAX_RECORDS_PER_OPERATION - 1 - keys,
    );
    if (partitions <= max) return [];
    return [
      {
        path: `kafka.config[${JSON.stringify(key)}]`,
        message: `${partitions} partitions cannot be created: Kafka creates ${topic} with one CreateTopics request, and its KRaft controller refuses a request of more than ${KRAFT_MAX_RECORDS_PER_OPERATION} metadata records (one for the topic, ${keys} for the configuration keys Kafka sets on it, one per partition) or ${KRAFT_MAX_PARTITIONS_PER_REQUEST} partitions ("Excessively large number of partitions per request", apache/kafka#17604), so the topic is never created; use at most ${max}`,
      },
    ];
  });
}
