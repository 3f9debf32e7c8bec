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
import { processIo, type CliIo } from './io';

const EXIT_CODE_HELP = `
Exit codes:
  0  success
  1  bad input: unknown option, missing file, bad path or invalid spec (nothing was written);
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
 */
export async function runCli(args: readonly string[], io: CliIo = processIo): Promise<number> {
  const result: CommandResult = { code: EXIT_CODES.ok };
  const program = createProgram(io, result);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return result.code;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // commander has already printed the message (or the help, or the version).
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.help' ||
      error.code === 'commander.version'
    ) {
      return EXIT_CODES.ok;
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
