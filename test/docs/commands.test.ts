/**
 * Every command the documentation gives (README.md, docs/, examples/; extracted by
 * test/util/documented-commands.ts) does what it says with this checkout, checked cheaply, without
 * running it:
 * - `npm run <script>` names a script of package.json;
 * - a script of the `kafka-eks` CLI (`npm run synth -- ...`, `npx kafka-eks ...`, `kafka-eks ...`)
 *   gets past commander as written: the subcommand exists, every option is one of its options, an
 *   option that takes a value has one, and nothing is left over (a placeholder value is filled in);
 * - `npx <bin>` runs a bin of a declared dependency (or this package's own);
 * - a script run by its path (`scripts/fetch-traces.sh`) exists and is executable, one run through
 *   `bash` exists, and every `--option` given to a script that parses its own options appears in it;
 * - every path of this repository the command reads (`--config stacks/prod.yaml`,
 *   `test/e2e/day.e2e.ts`) exists; output paths (`--out`, `--svg`) need not;
 * - every `NAME=value` the command is given is read somewhere in the code;
 * - what it writes into the checkout (`> plan.json`, `--out`, `--svg`, `PLATFORM_OUT`) is ignored
 *   by Git or a tracked file it refreshes, so following the docs leaves `git status` clean and
 *   `npm run lint` (Prettier) passing.
 * The `pulumi` commands are held to the program and the real CLI elsewhere
 * (test/stacks/documented-pulumi.test.ts, test/engine/documented-commands.test.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { createProgram } from '../../cli/program';
import {
  documentedShellCommands,
  holdsPlaceholder,
  shellCommandsOf,
  shellCommandText,
  shellWords,
  type DocumentedShellCommand,
} from '../util/documented-commands';
import { REPO_ROOT } from '../util/documented-pulumi';

interface Manifest {
  readonly bin: Record<string, string>;
  readonly scripts: Record<string, string>;
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
}
const MANIFEST = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

/** `node --import tsx cli/main.ts [subcommand]`: an npm script that runs the CLI. */
const CLI_SCRIPT = /^node --import tsx cli\/main\.ts(?: (\S+))?$/;

/** The top folders of this repository a documented path may start with. */
const REPO_FOLDERS =
  'scripts|test|stacks|docs|examples|charts|components|controller|spec|cli|api|bench|simulator';
const REPO_PATH = new RegExp(`^(?:\\./)?(?:${REPO_FOLDERS})/[\\w./-]*$`);

/** Options whose value is a path the command writes, so it need not exist. */
const OUTPUT_OPTIONS = new Set(['--out', '--svg']);

/** Options whose value is a folder the command writes. */
const FOLDER_OUTPUT_OPTIONS = new Set(['--out']);

/**
 * Paths inside the checkout that the command writes, as typed from the project root: redirections,
 * `--out`, `--svg`, `PLATFORM_OUT`. A folder gets `/x` appended, so `dist/` in .gitignore covers it.
 */
function checkoutOutputs(command: DocumentedShellCommand): string[] {
  const outputs = command.redirects.slice();
  command.words.forEach((word, index) => {
    const option = command.words[index - 1] ?? '';
    if (OUTPUT_OPTIONS.has(option))
      outputs.push(FOLDER_OUTPUT_OPTIONS.has(option) ? `${word}/x` : word);
  });
  const platformOut = command.envValues['PLATFORM_OUT'];
  if (platformOut !== undefined) outputs.push(`${platformOut}/x`);
  return outputs.filter(
    path =>
      !isAbsolute(path) &&
      !holdsPlaceholder(path) &&
      !/^(~|\.\.)/.test(path) &&
      !path.includes('$'),
  );
}

/** Whether git ignores or tracks `path` (true), or would list it as a new file (false). */
function ignoredOrTracked(path: string): boolean {
  const git = (args: string[]) => spawnSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });
  const ignored = git(['check-ignore', '-q', path]).status;
  // 0 ignored, 1 not ignored, anything else: no Git here (a copy of the sources), nothing to judge.
  if (ignored !== 1) return true;
  return git(['ls-files', '--error-unmatch', path]).status === 0;
}

/** The bins the declared dependencies install, by name. */
function dependencyBins(): Set<string> {
  const bins = new Set(Object.keys(MANIFEST.bin));
  for (const dependency of [
    ...Object.keys(MANIFEST.dependencies),
    ...Object.keys(MANIFEST.devDependencies),
  ]) {
    const file = join(REPO_ROOT, 'node_modules', dependency, 'package.json');
    if (!existsSync(file)) continue;
    const { bin } = JSON.parse(readFileSync(file, 'utf8')) as {
      bin?: string | Record<string, string>;
    };
    if (typeof bin === 'string') bins.add(dependency.replace(/^@[^/]+\//, ''));
    else for (const name of Object.keys(bin ?? {})) bins.add(name);
  }
  return bins;
}

/** The text of every file of the code (not the docs), to look environment variables up in. */
function codeText(): string {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(REPO_ROOT, dir))) {
      if (entry === 'node_modules' || entry.startsWith('.') || entry === '__snapshots__') continue;
      const path = join(dir, entry);
      if (statSync(join(REPO_ROOT, path)).isDirectory()) walk(path);
      else if (/\.(ts|mjs|js|sh|json|ya?ml)$/.test(entry)) {
        texts.push(readFileSync(join(REPO_ROOT, path), 'utf8'));
      }
    }
  };
  for (const folder of REPO_FOLDERS.split('|')) walk(folder);
  return texts.join('\n');
}

