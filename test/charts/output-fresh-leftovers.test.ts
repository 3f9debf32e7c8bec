/**
 * A new output folder is staged beside it, as `.<name>.synth-staging-<pid>`, and renamed into
 * place. A run killed before the rename leaves that folder in the parent (often the user's GitOps
 * repository); the next run into the same folder must remove it, also when the folder exists by
 * then (created by the user, a `git clone`, another run), and must remove nothing else. A run that
 * fails (short of a kill) leaves nothing either, not even the parent folders it created.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE, OutputWriteError, writeOwnedFiles } from '../../charts/output';

/** The `node:fs` module object itself, whose functions the writer calls (not an import copy). */
const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
const CHILD = join(__dirname, 'fresh-kill-child.ts');
const FILES = { 'kustomization.yaml': 'resources: [kafka]\n', 'kafka/x.yaml': 'kind: X\n' };
const files = () => new Map(Object.entries(FILES));

/** Runs a synth write into the new folder `out` that is killed (SIGKILL) just before its rename. */
function killedWhileCreating(out: string): void {
  // Node itself with tsx's loader: one process, so the kill is the run's own (the tsx binary would
  // run it in a child and report an exit status instead).
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', CHILD, out, JSON.stringify(FILES)],
    {
      cwd: join(__dirname, '..', '..'),
      encoding: 'utf8',
    },
  );
  expect(result.signal ?? result.stderr).toBe('SIGKILL');
}

describe('leftovers of a run that created a new output folder', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(join(tmpdir(), 'output-fresh-leftovers-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('a killed run’s staging folder is removed by the next run, also when the folder exists by then', () => {
    // GIVEN a GitOps repository, and a run killed while creating platform/ in it
    const repo = join(work, 'gitops');
    fs.mkdirSync(join(repo, '.git'), { recursive: true });
    const out = join(repo, 'platform');
    killedWhileCreating(out);
    expect(fs.readdirSync(repo).sort()).toEqual([
      '.git',
      expect.stringMatching(/^\.platform\.synth-staging-\d+$/),
    ]);
    // WHEN the user creates the folder (with a file of theirs) and the next run writes it
    fs.mkdirSync(out);
    fs.writeFileSync(join(out, 'README.md'), '# platform\n');
    const report = writeOwnedFiles(files(), out);
    // THEN the leftover is gone, and the folder holds the user's file and the output
    expect(report.foreign).toEqual(['README.md']);
    expect(fs.readdirSync(repo).sort()).toEqual(['.git', 'platform']);
    expect(fs.readdirSync(out).sort()).toEqual([
      MANIFEST_FILE,
      'README.md',
      'kafka',
      'kustomization.yaml',
    ]);
  });

  it('a look-alike folder holding anything but synth’s own files is left alone', () => {
    const out = join(work, 'platform');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    // A folder named like a staging folder whose `.synth-manifest` is not one synth writes, and
    // one whose number is not a plain pid.
    const lookAlike = join(work, `.platform.synth-staging-${dead}`);
    fs.mkdirSync(lookAlike);
    fs.writeFileSync(join(lookAlike, MANIFEST_FILE), 'my checksums\n');
    const hex = join(work, '.platform.synth-staging-0x1F');
    fs.mkdirSync(hex);
    writeOwnedFiles(files(), out);
    expect(fs.readFileSync(join(lookAlike, MANIFEST_FILE), 'utf8')).toBe('my checksums\n');
    expect(fs.existsSync(hex)).toBe(true);
  });

  it('a killed run’s reaping folder is removed by the next run; a look-alike of user files stays', () => {
    // GIVEN a run killed while it removed a leftover it had moved aside (`.platform.synth-reaping-
    // <pid>`: a whole manifest and one listed file), and a folder of that name holding user files
    const out = join(work, 'platform');
    const killed = spawnSync(process.execPath, ['-e', '']).pid;
    killedWhileCreating(out);
    const [staging] = fs.readdirSync(work);
    const reaping = join(work, `.platform.synth-reaping-${killed}`);
    fs.renameSync(join(work, staging!), reaping);
    fs.rmSync(join(reaping, 'kustomization.yaml'));
    const lookAlike = join(work, `.platform.synth-reaping-${killed + 1}`);
    fs.mkdirSync(lookAlike);
    fs.writeFileSync(join(lookAlike, 'notes.md'), 'mine\n');
    // WHEN the next run creates the folder
    writeOwnedFiles(files(), out);
    // THEN the reaping folder is gone and the look-alike kept as it was
    expect(fs.readdirSync(work).sort()).toEqual([
      `.platform.synth-reaping-${killed + 1}`,
      'platform',
    ]);
    expect(fs.readFileSync(join(lookAlike, 'notes.md'), 'utf8')).toBe('mine\n');
  });

  it('a failed run leaves no folder it created on the way to the new folder', () => {
    // GIVEN --out a/b/platform where a/ does not exist, and a disk that fails at the final rename
    const out = join(work, 'a', 'b', 'platform');
    const rename = fs.renameSync;
    const spy = jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (String(to) === out) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      rename(from, to);
    });
    try {
      expect(() => writeOwnedFiles(files(), out)).toThrow(OutputWriteError);
    } finally {
      spy.mockRestore();
    }
    // THEN the parent is as it was
    expect(fs.readdirSync(work)).toEqual([]);
  });
});
