/**
 * Broker settings that only work together: Kafka checks these pairs when the broker starts and
 * refuses to start when one fails (apache/kafka, the broker configuration validator of the 3.9/4.x
 * server module: `validateReplicaFetchConfigs`, `validateConsumerGroupConfigs`,
 * `validateSharedGroupConfigs`, `validateQueueMaxByte`, `validateConnectionConfigs`, and
 * `KafkaConfig.validateValues` for the retention time and the cleaner buffer). Re-checked against
 * the 4.x sources: `GroupCoordinatorConfig` (the streams-group era, 4.1+) keeps every group
 * ordering here and adds heartbeat < session per group, the streams-group orderings and the
 * standby maximum (added here); `ShareGroupConfig` keeps the record lock orderings. Kafka 4.3's
 * `ShareGroupConfig.validate` adds `group.share.max.share.sessions` >= `group.share.max.size` and
 * min <= `group.share.delivery.count.limit` <= max (the min and max keys are new in 4.3,
 * apache/kafka#21491): these carry `since: '4.3'` and apply only when `kafka.version` is on that
 * line or later, since 4.2 does not make them (the platform's default version is 4.3.1, so
 * leaving them out let a broker that would not start through). A key the spec leaves out takes Kafka's default
 * (Kafka 4.1 broker configuration table, same in 4.3), so setting one side
 * alone can break a pair: `group.consumer.session.timeout.ms: 30000` is below the default minimum
 * of 45000 and stops every broker.
 *
 * Each rule is checked only when the spec sets at least one of its keys, so a spec without these
 * keys gets no message from here.
 */
import { showValue, type SpecIssue } from './errors';
import { KAFKA_BROKER_KEYS } from './kafka-broker-keys';
import { configWholeNumber } from './config-values';

type ConfigValue = string | number | boolean;

/** Kafka 4.1 defaults of the keys the orderings read (unchanged in the 4.3 table). */
export const ORDERING_DEFAULTS: Readonly<Record<string, number>> = {
  'replica.fetch.wait.max.ms': 500,
  'replica.socket.timeout.ms': 30000,
  'replica.lag.time.max.ms': 30000,
  'group.consumer.min.heartbeat.interval.ms': 5000,
  'group.consumer.heartbeat.interval.ms': 5000,
  'group.consumer.max.heartbeat.interval.ms': 15000,
  'group.consumer.min.session.timeout.ms': 45000,
  'group.consumer.session.timeout.ms': 45000,
  'group.consumer.max.session.timeout.ms': 60000,
  'group.share.min.heartbeat.interval.ms': 5000,
  'group.share.heartbeat.interval.ms': 5000,
  'group.share.max.heartbeat.interval.ms': 15000,
  'group.share.min.session.timeout.ms': 45000,
  'group.share.session.timeout.ms': 45000,
  'group.share.max.session.timeout.ms': 60000,
  'group.streams.min.heartbeat.interval.ms': 5000,
  'group.streams.heartbeat.interval.ms': 5000,
  'group.streams.max.heartbeat.interval.ms': 15000,
  'group.streams.min.session.timeout.ms': 45000,
  'group.streams.session.timeout.ms': 45000,
  'group.streams.max.session.timeout.ms': 60000,
  'group.streams.num.standby.replicas': 0,
  'group.streams.max.standby.replicas': 2,
  'group.share.min.record.lock.duration.ms': 15000,
  'group.share.record.lock.duration.ms': 30000,
  'group.share.max.record.lock.duration.ms': 60000,
  'queued.max.request.bytes': -1,
  'socket.request.max.bytes': 104857600,
  'connection.failed.authentication.delay.ms': 100,
  'connections.max.idle.ms': 600000,
  'log.cleaner.dedupe.buffer.size': 134217728,
  'log.cleaner.threads': 1,
  // Kafka 4.3 ShareGroupConfig / GroupCoordinatorConfig defaults.
  'group.share.max.size': 200,
  'group.share.max.share.sessions': 2000,
  'group.share.min.delivery.count.limit': 2,
  'group.share.delivery.count.limit': 5,
  'group.share.max.delivery.count.limit': 10,
};

/** `low` must not exceed `high` (with `strict`, must be below it). */
interface Ordering {
  readonly low: string;
  readonly high: string;
  readonly strict?: boolean;
  /** The first Kafka line (`major.minor`) that checks this pair; every supported line when absent. */
  readonly since?: string;
}

