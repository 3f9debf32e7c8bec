/**
 * Reads what a Pulumi CLI command takes from its `--help` text (used by
 * test/engine/documented-commands.test.ts against the real CLI; the parser itself is checked in
 * the fast tier by test/util/pulumi-usage.test.ts).
 *
 * The usage line is `pulumi <path...> <arguments...> [flags]`. Arguments are written as `<key>`,
 * `[value]`, `[org-name/]<stack-name>` (one argument), nested optional groups such as
 * `[kind name [version]]` (three arguments: each word of the group is one), and variadic ones
 * such as `[arg]...` (any number). `[flags]`, `[command]` and the `[--]` separator are not
 * arguments.
 */

/** What `pulumi <path> --help` says a command takes. */
export interface Usage {
  /** Words of the command path after `pulumi` (an alias resolves: `stack init` -> `stack new`). */
  readonly path: readonly string[];
  /** The most positional arguments the usage line allows; `Infinity` when one is variadic. */
  readonly positional: number;
  /** Every flag of the command, global ones included: long name -> whether it takes a value. */
  readonly flags: ReadonlyMap<string, boolean>;
}

const NOT_ARGUMENTS = new Set(['[flags]', '[command]', '[--]']);

/** Parses the help text of a command. */
export function usageOf(help: string): Usage {
  const usageLine = /\nUsage:\n\s+(pulumi[^\n]*)/.exec(`\n${help}`)?.[1] ?? '';
  const words = usageLine
    .split(/\s+/)
    .filter(word => word !== '')
    .slice(1);
  const firstArg = words.findIndex(word => /^[[<]/.test(word));
  const path = firstArg === -1 ? words : words.slice(0, firstArg);
  const argumentWords = (firstArg === -1 ? [] : words.slice(firstArg)).filter(
    word => !NOT_ARGUMENTS.has(word),
  );
  const positional = argumentWords.some(word => word.endsWith('...'))
    ? Infinity
    : argumentWords.length;
  const flags = new Map<string, boolean>();
  for (const match of help.matchAll(/^\s+(?:-\w, )?--([\w-]+)( [\w.[\]]+)?\s{2,}/gm)) {
    flags.set(match[1] ?? '', match[2] !== undefined);
  }
  return { path, positional, flags };
}
