/**
 * The command synth prints after a run (`render with: kubectl kustomize <out>`) must run as
 * written, whatever the folder is called: a POSIX shell reads the printed path back as exactly one
 * argument, the path itself.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { resolve } from 'node:path';
import { shellWord, writtenFolderPath } from '../../charts/summary';

/** The arguments bash parses from `words` (one command line), one per line of its output. */
function bashArguments(words: string): string[] {
  const result = spawnSync('bash', ['-c', `printf '%s\\0' ${words}`], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout.split('\0').slice(0, -1);
}

describe('shellWord', () => {
  it('leaves plain paths as they are', () => {
    for (const path of ['dist', '../gitops/clusters/prod', '/tmp/out-1', 'a_b.c,d:e@f%g+h']) {
      expect(shellWord(path)).toBe(path);
    }
  });

  it('property: bash reads any quoted path back as one argument, byte for byte', () => {
    // Paths cannot hold NUL; everything else, spaces, quotes, $, `, !, *, ~ and line breaks included.
    const char = fc.oneof(
      fc.constantFrom(
        ' ',
        "'",
        '"',
        '$',
        '`',
        '\\',
        '!',
        '*',
        '?',
        '~',
        '#',
        '=',
        ';',
        '&',
        '\n',
        '\t',
        '(',
        '{',
        '[',
        'ü',
        '😀',
      ),
      fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }),
    );
    const path = fc
      .array(char, { minLength: 1, maxLength: 12 })
      .map(chars => chars.join('').replace(/\0/g, ''))
      .filter(path => path !== '');
    fc.assert(
      fc.property(path, p => {
        expect(bashArguments(`kustomize ${shellWord(p)}`)).toEqual(['kustomize', p]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('writtenFolderPath', () => {
  it('keeps a path whose `..` all lead (the kernel and path.resolve agree there)', () => {
    for (const path of ['dist', '../gitops/prod', '../../x', './out', '/abs/out', 'a/./b']) {
      expect(writtenFolderPath(path)).toBe(path);
    }
  });

  it('makes a path absolute where a `..` follows a name (a link there leads the kernel elsewhere)', () => {
    for (const path of ['link/../out', './a/../b', '../x/../y', '/abs/link/../out', 'a/./../b']) {
      expect(writtenFolderPath(path)).toBe(resolve(path));
    }
  });
});
