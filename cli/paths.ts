/**
 * Checks of the paths given on the command line, done before any work so a bad path is reported
 * with the option that named it instead of as a raw `ENOENT` or `ENOTDIR`.
 */
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { gitOwnFolderOf } from './real-path';

/** The example named in messages about a missing spec file. */
export const EXAMPLE_SPEC = 'stacks/prod.yaml';

/**
 * U+FFFD, the replacement character: Node decodes command-line arguments and environment variables
 * as UTF-8 and puts it in place of every byte sequence that is not UTF-8 (a Latin-1 `caf\xe9`, a
 * name from an old archive), so a path holding it names something else on the disk than the bytes
 * the user typed. Writing through it would create a new entry spelt with U+FFFD beside the user's
 * own folder or file, or write into an unrelated one spelt that way.
 */
const REPLACEMENT_CHARACTER = '\uFFFD';

/** The middle of every message about a path holding `REPLACEMENT_CHARACTER`. */
const NOT_UTF8_HINT =
  'holds U+FFFD (\u{FFFD}), the character Node reads in place of bytes that are not UTF-8 in an argument or an environment variable';

/**
 * Problem with an input file option, or undefined when `file` is a readable regular file. A
 * missing `file` holding `REPLACEMENT_CHARACTER` is reported as a name that was not UTF-8.
 * @param example a path to suggest (`~` for the home folder); left out of the message about a
 *   missing file when it names that very file, as `--kubeconfig ~/.kube/config` does where no
 *   kubeconfig was written yet.
 */
export function inputFileProblem(
  option: string,
  file: string,
  example: string,
): string | undefined {
  if (!existsSync(file) && file.includes(REPLACEMENT_CHARACTER)) {
    return `${option}: ${JSON.stringify(file)} ${NOT_UTF8_HINT}, so it cannot name the file meant; rename the file to a UTF-8 name (for example with convmv) or give another path`;
  }
  if (!existsSync(file)) {
    const suggestion = namesFile(example, file) ? '' : `, for example ${example}`;
    return `${option}: ${file} does not exist; ${unexpandedTilde(file) ? `${TILDE_HINT}, or ` : ''}give the path of an existing file${suggestion}`;
  }
  if (!statSync(file).isFile()) {
    return `${option}: ${file} is not a file (it is a folder or a device); give a file, for example ${example}`;
  }
  if (!hasAccess(file, constants.R_OK)) {
    return `${option}: ${file} cannot be read by this user; make it readable (chmod u+r) or give a copy you can read`;
  }
  return undefined;
}

/** True when `example` (a leading `~` read as the home folder) and `file` are one path. */
function namesFile(example: string, file: string): boolean {
  const expanded = example.replace(/^~(?=\/|$)/, homedir());
  return example === file || resolve(expanded) === resolve(file);
}

/** What to say about a path that starts with a `~` no shell expanded. */
const TILDE_HINT =
  'the shell did not expand its ~ (it was quoted, or no shell ran), so it means a folder named ~ here: write $HOME/ or an absolute path instead';

/**
 * True when `path` starts with `~` or `~user` followed by `/` or nothing: a home-folder shorthand
 * that only a shell expands, and only outside quotes (POSIX "Tilde Expansion"). Node takes it as
 * a folder named `~` in the working folder.
 */
