/**
 * Every shell command the documentation gives a user that this repository itself answers (`npm`,
 * `npx`, `kafka-eks`, `bash <script>`, `node <file>` and a script run by its path), extracted so
 * test/docs/commands.test.ts can hold each one to the npm scripts, the CLI's commander
 * definitions and the files it names. The `pulumi` commands have their own extractor
 * (test/util/documented-pulumi.ts).
 *
 * Read from the same Markdown files: each line of a fenced `sh` (or `bash`, `shell`, `console`)
 * block (a line ending in `\` joined to the next), split at `&&`, `||`, `;` and `|`, with its `# comment` and redirections removed,
 * and each inline code span (test/util/markdown-spans.ts: a span may run over a line break). Leading `NAME=value` words are the command's environment. `[--json]`
 * is written as `--json` (an option shown as optional is still one the command must take), and a
 * `<placeholder>`, also inside a word (`<checkout>/clusters/prod/kafka`), stays one word.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentationFiles, REPO_ROOT } from './documented-pulumi';
import { markdownCodeSpans } from './markdown-spans';

/** The programs whose commands the docs test checks; every other first word is left alone. */
const CHECKED_PROGRAMS = new Set(['npm', 'npx', 'kafka-eks', 'bash', 'node']);

/** Info strings of the fenced blocks that hold shell commands (diagrams and YAML do not). */
const SHELL_FENCES = new Set(['sh', 'bash', 'shell', 'console']);

/** One documented command. */
export interface DocumentedShellCommand {
  /** Path relative to the repository root, for example `README.md`. */
  readonly file: string;
  /** 1-based line of the command in `file`. */
  readonly line: number;
  /** Names of the `NAME=value` words before the program. */
  readonly env: readonly string[];
  /** The `NAME=value` words before the program, by name. */
  readonly envValues: Readonly<Record<string, string>>;
  /** Files the command's output is redirected to (`> plan.json`). */
  readonly redirects: readonly string[];
  /** The program and its arguments, for example `['npm', 'run', 'synth', '--', '--out', 'x']`. */
  readonly words: readonly string[];
  /** True for a fenced code block line, false for an inline code span (often a mention). */
  readonly inBlock: boolean;
}

/** The command as documented, for messages. */
export function shellCommandText(command: DocumentedShellCommand): string {
  return `${command.words.join(' ')} (${command.file}:${command.line})`;
}

/** Splits a command line into words; a `<placeholder>` or a quoted string is part of one word. */
export function shellWords(text: string): string[] {
  return Array.from(text.matchAll(/(?:<[^>]*>|"[^"]*"|'[^']*'|[^\s<"'])+/g), match => match[0]);
}

/** A word that holds a value the reader fills in (`<dir>`, `<checkout>/clusters/prod/kafka`). */
export function holdsPlaceholder(word: string): boolean {
  return /<[^>]+>/.test(word) || word === '...';
}

/** Splits redirections (`> plan.json`, `2>/dev/null`) from the words of one command. */
function withoutRedirections(words: readonly string[]): { kept: string[]; targets: string[] } {
  const kept: string[] = [];
  const targets: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (/^\d>&\d$/.test(word)) continue;
    const redirect = /^\d?>>?(.*)$/.exec(word);
    if (redirect === null) {
      kept.push(word);
      continue;
    }
    const target = redirect[1] !== '' ? redirect[1]! : words[++index];
    if (target !== undefined) targets.push(target);
  }
  return { kept, targets };
}

/** The checked commands of one piece of shell text (a code line or a code span). */
function commandsOfText(
  file: string,
  line: number,
  text: string,
  inBlock: boolean,
): DocumentedShellCommand[] {
  const commands: DocumentedShellCommand[] = [];
  const unbracketed = text.replace(/\[(-[^\]]*)\]/g, '$1');
  for (const segment of unbracketed.split(/&&|\|\||;|\|/)) {
    const { kept: words, targets } = withoutRedirections(shellWords(segment.trim()));
    const envValues: Record<string, string> = {};
    while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
      const [name, ...value] = words.shift()!.split('=');
      envValues[name!] = value.join('=');
    }
    const env = Object.keys(envValues);
    const program = words[0];
    if (program === undefined) continue;
    const runsScript = /^(\.\/)?scripts\/\S+\.(sh|mjs)$/.test(program);
    if (!CHECKED_PROGRAMS.has(program) && !runsScript) continue;
    // A lone program name in prose (`node`, `npx`) is a mention, not a command.
    if (words.length === 1 && program !== 'npm' && !runsScript && !inBlock) continue;
    commands.push({ file, line, env, envValues, redirects: targets, words, inBlock });
  }
  return commands;
}

/** The checked commands of one Markdown text, in order. */
export function shellCommandsOf(file: string, text: string): DocumentedShellCommand[] {
  const commands: DocumentedShellCommand[] = [];
  const lines = text.split('\n');
  let fence: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const rawLine = lines[index]!;
    const line = index + 1;
    const opening = /^\s*```\s*(\S*)/.exec(rawLine);
    if (opening !== null) {
      fence = fence === undefined ? opening[1] : undefined;
      continue;
    }
    if (fence !== undefined) {
      if (!SHELL_FENCES.has(fence)) continue;
      let code = rawLine.replace(/(^|\s)#.*$/, '');
      while (code.endsWith('\\') && index + 1 < lines.length) {
        index++;
        code = `${code.slice(0, -1)} ${lines[index]!.replace(/(^|\s)#.*$/, '')}`;
      }
      commands.push(...commandsOfText(file, line, code, true));
      continue;
    }
  }
  for (const span of markdownCodeSpans(text)) {
    commands.push(...commandsOfText(file, span.line, span.code, false));
  }
  // Code blocks and code spans, in the order of the text (a stable sort keeps a line's order).
  return commands.sort((a, b) => a.line - b.line);
}

/** Every checked command of the documentation, file by file in `documentationFiles()` order. */
export function documentedShellCommands(): DocumentedShellCommand[] {
  return documentationFiles().flatMap(file =>
    shellCommandsOf(file, readFileSync(join(REPO_ROOT, file), 'utf8')),
  );
}
