/** `kafka-eks plan`: the options; `runPlan` in `cli/run/plan.ts` does the work. */
import type { Command } from 'commander';
import { CliInputError, type CommandResult } from '../errors';
import type { CliIo } from '../io';
import { EXAMPLE_SPEC, inputFileProblem } from '../paths';
import { configOption } from './shared';

interface PlanFlags {
  readonly config: string;
  readonly json: boolean;
}

export function addPlanCommand(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('plan')
    .description(
      'List every resource `pulumi up` would register (type, name, parent, key inputs), computed under Pulumi mocks without AWS or the Pulumi CLI.',
    )
    .addOption(configOption())
    .option('--json', 'print the resources as a JSON array instead of a table', false)
    .action(async (flags: PlanFlags) => {
      // Checked before Pulumi loads, so the message comes at once.
      const problem = inputFileProblem('--config', flags.config, EXAMPLE_SPEC);
      if (problem !== undefined) throw new CliInputError([problem]);
      const { runPlan } = await import('../run/plan');
      result.code = await runPlan(flags, io);
    });
}
