/**
 * Invariants over every object of every chart, for the example specs and variations in every
 * autoscaling and Drain Cleaner mode; each safety check also has a negative test on a mutated copy.
 */
import {
  containerSecurityProblems,
  deschedulerPoliciesIn,
  deschedulerPolicyProblems,
  drainCleanerProblems,
  missingPdbProblems,
  type JsonObject,
} from '../../charts/checks';
import { synthPlatform } from '../../charts/synth';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import { crdsAvailable, validateAgainstCrds } from '../util/crd-validator';
import { exampleSpec, specInput } from '../util/specs';

function platforms(): Array<[string, LoadedSpec]> {
  const result: Array<[string, LoadedSpec]> = [
    ['prod example', exampleSpec('prod')],
    ['dev example', exampleSpec('dev')],
  ];
  for (const mode of ['controller', 'target-tracking', 'off'] as const) {
    for (const drain of ['deny', 'legacy'] as const) {
      for (const engine of ['none', 'flux', 'argocd'] as const) {
        result.push([
          `${mode}/${drain}/${engine}`,
          parseSpec(
            specInput(3, 4, {
              autoscaling: { mode },
              drainCleaner: { mode: drain },
              gitops: { engine },
              monitoring: { installKubePrometheusStack: engine !== 'none' },
              controller: { iamRoleArn: 'arn:aws:iam::123456789012:role/ctl' },
            }),
          ),
        ]);
      }
    }
  }
  return result;
}

function objectsOf(loaded: LoadedSpec): JsonObject[] {
  return synthPlatform(loaded).components.flatMap(component => [...component.objects]);
}

/** A deep copy to mutate. */
function copy(objects: readonly JsonObject[]): JsonObject[] {
  return structuredClone(objects) as JsonObject[];
}

type Container = Record<string, unknown> & { securityContext: Record<string, unknown> };

function firstContainer(objects: JsonObject[], name: string): Container {
  const deployment = objects.find(o => o.kind === 'Deployment' && o.metadata?.name === name);
  const spec = deployment?.spec as { template: { spec: { containers: Container[] } } } | undefined;
  const container = spec?.template.spec.containers[0];
  if (container === undefined) throw new Error(`no Deployment ${name}`);
  return container;
}

describe.each(platforms())('operations invariants: %s', (_label, loaded) => {
  const objects = objectsOf(loaded);

  test('every container is restricted, has requests and probes', () => {
    expect(containerSecurityProblems(objects)).toEqual([]);
  });

  test('every replicated Deployment has a PDB', () => {
    expect(missingPdbProblems(objects)).toEqual([]);
  });

  test('the Drain Cleaner mode and the Kafka PDB agree', () => {
    expect(drainCleanerProblems(objects)).toEqual([]);
  });

  test('every descheduler policy is broker-scoped and rate-limited', () => {
    const policies = deschedulerPoliciesIn(objects);
    expect(policies.length).toBe(loaded.plan.deschedulerEnabled ? 1 : 0);
    for (const { policy } of policies) {
      expect(
        deschedulerPolicyProblems(policy, {
          kafkaNamespace: loaded.spec.kafka.namespace,
          clusterName: loaded.spec.name,
        }),
      ).toEqual([]);
    }
  });

  test('every custom resource is valid against its CRD', () => {
    if (!crdsAvailable()) {
      process.stdout.write('skipped: ../shared/crds not found (set PLATFORM_CRDS_DIR)\n');
      return;
    }
    expect(validateAgainstCrds(objects)).toEqual([]);
  });
});

