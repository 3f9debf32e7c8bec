/**
 * `kafka-eks plan`: run the Pulumi program under Pulumi's mocks (no cloud account, no Pulumi CLI)
 * and print every resource `pulumi up` would register. Options are checked here (names, the spec
 * file); `main` in `stacks/plan-cli.ts` validates the spec, plans and prints.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliInputError, type CommandResult } from '../errors';
import { inputFileProblem } from '../paths';
import { configOption, EXAMPLE_SPEC } from './shared';

interface PlanOptions {
  readonly config: string;
  readonly json: boolean;
}

export function addPlanCommand(program: Command, result: CommandResult): void {
  program
    .command('plan')
    .description(
      'List every resource `pulumi up` would register (type, name, parent, key inputs), computed under Pulumi mocks without AWS or the Pulumi CLI.',
    )
    .addOption(configOption())
    .option('--json', 'print the resources as a JSON array instead of a table', false)
    .action(async (options: PlanOptions) => {
      const problem = inputFileProblem('--config', options.config, EXAMPLE_SPEC);
      if (problem !== undefined) throw new CliInputError([problem]);
      const argv = ['--config', resolve(options.config)];
      if (options.json) argv.push('--json');
      const { main } = await import('../../stacks/plan-cli');
      result.code = await main(argv);
    });
}
