/**
 * Synth output that Git would not commit. With a GitOps engine the output is meant to be
 * committed; a `.gitignore` rule that matches it (`dist/` is in most Node projects' `.gitignore`,
 * and `gitops.path` defaults to `./dist`) made `git add` leave every file out, silently: synth said
 * "59 file(s) written", the commit held none of them, and the engine reported a missing path only
 * in the cluster. Synth now warns, naming the files and the rule (both CLIs). The oracle of the
 * property is real Git: what `git add -A` leaves out of the index.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { gitIgnoredOutputFiles } from '../../cli/gitops-path';
import { runSynth } from '../../cli/run/synth';
import { devSpecWithGitops } from './synth-run';
import { MANIFEST_FILE, writeOwnedFiles } from '../../charts/output';

const ROOT = join(__dirname, '..', '..');

function git(cwd: string, args: readonly string[]): string {
  const result = spawnSync(
    'git',
    ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(cwd) },
    },
  );
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function repository(prefix: string): string {
  const repo = join(mkdtempSync(join(tmpdir(), prefix)), 'repo');
  mkdirSync(repo);
  git(repo, ['init', '-q']);
  return repo;
}

async function synth(config: string, out: string, json = false) {
  let stderr = '';
  let stdout = '';
  const code = await runSynth(
    { config, out, json },
    { stdout: text => (stdout += text), stderr: text => (stderr += text) },
  );
  return { code, stderr, stdout };
}

// Paths like the ones synth writes, the manifest included, in a folder `platform/` of the repo.
const FILES = [
  'kustomization.yaml',
  'kafka/kafka-orders.yaml',
  'kafka/kustomization.yaml',
  'gitops/kustomization-kafka.yaml',
  'operators/helmrelease-strimzi.yaml',
];
const RULES = [
  'platform/',
  '/platform',
  'platform',
  '*.yaml',
  '.*',
  '!.synth-manifest',
  'kafka/',
  '!platform/kafka/',
  '**/gitops/*.yaml',
  'platform/**/kustomization.yaml',
  '!kustomization.yaml',
  'operators',
  '*.yml',
  '# platform/',
];

describe('synth output that Git ignores', () => {
  it('property: names exactly the written files that git add -A leaves out (any rules, nested files, tracked files)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...RULES), { maxLength: 4 }),
        fc.array(fc.constantFrom(...RULES), { maxLength: 2 }),
        fc.array(fc.constantFrom(...RULES), { maxLength: 2 }),
        fc.subarray([...FILES, MANIFEST_FILE]),
        (rootRules, nestedRules, excludeRules, tracked) => {
          const repo = repository('synth-git-ignored-');
          const out = join(repo, 'platform');
          // Files tracked before the rules existed: Git commits their changes whatever the rules say.
          writeOwnedFiles(new Map(FILES.map(path => [path, `# ${path}\n`])), out);
          if (tracked.length > 0) {
            git(repo, ['add', '--', ...tracked.map(path => `platform/${path}`)]);
            git(repo, ['commit', '-q', '-m', 'tracked']);
          }
          writeFileSync(join(repo, '.gitignore'), rootRules.join('\n') + '\n');
          writeFileSync(join(out, '.gitignore'), nestedRules.join('\n') + '\n');
          writeFileSync(join(repo, '.git', 'info', 'exclude'), excludeRules.join('\n') + '\n');
          const written = [...FILES, MANIFEST_FILE];
          const found = gitIgnoredOutputFiles(out, written).map(file => file.path);
          git(repo, ['add', '-A']);
          const indexed = new Set(
            git(repo, ['ls-files', '-z', '--', 'platform'])
              .split('\0')
              .filter(path => path !== '')
              .map(path => path.slice('platform/'.length)),
          );
          expect(found.sort()).toEqual(written.filter(path => !indexed.has(path)).sort());
        },
      ),
      { numRuns: 25 },
    );
  });

  it('synth --out warns with the files, the rule and the fix; still writes (exit 0); JSON too', async () => {
    const repo = repository('synth-git-ignored-cli-');
    writeFileSync(join(repo, '.gitignore'), 'node_modules\ndist/\n');
    const config = devSpecWithGitops(dirname(repo), 'flux', './dist');
    const { code, stderr, stdout } = await synth(config, join(repo, 'dist'));
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /warning: --out: Git ignores \d+ file\(s\) synth wrote to .*\/dist: .*\(dist\/ at \.gitignore:2\)/,
    );
    expect(stderr).toContain('so Flux never sees them');
    expect(stderr).toContain('Remove or narrow the rule at .gitignore:2');
    expect(stdout).toContain('file(s) written');
    const json = await synth(config, join(repo, 'dist'), true);
    const summary = JSON.parse(json.stdout) as { warnings: string[] };
    expect(summary.warnings.some(warning => warning.includes('Git ignores'))).toBe(true);
  });

  it('says nothing when every file is committed, with engine none, or outside a work tree', async () => {
    const repo = repository('synth-git-ignored-quiet-');
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n*.log\n');
    const argocd = devSpecWithGitops(dirname(repo), 'argocd', './platform');
    expect((await synth(argocd, join(repo, 'platform'))).stderr).not.toContain('Git ignores');
    writeFileSync(join(repo, '.gitignore'), 'platform/\n');
    const none = devSpecWithGitops(dirname(repo), 'none', './platform');
    expect((await synth(none, join(repo, 'platform'))).stderr).not.toContain('Git ignores');
    // A `.git` Git does not take as a repository: nothing to judge, and no repository above it.
    const fake = join(mkdtempSync(join(tmpdir(), 'synth-git-ignored-fake-')), 'repo');
    mkdirSync(join(fake, '.git'), { recursive: true });
    writeFileSync(join(fake, '.gitignore'), 'platform/\n');
    expect((await synth(argocd, join(fake, 'platform'))).stderr).not.toContain('Git ignores');
  });

  it('the cdk8s app (PLATFORM_OUT) warns the same way', () => {
    const repo = repository('synth-git-ignored-cdk8s-');
    writeFileSync(join(repo, '.gitignore'), 'out/\n');
    const config = devSpecWithGitops(dirname(repo), 'flux', './out');
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'charts', 'main.ts')],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, PLATFORM_SPEC: config, PLATFORM_OUT: join(repo, 'out') },
      },
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/warning: PLATFORM_OUT: Git ignores \d+ file\(s\)/);
  });
});
