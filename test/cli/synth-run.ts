/** For tests that run `kafka-eks synth` as a user does and compare the folder it writes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

/** The repository root, where the CLI runs and relative paths resolve. */
export const ROOT = resolve(__dirname, '..', '..');
/** The tsx binary that runs the CLI from source. */
export const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
/** The CLI's entry file. */
export const CLI = join(ROOT, 'cli', 'main.ts');

/**
 * `kafka-eks synth ARGS` run through tsx from the repository root (relative paths in `args`
 * resolve there), waited for: its exit status (`null` when killed) and its output as UTF-8.
 */
export function synth(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(TSX, [CLI, 'synth', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Every file under `dir`, by its path relative to `dir` (`/`-separated, prefixed by `prefix`), with
 * its text as UTF-8; entries in name order. Throws when `dir` cannot be read.
 */
export function tree(dir: string, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap(entry =>
        entry.isDirectory()
          ? Object.entries(tree(join(dir, entry.name), `${prefix}${entry.name}/`))
          : [[`${prefix}${entry.name}`, readFileSync(join(dir, entry.name), 'utf8')]],
      ),
  );
}

/**
 * A user's second synth: `kafka-eks synth` of `stacks/dev.yaml` into a new folder under the system
 * temporary folder (prefix `name`), then of `specText` (YAML, written beside it) into the same
 * folder. Answers the first run's exit status, the second run, and the folder before and after
 * the second run (`tree`), for tests that a refused spec writes nothing.
 */
export function synthOverDevOutput(
  name: string,
  specText: string,
): {
  readonly previousStatus: number | null;
  readonly result: ReturnType<typeof synth>;
  readonly before: Record<string, string>;
  readonly after: Record<string, string>;
} {
  const work = mkdtempSync(join(tmpdir(), `${name}-`));
  const out = join(work, 'out');
  const previousStatus = synth(['--config', 'stacks/dev.yaml', '--out', out]).status;
  const before = tree(out);
  const bad = join(work, 'bad.yaml');
  writeFileSync(bad, specText);
  const result = synth(['--config', bad, '--out', out]);
  return { previousStatus, result, before, after: tree(out) };
}

/**
 * stacks/dev.yaml with `gitops: { engine, path }`, written as `spec-<engine>.yaml` in `folder`;
 * returns the file's path.
 */
export function devSpecWithGitops(folder: string, engine: string, path: string): string {
  const spec = parse(readFileSync(join(ROOT, 'stacks', 'dev.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  spec['gitops'] = { engine, path };
  const file = join(folder, `spec-${engine}.yaml`);
  writeFileSync(file, stringify(spec));
  return file;
}
