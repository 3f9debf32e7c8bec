/**
 * Orderings Kafka 4.x `GroupCoordinatorConfig` checks at broker start beyond the 3.9 validator:
 * heartbeat below session per group, the streams-group min <= value <= max and the standby maximum.
 * Defaults of the other side come from the 4.3 broker table.
 */
import { brokerOrderingIssues, ORDERING_DEFAULTS } from '../../spec/kafka-broker-orderings';

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
