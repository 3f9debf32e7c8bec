/**
 * `simulate --svg` replaces the user's file: `writeFileAtomically` (simulator/write-file.ts) must
 * flush the new bytes before the rename and the folder after it (a file system may persist a rename
 * before the data it points at), leave the old file whole on any failure, and leave no temporary
 * file behind, and keep a replaced file's permission bits. Checked on the order of the real `fs`
 * calls, over generated contents, modes and failure points (fast-check).
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { FileFlushError, FileWriteError, writeFileAtomically } from '../../simulator/write-file';

type Call =
  | { readonly op: 'open'; readonly fd: number; readonly path: string }
  | { readonly op: 'fsync'; readonly fd: number }
  | { readonly op: 'rename'; readonly from: string; readonly to: string };

const calls: Call[] = [];
/** When set, the n-th disk-changing call (1-based) throws instead of running. */
let failAt: number | undefined;
let steps = 0;

function step(): void {
  steps += 1;
  if (failAt !== undefined && steps === failAt) {
    throw Object.assign(new Error('injected ENOSPC'), { code: 'ENOSPC' });
  }
}

jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return {
    ...actual,
    openSync: jest.fn((...args: Parameters<typeof actual.openSync>) => {
      step();
      const fd = actual.openSync(...args);
      calls.push({ op: 'open', fd, path: resolve(String(args[0])) });
      return fd;
    }),
    writeFileSync: jest.fn((...args: Parameters<typeof actual.writeFileSync>) => {
      step();
      actual.writeFileSync(...args);
    }),
    fchmodSync: jest.fn((...args: Parameters<typeof actual.fchmodSync>) => {
      step();
      actual.fchmodSync(...args);
    }),
    fsyncSync: jest.fn((fd: number) => {
      step();
      actual.fsyncSync(fd);
      calls.push({ op: 'fsync', fd });
    }),
    renameSync: jest.fn((from: string, to: string) => {
      step();
      actual.renameSync(from, to);
      calls.push({ op: 'rename', from: resolve(from), to: resolve(to) });
    }),
  };
});

/**
 * Every entry under `folder` (links not followed): kind, permission bits, and the content of a
 * file or the target of a link. A full picture of what a write may have changed.
 */
function snapshot(folder: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(folder, { recursive: true }) as string[]) {
    const path = join(folder, name);
    const stat = lstatSync(path);
    const mode = (stat.mode & 0o7777).toString(8);
    entries[name] = stat.isSymbolicLink()
      ? `link -> ${readlinkSync(path)}`
      : stat.isDirectory()
        ? `folder ${mode}`
        : `file ${mode} ${readFileSync(path, 'utf8')}`;
  }
  return entries;
}

/** What a user's folder may hold beside the chart: files, folders, links, look-alike names. */
const siblings = fc.uniqueArray(
  fc.record({
    name: fc.constantFrom(
      'notes.txt',
      'chart.svg.bak',
      '.chart.svg.1.tmp',
      '.chart.svg.tmp',
      'chart.svg.tmp',
      'sub',
      'link',
      '.git',
    ),
    kind: fc.constantFrom('file', 'folder', 'link'),
    mode: fc.constantFrom(0o600, 0o644, 0o755, 0o400),
  }),
  { selector: entry => entry.name, maxLength: 6 },
);

