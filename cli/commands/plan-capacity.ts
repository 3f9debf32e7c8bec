/**
 * `kafka-eks plan-capacity`: the options, and the check of the traffic values (every problem at
 * once); `runPlanCapacity` in `cli/run/plan-capacity.ts` does the work.
 */
import type { Command } from 'commander';
import { CliInputError, type CommandResult } from '../errors';
import type { CliIo } from '../io';
import { EXAMPLE_SPEC, inputFileProblem } from '../paths';
import { configOption } from './shared';

interface PlanCapacityFlags {
  readonly config: string;
  readonly peakMibps?: string;
  readonly troughMibps?: string;
  readonly json: boolean;
}

/** MiB/s from `raw`, or NaN with a problem naming `option` pushed to `problems`. */
export function mibpsValue(option: string, raw: string | undefined, problems: string[]): number {
  if (raw === undefined) {
    problems.push(
      `${option}: is required; give producer MiB/s for the whole cluster, for example ${option} 400`,
    );
    return Number.NaN;
  }
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    problems.push(`${option}: "${raw}" is not valid; give a number of MiB/s above 0`);
    return Number.NaN;
  }
  return value;
}

export function addPlanCapacityCommand(program: Command, io: CliIo, result: CommandResult): void {
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
    .option('--json', 'print the current layout and the options as JSON instead of a table', false)
    .action(async (flags: PlanCapacityFlags) => {
      const problems: string[] = [];
      const configProblem = inputFileProblem('--config', flags.config, EXAMPLE_SPEC);
      if (configProblem !== undefined) problems.push(configProblem);
      const peakMiBps = mibpsValue('--peak-mibps', flags.peakMibps, problems);
      const troughMiBps = mibpsValue('--trough-mibps', flags.troughMibps, problems);
      if (problems.length > 0) throw new CliInputError(problems);
      const { runPlanCapacity } = await import('../run/plan-capacity');
      result.code = runPlanCapacity(
        { config: flags.config, peakMiBps, troughMiBps, json: flags.json },
        io,
      );
    });
}
