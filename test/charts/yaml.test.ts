/** The YAML writer every synthesized file goes through (issue #12, reproduction 5). */
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  goYamlReadsAsNonString,
  readsAsNonString,
  toSafeYaml,
  toSafeYamlDocuments,
} from '../../charts/yaml';

/** Every way `value` can sit in a file: a map value, a map key, a list item, a label value. */
function placements(value: string): unknown {
  return {
    [value]: value,
    list: [value],
    metadata: { labels: { 'app.kubernetes.io/name': value }, annotations: { note: value } },
  };
}

/** True when the written file holds `value` unquoted somewhere. */
function writtenPlain(written: string, value: string): boolean {
  return written
    .split('\n')
    .some(line => line.endsWith(`: ${value}`) || line.endsWith(`- ${value}`));
}

describe('toSafeYaml', () => {
  // Reproduction 5: these strings were written plain and YAML 1.1 readers took them for
  // booleans, integers and timestamps.
  it.each([
    'on',
    'yes',
    'y',
    'No',
    'OFF',
    '1_000',
    '1:20',
    '0o17',
    '0b101',
    '2001-12-14',
    '<<',
    '=',
  ])('quotes %s so both YAML versions read a string', text => {
    expect(readsAsNonString(text)).toBe(true);
    const written = toSafeYaml({ [text]: text, list: [text] });
    for (const version of ['1.1', '1.2'] as const) {
      expect(parse(written, { version })).toEqual({ [text]: text, list: [text] });
    }
  });

  it.each(['orders', 'kafka-broker-gp3', '10.0.0.0/16', 'strimzi.io/cluster', 'a b'])(
    'leaves %s plain',
    text => {
      expect(readsAsNonString(text)).toBe(false);
      expect(toSafeYaml({ key: text })).toBe(`key: ${text}\n`);
    },
  );

  it('keeps numbers and booleans as they are, and multi-line strings as block scalars', () => {
    const value = { count: 3, ratio: 0.5, on: true, text: 'line one\nline two\n' };
    const written = toSafeYaml(value);
    expect(written).toContain('text: |');
    expect(parse(written, { version: '1.1' })).toEqual(value);
  });

  it('writes several documents separated by ---', () => {
    const written = toSafeYamlDocuments([{ a: 'on' }, { b: 'off' }]);
    expect(written).toBe('a: "on"\n---\nb: "off"\n');
  });

  // Scalars that YAML 1.1, 1.2 or go-yaml v2 (kubectl, the API server) read as non-strings.
  it.each([
    '0x1F',
    '0X1F',
    '0O17',
    '0B101',
    '-0O7',
    '1e3',
    '.inf',
    '-.Inf',
    '.NaN',
    '~',
    'null',
    'Null',
    '',
    '0o17',
    '012',
    '09',
    '1:30',
    '190:20:30',
    '2026-11-29',
    '2026-1-5',
    '2026-11-29 10:00:00',
    '1__0',
    '+12',
    '.5',
    '1.',
    '=',
    '<<',
  ])('quotes %p in every placement, and every reader gets the string back', text => {
    expect(readsAsNonString(text)).toBe(true);
    const written = toSafeYaml(placements(text));
    expect(writtenPlain(written, text)).toBe(false);
    for (const version of ['1.1', '1.2'] as const) {
      expect(parse(written, { version })).toEqual(placements(text));
    }
  });

  it('reads plain scalars as go-yaml v2 does', () => {
    for (const text of ['0X1F', '0O17', '0B101', '2026-1-5', '1_0', '-1.5e3', 'On', '.5']) {
      expect(goYamlReadsAsNonString(text)).toBe(true);
    }
    for (const text of ['orders', '0x1p-2', '1Gi', '10.0.0.0/16', 'v1.2', '1e', '0x', '_1', '-']) {
      expect(goYamlReadsAsNonString(text)).toBe(false);
    }
  });

  // Property: any string, in any placement, reads back as that string under YAML 1.1 and 1.2,
  // and no string go-yaml v2 would read as a non-string is left plain.
  it('round-trips arbitrary strings through YAML 1.1 and 1.2 readers', () => {
    const tricky = fc.string({
      unit: fc.constantFrom(...'0123456789+-._:eExXoObB yYnNtTZ~<=#&*!|>%@`\'",[]{}?'.split('')),
      maxLength: 12,
    });
    fc.assert(
      fc.property(fc.oneof(tricky, fc.string(), fc.string({ unit: 'grapheme' })), text => {
        const written = toSafeYaml(placements(text));
        for (const version of ['1.1', '1.2'] as const) {
          expect(parse(written, { version })).toEqual(placements(text));
        }
        if (goYamlReadsAsNonString(text)) expect(writtenPlain(written, text)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
