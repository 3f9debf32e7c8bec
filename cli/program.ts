/**
 * The `kafka-eks` command line: one program, subcommands `synth`, `plan`, `simulate`,
 * `plan-capacity`, `status` and `cost`, built on commander (help with descriptions and defaults on every command,
 * `-h`/`--help`, did-you-mean for commands and flags). Heavy modules (cdk8s, Pulumi, the
 * simulator) load only inside the subcommand that needs them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { SpecError } from '../spec/errors';
import { addCostCommand } from './commands/cost';
import { addPlanCapacityCommand } from './commands/plan-capacity';
import { addPlanCommand } from './commands/plan';
import { addSimulateCommand } from './commands/simulate';
import { addStatusCommand } from './commands/status';
import { addSynthCommand } from './commands/synth';
import { CliInputError, EXIT_CODES, type CommandResult } from './errors';
import { npmSeparatorHint, npmSwallowedOptions, type DefinedOption } from './invocation';
import { processIo, type CliIo } from './io';

const EXIT_CODE_HELP = `
Exit codes:
  0  success
  1  bad input: no subcommand, unknown option, missing file, bad path or invalid spec (nothing
     was written);
     status: also a cluster it cannot read, or no controller in --namespace
  2  unexpected failure (the message says what failed)

With --json, stdout carries only JSON; messages go to stderr.`;

/** The package version, read from the package.json next to the sources or the compiled lib/. */
function packageVersion(): string {
  for (const candidate of [
    join(__dirname, '..', 'package.json'),
    join(__dirname, '..', '..', 'package.json'),
  ]) {
    if (!existsSync(candidate)) continue;
    const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as {
      name?: string;
      version?: string;
    };
    if (manifest.name === 'kafka-eks-autoscaling' && manifest.version !== undefined) {
      return manifest.version;
    }
  }
  return '0.0.0';
}

/** Builds the program; `result.code` is the exit code a subcommand asked for. */
export function createProgram(io: CliIo, result: CommandResult): Command {
  const program = new Command('kafka-eks')
    .description(
      'Autoscaling Strimzi Kafka on Amazon EKS, as code: synthesize the Kubernetes side, plan the Pulumi side, simulate and size the autoscaling.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for the command')
    .helpCommand('help [command]', 'show help for a command')
    .addHelpText('after', EXIT_CODE_HELP)
    .showHelpAfterError('(run with --help for the options)')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: text => io.stdout(text),
      writeErr: text => io.stderr(text),
    })
    .exitOverride();
  addSynthCommand(program, io, result);
  addPlanCommand(program, io, result);
  addSimulateCommand(program, io, result);
  addPlanCapacityCommand(program, io, result);
  addStatusCommand(program, io, result);
  addCostCommand(program, io, result);
  for (const command of program.commands) {
    command
      .helpOption('-h, --help', 'show help for the command')
      .addHelpText('after', EXIT_CODE_HELP)
      .showHelpAfterError('(run with --help for the options)')
      .showSuggestionAfterError(true)
      .exitOverride();
  }
  return program;
}

/**
 * Runs the CLI with the user's arguments (`process.argv.slice(2)`) and returns the exit code
 * (see {@link EXIT_CODES}). Never calls `process.exit`.
 * @param env the process environment; under npm (`npm_lifecycle_event`), an option of the
 *   subcommand that npm kept for itself (`npm_config_<name>`, typed before `--`) is refused with
 *   exit 1 before anything runs (`npmSwallowedOptions`).
 */
export async function runCli(
  args: readonly string[],
  io: CliIo = processIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  const result: CommandResult = { code: EXIT_CODES.ok };
  const program = createProgram(io, result);
  const named = namedSubcommand(program, args);
  try {
    if (named !== undefined) {
      const problems = npmSwallowedOptions(named.name, named.options, named.strays, env);
      if (problems.length > 0) throw new CliInputError(problems);
    }
    await program.parseAsync([...args], { from: 'user' });
    return result.code;
  } catch (error) {
    if (
      error instanceof CommanderError &&
      error.code === 'commander.excessArguments' &&
      named !== undefined
    ) {
      const hint = npmSeparatorHint(named.name, named.options, env);
      if (hint !== undefined) io.stderr(`${hint}\n`);
    }
    return reportError(error, io);
  }
}

/** The subcommand the arguments name, its options and the loose arguments after it. */
interface NamedSubcommand {
  readonly name: string;
  readonly options: readonly DefinedOption[];
  /** Arguments after the subcommand that are neither options nor an option's value. */
  readonly strays: readonly string[];
}

/** The first argument that names a subcommand, read from commander's definitions; else undefined. */
function namedSubcommand(program: Command, args: readonly string[]): NamedSubcommand | undefined {
  const at = args.findIndex(arg => program.commands.some(command => command.name() === arg));
  if (at < 0) return undefined;
  const command = program.commands.find(candidate => candidate.name() === args[at])!;
  const options = command.options.flatMap(option =>
    option.long === undefined
      ? []
      : [{ long: option.long, takesValue: option.required || option.optional }],
  );
  const strays: string[] = [];
  for (let index = at + 1; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      strays.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-')) {
      strays.push(arg);
      continue;
    }
    const option = options.find(candidate => candidate.long === arg);
    if (option?.takesValue === true) index++;
  }
  return { name: command.name(), options, strays };
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // commander has already printed the message (or the help, or the version). Help asked for
    // (`-h`, `help`) exits 0; help printed because no subcommand was named is a usage error, and
    // commander marks it with exit code 1 (its own convention), which we keep.
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.help' ||
      error.code === 'commander.version'
    ) {
      return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.badInput;
    }
    io.stderr('Nothing was written.\n');
    return EXIT_CODES.badInput;
  }
  if (error instanceof CliInputError) {
    io.stderr(`${error.problems.join('\n')}\nNothing was written.\n`);
    return EXIT_CODES.badInput;
  }
  if (error instanceof SpecError) {
    // Every subcommand reads the spec from --config.
    io.stderr(`--config: ${error.message}\nNothing was written.\n`);
    return EXIT_CODES.badInput;
  }
  io.stderr(`kafka-eks failed: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT_CODES.failure;
}
