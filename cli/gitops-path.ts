/**
 * Does `--out` sit where the spec tells the GitOps engine to look? With `gitops.engine` flux or
 * argocd, the objects synth writes point the engine at `gitops.path` inside the repository (Flux:
 * the root Kustomization syncs `<gitops.path>/gitops`; Argo CD: the Application's `path`). Output
 * written anywhere else in the same Git work tree is never synced, and the engine reports only a
 * missing path, in the cluster, after the push.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { PlatformSpec } from '../spec/schema';
import { realPathOf } from './real-path';

/**
 * The root of the Git work tree holding `path`: the nearest folder at or above it with a `.git`
 * entry (a folder, or a file in a linked worktree or submodule), links resolved; undefined outside
 * one. `path` need not exist yet.
 */
export function gitWorkTreeOf(path: string): string | undefined {
  for (let dir = realPathOf(path); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The warning (one paragraph: both folders and both fixes) when the spec has a GitOps engine,
 * `outDir` lies in a Git work tree, and its path there is not `gitops.path`; undefined otherwise.
 * `gitops.path` is compared without its `./` (`.` is the work tree's root). `outName` is the input
 * that named `outDir`, as the message shows it: `--out` for `kafka-eks synth` (default),
 * `PLATFORM_OUT` for `cdk8s synth` (charts/main.ts).
 */
export function gitopsPathWarning(
  spec: PlatformSpec,
  outDir: string,
  outName = '--out',
): string | undefined {
  if (spec.gitops.engine === 'none') return undefined;
  const root = gitWorkTreeOf(outDir);
  if (root === undefined) return undefined;
  const actual = relative(root, realPathOf(outDir)).split(sep).join('/');
  const wanted = spec.gitops.path.replace(/^\.\//, '').replace(/^\.$/, '');
  if (actual === wanted) return undefined;
  const shown = actual === '' ? '.' : `./${actual}`;
  return (
    `gitops.path: "${spec.gitops.path}", but ${outName} is ${shown} in the Git work tree ${root}; ` +
    `${spec.gitops.engine === 'flux' ? 'Flux' : 'Argo CD'} will look in ${spec.gitops.path} and never see this output. ` +
    `Set gitops.path: ${shown} in the spec, or synth into ${join(root, wanted)}`
  );
}

/** One output file Git ignores: its path in `--out` and the rule that ignores it. */
export interface IgnoredOutputFile {
  /** Path inside the output folder, `/`-separated. */
  readonly path: string;
  /** Where the rule is, as Git names it (`.gitignore:3`, `.git/info/exclude:7`, `~/.config/git/ignore:1`). */
  readonly source: string;
  /** The pattern that matched (`dist/`, `*.yaml`, `.*`). */
  readonly pattern: string;
}

/** Git's variables that point it at another repository, index or work tree than the folder's own. */
const REPOSITORY_VARIABLES =
  /^GIT_(DIR|WORK_TREE|INDEX_FILE|COMMON_DIR|OBJECT_DIRECTORY|CEILING_DIRECTORIES|DISCOVERY_ACROSS_FILESYSTEM|NAMESPACE|PREFIX)$/;

/**
 * The files of `paths` (relative to `outDir`, `/`-separated) that Git would leave out of `git add`
 * in the work tree holding `outDir`: untracked and matched by an ignore rule (`.gitignore` at any
 * level, `.git/info/exclude`, `core.excludesFile`), asked of the real `git check-ignore -v` so
 * every rule form (`dir/`, `**`, negation, nested files) is read as Git reads it. A tracked file
 * is never ignored (Git commits its changes whatever the rules say). Empty outside a work tree,
 * when there is no `git` on PATH, or when Git refuses the folder (another owner, `safe.directory`):
 * nothing can be judged then. The caller's GIT_DIR-style variables are not passed on, so a run from
 * a Git hook asks the folder's own repository, and Git looks no higher than the work tree's root.
 */
export function gitIgnoredOutputFiles(
  outDir: string,
  paths: readonly string[],
): IgnoredOutputFile[] {
  const root = gitWorkTreeOf(outDir);
  if (root === undefined || paths.length === 0) return [];
  const base = relative(root, realPathOf(outDir)).split(sep).join('/');
  const inRoot = (path: string): string => (base === '' ? path : `${base}/${path}`);
  const env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !REPOSITORY_VARIABLES.test(name)),
    ),
    // Never a repository above the one `gitWorkTreeOf` found (a `.git` Git does not take as one).
    GIT_CEILING_DIRECTORIES: dirname(root),
  };
  const answer = spawnSync('git', ['check-ignore', '--verbose', '-z', '--stdin'], {
    cwd: root,
    env,
    input: paths.map(inRoot).join('\0') + '\0',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // 0: some path is matched; 1: none; anything else (128, no git): cannot tell.
  if (answer.error !== undefined || answer.status !== 0) return [];
  // --verbose -z: source, line number, pattern and path, each ended by NUL, per matched path.
  const fields = answer.stdout.split('\0');
  const ignored: IgnoredOutputFile[] = [];
  for (let at = 0; at + 3 < fields.length; at += 4) {
    const [source, line, pattern, path] = fields.slice(at, at + 4) as [
      string,
      string,
      string,
      string,
    ];
    // A negated pattern (`!dist/keep.yaml`) that matched means the path is NOT ignored.
    if (pattern.startsWith('!')) continue;
    ignored.push({
      path: base === '' ? path : path.slice(base.length + 1),
      source: `${source}:${line}`,
      pattern,
    });
  }
  return ignored;
}

/**
 * The warning (one paragraph) when the spec has a GitOps engine and Git ignores files synth wrote
 * to `outDir` (`gitIgnoredOutputFiles`): `git add` leaves them out, so the engine never sees them,
 * and a fresh clone without `.synth-manifest` cannot tell synth's files from the user's. Names how
 * many, up to three paths with their rule, and the fixes; undefined when none is ignored or the
 * spec has no engine. `outName` as in `gitopsPathWarning`.
 */
export function gitIgnoredWarning(
  spec: PlatformSpec,
  outDir: string,
  written: readonly string[],
  outName = '--out',
): string | undefined {
  if (spec.gitops.engine === 'none') return undefined;
  const ignored = gitIgnoredOutputFiles(outDir, written);
  if (ignored.length === 0) return undefined;
  const shown = ignored
    .slice(0, 3)
    .map(file => `${file.path} (${file.pattern} at ${file.source})`)
    .join(', ');
  const more = ignored.length > 3 ? ` and ${ignored.length - 3} more` : '';
  const rules = [...new Set(ignored.map(file => file.source))].join(', ');
  return (
    `${outName}: Git ignores ${ignored.length} file(s) synth wrote to ${outDir}: ${shown}${more}; ` +
    `git add leaves them out, so ${spec.gitops.engine === 'flux' ? 'Flux' : 'Argo CD'} never sees them. ` +
    `Remove or narrow the rule at ${rules} (check with git check-ignore -v <file>), then commit the folder`
  );
}
