/**
 * Round 15: compression levels set where the broker never compresses with their codec
 * (spec/compression-levels.ts): a warning, since the level only does nothing (KIP-390).
 */
import fc from 'fast-check';
import { COMPRESSION_LEVEL_KEYS } from '../../spec/compression-levels';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

type Config = Record<string, string | number>;

/** The level warnings of a valid spec with this broker map and one topic with this config. */
function levelWarnings(broker: Config, topic: Config): string[] {
  const base = specInput(3, 1);
  return parseSpec({
    ...base,
    kafka: {
      ...base.kafka,
      config: broker,
      topics: [{ name: 'events', partitions: 12, config: topic }],
    },
  })
    .warnings.filter(w => w.message.includes('the level changes nothing'))
    .map(w => `${w.path}: ${w.message}`);
}

const LEVELS: Readonly<Record<string, number>> = {
  'compression.gzip.level': 6,
  'compression.lz4.level': 9,
  'compression.zstd.level': 3,
};

describe('round 15, class: a compression level for a codec the broker never compresses with', () => {
  it('warns when a topic sets compression.lz4.level and keeps compression.type producer', () => {
    expect(levelWarnings({}, { 'compression.lz4.level': 9 })).toEqual([
      'kafka.topics[0].config["compression.lz4.level"]: 9 sets the lz4 level, but the topic\'s compression.type is "producer", so the broker never compresses this topic with lz4 and the level changes nothing (KIP-390); set the topic\'s compression.type to lz4, set the level in the producers, or remove compression.lz4.level',
    ]);
  });

  it('property: a level warns exactly when no place it applies to uses its codec', () => {
    const types = fc.constantFrom<string | undefined>(
      undefined,
      'producer',
      'uncompressed',
      'snappy',
      'gzip',
      'lz4',
      'zstd',
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(COMPRESSION_LEVEL_KEYS)),
        types,
        types,
        fc.boolean(),
        (key, brokerType, topicType, onTopic) => {
          const codec = COMPRESSION_LEVEL_KEYS[key] ?? '';
          const broker: Config = brokerType === undefined ? {} : { 'compression.type': brokerType };
          const topic: Config = topicType === undefined ? {} : { 'compression.type': topicType };
          const level = LEVELS[key] ?? 1;
          if (onTopic) topic[key] = level;
          else broker[key] = level;
          const effectiveBroker = brokerType ?? 'producer';
          const effectiveTopic = topicType ?? effectiveBroker;
          const used = onTopic
            ? effectiveTopic === codec
            : effectiveBroker === codec || effectiveTopic === codec;
          expect(levelWarnings(broker, topic)).toHaveLength(used ? 0 : 1);
        },
      ),
      { numRuns: 80 },
    );
  });
});
