/**
 * Durability of the synth output writer (`charts/output.ts`) against a power loss: a file system may
 * persist a rename before the data it points at, so every file must be flushed (fsync) before it is
 * renamed into the output folder, and the folders it lands in flushed after the last rename.
 * Checked on the order of the real `fs` calls the writer makes, over generated runs (fast-check):
 * a new folder, then a second run that changes, adds and removes files.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { writeOwnedFiles } from '../../charts/output';

type Call =
  | { readonly op: 'open'; readonly fd: number; readonly path: string }
  | { readonly op: 'fsync'; readonly fd: number }
  | { readonly op: 'close'; readonly fd: number }
  | { readonly op: 'rename'; readonly from: string; readonly to: string };

const calls: Call[] = [];

jest.mock('node:fs', () => {
  const actual = jest.requireActual<typeof import('node:fs')>('node:fs');
  return {
    ...actual,
    openSync: jest.fn((...args: Parameters<typeof actual.openSync>) => {
      const fd = actual.openSync(...args);
      calls.push({ op: 'open', fd, path: resolve(String(args[0])) });
      return fd;
    }),
    fsyncSync: jest.fn((fd: number) => {
      actual.fsyncSync(fd);
      calls.push({ op: 'fsync', fd });
    }),
    closeSync: jest.fn((fd: number) => {
      actual.closeSync(fd);
      calls.push({ op: 'close', fd });
    }),
    renameSync: jest.fn((from: string, to: string) => {
      actual.renameSync(from, to);
      calls.push({ op: 'rename', from: resolve(from), to: resolve(to) });
    }),
  };
});

/** Paths flushed, in call order, by index into `calls` (an fd is mapped to the path it opened). */
function flushed(log: readonly Call[]): Map<string, number[]> {
  const open = new Map<number, string>();
  const at = new Map<string, number[]>();
  log.forEach((call, index) => {
    if (call.op === 'open') open.set(call.fd, call.path);
    if (call.op === 'close') open.delete(call.fd);
    if (call.op === 'fsync') {
      const path = open.get(call.fd);
      if (path !== undefined) at.set(path, [...(at.get(path) ?? []), index]);
    }
  });
  return at;
}

/** Checks one run's calls; `written` are the output paths (absolute) the run wrote. */
function expectDurable(log: readonly Call[], written: readonly string[], outDir: string): void {
  const sync = flushed(log);
  const renames = log.flatMap((call, index) => (call.op === 'rename' ? [{ call, index }] : []));
  for (const file of written) {
    // The rename that put this file (or a folder holding it) in place.
    const placing = renames.find(({ call }) => call.to === file || file.startsWith(`${call.to}/`));
    expect(placing).toBeDefined();
    const source = placing!.call.from + file.slice(placing!.call.to.length);
    const flushes = sync.get(source) ?? [];
    expect(flushes.some(index => index < placing!.index)).toBe(true);
    // Its folder is flushed after the last rename of the run.
    const lastRename = renames[renames.length - 1].index;
    const folder = placing!.call.to === file ? dirname(file) : dirname(placing!.call.to);
    expect((sync.get(folder) ?? []).some(index => index > lastRename)).toBe(true);
  }
  expect(written.every(file => file.startsWith(`${outDir}/`))).toBe(true);
}

const pathArb = fc
  .array(fc.constantFrom('a', 'b', 'c', 'sub'), { minLength: 1, maxLength: 3 })
  .map(parts => `${parts.join('/')}.yaml`);
const filesArb = fc.uniqueArray(fc.tuple(pathArb, fc.string({ maxLength: 40 })), {
  minLength: 1,
  maxLength: 6,
  selector: ([path]) => path,
});

describe('synth output durability', () => {
  it('flushes every file before it is renamed into place, and its folder after the last rename', () => {
    fc.assert(
      fc.property(filesArb, filesArb, (first, second) => {
        const outDir = resolve(join(mkdtempSync(join(tmpdir(), 'durable-')), 'out'));
        calls.length = 0;
        writeOwnedFiles(new Map(first), outDir);
        expectDurable(
          calls,
          [...first.map(([path]) => join(outDir, path)), join(outDir, '.synth-manifest')],
          outDir,
        );
        calls.length = 0;
        const report = writeOwnedFiles(new Map(second), outDir);
        const changed = second.filter(
          ([path, content]) => !first.some(([p, c]) => p === path && c === content),
        );
        expect(report.written).toEqual(second.map(([path]) => path).sort());
        expectDurable(
          calls,
          [...changed.map(([path]) => join(outDir, path)), join(outDir, '.synth-manifest')],
          outDir,
        );
      }),
      { numRuns: 40 },
    );
  });
});
