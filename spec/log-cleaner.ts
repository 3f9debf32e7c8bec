/**
 * Round 16: log cleaner settings Kafka accepts under which the cleaner can never compact. Each
 * cleaner thread gets `log.cleaner.io.buffer.size / log.cleaner.threads / 2` bytes for its read
 * and its write buffer and an offset map of `log.cleaner.dedupe.buffer.size / log.cleaner.threads`
 * bytes, filled to at most `log.cleaner.io.buffer.load.factor` of its slots (apache/kafka
 * `LogCleaner`, `Cleaner.buildOffsetMapForSegment`, `SkimpyOffsetMap`; read from Kafka 4.x):
 *
 * - a per-thread buffer of 0 bytes (`log.cleaner.io.buffer.size` below twice the thread count;
 *   Kafka's bound is 0) reads nothing, and the cleaner "grows" it by doubling 0, so its thread
 *   loops forever on the first segment it cleans;
 * - a load factor of 0 or below lets no key into the map, so no cleaning round gets past the first
 *   keyed record; above 1 the cleaner puts more keys than the map has slots and fails with
 *   "Attempt to add a new entry to a full offset map" (KAFKA-2235 reported that failure from a
 *   cleaner overflowing its map), and the partition is marked uncleanable. Kafka's table gives the
 *   load factor no range; its documentation calls it the share of the buffer that may fill.
 *
 * Either way no compacted topic is compacted, `__consumer_offsets` included, and they grow until
 * the disk fills: the harm of `log.cleaner.enable: false` and `log.cleaner.threads: 0`, which are
 * refused in spec/kafka-config.ts. No user report of these two settings was found.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

type ConfigValue = string | number | boolean;

/** Kafka's defaults of the cleaner keys read here. */
export const CLEANER_DEFAULTS = {
  'log.cleaner.io.buffer.size': 524288,
  'log.cleaner.threads': 1,
  'log.cleaner.io.buffer.load.factor': 0.9,
} as const;

const IO_BUFFER = 'log.cleaner.io.buffer.size';
const THREADS = 'log.cleaner.threads';
const LOAD_FACTOR = 'log.cleaner.io.buffer.load.factor';

/** A finite number as written, or undefined (the type checks report other forms). */
function numberOf(value: ConfigValue | undefined): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const text = String(value).trim();
  if (text === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  const parsed = Number(text);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * The cleaner settings of `kafka.config` under which no compaction happens.
 * @returns at most one issue for the buffer size (at `log.cleaner.io.buffer.size`) and one for the
 *   load factor (at `log.cleaner.io.buffer.load.factor`).
 */
export function logCleanerIssues(spec: PlatformSpec): SpecIssue[] {
  const config = spec.kafka.config;
  const issues: SpecIssue[] = [];
  const path = (key: string) => `kafka.config[${JSON.stringify(key)}]`;
  const ioValue = config[IO_BUFFER];
  const ioBuffer = numberOf(ioValue);
  const threads = numberOf(config[THREADS]) ?? CLEANER_DEFAULTS[THREADS];
  // 0 threads and negative sizes have their own refusals.
  if (ioBuffer !== undefined && ioBuffer >= 0 && threads >= 1 && Number.isInteger(threads)) {
    const perThread = Math.floor(Math.floor(ioBuffer / threads) / 2);
    if (perThread === 0) {
      const threadsFrom = config[THREADS] === undefined ? ` (Kafka's default)` : '';
      issues.push({
        path: path(IO_BUFFER),
        message: `${showValue(ioValue)} over ${threads} cleaner thread(s)${threadsFrom} leaves each thread read and write buffers of ${ioBuffer} / ${threads} / 2 = 0 bytes, which read nothing, and the cleaner only doubles a buffer that is too small, so every cleaner thread loops forever on its first segment and no compacted topic, __consumer_offsets included, is ever compacted; use at least ${2 * threads} (Kafka's default is ${CLEANER_DEFAULTS[IO_BUFFER]}), or leave it out`,
      });
    }
  }
  const factorValue = config[LOAD_FACTOR];
  const factor = numberOf(factorValue);
  if (factor !== undefined && (factor <= 0 || factor > 1)) {
    const effect =
      factor <= 0
        ? "lets no key into the cleaner's offset map, so no cleaning round gets past the first keyed record"
        : 'has the cleaner put more keys into its offset map than it has slots, which fails with "Attempt to add a new entry to a full offset map" (KAFKA-2235) and marks the partition uncleanable';
    issues.push({
      path: path(LOAD_FACTOR),
      message: `${showValue(factorValue)} ${effect}, so no compacted topic, __consumer_offsets included, is compacted and they grow until the disk fills; use a share above 0 and at most 1 (Kafka's default is ${CLEANER_DEFAULTS[LOAD_FACTOR]}), or leave it out`,
    });
  }
  return issues;
}