describe('each safety mutation is caught', () => {
  const base = objectsOf(
    parseSpec(
      specInput(3, 4, { autoscaling: { mode: 'controller' }, drainCleaner: { mode: 'deny' } }),
    ),
  );

  test.each([
    [
      'privileged: true',
      (c: Container): void => void (c.securityContext.privileged = true),
      'is privileged',
    ],
    [
      'allowPrivilegeEscalation: true',
      (c: Container): void => void (c.securityContext.allowPrivilegeEscalation = true),
      'allowPrivilegeEscalation is not false',
    ],
    [
      'runAsNonRoot: false',
      (c: Container): void => void (c.securityContext.runAsNonRoot = false),
      'runAsNonRoot',
    ],
    [
      'writable root filesystem',
      (c: Container): void => void (c.securityContext.readOnlyRootFilesystem = false),
      'readOnlyRootFilesystem',
    ],
    [
      'capabilities kept',
      (c: Container): void => void (c.securityContext.capabilities = { drop: ['NET_RAW'] }),
      'does not drop ALL',
    ],
    [
      'seccomp Unconfined',
      (c: Container): void => void (c.securityContext.seccompProfile = { type: 'Unconfined' }),
      'seccompProfile',
    ],
    ['no requests', (c: Container): void => void delete c.resources, 'has no cpu request'],
    [
      'no liveness probe',
      (c: Container): void => void delete c.livenessProbe,
      'has no livenessProbe',
    ],
    [
      'no readiness probe',
      (c: Container): void => void delete c.readinessProbe,
      'has no readinessProbe',
    ],
  ] as const)('%s on the Drain Cleaner fails the pod-security check', (_name, mutate, message) => {
    const objects = copy(base);
    mutate(firstContainer(objects, 'strimzi-drain-cleaner'));
    expect(containerSecurityProblems(objects)).toEqual(
      expect.arrayContaining([expect.stringContaining(message)]),
    );
  });

  test('a missing PDB fails the disruption check', () => {
    const objects = copy(base).filter(
      o => !(o.kind === 'PodDisruptionBudget' && o.metadata?.name === 'kafka-autoscaler'),
    );
    expect(missingPdbProblems(objects)).toEqual([
      'Deployment/kafka-autoscaler/kafka-autoscaler: 2 replicas and no PodDisruptionBudget',
    ]);
  });

  test('a Drain Cleaner mode mismatch fails (legacy env, deny PDB)', () => {
    const objects = copy(base);
    const container = firstContainer(objects, 'strimzi-drain-cleaner') as Container & {
      env: Array<{ name: string; value?: string }>;
    };
    const deny = container.env.find(entry => entry.name === 'STRIMZI_DENY_EVICTION');
    if (deny === undefined) throw new Error('no STRIMZI_DENY_EVICTION');
    deny.value = 'false';
    expect(drainCleanerProblems(objects)).toEqual([
      expect.stringContaining(
        'legacy mode (STRIMZI_DENY_EVICTION=false) but the Kafka PDB has maxUnavailable 1',
      ),
    ]);
  });

  test('a Drain Cleaner mode mismatch fails (deny env, legacy PDB)', () => {
    const objects = copy(base);
    const kafka = objects.find(o => o.kind === 'Kafka') as JsonObject & {
      spec: { kafka: { template: { podDisruptionBudget: { maxUnavailable: number } } } };
    };
    kafka.spec.kafka.template.podDisruptionBudget.maxUnavailable = 0;
    expect(drainCleanerProblems(objects)).toEqual([
      expect.stringContaining('deny mode but the Kafka PDB has maxUnavailable 0'),
    ]);
  });

  test('a single Drain Cleaner replica fails', () => {
    const objects = copy(base);
    const deployment = objects.find(
      o => o.metadata?.name === 'strimzi-drain-cleaner' && o.kind === 'Deployment',
    );
    (deployment?.spec as { replicas: number }).replicas = 1;
    expect(drainCleanerProblems(objects)).toEqual([
      expect.stringContaining('1 replicas; run at least 2'),
    ]);
  });

  test('a Drain Cleaner that does not watch the Kafka namespace fails', () => {
    const objects = copy(base);
    const container = firstContainer(objects, 'strimzi-drain-cleaner') as Container & {
      env: Array<{ name: string; value?: string }>;
    };
    const namespaces = container.env.find(entry => entry.name === 'STRIMZI_DRAIN_NAMESPACES');
    if (namespaces === undefined) throw new Error('no STRIMZI_DRAIN_NAMESPACES');
    namespaces.value = 'elsewhere';
    expect(drainCleanerProblems(objects)).toEqual([
      expect.stringContaining('STRIMZI_DRAIN_NAMESPACES does not include kafka'),
    ]);
  });

  test('a missing eviction webhook fails', () => {
    const objects = copy(base).filter(o => o.kind !== 'ValidatingWebhookConfiguration');
    expect(drainCleanerProblems(objects)).toEqual([
      'no ValidatingWebhookConfiguration for pods/eviction',
    ]);
  });
});
