/**
 * Log segments per broker against the node's memory-map limit (a warning).
 *
 * Kafka maps two index files of each log segment into memory (the offset index and the time
 * index), one map area each, and a process may hold at most `vm.max_map_count` map areas; past it
 * the broker stops with "Map failed" (an OutOfMemoryError), whatever the heap (Apache Kafka
 * documentation, "OS" section of Operations, added by apache/kafka#4358, where a user reports a
 * cluster failure from this limit; utilitywarehouse/tf_kube_ignition#185: a Kafka on Kubernetes
 * passed 262144 with 305784 index files and had to raise it). The EKS-optimized Amazon Linux 2023
 * AMI, the only one this platform's nodegroups use (`components/lib/launch-template.ts`), sets
 * `vm.max_map_count=524288` (awslabs/amazon-eks-ami,
 * `templates/al2023/runtime/rootfs/etc/sysctl.conf`).
 *
 * Under steady traffic a partition replica keeps about max(retention time / roll time, retention
 * size / segment size, 1) segments: Kafka rolls a segment every `segment.ms` (or at
 * `segment.bytes`) and deletes it only once retention passes it. Kafka's documentation counts two
 * map areas for every segment; Kafka maps an older segment's indexes when it first reads them
 * (consumers catching up, recovery), so the count builds up over time rather than at start, and
 * the estimate is what a broker can reach, not what it holds on day one. Effective values come
 * from the topic, else the broker (`log.retention.ms` over `.minutes` over `.hours`, `log.roll.ms`
 * over `.hours`, `log.segment.bytes`, `log.retention.bytes`), else Kafka's defaults (168 hours,
 * 168 hours, 1 GiB, none). Compacted-only topics, an empty policy (Kafka 4.2+: every record kept)
 * and unlimited retention count one segment. Kafka's own topics (`__consumer_offsets`,
 * `__transaction_state`, `__share_group_state`, 50 partitions each by default) count one segment
 * per replica. The figure is an estimate under traffic that
 * fills every roll interval, so it is a warning, not a refusal.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';
import { configWholeNumber } from './config-values';

type ConfigValue = string | number | boolean;

/** `vm.max_map_count` of the EKS-optimized AL2023 AMI (see the module comment). */
export const EKS_AL2023_MAX_MAP_COUNT = 524288;
/** Map areas per log segment: the offset index and the time index. */
export const MAP_AREAS_PER_SEGMENT = 2;

const HOUR_MS = 3600000;
const KAFKA_DEFAULT_RETENTION_MS = 168 * HOUR_MS;
const KAFKA_DEFAULT_ROLL_MS = 168 * HOUR_MS;
const KAFKA_DEFAULT_SEGMENT_BYTES = 1073741824;
const KAFKA_INTERNAL_TOPIC_PARTITIONS: ReadonlyArray<readonly [string, string]> = [
  ['offsets.topic.num.partitions', 'offsets.topic.replication.factor'],
  ['transaction.state.log.num.partitions', 'transaction.state.log.replication.factor'],
  [
    'share.coordinator.state.topic.num.partitions',
    'share.coordinator.state.topic.replication.factor',
  ],
];
const KAFKA_DEFAULT_INTERNAL_PARTITIONS = 50;

/** The first of `candidates` that is set as a whole number, times its unit (ms per unit). */
function firstSet(
  config: Readonly<Record<string, ConfigValue>>,
  candidates: ReadonlyArray<readonly [string, number]>,
): { value: number; key: string } | undefined {
  for (const [key, unit] of candidates) {
    const value = configWholeNumber(config[key]);
    if (value !== undefined) return { value: value * unit, key };
  }
  return undefined;
}

/** One setting's effective value and where it comes from, for the message. */
interface Effective {
  readonly value: number;
  readonly from: string;
}

function effective(
  topicConfig: Readonly<Record<string, ConfigValue>>,
  topicPath: string,
  topicKey: string,
  brokerConfig: Readonly<Record<string, ConfigValue>>,
  brokerKeys: ReadonlyArray<readonly [string, number]>,
  kafkaDefault: number,
): Effective {
  const own = configWholeNumber(topicConfig[topicKey]);
  if (own !== undefined) return { value: own, from: `${topicPath}["${topicKey}"]` };
  const broker = firstSet(brokerConfig, brokerKeys);
  if (broker !== undefined) return { value: broker.value, from: `kafka.config["${broker.key}"]` };
  return { value: kafkaDefault, from: "Kafka's default" };
}

/** A declared topic's share of the estimate. */
interface TopicSegments {
  readonly name: string;
  readonly replicas: number;
  readonly segmentsPerReplica: number;
  readonly why: string;
}

