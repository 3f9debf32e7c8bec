import { Testing } from 'cdk8s';
import { AutoscalerChart } from '../../charts/autoscaler-chart';
import type { JsonObject } from '../../charts/checks/objects';
import { grantsFor, rbacProblems } from '../../charts/checks/rbac';
import { controllerConfigFromSpec } from '../../controller/config';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

function synth(overrides: Parameters<typeof specInput>[2] = {}): JsonObject[] {
  const loaded = parseSpec(specInput(3, 4, overrides));
  return Testing.synth(
    new AutoscalerChart(Testing.app(), 'autoscaler', { loaded }),
  ) as JsonObject[];
}

const SA = { name: 'kafka-autoscaler', namespace: 'kafka-autoscaler' };
/** The controller's permissions, exactly. */
export const EXPECTED_CONTROLLER_GRANTS = [
  '* /nodes get',
  '* /nodes list',
  '* /nodes patch',
  '* /nodes watch',
  'kafka /events create',
  'kafka /events patch',
  'kafka /pods get',
  'kafka /pods list',
  'kafka /pods patch',
  'kafka /pods watch',
  'kafka events.k8s.io/events create',
  'kafka events.k8s.io/events patch',
  'kafka kafka.strimzi.io/kafkanodepools get',
  'kafka kafka.strimzi.io/kafkanodepools list',
  'kafka kafka.strimzi.io/kafkanodepools watch',
  'kafka kafka.strimzi.io/kafkas get',
  'kafka kafka.strimzi.io/kafkas list',
  'kafka kafka.strimzi.io/kafkas watch',
  'kafka-autoscaler /configmaps create',
  'kafka-autoscaler /configmaps[test-kafka-autoscaler-forecast] get',
  'kafka-autoscaler /configmaps[test-kafka-autoscaler-forecast] patch',
  'kafka-autoscaler /configmaps[test-kafka-autoscaler-status] get',
  'kafka-autoscaler /configmaps[test-kafka-autoscaler-status] patch',
  'kafka-autoscaler /events create',
  'kafka-autoscaler /events patch',
  'kafka-autoscaler coordination.k8s.io/leases create',
  'kafka-autoscaler coordination.k8s.io/leases[test-kafka-autoscaler] get',
  'kafka-autoscaler coordination.k8s.io/leases[test-kafka-autoscaler] patch',
  'kafka-autoscaler coordination.k8s.io/leases[test-kafka-autoscaler] update',
  'kafka-autoscaler events.k8s.io/events create',
  'kafka-autoscaler events.k8s.io/events patch',
];

function deployment(objects: JsonObject[]): {
  replicas: number;
  template: { spec: { containers: Array<Record<string, unknown> & { image: string }> } };
} {
  const found = objects.find(object => object.kind === 'Deployment');
  return found?.spec as ReturnType<typeof deployment>;
}

