/**
 * Two first runs into one new output folder from two pid namespaces (a container and the host
 * sharing the GitOps checkout). A new folder is staged beside it as `.<name>.synth-staging-<pid>`,
 * and a run removes such a folder of a run that no longer runs; the pid of a run in a container
 * names no process on the host, so the host run removed the container run's staging folder while
 * that run was still writing it. The container run then made the folders on the way to its next
 * files again and renamed what it had into place: the new output held the files written after the
 * removal and no manifest, and the run reported success. Real processes: a synth run in a new pid
 * namespace (`unshare --pid`, root only), stopped part way through its staging, and a host run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE, readManifest } from '../../charts/output';
import { CLI, ROOT } from '../cli/synth-run';

const canUnshare =
  process.platform === 'linux' &&
  spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;

/** A pid no process on this side holds now. */
function deadHere(pid: number): boolean {
  return !existsSync(`/proc/${pid}`);
}

/** The first of 50 pids in a row, from 300 on, that no process on this side holds now. */
function freePidsHere(): number {
  for (let first = 300; ; first += 50) {
    if (Array.from({ length: 50 }, (_, i) => first + i).every(deadHere)) return first;
  }
}

/**
 * `synth --config stacks/prod.yaml --out <out>` as a process group in a new pid namespace; within
 * it, pids are used up first so that the run's own pid is at least `minPid`.
 */
function synthInNamespace(out: string, minPid: number): ChildProcess {
  const script = `while [ "$(sh -c 'echo $$')" -lt ${minPid} ]; do :; done; '${process.execPath}' --import tsx '${CLI}' synth --config stacks/prod.yaml --out '${out}'`;
  return spawn('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', script], {
    cwd: ROOT,
    detached: true,
    stdio: 'ignore',
  });
}

function synthHere(out: string): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'synth', '--config', 'stacks/prod.yaml', '--out', out],
    { cwd: ROOT, detached: true, stdio: 'ignore' },
  );
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise(done => {
    if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode);
    else child.on('exit', code => done(code));
  });
}

/** Busy-waits up to `ms` for `found` to return a value; undefined when it never did. */
function poll<T>(ms: number, found: () => T | undefined): T | undefined {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = found();
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Staging folders beside `out` (`.out.synth-staging-<pid>`) and the names of their files. */
function stagingFolders(work: string): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  for (const name of readdirSync(work)) {
    if (!/^\.out\.synth-staging-\d+$/.test(name)) continue;
    try {
      folders.set(name, readdirSync(join(work, name)));
    } catch {
      // removed meanwhile
    }
  }
  return folders;
}

/** Problems of `out` as an output: a missing manifest, a listed file missing or of other bytes. */
function outputProblems(out: string): string[] {
  if (!existsSync(join(out, MANIFEST_FILE))) return [`${MANIFEST_FILE} is missing`];
  return [...readManifest(out)!].flatMap(([path, hash]) => {
    if (!existsSync(join(out, path))) return [`${path} is missing`];
    const actual = createHash('sha256')
      .update(readFileSync(join(out, path)))
      .digest('hex');
    return actual === hash ? [] : [`${path} does not match the manifest`];
  });
}

(canUnshare ? describe : describe.skip)(
  'first runs into one new folder from two pid namespaces',
  () => {
    let work: string;
    const children: ChildProcess[] = [];
    beforeEach(() => {
      work = mkdtempSync(join(tmpdir(), 'output-fresh-namespaces-'));
    });
    afterEach(() => {
      for (const child of children.splice(0)) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }
      rmSync(work, { recursive: true, force: true });
    });

    it('never leave a new output without its manifest or a listed file', async () => {
      const out = join(work, 'out');
      // GIVEN a container run stopped part way through staging the new folder (its manifest and
      // some files written), under a pid that names no process here
      let container: ChildProcess | undefined;
      let containerStaging: string | undefined;
      for (let attempt = 0; attempt < 5 && containerStaging === undefined; attempt++) {
        const child = synthInNamespace(out, freePidsHere());
        children.push(child);
        const staged = poll(60_000, () => {
          if (child.exitCode !== null) return '';
          const [name] = [...stagingFolders(work)].find(([, entries]) => entries.length >= 2) ?? [];
          return name;
        });
        if (staged !== undefined && staged !== '') {
          process.kill(-child.pid!, 'SIGSTOP');
          if (!existsSync(out) && existsSync(join(work, staged))) {
            container = child;
            containerStaging = staged;
            break;
          }
        }
        process.kill(-child.pid!, 'SIGKILL');
        await exited(child);
        rmSync(out, { recursive: true, force: true });
        for (const name of stagingFolders(work).keys())
          rmSync(join(work, name), { recursive: true });
      }
      expect(containerStaging).toBeDefined();
      expect(deadHere(Number(/(\d+)$/.exec(containerStaging!)![1]))).toBe(true);

      // WHEN a host run starts on the same new folder, is stopped once its own staging folder
      // exists, the container run goes on to its end, and then the host run does
      const host = synthHere(out);
      children.push(host);
      const hostStaging = `.out.synth-staging-${host.pid}`;
      const hostStaged = poll(60_000, () =>
        host.exitCode !== null ? false : existsSync(join(work, hostStaging)) ? true : undefined,
      );
      expect(hostStaged).toBe(true);
      process.kill(-host.pid!, 'SIGSTOP');
      process.kill(-container!.pid!, 'SIGCONT');
      const containerCode = await exited(container!);
      const afterContainer = existsSync(out) ? outputProblems(out) : ['no output'];
      process.kill(-host.pid!, 'SIGCONT');
      const hostCode = await exited(host);

      // THEN each run that reports success left a whole output when it ended: its manifest, and
      // every file it lists with the bytes it lists; no staging folder stays
      if (containerCode === 0) expect(afterContainer).toEqual([]);
      expect(hostCode).toBe(0);
      expect(outputProblems(out)).toEqual([]);
      expect([...stagingFolders(work).keys()]).toEqual([]);
    }, 180_000);
  },
);
