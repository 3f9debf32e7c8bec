/** Where a command writes: stdout for results (only JSON with `--json`), stderr for the rest (warnings, errors). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * Prints each warning on its own `warning: ` line to stderr, in text and JSON mode alike (stdout
 * holds only the result); a command's JSON may carry the same warnings as well.
 */
export function printWarnings(io: CliIo, warnings: readonly string[]): void {
  for (const warning of warnings) io.stderr(`warning: ${warning}\n`);
}

/** The process's own streams. */
export const processIo: CliIo = {
  stdout: text => {
    process.stdout.write(text);
  },
  stderr: text => {
    process.stderr.write(text);
  },
};
