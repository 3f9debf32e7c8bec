/** Kubernetes names of Kafka topics and Kafka's own name clashes (issue #12, reproduction 3). */
import fc from 'fast-check';
import { SpecError, parseSpec } from '../../spec';
import { isDns1123Subdomain, kafkaCollisionKey, topicResourceName } from '../../spec/topic-names';
import { specInput } from '../util/specs';

/** Kafka's legal topic names: 1-249 of [a-zA-Z0-9._-], not "." or "..". */
const kafkaTopicName = fc
  .stringMatching(/^[a-zA-Z0-9._-]{1,249}$/)
  .filter(name => name !== '.' && name !== '..');

describe('topicResourceName', () => {
  // Reproduction 3: these valid Kafka names became invalid metadata.names.
  it.each(['orders._dlq', 'orders..v2', 'Orders-.retry', '_', '-', '...', '__consumer_offsets'])(
    'maps %s to a DNS-1123 subdomain',
    name => {
      expect(isDns1123Subdomain(topicResourceName(name))).toBe(true);
    },
  );

  it('keeps names that already are DNS-1123 subdomains', () => {
    expect(topicResourceName('orders')).toBe('orders');
    expect(topicResourceName('audit.log')).toBe('audit.log');
  });

  it('gives every legal Kafka name a valid, deterministic resource name', () => {
    fc.assert(
      fc.property(kafkaTopicName, name => {
        const mapped = topicResourceName(name);
        expect(isDns1123Subdomain(mapped)).toBe(true);
        expect(topicResourceName(name)).toBe(mapped);
      }),
      { numRuns: 2000 },
    );
  });

  it('never maps two different Kafka names to one resource name', () => {
    fc.assert(
      fc.property(kafkaTopicName, kafkaTopicName, (a, b) => {
        fc.pre(a !== b);
        expect(topicResourceName(a)).not.toBe(topicResourceName(b));
      }),
      { numRuns: 2000 },
    );
    // Near-identical names that the old cleanup merged:
    const similar = ['a_b', 'a-b', 'A-b', 'a--b', 'a.-b', 'a._b'];
    expect(new Set(similar.map(topicResourceName)).size).toBe(similar.length);
  });
});

describe('topic names in the spec', () => {
  it('synthesizes KafkaTopics for tricky names with spec.topicName carrying the Kafka name', () => {
    const loaded = parseSpec({
      ...specInput(3, 1),
      kafka: {
        ...specInput(3, 1).kafka,
        topics: ['orders._dlq', 'orders..v2', 'Orders-.retry'].map(name => ({
          name,
          partitions: 3,
        })),
      },
    });
    expect(loaded.spec.kafka.topics.map(t => topicResourceName(t.name))).toEqual([
      expect.stringMatching(/^orders\.dlq-[0-9a-f]{8}$/),
      expect.stringMatching(/^orders\.v2-[0-9a-f]{8}$/),
      expect.stringMatching(/^orders\.retry-[0-9a-f]{8}$/),
    ]);
  });

  it('throws when two topics differ only in . versus _', () => {
    expect(kafkaCollisionKey('orders.v1')).toBe(kafkaCollisionKey('orders_v1'));
    const input = specInput(3, 1);
    expect(() =>
      parseSpec({
        ...input,
        kafka: {
          ...input.kafka,
          topics: [
            { name: 'orders.v1', partitions: 3 },
            { name: 'orders_v1', partitions: 3 },
          ],
        },
      }),
    ).toThrow(
      new SpecError([
        {
          path: 'kafka.topics[1].name',
          message:
            '"orders_v1" and kafka.topics[0] ("orders.v1") differ only in \'.\' versus \'_\', which Kafka treats as the same in metric names and refuses to create both; rename one',
        },
      ]),
    );
  });
});

describe('Kafka internal topics', () => {
  const problemsFor = (name: string): string[] => {
    const base = specInput(3, 1);
    try {
      parseSpec({ ...base, kafka: { ...base.kafka, topics: [{ name, partitions: 3 }] } });
    } catch (error) {
      if (error instanceof SpecError) return error.issues.map(i => `${i.path}: ${i.message}`);
      throw error;
    }
    return [];
  };

  it.each([
    '__consumer_offsets',
    '__transaction_state',
    '__share_group_state',
    '__cluster_metadata',
  ])('rejects %s: Kafka manages it itself', name => {
    expect(problemsFor(name)).toEqual([
      `kafka.topics[0].name: "${name}" is a Kafka internal topic, which Kafka manages itself; remove it from kafka.topics`,
    ]);
  });

  it.each(['__consumer.offsets', '_.transaction_state', '..cluster.metadata'])(
    'rejects %s: it collides with an internal topic',
    name => {
      expect(problemsFor(name)[0]).toMatch(
        /differs from Kafka's internal topic "__[a-z_]+" only in '\.' versus '_'/,
      );
    },
  );

  it('accepts other names starting with underscores', () => {
    expect(problemsFor('__orders')).toEqual([]);
  });
});
