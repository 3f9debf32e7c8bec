/**
 * The code spans the docs checks read (test/util/markdown-spans.ts) are the ones Markdown renders:
 * a span wrapped over a line break is one span, so the command in it is checked (docs walk s34-c:
 * four documented commands, `npx jest test/controller/chaos-sweep.test.ts` of docs/controller.md
 * and `pulumi stack export` of docs/upgrade.md among them, were wrapped and went unchecked).
 */
import fc from 'fast-check';
import { shellCommandsOf } from '../util/documented-commands';
import { commandsOf } from '../util/documented-pulumi';
import { markdownCodeSpans } from '../util/markdown-spans';

describe('markdown code spans', () => {
  it('reads a span wrapped over a line break as one span, the break as a space', () => {
    const text = [
      'Run `CHAOS=1 npx jest',
      'test/x.test.ts` (slow), then `pulumi',
      'stack export`.',
    ];
    expect(markdownCodeSpans(text.join('\n'))).toEqual([
      { line: 1, code: 'CHAOS=1 npx jest test/x.test.ts' },
      { line: 2, code: 'pulumi stack export' },
    ]);
  });

  it('checks the command of a wrapped span', () => {
    const text = 'The sweep: `CHAOS=1 npx jest\ntest/x.test.ts` and `pulumi\nstack export`.';
    expect(shellCommandsOf('doc.md', text).map(command => [command.line, command.words])).toEqual([
      [1, ['npx', 'jest', 'test/x.test.ts']],
    ]);
    expect(commandsOf('doc.md', text).map(command => [command.line, command.args])).toEqual([
      [2, ['stack', 'export']],
    ]);
  });

  it('does not cross a blank line, a fence, a table row, a heading or a new list item', () => {
    const text = [
      'An odd ` backtick',
      '',
      '`npm test`',
      '| a ` b |',
      '| `npm ci` |',
      '- item `x',
      '- item y`',
      '# Head `z',
      '```sh',
      'npm run synth ` here',
      '```',
      'after `npm run plan`',
    ].join('\n');
    expect(markdownCodeSpans(text)).toEqual([
      { line: 3, code: 'npm test' },
      { line: 5, code: 'npm ci' },
      { line: 12, code: 'npm run plan' },
    ]);
  });

  it('pairs backtick strings of the same length and strips one space each side', () => {
    expect(markdownCodeSpans('`` a ` b `` and ` `` ` and `  `')).toEqual([
      { line: 1, code: 'a ` b' },
      { line: 1, code: '``' },
      { line: 1, code: '  ' },
    ]);
  });

  it('finds the same spans wherever a paragraph is wrapped (property)', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9./=-]{0,7}$/);
    const span = fc.array(word, { minLength: 1, maxLength: 6 }).map(words => words.join(' '));
    const prose = fc.array(word, { minLength: 0, maxLength: 4 }).map(words => words.join(' '));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(prose, span), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (parts, breaks) => {
          const flat = parts.map(([before, code]) => `${before} \`${code}\``).join(' ');
          const spaces = Array.from(flat.matchAll(/ /g), match => match.index);
          const wrapped = Array.from(flat);
          for (const pick of breaks) {
            if (spaces.length > 0) wrapped[spaces[pick % spaces.length]!] = '\n';
          }
          const codes = markdownCodeSpans(wrapped.join('')).map(found => found.code);
          expect(codes).toEqual(parts.map(([, code]) => code));
        },
      ),
      { numRuns: 300 },
    );
  });
});
