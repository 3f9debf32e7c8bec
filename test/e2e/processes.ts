/**
 * The processes of one end-to-end run: started with their output in a log file of the run
 * directory, stopped with SIGTERM (then SIGKILL after 10 s), or killed with SIGKILL on purpose
 * (the fault scenarios). A detached watchdog kills every process still listed in the run's pid
 * file once the test process is gone, even after a SIGKILL of the test process itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  openSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** One started process. */
export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** True once the process has exited. */
  exited(): boolean;
  /** Resolves when the process has exited. */
  whenExited(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 000). */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now, and wait for the exit. */
  kill9(): Promise<void>;
}

/** Last `lines` lines of a log file, for error messages. */
export function tailFile(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts and tracks the processes of one run; `stopAll` ends them in reverse start order. */
export class ProcessGroup {
  private readonly processes: RunningProcess[] = [];
  private readonly pidFile: string;
  private watchdog: ChildProcess | undefined;

  constructor(private readonly logDir: string) {
    this.pidFile = join(logDir, 'pids');
    writeFileSync(this.pidFile, '');
  }

  private startWatchdog(): void {
    if (this.watchdog !== undefined) return;
    const script =
      'parent=$1; pids=$2; ' +
      'while kill -0 "$parent" 2>/dev/null; do sleep 1; done; ' +
      'kill $(cat "$pids") 2>/dev/null; sleep 3; kill -9 $(cat "$pids") 2>/dev/null';
    this.watchdog = spawn('bash', ['-c', script, 'watchdog', String(process.pid), this.pidFile], {
      detached: true,
      stdio: 'ignore',
    });
    this.watchdog.unref();
  }

  /**
   * Starts `command` with `args`; stdout and stderr go to `<logDir>/<name>.log` (appended, so a
   * restarted process keeps one log).
   */
  start(
    name: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
  ): RunningProcess {
    this.startWatchdog();
    const logFile = join(this.logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(command, [...args], { stdio: ['ignore', fd, fd], env });
    } finally {
      closeSync(fd);
    }
    if (child.pid !== undefined) appendFileSync(this.pidFile, `${child.pid}\n`);
    const exitedPromise = new Promise<void>(resolve => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;
    const running: RunningProcess = {
      name,
      child,
      logFile,
      exited: hasExited,
      whenExited: () => exitedPromise,
      stop: async (graceMs = 10_000) => {
        if (hasExited()) return;
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          exitedPromise.then(() => false),
          new Promise<boolean>(resolve => {
            timer = setTimeout(() => resolve(true), graceMs);
          }),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          child.kill('SIGKILL');
          await exitedPromise;
        }
      },
      kill9: async () => {
        if (hasExited()) return;
        child.kill('SIGKILL');
        await exitedPromise;
      },
    };
    this.processes.push(running);
    return running;
  }

  /** Stops every process still running, newest first. */
  async stopAll(): Promise<void> {
    for (const running of [...this.processes].reverse()) await running.stop(5_000);
    if (this.watchdog?.pid !== undefined) {
      try {
        process.kill(this.watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

/**
 * Polls `check` every `everyMs` until it returns a value other than undefined (or false), and
 * returns that value. Throws naming `what` after `timeoutMs`; `describe` adds the state seen last.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  options: { everyMs?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = options.describe?.() ?? '';
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}` +
          (seen === '' ? '' : `; last seen: ${seen}`) +
          (lastError === undefined ? '' : `; last error: ${String(lastError)}`),
      );
    }
    await sleep(options.everyMs ?? 500);
  }
}

/**
 * Resident memory of the process `rootPid` and all its descendants, MiB (from /proc; Linux only,
 * 0 elsewhere).
 */
export function processTreeRssMiB(rootPid: number = process.pid): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter(name => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  const children = new Map<number, number[]>();
  const rssKiB = new Map<number, number>();
  for (const entry of entries) {
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
      const rss = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const pid = Number(entry);
      rssKiB.set(pid, rss);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += rssKiB.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return Math.round(total / 1024);
}
