/**
 * Round 15 through `kafka-eks synth` as a user runs it: a spec with one case of each round 15 class
 * that is refused (spec/kafka-broker-formats.ts, spec/record-size-floors.ts, spec/log-flush.ts,
 * spec/tiered-storage-keys.ts, spec/segment-roll.ts, spec/kafka-config.ts) exits 1, names every
 * problem, and leaves an existing output folder byte-identical.
 */
import { synthOverDevOutput } from '../cli/synth-run';

describe('synth refuses the round 15 classes', () => {
  it('round 15: exits 1 on one case of each class, names each and writes nothing', () => {
    const { previousStatus, result, before, after } = synthOverDevOutput(
      'strimzi-reports-15',
      [
        'name: orders-dev',
        'region: us-east-1',
        'zones: [us-east-1a, us-east-1b, us-east-1c]',
        'kafka:',
        '  brokers: 3',
        '  storage: { sizeGi: 50 }',
        '  config:',
        '    broker.session.timeout.ms: 0',
        '    offset.metadata.max.bytes: -1',
        '    log.flush.interval.ms: 1000',
        '    log.local.retention.bytes: 1073741824',
        '    log.index.size.max.bytes: 8',
        '    leader.imbalance.per.broker.percentage: 5',
        '  topics:',
        '    - name: orders',
        '      partitions: 6',
        '      config: { max.message.bytes: 0, flush.ms: 500, local.retention.ms: 3600000, segment.index.bytes: 4 }',
        'nodes:',
        '  kafka: { instanceType: m6i.large, minPerZone: 1, maxPerZone: 1 }',
        "autoscaling: { mode: 'off' }",
        '',
      ].join('\n'),
    );
    expect(previousStatus).toBe(0);
    expect(result.status).toBe(1);
    for (const expected of [
      'kafka.config["broker.session.timeout.ms"]: 0 is no timeout Kafka can wait for',
      'kafka.config["offset.metadata.max.bytes"]: -1 bytes is smaller than the empty metadata string',
      'kafka.topics[0].config["max.message.bytes"]: 0 bytes is smaller than a record batch\'s 61-byte header',
      'kafka.config["log.flush.interval.ms"]: 1000 asks for an fsync every 1000 ms',
      'kafka.topics[0].config["flush.ms"]: 500 asks for an fsync every 500 ms',
      'kafka.config["log.local.retention.bytes"]: 1073741824 sets the default local.retention.bytes, but this platform runs no tiered storage',
      'kafka.topics[0].config["local.retention.ms"]: 3600000 is a tiered-storage setting',
      'kafka.config["log.index.size.max.bytes"]: 8 bytes holds no time index entry',
      'kafka.topics[0].config["segment.index.bytes"]: 4 bytes holds no time index entry',
      'kafka.config["leader.imbalance.per.broker.percentage"]: was removed from Kafka 4',
      'Nothing was written.',
    ]) {
      expect(result.stderr).toContain(expected);
    }
    expect(after).toEqual(before);
  });
});
