import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import type { JsonObject } from '../../charts/checks/objects';
import { MonitoringChart } from '../../charts/monitoring-chart';
import type { AlertGroup } from '../../charts/monitoring/alerts';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

const RUNBOOK_DIR = join(__dirname, '..', '..', 'docs', 'runbooks');

function synth(overrides: Parameters<typeof specInput>[2] = {}): JsonObject[] {
  const { spec } = parseSpec(specInput(3, 2, overrides));
  return Testing.synth(new MonitoringChart(Testing.app(), 'monitoring', { spec })) as JsonObject[];
}

function alerts(objects: JsonObject[]): AlertGroup['rules'][number][] {
  const rule = objects.find(o => o.kind === 'PrometheusRule');
  return (rule?.spec as { groups: AlertGroup[] }).groups.flatMap(group => [...group.rules]);
}

describe('MonitoringChart', () => {
  test('matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  test('scrapes brokers, controllers, the operator and the Drain Cleaner', () => {
    const monitors = synth().filter(o => o.kind === 'PodMonitor');
    expect(
      monitors.map(m => `${String(m.metadata?.namespace)}/${String(m.metadata?.name)}`),
    ).toEqual([
      'kafka/test-brokers',
      'kafka/test-controllers',
      'strimzi/strimzi-cluster-operator',
      'strimzi-drain-cleaner/strimzi-drain-cleaner',
    ]);
  });

  test('has every required alert in controller mode', () => {
    expect(alerts(synth()).map(a => a.alert)).toEqual(
      expect.arrayContaining([
        'KafkaUnderReplicatedPartitions',
        'KafkaUnderMinIsr',
        'KafkaOfflinePartitions',
        'KafkaBrokerNotReady',
        'KafkaBrokerDiskFilling',
        'KafkaBrokerMoveStuck',
        'KafkaNodeHeldCordoned',
        'KafkaAutoscalerBlocked',
        'KafkaAutoscalerRollbackLoop',
        'KafkaAutoscalerFenceRefusals',
      ]),
    );
  });

  test('the fence refusal alert goes with the admission fence: none when the fence is off', () => {
    const names = (overrides: Parameters<typeof specInput>[2]) =>
      alerts(synth(overrides)).map(a => a.alert);
    expect(names({})).toContain('KafkaAutoscalerFenceRefusals');
    expect(names({ controller: { admissionFence: false } })).not.toContain(
      'KafkaAutoscalerFenceRefusals',
    );
    expect(names({ autoscaling: { mode: 'target-tracking' } })).not.toContain(
      'KafkaAutoscalerFenceRefusals',
    );
  });

  test('every alert links to a runbook that exists', () => {
    for (const alert of alerts(synth())) {
      const file = alert.annotations.runbook_url.split('/').pop() ?? '';
      expect(alert.annotations.runbook_url).toMatch(/docs\/runbooks\/[a-z-]+\.md$/);
      expect(existsSync(join(RUNBOOK_DIR, file))).toBe(true);
    }
  });

  test('thresholds follow the spec', () => {
    const byName = Object.fromEntries(
      alerts(
        synth({
          monitoring: {
            brokerMoveStuckMinutes: 45,
            autoscalerBlockedMinutes: 90,
            diskFillingPercent: 70,
          },
        }),
      ).map(a => [a.alert, a]),
    );
    expect(byName.KafkaBrokerMoveStuck?.expr).toBe(
      'max(kafka_autoscaler_current_move_age_seconds{namespace="kafka-autoscaler"}) > 2700',
    );
    expect(byName.KafkaAutoscalerBlocked?.for).toBe('90m');
    expect(byName.KafkaBrokerDiskFilling?.expr).toContain('> 70');
  });

  test('target-tracking mode has no controller alerts', () => {
    const names = alerts(synth({ autoscaling: { mode: 'target-tracking' } })).map(a => a.alert);
    expect(names).not.toContain('KafkaAutoscalerBlocked');
    expect(names).not.toContain('KafkaNodeHeldCordoned');
    expect(names).not.toContain('KafkaAutoscalerRollbackLoop');
  });
});
