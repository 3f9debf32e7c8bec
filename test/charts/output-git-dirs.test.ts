/**
 * Synth never writes into a Git repository's own folder, under any name: `.git` was refused, but a
 * bare repository (`platform.git`, as Git servers keep them) or a separate git dir took the output
 * and exited 0, although no checkout ever sees files written there. Anything at or below such a
 * folder is refused, writing nothing; a checkout of the same repository is fine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { OutputFolderRefusedError, writeOwnedFiles } from '../../charts/output';

function git(args: string[], cwd: string): void {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

/** Every entry under `dir`, sorted, links not followed. */
function entries(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

const hasGit = spawnSync('git', ['--version']).status === 0;

(hasGit ? describe : describe.skip)("a Git repository's own folder under another name", () => {
  const work = mkdtempSync(join(tmpdir(), 'output-git-dirs-'));
  const bare = join(work, 'platform.git');
  const separate = join(work, 'gitdir');
  const checkout = join(work, 'checkout');
  const files = new Map([['kafka/kustomization.yaml', 'kind: Kustomization\n']]);
  beforeAll(() => {
    git(['init', '-q', '--bare', bare], work);
    git(['init', '-q', `--separate-git-dir=${separate}`, join(work, 'worktree')], work);
    git(['clone', '-q', bare, checkout], work);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('property: refuses the folder and any path below it, writing nothing', () => {
    const before = { bare: entries(bare), separate: entries(separate) };
    fc.assert(
      fc.property(
        fc.constantFrom(bare, separate),
        fc.array(fc.constantFrom('refs', 'objects', 'hooks', 'platform', 'new'), { maxLength: 3 }),
        (repository, below) => {
          const out = join(repository, ...below);
          expect(() => writeOwnedFiles(files, out)).toThrow(OutputFolderRefusedError);
          expect(() => writeOwnedFiles(files, out)).toThrow(
            `a Git repository's own folder (a bare repository or a separate git dir)`,
          );
        },
      ),
      { numRuns: 30 },
    );
    expect({ bare: entries(bare), separate: entries(separate) }).toEqual(before);
  });

  it('writes into a checkout of the same repository', () => {
    const report = writeOwnedFiles(files, join(checkout, 'clusters', 'prod'));
    expect(report.written).toEqual(['kafka/kustomization.yaml']);
    expect(existsSync(join(checkout, 'clusters', 'prod', 'kafka', 'kustomization.yaml'))).toBe(
      true,
    );
  });
});
