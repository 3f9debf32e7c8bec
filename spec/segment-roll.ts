/**
 * Compacted topics whose segment roll jitter reaches their compaction deadline, so Kafka rolls a
 * new segment at every write.
 *
 * Kafka 4.x (`LogConfig`, `LogSegment.shouldRoll` of the storage module) rolls the active segment
 * of a partition once its first record is older than the segment's roll time:
 * - the roll time is `segment.ms`, and for a topic whose `cleanup.policy` includes `compact` and
 *   whose `max.compaction.lag.ms` is set, the smaller of the two;
 * - less a jitter drawn once per segment, when it is created, uniformly below
 *   min(`segment.jitter.ms`, `segment.ms`) and below 2^31 ms: Kafka takes the absolute value of a
 *   random int modulo that bound (`LogConfig.randomSegmentJitter`), so a jitter never reaches
 *   2^31 - 1 ms (about 24.8 days), whatever the bound.
 *
 * Only the compaction deadline can fall below the jitter (the jitter stays below `segment.ms`). A
 * segment whose jitter is at or above the deadline has a roll time of zero or less: it rolls at
 * the next write once it holds any record, and so does the next one with such a jitter. With
 * `segment.jitter.ms` above `max.compaction.lag.ms` that is the share (jitter - lag) / jitter of
 * all segments: a new segment, with its index files and their memory maps, per produce batch, until
 * the broker runs out of file handles or map areas and stops (linkedin/kafka#521, where a jitter
 * above the compaction lag rolled segments on every message and crashed the broker; Apache Kafka
 * has no guard).
 *
 * Effective values come from the topic, else the broker default (`log.roll.jitter.ms` over
 * `log.roll.jitter.hours`, `log.cleaner.max.compaction.lag.ms`, `log.roll.ms` over
 * `log.roll.hours`, `log.cleanup.policy`), else Kafka's defaults (no jitter, no compaction
 * deadline, 168 hours, delete). Kafka's own `__consumer_offsets` and `__transaction_state` are
 * compacted and take the broker defaults for these keys, so the broker defaults alone are checked
 * as a compacted topic too.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';
import { configWholeNumber } from './config-values';

type ConfigValue = string | number | boolean;
type Config = Readonly<Record<string, ConfigValue>>;

const HOUR_MS = 3_600_000;
/** How many jitter values Kafka's int draw takes at most: 0 to 2^31 - 1 ms. */
const KAFKA_JITTER_DRAWS = 2 ** 31;
const KAFKA_DEFAULT_SEGMENT_MS = 168 * HOUR_MS;

/** A setting's effective value and the spec place it comes from (undefined: Kafka's default). */
interface Effective {
  readonly value: number;
  readonly from: string | undefined;
}

/** The first key of `keys` (with its unit in ms) that `config` sets as a whole number. */
function brokerSetting(
  config: Config,
  keys: ReadonlyArray<readonly [string, number]>,
): Effective | undefined {
  for (const [key, unit] of keys) {
    const value = configWholeNumber(config[key]);
    if (value !== undefined) return { value: value * unit, from: `kafka.config["${key}"]` };
  }
  return undefined;
}

/** The roll settings of one topic (or of the broker defaults alone). */
interface RollSettings {
  readonly compacted: boolean;
  readonly segmentMs: Effective;
  readonly jitterMs: Effective;
  readonly maxLagMs: Effective | undefined;
}

const BROKER_KEYS = {
  segmentMs: [
    ['log.roll.ms', 1],
    ['log.roll.hours', HOUR_MS],
  ],
  jitterMs: [
    ['log.roll.jitter.ms', 1],
    ['log.roll.jitter.hours', HOUR_MS],
  ],
  maxLagMs: [['log.cleaner.max.compaction.lag.ms', 1]],
} as const;

function settings(
  broker: Config,
  topic: Config | undefined,
  topicPath: string | undefined,
  forceCompacted: boolean,
): RollSettings {
  const own = (key: string): Effective | undefined => {
    const value = topic === undefined ? undefined : configWholeNumber(topic[key]);
    return value === undefined ? undefined : { value, from: `${topicPath}["${key}"]` };
  };
  const policy = topic?.['cleanup.policy'] ?? broker['log.cleanup.policy'];
  const compacted =
    forceCompacted ||
    (policy !== undefined &&
      String(policy)
        .split(',')
        .some(part => part.trim() === 'compact'));
  return {
    compacted,
    segmentMs: own('segment.ms') ??
      brokerSetting(broker, BROKER_KEYS.segmentMs) ?? {
        value: KAFKA_DEFAULT_SEGMENT_MS,
        from: undefined,
      },
    jitterMs: own('segment.jitter.ms') ??
      brokerSetting(broker, BROKER_KEYS.jitterMs) ?? { value: 0, from: undefined },
    maxLagMs: own('max.compaction.lag.ms') ?? brokerSetting(broker, BROKER_KEYS.maxLagMs),
  };
}

/**
 * The share of segments (0 to 1) that roll at every write under these settings: the jitter values
 * (0 to min(jitter, segment.ms, 2^31) - 1, uniform) at or above the roll time.
 */
export function everyWriteRollShare(
  compacted: boolean,
  segmentMs: number,
  jitterMs: number,
  maxLagMs: number | undefined,
): number {
  if (jitterMs <= 0 || segmentMs <= 0) return 0;
  const rollMs =
    compacted && maxLagMs !== undefined && maxLagMs > 0 ? Math.min(maxLagMs, segmentMs) : segmentMs;
  const jitterBound = Math.min(jitterMs, segmentMs, KAFKA_JITTER_DRAWS);
  return jitterBound > rollMs ? (jitterBound - rollMs) / jitterBound : 0;
}

