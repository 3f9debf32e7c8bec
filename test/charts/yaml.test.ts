/** The YAML writer every synthesized file goes through (issue #12, reproduction 5). */
import { parse } from 'yaml';
import { readsAsNonString, toSafeYaml, toSafeYamlDocuments } from '../../charts/yaml';

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
});
