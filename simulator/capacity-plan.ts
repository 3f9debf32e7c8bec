/**
 * The capacity planner: for a peak and a trough of producer traffic, which brokers per zone and
 * which instance type give useful balanced levels, and what a daily pattern between the two would
 * save with perfect scaling (the oracle). Costs count the Kafka nodes and, with external access,
 * the NLBs (one per broker plus the bootstrap NLB, as `simulator/cost.ts` counts them). Every field
 * name carries its unit. Plain functions; `npm run plan-capacity` prints them.
 */
import { brokerResourcesFor, divisors } from '../spec/derive';
import { gbpsToMiBps, instanceTypeFacts, knownInstanceTypes } from '../spec/instance-types';
import { MINUTES_PER_DAY } from './demand';

/**
 * The least memory (GiB) and CPU (vCPU) one broker pod should get at any level the day uses.
 *
 * Why: a broker needs a JVM heap (Strimzi's default heap is half the container memory, capped at
 * 5 GB) plus room for the OS page cache, which Kafka relies on to serve recent reads without disk
 * I/O; below about 4 GiB the heap is 2 GiB or less and the page cache holds seconds of traffic, so
 * consumers read from EBS and request latency climbs. One vCPU keeps the network and request
 * handler threads, TLS and compression from queueing behind CFS throttling. Sources: Red Hat
 * Streams for Apache Kafka release notes, "Setting heap sizes based on the percentage of available
 * memory" (Kafka: 50% of the memory limit, at most 5 GB); Apache Kafka documentation, design section
 * "Persistence" (Kafka leans on the OS page cache rather than an in-heap cache). The figures are this project's floor, not a vendor's
 * minimum; a layout below it is left out of the options and flagged when it is the spec's own.
 */
export const BROKER_FLOOR = { memoryGi: 4, vcpu: 1 } as const;

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
  /**
   * Whether `kafka.external.enabled` is on: then each broker and the bootstrap get an NLB.
   * @default false
   */
  readonly externalAccess?: boolean;
  /**
   * Price of one NLB, USD per hour; pass `defaultPrices(spec).prices.nlbPerHour` from
   * `simulator/cost.ts` (the one place prices live). Required when `externalAccess` is on.
   */
  readonly nlbUsdPerHour?: number;
}

