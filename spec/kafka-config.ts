/**
 * Checks of the free-form Kafka configuration maps, `kafka.config` (broker) and
 * `kafka.topics[].config` (topic): keys Strimzi forbids or this platform reserves are rejected with
 * the spec field to use instead; keys a typed rule covers go through that rule; topic keys must be
 * real topic-level keys, and topic-level keys in the broker map are rejected with their broker name
 * (Kafka's `ServerTopicConfigSynonyms`; strimzi/strimzi-kafka-operator#11063).
 *
 * Sources (facts only, lists re-typed):
 * - Strimzi forbidden broker-config prefixes and their exceptions: `KafkaClusterSpec`
 *   `FORBIDDEN_PREFIXES` / `FORBIDDEN_PREFIX_EXCEPTIONS` in strimzi-kafka-operator's `api` module,
 *   read from the KRaft-era source (0.4x line, the one that added `node.id`, `process.roles`,
 *   `controller.` and `metadata.log.dir`). The Strimzi 1.2.0 CRD this project pins
 *   (charts/operators/versions.ts, ../shared/crds/strimzi-1.2.0) only says that such prefixes
 *   exist and points to the documentation, so the list could not be checked against 1.2.0 itself;
 *   the ZooKeeper entries are kept although Kafka 4 has no ZooKeeper keys. Exceptions added
 *   later come from Strimzi's CHANGELOG (read at the 1.1.0 development head): 0.48.0 made
 *   `broker.session.timeout.ms`, `broker.heartbeat.interval.ms` and `controller.socket.timeout.ms`
 *   configurable, 0.51.0 the listener-prefixed connection limits. Strimzi drops a
 *   forbidden key with a warning in the operator log, so the user's setting silently does
 *   nothing; rejecting it here is the only way the user hears about it.
 * - Topic-level keys: Apache Kafka 4.0 and 4.1 documentation, "Topic-Level Configs"
 *   (kafka.apache.org/40/configuration/topic-level-configs), with the broker property that serves
 *   as each key's default ("Server Default Property"). Kafka 4.0 removed
 *   `message.format.version` and `message.timestamp.difference.max.ms`.
 */
import { closest, distance } from 'fastest-levenshtein';
import { showValue, type SpecIssue } from './errors';
import { brokerFormatIssues } from './kafka-broker-formats';
import { KAFKA_4_BROKER_KEY_NAMES } from './kafka-broker-key-names';
import { KAFKA_BROKER_KEYS } from './kafka-broker-keys';
import { brokerOrderingIssues } from './kafka-broker-orderings';
import { clientKeyInBrokerConfig } from './kafka-client-keys';
import { tlsConfigIssues } from './kafka-tls';
import { brokerConnectionLimitIssues, listenerBaseKey, listenerKeyIssues } from './kafka-listeners';
import type { PlatformSpec, TopicSpec } from './schema';
import { configWholeNumber } from './config-values';

type ConfigValue = string | number | boolean;

/** One forbidden prefix and where its concern lives in this spec. */
interface ForbiddenPrefix {
  readonly prefix: string;
  readonly instead: string;
}

const LISTENERS = 'kafka.external (this platform builds the listeners)';
const SECURITY =
  'kafka.external.authentication and kafka.external.allowedCidrs (TLS and authentication are always on)';
const NODE_ROLES =
  'kafka.brokers and kafka.controllers (Strimzi derives node IDs, roles and racks from the node pools)';

/** Strimzi `KafkaClusterSpec.FORBIDDEN_PREFIXES` (KRaft-era source; see the module comment). */
const STRIMZI_FORBIDDEN_PREFIXES: readonly ForbiddenPrefix[] = [
  { prefix: 'listeners', instead: LISTENERS },
  { prefix: 'advertised.', instead: LISTENERS },
  { prefix: 'broker.', instead: NODE_ROLES },
  { prefix: 'listener.', instead: LISTENERS },
  { prefix: 'host.name', instead: LISTENERS },
  { prefix: 'port', instead: LISTENERS },
  { prefix: 'inter.broker.listener.name', instead: LISTENERS },
  { prefix: 'sasl.', instead: SECURITY },
  { prefix: 'ssl.', instead: SECURITY },
  { prefix: 'security.', instead: SECURITY },
  { prefix: 'password.', instead: SECURITY },
  { prefix: 'log.dir', instead: 'kafka.storage (Strimzi mounts the data volumes)' },
  { prefix: 'zookeeper.connect', instead: 'nothing: Kafka 4 runs KRaft only' },
  { prefix: 'zookeeper.set.acl', instead: 'nothing: Kafka 4 runs KRaft only' },
  { prefix: 'zookeeper.ssl', instead: 'nothing: Kafka 4 runs KRaft only' },
  { prefix: 'zookeeper.clientCnxnSocket', instead: 'nothing: Kafka 4 runs KRaft only' },
  { prefix: 'authorizer.', instead: 'nothing: simple authorization is always on' },
  { prefix: 'super.user', instead: 'nothing: simple authorization is always on' },
  { prefix: 'cruise.control.metrics.topic', instead: 'nothing: Strimzi manages it' },
  {
    prefix: 'cruise.control.metrics.reporter.bootstrap.servers',
    instead: 'nothing: Strimzi manages it',
  },
  { prefix: 'node.id', instead: NODE_ROLES },
  { prefix: 'process.roles', instead: NODE_ROLES },
  { prefix: 'controller.', instead: 'kafka.controllers (Strimzi configures the KRaft quorum)' },
  { prefix: 'metadata.log.dir', instead: 'nothing: Strimzi places the KRaft metadata log' },
  { prefix: 'zookeeper.metadata.migration.enable', instead: 'nothing: Kafka 4 runs KRaft only' },
];

/** Strimzi `KafkaClusterSpec.FORBIDDEN_PREFIX_EXCEPTIONS`: allowed although a prefix matches. */
const STRIMZI_PREFIX_EXCEPTIONS: ReadonlySet<string> = new Set([
  'zookeeper.connection.timeout.ms',
  'sasl.server.max.receive.size',
  'ssl.cipher.suites',
  'ssl.protocol',
  'ssl.enabled.protocols',
  'ssl.secure.random.implementation',
  'cruise.control.metrics.topic.num.partitions',
  'cruise.control.metrics.topic.replication.factor',
  'cruise.control.metrics.topic.retention.ms',
  'cruise.control.metrics.topic.auto.create.retries',
  'cruise.control.metrics.topic.auto.create.timeout.ms',
  'cruise.control.metrics.topic.min.insync.replicas',
  'controller.quorum.election.backoff.max.ms',
  'controller.quorum.election.timeout.ms',
  'controller.quorum.fetch.timeout.ms',
  // Strimzi 0.48.0 made these three configurable (CHANGELOG, 0.48.0).
  'broker.session.timeout.ms',
  'broker.heartbeat.interval.ms',
  'controller.socket.timeout.ms',
]);

/**
 * Listener-prefixed keys Strimzi lets through since 0.51.0 (CHANGELOG, 0.51.0: with the prefix
 * `listener.name.<listener>.`, the keys `connections.max.reauth.ms`, `max.connections*` and
 * `max.connection.creation.rate`); Kafka reads them per listener.
 */
const STRIMZI_LISTENER_PREFIX_EXCEPTION =
  /^listener\.name\.[^.\s]+\.(connections\.max\.reauth\.ms|max\.connections[a-z.]*|max\.connection\.creation\.rate)$/;

/** Broker keys this platform sets itself and does not let the spec override. */
const PLATFORM_RESERVED: readonly ForbiddenPrefix[] = [
  {
    prefix: 'principal.builder.class',
    instead:
      'nothing: the ACLs Strimzi writes match the principal names of the default builder (User:CN=... for TLS, User:<name> for SCRAM); another builder silently breaks them',
  },
  {
    prefix: 'allow.everyone.if.no.acl.found',
    instead:
      'nothing: with simple authorization on, true would open every topic without ACLs to every client; grant access with ACLs instead',
  },
  {
    prefix: 'config.providers',
    instead:
      'nothing: config providers let broker settings read pod files and environment; Strimzi configures its own and this platform adds none',
  },
  {
    prefix: 'replica.selector.class',
    instead:
      "nothing: the platform sets Kafka's RackAwareReplicaSelector so consumers read from a replica in their own zone; another class either drops that or stops the broker when the image lacks it",
  },
  {
    prefix: 'cruise.control.',
    instead:
      'nothing: this platform deploys no Cruise Control, so its metrics reporter is not configured and these keys would do nothing',
  },
  {
    prefix: 'client.quota.callback.',
    instead:
      "nothing: no quota plugin is configured (Strimzi reads its quota plugin from Kafka.spec.kafka.quotas, which this platform does not render); Kafka's own per-user quotas need no broker key",
  },
  {
    prefix: 'metric.reporters',
    instead: 'monitoring (the Strimzi metrics reporter is configured through metricsConfig)',
  },
  {
    prefix: 'kafka.metrics.reporters',
    instead: 'monitoring (the Strimzi metrics reporter is configured through metricsConfig)',
  },
];

/**
 * Keys Kafka 4 no longer reads, with what to use instead. Kafka logs a warning for an unknown key
 * and goes on, so each of these is silently without effect:
 * - `inter.broker.protocol.version`: in KRaft the metadata version governs; Strimzi stopped setting
 *   it in KRaft clusters and removed it from its KRaft examples (strimzi-kafka-operator#8996,
 *   #9185), but older examples still carry it;
 * - `log.message.format.version` / `message.format.version`: removed in Kafka 4.0 (KIP-724,
 *   apache/kafka#18267);
 * - `log.message.timestamp.difference.max.ms` / `message.timestamp.difference.max.ms`: removed in
 *   4.0 in favour of the before/after pair (KIP-937, apache/kafka#17928);
 * - `offsets.commit.required.acks`: removed in 4.0 (KIP-1041, apache/kafka#17446);
 * - Round 14: `log.message.downconversion.enable` / `message.downconversion.enable`: still parsed
 *   by Kafka 4.x but a no-op, since Kafka 4.0 no longer converts records down to the old message
 *   formats for old consumers (KIP-724; the `TopicConfig` javadoc of Kafka 4.1 to 4.3 marks the
 *   topic key deprecated for removal in 5.0 and says so). A spec that sets either to `false` to
 *   refuse old clients, or to `true` to serve them, gets neither;
 * - Round 14: `auto.include.jmx.reporter`: removed in Kafka 4.0 (KIP-830; Red Hat Streams for
 *   Apache Kafka 3.0 release notes, "Auto-include of JMXReporter removed"), so it was only an
 *   unknown-key warning here; Kafka 4 adds the JMX reporter through `metric.reporters` alone;
 * - every `zookeeper.` key (`ZOOKEEPER_PREFIX`): Kafka 4.0 runs KRaft only (KIP-833, Strimzi
 *   proposal 058), so the ZooKeeper client settings are gone. Strimzi still lets
 *   `zookeeper.connection.timeout.ms` through (a ZooKeeper-era exception, strimzi-kafka-operator#1954)
 *   and refuses the other `zookeeper.connect`-style prefixes itself; the rest were only an
 *   unknown-key warning here.
 */
