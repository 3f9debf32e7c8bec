/**
 * Round 16: log cleaner settings Kafka accepts under which the cleaner never compacts
 * (spec/log-cleaner.ts): per-thread I/O buffers of 0 bytes (`log.cleaner.io.buffer.size` below twice
 * `log.cleaner.threads`) and a `log.cleaner.io.buffer.load.factor` of 0 or below or above 1
 * (KAFKA-2235 for the overfull map). The CLI refusal is in strimzi-reports-16-cli.test.ts.
 */
import fc from 'fast-check';
import { kafkaConfigProblems } from '../util/specs';

const IO = 'kafka.config["log.cleaner.io.buffer.size"]';
const FACTOR = 'kafka.config["log.cleaner.io.buffer.load.factor"]';

function cleanerProblems(config: Record<string, string | number>): string[] {
  return kafkaConfigProblems(config).filter(p => p.startsWith(IO) || p.startsWith(FACTOR));
}

describe('round 16, class: cleaner settings under which nothing is compacted', () => {
  it('throws on log.cleaner.io.buffer.size: 0 (a 0-byte buffer is doubled to 0 forever)', () => {
    expect(cleanerProblems({ 'log.cleaner.io.buffer.size': 0 })).toEqual([
      `${IO}: 0 over 1 cleaner thread(s) (Kafka's default) leaves each thread read and write buffers of 0 / 1 / 2 = 0 bytes, which read nothing, and the cleaner only doubles a buffer that is too small, so every cleaner thread loops forever on its first segment and no compacted topic, __consumer_offsets included, is ever compacted; use at least 2 (Kafka's default is 524288), or leave it out`,
    ]);
  });

  it('throws on a load factor above 1 (the map overflows, KAFKA-2235)', () => {
    const problems = cleanerProblems({ 'log.cleaner.io.buffer.load.factor': 1.5 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('Attempt to add a new entry to a full offset map');
  });

  it('property: the buffer is refused exactly when size / threads / 2 rounds down to 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 1, max: 8 }),
        (size, threads) => {
          const problems = cleanerProblems({
            'log.cleaner.io.buffer.size': size,
            'log.cleaner.threads': threads,
            // Large enough per thread that the dedupe buffer rule stays quiet.
            'log.cleaner.dedupe.buffer.size': 16 * 1048576,
          });
          expect(problems.filter(p => p.startsWith(IO))).toHaveLength(size < 2 * threads ? 1 : 0);
        },
      ),
    );
  });

  it('property: the load factor is refused exactly outside (0, 1], whatever its spelling', () => {
    const factor = fc.oneof(
      fc.double({ min: -10, max: 10, noNaN: true }),
      fc.constantFrom(0, 1, 0.0001, 1.0001),
    );
    fc.assert(
      fc.property(factor, fc.boolean(), (value, asText) => {
        const written = asText ? String(value) : value;
        const problems = cleanerProblems({ 'log.cleaner.io.buffer.load.factor': written });
        expect(problems).toHaveLength(value <= 0 || value > 1 ? 1 : 0);
      }),
    );
  });
});
