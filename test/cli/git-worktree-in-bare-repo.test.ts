/**
 * Review s24-r2 fault 2: a working tree checked out inside a bare repository's folder (`git clone
 * --bare <url> repo.git && git -C repo.git worktree add main`, a common layout for working with
 * several branches) is a checkout like any other, yet `gitOwnFolderOf` walked from `--out` up to
 * the root and refused every path under `repo.git`: `synth --out repo.git/main/platform`, the cdk8s
 * app's PLATFORM_OUT and `simulate --svg repo.git/main/sim.svg` exited 1. The bare repository's own
 * folders (`repo.git/hooks`, a new `repo.git/platform`) stay refused. Real git and real CLI
 * processes in temp folders.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, synth, TSX } from './synth-run';

const git = (args: string[], cwd: string): void => {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'a',
      GIT_COMMITTER_EMAIL: 'a@example.com',
    },
  });
};

describe('a working tree inside a bare repository', () => {
  const work = mkdtempSync(join(tmpdir(), 'worktree-in-bare-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  git(['init', '-q', 'src'], work);
  git(['commit', '-q', '--allow-empty', '-m', 'init'], join(work, 'src'));
  git(['clone', '-q', '--bare', 'src', 'repo.git'], work);
  git(['worktree', 'add', '-q', 'main'], join(work, 'repo.git'));
  const spec = join(ROOT, 'stacks', 'dev.yaml');

  it('takes synth --out in the working tree', () => {
    const out = join(work, 'repo.git', 'main', 'platform');
    const run = synth(['--config', spec, '--out', out]);
    expect(run.stderr).not.toContain('refusing');
    expect(run.status).toBe(0);
    expect(existsSync(join(out, '.synth-manifest'))).toBe(true);
  });

  it('takes simulate --svg in the working tree', () => {
    const svg = join(work, 'repo.git', 'main', 'sim.svg');
    const run = spawnSync(
      TSX,
      [
        CLI,
        'simulate',
        '--peak-mibps',
        '40',
        '--config',
        spec,
        '--synthetic',
        'daily:3',
        '--days',
        '1',
        '--svg',
        svg,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(run.stderr).not.toContain('Git keeps its own files');
    expect(run.status).toBe(0);
    expect(existsSync(svg)).toBe(true);
  });

  it.each([
    ['a new folder of the bare repository', ['repo.git', 'platform']],
    ['its hooks', ['repo.git', 'hooks', 'platform']],
    ["the working tree's own git dir", ['repo.git', 'worktrees', 'main', 'platform']],
  ])('still refuses synth --out in %s', (_name, parts) => {
    const out = join(work, ...parts);
    const run = synth(['--config', spec, '--out', out]);
    expect(run.stderr).toContain('Git repository');
    expect(run.status).toBe(1);
    expect(existsSync(out)).toBe(false);
  });
});
