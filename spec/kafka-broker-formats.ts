/**
 * Broker keys of `kafka.config` whose value Kafka parses further than its type and range (the
 * `kafka-broker-keys.ts` table) when a node starts, and which stop the node, or every connection
 * it opens, when the value does not parse. One table, `BROKER_VALUE_FORMATS`, holds each key with
 * its check; `brokerFormatIssues` applies it. Facts relied on (re-stated, not copied):
 *
 * - Enumerated values: Kafka checks a string key against a fixed set of names where its `ConfigDef`
 *   validator is a `ValidString` or `CaseInsensitiveValidString`, and a name outside the set is a
 *   ConfigException at start. `group.consumer.migration.policy` takes the names of Kafka's
 *   `ConsumerGroupMigrationPolicy` in any case (`disabled`, `upgrade`, `downgrade`,
 *   `bidirectional`; apache/kafka `GroupCoordinatorConfig`, the 4.x broker configuration table;
 *   KAFKA-16294 introduced the key). The other enumerated broker keys outside Strimzi's forbidden
 *   prefixes (`log.cleanup.policy`, `log.message.timestamp.type`, `compression.type`,
 *   `group.coordinator.rebalance.protocols`) are checked in `kafka-config.ts` already.
 *   Round 14: `metrics.recording.level` is a plain string in Kafka's table (apache/kafka
 *   `MetricConfigs` defines it without a validator), but every node builds its metrics
 *   configuration from it at start with `Sensor.RecordingLevel.forName`, which upper-cases the
 *   name and looks it up among `INFO`, `DEBUG` and `TRACE` (`Enum.valueOf`): any other name throws
 *   IllegalArgumentException and the node stops (the broker's `buildMetricsConfig`). No user
 *   report was found; the fault class is round 13's and the fact is read from the source.
 * - `early.start.listeners`: every name in it must be a listener of the node itself, else Kafka
 *   stops at start ("early.start.listeners contains listener ..., but this is not contained in
 *   listeners or controller.listener.names", apache/kafka `KafkaConfigTest`
 *   `testEarlyStartListenersMustBeListeners`). Strimzi writes `spec.kafka.config` into every node's
 *   configuration, brokers and KRaft controllers alike (strimzi/strimzi-kafka-operator#13012), and
 *   gives controller-only nodes the control plane listener only (#9374), while brokers do not
 *   listen on it: no listener name is on both, so any name stops one of the two roles. Kafka's
 *   default (the controller listeners start early) is what Strimzi needs.
 * - `max.connections.per.ip.overrides`: a comma-separated list of `<host or IP>:<count>`. Kafka splits
 *   each entry at its last `:` (`org.apache.kafka.server.util.Csv.parseCsvMap`; an entry without one
 *   throws), reads the count as an `int`, and then refuses a host with any character other than
 *   letters, digits, `-`, `%`, `.`, `_` and `:` (`Utils.validHostPattern`; "contains invalid
 *   addresses" in `KafkaConfig.validateValues`, the check apache/kafka#4819 extended): a CIDR range
 *   such as `10.0.0.0/8` is not an address there. Each of these stops the broker at start.
 * - `offsets.topic.compression.codec` and `share.coordinator.state.topic.compression.codec`: a
 *   compression type id, 0 to 4 (none, gzip, snappy, lz4, zstd). The coordinator configurations
 *   map them with `CompressionType.forId` when the broker builds its configuration at start
 *   (apache/kafka `GroupCoordinatorConfig`, `ShareCoordinatorConfig`), which throws "Unknown
 *   compression type id" for any other number; Kafka's table gives the keys no range, so nothing
 *   refuses such a number first.
 * - Internal topic segment sizes (`offsets.topic.segment.bytes`,
 *   `transaction.state.log.segment.bytes`, `share.coordinator.state.topic.segment.bytes`): the
 *   coordinators create their topics with this value as the topic's `segment.bytes`
 *   (`groupMetadataTopicConfigs` in the group coordinator, and likewise for the transaction and
 *   share coordinators), and since Kafka 4.0 a topic's `segment.bytes` must be at least 1 MiB
 *   (KAFKA-16368, apache/kafka#18140) while these broker keys kept a lower bound of 1. A smaller
 *   value passes the broker's own check and then every creation of the topic is refused: no
 *   consumer group, transaction or share group ever gets a coordinator.
 * - Empty entries in the group coordinator's lists (`group.consumer.assignors`,
 *   `group.share.assignors`, `group.coordinator.rebalance.protocols`): since Kafka 4.2 these keys
 *   carry a `ValidList` validator, which refuses an empty entry ("values must not be empty") when
 *   the broker reads its configuration, and the parser keeps the empty entry a leading, trailing
 *   or doubled comma leaves (KIP-1161, the 4.2 upgrade notes; a trailing comma in a list stopped
 *   Kafka 4.2 for Testcontainers users, whose wrapper now strips it). Every Kafka line Strimzi
 *   1.2.0 runs is 4.2 or later. `log.cleanup.policy` and `cleanup.policy` get the same check in
 *   `kafka-config.ts`.
 * - Socket buffer sizes (`socket.send.buffer.bytes`, `socket.receive.buffer.bytes`,
 *   `replica.socket.receive.buffer.bytes`): -1 leaves the size to the operating system; any other
 *   value is handed to Java's socket, which refuses 0 and negative sizes with an
 *   IllegalArgumentException (the `ServerSocket`/`Socket` `setReceiveBufferSize` and
 *   `setSendBufferSize` contracts; apache/kafka#1469, KAFKA-724, where -2 "would throw an
 *   exception instead of using the OS default"). Kafka's table gives these keys no lower bound, so
 *   nothing refuses such a value before it is used.
 * - Round 14: `initial.broker.registration.timeout.ms` (KRaft, default 60000): when a broker starts,
 *   its lifecycle manager schedules a deadline this many milliseconds ahead and shuts the broker
 *   down if it has not registered with the controller quorum by then (apache/kafka
 *   `BrokerLifecycleManager`, the registration timeout event it defers by
 *   `initialRegistrationTimeoutMs`). Kafka's table gives the key no lower bound, so 0 or a
 *   negative number passes the type check, and the deadline fires before the registration's
 *   round trip can complete: every broker stops at start. No user report was found; the fact is
 *   read from the source (the exact moment the deadline fires relative to the first request is
 *   not confirmed, only that it does not wait). Likewise the KRaft quorum's
 *   `controller.quorum.fetch.timeout.ms` and `controller.quorum.election.timeout.ms`, which Strimzi
 *   lets through (`FORBIDDEN_PREFIX_EXCEPTIONS`): Kafka's table takes 0 for both (KAFKA-18837,
 *   apache/kafka#18998, added lower bounds of 0, not 1). With a fetch timeout of 0 a follower
 *   becomes a candidate as soon as its fetch timer runs out, and a leader resigns when a majority
 *   has not fetched within it (KAFKA-15489, apache/kafka#14428); with an election timeout of 0
 *   `QuorumState` gives every election a wait of 0 instead of a random one between the timeout and
 *   twice it, which is what keeps the voters from splitting their votes. The exact behaviour at 0
 *   was read from the source, not run.
 *   Round 15: the KRaft broker lease joins them. `broker.session.timeout.ms` and
 *   `broker.heartbeat.interval.ms` have no lower bound in Kafka's table (`KRaftConfigs`); the
 *   controller fences a broker it has not heard from within the session timeout, so a session of
 *   0 or below fences every broker right after each heartbeat, and since KAFKA-19294
 *   (apache/kafka#19745) a heartbeat request times out after one heartbeat interval, so an
 *   interval of 0 or below lets no heartbeat complete. Kafka only logs an error when the interval
 *   is above half the session (apache/kafka#20046, KAFKA-19432), which stays a warning
 *   (`brokerLeaseWarnings`). Small positive registration timeouts stay allowed: the time a broker
 *   needs to register depends on how fast the controllers elect a leader, with no bound to check.
 * - Round 14: `log.flush.offset.checkpoint.interval.ms` and
 *   `log.flush.start.offset.checkpoint.interval.ms` (Kafka's lower bound 0): the log manager
 *   schedules the recovery-point and log-start-offset checkpoints with these as the period, and
 *   Kafka's `KafkaScheduler.schedule` repeats a task only for a period above 0; with 0 it runs it
 *   once. The files are then rewritten only on a clean shutdown (and when a partition is deleted
 *   or truncated), so an unclean stop recovers from the start-up checkpoint. Read from apache/kafka
 *   `KafkaScheduler` and `LogManager.startup`; no user report was found.
 *   `replica.high.watermark.checkpoint.interval.ms` has the same scheduling but is left alone:
 *   followers truncate by leader epoch in KRaft, so a stale high watermark only delays reads
 *   after a restart until the followers catch up.
 */
