/**
 * kafka.config numbers get Java's exact ranges: Long.MAX_VALUE (the default of several long keys)
 * and Double.MAX_VALUE were refused because the check stopped at Number.MAX_SAFE_INTEGER, and
 * Integer.MIN_VALUE was refused by an absolute-value test.
 */
import {
  kafkaConfigProblems as problemsOf,
  kafkaConfigValueProblems as valueProblems,
} from '../util/specs';

describe('kafka.config numbers use the Java type ranges', () => {
  it('long keys accept Long.MAX_VALUE (their documented default) and refuse one more', () => {
    for (const key of [
      'log.flush.interval.messages',
      'log.cleaner.max.compaction.lag.ms',
      'log.message.timestamp.before.max.ms',
      'remote.log.manager.copy.max.bytes.per.second',
    ]) {
      expect(valueProblems(key, '9223372036854775807')).toEqual([]);
      expect(valueProblems(key, '9223372036854775808')).toHaveLength(1);
    }
    // An unknown key named like a number (the .ms/.bytes convention) gets the long range too.
    expect(valueProblems('log.example.unknown.ms', '-9223372036854775808')).toEqual([]);
    expect(valueProblems('log.example.unknown.ms', '-9223372036854775809')).toHaveLength(1);
  });

  it('an unquoted number beyond 2^53 is refused with the advice to quote it (its digits are lost)', () => {
    const problems = problemsOf({ 'log.flush.interval.messages': 2 ** 63 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('quote it');
    expect(problemsOf({ 'log.flush.interval.messages': 9007199254740991 })).toEqual([]);
  });

  it('int keys accept Integer.MIN_VALUE..MAX_VALUE exactly', () => {
    expect(valueProblems('replica.fetch.min.bytes', '-2147483648')).toEqual([]);
    expect(valueProblems('replica.fetch.min.bytes', '2147483647')).toEqual([]);
    expect(valueProblems('replica.fetch.min.bytes', '2147483648')).toHaveLength(1);
    expect(valueProblems('replica.fetch.min.bytes', '-2147483649')).toHaveLength(1);
  });

  it('double keys accept Double.MAX_VALUE (the cleaner I/O default) and refuse overflow', () => {
    const key = 'log.cleaner.io.max.bytes.per.second';
    expect(valueProblems(key, '1.7976931348623157E308')).toEqual([]);
    expect(valueProblems(key, '1e309')).toHaveLength(1);
  });
});
