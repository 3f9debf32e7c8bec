/**
 * The synth output writer (`charts/output.ts`, used by `kafka-eks synth --out`) under a kill or a
 * failure at every file-system step, over generated folders (fast-check): old output, new output
 * and the user's own files, hidden files, a worktree's `.git` file, empty folders and links that
 * lead outside the folder.
 *
 * A kill is modelled in process: from the chosen step on, every call that changes the disk does
 * nothing and throws, so no rollback or clean-up reaches the disk, exactly as if the process had
 * died there (SIGKILL). Steps include the calls Node's own `writeFileSync` makes (`openSync`, then
 * `writeSync`), so a kill between them leaves an empty file, and a write killed midway leaves the
 * first half of its bytes. The killed run carries the pid of a process that has exited, as its
 * leftovers would, or (every other step) this process's own pid, as a reused pid would. A failure
 * throws at the chosen step once and lets everything else (the rollback) run.
 * `test/cli/synth.test.ts` kills the real CLI process as well.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  LOCK_FILE,
  MANIFEST_FILE,
  OutputCleanupError,
  OutputFlushError,
  OutputWriteError,
  writeOwnedFiles,
} from '../../charts/output';

/** The `node:fs` module object itself, whose functions the writer calls (not an import copy). */
const fs = jest.requireActual<typeof import('node:fs')>('node:fs');

const SCRATCH = ((): string => {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
})();

/** Every `fs` function that changes the disk (the writer uses a subset). */
const MUTATORS = [
  'writeFileSync',
  'appendFileSync',
  'renameSync',
  'rmSync',
  'unlinkSync',
  'rmdirSync',
  'mkdirSync',
  'linkSync',
  'symlinkSync',
  'copyFileSync',
  'cpSync',
  'truncateSync',
  'chmodSync',
  'openSync',
  'writeSync',
  'fsyncSync',
] as const;

class Killed extends Error {}
class Injected extends Error {}

type Fault = { mode: 'count' } | { mode: 'kill' | 'fail'; at: number };

/** Runs `run` with `fault` applied to every disk-changing call; returns how many steps ran. */
function withFault(fault: Fault, run: () => void): number {
  let steps = 0;
  let dead = false;
  const spies = MUTATORS.map(name => {
    const original = fs[name] as (...args: unknown[]) => unknown;
    return jest.spyOn(fs, name).mockImplementation(((...args: unknown[]) => {
      if (dead) throw new Killed('killed earlier');
      steps += 1;
      if (fault.mode !== 'count' && steps === fault.at) {
        if (fault.mode === 'fail') throw new Injected(`injected failure at ${name}`);
        if (name === 'writeFileSync' && typeof args[1] === 'string') {
          // A kill inside a write leaves a torn file: the first half of its bytes.
          original(args[0], args[1].slice(0, Math.floor(args[1].length / 2)));
        }
        dead = true;
        throw new Killed(`killed at ${name}`);
      }
      return original(...args);
    }) as never);
  });
  try {
    run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return steps;
}

/** What a folder holds, links not followed: path -> file bytes, `link -> target`, or `dir/`. */
function snapshot(dir: string, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of fs.readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = `${prefix}${entry.name}`;
    const full = join(dir, path);
    if (entry.isSymbolicLink()) found.set(path, `link -> ${fs.readlinkSync(full)}`);
    else if (entry.isDirectory()) {
      const inner = snapshot(dir, `${path}/`);
      if (inner.size === 0) found.set(`${path}/`, 'dir/');
      for (const [key, value] of inner) found.set(key, value);
    } else found.set(path, fs.readFileSync(full, 'latin1'));
  }
  return found;
}

type UserEntry =
  | { kind: 'file'; path: string; content: string }
  | { kind: 'dir'; path: string }
  | { kind: 'link'; path: string; to: 'folder' | 'file' };

