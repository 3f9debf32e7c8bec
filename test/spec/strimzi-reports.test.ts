/**
 * Public Strimzi bug reports whose configuration the spec could produce, each turned into the class
 * of configuration behind it. Every class is rejected with the field, the value and the fix; each
 * report is one test, and a property test covers the class where one fits.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import {
  TOPIC_CONFIG_KEYS,
  brokerKeyOfTopicKey,
  SWITCHED_OFF_BY_ZERO,
  forbiddenBrokerKey,
  removedInKafka4,
  isClassKey,
  misspeltBrokerKey,
} from '../../spec/kafka-config';
import {
  CHECKPOINT_PERIODS,
  INTERNAL_TOPIC_SEGMENT_KEYS,
  MIN_TOPIC_SEGMENT_BYTES,
  POSITIVE_LIFECYCLE_TIMEOUTS,
} from '../../spec/kafka-broker-formats';
import { KAFKA_BROKER_KEYS } from '../../spec/kafka-broker-keys';
import { ORDERING_DEFAULTS } from '../../spec/kafka-broker-orderings';
import { CLASSIC_SESSION_DEFAULTS } from '../../spec/classic-group-session';
import { RECORD_BATCH_OVERHEAD_BYTES } from '../../spec/record-size-floors';
import { TIME_INDEX_ENTRY_BYTES } from '../../spec/segment-roll';
import { TIERED_BROKER_RETENTION_KEYS } from '../../spec/tiered-storage-keys';
import {
  KAFKA_VERSIONS_STRIMZI_RELEASE,
  SUPPORTED_KAFKA_VERSIONS,
} from '../../spec/kafka-versions';
import { STRIMZI_OPERATOR_CHART } from '../../charts/operators/versions';
import { NODE_ID_BLOCK, derivePlatform, podAllocatable } from '../../spec/derive';
import { instanceTypeFacts } from '../../spec/instance-types';
import { brokerConfig } from '../../charts/kafka/kafka-spec';
import { PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS } from '../../spec/record-timestamps';
import { specInput, specProblems as problemsOf } from '../util/specs';

function withKafka(kafka: Partial<PlatformSpecInput['kafka']>): PlatformSpecInput {
  const base = specInput(3, 1);
  return { ...base, kafka: { ...base.kafka, ...kafka } };
}

/** Topic-level keys whose broker default has the very same name (Kafka ServerTopicConfigSynonyms). */
const SAME_NAME = [
  'compression.type',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.zstd.level',
  'min.insync.replicas',
  'unclean.leader.election.enable',
];

describe('class: a topic-level key in the broker map is ignored by the broker', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/11063: segment.ms and retention.ms in
  // spec.kafka.config reached the broker's properties file, and the topics kept Kafka's defaults.
  it('throws when kafka.config holds segment.ms and retention.ms (strimzi#11063)', () => {
    expect(
      problemsOf(withKafka({ config: { 'retention.ms': 7200000, 'segment.ms': 3600000 } })),
    ).toEqual([
      'kafka.config["retention.ms"]: is a topic-level key, which the broker ignores in its own configuration (strimzi-kafka-operator#11063); the broker-wide default is "log.retention.ms" (mind its unit), or set it per topic in kafka.topics[].config',
      'kafka.config["segment.ms"]: is a topic-level key, which the broker ignores in its own configuration (strimzi-kafka-operator#11063); the broker-wide default is "log.roll.ms" (mind its unit), or set it per topic in kafka.topics[].config',
    ]);
  });

  it('throws when kafka.config holds a topic key that has no broker default', () => {
    expect(problemsOf(withKafka({ config: { 'remote.log.copy.disable': false } }))).toEqual([
      'kafka.config["remote.log.copy.disable"]: is a topic-level key with no broker-wide default, so the broker ignores it here (strimzi-kafka-operator#11063); set it per topic in kafka.topics[].config',
    ]);
  });

  it('accepts the broker keys that are the defaults of those topic keys', () => {
    expect(
      problemsOf(withKafka({ config: { 'log.retention.ms': 7200000, 'log.roll.ms': 3600000 } })),
    ).toEqual([]);
  });

  it('rejects every topic-level key except the same-name ones, and names its broker key', () => {
    // Keys Kafka 4 ignores everywhere are reported as removed instead (kafka-config-round-14).
    const topicOnly = TOPIC_CONFIG_KEYS.filter(
      key => !SAME_NAME.includes(key) && removedInKafka4(key) === undefined,
    );
    fc.assert(
      fc.property(fc.constantFrom(...topicOnly), key => {
        const problems = problemsOf(withKafka({ config: { [key]: '1' } }));
        const broker = brokerKeyOfTopicKey(key);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain(`kafka.config[${JSON.stringify(key)}]: is a topic-level key`);
        if (broker !== undefined) expect(problems[0]).toContain(`"${broker}"`);
      }),
      { numRuns: topicOnly.length * 2 },
    );
  });

  it.each(SAME_NAME.filter(key => key !== 'min.insync.replicas'))(
    'accepts %s, which the broker reads under the same name',
    key => {
      const value = key.endsWith('.enable') ? false : key === 'compression.type' ? 'zstd' : 3;
      expect(problemsOf(withKafka({ config: { [key]: value } }))).toEqual([]);
    },
  );
});

