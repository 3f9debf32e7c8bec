/**
 * Round 13 (and round 14's additions at the end): `kafka.config` values Kafka parses further than their type and range at node start
 * (spec/kafka-broker-formats.ts). Each class has a `throws when` test with the message and a
 * fast-check property over its generator; the CLI refusal is in strimzi-reports-cli.test.ts.
 */
import fc from 'fast-check';
import {
  COMPRESSION_CODEC_IDS,
  COMPRESSION_CODEC_KEYS,
  ENUMERATED_BROKER_VALUES,
  INTERNAL_TOPIC_SEGMENT_KEYS,
  LISTS_WITHOUT_EMPTY_ENTRIES,
  MIN_TOPIC_SEGMENT_BYTES,
  CHECKPOINT_PERIODS,
  POSITIVE_LIFECYCLE_TIMEOUTS,
  SOCKET_BUFFER_KEYS,
} from '../../spec/kafka-broker-formats';
import type { PlatformSpecInput } from '../../spec';
import { brokerLeaseWarnings } from '../../spec/kafka-config';
import { platformSpecSchema } from '../../spec/schema';
import { kafkaConfigProblems, specInput, specProblems } from '../util/specs';

/** The problems of one key of kafka.config on a 3-zone, 1-broker-a-zone spec. */
function problemsOf(key: string, value: string | number | boolean): string[] {
  return kafkaConfigProblems({ [key]: value }).filter(problem =>
    problem.startsWith(`kafka.config[${JSON.stringify(key)}]`),
  );
}

describe('class: an enumerated broker key outside its names (CaseInsensitiveValidString)', () => {
  // apache/kafka GroupCoordinatorConfig: group.consumer.migration.policy is checked against the
  // ConsumerGroupMigrationPolicy names; KAFKA-16294 described the policy as "both"/"none", names
  // the released key does not take, and any other name stops the broker with a ConfigException.
  it('throws when group.consumer.migration.policy is "both" (KAFKA-16294 wording, not a Kafka name)', () => {
    expect(problemsOf('group.consumer.migration.policy', 'both')).toEqual([
      'kafka.config["group.consumer.migration.policy"]: "both" is not one of disabled, upgrade, downgrade, bidirectional (any case), so Kafka refuses it at broker start (ConfigException) and no broker starts; use one of them, or remove group.consumer.migration.policy for Kafka\'s default',
    ]);
  });

  it('property: every name in any case passes, every other word is refused', () => {
    for (const [key, allowed] of Object.entries(ENUMERATED_BROKER_VALUES)) {
      fc.assert(
        fc.property(
          fc.constantFrom(...allowed),
          fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
          (name, upper) => {
            const cased = [...name]
              .map((letter, index) => (upper[index % 16] ? letter.toUpperCase() : letter))
              .join('');
            expect(problemsOf(key, cased)).toEqual([]);
          },
        ),
        { numRuns: 40 },
      );
      fc.assert(
        fc.property(
          fc.stringMatching(/^[a-z]{1,14}$/).filter(word => !allowed.includes(word)),
          word => {
            expect(problemsOf(key, word)).toHaveLength(1);
          },
        ),
        { numRuns: 40 },
      );
    }
  });
});

describe('class: early.start.listeners naming any listener', () => {
  // apache/kafka KafkaConfigTest testEarlyStartListenersMustBeListeners: a name that is not a
  // listener of the node stops it. Strimzi applies kafka.config to every node
  // (strimzi-kafka-operator#13012) and controller-only nodes listen on the control plane only
  // (#9374), so each listener name stops the brokers or the controllers.
  it('throws when early.start.listeners is TLS-9093 (the controllers have no such listener)', () => {
    expect(problemsOf('early.start.listeners', 'TLS-9093')).toEqual([
      'kafka.config["early.start.listeners"]: "TLS-9093" names TLS-9093, but Strimzi writes kafka.config into every node and Kafka stops a node whose own listeners lack a name listed here: the brokers listen on TLS-9093, EXTERNAL-9094, REPLICATION-9091 and the KRaft controllers only on CONTROLPLANE-9090 (strimzi/strimzi-kafka-operator#9374), so no name suits both and the brokers or the controllers would not start; remove early.start.listeners (Kafka then starts the controller listener early by itself)',
    ]);
  });

  it('property: any non-empty list of the listener names is refused, an empty one passes', () => {
    const names = ['TLS-9093', 'EXTERNAL-9094', 'REPLICATION-9091', 'CONTROLPLANE-9090'];
    fc.assert(
      fc.property(fc.subarray(names, { minLength: 1 }), chosen => {
        expect(problemsOf('early.start.listeners', chosen.join(','))).toHaveLength(1);
      }),
      { numRuns: 20 },
    );
    expect(problemsOf('early.start.listeners', '')).toEqual([]);
    expect(problemsOf('early.start.listeners', ' , ')).toEqual([]);
  });

  it('names only the listeners the cluster has (no EXTERNAL-9094 without kafka.external)', () => {
    const base = specInput(3, 1);
    const input: PlatformSpecInput = {
      ...base,
      kafka: {
        ...base.kafka,
        external: { enabled: false },
        config: { 'early.start.listeners': 'CONTROLPLANE-9090' },
      },
    };
    const [problem] = specProblems(input).filter(p => p.includes('early.start.listeners'));
    expect(problem).toContain('the brokers listen on TLS-9093, REPLICATION-9091 and');
  });
});

