/**
 * How many partitions one `kafka.topics[]` entry may have: as many as the KRaft controller writes
 * in one topic creation.
 *
 * The Topic Operator creates a KafkaTopic with one CreateTopics request. The KRaft controller of
 * Kafka 4.x answers it with one atomic batch of metadata records, and refuses the request when the
 * batch would be too large:
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
  return `${topic.partitions} partitions cannot be created: Kafka's KRaft controller writes a topic's creation as one batch of at most ${KRAFT_MAX_RECORDS_PER_OPERATION} metadata records (one for the topic, one for each of its ${keys} configuration keys, one per partition) and refuses any request of more than ${KRAFT_MAX_PARTITIONS_PER_REQUEST} partitions ("Excessively large number of partitions per request", apache/kafka#17604), so the KafkaTopic would stay NotReady for good (teslamotors/kafka-helmsman#82); use at most ${max} partitions for kafka.topics[${index}], or split the data over several topics`;
}
