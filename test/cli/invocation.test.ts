/**
 * Paths typed after `npm run <script> --` from a subfolder: npm runs the script in the package root
 * and passes the folder it was typed in as INIT_CWD. `npm run synth -- --config prod.yaml` typed
 * in `stacks/` once answered "--config: prod.yaml does not exist" although it was right there,
 * and `--out ../gitops` landed one folder higher than the user meant.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { CLI_SCRIPTS, npmInvocationFolder, typedPath } from '../../cli/invocation';

const ROOT = resolve(__dirname, '..', '..');

/** The environment npm gives `npm run <script>` typed in `typedIn`. */
function npmEnv(script: string, typedIn: string): Record<string, string> {
  return {
    INIT_CWD: typedIn,
    npm_package_name: 'kafka-eks-autoscaling',
    npm_lifecycle_event: script,
    npm_package_json: join(ROOT, 'package.json'),
  };
}

describe('typedPath', () => {
  it('lists exactly the npm scripts that run the CLI', () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    const running = Object.keys(scripts).filter(name =>
      scripts[name]!.startsWith('node --import tsx cli/main.ts'),
    );
    expect([...CLI_SCRIPTS].sort()).toEqual(running.sort());
  });

  it('property: a relative path resolves where npm run was typed, and nothing else moves', () => {
    const segment = fc.constantFrom('stacks', 'prod.yaml', '..', '.', 'a b', 'gitops', 'ü');
    const relativePath = fc.array(segment, { minLength: 1, maxLength: 4 }).map(s => s.join('/'));
    fc.assert(
      fc.property(
        relativePath,
        fc.constantFrom('stacks', 'docs/runbooks', '..', '.'),
        fc.constantFrom(...CLI_SCRIPTS, 'test', 'lint'),
        fc.boolean(),
        (path, typedInRelative, script, ours) => {
          const typedIn = resolve(ROOT, typedInRelative);
          const env = {
            ...npmEnv(script, typedIn),
            ...(ours ? {} : { npm_package_name: 'my-gitops-repo' }),
          };
          const applies = ours && CLI_SCRIPTS.includes(script) && typedIn !== ROOT;
          expect(npmInvocationFolder(env, ROOT)).toBe(applies ? typedIn : undefined);
          expect(typedPath(path, env, ROOT)).toBe(applies ? resolve(typedIn, path) : path);
          // Absolute paths never move; nor does anything run from another folder than the root.
          expect(typedPath('/abs/out', env, ROOT)).toBe('/abs/out');
          expect(typedPath(path, env, join(ROOT, 'stacks'))).toBe(path);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('`npm run synth` typed in stacks/ reads and writes where the user is', () => {
    // GIVEN a user in stacks/ who names the spec there and an output beside the project
    const work = mkdtempSync(join(tmpdir(), 'invocation-'));
    const out = join(work, 'gitops');
    const typedIn = join(ROOT, 'stacks');
    try {
      // WHEN they run the README's command with paths relative to where they are
      const result = spawnSync(
        'npm',
        ['run', '-s', 'synth', '--', '--config', 'dev.yaml', '--out', relative(typedIn, out)],
        { cwd: typedIn, encoding: 'utf8' },
      );
      // THEN the spec is found and the output is where they pointed
      expect(result.stderr).not.toContain('does not exist');
      expect(result.status).toBe(0);
      expect(existsSync(join(out, 'kustomization.yaml'))).toBe(true);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
