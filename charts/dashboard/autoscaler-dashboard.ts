/**
 * The Grafana dashboard for the Kafka platform and its autoscaler, built with Grafana's Foundation
 * SDK (typed builders, no hand-written JSON). Every query reads a metric named in
 * `charts/monitoring/metric-names.ts`: the controller's own series (`controller/metrics.ts`), the
 * Strimzi Metrics Reporter's Kafka series (`spec/kafka-metrics.ts`) and kube-state-metrics.
 *
 * Controller series are kept to the replica holding the lease (`kafka_autoscaler_leader == 1`,
 * matched on the `namespace` and `pod` target labels a PodMonitor adds), so a replica that lost
 * the lease cannot draw its last, frozen values next to the leader's.
 */
import {
  StackingConfigBuilder,
  StackingMode,
  GraphDrawStyle,
  VizLegendOptionsBuilder,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { derivePlatform } from '../../spec/derive';
import type { PlatformSpec } from '../../spec/schema';
import {
  AUTOSCALER_ACTIONS,
  AUTOSCALER_BLOCKED,
  AUTOSCALER_BROKER_MOVES,
  AUTOSCALER_CURRENT_MOVE_AGE,
  AUTOSCALER_CURRENT_NODES,
  AUTOSCALER_DESIRED_NODES,
  AUTOSCALER_INSTANCES_TERMINATED,
  AUTOSCALER_LEADER,
  AUTOSCALER_OPERATIONS_ABANDONED,
  AUTOSCALER_ZONE_DEMAND,
  OFFLINE_PARTITIONS,
  POD_INFO,
  UNDER_MIN_ISR_PARTITIONS,
  UNDER_REPLICATED_PARTITIONS,
} from '../monitoring/metric-names';

/** What the dashboard needs from the spec; built by `dashboardInputFromSpec`. */
export interface DashboardInput {
  /** Platform name, also the Strimzi `Kafka` name and the broker pod name prefix. */
  readonly clusterName: string;
  /** Namespace of the Kafka cluster. */
  readonly kafkaNamespace: string;
  /** One broker pool per zone (`<cluster>-<pool>-<id>` pods). */
  readonly pools: ReadonlyArray<{ readonly zone: string; readonly poolName: string }>;
  /** Whether the controller runs (`autoscaling.mode: controller`); its panels need it. */
  readonly controllerDeployed: boolean;
  /** Namespace of the controller (`controller.namespace`); its series carry it as `namespace`. */
  readonly controllerNamespace: string;
  /** Baseline network bandwidth of one Kafka node, MiB/s per direction (the instance table). */
  readonly nodeBaselineMiBps: number;
  /** Share of the baseline the controller plans a node to carry (`autoscaling.targetUtilization`). */
  readonly targetUtilization: number;
  /** The stuck-move alert threshold, seconds (`monitoring.brokerMoveStuckMinutes` x 60). */
  readonly moveStuckSeconds: number;
}

/** Stable dashboard UID for a platform name (Grafana allows at most 40 characters). */
export function dashboardUid(clusterName: string): string {
  return `kafka-autoscaling-${clusterName}`.slice(0, 40);
}

/** The title Grafana shows. */
export function dashboardTitle(clusterName: string): string {
  return `Kafka autoscaling / ${clusterName}`;
}

/** Builds the dashboard input from a validated spec. */
export function dashboardInputFromSpec(spec: PlatformSpec): DashboardInput {
  const plan = derivePlatform(spec);
  return {
    clusterName: spec.name,
    kafkaNamespace: spec.kafka.namespace,
    pools: plan.zones.map(zone => ({ zone: zone.zone, poolName: zone.poolName })),
    controllerDeployed: spec.autoscaling.mode === 'controller',
    controllerNamespace: spec.controller.namespace,
    nodeBaselineMiBps: plan.nodeCapacity.baselineMiBps,
    targetUtilization: spec.autoscaling.targetUtilization,
    moveStuckSeconds: spec.monitoring.brokerMoveStuckMinutes * 60,
  };
}

/** Name of the data source variable every panel reads through. */
const DATASOURCE_VARIABLE = 'datasource';
const datasourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

/**
 * A controller metric of this platform (its namespace), restricted to the series of the replica
 * that holds the lease.
 */
function fromLeader(input: DashboardInput, metric: string): string {
  const own = `{namespace="${input.controllerNamespace}"}`;
  return `(${metric}${own} and on (namespace, pod) (${AUTOSCALER_LEADER}${own} == 1))`;
}

/** A controller counter of this platform (every replica counts only what it did as leader). */
function ofController(input: DashboardInput, metric: string): string {
  return `${metric}{namespace="${input.controllerNamespace}"}`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function query(expr: string, legend: string, refId: string): DataqueryBuilder {
  return new DataqueryBuilder()
    .expr(expr)
    .legendFormat(legend)
    .refId(refId)
    .range()
    .datasource(datasourceRef);
}

function timeseries(title: string, description: string): TimeseriesPanelBuilder {
  return new TimeseriesPanelBuilder()
    .title(title)
    .description(description)
    .datasource(datasourceRef)
    .height(8)
    .span(12)
    .legend(
      new VizLegendOptionsBuilder()
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Right)
        .showLegend(true)
        .calcs(['lastNotNull', 'max']),
    );
}

/** The PromQL of every panel, by panel title, for tests and docs. */
export interface DashboardQueries {
  readonly [panelTitle: string]: readonly string[];
}

function kafkaPanels(input: DashboardInput): TimeseriesPanelBuilder[] {
  const kafka = `namespace="${input.kafkaNamespace}"`;
  const brokerPods = input.pools
    .map(pool => escapeRegex(`${input.clusterName}-${pool.poolName}`))
    .join('|');
  const brokersPerNode = timeseries(
    'Brokers per node',
    'Broker pods on each node (kube-state-metrics), by pool. Balanced levels keep every node of a zone at the same count.',
  )
    .decimals(0)
    .min(0)
    .withTarget(
      query(
        `count by (pool, node) (label_replace(${POD_INFO}{${kafka},pod=~"(${brokerPods})-[0-9]+"}, "pool", "$1", "pod", "(.+)-[0-9]+"))`,
        '{{pool}} {{node}}',
        'A',
      ),
    );
  const partitions = timeseries(
    'Under-replicated partitions',
    'Partitions whose followers are behind, partitions under min.insync.replicas, and offline partitions. The controller holds while any is above 0.',
  )
    .decimals(0)
    .min(0)
    .withTarget(query(`sum(${UNDER_REPLICATED_PARTITIONS}{${kafka}})`, 'under-replicated', 'A'))
    .withTarget(query(`sum(${UNDER_MIN_ISR_PARTITIONS}{${kafka}})`, 'under min ISR', 'B'))
    .withTarget(query(`sum(${OFFLINE_PARTITIONS}{${kafka}})`, 'offline', 'C'));
  return [brokersPerNode, partitions];
}

function controllerPanels(input: DashboardInput): Array<TimeseriesPanelBuilder | StatPanelBuilder> {
  const capacityPerNode = input.nodeBaselineMiBps * input.targetUtilization;
  const nodes = timeseries(
    'Nodes per zone against the desired level',
    'Ready Kafka nodes per zone (solid) and the balanced level the controller wants (dashed, "desired").',
  )
    .decimals(0)
    .min(0)
    .overrideByRegexp('.* desired$', [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    ])
    .withTarget(
      query(`max by (zone) ${fromLeader(input, AUTOSCALER_CURRENT_NODES)}`, '{{zone}} nodes', 'A'),
    )
    .withTarget(
      query(
        `max by (zone) ${fromLeader(input, AUTOSCALER_DESIRED_NODES)}`,
        '{{zone}} desired',
        'B',
      ),
    );
  const demand = timeseries(
    'Demand against capacity per zone',
    `Broker network demand per zone in the busier direction, against the zone's planned capacity: Ready nodes x ${input.nodeBaselineMiBps} MiB/s baseline x ${input.targetUtilization} target utilization.`,
  )
    .unit('MiBs')
    .min(0)
    .withTarget(
      query(`max by (zone) ${fromLeader(input, AUTOSCALER_ZONE_DEMAND)}`, '{{zone}} demand', 'A'),
    )
    .withTarget(
      query(
        `max by (zone) ${fromLeader(input, AUTOSCALER_CURRENT_NODES)} * ${capacityPerNode}`,
        '{{zone}} capacity',
        'B',
      ),
    );
  const moveAge = new StatPanelBuilder()
    .title('Broker move in flight: age')
    .description(
      `Age of the broker move in flight, 0 when none. Turns red at the stuck-move alert threshold (${input.moveStuckSeconds / 60} min).`,
    )
    .datasource(datasourceRef)
    .height(8)
    .span(6)
    .unit('s')
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'green' },
        { value: 1, color: 'yellow' },
        { value: input.moveStuckSeconds, color: 'red' },
      ]),
    )
    .withTarget(query(`max ${fromLeader(input, AUTOSCALER_CURRENT_MOVE_AGE)}`, 'move age', 'A'));
  const moves = timeseries(
    'Broker moves',
    'Moves started, retried, finished and failed per interval, with the age of the move in flight on the right axis.',
  )
    .span(18)
    .decimals(0)
    .min(0)
    .withTarget(
      query(
        `sum by (outcome) (increase(${ofController(input, AUTOSCALER_BROKER_MOVES)}[$__rate_interval]))`,
        '{{outcome}}',
        'A',
      ),
    )
    .withTarget(query(`max ${fromLeader(input, AUTOSCALER_CURRENT_MOVE_AGE)}`, 'move age (s)', 'B'))
    .overrideByName('move age (s)', [
      { id: 'custom.axisPlacement', value: 'right' },
      { id: 'unit', value: 's' },
    ]);
  const holds = timeseries(
    'Hold reasons over time',
    'Share of time the controller held, by reason (stale-data, under-replicated, roll-in-flight, stabilizing, ...). Stacked; 1 means it held the whole interval.',
  )
    .unit('percentunit')
    .min(0)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
    .fillOpacity(40)
    .withTarget(
      query(
        `sum by (reason) (rate(${ofController(input, AUTOSCALER_BLOCKED)}[$__rate_interval]))`,
        '{{reason}}',
        'A',
      ),
    );
  const actions = timeseries(
    'Scaling actions',
    'Actions per interval by kind (scale-out, respread, scale-in; dry_run="true" when only reported), instances terminated, and operations abandoned.',
  )
    .drawStyle(GraphDrawStyle.Bars)
    .decimals(0)
    .min(0)
    .withTarget(
      query(
        `sum by (kind, dry_run) (increase(${ofController(input, AUTOSCALER_ACTIONS)}[$__rate_interval]))`,
        '{{kind}} (dry run {{dry_run}})',
        'A',
      ),
    )
    .withTarget(
      query(
        `sum(increase(${ofController(input, AUTOSCALER_INSTANCES_TERMINATED)}[$__rate_interval]))`,
        'instances terminated',
        'B',
      ),
    )
    .withTarget(
      query(
        `sum(increase(${ofController(input, AUTOSCALER_OPERATIONS_ABANDONED)}[$__rate_interval]))`,
        'operations abandoned',
        'C',
      ),
    );
  return [nodes, demand, moveAge, moves, holds, actions];
}

