/**
 * `kafka-eks plan-capacity`: recommends brokers per zone and an instance type for a daily pattern
 * between trough and peak producer traffic, with the expected cost of each choice
 * (`simulator/capacity-plan.ts`).
 */
import {
  BROKER_FLOOR,
  BROKERS_PER_ZONE_CHOICES,
  capacityOptions,
  evaluateOption,
  type CapacityOption,
  type PlanningInput,
} from '../../simulator/capacity-plan';
import { defaultPrices, PRICE_TABLE_REGION } from '../../simulator/cost';
import { knownInstanceTypes } from '../../spec/instance-types';
import { loadSpecFile } from '../../spec/load';
import { CliInputError, EXIT_CODES } from '../errors';
import { printWarnings, type CliIo } from '../io';
import { EXAMPLE_SPEC, inputFileProblem } from '../paths';

export interface PlanCapacityOptions {
  /** Platform spec file (YAML or JSON). */
  readonly config: string;
  /** Peak producer traffic of the whole cluster, MiB/s, above 0. */
  readonly peakMiBps: number;
  /** Trough producer traffic of the whole cluster, MiB/s, above 0 and at most the peak. */
  readonly troughMiBps: number;
  /** Print the current layout and the options as JSON instead of a table. */
  readonly json: boolean;
}

/** Options shown, cheapest first. */
const SHOWN = 8;

/** Column headers, each with its unit; `row` pads to the same widths. */
const COLUMNS = [
  ['  instance', 14],
  ['brokers/zone', 12],
  ['peak nodes/zone', 15],
  ['static $/day', 12],
  ['expected $/day', 14],
  ['NLB $/day', 9],
  ['savings %', 9],
  ['2:1 day %', 9],
  ['min GiB/vCPU per broker', 23],
] as const;

function cells(values: readonly string[]): string {
  return values
    .map((value, index) =>
      index === 0 ? value.padEnd(COLUMNS[0][1]) : value.padStart(COLUMNS[index]?.[1] ?? 0),
    )
    .join(' ');
}

function row(option: CapacityOption, marker: string): string {
  const levels = option.levels
    .map(level => `${level.nodesPerZone}:${level.producerMiBps.toFixed(0)}`)
    .join(' ');
  const share = option.brokerAtTrough;
  const floor = option.belowBrokerFloor ? '!' : ' ';
  return `${cells([
    `${marker}${option.instanceType}`,
    String(option.brokersPerZone),
    String(option.peakNodesPerZone ?? '-'),
    `$${option.staticUsdPerDay.toFixed(0)}`,
    `$${option.expectedUsdPerDay.toFixed(0)}`,
    `$${option.nlbUsdPerDay.toFixed(2)}`,
    `${(option.expectedSavingsShare * 100).toFixed(1)}%`,
    `${(option.twoToOneDaySavingsShare * 100).toFixed(1)}%`,
    share === undefined ? '-' : `${floor}${share.memoryGi}/${share.vcpu}`,
  ])}  ${levels}`;
}

/**
 * Prints the current layout, the cheapest options and a recommendation on stdout, the current
 * layout's warnings on stderr (`warning: ` lines, in JSON mode too); returns the exit code (0).
 * @throws CliInputError for a missing spec file or a trough above the peak; SpecError for an
 *   invalid spec.
 */
export function runPlanCapacity(options: PlanCapacityOptions, io: CliIo): number {
  const problem = inputFileProblem('--config', options.config, EXAMPLE_SPEC);
  if (problem !== undefined) throw new CliInputError([problem]);
  const { peakMiBps: peak, troughMiBps: trough } = options;
  if (trough > peak) {
    throw new CliInputError([
      `--trough-mibps: ${trough} is above --peak-mibps ${peak}; give a trough at most the peak`,
    ]);
  }
  const { spec, plan } = loadSpecFile(options.config);
  const externalAccess = spec.kafka.external.enabled;
  const input: PlanningInput = {
    zones: spec.zones.length,
    replicationFactor: spec.kafka.replicationFactor,
    targetUtilization: spec.autoscaling.targetUtilization,
    peakMiBps: peak,
    troughMiBps: trough,
    externalAccess,
    // The NLB price of the `cost` command's model (simulator/cost.ts), not a second copy.
    nlbUsdPerHour: defaultPrices(spec, plan).prices.nlbPerHour,
  };
  const current = evaluateOption(input, spec.nodes.kafka.instanceType, plan.brokersPerZone);
  // The current layout's warnings, on stderr in both modes; the JSON keeps them in `current`.
  printWarnings(io, current?.warnings ?? []);
  if (spec.region !== PRICE_TABLE_REGION) {
    printWarnings(io, [
      `region: ${JSON.stringify(spec.region)}, but every instance price compared here is the ${PRICE_TABLE_REGION} list price of the built-in table (and so is the NLB price), and ${spec.region} lists others, so the dollar figures and the ranking are estimates; nodes.kafka.capacity.pricePerHourUsd prices only the spec's own type, in simulate and cost`,
    ]);
  }
  const choices = capacityOptions(input);
  const refused = knownInstanceTypes.flatMap(type =>
    BROKERS_PER_ZONE_CHOICES.map(brokers => evaluateOption(input, type, brokers)).filter(
      option => option?.peakNodesPerZone !== undefined && option.belowBrokerFloor,
    ),
  ).length;
  if (options.json) {
    const report = {
      brokerFloor: { memoryGi: BROKER_FLOOR.memoryGi, vcpu: BROKER_FLOOR.vcpu },
      externalAccess,
      nlbUsdPerHour: input.nlbUsdPerHour,
      current,
      options: choices.slice(0, SHOWN),
      refusedBelowBrokerFloor: refused,
    };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return EXIT_CODES.ok;
  }
  const floorText = `${BROKER_FLOOR.memoryGi} GiB memory and ${BROKER_FLOOR.vcpu} vCPU per broker at the lowest level the day uses (JVM heap plus OS page cache; network and request threads)`;
  const nlbText = externalAccess
    ? `NLBs (external access on): one per broker plus the bootstrap at $${String(input.nlbUsdPerHour)}/h each, in static, expected and savings.`
    : 'NLBs: none (kafka.external.enabled is off).';
  const lines = [
    `Daily pattern ${trough} -> ${peak} MiB/s of producer traffic, ${input.zones} zones, replication factor ${input.replicationFactor}, target ${(input.targetUtilization * 100).toFixed(0)}% of baseline.`,
    'Expected cost: perfect scaling (the oracle) on a smooth day between trough and peak; costs are Kafka nodes plus NLBs in USD per day.',
    nlbText,
    `Broker floor: ${floorText}; ${refused} layout(s) below it are left out; ! marks one below it.`,
    '',
    `${cells(COLUMNS.map(([name]) => name))}  levels nodes/zone:MiB/s`,
  ];
  if (current !== undefined) lines.push(row(current, '* '));
  for (const option of choices.slice(0, SHOWN)) lines.push(row(option, '  '));
  lines.push('', '* = the spec as it is (brokers per zone x instance type).');
  const best = choices[0];
  if (best === undefined) {
    lines.push(
      `No choice carries ${peak} MiB/s above the broker floor; raise the broker count or the instance size.`,
    );
  } else {
    lines.push(
      `Recommended: ${best.brokersPerZone} brokers per zone on ${best.instanceType} (kafka.brokers: ${best.brokersPerZone * input.zones}, nodes.kafka.instanceType: ${best.instanceType}), about $${best.expectedUsdPerDay.toFixed(0)}/day, ${(best.expectedSavingsShare * 100).toFixed(0)}% below static.`,
    );
  }
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT_CODES.ok;
}
