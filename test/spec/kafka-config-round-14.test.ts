/**
 * Round 14: the classes of `spec/kafka-config.ts` (the free-form configuration maps) that passed
 * validation before. Each class has a `throws when` test with the message and a fast-check property
 * over the class; the CLI refusal is in strimzi-reports-cli.test.ts. The round 14 classes of
 * `spec/kafka-broker-formats.ts` are in kafka-broker-formats.test.ts.
 */
import fc from 'fast-check';
import {
  SECRET_BROKER_KEYS,
  SWITCHED_OFF_BY_ZERO,
  TOPIC_CONFIG_KEYS,
  removedInKafka4,
} from '../../spec/kafka-config';
import { KAFKA_BROKER_KEYS } from '../../spec/kafka-broker-keys';
import { kafkaConfigProblems, specInput, specProblems } from '../util/specs';

/** The problems at one key of kafka.config on a 3-zone, 1-broker-a-zone spec. */
function brokerProblems(key: string, value: string | number | boolean): string[] {
  return kafkaConfigProblems({ [key]: value }).filter(problem =>
    problem.startsWith(`kafka.config[${JSON.stringify(key)}]`),
  );
}

/** The problems of one topic with this config. */
function topicProblems(config: Record<string, string | number | boolean>): string[] {
  const base = specInput(3, 1);
  return specProblems({
    ...base,
    kafka: { ...base.kafka, topics: [{ name: 'events', partitions: 12, config }] },
  }).filter(problem => problem.startsWith('kafka.topics[0]'));
}

describe('class: a key Kafka 4 still lists but ignores (down-conversion, KIP-724)', () => {
  // Kafka 4.1-4.3 TopicConfig javadoc: down-conversion is not possible in Kafka 4.0 and newer,
  // so message.downconversion.enable is a no-op, deprecated for removal in 5.0. The topic key is
  // still in Kafka's topic table, which is why the topic check let it through.
  it('throws when a topic sets message.downconversion.enable (a no-op in Kafka 4)', () => {
    expect(topicProblems({ 'message.downconversion.enable': false })).toEqual([
      'kafka.topics[0].config["message.downconversion.enable"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: Kafka 4 never converts records to the old message formats, so consumers that need them (Kafka clients before 0.11) cannot read from it at all',
    ]);
  });

  it('throws when kafka.config sets log.message.downconversion.enable', () => {
    expect(brokerProblems('log.message.downconversion.enable', true)).toEqual([
      'kafka.config["log.message.downconversion.enable"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: Kafka 4 never converts records to the old message formats, so consumers that need them (Kafka clients before 0.11) cannot read from it at all',
    ]);
  });

  it('property: every no-op key in the topic table is refused whatever its value', () => {
    const noOps = TOPIC_CONFIG_KEYS.filter(key => removedInKafka4(key) !== undefined);
    expect(noOps).toEqual(['message.downconversion.enable']);
    fc.assert(
      fc.property(
        fc.constantFrom(...noOps),
        fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'TRUE')),
        (key, value) => {
          const problems = topicProblems({ [key]: value });
          expect(problems.filter(problem => problem.includes('was removed from Kafka 4'))).toEqual([
            expect.stringContaining(`config[${JSON.stringify(key)}]`),
          ]);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('class: a count of 0 that switches off what a kept broker switch protects', () => {
  // Kafka's static range for log.cleaner.threads is at least 0, so 0 starts the broker with no
  // cleaner thread: nothing is compacted, as with log.cleaner.enable: false (refused). Kafka
  // refuses fewer than 1 thread only at run time (LogCleaner.validateReconfiguration, "Log
  // cleaner threads should be at least 1").
  it('throws when log.cleaner.threads is 0 (no compaction, __consumer_offsets grows)', () => {
    expect(brokerProblems('log.cleaner.threads', 0)).toEqual([
      'kafka.config["log.cleaner.threads"]: 0 starts no log cleaner thread, so no compacted topic is ever compacted, Kafka\'s own __consumer_offsets included, and they grow until the disk fills (as with log.cleaner.enable: false, which is refused; Kafka refuses 0 threads only when the count changes at run time); use at least 1 (Kafka\'s default is 1), or leave log.cleaner.threads out',
    ]);
  });

  it('property: 0 in any written form is refused, and every positive count passes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(SWITCHED_OFF_BY_ZERO)),
        fc.constantFrom<string | number>(0, '0', ' 0', '00'),
        fc.integer({ min: 1, max: 64 }),
        (key, zero, count) => {
          expect(brokerProblems(key, zero)).toHaveLength(1);
          expect(brokerProblems(key, count)).toEqual([]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('names a switch that is itself refused when turned off', () => {
    for (const { switch: name } of Object.values(SWITCHED_OFF_BY_ZERO)) {
      expect(brokerProblems(name, false)).toHaveLength(1);
    }
  });
});

describe('class: a secret written into kafka.config (plain text in the Kafka resource)', () => {
  // Kafka types delegation.token.secret.key PASSWORD; kafka.config is plain text in the Kafka
  // resource, the synth output and Strimzi's ConfigMaps, and setting the key turns delegation
  // tokens on. delegation.token.master.key is the older name of the same secret.
  it('throws when kafka.config sets delegation.token.secret.key', () => {
    expect(brokerProblems('delegation.token.secret.key', 'c2VjcmV0')).toEqual([
      'kafka.config["delegation.token.secret.key"]: holds a secret, but kafka.config is written in plain text into the Kafka resource (and the GitOps repository) and into the brokers\' ConfigMaps, where anyone who can read them has it; it would also turn on delegation tokens, which any authenticated client can then create and which Strimzi\'s KafkaUser resources neither list nor revoke; remove it (this platform does not use delegation tokens)',
    ]);
  });

  it("covers every PASSWORD key of Kafka's broker table and the old name", () => {
    const passwords = Object.entries(KAFKA_BROKER_KEYS)
      .filter(([, facts]) => facts.type === 'password')
      .map(([key]) => key);
    expect(SECRET_BROKER_KEYS).toEqual([...passwords, 'delegation.token.master.key']);
  });

  it('property: any value of any secret key is refused, once', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SECRET_BROKER_KEYS),
        fc.stringMatching(/^[A-Za-z0-9+/=]{1,40}$/),
        (key, secret) => {
          const problems = brokerProblems(key, secret);
          expect(problems.filter(problem => problem.includes('holds a secret'))).toHaveLength(1);
        },
      ),
      { numRuns: 30 },
    );
  });
});
