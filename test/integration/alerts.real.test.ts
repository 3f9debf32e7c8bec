/**
 * The alerting rules the monitoring chart renders, judged by Prometheus's own `promtool`: every
 * rule group must pass `promtool check rules`, and `promtool test rules` replays series through the
 * alerts to show when they fire: every alert fires on series shaped as its exporter writes them
 * (names from `charts/monitoring/metric-names.ts` and `spec/kafka-metrics.ts`, label names from
 * the exporters' documentation: kube-state-metrics, kubelet, cert-manager, the Strimzi metrics
 * configuration) and stays quiet on healthy ones; a held operation fires
 * `KafkaAutoscalerBlocked`, the scale-in window and a group at its minimum do not
 * (`ORDINARY_WAIT_REASONS`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import type { JsonObject } from '../../charts/checks/objects';
import { MonitoringChart } from '../../charts/monitoring-chart';
import { ORDINARY_WAIT_REASONS, type AlertGroup } from '../../charts/monitoring/alerts';
import {
  AUTOSCALER_ADMISSION_FENCE_REFUSALS,
  AUTOSCALER_BLOCKED,
  AUTOSCALER_CURRENT_MOVE_AGE,
  AUTOSCALER_NODES_HELD_CORDONED,
  AUTOSCALER_ROLLBACK_LOOP_HELD,
  CERTIFICATE_EXPIRY,
  DEPLOYMENT_AVAILABLE_REPLICAS,
  POD_READY,
  VOLUME_AVAILABLE_BYTES,
  VOLUME_CAPACITY_BYTES,
} from '../../charts/monitoring/metric-names';
import {
  OFFLINE_PARTITIONS,
  UNDER_MIN_ISR_PARTITIONS,
  UNDER_REPLICATED_PARTITIONS,
} from '../../spec/kafka-metrics';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';
import { prometheusPath } from './peers';

type Overrides = Parameters<typeof specInput>[2];

/** One input series of a promtool test: `name{labels}` and its values, one per minute. */
interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly values: string;
}

/**
 * How one alert is replayed: series on which it must fire (with the labels the alert then carries
 * besides `severity`), healthy series on which it must not, and when to look (past its `for`).
 */
interface Replay {
  readonly firing: readonly Series[];
  readonly firingLabels: Readonly<Record<string, string>>;
  readonly healthy: readonly Series[];
  readonly evalTime: string;
  /** The alert expression's value then, as `{{ $value }}` prints it. */
  readonly value: string;
}

const seriesText = (series: Series) =>
  `${series.name}{${Object.entries(series.labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',')}}`;

/** `{{ $labels.x }}` and `{{ $value }}` replaced as Prometheus expands them for an alert. */
const expand = (text: string, labels: Readonly<Record<string, string>>, value: string) =>
  text
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, key: string) => labels[key] ?? '')
    .replace(/\{\{ \$value \}\}/g, value);

function ruleGroups(overrides: Overrides): AlertGroup[] {
  const { spec } = parseSpec(specInput(3, 4, overrides));
  const objects = Testing.synth(
    new MonitoringChart(Testing.app(), 'monitoring', { spec }),
  ) as JsonObject[];
  const rule = objects.find(o => o.kind === 'PrometheusRule');
  return (rule?.spec as { groups: AlertGroup[] }).groups;
}