import { showValue, type SpecIssue } from './errors';
import { KAFKA_BROKER_KEYS } from './kafka-broker-keys';
import { clusterListeners } from './kafka-listeners';
import type { PlatformSpec } from './schema';

type ConfigValue = string | number | boolean;

/** Why a value breaks the node (with the fix), or undefined when Kafka takes it. */
type FormatCheck = (value: string, spec: PlatformSpec) => string | undefined;

/**
 * The names an enumerated broker key accepts (any case), as Kafka lists them: a key with a
 * `CaseInsensitiveValidString` validator, or a plain string key Kafka maps to an enum when the node
 * starts (`metrics.recording.level`, module comment).
 */
export const ENUMERATED_BROKER_VALUES: Readonly<Record<string, readonly string[]>> = {
  'group.consumer.migration.policy': ['disabled', 'upgrade', 'downgrade', 'bidirectional'],
  // Round 14: no validator in MetricConfigs; Sensor.RecordingLevel.forName throws at start.
  'metrics.recording.level': ['info', 'debug', 'trace'],
};

/** How Kafka refuses a name outside the set, where it is no `ConfigException` from the validator. */
const ENUMERATION_FAILURES: Readonly<Record<string, string>> = {
  'metrics.recording.level':
    'IllegalArgumentException from Sensor.RecordingLevel.forName while the node builds its metrics',
};