describe('class: a Kafka version the pinned Strimzi does not run', () => {
  // https://github.com/a2aproject/a2a-java/issues/716 (4.0.0), https://github.com/GreptimeTeam/docs/pull/1399
  // (3.7.0), https://github.com/zacheryph/k8s-gitops/pull/3396 (4.1.0): the CRD took the version and
  // the Kafka resource stayed NotReady with UnsupportedKafkaVersionException.
  it.each(['4.0.0', '4.1.0', '3.7.0', '4.9.9'])('throws when kafka.version is %s', version => {
    expect(problemsOf(withKafka({ version }))).toEqual([
      `kafka.version: "${version}" is not a Kafka version Strimzi 1.2.0 runs, so the Kafka resource would stay NotReady (UnsupportedKafkaVersionException) and no broker would start; use one of 4.2.0, 4.2.1, 4.3.0, 4.3.1`,
    ]);
  });

  it('accepts exactly the supported versions, and the default is the newest', () => {
    for (const version of SUPPORTED_KAFKA_VERSIONS) {
      expect(problemsOf(withKafka({ version }))).toEqual([]);
    }
    expect(parseSpec(specInput(3, 1)).spec.kafka.version).toBe(SUPPORTED_KAFKA_VERSIONS.at(-1));
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .tuple(fc.nat(9), fc.nat(20), fc.nat(20))
            .map(([major, minor, patch]) => `${major}.${minor}.${patch}`),
          fc.string(),
        ),
        version => {
          const problems = problemsOf(withKafka({ version }));
          expect(problems.length === 0).toBe(SUPPORTED_KAFKA_VERSIONS.includes(version));
        },
      ),
    );
  });

  it('belongs to the Strimzi release the platform installs (re-check the list on a bump)', () => {
    expect(KAFKA_VERSIONS_STRIMZI_RELEASE).toBe(STRIMZI_OPERATOR_CHART.version);
  });
});

describe('class: more brokers in a zone than its node-ID range holds', () => {
  // The pools' strimzi.io/next-node-ids ranges are a hint: when a range is used up, Strimzi takes
  // the next free ID elsewhere (strimzi-kafka-operator#8759, proposal 050), as it also numbers
  // pools without ranges in no fixed order (strimzi-kafka-operator#9705).
  function nodeIdProblems(zoneCount: number, brokersPerZone: number): string[] {
    const base = specInput(zoneCount, 1);
    return problemsOf({
      ...base,
      kafka: { ...base.kafka, brokers: zoneCount * brokersPerZone },
      nodes: { kafka: { instanceType: 'm6i.4xlarge', minPerZone: 1, maxPerZone: 1 } },
    }).filter(problem => problem.includes('node IDs'));
  }

  it('throws when a zone would hold 1001 brokers', () => {
    expect(nodeIdProblems(3, 1001)).toEqual([
      "kafka.brokers: 3003 brokers put 1001 in each zone, more than the 1000 node IDs of a zone's pool ([1000-1999] for the first zone, strimzi.io/next-node-ids); Strimzi then takes free IDs from other ranges, so a broker's ID no longer tells its zone and the per-broker NLB and zone mapping go wrong; use at most 3000",
    ]);
  });

  it('accepts a spec exactly when every zone fits its range, and accepted ranges are disjoint', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 990, max: 1010 }),
        (zones, perZone) => {
          expect(nodeIdProblems(zones, perZone).length > 0).toBe(perZone > NODE_ID_BLOCK);
        },
      ),
      { numRuns: 40 },
    );
    const plan = derivePlatform(parseSpec(specInput(6, 12)).spec);
    const ids = [plan.controllerNodeIdRange, ...plan.zones.map(zone => zone.nodeIdRange)];
    ids.forEach((range, index) =>
      ids.slice(index + 1).forEach(other => expect(range.last < other.first).toBe(true)),
    );
  });
});

