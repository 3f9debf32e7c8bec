/**
 * Checks of the paths given on the command line, done before any work so a bad path is reported
 * with the option that named it instead of as a raw `ENOENT` or `ENOTDIR`.
 */
import { accessSync, constants, existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

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
  if (!hasAccess(file, constants.R_OK)) {
    return `${option}: ${file} cannot be read by this user; make it readable (chmod u+r) or give a copy you can read`;
  }
  return undefined;
}

/** True when this process may access `path` in `mode` (`fs.constants` bits). */
function hasAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/**
 * Problem with writing into the existing folder `folder` (needs write and search permission, and
 * a file system that is not read-only), or undefined. `what` names the path the user gave.
 */
export function writableFolderProblem(
  option: string,
  what: string,
  folder: string,
): string | undefined {
  return hasAccess(folder, constants.W_OK | constants.X_OK)
    ? undefined
    : `${option}: ${what} cannot be written: ${folder} is not writable by this user (or is on a read-only file system); give a folder you can write to, or fix its permissions`;
}

/** The first link on the way from the root to `path` (itself included) whose target is missing. */
function danglingLinkOnTheWay(path: string): string | undefined {
  const parts = path.split(sep).filter(part => part !== '');
  for (let depth = 1; depth <= parts.length; depth++) {
    const at = `${sep}${parts.slice(0, depth).join(sep)}`;
    let isLink: boolean;
    try {
      isLink = lstatSync(at).isSymbolicLink();
    } catch {
      return undefined; // missing: created later, nothing below it exists either
    }
    if (isLink && !existsSync(at)) return at;
  }
  return undefined;
}

/**
 * Problem with an output folder option, or undefined when `dir` is a folder or can be created as
 * one: no link on its way may point to a missing path (`mkdir` cannot go through it), it must not
 * be a regular file, its nearest existing ancestor must be a folder, and that
 * folder (`dir` itself when it exists) must be writable by this user.
 */
export function outputFolderProblem(option: string, dir: string): string | undefined {
  const target = resolve(dir);
  const dangling = danglingLinkOnTheWay(target);
  if (dangling !== undefined) {
    return `${option}: ${dir} cannot be created because ${dangling} is a link to ${readlinkSync(dangling)}, which does not exist; create the folder it points to, or give another path`;
  }
  if (existsSync(target)) {
    return statSync(target).isDirectory()
      ? writableFolderProblem(option, dir, target)
      : `${option}: ${dir} is a file, not a folder; give a new or empty folder, or an earlier synth output`;
  }
  let ancestor = dirname(target);
  while (!existsSync(ancestor)) ancestor = dirname(ancestor);
  return statSync(ancestor).isDirectory()
    ? writableFolderProblem(option, dir, ancestor)
    : `${option}: ${dir} cannot be created because ${ancestor} is a file; give a path under a folder`;
}