/** What a bad size of each socket buffer key breaks. */
export const SOCKET_BUFFER_KEYS: Readonly<Record<string, string>> = {
  'socket.receive.buffer.bytes':
    'the broker cannot open its listeners and stops at start (the server socket takes this size)',
  'socket.send.buffer.bytes':
    'every connection the broker accepts fails as it opens and no client, broker or operator can reach it',
  'replica.socket.receive.buffer.bytes':
    'every replica fetcher connection fails as it opens: followers never copy their leaders and every partition stays under-replicated',
};

/** Compression type ids `CompressionType.forId` knows, in id order. */
export const COMPRESSION_CODEC_IDS: readonly string[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Keys holding a compression type id, and the coordinator configuration that reads each. */
export const COMPRESSION_CODEC_KEYS: Readonly<Record<string, string>> = {
  'offsets.topic.compression.codec': 'the group coordinator',
  'share.coordinator.state.topic.compression.codec': 'the share coordinator',
};

/** The smallest topic `segment.bytes` Kafka 4 accepts (KAFKA-16368). */
export const MIN_TOPIC_SEGMENT_BYTES = 1_048_576;

/** Broker keys a coordinator copies into its internal topic's `segment.bytes`, and that topic. */
export const INTERNAL_TOPIC_SEGMENT_KEYS: Readonly<Record<string, string>> = {
  'offsets.topic.segment.bytes': '__consumer_offsets (consumer groups and their offsets)',
  'transaction.state.log.segment.bytes': '__transaction_state (transactions)',
  'share.coordinator.state.topic.segment.bytes': '__share_group_state (share groups)',
};

/** List keys whose empty entries Kafka 4.2+ refuses at start (KIP-1161), with what each lists. */
export const LISTS_WITHOUT_EMPTY_ENTRIES: Readonly<Record<string, string>> = {
  'group.consumer.assignors': 'consumer group assignors',
  'group.share.assignors': 'share group assignors',
  'group.coordinator.rebalance.protocols': 'rebalance protocols',
};

/**
 * Round 14: KRaft timeouts where Kafka's table allows a value that stops the node or the quorum
 * (no lower bound, or a lower bound of 0), each with what such a value does and Kafka's default
 * (module comment).
 */
export const POSITIVE_LIFECYCLE_TIMEOUTS: Readonly<
  Record<string, { readonly breaks: string; readonly kafkaDefault: number }>
> = {
  'initial.broker.registration.timeout.ms': {
    breaks:
      'the broker gives up registering with the KRaft controllers before their answer can arrive and shuts down at every start, so no broker ever joins the cluster',
    kafkaDefault: 60000,
  },
  'controller.quorum.fetch.timeout.ms': {
    breaks:
      'a controller that follows the leader starts an election the moment its last fetch is done, and the leader resigns as soon as a round of fetches is late, so the KRaft quorum never keeps a leader and brokers get no metadata',
    kafkaDefault: 2000,
  },
  // Round 15: the KRaft broker lease. Kafka's table gives both keys no lower bound
  // (apache/kafka KRaftConfigs); the controller fences a broker whose last heartbeat is older than
  // the session timeout, and since KAFKA-19294 (apache/kafka#19745) a heartbeat request may take
  // at most one heartbeat interval.
  'broker.session.timeout.ms': {
    breaks:
      "the KRaft controllers hold every broker's lease for no time at all, so each broker is fenced right after each heartbeat, never stays unfenced and leads no partition",
    kafkaDefault: 9000,
  },
  'broker.heartbeat.interval.ms': {
    breaks:
      'each broker sends heartbeats to the KRaft controllers without pause, and each heartbeat request may take no time (its timeout is one heartbeat interval, apache/kafka#19745), so heartbeats time out, the brokers lose their lease and are fenced',
    kafkaDefault: 2000,
  },
  'controller.quorum.election.timeout.ms': {
    breaks:
      'every controller without a leader starts an election at once and again right after a lost vote, with no random spread between them (Kafka draws the wait from the timeout to twice it), so votes keep splitting and the KRaft quorum may elect no leader',
    kafkaDefault: 1000,
  },
};

function positiveTimeout(key: string, breaks: string, kafkaDefault: number): FormatCheck {
  return value => {
    const millis = javaInt(value);
    // A value that is no int at all, or below the key's own range, is reported by kafka-config.ts.
    if (millis === undefined || millis > 0) return undefined;
    const min = KAFKA_BROKER_KEYS[key]?.min;
    if (min !== undefined && millis < min) return undefined;
    return `is no timeout Kafka can wait for: ${breaks}; use a positive number of milliseconds (Kafka's default is ${kafkaDefault}), or remove ${key}`;
  };
}

/**
 * Round 14: checkpoint intervals Kafka schedules as the period of a repeating task, each with what
 * the task writes, what a stale copy of it does, and Kafka's default (module comment).
 */
export const CHECKPOINT_PERIODS: Readonly<
  Record<string, { readonly writes: string; readonly stale: string; readonly kafkaDefault: number }>
> = {
  'log.flush.offset.checkpoint.interval.ms': {
    writes: 'recovery points (how far each partition is known to be on disk)',
    stale:
      'after any unclean stop (a killed pod, a lost node) the broker recovers every segment written since it last started before it serves again, which grows with its uptime and can take hours',
    kafkaDefault: 60000,
  },
  'log.flush.start.offset.checkpoint.interval.ms': {
    writes: 'log start offsets',
    stale:
      'after a restart, records removed with DeleteRecords (Kafka Streams purges its repartition topics this way) become readable again until their segments are deleted',
    kafkaDefault: 60000,
  },
};

function checkpointPeriod(
  key: string,
  facts: { readonly writes: string; readonly stale: string; readonly kafkaDefault: number },
): FormatCheck {
  return value => {
    const millis = javaInt(value);
    if (millis === undefined || millis > 0) return undefined;
    const min = KAFKA_BROKER_KEYS[key]?.min;
    if (min !== undefined && millis < min) return undefined;
    return `is no period: Kafka's scheduler runs a task whose period is 0 or below only once (KafkaScheduler.schedule), so the broker writes its ${facts.writes} once, shortly after it starts, and never again until it shuts down cleanly, and ${facts.stale}; use a positive number of milliseconds (Kafka's default is ${facts.kafkaDefault}), or remove ${key}`;
  };
}

/** Kafka's valid host characters for a per-address override (`Utils.validHostPattern`). */
const VALID_HOST = /^[0-9a-zA-Z\-%._:]*$/;

/** Java's `int` range, which `Integer.parseInt` accepts. */
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** A whole number `Integer.parseInt` reads, or undefined. */
function javaInt(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= INT_MIN && value <= INT_MAX ? value : undefined;
}

function enumeratedValue(key: string, allowed: readonly string[]): FormatCheck {
  return value =>
    allowed.includes(value.toLowerCase())
      ? undefined
      : `is not one of ${allowed.join(', ')} (any case), so Kafka refuses it at broker start (${ENUMERATION_FAILURES[key] ?? 'ConfigException'}) and no broker starts; use one of them, or remove ${key} for Kafka's default`;
}

function socketBufferSize(key: string, breaks: string): FormatCheck {
  return value => {
    const size = javaInt(value);
    // A value that is no int at all is reported by the type check of kafka-config.ts.
    if (size === undefined || size === -1 || size > 0) return undefined;
    return `is not a socket buffer size Java accepts (0 and negative sizes throw IllegalArgumentException; only -1 means the operating system's default, apache/kafka#1469), so ${breaks}; use -1, or a positive size in bytes, or remove ${key}`;
  };
}

function compressionCodecId(key: string, coordinator: string): FormatCheck {
  return value => {
    const id = javaInt(value);
    if (id === undefined || (id >= 0 && id < COMPRESSION_CODEC_IDS.length)) return undefined;
    return `is no compression type id, so the configuration of ${coordinator} throws "Unknown compression type id" and no broker starts; use ${COMPRESSION_CODEC_IDS.map((name, index) => `${index} (${name})`).join(', ')}, or remove ${key}`;
  };
}

function internalTopicSegmentBytes(key: string, topic: string): FormatCheck {
  return value => {
    const size = javaInt(value);
    if (size === undefined || size < 1 || size >= MIN_TOPIC_SEGMENT_BYTES) return undefined;
    return `becomes the segment.bytes of ${topic} when Kafka creates it, and Kafka 4 refuses a topic segment below ${MIN_TOPIC_SEGMENT_BYTES} bytes (KAFKA-16368), so the topic is never created and nothing that needs it works; use at least ${MIN_TOPIC_SEGMENT_BYTES}, or remove ${key}`;
  };
}

function listWithoutEmptyEntries(key: string, what: string): FormatCheck {
  return value => {
    const entries = value.split(',').map(entry => entry.trim());
    // An empty list is the nonEmpty rule's in kafka-config.ts.
    if (value.trim() === '' || !entries.includes('')) return undefined;
    const meant = entries.filter(entry => entry !== '').join(',');
    return `has an empty entry (a leading, trailing or doubled comma) among its ${what}, which Kafka 4.2 and later refuse when the broker starts (ConfigException "values must not be empty", KIP-1161), so no broker starts; write ${JSON.stringify(meant)}, or remove ${key}`;
  };
}

/** Problems of a per-address override list, one message for all its bad entries. */
const perAddressOverrides: FormatCheck = value => {
  if (value.trim() === '') return undefined;
  // Java's String.split drops trailing empty entries, and so does Kafka.
  const entries = value.trim().split(/\s*,\s*/);
  while (entries.length > 0 && entries[entries.length - 1] === '') entries.pop();
  const problems: string[] = [];
  for (const entry of entries) {
    const split = entry.lastIndexOf(':');
    if (split < 0) {
      problems.push(`"${entry}" has no ":<count>"`);
      continue;
    }
    const host = entry.slice(0, split).trim();
    const count = entry.slice(split + 1).trim();
    if (javaInt(count) === undefined)
      problems.push(`"${entry}" has the count "${count}", not a whole number`);
    if (!VALID_HOST.test(host)) {
      problems.push(
        `"${entry}" names "${host}", no host name or IP address to Kafka${host.includes('/') ? ' (ranges such as 10.0.0.0/8 are not taken; list single addresses)' : ''}`,
      );
    }
  }
  if (problems.length === 0) return undefined;
  return `has entries Kafka cannot read (${problems.join('; ')}); Kafka reads this key as <host or IP>:<count> entries separated by commas and refuses to start on any other entry; write entries such as "10.1.2.3:200,clients.example.com:50"`;
};

/** Names in `early.start.listeners`; any stops the brokers or the controllers (module comment). */
const earlyStartListeners: FormatCheck = (value, spec) => {
  const names = value
    .split(',')
    .map(name => name.trim())
    .filter(name => name !== '');
  if (names.length === 0) return undefined;
  const listeners = clusterListeners(spec).map(listener => listener.id.toUpperCase());
  const brokers = listeners.filter(id => id !== 'CONTROLPLANE-9090').join(', ');
  return `names ${names.join(', ')}, but Strimzi writes kafka.config into every node and Kafka stops a node whose own listeners lack a name listed here: the brokers listen on ${brokers} and the KRaft controllers only on CONTROLPLANE-9090 (strimzi/strimzi-kafka-operator#9374), so no name suits both and the brokers or the controllers would not start; remove early.start.listeners (Kafka then starts the controller listener early by itself)`;
};

/** Every key with a format check, and its check. */
export const BROKER_VALUE_FORMATS: Readonly<Record<string, FormatCheck>> = {
  ...Object.fromEntries(
    Object.entries(ENUMERATED_BROKER_VALUES).map(([key, allowed]) => [
      key,
      enumeratedValue(key, allowed),
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(SOCKET_BUFFER_KEYS).map(([key, breaks]) => [key, socketBufferSize(key, breaks)]),
  ),
  ...Object.fromEntries(
    Object.entries(INTERNAL_TOPIC_SEGMENT_KEYS).map(([key, topic]) => [
      key,
      internalTopicSegmentBytes(key, topic),
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(COMPRESSION_CODEC_KEYS).map(([key, coordinator]) => [
      key,
      compressionCodecId(key, coordinator),
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(LISTS_WITHOUT_EMPTY_ENTRIES).map(([key, what]) => [
      key,
      listWithoutEmptyEntries(key, what),
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(POSITIVE_LIFECYCLE_TIMEOUTS).map(([key, { breaks, kafkaDefault }]) => [
      key,
      positiveTimeout(key, breaks, kafkaDefault),
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(CHECKPOINT_PERIODS).map(([key, facts]) => [key, checkpointPeriod(key, facts)]),
  ),
  'max.connections.per.ip.overrides': perAddressOverrides,
  'early.start.listeners': earlyStartListeners,
};

/** Problems of the `kafka.config` values in `BROKER_VALUE_FORMATS`. */
export function brokerFormatIssues(spec: PlatformSpec): SpecIssue[] {
  const config: Readonly<Record<string, ConfigValue>> = spec.kafka.config;
  const issues: SpecIssue[] = [];
  for (const [key, check] of Object.entries(BROKER_VALUE_FORMATS)) {
    const value = config[key];
    if (value === undefined) continue;
    const problem = check(String(value).trim(), spec);
    if (problem !== undefined) {
      issues.push({
        path: `kafka.config[${JSON.stringify(key)}]`,
        message: `${showValue(value)} ${problem}`,
      });
    }
  }
  return issues;
}