const REMOVED_IN_KAFKA_4: Readonly<Record<string, string>> = {
  'inter.broker.protocol.version':
    'nothing: KRaft clusters follow the metadata version, which Strimzi derives from kafka.version',
  'log.message.format.version': 'nothing: Kafka 4 writes only the current message format',
  'message.format.version': 'nothing: Kafka 4 writes only the current message format',
  'log.message.timestamp.difference.max.ms':
    'log.message.timestamp.before.max.ms and log.message.timestamp.after.max.ms',
  'message.timestamp.difference.max.ms':
    'message.timestamp.before.max.ms and message.timestamp.after.max.ms',
  'offsets.commit.required.acks': 'nothing: offset commits always wait for all in-sync replicas',
  'auto.include.jmx.reporter':
    'nothing: Kafka 4 runs the JMX reporter only as a metric.reporters entry, and the platform keeps metric.reporters for its own metrics (monitoring)',
  'log.message.downconversion.enable':
    'nothing: Kafka 4 never converts records to the old message formats, so consumers that need them (Kafka clients before 0.11) cannot read from it at all',
  'message.downconversion.enable':
    'nothing: Kafka 4 never converts records to the old message formats, so consumers that need them (Kafka clients before 0.11) cannot read from it at all',
  // Round 15: ZooKeeper-era broker keys Kafka 4.0 dropped from its table; each was only an
  // unknown-key warning here, so a spec relying on it got nothing.
  'controlled.shutdown.max.retries':
    'nothing: a KRaft broker asks the controllers to move its leaders through its heartbeats and keeps asking until they have (KAFKA-18417, apache/kafka#18431)',
  'controlled.shutdown.retry.backoff.ms':
    'nothing: a KRaft broker asks the controllers to move its leaders through its heartbeats and keeps asking until they have (KAFKA-18417, apache/kafka#18431)',
  'leader.imbalance.per.broker.percentage':
    'nothing: with auto.leader.rebalance.enable the KRaft controller moves any leader back to its preferred replica at each check (leader.imbalance.check.interval.seconds), whatever the share (KAFKA-18743, apache/kafka#18821)',
  'control.plane.listener.name':
    'nothing: KRaft controllers are reached on controller.listener.names, which Strimzi sets to its CONTROLPLANE-9090 listener (KAFKA-18353, apache/kafka#18329)',
  'reserved.broker.max.id':
    'nothing: KRaft nodes take their node.id from their configuration, which Strimzi derives per node pool (KAFKA-18383, apache/kafka#18478)',
  'quota.producer.default':
    'a default client quota set at run time (kafka-configs.sh --alter --entity-type clients --entity-default), since Kafka 3.0 removed the static one (KAFKA-12591, apache/kafka#10427)',
  'quota.consumer.default':
    'a default client quota set at run time (kafka-configs.sh --alter --entity-type clients --entity-default), since Kafka 3.0 removed the static one (KAFKA-12591, apache/kafka#10427)',
};

/** Prefix of the ZooKeeper client keys, all gone in Kafka 4 (see `REMOVED_IN_KAFKA_4`). */
const ZOOKEEPER_PREFIX = 'zookeeper.';

/** Why a key does nothing in Kafka 4 and what to use instead, or undefined when Kafka 4 reads it. */
export function removedInKafka4(key: string): string | undefined {
  const instead =
    REMOVED_IN_KAFKA_4[key] ??
    (key.startsWith(ZOOKEEPER_PREFIX)
      ? 'nothing: Kafka 4 runs KRaft only, without ZooKeeper (the KRaft quorum has its own timeouts, controller.quorum.election.timeout.ms and controller.quorum.fetch.timeout.ms)'
      : undefined);
  return instead === undefined
    ? undefined
    : `was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use ${instead}`;
}

/** Topic-level configuration keys of Apache Kafka 4.0/4.1. */
export const TOPIC_CONFIG_KEYS: readonly string[] = [
  'cleanup.policy',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.type',
  'compression.zstd.level',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.downconversion.enable',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
  'remote.storage.enable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
];

/**
 * The type and valid values Kafka gives each topic-level key (`LogConfig`'s `ConfigDef` in the
 * Apache Kafka 4.0/4.1 storage module, and the "Valid Values" column of "Topic-Level Configs").
 * Kafka parses every value from its text: INT and LONG with `Integer/Long.parseLong` after trimming
 * (so `1.5` or `1MB` fail), DOUBLE with `Double.parseDouble`, BOOLEAN only from `true`/`false` (any
 * case), LIST as comma-separated items. A value outside these makes the Topic Operator's create or
 * alter call fail (the KafkaTopic never becomes Ready) and, for a broker default, stops the broker.
 * Kafka 4.0 raised `segment.bytes`' floor to 1 MiB (KIP-1030; smaller sizes only through an
 * internal test key).
 */
interface ValueRule {
  readonly type: 'int' | 'long' | 'double' | 'boolean' | 'list' | 'string';
  readonly min?: number;
  readonly max?: number;
  /** Allowed values (case-sensitive, as Kafka's `ValidString`), or for lists each item's. */
  readonly values?: readonly string[];
  /** A single sentinel allowed below `min` (gzip's -1, "use the codec default"). */
  readonly also?: number;
  /**
   * Whether a list must hold at least one item. Kafka 4.2 (KIP-1161, apache/kafka#20334) refuses
   * an empty list where it has no meaning (a broker with one stops at start), and keeps it where
   * it has one: an empty `cleanup.policy` neither deletes nor compacts, so every record is kept
   * (apache/kafka#20492). Default false: an empty value (the whole value blank) passes.
   */
  readonly nonEmpty?: boolean;
}

/** Java's `int` and `long` ranges, the values `Integer.parseInt` / `Long.parseLong` accept. */
const JAVA_RANGES = {
  int: { min: -(2n ** 31n), max: 2n ** 31n - 1n },
  long: { min: -(2n ** 63n), max: 2n ** 63n - 1n },
} as const;

/** The Java range of an integer type, as a membership test on exact (BigInt) values. */
function javaIntegerRange(type: 'int' | 'long'): { includes(value: bigint): boolean } {
  const { min, max } = JAVA_RANGES[type];
  return { includes: value => value >= min && value <= max };
}

export const TOPIC_VALUE_RULES: Readonly<Record<string, ValueRule>> = {
  'cleanup.policy': { type: 'list', values: ['compact', 'delete'] },
  'compression.gzip.level': { type: 'int', min: 1, max: 9, also: -1 },
  'compression.lz4.level': { type: 'int', min: 1, max: 17 },
  'compression.type': {
    type: 'string',
    values: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
  },
  'compression.zstd.level': { type: 'int', min: -131072, max: 22 },
  'delete.retention.ms': { type: 'long', min: 0 },
  'file.delete.delay.ms': { type: 'long', min: 0 },
  'flush.messages': { type: 'long', min: 1 },
  'flush.ms': { type: 'long', min: 0 },
  'follower.replication.throttled.replicas': { type: 'list' },
  'index.interval.bytes': { type: 'int', min: 0 },
  'leader.replication.throttled.replicas': { type: 'list' },
  'local.retention.bytes': { type: 'long', min: -2 },
  'local.retention.ms': { type: 'long', min: -2 },
  'max.compaction.lag.ms': { type: 'long', min: 1 },
  'max.message.bytes': { type: 'int', min: 0 },
  'message.downconversion.enable': { type: 'boolean' },
  'message.timestamp.after.max.ms': { type: 'long', min: 0 },
  'message.timestamp.before.max.ms': { type: 'long', min: 0 },
  'message.timestamp.type': { type: 'string', values: ['CreateTime', 'LogAppendTime'] },
  'min.cleanable.dirty.ratio': { type: 'double', min: 0, max: 1 },
  'min.compaction.lag.ms': { type: 'long', min: 0 },
  'min.insync.replicas': { type: 'int', min: 1 },
  preallocate: { type: 'boolean' },
  'remote.log.copy.disable': { type: 'boolean' },
  'remote.log.delete.on.disable': { type: 'boolean' },
  'remote.storage.enable': { type: 'boolean' },
  'retention.bytes': { type: 'long' },
  'retention.ms': { type: 'long', min: -1 },
  'segment.bytes': { type: 'int', min: 1024 * 1024 },
  'segment.index.bytes': { type: 'int', min: 4 },
  'segment.jitter.ms': { type: 'long', min: 0 },
  'segment.ms': { type: 'long', min: 1 },
  'unclean.leader.election.enable': { type: 'boolean' },
};

/** Broker keys with their own type (Kafka 4.0 `ServerLogConfigs`): hour/minute forms are INT. */
const BROKER_VALUE_RULES: Readonly<Record<string, ValueRule>> = {
  'num.partitions': { type: 'int', min: 1 },
  'log.retention.hours': { type: 'int' },
  'log.retention.minutes': { type: 'int' },
  'log.roll.hours': { type: 'int', min: 1 },
  'log.roll.jitter.hours': { type: 'int', min: 0 },
  'log.segment.bytes': { type: 'int', min: 1024 * 1024 },
};

