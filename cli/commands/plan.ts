/**
 * `kafka-eks plan`: run the Pulumi program under Pulumi's mocks (no cloud account, no Pulumi CLI)
 * and print every resource `pulumi up` would register.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliInputError } from '../errors';
import type { CliIo } from '../io';
import { inputFileProblem } from '../paths';
import { configOption, EXAMPLE_SPEC } from './shared';

interface PlanOptions {
  readonly config: string;
  readonly json: boolean;
}

export function addPlanCommand(program: Command, io: CliIo): void {
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
      const specFile = resolve(options.config);
      // Validate first: a bad spec prints the same problems as synth and registers nothing.
      const { loadSpecFile } = await import('../../spec/load');
      const { warnings } = loadSpecFile(specFile);
      const { formatIssue } = await import('../../spec/errors');
      for (const warning of warnings) io.stderr(`warning: ${formatIssue(warning)}\n`);
      const { formatPlanTable, planJson, recordPlan, NameLimitError } =
        await import('../../components/lib/plan');
      const resources = await recordPlan(specFile, async () => {
        await import('../../stacks/index');
      }).catch((error: unknown) => {
        // A name AWS would reject fails here, where `pulumi preview` would (bad input, exit 1).
        throw error instanceof NameLimitError ? new CliInputError([error.message]) : error;
      });
      io.stdout(
        options.json
          ? `${JSON.stringify(planJson(resources), null, 2)}\n`
          : `${formatPlanTable(resources)}\n`,
      );
    });
}
