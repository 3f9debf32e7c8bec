/**
 * Hourly cost of a platform at each balanced node level, for any spec: Kafka nodes, system nodes,
 * the EKS control plane, NAT gateways (new VPC only), NLBs (external access only) and EBS (broker,
 * KRaft controller and node root volumes). With `cluster.existing` the control plane and the system
 * nodes belong to that cluster and are left out. Pure; every price can be overridden.
 *
 * Default prices are us-east-1 on-demand list prices (AWS pricing pages, checked November 2026):
 * node prices from the instance table (`spec/instance-types.ts`, or `nodes.kafka.capacity`),
 * EKS control plane $0.10/h (standard support), NAT gateway $0.045/h, NLB $0.0225/h, gp3
 * $0.08 per GiB-month, $0.005 per provisioned IOPS-month above 3000 and $0.04 per MiB/s-month
 * above 125, 730 hours a month. Not included: data transfer, NAT and NLB per-GB and LCU charges,
 * snapshots, CloudWatch logs.
 */
import { CONTROLLER_VOLUME_GI } from '../charts/kafka/node-pools';
import { ROOT_VOLUME_GI } from '../components/lib/nodegroup-config';
import { derivePlatform, type PlatformPlan } from '../spec/derive';
import { instanceTypeFacts } from '../spec/instance-types';
import type { PlatformSpec } from '../spec/schema';

/** Hours in a month, as AWS prices monthly items. */
export const HOURS_PER_MONTH = 730;
/** gp3 includes this many IOPS and this much throughput (MiB/s) per volume at no extra charge. */
const GP3_FREE_IOPS = 3000;
const GP3_FREE_THROUGHPUT_MIBPS = 125;

/** Prices, USD. Every field can be overridden; undefined node prices come from the table. */
export interface Prices {
  /** One Kafka node per hour. @default instance table or `nodes.kafka.capacity.pricePerHourUsd` */
  readonly kafkaNodePerHour: number;
  /** One system node per hour. @default instance table */
  readonly systemNodePerHour: number;
  /** The EKS control plane per hour. @default 0.10 (standard support) */
  readonly eksControlPlanePerHour: number;
  /** One NAT gateway per hour (one per zone in a new VPC). @default 0.045 */
  readonly natGatewayPerHour: number;
  /** One Network Load Balancer per hour. @default 0.0225 */
  readonly nlbPerHour: number;
  /** gp3 storage per GiB-month. @default 0.08 */
  readonly gp3PerGiMonth: number;
  /** gp3 IOPS above 3000 per IOPS-month. @default 0.005 */
  readonly gp3PerIopsMonth: number;
  /** gp3 throughput above 125 MiB/s per MiB/s-month. @default 0.04 */
  readonly gp3PerMiBpsMonth: number;
}

/** The price fields, in the order the command line lists them. */
export const PRICE_FIELDS: readonly (keyof Prices)[] = [
  'kafkaNodePerHour',
  'systemNodePerHour',
  'eksControlPlanePerHour',
  'natGatewayPerHour',
  'nlbPerHour',
  'gp3PerGiMonth',
  'gp3PerIopsMonth',
  'gp3PerMiBpsMonth',
];

/** The region whose list prices the defaults are (instance table, EKS, NAT, NLB, gp3). */
export const PRICE_TABLE_REGION = 'us-east-1';

/**
 * The prices that come from the us-east-1 defaults although the spec's region is another: every
 * field `given` leaves out, except the Kafka node price when `nodes.kafka.capacity.pricePerHourUsd`
 * sets it. Empty in `PRICE_TABLE_REGION`. Other regions list other prices (EC2, EBS, NAT and load
 * balancer pricing is per region), so totals from these are estimates only.
 */
export function tablePricedFields(spec: PlatformSpec, given: Partial<Prices>): (keyof Prices)[] {
  if (spec.region === PRICE_TABLE_REGION) return [];
  return PRICE_FIELDS.filter(
    field =>
      given[field] === undefined &&
      !(field === 'kafkaNodePerHour' && spec.nodes.kafka.capacity?.pricePerHourUsd !== undefined),
  );
}

