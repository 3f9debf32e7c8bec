/** The free-form Kafka configuration maps (issue #12, reproduction 2 and the rules behind it). */
import { SpecError, parseSpec, type PlatformSpecInput } from '../../spec';
import { TOPIC_CONFIG_KEYS, forbiddenBrokerKey } from '../../spec/kafka-config';
import { specInput } from '../util/specs';

function problemsOf(input: PlatformSpecInput): string[] {
  try {
    parseSpec(input);
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map(i => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

function withKafka(kafka: Partial<PlatformSpecInput['kafka']>): PlatformSpecInput {
  const base = specInput(3, 1);
  return { ...base, kafka: { ...base.kafka, ...kafka } };
}

describe('kafka.config', () => {
  // Reproduction 2: the free-form keys bypassed the rules the typed keys go through.
  it('throws when replication keys set in kafka.config break the replication rules', () => {
    const problems = problemsOf(
      withKafka({
        config: {
          'offsets.topic.replication.factor': 5,
          'min.insync.replicas': 3,
          'default.replication.factor': 1,
        },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'kafka.config["offsets.topic.replication.factor"]: 5 is more than the 3 brokers; use at most 3',
        'kafka.config["default.replication.factor"]: 1 loses data when one broker fails; use 3 (or set kafka.allowReplicationFactorOne: true for throwaway data)',
        'kafka.config["min.insync.replicas"]: 3 is not below the replication factor 1 (kafka.config["default.replication.factor"]), so any broker restart stops producers; raise the replication factor first',
      ]),
    );
  });

  it('throws for min.insync.replicas in kafka.config exactly as for kafka.minInSyncReplicas', () => {
    expect(problemsOf(withKafka({ minInSyncReplicas: 3 }))).toContain(
      'kafka.minInSyncReplicas: 3 is not below the replication factor 3, so any broker restart stops producers; use 2',
    );
    expect(problemsOf(withKafka({ config: { 'min.insync.replicas': '3' } }))).toEqual([
      'kafka.config["min.insync.replicas"]: 3 is not below the replication factor 3 (kafka.replicationFactor), so any broker restart stops producers; use 2',
    ]);
  });

  it('throws when the transaction log ISR is not below its replication factor', () => {
    expect(
      problemsOf(
        withKafka({
          config: {
            'transaction.state.log.replication.factor': 2,
            'transaction.state.log.min.isr': 2,
          },
        }),
      ),
    ).toEqual([
      'kafka.config["transaction.state.log.min.isr"]: 2 is not below the replication factor 2 (kafka.config["transaction.state.log.replication.factor"]), so any broker restart stops producers; use 1',
    ]);
  });

  it('throws when the offsets topic replication factor is not above min.insync.replicas', () => {
    expect(problemsOf(withKafka({ config: { 'offsets.topic.replication.factor': 2 } }))).toEqual([
      'kafka.config["offsets.topic.replication.factor"]: 2 is not above min.insync.replicas 2, so consumer offset commits stop whenever a broker restarts; use 3',
    ]);
  });

  it('throws when a replication key is not a whole number', () => {
    expect(problemsOf(withKafka({ config: { 'default.replication.factor': 'three' } }))).toEqual([
      'kafka.config["default.replication.factor"]: "three" is not a whole number',
    ]);
  });

  // Reproduction 5 of issue #12 wrote this value unquoted; it is also no boolean Kafka accepts.
  it('throws when a boolean setting is not true or false', () => {
    expect(problemsOf(withKafka({ config: { 'log.cleaner.enable': 'on' } }))).toEqual([
      'kafka.config["log.cleaner.enable"]: "on" is not a boolean Kafka accepts; write true or false',
    ]);
    expect(problemsOf(withKafka({ config: { 'log.cleaner.enable': 'TRUE' } }))).toEqual([]);
    expect(
      problemsOf(
        withKafka({ topics: [{ name: 't', partitions: 1, config: { preallocate: 'yes' } }] }),
      ),
    ).toEqual([
      'kafka.topics[0].config["preallocate"]: "yes" is not a boolean Kafka accepts; write true or false',
    ]);
  });

  it('throws when auto topic creation or unclean leader election is turned on', () => {
    const problems = problemsOf(
      withKafka({
        config: { 'auto.create.topics.enable': 'true', 'unclean.leader.election.enable': true },
      }),
    );
    expect(problems).toEqual([
      'kafka.config["auto.create.topics.enable"]: "true" creates topics on first use with broker defaults and no KafkaTopic resource, outside the spec; declare them in kafka.topics',
      'kafka.config["unclean.leader.election.enable"]: true lets an out-of-sync replica become leader and silently drop acknowledged writes; keep it false',
    ]);
  });

  it.each([
    ['listeners', 'kafka.external (this platform builds the listeners)'],
    ['advertised.listeners', 'kafka.external'],
    ['ssl.keystore.location', 'kafka.external.authentication'],
    ['sasl.enabled.mechanisms', 'kafka.external.authentication'],
    ['node.id', 'kafka.brokers and kafka.controllers'],
    ['process.roles', 'kafka.brokers and kafka.controllers'],
    ['broker.rack', 'kafka.brokers and kafka.controllers'],
    ['controller.quorum.voters', 'kafka.controllers'],
    ['log.dirs', 'kafka.storage'],
    ['authorizer.class.name', 'simple authorization is always on'],
    ['config.providers', 'config providers'],
    ['metric.reporters', 'metricsConfig'],
  ])('throws when kafka.config sets the reserved key %s, naming %s', (key, instead) => {
    const problems = problemsOf(withKafka({ config: { [key]: 'x' } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^kafka\\.config\\["${key.replace(/\./g, '\\.')}"\\]: is reserved by`),
    );
    expect(problems[0]).toContain(instead);
  });

  it.each([
    'ssl.cipher.suites',
    'ssl.enabled.protocols',
    'controller.quorum.election.timeout.ms',
    'sasl.server.max.receive.size',
    'log.retention.hours',
    'num.io.threads',
  ])('accepts %s (a Strimzi exception or an ordinary broker key)', key => {
    expect(forbiddenBrokerKey(key)).toBeUndefined();
    expect(problemsOf(withKafka({ config: { [key]: 8 } }))).toEqual([]);
  });
});

describe('kafka.topics[].config', () => {
  function topicProblems(config: Record<string, string | number | boolean>, extra = {}): string[] {
    return problemsOf(withKafka({ topics: [{ name: 'orders', partitions: 3, config, ...extra }] }));
  }

  it('accepts every Kafka 4 topic-level key', () => {
    const config = Object.fromEntries(
      TOPIC_CONFIG_KEYS.filter(
        key => key !== 'unclean.leader.election.enable' && key !== 'min.insync.replicas',
      ).map(key => [key, /\.(enable|disable)$|^preallocate$/.test(key) ? 'true' : 'x']),
    );
    expect(topicProblems(config)).toEqual([]);
  });

  it('throws when a key is broker-only, naming the topic-level key', () => {
    expect(topicProblems({ 'log.retention.ms': 1000 })).toEqual([
      'kafka.topics[0].config["log.retention.ms"]: is a broker setting, not a topic one; the topic-level key is "retention.ms" (mind its unit)',
    ]);
    expect(topicProblems({ 'num.io.threads': 8 })).toEqual([
      'kafka.topics[0].config["num.io.threads"]: is a broker setting, not a topic one; set it in kafka.config',
    ]);
  });

  it('throws when a key is unknown, suggesting a near match', () => {
    expect(topicProblems({ 'retention.msec': 1000 })[0]).toMatch(
      /^kafka\.topics\[0\]\.config\["retention\.msec"\]: is not a Kafka topic configuration key; did you mean "retention\.ms"\?/,
    );
  });

  it('throws when replication is set in config instead of the typed field', () => {
    expect(topicProblems({ 'replication.factor': 3 })).toEqual([
      'kafka.topics[0].config["replication.factor"]: is not a topic configuration key; use kafka.topics[0].replicationFactor',
    ]);
  });

  it('runs min.insync.replicas in topic config through the replication rule', () => {
    expect(topicProblems({ 'min.insync.replicas': 3 })).toEqual([
      'kafka.topics[0].config["min.insync.replicas"]: 3 is not below the replication factor 3 (kafka.replicationFactor), so any broker restart stops producers; use 2',
    ]);
    expect(topicProblems({ 'min.insync.replicas': 1 }, { minInSyncReplicas: 2 })).toEqual([
      'kafka.topics[0].config["min.insync.replicas"]: 1 contradicts kafka.topics[0].minInSyncReplicas 2; set it once, in minInSyncReplicas',
    ]);
  });
});
