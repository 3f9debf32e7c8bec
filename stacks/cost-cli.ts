/**
 * `npm run cost -- [--config <spec>] [--json] [--<price> <USD> ...]`: the hourly cost of the
 * spec's platform at each balanced node level (Kafka nodes, system nodes, EKS control plane, NAT
 * gateways, NLBs, EBS), from the instance table and us-east-1 list prices (`simulator/cost.ts`).
 * Every price can be overridden with its flag. Bad input: every problem on stderr, exit 1.
 */
import { parseArgs } from 'node:util';
import { SpecError } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import {
  PRICE_FIELDS,
  defaultPrices,
  formatLevelCosts,
  levelCosts,
  type Prices,
} from '../simulator/cost';
import { DEFAULT_SPEC_FILE } from './defaults';

/** Command-line flag of each price. */
export const PRICE_FLAGS: Readonly<Record<keyof Prices, string>> = {
  kafkaNodePerHour: 'kafka-node-per-hour',
  systemNodePerHour: 'system-node-per-hour',
  eksControlPlanePerHour: 'eks-per-hour',
  natGatewayPerHour: 'nat-gateway-per-hour',
  nlbPerHour: 'nlb-per-hour',
  gp3PerGiMonth: 'gp3-per-gib-month',
  gp3PerIopsMonth: 'gp3-per-iops-month',
  gp3PerMiBpsMonth: 'gp3-per-mibps-month',
};

const USAGE = `usage: npm run cost -- [--config <spec.yaml>] [--json] ${PRICE_FIELDS.map(
  field => `[--${PRICE_FLAGS[field]} <USD>]`,
).join(' ')}\n`;

/** Runs the command with `argv` (options only); returns the exit code. */
export function main(argv: string[]): number {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', default: DEFAULT_SPEC_FILE },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        ...Object.fromEntries(
          PRICE_FIELDS.map(field => [PRICE_FLAGS[field], { type: 'string' as const }]),
        ),
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(
      `arguments: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`,
    );
    return 1;
  }
  if (values.help === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const problems: string[] = [];
  const overrides: { -readonly [K in keyof Prices]?: number } = {};
  for (const field of PRICE_FIELDS) {
    const raw = values[PRICE_FLAGS[field]];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
      problems.push(`--${PRICE_FLAGS[field]}: "${raw}" is not a price; give USD at or above 0`);
    } else {
      overrides[field] = value;
    }
  }
  const configFile = typeof values.config === 'string' ? values.config : DEFAULT_SPEC_FILE;
  let loaded;
  try {
    loaded = loadSpecFile(configFile);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    problems.push(`--config: ${error.message}`);
  }
  if (loaded !== undefined) {
    const defaults = defaultPrices(loaded.spec, loaded.plan);
    for (const field of defaults.unknown) {
      if (overrides[field] === undefined) {
        problems.push(
          `--${PRICE_FLAGS[field]}: no built-in price for this spec's instance type; give one, for example --${PRICE_FLAGS[field]} 0.384`,
        );
      }
    }
    if (problems.length === 0) {
      const prices = { ...defaults.prices, ...overrides } as Prices;
      const levels = levelCosts(loaded.spec, prices, loaded.plan);
      process.stdout.write(
        values.json === true
          ? `${JSON.stringify({ prices, levels }, null, 2)}\n`
          : `${formatLevelCosts(loaded.spec, levels)}\n`,
      );
      return 0;
    }
  }
  process.stderr.write(`${problems.join('\n')}\n${USAGE}`);
  return 1;
}

// Runs only as a script, so `cli/` can import `main` without running it.
if (require.main === module) process.exitCode = main(process.argv.slice(2));
