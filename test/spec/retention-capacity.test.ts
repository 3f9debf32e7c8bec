/**
 * Round 16: topics without a size limit still hold one whole active segment per replica under
 * steady writes before retention.ms or compaction frees anything (spec/retention-capacity.ts `activeSegmentWarnings`);
 * the size-based refusal (`retentionCapacityIssues`, strimzi/strimzi-kafka-operator#11845) skipped
 * them. A warning; the CLI case is in strimzi-reports-16-cli.test.ts.
 */
import fc from 'fast-check';
import { activeSegmentWarnings } from '../../spec/retention-capacity';
import { platformSpecSchema, type PlatformSpecInput } from '../../spec/schema';
import { specInput, specProblems } from '../util/specs';

const GIB = 2 ** 30;

function input(
  sizeGi: number,
  partitions: number,
  topicConfig: Record<string, string | number> = {},
  broker: Record<string, string | number> = {},
): PlatformSpecInput {
  const base = specInput(3, 1);
  return {
    ...base,
    kafka: {
      ...base.kafka,
      storage: { sizeGi },
      config: broker,
      topics: [{ name: 'events', partitions, config: topicConfig }],
    },
  };
}

function warnings(...args: Parameters<typeof input>): string[] {
  return activeSegmentWarnings(platformSpecSchema.parse(input(...args))).map(
    w => `${w.path}: ${w.message}`,
  );
}

describe('round 16, class: active segments alone fill the volumes (time retention)', () => {
  it('warns when 60 partitions of 1 GiB segments meet 5 GiB volumes', () => {
    expect(warnings(5, 60)).toEqual([
      `kafka.storage.sizeGi: 5 GiB on each of 3 brokers is 15 GiB, but the topics without retention.bytes can hold 180 GiB before retention.ms or compaction frees anything (under steady writes a partition's active segment is neither deleted nor compacted until it rolls at segment.bytes, so each replica may fill one whole segment first; "events": 60 partitions x 3 replicas x 1 GiB (segment.bytes, Kafka's default) = 180 GiB), so with enough traffic the volumes fill first and the brokers stop; raise kafka.storage.sizeGi to at least 60, or lower segment.bytes (log.segment.bytes), or set retention.bytes`,
    ]);
    expect(specProblems(input(5, 60))).toEqual([]);
  });

  it('property: warned exactly when partitions x replicas x segment.bytes exceed the volumes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 500 }),
        fc.constantFrom(1048576, 104857600, 536870912, 1073741824),
        fc.boolean(),
        fc.constantFrom<string | undefined>(undefined, 'compact', 'delete'),
        (sizeGi, partitions, segment, onBroker, policy) => {
          const topic: Record<string, string | number> = {};
          const broker: Record<string, string | number> = {};
          if (onBroker) broker['log.segment.bytes'] = segment;
          else topic['segment.bytes'] = segment;
          if (policy !== undefined) topic['cleanup.policy'] = policy;
          const needed = partitions * 3 * segment;
          expect(warnings(sizeGi, partitions, topic, broker)).toHaveLength(
            needed > 3 * sizeGi * GIB ? 1 : 0,
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it('leaves topics with retention.bytes to the size-based refusal', () => {
    expect(warnings(5, 60, { 'retention.bytes': 1073741824 })).toEqual([]);
  });
});
