/**
 * Seventh round of issue #12, the transition side (charts/transitions.ts): changes between two
 * outputs that each pass validation alone but that Kafka refuses or breaks on once the first is
 * applied. One test per public report (cited in its name) and a fast-check property per class.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import {
  CREATION_ONLY_INTERNAL_TOPIC_KEYS,
  DEPLOYMENT_FIXED_PARTITION_COUNTS,
  transitionReport,
} from '../../charts/transitions';
import { objectsOf, kafkaResource, withKafka, type BrokerConfig } from '../util/transitions';

const SPEC = parseSpec(withKafka({})).spec;

function warnings(before: PlatformSpecInput, after: PlatformSpecInput): string[] {
  return transitionReport(objectsOf(before), objectsOf(after), parseSpec(after).spec).warnings.map(
    w => `${w.path}: ${w.message}`,
  );
}

function configReport(before: BrokerConfig, after: BrokerConfig): string[] {
  return transitionReport([kafkaResource(before)], [kafkaResource(after)], SPEC).problems.map(
    p => `${p.path}: ${p.message}`,
  );
}

describe("class: a partition count of Kafka's own coordinator topics changed after deployment", () => {
  // https://github.com/apache/kafka/pull/12911 (KAFKA-14418): raising offsets.topic.num.partitions
  // on a running cluster sent consumer groups to another coordinator than the one holding their
  // offsets (the Stack Overflow report it links: "consumer group coordinator inconsistent"); the
  // same goes for transaction.state.log.num.partitions. Kafka's own documentation of both keys,
  // and of share.coordinator.state.topic.num.partitions, says they should not change after
  // deployment: each coordinator picks a partition as hash(id) modulo the configured count.
  it('throws when offsets.topic.num.partitions goes from 50 to 60 (apache/kafka#12911)', () => {
    expect(configReport({}, { 'offsets.topic.num.partitions': 60 })).toEqual([
      'kafka.config["offsets.topic.num.partitions"]: 60 differs from the 50 the running cluster was deployed with (Kafka\'s default; the previous output does not set it); Kafka finds the coordinator partition of each consumer group as a hash modulo this count, and its topic keeps the partitions it was created with, so a new count sends groups to partitions that do not hold their committed offsets or state, and consumers rewind or stall (apache/kafka#12911, KAFKA-14418); keep 50 (remove the key, or set it to 50)',
    ]);
  });

  it('reads the running count from the previous output when it set one', () => {
    expect(
      configReport(
        { 'transaction.state.log.num.partitions': '20' },
        { 'transaction.state.log.num.partitions': 50 },
      ),
    ).toEqual([
      'kafka.config["transaction.state.log.num.partitions"]: 50 differs from the 20 of the previous output, the count the running cluster uses; Kafka finds the coordinator partition of each transactional ID as a hash modulo this count, and its topic keeps the partitions it was created with, so a new count sends transactional producers to partitions that do not hold their state, and transactions hang or abort (apache/kafka#12911, KAFKA-14418); keep 20',
    ]);
    // Removing the key returns to Kafka's default, which is a change as well.
    expect(configReport({ 'share.coordinator.state.topic.num.partitions': 10 }, {})).toHaveLength(
      1,
    );
  });

  it('refuses exactly a changed count, with the key set or left to the default on either side', () => {
    const count = fc.option(fc.constantFrom(1, 10, 50, 60, '50'), { nil: undefined });
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(DEPLOYMENT_FIXED_PARTITION_COUNTS)),
        count,
        count,
        (key, was, now) => {
          const before: BrokerConfig = was === undefined ? {} : { [key]: was };
          const after: BrokerConfig = now === undefined ? {} : { [key]: now };
          const kafkaDefault = DEPLOYMENT_FIXED_PARTITION_COUNTS[key]?.kafkaDefault;
          const changed = Number(was ?? kafkaDefault) !== Number(now ?? kafkaDefault);
          const found = configReport(before, after);
          expect(found.length).toBe(changed ? 1 : 0);
          if (changed) expect(found[0]).toContain(`kafka.config[${JSON.stringify(key)}]`);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('lets a first deployment set any count: no previous output, no transition', () => {
    expect(
      transitionReport([], [kafkaResource({ 'offsets.topic.num.partitions': 12 })], SPEC).problems,
    ).toEqual([]);
  });
});

describe("class: a replication setting of Kafka's own topics changed after they exist (warning)", () => {
  // https://github.com/Yolean/kubernetes-kafka/issues/114 and the fix in #140: a cluster started
  // with offsets.topic.replication.factor 1 kept __consumer_offsets at one replica after the
  // setting was raised, consumer groups failed on min.insync.replicas, and the maintainers told
  // users with an existing __consumer_offsets to reassign its partitions by hand. Kafka applies
  // the replication factor and min ISR of its internal topics only when it creates them.
  it('warns when kafka.replicationFactor goes from 2 to 3 (Yolean/kubernetes-kafka#114)', () => {
    expect(
      warnings(
        withKafka({ replicationFactor: 2, minInSyncReplicas: 1 }),
        withKafka({ replicationFactor: 3, minInSyncReplicas: 1 }),
      ),
    ).toEqual([
      'kafka.replicationFactor: changes offsets.topic.replication.factor 2 -> 3, share.coordinator.state.topic.replication.factor 2 -> 3, transaction.state.log.replication.factor 2 -> 3 of the previous output, but Kafka applies these only when it creates its internal topics (__consumer_offsets, __transaction_state, __share_group_state), so the existing ones keep their replicas and settings (Yolean/kubernetes-kafka#114, #140); change the running topics with kafka-reassign-partitions (replicas) or kafka-configs --alter (min.insync.replicas) as well',
    ]);
  });

  it('names the kafka.config key when the spec sets it there, and stays quiet when nothing changes', () => {
    expect(
      warnings(
        withKafka({ config: { 'transaction.state.log.min.isr': 1 } }),
        withKafka({ config: { 'transaction.state.log.min.isr': 2 } }),
      ),
    ).toEqual([
      'kafka.config["transaction.state.log.min.isr"]: changes transaction.state.log.min.isr 1 -> 2 of the previous output, but Kafka applies these only when it creates its internal topics (__consumer_offsets, __transaction_state, __share_group_state), so the existing ones keep their replicas and settings (Yolean/kubernetes-kafka#114, #140); change the running topics with kafka-reassign-partitions (replicas) or kafka-configs --alter (min.insync.replicas) as well',
    ]);
    expect(warnings(withKafka({}), withKafka({}))).toEqual([]);
  });

  it('gives a kafka.minInSyncReplicas change both its warnings: cluster-wide ISR and internal topics', () => {
    const found = warnings(
      withKafka({ minInSyncReplicas: 1 }),
      withKafka({ minInSyncReplicas: 2 }),
    );
    expect(found.map(w => w.slice(0, w.indexOf(': ')))).toEqual([
      'kafka.minInSyncReplicas',
      'kafka.minInSyncReplicas',
    ]);
    expect(found.filter(w => w.includes('only when it creates its internal topics'))).toHaveLength(
      1,
    );
  });

  it('warns exactly when one of those keys changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CREATION_ONLY_INTERNAL_TOPIC_KEYS),
        fc.constantFrom(1, 2, 3),
        fc.constantFrom(1, 2, 3),
        (key, was, now) => {
          const found = transitionReport(
            [kafkaResource({ [key]: was })],
            [kafkaResource({ [key]: String(now) })],
            SPEC,
          ).warnings;
          expect(found.length).toBe(was === now ? 0 : 1);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('class: more partitions for a compacted topic (warning)', () => {
  // https://github.com/confluentinc/bottledwater-pg/pull/39: records of one key that land in two
  // partitions break log compaction (an insert kept in one partition is never collected by its
  // delete in the other) and any consumer that needs every update of a key. Producers pick a
  // key's partition as a hash modulo the partition count, so adding partitions to a compacted
  // topic moves most keys and leaves their older values behind in the old partitions, for good.
  function topic(partitions: number, config: Record<string, string> = {}): PlatformSpecInput {
    return withKafka({ topics: [{ name: 'customers', partitions, config }] });
  }

  it('warns when a compacted topic goes from 6 to 12 partitions (bottledwater-pg#39)', () => {
    expect(
      warnings(
        topic(6, { 'cleanup.policy': 'compact' }),
        topic(12, { 'cleanup.policy': 'compact' }),
      ),
    ).toEqual([
      'kafka.topics[0].partitions: 12 partitions instead of the 6 of the previous output for the compacted topic "customers" (cleanup.policy "compact"); producers pick a key\'s partition as a hash modulo the partition count, so most keys move to another partition while their earlier values stay in the old one, where compaction never removes them and consumers rebuilding state from the topic read stale values (confluentinc/bottledwater-pg#39); keep 6, or copy the topic into a new one with 12 partitions and move producers and consumers to it',
    ]);
  });

  it('reads the broker default log.cleanup.policy for a topic without its own', () => {
    const spec = (partitions: number): PlatformSpecInput => ({
      ...topic(partitions),
      kafka: { ...topic(partitions).kafka, config: { 'log.cleanup.policy': 'compact,delete' } },
    });
    expect(warnings(spec(3), spec(4))).toHaveLength(1);
    expect(warnings(topic(3), topic(4))).toEqual([]);
  });

  it('warns exactly when a topic with compact in its policy gets more partitions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('compact', 'delete', 'compact,delete', 'delete, compact'),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (policy, was, more) => {
          const found = warnings(
            topic(was, { 'cleanup.policy': policy }),
            topic(was + more, { 'cleanup.policy': policy }),
          );
          expect(found.length).toBe(policy.includes('compact') && more > 0 ? 1 : 0);
        },
      ),
      { numRuns: 20 },
    );
  });
});
