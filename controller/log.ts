/** JSON lines on stdout: one object per line with time, level, message and fields. */

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A structured logger. */
export interface Logger {
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Writes JSON lines through `write` (stdout by default). */
export function jsonLogger(
  write: (line: string) => void = line => process.stdout.write(line + '\n'),
  clock: () => number = Date.now,
): Logger {
  return {
    log(level, message, fields = {}) {
      write(JSON.stringify({ time: new Date(clock()).toISOString(), level, message, ...fields }));
    },
  };
}

/** Discards everything (tests). */
export const silentLogger: Logger = { log: () => undefined };
