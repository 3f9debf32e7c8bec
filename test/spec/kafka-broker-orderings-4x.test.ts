/**
 * Orderings Kafka 4.x `GroupCoordinatorConfig` checks at broker start beyond the 3.9 validator:
 * heartbeat below session per group, the streams-group min <= value <= max and the standby maximum.
 * Defaults of the other side come from the 4.3 broker table.
 */
import fc from 'fast-check';
import { brokerOrderingIssues, ORDERING_DEFAULTS } from '../../spec/kafka-broker-orderings';
import { specInput, specProblems } from '../util/specs';

const messages = (config: Record<string, string | number>): string[] =>
  brokerOrderingIssues('kafka.config', config).map(i => `${i.path}: ${i.message}`);

describe('Kafka 4.x group orderings', () => {
  it.each(['consumer', 'share', 'streams'])(
    '%s: heartbeat equal to the session timeout is refused, just below is accepted',
    group => {
      const config = {
        [`group.${group}.heartbeat.interval.ms`]: 15000,
        [`group.${group}.session.timeout.ms`]: 15000,
        [`group.${group}.min.session.timeout.ms`]: 10000,
      };
      expect(messages(config)).toEqual([
        `kafka.config["group.${group}.heartbeat.interval.ms"]: group.${group}.heartbeat.interval.ms 15000 is not below group.${group}.session.timeout.ms 15000, which Kafka refuses at broker start; make group.${group}.heartbeat.interval.ms less than group.${group}.session.timeout.ms`,
      ]);
      expect(messages({ ...config, [`group.${group}.heartbeat.interval.ms`]: 14999 })).toEqual([]);
    },
  );

  it('streams: a session timeout below the default minimum names the minimum', () => {
    expect(messages({ 'group.streams.session.timeout.ms': 30000 })).toEqual([
      'kafka.config["group.streams.session.timeout.ms"]: group.streams.min.session.timeout.ms (default 45000) 45000 is above group.streams.session.timeout.ms 30000, which Kafka refuses at broker start; make group.streams.min.session.timeout.ms at most group.streams.session.timeout.ms',
    ]);
  });

  it('streams: standby replicas above the maximum are refused, at the maximum accepted', () => {
    expect(messages({ 'group.streams.num.standby.replicas': 3 })).toHaveLength(1);
    expect(messages({ 'group.streams.num.standby.replicas': 2 })).toEqual([]);
    expect(
      messages({
        'group.streams.num.standby.replicas': 3,
        'group.streams.max.standby.replicas': 3,
      }),
    ).toEqual([]);
  });

  it('every pair holds at the Kafka defaults, so setting any one key to its default passes', () => {
    for (const [key, value] of Object.entries(ORDERING_DEFAULTS)) {
      expect(messages({ [key]: value })).toEqual([]);
    }
  });
});

describe('class: orderings only the Kafka line in kafka.version checks (4.3 share groups)', () => {
  // Kafka 4.3's ShareGroupConfig (apache/kafka group-coordinator
  // .../modern/share/ShareGroupConfig.java, `validate`) refuses at broker start a
  // `group.share.max.share.sessions` below `group.share.max.size` (default 200) and a
  // `group.share.delivery.count.limit` outside min..max delivery count limit (defaults 2 and 10,
  // keys new in 4.3, apache/kafka#21491). The platform's default kafka.version is 4.3.1, and the
  // spec skipped these checks for every version.
  const at43 = (config: Record<string, string | number>): string[] =>
    brokerOrderingIssues('kafka.config', config, '4.3.1').map(i => `${i.path}: ${i.message}`);
  const at42 = (config: Record<string, string | number>): string[] =>
    brokerOrderingIssues('kafka.config', config, '4.2.1').map(i => `${i.path}: ${i.message}`);

  it('refuses group.share.max.share.sessions 100 under the default group.share.max.size on 4.3', () => {
    expect(at43({ 'group.share.max.share.sessions': 100 })).toEqual([
      'kafka.config["group.share.max.share.sessions"]: group.share.max.size (default 200) 200 is above group.share.max.share.sessions 100, which Kafka 4.3 refuses at broker start; make group.share.max.size at most group.share.max.share.sessions',
    ]);
    expect(at43({ 'group.share.max.share.sessions': 200 })).toEqual([]);
    expect(at42({ 'group.share.max.share.sessions': 100 })).toEqual([]);
  });

  it('refuses a delivery count limit outside its 4.3 minimum and maximum', () => {
    expect(
      at43({
        'group.share.delivery.count.limit': 9,
        'group.share.max.delivery.count.limit': 5,
      }),
    ).toEqual([
      'kafka.config["group.share.delivery.count.limit"]: group.share.delivery.count.limit 9 is above group.share.max.delivery.count.limit 5, which Kafka 4.3 refuses at broker start; make group.share.delivery.count.limit at most group.share.max.delivery.count.limit',
    ]);
    expect(
      at43({ 'group.share.min.delivery.count.limit': 5, 'group.share.delivery.count.limit': 3 }),
    ).toHaveLength(1);
    expect(at43({ 'group.share.delivery.count.limit': 10 })).toEqual([]);
  });

  it('property: on 4.3 refused exactly when sessions < size; never on 4.2', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 3000 }),
        (size, sessions) => {
          const config = {
            'group.share.max.size': size,
            'group.share.max.share.sessions': sessions,
          };
          expect(at43(config)).toHaveLength(sessions < size ? 1 : 0);
          expect(at42(config)).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reaches kafka.config through the spec at the default version', () => {
    const base = specInput(3, 1);
    const problems = specProblems({
      ...base,
      kafka: { ...base.kafka, config: { 'group.share.max.share.sessions': 50 } },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('Kafka 4.3 refuses at broker start');
  });
});
