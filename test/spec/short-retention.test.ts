/**
 * Round 15: retention the broker cannot keep anything under (spec/short-retention.ts): a time
 * retention below the retention check interval, a size retention below one segment, 0 included.
 * A warning, since purging a topic this way can be meant.
 */
import fc from 'fast-check';
import { KAFKA_RETENTION_CHECK_MS, KAFKA_SEGMENT_BYTES } from '../../spec/short-retention';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

type Config = Record<string, string | number>;

function retentionWarnings(broker: Config, topic: Config): string[] {
  const base = specInput(3, 1);
  return parseSpec({
    ...base,
    kafka: {
      ...base.kafka,
      config: broker,
      topics: [{ name: 'events', partitions: 12, config: topic }],
    },
  })
    .warnings.filter(w => /retention/.test(w.path) && w.message.includes('read or not'))
    .map(w => `${w.path}: ${w.message}`);
}

describe('round 15, class: a retention the broker keeps nothing under', () => {
  it('warns when a topic sets retention.ms to 0 (Kafka takes it; the broker key 0 is refused)', () => {
    expect(retentionWarnings({}, { 'retention.ms': 0 })).toEqual([
      'kafka.topics[0].config["retention.ms"]: 0 keeps records for 0 ms, less than the 300000 ms between the broker\'s retention checks (log.retention.check.interval.ms), so Kafka deletes the records of this topic ("events") at the next retention check, read or not, and consumers that fall behind lose records without an error; keep a retention consumers can keep up with (-1 for no limit), or remove retention.ms',
    ]);
  });

  it('warns when log.retention.bytes is 0', () => {
    expect(retentionWarnings({ 'log.retention.bytes': 0 }, {})).toEqual([
      'kafka.config["log.retention.bytes"]: 0 bytes is less than one segment (1073741824 bytes), so every closed segment is over the limit and a partition keeps at most the segment being written, and Kafka deletes the records of every topic without its own retention.bytes at the next retention check, read or not, and consumers that fall behind lose records without an error; make it at least a few segments (or lower the segment size), use -1 for no limit, or remove log.retention.bytes',
    ]);
  });

  it('property: a time retention warns exactly below the check interval (own or default)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1000, max: 3_600_000 }), { nil: undefined }),
        fc.integer({ min: -1, max: 7_200_000 }),
        (check, retention) => {
          const broker: Config =
            check === undefined ? {} : { 'log.retention.check.interval.ms': check };
          const interval = check ?? KAFKA_RETENTION_CHECK_MS;
          expect(retentionWarnings(broker, { 'retention.ms': retention })).toHaveLength(
            retention >= 0 && retention < interval ? 1 : 0,
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('property: a size retention warns exactly below the effective segment size', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1_048_576, max: KAFKA_SEGMENT_BYTES }), { nil: undefined }),
        fc.integer({ min: -1, max: 2 * KAFKA_SEGMENT_BYTES }),
        fc.boolean(),
        (segment, retention, onTopic) => {
          const broker: Config = {};
          const topic: Config = {};
          if (segment !== undefined) topic['segment.bytes'] = segment;
          if (onTopic) topic['retention.bytes'] = retention;
          else broker['log.retention.bytes'] = retention;
          // The broker key is measured against the broker's segment size (Kafka's default here).
          const limit = onTopic ? (segment ?? KAFKA_SEGMENT_BYTES) : KAFKA_SEGMENT_BYTES;
          expect(retentionWarnings(broker, topic)).toHaveLength(
            retention >= 0 && retention < limit ? 1 : 0,
          );
        },
      ),
      { numRuns: 50 },
    );
  });
});
