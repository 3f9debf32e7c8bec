/** The free-form Kafka configuration maps (issue #12, reproduction 2 and the rules behind it). */
import { type PlatformSpecInput } from '../../spec';
import { RECORD_BATCH_OVERHEAD_BYTES } from '../../spec/record-size-floors';
import { TIME_INDEX_ENTRY_BYTES } from '../../spec/segment-roll';
import { TIERED_TOPIC_KEYS } from '../../spec/tiered-storage-keys';
import {
  TOPIC_CONFIG_KEYS,
  TOPIC_VALUE_RULES,
  forbiddenBrokerKey,
  removedInKafka4,
} from '../../spec/kafka-config';
import { PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS } from '../../spec/record-timestamps';
import { specInput, specProblems as problemsOf } from '../util/specs';

/** A value Kafka accepts for a topic-level key, from its rule. */
function validValue(key: string): string | number {
  const rule = TOPIC_VALUE_RULES[key];
  if (rule === undefined) throw new Error(`no rule for ${key}`);
  if (rule.type === 'boolean') return 'false';
  if (rule.values !== undefined) return rule.values[0] ?? '';
  if (rule.type === 'list' || rule.type === 'string') return '';
  return rule.min ?? 0;
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
      'kafka.config["default.replication.factor"]: "three" is not a whole number; write a plain whole number such as 2 (no unit, no decimals)',
    ]);
  });

  // Reproduction 5 of issue #12 wrote this value unquoted; it is also no boolean Kafka accepts.
  it('throws when a boolean setting is not true or false', () => {
    expect(problemsOf(withKafka({ config: { 'log.cleaner.enable': 'on' } }))).toEqual([
      'kafka.config["log.cleaner.enable"]: "on" is not a boolean Kafka accepts; write true',
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

  it.each<[string, string | number]>([
    // A valid value of each key: 8 is no cipher suite or protocol name (spec/kafka-tls.ts).
    ['ssl.cipher.suites', 'TLS_AES_256_GCM_SHA384'],
    ['ssl.enabled.protocols', 'TLSv1.3'],
    ['controller.quorum.election.timeout.ms', 8],
    ['sasl.server.max.receive.size', 8],
    ['log.retention.hours', 8],
    ['num.io.threads', 8],
  ])('accepts %s (a Strimzi exception or an ordinary broker key)', (key, value) => {
    expect(forbiddenBrokerKey(key)).toBeUndefined();
    expect(problemsOf(withKafka({ config: { [key]: value } }))).toEqual([]);
  });

  // Keys that look like a typed or forbidden key but differ in case or spaces: Kafka matches keys
  // exactly, so these would be ignored by Kafka and skip every rule keyed on the real name.
  it.each([
    [' listeners', 'listeners'],
    ['Min.Insync.Replicas', 'min.insync.replicas'],
    ['min.insync.replicas ', 'min.insync.replicas'],
    ['Auto.Create.Topics.Enable', 'auto.create.topics.enable'],
    ['default. replication.factor', 'default.replication.factor'],
  ])('throws when a key is spelled %p, naming the exact key', (key, exact) => {
    expect(problemsOf(withKafka({ config: { [key]: 3 } }))).toContain(
      `kafka.config[${JSON.stringify(key)}]: is not a Kafka key as written: Kafka keys are lower-case without spaces and match exactly; write "${exact}"`,
    );
  });

  it('throws on an empty key', () => {
    expect(problemsOf(withKafka({ config: { '': 'x' } }))).toEqual([
      'kafka.config[""]: is an empty key; remove it',
    ]);
  });

  it('checks the type and range of broker defaults of topic keys and of num.partitions', () => {
    expect(
      problemsOf(
        withKafka({
          config: {
            'log.retention.ms': 'abc',
            'num.partitions': 'many',
            'log.cleanup.policy': 'bogus',
            'log.segment.bytes': 100,
            'log.message.timestamp.type': 'Create',
            'log.retention.hours': 168,
          },
        }),
      ).sort(),
    ).toEqual([
      'kafka.config["log.cleanup.policy"]: "bogus" has "bogus", which Kafka does not accept; use compact, delete or both comma-separated',
      'kafka.config["log.message.timestamp.type"]: "Create" is not one of CreateTime, LogAppendTime',
      'kafka.config["log.retention.ms"]: "abc" is not a whole number Kafka accepts; write a plain whole number of at least -1 (no unit, no decimals)',
      'kafka.config["log.segment.bytes"]: 100 is out of range; use a whole number of at least 1048576',
      'kafka.config["num.partitions"]: "many" is not a whole number Kafka accepts; write a plain whole number of at least 1 (no unit, no decimals)',
    ]);
  });

  it('checks the form of numeric broker keys by their names (.ms, .bytes, .threads, num.)', () => {
    expect(
      problemsOf(
        withKafka({
          config: {
            'num.network.threads': '0x10',
            'socket.request.max.bytes': 1.5,
            'group.initial.rebalance.delay.ms': '3s',
            'background.threads': 10,
            'replica.fetch.max.bytes': '1048576',
          },
        }),
      ).sort(),
    ).toEqual([
      'kafka.config["group.initial.rebalance.delay.ms"]: "3s" is not a whole number Kafka accepts; write a plain whole number (no unit, no decimals)',
      'kafka.config["num.network.threads"]: "0x10" is not a whole number Kafka accepts; write a plain whole number of at least 1 (no unit, no decimals)',
      'kafka.config["socket.request.max.bytes"]: 1.5 is not a whole number Kafka accepts; write a plain whole number of at least 1 (no unit, no decimals)',
    ]);
  });

  it('reserves the keys the ACL model depends on', () => {
    for (const key of ['principal.builder.class', 'allow.everyone.if.no.acl.found']) {
      expect(forbiddenBrokerKey(key)?.by).toBe('this platform');
    }
    expect(problemsOf(withKafka({ config: { 'allow.everyone.if.no.acl.found': true } }))).toEqual([
      expect.stringMatching(
        /^kafka\.config\["allow\.everyone\.if\.no\.acl\.found"\]: is reserved by this platform .*open every topic/,
      ),
    ]);
  });

  it('forbids zookeeper.metadata.migration.enable, as Strimzi does', () => {
    expect(forbiddenBrokerKey('zookeeper.metadata.migration.enable')?.by).toBe('Strimzi');
  });
});

describe('kafka.topics[].config', () => {
  function topicProblems(config: Record<string, string | number | boolean>, extra = {}): string[] {
    return problemsOf(withKafka({ topics: [{ name: 'orders', partitions: 3, config, ...extra }] }));
  }

  it('accepts every Kafka 4 topic-level key that does something in Kafka 4', () => {
    // message.downconversion.enable is still in Kafka 4's table but a no-op (round 14); the
    // tiered-storage keys act only with a remote tier, which the platform does not run (round 15).
    // Round 15 floors above Kafka's: a batch header (61 bytes), one time index entry (12 bytes).
    const floors: Record<string, number> = {
      'max.message.bytes': RECORD_BATCH_OVERHEAD_BYTES,
      'segment.index.bytes': TIME_INDEX_ENTRY_BYTES,
      // Round 16: a record older than 0 ms on arrival is every record (record-timestamps.test.ts).
      'message.timestamp.before.max.ms': PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS,
    };
    const config = Object.fromEntries(
      TOPIC_CONFIG_KEYS.filter(
        key =>
          key !== 'unclean.leader.election.enable' &&
          key !== 'min.insync.replicas' &&
          removedInKafka4(key) === undefined &&
          TIERED_TOPIC_KEYS[key] === undefined,
      ).map(key => [key, floors[key] ?? validValue(key)]),
    );
    // flush.ms acts only with a log flusher period (round 15, KAFKA-19151).
    expect(
      problemsOf(
        withKafka({
          config: { 'log.flush.scheduler.interval.ms': 1000 },
          topics: [{ name: 'orders', partitions: 3, config }],
        }),
      ),
    ).toEqual([]);
  });

  it('has a value rule for every topic-level key', () => {
    expect(Object.keys(TOPIC_VALUE_RULES).sort()).toEqual([...TOPIC_CONFIG_KEYS].sort());
  });

  // Values Kafka's ConfigDef refuses: the topic never becomes Ready (or the broker stops).
  it.each([
    [
      'retention.ms',
      'abc',
      /"abc" is not a whole number Kafka accepts; write a plain whole number of at least -1/,
    ],
    ['retention.ms', -2, /-2 is out of range; use a whole number of at least -1/],
    ['retention.ms', 1.5, /1\.5 is not a whole number/],
    ['retention.ms', true, /true is not a whole number/],
    ['max.message.bytes', '1MB', /"1MB" is not a whole number .*no unit/],
    ['segment.bytes', 100, /100 is out of range; use a whole number of at least 1048576/],
    ['segment.bytes', 2 ** 31, /is not a whole number Kafka accepts/],
    ['cleanup.policy', 'bogus', /"bogus", which Kafka does not accept; use compact, delete/],
    ['cleanup.policy', ',', /"", which Kafka does not accept/],
    ['cleanup.policy', 'compact,Delete', /"Delete", which Kafka does not accept/],
    [
      'compression.type',
      'brotli',
      /"brotli" is not one of uncompressed, zstd, lz4, snappy, gzip, producer/,
    ],
    ['message.timestamp.type', 'createtime', /is not one of CreateTime, LogAppendTime/],
    ['min.cleanable.dirty.ratio', 2, /2 is out of range; use a number from 0 to 1/],
    ['compression.gzip.level', 0, /0 is out of range; use a whole number from 1 to 9/],
    ['preallocate', 'yes', /"yes" is not a boolean Kafka accepts/],
  ] as const)('throws when %s is %p', (key, value, message) => {
    const problems = topicProblems({ [key]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `^kafka\\.topics\\[0\\]\\.config\\["${key.replace(/\./g, '\\.')}"\\]: .*${message.source}`,
      ),
    );
  });

  it.each([
    ['cleanup.policy', 'compact, delete'],
    ['cleanup.policy', ''],
    ['retention.ms', '-1'],
    ['retention.ms', ' 604800000 '],
    ['compression.gzip.level', -1],
    ['min.cleanable.dirty.ratio', '0.5'],
    ['retention.bytes', -1],
  ] as const)('accepts %s: %p as Kafka does', (key, value) => {
    expect(topicProblems({ [key]: value })).toEqual([]);
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

  it('throws when the minimum compaction lag is above the maximum, in a topic or the broker defaults', () => {
    expect(
      topicProblems({ 'min.compaction.lag.ms': 5000, 'max.compaction.lag.ms': '1000' }),
    ).toEqual([
      'kafka.topics[0].config["min.compaction.lag.ms"]: 5000 is above max.compaction.lag.ms 1000, which Kafka refuses; lower it or raise max.compaction.lag.ms',
    ]);
    expect(
      problemsOf(
        withKafka({
          config: {
            'log.cleaner.min.compaction.lag.ms': 10,
            'log.cleaner.max.compaction.lag.ms': 5,
          },
        }),
      ),
    ).toEqual([
      'kafka.config["log.cleaner.min.compaction.lag.ms"]: 10 is above log.cleaner.max.compaction.lag.ms 5, which Kafka refuses; lower it or raise log.cleaner.max.compaction.lag.ms',
    ]);
  });

  it('throws when a topic asks for tiered storage, which the brokers do not run', () => {
    expect(topicProblems({ 'remote.storage.enable': 'true' })).toEqual([
      'kafka.topics[0].config["remote.storage.enable"]: "true" needs tiered storage on the brokers, which this platform does not configure, so creating the topic would fail; remove it',
    ]);
    expect(topicProblems({ 'remote.storage.enable': false })).toEqual([]);
  });
});
