/**
 * Round 15: retention too short for the broker to keep anything between its checks. A topic's
 * `retention.ms` has Kafka's lower bound -1 (no limit), so 0 and a few milliseconds pass, although
 * the broker's own `log.retention.ms` of 0 stops the broker at start (`kafka-broker-orderings.ts`);
 * `retention.bytes` (and its broker default `log.retention.bytes`) has no lower bound at all. The
 * broker applies retention at each retention check (`log.retention.check.interval.ms`, 5 minutes
 * by default):
 *
 * - a time retention below the check interval deletes each record at the first check after it
 *   was written, read or not, and for time-based retention Kafka also rolls and deletes the
 *   active segment once it is past the high watermark;
 * - a size retention below one segment (`segment.bytes`, broker default `log.segment.bytes`, 1 GiB
 *   by default) deletes every closed segment, so a partition keeps at most the segment being
 *   written.
 *
 * Consumers that fall behind then lose records without an error (they reset by
 * `auto.offset.reset`). Some users purge a topic this way on purpose, and a short retention can
 * suit a topic whose consumers always keep up, so this is a warning, not a problem. Negative sizes
 * mean no limit (Kafka checks `< 0`); negative times other than -1 are refused by the range checks.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';
import { configWholeNumber } from './config-values';

type ConfigValue = string | number | boolean;
type Config = Readonly<Record<string, ConfigValue>>;

/** Kafka's defaults: the retention check interval (5 minutes) and the segment size (1 GiB). */
export const KAFKA_RETENTION_CHECK_MS = 300_000;
export const KAFKA_SEGMENT_BYTES = 1_073_741_824;

/** The broker's time retention keys, in Kafka's order of precedence, with their unit in ms. */
const BROKER_TIME_KEYS: ReadonlyArray<readonly [string, number]> = [
  ['log.retention.ms', 1],
  ['log.retention.minutes', 60_000],
  ['log.retention.hours', 3_600_000],
];

/**
 * Time and size retentions the broker cannot keep anything under.
 * @returns one warning per such key, at its path (broker keys for the broker-wide defaults).
 */
export function shortRetentionWarnings(spec: PlatformSpec): SpecIssue[] {
  const broker: Config = spec.kafka.config;
  const checkMs =
    configWholeNumber(broker['log.retention.check.interval.ms']) ?? KAFKA_RETENTION_CHECK_MS;
  const brokerSegment = configWholeNumber(broker['log.segment.bytes']) ?? KAFKA_SEGMENT_BYTES;
  const warnings: SpecIssue[] = [];
  const effect = (what: string): string =>
    `Kafka deletes the records of ${what} at the next retention check, read or not, and consumers that fall behind lose records without an error`;
  const time = (path: string, key: string, value: ConfigValue, millis: number, what: string) => {
    if (millis < 0 || millis >= checkMs) return;
    warnings.push({
      path,
      message: `${showValue(value)} keeps records for ${millis} ms, less than the ${checkMs} ms between the broker's retention checks (log.retention.check.interval.ms), so ${effect(what)}; keep a retention consumers can keep up with (-1 for no limit), or remove ${key}`,
    });
  };
  const size = (path: string, key: string, value: ConfigValue, what: string, segment: number) => {
    const bytes = configWholeNumber(value);
    if (bytes === undefined || bytes < 0 || bytes >= segment) return;
    warnings.push({
      path,
      message: `${showValue(value)} bytes is less than one segment (${segment} bytes), so every closed segment is over the limit and a partition keeps at most the segment being written, and ${effect(what)}; make it at least a few segments (or lower the segment size), use -1 for no limit, or remove ${key}`,
    });
  };
  const brokerTime = BROKER_TIME_KEYS.find(([key]) => configWholeNumber(broker[key]) !== undefined);
  if (brokerTime !== undefined) {
    const [key, unit] = brokerTime;
    const value = broker[key] as ConfigValue;
    const millis = (configWholeNumber(value) ?? -1) * unit;
    // 0 is refused by kafka-broker-orderings.ts (the broker does not start).
    if (millis > 0) {
      time(
        `kafka.config[${JSON.stringify(key)}]`,
        key,
        value,
        millis,
        'every topic without its own retention.ms',
      );
    }
  }
  const brokerBytes = broker['log.retention.bytes'];
  if (brokerBytes !== undefined) {
    size(
      'kafka.config["log.retention.bytes"]',
      'log.retention.bytes',
      brokerBytes,
      'every topic without its own retention.bytes',
      brokerSegment,
    );
  }
  spec.kafka.topics.forEach((topic, index) => {
    const mapPath = `kafka.topics[${index}].config`;
    const what = `this topic (${showValue(topic.name)})`;
    const ms = topic.config['retention.ms'];
    const millis = configWholeNumber(ms);
    if (ms !== undefined && millis !== undefined) {
      time(`${mapPath}["retention.ms"]`, 'retention.ms', ms, millis, what);
    }
    const bytes = topic.config['retention.bytes'];
    if (bytes !== undefined) {
      size(
        `${mapPath}["retention.bytes"]`,
        'retention.bytes',
        bytes,
        what,
        configWholeNumber(topic.config['segment.bytes']) ?? brokerSegment,
      );
    }
  });
  return warnings;
}