describe('writeFileAtomically', () => {
  it('property: the new bytes are flushed before the rename, the folder after it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), text => {
        const folder = mkdtempSync(join(tmpdir(), 'svg-durable-'));
        const file = join(folder, 'chart.svg');
        writeFileSync(file, 'old');
        calls.length = 0;
        failAt = undefined;
        writeFileAtomically(file, text);
        expect(readFileSync(file, 'utf8')).toBe(text);
        const renameAt = calls.findIndex(call => call.op === 'rename' && call.to === file);
        expect(renameAt).toBeGreaterThan(-1);
        const rename = calls[renameAt] as Extract<Call, { op: 'rename' }>;
        const opened = new Map<number, string>();
        const flushedAt = (path: string): number[] =>
          calls.flatMap((call, index) => {
            if (call.op === 'open') opened.set(call.fd, call.path);
            return call.op === 'fsync' && opened.get(call.fd) === path ? [index] : [];
          });
        expect(flushedAt(rename.from).some(index => index < renameAt)).toBe(true);
        opened.clear();
        expect(flushedAt(dirname(file)).some(index => index > renameAt)).toBe(true);
        expect(readdirSync(folder)).toEqual(['chart.svg']);
      }),
      { numRuns: 30 },
    );
  });

  it('property: a failure at any step before the rename leaves the old file whole and no temporary file', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.string({ maxLength: 200 }), (at, text) => {
        const folder = mkdtempSync(join(tmpdir(), 'svg-fail-'));
        const file = join(folder, 'chart.svg');
        writeFileSync(file, 'old');
        chmodSync(file, 0o640);
        steps = 0;
        failAt = at;
        try {
          expect(() => writeFileAtomically(file, text)).toThrow('injected ENOSPC');
        } finally {
          failAt = undefined;
        }
        expect(readFileSync(file, 'utf8')).toBe('old');
        expect(statSync(file).mode & 0o7777).toBe(0o640);
        expect(readdirSync(folder)).toEqual(['chart.svg']);
      }),
    );
  });

  it('property: a replaced file keeps its permission bits (a chmod 600 chart stays private)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0o777 }).map(mode => mode | 0o200),
        fc.string({ maxLength: 200 }),
        (mode, text) => {
          const folder = mkdtempSync(join(tmpdir(), 'svg-mode-'));
          const file = join(folder, 'chart.svg');
          writeFileSync(file, 'old');
          chmodSync(file, mode);
          failAt = undefined;
          writeFileAtomically(file, text);
          expect(readFileSync(file, 'utf8')).toBe(text);
          expect(statSync(file).mode & 0o7777).toBe(mode);
          expect(readdirSync(folder)).toEqual(['chart.svg']);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('gives a new file the mode every new file gets (0666 less the umask)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'svg-new-mode-'));
    const file = join(folder, 'chart.svg');
    const reference = join(folder, 'reference');
    writeFileSync(reference, '');
    writeFileAtomically(file, '<svg/>');
    expect(statSync(file).mode & 0o7777).toBe(statSync(reference).mode & 0o7777);
  });

  it('writes `link/../chart.svg` where path.resolve puts it, temporary file and chart alike', () => {
    // GIVEN a folder with a link to a folder elsewhere (the kernel reads `link/..` as that
    // folder's parent; path.resolve, and every check of the path, as this folder)
    const folder = mkdtempSync(join(tmpdir(), 'svg-dotdot-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'svg-dotdot-elsewhere-'));
    mkdirSync(join(elsewhere, 'sub'));
    symlinkSync(join(elsewhere, 'sub'), join(folder, 'link'));
    failAt = undefined;
    // WHEN the chart is written to link/../chart.svg
    // (typed as a string: path.join would read the `..` away before the call)
    writeFileAtomically(`${folder}/link/../chart.svg`, '<svg/>');
    // THEN it is in the folder, as resolved, and nothing reached the folder elsewhere
    expect(readFileSync(join(folder, 'chart.svg'), 'utf8')).toBe('<svg/>');
    expect(readdirSync(folder).sort()).toEqual(['chart.svg', 'link']);
    expect(readdirSync(elsewhere)).toEqual(['sub']);
  });

  it('property: over any folder, a failure before the rename changes nothing; else only the chart', () => {
    fc.assert(
      fc.property(
        siblings,
        fc.boolean(),
        fc.constantFrom(0o600, 0o644, 0o664),
        fc.integer({ min: 1, max: 6 }),
        (entries, chartExists, chartMode, at) => {
          const folder = mkdtempSync(join(tmpdir(), 'svg-tree-'));
          for (const entry of entries) {
            const path = join(folder, entry.name);
            if (entry.kind === 'file') writeFileSync(path, `mine ${entry.name}`);
            if (entry.kind === 'folder') mkdirSync(path);
            if (entry.kind === 'link') symlinkSync('../elsewhere', path);
            if (entry.kind !== 'link')
              chmodSync(path, entry.mode | (0o700 * Number(entry.kind === 'folder')));
          }
          const file = join(folder, 'chart.svg');
          if (chartExists) {
            writeFileSync(file, 'old');
            chmodSync(file, chartMode);
          }
          const before = snapshot(folder);
          steps = 0;
          failAt = at;
          let failed = false;
          try {
            writeFileAtomically(file, '<svg>new</svg>');
          } catch (error) {
            // Only the flush after the rename may fail once the chart is in place, and says so.
            if (error instanceof FileFlushError) {
              expect(error.message).toBe(
                `${file}: the new content is in place, but flushing it to the disk failed (injected ENOSPC); check the disk, then run again`,
              );
            } else {
              // Before the rename: the file is named and said to be as it was.
              expect(error).toBeInstanceOf(FileWriteError);
              expect((error as FileWriteError).code).toBe('ENOSPC');
              expect((error as Error).message).toBe(
                `${file}: writing it failed (injected ENOSPC), so it is as it was (a file that was not there was not created); fix the cause (free space, a file-size limit, permissions), then run again`,
              );
              failed = true;
            }
          } finally {
            failAt = undefined;
          }
          const after = snapshot(folder);
          if (failed) {
            expect(after).toEqual(before);
          } else {
            const withoutChart = (entries: Record<string, string>): Record<string, string> =>
              Object.fromEntries(Object.entries(entries).filter(([name]) => name !== 'chart.svg'));
            const chart = after['chart.svg'];
            expect(withoutChart(after)).toEqual(withoutChart(before));
            expect(chart).toBe(
              `file ${(chartExists ? chartMode : statSync(file).mode & 0o7777).toString(8)} <svg>new</svg>`,
            );
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
