/**
 * `gitOwnFolderOf` over nestings of checkouts and Git's own folders (review s24-r2 fault 2): a path
 * is refused exactly when the nearest folder above it that is either a working tree's root (a `.git`
 * folder or file in it) or Git's own folder (named `.git`, or a bare repository / separate git dir)
 * is Git's own. Real folders in a temp folder, drawn by fast-check.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitOwnFolderOf } from '../../cli/real-path';

type Level = 'plain' | 'checkout' | 'linked-worktree' | 'bare' | 'dot-git';

/** Makes the folder of one level inside `parent`; returns its path. */
function make(parent: string, level: Level, index: number): string {
  const folder = join(parent, level === 'dot-git' ? '.git' : `l${index}`);
  // A `.git` folder right under a checkout is that checkout's own: there already.
  mkdirSync(folder, { recursive: level === 'dot-git' });
  if (level === 'checkout') mkdirSync(join(folder, '.git'));
  if (level === 'linked-worktree') writeFileSync(join(folder, '.git'), 'gitdir: /elsewhere\n');
  if (level === 'bare') {
    writeFileSync(join(folder, 'HEAD'), 'ref: refs/heads/main\n');
    mkdirSync(join(folder, 'objects'));
    mkdirSync(join(folder, 'refs'));
  }
  return folder;
}

describe('gitOwnFolderOf over nested checkouts and git dirs', () => {
  const root = mkdtempSync(join(tmpdir(), 'real-path-nesting-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses exactly where the nearest marked folder above is Git’s own (property)', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom<Level>('plain', 'checkout', 'linked-worktree', 'bare', 'dot-git'),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.boolean(),
        (levels, exists) => {
          // A linked worktree's `.git` is a file: no folder of that name under it.
          fc.pre(
            !levels.some((level, i) => level === 'dot-git' && levels[i - 1] === 'linked-worktree'),
          );
          let at = join(root, `run${run++}`);
          mkdirSync(at);
          levels.forEach((level, index) => {
            at = make(at, level, index);
          });
          const path = join(at, 'platform');
          if (exists) mkdirSync(path);
          const nearest = [...levels].reverse().find(level => level !== 'plain');
          const refused = nearest === 'bare' || nearest === 'dot-git';
          expect(gitOwnFolderOf(path) !== undefined).toBe(refused);
        },
      ),
      { numRuns: 150 },
    );
  });
});
