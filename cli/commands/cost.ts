/**
 * `kafka-eks cost`: the hourly cost of the spec's platform at each balanced node level. Options
 * are passed through to `main` in `stacks/cost-cli.ts`, which checks the values and does the work.
 */
import type { Command } from 'commander';
import { PRICE_FLAGS } from '../../stacks/cost-cli';
import { PRICE_FIELDS } from '../../simulator/cost';
import { CliInputError, type CommandResult } from '../errors';
import { inputFileProblem } from '../paths';
import { configOption, EXAMPLE_SPEC } from './shared';

export function addCostCommand(program: Command, result: CommandResult): void {
  const command = program
    .command('cost')
    .description(
      'Hourly cost of the platform at each balanced node level: Kafka and system nodes, EKS control plane, NAT gateways, NLBs, EBS. Prices: instance table and us-east-1 list prices; each can be overridden.',
    )
    .addOption(configOption())
    .option('--json', 'print the prices and the levels as JSON instead of a table');
  for (const field of PRICE_FIELDS) {
    command.option(`--${PRICE_FLAGS[field]} <USD>`, `override the ${field} price`);
  }
  command.action(async (options: Record<string, string | boolean | undefined>) => {
    const config = String(options.config);
    const problem = inputFileProblem('--config', config, EXAMPLE_SPEC);
    if (problem !== undefined) throw new CliInputError([problem]);
    const argv = ['--config', config];
    if (options.json === true) argv.push('--json');
    for (const field of PRICE_FIELDS) {
      const flag = PRICE_FLAGS[field];
      const camel = flag.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
      const value = options[camel];
      if (typeof value === 'string') argv.push(`--${flag}=${value}`);
    }
    const { main } = await import('../../stacks/cost-cli');
    result.code = main(argv);
  });
}
