/**
 * How many partitions one `kafka.topics[]` entry may have: as many as the KRaft controller writes
 * in one topic creation.
 *
 * The Topic Operator creates a KafkaTopic with a CreateTopics request, together with the other new
 * KafkaTopics of its batch (`topicBatchIssues` below). The KRaft controller of Kafka 4.x answers it
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
import { showValue, type SpecIssue } from './errors';
import type { TopicSpec } from './schema';

/** The KRaft controller's record limit of one user operation (`MAX_RECORDS_PER_USER_OP`). */
export const KRAFT_MAX_RECORDS_PER_OPERATION = 10000;
/** The KRaft controller's partition limit of one CreateTopics request (KAFKA-17870). */
export const KRAFT_MAX_PARTITIONS_PER_REQUEST = 10000;

/** The configuration keys the topic's KafkaTopic sets (the rendered `spec.config`). */
export function renderedTopicConfigKeys(topic: TopicSpec): string[] {
  return [...new Set(['min.insync.replicas', ...Object.keys(topic.config)])];
}

/** The most partitions this topic may have so that Kafka creates it. */
export function maxTopicPartitions(topic: TopicSpec): number {
  const byRecords = KRAFT_MAX_RECORDS_PER_OPERATION - 1 - renderedTopicConfigKeys(topic).length;
  return Math.min(KRAFT_MAX_PARTITIONS_PER_REQUEST, byRecords);
}

/**
 * The problem of `kafka.topics[index].partitions`, if any: below 1, or more than the controller
 * writes in one creation (see the module comment).
 */
export function topicPartitionsProblem(topic: TopicSpec, index: number): string | undefined {
  const max = maxTopicPartitions(topic);
  if (topic.partitions < 1)
    return `${topic.partitions} is out of range; use 1 to ${max} partitions`;
  if (topic.partitions <= max) return undefined;
  const keys = renderedTopicConfigKeys(topic).length;
  return `${topic.partitions} partitions cannot be created: Kafka's KRaft controller writes a topic's creation as one batch of at most ${KRAFT_MAX_RECORDS_PER_OPERATION} metadata records (one for the topic, one for each of its ${keys} configuration keys, one per partition) and refuses any request of more than ${KRAFT_MAX_PARTITIONS_PER_REQUEST} partitions ("Excessively large number of partitions per request", apache/kafka#17604), so the KafkaTopic would stay NotReady for good (teslamotors/kafka-helmsman#82); use at most ${max} partitions for kafka.topics[${index}] (the topics the Topic Operator creates together share these limits, so splitting the data over several topics does not lift them)`;
}

/**
 * How many new KafkaTopics the Topic Operator creates with one CreateTopics request: its batch size
 * (`STRIMZI_MAX_BATCH_SIZE`, default 100; the generator leaves it at the default).
 */
export const TOPIC_OPERATOR_MAX_BATCH_SIZE = 100;

/** The metadata records of one topic's creation: the topic, its config keys, its partitions. */
export function topicCreationRecords(topic: TopicSpec): number {
  return 1 + renderedTopicConfigKeys(topic).length + topic.partitions;
}

/**
 * The problem of topics that fit one creation each but not together: the unidirectional Topic
 * Operator reconciles KafkaTopics in batches and creates the new ones of a batch with one
 * `Admin.createTopics` call (strimzi-kafka-operator `BatchingTopicController.createTopics`), and
 * Kafka's controller applies both limits above to the whole request (one bounded record list and
 * one partition count for every topic in it), refusing the request whole. On a new cluster every
 * KafkaTopic is new and the operator batches them again at each resync, so such topics (and the
 * small ones batched with them) are never created. The worst batch is the largest
 * `TOPIC_OPERATOR_MAX_BATCH_SIZE` topics. Topics over the limit alone are refused by
 * `topicPartitionsProblem` and left out here.
 */
export function topicBatchIssues(topics: readonly TopicSpec[]): SpecIssue[] {
  const fitting = topics
    .map((topic, index) => ({ topic, index, records: topicCreationRecords(topic) }))
    .filter(({ topic, index }) => topicPartitionsProblem(topic, index) === undefined);
  const batch = [...fitting]
    .sort((a, b) => b.records - a.records || a.index - b.index)
    .slice(0, TOPIC_OPERATOR_MAX_BATCH_SIZE);
  const records = batch.reduce((sum, entry) => sum + entry.records, 0);
  const partitions = batch.reduce((sum, entry) => sum + entry.topic.partitions, 0);
  if (records <= KRAFT_MAX_RECORDS_PER_OPERATION && partitions <= KRAFT_MAX_PARTITIONS_PER_REQUEST)
    return [];
  const largest = batch[0]!;
  const shownTopics = batch
    .slice(0, 5)
    .map(({ topic }) => `${showValue(topic.name)} (${topic.partitions} partitions)`)
    .join(', ');
  const more = batch.length > 5 ? ` and ${batch.length - 5} more` : '';
  const othersRecords = records - largest.records;
  const room = Math.min(
    maxTopicPartitions(largest.topic),
    KRAFT_MAX_RECORDS_PER_OPERATION - othersRecords - (largest.records - largest.topic.partitions),
    KRAFT_MAX_PARTITIONS_PER_REQUEST - (partitions - largest.topic.partitions),
  );
  const fix =
    room >= 1
      ? `use at most ${room} partitions for kafka.topics[${largest.index}] with the others as they are, or fewer partitions over these topics`
      : 'use fewer partitions over these topics';
  return [
    {
      path: `kafka.topics[${largest.index}].partitions`,
      message: `${largest.topic.partitions} partitions fit one creation alone, but with the spec's other topics they need ${records} metadata records (${partitions} partitions): ${shownTopics}${more}. The Topic Operator creates up to ${TOPIC_OPERATOR_MAX_BATCH_SIZE} new KafkaTopics with one CreateTopics request (strimzi-kafka-operator BatchingTopicController), and Kafka's KRaft controller refuses such a request whole when it holds more than ${KRAFT_MAX_PARTITIONS_PER_REQUEST} partitions ("Excessively large number of partitions per request", apache/kafka#17604) or needs more than ${KRAFT_MAX_RECORDS_PER_OPERATION} records (one per topic, per configuration key, per partition), so on a new cluster none of these KafkaTopics becomes Ready; keep the spec's largest ${TOPIC_OPERATOR_MAX_BATCH_SIZE} topics at most ${KRAFT_MAX_RECORDS_PER_OPERATION} records together: ${fix}`,
    },
  ];
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
    const text = typeof value === 'boolean' || value === undefined ? '' : String(value).trim();
    if (!/^\d+$/.test(text)) return [];
    const partitions = Number(text);
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
