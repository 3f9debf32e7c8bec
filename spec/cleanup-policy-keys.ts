/**
 * Round 16: topic settings the topic's cleanup policy never reads. Kafka deletes segments by
 * `retention.ms` and `retention.bytes` only when the topic's `cleanup.policy` includes `delete`
 * (apache/kafka `UnifiedLog.deleteOldSegments`: without it only segments below the log start
 * offset go), and only the log cleaner, which works on topics whose policy includes `compact`,
 * reads the compaction settings (`min.compaction.lag.ms`, `max.compaction.lag.ms`,
 * `min.cleanable.dirty.ratio`, `delete.retention.ms`). So:
 *
 * - `retention.ms` / `retention.bytes` on a compact-only topic bound nothing: the topic keeps the
 *   latest record of every key forever, whatever the retention says (karafka/karafka-web#1223: a
 *   project relied on retention of compacted topics, which brokers treat differently;
 *   redpanda-data/redpanda#13588 for another broker). The fix is `compact,delete`, which does
 *   both (KIP-71).
 * - compaction settings on a delete-only topic do nothing.
 * - a broker default `log.cleanup.policy` of `compact` alone makes every topic without its own
 *   policy compacted, and a compacted topic refuses every record without a key (Kafka's
 *   `LogValidator`, "Compacted topic cannot accept message without key"), so producers that send
 *   unkeyed records fail on those topics.
 *
 * All three are legal Kafka configurations that do something other than what they say, so they
 * are warnings. The effective policy is the topic's own `cleanup.policy`, else the broker default
 * `log.cleanup.policy`, else Kafka's default `delete`; an empty policy has its own warning
 * (`emptyCleanupPolicyWarnings`, spec/kafka-config.ts) and is skipped here.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

type ConfigValue = string | number | boolean;

/** Topic keys only deletion reads. */
export const RETENTION_KEYS = ['retention.ms', 'retention.bytes'] as const;

/** Topic keys only the log cleaner (compaction) reads. */
export const COMPACTION_KEYS = [
  'min.compaction.lag.ms',
  'max.compaction.lag.ms',
  'min.cleanable.dirty.ratio',
  'delete.retention.ms',
] as const;

/** The policies a cleanup.policy value names, or undefined when it names none (empty, or not text). */
function policiesOf(value: ConfigValue | undefined): Set<string> | undefined {
  if (value === undefined || typeof value !== 'string') return undefined;
  const names = value
    .split(',')
    .map(name => name.trim())
    .filter(name => name !== '');
  return names.length === 0 ? undefined : new Set(names);
}

/** The policy a topic runs under and where it comes from. */
function effectivePolicy(
  topicPolicy: ConfigValue | undefined,
  brokerPolicy: ConfigValue | undefined,
): { policies: Set<string>; from: string } | undefined {
  if (topicPolicy !== undefined) {
    const own = policiesOf(topicPolicy);
    return own === undefined ? undefined : { policies: own, from: 'its own cleanup.policy' };
  }
  if (brokerPolicy !== undefined) {
    const inherited = policiesOf(brokerPolicy);
    return inherited === undefined
      ? undefined
      : { policies: inherited, from: 'the broker default kafka.config["log.cleanup.policy"]' };
  }
  return { policies: new Set(['delete']), from: "Kafka's default" };
}

/**
 * Warnings for retention keys on compact-only topics, compaction keys on delete-only topics, and
 * a compact-only broker default policy.
 * @returns one warning per key set in vain (at the topic key), and one at
 *   `kafka.config["log.cleanup.policy"]` when the broker default is compact without delete.
 */
export function cleanupPolicyKeyWarnings(spec: PlatformSpec): SpecIssue[] {
  const warnings: SpecIssue[] = [];
  const brokerPolicy = spec.kafka.config['log.cleanup.policy'];
  const brokerPolicies = policiesOf(brokerPolicy);
  if (
    brokerPolicies !== undefined &&
    brokerPolicies.has('compact') &&
    !brokerPolicies.has('delete')
  ) {
    const inheriting = spec.kafka.topics
      .filter(topic => topic.config['cleanup.policy'] === undefined)
      .map(topic => showValue(topic.name));
    const which =
      inheriting.length === 0
        ? 'every topic created without its own cleanup.policy'
        : `every topic without its own cleanup.policy (here ${inheriting.slice(0, 3).join(', ')}${inheriting.length > 3 ? `, and ${inheriting.length - 3} more` : ''})`;
    warnings.push({
      path: 'kafka.config["log.cleanup.policy"]',
      message: `${showValue(brokerPolicy)} compacts ${which} and never deletes from them by retention.ms or retention.bytes, and a compacted topic refuses every record without a key ("Compacted topic cannot accept message without key"), so producers of unkeyed records fail there; leave the broker default at delete and set cleanup.policy: compact on the topics that need it`,
    });
  }
  spec.kafka.topics.forEach((topic, index) => {
    const effective = effectivePolicy(topic.config['cleanup.policy'], brokerPolicy);
    if (effective === undefined) return;
    const { policies, from } = effective;
    const path = (key: string) => `kafka.topics[${index}].config[${JSON.stringify(key)}]`;
    if (!policies.has('delete')) {
      for (const key of RETENTION_KEYS) {
        const value = topic.config[key];
        if (value === undefined) continue;
        warnings.push({
          path: path(key),
          message: `${showValue(value)} is never applied: topic ${showValue(topic.name)} is compacted only (by ${from}), and Kafka deletes by retention.ms and retention.bytes only under the delete policy, so the topic keeps the latest record of every key however old; use cleanup.policy: compact,delete to compact and also delete by ${key}, or remove ${key}`,
        });
      }
    }
    if (!policies.has('compact')) {
      for (const key of COMPACTION_KEYS) {
        const value = topic.config[key];
        if (value === undefined) continue;
        warnings.push({
          path: path(key),
          message: `${showValue(value)} is never applied: topic ${showValue(topic.name)} is not compacted (${from}: ${[...policies].join(',')}), and only the log cleaner, which compacts, reads ${key}; add compact to the topic's cleanup.policy if it should be compacted, or remove ${key}`,
        });
      }
    }
  });
  return warnings;
}