/** The user's own entries; none shares a path with a generated file or folder below. */
const USER_ENTRIES: readonly UserEntry[] = [
  { kind: 'file', path: 'README.md', content: '# our GitOps repository\n' },
  { kind: 'file', path: '.gitignore', content: '*.tmp\n' },
  { kind: 'file', path: '.github/workflows/ci.yml', content: 'on: push\n' },
  { kind: 'file', path: '.flux/source.yaml', content: 'kind: GitRepository\n' },
  { kind: 'file', path: '.git/HEAD', content: 'ref: refs/heads/main\n' },
  { kind: 'file', path: 'kafka/.git', content: 'gitdir: ../.git/worktrees/kafka\n' },
  { kind: 'file', path: 'kafka/my-patch.yaml', content: 'kind: Patch\n' },
  { kind: 'file', path: 'a/b/notes.txt', content: 'notes\n' },
  { kind: 'dir', path: 'empty' },
  { kind: 'dir', path: 'a/empty' },
  { kind: 'link', path: 'out-link', to: 'folder' },
  { kind: 'link', path: 'storage/secret.yaml', to: 'file' },
];

const SEGMENTS = ['kafka', 'storage', 'a', 'b'] as const;
const LEAVES = ['kustomization.yaml', 'x.yaml', 'y.yaml'] as const;
const CONTENTS = ['one\n', 'two\n', 'three: 3\n', `${'long line '.repeat(40)}\n`] as const;

const generatedPath = fc
  .tuple(fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 2 }), fc.constantFrom(...LEAVES))
  .map(([folders, leaf]) => [...folders, leaf].join('/'));
const output = fc
  .uniqueArray(fc.tuple(generatedPath, fc.constantFrom(...CONTENTS)), {
    selector: ([path]) => path,
    minLength: 1,
    maxLength: 6,
  })
  .map(entries => new Map(entries));

interface Scenario {
  /** The previous run's output; undefined: the folder does not exist yet. */
  readonly before: ReadonlyMap<string, string> | undefined;
  readonly after: ReadonlyMap<string, string>;
  readonly user: readonly UserEntry[];
}

const scenario: fc.Arbitrary<Scenario> = fc.oneof(
  fc.record({ before: output, after: output, user: fc.subarray([...USER_ENTRIES]) }),
  fc.record({ before: fc.constant(undefined), after: output, user: fc.constant([]) }),
);

const OUTSIDE: ReadonlyMap<string, string> = new Map([
  ['secret.txt', 'outside the output folder\n'],
  ['folder/kustomization.yaml', 'kind: Kustomization # not synth output\n'],
]);

/** The manifest a completed write of `files` leaves (as a fresh folder gets it). */
function expectedManifest(files: ReadonlyMap<string, string>): string {
  const fresh = fs.mkdtempSync(join(SCRATCH, 'synth-manifest-'));
  writeOwnedFiles(files, join(fresh, 'out'));
  const text = fs.readFileSync(join(fresh, 'out', MANIFEST_FILE), 'utf8');
  fs.rmSync(fresh, { recursive: true });
  return text;
}

/** Lays out `base`: the folder outside, the previous output, then the user's entries. */
function setUp(base: string, s: Scenario): string {
  fs.rmSync(base, { recursive: true, force: true });
  const outside = join(base, 'outside');
  for (const [path, content] of OUTSIDE) {
    fs.mkdirSync(join(outside, path, '..'), { recursive: true });
    fs.writeFileSync(join(outside, path), content);
  }
  const out = join(base, 'out');
  if (s.before === undefined) return out;
  writeOwnedFiles(s.before, out);
  for (const entry of s.user) {
    const full = join(out, entry.path);
    fs.mkdirSync(join(full, '..'), { recursive: true });
    if (entry.kind === 'file') fs.writeFileSync(full, entry.content);
    else if (entry.kind === 'dir') fs.mkdirSync(full, { recursive: true });
    else fs.symlinkSync(join(outside, entry.to === 'folder' ? 'folder' : 'secret.txt'), full);
  }
  return out;
}

/** The lock and its helper files (`.synth-lock.new-<pid>`, `.synth-lock.reap-<pid>`). */
const isLockEntry = (path: string): boolean =>
  path === LOCK_FILE || path.startsWith(`${LOCK_FILE}.`);

const isInternal = (path: string): boolean =>
  path === MANIFEST_FILE || isLockEntry(path) || path.startsWith('.synth-staging-');