/** Why `value` is not valid under `rule` (with the fix), or undefined when Kafka accepts it. */
export function valueProblem(rule: ValueRule, value: ConfigValue): string | undefined {
  const text = String(value).trim();
  const range = (): string =>
    rule.min !== undefined && rule.max !== undefined
      ? ` from ${rule.min} to ${rule.max}`
      : rule.min !== undefined
        ? ` of at least ${rule.min}`
        : rule.max !== undefined
          ? ` of at most ${rule.max}`
          : '';
  switch (rule.type) {
    case 'boolean':
      return booleanOf(value) === undefined
        ? `${showValue(value)} is not a boolean Kafka accepts; write true or false`
        : undefined;
    case 'int':
    case 'long':
    case 'double': {
      const whole = /^[+-]?\d+$/.test(text);
      const number =
        rule.type === 'double'
          ? /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)
            ? Number(text)
            : NaN
          : whole
            ? Number(text)
            : NaN;
      const kind = rule.type === 'double' ? 'number' : 'whole number';
      // Java's range of the type, compared exactly: Long.MAX_VALUE (the default of several
      // long keys) is above Number.MAX_SAFE_INTEGER, and a double may be written up to
      // Double.MAX_VALUE (1.7976931348623157E308, the default of log.cleaner.io.max.bytes.per.second).
      const inJavaRange =
        rule.type === 'double'
          ? Number.isFinite(number)
          : whole && javaIntegerRange(rule.type).includes(BigInt(text.replace(/^\+/, '')));
      if (
        rule.type !== 'double' &&
        typeof value === 'number' &&
        Number.isInteger(value) &&
        !Number.isSafeInteger(value)
      ) {
        // A YAML/JSON number this large has already lost digits (9223372036854775807 reads as
        // 9223372036854775808), so the broker would get another value: it must be quoted.
        return `${showValue(value)} is too large to be read exactly as a number; quote it (for example "9223372036854775807") so Kafka gets the digits as written`;
      }
      if (typeof value === 'boolean' || Number.isNaN(number) || !inJavaRange) {
        return `${showValue(value)} is not a ${kind} Kafka accepts; write a plain ${kind}${range()}${rule.type === 'double' ? '' : ' (no unit, no decimals)'}`;
      }
      if (number === rule.also) return undefined;
      if (
        (rule.min !== undefined && number < rule.min) ||
        (rule.max !== undefined && number > rule.max)
      ) {
        return `${showValue(value)} is out of range; use a ${kind}${range()}`;
      }
      return undefined;
    }
    case 'list': {
      if (typeof value !== 'string')
        return `${showValue(value)} is not a list; write comma-separated values as a string`;
      if (text === '') {
        return rule.nonEmpty === true
          ? `"" is an empty list, which Kafka (4.2 and later, KIP-1161) refuses for this key, so the broker would not start; list at least one value, or leave the key out for Kafka's default`
          : undefined;
      }
      const items = text.split(',').map(item => item.trim());
      if (rule.values === undefined) return undefined;
      const bad = items.filter(item => !rule.values?.includes(item));
      return bad.length > 0
        ? `${showValue(value)} has ${bad.map(item => showValue(item)).join(', ')}, which Kafka does not accept; use ${rule.values.join(', ')} or both comma-separated`
        : undefined;
    }
    case 'string':
      return rule.values !== undefined && !rule.values.includes(text)
        ? `${showValue(value)} is not one of ${rule.values.join(', ')}`
        : undefined;
  }
}

/** The value rule of a broker key: its own, or that of the topic key it is the default of. */
function brokerValueRule(key: string): ValueRule | undefined {
  const own = BROKER_VALUE_RULES[key];
  if (own !== undefined) return own;
  if (SAME_NAME_BROKER_KEYS.has(key)) return TOPIC_VALUE_RULES[key];
  const topicKey = BROKER_DEFAULT_OF_TOPIC_KEY[key];
  if (topicKey !== undefined) return TOPIC_VALUE_RULES[topicKey];
  return documentedValueRule(key);
}

/**
 * Broker list keys Kafka 4.2 requires to be non-empty (KIP-1161, apache/kafka#20334: their
 * validators in `GroupCoordinatorConfig` refuse an empty list, and the broker stops at start).
 * The other list keys the spec can reach either allow an empty list (`log.cleanup.policy`) or
 * were not checked against 4.2's source and are left unchecked.
 */
const NON_EMPTY_BROKER_LISTS: ReadonlySet<string> = new Set([
  'group.consumer.assignors',
  'group.share.assignors',
  'group.coordinator.rebalance.protocols',
]);

/** Where Kafka's built-in group assignors live (4.x `GroupCoordinatorConfig` imports). */
const BUILTIN_ASSIGNOR_PACKAGE = 'org.apache.kafka.coordinator.group.assignor.';

/**
 * The group coordinator's list keys whose entries Kafka resolves by name, with the names it knows
 * (4.x `GroupCoordinatorConfig`): a consumer assignor is `uniform` or `range` or else a Java class
 * (the built-ins by their class names included), and an entry listed twice is refused
 * (`ValidList.anyNonDuplicateValues`; before that check a repeated assignor passed startup and
 * crashed the coordinator, apache/kafka#22982, KAFKA-20843); the share assignor list takes
 * exactly one entry, `simple` or a class; the rebalance protocols are the group types `classic`,
 * `consumer`, `share` and `streams` (`ValidList.in`, exact case). A missing class stops the broker
 * at start, and this platform adds no plugin classes to the image, so only the built-ins pass.
 */
const GROUP_LIST_NAMES = {
  'group.consumer.assignors': {
    names: { uniform: 'UniformAssignor', range: 'RangeAssignor' } as Record<string, string>,
    what: 'consumer group assignor',
  },
  'group.share.assignors': {
    names: { simple: 'SimpleAssignor' } as Record<string, string>,
    what: 'share group assignor',
  },
} as const;
const REBALANCE_PROTOCOLS = ['classic', 'consumer', 'share', 'streams'] as const;

/** Problems of the group coordinator's name lists (`GROUP_LIST_NAMES`, rebalance protocols). */
function groupListIssues(
  mapPath: string,
  config: Readonly<Record<string, ConfigValue>>,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const entriesOf = (value: ConfigValue): string[] =>
    String(value)
      .split(',')
      .map(entry => entry.trim())
      .filter(entry => entry !== '');
  for (const [key, facts] of Object.entries(GROUP_LIST_NAMES)) {
    const value = config[key];
    if (value === undefined) continue;
    const entries = entriesOf(value);
    if (entries.length === 0) continue; // an empty list is refused by its value rule
    const builtins = Object.keys(facts.names);
    const unknown = entries.find(
      entry =>
        facts.names[entry] === undefined &&
        !Object.values(facts.names).some(name => entry === `${BUILTIN_ASSIGNOR_PACKAGE}${name}`),
    );
    const nameOf = (entry: string): string =>
      builtins.find(name => entry === `${BUILTIN_ASSIGNOR_PACKAGE}${facts.names[name] ?? ''}`) ??
      entry;
    const resolved = entries.map(nameOf);
    const repeated = resolved.find((name, index) => resolved.indexOf(name) !== index);
    const use = builtins.join(' or ');
    if (unknown !== undefined) {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `${showValue(unknown)} is not a built-in ${facts.what}, so Kafka loads it as a Java class, which this platform does not add to the broker image, and the broker stops at start ("Class ${unknown} cannot be found"); use ${use}`,
        ),
      );
    } else if (key === 'group.share.assignors' && entries.length !== 1) {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `${showValue(value)} has ${entries.length} entries, but Kafka takes exactly one ${facts.what} and stops the broker at start otherwise; use ${use}`,
        ),
      );
    } else if (repeated !== undefined) {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `${showValue(value)} lists the assignor ${repeated} twice, which Kafka refuses (a repeated assignor passed startup and crashed the group coordinator before Kafka checked it, apache/kafka#22982, KAFKA-20843); list each assignor once`,
        ),
      );
    }
  }
  const protocols = config['group.coordinator.rebalance.protocols'];
  if (protocols !== undefined) {
    const unknown = entriesOf(protocols).find(
      entry => !(REBALANCE_PROTOCOLS as readonly string[]).includes(entry),
    );
    if (unknown !== undefined) {
      issues.push(
        issue(
          keyPath(mapPath, 'group.coordinator.rebalance.protocols'),
          `${showValue(unknown)} is not a rebalance protocol Kafka knows, so the broker stops at start; list only ${REBALANCE_PROTOCOLS.slice(0, -1).join(', ')} and ${REBALANCE_PROTOCOLS.at(-1)} (lower case)`,
        ),
      );
    }
  }
  return issues;
}

/** Kafka's `Short` range: `short` keys (replication factors, login refresh seconds). */
const SHORT_MAX = 32767;

/** The value rule Kafka 4.1's broker table gives a key (`kafka-broker-keys.ts`), for typed keys. */
function documentedValueRule(key: string): ValueRule | undefined {
  const facts = KAFKA_BROKER_KEYS[key];
  if (facts === undefined) return undefined;
  const bounds = {
    ...(facts.min === undefined ? {} : { min: facts.min }),
    ...(facts.max === undefined ? {} : { max: facts.max }),
  };
  switch (facts.type) {
    case 'int':
    case 'long':
    case 'double':
      return { type: facts.type, ...bounds };
    case 'short':
      return { type: 'int', ...bounds, max: facts.max ?? SHORT_MAX };
    case 'boolean':
      return { type: 'boolean' };
    case 'list':
      return NON_EMPTY_BROKER_LISTS.has(key) ? { type: 'list', nonEmpty: true } : undefined;
    default:
      return undefined;
  }
}

/** Broker keys whose whole-number form the replication rules report (`integerAt`). */
const REPLICATION_KEYS: ReadonlySet<string> = new Set([
  'default.replication.factor',
  'min.insync.replicas',
  'offsets.topic.replication.factor',
  'transaction.state.log.replication.factor',
  'transaction.state.log.min.isr',
  'share.coordinator.state.topic.replication.factor',
  'share.coordinator.state.topic.min.isr',
]);

/** Keys Strimzi lets through that no Kafka table lists (Cruise Control metrics reporter topic). */
const STRIMZI_ALLOWED_EXTRA_KEYS = [...STRIMZI_PREFIX_EXCEPTIONS].filter(key =>
  key.startsWith('cruise.control.'),
);

/** Every documented Kafka 4.x broker key: the 4.1 table plus the 4.3 documentation's names. */
const KAFKA_4_BROKER_KEY_NAMES_SET: ReadonlySet<string> = new Set([
  ...Object.keys(KAFKA_BROKER_KEYS),
  ...KAFKA_4_BROKER_KEY_NAMES,
]);

/**
 * A key Kafka does not define but that is within two edits of one it does: a misspelling, which
 * Kafka logs as unknown and ignores (`log.retention.hour`, `num.io.thread`). Returns the key meant.
 * A key any documented Kafka 4.x table has (4.1's typed table, 4.3's names in
 * `kafka-broker-key-names.ts`) is never a misspelling; keys further than two edits from every
 * known key pass (internal or plugin keys Kafka does not document).
 */
