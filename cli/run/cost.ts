/**
 * `kafka-eks cost`: the hourly cost of the spec's platform at each balanced node level (Kafka
 * nodes, system nodes, EKS control plane, NAT gateways, NLBs, EBS), from the instance table and
 * us-east-1 list prices (`simulator/cost.ts`); any price can be overridden.
 */
import {
  defaultPrices,
  formatLevelCosts,
  levelCosts,
  PRICE_TABLE_REGION,
  tablePricedFields,
  type Prices,
} from '../../simulator/cost';
import type { PlatformSpec } from '../../spec/schema';
import { loadSpecFile } from '../../spec/load';
import { CliInputError, EXIT_CODES } from '../errors';
import { printWarnings, type CliIo } from '../io';
import { EXAMPLE_SPEC, inputFileProblem } from '../paths';
import { PRICE_FLAGS } from '../price-flags';

export interface CostOptions {
  /** Platform spec file (YAML or JSON). */
  readonly config: string;
  /** Print the prices and the levels as JSON instead of a table. */
  readonly json: boolean;
  /** Prices given on the command line (USD, at or above 0); the rest come from the cost model. */
  readonly prices: Partial<Prices>;
}

/**
 * Prints the cost of every level; returns the exit code (0).
 * @throws CliInputError for a missing spec file or a price the model has no default for and the
 *   command line does not give; SpecError for an invalid spec.
 */
export function runCost(options: CostOptions, io: CliIo): number {
  const problem = inputFileProblem('--config', options.config, EXAMPLE_SPEC);
  if (problem !== undefined) throw new CliInputError([problem]);
  const loaded = loadSpecFile(options.config);
  const defaults = defaultPrices(loaded.spec, loaded.plan);
  const missing = defaults.unknown.filter(field => options.prices[field] === undefined);
  if (missing.length > 0) {
    throw new CliInputError(
      missing.map(
        field =>
          `--${PRICE_FLAGS[field]}: no built-in price for this spec's instance type; give one, for example --${PRICE_FLAGS[field]} 0.384`,
      ),
    );
  }
  // Every field is set: the defaults lack only `missing`, and the command line gave those.
  const prices = { ...defaults.prices, ...options.prices } as Prices;
  const levels = levelCosts(loaded.spec, prices, loaded.plan);
  const regionWarning = regionPriceWarning(loaded.spec, options.prices);
  printWarnings(io, regionWarning === undefined ? [] : [regionWarning]);
  io.stdout(
    options.json
      ? `${JSON.stringify({ prices, levels }, null, 2)}\n`
      : `${formatLevelCosts(loaded.spec, levels)}\n`,
  );
  return EXIT_CODES.ok;
}

/**
 * The warning for prices taken from the us-east-1 defaults in a spec of another region
 * (`tablePricedFields`), naming `region`, its value and the flags that give this region's prices;
 * undefined when every price is this region's (or the region is us-east-1).
 */
export function regionPriceWarning(spec: PlatformSpec, given: Partial<Prices>): string | undefined {
  const fields = tablePricedFields(spec, given);
  if (fields.length === 0) return undefined;
  const flags = fields.map(field => `--${PRICE_FLAGS[field]}`).join(', ');
  const kafkaNode = fields.includes('kafkaNodePerHour')
    ? ' (the Kafka node price also as nodes.kafka.capacity.pricePerHourUsd in the spec)'
    : '';
  return `region: ${JSON.stringify(spec.region)}, but the prices are ${PRICE_TABLE_REGION} list prices (the built-in tables), and ${spec.region} lists other prices, so these totals are estimates; give ${spec.region}'s with ${flags}${kafkaNode}`;
}
