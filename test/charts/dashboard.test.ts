/**
 * The Grafana dashboard: every query reads a metric that is really exported, the emitted JSON is a
 * dashboard by the Foundation SDK's own types, and the ConfigMap is what the kube-prometheus-stack
 * sidecar loads.
 */
import type * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { defaultDashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { Testing } from 'cdk8s';
import {
  autoscalerDashboard,
  dashboardInputFromSpec,
  dashboardQueries,
} from '../../charts/dashboard/autoscaler-dashboard';
import { dashboardConfigMap } from '../../charts/dashboard/config-map';
import { MonitoringChart } from '../../charts/monitoring-chart';
import * as metricNames from '../../charts/monitoring/metric-names';
import { ControllerMetrics } from '../../controller/metrics';
import * as kafkaMetrics from '../../spec/kafka-metrics';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

/** Every metric name the controller's registry really serves at /metrics. */
function controllerExported(): Set<string> {
  const metrics = new ControllerMetrics({ defaultMetrics: false });
  return new Set(metrics.registry.getMetricsAsArray().map(metric => metric.name));
}

/** Strimzi Metrics Reporter series (their one home) and the kube-state-metrics series we read. */
const STRIMZI_EXPORTED = new Set(Object.values(kafkaMetrics));
const KUBE_STATE_METRICS_EXPORTED = new Set([metricNames.POD_INFO]);

const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * Metric names in a PromQL expression, found independently of the code under test: drop string
 * literals, label matchers, range selectors and grouping clauses, then keep identifiers that are
 * not function calls or operators.
 */
function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice((match.index ?? 0) + match[0].length).trimStart();
    if (after.startsWith('(')) continue;
    if (PROMQL_WORDS.has(match[0].toLowerCase())) continue;
    names.push(match[0]);
  }
  return names;
}

// Key sets taken from the SDK's types: the compiler rejects a missing or an extra key, so these
// lists are exactly the fields the library defines.
const DASHBOARD_KEYS: Record<keyof dashboardTypes.Dashboard, true> = {
  id: true,
  uid: true,
  title: true,
  description: true,
  revision: true,
  gnetId: true,
  tags: true,
  timezone: true,
  editable: true,
  graphTooltip: true,
  time: true,
  timepicker: true,
  fiscalYearStartMonth: true,
  liveNow: true,
  weekStart: true,
  refresh: true,
  schemaVersion: true,
  version: true,
  panels: true,
  templating: true,
  annotations: true,
  links: true,
  snapshot: true,
  preload: true,
};
const PANEL_KEYS: Record<keyof dashboardTypes.Panel, true> = {
  type: true,
  id: true,
  pluginVersion: true,
  targets: true,
  title: true,
  description: true,
  transparent: true,
  datasource: true,
  gridPos: true,
  links: true,
  repeat: true,
  repeatDirection: true,
  maxPerRow: true,
  maxDataPoints: true,
  transformations: true,
  interval: true,
  timeFrom: true,
  timeShift: true,
  hideTimeOverride: true,
  timeCompare: true,
  libraryPanel: true,
  cacheTimeout: true,
  queryCachingTTL: true,
  options: true,
  fieldConfig: true,
};
const ROW_KEYS: Record<keyof dashboardTypes.RowPanel, true> = {
  type: true,
  collapsed: true,
  title: true,
  datasource: true,
  gridPos: true,
  id: true,
  panels: true,
  repeat: true,
};
const GRID_KEYS: Record<keyof dashboardTypes.GridPos, true> = {
  h: true,
  w: true,
  x: true,
  y: true,
  static: true,
};
const QUERY_KEYS: Record<
  Exclude<keyof prometheus.Dataquery, '_implementsDataqueryVariant'>,
  true
> = {
  adhocFilters: true,
  datasource: true,
  editorMode: true,
  exemplar: true,
  expr: true,
  format: true,
  groupByKeys: true,
  hide: true,
  instant: true,
  intervalFactor: true,
  intervalMs: true,
  legendFormat: true,
  maxDataPoints: true,
  queryType: true,
  range: true,
  refId: true,
  resultAssertions: true,
  scopes: true,
  timeRange: true,
  interval: true,
};
const DATASOURCE_KEYS: Record<keyof common.DataSourceRef, true> = {
  type: true,
  uid: true,
};

