/**
 * `synth --out` against `gitops.path`: with a GitOps engine, the synthesized Flux Kustomizations
 * and the Argo CD Application point into `gitops.path` of the repository, so output written
 * elsewhere in the same Git work tree is never synced; the engine says so only in the cluster,
 * after the push. Synth warns (stderr, and in the JSON warnings) and still writes; nothing is said
 * outside a work tree, with engine `none`, or when the folders agree.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runSynth } from '../../cli/run/synth';
import { devSpecWithGitops } from './synth-run';

async function run(
  config: string,
  out: string,
  json = false,
): Promise<{ stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const code = await runSynth(
    { config, out, json },
    { stdout: text => (stdout += text), stderr: text => (stderr += text) },
  );
  expect(code).toBe(0);
  return { stderr, stdout };
}

const FOLDERS = ['dist', 'clusters/prod/kafka', 'clusters/prod/kafak', 'platform'];

describe('synth --out inside a Git work tree, against gitops.path', () => {
  it('property: warns exactly when the folder in the work tree is not gitops.path', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FOLDERS),
        fc.constantFrom(...FOLDERS),
        fc.constantFrom('flux', 'argocd', 'none'),
        fc.constantFrom('dir', 'file', 'absent'),
        fc.boolean(),
        async (pathInSpec, outFolder, engine, gitEntry, dotSlash) => {
          const work = mkdtempSync(join(tmpdir(), 'synth-gitops-path-'));
          const repo = join(work, 'repo');
          mkdirSync(repo);
          if (gitEntry === 'dir') mkdirSync(join(repo, '.git'));
          if (gitEntry === 'file')
            writeFileSync(join(repo, '.git'), 'gitdir: ../main/.git/worktrees/x\n');
          const config = devSpecWithGitops(work, engine, `${dotSlash ? './' : ''}${pathInSpec}`);
          const { stderr } = await run(config, join(repo, outFolder));
          const expectWarning =
            engine !== 'none' && gitEntry !== 'absent' && pathInSpec !== outFolder;
          if (expectWarning) {
            expect(stderr).toContain(`--out is ./${outFolder} in the Git work tree ${repo}`);
            expect(stderr).toContain(`Set gitops.path: ./${outFolder}`);
            expect(stderr).toContain(`or synth into ${join(repo, pathInSpec)}`);
          } else {
            // The spec's own warnings share stderr; the path warning is not among them.
            expect(stderr).not.toContain('in the Git work tree');
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('resolves links: --out through a linked folder that lands on gitops.path is fine', async () => {
    const work = mkdtempSync(join(tmpdir(), 'synth-gitops-link-'));
    const repo = join(work, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'clusters'));
    symlinkSync(join(repo, 'clusters'), join(work, 'shortcut'));
    const config = devSpecWithGitops(work, 'flux', './clusters/kafka');
    expect((await run(config, join(work, 'shortcut', 'kafka'))).stderr).not.toContain(
      'in the Git work tree',
    );
  });

  it('puts the warning into the JSON warnings as well', async () => {
    const work = mkdtempSync(join(tmpdir(), 'synth-gitops-json-'));
    mkdirSync(join(work, 'repo', '.git'), { recursive: true });
    const config = devSpecWithGitops(work, 'argocd', './dist');
    const { stdout } = await run(config, join(work, 'repo', 'platform'), true);
    const summary = JSON.parse(stdout) as { warnings: string[] };
    expect(summary.warnings.some(warning => warning.includes('Argo CD will look in ./dist'))).toBe(
      true,
    );
  });
});
