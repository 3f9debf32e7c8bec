/**
 * `kafka-eks simulate`: the options; `checkSimulateOptions` (`cli/simulate-options.ts`) checks
 * their values all at once and `runSimulate` (`cli/run/simulate.ts`) does the work.
 */
import type { Command } from 'commander';
import { DEFAULT_TIMINGS } from '../../simulator/facts';
import { DEFAULT_NOISE_SHARE } from '../../simulator/synthetic';
import type { CommandResult } from '../errors';
import type { CliIo } from '../io';
import { checkSimulateOptions, type SimulateFlags } from '../simulate-options';
import { configOption, pathArgument } from './shared';

export function addSimulateCommand(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('simulate')
    .description(
      'Replay load through every autoscaling strategy (static, target tracking, predictive target tracking, the controller, the instant, reachable and serial-move oracles, the physical ideal) and compare cost and safety. Give --synthetic daily:<ratio> or --trace <file.csv>, and --peak-mibps.',
    )
    .addOption(configOption())
    .option(
      '--synthetic <pattern>',
      'synthetic load: daily:<peak-to-trough ratio>, for example daily:3 (no file needed)',
    )
    .option('--trace <file.csv>', 'load trace, a CSV with a "timestamp,value" header', pathArgument)
    .option(
      '--peak-mibps <MiB/s>',
      'peak producer traffic of the whole cluster in MiB/s (required)',
    )
    .option('--days <days>', 'days to simulate (default: the whole trace; 7 for synthetic load)')
    .option('--json', 'print the comparison as JSON instead of a table', false)
    .option(
      '--svg <file.svg>',
      'also draw the comparison as an SVG chart into this file',
      pathArgument,
    )
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
    .option('--seed <n>', 'synthetic load only: seed of the noise, a whole number (default: 1)')
    .option(
      '--noise <share>',
      `synthetic load only: standard deviation of the multiplicative noise, 0 = none (default: ${DEFAULT_NOISE_SHARE})`,
    )
    .option('--flash-spike', 'synthetic load only: add one short flash spike', false)
    .option(
      '--burst-seconds <s>',
      `seconds a full network-credit bucket lasts at the instance's burst rate (default: ${DEFAULT_TIMINGS.burstSeconds})`,
    )
    .option(
      '--bounds',
      "also compute the serial-move bound at the controller's over-target node-minutes (slower; JSON key serialBoundAtControllerOverTarget)",
      false,
    )
    .option(
      '--sweep',
      'run each strategy over its main knob and report cost against risk instead of one comparison (the SVG is then the cost-risk chart)',
      false,
    )
    .action(async (flags: SimulateFlags) => {
      const options = checkSimulateOptions(flags);
      const { runSimulate } = await import('../run/simulate');
      result.code = await runSimulate(options, io);
    });
}
