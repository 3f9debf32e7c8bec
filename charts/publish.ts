/** What `cdk8s synth` reads and where it publishes (see charts/main.ts), checked before any work. */
import { relative } from 'node:path';
import { EXAMPLE_SPEC, inputFileProblem, outputFolderProblem } from '../cli/paths';
import { realPathOf } from '../cli/real-path';
import { DEFAULT_SPEC_FILE } from '../stacks/defaults';
import type { PlatformSpec } from '../spec/schema';
import { fluxPath } from './gitops-chart';
import { FLUX_KUSTOMIZE_API_VERSION } from './operators/gitops';
import type { KubeObject } from './synth';

/** The folder of the output the root Flux Kustomization syncs (`<gitops.path>/gitops`). */
const GITOPS_ENTRY_FOLDER = 'gitops';
/** API group of Flux's Kustomization, as the start of `apiVersion`. */
const FLUX_KUSTOMIZE_GROUP = `${FLUX_KUSTOMIZE_API_VERSION.split('/')[0] ?? ''}/`;

/** Default publish folder of `cdk8s synth`. */
export const DEFAULT_CDK8S_PUBLISH_FOLDER = 'dist-cdk8s';

/**
 * Raised when PLATFORM_SPEC or PLATFORM_OUT cannot be used; one line per problem, each naming the
 * variable, its value and the fix. Nothing was read or written.
 */
export class PublishInputError extends Error {
  public readonly problems: readonly string[];

  public constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'PublishInputError';
    this.problems = problems;
  }
}

/**
 * The publish folder: PLATFORM_OUT, else `dist-cdk8s`, relative to the working directory.
 * @throws Error when it is the cdk8s-cli scratch folder (CDK8S_OUTDIR) or inside it, or holds it,
 *   links on the way resolved (`realPathOf`: `published -> .cdk8s-scratch` counts): the CLI deletes
 *   that folder on every run, so nothing may be published there.
 */
export function publishFolderFor(env: Readonly<Record<string, string | undefined>>): string {
  const out = env.PLATFORM_OUT ?? DEFAULT_CDK8S_PUBLISH_FOLDER;
  const scratch = env.CDK8S_OUTDIR;
  if (scratch !== undefined) {
    // Compared where both really are: a link on the way may lead one into the other.
    const fromScratch = relative(realPathOf(scratch), realPathOf(out));
    const fromOut = relative(realPathOf(out), realPathOf(scratch));
    if (fromScratch === '' || !fromScratch.startsWith('..') || !fromOut.startsWith('..')) {
      throw new Error(
        `PLATFORM_OUT ${out} overlaps the cdk8s output folder ${scratch}, which cdk8s-cli deletes before every run; keep cdk8s.yaml's output (or --output) a scratch folder such as .cdk8s-scratch and publish elsewhere`,
      );
    }
  }
  return out;
}

/**
 * The spec file and the publish folder of `cdk8s synth`, checked as `kafka-eks synth` checks
 * `--config` and `--out` (cli/paths.ts), but named by their variables: PLATFORM_SPEC (default
 * the prod example, `stacks/prod.yaml` of this checkout) must be a readable file, PLATFORM_OUT
 * (default `dist-cdk8s`; see `publishFolderFor`) a folder this user can write or create, with a
 * plain name and clear of the cdk8s-cli scratch folder.
 * @returns `{ spec, out }`, paths as given (relative to the working directory).
 * @throws PublishInputError listing every problem of both variables.
 */
export function publishInputs(env: Readonly<Record<string, string | undefined>>): {
  spec: string;
  out: string;
} {
  const spec = env.PLATFORM_SPEC ?? DEFAULT_SPEC_FILE;
  const out = env.PLATFORM_OUT ?? DEFAULT_CDK8S_PUBLISH_FOLDER;
  const problems = [
    inputFileProblem('PLATFORM_SPEC', spec, EXAMPLE_SPEC),
    outputFolderProblem('PLATFORM_OUT', out),
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length === 0) {
    try {
      publishFolderFor(env);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length > 0) throw new PublishInputError(problems);
  return { spec, out };
}

/**
 * Folders a Flux sync of this output would look for and not find: for `gitops.engine: flux`, the
 * root Kustomization's `gitops/` folder and the folder of every Flux `Kustomization`'s `spec.path`
 * in `objects` (paths relative to the repository root, `./<gitops.path>/<folder>`, see
 * `fluxPath`), checked against `files` (paths relative to the publish folder, which stands for
 * `gitops.path`). `npm run synth` writes each of them as a folder; `cdk8s synth` publishes one
 * `<chart>.k8s.yaml` per chart and so none, and Flux would then report every path as not found.
 * Other engines: always empty (Argo CD syncs the folder itself, its files flat or through a
 * kustomization.yaml).
 * @returns the missing folders, relative to `gitops.path`, sorted; empty when Flux finds them all
 */
export function missingFluxFolders(
  spec: PlatformSpec,
  objects: readonly KubeObject[],
  files: Iterable<string>,
): string[] {
  if (spec.gitops.engine !== 'flux') return [];
  const root = fluxPath(spec.gitops.path, '');
  const folders = new Set([GITOPS_ENTRY_FOLDER]);
  for (const object of objects) {
    if (object.kind !== 'Kustomization' || !object.apiVersion.startsWith(FLUX_KUSTOMIZE_GROUP)) {
      continue;
    }
    const path = (object as { spec?: { path?: unknown } }).spec?.path;
    if (typeof path === 'string' && path.startsWith(root)) folders.add(path.slice(root.length));
  }
  const held = [...files];
  return [...folders].filter(folder => !held.some(file => file.startsWith(`${folder}/`))).sort();
}
