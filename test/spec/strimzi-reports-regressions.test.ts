/**
 * Public Strimzi reports re-checked in review whose configuration the spec already refused: one
 * test per report, so the message (field, value, fix) stays as it is. The classes behind them are
 * tested over their domains in kafka-config*.test.ts and strimzi-reports.test.ts.
 */
import type { PlatformSpecInput } from '../../spec';
import { specInput, specProblems as problemsOf } from '../util/specs';

function withTopic(
  topic: Partial<NonNullable<PlatformSpecInput['kafka']['topics']>[number]>,
): PlatformSpecInput {
  const base = specInput(3, 1);
  return {
    ...base,
    kafka: { ...base.kafka, topics: [{ name: 'topic12', partitions: 3, ...topic }] },
  };
}

describe('Strimzi reports the spec already refuses', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/990: a KafkaTopic with more replicas
  // than brokers was accepted by the API server; the Topic Operator failed with
  // InvalidReplicationFactorException.
  it('strimzi#990: a topic replication factor above the broker count', () => {
    expect(problemsOf(withTopic({ replicationFactor: 5 }))).toEqual([
      'kafka.topics[0].replicationFactor: 5 is more than the 3 brokers; use at most 3',
    ]);
  });

  // https://github.com/strimzi/strimzi-kafka-operator/issues/3659: retention.ms "aaa" reached the
  // Topic Operator, which failed on every reconciliation.
  it('strimzi#3659: a topic duration that is not a number', () => {
    expect(problemsOf(withTopic({ config: { 'retention.ms': 'aaa' } }))).toEqual([
      'kafka.topics[0].config["retention.ms"]: "aaa" is not a whole number Kafka accepts; write a plain whole number of at least -1 (no unit, no decimals)',
    ]);
  });

  // https://github.com/strimzi/strimzi-kafka-operator/issues/6884: min.insync.replicas "asd" was
  // accepted into a KafkaTopic.
  it('strimzi#6884: a topic min.insync.replicas that is not a number', () => {
    expect(problemsOf(withTopic({ config: { 'min.insync.replicas': 'asd' } }))).toEqual([
      'kafka.topics[0].config["min.insync.replicas"]: "asd" is not a whole number; write a plain whole number such as 2 (no unit, no decimals)',
    ]);
  });

  // https://github.com/strimzi/strimzi-kafka-operator/pull/2930: `min.in.sync.replicas: x` (a key
  // Kafka does not know) in a KafkaTopic.
  it('strimzi#2930: a misspelt topic key, with the key meant', () => {
    const problems = problemsOf(withTopic({ config: { 'min.in.sync.replicas': 'x' } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^kafka\.topics\[0\]\.config\["min\.in\.sync\.replicas"\]: is not a Kafka topic configuration key; did you mean "min\.insync\.replicas"\?/,
    );
  });

  // https://github.com/strimzi/strimzi-kafka-operator/issues/6048: inter.broker.protocol.version and
  // log.message.format.version "2.8-IV1" deadlocked the reconciliation; both keys are gone in Kafka 4.
  it('strimzi#6048: protocol and message format version keys', () => {
    const base = specInput(3, 1);
    expect(
      problemsOf({
        ...base,
        kafka: {
          ...base.kafka,
          config: {
            'inter.broker.protocol.version': '2.8-IV1',
            'log.message.format.version': '2.8-IV1',
          },
        },
      }),
    ).toEqual([
      'kafka.config["inter.broker.protocol.version"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: KRaft clusters follow the metadata version, which Strimzi derives from kafka.version',
      'kafka.config["log.message.format.version"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: Kafka 4 writes only the current message format',
    ]);
  });
});
