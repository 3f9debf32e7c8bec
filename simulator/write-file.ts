/**
 * Writes a whole file in place of another, so the path holds the old or the new content at every
 * moment, also across a kill or a power loss: the text goes to a temporary file beside `file`
 * (`.<name>.<pid>.tmp`), is flushed to the disk (fsync(2)), and is renamed over `file` (rename(2)
 * replaces it in one step); then the folder is flushed so the rename itself outlives a power loss.
 * Without the first flush a file system may persist the rename before the data it points at, and
 * leave an empty `file` after a crash (ext4 documents this for delayed allocation, `auto_da_alloc`
 * in ext4(5), and other file systems offer no such heuristic).
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Longest name of one folder entry, bytes: 255 on ext4, XFS, Btrfs, tmpfs, APFS and NTFS. */
const NAME_MAX_BYTES = 255;

/**
 * The name, but for the pid and `.tmp`, of the temporary file beside `file`: `.<name>.`. A name
 * too long to take that within `NAME_MAX_BYTES` (with a pid of up to 10 digits) is cut, whole
 * characters, and followed by `~` and 16 hex digits of its SHA-256, so every name the file system
 * takes for `file` gets a temporary file too, the same on every run.
 */
function temporaryPrefix(file: string): string {
  const name = basename(file);
  const room = NAME_MAX_BYTES - 2 - 10 - '.tmp'.length; // two dots, the pid, the suffix
  if (Buffer.byteLength(name) <= room) return `.${name}.`;
  const characters = [...name];
  while (Buffer.byteLength(characters.join('')) > room - 17) characters.pop();
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `.${characters.join('')}~${hash}.`;
}

/** True while `pid` runs (kill(pid, 0) answers; EPERM: it runs as another user). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that runs killed while writing `file` left beside it: regular files
 * named `.<name>.<pid>.tmp` (`temporaryPrefix`) whose pid no longer runs (or is this process's,
 * left by an earlier call) and whose content `ours` accepts; anything else is left alone.
 */
function removeKilledTemporaries(file: string, ours: (content: Buffer) => boolean): void {
  const folder = dirname(file);
  const prefix = temporaryPrefix(file);
  for (const name of readdirSync(folder)) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pidText = name.slice(prefix.length, -'.tmp'.length);
    if (!/^[1-9]\d*$/.test(pidText)) continue;
    const pid = Number(pidText);
    if (pid !== process.pid && processRuns(pid)) continue;
    const leftover = join(folder, name);
    if (!lstatSync(leftover).isFile() || !ours(readFileSync(leftover))) continue;
    rmSync(leftover, { force: true });
  }
}

/**
 * Raised when the new content is in place (renamed over the file) but flushing its folder to the
 * disk (fsync(2)) failed, so a power loss could still undo the change; `cause` is the file system
 * error (EIO, ...). The message says the file holds the new content: nothing can be put back
 * once the rename is done, and the disk needs checking.
 */
export class FileFlushError extends Error {
  public constructor(file: string, cause: unknown) {
    super(
      `${file}: the new content is in place, but flushing it to the disk failed (${cause instanceof Error ? cause.message : String(cause)}); check the disk, then run again`,
      { cause },
    );
    this.name = 'FileFlushError';
  }
}

/**
 * Raised when writing the new content failed before it was renamed into place (a full disk,
 * ENOSPC; the file-size limit of `ulimit -f`, EFBIG; a read-only or immutable file, EPERM,
 * EACCES; EIO): `file` is as it was, and so is its folder (the temporary file was removed). The
 * message names `file`, the error and that state; `code` is the error's (`ENOSPC`, ...) and
 * `cause` the error itself. A bare `fs` message (`EFBIG: file too large, write`) named neither
 * the file nor what became of it.
 */
export class FileWriteError extends Error {
  /** The `fs` error code of `cause` (`ENOSPC`, `EFBIG`, `EPERM`, ...). */
  public readonly code: string | undefined;

  public constructor(file: string, cause: NodeJS.ErrnoException) {
    super(
      `${file}: writing it failed (${cause.message}), so it is as it was (a file that was not there was not created); fix the cause (free space, a file-size limit, permissions), then run again`,
      { cause },
    );
    this.name = 'FileWriteError';
    this.code = cause.code;
  }
}

/** Permission bits of a mode (rwx for user, group, others); set-id and sticky bits are not kept. */
const PERMISSION_BITS = 0o777;

