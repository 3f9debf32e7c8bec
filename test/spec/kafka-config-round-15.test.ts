/**
 * Round 15: the classes of `spec/kafka-config.ts` that passed validation before. ZooKeeper-era and
 * Kafka 3.0-removed broker keys joined the removed-key class (they were only unknown-key warnings).
 * The CLI refusal is in strimzi-reports-15-cli.test.ts.
 */
import fc from 'fast-check';
import { removedInKafka4 } from '../../spec/kafka-config';
import { KAFKA_4_BROKER_KEY_NAMES } from '../../spec/kafka-broker-key-names';
import { parseSpec } from '../../spec/load';
import { kafkaConfigProblems, specInput } from '../util/specs';

/** Round 15's removed keys, each with the Kafka change that removed it. */
const ROUND_15_REMOVED = {
  'controlled.shutdown.max.retries': 'KAFKA-18417',
  'controlled.shutdown.retry.backoff.ms': 'KAFKA-18417',
  'leader.imbalance.per.broker.percentage': 'KAFKA-18743',
  'control.plane.listener.name': 'KAFKA-18353',
  'reserved.broker.max.id': 'KAFKA-18383',
  'quota.producer.default': 'KAFKA-12591',
  'quota.consumer.default': 'KAFKA-12591',
} as const;

describe('round 15, class: a broker key Kafka 4 no longer has (ZooKeeper-era or removed in 3.0)', () => {
  it('throws when kafka.config sets leader.imbalance.per.broker.percentage (KRaft ignores it)', () => {
    expect(
      kafkaConfigProblems({ 'leader.imbalance.per.broker.percentage': 5 }).filter(p =>
        p.startsWith('kafka.config["leader.imbalance.per.broker.percentage"]'),
      ),
    ).toEqual([
      'kafka.config["leader.imbalance.per.broker.percentage"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: with auto.leader.rebalance.enable the KRaft controller moves any leader back to its preferred replica at each check (leader.imbalance.check.interval.seconds), whatever the share (KAFKA-18743, apache/kafka#18821)',
    ]);
  });

  it("none of them is in Kafka 4.3's broker table (so Kafka logs and ignores each)", () => {
    for (const key of Object.keys(ROUND_15_REMOVED)) {
      expect(KAFKA_4_BROKER_KEY_NAMES).not.toContain(key);
    }
  });

  it('property: each is refused once, names its Kafka change, and is not also a warning', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(ROUND_15_REMOVED) as Array<keyof typeof ROUND_15_REMOVED>)),
        fc.oneof(fc.integer({ min: 0, max: 100000 }), fc.constantFrom('x', 'true')),
        fc.constantFrom('kafka.config', 'topic'),
        (key, value, where) => {
          expect(removedInKafka4(key)).toContain(ROUND_15_REMOVED[key]);
          const base = specInput(3, 1);
          const input =
            where === 'kafka.config'
              ? { ...base, kafka: { ...base.kafka, config: { [key]: value } } }
              : {
                  ...base,
                  kafka: {
                    ...base.kafka,
                    topics: [{ name: 'events', partitions: 12, config: { [key]: value } }],
                  },
                };
          let problems: string[] = [];
          try {
            parseSpec(input);
          } catch (error) {
            problems = (error as { issues: Array<{ path: string; message: string }> }).issues
              .filter(i => i.path.includes(JSON.stringify(key)))
              .map(i => i.message);
          }
          expect(problems).toEqual([expect.stringContaining('was removed from Kafka 4')]);
        },
      ),
      { numRuns: 30 },
    );
  });
});
