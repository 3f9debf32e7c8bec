/**
 * One spelling of a whole number, one verdict: Kafka parses an integer setting trimmed and with an
 * optional sign (`ConfigDef.parseType` trims strings; Java's `Long.parseLong` and
 * `Integer.parseInt` accept a leading `+`), so `"+N"`, `" N "` and `N` are the same setting.
 * Every rule of the spec validation must judge them alike; before stop 36 five rule modules each
 * had a parser of their own, two of which read only `-?\d+`.
 */
import fc from 'fast-check';
import { configWholeNumber } from '../../spec/config-values';
import { KAFKA_BROKER_KEYS } from '../../spec/kafka-broker-keys';
import { TOPIC_VALUE_RULES } from '../../spec/kafka-config';
import { SpecError } from '../../spec/errors';
import { parseSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { specInput } from '../util/specs';

/** Paths of the problems, or of the warnings when it passes: the verdict without the value text. */
function verdict(input: PlatformSpecInput): string[] {
  try {
    return parseSpec(input)
      .warnings.map(w => `warning ${w.path}`)
      .sort();
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map(i => `problem ${i.path}`).sort();
    throw error;
  }
}

const integerBrokerKeys = Object.entries(KAFKA_BROKER_KEYS)
  .filter(([, facts]) => facts.type === 'int' || facts.type === 'long' || facts.type === 'short')
  .map(([key]) => key);
const integerTopicKeys = Object.entries(TOPIC_VALUE_RULES)
  .filter(([, rule]) => rule.type === 'int' || rule.type === 'long')
  .map(([key]) => key);

/** Whole numbers near the bounds the rules use. */
const wholeNumber = fc.oneof(
  fc.constantFrom(0, 1, 2, 59, 60, 100, 1000, 1024, 60000, 120000, 1048576, 2147483647),
  fc.integer({ min: 0, max: 10_000_000 }),
);

describe('configWholeNumber', () => {
  it('reads a number or a trimmed, signed string of digits; nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), n => {
        expect(configWholeNumber(n)).toBe(n);
        expect(configWholeNumber(String(n))).toBe(n);
        expect(configWholeNumber(` ${n}\t`)).toBe(n);
        if (n >= 0) expect(configWholeNumber(`+${n}`)).toBe(n);
      }),
    );
    for (const bad of [undefined, true, 1.5, '1.5', '1e3', '', ' ', '++1', '0x10', 'ten', 2 ** 60])
      expect(configWholeNumber(bad)).toBeUndefined();
  });
});

describe('every rule judges "+N", " N " and N alike', () => {
  it('broker keys', () => {
    fc.assert(
      fc.property(fc.constantFrom(...integerBrokerKeys), wholeNumber, (key, n) => {
        const base = specInput(3, 1);
        const at = (value: string | number): PlatformSpecInput => ({
          ...base,
          kafka: { ...base.kafka, config: { [key]: value } },
        });
        const plain = verdict(at(n));
        expect({ key, n, verdict: verdict(at(`+${n}`)) }).toEqual({ key, n, verdict: plain });
        expect({ key, n, verdict: verdict(at(` ${n} `)) }).toEqual({ key, n, verdict: plain });
      }),
      { numRuns: 300 },
    );
  });

  it('topic keys', () => {
    fc.assert(
      fc.property(fc.constantFrom(...integerTopicKeys), wholeNumber, (key, n) => {
        const base = specInput(3, 1);
        const at = (value: string | number): PlatformSpecInput => ({
          ...base,
          kafka: {
            ...base.kafka,
            topics: [{ name: 'events', partitions: 12, config: { [key]: value } }],
          },
        });
        const plain = verdict(at(n));
        expect({ key, n, verdict: verdict(at(`+${n}`)) }).toEqual({ key, n, verdict: plain });
        expect({ key, n, verdict: verdict(at(` ${n} `)) }).toEqual({ key, n, verdict: plain });
      }),
      { numRuns: 300 },
    );
  });

  it('boolean broker keys: true/false, any case, trimmed', () => {
    const booleanKeys = Object.entries(KAFKA_BROKER_KEYS)
      .filter(([, facts]) => facts.type === 'boolean')
      .map(([key]) => key);
    fc.assert(
      fc.property(fc.constantFrom(...booleanKeys), fc.boolean(), (key, flag) => {
        const base = specInput(3, 1);
        const at = (value: string | boolean): PlatformSpecInput => ({
          ...base,
          kafka: { ...base.kafka, config: { [key]: value } },
        });
        const plain = verdict(at(flag));
        for (const spelling of [String(flag), ` ${String(flag).toUpperCase()} `]) {
          expect({ key, spelling, verdict: verdict(at(spelling)) }).toEqual({
            key,
            spelling,
            verdict: plain,
          });
        }
      }),
      { numRuns: 300 },
    );
  });
});
