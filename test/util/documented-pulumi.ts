/**
 * Every Pulumi CLI command the documentation gives, extracted so tests can hold the docs to the
 * program (test/stacks/documented-pulumi.test.ts, under mocks) and to the real CLI
 * (test/engine/documented-commands.test.ts).
 *
 * Read from README.md, docs/*.md, docs/runbooks/*.md and examples/**\/*.md: each line of a fenced
 * code block, split at `&&` and `;`, with its `# comment` removed, and each inline code span
 * (test/util/markdown-spans.ts: a span may run over a line break), that
 * starts with `pulumi ` (so `pulumi:pulumi:Stack` and `pulumi.runtime` are not commands). A
 * placeholder such as `<relative path>` is one word and stays as written.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { markdownCodeSpans } from './markdown-spans';

export const REPO_ROOT = join(__dirname, '..', '..');

/** One documented `pulumi` command. */
export interface DocumentedCommand {
  /** Path relative to the repository root, for example `docs/deploy-to-aws.md`. */
  readonly file: string;
  /** 1-based line of the command in `file`. */
  readonly line: number;
  /** The words after `pulumi`, for example `['config', 'set', 'aws:region', 'us-east-1']`. */
  readonly args: readonly string[];
  /** Start line of the fenced code block it is in; undefined for an inline code span. */
  readonly block?: number;
}

/** `pulumi <args>` as documented, for messages. */
export function commandText(command: DocumentedCommand): string {
  return `pulumi ${command.args.join(' ')} (${command.file}:${command.line})`;
}

/** The Markdown files the documentation consists of, relative to the repository root. */
export function documentationFiles(): string[] {
  const files = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(REPO_ROOT, dir)).sort()) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      const path = join(dir, entry);
      if (statSync(join(REPO_ROOT, path)).isDirectory()) walk(path);
      else if (entry.endsWith('.md')) files.push(path);
    }
  };
  walk('docs');
  walk('examples');
  return files;
}

/** Splits a command line into words; a `<placeholder>` or a quoted string is one word. */
export function splitWords(text: string): string[] {
  return Array.from(text.matchAll(/<[^>]*>|"[^"]*"|'[^']*'|\S+/g), match => match[0]);
}

/** A word that stands for a value the reader fills in (`<stack>`, `<relative path>`). */
export function isPlaceholder(word: string): boolean {
  return word.startsWith('<') && word.endsWith('>');
}

/** The `pulumi` commands of one Markdown text, in order. */
export function commandsOf(file: string, text: string): DocumentedCommand[] {
  const commands: DocumentedCommand[] = [];
  let block: number | undefined;
  text.split('\n').forEach((rawLine, index) => {
    const line = index + 1;
    if (/^\s*```/.test(rawLine)) {
      block = block === undefined ? line : undefined;
      return;
    }
    if (block !== undefined) {
      const code = rawLine.replace(/(^|\s)#.*$/, '');
      for (const segment of code.split(/&&|;/)) {
        const words = splitWords(segment.trim());
        if (words[0] === 'pulumi' && words.length > 1) {
          commands.push({ file, line, args: words.slice(1), block });
        }
      }
      return;
    }
  });
  for (const span of markdownCodeSpans(text)) {
    const args = /^pulumi (.+)$/.exec(span.code)?.[1];
    if (args !== undefined) commands.push({ file, line: span.line, args: splitWords(args) });
  }
  // Code blocks and code spans, in the order of the text (a stable sort keeps a line's order).
  return commands.sort((a, b) => a.line - b.line);
}

/** Every documented `pulumi` command, file by file in {@link documentationFiles} order. */
export function documentedPulumiCommands(): DocumentedCommand[] {
  return documentationFiles().flatMap(file =>
    commandsOf(file, readFileSync(join(REPO_ROOT, file), 'utf8')),
  );
}

/** The path of `absolute` relative to the repository root (for messages). */
export function repoPath(absolute: string): string {
  return relative(REPO_ROOT, absolute);
}
