/**
 * Eighth round of issue #12 (spec validation against public reports), the spec side: a value
 * Kafka, Strimzi, EBS or the AWS Load Balancer Controller refuses or breaks on that the spec let
 * through. Each report is one test that cites it; each class gets a fast-check property.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import { specInput, specProblems } from '../util/specs';

type Config = Record<string, string | number | boolean>;

function withBrokerConfig(config: Config, topicConfig?: Config): PlatformSpecInput {
  const base = specInput(3, 1);
  return {
    ...base,
    kafka: {
      ...base.kafka,
      config,
      ...(topicConfig === undefined
        ? {}
        : { topics: [{ name: 'events', partitions: 12, config: topicConfig }] }),
    },
  };
}

function warningsAt(input: PlatformSpecInput, pathEnd: string): string[] {
  return parseSpec(input)
    .warnings.filter(warning => warning.path.endsWith(pathEnd))
    .map(warning => `${warning.path}: ${warning.message}`);
}

describe('class: a message size limit above the segment size it is written into', () => {
  // https://github.com/emqx/emqx/pull/15906: with max.message.bytes above segment.bytes, Kafka's
  // log refused batches the message size check had accepted (RecordBatchTooLargeException,
  // record_list_too_large), and the producer retried them forever. The spec checked message
  // limits only against socket.request.max.bytes.
  it('throws when a topic allows 8 MiB batches in 4 MiB segments (emqx/emqx#15906)', () => {
    const input = withBrokerConfig({}, { 'max.message.bytes': 8388608, 'segment.bytes': 4194304 });
    expect(specProblems(input)).toEqual([
      'kafka.topics[0].config["max.message.bytes"]: 8388608 is above the segment size 4194304 (kafka.topics[0].config["segment.bytes"]): Kafka\'s log refuses to append a record batch larger than the segment size (RecordBatchTooLargeException) after the message size check has accepted it, so producers of batches between 4194304 and 8388608 bytes get an error no retry fixes (emqx/emqx#15906); use at most 4194304, or raise the segment size to at least 8388608',
    ]);
  });

  it("throws at the smallest segment under Kafka's default message limit, naming the key to add", () => {
    expect(specProblems(withBrokerConfig({}, { 'segment.bytes': 1048576 }))).toEqual([
      'kafka.topics[0].config["segment.bytes"]: 1048576 is below the message size limit 1048588 (message.max.bytes (Kafka\'s default)): Kafka\'s log refuses to append a record batch larger than the segment size (RecordBatchTooLargeException) after the message size check has accepted it, so producers of batches between 1048576 and 1048588 bytes get an error no retry fixes (emqx/emqx#15906); use at least 1048588, or set kafka.topics[0].config["max.message.bytes"] to at most 1048576',
    ]);
    expect(
      specProblems(
        withBrokerConfig({}, { 'segment.bytes': 1048576, 'max.message.bytes': 1048576 }),
      ),
    ).toEqual([]);
  });

  it('checks the broker defaults as a pair too', () => {
    expect(
      specProblems(
        withBrokerConfig({ 'message.max.bytes': 20971520, 'log.segment.bytes': 10485760 }),
      ),
    ).toEqual([
      'kafka.config["message.max.bytes"]: 20971520 is above the segment size 10485760 (kafka.config["log.segment.bytes"]): Kafka\'s log refuses to append a record batch larger than the segment size (RecordBatchTooLargeException) after the message size check has accepted it, so producers of batches between 10485760 and 20971520 bytes get an error no retry fixes (emqx/emqx#15906); use at most 10485760, or raise the segment size to at least 20971520',
    ]);
  });

  it('refuses exactly the topics whose effective limit exceeds their effective segment size', () => {
    const size = fc.option(fc.integer({ min: 1048576, max: 16 * 1048576 }), { nil: undefined });
    fc.assert(
      fc.property(size, size, size, size, (brokerLimit, brokerSegment, limit, segment) => {
        const config: Config = {};
        if (brokerLimit !== undefined) config['message.max.bytes'] = brokerLimit;
        if (brokerSegment !== undefined) config['log.segment.bytes'] = brokerSegment;
        const topicConfig: Config = {};
        if (limit !== undefined) topicConfig['max.message.bytes'] = limit;
        if (segment !== undefined) topicConfig['segment.bytes'] = segment;
        const found = specProblems(withBrokerConfig(config, topicConfig)).filter(problem =>
          problem.includes('emqx/emqx#15906'),
        );
        const effectiveBrokerLimit = brokerLimit ?? 1048588;
        const effectiveBrokerSegment = brokerSegment ?? 1073741824;
        const brokerBroken =
          (brokerLimit !== undefined || brokerSegment !== undefined) &&
          effectiveBrokerLimit > effectiveBrokerSegment;
        const topicBroken =
          (limit !== undefined || segment !== undefined) &&
          (limit ?? effectiveBrokerLimit) > (segment ?? effectiveBrokerSegment);
        expect(found.length).toBe((brokerBroken ? 1 : 0) + (topicBroken ? 1 : 0));
      }),
      { numRuns: 120 },
    );
  });
});
