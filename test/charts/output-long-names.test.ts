/**
 * A new output folder is staged beside it under a longer name (`.<name>.synth-staging-<pid>`), so a
 * folder name near the file system's limit of 255 bytes per name once failed with ENAMETOOLONG
 * although the folder itself could be created. Every name the file system takes must be writable.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MANIFEST_FILE, writeOwnedFiles } from '../../charts/output';

describe('a new output folder with a long name', () => {
  const work = mkdtempSync(join(tmpdir(), 'output-long-names-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('property: any name of up to 255 bytes is written, and no staging folder is left', () => {
    let run = 0;
    // ASCII, 2-byte and 4-byte UTF-8 characters, up to the 255-byte limit.
    const name = fc
      .array(fc.constantFrom('a', 'ü', '😀', '-', '.'), { minLength: 200, maxLength: 255 })
      .map(chars => {
        const kept: string[] = [];
        for (const char of chars) {
          if (Buffer.byteLength([...kept, char].join('')) > 255) break;
          kept.push(char);
        }
        return kept.join('');
      })
      .filter(n => n !== '.' && n !== '..');
    fc.assert(
      fc.property(name, n => {
        const parent = join(work, `case-${run++}`);
        mkdirSync(parent);
        const report = writeOwnedFiles(new Map([['kafka/x.yaml', 'one\n']]), join(parent, n));
        expect(report.written).toEqual(['kafka/x.yaml']);
        expect(existsSync(join(parent, n, MANIFEST_FILE))).toBe(true);
        expect(readdirSync(parent)).toEqual([n]);
      }),
      { numRuns: 40, examples: [['a'.repeat(255)], ['ü'.repeat(127)], ['a'.repeat(232)]] },
    );
  });
});