function expectKeysWithin(value: object, allowed: object, where: string): void {
  const unknown = Object.keys(value).filter(key => !(key in allowed));
  expect({ where, unknown }).toEqual({ where, unknown: [] });
}

/** Parses dashboard JSON and checks it against the SDK's Dashboard, Panel and query types. */
function parseDashboard(json: string): dashboardTypes.Dashboard {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  expectKeysWithin(parsed, DASHBOARD_KEYS, 'dashboard');
  const dashboard = parsed as unknown as dashboardTypes.Dashboard;
  expect(dashboard.schemaVersion).toBe(defaultDashboard().schemaVersion);
  expect(Array.isArray(dashboard.templating.list)).toBe(true);
  expect(typeof dashboard.annotations).toBe('object');
  const ids = new Set<number>();
  for (const panel of dashboard.panels ?? []) {
    const where = `panel ${String(panel.title)}`;
    expect(typeof panel.id).toBe('number');
    expect(ids.has(panel.id ?? -1)).toBe(false);
    ids.add(panel.id ?? -1);
    expectKeysWithin(panel.gridPos ?? {}, GRID_KEYS, `${where} gridPos`);
    expect(panel.gridPos?.w).toBeGreaterThan(0);
    expect((panel.gridPos?.x ?? 0) + (panel.gridPos?.w ?? 0)).toBeLessThanOrEqual(24);
    if (panel.type === 'row') {
      expectKeysWithin(panel, ROW_KEYS, where);
      continue;
    }
    expectKeysWithin(panel, PANEL_KEYS, where);
    expect(['timeseries', 'stat']).toContain(panel.type);
    expectKeysWithin(panel.datasource ?? {}, DATASOURCE_KEYS, `${where} datasource`);
    const targets = (panel as dashboardTypes.Panel).targets;
    expect(targets?.length).toBeGreaterThan(0);
    for (const target of targets ?? []) {
      expectKeysWithin(target, QUERY_KEYS, `${where} target`);
      expect(typeof (target as unknown as prometheus.Dataquery).expr).toBe('string');
    }
  }
  return dashboard;
}

const REQUIRED_PANELS = [
  'Nodes per zone against the desired level',
  'Demand against capacity per zone',
  'Brokers per node',
  'Broker move in flight: age',
  'Broker moves',
  'Hold reasons over time',
  'Under-replicated partitions',
  'Scaling actions',
];

