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

  // Red Hat Streams for Apache Kafka 3.0 release notes: auto.include.jmx.reporter was removed in
  // Kafka 4.0 (KIP-830); it was only an unknown-key warning here.
  it('throws when kafka.config sets auto.include.jmx.reporter (removed in Kafka 4.0)', () => {
    expect(brokerProblems('auto.include.jmx.reporter', false)).toEqual([
      'kafka.config["auto.include.jmx.reporter"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: Kafka 4 runs the JMX reporter only as a metric.reporters entry, and the platform keeps metric.reporters for its own metrics (monitoring)',
    ]);
  });

  it('reports the topic key in kafka.config once, as doing nothing (not as a key to move)', () => {
    expect(brokerProblems('message.downconversion.enable', false)).toEqual([
      'kafka.config["message.downconversion.enable"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: Kafka 4 never converts records to the old message formats, so consumers that need them (Kafka clients before 0.11) cannot read from it at all',
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

describe('class: min.insync.replicas above the replicas one zone outage leaves', () => {
  // strimzi/strimzi-kafka-operator#10297: fewer zones than replicas, chosen to survive a zone
  // outage. Some zone holds at least ceil(RF / zones) replicas of every partition (pigeonhole),
  // so with 3 zones, replication factor 4 and min ISR 3 one zone outage leaves 2 in-sync replicas
  // and acks=all producers stop, although the KRaft controllers (one per zone) keep a quorum.
  function withReplication(
    zones: number,
    brokersPerZone: number,
    replicationFactor: number,
    minInSyncReplicas: number,
  ): string[] {
    const base = specInput(zones, brokersPerZone);
    return specProblems({
      ...base,
      kafka: { ...base.kafka, replicationFactor, minInSyncReplicas, topics: [] },
    }).filter(problem => problem.startsWith('kafka.minInSyncReplicas'));
  }

  it('throws when 3 zones carry replication factor 4 with min ISR 3', () => {
    expect(withReplication(3, 2, 4, 3)).toEqual([
      'kafka.minInSyncReplicas: 3 is more than the 2 replicas left when one zone fails: a replication factor of 4 over 3 zones puts at least 2 replicas of each partition in one zone, so producers with acks=all stop while that zone is down, although the KRaft quorum and the other zones keep running; use at most 2, or a replication factor of 5 (with as many brokers)',
    ]);
  });

  it('checks a topic, and kafka.config min.insync.replicas, the same way', () => {
    const base = specInput(3, 2);
    const problems = specProblems({
      ...base,
      kafka: {
        ...base.kafka,
        config: { 'default.replication.factor': 4, 'min.insync.replicas': 3 },
        topics: [{ name: 'orders', partitions: 6, replicationFactor: 5, minInSyncReplicas: 4 }],
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kafka\.config\["min\.insync\.replicas"\]: 3 is more than the 2/),
        expect.stringMatching(/^kafka\.topics\[0\]\.minInSyncReplicas: 4 is more than the 3/),
      ]),
    );
  });

  it('property: refused exactly when min ISR > RF - ceil(RF / zones), with 3 or more zones', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 7 }),
        (zones, replicationFactor, minInSyncReplicas) => {
          fc.pre(minInSyncReplicas < replicationFactor);
          const problems = withReplication(zones, 8, replicationFactor, minInSyncReplicas);
          const outage =
            zones >= 3 &&
            minInSyncReplicas > replicationFactor - Math.ceil(replicationFactor / zones);
          expect(problems).toHaveLength(outage ? 1 : 0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('leaves 2-zone platforms alone: one zone there always holds a controller majority', () => {
    expect(withReplication(2, 2, 3, 2)).toEqual([]);
  });
});
