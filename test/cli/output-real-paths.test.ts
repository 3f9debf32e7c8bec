/**
 * Every writer of users' files (`kafka-eks synth --out`, `kafka-eks simulate --svg`, the cdk8s
 * app's PLATFORM_OUT) judges where it writes by the real place, links on the way resolved, also
 * when the last folders are still to be created: a link on the way may lead into a Git
 * repository's own folder (`.git`, a bare repository), or into the scratch folder cdk8s-cli deletes
 * on every run, although the path as typed does not show it. Real processes, real links, a real
 * `git init`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'cli', 'main.ts');

interface Run {
  status: number | null;
  stderr: string;
}

function run(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(args[0]!, args.slice(1), {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: result.status, stderr: result.stderr };
}

/** Every entry under `dir` (links not followed), sorted: what a refused run must leave as it was. */
function entries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const hasGit = spawnSync('git', ['--version']).status === 0;

(hasGit ? describe : describe.skip)('output paths that reach a Git folder through a link', () => {
  const work = mkdtempSync(join(tmpdir(), 'output-real-paths-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  // A checkout and a bare repository, and links that lead into their Git folders.
  spawnSync('git', ['init', '-q', join(work, 'repo')]);
  spawnSync('git', ['init', '-q', '--bare', join(work, 'platform.git')]);
  symlinkSync(join(work, 'repo', '.git'), join(work, 'to-git'));
  symlinkSync(join(work, 'repo', '.git', 'hooks'), join(work, 'to-hooks'));
  symlinkSync(join(work, 'platform.git'), join(work, 'to-bare'));
  const before = {
    git: entries(join(work, 'repo', '.git')),
    bare: entries(join(work, 'platform.git')),
  };

  const expectNothingWritten = (): void => {
    expect(entries(join(work, 'repo', '.git'))).toEqual(before.git);
    expect(entries(join(work, 'platform.git'))).toEqual(before.bare);
  };

  it('synth refuses a new --out behind a link into .git or a bare repository (exit 1)', () => {
    for (const out of [
      'to-git/platform',
      'to-hooks/platform',
      'to-hooks/a/b',
      'to-bare/platform',
    ]) {
      const result = run(
        [TSX, CLI, 'synth', '--config', join(ROOT, 'stacks/dev.yaml'), '--out', out],
        work,
      );
      expect({ out, status: result.status }).toEqual({ out, status: 1 });
      expect(result.stderr).toContain(`--out: refusing to write ${out}: ${out} is inside`);
      expect(result.stderr).toMatch(/Nothing was written\.\n$/);
      expectNothingWritten();
    }
  });

  it('simulate refuses an --svg behind a link into .git or a bare repository (exit 1)', () => {
    const load = ['--synthetic', 'daily:3', '--peak-mibps', '100', '--days', '1'];
    for (const svg of ['to-git/chart.svg', 'to-hooks/chart.svg', 'to-bare/chart.svg']) {
      const result = run([TSX, CLI, 'simulate', ...load, '--svg', svg], work);
      expect({ svg, status: result.status }).toEqual({ svg, status: 1 });
      expect(result.stderr).toContain(`--svg: "${svg}" is inside`);
      expect(result.stderr).toMatch(/Nothing was written\.\n$/);
      expectNothingWritten();
    }
  });

  it('the cdk8s app refuses a new PLATFORM_OUT behind a link into .git (exit 1)', () => {
    const result = run(
      [process.execPath, '--import', 'tsx', join(ROOT, 'charts', 'main.ts')],
      ROOT,
      {
        PLATFORM_SPEC: join(ROOT, 'stacks/dev.yaml'),
        PLATFORM_OUT: join(work, 'to-hooks', 'published'),
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `PLATFORM_OUT: refusing to write ${join(work, 'to-hooks', 'published')}`,
    );
    expectNothingWritten();
  });
});

describe('PLATFORM_OUT behind a link into the scratch folder cdk8s-cli deletes', () => {
  const work = mkdtempSync(join(tmpdir(), 'output-real-paths-scratch-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is refused before anything is published (exit 1)', () => {
    const scratch = join(work, 'scratch');
    mkdirSync(scratch);
    symlinkSync(scratch, join(work, 'publish-here'));
    const out = join(work, 'publish-here', 'platform');
    const result = run(
      [process.execPath, '--import', 'tsx', join(ROOT, 'charts', 'main.ts')],
      ROOT,
      {
        PLATFORM_SPEC: join(ROOT, 'stacks/dev.yaml'),
        PLATFORM_OUT: out,
        CDK8S_OUTDIR: scratch,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `PLATFORM_OUT ${out} overlaps the cdk8s output folder ${scratch}`,
    );
    expect(existsSync(join(scratch, 'platform'))).toBe(false);
  });
});
