/**
 * `kafka-eks cost`: the options, and the check of the price overrides (every problem at once);
 * `runCost` in `cli/run/cost.ts` does the work.
 */
import type { Command } from 'commander';
import type { Prices } from '../../simulator/cost';
import { CliInputError, type CommandResult } from '../errors';
import type { CliIo } from '../io';
import { EXAMPLE_SPEC, inputFileProblem } from '../paths';
import { PRICE_FLAG_FIELDS, PRICE_FLAGS } from '../price-flags';
import { configOption } from './shared';

/** commander's key of a `--kebab-case` option: camelCase. */
function optionKey(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * The prices given as `--<price> <USD>` options, keyed by `Prices` field; pushes a problem naming
 * every value that is not a number at or above 0.
 */
export function priceOverrides(
  flags: Readonly<Record<string, string | boolean | undefined>>,
  problems: string[],
): Partial<Prices> {
  const prices: { -readonly [K in keyof Prices]?: number } = {};
  for (const field of PRICE_FLAG_FIELDS) {
    const raw = flags[optionKey(PRICE_FLAGS[field])];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
      problems.push(`--${PRICE_FLAGS[field]}: "${raw}" is not a price; give USD at or above 0`);
    } else {
      prices[field] = value;
    }
  }
  return prices;
}

export function addCostCommand(program: Command, io: CliIo, result: CommandResult): void {
  const command = program
    .command('cost')
    .description(
      'Hourly cost of the platform at each balanced node level: Kafka and system nodes, EKS control plane, NAT gateways, NLBs, EBS. Prices: instance table and us-east-1 list prices; each can be overridden.',
    )
    .addOption(configOption())
    .option('--json', 'print the prices and the levels as JSON instead of a table', false);
  for (const field of PRICE_FLAG_FIELDS) {
    command.option(`--${PRICE_FLAGS[field]} <USD>`, `override the ${field} price`);
  }
  command.action(async (flags: Record<string, string | boolean | undefined>) => {
    const config = String(flags.config);
    const problems: string[] = [];
    const configProblem = inputFileProblem('--config', config, EXAMPLE_SPEC);
    if (configProblem !== undefined) problems.push(configProblem);
    const prices = priceOverrides(flags, problems);
    if (problems.length > 0) throw new CliInputError(problems);
    const { runCost } = await import('../run/cost');
    result.code = runCost({ config, json: flags.json === true, prices }, io);
  });
}
