/**
 * The capacity planner: for a peak and a trough of producer traffic, which brokers per zone and
 * which instance type give useful balanced levels, and what a daily pattern between the two would
 * save with perfect scaling (the oracle). Plain functions; `npm run plan-capacity` prints them.
 */
import { divisors } from '../spec/derive';
import { gbpsToMiBps, instanceTypeFacts, knownInstanceTypes } from '../spec/instance-types';
import { MINUTES_PER_DAY } from './demand';

/** Brokers per zone the planner considers. */
export const BROKERS_PER_ZONE_CHOICES: readonly number[] = [1, 2, 3, 4, 6, 8, 12];

/** Savings under this share count as "saves nothing". */
const NOTHING_SAVED = 0.01;

export interface PlanningInput {
  readonly zones: number;
  readonly replicationFactor: number;
  /** Share of the baseline a node may carry (0-1]. */
  readonly targetUtilization: number;
  readonly peakMiBps: number;
  readonly troughMiBps: number;
}

/** One balanced level: nodes per zone and the producer traffic it carries at the target. */
export interface LevelCapacity {
  readonly nodesPerZone: number;
  readonly producerMiBps: number;
}

/** One choice of brokers per zone and instance type, evaluated. */
export interface CapacityOption {
  readonly instanceType: string;
  readonly brokersPerZone: number;
  readonly levels: readonly LevelCapacity[];
  /** The lowest level carrying the peak; undefined when even one broker per node cannot. */
  readonly peakLevel: number | undefined;
  /** Static provisioning at the peak level, USD per day. */
  readonly staticCostPerDay: number;
  /** The oracle on a daily pattern from trough to peak, USD per day. */
  readonly expectedCostPerDay: number;
  /** 1 - expected / static. */
  readonly expectedSavings: number;
  /** What a 2:1 day would save when its peak fills the peak level (trough = half of that). */
  readonly savingsOnTwoToOneDay: number;
  readonly warnings: readonly string[];
}

/** Producer traffic a level carries with no node above the target. */
export function levelCapacityMiBps(
  input: PlanningInput,
  baselineMiBps: number,
  brokersPerZone: number,
  nodesPerZone: number,
): number {
  const brokers = brokersPerZone * input.zones;
  const brokersPerNode = Math.ceil(brokersPerZone / nodesPerZone);
  return (
    (baselineMiBps * input.targetUtilization * brokers) / (input.replicationFactor * brokersPerNode)
  );
}

/**
 * Node-hours per day of the oracle on a noise-free daily cosine from trough to peak, against static
 * provisioning at the peak level: [oracle, static].
 */
export function dailyNodeHours(
  levels: readonly LevelCapacity[],
  zones: number,
  peakMiBps: number,
  troughMiBps: number,
): [number, number] | undefined {
  const levelFor = (demand: number): number | undefined =>
    levels.find(level => level.producerMiBps >= demand - 1e-9)?.nodesPerZone;
  const peakLevel = levelFor(peakMiBps);
  if (peakLevel === undefined) return undefined;
  let nodeMinutes = 0;
  for (let minute = 0; minute < MINUTES_PER_DAY; minute++) {
    const phase = (minute / MINUTES_PER_DAY) * 2 * Math.PI;
    const demand = troughMiBps + ((peakMiBps - troughMiBps) * (1 + Math.cos(phase))) / 2;
    nodeMinutes += zones * (levelFor(demand) ?? peakLevel);
  }
  return [nodeMinutes / 60, zones * peakLevel * 24];
}

/** Evaluates one choice. */
export function evaluateOption(
  input: PlanningInput,
  instanceType: string,
  brokersPerZone: number,
): CapacityOption | undefined {
  const facts = instanceTypeFacts(instanceType);
  if (facts === undefined) return undefined;
  const baseline = gbpsToMiBps(facts.baselineGbps);
  const levels = divisors(brokersPerZone).map(nodesPerZone => ({
    nodesPerZone,
    producerMiBps: levelCapacityMiBps(input, baseline, brokersPerZone, nodesPerZone),
  }));
  const expected = dailyNodeHours(levels, input.zones, input.peakMiBps, input.troughMiBps);
  const peakLevel = levels.find(level => level.producerMiBps >= input.peakMiBps - 1e-9);
  // A 2:1 day on a cluster whose peak fills its peak level: what the levels themselves allow.
  const full = peakLevel?.producerMiBps ?? input.peakMiBps;
  const twoToOne = dailyNodeHours(levels, input.zones, full, full / 2);
  if (expected === undefined || twoToOne === undefined || peakLevel === undefined) {
    return {
      instanceType,
      brokersPerZone,
      levels,
      peakLevel: undefined,
      staticCostPerDay: Number.POSITIVE_INFINITY,
      expectedCostPerDay: Number.POSITIVE_INFINITY,
      expectedSavings: 0,
      savingsOnTwoToOneDay: 0,
      warnings: [
        `${brokersPerZone} broker(s) per zone on ${instanceType} cannot carry ${input.peakMiBps} MiB/s at ${input.targetUtilization * 100}% of baseline, even one broker per node`,
      ],
    };
  }
  const [oracleHours, staticHours] = expected;
  const savingsOnTwoToOneDay = 1 - twoToOne[0] / twoToOne[1];
  const warnings: string[] = [];
  if (savingsOnTwoToOneDay < NOTHING_SAVED) {
    const below = levels.filter(level => level.nodesPerZone < peakLevel.nodesPerZone).pop();
    const step =
      below === undefined
        ? 'there is no balanced level below the peak level'
        : `the next level down (${below.nodesPerZone} node(s) per zone) carries only ${((below.producerMiBps / peakLevel.producerMiBps) * 100).toFixed(0)}% of the peak level`;
    warnings.push(
      `a 2:1 day would save nothing with ${brokersPerZone} broker(s) per zone: ${step}; choose a broker count with more divisors (6 or 12 per zone) and at least two brokers per node at the peak`,
    );
  }
  return {
    instanceType,
    brokersPerZone,
    levels,
    peakLevel: peakLevel.nodesPerZone,
    staticCostPerDay: staticHours * facts.pricePerHourUsd,
    expectedCostPerDay: oracleHours * facts.pricePerHourUsd,
    expectedSavings: 1 - oracleHours / staticHours,
    savingsOnTwoToOneDay,
    warnings,
  };
}

/** Every feasible choice, cheapest expected daily cost first (then fewer brokers, then name). */
export function capacityOptions(
  input: PlanningInput,
  instanceTypes: readonly string[] = knownInstanceTypes,
  brokerChoices: readonly number[] = BROKERS_PER_ZONE_CHOICES,
): CapacityOption[] {
  const options: CapacityOption[] = [];
  for (const instanceType of instanceTypes) {
    for (const brokersPerZone of brokerChoices) {
      const option = evaluateOption(input, instanceType, brokersPerZone);
      if (option?.peakLevel !== undefined) options.push(option);
    }
  }
  return options.sort(
    (a, b) =>
      a.expectedCostPerDay - b.expectedCostPerDay ||
      a.brokersPerZone - b.brokersPerZone ||
      a.instanceType.localeCompare(b.instanceType),
  );
}
