/**
 * Round 15: tiered-storage settings on a platform without tiered storage. This platform renders no
 * Strimzi `tieredStorage` section and refuses `remote.log.storage.system.enable` and a topic's
 * `remote.storage.enable` (`kafka-config.ts`), so the brokers never start Kafka's remote log
 * manager and no topic ever has remote storage. Every other tiered-storage key then does nothing:
 *
 * - Local retention (`local.retention.ms` / `local.retention.bytes` on a topic, their broker
 *   defaults `log.local.retention.ms` / `log.local.retention.bytes`): Kafka applies them only to
 *   topics with remote storage (KIP-405; the local log is what remains after segments were copied
 *   to the remote tier). Without it a partition keeps everything its `retention.ms` /
 *   `retention.bytes` allow on the broker volume, however small the local retention, so a spec
 *   that sets them to bound disk use fills the volumes: refused.
 * - The topic switches `remote.log.copy.disable` and `remote.log.delete.on.disable` (KIP-950)
 *   change how a topic leaves the remote tier; with no remote tier they mean nothing: refused,
 *   like round 14's no-op keys.
 * - The broker's remote log manager, reader, fetch and metadata keys (`remote.log.*`,
 *   `remote.fetch.*`, `remote.list.offsets.*`) tune a component that never starts: a warning,
 *   since they change nothing at all.
 *
 * Strimzi sets the remote keys itself from `spec.kafka.tieredStorage` (added in
 * strimzi/strimzi-kafka-operator#9727), which this platform does not render; local retention
 * keys are what users set on tiered topics (strimzi/strimzi-kafka-operator#10892 is a user with
 * `local.retention.ms` on a topic with `remote.storage.enable`). No report of a local retention
 * silently ignored without a remote tier was found: the refusal rests on KIP-405's design.
 */
import { showValue, type SpecIssue } from './errors';
import { isClassKey } from './kafka-config';
import type { PlatformSpec } from './schema';

type ConfigValue = string | number | boolean;

/** Topic keys that act only on topics with remote storage, with what each would have done. */
export const TIERED_TOPIC_KEYS: Readonly<Record<string, string>> = {
  'local.retention.ms':
    'it bounds only the local copy of a topic with remote storage; without it the partition keeps everything retention.ms allows on the broker volume',
  'local.retention.bytes':
    'it bounds only the local copy of a topic with remote storage; without it the partition keeps everything retention.bytes allows on the broker volume',
  'remote.log.copy.disable': 'it stops copying segments to a remote tier the topic does not have',
  'remote.log.delete.on.disable':
    'it deletes the remote copy of a topic when remote storage is turned off, and the topic has none',
};

/** Broker keys that are the defaults of the local retention keys. */
export const TIERED_BROKER_RETENTION_KEYS: Readonly<Record<string, string>> = {
  'log.local.retention.ms': 'local.retention.ms',
  'log.local.retention.bytes': 'local.retention.bytes',
};

/** Broker key prefixes of the remote log manager's tuning (read only when it runs). */
export const TIERED_BROKER_PREFIXES: readonly string[] = [
  'remote.log.',
  'remote.fetch.',
  'remote.list.offsets.',
];

/** Refused elsewhere with their own message (`kafka-config.ts`, the switch and class checks). */
function reportedElsewhere(key: string): boolean {
  return key === 'remote.log.storage.system.enable' || isClassKey(key);
}

const NO_TIER =
  'this platform runs no tiered storage (no remote storage plugin, remote.log.storage.system.enable stays false, and remote.storage.enable is refused), so Kafka ignores it';

/**
 * Tiered-storage keys that would change how much data stays on the broker volumes, or a topic's
 * remote tier, and do nothing here.
 * @returns one issue per key, at its path.
 */
export function tieredStorageIssues(spec: PlatformSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [key, topicKey] of Object.entries(TIERED_BROKER_RETENTION_KEYS)) {
    const value = spec.kafka.config[key];
    if (value === undefined) continue;
    issues.push({
      path: `kafka.config[${JSON.stringify(key)}]`,
      message: `${showValue(value)} sets the default ${topicKey}, but ${NO_TIER}: ${TIERED_TOPIC_KEYS[topicKey]}; bound disk use with log.retention.ms or log.retention.bytes instead, or remove ${key}`,
    });
  }
  spec.kafka.topics.forEach((topic, index) => {
    for (const [key, value] of Object.entries(topic.config) as Array<[string, ConfigValue]>) {
      const effect = TIERED_TOPIC_KEYS[key];
      if (effect === undefined) continue;
      const instead = key.startsWith('local.')
        ? `bound the topic with ${key.replace('local.', '')} instead, or remove ${key}`
        : `remove ${key}`;
      issues.push({
        path: `kafka.topics[${index}].config[${JSON.stringify(key)}]`,
        message: `${showValue(value)} is a tiered-storage setting, but ${NO_TIER}: ${effect}; ${instead}`,
      });
    }
  });
  return issues;
}

/**
 * Broker keys that tune the remote log manager, which never starts here.
 * @returns one warning per key, at its path.
 */
export function tieredStorageWarnings(spec: PlatformSpec): SpecIssue[] {
  return Object.keys(spec.kafka.config)
    .filter(
      key =>
        TIERED_BROKER_PREFIXES.some(prefix => key.startsWith(prefix)) && !reportedElsewhere(key),
    )
    .map(key => ({
      path: `kafka.config[${JSON.stringify(key)}]`,
      message: `tunes Kafka's remote log manager (tiered storage), but ${NO_TIER} and the manager never starts; remove ${key}`,
    }));
}
