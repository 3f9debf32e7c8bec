/**
 * Round 16: a record timestamp window that refuses ordinary writes. With `CreateTime` timestamps
 * (`message.timestamp.type`, broker default `log.message.timestamp.type`, Kafka's default), the
 * partition leader refuses every record whose timestamp is more than `message.timestamp.before.max.ms`
 * (broker default `log.message.timestamp.before.max.ms`) behind the broker's clock when it
 * appends the batch, with INVALID_TIMESTAMP ("Timestamp ... is out of range", apache/kafka
 * `LogValidator`; the comparison is strict, so the age must be above the bound). A Java producer
 * stamps a record when `send()` is called, and the batch reaches the leader later: after
 * `linger.ms`, the network, and every retry, all within `delivery.timeout.ms` (120000 by default,
 * the Java producer's `ProducerConfig`). So:
 *
 * - a bound of 0 refuses every record that took a millisecond or more to arrive, that is every
 *   write: refused;
 * - a bound from 1 up to 119999 refuses batches that a producer with default settings still
 *   delivers (a retried batch, a slow network, a consumer that replays old records, such as Kafka
 *   Streams restoring after a restart or MirrorMaker copying history): a warning, since a short
 *   bound can be meant to keep stale data out.
 *
 * Reports: a blog post (no issue number) tells of a Kafka Streams application stopped by this
 * refusal on its changelog after a restart, and AWS's MSK Replicator documentation and
 * aws-samples/mirrormaker2-msk-migration#26 document replication stopped by it;
 * elastic/docs-content#2587 asked to warn Filebeat users of the stricter checks since Kafka 3.6
 * (KIP-937). No report of a bound of 0 itself was found; the refusal follows from `LogValidator`.
 * `message.timestamp.after.max.ms` (how far ahead of the broker's clock a record may be) is left
 * alone: only producers whose clocks run ahead are refused, which depends on the hosts.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';
import { configWholeNumber } from './config-values';

type ConfigValue = string | number | boolean;

/** The Java producer's default `delivery.timeout.ms`: how long a batch may take to be appended. */
export const PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS = 120000;

/** Topic key and broker default of the age bound, and of the timestamp type that enables it. */
const BEFORE_TOPIC_KEY = 'message.timestamp.before.max.ms';
const BEFORE_BROKER_KEY = 'log.message.timestamp.before.max.ms';
const TYPE_TOPIC_KEY = 'message.timestamp.type';
const TYPE_BROKER_KEY = 'log.message.timestamp.type';

/** Whether a timestamp type value is `LogAppendTime` (Kafka's names are case-sensitive). */
function isLogAppendTime(value: ConfigValue | undefined): boolean {
  return value !== undefined && String(value).trim() === 'LogAppendTime';
}

/** One place the spec sets the age bound, for a topic (or the broker default) that checks it. */
interface BoundSetting {
  readonly path: string;
  readonly key: string;
  readonly value: ConfigValue;
  readonly millis: number;
  /** Topics the setting applies to, for the message. */
  readonly scope: string;
}

/**
 * Every age bound the spec sets where CreateTime timestamps make Kafka check it: the broker
 * default (unless the broker default type is LogAppendTime and every declared topic that inherits
 * the bound uses LogAppendTime too) and each topic's own key (unless the topic's type, or the
 * broker default type it inherits, is LogAppendTime).
 */
function boundSettings(spec: PlatformSpec): BoundSetting[] {
  const found: BoundSetting[] = [];
  const brokerAppendTime = isLogAppendTime(spec.kafka.config[TYPE_BROKER_KEY]);
  const brokerValue = spec.kafka.config[BEFORE_BROKER_KEY];
  const brokerMillis = configWholeNumber(brokerValue);
  // The broker default reaches the topics without their own bound; it is checked where one of
  // them (or a topic the spec does not declare, under a CreateTime broker default) uses CreateTime.
  const inheritsUnderCreateTime = spec.kafka.topics.some(topic => {
    if (topic.config[BEFORE_TOPIC_KEY] !== undefined) return false;
    const type = topic.config[TYPE_TOPIC_KEY];
    return type !== undefined ? !isLogAppendTime(type) : !brokerAppendTime;
  });
  if (
    brokerValue !== undefined &&
    brokerMillis !== undefined &&
    (!brokerAppendTime || inheritsUnderCreateTime)
  ) {
    found.push({
      path: `kafka.config[${JSON.stringify(BEFORE_BROKER_KEY)}]`,
      key: BEFORE_BROKER_KEY,
      value: brokerValue,
      millis: brokerMillis,
      scope: `every topic without its own ${BEFORE_TOPIC_KEY}`,
    });
  }
  spec.kafka.topics.forEach((topic, index) => {
    const value = topic.config[BEFORE_TOPIC_KEY];
    const millis = configWholeNumber(value);
    if (value === undefined || millis === undefined) return;
    const type = topic.config[TYPE_TOPIC_KEY];
    if (type !== undefined ? isLogAppendTime(type) : brokerAppendTime) return;
    found.push({
      path: `kafka.topics[${index}].config[${JSON.stringify(BEFORE_TOPIC_KEY)}]`,
      key: BEFORE_TOPIC_KEY,
      value,
      millis,
      scope: `topic ${showValue(topic.name)}`,
    });
  });
  return found;
}

/**
 * An age bound of 0 under CreateTime timestamps: every record is older than that when it reaches
 * the leader, so every write is refused.
 * @returns one issue per setting, at the key's path.
 */
export function recordTimestampIssues(spec: PlatformSpec): SpecIssue[] {
  return boundSettings(spec)
    .filter(setting => setting.millis === 0)
    .map(setting => ({
      path: setting.path,
      message: `${showValue(setting.value)} refuses every record of ${setting.scope} that is 1 ms or more older than the broker's clock when it arrives, which is every record a producer sends (it stamps the record at send time, CreateTime), so every write fails with INVALID_TIMESTAMP; leave ${setting.key} out (no limit), or set at least ${PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS} (the Java producer's delivery.timeout.ms), or use ${setting.key === BEFORE_BROKER_KEY ? TYPE_BROKER_KEY : TYPE_TOPIC_KEY}: LogAppendTime`,
    }));
}

/**
 * An age bound from 1 ms up to the producer's default delivery timeout: retried, delayed or
 * replayed batches are refused although the producer still delivers them.
 * @returns one warning per setting, at the key's path.
 */
export function recordTimestampWarnings(spec: PlatformSpec): SpecIssue[] {
  return boundSettings(spec)
    .filter(setting => setting.millis > 0 && setting.millis < PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS)
    .map(setting => ({
      path: setting.path,
      message: `${showValue(setting.value)} ms refuses records of ${setting.scope} stamped longer ago than that, while a producer with default settings retries a batch for up to ${PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS} ms (delivery.timeout.ms) and keeps its original timestamps; replays (Kafka Streams restoring, MirrorMaker copying history) are older still, and each such write fails with INVALID_TIMESTAMP; use at least ${PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS}, or leave it out if stale records are not to be kept out`,
    }));
}
