/**
 * Message size limits against the largest request the broker reads, and against the log segment
 * a batch is written into.
 *
 * A producer sends its record batches inside a produce request, and the broker's network layer
 * refuses any request larger than `socket.request.max.bytes` (default 104857600 bytes, 100 MiB)
 * before the message size limits are looked at: it logs an InvalidReceiveException, closes the
 * connection, and the producer retries until its delivery timeout. So a message size limit at or
 * above `socket.request.max.bytes` (the broker's `message.max.bytes`, default 1048588, or a topic's
 * `max.message.bytes`) promises batches the broker can never receive. Reported: a broker with
 * `message.max.bytes` of 500 MB and the default request limit refused a 111 MB request with
 * "Invalid receive (size = 111338035 larger than 104857600)" (metersphere/metersphere#33006); the
 * same mismatch arises the other way round when `socket.request.max.bytes` is lowered below
 * `message.max.bytes`.
 *
 * Facts: Kafka 4.x broker configuration table (defaults of `socket.request.max.bytes` and
 * `message.max.bytes`); topic `max.message.bytes` overrides `message.max.bytes` for its topic. The
 * request also carries headers, so the limit must be strictly below the request size.
 *
 * Second class (`segmentSizeIssues`): a message size limit above the segment size. Kafka writes a
 * record batch whole into one log segment, and its log refuses to append a batch larger than the
 * partition's `segment.bytes` (broker default `log.segment.bytes`, 1073741824) with
 * RecordBatchTooLargeException, after the message size check has let it through. So a limit above
 * the segment size promises batches no partition can store: a producer sending one gets an error
 * it cannot fix by retrying (emqx/emqx#15906: the producer retried such a batch forever and its
 * queue grew without bound; the emqx maintainers name `max.message.bytes` > `segment.bytes` as the
 * misconfiguration). Both sizes count the same bytes (the batch as written, `sizeInBytes`), so a
 * limit equal to the segment size is fine. Since Kafka 4.0 the smallest segment is 1 MiB
 * (1048576), just below the default `message.max.bytes` of 1048588, so a topic with the smallest
 * segments needs its own `max.message.bytes` too.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';
import { configWholeNumber } from './config-values';

/** Kafka's default `socket.request.max.bytes`, bytes. */
export const DEFAULT_SOCKET_REQUEST_MAX_BYTES = 104857600;
/** Kafka's default `message.max.bytes`, bytes (1 MiB plus the 12-byte log overhead). */
export const DEFAULT_MESSAGE_MAX_BYTES = 1048588;
/** Kafka 4's smallest `segment.bytes` / `log.segment.bytes`, bytes (1 MiB, KIP-1030). */
const MIN_SEGMENT_BYTES = 1048576;
/** Kafka's default `log.segment.bytes`, bytes (1 GiB). */
export const DEFAULT_LOG_SEGMENT_BYTES = 1073741824;

/**
 * Every message size limit of the spec (the broker's `message.max.bytes` and each topic's
 * `max.message.bytes`) that is not below the broker's `socket.request.max.bytes`. A value that is
 * not a whole number is left to the value checks of kafka-config.ts.
 */
export function requestSizeIssues(spec: PlatformSpec): SpecIssue[] {
  const config = spec.kafka.config;
  const socketSet = config['socket.request.max.bytes'] !== undefined;
  const socket = socketSet
    ? configWholeNumber(config['socket.request.max.bytes'])
    : DEFAULT_SOCKET_REQUEST_MAX_BYTES;
  if (socket === undefined) return [];
  const socketText = socketSet
    ? `kafka.config["socket.request.max.bytes"] ${socket}`
    : `socket.request.max.bytes (Kafka's default) ${socket}`;
  const refused =
    'the broker closes the connection of any request larger than socket.request.max.bytes (InvalidReceiveException, metersphere/metersphere#33006), so producers sending batches that large retry until they time out';
  const issues: SpecIssue[] = [];
  const brokerSet = config['message.max.bytes'] !== undefined;
  const brokerLimit = brokerSet
    ? configWholeNumber(config['message.max.bytes'])
    : DEFAULT_MESSAGE_MAX_BYTES;
  if (brokerLimit !== undefined && brokerLimit >= socket) {
    issues.push(
      brokerSet
        ? {
            path: 'kafka.config["message.max.bytes"]',
            message: `${showValue(config['message.max.bytes'])} is not below ${socketText}, the largest request the broker reads: ${refused}; use less than ${socket}, or raise kafka.config["socket.request.max.bytes"] above ${brokerLimit}`,
          }
        : {
            path: 'kafka.config["socket.request.max.bytes"]',
            message: `${showValue(config['socket.request.max.bytes'])} is not above message.max.bytes (Kafka's default) ${brokerLimit}, the largest record batch the broker accepts: ${refused}; use more than ${brokerLimit}`,
          },
    );
  }
  spec.kafka.topics.forEach((topic, index) => {
    const raw = topic.config['max.message.bytes'];
    const limit = configWholeNumber(raw);
    if (limit === undefined || limit < socket) return;
    issues.push({
      path: `kafka.topics[${index}].config["max.message.bytes"]`,
      message: `${showValue(raw)} is not below ${socketText}, the largest request the broker reads: ${refused}; use less than ${socket}, or raise kafka.config["socket.request.max.bytes"] above ${limit}`,
    });
  });
  return issues;
}