export function misspeltBrokerKey(key: string): string | undefined {
  if (
    KAFKA_BROKER_KEYS[key] !== undefined ||
    KAFKA_4_BROKER_KEY_NAMES_SET.has(key) ||
    TOPIC_CONFIG_KEYS.includes(key) ||
    STRIMZI_ALLOWED_EXTRA_KEYS.includes(key) ||
    removedInKafka4(key) !== undefined
  ) {
    return undefined;
  }
  const known = [...KAFKA_4_BROKER_KEY_NAMES_SET, ...STRIMZI_ALLOWED_EXTRA_KEYS];
  const candidate = closest(key, known);
  return distance(key, candidate) <= 2 ? candidate : undefined;
}

/** Type and range problems of every key with a known value rule, booleans included. */
function valueIssues(
  mapPath: string,
  config: Readonly<Record<string, ConfigValue>>,
  ruleOf: (key: string) => ValueRule | undefined,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [key, value] of Object.entries(config)) {
    // Reported by switchIssues, and by integerAt with the replication rules.
    if (
      Object.keys(SAFETY_SWITCHES).includes(key) ||
      Object.keys(BROKER_SWITCHES).includes(key) ||
      REPLICATION_KEYS.has(key)
    ) {
      continue;
    }
    const rule = ruleOf(key);
    const problem = rule === undefined ? undefined : valueProblem(rule, value);
    if (problem !== undefined) issues.push(issue(keyPath(mapPath, key), problem));
  }
  return issues;
}

/**
 * Kafka keys are lower-case, dot-separated and free of spaces; Kafka matches them exactly, so
 * `Min.Insync.Replicas` or ` listeners` is an unknown key that Kafka ignores (and that would slip
 * past every check here keyed on the real name).
 */
function keyFormIssues(
  mapPath: string,
  config: Readonly<Record<string, ConfigValue>>,
): SpecIssue[] {
  return Object.keys(config)
    .filter(key => key === '' || key !== key.trim().toLowerCase() || /\s/.test(key))
    .map(key =>
      issue(
        keyPath(mapPath, key),
        key.trim() === ''
          ? 'is an empty key; remove it'
          : `is not a Kafka key as written: Kafka keys are lower-case without spaces and match exactly; write "${key.trim().toLowerCase().replace(/\s+/g, '')}"`,
      ),
    );
}

/** Broker properties that are the server default of a topic-level key (Kafka 4.0 docs). */
const BROKER_DEFAULT_OF_TOPIC_KEY: Readonly<Record<string, string>> = {
  'log.cleanup.policy': 'cleanup.policy',
  'log.cleaner.delete.retention.ms': 'delete.retention.ms',
  'log.segment.delete.delay.ms': 'file.delete.delay.ms',
  'log.flush.interval.messages': 'flush.messages',
  'log.flush.interval.ms': 'flush.ms',
  'log.index.interval.bytes': 'index.interval.bytes',
  'log.local.retention.bytes': 'local.retention.bytes',
  'log.local.retention.ms': 'local.retention.ms',
  'log.cleaner.max.compaction.lag.ms': 'max.compaction.lag.ms',
  'message.max.bytes': 'max.message.bytes',
  'log.message.timestamp.after.max.ms': 'message.timestamp.after.max.ms',
  'log.message.timestamp.before.max.ms': 'message.timestamp.before.max.ms',
  'log.message.timestamp.type': 'message.timestamp.type',
  'log.cleaner.min.cleanable.ratio': 'min.cleanable.dirty.ratio',
  'log.cleaner.min.compaction.lag.ms': 'min.compaction.lag.ms',
  'log.preallocate': 'preallocate',
  'log.retention.bytes': 'retention.bytes',
  'log.retention.ms': 'retention.ms',
  'log.retention.minutes': 'retention.ms',
  'log.retention.hours': 'retention.ms',
  'log.segment.bytes': 'segment.bytes',
  'log.index.size.max.bytes': 'segment.index.bytes',
  'log.roll.jitter.ms': 'segment.jitter.ms',
  'log.roll.jitter.hours': 'segment.jitter.ms',
  'log.roll.ms': 'segment.ms',
  'log.roll.hours': 'segment.ms',
};

/**
 * Topic-level keys whose broker default has the same name (Kafka's `ServerTopicConfigSynonyms`
 * `sameName` entries, apache/kafka server-common): only these mean something in `kafka.config` too.
 */
const SAME_NAME_BROKER_KEYS: ReadonlySet<string> = new Set([
  'compression.type',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.zstd.level',
  'min.insync.replicas',
  'unclean.leader.election.enable',
]);

/**
 * The broker key that serves as a topic-level key's default (the first synonym Kafka reads), or
 * undefined for the keys Kafka gives no broker default (`remote.storage.enable`, the throttled
 * replica lists, `remote.log.copy.disable`, `remote.log.delete.on.disable`,
 * `message.downconversion.enable`).
 */
export function brokerKeyOfTopicKey(topicKey: string): string | undefined {
  return Object.entries(BROKER_DEFAULT_OF_TOPIC_KEY).find(([, topic]) => topic === topicKey)?.[0];
}

/**
 * A topic-level key written in the broker map. The broker reads only its own property names, so a
 * topic name there (`segment.ms`, `retention.ms`) lands in the broker's properties file and does
 * nothing: the topics keep Kafka's default (strimzi/strimzi-kafka-operator#11063, where
 * `segment.ms` and `retention.ms` in `spec.kafka.config` were ignored). Every topic-level key
 * except the same-name ones (`SAME_NAME_BROKER_KEYS`) is such a key.
 */
export function topicKeyInBrokerConfig(key: string): string | undefined {
  if (!TOPIC_CONFIG_KEYS.includes(key) || SAME_NAME_BROKER_KEYS.has(key)) return undefined;
  const brokerKey = brokerKeyOfTopicKey(key);
  const perTopic = 'or set it per topic in kafka.topics[].config';
  return brokerKey === undefined
    ? `is a topic-level key with no broker-wide default, so the broker ignores it here (strimzi-kafka-operator#11063); set it per topic in kafka.topics[].config`
    : `is a topic-level key, which the broker ignores in its own configuration (strimzi-kafka-operator#11063); the broker-wide default is "${brokerKey}" (mind its unit), ${perTopic}`;
}

/** Prefixes and keys that only exist as broker settings (Kafka 4.0 broker configs). */
const BROKER_ONLY_PREFIXES = [
  'log.',
  'num.',
  'replica.',
  'offsets.',
  'transaction.',
  'socket.',
  'queued.',
  'group.',
  'auto.',
  'default.replication.factor',
  'remote.log.',
  'share.',
  'quota.',
  'leader.imbalance.',
];

/** Where a key sits in the spec, as an issue path: `kafka.config["min.insync.replicas"]`. */
function keyPath(mapPath: string, key: string): string {
  return `${mapPath}[${JSON.stringify(key)}]`;
}

function issue(path: string, message: string): SpecIssue {
  return { path, message };
}

/** The forbidden or reserved entry a broker key falls under, if any. */
export function forbiddenBrokerKey(key: string): (ForbiddenPrefix & { by: string }) | undefined {
  const lower = key.toLowerCase();
  const strimzi =
    STRIMZI_PREFIX_EXCEPTIONS.has(lower) || STRIMZI_LISTENER_PREFIX_EXCEPTION.test(lower)
      ? undefined
      : STRIMZI_FORBIDDEN_PREFIXES.find(entry => lower.startsWith(entry.prefix.toLowerCase()));
  if (strimzi !== undefined) return { ...strimzi, by: 'Strimzi' };
  // Strimzi's exceptions pass Strimzi, not the platform (cruise.control.metrics.topic.* configure
  // a Cruise Control this platform does not deploy).
  const reserved = PLATFORM_RESERVED.find(entry => lower.startsWith(entry.prefix));
  return reserved === undefined ? undefined : { ...reserved, by: 'this platform' };
}

/** A boolean setting: true/false, or the strings "true"/"false" (any case), as Kafka parses them. */
function booleanOf(value: ConfigValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
    return value.trim().toLowerCase() === 'true';
  }
  return undefined;
}

/** Replication factor rule, shared by the typed fields and the config keys. */
export function replicationFactorIssue(
  path: string,
  replicationFactor: number,
  spec: PlatformSpec,
): SpecIssue | undefined {
  const { brokers, allowReplicationFactorOne } = spec.kafka;
  if (replicationFactor > brokers) {
    return issue(
      path,
      `${replicationFactor} is more than the ${brokers} brokers; use at most ${brokers}`,
    );
  }
  if (replicationFactor < 1 || (replicationFactor < 2 && !allowReplicationFactorOne)) {
    return issue(
      path,
      `${replicationFactor} loses data when one broker fails; use 3 (or set kafka.allowReplicationFactorOne: true for throwaway data)`,
    );
  }
  return undefined;
}

/**
 * The fewest zones at which the platform survives losing one: the KRaft controllers spread over
 * distinct zones (charts/kafka/node-pools.ts), so with 3 or more zones and 3 controllers a zone
 * outage leaves a quorum, while with 2 zones one of them always holds a controller majority.
 */
export const ZONE_OUTAGE_MIN_ZONES = 3;

/**
 * The replicas of a partition left when the zone holding most of them fails: some zone holds at
 * least ceil(RF / zones) of any partition's replicas (pigeonhole; Kafka's rack-aware placement,
 * with `broker.rack` set to the zone, spreads them as evenly as that allows).
 */
export function replicasAfterZoneOutage(replicationFactor: number, zones: number): number {
  return replicationFactor - Math.ceil(replicationFactor / zones);
}

/**
 * Minimum in-sync replicas rule: at least 1 and below the replication factor it guards; and, with
 * `zones` given (at least `ZONE_OUTAGE_MIN_ZONES`), at most the replicas a zone outage leaves.
 * Round 14: a replication factor above the zone count puts two replicas of every partition in one
 * zone (3 zones, replication factor 4), so `min.insync.replicas` 3 stops acks=all producers during
 * a zone outage that the rest of the platform (KRaft quorum, per-zone node pools) survives; Strimzi
 * users who run fewer zones than replicas ask for zone tolerance in exactly this shape
 * (strimzi/strimzi-kafka-operator#10297: 2 zones, replication factor 4 to survive one).
 */