describe('alerting rules against promtool', () => {
  const promtool = join(dirname(prometheusPath()), 'promtool');
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alerts-it-'));
  });

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  function promtoolRun(args: string[]): string {
    try {
      return execFileSync(promtool, args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      throw new Error(`promtool ${args.join(' ')} failed:\n${failed.stdout}\n${failed.stderr}`);
    }
  }

  test.each([
    ['the controller mode', {}],
    ['the target-tracking mode', { autoscaling: { mode: 'target-tracking' } }],
    [
      'custom thresholds',
      {
        monitoring: {
          brokerMoveStuckMinutes: 45,
          autoscalerBlockedMinutes: 90,
          diskFillingPercent: 70,
        },
      },
    ],
  ] as [string, Overrides][])(
    '%s: every rule group passes promtool check rules',
    (_, overrides) => {
      const file = join(dir, 'check.yaml');
      writeFileSync(file, stringify({ groups: ruleGroups(overrides) }));
      expect(promtoolRun(['check', 'rules', file])).toMatch(/SUCCESS: \d+ rules found/);
    },
  );

  test('every alert fires on series shaped as its exporter writes them, and not on healthy ones', () => {
    const { spec } = parseSpec(specInput(3, 4));
    const groups = ruleGroups({});
    writeFileSync(join(dir, 'all-rules.yaml'), stringify({ groups }));
    const kafka = spec.kafka.namespace;
    const broker = { namespace: kafka, pod: `${spec.name}-brokers-a-1000` };
    const controllerPod = { namespace: kafka, pod: `${spec.name}-controllers-3000` };
    const pvc = { namespace: kafka, persistentvolumeclaim: `data-0-${spec.name}-brokers-a-1000` };
    const drainCleaner = { namespace: spec.drainCleaner.namespace };
    const autoscaler = { namespace: spec.controller.namespace, pod: 'kafka-autoscaler-0' };
    const constant = (value: number) => `${value}x180`;
    const replays: Record<string, Replay> = {
      KafkaUnderReplicatedPartitions: {
        firing: [{ name: UNDER_REPLICATED_PARTITIONS, labels: broker, values: constant(3) }],
        firingLabels: {},
        healthy: [{ name: UNDER_REPLICATED_PARTITIONS, labels: broker, values: constant(0) }],
        evalTime: '30m',
        value: '3',
      },
      KafkaUnderMinIsr: {
        firing: [
          {
            name: UNDER_MIN_ISR_PARTITIONS,
            labels: { ...broker, topic: 'orders', partition: '0' },
            values: constant(1),
          },
        ],
        firingLabels: {},
        healthy: [
          {
            name: UNDER_MIN_ISR_PARTITIONS,
            labels: { ...broker, topic: 'orders', partition: '0' },
            values: constant(0),
          },
        ],
        evalTime: '30m',
        value: '1',
      },
      KafkaOfflinePartitions: {
        firing: [{ name: OFFLINE_PARTITIONS, labels: controllerPod, values: constant(2) }],
        firingLabels: {},
        healthy: [{ name: OFFLINE_PARTITIONS, labels: controllerPod, values: constant(0) }],
        evalTime: '30m',
        value: '2',
      },
      KafkaBrokerNotReady: {
        firing: [
          { name: POD_READY, labels: { ...broker, condition: 'true' }, values: constant(0) },
          { name: POD_READY, labels: { ...broker, condition: 'false' }, values: constant(1) },
        ],
        firingLabels: { pod: broker.pod },
        healthy: [
          { name: POD_READY, labels: { ...broker, condition: 'true' }, values: constant(1) },
          { name: POD_READY, labels: { ...broker, condition: 'false' }, values: constant(0) },
        ],
        evalTime: '30m',
        value: '0',
      },
      KafkaBrokerDiskFilling: {
        // 100 GiB volumes: 5 GiB left is 95% full, 50 GiB left is 50%.
        firing: [
          { name: VOLUME_CAPACITY_BYTES, labels: pvc, values: constant(100 * 2 ** 30) },
          { name: VOLUME_AVAILABLE_BYTES, labels: pvc, values: constant(5 * 2 ** 30) },
        ],
        firingLabels: pvc,
        healthy: [
          { name: VOLUME_CAPACITY_BYTES, labels: pvc, values: constant(100 * 2 ** 30) },
          { name: VOLUME_AVAILABLE_BYTES, labels: pvc, values: constant(50 * 2 ** 30) },
        ],
        evalTime: '30m',
        value: '95',
      },
      DrainCleanerDegraded: {
        firing: [
          {
            name: DEPLOYMENT_AVAILABLE_REPLICAS,
            labels: { ...drainCleaner, deployment: 'strimzi-drain-cleaner' },
            values: constant(spec.drainCleaner.replicas - 1),
          },
        ],
        firingLabels: { ...drainCleaner, deployment: 'strimzi-drain-cleaner' },
        healthy: [
          {
            name: DEPLOYMENT_AVAILABLE_REPLICAS,
            labels: { ...drainCleaner, deployment: 'strimzi-drain-cleaner' },
            values: constant(spec.drainCleaner.replicas),
          },
        ],
        evalTime: '30m',
        value: String(spec.drainCleaner.replicas - 1),
      },
      DrainCleanerCertificateExpiring: {
        // promtool's clock starts at 0: expiry 10 days ahead fires, 30 days ahead does not.
        firing: [
          {
            name: CERTIFICATE_EXPIRY,
            labels: { ...drainCleaner, name: 'strimzi-drain-cleaner' },
            values: constant(10 * 86400),
          },
        ],
        firingLabels: { ...drainCleaner, name: 'strimzi-drain-cleaner' },
        healthy: [
          {
            name: CERTIFICATE_EXPIRY,
            labels: { ...drainCleaner, name: 'strimzi-drain-cleaner' },
            values: constant(30 * 86400),
          },
        ],
        evalTime: '90m',
        value: '858600',
      },
      KafkaBrokerMoveStuck: {
        firing: [{ name: AUTOSCALER_CURRENT_MOVE_AGE, labels: autoscaler, values: '2400+60x180' }],
        firingLabels: {},
        healthy: [{ name: AUTOSCALER_CURRENT_MOVE_AGE, labels: autoscaler, values: constant(0) }],
        evalTime: '30m',
        value: '4200',
      },
      KafkaNodeHeldCordoned: {
        // One node held (the gauge already waited the controller's phase deadline); the former
        // leader's series reads 0 beside it.
        firing: [
          { name: AUTOSCALER_NODES_HELD_CORDONED, labels: autoscaler, values: constant(1) },
          {
            name: AUTOSCALER_NODES_HELD_CORDONED,
            labels: { ...autoscaler, pod: 'kafka-autoscaler-1' },
            values: constant(0),
          },
        ],
        firingLabels: {},
        healthy: [
          { name: AUTOSCALER_NODES_HELD_CORDONED, labels: autoscaler, values: constant(0) },
        ],
        evalTime: '30m',
        value: '1',
      },
      KafkaAutoscalerRollbackLoop: {
        // The leader holds remove-node operations in zone a; a former leader's series reads 0.
        firing: [
          {
            name: AUTOSCALER_ROLLBACK_LOOP_HELD,
            labels: { ...autoscaler, zone: 'us-east-1a', kind: 'remove-node' },
            values: constant(1),
          },
          {
            name: AUTOSCALER_ROLLBACK_LOOP_HELD,
            labels: {
              ...autoscaler,
              pod: 'kafka-autoscaler-1',
              zone: 'us-east-1a',
              kind: 'remove-node',
            },
            values: constant(0),
          },
        ],
        firingLabels: { zone: 'us-east-1a', kind: 'remove-node' },
        healthy: [
          {
            name: AUTOSCALER_ROLLBACK_LOOP_HELD,
            labels: { ...autoscaler, zone: 'us-east-1a', kind: 'remove-node' },
            values: constant(0),
          },
        ],
        evalTime: '30m',
        value: '1',
      },
      KafkaAutoscalerFenceRefusals: {
        // A replica refused at every pass (once a minute here): 15 in the window.
        firing: [
          { name: AUTOSCALER_ADMISSION_FENCE_REFUSALS, labels: autoscaler, values: '0+1x180' },
        ],
        firingLabels: {},
        // A takeover: the old leader's write in flight refused at 20 min, the new leader's first
        // write at 25 min (the API server's cache still showed the old Lease): 2, not repeated.
        healthy: [
          { name: AUTOSCALER_ADMISSION_FENCE_REFUSALS, labels: autoscaler, values: '0x20 1x160' },
          {
            name: AUTOSCALER_ADMISSION_FENCE_REFUSALS,
            labels: { ...autoscaler, pod: 'kafka-autoscaler-1' },
            values: '0x25 1x155',
          },
        ],
        evalTime: '30m',
        value: '15',
      },
      KafkaAutoscalerBlocked: {
        firing: [
          {
            name: AUTOSCALER_BLOCKED,
            labels: { ...autoscaler, reason: 'under-replicated' },
            values: '0+60x180',
          },
        ],
        firingLabels: { reason: 'under-replicated' },
        healthy: [
          {
            name: AUTOSCALER_BLOCKED,
            labels: { ...autoscaler, reason: 'under-replicated' },
            values: constant(0),
          },
        ],
        evalTime: '120m',
        value: '1',
      },
    };
    const rules = groups.flatMap(group => group.rules);
    // A new alert without a replay here fails this test: every alert is judged, not a sample.
    expect(Object.keys(replays).sort()).toEqual(rules.map(r => r.alert).sort());
    const tests = rules.flatMap(rule => {
      const replay = replays[rule.alert];
      const labels = { ...replay.firingLabels, severity: rule.labels.severity };
      const annotations = Object.fromEntries(
        Object.entries(rule.annotations).map(([key, text]) => [
          key,
          expand(text, labels, replay.value),
        ]),
      );
      const inputs = (series: readonly Series[]) =>
        series.map(each => ({ series: seriesText(each), values: each.values }));
      return [
        {
          interval: '1m',
          input_series: inputs(replay.firing),
          alert_rule_test: [
            {
              eval_time: replay.evalTime,
              alertname: rule.alert,
              exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }],
            },
          ],
        },
        {
          interval: '1m',
          input_series: inputs(replay.healthy),
          alert_rule_test: [{ eval_time: replay.evalTime, alertname: rule.alert, exp_alerts: [] }],
        },
      ];
    });
    writeFileSync(
      join(dir, 'all-tests.yaml'),
      stringify({ rule_files: ['all-rules.yaml'], evaluation_interval: '1m', tests }),
    );
    expect(promtoolRun(['test', 'rules', 'all-tests.yaml'])).toMatch(/SUCCESS/);
  });

  test('KafkaAutoscalerBlocked fires for a held operation, not for ordinary waits', () => {
    const groups = ruleGroups({ monitoring: { autoscalerBlockedMinutes: 60 } });
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
    const operations = groups.flatMap(g => g.rules);
    const blocked = operations.find(r => r.alert === 'KafkaAutoscalerBlocked');
    if (blocked === undefined) throw new Error('KafkaAutoscalerBlocked missing');
    const ns = 'namespace="kafka-autoscaler"';
    // Held the whole time: the counter grows by 60 s every minute, for 3 hours.
    const heldFor = (reason: string) => ({
      series: `${AUTOSCALER_BLOCKED}{${ns},pod="kafka-autoscaler-0",reason="${reason}"}`,
      values: '0+60x180',
    });
    const firingBlocked = (reason: string) => ({
      exp_labels: { reason, severity: 'warning' },
      exp_annotations: {
        ...blocked.annotations,
        summary: blocked.annotations.summary.replace('{{ $labels.reason }}', reason),
      },
    });
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [heldFor('operation-in-flight')],
          alert_rule_test: [
            // 5 minutes of rate window plus the 60-minute `for`: not yet at 50 minutes...
            { eval_time: '50m', alertname: 'KafkaAutoscalerBlocked', exp_alerts: [] },
            {
              eval_time: '120m',
              alertname: 'KafkaAutoscalerBlocked',
              exp_alerts: [firingBlocked('operation-in-flight')],
            },
          ],
        },
        ...ORDINARY_WAIT_REASONS.map(reason => ({
          interval: '1m',
          input_series: [heldFor(reason)],
          alert_rule_test: [
            { eval_time: '170m', alertname: 'KafkaAutoscalerBlocked', exp_alerts: [] },
          ],
        })),
      ],
    };
    writeFileSync(join(dir, 'tests.yaml'), stringify(tests));
    expect(promtoolRun(['test', 'rules', 'tests.yaml'])).toMatch(/SUCCESS/);
  });
});
