/**
 * The writer's shortcut for plain words (`PLAIN_WORD` in charts/yaml.ts) gives the same verdict as
 * parsing the word under YAML 1.1 and 1.2 and applying go-yaml v2's resolver.
 */
import fc from 'fast-check';
import {
  goYamlReadsAsNonString,
  parsesAsNonString,
  PLAIN_WORD,
  readsAsNonString,
} from '../../charts/yaml';

const FIRST = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/';
const REST = `${FIRST}0123456789._-`;
/** Characters with a meaning somewhere in YAML, and the space that makes some of them count. */
const INDICATORS = ' :#,[]{}&*!|>\'"%@`?=~\\<^$;()+';
/** Words of the reserved kinds, in the casings YAML 1.1, 1.2 and go-yaml know, and near misses. */
const RESERVED = [
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'yEs',
  'on',
  'On',
  'ON',
  'oN',
  'true',
  'True',
  'TRUE',
  'tRUE',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'nO',
  'off',
  'Off',
  'OFF',
  'false',
  'False',
  'FALSE',
  'null',
  'Null',
  'NULL',
  'nULL',
  'nan',
  'NaN',
  'inf',
  'Inf',
  'x1F',
  'b101',
  'o17',
];

const word = fc
  .tuple(
    fc.constantFrom(...FIRST.split('')),
    fc.array(fc.constantFrom(...REST.split('')), { maxLength: 12 }),
  )
  .map(([first, rest]) => first + rest.join(''));

/** Text mixing words, indicators and spaces, starting with a letter or `/`. */
const text = fc
  .tuple(
    fc.constantFrom(...FIRST.split('')),
    fc.array(fc.constantFrom(...`${REST}${INDICATORS}`.split('')), { maxLength: 16 }),
  )
  .map(([first, rest]) => first + rest.join(''));

function slowVerdict(text: string): boolean {
  return goYamlReadsAsNonString(text) || parsesAsNonString(text);
}

describe('PLAIN_WORD shortcut', () => {
  it.each(['e5', 'E5', 'e-5', 'E+5', 'e5x'])('%s goes to the parser (YAML 1.1 floats)', text => {
    expect(PLAIN_WORD.test(text)).toBe(false);
  });

  it.each(RESERVED)('%s: the same verdict as parsing', text => {
    expect(PLAIN_WORD.test(text)).toBe(true);
    expect(readsAsNonString(text)).toBe(slowVerdict(text));
  });

  it('gives the same verdict as parsing for arbitrary words', () => {
    fc.assert(
      fc.property(fc.oneof(word, fc.constantFrom(...RESERVED)), text => {
        expect(readsAsNonString(text)).toBe(slowVerdict(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same verdict as parsing for arbitrary text with indicators and spaces', () => {
    let shortcut = 0;
    fc.assert(
      fc.property(text, value => {
        if (PLAIN_WORD.test(value)) shortcut++;
        expect(readsAsNonString(value)).toBe(slowVerdict(value));
      }),
      { numRuns: 5000 },
    );
    // The shortcut itself was exercised, not only the parser.
    expect(shortcut).toBeGreaterThan(500);
  });

  it.each([
    'https://example.com/runbooks/a.md',
    'sum(rate(x{job="kafka"}[5m])) by (pod) > 0',
    'The volume is more than 80% full. Grow it.',
    'a:b',
    'a #b',
    'a: b',
    'a:',
    'a ',
    'a  b',
    'a\tb',
    'yes please',
    'e5 x',
  ])('%j: the same verdict as parsing', value => {
    expect(readsAsNonString(value)).toBe(slowVerdict(value));
  });

  it('leaves everything else to the parser', () => {
    for (const text of [
      '1',
      '-1',
      '.inf',
      '1:20',
      'a: b',
      'a #b',
      ' a',
      'a ',
      '~',
      '',
      '<<',
      '=',
    ]) {
      expect(PLAIN_WORD.test(text)).toBe(false);
    }
  });
});
