import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { DeschedulerChart } from '../../charts/descheduler-chart';
import { deschedulerPolicyProblems } from '../../charts/checks/descheduler';
import type { JsonObject } from '../../charts/checks/objects';
import { grantsFor } from '../../charts/checks/rbac';
import { DESCHEDULER_IMAGE } from '../../charts/operators/versions';
import { components } from '../../charts/registry';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

function synth(overrides: Parameters<typeof specInput>[2] = {}): JsonObject[] {
  const { spec } = parseSpec(
    specInput(3, 4, { autoscaling: { mode: 'target-tracking' }, ...overrides }),
  );
  return Testing.synth(
    new DeschedulerChart(Testing.app(), 'descheduler', { spec }),
  ) as JsonObject[];
}

function find(objects: JsonObject[], kind: string): JsonObject {
  const found = objects.find(object => object.kind === kind);
  if (found === undefined) throw new Error(`no ${kind}`);
  return found;
}

describe('DeschedulerChart', () => {
  test('matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  test('ships a broker-only, one-eviction policy that passes the policy checks', () => {
    const configMap = find(synth(), 'ConfigMap') as JsonObject & { data: Record<string, string> };
    const policy = parse(configMap.data['policy.yaml'] ?? '');
    expect(policy.apiVersion).toBe('descheduler/v1alpha2');
    expect(policy.maxNoOfPodsToEvictTotal).toBe(1);
    expect(
      deschedulerPolicyProblems(policy, { kafkaNamespace: 'kafka', clusterName: 'test' }),
    ).toEqual([]);
  });

  test('runs one leader-elected loop with a pinned image and the spec interval', () => {
    const deployment = find(synth({ descheduler: { intervalSeconds: 600 } }), 'Deployment');
    const spec = deployment.spec as {
      replicas: number;
      template: { spec: { containers: Array<{ image: string; args: string[] }> } };
    };
    const [container] = spec.template.spec.containers;
    expect(spec.replicas).toBe(1);
    expect(container?.image).toBe(DESCHEDULER_IMAGE);
    expect(DESCHEDULER_IMAGE).toMatch(/:v\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$/);
    expect(container?.args).toEqual(
      expect.arrayContaining([
        '--descheduling-interval=600s',
        '--leader-elect=true',
        '--leader-elect-resource-namespace=kafka-descheduler',
      ]),
    );
  });

  test('rolls out with an explicit surge-first strategy', () => {
    const deployment = find(synth(), 'Deployment');
    expect((deployment.spec as { strategy?: unknown }).strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });

  test('may evict but never delete pods, and holds only its own lease', () => {
    const grants = grantsFor(synth(), { name: 'descheduler', namespace: 'kafka-descheduler' });
    expect(grants).toContain('* /pods/eviction create');
    expect(grants.filter(grant => grant.endsWith(' delete'))).toEqual([]);
    expect(grants.filter(grant => grant.includes('secrets'))).toEqual([]);
    expect(grants.filter(grant => grant.includes('leases') && !grant.includes('create'))).toEqual([
      'kafka-descheduler coordination.k8s.io/leases[descheduler] get',
      'kafka-descheduler coordination.k8s.io/leases[descheduler] patch',
      'kafka-descheduler coordination.k8s.io/leases[descheduler] update',
    ]);
  });

  test.each([
    ['target-tracking', undefined, true],
    ['controller', undefined, false],
    ['controller', true, true],
    ['target-tracking', false, false],
  ] as const)('mode %s with enabled=%s emits the descheduler: %s', (mode, enabled, expected) => {
    const loaded = parseSpec(specInput(3, 2, { autoscaling: { mode }, descheduler: { enabled } }));
    const entry = components.find(component => component.name === 'descheduler');
    expect(entry?.build(Testing.app(), loaded) !== undefined).toBe(expected);
  });
});