/** One side of a size pair: its value, and where it comes from as a message shows it. */
interface SizeSource {
  readonly value: number;
  readonly from: string;
  /** The spec sets it in this map (a topic's own key, or the broker key for the broker pair). */
  readonly own: boolean;
  readonly path: string;
  /** Nobody sets it: Kafka's default. */
  readonly isDefault?: boolean;
}

/**
 * The message size limit and the segment size of one map: a topic's (`prefixTopic` keys, falling
 * back to the broker's) or the broker's (falling back to Kafka's defaults). Undefined when a set
 * value is not a whole number (kafka-config.ts reports it).
 */
function sizeOf(
  spec: PlatformSpec,
  topicIndex: number | undefined,
  topicKey: string,
  brokerKey: string,
  kafkaDefault: number,
): SizeSource | undefined {
  const brokerPath = `kafka.config["${brokerKey}"]`;
  const broker = spec.kafka.config[brokerKey];
  const brokerSource: SizeSource | undefined =
    broker === undefined
      ? {
          value: kafkaDefault,
          from: `${brokerKey} (Kafka's default)`,
          own: false,
          path: brokerPath,
          isDefault: true,
        }
      : (() => {
          const value = configWholeNumber(broker);
          return value === undefined
            ? undefined
            : { value, from: brokerPath, own: topicIndex === undefined, path: brokerPath };
        })();
  if (topicIndex === undefined) return brokerSource;
  const topicPath = `kafka.topics[${topicIndex}].config["${topicKey}"]`;
  const own = spec.kafka.topics[topicIndex]?.config[topicKey];
  if (own === undefined) {
    return brokerSource === undefined ? undefined : { ...brokerSource, own: false };
  }
  const value = configWholeNumber(own);
  return value === undefined ? undefined : { value, from: topicPath, own: true, path: topicPath };
}

/**
 * Every message size limit above the segment size it is written into: the broker pair
 * (`message.max.bytes` over `log.segment.bytes`, either side from Kafka's defaults) when the spec
 * sets one of them, and each topic that sets `max.message.bytes` or `segment.bytes` itself (the
 * other side from the broker map, else Kafka's default). A problem when the spec sets the message
 * limit (topic or broker map): it asked for batches its segments cannot take. See
 * `segmentSizeWarnings` for a segment under Kafka's default limit.
 * @returns one problem per pair, at the key the spec sets (the message limit when it sets both);
 *   none for pairs the spec leaves to Kafka's defaults or with a value that is not a whole number.
 */
export function segmentSizeIssues(spec: PlatformSpec): SpecIssue[] {
  return segmentSizeFindings(spec)
    .filter(finding => !finding.defaultLimit)
    .map(finding => finding.issue);
}

/**
 * A segment size the spec sets below Kafka's default message limit (1048588 bytes) while nobody
 * sets the limit: a warning, not a problem. Only batches between the two sizes fail (12 bytes at
 * Kafka 4's smallest segment, 1 MiB), and the producer's default `max.request.size`, 1048576
 * bytes, never sends one; a producer configured for larger requests would meet the error.
 */
export function segmentSizeWarnings(spec: PlatformSpec): SpecIssue[] {
  return segmentSizeFindings(spec)
    .filter(finding => finding.defaultLimit)
    .map(finding => finding.issue);
}

function segmentSizeFindings(
  spec: PlatformSpec,
): Array<{ readonly issue: SpecIssue; readonly defaultLimit: boolean }> {
  const findings: Array<{ readonly issue: SpecIssue; readonly defaultLimit: boolean }> = [];
  const check = (topicIndex: number | undefined): void => {
    const limit = sizeOf(
      spec,
      topicIndex,
      'max.message.bytes',
      'message.max.bytes',
      DEFAULT_MESSAGE_MAX_BYTES,
    );
    const segment = sizeOf(
      spec,
      topicIndex,
      'segment.bytes',
      'log.segment.bytes',
      DEFAULT_LOG_SEGMENT_BYTES,
    );
    if (limit === undefined || segment === undefined) return;
    if (!limit.own && !segment.own) return;
    // A segment size below Kafka's floor is refused by the value checks (kafka-config.ts) alone.
    if (segment.value < MIN_SEGMENT_BYTES) return;
    if (limit.value <= segment.value) return;
    const effect = `Kafka's log refuses to append a record batch larger than the segment size (RecordBatchTooLargeException) after the message size check has accepted it, so producers of batches between ${segment.value} and ${limit.value} bytes get an error no retry fixes (emqx/emqx#15906)`;
    const defaultLimit = limit.isDefault === true;
    if (limit.own) {
      findings.push({
        defaultLimit,
        issue: {
          path: limit.path,
          message: `${limit.value} is above the segment size ${segment.value} (${segment.from}): ${effect}; use at most ${segment.value}, or raise the segment size to at least ${limit.value}`,
        },
      });
    } else {
      findings.push({
        defaultLimit,
        issue: {
          path: segment.path,
          message: `${segment.value} is below the message size limit ${limit.value} (${limit.from}): ${effect}${defaultLimit ? " (the producer's default max.request.size, 1048576, sends none that large)" : ''}; use at least ${limit.value}, or set ${topicIndex === undefined ? 'kafka.config["message.max.bytes"]' : `kafka.topics[${topicIndex}].config["max.message.bytes"]`} to at most ${segment.value}`,
        },
      });
    }
  };
  check(undefined);
  spec.kafka.topics.forEach((_, index) => check(index));
  return findings;
}
