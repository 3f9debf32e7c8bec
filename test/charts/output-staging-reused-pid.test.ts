/**
 * The staging folder `.synth-staging-<pid>` a run killed mid-swap left in the output folder, when
 * its pid now names a live process: the next container job (every job starts its processes at
 * the same small pids, so npm or a shell of the next job holds the killed run's pid), a process
 * after a reboot, or a process in another pid namespace whose lock was taken over. Such a folder
 * is made only under the folder's lock, so while a run holds the lock no other run is using one.
 * Before, the live pid kept the recovery from reading it: the killed run's new files counted as
 * edits by hand and every later run was refused until the user sorted the folder out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE, readManifest, writeOwnedFiles } from '../../charts/output';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('a killed run’s staging folder whose pid a live process holds now', () => {
  let work: string;
  let live: ChildProcess;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'output-staging-reused-pid-'));
    live = spawn('sleep', ['60'], { stdio: 'ignore' });
  });
  afterEach(() => {
    live.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('is recovered: the next run completes the change and leaves no staging folder', () => {
    // GIVEN an output of a.yaml and b.yaml, and a run killed after it renamed its new a.yaml into
    // place and before it placed b.yaml and the manifest, as the writer leaves it: the new
    // manifest and b.yaml in staging, the previous a.yaml and manifest kept under old/
    const out = join(work, 'out');
    writeOwnedFiles(files({ 'a.yaml': 'a1\n', 'b.yaml': 'b1\n' }), out);
    const staging = join(out, `.synth-staging-${live.pid}`);
    mkdirSync(join(staging, 'new'), { recursive: true });
    mkdirSync(join(staging, 'old'));
    writeFileSync(
      join(staging, MANIFEST_FILE),
      `${readFileSync(join(out, MANIFEST_FILE), 'utf8').split('\n').slice(0, 2).join('\n')}\n${sha256('a2\n')}  a.yaml\n${sha256('b2\n')}  b.yaml\n`,
    );
    writeFileSync(join(staging, 'new', 'b.yaml'), 'b2\n');
    linkSync(join(out, 'a.yaml'), join(staging, 'old', 'a.yaml'));
    linkSync(join(out, 'b.yaml'), join(staging, 'old', 'b.yaml'));
    linkSync(join(out, MANIFEST_FILE), join(staging, 'old', MANIFEST_FILE));
    rmSync(join(out, 'a.yaml'));
    writeFileSync(join(out, 'a.yaml'), 'a2\n');
    // WHEN the next run (of another pid) writes a third version
    const report = writeOwnedFiles(files({ 'a.yaml': 'a3\n', 'b.yaml': 'b3\n' }), out);
    // THEN it owns both versions of the killed run's files, completes the change and removes the
    // staging folder; the live process's pid named it, nothing else
    expect(report.foreign).toEqual([]);
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe('a3\n');
    expect(readFileSync(join(out, 'b.yaml'), 'utf8')).toBe('b3\n');
    expect(readdirSync(out).sort()).toEqual([MANIFEST_FILE, 'a.yaml', 'b.yaml']);
    expect(readManifest(out)).toEqual(
      new Map([
        ['a.yaml', sha256('a3\n')],
        ['b.yaml', sha256('b3\n')],
      ]),
    );
  });
});