describe('autoscaler dashboard', () => {
  const { spec } = parseSpec(specInput(3, 4));
  const map = dashboardConfigMap(spec);
  const json = Object.values(map.data)[0] ?? '';
  const dashboard = parseDashboard(json);
  const queries = dashboardQueries(dashboard);

  it('has every panel the issue lists, each with a query', () => {
    expect(Object.keys(queries)).toEqual(expect.arrayContaining(REQUIRED_PANELS));
    for (const title of REQUIRED_PANELS) expect(queries[title]?.length).toBeGreaterThan(0);
  });

  it('reads only metrics that are really exported', () => {
    const exported = new Set([
      ...controllerExported(),
      ...STRIMZI_EXPORTED,
      ...KUBE_STATE_METRICS_EXPORTED,
    ]);
    const used = new Set<string>();
    for (const [title, exprs] of Object.entries(queries)) {
      for (const expr of exprs) {
        const names = metricNamesIn(expr);
        expect({ title, expr, names: names.length > 0 }).toEqual({ title, expr, names: true });
        for (const name of names) {
          expect({ title, name, exported: exported.has(name) }).toEqual({
            title,
            name,
            exported: true,
          });
          used.add(name);
        }
      }
    }
    // The panels cover the controller's scaling series and the Kafka health series.
    expect([...used]).toEqual(
      expect.arrayContaining([
        'kafka_autoscaler_current_nodes',
        'kafka_autoscaler_desired_nodes',
        'kafka_autoscaler_zone_demand_mibps',
        'kafka_autoscaler_current_move_age_seconds',
        'kafka_autoscaler_blocked_seconds_total',
        'kafka_autoscaler_actions_total',
        kafkaMetrics.UNDER_REPLICATED_PARTITIONS,
      ]),
    );
  });

  it('the metric-name home names only series the controller registry serves', () => {
    const exported = controllerExported();
    const controllerNames = Object.values(metricNames).filter(name =>
      name.startsWith('kafka_autoscaler_'),
    );
    expect(controllerNames.length).toBeGreaterThan(8);
    for (const name of controllerNames)
      expect({ name, ok: exported.has(name) }).toEqual({ name, ok: true });
  });

  it('the metric-name check itself catches a misspelt metric', () => {
    expect(
      metricNamesIn('sum by (zone) (rate(kafka_autoscaler_blocked_second_total{a="b"}[5m]))'),
    ).toEqual(['kafka_autoscaler_blocked_second_total']);
    expect(metricNamesIn('max by (zone) (a{n="x"} and on (namespace, pod) (b == 1)) * 3')).toEqual([
      'a',
      'b',
    ]);
  });

  it('keeps controller series to this platform and to the leader', () => {
    for (const expr of queries['Nodes per zone against the desired level'] ?? []) {
      expect(expr).toContain('{namespace="kafka-autoscaler"}');
      expect(expr).toContain(
        'and on (namespace, pod) (kafka_autoscaler_leader{namespace="kafka-autoscaler"} == 1)',
      );
    }
  });

  it('draws capacity as Ready nodes x baseline x target utilization', () => {
    const input = dashboardInputFromSpec(spec);
    const capacity = queries['Demand against capacity per zone']?.[1] ?? '';
    expect(capacity).toMatch(
      new RegExp(`\\* ${input.nodeBaselineMiBps * spec.autoscaling.targetUtilization}$`),
    );
  });

  it("counts brokers per node for this cluster's pools only", () => {
    const [expr] = queries['Brokers per node'] ?? [];
    expect(expr).toContain('pod=~"(test-brokers-a|test-brokers-b|test-brokers-c)-[0-9]+"');
    expect(expr).toContain('namespace="kafka"');
  });

  it('is the same JSON every time', () => {
    expect(Object.values(dashboardConfigMap(spec).data)[0]).toBe(json);
  });

  it('has no controller panels when the controller is not deployed', () => {
    const loaded = parseSpec(specInput(3, 4, { autoscaling: { mode: 'target-tracking' } }));
    const other = dashboardQueries(autoscalerDashboard(dashboardInputFromSpec(loaded.spec)));
    expect(Object.keys(other)).toEqual(['Brokers per node', 'Under-replicated partitions']);
    expect(Object.values(other).flat().join(' ')).not.toContain('kafka_autoscaler_');
  });
});

describe('dashboard ConfigMap in the monitoring chart', () => {
  it('is labelled for the kube-prometheus-stack sidecar and holds the dashboard JSON', () => {
    const { spec } = parseSpec(specInput(3, 4));
    const objects = Testing.synth(new MonitoringChart(Testing.app(), 'monitoring', { spec }));
    const maps = objects.filter(o => o.kind === 'ConfigMap');
    expect(maps).toHaveLength(1);
    const map = maps[0] as {
      metadata: { name: string; namespace: string; labels: Record<string, string> };
      data: Record<string, string>;
    };
    expect(map.metadata).toEqual({
      name: 'test-kafka-autoscaling-dashboard',
      namespace: 'monitoring',
      labels: { grafana_dashboard: '1' },
    });
    expect(Object.keys(map.data)).toEqual(['test-kafka-autoscaling-dashboard.json']);
    const dashboard = parseDashboard(map.data['test-kafka-autoscaling-dashboard.json'] ?? '');
    expect(dashboard.uid).toBe('kafka-autoscaling-test');
    // A ConfigMap holds at most 1 MiB.
    expect(Buffer.byteLength(JSON.stringify(map.data))).toBeLessThan(1024 * 1024);
  });
});