/**
 * Each group's min <= value <= max and heartbeat < session (consumer, share and streams groups:
 * the checks of Kafka 4.x `GroupCoordinatorConfig`, streams since 4.1), the streams standby count
 * under its maximum, and the replica fetch wait under both timeouts.
 */
const ORDERINGS: readonly Ordering[] = [
  { low: 'replica.fetch.wait.max.ms', high: 'replica.socket.timeout.ms' },
  { low: 'replica.fetch.wait.max.ms', high: 'replica.lag.time.max.ms' },
  ...(['consumer', 'share', 'streams'] as const).flatMap(group => [
    ...(['heartbeat.interval.ms', 'session.timeout.ms'] as const).flatMap(setting => [
      { low: `group.${group}.min.${setting}`, high: `group.${group}.${setting}` },
      { low: `group.${group}.${setting}`, high: `group.${group}.max.${setting}` },
      { low: `group.${group}.min.${setting}`, high: `group.${group}.max.${setting}` },
    ]),
    {
      low: `group.${group}.heartbeat.interval.ms`,
      high: `group.${group}.session.timeout.ms`,
      strict: true,
    },
  ]),
  { low: 'group.streams.num.standby.replicas', high: 'group.streams.max.standby.replicas' },
  { low: 'group.share.min.record.lock.duration.ms', high: 'group.share.record.lock.duration.ms' },
  { low: 'group.share.record.lock.duration.ms', high: 'group.share.max.record.lock.duration.ms' },
  {
    low: 'group.share.min.record.lock.duration.ms',
    high: 'group.share.max.record.lock.duration.ms',
  },
  { low: 'group.share.max.size', high: 'group.share.max.share.sessions', since: '4.3' },
  {
    low: 'group.share.min.delivery.count.limit',
    high: 'group.share.delivery.count.limit',
    since: '4.3',
  },
  {
    low: 'group.share.delivery.count.limit',
    high: 'group.share.max.delivery.count.limit',
    since: '4.3',
  },
];

/** Whether Kafka `version` (`4.3.1`) is on line `since` (`4.3`) or a later one. */
function onOrAfter(version: string, since: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  const [sinceMajor, sinceMinor] = since.split('.').map(Number);
  if (major === undefined || minor === undefined) return false;
  if (sinceMajor === undefined || sinceMinor === undefined) return false;
  return major > sinceMajor || (major === sinceMajor && minor >= sinceMinor);
}

/**
 * The number a key holds (its Kafka default when left out); undefined when the set value is not
 * a whole number or lies outside the key's own range (`KAFKA_BROKER_KEYS`), which the value
 * checks already report, so the pair is not reported a second time.
 */
function numberAt(config: Readonly<Record<string, ConfigValue>>, key: string): number | undefined {
  const value = config[key];
  if (value === undefined) return ORDERING_DEFAULTS[key];
  const number = configWholeNumber(value);
  if (number === undefined) return undefined;
  const facts = KAFKA_BROKER_KEYS[key];
  if (facts?.min !== undefined && number < facts.min) return undefined;
  if (facts?.max !== undefined && number > facts.max) return undefined;
  return number;
}

function setOrDefault(config: Readonly<Record<string, ConfigValue>>, key: string): string {
  return config[key] === undefined ? `${key} (default ${ORDERING_DEFAULTS[key]})` : key;
}

/**
 * Problems of the broker settings that must hold together, at `mapPath[...]`. A value that is not
 * a whole number is left to the value checks. `version` is `kafka.version`; a pair with `since`
 * is checked only from that Kafka line on (without a version, never).
 */
