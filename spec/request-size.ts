/**
 * Message size limits against the largest request the broker reads.
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
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

/** Kafka's default `socket.request.max.bytes`, bytes. */
export const DEFAULT_SOCKET_REQUEST_MAX_BYTES = 104857600;
/** Kafka's default `message.max.bytes`, bytes (1 MiB plus the 12-byte log overhead). */
export const DEFAULT_MESSAGE_MAX_BYTES = 1048588;

function wholeNumberOf(value: string | number | boolean | undefined): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  const text = String(value).trim();
  return /^-?\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * Every message size limit of the spec (the broker's `message.max.bytes` and each topic's
 * `max.message.bytes`) that is not below the broker's `socket.request.max.bytes`. A value that is
 * not a whole number is left to the value checks of kafka-config.ts.
 */
export function requestSizeIssues(spec: PlatformSpec): SpecIssue[] {
  const config = spec.kafka.config;
  const socketSet = config['socket.request.max.bytes'] !== undefined;
  const socket = socketSet
    ? wholeNumberOf(config['socket.request.max.bytes'])
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
    ? wholeNumberOf(config['message.max.bytes'])
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
    const limit = wholeNumberOf(raw);
    if (limit === undefined || limit < socket) return;
    issues.push({
      path: `kafka.topics[${index}].config["max.message.bytes"]`,
      message: `${showValue(raw)} is not below ${socketText}, the largest request the broker reads: ${refused}; use less than ${socket}, or raise kafka.config["socket.request.max.bytes"] above ${limit}`,
    });
  });
  return issues;
}