/**
 * Builds the dashboard: a "Scaling" row with the controller's panels (only when the controller
 * runs) and a "Kafka" row with brokers per node and partition health. Deterministic: the same
 * input gives byte-identical JSON.
 */
export function autoscalerDashboard(input: DashboardInput): Dashboard {
  const builder = new DashboardBuilder(dashboardTitle(input.clusterName))
    .uid(dashboardUid(input.clusterName))
    .tags(['kafka', 'strimzi', 'autoscaling', 'generated'])
    .description(
      'Generated by `npm run synth` from the platform spec (charts/dashboard). Do not edit in Grafana; change the code.',
    )
    .readonly()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(
      new DatasourceVariableBuilder(DATASOURCE_VARIABLE)
        .label('Data source')
        .type('prometheus')
        .current({ selected: true, text: 'Prometheus', value: 'prometheus' }),
    );
  // Panel IDs are API (links and embeds use them): numbered in order, rows included.
  let nextId = 1;
  if (input.controllerDeployed) {
    builder.withRow(new RowBuilder('Scaling').id(nextId++));
    for (const panel of controllerPanels(input)) builder.withPanel(panel.id(nextId++));
  }
  builder.withRow(new RowBuilder('Kafka').id(nextId++));
  for (const panel of kafkaPanels(input)) builder.withPanel(panel.id(nextId++));
  return builder.build();
}

/** Every panel's PromQL, by title (rows have none). */
export function dashboardQueries(dashboard: Dashboard): DashboardQueries {
  const result: Record<string, string[]> = {};
  for (const panel of dashboard.panels ?? []) {
    if (panel.type === 'row') continue;
    const targets = ('targets' in panel ? panel.targets : undefined) ?? [];
    result[panel.title ?? ''] = targets.map(
      (target: unknown) => (target as { expr?: string }).expr ?? '',
    );
  }
  return result;
}
