/**
 * Round 15: compression levels that no topic uses. KIP-390 (KAFKA-7632, apache/kafka#15516) added
 * `compression.gzip.level`, `compression.lz4.level` and `compression.zstd.level`, topic keys whose
 * broker defaults have the same names. A level applies only where the broker itself compresses with
 * that codec: a topic whose effective `compression.type` (its own, else the broker's, else Kafka's
 * default `producer`) is that codec. With `producer` the broker keeps each batch as the producer
 * compressed it, so the level the spec sets changes nothing, silently (the producer's own
 * `compression.<codec>.level` is what counts then). Kafka's own topics take the broker's
 * `compression.type`.
 *
 * Even with the codec set, the broker keeps a batch the producer already compressed with that
 * codec as it is, whatever its level (apache/kafka#15516's review: the broker cannot tell the level
 * a batch was written with); that case depends on the producers and is not checked.
 *
 * This is a warning, not a problem: the setting harms nothing, it only does not do what it says.
 * Read from KIP-390 and Kafka's `TopicConfig` documentation of the level keys (each applies "if
 * compression.type is set to" its codec); no user report was found.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

type ConfigValue = string | number | boolean;

/** Each level key and the codec it belongs to. */
export const COMPRESSION_LEVEL_KEYS: Readonly<Record<string, string>> = {
  'compression.gzip.level': 'gzip',
  'compression.lz4.level': 'lz4',
  'compression.zstd.level': 'zstd',
};

/** Kafka's default `compression.type`: keep what the producer sent. */
const KAFKA_DEFAULT_COMPRESSION = 'producer';

function typeOf(value: ConfigValue | undefined): string | undefined {
  return value === undefined ? undefined : String(value).trim();
}

/**
 * Level keys set where no topic compresses with their codec.
 * @returns one warning per such key, at its path; a broker level key is used by every topic (and
 *   Kafka's own topics) whose effective type is its codec, so it warns only when there is none.
 */
export function compressionLevelWarnings(spec: PlatformSpec): SpecIssue[] {
  const warnings: SpecIssue[] = [];
  const brokerType = typeOf(spec.kafka.config['compression.type']) ?? KAFKA_DEFAULT_COMPRESSION;
  const topicTypes = spec.kafka.topics.map(
    topic => typeOf(topic.config['compression.type']) ?? brokerType,
  );
  for (const [key, codec] of Object.entries(COMPRESSION_LEVEL_KEYS)) {
    const brokerLevel = spec.kafka.config[key];
    if (brokerLevel !== undefined && brokerType !== codec && !topicTypes.includes(codec)) {
      warnings.push({
        path: `kafka.config[${JSON.stringify(key)}]`,
        message: `${showValue(brokerLevel)} sets the ${codec} level, but compression.type is ${showValue(brokerType)}${spec.kafka.config['compression.type'] === undefined ? " (Kafka's default)" : ''} and no topic uses ${codec}, so the broker never compresses with ${codec} and the level changes nothing (KIP-390); set compression.type to ${codec} where you want the broker to compress, set the level in the producers, or remove ${key}`,
      });
    }
    spec.kafka.topics.forEach((topic, index) => {
      const level = topic.config[key];
      const type = topicTypes[index];
      if (level === undefined || type === codec) return;
      warnings.push({
        path: `kafka.topics[${index}].config[${JSON.stringify(key)}]`,
        message: `${showValue(level)} sets the ${codec} level, but the topic's compression.type is ${showValue(type)}, so the broker never compresses this topic with ${codec} and the level changes nothing (KIP-390); set the topic's compression.type to ${codec}, set the level in the producers, or remove ${key}`,
      });
    });
  }
  return warnings;
}
