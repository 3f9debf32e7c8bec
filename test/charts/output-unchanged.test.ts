/**
 * A re-run whose output is partly unchanged (charts/output.ts): files that already hold the
 * planned content stay in place (same inode, untouched), the rest is swapped as before, and a
 * failed swap still rolls back to the previous output exactly.
 */
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE, writeOwnedFiles } from '../../charts/output';

jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return { ...actual, renameSync: jest.fn(actual.renameSync) };
});
const realRenameSync = jest.requireActual<typeof import('node:fs')>('node:fs').renameSync;

const files = (entries: Record<string, string>): Map<string, string> =>
  new Map(Object.entries(entries));

function tree(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter(entry => entry.isFile())
      .map(entry => {
        const full = join(entry.parentPath, entry.name);
        return [full.slice(dir.length + 1), readFileSync(full, 'utf8')];
      })
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

let out: string;
beforeEach(() => {
  out = join(mkdtempSync(join(tmpdir(), 'output-unchanged-')), 'out');
  jest.mocked(fs.renameSync).mockImplementation(realRenameSync);
});

describe('a re-run with unchanged files', () => {
  it('leaves unchanged files in place and swaps only the changed ones', () => {
    writeOwnedFiles(files({ 'a.yaml': 'a', 'b/b.yaml': 'b', 'c.yaml': 'c' }), out);
    const inode = (path: string) => statSync(join(out, path)).ino;
    const before = { a: inode('a.yaml'), b: inode('b/b.yaml'), c: inode('c.yaml') };
    jest.mocked(fs.renameSync).mockClear();
    const report = writeOwnedFiles(files({ 'a.yaml': 'a', 'b/b.yaml': 'B', 'd.yaml': 'd' }), out);
    expect(inode('a.yaml')).toBe(before.a);
    expect(inode('b/b.yaml')).not.toBe(before.b);
    expect(tree(out)).toEqual({
      [MANIFEST_FILE]: expect.any(String),
      'a.yaml': 'a',
      'b/b.yaml': 'B',
      'd.yaml': 'd',
    });
    expect(readFileSync(join(out, MANIFEST_FILE), 'utf8')).toMatch(/ {2}a\.yaml\n/);
    expect(report).toEqual({
      written: ['a.yaml', 'b/b.yaml', 'd.yaml'],
      removed: ['c.yaml'],
      foreign: [],
    });
    // b and d placed (b over the old b), the manifest placed, c removed: a never moves.
    const moved = jest.mocked(fs.renameSync).mock.calls.map(([, to]) => String(to));
    expect(moved.some(to => to.endsWith('/a.yaml'))).toBe(false);
    expect(moved).toHaveLength(3);
  });

  it('touches only the manifest when nothing changed', () => {
    const all = files({ 'a.yaml': 'a', 'b/b.yaml': 'b' });
    writeOwnedFiles(all, out);
    const before = tree(out);
    jest.mocked(fs.renameSync).mockClear();
    writeOwnedFiles(all, out);
    expect(tree(out)).toEqual(before);
    // The new manifest over the old one.
    expect(jest.mocked(fs.renameSync).mock.calls).toHaveLength(1);
  });

  // Renames 1-2 place b (over the old b) and c, 3 the manifest.
  it.each([1, 2, 3])(
    'rolls back to the previous output when rename %i of a partial swap fails',
    failAt => {
      writeOwnedFiles(files({ 'a.yaml': 'a', 'b.yaml': 'b' }), out);
      writeFileSync(join(out, 'mine.txt'), 'mine');
      const before = tree(out);
      let calls = 0;
      jest.mocked(fs.renameSync).mockImplementation((from, to) => {
        calls += 1;
        if (calls === failAt) throw new Error('disk full');
        realRenameSync(from, to);
      });
      expect(() =>
        writeOwnedFiles(files({ 'a.yaml': 'a', 'b.yaml': 'B', 'c.yaml': 'C' }), out),
      ).toThrow('disk full');
      jest.mocked(fs.renameSync).mockImplementation(realRenameSync);
      expect(tree(out)).toEqual(before);
      expect(readdirSync(out).filter(name => name.startsWith('.synth-staging'))).toEqual([]);
    },
  );
});
