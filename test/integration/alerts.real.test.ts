/**
 * The alerting rules the monitoring chart renders, judged by Prometheus's own `promtool`: every
 * rule group must pass `promtool check rules`, and `promtool test rules` replays series through the
 * autoscaler's alerts to show when they fire (a held operation does, the scale-in window and a
 * group at its minimum do not: `ORDINARY_WAIT_REASONS`).
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
  AUTOSCALER_BLOCKED,
  AUTOSCALER_CURRENT_MOVE_AGE,
} from '../../charts/monitoring/metric-names';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';
import { prometheusPath } from './peers';

type Overrides = Parameters<typeof specInput>[2];

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

  test('KafkaAutoscalerBlocked fires for a held operation, not for ordinary waits; KafkaBrokerMoveStuck fires past its threshold', () => {
    const groups = ruleGroups({ monitoring: { autoscalerBlockedMinutes: 60 } });
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
    const operations = groups.flatMap(g => g.rules);
    const blocked = operations.find(r => r.alert === 'KafkaAutoscalerBlocked');
    const stuck = operations.find(r => r.alert === 'KafkaBrokerMoveStuck');
    if (blocked === undefined || stuck === undefined) throw new Error('alerts missing');
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
        {
          interval: '1m',
          // A move 40 minutes old that keeps running (the default threshold is 30 minutes).
          input_series: [
            {
              series: `${AUTOSCALER_CURRENT_MOVE_AGE}{${ns},pod="kafka-autoscaler-0"}`,
              values: '2400+60x60',
            },
          ],
          alert_rule_test: [
            {
              eval_time: '60m',
              alertname: 'KafkaBrokerMoveStuck',
              exp_alerts: [
                { exp_labels: { severity: 'warning' }, exp_annotations: stuck.annotations },
              ],
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'tests.yaml'), stringify(tests));
    expect(promtoolRun(['test', 'rules', 'tests.yaml'])).toMatch(/SUCCESS/);
  });
});
