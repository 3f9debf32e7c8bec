/**
 * Round 14 through `kafka-eks synth` as a user runs it: a spec with one case of each round 14 class
 * (spec/kafka-broker-formats.ts, spec/kafka-config.ts) exits 1, names every problem, does not echo
 * the secret, and leaves an existing output folder byte-identical.
 */
import { synthOverDevOutput } from '../cli/synth-run';

describe('synth refuses the round 14 classes', () => {
  it('round 14: exits 1 on one case of each class, names each and writes nothing', () => {
    const { previousStatus, result, before, after } = synthOverDevOutput(
      'strimzi-reports-14',
      [
        'name: orders-dev',
        'region: us-east-1',
        'zones: [us-east-1a, us-east-1b, us-east-1c]',
        'kafka:',
        '  brokers: 6',
        '  replicationFactor: 4',
        '  minInSyncReplicas: 3',
        '  storage: { sizeGi: 50 }',
        '  config:',
        '    metrics.recording.level: verbose',
        '    initial.broker.registration.timeout.ms: 0',
        '    controller.quorum.fetch.timeout.ms: 0',
        '    log.flush.offset.checkpoint.interval.ms: 0',
        '    log.message.downconversion.enable: false',
        '    log.cleaner.threads: 0',
        '    delegation.token.secret.key: c2VjcmV0',
        '  topics:',
        '    - { name: orders, partitions: 6, config: { message.downconversion.enable: true } }',
        'nodes:',
        '  kafka: { instanceType: m6i.large, minPerZone: 1, maxPerZone: 2 }',
        "autoscaling: { mode: 'off' }",
        '',
      ].join('\n'),
    );
    expect(previousStatus).toBe(0);
    expect(result.status).toBe(1);
    for (const expected of [
      'kafka.config["metrics.recording.level"]: "verbose" is not one of info, debug, trace',
      'kafka.config["initial.broker.registration.timeout.ms"]: 0 is no timeout Kafka can wait for',
      'kafka.config["controller.quorum.fetch.timeout.ms"]: 0 is no timeout Kafka can wait for',
      'kafka.config["log.flush.offset.checkpoint.interval.ms"]: 0 is no period',
      'kafka.config["log.message.downconversion.enable"]: was removed from Kafka 4',
      'kafka.topics[0].config["message.downconversion.enable"]: was removed from Kafka 4',
      'kafka.config["log.cleaner.threads"]: 0 starts no log cleaner thread',
      'kafka.config["delegation.token.secret.key"]: holds a secret',
      'kafka.minInSyncReplicas: 3 is more than the 2 replicas left when one zone fails',
      'Nothing was written.',
    ]) {
      expect(result.stderr).toContain(expected);
    }
    expect(result.stderr).not.toContain('c2VjcmV0');
    expect(after).toEqual(before);
  });
});