/** Everything of the user's, inside and outside the folder, is byte-identical and present. */
function expectUserFilesKept(base: string, out: string, s: Scenario, was: Map<string, string>) {
  const now = fs.existsSync(out) ? snapshot(out) : new Map<string, string>();
  for (const [path, value] of was) {
    if (!isInternal(path) && !s.before?.has(path))
      expect([path, now.get(path)]).toEqual([path, value]);
  }
  expect(snapshot(join(base, 'outside'))).toEqual(OUTSIDE);
}

/** After the run completed: exactly the new output, the user's entries and the manifest. */
function expectCompleted(base: string, out: string, s: Scenario, was: Map<string, string>) {
  expectUserFilesKept(base, out, s, was);
  const now = snapshot(out);
  const expected = new Map(s.after);
  for (const [path, value] of was) {
    if (!isInternal(path) && !s.before?.has(path)) expected.set(path, value);
  }
  const left = new Map([...now].filter(([path]) => path !== MANIFEST_FILE));
  // Folders that only held files of the previous output may remain or go; nothing else.
  for (const [path, value] of left) {
    if (value === 'dir/' && !expected.has(path)) left.delete(path);
  }
  expect(left).toEqual(expected);
  expect(fs.readdirSync(base).sort()).toEqual(['out', 'outside']);
}

/** Right after a kill: each generated path holds its old or its new bytes (or none if new/dropped). */
function expectEachFileOldOrNew(base: string, out: string, s: Scenario, was: Map<string, string>) {
  expectUserFilesKept(base, out, s, was);
  if (!fs.existsSync(out)) return;
  const now = snapshot(out);
  if (s.before === undefined) {
    // A new folder appears whole or not at all.
    expect(new Map([...now].filter(([path]) => path !== MANIFEST_FILE))).toEqual(s.after);
    return;
  }
  for (const path of new Set([...s.before.keys(), ...s.after.keys()])) {
    const allowed = [s.before.get(path), s.after.get(path)];
    if (!(s.before.has(path) && s.after.has(path))) allowed.push(undefined);
    if (!allowed.includes(now.get(path))) {
      throw new Error(
        `${path} holds ${JSON.stringify(now.get(path))}, not one of ${JSON.stringify(allowed)}`,
      );
    }
  }
  for (const path of now.keys()) {
    if (path.startsWith('.synth-staging-') || isLockEntry(path) || path.endsWith('/')) continue;
    expect([path, s.before.has(path) || s.after.has(path) || was.has(path)]).toEqual([path, true]);
  }
  // The manifest is always there: the old one or the new one, whole.
  expect(now.has(MANIFEST_FILE)).toBe(true);
  // A kill can leave a mix of old and new files (no file system swaps many paths at once), but
  // never without a `.synth-staging-<pid>` folder beside them, the mark the README tells users
  // not to commit. `sha256sum -c .synth-manifest` is no such mark: it checks only listed files,
  // so it passes on the old manifest with a new file already placed beside the old ones.
  const generated = [...new Set([...s.before.keys(), ...s.after.keys()])];
  const whole = (side: ReadonlyMap<string, string>): boolean =>
    generated.every(path => now.get(path) === side.get(path));
  if (!whole(s.before) && !whole(s.after)) {
    expect([...now.keys()].some(path => path.startsWith('.synth-staging-'))).toBe(true);
  }
}

