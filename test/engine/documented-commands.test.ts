/**
 * Every `pulumi` command the docs give (README.md, docs/, examples/; extracted by
 * test/util/documented-pulumi.ts), under the real CLI:
 * - each one exists in this CLI version: its subcommand, each flag, and no more positional
 *   arguments than its usage takes (`pulumi <args> --help`, placeholders filled with `x`);
 * - the code blocks run as written, in order, file by file, each file in a new sandbox (a file
 *   whose commands are the start of another's is not run twice). `pulumi login` is left out: the
 *   sandbox is logged in to a file backend, as `pulumi login --local` would be. `up` and `preview`
 *   get `--json` (to read the result) and must end with the missing AWS provider plugin as their
 *   only error (preview.test.ts); every other command must succeed. `PULUMI_SKIP_CONFIRMATIONS`
 *   stands for the answers a terminal would give;
 * - each stack file (`Pulumi.<stack>.yaml`, "ready for `pulumi stack init <stack>`") is picked up
 *   by `pulumi stack init <stack>`: the stack's config is the file's;
 * - without a terminal, `stack init` on a file backend stops with the message docs/deploy-to-aws.md
 *   quotes unless `PULUMI_CONFIG_PASSPHRASE` or `PULUMI_CONFIG_PASSPHRASE_FILE` is set.
 * The program side of the same commands (config keys read, outputs exported) is checked without
 * the CLI in test/stacks/documented-pulumi.test.ts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  commandText,
  documentedPulumiCommands,
  isPlaceholder,
  type DocumentedCommand,
} from '../util/documented-pulumi';
import { usageOf } from '../util/pulumi-usage';
import {
  createSandbox,
  engineBinaries,
  mustRun,
  parseEvents,
  REPO_ROOT,
  type CliResult,
  type EngineSandbox,
} from './engine';

const binaries = engineBinaries();
const describeEngine = binaries === undefined ? describe.skip : describe;

const commands = documentedPulumiCommands();

/** The problems of one documented command against its help, none when the CLI takes it. */
async function commandProblems(
  sandbox: EngineSandbox,
  command: DocumentedCommand,
): Promise<string[]> {
  const args = command.args.map(word => (isPlaceholder(word) ? 'x' : word));
  const help = await sandbox.run([...args, '--help'], { cwd: sandbox.projectDir });
  if (help.code !== 0) return [`--help exits ${help.code}: ${help.stderr.trim()}`];
  const usage = usageOf(help.stdout);
  if (usage.path.length === 0) return ['--help printed no usage line'];
  const problems: string[] = [];
  let positional = 0;
  for (let i = usage.path.length; i < args.length; i++) {
    const word = args[i] ?? '';
    if (word.startsWith('--')) {
      const [name, inlineValue] = word.slice(2).split('=');
      const takesValue = usage.flags.get(name ?? '');
      if (takesValue === undefined) problems.push(`unknown flag ${word}`);
      else if (takesValue && inlineValue === undefined) i++;
    } else if (!word.startsWith('-')) {
      positional++;
    }
  }
  if (positional > usage.positional) {
    problems.push(
      `${positional} arguments after "pulumi ${usage.path.join(' ')}", which takes ${usage.positional}`,
    );
  }
  return problems;
}

/** The errors of an `up` or `preview` run with `--json`. */
function errorsOf(result: CliResult): string[] {
  return parseEvents(result.stdout)
    .flatMap(event => (event.diagnosticEvent === undefined ? [] : [event.diagnosticEvent]))
    .filter(diagnostic => diagnostic.severity === 'error')
    .map(diagnostic => diagnostic.message);
}

/** The code-block commands of each file, without `login`; a file whose list starts another's is dropped. */
function blockSequences(): Array<{ file: string; steps: DocumentedCommand[] }> {
  const byFile = new Map<string, DocumentedCommand[]>();
  for (const command of commands) {
    if (command.block === undefined || command.args[0] === 'login') continue;
    byFile.set(command.file, [...(byFile.get(command.file) ?? []), command]);
  }
  const key = (steps: readonly DocumentedCommand[]): string[] =>
    steps.map(step => step.args.join(' '));
  const all = [...byFile].map(([file, steps]) => ({ file, steps }));
  return all.filter(({ steps }, index) => {
    const mine = key(steps);
    return !all.some((other, otherIndex) => {
      if (otherIndex === index) return false;
      const theirs = key(other.steps);
      const isPrefix = mine.every((text, i) => theirs[i] === text);
      return isPrefix && (theirs.length > mine.length || otherIndex < index);
    });
  });
}