function shown(setting: Effective, key: string): string {
  return setting.from === undefined
    ? `${key} ${setting.value} (Kafka's default)`
    : `${setting.value} (${setting.from})`;
}

function problem(rolls: RollSettings, what: string, fixAt: string): string | undefined {
  const share = everyWriteRollShare(
    rolls.compacted,
    rolls.segmentMs.value,
    rolls.jitterMs.value,
    rolls.maxLagMs?.value,
  );
  if (share === 0 || rolls.maxLagMs === undefined) return undefined;
  const percent = Math.max(1, Math.floor(share * 100));
  return `a roll jitter of up to ${shown(rolls.jitterMs, 'segment.jitter.ms')} reaches the compaction deadline max.compaction.lag.ms ${shown(rolls.maxLagMs, 'max.compaction.lag.ms')} of ${what}: Kafka rolls a compacted topic's segment once it is min(segment.ms, max.compaction.lag.ms) old less a jitter drawn per segment below min(segment.jitter.ms, segment.ms), so about ${percent}% of the segments are due at once and roll at every write, a new segment with its index files and memory maps per produce batch until the broker runs out of file handles or map areas (linkedin/kafka#521); keep the jitter well below the lag (${fixAt}), or remove it`;
}

/** The first key of `keys` that `config` sets, as the issue's place. */
function firstSet(path: string, config: Config, keys: readonly string[]): string | undefined {
  const key = keys.find(candidate => config[candidate] !== undefined);
  return key === undefined ? undefined : `${path}[${JSON.stringify(key)}]`;
}

/** Every compacted topic of the spec whose roll jitter reaches its compaction deadline. */
export function segmentRollIssues(spec: PlatformSpec): SpecIssue[] {
  const broker = spec.kafka.config;
  const issues: SpecIssue[] = [];
  const brokerPath = firstSet('kafka.config', broker, [
    'log.roll.jitter.ms',
    'log.roll.jitter.hours',
    'log.cleaner.max.compaction.lag.ms',
    'log.roll.ms',
    'log.roll.hours',
  ]);
  if (brokerPath !== undefined) {
    const message = problem(
      settings(broker, undefined, undefined, true),
      "Kafka's compacted topics (__consumer_offsets, __transaction_state and every compacted topic without its own values)",
      'log.roll.jitter.ms below log.cleaner.max.compaction.lag.ms',
    );
    if (message !== undefined) issues.push({ path: brokerPath, message });
  }
  spec.kafka.topics.forEach((topic, index) => {
    const mapPath = `kafka.topics[${index}].config`;
    const path = firstSet(mapPath, topic.config, [
      'segment.jitter.ms',
      'max.compaction.lag.ms',
      'cleanup.policy',
      'segment.ms',
    ]);
    if (path === undefined) return;
    const message = problem(
      settings(broker, topic.config, mapPath, false),
      `this compacted topic (${showValue(topic.name)})`,
      'segment.jitter.ms below max.compaction.lag.ms',
    );
    if (message !== undefined) issues.push({ path, message });
  });
  return issues;
}

/**
 * Round 15: the size of a segment's time index entry, bytes (an 8-byte timestamp and a 4-byte
 * relative offset; the offset index's entries are 8 bytes).
 */
export const TIME_INDEX_ENTRY_BYTES = 12;

/** Index sizes (topic `segment.index.bytes`, broker default `log.index.size.max.bytes`). */
export const INDEX_SIZE_KEYS = {
  topic: 'segment.index.bytes',
  broker: 'log.index.size.max.bytes',
} as const;

/**
 * Round 15, the same fault as the jitter above (a new segment at every write) by another setting:
 * Kafka rounds an index's size down to whole entries and rolls the active segment as soon as its
 * offset or time index is full (`LogSegment.shouldRoll`, which checks `isFull` besides size and
 * age). Kafka's lower bound for both keys is 4 bytes, so an index size below one time index entry
 * (12 bytes) leaves an index that holds no entry and is full from the start: every append rolls a
 * new segment, with its files and memory maps, as linkedin/kafka#521 describes for the jitter.
 * Larger sizes roll early only when many batches are small, which depends on traffic, and pass.
 * @returns one issue per index size below one entry, at its key.
 */
export function indexRollIssues(spec: PlatformSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const check = (mapPath: string, config: Config, key: string, what: string): void => {
    const value = config[key];
    const size = configWholeNumber(value);
    // Below Kafka's own bound of 4 the range check of kafka-config.ts reports.
    if (value === undefined || size === undefined || size < 4 || size >= TIME_INDEX_ENTRY_BYTES) {
      return;
    }
    issues.push({
      path: `${mapPath}[${JSON.stringify(key)}]`,
      message: `${showValue(value)} bytes holds no time index entry (${TIME_INDEX_ENTRY_BYTES} bytes each), so the index of ${what} is full from the start and Kafka rolls a new segment at every write (LogSegment.shouldRoll rolls when an index is full), a segment with its index files and memory maps per produce batch until the broker runs out of file handles or map areas (linkedin/kafka#521); use at least 4096 (Kafka's default is 10485760), or remove ${key}`,
    });
  };
  check(
    'kafka.config',
    spec.kafka.config,
    INDEX_SIZE_KEYS.broker,
    "every topic without its own segment.index.bytes (Kafka's internal topics included)",
  );
  spec.kafka.topics.forEach((topic, index) =>
    check(
      `kafka.topics[${index}].config`,
      topic.config,
      INDEX_SIZE_KEYS.topic,
      `this topic (${showValue(topic.name)})`,
    ),
  );
  return issues;
}
