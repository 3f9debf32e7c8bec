/**
 * Where the project's files are, and the one rule for relative paths in stack config.
 *
 * The Pulumi engine runs the program with its working directory set to the folder that holds
 * `main` (the project root today, `stacks/` while `main` was `stacks/index.ts`), and a program
 * imported by a user's own runner may run from anywhere, so a relative path must never be
 * resolved against the working directory. Every path the program reads from stack config resolves against the project
 * root, the folder of `Pulumi.yaml` (checked under the real engine by `npm run test:engine`).
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/** The project root: the folder of `Pulumi.yaml`, one above this file's folder (`stacks/`). */
export const PROJECT_ROOT = resolve(__dirname, '..');

/**
 * The example spec every command uses when none is given, relative to the project root. Must equal
 * the `kafka-eks-autoscaling:spec` default in `Pulumi.yaml` (a test checks it).
 */
export const DEFAULT_SPEC_PATH = 'stacks/prod.yaml';

/** {@link DEFAULT_SPEC_PATH} as an absolute path. */
export const DEFAULT_SPEC_FILE = resolve(PROJECT_ROOT, DEFAULT_SPEC_PATH);

/**
 * The project root the program should use: `engineRootDirectory` when it is an absolute path (what
 * `pulumi.runtime.getRootDirectory()` returns under the engine, passed by the language host as
 * `--root-directory`), else {@link PROJECT_ROOT} (under mocks the SDK returns the placeholder
 * `"rootDirectory"`, or `""`).
 */
export function projectRootFrom(engineRootDirectory: string | undefined): string {
  return engineRootDirectory !== undefined && isAbsolute(engineRootDirectory)
    ? engineRootDirectory
    : PROJECT_ROOT;
}

/**
 * Resolves a path from stack config: absolute paths stay as they are, relative ones resolve against
 * `projectRoot` (never against the working directory).
 */
export function resolveProjectPath(path: string, projectRoot: string): string {
  return isAbsolute(path) ? path : resolve(projectRoot, path);
}

/** The stack config key that names the spec file. */
export const SPEC_CONFIG_KEY = 'kafka-eks-autoscaling:spec';

/**
 * The spec file the program reads, resolved with {@link resolveProjectPath}, or the one-paragraph
 * problem when it is not a readable regular file: it names the config key, the value as set (or
 * that the `Pulumi.yaml` default was used), the resolved path and how to fix it.
 *
 * `configured` is the raw `kafka-eks-autoscaling:spec` value (`undefined` when unset, then
 * {@link DEFAULT_SPEC_PATH} is used). Never throws.
 */
export function specFileFromConfig(
  configured: string | undefined,
  projectRoot: string,
): { file: string; problem?: string } {
  const value = configured ?? DEFAULT_SPEC_PATH;
  const file = resolveProjectPath(value, projectRoot);
  let reason: string | undefined;
  try {
    if (!statSync(file).isFile()) reason = 'is not a file';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
  }
  if (reason === undefined) return { file };
  const what =
    configured === undefined
      ? `${SPEC_CONFIG_KEY} is not set, and its default "${value}"`
      : `${SPEC_CONFIG_KEY} is "${value}", which`;
  const relative = isAbsolute(value)
    ? ''
    : ` (a relative path is relative to the project root, the folder of Pulumi.yaml: ${projectRoot})`;
  return {
    file,
    problem:
      `${what} resolves to ${file}${relative}; that path ${reason}. ` +
      `Fix: pulumi config set ${SPEC_CONFIG_KEY} <spec file>, a path relative to ${projectRoot} ` +
      `or an absolute one (for example: pulumi config set ${SPEC_CONFIG_KEY} ${DEFAULT_SPEC_PATH}).`,
  };
}
