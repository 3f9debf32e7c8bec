/**
 * `npm run plan-capacity -- [--config <spec>] --peak-mibps <n> --trough-mibps <n> [--json]`:
 * recommends brokers per zone and an instance type for a daily pattern between trough and peak.
 * Bad input: every problem on stderr, exit 1.
 */
import { parseArgs } from 'node:util';
import { SpecError } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import {
  BROKER_FLOOR,
  BROKERS_PER_ZONE_CHOICES,
  capacityOptions,
  evaluateOption,
  type CapacityOption,
  type PlanningInput,
} from '../simulator/capacity-plan';
import { defaultPrices } from '../simulator/cost';
import { knownInstanceTypes } from '../spec/instance-types';
import { DEFAULT_SPEC_FILE } from './defaults';

const USAGE =
  'usage: npm run plan-capacity -- [--config <spec.yaml>] --peak-mibps <n> --trough-mibps <n> [--json]\n';
const SHOWN = 8;

function positive(option: string, raw: string | undefined, problems: string[]): number {
  const value = Number(raw);
  if (raw === undefined) {
    problems.push(
      `${option}: is required; give producer MiB/s for the whole cluster, for example ${option} 400`,
    );
  } else if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) {
    problems.push(`${option}: "${raw}" is not valid; give a number of MiB/s above 0`);
  }
  return value;
}

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

/** Runs the command with `argv` (options only); also called by `kafka-eks plan-capacity` (cli/). */
export function main(argv: string[]): number {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', default: DEFAULT_SPEC_FILE },
        'peak-mibps': { type: 'string' },
        'trough-mibps': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
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
  const peakRaw = values['peak-mibps'];
  const troughRaw = values['trough-mibps'];
  const peak = positive(
    '--peak-mibps',
    typeof peakRaw === 'string' ? peakRaw : undefined,
    problems,
  );
  const trough = positive(
    '--trough-mibps',
    typeof troughRaw === 'string' ? troughRaw : undefined,
    problems,
  );
  if (problems.length === 0 && trough > peak) {
    problems.push(
      `--trough-mibps: ${trough} is above --peak-mibps ${peak}; give a trough at most the peak`,
    );
  }
  const configFile = typeof values.config === 'string' ? values.config : DEFAULT_SPEC_FILE;
  let loaded;
  try {
    loaded = loadSpecFile(configFile);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    problems.push(`--config: ${error.message}`);
  }
  if (problems.length > 0 || loaded === undefined) {
    process.stderr.write(`${problems.join('\n')}\n${USAGE}`);
    return 1;
  }
  const { spec, plan } = loaded;
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
  const options = capacityOptions(input);
  const refused = knownInstanceTypes.flatMap(type =>
    BROKERS_PER_ZONE_CHOICES.map(brokers => evaluateOption(input, type, brokers)).filter(
      option => option?.peakNodesPerZone !== undefined && option.belowBrokerFloor,
    ),
  ).length;
  const floorText = `${BROKER_FLOOR.memoryGi} GiB memory and ${BROKER_FLOOR.vcpu} vCPU per broker at the lowest level the day uses (JVM heap plus OS page cache; network and request threads)`;
  if (values.json === true) {
    process.stdout.write(
      `${JSON.stringify(
        {
          brokerFloor: { memoryGi: BROKER_FLOOR.memoryGi, vcpu: BROKER_FLOOR.vcpu },
          externalAccess,
          nlbUsdPerHour: input.nlbUsdPerHour,
          current,
          options: options.slice(0, SHOWN),
          refusedBelowBrokerFloor: refused,
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
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
  if (current !== undefined) {
    lines.push(row(current, '* '));
  }
  for (const option of options.slice(0, SHOWN)) lines.push(row(option, '  '));
  lines.push('', '* = the spec as it is (brokers per zone x instance type).');
  const best = options[0];
  if (best === undefined) {
    lines.push(
      `No choice carries ${peak} MiB/s above the broker floor; raise the broker count or the instance size.`,
    );
  } else {
    lines.push(
      `Recommended: ${best.brokersPerZone} brokers per zone on ${best.instanceType} (kafka.brokers: ${best.brokersPerZone * input.zones}, nodes.kafka.instanceType: ${best.instanceType}), about $${best.expectedUsdPerDay.toFixed(0)}/day, ${(best.expectedSavingsShare * 100).toFixed(0)}% below static.`,
    );
  }
  for (const warning of current?.warnings ?? []) lines.push(`warning: ${warning}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

// Runs only as a script, so `cli/` can import `main` without running it.
if (require.main === module) process.exitCode = main(process.argv.slice(2));
