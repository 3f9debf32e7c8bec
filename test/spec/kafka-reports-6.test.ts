/**
 * Sixth round of issue #12 (spec validation against public reports), the spec side: a value Kafka
 * accepts that the spec refused. Each report is one test that cites it; the class gets a fast-check
 * property. The transitions of this round are in test/charts/transitions-reports-6.test.ts.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import { mapAreasPerBroker } from '../../spec/map-count';
import { specInput, specProblems } from '../util/specs';

function withTopicConfig(config: Record<string, string | number | boolean>): PlatformSpecInput {
  const base = specInput(3, 1);
  return {
    ...base,
    kafka: { ...base.kafka, topics: [{ name: 'audit.log', partitions: 6, config }] },
  };
}

function withBrokerConfig(config: Record<string, string | number | boolean>): PlatformSpecInput {
  const base = specInput(3, 1);
  return { ...base, kafka: { ...base.kafka, config } };
}

function warningsAbout(input: PlatformSpecInput, key: string): string[] {
  return parseSpec(input)
    .warnings.filter(warning => warning.path.endsWith(`["${key}"]`))
    .map(warning => `${warning.path}: ${warning.message}`);
}

describe('class: a cleanup policy Kafka accepts that the spec refused (false refusal)', () => {
  // apache/kafka#20334 (KAFKA-19112, KIP-1161, Kafka 4.2) made list settings refuse empty lists
  // except where an empty list means something, and kept cleanup.policy's empty list; the upgrade
  // notes of apache/kafka#20492 say it means infinite retention. Every Kafka Strimzi 1.2.0 runs
  // (4.2.0 and later) accepts it, and the spec refused it as an unknown policy.
  it('accepts an empty topic cleanup.policy and warns that it keeps every record (apache/kafka#20334)', () => {
    const input = withTopicConfig({ 'cleanup.policy': '' });
    expect(specProblems(input)).toEqual([]);
    expect(warningsAbout(input, 'cleanup.policy')).toEqual([
      'kafka.topics[0].config["cleanup.policy"]: "" neither deletes nor compacts (an empty list, accepted since Kafka 4.2), so Kafka keeps every record forever, as retention.ms -1 with retention.bytes -1 would, and the partitions grow until the broker volumes fill; set delete (with a retention) or compact, or size kafka.storage.sizeGi for the topic\'s whole history',
    ]);
  });

  it('accepts an empty broker log.cleanup.policy with the same warning for every topic', () => {
    const input = withBrokerConfig({ 'log.cleanup.policy': ' ' });
    expect(specProblems(input)).toEqual([]);
    expect(warningsAbout(input, 'log.cleanup.policy')).toEqual([
      'kafka.config["log.cleanup.policy"]: "" neither deletes nor compacts (an empty list, accepted since Kafka 4.2), so Kafka keeps every record forever, as retention.ms -1 with retention.bytes -1 would, and the partitions grow until the broker volumes fill, for every topic without its own cleanup.policy; set delete (with a retention), or leave the key out for Kafka\'s default delete',
    ]);
  });

  it('counts a topic with an empty policy as kept, not rolled away, in the memory-map estimate', () => {
    // GIVEN a topic rolling a segment every second, which under delete and the default 7-day
    // retention keeps 604,800 segments per partition
    const rolled = (policy: string): number =>
      mapAreasPerBroker(
        parseSpec(withTopicConfig({ 'cleanup.policy': policy, 'segment.ms': 1000 })).spec,
      );
    // THEN delete counts the retention window, while the empty policy (no deletion) counts as
    // unlimited retention does, one segment per replica
    expect(rolled('delete')).toBeGreaterThan(rolled(''));
    expect(rolled('')).toBe(rolled('compact'));
  });

  it('accepts exactly the lists of compact and delete, the empty one included, and warns only for it', () => {
    const policyWord = fc.constantFrom('compact', 'delete', 'Compact', 'purge', '');
    fc.assert(
      fc.property(
        fc.array(policyWord, { maxLength: 3 }),
        fc.constantFrom(',', ', ', ' ,'),
        fc.constantFrom('', ' '),
        (words, separator, pad) => {
          const value = `${pad}${words.join(separator)}${pad}`;
          const input = withTopicConfig({ 'cleanup.policy': value });
          const blank = value.trim() === '';
          const valid = blank || words.every(word => word === 'compact' || word === 'delete');
          expect(specProblems(input).length === 0).toBe(valid);
          if (valid) expect(warningsAbout(input, 'cleanup.policy')).toHaveLength(blank ? 1 : 0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('class: an empty broker list Kafka 4.2 refuses at start', () => {
  const NON_EMPTY = [
    'group.consumer.assignors',
    'group.share.assignors',
    'group.coordinator.rebalance.protocols',
  ] as const;

  // apache/kafka#20334 (KAFKA-19112, KIP-1161, Kafka 4.2): list settings refuse an empty list
  // unless it means something, because an empty list there stopped the server or misbehaved; the
  // group coordinator's assignor and protocol lists are among them, so a broker given one of them
  // empty stops with a ConfigException while the spec accepted it.
  it('throws when group.consumer.assignors is empty (apache/kafka#20334)', () => {
    expect(specProblems(withBrokerConfig({ 'group.consumer.assignors': '' }))).toEqual([
      'kafka.config["group.consumer.assignors"]: "" is an empty list, which Kafka (4.2 and later, KIP-1161) refuses for this key, so the broker would not start; list at least one value, or leave the key out for Kafka\'s default',
    ]);
  });

  it('refuses exactly the blank values of those keys, and no list with a valid item', () => {
    // A valid item per key (round 7 checks the items themselves: kafka-reports-7.test.ts).
    const valid: Record<(typeof NON_EMPTY)[number], readonly string[]> = {
      'group.consumer.assignors': ['uniform', 'range', 'uniform,range'],
      'group.share.assignors': ['simple'],
      'group.coordinator.rebalance.protocols': ['classic', 'classic,consumer'],
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...NON_EMPTY),
        fc.constantFrom('', ' ', 'valid'),
        fc.nat(),
        (key, kind, pick) => {
          const items = valid[key];
          const value = kind === 'valid' ? (items[pick % items.length] ?? '') : kind;
          const problems = specProblems(withBrokerConfig({ [key]: value }));
          expect(problems.length).toBe(value.trim() === '' ? 1 : 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
