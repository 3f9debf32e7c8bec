/**
 * The lock of an output folder left by a run of an earlier boot of this machine (killed by the
 * power loss or reboot that ended that boot). Its pid view names the old boot id, so before, it
 * counted as a run this process cannot see, for ever: every later run was refused until someone
 * deleted `.synth-lock` by hand. A reboot is simulated for real CLI processes: each runs in a new
 * mount namespace (`unshare --mount`, root only) where `/proc/sys/kernel/random/boot_id` and
 * `/proc/stat` (its `btime`) are bind-mounted copies naming another boot.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, MANIFEST_FILE } from '../../charts/output';
import { CLI, ROOT, tree } from '../cli/synth-run';

const canFakeBoot =
  process.platform === 'linux' &&
  spawnSync('unshare', ['--mount', 'mount', '--bind', '/proc/stat', '/proc/stat']).status === 0;

/** This boot's pid view as a lock names it: `<boot id, no dashes>-<pid namespace inode>`. */
function currentView(): string {
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '');
  const namespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))![1]!;
  return `${boot}-${namespace}`;
}

/**
 * `synth --config <config> --out <out> --ignore-previous-output` (another spec than the folder
 * holds, so the run changes files) as a real process that sees boot `bootId` (dashed form),
 * begun at `bootTimeSeconds` (Unix seconds, `/proc/stat` btime).
 */
function synthInBoot(
  work: string,
  bootId: string,
  bootTimeSeconds: number,
  config: string,
  out: string,
): { status: number | null; stderr: string } {
  const bootFile = join(work, 'boot_id');
  const statFile = join(work, 'stat');
  writeFileSync(bootFile, `${bootId}\n`);
  writeFileSync(
    statFile,
    readFileSync('/proc/stat', 'utf8').replace(/^btime \d+$/m, `btime ${bootTimeSeconds}`),
  );
  const script = [
    `mount --bind '${bootFile}' /proc/sys/kernel/random/boot_id`,
    `mount --bind '${statFile}' /proc/stat`,
    `exec '${process.execPath}' --import tsx '${CLI}' synth --config '${config}' --out '${out}' --ignore-previous-output`,
  ].join(' && ');
  const run = spawnSync('unshare', ['--mount', 'sh', '-c', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr };
}

const NEXT_BOOT = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

(canFakeBoot ? describe : describe.skip)('a lock left by a run of an earlier boot', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'output-lock-reboot-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** An output of prod.yaml, and the lock and takeover marker a killed run of this boot left. */
  function killedInThisBoot(): { out: string; lock: string } {
    const out = join(work, 'out');
    const first = spawnSync(
      process.execPath,
      ['--import', 'tsx', CLI, 'synth', '--config', 'stacks/prod.yaml', '--out', out],
      { cwd: ROOT },
    );
    expect(first.status).toBe(0);
    // A pid of this boot, its start time and this boot's view, as such a run writes it.
    const lock = `4242 987654 ${currentView()}\n`;
    writeFileSync(join(out, LOCK_FILE), lock);
    writeFileSync(join(out, `${LOCK_FILE}.reap-${lock.trim().replace(/ /g, '-')}`), lock);
    return { out, lock };
  }

  it('is taken over after the reboot: the run writes the folder and leaves no lock file', () => {
    // GIVEN a lock of a run killed in this boot
    const { out } = killedInThisBoot();
    const lockWritten = statSync(join(out, LOCK_FILE)).ctimeMs;
    // WHEN a run of the next boot (another boot id, begun after the lock was written) writes it
    const run = synthInBoot(
      work,
      NEXT_BOOT,
      Math.floor(lockWritten / 1000) + 2,
      'stacks/dev.yaml',
      out,
    );
    // THEN it takes the lock over and writes the new output; no lock file stays
    expect(run.stderr).not.toContain('refusing');
    expect(run.status).toBe(0);
    expect(readdirSync(out).filter(name => name.startsWith(LOCK_FILE))).toEqual([]);
    const expected = join(work, 'expected');
    expect(
      spawnSync(
        process.execPath,
        ['--import', 'tsx', CLI, 'synth', '--config', 'stacks/dev.yaml', '--out', expected],
        { cwd: ROOT },
      ).status,
    ).toBe(0);
    expect(tree(out)).toEqual(tree(expected));
  }, 60_000);

  it('is refused where the lock was written after this boot began (a virtual machine sharing the folder)', () => {
    // GIVEN the same lock, but a boot that began before the lock was written: its run lives on
    // another kernel that shares the folder (a VM guest), and may still be writing
    const { out, lock } = killedInThisBoot();
    const before = tree(out);
    const lockWritten = statSync(join(out, LOCK_FILE)).ctimeMs;
    // WHEN that boot's run writes the folder
    const run = synthInBoot(
      work,
      NEXT_BOOT,
      Math.floor(lockWritten / 1000) - 60,
      'stacks/dev.yaml',
      out,
    );
    // THEN it is refused as before, with the fix, and nothing changed
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('another machine or pid namespace (a container)');
    expect(run.stderr).toMatch(/Nothing was written\.\n$/);
    expect(tree(out)).toEqual(before);
    expect(readFileSync(join(out, LOCK_FILE), 'utf8')).toBe(lock);
    expect(existsSync(join(out, MANIFEST_FILE))).toBe(true);
  }, 60_000);
});