export function minInSyncIssue(
  path: string,
  minInSyncReplicas: number,
  replicationFactor: number,
  replicationFactorSource?: string,
  zones?: number,
): SpecIssue | undefined {
  if (minInSyncReplicas < 1) return issue(path, `${minInSyncReplicas} is below 1; use 2`);
  const fix =
    replicationFactor > 1 ? `use ${replicationFactor - 1}` : 'raise the replication factor first';
  const source = replicationFactorSource === undefined ? '' : ` (${replicationFactorSource})`;
  if (
    minInSyncReplicas >= replicationFactor &&
    (replicationFactor > 1 || minInSyncReplicas > replicationFactor)
  ) {
    return issue(
      path,
      `${minInSyncReplicas} is not below the replication factor ${replicationFactor}${source}, so any broker restart stops producers; ${fix}`,
    );
  }
  if (zones === undefined || zones < ZONE_OUTAGE_MIN_ZONES || replicationFactor <= zones) {
    return undefined;
  }
  const left = replicasAfterZoneOutage(replicationFactor, zones);
  if (minInSyncReplicas <= left) return undefined;
  let enough = replicationFactor;
  while (replicasAfterZoneOutage(enough, zones) < minInSyncReplicas) enough += 1;
  return issue(
    path,
    `${minInSyncReplicas} is more than the ${left} replicas left when one zone fails: a replication factor of ${replicationFactor}${source} over ${zones} zones puts at least ${Math.ceil(replicationFactor / zones)} replicas of each partition in one zone, so producers with acks=all stop while that zone is down, although the KRaft quorum and the other zones keep running; use at most ${left}, or a replication factor of ${enough} (with as many brokers)`,
  );
}

/** A safety switch the platform keeps off (data loss or unmanaged topics when on). */
const SAFETY_SWITCHES: Readonly<Record<string, string>> = {
  'auto.create.topics.enable':
    'creates topics on first use with broker defaults and no KafkaTopic resource, outside the spec; declare them in kafka.topics',
  'unclean.leader.election.enable':
    'lets an out-of-sync replica become leader and silently drop acknowledged writes; keep it false',
};

/**
 * Broker switches with the one value the platform allows:
 * - `log.cleaner.enable` stays true: without the cleaner no compacted topic is compacted, Kafka's
 *   own `__consumer_offsets` included, and they grow until the disk fills (Kafka 4.1 broker
 *   configuration table, which also marks the key deprecated for removal in 5.0);
 * - `remote.log.storage.system.enable` stays false: tiered storage needs a remote storage plugin
 *   (`remote.log.storage.manager.class.name`, no default), and this platform configures none;
 * - `delete.topic.enable` stays true: the spec's topic list is declarative, and with deletion off
 *   the unidirectional Topic Operator removes a deleted KafkaTopic's finalizer without deleting the
 *   topic (Strimzi proposal 050, "Unidirectional Topic Operator"), so a topic taken out of
 *   `kafka.topics` silently stays in Kafka with its data;
 * - `controlled.shutdown.enable` stays true (round 16): a KRaft broker asks the controller to move
 *   its partition leaders away before it stops only when the key is true (apache/kafka
 *   `BrokerServer.shutdown`; KAFKA-14296, apache/kafka#12741, on what that shutdown does), and this
 *   platform stops brokers all the time: Strimzi rolls them one by one on every configuration or
 *   version change, and the autoscaling controller drains and removes them on scale-in. Without
 *   it every stop leaves the broker's partitions without a leader until the controllers fence it
 *   (`broker.session.timeout.ms`, 9 s by default), so producers and consumers fail on each roll
 *   (bitnami/charts#13129 reports offline partitions during a rolling update). No Strimzi report
 *   of this key itself was found.
 */
const BROKER_SWITCHES: Readonly<Record<string, { keep: boolean; reason: string }>> = {
  'log.cleaner.enable': {
    keep: true,
    reason:
      "stops compaction of every compacted topic, Kafka's own __consumer_offsets included, so they grow until the disk fills; leave it out",
  },
  'delete.topic.enable': {
    keep: true,
    reason:
      'keeps every topic removed from kafka.topics in Kafka: the Topic Operator then drops the KafkaTopic but leaves the topic and its data, unmanaged (Strimzi proposal 050, unidirectional Topic Operator; banzaicloud/koperator#369 for another operator stuck on it); leave it out',
  },
  'controlled.shutdown.enable': {
    keep: true,
    reason:
      "makes every broker stop without handing its partition leaders over first, and this platform stops brokers on every Strimzi roll and every scale-in, so each stop leaves the broker's partitions leaderless until the controllers fence it (broker.session.timeout.ms) and clients fail meanwhile; leave it out",
  },
  'remote.log.storage.system.enable': {
    keep: false,
    reason:
      'turns on tiered storage, which needs a remote storage plugin (remote.log.storage.manager.class.name) this platform does not configure; leave it out',
  },
};

/**
 * Round 14: broker counts whose 0 switches off what a kept switch of `BROKER_SWITCHES` protects,
 * with the switch and the effect. `log.cleaner.threads: 0` passes Kafka's static range (at least
 * 0), so the broker starts with the cleaner enabled but no cleaner thread, and nothing is ever
 * compacted, exactly as with `log.cleaner.enable: false`; Kafka itself refuses fewer than 1
 * thread when the count is changed at run time ("Log cleaner threads should be at least 1",
 * apache/kafka `LogCleaner.validateReconfiguration`), but not at start.
 */
export const SWITCHED_OFF_BY_ZERO: Readonly<Record<string, { switch: string; reason: string }>> = {
  'log.cleaner.threads': {
    switch: 'log.cleaner.enable',
    reason:
      "starts no log cleaner thread, so no compacted topic is ever compacted, Kafka's own __consumer_offsets included, and they grow until the disk fills (as with log.cleaner.enable: false, which is refused; Kafka refuses 0 threads only when the count changes at run time)",
  },
};

function brokerSwitchIssues(
  mapPath: string,
  config: Readonly<Record<string, ConfigValue>>,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [key, { reason }] of Object.entries(SWITCHED_OFF_BY_ZERO)) {
    const value = config[key];
    if (value !== undefined && configWholeNumber(value) === 0) {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `${showValue(value)} ${reason}; use at least 1 (Kafka's default is 1), or leave ${key} out`,
        ),
      );
    }
  }
  for (const [key, { keep, reason }] of Object.entries(BROKER_SWITCHES)) {
    const value = config[key];
    if (value === undefined) continue;
    const parsed = booleanOf(value);
    if (parsed === undefined) {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `${showValue(value)} is not a boolean Kafka accepts; write ${keep}`,
        ),
      );
    } else if (parsed !== keep) {
      issues.push(issue(keyPath(mapPath, key), `${showValue(value)} ${reason}`));
    }
  }
  return issues;
}

function switchIssues(mapPath: string, config: Readonly<Record<string, ConfigValue>>): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [key, reason] of Object.entries(SAFETY_SWITCHES)) {
    const value = config[key];
    if (value === undefined) continue;
    const parsed = booleanOf(value);
    if (parsed === undefined) {
      issues.push(
        issue(keyPath(mapPath, key), `${showValue(value)} is not a boolean; write false`),
      );
    } else if (parsed) {
      issues.push(issue(keyPath(mapPath, key), `${showValue(value)} ${reason}`));
    }
  }
  return issues;
}

/**
 * Kafka's boolean settings by naming convention (`*.enable`, `*.disable`, plus `preallocate`):
 * Kafka's `ConfigDef` parses a boolean from `true` or `false` only (any case), so a YAML-ish `on`
 * or `yes` stops the broker (or the topic creation) with a ConfigException.
 */
function isBooleanKey(key: string): boolean {
  return /\.(enable|disable)$/.test(key) || key === 'preallocate' || key === 'log.preallocate';
}

/**
 * Kafka's numeric broker settings by naming convention: durations end in `.ms`, sizes in `.bytes`,
 * thread counts in `.threads`, counts start with `num.` (Kafka 4.0 broker configs, all INT or
 * LONG). Kafka parses them with `Integer/Long.parseLong`, so `0x10`, `1.5` or `64MB` stop the
 * broker with a ConfigException. The range is left to Kafka; only the form is checked.
 */
function isWholeNumberKey(key: string): boolean {
  return /\.(ms|bytes|threads)$/.test(key) || key.startsWith('num.');
}

/** Reads an integer key, or reports that it is not one. */
function integerAt(
  mapPath: string,
  config: Readonly<Record<string, ConfigValue>>,
  key: string,
  issues: SpecIssue[],
): number | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  const parsed = configWholeNumber(value);
  if (parsed === undefined) {
    issues.push(
      issue(
        keyPath(mapPath, key),
        `${showValue(value)} is not a whole number; write a plain whole number such as 2 (no unit, no decimals)`,
      ),
    );
  }
  return parsed;
}

/**
 * A broker key whose value names Java classes (`*.class`, `*.class.name`, `*.classes`, such as
 * `create.topic.policy.class.name` or `client.quota.callback.class`). Kafka loads the class when the
 * broker starts and stops with a ConfigException when it is not on the classpath
 * (strimzi/strimzi-kafka-oauth#254: `principal.builder.class` naming a class missing from the
 * image). This platform adds no plugin jars to the Strimzi image and renders no Strimzi plugin
 * section (`spec.kafka.quotas`, `tieredStorage`, `cruiseControl`), so every such key is refused;
 * the ones the platform sets itself are reserved (`PLATFORM_RESERVED`).
 */
export function isClassKey(key: string): boolean {
  return /\.(class|class\.name|classes)$/.test(key);
}

/**
 * Kafka's internal topics whose replication the broker config sets, with what stops when a broker
 * restarts and the topic's ISR is not below its replication factor. The platform renders both keys
 * of each pair from kafka.replicationFactor and kafka.minInSyncReplicas (charts/kafka/kafka-spec.ts):
 * Kafka's defaults (3 and 2) do not fit a two-broker cluster, where the share-group state topic
 * could then never be created (apache/kafka#21589, upgrade note for clusters below 3 brokers).
 */
const INTERNAL_TOPIC_REPLICATION: ReadonlyArray<readonly [string, string, string]> = [
  ['transaction.state.log.replication.factor', 'transaction.state.log.min.isr', 'transactions'],
  [
    'share.coordinator.state.topic.replication.factor',
    'share.coordinator.state.topic.min.isr',
    'share groups',
  ],
];

/** An internal topic's replication factor against the brokers and its own min ISR. */
function internalTopicIssues(
  mapPath: string,
  spec: PlatformSpec,
  replicationFactor: number | undefined,
  minIsr: number | undefined,
  rfKey: string,
  isrKey: string,
  stops: string,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (replicationFactor !== undefined) {
    const found = replicationFactorIssue(keyPath(mapPath, rfKey), replicationFactor, spec);
    if (found !== undefined) issues.push(found);
  }
  if (minIsr !== undefined) {
    const found = minInSyncIssue(
      keyPath(mapPath, isrKey),
      minIsr,
      replicationFactor ?? spec.kafka.replicationFactor,
      replicationFactor === undefined ? 'kafka.replicationFactor' : `${mapPath}["${rfKey}"]`,
      spec.zones.length,
    );
    if (found !== undefined) issues.push(found);
  } else if (
    replicationFactor !== undefined &&
    replicationFactor > 1 &&
    spec.kafka.minInSyncReplicas >= replicationFactor
  ) {
    issues.push(
      issue(
        keyPath(mapPath, rfKey),
        `${replicationFactor} is not above ${isrKey} ${spec.kafka.minInSyncReplicas} (kafka.minInSyncReplicas), so ${stops} stop whenever a broker restarts; use ${spec.kafka.minInSyncReplicas + 1}`,
      ),
    );
  }
  return issues;
}

