/**
 * Checks of the paths given on the command line, done before any work so a bad path is reported
 * with the option that named it instead of as a raw `ENOENT` or `ENOTDIR`.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The example named in messages about a missing spec file. */
export const EXAMPLE_SPEC = 'stacks/prod.yaml';

/** Problem with an input file option, or undefined when `file` is a readable regular file. */
export function inputFileProblem(
  option: string,
  file: string,
  example: string,
): string | undefined {
  if (!existsSync(file)) {
    return `${option}: ${file} does not exist; give the path of an existing file, for example ${example}`;
  }
  if (!statSync(file).isFile()) {
    return `${option}: ${file} is not a file (it is a folder or a device); give a file, for example ${example}`;
  }
  return undefined;
}

/**
 * Problem with an output folder option, or undefined when `dir` is a folder or can be created as
 * one: it must not be a regular file, and its nearest existing ancestor must be a folder.
 */
export function outputFolderProblem(option: string, dir: string): string | undefined {
  const target = resolve(dir);
  if (existsSync(target)) {
    return statSync(target).isDirectory()
      ? undefined
      : `${option}: ${dir} is a file, not a folder; give a new or empty folder, or an earlier synth output`;
  }
  let ancestor = dirname(target);
  while (!existsSync(ancestor)) ancestor = dirname(ancestor);
  return statSync(ancestor).isDirectory()
    ? undefined
    : `${option}: ${dir} cannot be created because ${ancestor} is a file; give a path under a folder`;
}