function unexpandedTilde(path: string): boolean {
  return /^~[^/]*(\/|$)/.test(path);
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

/** Longest name of one folder entry, bytes: 255 on ext4, XFS, Btrfs, tmpfs, APFS and NTFS. */
const NAME_MAX_BYTES = 255;

/** True when `text` holds a C0 control character or DEL: a line break, a tab, an escape. */
function hasControlCharacter(text: string): boolean {
  return [...text].some(char => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

/**
 * Problem with the name of an entry the user's `path` would create, or undefined: a name that
 * holds a control character or starts or ends with white space (these come from a stray quote, a
 * pasted line break or an unset shell variable, never from intent, and every printed path and
 * command with them misleads), or that is longer than a file system takes (`NAME_MAX_BYTES`;
 * the write would fail half way with a raw ENAMETOOLONG). One check for every name a user gives
 * for synth's folders and the simulator's files.
 * @param kind what the entry is, for the message: `folder` or `file`.
 */
function newNameProblem(
  option: string,
  path: string,
  name: string,
  kind: 'folder' | 'file',
): string | undefined {
  if (hasControlCharacter(name)) {
    return `${option}: ${JSON.stringify(path)} would create a ${kind} named ${JSON.stringify(name)}, with a control character (a line break, a tab) in it; give the path without it`;
  }
  if (Buffer.byteLength(name) > NAME_MAX_BYTES) {
    return `${option}: ${JSON.stringify(path)} would create a ${kind} whose name is ${Buffer.byteLength(name)} bytes long, more than the ${NAME_MAX_BYTES} a file system takes for one name; give a shorter name`;
  }
  if (name !== name.trim()) {
    return `${option}: ${JSON.stringify(path)} would create a ${kind} named ${JSON.stringify(name)}, which starts or ends with white space (a stray quote or space?); give the name without it`;
  }
  return undefined;
}

/**
 * A name as a case-insensitive file system compares it (macOS APFS and HFS+, Windows NTFS, and so
 * a Git checkout there): Unicode NFC, then lower case. Two names with one folded form are stored
 * as one entry there, although Linux keeps both.
 */
export function foldedName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * Problem with a new entry `name` in the existing folder `parent`, or undefined: another entry
 * there differs from it only in letter case or Unicode form (`clusters/prod` typed beside the
 * user's `clusters/Prod`, or `café` in NFD beside `café` in NFC). Linux would create a second
 * entry that looks like the first or a typo of it, and a checkout on macOS or Windows would store
 * both as one, mixing their files. Where `parent` cannot be listed, nothing is said.
 */
function foldedTwinProblem(
  option: string,
  path: string,
  parent: string,
  name: string,
  kind: 'folder' | 'file',
): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return undefined;
  }
  const twin = entries.find(entry => entry !== name && foldedName(entry) === foldedName(name));
  if (twin === undefined) return undefined;
  return `${option}: ${JSON.stringify(path)} would create a ${kind} named ${JSON.stringify(name)} beside ${JSON.stringify(join(parent, twin))}, which differs from it only in letter case or Unicode form (macOS and Windows store the two as one name); use the existing spelling ${JSON.stringify(twin)} or another name`;
}

/**
 * Longest path the system takes, bytes, without the terminating NUL: `PATH_MAX` is 4096 on Linux
 * (`<linux/limits.h>`) and 1024 on macOS (`<sys/syslimits.h>`), both counting the NUL.
 */
const PATH_MAX_BYTES = process.platform === 'darwin' ? 1023 : 4095;

/**
 * Problem with the path the user gave for a new entry, before its names are checked, or
 * undefined: an empty path (it would mean the working folder), a `~` no shell expanded, or a
 * `REPLACEMENT_CHARACTER` (bytes that are not UTF-8 in the path as typed: Node cannot name that
 * entry, so the write would go elsewhere).
 */
function pathTextProblem(
  option: string,
  path: string,
  kind: 'folder' | 'file',
  example: string,
): string | undefined {
  if (path === '') {
    return `${option}: the path is empty (an unset variable?); give a ${kind}, for example ${example}`;
  }
  if (unexpandedTilde(path) && !existsSync(path.split('/')[0] ?? path)) {
    return `${option}: ${path}: ${TILDE_HINT}`;
  }
  if (path.includes(REPLACEMENT_CHARACTER)) {
    return `${option}: ${JSON.stringify(path)} ${NOT_UTF8_HINT}, so this run would write to another ${kind} than the one named; rename it to a UTF-8 name (for example with convmv) or give another path`;
  }
  return undefined;
}

/**
 * Problem with the name of a folder that `dir` would create, or undefined: an empty path, an
 * unexpanded `~` (`pathTextProblem`), a folder to be created whose name `newNameProblem`
 * refuses, or the first folder to be created beside an entry spelt like it but for letter case or
 * Unicode form (`foldedTwinProblem`). Folders that already exist are the user's choice and pass.
 */
function newFolderNameProblem(option: string, dir: string): string | undefined {
  const text = pathTextProblem(option, dir, 'folder', 'dist');
  if (text !== undefined) return text;
  let existing = resolve(dir);
  const created: string[] = [];
  while (entryExists(existing) === false && dirname(existing) !== existing) {
    created.unshift(basename(existing));
    existing = dirname(existing);
  }
  for (const name of created) {
    const problem = newNameProblem(option, dir, name, 'folder');
    if (problem !== undefined) return problem;
  }
  // Only the first folder created has an existing parent with entries to compare with.
  const first = created[0];
  return first === undefined
    ? undefined
    : foldedTwinProblem(option, dir, existing, first, 'folder');
}

/** A file the same run reads, by the option that names it: `--config spec.yaml`. */
export interface InputFile {
  readonly option: string;
  readonly path: string;
}

/**
 * True when `a` and `b` (links followed) are one file on the disk: the same device and inode, so
 * also through a link, another spelling, a bind mount or a second hard link. False when either is
 * missing.
 */
function sameFile(a: string, b: string): boolean {
  try {
    const [first, second] = [statSync(a), statSync(b)];
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    return false;
  }
}

/**
 * Problem with an output file option (`--svg`), or undefined: the path is not empty and has no
 * unexpanded `~` (`pathTextProblem`); a file it creates has a plain name (`newNameProblem`), not
 * spelt like another entry of its folder but for letter case or Unicode form (`foldedTwinProblem`;
 * a file that exists is the user's choice) and a path the system takes (`PATH_MAX_BYTES`); what is
 * there already may be replaced (`existingOutputFileProblem`) and is none of `inputs` (`sameFile`:
 * replacing an input would destroy it); it ends in `extension`; its folder exists, is a folder
 * outside any Git repository's own folder (`.git`, a bare repository; links on the way resolved,
 * `gitOwnFolderOf`), and this user may write it. Each check judges `outputFilePath(file)`, the
 * file the writer replaces.
 * @param example a good value, shown in messages (for example `sim.svg`).
 * @param inputs the files the same run reads, by option (default none).
 */
export function outputFileProblem(
  option: string,
  file: string,
  extension: string,
  example: string,
  inputs: readonly InputFile[] = [],
): string | undefined {
  const text = pathTextProblem(option, file, 'file', example);
  if (text !== undefined) return text;
  // Every check below judges the file the write replaces (`outputFilePath`), not the path as
  // typed: the kernel would read a `..` after a link in it otherwise than path.resolve does.
  const path = resolve(file);
  const existing = existingOutputFileProblem(option, path, file);
  if (existing !== undefined) return existing;
  const input = inputs.find(candidate => sameFile(path, candidate.path));
  if (input !== undefined) {
    return `${option}: ${JSON.stringify(file)} is the file ${input.option} reads (${input.path}); give the chart another name, for example ${example}`;
  }
  const written = outputFilePath(file);
  // As typed when no link led elsewhere, so messages show the user's own path.
  const target = written === path ? file : written;
  if (!entryExists(written)) {
    const problem =
      newNameProblem(option, file, basename(target), 'file') ??
      foldedTwinProblem(option, file, dirname(resolve(target)), basename(target), 'file');
    if (problem !== undefined) return problem;
    const length = Buffer.byteLength(resolve(target));
    if (length > PATH_MAX_BYTES) {
      return `${option}: ${JSON.stringify(file)} is ${length} bytes long as a full path, more than the ${PATH_MAX_BYTES} a path may have here (PATH_MAX); give a shorter path`;
    }
  }
  if (!target.endsWith(extension)) {
    return `${option}: ${JSON.stringify(target)} must end in ${extension}, for example ${example}`;
  }
  const dir = dirname(resolve(target));
  if (!existsSync(dir)) {
    return `${option}: ${JSON.stringify(target)}: folder ${dir} does not exist; create it first`;
  }
  if (!statSync(dir).isDirectory()) {
    return `${option}: ${JSON.stringify(target)}: ${dir} is a file, not a folder; give a path inside a folder`;
  }
  // Judged where the folder really is: a link on the way may lead into .git.
  const gitFolder = gitOwnFolderOf(dir);
  if (gitFolder !== undefined) {
    return `${option}: ${JSON.stringify(target)} is ${gitFolder}, where Git keeps its own files; give a path outside it, for example ${example}`;
  }
  return writableFolderProblem(option, JSON.stringify(target), dir);
}

/** True when something (a link too, even a dangling one) is at `path`. */
function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Problem with an output folder option, or undefined when `dir` is a folder or can be created as
 * one: the path is not empty and a folder it creates has a plain name (`newFolderNameProblem`), no
 * link on its way may point to a missing path (`mkdir` cannot go through it), it must not
 * be a regular file, its nearest existing ancestor must be a folder, and that
 * folder (`dir` itself when it exists) must be writable by this user.
 */
export function outputFolderProblem(option: string, dir: string): string | undefined {
  const badName = newFolderNameProblem(option, dir);
  if (badName !== undefined) return badName;
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

/**
 * Problem with what already is at the output file path `file` (`shown` in messages; default
 * `file`), or undefined when nothing is there
 * or it is a regular file (or a link to one) this user may write. Replacing a folder, a device or
 * a read-only file, or writing through a link to a missing path, is refused: the user did not ask
 * for that.
 */
export function existingOutputFileProblem(
  option: string,
  file: string,
  shown: string = file,
): string | undefined {
  let isLink: boolean;
  try {
    isLink = lstatSync(file).isSymbolicLink();
  } catch {
    return undefined;
  }
  if (isLink && !existsSync(file)) {
    return `${option}: ${shown} is a link to ${readlinkSync(file)}, which does not exist; give another file name, or fix the link`;
  }
  const stat = statSync(file);
  if (stat.isDirectory()) {
    return `${option}: ${shown} is a folder; give a file name in it or beside it, for example ${shown}/chart.svg`;
  }
  if (!stat.isFile()) {
    return `${option}: ${shown} is not a regular file (a device or pipe); give a file name`;
  }
  if (!hasAccess(file, constants.W_OK)) {
    return `${option}: ${shown} is read-only for this user; make it writable (chmod u+w) or give another file name`;
  }
  return undefined;
}

/** The file a link at `file` points to (followed to the end), else `file` itself. */
export function writeThroughLink(file: string): string {
  try {
    return lstatSync(file).isSymbolicLink() && existsSync(file) ? realpathSync(file) : file;
  } catch {
    return file;
  }
}

/**
 * The file a write of the output file option `file` (`--svg`) replaces, the one path that both
 * `outputFileProblem` judges and the writer writes: `file` made absolute as path.resolve reads it
 * (a `..` drops the name before it, also where that name is a link, as for synth's `--out`,
 * `cli/real-path.ts`), then a link at its end followed (`writeThroughLink`; the link is kept, its
 * target replaced, as a shell's `>` does). The kernel reads `link/../x.svg` as the parent of the
 * link's target instead; a path handed to it as typed would be written where no check looked.
 * @returns an absolute path; never throws.
 */
export function outputFilePath(file: string): string {
  return writeThroughLink(resolve(file));
}