/**
 * Round 14: broker keys that hold a secret. Kafka types them `PASSWORD` (only masks them in its
 * own log), but `kafka.config` is no secret store: synth writes it in plain text into the `Kafka`
 * resource (and the GitOps repository when one is set), Strimzi keeps it in the brokers'
 * configuration ConfigMaps (a config change updates the ConfigMap,
 * strimzi/strimzi-kafka-operator#11151), and anyone who can read either has the secret. Every `PASSWORD` key of
 * Kafka 4's broker table that Strimzi does not already forbid (`ssl.`, `sasl.`, `password.` are
 * forbidden) is here, plus `delegation.token.master.key`, the name Kafka used for the same
 * secret before `delegation.token.secret.key`. Setting the delegation token secret also turns
 * delegation tokens on: any authenticated client can then create tokens that authenticate as
 * itself over SCRAM, which Strimzi's `KafkaUser` resources neither list nor revoke (Kafka's security
 * documentation, delegation tokens; the vendor guides note the key sits in plain text in the
 * broker configuration). No Strimzi report was found; the class is the platform's own
 * plain-text rule, which `config.providers` (reserved) would otherwise be the way around.
 */
export const SECRET_BROKER_KEYS: readonly string[] = [
  ...Object.entries(KAFKA_BROKER_KEYS)
    .filter(([, facts]) => facts.type === 'password')
    .map(([key]) => key),
  'delegation.token.master.key',
];

/** Every problem of `kafka.config`. */
export function brokerConfigIssues(spec: PlatformSpec): SpecIssue[] {
  const mapPath = 'kafka.config';
  const config = spec.kafka.config;
  const issues: SpecIssue[] = [];
  for (const key of Object.keys(config)) {
    const forbidden = forbiddenBrokerKey(key);
    if (forbidden !== undefined) {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `is reserved by ${forbidden.by} (prefix "${forbidden.prefix}"), so the broker would never see it; use ${forbidden.instead}`,
        ),
      );
    }
    if (forbidden === undefined && SECRET_BROKER_KEYS.includes(key)) {
      issues.push(
        issue(
          keyPath(mapPath, key),
          "holds a secret, but kafka.config is written in plain text into the Kafka resource (and the GitOps repository) and into the brokers' ConfigMaps, where anyone who can read them has it; it would also turn on delegation tokens, which any authenticated client can then create and which Strimzi's KafkaUser resources neither list nor revoke; remove it (this platform does not use delegation tokens)",
        ),
      );
    }
    // A Strimzi-forbidden ZooKeeper key is reported once, as reserved; a key Kafka 4 ignores
    // everywhere once, as removed, not also as a topic key to move (round 14).
    const removed = forbidden === undefined ? removedInKafka4(key) : undefined;
    const topicOnly = removed === undefined ? topicKeyInBrokerConfig(key) : undefined;
    if (topicOnly !== undefined) issues.push(issue(keyPath(mapPath, key), topicOnly));
    if (removed !== undefined) issues.push(issue(keyPath(mapPath, key), removed));
    // A key in the wrong case or with spaces is reported once, by keyFormIssues.
    const wellFormed = key === key.trim().toLowerCase() && !/\s/.test(key);
    const clientKey = clientKeyInBrokerConfig(key);
    if (clientKey !== undefined) issues.push(issue(keyPath(mapPath, key), clientKey));
    const meant =
      forbidden === undefined && wellFormed && clientKey === undefined
        ? misspeltBrokerKey(key)
        : undefined;
    if (meant !== undefined && !isClassKey(key) && topicOnly === undefined) {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `is not a Kafka broker key, so the broker would ignore it; did you mean "${meant}"?`,
        ),
      );
    }
    if (forbidden === undefined && isClassKey(key)) {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `${showValue(config[key] ?? '')} names a plugin class, but this platform adds no plugins to the broker image, and Kafka stops at start when a configured class is missing (strimzi-kafka-oauth#254); remove it`,
        ),
      );
    }
  }
  issues.push(
    ...keyFormIssues(mapPath, config),
    ...switchIssues(mapPath, config),
    ...brokerSwitchIssues(mapPath, config),
    ...brokerOrderingIssues(mapPath, config, spec.kafka.version),
    ...groupListIssues(mapPath, config),
    ...tlsConfigIssues(mapPath, config),
    ...listenerKeyIssues(spec, key => forbiddenBrokerKey(key) === undefined),
    ...brokerConnectionLimitIssues(spec),
    ...brokerFormatIssues(spec),
    ...valueIssues(mapPath, config, key =>
      forbiddenBrokerKey(key) !== undefined ||
      topicKeyInBrokerConfig(key) !== undefined ||
      removedInKafka4(key) !== undefined
        ? undefined
        : (brokerValueRule(
            STRIMZI_LISTENER_PREFIX_EXCEPTION.test(key) ? (listenerBaseKey(key) ?? key) : key,
          ) ??
          (isBooleanKey(key) ? { type: 'boolean' } : undefined) ??
          (isWholeNumberKey(key) ? { type: 'long' } : undefined)),
    ),
  );
  const at = (key: string): number | undefined => integerAt(mapPath, config, key, issues);
  const defaultRf = at('default.replication.factor');
  const minIsr = at('min.insync.replicas');
  const offsetsRf = at('offsets.topic.replication.factor');
  for (const [key, value] of [
    ['default.replication.factor', defaultRf],
    ['offsets.topic.replication.factor', offsetsRf],
  ] as const) {
    if (value === undefined) continue;
    const found = replicationFactorIssue(keyPath(mapPath, key), value, spec);
    if (found !== undefined) issues.push(found);
  }
  const effectiveRf = defaultRf ?? spec.kafka.replicationFactor;
  const rfSource =
    defaultRf === undefined
      ? 'kafka.replicationFactor'
      : `${mapPath}["default.replication.factor"]`;
  if (minIsr !== undefined) {
    const found = minInSyncIssue(
      keyPath(mapPath, 'min.insync.replicas'),
      minIsr,
      effectiveRf,
      rfSource,
      spec.zones.length,
    );
    if (found !== undefined) issues.push(found);
  } else if (
    defaultRf !== undefined &&
    defaultRf > 1 &&
    spec.kafka.minInSyncReplicas >= defaultRf
  ) {
    issues.push(
      issue(
        keyPath(mapPath, 'default.replication.factor'),
        `${defaultRf} is not above kafka.minInSyncReplicas ${spec.kafka.minInSyncReplicas}, so any broker restart stops producers; use ${spec.kafka.minInSyncReplicas + 1}`,
      ),
    );
  }
  const effectiveIsr = minIsr ?? spec.kafka.minInSyncReplicas;
  if (offsetsRf !== undefined && offsetsRf > 1 && offsetsRf <= effectiveIsr) {
    issues.push(
      issue(
        keyPath(mapPath, 'offsets.topic.replication.factor'),
        `${offsetsRf} is not above min.insync.replicas ${effectiveIsr}, so consumer offset commits stop whenever a broker restarts; use ${effectiveIsr + 1}`,
      ),
    );
  }
  issues.push(...crossKeyIssues(mapPath, config, 'log.cleaner.'));
  for (const [rfKey, isrKey, stops] of INTERNAL_TOPIC_REPLICATION) {
    issues.push(...internalTopicIssues(mapPath, spec, at(rfKey), at(isrKey), rfKey, isrKey, stops));
  }
  return issues;
}

/**
 * Advice on `kafka.config`: a well-formed key that no other check names and that is not in Kafka
 * 4.3's broker configuration table (`kafka-broker-key-names.ts`) nor among the keys Strimzi lets
 * through. Kafka logs an unknown key and goes on, so such a key is usually without effect (as
 * `request.max.bytes` was in strimzi/strimzi-kafka-operator#8302); it is a warning, not a problem,
 * because Kafka also reads a few internal keys its table does not document
 * (`ConfigDef.defineInternal`, such as `log.initial.task.delay.ms`).
 */
export function brokerConfigWarnings(spec: PlatformSpec): SpecIssue[] {
  return Object.keys(spec.kafka.config)
    .filter(
      key =>
        key === key.trim().toLowerCase() &&
        !/\s/.test(key) &&
        key !== '' &&
        !KAFKA_4_BROKER_KEY_NAMES_SET.has(key) &&
        !STRIMZI_ALLOWED_EXTRA_KEYS.includes(key) &&
        !STRIMZI_LISTENER_PREFIX_EXCEPTION.test(key) &&
        !TOPIC_CONFIG_KEYS.includes(key) &&
        forbiddenBrokerKey(key) === undefined &&
        removedInKafka4(key) === undefined &&
        clientKeyInBrokerConfig(key) === undefined &&
        misspeltBrokerKey(key) === undefined &&
        !isClassKey(key),
    )
    .map(key =>
      issue(
        keyPath('kafka.config', key),
        `is not a key of Kafka 4.3's broker configuration table, so unless it is one of Kafka's undocumented internal keys the broker logs it as unknown and ignores it (strimzi-kafka-operator#8302); check the name against the broker configuration table, or remove it`,
      ),
    );
}

/**
 * Round 16: `auto.leader.rebalance.enable: false`, a switch the platform's rolls and broker moves
 * lean on but that is legitimate (with Cruise Control, or `kafka-leader-election` after each
 * change), so a warning. A broker that stops hands its leaders over (controlled shutdown) and gets
 * them back only from the controller's periodic preferred-leader election, which this key turns
 * off; Strimzi's rolling restart does not wait for or trigger that election (the last-rolled broker
 * ends up leading nothing: strimzi/strimzi-kafka-operator#5564, still open), and neither does this
 * platform's autoscaling controller after a scale-out or a move. So after every roll leadership,
 * and with it the produce traffic, piles up on the brokers restarted first.
 * @returns one warning at `kafka.config["auto.leader.rebalance.enable"]` when Kafka reads it as false.
 */
