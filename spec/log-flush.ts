/**
 * Round 15: time-based flushes that never happen. A topic's `flush.ms` (broker default
 * `log.flush.interval.ms`) asks Kafka to fsync a partition once its oldest unflushed data is that
 * old, but nothing on the write path looks at it: only the broker's log flusher does, a task that
 * runs every `log.flush.scheduler.interval.ms` (apache/kafka `LogManager`, the "kafka-log-flusher"
 * task). That key defaults to Long.MAX_VALUE, so unless it is set the flusher runs once, shortly
 * after start, and the requested flushes never come (KAFKA-19151, apache/kafka#19479, which added
 * this to the `flush.ms` documentation after users found it). Kafka's scheduler also runs a task
 * whose period is 0 or below only once (`KafkaScheduler.schedule`), so such a setting is no
 * better. A positive scheduler period longer than the requested flush interval still flushes, only
 * later than asked: a warning.
 *
 * `log.flush.interval.ms` itself defaults to the scheduler period when unset (Kafka's broker table),
 * so setting only `log.flush.scheduler.interval.ms` is a working way to flush every topic on a
 * period and is left alone, as is `flush.messages` (the write path counts messages itself).
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

type ConfigValue = string | number | boolean;

/** The broker key whose period drives every time-based flush. */
export const FLUSH_SCHEDULER_KEY = 'log.flush.scheduler.interval.ms';

/** Java's Long.MAX_VALUE as written: Kafka's default of the flush keys (no flush by time). */
const LONG_MAX = 2n ** 63n - 1n;

/** A whole number as written (exact, as a BigInt), or undefined when it is none. */
function exactWhole(value: ConfigValue | undefined): bigint | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const text = String(value).trim();
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  // A YAML number past 2^53 has already lost digits; the type check of kafka-config.ts reports it.
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return undefined;
  return BigInt(text.replace(/^\+/, ''));
}

/** Every time-based flush interval the spec sets below Long.MAX_VALUE, with its path and key. */
function flushIntervals(
  spec: PlatformSpec,
): Array<{ path: string; key: string; value: ConfigValue; millis: bigint }> {
  const found: Array<{ path: string; key: string; value: ConfigValue; millis: bigint }> = [];
  const add = (mapPath: string, config: Readonly<Record<string, ConfigValue>>, key: string) => {
    const value = config[key];
    const millis = exactWhole(value);
    // Negative values are refused by the range check (both keys' lower bound is 0).
    if (value === undefined || millis === undefined || millis < 0n || millis >= LONG_MAX) return;
    found.push({ path: `${mapPath}[${JSON.stringify(key)}]`, key, value, millis });
  };
  add('kafka.config', spec.kafka.config, 'log.flush.interval.ms');
  spec.kafka.topics.forEach((topic, index) =>
    add(`kafka.topics[${index}].config`, topic.config, 'flush.ms'),
  );
  return found;
}

/** The scheduler period the spec sets, or undefined when it leaves Kafka's default. */
function schedulerPeriod(spec: PlatformSpec): { value: ConfigValue; millis: bigint } | undefined {
  const value = spec.kafka.config[FLUSH_SCHEDULER_KEY];
  const millis = exactWhole(value);
  return value === undefined || millis === undefined ? undefined : { value, millis };
}

/**
 * Flush intervals that never trigger a flush: the scheduler period is unset (Kafka's default,
 * Long.MAX_VALUE), Long.MAX_VALUE, or 0 or below.
 * @returns one issue per flush interval, at its key; none when no flush interval is set.
 */
export function logFlushIssues(spec: PlatformSpec): SpecIssue[] {
  const scheduler = schedulerPeriod(spec);
  if (scheduler !== undefined && scheduler.millis > 0n && scheduler.millis < LONG_MAX) return [];
  const why =
    scheduler === undefined
      ? `${FLUSH_SCHEDULER_KEY} is not set, and at Kafka's default (9223372036854775807 ms) the broker's log flusher runs once, after start`
      : scheduler.millis >= LONG_MAX
        ? `${FLUSH_SCHEDULER_KEY} is ${showValue(scheduler.value)}, at which the broker's log flusher runs once, after start`
        : `${FLUSH_SCHEDULER_KEY} is ${showValue(scheduler.value)}, and Kafka's scheduler runs a task whose period is 0 or below only once, after start`;
  return flushIntervals(spec).map(({ path, key, value, millis }) => ({
    path,
    message: `${showValue(value)} asks for an fsync every ${millis} ms, but only the broker's log flusher acts on ${key}, and ${why}, so no flush by time ever happens (KAFKA-19151, apache/kafka#19479); set kafka.config["${FLUSH_SCHEDULER_KEY}"] to at most ${millis > 0n ? millis : 1n}, or remove ${key} (replication, not fsync, is what keeps Kafka's data safe)`,
  }));
}

/**
 * Flush intervals shorter than the scheduler period: Kafka flushes at the next check, so up to one
 * scheduler period later than asked.
 * @returns one warning per such interval, at its key.
 */
export function logFlushWarnings(spec: PlatformSpec): SpecIssue[] {
  const scheduler = schedulerPeriod(spec);
  if (scheduler === undefined || scheduler.millis <= 0n || scheduler.millis >= LONG_MAX) return [];
  return flushIntervals(spec)
    .filter(({ millis }) => millis < scheduler.millis)
    .map(({ path, key, value, millis }) => ({
      path,
      message: `${showValue(value)} asks for an fsync every ${millis} ms, but the broker's log flusher checks only every ${scheduler.millis} ms (${FLUSH_SCHEDULER_KEY}), so data may wait that long; lower ${FLUSH_SCHEDULER_KEY} to ${millis}, or raise ${key} to ${scheduler.millis}`,
    }));
}
