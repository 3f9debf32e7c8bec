/**
 * For tests that stop a real `kafka-eks` run with a signal at a chosen moment: one Node process with
 * tsx's loader (what the npm scripts run), or `npm run` with the signal sent to the whole process
 * group, as a terminal's Ctrl-C does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, watch } from 'node:fs';
import { CLI, ROOT } from './synth-run';

/**
 * When the signal goes: `afterStartMs` after the process started, or `afterWriteMs` after the
 * first entry that `writeStarts` accepts changed in the watched folder (the write has begun).
 */
export interface Moment<S extends NodeJS.Signals = 'SIGTERM' | 'SIGINT'> {
  /** SIGKILL too, for a run killed outright (`killed-writes.test.ts`). */
  readonly signal: S;
  /** `node`: `node --import tsx cli/main.ts`, signalled itself; `npm`: `npm run --silent`, its group. */
  readonly via: 'node' | 'npm';
  readonly afterStartMs?: number;
  readonly afterWriteMs?: number;
}

/** How a stopped run ended: its exit status (`null` when a signal ended it), that signal, stderr. */
export interface Ending {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /**
   * For an `afterWriteMs` moment: whether an entry `writeStarts` accepts was still in the watched
   * folder when the signal was sent (the write had not ended). False when this process reacted
   * only after the write was over (a busy machine delays the timer past a write of 100-400 ms),
   * or the run had ended; undefined for an `afterStartMs` moment.
   */
  readonly sentDuringWrite?: boolean;
}

/** Runs started by `stoppedRun`, so a failed test can stop them (`stopAll`). */
const running = new Set<ChildProcess>();

/**
 * Runs `kafka-eks <args>` from the repository root (a detached process group) and sends
 * `moment.signal` at `moment`; resolves once the run ended and its output closed.
 * @param watched folder whose entries announce the write (`fs.watch`)
 * @param writeStarts true for the name of an entry the write creates first (a lock, a temporary)
 */
export function stoppedRun(
  args: readonly string[],
  moment: Moment<'SIGTERM' | 'SIGINT' | 'SIGKILL'>,
  watched: string,
  writeStarts: (name: string) => boolean,
): Promise<Ending> {
  const [command = '', ...rest] = args;
  const child =
    moment.via === 'node'
      ? spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, detached: true })
      : spawn('npm', ['run', '--silent', command, '--', ...rest], { cwd: ROOT, detached: true });
  running.add(child);
  const pid = child.pid ?? 0;
  let sentDuringWrite: boolean | undefined;
  const send = (): void => {
    if (moment.afterWriteMs !== undefined) sentDuringWrite = false;
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (moment.afterWriteMs !== undefined) {
      try {
        sentDuringWrite = readdirSync(watched).some(name => writeStarts(name));
      } catch {
        sentDuringWrite = false;
      }
    }
    process.kill(moment.via === 'node' ? pid : -pid, moment.signal);
  };
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timers: NodeJS.Timeout[] = [];
  const watcher = watch(watched);
  if (moment.afterStartMs !== undefined) {
    timers.push(setTimeout(send, moment.afterStartMs));
  } else {
    let seen = false;
    watcher.on('change', (_event, name) => {
      if (seen || !writeStarts(String(name))) return;
      seen = true;
      timers.push(setTimeout(send, moment.afterWriteMs ?? 0));
    });
  }
  return new Promise(done => {
    child.on('close', (status, signal) => {
      watcher.close();
      for (const timer of timers) clearTimeout(timer);
      running.delete(child);
      done({ status, signal, stderr, sentDuringWrite });
    });
  });
}

/** Kills (SIGKILL) the process group of every run `stoppedRun` started that has not ended. */
export function stopAll(): void {
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group has ended.
    }
  }
  running.clear();
}