export function leaderRebalanceWarnings(spec: PlatformSpec): SpecIssue[] {
  const value = spec.kafka.config['auto.leader.rebalance.enable'];
  if (value === undefined || booleanOf(value) !== false) return [];
  return [
    issue(
      keyPath('kafka.config', 'auto.leader.rebalance.enable'),
      `${showValue(value)} stops the controllers from moving leaders back to their preferred replicas, and neither Strimzi's rolling restarts nor this platform's scale-outs and broker moves elect them (the last broker rolled leads nothing afterwards, strimzi/strimzi-kafka-operator#5564), so after each roll leadership and produce traffic pile up on the other brokers; leave it out, or run kafka-leader-election --election-type PREFERRED --all-topic-partitions after every roll and move`,
    ),
  ];
}

/** Kafka's defaults of the KRaft broker lease keys (`KRaftConfigs`, 4.x: 2000 and 9000 ms). */
export const BROKER_LEASE_DEFAULTS = {
  'broker.heartbeat.interval.ms': 2000,
  'broker.session.timeout.ms': 9000,
} as const;

/**
 * Advice on the KRaft broker lease: Kafka wants `broker.heartbeat.interval.ms` at most half of
 * `broker.session.timeout.ms`, but only logs an error and starts (apache/kafka#20046,
 * KAFKA-19432), and a broker's heartbeat request times out at half the session, so with a longer
 * interval one missed heartbeat outlives the lease and the controller fences a live broker
 * (strimzi-kafka-operator#11736; Strimzi lets both keys through since 0.48, #11617). A side the
 * spec leaves out takes Kafka's default (`BROKER_LEASE_DEFAULTS`).
 * @returns one warning, at the heartbeat key when the spec sets it, else at the session key; none
 *   when the spec sets neither, a value is not an integer or is 0 or below (both refused
 *   elsewhere), or the pair is fine.
 */
export function brokerLeaseWarnings(spec: PlatformSpec): SpecIssue[] {
  const heartbeatKey = 'broker.heartbeat.interval.ms';
  const sessionKey = 'broker.session.timeout.ms';
  const heartbeatSet = spec.kafka.config[heartbeatKey];
  const sessionSet = spec.kafka.config[sessionKey];
  if (heartbeatSet === undefined && sessionSet === undefined) return [];
  const heartbeat =
    heartbeatSet === undefined
      ? BROKER_LEASE_DEFAULTS[heartbeatKey]
      : configWholeNumber(heartbeatSet);
  const session =
    sessionSet === undefined ? BROKER_LEASE_DEFAULTS[sessionKey] : configWholeNumber(sessionSet);
  // Round 15: a lease key of 0 or below is refused (kafka-broker-formats.ts), not advised on.
  if (heartbeat === undefined || session === undefined || heartbeat <= 0 || session <= 0) return [];
  if (heartbeat * 2 <= session) return [];
  const effect =
    'Kafka starts anyway and only logs an error, but a broker that misses a single heartbeat then outlives its lease, and the KRaft controller fences brokers that are alive, moving their partition leaders away (apache/kafka#20046, KAFKA-19432; strimzi-kafka-operator#11736)';
  const otherDefault = (set: ConfigValue | undefined): string =>
    set === undefined ? " (Kafka's default)" : '';
  if (heartbeatSet !== undefined) {
    return [
      issue(
        keyPath('kafka.config', heartbeatKey),
        `${heartbeat} is more than half ${sessionKey} ${session}${otherDefault(sessionSet)}; ${effect}; set ${heartbeatKey} to at most ${Math.floor(session / 2)}, or ${sessionKey} to at least ${heartbeat * 2}`,
      ),
    ];
  }
  return [
    issue(
      keyPath('kafka.config', sessionKey),
      `${session} is less than twice ${heartbeatKey} ${heartbeat}${otherDefault(heartbeatSet)}; ${effect}; set ${sessionKey} to at least ${heartbeat * 2}, or ${heartbeatKey} to at most ${Math.floor(session / 2)}`,
    ),
  ];
}

/** The Java producer's default `transaction.timeout.ms` (`ProducerConfig`): 60000 ms. */
export const PRODUCER_DEFAULT_TRANSACTION_TIMEOUT_MS = 60000;

/**
 * Advice on the broker's transaction timeout ceiling: a transactional producer asks for its
 * `transaction.timeout.ms` (60000 unless set) at InitProducerId, and a broker whose
 * `transaction.max.timeout.ms` is lower refuses it with InvalidTxnTimeoutException
 * (j3-signalroom/apache_flink-kickstarter#787). Clients may lower their own timeout, so this is a
 * warning.
 * @returns one warning at `kafka.config["transaction.max.timeout.ms"]` when it is an integer below
 *   60000; none otherwise.
 */
export function transactionTimeoutWarnings(spec: PlatformSpec): SpecIssue[] {
  const key = 'transaction.max.timeout.ms';
  const set = spec.kafka.config[key];
  const ceiling = set === undefined ? undefined : configWholeNumber(set);
  if (ceiling === undefined || ceiling >= PRODUCER_DEFAULT_TRANSACTION_TIMEOUT_MS) return [];
  return [
    issue(
      keyPath('kafka.config', key),
      `${ceiling} is below the transaction.timeout.ms of ${PRODUCER_DEFAULT_TRANSACTION_TIMEOUT_MS} a Kafka producer asks for by default, so the brokers refuse, at initTransactions, every transactional producer that keeps that default ("The transaction timeout is larger than the maximum value allowed by the broker", apache_flink-kickstarter#787); use at least ${PRODUCER_DEFAULT_TRANSACTION_TIMEOUT_MS}, or lower transaction.timeout.ms in every transactional client`,
    ),
  ];
}

/**
 * Advice on an empty cleanup policy, which Kafka accepts since 4.2 (KIP-1161, apache/kafka#20334;
 * the upgrade notes of apache/kafka#20492 give its meaning): a topic whose `cleanup.policy` is
 * empty is neither deleted by retention nor compacted, so it keeps every record, as
 * `retention.ms: -1` with `retention.bytes: -1` would, and `retention.*` no longer bound it. The
 * broker default `log.cleanup.policy: ""` does the same to every topic without its own policy. It
 * is legal, so this is a warning: the volumes must hold the whole history (this platform runs no
 * tiered storage, so nothing moves off the broker volumes).
 * @returns one warning per empty policy, at `kafka.config["log.cleanup.policy"]` or
 *   `kafka.topics[i].config["cleanup.policy"]`; none when no policy is empty.
 */
export function emptyCleanupPolicyWarnings(spec: PlatformSpec): SpecIssue[] {
  const isEmpty = (value: ConfigValue | undefined): boolean =>
    typeof value === 'string' && value.trim() === '';
  const keepsAll =
    'neither deletes nor compacts (an empty list, accepted since Kafka 4.2), so Kafka keeps every record forever, as retention.ms -1 with retention.bytes -1 would, and the partitions grow until the broker volumes fill';
  const warnings: SpecIssue[] = [];
  if (isEmpty(spec.kafka.config['log.cleanup.policy'])) {
    warnings.push(
      issue(
        keyPath('kafka.config', 'log.cleanup.policy'),
        `"" ${keepsAll}, for every topic without its own cleanup.policy; set delete (with a retention), or leave the key out for Kafka's default delete`,
      ),
    );
  }
  spec.kafka.topics.forEach((topic, index) => {
    if (!isEmpty(topic.config['cleanup.policy'])) return;
    warnings.push(
      issue(
        keyPath(`kafka.topics[${index}].config`, 'cleanup.policy'),
        `"" ${keepsAll}; set delete (with a retention) or compact, or size kafka.storage.sizeGi for the topic's whole history`,
      ),
    );
  });
  return warnings;
}

/**
 * Broker settings Kafka reads from the first of several keys in different time units: retention
 * (`log.retention.ms`, then `.minutes`, then `.hours`), segment roll (`log.roll.ms`, then
 * `.hours`) and roll jitter (`log.roll.jitter.ms`, then `.hours`). Kafka's precedence goes by the
 * key, not by the value (Strimzi documents it, strimzi/strimzi-kafka-operator#9122; readers get it
 * wrong, danielsobrado/CCDAK-Exam-Questions#13), so a later key set beside an earlier one does
 * nothing.
 */
export const TIME_UNIT_KEY_FAMILIES: ReadonlyArray<ReadonlyArray<readonly [string, number]>> = [
  [
    ['log.retention.ms', 1],
    ['log.retention.minutes', 60_000],
    ['log.retention.hours', 3_600_000],
  ],
  [
    ['log.roll.ms', 1],
    ['log.roll.hours', 3_600_000],
  ],
  [
    ['log.roll.jitter.ms', 1],
    ['log.roll.jitter.hours', 3_600_000],
  ],
];

/**
 * Advice on a time setting given twice in different units with different values: Kafka takes the
 * key that comes first in its precedence (`TIME_UNIT_KEY_FAMILIES`) and ignores the other, so the
 * value the user may have meant (often the later, human-readable one) has no effect.
 * @returns one warning per ignored key whose value (in milliseconds) differs from the one Kafka
 *   uses; none for agreeing values or values that are not whole numbers (refused elsewhere).
 */
export function timeUnitPrecedenceWarnings(spec: PlatformSpec): SpecIssue[] {
  const config = spec.kafka.config;
  const warnings: SpecIssue[] = [];
  for (const family of TIME_UNIT_KEY_FAMILIES) {
    const set = family.filter(([key]) => config[key] !== undefined);
    const [winner, ...ignored] = set;
    if (winner === undefined) continue;
    const [winnerKey, winnerFactor] = winner;
    const winnerValue = configWholeNumber(config[winnerKey] ?? '');
    if (winnerValue === undefined) continue;
    const winnerMillis = winnerValue * winnerFactor;
    for (const [key, factor] of ignored) {
      const value = configWholeNumber(config[key] ?? '');
      if (value === undefined || value * factor === winnerMillis) continue;
      warnings.push(
        issue(
          keyPath('kafka.config', key),
          `${value} is ignored: Kafka reads ${winnerKey} first whenever it is set, whatever the values (strimzi-kafka-operator#9122), so the brokers use ${winnerKey} ${winnerValue} (${winnerMillis} ms), not ${value * factor} ms; keep one of the two keys, preferably ${family[0]?.[0]} (the one Kafka can also change without a restart)`,
        ),
      );
    }
  }
  return warnings;
}

