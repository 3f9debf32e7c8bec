/**
 * The broker heap against the memory Kafka takes from it when it starts.
 *
 * Heap: the platform sets no JVM options, so Strimzi sizes each broker's heap from the container's
 * memory limit (`kafka.brokerResources.memoryGi`, else the share of a Kafka node `derive.ts` gives
 * each broker): half of the limit, at most 5 GiB (Strimzi `JvmOptionUtils.heapOptions(varList, 50,
 * 5 GiB, ...)` for Kafka node pools, applied by the container's dynamic heap script).
 *
 * Taken at start: the log cleaner allocates its buffers on the heap when the broker starts, one
 * share per cleaner thread: the dedupe buffer (`log.cleaner.dedupe.buffer.size`, default 134217728
 * bytes, 128 MiB, the total of all threads) and the read and write buffers
 * (`log.cleaner.io.buffer.size`, default 524288 bytes, also the total). A broker whose heap cannot
 * hold them stops at start with "OutOfMemoryError: Java heap space" in the cleaner's offset map
 * (`SkimpyOffsetMap`; eventuate-foundation/eventuate-messaging-kafka#53, and the report that
 * made Kafka lower the default from 500 MiB, KAFKA-2988 / apache/kafka#686, embedded brokers in
 * manub/scalatest-embedded-kafka#60). Kafka allocates the buffers even when no topic is
 * compacted, since `__consumer_offsets` is.
 *
 * Refused: buffers of at least the heap (the allocation cannot succeed). Warned: buffers above
 * half of the heap, which leave the rest of the broker (request buffers, metadata, the replica
 * fetchers) less than half of it; the broker may start and then stop with OutOfMemoryError under
 * load.
 */
import { balancedNodeCounts, brokerResourcesFor, maxNodesPerZone, nodeCapacityOf } from './derive';
import type { SpecIssue } from './errors';
import type { PlatformSpec } from './schema';
import { configWholeNumber } from './config-values';

/** Strimzi's dynamic heap for Kafka pools: this share of the memory limit... */
export const STRIMZI_KAFKA_HEAP_SHARE = 0.5;
/** ...at most this many bytes (5 GiB). */
export const STRIMZI_KAFKA_HEAP_MAX_BYTES = 5 * 1024 ** 3;
/** Kafka's defaults of the cleaner buffers, bytes (4.x broker configuration table). */
export const CLEANER_BUFFER_DEFAULTS = {
  'log.cleaner.dedupe.buffer.size': 134217728,
  'log.cleaner.io.buffer.size': 524288,
} as const;

type CleanerKey = keyof typeof CLEANER_BUFFER_DEFAULTS;

const MIB = 1024 * 1024;

/**
 * The memory limit of each broker, GiB, as the charts render it: the spec's value, else the share
 * of the lowest node level (the most brokers per node). Undefined while the spec cannot be derived
 * (other rules report why).
 */
export function brokerMemoryGi(spec: PlatformSpec): number | undefined {
  const set = spec.kafka.brokerResources.memoryGi;
  if (set !== undefined) return set;
  const zones = spec.zones.length;
  if (zones === 0 || spec.kafka.brokers < 1 || spec.kafka.brokers % zones !== 0) return undefined;
  const brokersPerZone = spec.kafka.brokers / zones;
  const capacity = nodeCapacityOf(spec);
  const lowest = balancedNodeCounts(
    brokersPerZone,
    spec.nodes.kafka.minPerZone,
    maxNodesPerZone(spec),
  )[0];
  if (capacity === undefined || lowest === undefined) return undefined;
  return brokerResourcesFor(capacity, Math.ceil(brokersPerZone / lowest)).memoryGi;
}

/** The broker heap Strimzi gives a memory limit of `memoryGi`, bytes (rounded to whole MiB first, as the charts render it). */
export function brokerHeapBytes(memoryGi: number): number {
  const limitBytes = Math.round(memoryGi * 1024) * MIB;
  return Math.min(Math.floor(limitBytes * STRIMZI_KAFKA_HEAP_SHARE), STRIMZI_KAFKA_HEAP_MAX_BYTES);
}

function mib(bytes: number): string {
  return `${Math.round((bytes / MIB) * 10) / 10} MiB`;
}

interface CleanerBudget {
  readonly heap: number;
  readonly buffers: number;
  readonly dedupe: number;
  readonly memoryGi: number;
  readonly path: string;
  readonly detail: string;
}

/**
 * The cleaner buffers and the heap, when the spec sets a cleaner buffer key (with whole numbers)
 * or the broker memory itself; undefined otherwise, or when the memory cannot be derived.
 */