describe('class: a KRaft controller request no node can give, or too small to run', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/6203: an impossible memory request
  // leaves the pods Pending; https://github.com/strimzi/strimzi-kafka-operator/issues/3727: too
  // little memory stops Kafka at start with OutOfMemoryError.
  function controllerProblems(
    controllerResources: PlatformSpecInput['kafka']['controllerResources'],
    systemInstanceType = 'm6i.large',
  ): string[] {
    const base = specInput(3, 1);
    return problemsOf({
      ...base,
      kafka: { ...base.kafka, controllerResources },
      nodes: { ...base.nodes, system: { instanceType: systemInstanceType } },
    });
  }

  it('throws when a controller asks for more memory or CPU than a system node offers', () => {
    expect(controllerProblems({ memoryGi: 6, cpuMillis: 1500 })).toEqual([
      'kafka.controllerResources.memoryGi: 6 GiB can never be scheduled: a m6i.large system node offers pods 5.80 GiB and 1400 millicores; the KRaft controllers would stay Pending and the cluster would never start; lower it or use a larger nodes.system.instanceType',
      'kafka.controllerResources.cpuMillis: 1500 millicores can never be scheduled: a m6i.large system node offers pods 5.80 GiB and 1400 millicores; the KRaft controllers would stay Pending and the cluster would never start; lower it or use a larger nodes.system.instanceType',
    ]);
    expect(controllerProblems({ memoryGi: 6, cpuMillis: 1500 }, 'm6i.xlarge')).toEqual([]);
  });

  it('throws when a controller gets less than every Kafka pod gets', () => {
    expect(controllerProblems({ memoryGi: 0.25, cpuMillis: 10 })).toEqual([
      'kafka.controllerResources.memoryGi: 0.25 GiB is below the 1 GiB every Kafka pod gets (it is also the limit, and a Kafka JVM in less stops with OutOfMemoryError); use at least 1, usually 2',
      'kafka.controllerResources.cpuMillis: 10 millicores is below the 100 every Kafka pod requests; use at least 100, usually 500',
    ]);
  });

  it('accepts every request between the floor and what the system node offers', () => {
    const allocatable = podAllocatable(instanceTypeFacts('m6i.large')!);
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 12, noNaN: true }),
        fc.integer({ min: 1, max: 3000 }),
        (memoryGi, cpuMillis) => {
          const problems = controllerProblems({ memoryGi, cpuMillis });
          const fits =
            memoryGi >= 1 &&
            memoryGi <= allocatable.memoryGi &&
            cpuMillis >= 100 &&
            cpuMillis <= allocatable.cpuMillis;
          expect(problems.length === 0).toBe(fits);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('class: a broker key that names a Java class', () => {
  // https://github.com/strimzi/strimzi-kafka-oauth/issues/254: principal.builder.class named a class
  // the image did not hold, and the broker stopped at start with "could not be found".
  it('throws when kafka.config names a plugin class', () => {
    expect(
      problemsOf(
        withKafka({
          config: {
            'create.topic.policy.class.name': 'com.example.NamingPolicy',
            'alter.config.policy.class.name': 'com.example.AlterPolicy',
          },
        }),
      ),
    ).toEqual([
      'kafka.config["create.topic.policy.class.name"]: "com.example.NamingPolicy" names a plugin class, but this platform adds no plugins to the broker image, and Kafka stops at start when a configured class is missing (strimzi-kafka-oauth#254); remove it',
      'kafka.config["alter.config.policy.class.name"]: "com.example.AlterPolicy" names a plugin class, but this platform adds no plugins to the broker image, and Kafka stops at start when a configured class is missing (strimzi-kafka-oauth#254); remove it',
    ]);
  });

  it('throws when kafka.config overrides the rack-aware replica selector the platform sets', () => {
    expect(
      problemsOf(withKafka({ config: { 'replica.selector.class': 'com.example.Selector' } })),
    ).toEqual([
      'kafka.config["replica.selector.class"]: is reserved by this platform (prefix "replica.selector.class"), so the broker would never see it; use nothing: the platform sets Kafka\'s RackAwareReplicaSelector so consumers read from a replica in their own zone; another class either drops that or stops the broker when the image lacks it',
    ]);
  });

  it('refuses every *.class, *.class.name and *.classes key, each with one message', () => {
    const segment = fc.stringMatching(/^[a-z]{1,8}$/);
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('class', 'class.name', 'classes'),
        (parts, suffix) => {
          const key = `${parts.join('.')}.${suffix}`;
          const problems = problemsOf(withKafka({ config: { [key]: 'com.example.Plugin' } }));
          expect(problems).toHaveLength(1);
          expect(problems[0]).toMatch(/plugin class|reserved by|forbidden|Strimzi/);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('class: a key Kafka 4 no longer reads', () => {
  // Strimzi's KRaft examples carried inter.broker.protocol.version, which only produced warnings
  // (https://github.com/strimzi/strimzi-kafka-operator/pull/9185); Kafka 4.0 removed
  // log.message.format.version (https://github.com/apache/kafka/pull/18267), the timestamp
  // difference key (https://github.com/apache/kafka/pull/17928) and offsets.commit.required.acks
  // (https://github.com/apache/kafka/pull/17446).
  it('throws when kafka.config carries a key from a Kafka 3 configuration', () => {
    expect(
      problemsOf(
        withKafka({
          config: {
            'inter.broker.protocol.version': '3.9',
            'log.message.format.version': '3.9',
            'log.message.timestamp.difference.max.ms': 60000,
            'offsets.commit.required.acks': -1,
          },
        }),
      ),
    ).toEqual([
      'kafka.config["inter.broker.protocol.version"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: KRaft clusters follow the metadata version, which Strimzi derives from kafka.version',
      'kafka.config["log.message.format.version"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: Kafka 4 writes only the current message format',
      'kafka.config["log.message.timestamp.difference.max.ms"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use log.message.timestamp.before.max.ms and log.message.timestamp.after.max.ms',
      'kafka.config["offsets.commit.required.acks"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: offset commits always wait for all in-sync replicas',
    ]);
  });

  it('throws when a topic carries a topic key Kafka 4 removed', () => {
    const base = specInput(3, 1);
    expect(
      problemsOf({
        ...base,
        kafka: {
          ...base.kafka,
          topics: [
            {
              name: 'events',
              partitions: 3,
              config: { 'message.format.version': '3.0', 'message.timestamp.difference.max.ms': 1 },
            },
          ],
        },
      }),
    ).toEqual([
      'kafka.topics[0].config["message.format.version"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: Kafka 4 writes only the current message format',
      'kafka.topics[0].config["message.timestamp.difference.max.ms"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use message.timestamp.before.max.ms and message.timestamp.after.max.ms',
    ]);
  });
});

describe('class: a broker key or value Kafka would ignore or refuse', () => {
  // Kafka logs an unknown key and goes on, so a misspelt key silently keeps Kafka's default; the
  // same silent outcome as strimzi-kafka-operator#11063, through spelling instead of scope.
  it('throws when a broker key is misspelt, naming the key meant', () => {
    expect(
      problemsOf(withKafka({ config: { 'log.retention.hour': 24, 'num.io.thread': 8 } })),
    ).toEqual([
      'kafka.config["log.retention.hour"]: is not a Kafka broker key, so the broker would ignore it; did you mean "log.retention.hours"?',
      'kafka.config["num.io.thread"]: is not a Kafka broker key, so the broker would ignore it; did you mean "num.io.threads"?',
    ]);
  });

  it('finds every one-edit misspelling of a documented broker key', () => {
    const keys = Object.keys(KAFKA_BROKER_KEYS).filter(
      key => forbiddenBrokerKey(key) === undefined && !isClassKey(key) && !key.endsWith('.enable'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.nat(), (key, at) => {
        // Drop one letter of the key: a typo Kafka would not recognise.
        const position = at % key.length;
        const typo = key.slice(0, position) + key.slice(position + 1);
        fc.pre(KAFKA_BROKER_KEYS[typo] === undefined && !TOPIC_CONFIG_KEYS.includes(typo));
        fc.pre(forbiddenBrokerKey(typo) === undefined && !isClassKey(typo));
        expect(misspeltBrokerKey(typo)).toBeDefined();
      }),
      { numRuns: 200 },
    );
  });

  it('accepts every documented numeric or boolean broker key no other rule owns, at a valid value', () => {
    const ownedElsewhere = new Set([
      'default.replication.factor',
      'min.insync.replicas',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'share.coordinator.state.topic.replication.factor',
      'share.coordinator.state.topic.min.isr',
      'auto.create.topics.enable',
      'unclean.leader.election.enable',
      'log.cleaner.enable',
      'remote.log.storage.system.enable',
      'delete.topic.enable',
      // Round 16: kept on for rolls and scale-ins (kafka-config-round-16.test.ts).
      'controlled.shutdown.enable',
      // Round 15: a time-based flush needs a flusher period (log-flush.test.ts), and local
      // retention needs tiered storage, which the platform does not run (tiered-storage-keys.test.ts).
      'log.flush.interval.ms',
      ...Object.keys(TIERED_BROKER_RETENTION_KEYS),
    ]);
    // Round 15: Kafka's floors let through sizes that nothing fits (record-size-floors.test.ts,
    // segment-roll.test.ts); these keys take the smallest size that works.
    const ROUND_15_FLOORS: Readonly<Record<string, number>> = {
      'message.max.bytes': RECORD_BATCH_OVERHEAD_BYTES,
      'log.index.size.max.bytes': TIME_INDEX_ENTRY_BYTES,
      // Round 16: Kafka's floor 0 refuses every record or leaves the cleaner 0-byte buffers
      // (record-timestamps.test.ts, log-cleaner.test.ts).
      'log.message.timestamp.before.max.ms': PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS,
      'log.cleaner.io.buffer.size': 2,
    };
    const ZERO_REFUSED = new Set([
      'max.connections.per.ip',
      'max.connections',
      'max.connection.creation.rate',
      // Round 14: Kafka's floor is 0, but 0 stops the quorum, writes a checkpoint only once or
      // runs no cleaner thread (kafka-broker-formats.test.ts, kafka-config-round-14.test.ts).
      ...Object.keys(POSITIVE_LIFECYCLE_TIMEOUTS),
      ...Object.keys(CHECKPOINT_PERIODS),
      ...Object.keys(SWITCHED_OFF_BY_ZERO),
    ]);
    const checked: string[] = [];
    for (const [key, facts] of Object.entries(KAFKA_BROKER_KEYS)) {
      if (forbiddenBrokerKey(key) !== undefined || isClassKey(key) || ownedElsewhere.has(key)) {
        continue;
      }
      expect(misspeltBrokerKey(key)).toBeUndefined();
      if (['string', 'list', 'class', 'password'].includes(facts.type)) continue;
      const value =
        facts.type === 'boolean'
          ? 'false'
          : // Keys whose floor 0 another rule refuses take 1: max.connections.per.ip 0 needs
            // overrides (the orderings test), a broker-wide connection limit of 0 shuts every
            // client listener (strimzi-reports-9). The classic session timeout bounds take their
            // defaults: a maximum of 1 is below the default minimum, an empty range
            // (strimzi-reports-10).
            String(
              ORDERING_DEFAULTS[key] ??
                ROUND_15_FLOORS[key] ??
                (CLASSIC_SESSION_DEFAULTS as Record<string, number>)[key] ??
                // An internal topic's segment size becomes that topic's segment.bytes, which
                // Kafka 4 takes from 1 MiB only (kafka-broker-formats.test.ts).
                (key in INTERNAL_TOPIC_SEGMENT_KEYS ? MIN_TOPIC_SEGMENT_BYTES : undefined) ??
                Math.max(facts.min ?? 1, ZERO_REFUSED.has(key) ? 1 : -Infinity),
            );
      const problems = problemsOf(withKafka({ config: { [key]: value } })).filter(problem =>
        problem.startsWith(`kafka.config[${JSON.stringify(key)}]`),
      );
      expect([key, problems]).toEqual([key, []]);
      checked.push(key);
    }
    expect(checked.length).toBeGreaterThan(150);
    // At its 1 MiB floor it sits under the default message.max.bytes, which request-size.ts only
    // warns about (no producer with default settings sends a batch that large), so the sweep
    // covers it like any other key.
    expect(checked).toContain('log.segment.bytes');
  });

  it('throws when a documented key has a value outside its range', () => {
    expect(
      problemsOf(
        withKafka({
          config: { 'num.io.threads': 0, 'group.share.max.size': 5000, 'fetch.max.bytes': 10 },
        }),
      ),
    ).toEqual([
      'kafka.config["num.io.threads"]: 0 is out of range; use a whole number of at least 1',
      'kafka.config["group.share.max.size"]: 5000 is out of range; use a whole number from 1 to 1000',
      'kafka.config["fetch.max.bytes"]: 10 is out of range; use a whole number of at least 1024',
    ]);
  });

  it('throws when the log cleaner is turned off or tiered storage on', () => {
    expect(
      problemsOf(
        withKafka({
          config: { 'log.cleaner.enable': false, 'remote.log.storage.system.enable': 'true' },
        }),
      ),
    ).toEqual([
      'kafka.config["log.cleaner.enable"]: false stops compaction of every compacted topic, Kafka\'s own __consumer_offsets included, so they grow until the disk fills; leave it out',
      'kafka.config["remote.log.storage.system.enable"]: "true" turns on tiered storage, which needs a remote storage plugin (remote.log.storage.manager.class.name) this platform does not configure; leave it out',
    ]);
  });
});

describe('class: broker settings that only work together', () => {
  // Kafka checks these pairs when a broker starts and refuses to start when one fails (apache/kafka
  // broker configuration validator); one side set alone meets the other side's default.
  it('throws when a session timeout is set below the default minimum', () => {
    expect(
      problemsOf(withKafka({ config: { 'group.consumer.session.timeout.ms': 30000 } })),
    ).toEqual([
      'kafka.config["group.consumer.session.timeout.ms"]: group.consumer.min.session.timeout.ms (default 45000) 45000 is above group.consumer.session.timeout.ms 30000, which Kafka refuses at broker start; make group.consumer.min.session.timeout.ms at most group.consumer.session.timeout.ms',
    ]);
  });

  it('throws when the replica fetch wait outlasts the lag time, or the queue is below a request', () => {
    expect(
      problemsOf(
        withKafka({
          config: {
            'replica.fetch.wait.max.ms': 40000,
            'queued.max.request.bytes': 1048576,
            'connection.failed.authentication.delay.ms': 700000,
            'log.cleaner.dedupe.buffer.size': 1048576,
            'max.connections.per.ip': 0,
          },
        }),
      ),
    ).toEqual([
      'kafka.config["replica.fetch.wait.max.ms"]: replica.fetch.wait.max.ms 40000 is above replica.socket.timeout.ms (default 30000) 30000, which Kafka refuses at broker start; make replica.fetch.wait.max.ms at most replica.socket.timeout.ms',
      'kafka.config["replica.fetch.wait.max.ms"]: replica.fetch.wait.max.ms 40000 is above replica.lag.time.max.ms (default 30000) 30000, which Kafka refuses at broker start; make replica.fetch.wait.max.ms at most replica.lag.time.max.ms',
      'kafka.config["queued.max.request.bytes"]: 1048576 is below socket.request.max.bytes (default 104857600) 104857600, which Kafka refuses at broker start; use -1 (no limit) or at least 104857600',
      'kafka.config["connection.failed.authentication.delay.ms"]: connection.failed.authentication.delay.ms 700000 is not below connections.max.idle.ms (default 600000) 600000, which Kafka refuses at broker start; keep the delay below the idle timeout',
      'kafka.config["log.cleaner.dedupe.buffer.size"]: log.cleaner.dedupe.buffer.size 1048576 over log.cleaner.threads (default 1) 1 leaves at most 1 MiB per cleaner thread, which Kafka refuses at broker start; give each thread more than 1048576 bytes',
      'kafka.config["max.connections.per.ip"]: 0 is allowed only with max.connections.per.ip.overrides set, and Kafka refuses to start without them; set the overrides or raise the limit',
    ]);
  });

  it.each([
    ['log.retention.hours', -1, "-1 makes the broker's retention -3600000 ms"],
    ['log.retention.hours', 0, "0 makes the broker's retention 0 ms"],
    ['log.retention.ms', 0, "0 makes the broker's retention 0 ms"],
  ])('throws when %s is %s (no retention Kafka accepts)', (key, value, start) => {
    const problems = problemsOf(withKafka({ config: { [key]: value } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`kafka.config[${JSON.stringify(key)}]: ${start}`);
  });

  it('accepts any min <= value <= max triple and refuses every other one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('consumer', 'share'),
        fc.constantFrom('heartbeat.interval.ms', 'session.timeout.ms'),
        fc.array(fc.integer({ min: 1, max: 100000 }), { minLength: 3, maxLength: 3 }),
        (group, setting, [min = 1, value = 1, max = 1]) => {
          const problems = problemsOf(
            withKafka({
              config: {
                [`group.${group}.min.${setting}`]: min,
                [`group.${group}.${setting}`]: value,
                [`group.${group}.max.${setting}`]: max,
              },
            }),
          );
          // Kafka 4.x also needs the heartbeat below the session timeout (defaults 5000 / 45000).
          const belowOther = setting === 'heartbeat.interval.ms' ? value < 45000 : value > 5000;
          expect(problems.length === 0).toBe(min <= value && value <= max && belowOther);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('class: size-based retention the volumes cannot hold', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/11845: a broker volume filled and the
  // broker crash-looped; retention.bytes bounds each partition (apache/kafka#19051,
  // roostorg/osprey#239), so partitions x replicas x (retention.bytes + one segment) must fit the
  // volumes (the segment since round 8, test/spec/kafka-reports-8.test.ts).
  function withTopics(
    topics: PlatformSpecInput['kafka']['topics'],
    config: Record<string, string | number> = {},
  ): PlatformSpecInput {
    return withKafka({ topics, config, storage: { sizeGi: 100 } });
  }

  it('throws when one topic keeps more per partition than three 100 GiB brokers hold', () => {
    expect(
      problemsOf(
        withTopics([
          { name: 'events', partitions: 12, config: { 'retention.bytes': 10 * 2 ** 30 } },
        ]),
      ),
    ).toEqual([
      'kafka.storage.sizeGi: 100 GiB on each of 3 brokers is 300 GiB, but size-based retention keeps at least 396 GiB before deleting anything (retention.bytes counts per partition and per replica, and each replica also holds one whole segment beyond it before its oldest segment goes, strimzi-kafka-operator#11845; "events": 12 partitions x 3 replicas x (10 GiB (kafka.topics[0].config["retention.bytes"]) + 1 GiB (segment.bytes, Kafka\'s default)) = 396 GiB), so the volumes fill first; raise kafka.storage.sizeGi to at least 132, or lower retention.bytes or segment.bytes',
    ]);
  });

  it('throws when the broker default applies to every declared topic', () => {
    const problems = problemsOf(
      withTopics(
        [
          { name: 'a', partitions: 30 },
          { name: 'b', partitions: 30 },
        ],
        { 'log.retention.bytes': 2 * 2 ** 30 },
      ),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('keeps at least 540 GiB');
    expect(problems[0]).toContain('(kafka.config["log.retention.bytes"])');
  });

  it('accepts exactly the retention that fits, whatever the topics', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            partitions: fc.integer({ min: 1, max: 60 }),
            retentionGi: fc.integer({ min: 1, max: 20 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        topics => {
          // Each replica holds retention.bytes plus one default 1 GiB segment before deleting.
          const least = topics.reduce((sum, t) => sum + t.partitions * 3 * (t.retentionGi + 1), 0);
          const problems = problemsOf(
            withTopics(
              topics.map((t, index) => ({
                name: `t${index}`,
                partitions: t.partitions,
                config: { 'retention.bytes': t.retentionGi * 2 ** 30 },
              })),
            ),
          ).filter(problem => problem.startsWith('kafka.storage.sizeGi'));
          expect(problems.length > 0).toBe(least > 300);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('class: keys for a component this platform does not deploy', () => {
  // Strimzi lets cruise.control.metrics.topic.* through for its Cruise Control integration, and
  // since 0.42 reads its quota plugin from Kafka.spec.kafka.quotas, ignoring the plugin's keys in
  // spec.kafka.config (Strimzi CHANGELOG 0.42.0); this platform renders neither.
  it('throws when kafka.config configures Cruise Control or a quota plugin', () => {
    expect(
      problemsOf(
        withKafka({
          config: {
            'cruise.control.metrics.topic.replication.factor': 3,
            'client.quota.callback.static.produce': 1048576,
            'client.quota.callback.class': 'io.strimzi.kafka.quotas.StaticQuotaCallback',
          },
        }),
      ),
    ).toEqual([
      'kafka.config["cruise.control.metrics.topic.replication.factor"]: is reserved by this platform (prefix "cruise.control."), so the broker would never see it; use nothing: this platform deploys no Cruise Control, so its metrics reporter is not configured and these keys would do nothing',
      'kafka.config["client.quota.callback.static.produce"]: is reserved by this platform (prefix "client.quota.callback."), so the broker would never see it; use nothing: no quota plugin is configured (Strimzi reads its quota plugin from Kafka.spec.kafka.quotas, which this platform does not render); Kafka\'s own per-user quotas need no broker key',
      'kafka.config["client.quota.callback.class"]: is reserved by this platform (prefix "client.quota.callback."), so the broker would never see it; use nothing: no quota plugin is configured (Strimzi reads its quota plugin from Kafka.spec.kafka.quotas, which this platform does not render); Kafka\'s own per-user quotas need no broker key',
    ]);
  });
});

describe('class: an internal topic whose replication does not fit the cluster', () => {
  // https://github.com/apache/kafka/pull/21589: the share-group state topic defaults to 3 replicas
  // and min ISR 2, so on fewer than 3 brokers it can never be created unless both are set.
  it("renders every internal topic's replication from the spec, also on two brokers", () => {
    const spec = parseSpec(specInput(2, 1)).spec;
    expect(brokerConfig(spec)).toMatchObject({
      'offsets.topic.replication.factor': 2,
      'transaction.state.log.replication.factor': 2,
      'transaction.state.log.min.isr': 1,
      'share.coordinator.state.topic.replication.factor': 2,
      'share.coordinator.state.topic.min.isr': 1,
    });
  });

  it('throws when the share-group state topic asks for more replicas than brokers, or ISR at RF', () => {
    expect(
      problemsOf(withKafka({ config: { 'share.coordinator.state.topic.replication.factor': 4 } })),
    ).toEqual([
      'kafka.config["share.coordinator.state.topic.replication.factor"]: 4 is more than the 3 brokers; use at most 3',
    ]);
    expect(
      problemsOf(
        withKafka({
          config: {
            'share.coordinator.state.topic.replication.factor': 2,
            'share.coordinator.state.topic.min.isr': 2,
          },
        }),
      ),
    ).toEqual([
      'kafka.config["share.coordinator.state.topic.min.isr"]: 2 is not below the replication factor 2 (kafka.config["share.coordinator.state.topic.replication.factor"]), so any broker restart stops producers; use 1',
    ]);
  });

  it('checks the transaction and share-group state topics alike', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['transaction.state.log.replication.factor', 'transaction.state.log.min.isr'],
          [
            'share.coordinator.state.topic.replication.factor',
            'share.coordinator.state.topic.min.isr',
          ],
        ),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        ([rfKey = '', isrKey = ''], rf, isr) => {
          const problems = problemsOf(withKafka({ config: { [rfKey]: rf, [isrKey]: isr } }));
          const fits = rf >= 2 && rf <= 3 && isr >= 1 && isr < rf;
          expect(problems.length === 0).toBe(fits);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('class: more per-broker load balancers than the AWS account allows by default', () => {
  // The loadbalancer listener makes one NLB per broker plus a bootstrap NLB; AWS's default quota
  // is 50 Network Load Balancers per region (adjustable, ELB "Quotas for your Network Load
  // Balancers"), so a 60-broker cluster leaves brokers without an address until it is raised.
  function quotaWarnings(zones: number, brokersPerZone: number, pinned = false): string[] {
    const base = specInput(zones, brokersPerZone);
    const subnets = pinned
      ? Object.fromEntries((base.zones ?? []).map((zone, i) => [zone, `subnet-${i}`]))
      : {};
    return parseSpec({
      ...base,
      kafka: { ...base.kafka, external: { enabled: true, allowedCidrs: ['10.0.0.0/8'], subnets } },
      // One broker a node: many brokers on one node exceed its EBS attachments (a problem of its own).
      nodes: {
        kafka: {
          instanceType: 'm6i.4xlarge',
          minPerZone: brokersPerZone,
          maxPerZone: brokersPerZone,
        },
      },
    })
      .warnings.filter(w => w.path === 'kafka.external.enabled')
      .map(w => w.message);
  }

  it('warns when the brokers need more NLBs than the default regional quota', () => {
    expect(quotaWarnings(3, 20)).toEqual([
      'needs 61 Network Load Balancers (one per broker plus the bootstrap), above AWS\'s default quota of 50 per region; request "Network Load Balancers per Region" of at least 61 (plus any the account already has) in Service Quotas before deploying, or the brokers beyond it get no external address',
    ]);
    expect(quotaWarnings(3, 16)).toEqual([]);
  });

  it('warns when cross-zone NLBs need more network interfaces than the default VPC quota', () => {
    const warnings = quotaWarnings(6, 34);
    expect(warnings).toContain(
      'needs 1230 load balancer network interfaces (one per NLB per zone it spans), above AWS\'s default quota of 1200 per VPC; raise "Network Load Balancer ENIs per VPC", or pin each zone\'s NLBs with kafka.external.subnets',
    );
    expect(quotaWarnings(6, 34, true).some(m => m.includes('network interfaces'))).toBe(false);
  });

  it('warns by exactly the NLB count, for any zones and brokers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 24 }), (zones, per) => {
        const nlbWarnings = quotaWarnings(zones, per, true).filter(m => m.includes('per region'));
        expect(nlbWarnings.length > 0).toBe(zones * per + 1 > 50);
      }),
      { numRuns: 40 },
    );
  });
});

describe('one message per misspelt key', () => {
  it('reports a key in the wrong case once, as a form problem, not also as a misspelling', () => {
    expect(problemsOf(withKafka({ config: { 'Num.io.threads': 8 } }))).toEqual([
      'kafka.config["Num.io.threads"]: is not a Kafka key as written: Kafka keys are lower-case without spaces and match exactly; write "num.io.threads"',
    ]);
  });
});
