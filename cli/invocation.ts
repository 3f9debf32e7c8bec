/**
 * Where the user typed the command, for paths given on the command line.
 *
 * `npm run <script>` runs the script in the package's root folder, wherever it was typed, and
 * passes the folder it was typed in as `INIT_CWD` (npm-run-script(1), "Description"). So
 * `npm run synth -- --config prod.yaml` typed in `stacks/` would look for `<root>/prod.yaml`, and
 * `--out ../gitops` would land beside the project instead of beside `stacks/`. A path the user
 * gives is therefore resolved against the folder it was typed in; defaults (`--out dist`, the
 * example spec) stay relative to the project, as the README describes them.
 */
import { dirname, isAbsolute, resolve } from 'node:path';

/** The package whose npm scripts run this CLI (package.json `name`). */
const PACKAGE_NAME = 'kafka-eks-autoscaling';
/** This package's npm scripts that run the CLI (package.json `scripts`, checked by a test). */
export const CLI_SCRIPTS: readonly string[] = [
  'synth',
  'plan',
  'simulate',
  'plan-capacity',
  'status',
  'cost',
  'kafka-eks',
];

/**
 * The folder `npm run <script>` was typed in, when this process is one of this package's own CLI
 * scripts run by npm from another folder than the package root; else undefined (the CLI run
 * directly, as the installed `kafka-eks` bin, from a user's own npm script, or from the root).
 * @param env the process environment: npm sets `INIT_CWD`, `npm_package_name`,
 *   `npm_lifecycle_event` (the script) and `npm_package_json` (its package.json).
 * @param cwd the working folder (npm's: the package root).
 */
export function npmInvocationFolder(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string | undefined {
  const typedIn = env.INIT_CWD;
  const packageJson = env.npm_package_json;
  if (
    typedIn === undefined ||
    typedIn === '' ||
    packageJson === undefined ||
    env.npm_package_name !== PACKAGE_NAME ||
    !CLI_SCRIPTS.includes(env.npm_lifecycle_event ?? '') ||
    resolve(dirname(packageJson)) !== resolve(cwd) ||
    resolve(typedIn) === resolve(cwd)
  ) {
    return undefined;
  }
  return resolve(typedIn);
}

/**
 * A path given on the command line, as the user meant it: relative to the folder `npm run` was
 * typed in (`npmInvocationFolder`), made absolute; unchanged when absolute, empty, or when there is
 * no such folder (then it resolves against the working folder, as usual).
 */
export function typedPath(
  path: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): string {
  const folder = npmInvocationFolder(env, cwd);
  return folder === undefined || path === '' || isAbsolute(path) ? path : resolve(folder, path);
}
