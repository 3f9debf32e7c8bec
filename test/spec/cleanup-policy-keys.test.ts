/**
 * Round 16: topic settings the topic's cleanup policy never reads (spec/cleanup-policy-keys.ts):
 * retention on a compact-only topic, compaction settings on a delete-only topic, and a
 * compact-only broker default policy (unkeyed records refused). All warnings; the CLI case is in
 * strimzi-reports-16-cli.test.ts.
 */
import fc from 'fast-check';
import { COMPACTION_KEYS, RETENTION_KEYS } from '../../spec/cleanup-policy-keys';
import { parseSpec } from '../../spec/load';
import { specProblems, specWithBrokerAndTopic } from '../util/specs';

type Config = Record<string, string | number>;

const input = specWithBrokerAndTopic;

/** This class's warnings among everything validation warns about (as `kafka-eks synth` prints). */
function warnings(broker: Config, topic: Config = {}): string[] {
  return parseSpec(input(broker, topic))
    .warnings.map(w => `${w.path}: ${w.message}`)
    .filter(w => w.includes('is never applied') || w.includes('compacts every topic'));
}

/** A value each key accepts (a duration, a size or a ratio), so only the policy rule speaks. */
const VALUES: Record<string, number> = {
  'retention.ms': 86400000,
  'retention.bytes': 1073741824,
  'min.compaction.lag.ms': 60000,
  'max.compaction.lag.ms': 86400000,
  'min.cleanable.dirty.ratio': 0.3,
  'delete.retention.ms': 86400000,
};

describe('round 16, class: a topic setting its cleanup policy never reads', () => {
  it('warns on retention.ms of a compact-only topic', () => {
    expect(warnings({}, { 'cleanup.policy': 'compact', 'retention.ms': 86400000 })).toEqual([
      'kafka.topics[0].config["retention.ms"]: 86400000 is never applied: topic "events" is compacted only (by its own cleanup.policy), and Kafka deletes by retention.ms and retention.bytes only under the delete policy, so the topic keeps the latest record of every key however old; use cleanup.policy: compact,delete to compact and also delete by retention.ms, or remove retention.ms',
    ]);
  });

  it('warns on a compact-only broker default (unkeyed records refused) and on what it voids', () => {
    const found = warnings({ 'log.cleanup.policy': 'compact' }, { 'retention.bytes': 1073741824 });
    expect(found).toHaveLength(2);
    expect(found[0]).toContain(
      'kafka.config["log.cleanup.policy"]: "compact" compacts every topic',
    );
    expect(found[0]).toContain('Compacted topic cannot accept message without key');
    expect(found[1]).toContain('by the broker default kafka.config["log.cleanup.policy"]');
  });

  it('property: a key is warned exactly when the effective policy lacks what reads it', () => {
    const policy = fc.constantFrom<string | undefined>(
      undefined,
      'delete',
      'compact',
      'compact,delete',
      'delete, compact',
    );
    const keys = fc.subarray([...RETENTION_KEYS, ...COMPACTION_KEYS], { minLength: 1 });
    fc.assert(
      fc.property(policy, policy, keys, (topicPolicy, brokerPolicy, chosen) => {
        const broker: Config =
          brokerPolicy === undefined ? {} : { 'log.cleanup.policy': brokerPolicy };
        const topic: Config = Object.fromEntries(chosen.map(key => [key, VALUES[key]]));
        if (topicPolicy !== undefined) topic['cleanup.policy'] = topicPolicy;
        const effective = (topicPolicy ?? brokerPolicy ?? 'delete').split(',').map(p => p.trim());
        const expected = chosen.filter(key =>
          (RETENTION_KEYS as readonly string[]).includes(key)
            ? !effective.includes('delete')
            : !effective.includes('compact'),
        );
        const brokerCompactOnly = brokerPolicy !== undefined && !brokerPolicy.includes('delete');
        const found = warnings(broker, topic);
        expect(found.filter(w => w.startsWith('kafka.topics[0]'))).toEqual(
          expected.map(key => expect.stringContaining(`kafka.topics[0].config["${key}"]`)),
        );
        expect(found.filter(w => w.startsWith('kafka.config')).length).toBe(
          brokerCompactOnly ? 1 : 0,
        );
        // Warnings only: the spec is still valid.
        expect(specProblems(input(broker, topic))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