/**
 * The permission bits of the regular file at `file` (links followed), or undefined when there is
 * none: the mode the new file takes over.
 */
function permissionsOf(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.mode & PERMISSION_BITS : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `file` (absolute), or, where a link is at that path, the file the link leads to (every link in
 * the chain followed, `realpath(3)`): a write replaces what the link points at and keeps the link,
 * as a shell's `>` does. Renaming over the link itself would turn the user's link into a file of
 * its own and leave the file it pointed at stale.
 * @throws Error naming the link and the fix when it leads to nothing (a dangling link): where to
 *   create the file is the user's choice, not this writer's.
 */
function throughLink(file: string): string {
  let isLink: boolean;
  try {
    isLink = lstatSync(file).isSymbolicLink();
  } catch {
    return file;
  }
  if (!isLink) return file;
  try {
    return realpathSync(file);
  } catch {
    throw new Error(
      `${file}: is a link to ${readlinkSync(file)}, which does not exist; fix the link or remove it, then run again`,
    );
  }
}

/**
 * Replaces the file at `typed` (made absolute as path.resolve reads it: a `..` drops the name
 * before it, also where that is a link; a link at its end is followed, `throughLink`, and kept)
 * with `text` (a string is written as UTF-8, bytes as they are) as described above. First removes what runs killed while
 * writing `file` left: their temporary files, where `ours` (default: none) accepts the content.
 * A file that is replaced keeps its permission bits (`chmod 600 chart.svg` stays private; the
 * temporary file is created readable by its owner only and given them before the rename); a new
 * file gets 0666 less the umask, as any new file does. It gets a new inode all the same: another
 * hard link keeps the old content, and the owner is the user who runs the write.
 * @throws FileWriteError wrapping the `fs` error of the write, flush or rename (ENOSPC, EFBIG,
 *   EACCES, EIO, ...); the temporary file is then removed and `file` is as it was. FileFlushError when only the flush of the folder
 *   after the rename failed: `file` then holds the new content. Error naming the path and the fix when an entry
 *   of the temporary file's name is there and is not a killed run's (`ours` refused it): it is
 *   left as it was, and so is `file`. Error naming the link and the fix when `file` is a link
 *   to nothing (`throughLink`); nothing is written. A folder that cannot be flushed (EINVAL, EPERM,
 *   EISDIR on some file systems and platforms) is skipped.
 */
export function writeFileAtomically(
  typed: string,
  text: string | Uint8Array,
  ours: (content: Buffer) => boolean = () => false,
): void {
  // One path for the temporary file and the rename: the kernel reads a `..` after a link in
  // `typed` as the parent of the link's target, path.resolve (and `join`, which names the
  // temporary file) as the folder of the link; the callers' checks judge the latter.
  const file = throughLink(resolve(typed));
  const folder = dirname(file);
  const temporary = join(folder, `${temporaryPrefix(file)}${process.pid}.tmp`);
  // Set once this call created the temporary file: only then is the file at `temporary` its own.
  let created = false;
  const keptMode = permissionsOf(file);
  try {
    removeKilledTemporaries(file, ours);
    let descriptor: number;
    try {
      // Created exclusively: a file still there under this process's own name (its pid reused,
      // as in a container where every job runs as one small pid) is not one `ours` accepts.
      descriptor = openSync(temporary, 'wx', keptMode === undefined ? 0o666 : 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw new Error(
        `${temporary}: is named like this run's temporary file but is not one; move it away`,
      );
    }
    created = true;
    try {
      writeFileSync(descriptor, text);
      if (keptMode !== undefined) fchmodSync(descriptor, keptMode);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, file);
  } catch (error) {
    if (created) rmSync(temporary, { force: true });
    // An `fs` error (it has a code) names neither the file nor its state; ours are already worded.
    const code = (error as NodeJS.ErrnoException).code;
    throw typeof code === 'string'
      ? new FileWriteError(file, error as NodeJS.ErrnoException)
      : error;
  }
  let folderDescriptor: number | undefined;
  try {
    folderDescriptor = openSync(folder, 'r');
    fsyncSync(folderDescriptor);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!['EINVAL', 'EPERM', 'EACCES', 'EISDIR', 'ENOTSUP'].includes(code)) {
      throw new FileFlushError(file, error);
    }
  } finally {
    if (folderDescriptor !== undefined) closeSync(folderDescriptor);
  }
}