describe('AutoscalerChart', () => {
  test('matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  test('grants exactly the least-privilege RBAC', () => {
    expect(rbacProblems(grantsFor(synth(), SA), EXPECTED_CONTROLLER_GRANTS)).toEqual([]);
  });

  test('an extra permission is reported (negative)', () => {
    const objects = synth();
    const clusterRole = objects.find(object => object.kind === 'ClusterRole') as JsonObject & {
      rules: unknown[];
    };
    clusterRole.rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] });
    expect(rbacProblems(grantsFor(objects, SA), EXPECTED_CONTROLLER_GRANTS)).toEqual([
      'extra permission: * /secrets get',
    ]);
  });

  test('ships the controller configuration derived from the spec', () => {
    const loaded = parseSpec(specInput(3, 4));
    const configMap = synth().find(object => object.kind === 'ConfigMap') as JsonObject & {
      data: Record<string, string>;
    };
    expect(JSON.parse(configMap.data['config.json'] ?? '')).toEqual(
      JSON.parse(JSON.stringify(controllerConfigFromSpec(loaded))),
    );
  });

  test('annotates the ServiceAccount for IRSA only when a role is given', () => {
    const arn = 'arn:aws:iam::123456789012:role/kafka-autoscaler';
    const withRole = synth({ controller: { iamRoleArn: arn } }).find(
      o => o.kind === 'ServiceAccount',
    );
    const without = synth().find(o => o.kind === 'ServiceAccount');
    expect(withRole?.metadata?.annotations).toEqual({ 'eks.amazonaws.com/role-arn': arn });
    expect(without?.metadata?.annotations).toBeUndefined();
  });

  test('runs the configured image, 2 replicas, probes on /healthz and /readyz', () => {
    const spec = deployment(synth({ controller: { image: 'example.com/ctl:1.2.3' } }));
    const [container] = spec.template.spec.containers;
    expect(spec.replicas).toBe(2);
    expect(container?.image).toBe('example.com/ctl:1.2.3');
    expect(container).toMatchObject({
      livenessProbe: { httpGet: { path: '/healthz' } },
      readinessProbe: { httpGet: { path: '/readyz' } },
      securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true },
    });
  });

  test('runs at system-cluster-critical priority beside the system add-ons', () => {
    const spec = deployment(synth()) as unknown as {
      template: { spec: { priorityClassName?: string } };
    };
    expect(spec.template.spec.priorityClassName).toBe('system-cluster-critical');
  });

  test('rolls out one surge pod at a time and never goes below its replicas', () => {
    const spec = deployment(synth()) as unknown as { strategy?: Record<string, unknown> };
    expect(spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });

  test('its PDB lets unhealthy replicas be evicted, so they never block a drain', () => {
    const pdbs = synth().filter(object => object.kind === 'PodDisruptionBudget');
    expect(pdbs).toHaveLength(1);
    expect(pdbs[0]?.spec).toMatchObject({
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });
});

describe('AutoscalerChart: the admission fence (controller/admission-fence.ts)', () => {
  type Policy = {
    spec: {
      paramKind: unknown;
      matchConstraints: {
        resourceRules: Array<{ apiGroups: string[]; resources: string[]; operations: string[] }>;
      };
      matchConditions: Array<{ expression: string }>;
    };
  };
  const policyOf = (objects: JsonObject[]) =>
    objects.find(o => o.kind === 'ValidatingAdmissionPolicy') as (JsonObject & Policy) | undefined;

  test('on by default: the policy and its binding to the controller Lease', () => {
    const objects = synth();
    const config = controllerConfigFromSpec(parseSpec(specInput(3, 4)));
    const policy = policyOf(objects);
    const binding = objects.find(o => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(policy?.metadata).toEqual({ name: 'test-kafka-autoscaler-fence' });
    expect(policy?.spec.paramKind).toEqual({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' });
    expect(binding?.spec).toEqual({
      policyName: 'test-kafka-autoscaler-fence',
      paramRef: {
        name: config.leaderElection.leaseName,
        namespace: config.leaderElection.namespace,
        parameterNotFoundAction: 'Allow',
      },
      validationActions: ['Deny'],
    });
    expect(policy?.spec.matchConditions[0].expression).toBe(
      `request.userInfo.username == "system:serviceaccount:${SA.namespace}:${SA.name}"`,
    );
  });

  test('matches every resource the rendered RBAC lets the controller write, but the Lease', () => {
    const objects = synth();
    const rules = policyOf(objects)?.spec.matchConstraints.resourceRules ?? [];
    const fenced = new Set(
      rules.flatMap(rule => rule.apiGroups.flatMap(g => rule.resources.map(r => `${g}/${r}`))),
    );
    const written = grantsFor(objects, SA)
      .filter(grant => !/ (get|list|watch)$/.test(grant))
      .map(grant => grant.split(' ')[1].replace(/\[.*\]$/, ''));
    expect(written.length).toBeGreaterThan(0);
    for (const resource of written) {
      if (resource === 'coordination.k8s.io/leases') expect(fenced.has(resource)).toBe(false);
      else expect([resource, fenced.has(resource)]).toEqual([resource, true]);
    }
    for (const rule of rules) expect(rule.operations).toEqual(['CREATE', 'UPDATE', 'DELETE']);
  });

  test('the fence matches namespaced writes only in the controller and Kafka namespaces', () => {
    const policy = synth().find(o => o.kind === 'ValidatingAdmissionPolicy') as
      | { spec: { matchConstraints: { namespaceSelector: unknown }; failurePolicy: string } }
      | undefined;
    expect(policy?.spec.matchConstraints.namespaceSelector).toEqual({
      matchExpressions: [
        {
          key: 'kubernetes.io/metadata.name',
          operator: 'In',
          values: ['kafka', 'kafka-autoscaler'],
        },
      ],
    });
    expect(policy?.spec.failurePolicy).toBe('Ignore');
  });

  test('controller.admissionFence false renders neither object', () => {
    const kinds = synth({ controller: { admissionFence: false } }).map(o => o.kind);
    expect(kinds).not.toContain('ValidatingAdmissionPolicy');
    expect(kinds).not.toContain('ValidatingAdmissionPolicyBinding');
  });

  test('controller.admissionFence must be a boolean: the error names the field and the value', () => {
    expect(() =>
      parseSpec(specInput(3, 4, { controller: { admissionFence: 'no' as unknown as boolean } })),
    ).toThrow(/controller\.admissionFence/);
  });
});