/** Problems of the repository paths among `args`; the value of an output option is skipped. */
function pathProblems(args: readonly string[]): string[] {
  return args.flatMap((arg, index) =>
    REPO_PATH.test(arg) &&
    !OUTPUT_OPTIONS.has(args[index - 1] ?? '') &&
    !existsSync(join(REPO_ROOT, arg))
      ? [`${arg} does not exist`]
      : [],
  );
}

/** Problems of a script run through `bash` (or by its path) with `args`. */
function scriptFileProblems(file: string, args: readonly string[], byPath: boolean): string[] {
  const path = join(REPO_ROOT, file);
  if (!existsSync(path)) return [`${file} does not exist`];
  const problems: string[] = [];
  if (byPath && (statSync(path).mode & 0o111) === 0) {
    problems.push(`${file} is not executable, so it cannot be run by its path`);
  }
  const text = readFileSync(path, 'utf8');
  // A script that hands its arguments on ("$@", to jest say) takes options it does not name.
  if (!text.includes('"$@"')) {
    for (const option of args.filter(arg => /^--[\w-]+$/.test(arg))) {
      if (!text.includes(option)) problems.push(`${file} takes no option ${option}`);
    }
  }
  return [...problems, ...pathProblems(args)];
}

/** The CLI with every action replaced by nothing: parsing alone, nothing runs. */
function parsingProgram(stderr: string[]): Command {
  const io = { stdout: () => undefined, stderr: (text: string) => void stderr.push(text) };
  const program = createProgram(io, { code: 0 });
  for (const command of program.commands) command.action(() => undefined);
  return program;
}

/** Whether `option` of `command` (or of the program) takes a value. */
function takesValue(program: Command, subcommand: string | undefined, option: string): boolean {
  const commands = [program, ...program.commands.filter(command => command.name() === subcommand)];
  return commands.some(command =>
    command.options.some(
      defined => defined.long === option && (defined.required || defined.optional),
    ),
  );
}

