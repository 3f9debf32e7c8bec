/**
 * Round 16: a record timestamp window that refuses ordinary writes (spec/record-timestamps.ts).
 * Under CreateTime timestamps the leader refuses a record older than
 * `message.timestamp.before.max.ms` (broker default `log.message.timestamp.before.max.ms`): at 0
 * that is every record (refused), below the producer's default delivery.timeout.ms a retried or
 * replayed batch (warned). The CLI refusal is in strimzi-reports-16-cli.test.ts.
 */
import fc from 'fast-check';
import {
  PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS,
  recordTimestampWarnings,
} from '../../spec/record-timestamps';
import { platformSpecSchema } from '../../spec/schema';
import { specProblems, specWithBrokerAndTopic } from '../util/specs';

type Config = Record<string, string | number>;

const input = specWithBrokerAndTopic;

const BROKER_PATH = 'kafka.config["log.message.timestamp.before.max.ms"]';
const TOPIC_PATH = 'kafka.topics[0].config["message.timestamp.before.max.ms"]';

function timestampProblems(broker: Config, topic: Config = {}): string[] {
  return specProblems(input(broker, topic)).filter(
    p => p.startsWith(BROKER_PATH) || p.startsWith(TOPIC_PATH),
  );
}

function timestampWarnings(broker: Config, topic: Config = {}): string[] {
  return recordTimestampWarnings(platformSpecSchema.parse(input(broker, topic))).map(
    w => `${w.path}: ${w.message}`,
  );
}

describe('round 16, class: a record timestamp window that refuses ordinary writes', () => {
  it('throws on a topic message.timestamp.before.max.ms of 0 (every record is older)', () => {
    expect(timestampProblems({}, { 'message.timestamp.before.max.ms': 0 })).toEqual([
      `${TOPIC_PATH}: 0 refuses every record of topic "events" that is 1 ms or more older than the broker's clock when it arrives, which is every record a producer sends (it stamps the record at send time, CreateTime), so every write fails with INVALID_TIMESTAMP; leave message.timestamp.before.max.ms out (no limit), or set at least 120000 (the Java producer's delivery.timeout.ms), or use message.timestamp.type: LogAppendTime`,
    ]);
  });

  it('throws on the broker default of 0, written as a string', () => {
    const problems = timestampProblems({ 'log.message.timestamp.before.max.ms': '0' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('every topic without its own message.timestamp.before.max.ms');
  });

  it('property: refused exactly at 0 and only under CreateTime; warned exactly below 120000', () => {
    const bound = fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS - 1 }),
      fc.integer({ min: PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS, max: 2 ** 40 }),
    );
    const type = fc.constantFrom<string | undefined>(undefined, 'CreateTime', 'LogAppendTime');
    fc.assert(
      fc.property(bound, fc.boolean(), type, type, (millis, onTopic, topicType, brokerType) => {
        const broker: Config = {};
        const topic: Config = {};
        if (brokerType !== undefined) broker['log.message.timestamp.type'] = brokerType;
        if (topicType !== undefined) topic['message.timestamp.type'] = topicType;
        if (onTopic) topic['message.timestamp.before.max.ms'] = millis;
        else broker['log.message.timestamp.before.max.ms'] = millis;
        // A topic bound applies under the topic's type; the broker default applies to the topic
        // (which has no bound of its own then) and to undeclared topics under the broker's type.
        const topicEffective = topicType ?? brokerType;
        const checked = onTopic
          ? topicEffective !== 'LogAppendTime'
          : brokerType !== 'LogAppendTime' || topicEffective !== 'LogAppendTime';
        const path = onTopic ? TOPIC_PATH : BROKER_PATH;
        const problems = timestampProblems(broker, topic);
        const warnings = timestampWarnings(broker, topic);
        expect(problems).toHaveLength(checked && millis === 0 ? 1 : 0);
        expect(warnings).toHaveLength(
          checked && millis > 0 && millis < PRODUCER_DEFAULT_DELIVERY_TIMEOUT_MS ? 1 : 0,
        );
        for (const found of [...problems, ...warnings]) expect(found.startsWith(path)).toBe(true);
      }),
    );
  });

  it('checks a LogAppendTime broker default bound that a CreateTime topic inherits', () => {
    expect(
      timestampProblems(
        { 'log.message.timestamp.before.max.ms': 0, 'log.message.timestamp.type': 'LogAppendTime' },
        { 'message.timestamp.type': 'CreateTime' },
      ),
    ).toHaveLength(1);
  });

  it('leaves message.timestamp.after.max.ms of 0 alone (only clocks running ahead are refused)', () => {
    expect(specProblems(input({}, { 'message.timestamp.after.max.ms': 0 }))).toEqual([]);
  });
});
