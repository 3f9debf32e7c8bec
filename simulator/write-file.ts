/**
 * Writes a whole file in place of another, so the path holds the old or the new content at every
 * moment, also across a kill or a power loss: the text goes to a temporary file beside `file`
 * (`.<name>.<pid>.tmp`), is flushed to the disk (fsync(2)), and is renamed over `file` (rename(2)
 * replaces it in one step); then the folder is flushed so the rename itself outlives a power loss.
 * Without the first flush a file system may persist the rename before the data it points at, and
 * leave an empty `file` after a crash (ext4 documents this for delayed allocation, `auto_da_alloc`
 * in ext4(5), and other file systems offer no such heuristic).
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `file` with `text` (UTF-8) as described above.
 * @throws the `fs` error of the write, flush or rename (ENOSPC, EACCES, EIO, ...); the temporary
 *   file is then removed and `file` is as it was. A folder that cannot be flushed (EINVAL, EPERM,
 *   EISDIR on some file systems and platforms) is skipped.
 */
export function writeFileAtomically(file: string, text: string): void {
  const folder = dirname(file);
  const temporary = join(folder, `.${basename(file)}.${process.pid}.tmp`);
  try {
    const descriptor = openSync(temporary, 'w');
    try {
      writeFileSync(descriptor, text);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  let folderDescriptor: number | undefined;
  try {
    folderDescriptor = openSync(folder, 'r');
    fsyncSync(folderDescriptor);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!['EINVAL', 'EPERM', 'EACCES', 'EISDIR', 'ENOTSUP'].includes(code)) throw error;
  } finally {
    if (folderDescriptor !== undefined) closeSync(folderDescriptor);
  }
}
