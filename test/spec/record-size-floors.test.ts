/**
 * Round 15: size limits below which nothing fits (spec/record-size-floors.ts): a record limit
 * below a batch's 61-byte header, an offset metadata limit below the empty string. Each class has a
 * `throws when` test with the message and a fast-check property; the CLI refusal is in
 * strimzi-reports-15-cli.test.ts.
 */
import fc from 'fast-check';
import { RECORD_BATCH_OVERHEAD_BYTES, SIZE_FLOORS } from '../../spec/record-size-floors';
import { kafkaConfigProblems, specInput, specProblems } from '../util/specs';

/** The problems at one key of kafka.config on a 3-zone, 1-broker-a-zone spec. */
function brokerProblems(key: string, value: string | number): string[] {
  return kafkaConfigProblems({ [key]: value }).filter(problem =>
    problem.startsWith(`kafka.config[${JSON.stringify(key)}]`),
  );
}

/** The problems at one key of a topic's config. */
function topicProblems(key: string, value: string | number): string[] {
  const base = specInput(3, 1);
  return specProblems({
    ...base,
    kafka: {
      ...base.kafka,
      topics: [{ name: 'events', partitions: 12, config: { [key]: value } }],
    },
  }).filter(problem => problem.startsWith(`kafka.topics[0].config[${JSON.stringify(key)}]`));
}

function problemsAt(key: string, value: string | number): string[] {
  return SIZE_FLOORS[key]?.scope === 'topic'
    ? topicProblems(key, value)
    : brokerProblems(key, value);
}

describe('round 15, class: a record size limit below the smallest record batch', () => {
  // apache/kafka DefaultRecordBatch.RECORD_BATCH_OVERHEAD: the v2 batch header is 61 bytes; the
  // broker refuses a batch above max.message.bytes (message.max.bytes) with RecordTooLargeException.
  it('throws when message.max.bytes is 0 (no producer can write, no group can commit)', () => {
    expect(brokerProblems('message.max.bytes', 0)).toEqual([
      "kafka.config[\"message.max.bytes\"]: 0 bytes is smaller than a record batch's 61-byte header (DefaultRecordBatch.RECORD_BATCH_OVERHEAD) alone, so Kafka refuses every batch written to a topic without its own max.message.bytes with RecordTooLargeException, Kafka's own __consumer_offsets included, so no producer can write and no consumer group can commit; use at least 61 (in practice at least the largest batch your clients send; Kafka's default is 1048588), or remove message.max.bytes for Kafka's default",
    ]);
  });

  it('throws when a topic sets max.message.bytes to 0', () => {
    expect(topicProblems('max.message.bytes', 0)).toEqual([
      "kafka.topics[0].config[\"max.message.bytes\"]: 0 bytes is smaller than a record batch's 61-byte header (DefaultRecordBatch.RECORD_BATCH_OVERHEAD) alone, so Kafka refuses every batch written to the topic with RecordTooLargeException, so no producer can write; use at least 61 (in practice at least the largest batch your clients send; Kafka's default is 1048588), or remove max.message.bytes for Kafka's default",
    ]);
  });

  it('property: 0-60 are refused once, 61 and above pass, negatives only by the range check', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('message.max.bytes', 'max.message.bytes'),
        fc.integer({ min: 0, max: RECORD_BATCH_OVERHEAD_BYTES - 1 }),
        fc.integer({ min: RECORD_BATCH_OVERHEAD_BYTES, max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: -1 }),
        fc.boolean(),
        (key, small, fits, negative, quoted) => {
          const write = (n: number): string | number => (quoted ? String(n) : n);
          expect(problemsAt(key, write(small))).toEqual([
            expect.stringContaining('61-byte header'),
          ]);
          expect(problemsAt(key, write(fits)).filter(p => p.includes('61-byte header'))).toEqual(
            [],
          );
          expect(problemsAt(key, write(negative))).toEqual([
            expect.stringContaining('is out of range'),
          ]);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('round 15, class: offset.metadata.max.bytes below the empty metadata string', () => {
  // apache/kafka group coordinator isMetadataInvalid: metadata longer than the limit is refused
  // (OFFSET_METADATA_TOO_LARGE); the Java consumer commits "" by default.
  it('throws when offset.metadata.max.bytes is -1 (every offset commit fails)', () => {
    expect(brokerProblems('offset.metadata.max.bytes', -1)).toEqual([
      'kafka.config["offset.metadata.max.bytes"]: -1 bytes is smaller than the empty metadata string the Java consumer commits by default, so Kafka refuses every offset commit with OFFSET_METADATA_TOO_LARGE, so consumer groups never keep their position and start over from auto.offset.reset after each rebalance or restart; use 0 or more (Kafka\'s default is 4096), or remove offset.metadata.max.bytes for Kafka\'s default',
    ]);
  });

  it('property: every negative int is refused once, 0 and above pass', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: -1 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (negative, fine) => {
          expect(brokerProblems('offset.metadata.max.bytes', negative)).toHaveLength(1);
          expect(brokerProblems('offset.metadata.max.bytes', fine)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