/**
 * The warning for a Kafka node price taken from the us-east-1 instance table in a spec of another
 * region (`simulate`, whose only price it is), naming `region`, the price used and the spec field
 * that gives this region's; undefined in us-east-1 or with `nodes.kafka.capacity.pricePerHourUsd`.
 */
export function kafkaNodePriceRegionWarning(
  spec: PlatformSpec,
  plan: PlatformPlan = derivePlatform(spec),
): string | undefined {
  if (!tablePricedFields(spec, {}).includes('kafkaNodePerHour')) return undefined;
  return `region: ${JSON.stringify(spec.region)}, but the Kafka node price ($${plan.nodeCapacity.pricePerHourUsd}/h for ${spec.nodes.kafka.instanceType}) is the ${PRICE_TABLE_REGION} list price of the built-in table, and ${spec.region} lists another, so every dollar figure is an estimate; set nodes.kafka.capacity.pricePerHourUsd to ${spec.region}'s price`;
}

/**
 * Default prices for a spec.
 * @returns the prices, or the fields whose price is unknown (an instance type missing from the
 *   table without a `nodes.kafka.capacity.pricePerHourUsd`, or an unknown system instance type).
 */
export function defaultPrices(
  spec: PlatformSpec,
  plan: PlatformPlan = derivePlatform(spec),
): { readonly prices: Partial<Prices>; readonly unknown: readonly (keyof Prices)[] } {
  const system = instanceTypeFacts(spec.nodes.system.instanceType)?.pricePerHourUsd;
  const prices: Partial<Prices> = {
    kafkaNodePerHour: plan.nodeCapacity.pricePerHourUsd,
    systemNodePerHour: system,
    eksControlPlanePerHour: 0.1,
    natGatewayPerHour: 0.045,
    nlbPerHour: 0.0225,
    gp3PerGiMonth: 0.08,
    gp3PerIopsMonth: 0.005,
    gp3PerMiBpsMonth: 0.04,
  };
  return { prices, unknown: PRICE_FIELDS.filter(field => prices[field] === undefined) };
}

/** One line of the breakdown. */
export interface CostItem {
  /** What it is, for example `Kafka nodes`. */
  readonly item: string;
  /** How it is counted, for example `6 x m6i.2xlarge at $0.384/h`. */
  readonly basis: string;
  /** USD per hour. */
  readonly perHour: number;
}

/** Cost of one level. */
export interface LevelCost {
  /** Kafka nodes per zone. */
  readonly nodesPerZone: number;
  /** Brokers per node at this level. */
  readonly brokersPerNode: number;
  readonly items: readonly CostItem[];
  /** USD per hour. */
  readonly totalPerHour: number;
}

