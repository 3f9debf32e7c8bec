/**
 * `kafka-eks plan-capacity`: recommend brokers per zone and an instance type for a daily pattern.
 * Options are checked here (names, the spec file); `main` in `stacks/plan-capacity-cli.ts` checks
 * the values and does the work.
 */
import type { Command } from 'commander';
import { CliInputError, type CommandResult } from '../errors';
import { inputFileProblem } from '../paths';
import { configOption, EXAMPLE_SPEC } from './shared';

interface PlanCapacityOptions {
  readonly config: string;
  readonly peakMibps?: string;
  readonly troughMibps?: string;
  readonly json?: boolean;
}

export function addPlanCapacityCommand(program: Command, result: CommandResult): void {
  program
    .command('plan-capacity')
    .description(
      'Recommend brokers per zone and a Kafka instance type for a daily pattern between trough and peak producer traffic, with the expected cost of each choice.',
    )
    .addOption(configOption())
    .option(
      '--peak-mibps <MiB/s>',
      'peak producer traffic of the whole cluster in MiB/s (required)',
    )
    .option(
      '--trough-mibps <MiB/s>',
      'trough producer traffic of the whole cluster in MiB/s, at most the peak (required)',
    )
    .option('--json', 'print the current layout and the options as JSON instead of a table')
    .action(async (options: PlanCapacityOptions) => {
      const problem = inputFileProblem('--config', options.config, EXAMPLE_SPEC);
      if (problem !== undefined) throw new CliInputError([problem]);
      const argv = ['--config', options.config];
      if (options.peakMibps !== undefined) argv.push('--peak-mibps', options.peakMibps);
      if (options.troughMibps !== undefined) argv.push('--trough-mibps', options.troughMibps);
      if (options.json === true) argv.push('--json');
      const { main } = await import('../../stacks/plan-capacity-cli');
      result.code = main(argv);
    });
}