describeEngine('the documented pulumi commands under the real CLI', () => {
  let sandbox: EngineSandbox;

  beforeAll(async () => {
    if (binaries === undefined) return;
    sandbox = await createSandbox(binaries);
  });
  afterAll(() => sandbox?.dispose());

  it('every documented command exists in this CLI, with its flags and arguments', async () => {
    const distinct = new Map<string, DocumentedCommand>();
    for (const command of commands) distinct.set(command.args.join(' '), command);
    expect(distinct.size).toBeGreaterThan(5);
    const problems: string[] = [];
    for (const command of distinct.values()) {
      for (const problem of await commandProblems(sandbox, command)) {
        problems.push(`${commandText(command)}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every stack file is picked up by pulumi stack init <stack>', async () => {
    const stackFiles = readdirSync(REPO_ROOT).filter(file => /^Pulumi\.[^.]+\.yaml$/.test(file));
    expect(stackFiles.length).toBeGreaterThan(0);
    for (const file of stackFiles) {
      const stack = file.split('.')[1] ?? '';
      const expected = (
        parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as { config?: Record<string, unknown> }
      ).config;
      await mustRun(sandbox, ['stack', 'init', stack]);
      const config = JSON.parse((await mustRun(sandbox, ['config', '--json'])).stdout) as Record<
        string,
        { value?: unknown }
      >;
      const actual = Object.fromEntries(
        Object.keys(expected ?? {}).map(key => [key, config[key]?.value]),
      );
      expect({ file, config: actual }).toEqual({ file, config: expected });
    }
  });

  it('without a terminal, stack init needs PULUMI_CONFIG_PASSPHRASE or _FILE, and stops with the documented message', async () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'deploy-to-aws.md'), 'utf8');
    const documented = /`stack init` stops with "([^"]+)"/.exec(doc)?.[1];
    expect(documented).toBeDefined();
    const withoutPassphrase = await sandbox.run(['stack', 'init', 'no-passphrase'], {
      env: { PULUMI_CONFIG_PASSPHRASE: undefined },
    });
    expect(withoutPassphrase.code).not.toBe(0);
    expect(withoutPassphrase.stderr).toContain(documented);
    const passphraseFile = join(sandbox.projectDir, '..', 'passphrase');
    writeFileSync(passphraseFile, 'engine-tier\n');
    await mustRun(sandbox, ['stack', 'init', 'passphrase-file'], {
      env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile },
    });
  });

  const sequences = blockSequences();
  it('finds code blocks to run', () => {
    expect(sequences.map(sequence => sequence.file)).toContain('docs/deploy-to-aws.md');
  });

  it.each(sequences.map(sequence => [sequence.file, sequence.steps] as const))(
    'the code blocks of %s run as written',
    async (_file, steps) => {
      const own = await createSandbox(binaries ?? { pulumi: '', languageHost: '' });
      try {
        for (const step of steps) {
          const deploys = step.args[0] === 'up' || step.args[0] === 'preview';
          const result = await own.run(deploys ? [...step.args, '--json'] : step.args, {
            env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: 'true' },
          });
          const outcome = deploys
            ? errorsOf(result).map(message =>
                /^no resource plugin 'pulumi-resource-aws' found/.test(message)
                  ? 'missing AWS plugin'
                  : message,
              )
            : result.code === 0
              ? []
              : [`exit ${result.code}: ${result.stderr.trim()}`];
          expect({ step: commandText(step), outcome }).toEqual({
            step: commandText(step),
            outcome: deploys ? ['missing AWS plugin'] : [],
          });
        }
      } finally {
        own.dispose();
      }
    },
  );
});
