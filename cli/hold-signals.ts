/**
 * Holds the signals that end a run from outside while a command writes or replaces a user's file
 * or folder, so a Ctrl-C or a `kill` never stops the process in the middle of a swap. Every
 * writer of user files behind the CLIs goes through `writeHoldingSignals`: `kafka-eks synth --out`,
 * `kafka-eks simulate --svg` and the cdk8s app's PLATFORM_OUT (`charts/main.ts`).
 */
import { constants } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CliIo } from './io';

/**
 * Signals held during a write: SIGINT (Ctrl-C), SIGTERM (`kill`, a CI job's timeout, `docker
 * stop`) and SIGHUP (a closed terminal). Their default action ends the process at once. SIGKILL
 * and a power loss cannot be held; the writers themselves leave the old or the new content then
 * (`charts/output.ts`, `simulator/write-file.ts`), and the next run removes the leftovers.
 */
export const HELD_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** One of `HELD_SIGNALS`. */
export type HeldSignal = (typeof HELD_SIGNALS)[number];

/** Who writes where, for the message, and how the process ends. */
export interface SignalHoldOptions {
  /** The command's name as the message starts with it: `synth`, `simulate`, `cdk8s app`. */
  readonly command: string;
  /** The file or folder written, as the user named it (relative paths stay relative). */
  readonly target: string;
  /** Where the message goes (`io.stderr`). */
  readonly io: CliIo;
  /**
   * Ends the process with the given status; must not return.
   * @default - `process.exit`
   */
  readonly exit?: (code: number) => never;
}

/** The status a process ended by `signal` reports in a shell: 128 + its number (SIGTERM: 143). */
export function signalExitCode(signal: HeldSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Runs `write` (synchronous) with `HELD_SIGNALS` held, then ends the process if one of them arrived.
 *
 * While `write` runs no JavaScript handler can run, so a signal that arrives then waits in Node's
 * signal queue instead of killing the process. After `write` returned (or threw), this waits two
 * turns of the event loop, so that Node has polled its signal queue at least once and a waiting
 * signal has reached the handler, and only then removes the handlers. If a signal arrived during
 * the write or these two turns, it writes one line to `options.io.stderr`, naming the signal and
 * the target, and whether the write completed (the target holds the whole new output) or failed
 * (with the error's message, which says what is left), then calls `options.exit` with
 * `signalExitCode` (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP) before the caller prints
 * anything else. A signal after the handlers are removed has its default action; the write is
 * complete by then. A signal before this is called has its default action too; nothing is written
 * yet.
 *
 * @returns what `write` returned, when no signal arrived.
 * @throws what `write` threw, when no signal arrived.
 */
export async function writeHoldingSignals<T>(
  write: () => T,
  options: SignalHoldOptions,
): Promise<T> {
  const arrived: HeldSignal[] = [];
  const listeners = HELD_SIGNALS.map(signal => {
    const listener = (): void => {
      arrived.push(signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  let outcome: { readonly value: T } | { readonly error: unknown };
  try {
    try {
      outcome = { value: write() };
    } catch (error) {
      outcome = { error };
    }
    await nextTurn();
    await nextTurn();
  } finally {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  }
  const signal = arrived[0];
  if (signal !== undefined) {
    const code = signalExitCode(signal);
    const result =
      'value' in outcome
        ? `the write was finished first, so ${options.target} holds the whole new output`
        : `the write failed: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`;
    options.io.stderr(
      `${options.command}: ${signal} arrived while writing ${options.target}; ${result}; stopped (exit ${code})\n`,
    );
    (options.exit ?? process.exit)(code);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}
