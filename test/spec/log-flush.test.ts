/**
 * Round 15: time-based flushes that never happen (spec/log-flush.ts): `flush.ms` or
 * `log.flush.interval.ms` while `log.flush.scheduler.interval.ms`, the period of the only task that
 * acts on them, is unset (Long.MAX_VALUE), Long.MAX_VALUE, or 0 or below (KAFKA-19151,
 * apache/kafka#19479). The CLI refusal is in strimzi-reports-15-cli.test.ts.
 */
import fc from 'fast-check';
import { FLUSH_SCHEDULER_KEY, logFlushWarnings } from '../../spec/log-flush';
import { platformSpecSchema } from '../../spec/schema';
import { specProblems, specWithBrokerAndTopic } from '../util/specs';

type Config = Record<string, string | number>;

const input = specWithBrokerAndTopic;

/** The problems about flushing (at the flush keys). */
function flushProblems(broker: Config, topic: Config = {}): string[] {
  return specProblems(input(broker, topic)).filter(
    p =>
      p.startsWith('kafka.config["log.flush.interval.ms"]') ||
      p.startsWith('kafka.topics[0].config["flush.ms"]'),
  );
}

function flushWarnings(broker: Config, topic: Config = {}): string[] {
  return logFlushWarnings(platformSpecSchema.parse(input(broker, topic))).map(
    w => `${w.path}: ${w.message}`,
  );
}

describe('round 15, class: a time-based flush with no log flusher period', () => {
  it('throws when a topic sets flush.ms and log.flush.scheduler.interval.ms is not set', () => {
    expect(flushProblems({}, { 'flush.ms': 1000 })).toEqual([
      'kafka.topics[0].config["flush.ms"]: 1000 asks for an fsync every 1000 ms, but only the broker\'s log flusher acts on flush.ms, and log.flush.scheduler.interval.ms is not set, and at Kafka\'s default (9223372036854775807 ms) the broker\'s log flusher runs once, after start, so no flush by time ever happens (KAFKA-19151, apache/kafka#19479); set kafka.config["log.flush.scheduler.interval.ms"] to at most 1000, or remove flush.ms (replication, not fsync, is what keeps Kafka\'s data safe)',
    ]);
  });

  it('throws when kafka.config sets log.flush.interval.ms and the scheduler period is 0', () => {
    expect(flushProblems({ 'log.flush.interval.ms': 500, [FLUSH_SCHEDULER_KEY]: 0 })).toEqual([
      'kafka.config["log.flush.interval.ms"]: 500 asks for an fsync every 500 ms, but only the broker\'s log flusher acts on log.flush.interval.ms, and log.flush.scheduler.interval.ms is 0, and Kafka\'s scheduler runs a task whose period is 0 or below only once, after start, so no flush by time ever happens (KAFKA-19151, apache/kafka#19479); set kafka.config["log.flush.scheduler.interval.ms"] to at most 500, or remove log.flush.interval.ms (replication, not fsync, is what keeps Kafka\'s data safe)',
    ]);
  });

  it('property: a flush interval is refused exactly when the scheduler never repeats', () => {
    const scheduler = fc.oneof(
      fc.constant<number | string | undefined>(undefined),
      fc.constant('9223372036854775807'),
      fc.integer({ min: -1000, max: 0 }),
      fc.integer({ min: 1, max: 10_000_000 }),
    );
    fc.assert(
      fc.property(
        scheduler,
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.boolean(),
        (period, interval, onTopic) => {
          const broker: Config = period === undefined ? {} : { [FLUSH_SCHEDULER_KEY]: period };
          const topic: Config = onTopic ? { 'flush.ms': interval } : {};
          if (!onTopic) broker['log.flush.interval.ms'] = interval;
          const repeats = typeof period === 'number' && period > 0;
          expect(flushProblems(broker, topic)).toHaveLength(repeats ? 0 : 1);
          const warned = flushWarnings(broker, topic);
          expect(warned).toHaveLength(repeats && interval < (period as number) ? 1 : 0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('leaves Long.MAX_VALUE flush intervals and the scheduler alone (Kafka defaults)', () => {
    expect(flushProblems({}, { 'flush.ms': '9223372036854775807' })).toEqual([]);
    expect(flushProblems({ [FLUSH_SCHEDULER_KEY]: 1000 })).toEqual([]);
    expect(specProblems(input({ [FLUSH_SCHEDULER_KEY]: 0 }, {}))).toEqual([]);
  });
});
