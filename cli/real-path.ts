/**
 * Where a path really lies, and whether that is a Git repository's own folder: one judgement for
 * every writer of users' files (`kafka-eks synth --out` and the cdk8s app's PLATFORM_OUT through
 * `charts/output.ts`, `kafka-eks simulate --svg` through `cli/paths.ts`) and for the check of
 * `gitops.path` (`cli/gitops-path.ts`). A path as typed can hide where it leads: a link on the way
 * (`platform -> ../repo/.git/hooks`) makes `platform/new` a folder inside `.git`, although no part
 * of the typed path says `.git`, and the kernel follows that link when the folder is created.
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * `path` made absolute with every link on the way resolved, also when its last folders do not
 * exist yet: the real path of the nearest existing folder above it, followed by the missing names
 * as given. `..` is read before links, as `path.resolve` reads it (every writer uses the resolved
 * path). A link to a missing target counts as missing (its name is kept).
 * @returns an absolute path; never throws.
 */
export function realPathOf(path: string): string {
  let existing = resolve(path);
  const missing: string[] = [];
  while (!existsSync(existing) && dirname(existing) !== existing) {
    missing.unshift(basename(existing));
    existing = dirname(existing);
  }
  try {
    return join(realpathSync(existing), ...missing);
  } catch {
    // Not readable on the way (a folder without search permission): the typed path is all we know.
    return resolve(path);
  }
}

/** True when a regular file (`file`) or a folder (`folder`) is at `path`, links not followed. */
function kindAt(path: string, kind: 'file' | 'folder'): boolean {
  try {
    const stat = lstatSync(path);
    return kind === 'file' ? stat.isFile() : stat.isDirectory();
  } catch {
    return false;
  }
}

/**
 * True when `folder` is a Git repository's own folder under another name than `.git`: a bare
 * repository (`platform.git` on a Git server) or a separate git dir (`git init
 * --separate-git-dir`). Such a folder holds a `HEAD` file and `objects/` and `refs/` folders
 * (gitrepository-layout(5)); a working tree does not.
 */
export function isGitDirectory(folder: string): boolean {
  return (
    kindAt(join(folder, 'HEAD'), 'file') &&
    kindAt(join(folder, 'objects'), 'folder') &&
    kindAt(join(folder, 'refs'), 'folder')
  );
}

/**
 * True when something (a file, a folder, a link) named `.git` is in `folder`: the root of a working
 * tree. A checkout's `.git` is a folder, a linked worktree's or a submodule's a file (`gitdir:
 * <path>`; gitrepository-layout(5), git-worktree(1)).
 */
function isWorkingTreeRoot(folder: string): boolean {
  try {
    lstatSync(join(folder, '.git'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `path` (any path: relative, through links, not yet existing) lies in a Git repository's own
 * folder, where Git keeps its objects, refs and hooks and no file is ever checked out; undefined
 * when it does not. Judged on `realPathOf(path)`, walking up from it: a folder named `.git`, or one
 * `isGitDirectory` recognises (a bare repository, a separate git dir), refuses; a working tree's
 * root met first (`isWorkingTreeRoot`) ends the walk, since what lies under it is a checkout even
 * when the working tree itself sits inside a bare repository (`git -C repo.git worktree add main`,
 * review s24-r2 fault 2: every path under `repo.git` was refused). The reason names the real folder
 * when links led there.
 */
export function gitOwnFolderOf(path: string): string | undefined {
  const real = realPathOf(path);
  for (let at = real; ; at = dirname(at)) {
    if (basename(at) === '.git') {
      return `inside a git repository's .git folder (${at})`;
    }
    if (isGitDirectory(at)) {
      return `inside ${at}, a Git repository's own folder (a bare repository or a separate git dir)`;
    }
    if (isWorkingTreeRoot(at) || dirname(at) === at) return undefined;
  }
}