describe('class: max.connections.per.ip.overrides entries Kafka cannot read', () => {
  // apache/kafka Csv.parseCsvMap splits each entry at its last ':' (none throws), the count is read
  // with Integer.parseInt, and KafkaConfig.validateValues refuses a host outside
  // Utils.validHostPattern ("contains invalid addresses"): each stops the broker at start.
  it('throws when an override is a CIDR range (10.0.0.0/8:100)', () => {
    expect(problemsOf('max.connections.per.ip.overrides', '10.0.0.0/8:100')).toEqual([
      'kafka.config["max.connections.per.ip.overrides"]: "10.0.0.0/8:100" has entries Kafka cannot read ("10.0.0.0/8:100" names "10.0.0.0/8", no host name or IP address to Kafka (ranges such as 10.0.0.0/8 are not taken; list single addresses)); Kafka reads this key as <host or IP>:<count> entries separated by commas and refuses to start on any other entry; write entries such as "10.1.2.3:200,clients.example.com:50"',
    ]);
  });

  it('throws when an entry has no count or a count that is no whole number', () => {
    const [problem] = problemsOf('max.connections.per.ip.overrides', 'host1, 10.1.2.3:abc');
    expect(problem).toContain('"host1" has no ":<count>"');
    expect(problem).toContain('"10.1.2.3:abc" has the count "abc", not a whole number');
  });

  it('property: host:count lists pass (IPv6 included), and one bad entry among them is refused', () => {
    const host = fc.oneof(
      fc.ipV4(),
      fc.ipV6().filter(address => !address.includes('.')),
      fc.domain(),
    );
    const entry = fc
      .tuple(host, fc.integer({ min: 0, max: 100000 }))
      .map(([address, count]) => `${address}:${count}`);
    const bad = fc.oneof(
      fc.ipV4().map(address => `${address}/24:10`),
      fc.domain(),
      fc.ipV4().map(address => `${address}:many`),
    );
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 5 }),
        bad,
        fc.nat(),
        (good, broken, at) => {
          expect(problemsOf('max.connections.per.ip.overrides', good.join(','))).toEqual([]);
          const withBad = [...good];
          withBad.splice(at % (good.length + 1), 0, broken);
          expect(problemsOf('max.connections.per.ip.overrides', withBad.join(','))).toHaveLength(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('class: socket buffer sizes Java refuses (0, or negative other than -1)', () => {
  // apache/kafka#1469 (KAFKA-724): only -1 means the OS default; "-2 would throw an exception".
  it('throws when socket.receive.buffer.bytes is 0 (the broker cannot open its listeners)', () => {
    expect(problemsOf('socket.receive.buffer.bytes', 0)).toEqual([
      'kafka.config["socket.receive.buffer.bytes"]: 0 is not a socket buffer size Java accepts (0 and negative sizes throw IllegalArgumentException; only -1 means the operating system\'s default, apache/kafka#1469), so the broker cannot open its listeners and stops at start (the server socket takes this size); use -1, or a positive size in bytes, or remove socket.receive.buffer.bytes',
    ]);
  });

  it('property: -1 and positive sizes pass, 0 and other negative ints are refused, for every key', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(SOCKET_BUFFER_KEYS)),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 0 }).filter(size => size !== -1),
        (key, good, bad) => {
          expect(problemsOf(key, good)).toEqual([]);
          expect(problemsOf(key, -1)).toEqual([]);
          expect(problemsOf(key, bad)).toHaveLength(1);
          expect(problemsOf(key, String(bad))).toHaveLength(1);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('class: a coordinator compression codec outside the compression type ids', () => {
  // apache/kafka GroupCoordinatorConfig and ShareCoordinatorConfig map the id with
  // CompressionType.forId at broker start, which throws "Unknown compression type id" for anything
  // but 0-4.
  it('throws when offsets.topic.compression.codec is 9', () => {
    expect(problemsOf('offsets.topic.compression.codec', 9)).toEqual([
      'kafka.config["offsets.topic.compression.codec"]: 9 is no compression type id, so the configuration of the group coordinator throws "Unknown compression type id" and no broker starts; use 0 (none), 1 (gzip), 2 (snappy), 3 (lz4), 4 (zstd), or remove offsets.topic.compression.codec',
    ]);
  });

  it('property: ids 0-4 pass, every other int is refused, for every codec key', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(COMPRESSION_CODEC_KEYS)),
        fc.integer({ min: 0, max: COMPRESSION_CODEC_IDS.length - 1 }),
        fc
          .integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
          .filter(id => id < 0 || id >= COMPRESSION_CODEC_IDS.length),
        (key, good, bad) => {
          expect(problemsOf(key, good)).toEqual([]);
          expect(problemsOf(key, bad)).toHaveLength(1);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('class: an internal topic segment size below the 1 MiB Kafka 4 takes for a topic', () => {
  // KAFKA-16368 (apache/kafka#18140) raised the topic segment.bytes minimum to 1 MiB; the
  // coordinators still create their topics with these broker keys as segment.bytes (lower bound 1),
  // so a smaller value makes every creation of the topic fail.
  it('throws when offsets.topic.segment.bytes is 524288 (__consumer_offsets is never created)', () => {
    expect(problemsOf('offsets.topic.segment.bytes', 524288)).toEqual([
      'kafka.config["offsets.topic.segment.bytes"]: 524288 becomes the segment.bytes of __consumer_offsets (consumer groups and their offsets) when Kafka creates it, and Kafka 4 refuses a topic segment below 1048576 bytes (KAFKA-16368), so the topic is never created and nothing that needs it works; use at least 1048576, or remove offsets.topic.segment.bytes',
    ]);
  });

  it('property: every key refuses 1..1 MiB-1 and takes 1 MiB and above', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(INTERNAL_TOPIC_SEGMENT_KEYS)),
        fc.integer({ min: 1, max: MIN_TOPIC_SEGMENT_BYTES - 1 }),
        fc.integer({ min: MIN_TOPIC_SEGMENT_BYTES, max: 2 ** 31 - 1 }),
        (key, small, large) => {
          expect(problemsOf(key, small)).toHaveLength(1);
          expect(problemsOf(key, large)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('class: an empty entry in a group coordinator list (Kafka 4.2+, KIP-1161)', () => {
  // Kafka 4.2 upgrade notes (KIP-1161): LIST keys refuse empty entries; a trailing comma in a list
  // stopped Kafka 4.2 for Testcontainers users (their wrapper strips it). The group coordinator's
  // lists carry ValidList validators, so "uniform," stops every broker.
  it('throws when group.consumer.assignors is "uniform," (a trailing comma)', () => {
    expect(problemsOf('group.consumer.assignors', 'uniform,')).toEqual([
      'kafka.config["group.consumer.assignors"]: "uniform," has an empty entry (a leading, trailing or doubled comma) among its consumer group assignors, which Kafka 4.2 and later refuse when the broker starts (ConfigException "values must not be empty", KIP-1161), so no broker starts; write "uniform", or remove group.consumer.assignors',
    ]);
  });

  it('property: a valid list passes, and the same list with an empty entry anywhere is refused', () => {
    const valid: Record<string, string[]> = {
      'group.consumer.assignors': ['uniform', 'range'],
      'group.share.assignors': ['simple'],
      'group.coordinator.rebalance.protocols': ['classic', 'consumer', 'share', 'streams'],
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(LISTS_WITHOUT_EMPTY_ENTRIES)),
        fc.nat(),
        (key, at) => {
          const entries = valid[key] ?? [];
          expect(problemsOf(key, entries.join(','))).toEqual([]);
          const withEmpty = [...entries];
          withEmpty.splice(at % (entries.length + 1), 0, '');
          const problems = problemsOf(key, withEmpty.join(','));
          expect(problems.filter(problem => problem.includes('has an empty entry'))).toHaveLength(
            1,
          );
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('round 14, class: an enumerated name Kafka maps to an enum at node start', () => {
  // apache/kafka MetricConfigs defines metrics.recording.level as a plain STRING (no validator);
  // every node builds its metrics configuration with Sensor.RecordingLevel.forName, which looks
  // the upper-cased name up among INFO, DEBUG and TRACE and throws IllegalArgumentException.
  it('throws when metrics.recording.level is "verbose" (no RecordingLevel of that name)', () => {
    expect(problemsOf('metrics.recording.level', 'verbose')).toEqual([
      'kafka.config["metrics.recording.level"]: "verbose" is not one of info, debug, trace (any case), so Kafka refuses it at broker start (IllegalArgumentException from Sensor.RecordingLevel.forName while the node builds its metrics) and no broker starts; use one of them, or remove metrics.recording.level for Kafka\'s default',
    ]);
  });

  it('takes INFO, DEBUG and TRACE in any case', () => {
    expect(ENUMERATED_BROKER_VALUES['metrics.recording.level']).toEqual(['info', 'debug', 'trace']);
    for (const name of ['INFO', 'debug', 'Trace']) {
      expect(problemsOf('metrics.recording.level', name)).toEqual([]);
    }
  });
});

describe('round 14, class: a KRaft lifecycle timeout of 0 or below (no lower bound in Kafka)', () => {
  // apache/kafka BrokerLifecycleManager defers its registration timeout event by
  // initial.broker.registration.timeout.ms and shuts the broker down when it has not registered
  // by then; the key has no validator, so 0 or a negative value stops every broker at start.
  it('throws when initial.broker.registration.timeout.ms is 0 (the broker shuts down at start)', () => {
    expect(problemsOf('initial.broker.registration.timeout.ms', 0)).toEqual([
      'kafka.config["initial.broker.registration.timeout.ms"]: 0 is no timeout Kafka can wait for: the broker gives up registering with the KRaft controllers before their answer can arrive and shuts down at every start, so no broker ever joins the cluster; use a positive number of milliseconds (Kafka\'s default is 60000), or remove initial.broker.registration.timeout.ms',
    ]);
  });

  // KAFKA-18837 (apache/kafka#18998) gave the quorum timeouts a lower bound of 0, which Strimzi
  // lets through; at 0 a follower turns candidate at once and the leader resigns (KAFKA-15489).
  it('throws when controller.quorum.fetch.timeout.ms is 0 (the quorum never keeps a leader)', () => {
    expect(problemsOf('controller.quorum.fetch.timeout.ms', 0)).toEqual([
      'kafka.config["controller.quorum.fetch.timeout.ms"]: 0 is no timeout Kafka can wait for: a controller that follows the leader starts an election the moment its last fetch is done, and the leader resigns as soon as a round of fetches is late, so the KRaft quorum never keeps a leader and brokers get no metadata; use a positive number of milliseconds (Kafka\'s default is 2000), or remove controller.quorum.fetch.timeout.ms',
    ]);
  });

  it('property: positive ints pass, 0 and negative ints are refused (once), for every key', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(POSITIVE_LIFECYCLE_TIMEOUTS)),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 0 }),
        (key, good, bad) => {
          expect(problemsOf(key, good)).toEqual([]);
          expect(problemsOf(key, String(bad))).toHaveLength(1);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('round 14, class: a checkpoint period of 0 (Kafka then writes the checkpoint only once)', () => {
  // apache/kafka KafkaScheduler.schedule repeats a task only when its period is above 0, and
  // LogManager schedules the recovery-point and log-start-offset checkpoints with these keys as the
  // period; Kafka's own lower bound for both is 0.
  it('throws when log.flush.offset.checkpoint.interval.ms is 0 (recovery restarts from start-up)', () => {
    expect(problemsOf('log.flush.offset.checkpoint.interval.ms', 0)).toEqual([
      'kafka.config["log.flush.offset.checkpoint.interval.ms"]: 0 is no period: Kafka\'s scheduler runs a task whose period is 0 or below only once (KafkaScheduler.schedule), so the broker writes its recovery points (how far each partition is known to be on disk) once, shortly after it starts, and never again until it shuts down cleanly, and after any unclean stop (a killed pod, a lost node) the broker recovers every segment written since it last started before it serves again, which grows with its uptime and can take hours; use a positive number of milliseconds (Kafka\'s default is 60000), or remove log.flush.offset.checkpoint.interval.ms',
    ]);
  });

  it('property: positive periods pass, 0 is refused with the period message, negatives once by range', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(CHECKPOINT_PERIODS)),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: -1 }),
        (key, good, negative) => {
          expect(problemsOf(key, good)).toEqual([]);
          expect(problemsOf(key, 0)).toEqual([expect.stringContaining('0 is no period')]);
          expect(problemsOf(key, negative)).toEqual([expect.stringContaining('is out of range')]);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('round 15, class: the KRaft broker lease at 0 or below (no lower bound in Kafka)', () => {
  // apache/kafka KRaftConfigs gives broker.session.timeout.ms and broker.heartbeat.interval.ms no
  // validator; the controller fences a broker it has not heard from within the session, and since
  // KAFKA-19294 (apache/kafka#19745) a heartbeat request times out after one heartbeat interval.
  // Kafka only logs an error for an interval above half the session (apache/kafka#20046), which
  // stays a warning; 0 or below is refused.
  const LEASE_KEYS = ['broker.session.timeout.ms', 'broker.heartbeat.interval.ms'] as const;

  /** The warnings about the lease on a 3-zone spec with this kafka.config. */
  function leaseWarnings(config: Record<string, string | number>): string[] {
    const base = specInput(3, 1);
    return brokerLeaseWarnings(
      platformSpecSchema.parse({ ...base, kafka: { ...base.kafka, config } }),
    ).map(w => `${w.path}: ${w.message}`);
  }

  it('throws when broker.session.timeout.ms is 0 (every broker is fenced right away)', () => {
    expect(problemsOf('broker.session.timeout.ms', 0)).toEqual([
      'kafka.config["broker.session.timeout.ms"]: 0 is no timeout Kafka can wait for: the KRaft controllers hold every broker\'s lease for no time at all, so each broker is fenced right after each heartbeat, never stays unfenced and leads no partition; use a positive number of milliseconds (Kafka\'s default is 9000), or remove broker.session.timeout.ms',
    ]);
  });

  it('throws when broker.heartbeat.interval.ms is 0 (no heartbeat request can complete)', () => {
    expect(problemsOf('broker.heartbeat.interval.ms', 0)).toEqual([
      'kafka.config["broker.heartbeat.interval.ms"]: 0 is no timeout Kafka can wait for: each broker sends heartbeats to the KRaft controllers without pause, and each heartbeat request may take no time (its timeout is one heartbeat interval, apache/kafka#19745), so heartbeats time out, the brokers lose their lease and are fenced; use a positive number of milliseconds (Kafka\'s default is 2000), or remove broker.heartbeat.interval.ms',
    ]);
  });

  it('property: a lease key at 0 or below is refused once and not also advised on', () => {
    expect(Object.keys(POSITIVE_LIFECYCLE_TIMEOUTS)).toEqual(
      expect.arrayContaining([...LEASE_KEYS]),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...LEASE_KEYS),
        fc.integer({ min: -(2 ** 31), max: 0 }),
        fc.option(fc.integer({ min: 1, max: 60000 }), { nil: undefined }),
        (key, bad, other) => {
          const otherKey = LEASE_KEYS.find(k => k !== key) ?? key;
          const config: Record<string, number> = {
            [key]: bad,
            ...(other === undefined ? {} : { [otherKey]: other }),
          };
          expect(
            kafkaConfigProblems(config).filter(p => p.startsWith(`kafka.config["${key}"]`)),
          ).toEqual([expect.stringContaining('is no timeout Kafka can wait for')]);
          expect(leaseWarnings(config)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps the warning for a positive interval above half the session (Kafka starts)', () => {
    expect(
      problemsOf('broker.heartbeat.interval.ms', 5000).concat(
        kafkaConfigProblems({ 'broker.heartbeat.interval.ms': 5000 }),
      ),
    ).toEqual([]);
    expect(leaseWarnings({ 'broker.heartbeat.interval.ms': 5000 })).toEqual([
      expect.stringContaining('is more than half broker.session.timeout.ms 9000'),
    ]);
  });
});