/**
 * Advice on a per-address connection limit with the external listener on: the broker counts
 * `max.connections.per.ip` by the connection's source address, and the platform's NLBs use target
 * type ip, for which client IP preservation is off by default over TCP (ELB "Edit target group
 * attributes": IP targets, TCP and TLS), so every external client reaches a broker from the NLB's
 * own private address in its zone. The limit then caps all external clients of a zone together,
 * and the broker closes the connections beyond it, whichever client opens them (the same limit
 * behind an AWS load balancer: hashicorp/consul#10505; clients behind one address share it:
 * redpanda-data/docs#1357). The limit may be meant for exactly that, so this is a warning.
 * @returns one warning at `kafka.config["max.connections.per.ip"]` when the external listener is on
 *   and the key is a whole number from 1 (0 without overrides is refused elsewhere); none otherwise.
 */
export function perAddressLimitWarnings(spec: PlatformSpec): SpecIssue[] {
  const key = 'max.connections.per.ip';
  const set = spec.kafka.config[key];
  if (!spec.kafka.external.enabled || set === undefined) return [];
  const limit = configWholeNumber(set);
  if (limit === undefined || limit < 1) return [];
  return [
    issue(
      keyPath('kafka.config', key),
      `${limit} is counted per source address, and with kafka.external.enabled every external client reaches a broker from the private address of the NLB (target type ip keeps no client address over TCP), so all external clients of a zone share ${limit} connections per broker and the broker closes the ones beyond it, whichever client opens them (hashicorp/consul#10505, the same limit behind an AWS load balancer); raise it above the connections all external clients open to one broker, limit brokers with max.connections instead, or leave it out`,
    ),
  ];
}

/** Kafka's default `log.retention.hours` (168), in milliseconds. */
const DEFAULT_LOG_RETENTION_MS = 168 * 3_600_000;

/**
 * How long a declared topic keeps its records, milliseconds (Infinity when it keeps them without
 * a time limit: compacted or empty cleanup policy, or retention.ms -1), with where that comes from.
 */
function topicRetentionOf(
  spec: PlatformSpec,
  index: number,
): { readonly ms: number; readonly from: string } | undefined {
  const topic = spec.kafka.topics[index];
  if (topic === undefined) return undefined;
  const broker = spec.kafka.config;
  const policy = topic.config['cleanup.policy'] ?? broker['log.cleanup.policy'];
  const parts =
    policy === undefined
      ? ['delete']
      : String(policy)
          .split(',')
          .map(p => p.trim());
  if (!parts.includes('delete')) {
    return { ms: Infinity, from: `cleanup.policy ${showValue(policy ?? '')} (no time limit)` };
  }
  const own = topic.config['retention.ms'];
  let ms: number | undefined;
  let from: string;
  if (own !== undefined) {
    ms = configWholeNumber(own);
    from = `kafka.topics[${index}].config["retention.ms"]`;
  } else {
    const family = TIME_UNIT_KEY_FAMILIES[0] ?? [];
    const set = family.find(([key]) => broker[key] !== undefined);
    if (set === undefined) {
      ms = DEFAULT_LOG_RETENTION_MS;
      from = "Kafka's default log.retention.hours 168";
    } else {
      const value = configWholeNumber(broker[set[0]] ?? '');
      ms = value === undefined ? undefined : value * set[1];
      from = `kafka.config["${set[0]}"]`;
    }
  }
  if (ms === undefined) return undefined;
  return { ms: ms < 0 ? Infinity : ms, from };
}

/**
 * Advice on `offsets.retention.minutes` set shorter than the records of a declared topic live:
 * Kafka drops a consumer group's committed offsets once the group has been empty that long
 * (KIP-211, apache/kafka#5272), while the topic still holds the records, so a consumer that was
 * stopped or idle longer restarts at its `auto.offset.reset`: it reprocesses the whole topic
 * (earliest) or skips what arrived meanwhile (latest) (RADAR-base/RADAR-Docker#142: a stopped
 * streams app reprocessed every record; confluentinc/librdkafka#1442). Only a value the spec sets
 * is judged; shorter retention may be meant (short-lived groups), so this is a warning.
 * @returns one warning at `kafka.config["offsets.retention.minutes"]` naming the topic that keeps
 *   records longest; none when the key is unset, not a whole number, or not shorter.
 */
export function offsetsRetentionWarnings(spec: PlatformSpec): SpecIssue[] {
  const key = 'offsets.retention.minutes';
  const set = spec.kafka.config[key];
  if (set === undefined) return [];
  const minutes = configWholeNumber(set);
  if (minutes === undefined || minutes < 1) return [];
  const offsetsMs = minutes * 60_000;
  let longest: { name: string; ms: number; from: string } | undefined;
  spec.kafka.topics.forEach((topic, index) => {
    const retention = topicRetentionOf(spec, index);
    if (retention === undefined) return;
    if (longest === undefined || retention.ms > longest.ms) {
      longest = { name: topic.name, ...retention };
    }
  });
  if (longest === undefined || longest.ms <= offsetsMs) return [];
  const kept =
    longest.ms === Infinity
      ? `keeps its records without a time limit (${longest.from})`
      : `keeps its records ${Math.round(longest.ms / 60_000)} minutes (${longest.from})`;
  const fix =
    longest.ms === Infinity
      ? 'raise it to cover the longest a consumer group may stay stopped'
      : `raise it to at least ${Math.ceil(longest.ms / 60_000)}`;
  return [
    issue(
      keyPath('kafka.config', key),
      `${minutes} minutes is shorter than topic ${showValue(longest.name)} ${kept}: Kafka drops a consumer group's committed offsets once the group has been empty that long while the records stay, so a consumer stopped for longer restarts at its auto.offset.reset and reprocesses the topic from the start or skips what arrived meanwhile (RADAR-base/RADAR-Docker#142); ${fix}, or leave it out for Kafka's 7 days`,
    ),
  ];
}

/** Closest topic-level key to a typo, when it is close enough to be a likely meaning. */
function nearTopicKey(key: string): string | undefined {
  const candidate = closest(key, [...TOPIC_CONFIG_KEYS]);
  return distance(key, candidate) <= Math.max(3, Math.floor(key.length / 4))
    ? candidate
    : undefined;
}

/** Every problem of one topic's `config`, at `kafka.topics[index].config`. */
export function topicConfigIssues(
  spec: PlatformSpec,
  topic: TopicSpec,
  index: number,
): SpecIssue[] {
  const mapPath = `kafka.topics[${index}].config`;
  const issues: SpecIssue[] = [];
  const topicKeys = new Set(TOPIC_CONFIG_KEYS);
  for (const key of Object.keys(topic.config)) {
    // Removed keys first: Kafka 4 still lists some no-op keys among its topic keys (round 14).
    const removed = removedInKafka4(key);
    if (removed === undefined && topicKeys.has(key)) continue;
    const topicKey = BROKER_DEFAULT_OF_TOPIC_KEY[key];
    if (removed !== undefined) {
      issues.push(issue(keyPath(mapPath, key), removed));
    } else if (key === 'replication.factor' || key === 'replicas') {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `is not a topic configuration key; use kafka.topics[${index}].replicationFactor`,
        ),
      );
    } else if (key === 'partitions' || key === 'num.partitions') {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `is not a topic configuration key; use kafka.topics[${index}].partitions`,
        ),
      );
    } else if (topicKey !== undefined) {
      issues.push(
        issue(
          keyPath(mapPath, key),
          `is a broker setting, not a topic one; the topic-level key is "${topicKey}" (mind its unit)`,
        ),
      );
    } else if (BROKER_ONLY_PREFIXES.some(prefix => key.startsWith(prefix))) {
      const near = nearTopicKey(key);
      issues.push(
        issue(
          keyPath(mapPath, key),
          `is a broker setting, not a topic one; set it in kafka.config${near === undefined ? '' : `, or did you mean "${near}"?`}`,
        ),
      );
    } else {
      const near = nearTopicKey(key);
      issues.push(
        issue(
          keyPath(mapPath, key),
          `is not a Kafka topic configuration key${near === undefined ? '' : `; did you mean "${near}"?`} Topic keys: ${TOPIC_CONFIG_KEYS.join(', ')}`,
        ),
      );
    }
  }
  issues.push(
    ...switchIssues(mapPath, topic.config),
    ...valueIssues(mapPath, topic.config, key => TOPIC_VALUE_RULES[key]),
  );
  const minIsr = integerAt(mapPath, topic.config, 'min.insync.replicas', issues);
  if (minIsr !== undefined) {
    if (topic.minInSyncReplicas !== undefined && topic.minInSyncReplicas !== minIsr) {
      issues.push(
        issue(
          keyPath(mapPath, 'min.insync.replicas'),
          `${minIsr} contradicts kafka.topics[${index}].minInSyncReplicas ${topic.minInSyncReplicas}; set it once, in minInSyncReplicas`,
        ),
      );
    }
    const replicationFactor = topic.replicationFactor ?? spec.kafka.replicationFactor;
    const found = minInSyncIssue(
      keyPath(mapPath, 'min.insync.replicas'),
      minIsr,
      replicationFactor,
      topic.replicationFactor === undefined
        ? 'kafka.replicationFactor'
        : `kafka.topics[${index}].replicationFactor`,
      spec.zones.length,
    );
    if (found !== undefined) issues.push(found);
  }
  issues.push(...crossKeyIssues(mapPath, topic.config, ''));
  return issues;
}

/**
 * Rules across keys of one map (`prefix` '' for topic keys, 'log.' for their broker defaults):
 * Kafka's `LogConfig.validateValues` refuses a minimum compaction lag above the maximum, and a topic
 * with `remote.storage.enable` fails to create unless the brokers run tiered storage, which this
 * platform does not configure.
 */
function crossKeyIssues(
  mapPath: string,
  config: Readonly<Record<string, ConfigValue>>,
  prefix: '' | 'log.cleaner.',
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const minKey = `${prefix}min.compaction.lag.ms`;
  const maxKey = `${prefix}max.compaction.lag.ms`;
  const min = config[minKey] === undefined ? undefined : configWholeNumber(config[minKey]);
  const max = config[maxKey] === undefined ? undefined : configWholeNumber(config[maxKey]);
  if (min !== undefined && max !== undefined && min > max) {
    issues.push(
      issue(
        keyPath(mapPath, minKey),
        `${min} is above ${maxKey} ${max}, which Kafka refuses; lower it or raise ${maxKey}`,
      ),
    );
  }
  const remote = prefix === '' ? config['remote.storage.enable'] : undefined;
  if (remote !== undefined && booleanOf(remote) === true) {
    issues.push(
      issue(
        keyPath(mapPath, 'remote.storage.enable'),
        `${showValue(remote)} needs tiered storage on the brokers, which this platform does not configure, so creating the topic would fail; remove it`,
      ),
    );
  }
  return issues;
}
