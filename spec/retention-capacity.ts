/**
 * Size-based retention against the broker volumes. Kafka's `retention.bytes` (topic) and
 * `log.retention.bytes` (broker default) bound each partition, not the topic, and Kafka deletes a
 * segment only while the partition keeps at least that many bytes without it, so every replica of
 * every partition holds at least `retention.bytes` before retention frees anything (apache/kafka
 * #19051 and KAFKA-4504 on what the key means; roostorg/osprey#239 sized a limit per topic and got
 * it times the partitions). When partitions x replicas x retention.bytes of the declared topics
 * exceeds the brokers' volumes, the disks fill before retention starts, and a broker with a full
 * volume stops (strimzi/strimzi-kafka-operator#11845: a filled PVC ended in CrashLoopBackOff).
 *
 * This is a lower bound: active segments, internal topics and topics the spec does not declare
 * need room on top, so a spec that passes can still fill its disks; one that fails certainly does
 * under enough traffic.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

const BYTES_PER_GIB = 2 ** 30;

/** Bytes of one GiB-denominated figure, for messages. */
function gib(bytes: number): string {
  const value = bytes / BYTES_PER_GIB;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} GiB`;
}

function bytesOf(value: string | number | boolean | undefined): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const text = String(value).trim();
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}

/** One declared topic's least footprint under size-based retention. */
interface TopicFootprint {
  readonly name: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly retentionBytes: number;
  readonly source: string;
}

/** Every problem of size-based retention against `kafka.storage.sizeGi` x `kafka.brokers`. */
export function retentionCapacityIssues(spec: PlatformSpec): SpecIssue[] {
  const brokerDefault = bytesOf(spec.kafka.config['log.retention.bytes']);
  const footprints: TopicFootprint[] = [];
  spec.kafka.topics.forEach((topic, index) => {
    const own = bytesOf(topic.config['retention.bytes']);
    const retentionBytes = own ?? brokerDefault;
    if (retentionBytes === undefined || retentionBytes <= 0) return;
    footprints.push({
      name: topic.name,
      partitions: topic.partitions,
      replicas: topic.replicationFactor ?? spec.kafka.replicationFactor,
      retentionBytes,
      source:
        own === undefined
          ? 'kafka.config["log.retention.bytes"]'
          : `kafka.topics[${index}].config["retention.bytes"]`,
    });
  });
  if (footprints.length === 0) return [];
  const least = footprints.reduce(
    (sum, topic) => sum + topic.partitions * topic.replicas * topic.retentionBytes,
    0,
  );
  const { brokers } = spec.kafka;
  const { sizeGi } = spec.kafka.storage;
  const capacity = brokers * sizeGi * BYTES_PER_GIB;
  if (brokers < 1 || sizeGi < 1 || least <= capacity) return [];
  const largest = [...footprints]
    .sort(
      (a, b) =>
        b.partitions * b.replicas * b.retentionBytes - a.partitions * a.replicas * a.retentionBytes,
    )
    .slice(0, 3)
    .map(
      topic =>
        `${showValue(topic.name)}: ${topic.partitions} partitions x ${topic.replicas} replicas x ${gib(topic.retentionBytes)} (${topic.source}) = ${gib(topic.partitions * topic.replicas * topic.retentionBytes)}`,
    );
  const neededGi = Math.ceil(least / brokers / BYTES_PER_GIB);
  return [
    {
      path: 'kafka.storage.sizeGi',
      message: `${sizeGi} GiB on each of ${brokers} brokers is ${gib(capacity)}, but size-based retention keeps at least ${gib(least)} before deleting anything (retention.bytes counts per partition and per replica; ${largest.join('; ')}), so the volumes fill first; raise kafka.storage.sizeGi to at least ${neededGi} or lower retention.bytes`,
    },
  ];
}