function topicSegments(spec: PlatformSpec): TopicSegments[] {
  const broker = spec.kafka.config;
  return spec.kafka.topics.map((topic, index) => {
    const path = `kafka.topics[${index}].config`;
    const replicas = topic.partitions * (topic.replicationFactor ?? spec.kafka.replicationFactor);
    // Unset means Kafka's default, delete; set but empty (Kafka 4.2+) means keep everything, which
    // this steady-state estimate counts like an unlimited retention.ms (one segment).
    const policy = topic.config['cleanup.policy'] ?? broker['log.cleanup.policy'];
    const parts = policy === undefined ? ['delete'] : String(policy).split(',');
    const deletes = parts.some(part => part.trim() === 'delete');
    if (!deletes) {
      const why = parts.some(part => part.trim() === 'compact') ? 'compacted' : 'kept forever';
      return { name: topic.name, replicas, segmentsPerReplica: 1, why };
    }
    const retention = effective(
      topic.config,
      path,
      'retention.ms',
      broker,
      [
        ['log.retention.ms', 1],
        ['log.retention.minutes', 60000],
        ['log.retention.hours', HOUR_MS],
      ],
      KAFKA_DEFAULT_RETENTION_MS,
    );
    const roll = effective(
      topic.config,
      path,
      'segment.ms',
      broker,
      [
        ['log.roll.ms', 1],
        ['log.roll.hours', HOUR_MS],
      ],
      KAFKA_DEFAULT_ROLL_MS,
    );
    const retentionBytes = effective(
      topic.config,
      path,
      'retention.bytes',
      broker,
      [['log.retention.bytes', 1]],
      -1,
    );
    const segmentBytes = effective(
      topic.config,
      path,
      'segment.bytes',
      broker,
      [['log.segment.bytes', 1]],
      KAFKA_DEFAULT_SEGMENT_BYTES,
    );
    const byTime =
      retention.value > 0 && roll.value > 0 ? Math.ceil(retention.value / roll.value) : 1;
    const bySize =
      retentionBytes.value > 0 && segmentBytes.value > 0
        ? Math.ceil(retentionBytes.value / segmentBytes.value)
        : 1;
    const why =
      byTime >= bySize
        ? `retention.ms ${retention.value} (${retention.from}) / segment.ms ${roll.value} (${roll.from})`
        : `retention.bytes ${retentionBytes.value} (${retentionBytes.from}) / segment.bytes ${segmentBytes.value} (${segmentBytes.from})`;
    return { name: topic.name, replicas, segmentsPerReplica: Math.max(1, byTime, bySize), why };
  });
}

/** Map areas one broker holds under steady traffic, by the estimate of the module comment. */
export function mapAreasPerBroker(spec: PlatformSpec): number {
  if (spec.kafka.brokers < 1) return 0;
  const declared = topicSegments(spec).reduce(
    (sum, topic) => sum + topic.replicas * topic.segmentsPerReplica,
    0,
  );
  const internal = KAFKA_INTERNAL_TOPIC_PARTITIONS.reduce((sum, [partitionsKey, rfKey]) => {
    const partitions =
      configWholeNumber(spec.kafka.config[partitionsKey]) ?? KAFKA_DEFAULT_INTERNAL_PARTITIONS;
    const rf = configWholeNumber(spec.kafka.config[rfKey]) ?? spec.kafka.replicationFactor;
    return sum + partitions * rf;
  }, 0);
  return Math.ceil(((declared + internal) * MAP_AREAS_PER_SEGMENT) / spec.kafka.brokers);
}

/** The warning when a broker would hold more map areas than the node allows. */
export function mapCountWarnings(spec: PlatformSpec): SpecIssue[] {
  const areas = mapAreasPerBroker(spec);
  if (areas <= EKS_AL2023_MAX_MAP_COUNT) return [];
  const largest = topicSegments(spec)
    .map((topic, index) => ({ ...topic, index }))
    .sort((a, b) => b.replicas * b.segmentsPerReplica - a.replicas * a.segmentsPerReplica)[0];
  const detail =
    largest === undefined
      ? ''
      : `; the largest share is ${showValue(largest.name)} (kafka.topics[${largest.index}]): ${largest.replicas} partition replicas x ${largest.segmentsPerReplica} segments (${largest.why})`;
  return [
    {
      path: 'kafka.topics',
      message: `under steady traffic each of the ${spec.kafka.brokers} brokers keeps about ${areas} index files mapped into memory (2 per log segment)${detail}, above the vm.max_map_count of ${EKS_AL2023_MAX_MAP_COUNT} the EKS AL2023 nodes allow, so a broker would stop with "Map failed" (OutOfMemoryError); roll segments less often (segment.ms, segment.bytes), keep less, use fewer partitions or more brokers`,
    },
  ];
}
