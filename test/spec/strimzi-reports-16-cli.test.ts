/**
 * Round 16 through `kafka-eks synth` as a user runs it: a spec with one case of each refused round
 * 16 class (spec/record-timestamps.ts, spec/kafka-config.ts `controlled.shutdown.enable`,
 * spec/log-cleaner.ts) exits 1, names every problem, and leaves an existing output folder
 * byte-identical; a spec with one case of each warned class (a short timestamp window, active
 * segments over the volumes, keys the cleanup policy never reads, a compact-only broker default,
 * automatic leader rebalancing off) is synthesized with each warning printed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth, synthOverDevOutput } from '../cli/synth-run';

const HEAD = [
  'name: orders-dev',
  'region: us-east-1',
  'zones: [us-east-1a, us-east-1b, us-east-1c]',
  'kafka:',
  '  brokers: 3',
];
const TAIL = [
  'nodes:',
  '  kafka: { instanceType: m6i.large, minPerZone: 1, maxPerZone: 1 }',
  "autoscaling: { mode: 'off' }",
  '',
];

describe('synth and the round 16 classes', () => {
  it('round 16: exits 1 on one case of each refused class, names each and writes nothing', () => {
    const { previousStatus, result, before, after } = synthOverDevOutput(
      'strimzi-reports-16',
      [
        ...HEAD,
        '  storage: { sizeGi: 50 }',
        '  config:',
        '    controlled.shutdown.enable: false',
        '    log.message.timestamp.before.max.ms: 0',
        '    log.cleaner.io.buffer.size: 0',
        '    log.cleaner.io.buffer.load.factor: 1.5',
        '  topics:',
        '    - name: orders',
        '      partitions: 6',
        '      config: { message.timestamp.before.max.ms: 0 }',
        ...TAIL,
      ].join('\n'),
    );
    expect(previousStatus).toBe(0);
    expect(result.status).toBe(1);
    for (const expected of [
      'kafka.config["controlled.shutdown.enable"]: false makes every broker stop without handing its partition leaders over first',
      'kafka.config["log.message.timestamp.before.max.ms"]: 0 refuses every record of every topic without its own message.timestamp.before.max.ms',
      'kafka.topics[0].config["message.timestamp.before.max.ms"]: 0 refuses every record of topic "orders"',
      'kafka.config["log.cleaner.io.buffer.size"]: 0 over 1 cleaner thread(s) (Kafka\'s default) leaves each thread read and write buffers of 0 / 1 / 2 = 0 bytes',
      'kafka.config["log.cleaner.io.buffer.load.factor"]: 1.5 has the cleaner put more keys into its offset map than it has slots',
      'Nothing was written.',
    ]) {
      expect(result.stderr).toContain(expected);
    }
    expect(after).toEqual(before);
  });

  it('round 16: synthesizes a spec with one case of each warned class and prints each warning', () => {
    const work = mkdtempSync(join(tmpdir(), 'strimzi-reports-16-warn-'));
    const spec = join(work, 'spec.yaml');
    writeFileSync(
      spec,
      [
        ...HEAD,
        '  storage: { sizeGi: 5 }',
        '  config:',
        '    log.cleanup.policy: compact',
        '    auto.leader.rebalance.enable: false',
        '  topics:',
        '    - name: orders',
        '      partitions: 30',
        '      config: { message.timestamp.before.max.ms: 60000, retention.ms: 86400000 }',
        '    - name: audit',
        '      partitions: 3',
        '      config: { cleanup.policy: delete, min.compaction.lag.ms: 60000 }',
        ...TAIL,
      ].join('\n'),
    );
    const result = synth(['--config', spec, '--out', join(work, 'out')]);
    expect(result.stderr).not.toContain('problem');
    expect(result.status).toBe(0);
    for (const expected of [
      'kafka.topics[0].config["message.timestamp.before.max.ms"]: 60000 ms refuses records of topic "orders" stamped longer ago than that',
      'kafka.storage.sizeGi: 5 GiB on each of 3 brokers is 15 GiB, but the topics without retention.bytes can hold',
      'kafka.config["log.cleanup.policy"]: "compact" compacts every topic without its own cleanup.policy (here "orders")',
      'kafka.topics[0].config["retention.ms"]: 86400000 is never applied',
      'kafka.topics[1].config["min.compaction.lag.ms"]: 60000 is never applied',
      'kafka.config["auto.leader.rebalance.enable"]: false stops the controllers from moving leaders back',
    ]) {
      expect(result.stderr).toContain(expected);
    }
  });
});