export function brokerOrderingIssues(
  mapPath: string,
  config: Readonly<Record<string, ConfigValue>>,
  version?: string,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const at = (key: string): string => `${mapPath}[${JSON.stringify(key)}]`;
  const isSet = (key: string): boolean => config[key] !== undefined;
  for (const { low, high, strict, since } of ORDERINGS) {
    if (!isSet(low) && !isSet(high)) continue;
    if (since !== undefined && (version === undefined || !onOrAfter(version, since))) continue;
    const kafka = since === undefined ? 'Kafka' : `Kafka ${since}`;
    const lowValue = numberAt(config, low);
    const highValue = numberAt(config, high);
    if (lowValue === undefined || highValue === undefined) continue;
    if (strict === true ? lowValue < highValue : lowValue <= highValue) continue;
    const path = at(isSet(low) ? low : high);
    issues.push({
      path,
      message:
        strict === true
          ? `${setOrDefault(config, low)} ${lowValue} is not below ${setOrDefault(config, high)} ${highValue}, which ${kafka} refuses at broker start; make ${low} less than ${high}`
          : `${setOrDefault(config, low)} ${lowValue} is above ${setOrDefault(config, high)} ${highValue}, which ${kafka} refuses at broker start; make ${low} at most ${high}`,
    });
  }
  const queued = numberAt(config, 'queued.max.request.bytes');
  const request = numberAt(config, 'socket.request.max.bytes');
  if (
    (isSet('queued.max.request.bytes') || isSet('socket.request.max.bytes')) &&
    queued !== undefined &&
    request !== undefined &&
    queued > 0 &&
    queued < request
  ) {
    issues.push({
      path: at('queued.max.request.bytes'),
      message: `${queued} is below ${setOrDefault(config, 'socket.request.max.bytes')} ${request}, which Kafka refuses at broker start; use -1 (no limit) or at least ${request}`,
    });
  }
  const delay = numberAt(config, 'connection.failed.authentication.delay.ms');
  const idle = numberAt(config, 'connections.max.idle.ms');
  if (
    (isSet('connection.failed.authentication.delay.ms') || isSet('connections.max.idle.ms')) &&
    delay !== undefined &&
    idle !== undefined &&
    idle >= 0 &&
    delay >= idle
  ) {
    issues.push({
      path: at(
        isSet('connection.failed.authentication.delay.ms')
          ? 'connection.failed.authentication.delay.ms'
          : 'connections.max.idle.ms',
      ),
      message: `${setOrDefault(config, 'connection.failed.authentication.delay.ms')} ${delay} is not below ${setOrDefault(config, 'connections.max.idle.ms')} ${idle}, which Kafka refuses at broker start; keep the delay below the idle timeout`,
    });
  }
  const buffer = numberAt(config, 'log.cleaner.dedupe.buffer.size');
  const threads = numberAt(config, 'log.cleaner.threads');
  if (
    (isSet('log.cleaner.dedupe.buffer.size') || isSet('log.cleaner.threads')) &&
    buffer !== undefined &&
    threads !== undefined &&
    threads > 0 &&
    buffer / threads <= 1024 * 1024
  ) {
    issues.push({
      path: at(
        isSet('log.cleaner.dedupe.buffer.size')
          ? 'log.cleaner.dedupe.buffer.size'
          : 'log.cleaner.threads',
      ),
      message: `${setOrDefault(config, 'log.cleaner.dedupe.buffer.size')} ${buffer} over ${setOrDefault(config, 'log.cleaner.threads')} ${threads} leaves at most 1 MiB per cleaner thread, which Kafka refuses at broker start; give each thread more than ${1024 * 1024} bytes`,
    });
  }
  const perIp = config['max.connections.per.ip'];
  if (perIp !== undefined && configWholeNumber(perIp) === 0) {
    const overrides = config['max.connections.per.ip.overrides'];
    if (overrides === undefined || String(overrides).trim() === '') {
      issues.push({
        path: at('max.connections.per.ip'),
        message: `${showValue(perIp)} is allowed only with max.connections.per.ip.overrides set, and Kafka refuses to start without them; set the overrides or raise the limit`,
      });
    }
  }
  issues.push(...retentionTimeIssues(mapPath, config));
  return issues;
}

/**
 * The broker's log retention time: `log.retention.ms`, else `log.retention.minutes`, else
 * `log.retention.hours` (168), in milliseconds. Kafka refuses to start unless it is -1 (no limit)
 * or at least 1; `log.retention.hours: -1` is -3600000 ms, not "no limit".
 */
function retentionTimeIssues(
  mapPath: string,
  config: Readonly<Record<string, ConfigValue>>,
): SpecIssue[] {
  const sources: Array<[string, number]> = [
    ['log.retention.ms', 1],
    ['log.retention.minutes', 60_000],
    ['log.retention.hours', 3_600_000],
  ];
  const source = sources.find(([key]) => config[key] !== undefined);
  if (source === undefined) return [];
  const [key, factor] = source;
  const whole = configWholeNumber(config[key]);
  if (whole === undefined) return [];
  const millis = whole * factor;
  if (millis === -1 || millis >= 1) return [];
  return [
    {
      path: `${mapPath}[${JSON.stringify(key)}]`,
      message: `${String(config[key]).trim()} makes the broker's retention ${millis} ms, which Kafka refuses at start (only -1 for no limit, or at least 1 ms); for no limit write log.retention.ms: -1`,
    },
  ];
}