describe('synth output under a kill or a failure at every step', () => {
  // Thousands of small writes: on tmpfs where there is one (about 15x faster here than the disk).
  const root = fs.mkdtempSync(join(SCRATCH, 'synth-faults-'));
  const exited = spawnSync(process.execPath, ['-e', '']);
  const deadPid = exited.pid;
  const realPid = process.pid;

  function asDeadProcess(run: () => void): void {
    Object.defineProperty(process, 'pid', { value: deadPid, configurable: true });
    try {
      run();
    } finally {
      Object.defineProperty(process, 'pid', { value: realPid, configurable: true });
    }
  }

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('keeps every user file and leaves each generated file old or new; the next run completes', () => {
    let runs = 0;
    fc.assert(
      fc.property(scenario, s => {
        const base = join(root, `case-${runs++}`);
        let out = setUp(base, s);
        const was = fs.existsSync(out) ? snapshot(out) : new Map<string, string>();
        const steps = withFault({ mode: 'count' }, () => writeOwnedFiles(s.after, out));
        expectCompleted(base, out, s, was);
        for (let at = 1; at <= steps; at++) {
          out = setUp(base, s);
          // Half the kills run as this very process, as a killed run whose pid was reused would.
          (at % 2 === 0 ? asDeadProcess : (run: () => void) => run())(() => {
            let thrown: unknown;
            try {
              withFault({ mode: 'kill', at }, () => writeOwnedFiles(s.after, out));
            } catch (error) {
              thrown = error;
            }
            // The kill itself, or what the dying run wrapped it in (the process is gone anyway).
            expect(thrown instanceof Killed || (thrown as Error).cause instanceof Killed).toBe(
              true,
            );
          });
          expectEachFileOldOrNew(base, out, s, was);
          writeOwnedFiles(s.after, out);
          expectCompleted(base, out, s, was);

          out = setUp(base, s);
          let failed = false;
          try {
            withFault({ mode: 'fail', at }, () => writeOwnedFiles(s.after, out));
          } catch (error) {
            if (error instanceof OutputCleanupError || error instanceof OutputFlushError) {
              // Only once the new output was complete: the next run removes the leftover, and a
              // failed flush is reported with the output in place.
              expect(error.cause).toBeInstanceOf(Injected);
              expect(snapshot(out).get(MANIFEST_FILE)).toBe(expectedManifest(s.after));
            } else if (error instanceof OutputWriteError && error.cause instanceof Injected) {
              // At every step, the lock and the parent folder included: the message names the
              // folder (a raw "ENOSPC: no space left on device, write" says nowhere).
              expect(error.rolledBack).toBe(true);
              expect(error.message).toContain(`writing ${out} failed (injected failure at `);
              failed = true;
            } else throw error;
          }
          if (failed) {
            // Rolled back: the folder as it was, every leftover removed, the lock released.
            expect(fs.existsSync(out) ? snapshot(out) : new Map()).toEqual(was);
            expect(fs.readdirSync(base).sort()).toEqual(
              s.before === undefined ? ['outside'] : ['out', 'outside'],
            );
          }
          writeOwnedFiles(s.after, out);
          expectCompleted(base, out, s, was);
        }
        fs.rmSync(base, { recursive: true, force: true });
      }),
      { numRuns: 25 },
    );
  });

  it('a new folder that appears while the run stages it is written under the ownership rule', () => {
    const base = join(root, 'appears');
    const out = join(base, 'out');
    const original = fs.renameSync;
    // Another run (or the user) creates the folder, with a file of the user's, just before ours
    // renames its staged folder into place.
    const spy = jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(to) === out && !fs.existsSync(out)) {
        fs.mkdirSync(out, { recursive: true });
        fs.writeFileSync(join(out, 'README.md'), '# ours\n');
      }
      original(from, to);
    });
    try {
      const report = writeOwnedFiles(new Map([['kafka/x.yaml', 'one\n']]), out);
      expect(report.foreign).toEqual(['README.md']);
    } finally {
      spy.mockRestore();
    }
    expect(snapshot(out)).toEqual(
      new Map([
        [MANIFEST_FILE, expectedManifest(new Map([['kafka/x.yaml', 'one\n']]))],
        ['README.md', '# ours\n'],
        ['kafka/x.yaml', 'one\n'],
      ]),
    );
    expect(fs.readdirSync(base)).toEqual(['out']);
  });

  it('refuses, as a library call too, an output folder that is a link to a missing folder', () => {
    const base = join(root, 'dangling');
    fs.mkdirSync(base);
    fs.symlinkSync(join(base, 'missing'), join(base, 'out'));
    expect(() => writeOwnedFiles(new Map([['x.yaml', 'one\n']]), join(base, 'out'))).toThrow(
      /^refusing to write .*\/out: .*\/out is a link to a missing folder; synth writes only into a folder of its own/,
    );
    expect(fs.readdirSync(base)).toEqual(['out']);
  });
});