function money(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 3)}`;
}

/** The cost of the platform at every balanced level (ascending), with system nodes at their min. */
export function levelCosts(
  spec: PlatformSpec,
  prices: Prices,
  plan: PlatformPlan = derivePlatform(spec),
): LevelCost[] {
  const zones = spec.zones.length;
  const storage = spec.kafka.storage;
  // An existing cluster (`cluster.existing`) brings its control plane and its other nodes: they
  // are not the platform's cost.
  const joined = spec.cluster.existing !== undefined;
  const systemNodes = joined ? 0 : spec.nodes.system.min;
  const fixed: CostItem[] = joined
    ? []
    : [
        {
          item: 'EKS control plane',
          basis: `1 cluster at ${money(prices.eksControlPlanePerHour)}/h`,
          perHour: prices.eksControlPlanePerHour,
        },
        {
          item: 'System nodes',
          basis: `${systemNodes} (nodes.system.min) x ${spec.nodes.system.instanceType} at ${money(prices.systemNodePerHour)}/h`,
          perHour: systemNodes * prices.systemNodePerHour,
        },
      ];
  if (spec.cluster.existingVpc === undefined) {
    fixed.push({
      item: 'NAT gateways',
      basis: `${zones} (one per zone) at ${money(prices.natGatewayPerHour)}/h`,
      perHour: zones * prices.natGatewayPerHour,
    });
  }
  if (spec.kafka.external.enabled) {
    const nlbs = spec.kafka.brokers + 1;
    fixed.push({
      item: 'NLBs',
      basis: `${nlbs} (one per broker + bootstrap) at ${money(prices.nlbPerHour)}/h`,
      perHour: nlbs * prices.nlbPerHour,
    });
  }
  const perVolumeMonth =
    storage.sizeGi * prices.gp3PerGiMonth +
    Math.max(0, storage.iops - GP3_FREE_IOPS) * prices.gp3PerIopsMonth +
    Math.max(0, storage.throughputMiBps - GP3_FREE_THROUGHPUT_MIBPS) * prices.gp3PerMiBpsMonth;
  fixed.push({
    item: 'Broker volumes',
    basis: `${spec.kafka.brokers} x ${storage.sizeGi} GiB gp3, ${storage.iops} IOPS, ${storage.throughputMiBps} MiB/s`,
    perHour: (spec.kafka.brokers * perVolumeMonth) / HOURS_PER_MONTH,
  });
  fixed.push({
    item: 'KRaft controller volumes',
    basis: `${spec.kafka.controllers} x ${CONTROLLER_VOLUME_GI} GiB gp3`,
    perHour:
      (spec.kafka.controllers * CONTROLLER_VOLUME_GI * prices.gp3PerGiMonth) / HOURS_PER_MONTH,
  });
  return plan.balancedNodeCounts.map(nodesPerZone => {
    const kafkaNodes = nodesPerZone * zones;
    const items: CostItem[] = [
      {
        item: 'Kafka nodes',
        basis: `${kafkaNodes} (${nodesPerZone} per zone) x ${plan.nodeCapacity.instanceType} at ${money(prices.kafkaNodePerHour)}/h`,
        perHour: kafkaNodes * prices.kafkaNodePerHour,
      },
      ...fixed,
      {
        item: 'Node root volumes',
        basis: `${kafkaNodes + systemNodes} x ${ROOT_VOLUME_GI} GiB gp3`,
        perHour:
          ((kafkaNodes + systemNodes) * ROOT_VOLUME_GI * prices.gp3PerGiMonth) / HOURS_PER_MONTH,
      },
    ];
    return {
      nodesPerZone,
      brokersPerNode: plan.brokersPerZone / nodesPerZone,
      items,
      totalPerHour: items.reduce((sum, each) => sum + each.perHour, 0),
    };
  });
}

/** The breakdown as a table: one column per level. */
export function formatLevelCosts(spec: PlatformSpec, levels: readonly LevelCost[]): string {
  const header = ['', ...levels.map(level => `${level.nodesPerZone} per zone`)];
  const names = levels[0]?.items.map(item => item.item) ?? [];
  const rows = names.map(name => [
    name,
    ...levels.map(level => money(level.items.find(item => item.item === name)?.perHour ?? 0)),
  ]);
  rows.push(['Total per hour', ...levels.map(level => money(level.totalPerHour))]);
  rows.push([
    'Total per 30 days',
    ...levels.map(level => `$${(level.totalPerHour * 720).toFixed(0)}`),
  ]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map(row => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  const lowest = levels[0];
  const basis = lowest?.items.map(item => `  ${item.item}: ${item.basis}`) ?? [];
  return [
    `${spec.name}: hourly cost at each balanced level (${spec.zones.length} zones, ${spec.kafka.brokers} brokers)`,
    '',
    line(header),
    ...rows.map(line),
    '',
    'Counted at the lowest level:',
    ...basis,
    'Not included: data transfer, NAT and NLB per-GB/LCU charges, snapshots, logs.',
  ].join('\n');
}
