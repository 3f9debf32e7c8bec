/**
 * The Strimzi-report classes through `kafka-eks synth` as a user runs it: a spec with one case of
 * each class exits 1, names every problem, and leaves an existing output folder byte-identical.
 */
import { synthOverDevOutput } from '../cli/synth-run';

describe('synth refuses the Strimzi-report classes', () => {
  it('exits 1, names each problem and leaves the previous output untouched', () => {
    const { previousStatus, result, before, after } = synthOverDevOutput(
      'strimzi-reports',
      [
        'name: orders-dev',
        'region: us-east-1',
        'zones: [us-east-1a, us-east-1b, us-east-1c]',
        'kafka:',
        '  version: 4.0.0',
        '  brokers: 3',
        '  storage: { sizeGi: 50 }',
        '  controllerResources: { memoryGi: 0.25 }',
        '  config:',
        '    segment.ms: 3600000',
        '    log.retention.hour: 24',
        '    inter.broker.protocol.version: "3.9"',
        '    create.topic.policy.class.name: com.example.Policy',
        '    group.consumer.session.timeout.ms: 30000',
        '    ssl.enabled.protocols: TLSv1.2',
        '    ssl.cipher.suites: TLS_AES_128_GCM_SHA256',
        '    listener.name.external.max.connections: 500',
        '    max.connections: 0',
        '    zookeeper.connection.timeout.ms: 18000',
        '    group.min.session.timeout.ms: 2000000',
        '    group.consumer.migration.policy: both',
        '    early.start.listeners: TLS-9093',
        '    max.connections.per.ip.overrides: "10.0.0.0/8:100"',
        '    socket.receive.buffer.bytes: 0',
        '    offsets.topic.compression.codec: 9',
        '    offsets.topic.segment.bytes: 524288',
        '    group.consumer.assignors: "uniform,"',
        '  topics:',
        '    - { name: orders, partitions: 12, config: { retention.bytes: 10737418240 } }',
        '    - { name: audit, partitions: 3, config: { leader.replication.throttled.replicas: "0-1000" } }',
        '    - { name: clicks, partitions: 20000 }',
        '    - { name: profiles, partitions: 3, config: { cleanup.policy: compact, max.compaction.lag.ms: 3600000, segment.jitter.ms: 86400000 } }',
        '  external:',
        '    enabled: true',
        '    allowedCidrs: [10.0.0.0/8, 172.16.0.0/12, 10.0.0.0/8]',
        '    subnets:',
        '      us-east-1a: subnet-0aaaaaaaaaaaaaaa1',
        '      us-east-1b: subnet-0aaaaaaaaaaaaaaa1',
        '      us-east-1c: subnet-0ccccccccccccccc3',
        'nodes:',
        '  kafka: { instanceType: m6i.large, minPerZone: 1, maxPerZone: 1 }',
        "autoscaling: { mode: 'off' }",
        '',
      ].join('\n'),
    );
    expect(previousStatus).toBe(0);
    expect(result.status).toBe(1);
    for (const expected of [
      'kafka.external.allowedCidrs[2]: "10.0.0.0/8" is already kafka.external.allowedCidrs[0]',
      'kafka.external.subnets["us-east-1b"]: "subnet-0aaaaaaaaaaaaaaa1" is also kafka.external.subnets["us-east-1a"]',
      'kafka.version: "4.0.0" is not a Kafka version Strimzi 1.2.0 runs',
      'kafka.controllerResources.memoryGi: 0.25 GiB is below the 1 GiB',
      'kafka.config["segment.ms"]: is a topic-level key',
      'kafka.config["log.retention.hour"]: is not a Kafka broker key',
      'kafka.config["inter.broker.protocol.version"]: was removed from Kafka 4',
      'kafka.config["create.topic.policy.class.name"]: "com.example.Policy" names a plugin class',
      'kafka.config["group.consumer.session.timeout.ms"]: group.consumer.min.session.timeout.ms (default 45000)',
      'kafka.storage.sizeGi: 50 GiB on each of 3 brokers is 150 GiB',
      'kafka.config["ssl.cipher.suites"]: "TLS_AES_128_GCM_SHA256" has no cipher suite for the protocols the broker can negotiate (TLSv1.2)',
      'kafka.config["listener.name.external.max.connections"]: 500 does nothing',
      'kafka.config["max.connections"]: 0 shuts every client listener',
      'kafka.config["zookeeper.connection.timeout.ms"]: was removed from Kafka 4',
      'kafka.topics[1].config["leader.replication.throttled.replicas"]: "0-1000" has "0-1000", but Kafka takes only',
      'kafka.topics[2].partitions: 20000 partitions cannot be created',
      'kafka.topics[3].config["segment.jitter.ms"]: a roll jitter of up to 86400000',
      'kafka.config["group.min.session.timeout.ms"]: group.min.session.timeout.ms 2000000 is above group.max.session.timeout.ms 1800000',
      'kafka.config["group.consumer.migration.policy"]: "both" is not one of disabled, upgrade, downgrade, bidirectional',
      'kafka.config["early.start.listeners"]: "TLS-9093" names TLS-9093, but Strimzi writes kafka.config into every node',
      'kafka.config["max.connections.per.ip.overrides"]: "10.0.0.0/8:100" has entries Kafka cannot read',
      'kafka.config["socket.receive.buffer.bytes"]: 0 is not a socket buffer size Java accepts',
      'kafka.config["offsets.topic.compression.codec"]: 9 is no compression type id',
      'kafka.config["offsets.topic.segment.bytes"]: 524288 becomes the segment.bytes of __consumer_offsets',
      'kafka.config["group.consumer.assignors"]: "uniform," has an empty entry',
      'Nothing was written.',
    ]) {
      expect(result.stderr).toContain(expected);
    }
    expect(after).toEqual(before);
  });
});
