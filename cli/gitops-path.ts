/**
 * Does `--out` sit where the spec tells the GitOps engine to look? With `gitops.engine` flux or
 * argocd, the objects synth writes point the engine at `gitops.path` inside the repository (Flux:
 * the root Kustomization syncs `<gitops.path>/gitops`; Argo CD: the Application's `path`). Output
 * written anywhere else in the same Git work tree is never synced, and the engine reports only a
 * missing path, in the cluster, after the push.
 */
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