/** Problems of `kafka-eks <args>` as commander parses them. */
async function cliProblems(args: readonly string[]): Promise<string[]> {
  const probe = parsingProgram([]);
  const subcommandAt = args.findIndex(arg => !arg.startsWith('-'));
  const subcommandWord = args[subcommandAt];
  if (subcommandWord !== undefined && holdsPlaceholder(subcommandWord)) {
    // `kafka-eks <subcommand> -h`: the rest must hold for every subcommand.
    const each = await Promise.all(
      probe.commands.map(command =>
        cliProblems(args.map((arg, index) => (index === subcommandAt ? command.name() : arg))),
      ),
    );
    return each.flat();
  }
  const filled: string[] = [];
  for (const arg of args) {
    if (!holdsPlaceholder(arg)) filled.push(arg);
    else if (takesValue(probe, subcommandWord, filled.at(-1) ?? '')) filled.push('x');
    // Else a stand-in for options (`<options>`, `<load>`): nothing to check.
  }
  const stderr: string[] = [];
  try {
    await parsingProgram(stderr).parseAsync(filled, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (!['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code)) {
      return [`kafka-eks ${filled.join(' ')}: ${stderr.join('').trim()}`];
    }
  }
  return pathProblems(filled);
}

/** `npm run <script> <args>` (or `npm test <args>`): the script exists and takes the arguments. */
async function scriptProblems(script: string, args: readonly string[]): Promise<string[]> {
  if (holdsPlaceholder(script)) return [];
  const body = MANIFEST.scripts[script];
  if (body === undefined) return [`package.json has no script "${script}"`];
  const cli = CLI_SCRIPT.exec(body);
  if (cli !== null) return cliProblems(cli[1] === undefined ? args : [cli[1], ...args]);
  const bash = /^bash (\S+)$/.exec(body);
  if (bash !== null) return scriptFileProblems(bash[1]!, args, false);
  return pathProblems(args);
}

/** The arguments npm hands a script: words after the script name that are not npm's options. */
function scriptArgs(words: readonly string[]): string[] {
  const separator = words.indexOf('--');
  const before = separator === -1 ? words : words.slice(0, separator);
  const after = separator === -1 ? [] : words.slice(separator + 1);
  return [...before.filter(word => !word.startsWith('-')), ...after];
}

async function problemsOf(command: DocumentedShellCommand, bins: Set<string>): Promise<string[]> {
  const [program, ...rest] = command.words;
  if (program === 'npm') {
    const [verb, ...afterVerb] = rest;
    if (verb === 'test') return scriptProblems('test', scriptArgs(afterVerb));
    if (verb !== 'run' && verb !== 'run-script') return [];
    const at = afterVerb.findIndex(word => !word.startsWith('-'));
    // A mention of `npm run` with no script, or of its flags alone.
    if (at === -1) return [];
    return scriptProblems(afterVerb[at]!, scriptArgs(afterVerb.slice(at + 1)));
  }
  if (program === 'npx') {
    const at = rest.findIndex(word => !word.startsWith('-'));
    const bin = rest[at];
    if (bin === undefined) return [];
    const args = rest.slice(at + 1);
    if (!bins.has(bin)) return [`npx ${bin}: no declared dependency installs a bin "${bin}"`];
    return bin in MANIFEST.bin ? cliProblems(args) : pathProblems(args);
  }
  if (program === 'kafka-eks') return cliProblems(rest);
  if (program === 'bash')
    return rest[0] === undefined ? [] : scriptFileProblems(rest[0], rest.slice(1), false);
  if (program === 'node') {
    const file = rest.find(
      (word, index) => !word.startsWith('-') && rest[index - 1] !== '--import',
    );
    return file === undefined ? [] : pathProblems([file]);
  }
  // A script named alone in prose is a mention: it must exist, not be runnable as typed.
  const run = command.inBlock || rest.length > 0;
  return scriptFileProblems(program!.replace(/^\.\//, ''), rest, run);
}

describe('the extraction of documented commands', () => {
  it('reads code blocks and code spans, drops redirections and comments, keeps the environment', () => {
    const text = [
      'Run `npm run synth -- --out <checkout>/prod` or `node` alone.',
      '```',
      'npm run nothing   # a diagram',
      '```',
      '```sh',
      'FOO=1 npm run -s plan -- --json > plan.json   # comment',
      'bash scripts/x.sh --a \\',
      '  --b',
      'kubectl get pods | npx jest test/x',
      '```',
      '`npm run status -- --kubeconfig <file> [--namespace <controller ns>]`',
    ].join('\n');
    const commands = shellCommandsOf('doc.md', text);
    expect(commands.map(command => [command.line, command.env, command.words])).toEqual([
      [1, [], ['npm', 'run', 'synth', '--', '--out', '<checkout>/prod']],
      [6, ['FOO'], ['npm', 'run', '-s', 'plan', '--', '--json']],
      [7, [], ['bash', 'scripts/x.sh', '--a', '--b']],
      [9, [], ['npx', 'jest', 'test/x']],
      [
        11,
        [],
        ['npm', 'run', 'status', '--', '--kubeconfig', '<file>', '--namespace', '<controller ns>'],
      ],
    ]);
    expect(commands[1]?.redirects).toEqual(['plan.json']);
    expect(commands[1]?.envValues).toEqual({ FOO: '1' });
  });

  it('keeps a placeholder with spaces as one word', () => {
    expect(shellWords(`a <controller ns> 'b c'`)).toEqual(['a', '<controller ns>', `'b c'`]);
  });

  it('finds the commands the README starts with', () => {
    const texts = documentedShellCommands().map(command => command.words.join(' '));
    expect(texts).toEqual(
      expect.arrayContaining([
        'npm ci',
        'npm run synth',
        'npm test',
        'npm run plan -- --config stacks/prod.yaml',
      ]),
    );
  });
});

describe('documented commands', () => {
  const bins = dependencyBins();
  let code: string | undefined;
  const commands = documentedShellCommands();

  it.each(commands.map(command => [shellCommandText(command), command] as const))(
    '%s',
    async (_text, command) => {
      const problems = await problemsOf(command, bins);
      for (const name of command.env) {
        code ??= codeText();
        if (!code.includes(name)) problems.push(`${name} is read nowhere in the code`);
      }
      // What a documented command writes into the checkout must not show up in `git status` and
      // in `npm run lint` (Prettier checks every file Git does not ignore).
      for (const output of checkoutOutputs(command)) {
        if (!ignoredOrTracked(output)) {
          problems.push(
            `writes ${output.replace(/\/x$/, '/')} into the checkout, which Git does not ignore`,
          );
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it('the checks catch a wrong script, subcommand, option, value and path', async () => {
    const wrong = [
      'npm run synthesize',
      'npm run synth -- --confg stacks/prod.yaml',
      'npm run synth -- --config',
      'npm run plan -- stacks/prod.yaml',
      'npx kafka-eks synth --config stacks/nope.yaml',
      'kafka-eks simulat --days 3',
      'npx nothing-here',
      'bash scripts/image/build.sh --colour red',
      'scripts/nope.sh',
    ];
    for (const text of wrong) {
      const [command] = shellCommandsOf('doc.md', `\`${text}\``);
      expect([text, await problemsOf(command!, bins)]).toEqual([text, [expect.any(String)]]);
    }
  });
});
