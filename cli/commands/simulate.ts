/**
 * `kafka-eks simulate`: replay a load trace or a synthetic day through every autoscaling strategy
 * and compare them. Options are checked here (names, files) and then by the simulator's own
 * option parser (values, conflicts), whose `main` in `stacks/simulate-cli.ts` does the work.
 */
import type { Command } from 'commander';
import { CliInputError, type CommandResult } from '../errors';
import { inputFileProblem } from '../paths';
import { DEFAULT_TIMINGS } from '../../simulator/facts';
import { DEFAULT_NOISE_SHARE } from '../../simulator/synthetic';
import { configOption, EXAMPLE_SPEC } from './shared';

/** Options passed on to the simulator as they were given (commander keys, camelCase). */
const VALUE_OPTIONS = [
  ['trace', '--trace'],
  ['synthetic', '--synthetic'],
  ['peakMibps', '--peak-mibps'],
  ['days', '--days'],
  ['svg', '--svg'],
  ['nodeReadySeconds', '--node-ready-seconds'],
  ['brokerRestartSeconds', '--broker-restart-seconds'],
  ['metricsLagSeconds', '--metrics-lag-seconds'],
  ['seed', '--seed'],
  ['noise', '--noise'],
  ['burstSeconds', '--burst-seconds'],
] as const;
const FLAG_OPTIONS = [
  ['json', '--json'],
  ['flashSpike', '--flash-spike'],
  ['sweep', '--sweep'],
] as const;

type SimulateOptions = { readonly config: string } & Partial<
  Record<(typeof VALUE_OPTIONS)[number][0], string>
> &
  Partial<Record<(typeof FLAG_OPTIONS)[number][0], boolean>>;

/** The argv the simulator's parser expects, rebuilt from what commander parsed. */
export function simulatorArgv(options: SimulateOptions): string[] {
  const argv = ['--config', options.config];
  for (const [key, flag] of VALUE_OPTIONS) {
    const value = options[key];
    if (value !== undefined) argv.push(flag, value);
  }
  for (const [key, flag] of FLAG_OPTIONS) if (options[key] === true) argv.push(flag);
  return argv;
}

export function addSimulateCommand(program: Command, result: CommandResult): void {
  program
    .command('simulate')
    .description(
      'Replay load through every autoscaling strategy (controller, target tracking, static, oracle) and compare cost and safety. Give --synthetic daily:<ratio> or --trace <file.csv>, and --peak-mibps.',
    )
    .addOption(configOption())
    .option(
      '--synthetic <pattern>',
      'synthetic load: daily:<peak-to-trough ratio>, for example daily:3 (no file needed)',
    )
    .option('--trace <file.csv>', 'load trace, a CSV with a "timestamp,value" header')
    .option(
      '--peak-mibps <MiB/s>',
      'peak producer traffic of the whole cluster in MiB/s (required)',
    )
    .option('--days <days>', 'days to simulate (default: the whole trace; 7 for synthetic load)')
    .option('--json', 'print the comparison as JSON instead of a table')
    .option('--svg <file.svg>', 'also draw the comparison as an SVG chart into this file')
    .option(
      '--node-ready-seconds <s>',
      `seconds from launch to a Ready node (default: ${DEFAULT_TIMINGS.nodeReadySeconds})`,
    )
    .option(
      '--broker-restart-seconds <s>',
      `seconds for a broker to restart and rejoin the ISR (default: ${DEFAULT_TIMINGS.brokerRestartSeconds})`,
    )
    .option(
      '--metrics-lag-seconds <s>',
      `seconds of delay before metrics show load (default: ${DEFAULT_TIMINGS.metricsLagSeconds})`,
    )
    .option('--seed <n>', 'seed of the synthetic noise, a whole number (default: 1)')
    .option(
      '--noise <share>',
      `synthetic load only: standard deviation of the multiplicative noise, 0 = none (default: ${DEFAULT_NOISE_SHARE})`,
    )
    .option('--flash-spike', 'synthetic load only: add one short flash spike')
    .option(
      '--burst-seconds <s>',
      `seconds a full network-credit bucket lasts at the instance's burst rate (default: ${DEFAULT_TIMINGS.burstSeconds})`,
    )
    .option(
      '--sweep',
      'run each strategy over its main knob and report cost against risk instead of one comparison (the SVG is then the cost-risk chart)',
    )
    .action(async (options: SimulateOptions) => {
      const problems = [inputFileProblem('--config', options.config, EXAMPLE_SPEC)];
      if (options.trace !== undefined) {
        problems.push(
          inputFileProblem('--trace', options.trace, 'a CSV file with a "timestamp,value" header'),
        );
      }
      const found = problems.filter((problem): problem is string => problem !== undefined);
      if (found.length > 0) throw new CliInputError(found);
      const { SimulateOptionsError } = await import('../../simulator/options');
      const { main } = await import('../../stacks/simulate-cli');
      try {
        result.code = await main(simulatorArgv(options));
      } catch (error) {
        if (error instanceof SimulateOptionsError) {
          throw new CliInputError(error.problems.map(problem => problem.message));
        }
        throw error;
      }
    });
}
