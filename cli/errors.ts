/** Exit codes of `kafka-eks` and the error type for bad command-line input. */

/**
 * Exit codes, the same for every subcommand:
 * - `0` success;
 * - `1` bad input: an unknown or malformed option, a missing file, a bad path (an output folder
 *   that is a file, a link to a missing folder, or holds a folder synth must change that this user
 *   cannot write, a path longer than the system takes, or a mount point inside it), an invalid
 *   spec; for `status` also a cluster it cannot read or no controller in
 *   `--namespace`. Every problem is on stderr and nothing was written;
 * - `2` an unexpected failure (a bug, or the environment: a full disk or an I/O error while
 *   writing, after which synth has put every file back and says so). The message is on stderr.
 */
export const EXIT_CODES = { ok: 0, badInput: 1, failure: 2 } as const;

/** Bad command-line input; `problems` are full sentences: option, bad value, fix. */
export class CliInputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'CliInputError';
  }
}

/** Exit code a subcommand reports when it finishes without throwing (0 unless it sets one). */
export interface CommandResult {
  code: number;
}
