/** Where a command writes: stdout for results (only JSON with `--json`), stderr for the rest. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
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
