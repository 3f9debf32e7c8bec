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
import {
  CLI_SCRIPTS,
  npmConfigVariable,
  npmInvocationFolder,
  npmSwallowedOptions,
  typedPath,
} from '../../cli/invocation';
import { createProgram, runCli } from '../../cli/program';

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

/**
 * `npm run synth --config=x.yaml` (the option before `--`): npm keeps `--config` as its own
 * configuration (`npm_config_config=x.yaml`) and the CLI once synthesized the default spec into
 * dist/ with exit 0; `npm run synth --config x.yaml` only said "too many arguments".
 */
describe('options npm kept for itself', () => {
  /** The environment of `npm run <script>` with npm's own configuration variables. */
  function underNpm(script: string, extra: Record<string, string>): Record<string, string> {
    return {
      npm_lifecycle_event: script,
      npm_config_cache: '/root/.npm',
      npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
      npm_config_prefix: '/usr',
      npm_config_loglevel: 'silent',
      ...extra,
    };
  }

  async function run(
    args: string[],
    env: Record<string, string>,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      args,
      { stdout: text => void (stdout += text), stderr: text => void (stderr += text) },
      env,
    );
    return { code, stdout, stderr };
  }

  const program = createProgram({ stdout: () => undefined, stderr: () => undefined }, { code: 0 });
  const every = program.commands.flatMap(command =>
    command.options.map(option => [command.name(), option.long!, option.required] as const),
  );

  it("names npm's variable as npm does: dashes become underscores", () => {
    expect(npmConfigVariable('--ignore-previous-output')).toBe('npm_config_ignore_previous_output');
    expect(npmConfigVariable('--config')).toBe('npm_config_config');
  });

  it.each(every)(
    '%s %s before -- is refused with exit 1, naming it and the fix',
    async (subcommand, long, takesValue) => {
      const work = mkdtempSync(join(tmpdir(), 'npm-kept-'));
      try {
        const value = takesValue ? 'x.yaml' : 'true';
        const result = await run(
          [
            subcommand,
            ...(subcommand === 'synth' && long !== '--out' ? ['--out', join(work, 'o')] : []),
          ],
          underNpm(subcommand, { [npmConfigVariable(long)]: value }),
        );
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain(`${long}: npm took this option for itself`);
        expect(result.stderr).toContain(`${npmConfigVariable(long)}=${value}`);
        const fix = takesValue ? `${long} x.yaml` : long;
        expect(result.stderr).toContain(`npm run ${subcommand} -- ${fix}`);
        expect(result.stderr).toContain('Nothing was written.');
        expect(existsSync(join(work, 'o'))).toBe(false);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  );

  it('synth --config=x.yaml before -- writes nothing, not even the default spec', async () => {
    const work = mkdtempSync(join(tmpdir(), 'npm-kept-'));
    try {
      const result = await run(
        ['synth', '--out', join(work, 'dist')],
        underNpm('synth', { npm_config_config: 'x.yaml' }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('npm run synth -- --config x.yaml');
      expect(existsSync(join(work, 'dist'))).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('the space form: the stray value goes into the fix, with the --', async () => {
    const result = await run(['synth', 'x.yaml'], underNpm('synth', { npm_config_config: 'true' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('stray argument: x.yaml');
    expect(result.stderr).toContain('npm run synth -- --config x.yaml');
  });

  it('npm run kafka-eks puts the subcommand after --', () => {
    const problems = npmSwallowedOptions(
      'plan',
      [{ long: '--json', takesValue: false }],
      [],
      underNpm('kafka-eks', { npm_config_json: 'true' }),
    );
    expect(problems.at(-1)).toBe('Options go after -- under npm: npm run kafka-eks -- plan --json');
  });

  it('too many arguments under npm gets the hint about --, and not outside npm', async () => {
    const under = await run(['status', 'stray'], underNpm('status', {}));
    expect(under.code).toBe(1);
    expect(under.stderr).toContain("too many arguments for 'status'");
    expect(under.stderr).toContain('npm run status -- --kubeconfig <value>');
    const direct = await run(['status', 'stray'], {});
    expect(direct.code).toBe(1);
    expect(direct.stderr).toContain("too many arguments for 'status'");
    expect(direct.stderr).not.toContain('npm run');
  });

  it("npm's own variables, an option of another subcommand, or no npm: no refusal", () => {
    const options = [{ long: '--config', takesValue: true }];
    expect(npmSwallowedOptions('synth', options, [], underNpm('synth', {}))).toEqual([]);
    expect(
      npmSwallowedOptions('synth', options, [], underNpm('synth', { npm_config_kubeconfig: 'a' })),
    ).toEqual([]);
    expect(npmSwallowedOptions('synth', options, [], { npm_config_config: 'x.yaml' })).toEqual([]);
  });
});
