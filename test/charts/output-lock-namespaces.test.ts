/**
 * The lock of an output folder held by a run this process cannot see: a run in another pid
 * namespace (a container writing a folder the host shares, another machine on a network share).
 * Its pid names another process here, or none, so before, the lock counted as a killed run's and
 * was taken over: two runs wrote one folder at once, and their swaps interleaved. Real processes:
 * a synth run in a new pid namespace (`unshare --pid`, root only), stopped while it holds the lock,
 * and a second run on the host.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCK_FILE, writeOwnedFiles } from '../../charts/output';
import { tree } from '../cli/synth-run';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'cli', 'main.ts');

const canUnshare =
  process.platform === 'linux' &&
  spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;

/** `synth` in a new pid namespace, as one process (node with tsx's loader) in its own group. */
function synthInNamespace(config: string, out: string): ChildProcess {
  return spawn(
    'unshare',
    [
      '--pid',
      '--fork',
      '--mount-proc',
      process.execPath,
      '--import',
      'tsx',
      CLI,
      'synth',
      '--config',
      config,
      '--out',
      out,
      // Another spec than the folder holds, so the run changes files.
      '--ignore-previous-output',
    ],
    { cwd: ROOT, detached: true, stdio: 'ignore' },
  );
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise(done => {
    if (child.exitCode !== null) done(child.exitCode);
    else child.on('exit', code => done(code));
  });
}

(canUnshare ? describe : describe.skip)('a lock held by a run in another pid namespace', () => {
  const work = mkdtempSync(join(tmpdir(), 'output-lock-namespaces-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is never taken over: the second run is refused (exit 1) and changes nothing', async () => {
    const out = join(work, 'out');
    const first = spawnSync(
      process.execPath,
      ['--import', 'tsx', CLI, 'synth', '--config', 'stacks/prod.yaml', '--out', out],
      { cwd: ROOT },
    );
    expect(first.status).toBe(0);
    // A run in a container, stopped while it holds the lock (tried again if it finished first).
    let held: ChildProcess | undefined;
    for (let attempt = 0; attempt < 5 && held === undefined; attempt++) {
      const child = synthInNamespace('stacks/dev.yaml', out);
      const deadline = Date.now() + 10_000;
      while (
        Date.now() < deadline &&
        !existsSync(join(out, LOCK_FILE)) &&
        child.exitCode === null
      ) {
        // poll: the lock exists for a few milliseconds only
      }
      if (existsSync(join(out, LOCK_FILE))) process.kill(-child.pid!, 'SIGSTOP');
      if (existsSync(join(out, LOCK_FILE))) held = child;
      else {
        process.kill(-child.pid!, 'SIGCONT');
        await exited(child);
      }
    }
    expect(held).toBeDefined();
    const during = tree(out);
    const lock = readFileSync(join(out, LOCK_FILE), 'utf8');
    try {
      const second = spawnSync(
        process.execPath,
        ['--import', 'tsx', CLI, 'synth', '--config', 'stacks/prod.yaml', '--out', out],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`${LOCK_FILE}: another synth run (pid ${lock.split(' ')[0]}`);
      expect(second.stderr).toContain('another machine or pid namespace (a container)');
      expect(second.stderr).toMatch(/Nothing was written\.\n$/);
      expect(tree(out)).toEqual(during);
      expect(readFileSync(join(out, LOCK_FILE), 'utf8')).toBe(lock);
    } finally {
      process.kill(-held!.pid!, 'SIGCONT');
    }
    expect(await exited(held!)).toBe(0);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  }, 90_000);
});

describe('a lock that names another pid view', () => {
  const work = mkdtempSync(join(tmpdir(), 'output-lock-views-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is refused with the fix, never taken over, also where its pid is gone here', () => {
    const out = join(work, 'out');
    mkdirSync(out);
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    // As a run on another machine (another boot id) would have written it.
    const lock = `${gone} 12345 0123456789abcdef0123456789abcdef-4026531836\n`;
    writeFileSync(join(out, LOCK_FILE), lock);
    expect(() =>
      writeOwnedFiles(new Map([['kustomization.yaml', 'resources: []\n']]), out),
    ).toThrow(
      `${LOCK_FILE}: another synth run (pid ${gone} on another machine or pid namespace (a container)) holds this folder, and whether it still runs cannot be seen from here; wait for it to finish, or, if no synth runs there any more, delete ${LOCK_FILE} and run synth again`,
    );
    expect(readdirSync(out)).toEqual([LOCK_FILE]);
    expect(readFileSync(join(out, LOCK_FILE), 'utf8')).toBe(lock);
  });
});