function cleanerBudget(spec: PlatformSpec): CleanerBudget | undefined {
  const config = spec.kafka.config;
  const keys = Object.keys(CLEANER_BUFFER_DEFAULTS) as CleanerKey[];
  const values: Partial<Record<CleanerKey, number>> = {};
  for (const key of keys) {
    const raw = config[key];
    if (raw === undefined) continue;
    const bytes = configWholeNumber(raw);
    if (bytes === undefined || bytes < 0) return undefined;
    values[key] = bytes;
  }
  const setKeys = keys.filter(key => values[key] !== undefined);
  const memorySet = spec.kafka.brokerResources.memoryGi !== undefined;
  if (setKeys.length === 0 && !memorySet) return undefined;
  const memoryGi = brokerMemoryGi(spec);
  // Below the 1 GiB floor of a Kafka pod the broker fit rules refuse the memory itself.
  if (memoryGi === undefined || memoryGi < 1) return undefined;
  const dedupe =
    values['log.cleaner.dedupe.buffer.size'] ??
    CLEANER_BUFFER_DEFAULTS['log.cleaner.dedupe.buffer.size'];
  const io =
    values['log.cleaner.io.buffer.size'] ?? CLEANER_BUFFER_DEFAULTS['log.cleaner.io.buffer.size'];
  const first = setKeys[0];
  const path = first === undefined ? 'kafka.brokerResources.memoryGi' : `kafka.config["${first}"]`;
  const show = (key: CleanerKey): string =>
    `${key} ${values[key] ?? CLEANER_BUFFER_DEFAULTS[key]}${values[key] === undefined ? " (Kafka's default)" : ''}`;
  return {
    heap: brokerHeapBytes(memoryGi),
    buffers: dedupe + io,
    dedupe,
    memoryGi,
    path,
    detail: `${show('log.cleaner.dedupe.buffer.size')} plus ${show('log.cleaner.io.buffer.size')}`,
  };
}

function heapText(budget: CleanerBudget, spec: PlatformSpec): string {
  const memoryFrom =
    spec.kafka.brokerResources.memoryGi === undefined
      ? `each broker's share of a ${spec.nodes.kafka.instanceType} node`
      : 'kafka.brokerResources.memoryGi';
  return `the ${mib(budget.heap)} heap Strimzi gives a broker with ${budget.memoryGi} GiB (${memoryFrom}; half the memory, at most 5 GiB)`;
}

function fixText(budget: CleanerBudget): string {
  const io = budget.buffers - budget.dedupe;
  const fitting = Math.max(0, Math.floor(budget.heap / 2) - io);
  const lower = `lower log.cleaner.dedupe.buffer.size to at most ${fitting} (Kafka's default 134217728 suits most clusters)`;
  const neededGi = Math.ceil(((budget.buffers * 2) / STRIMZI_KAFKA_HEAP_SHARE / 1024 ** 3) * 4) / 4;
  const maxUsefulGi = STRIMZI_KAFKA_HEAP_MAX_BYTES / STRIMZI_KAFKA_HEAP_SHARE / 1024 ** 3;
  return neededGi <= maxUsefulGi
    ? `${lower}, or give the brokers more memory (kafka.brokerResources.memoryGi of at least ${neededGi})`
    : `${lower}; more memory does not help, since Strimzi's heap stops growing at 5 GiB`;
}

/**
 * Cleaner buffers of at least the broker heap: the broker stops at start with OutOfMemoryError.
 * @returns one problem at the first cleaner key the spec sets (else `kafka.brokerResources.memoryGi`);
 *   none when the spec sets neither, a value is not a whole number (reported elsewhere), or the
 *   memory cannot be derived.
 */
export function brokerHeapIssues(spec: PlatformSpec): SpecIssue[] {
  const budget = cleanerBudget(spec);
  if (budget === undefined || budget.buffers < budget.heap) return [];
  return [
    {
      path: budget.path,
      message: `the log cleaner's buffers (${budget.detail}: ${budget.buffers} bytes) do not fit in ${heapText(budget, spec)}; Kafka allocates them on the heap when the broker starts, so every broker would stop with "OutOfMemoryError: Java heap space" (eventuate-foundation/eventuate-messaging-kafka#53, KAFKA-2988); ${fixText(budget)}`,
    },
  ];
}

/**
 * Cleaner buffers above half the broker heap (and below all of it): the broker starts, with less
 * than half its heap for everything else.
 * @returns one warning at the same path as `brokerHeapIssues`; none otherwise.
 */
export function brokerHeapWarnings(spec: PlatformSpec): SpecIssue[] {
  const budget = cleanerBudget(spec);
  if (budget === undefined || budget.buffers >= budget.heap) return [];
  if (budget.buffers <= budget.heap / 2) return [];
  return [
    {
      path: budget.path,
      message: `the log cleaner's buffers (${budget.detail}: ${budget.buffers} bytes) take more than half of ${heapText(budget, spec)}, and Kafka holds them from start, leaving less than half for requests, metadata and replication, so a broker under load may stop with OutOfMemoryError (eventuate-foundation/eventuate-messaging-kafka#53); ${fixText(budget)}`,
    },
  ];
}
