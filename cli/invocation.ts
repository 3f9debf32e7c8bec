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

/** One option of a subcommand, as commander defines it (`Option.long`, takes a value or not). */
export interface DefinedOption {
  /** The long flag with its dashes, e.g. `--config`, `--ignore-previous-output`. */
  readonly long: string;
  /** True when the option takes a value (`--config <file>`), false for a switch (`--json`). */
  readonly takesValue: boolean;
}

/**
 * The environment variable npm sets for an option typed before `--`: `npm run synth --config=a`
 * sets `npm_config_config=a`, `--ignore-previous-output` sets `npm_config_ignore_previous_output`
 * (dashes become underscores; a switch, or an option whose value followed a space, reads `true`).
 */
export function npmConfigVariable(long: string): string {
  return `npm_config_${long.replace(/^--/, '').replace(/-/g, '_')}`;
}

/**
 * Options meant for the CLI that npm kept for itself, as full sentences (empty when there are
 * none, or when npm did not run this process).
 *
 * npm passes a script only what follows `--`; an option before it becomes npm configuration
 * (`npm_config_<name>` in the script's environment), so `npm run synth --config=x.yaml` would
 * synthesize the default spec and `npm run synth --config x.yaml` passes `x.yaml` on as a stray
 * argument. Under npm (`npm_lifecycle_event` set) an `npm_config_<name>` variable for a
 * `<name>` the subcommand accepts is such an option: npm 11 sets none of these names by itself
 * (its own are `cache`, `prefix`, `user_agent`, ...; checked by `test/cli/npm-alias.test.ts`).
 * @param subcommand the subcommand the arguments name, e.g. `synth`.
 * @param options every option the subcommand defines (from its commander definition).
 * @param strays the arguments after the subcommand that are not options (a value npm left behind).
 * @param env the process environment.
 */
export function npmSwallowedOptions(
  subcommand: string,
  options: readonly DefinedOption[],
  strays: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const script = env.npm_lifecycle_event;
  if (script === undefined || script === '') return [];
  const kept = options.flatMap(option => {
    const value = env[npmConfigVariable(option.long)];
    return value === undefined ? [] : [{ option, value }];
  });
  if (kept.length === 0) return [];
  // The scripts that run one subcommand already name it; `npm run kafka-eks` needs it after --.
  const prefix = script === subcommand || !CLI_SCRIPTS.includes(script) ? '' : `${subcommand} `;
  const valueLost = kept.filter(({ option, value }) => option.takesValue && value === 'true');
  // One option whose value went astray, and one stray: that is its value.
  const strayValue = valueLost.length === 1 && strays.length === 1 ? strays[0]! : '<value>';
  const typed = kept.map(({ option, value }) => {
    if (!option.takesValue) return option.long;
    if (value !== 'true') return `${option.long} ${value}`;
    return `${option.long} ${strayValue}`;
  });
  const lines = kept.map(
    ({ option, value }) =>
      `${option.long}: npm took this option for itself (${npmConfigVariable(option.long)}=${value}) and did not pass it to 'kafka-eks ${subcommand}'.`,
  );
  if (strays.length > 0 && valueLost.length > 0) {
    lines.push(
      `A value typed after a space reached 'kafka-eks ${subcommand}' as a stray argument: ${strays.join(' ')}.`,
    );
  }
  lines.push(`Options go after -- under npm: npm run ${script} -- ${prefix}${typed.join(' ')}`);
  return lines;
}

/**
 * The hint for arguments commander refused as surplus (`too many arguments`) under npm: an option
 * typed before `--` stays with npm and its value comes through alone. Undefined when npm did not
 * run this process.
 * @param subcommand the subcommand the arguments name, e.g. `synth`.
 * @param options every option the subcommand defines; the first that takes a value is the example.
 * @param env the process environment.
 */
export function npmSeparatorHint(
  subcommand: string,
  options: readonly DefinedOption[],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const script = env.npm_lifecycle_event;
  if (script === undefined || script === '') return undefined;
  const prefix = script === subcommand || !CLI_SCRIPTS.includes(script) ? '' : `${subcommand} `;
  const example = options.find(option => option.takesValue);
  const typed = example === undefined ? '<options>' : `${example.long} <value>`;
  return `Under npm, options typed before -- stay with npm and only their values reach 'kafka-eks ${subcommand}': put them after --, e.g. npm run ${script} -- ${prefix}${typed}`;
}
