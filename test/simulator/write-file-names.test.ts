/**
 * `writeFileAtomically` (simulate --svg) writes through a temporary file beside the chart,
 * `.<name>.<pid>.tmp`. A chart name near the 255-byte limit once failed with a raw ENAMETOOLONG
 * (the temporary name is longer), and a run killed before its rename left the temporary file in
 * the user's folder for good. Every name the file system takes must be writable, and the next
 * write of the same chart removes a killed run's temporary file, and only that.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { writeFileAtomically } from '../../simulator/write-file';

describe('the temporary file of an atomic write', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'write-file-names-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('property: any file name of up to 255 bytes is written, and nothing else is left', () => {
    let run = 0;
    const name = fc
      .array(fc.constantFrom('a', 'ü', '😀', '-'), { minLength: 200, maxLength: 251 })
      .map(chars => {
        const kept: string[] = [];
        for (const char of chars) {
          if (Buffer.byteLength([...kept, char, '.svg'].join('')) > 255) break;
          kept.push(char);
        }
        return `${kept.join('')}.svg`;
      });
    fc.assert(
      fc.property(name, n => {
        const folder = join(work, `case-${run++}`);
        mkdirSync(folder);
        writeFileAtomically(join(folder, n), '<svg/>');
        expect(readdirSync(folder)).toEqual([n]);
      }),
      { numRuns: 30, examples: [[`${'a'.repeat(251)}.svg`], [`${'ü'.repeat(125)}.svg`]] },
    );
  });

  it('removes a killed run’s temporary file on the next write, and nothing else', () => {
    // GIVEN what runs killed before their rename left: torn charts of gone processes, and files
    // named alike that are not a killed chart write's (other content, a live pid, not a pid)
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(work, `.sim.svg.${dead}.tmp`), '<svg xmlns="http://www.w3.org/2000/sv');
    writeFileSync(join(work, `.sim.svg.${dead + 100000}.tmp`), '');
    const kept: Array<[string, string]> = [
      [`.sim.svg.${dead}0.tmp.bak`, '<svg'],
      [`.sim.svg.${process.ppid}.tmp`, '<svg'],
      ['.sim.svg.0x1F.tmp', '<svg'],
      [`.other.svg.${dead}.tmp`, '<svg'],
    ];
    writeFileSync(join(work, `.sim.svg.${dead + 200000}.tmp`), 'my notes\n');
    kept.push([`.sim.svg.${dead + 200000}.tmp`, 'my notes\n']);
    for (const [name, content] of kept) writeFileSync(join(work, name), content);
    // WHEN the chart is written again, knowing what its own writes hold
    const ours = (content: Buffer): boolean =>
      content.length === 0 || content.toString().startsWith('<svg');
    writeFileAtomically(join(work, 'sim.svg'), '<svg/>', ours);
    // THEN the killed runs' temporary files are gone, the others stay
    expect(readFileSync(join(work, 'sim.svg'), 'utf8')).toBe('<svg/>');
    expect(readdirSync(work).sort()).toEqual(['sim.svg', ...kept.map(([name]) => name)].sort());
  });

  it('simulate --svg removes a killed chart write’s temporary file', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const leftover = join(work, `.sim.svg.${dead}.tmp`);
    writeFileSync(leftover, '<svg xmlns="http://www.w3.org/2000/sv');
    const root = join(__dirname, '..', '..');
    const result = spawnSync(
      join(root, 'node_modules', '.bin', 'tsx'),
      [
        join(root, 'cli', 'main.ts'),
        'simulate',
        '--synthetic',
        'daily:3',
        '--peak-mibps',
        '800',
        '--days',
        '1',
        '--svg',
        join(work, 'sim.svg'),
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readdirSync(work)).toEqual(['sim.svg']);
  });
});
