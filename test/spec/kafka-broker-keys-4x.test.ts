/**
 * Valid Kafka 4.2/4.3 broker settings must not be refused: every documented 4.3 key name (generated
 * list, `spec/kafka-broker-key-names.ts`) and every typed key at its bounds.
 */
import { KAFKA_4_BROKER_KEY_NAMES } from '../../spec/kafka-broker-key-names';
import { KAFKA_BROKER_KEYS, type BrokerKeyFacts } from '../../spec/kafka-broker-keys';
import { forbiddenBrokerKey, misspeltBrokerKey } from '../../spec/kafka-config';
import {
  kafkaConfigProblems as problemsOf,
  kafkaConfigValueProblems as valueProblems,
} from '../util/specs';

const typed = Object.entries(KAFKA_BROKER_KEYS).filter(
  ([key, facts]) => forbiddenBrokerKey(key) === undefined && facts.min !== undefined,
) as [string, BrokerKeyFacts & { min: number }][];

describe('Kafka 4.x broker keys are never refused as misspellings', () => {
  it('the generated 4.3 name list is sorted, unique and holds every key of the typed table', () => {
    expect([...KAFKA_4_BROKER_KEY_NAMES].sort()).toEqual(KAFKA_4_BROKER_KEY_NAMES);
    expect(new Set(KAFKA_4_BROKER_KEY_NAMES).size).toBe(KAFKA_4_BROKER_KEY_NAMES.length);
    expect(KAFKA_4_BROKER_KEY_NAMES.length).toBeGreaterThanOrEqual(343);
    for (const key of Object.keys(KAFKA_BROKER_KEYS))
      expect(KAFKA_4_BROKER_KEY_NAMES).toContain(key);
  });

  it.each(KAFKA_4_BROKER_KEY_NAMES.map(key => [key]))('%s is not a misspelling', key => {
    expect(misspeltBrokerKey(key)).toBeUndefined();
  });

  it('no documented 4.3 key gets a did-you-mean through the full spec validation', () => {
    const refused = KAFKA_4_BROKER_KEY_NAMES.flatMap(key =>
      problemsOf({ [key]: KAFKA_BROKER_KEYS[key]?.min ?? 'x' }).filter(p =>
        p.includes('did you mean'),
      ),
    );
    expect(refused).toEqual([]);
  });

  it('a one-letter typo of a key Kafka 4.2/4.3 added is still caught', () => {
    expect(misspeltBrokerKey('group.coordinator.background.thread')).toBe(
      'group.coordinator.background.threads',
    );
    expect(misspeltBrokerKey('remote.log.manager.follower.thread.pool.sise')).toBe(
      'remote.log.manager.follower.thread.pool.size',
    );
  });
});

describe('typed broker keys accept their whole Kafka range', () => {
  it.each(typed.map(([key, facts]) => [key, facts]))('%s accepts its bounds', (key, facts) => {
    expect(valueProblems(key, String(facts.min))).toEqual([]);
    if (facts.max !== undefined) expect(valueProblems(key, String(facts.max))).toEqual([]);
    // Below the bound something refuses it (the range check, or the replication rules).
    expect(problemsOf({ [key]: String(facts.min - 1) }).length).toBeGreaterThan(0);
  });

  it('the coordinators accept -1, the adaptive linger that is the Kafka 4.2/4.3 default', () => {
    for (const key of [
      'group.coordinator.append.linger.ms',
      'share.coordinator.append.linger.ms',
    ]) {
      expect(valueProblems(key, '-1')).toEqual([]);
      expect(valueProblems(key, '-2')).toHaveLength(1);
    }
  });

  // Kafka 4.2 upgrade notes: "The num.replica.fetchers config has a new lower bound of 1"; the 4.1
  // table had none, so 0, which stops a 4.2/4.3 broker, passed.
  it('throws when num.replica.fetchers is 0 (the lower bound Kafka 4.2 added)', () => {
    expect(valueProblems('num.replica.fetchers', '0')).toEqual([
      'kafka.config["num.replica.fetchers"]: "0" is out of range; use a whole number of at least 1',
    ]);
    expect(valueProblems('num.replica.fetchers', '1')).toEqual([]);
  });
});
