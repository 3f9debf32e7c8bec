/**
 * Size-based retention against the broker volumes. Kafka's `retention.bytes` (topic) and
 * `log.retention.bytes` (broker default) bound each partition, not the topic, and Kafka deletes a
 * segment only while the partition keeps at least that many bytes without it (apache/kafka
 * #19051 and KAFKA-4504 on what the key means; roostorg/osprey#239 sized a limit per topic and got
 * it times the partitions). So under enough traffic every replica of every partition reaches
 * `retention.bytes` plus one whole segment (`segment.bytes`, broker default `log.segment.bytes`,
 * 1 GiB) before retention frees anything: the oldest segment goes only once the rest holds
 * `retention.bytes`, and the active one fills beside them. When partitions x replicas x
 * (retention.bytes + segment.bytes) of the declared topics exceeds the brokers' volumes, the disks
 * fill first, and a broker with a full volume stops (strimzi/strimzi-kafka-operator#11845: a
 * larger `log.segment.bytes` beside a broker retention filled the PVC and the broker crash-looped;
 * counting retention.bytes alone, as this rule did, let that input through).
 *
 * This is a lower bound: internal topics and topics the spec does not declare need room on top,
 * so a spec that passes can still fill its disks; one that fails certainly does under enough
 * traffic (segments rolled by size, not time).
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';
import { configWholeNumber } from './config-values';

const BYTES_PER_GIB = 2 ** 30;
/** Kafka's default `log.segment.bytes` (1 GiB). */
const DEFAULT_SEGMENT_BYTES = 1073741824;

/** Bytes of one GiB-denominated figure, for messages. */
function gib(bytes: number): string {
  const value = bytes / BYTES_PER_GIB;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} GiB`;
}

/** One declared topic's least footprint under size-based retention. */
interface TopicFootprint {
  readonly name: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly retentionBytes: number;
  readonly source: string;
  readonly segmentBytes: number;
  readonly segmentSource: string;
}

/** Bytes one replica of the topic's partitions reaches before retention deletes anything. */
function perReplica(topic: TopicFootprint): number {
  return topic.retentionBytes + topic.segmentBytes;
}

function footprintOf(topic: TopicFootprint): number {
  return topic.partitions * topic.replicas * perReplica(topic);
}

/** Every problem of size-based retention against `kafka.storage.sizeGi` x `kafka.brokers`. */
export function retentionCapacityIssues(spec: PlatformSpec): SpecIssue[] {
  const brokerDefault = configWholeNumber(spec.kafka.config['log.retention.bytes']);
  const brokerSegment = configWholeNumber(spec.kafka.config['log.segment.bytes']);
  const footprints: TopicFootprint[] = [];
  spec.kafka.topics.forEach((topic, index) => {
    const own = configWholeNumber(topic.config['retention.bytes']);
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
      ...segmentOf(topic.config['segment.bytes'], index, brokerSegment),
    });
  });
  if (footprints.length === 0) return [];
  const least = footprints.reduce((sum, topic) => sum + footprintOf(topic), 0);
  const { brokers } = spec.kafka;
  const { sizeGi } = spec.kafka.storage;
  const capacity = brokers * sizeGi * BYTES_PER_GIB;
  if (brokers < 1 || sizeGi < 1 || least <= capacity) return [];
  const largest = [...footprints]
    .sort((a, b) => footprintOf(b) - footprintOf(a))
    .slice(0, 3)
    .map(
      topic =>
        `${showValue(topic.name)}: ${topic.partitions} partitions x ${topic.replicas} replicas x (${gib(topic.retentionBytes)} (${topic.source}) + ${gib(topic.segmentBytes)} (${topic.segmentSource})) = ${gib(footprintOf(topic))}`,
    );
  const neededGi = Math.ceil(least / brokers / BYTES_PER_GIB);
  return [
    {
      path: 'kafka.storage.sizeGi',
      message: `${sizeGi} GiB on each of ${brokers} brokers is ${gib(capacity)}, but size-based retention keeps at least ${gib(least)} before deleting anything (retention.bytes counts per partition and per replica, and each replica also holds one whole segment beyond it before its oldest segment goes, strimzi-kafka-operator#11845; ${largest.join('; ')}), so the volumes fill first; raise kafka.storage.sizeGi to at least ${neededGi}, or lower retention.bytes or segment.bytes`,
    },
  ];
}

