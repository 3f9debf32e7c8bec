/**
 * Round 15: tiered-storage keys on a platform that runs no tiered storage
 * (spec/tiered-storage-keys.ts): local retention and a topic's remote-tier switches are refused,
 * the remote log manager's tuning keys are warned about. The CLI refusal is in
 * strimzi-reports-15-cli.test.ts.
 */
import fc from 'fast-check';
import {
  TIERED_BROKER_PREFIXES,
  TIERED_BROKER_RETENTION_KEYS,
  TIERED_TOPIC_KEYS,
} from '../../spec/tiered-storage-keys';
import { KAFKA_4_BROKER_KEY_NAMES } from '../../spec/kafka-broker-key-names';
import { parseSpec } from '../../spec/load';
import { kafkaConfigProblems, specInput, specProblems } from '../util/specs';

function topicProblems(config: Record<string, string | number | boolean>): string[] {
  const base = specInput(3, 1);
  return specProblems({
    ...base,
    kafka: { ...base.kafka, topics: [{ name: 'events', partitions: 12, config }] },
  }).filter(problem => problem.startsWith('kafka.topics[0]'));
}

describe('round 15, class: a tiered-storage setting without tiered storage', () => {
  it('throws when a topic sets local.retention.bytes (the volume keeps retention.bytes)', () => {
    expect(topicProblems({ 'local.retention.bytes': 1073741824 })).toEqual([
      'kafka.topics[0].config["local.retention.bytes"]: 1073741824 is a tiered-storage setting, but this platform runs no tiered storage (no remote storage plugin, remote.log.storage.system.enable stays false, and remote.storage.enable is refused), so Kafka ignores it: it bounds only the local copy of a topic with remote storage; without it the partition keeps everything retention.bytes allows on the broker volume; bound the topic with retention.bytes instead, or remove local.retention.bytes',
    ]);
  });

  it('throws when kafka.config sets log.local.retention.ms', () => {
    expect(
      kafkaConfigProblems({ 'log.local.retention.ms': 3600000 }).filter(p =>
        p.startsWith('kafka.config["log.local.retention.ms"]'),
      ),
    ).toEqual([
      'kafka.config["log.local.retention.ms"]: 3600000 sets the default local.retention.ms, but this platform runs no tiered storage (no remote storage plugin, remote.log.storage.system.enable stays false, and remote.storage.enable is refused), so Kafka ignores it: it bounds only the local copy of a topic with remote storage; without it the partition keeps everything retention.ms allows on the broker volume; bound disk use with log.retention.ms or log.retention.bytes instead, or remove log.local.retention.ms',
    ]);
  });

  it('property: every tiered topic key is refused once, whatever its value', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(TIERED_TOPIC_KEYS)),
        fc.oneof(fc.boolean(), fc.integer({ min: -2, max: 2 ** 31 - 1 }), fc.constant('true')),
        (key, value) => {
          expect(
            topicProblems({ [key]: value }).filter(p => p.includes('is a tiered-storage setting')),
          ).toEqual([expect.stringContaining(`config[${JSON.stringify(key)}]`)]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('property: every broker local retention key is refused once', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(TIERED_BROKER_RETENTION_KEYS)),
        fc.integer({ min: -2, max: 2 ** 31 - 1 }),
        (key, value) => {
          expect(
            kafkaConfigProblems({ [key]: value }).filter(p => p.includes('runs no tiered storage')),
          ).toHaveLength(1);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("property: every remote log manager key of Kafka 4.3's table is warned about, not refused", () => {
    const tuning = KAFKA_4_BROKER_KEY_NAMES.filter(
      key =>
        TIERED_BROKER_PREFIXES.some(prefix => key.startsWith(prefix)) &&
        key !== 'remote.log.storage.system.enable' &&
        !/\.(class|class\.name|classes)$/.test(key) &&
        !key.endsWith('.impl.prefix') &&
        !key.endsWith('.class.path') &&
        !key.endsWith('.listener.name'),
    );
    expect(tuning.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(fc.constantFrom(...tuning), key => {
        const base = specInput(3, 1);
        const input = { ...base, kafka: { ...base.kafka, config: { [key]: '10' } } };
        const warnings = parseSpec(input).warnings.filter(w =>
          w.message.includes('remote log manager'),
        );
        expect(warnings.map(w => w.path)).toEqual([`kafka.config[${JSON.stringify(key)}]`]);
        expect(
          specProblems(input).filter(p => p.includes('tiered storage') && p.includes(key)),
        ).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});