/** Memory and CPU one broker gets at a level: node allocatable / brokers per node. */
export interface BrokerShare {
  readonly nodesPerZone: number;
  readonly brokersPerNode: number;
  readonly memoryGi: number;
  readonly vcpu: number;
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
  /** The lowest level carrying the peak, nodes per zone; undefined when even one broker per node cannot. */
  readonly peakNodesPerZone: number | undefined;
  /** NLBs (one per broker + bootstrap, external access only), USD per day; in both costs below. */
  readonly nlbUsdPerDay: number;
  /** Static provisioning at the peak level plus the NLBs, USD per day. */
  readonly staticUsdPerDay: number;
  /** The oracle on a daily pattern from trough to peak plus the NLBs, USD per day. */
  readonly expectedUsdPerDay: number;
  /** 1 - expected / static, a share (0-1). */
  readonly expectedSavingsShare: number;
  /** What a 2:1 day would save on nodes and NLBs when its peak fills the peak level, a share (0-1). */
  readonly twoToOneDaySavingsShare: number;
  /** Broker share at the peak level. */
  readonly brokerAtPeak: BrokerShare | undefined;
  /** Broker share at the lowest level the day uses (the trough's level): the tightest. */
  readonly brokerAtTrough: BrokerShare | undefined;
  /** True when `brokerAtTrough` is below `BROKER_FLOOR` in memory or CPU. */
  readonly belowBrokerFloor: boolean;
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

/** Memory and CPU per broker at `nodesPerZone`, from the instance table's allocatable. */
export function brokerShare(
  facts: { readonly memoryGi: number; readonly vcpu: number },
  brokersPerZone: number,
  nodesPerZone: number,
): BrokerShare {
  const brokersPerNode = Math.ceil(brokersPerZone / nodesPerZone);
  const share = brokerResourcesFor(facts, brokersPerNode);
  return { nodesPerZone, brokersPerNode, memoryGi: share.memoryGi, vcpu: share.cpuMillis / 1000 };
}

/** NLBs per day: one per broker plus the bootstrap NLB when external access is on, else 0. */
export function nlbUsdPerDay(input: PlanningInput, brokersPerZone: number): number {
  if (input.externalAccess !== true) return 0;
  if (input.nlbUsdPerHour === undefined) {
    throw new Error('nlbUsdPerHour: is required with externalAccess; pass the cost model price');
  }
  return (brokersPerZone * input.zones + 1) * input.nlbUsdPerHour * 24;
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
  const nlbs = nlbUsdPerDay(input, brokersPerZone);
  if (expected === undefined || twoToOne === undefined || peakLevel === undefined) {
    return {
      instanceType,
      brokersPerZone,
      levels,
      peakNodesPerZone: undefined,
      nlbUsdPerDay: nlbs,
      staticUsdPerDay: Number.POSITIVE_INFINITY,
      expectedUsdPerDay: Number.POSITIVE_INFINITY,
      expectedSavingsShare: 0,
      twoToOneDaySavingsShare: 0,
      brokerAtPeak: undefined,
      brokerAtTrough: undefined,
      belowBrokerFloor: false,
      warnings: [
        `${brokersPerZone} broker(s) per zone on ${instanceType} cannot carry ${input.peakMiBps} MiB/s at ${input.targetUtilization * 100}% of baseline, even one broker per node`,
      ],
    };
  }
  const [oracleHours, staticHours] = expected;
  const price = facts.pricePerHourUsd;
  const fullStatic = twoToOne[1] * price + nlbs;
  const twoToOneDaySavingsShare = 1 - (twoToOne[0] * price + nlbs) / fullStatic;
  const troughLevel =
    levels.find(level => level.producerMiBps >= input.troughMiBps - 1e-9) ?? peakLevel;
  const brokerAtPeak = brokerShare(facts, brokersPerZone, peakLevel.nodesPerZone);
  const brokerAtTrough = brokerShare(facts, brokersPerZone, troughLevel.nodesPerZone);
  const belowBrokerFloor =
    brokerAtTrough.memoryGi < BROKER_FLOOR.memoryGi || brokerAtTrough.vcpu < BROKER_FLOOR.vcpu;
  const warnings: string[] = [];
  if (belowBrokerFloor) {
    warnings.push(
      `below the broker floor: ${brokerAtTrough.brokersPerNode} broker(s) share one ${instanceType} node at ${brokerAtTrough.nodesPerZone} node(s) per zone, leaving ${brokerAtTrough.memoryGi} GiB and ${brokerAtTrough.vcpu} vCPU per broker; the floor is ${BROKER_FLOOR.memoryGi} GiB and ${BROKER_FLOOR.vcpu} vCPU (JVM heap plus page cache; network and request threads); use a larger instance type or fewer brokers per zone`,
    );
  }
  if (twoToOneDaySavingsShare < NOTHING_SAVED) {
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
    peakNodesPerZone: peakLevel.nodesPerZone,
    nlbUsdPerDay: nlbs,
    staticUsdPerDay: staticHours * price + nlbs,
    expectedUsdPerDay: oracleHours * price + nlbs,
    expectedSavingsShare: 1 - (oracleHours * price + nlbs) / (staticHours * price + nlbs),
    twoToOneDaySavingsShare,
    brokerAtPeak,
    brokerAtTrough,
    belowBrokerFloor,
    warnings,
  };
}

/**
 * Every feasible choice (carries the peak, and no broker below `BROKER_FLOOR` at any level the day
 * uses), cheapest expected daily cost first (then fewer brokers, then name).
 */
export function capacityOptions(
  input: PlanningInput,
  instanceTypes: readonly string[] = knownInstanceTypes,
  brokerChoices: readonly number[] = BROKERS_PER_ZONE_CHOICES,
): CapacityOption[] {
  const options: CapacityOption[] = [];
  for (const instanceType of instanceTypes) {
    for (const brokersPerZone of brokerChoices) {
      const option = evaluateOption(input, instanceType, brokersPerZone);
      if (option?.peakNodesPerZone !== undefined && !option.belowBrokerFloor) options.push(option);
    }
  }
  return options.sort(
    (a, b) =>
      a.expectedUsdPerDay - b.expectedUsdPerDay ||
      a.brokersPerZone - b.brokersPerZone ||
      a.instanceType.localeCompare(b.instanceType),
  );
}