/**
 * Round 16: the same floor for topics without a size limit (time retention only, `retention.bytes`
 * -1 or unset, or compaction). Time retention deletes a segment only once its newest record is
 * older than `retention.ms`, so a partition that keeps being written to keeps its active segment
 * until the segment rolls at `segment.bytes` (or `segment.ms`, 7 days by default), and the cleaner
 * never compacts the active segment (apache/kafka `UnifiedLog.deleteOldSegments`; junrao on
 * apache/kafka#14766 on when the active segment goes; KAFKA-16414). So under steady traffic each
 * replica fills one whole segment before anything of it can go. The rule above skips such topics,
 * so 1 GiB segments on many partitions over small volumes got through without a word. A warning,
 * not a refusal: whether a partition fills a whole segment before `segment.ms` rolls it depends on
 * traffic the spec does not tell (strimzi/strimzi-kafka-operator#11845 is the size-based case; the
 * time-based one was read from Kafka's log deletion, not from a report).
 * @returns at most one warning, at `kafka.storage.sizeGi`, when the topics without a size limit
 *   (plus the size-limited ones' floor) need more than the brokers' volumes.
 */
export function activeSegmentWarnings(spec: PlatformSpec): SpecIssue[] {
  const brokerDefault = configWholeNumber(spec.kafka.config['log.retention.bytes']);
  const brokerSegment = configWholeNumber(spec.kafka.config['log.segment.bytes']);
  let bounded = 0;
  const unbounded: TopicFootprint[] = [];
  spec.kafka.topics.forEach((topic, index) => {
    const retentionBytes = configWholeNumber(topic.config['retention.bytes']) ?? brokerDefault;
    const footprint: TopicFootprint = {
      name: topic.name,
      partitions: topic.partitions,
      replicas: topic.replicationFactor ?? spec.kafka.replicationFactor,
      retentionBytes: retentionBytes !== undefined && retentionBytes > 0 ? retentionBytes : 0,
      source: 'retention.bytes',
      ...segmentOf(topic.config['segment.bytes'], index, brokerSegment),
    };
    if (footprint.retentionBytes > 0) bounded += footprintOf(footprint);
    else unbounded.push(footprint);
  });
  const { brokers } = spec.kafka;
  const { sizeGi } = spec.kafka.storage;
  const capacity = brokers * sizeGi * BYTES_PER_GIB;
  // Past the volumes on their own, the refusal above already speaks.
  if (unbounded.length === 0 || brokers < 1 || sizeGi < 1 || bounded > capacity) return [];
  const least = unbounded.reduce((sum, topic) => sum + footprintOf(topic), bounded);
  if (least <= capacity) return [];
  const largest = [...unbounded]
    .sort((a, b) => footprintOf(b) - footprintOf(a))
    .slice(0, 3)
    .map(
      topic =>
        `${showValue(topic.name)}: ${topic.partitions} partitions x ${topic.replicas} replicas x ${gib(topic.segmentBytes)} (${topic.segmentSource}) = ${gib(footprintOf(topic))}`,
    );
  const sized = bounded === 0 ? '' : `, plus ${gib(bounded)} for the topics with retention.bytes`;
  const neededGi = Math.ceil(least / brokers / BYTES_PER_GIB);
  return [
    {
      path: 'kafka.storage.sizeGi',
      message: `${sizeGi} GiB on each of ${brokers} brokers is ${gib(capacity)}, but the topics without retention.bytes can hold ${gib(least - bounded)} before retention.ms or compaction frees anything (under steady writes a partition's active segment is neither deleted nor compacted until it rolls at segment.bytes, so each replica may fill one whole segment first; ${largest.join('; ')}${sized}), so with enough traffic the volumes fill first and the brokers stop; raise kafka.storage.sizeGi to at least ${neededGi}, or lower segment.bytes (log.segment.bytes), or set retention.bytes`,
    },
  ];
}

/** A topic's segment size and where it comes from: its own, the broker default, or Kafka's. */
function segmentOf(
  own: string | number | boolean | undefined,
  index: number,
  brokerSegment: number | undefined,
): { segmentBytes: number; segmentSource: string } {
  const topicSegment = configWholeNumber(own);
  if (topicSegment !== undefined && topicSegment > 0) {
    return {
      segmentBytes: topicSegment,
      segmentSource: `kafka.topics[${index}].config["segment.bytes"]`,
    };
  }
  if (brokerSegment !== undefined && brokerSegment > 0) {
    return { segmentBytes: brokerSegment, segmentSource: 'kafka.config["log.segment.bytes"]' };
  }
  return { segmentBytes: DEFAULT_SEGMENT_BYTES, segmentSource: "segment.bytes, Kafka's default" };
}
