/**
 * The faults the manifest scanners found (issue #15), as invariants over every object the
 * platform emits, so `npm test` catches the class before the cluster tier's scanners run:
 * every Deployment states its rolling-update strategy, every PDB lets unhealthy pods be evicted,
 * every multi-replica Deployment and the KRaft controller pool carry a priority class that exists
 * in every cluster, and every image we name ourselves is a pin from charts/operators/versions.ts
 * (by digest where verified) or the controller image the spec names.
 */
import { synthPlatform, type KubeObject } from '../../charts/synth';
import { THIRD_PARTY_IMAGE_PINS, imageReference } from '../../charts/operators/versions';
import { parseSpec, type LoadedSpec } from '../../spec';
import { exampleSpec, specInput } from '../util/specs';

const BUILT_IN_PRIORITY_CLASSES = new Set(['system-cluster-critical', 'system-node-critical']);

const cases: Array<{ label: string; loaded: LoadedSpec }> = [
  { label: 'dev example', loaded: exampleSpec('dev') },
  { label: 'prod example', loaded: exampleSpec('prod') },
  ...(['controller', 'target-tracking', 'off'] as const).flatMap(mode =>
    (['deny', 'legacy'] as const).map(drainMode => ({
      label: `mode ${mode}, drain ${drainMode}`,
      loaded: parseSpec({
        ...specInput(3, 4),
        autoscaling: { mode },
        drainCleaner: { mode: drainMode, replicas: 3 },
      }),
    })),
  ),
];

interface DeploymentSpec {
  replicas?: number;
  strategy?: {
    type?: string;
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
  };
  template: {
    spec: {
      priorityClassName?: string;
      containers: Array<{ name: string; image: string }>;
      initContainers?: Array<{ name: string; image: string }>;
    };
  };
}

function objectsOf(loaded: LoadedSpec): KubeObject[] {
  return synthPlatform(loaded).components.flatMap(c => c.objects as KubeObject[]);
}

function name(object: KubeObject): string {
  const metadata = object.metadata as { name?: string; namespace?: string } | undefined;
  return `${String(object.kind)} ${metadata?.namespace ?? ''}/${metadata?.name ?? ''}`;
}

describe.each(cases)('scanner rules: $label', ({ loaded }) => {
  const objects = objectsOf(loaded);
  const deployments = objects.filter(o => o.kind === 'Deployment');

  test('there are Deployments to check', () => {
    expect(deployments.length).toBeGreaterThan(0);
  });

  test('every Deployment states a surge-first RollingUpdate strategy', () => {
    const problems = deployments.flatMap(d => {
      const strategy = (d.spec as DeploymentSpec).strategy;
      const ok =
        strategy?.type === 'RollingUpdate' &&
        strategy.rollingUpdate?.maxUnavailable === 0 &&
        strategy.rollingUpdate.maxSurge === 1;
      return ok ? [] : [`${name(d)}: strategy ${JSON.stringify(strategy)}`];
    });
    expect(problems).toEqual([]);
  });

  test('every PodDisruptionBudget lets unhealthy pods be evicted (AlwaysAllow)', () => {
    const problems = objects
      .filter(o => o.kind === 'PodDisruptionBudget')
      .filter(
        p =>
          (p.spec as { unhealthyPodEvictionPolicy?: string }).unhealthyPodEvictionPolicy !==
          'AlwaysAllow',
      )
      .map(name);
    expect(problems).toEqual([]);
  });

  test('multi-replica Deployments and the KRaft controller pool have a built-in priority class', () => {
    const deploymentProblems = deployments
      .filter(d => ((d.spec as DeploymentSpec).replicas ?? 1) > 1)
      .filter(d => {
        const priority = (d.spec as DeploymentSpec).template.spec.priorityClassName;
        return priority === undefined || !BUILT_IN_PRIORITY_CLASSES.has(priority);
      })
      .map(name);
    expect(deploymentProblems).toEqual([]);
    const controllerPools = objects.filter(
      o =>
        o.kind === 'KafkaNodePool' &&
        ((o.spec as { roles: string[] }).roles ?? []).includes('controller'),
    );
    expect(controllerPools.length).toBeGreaterThan(0);
    for (const pool of controllerPools) {
      const template = (pool.spec as { template?: { pod?: { priorityClassName?: string } } })
        .template;
      expect(BUILT_IN_PRIORITY_CLASSES.has(template?.pod?.priorityClassName ?? '')).toBe(true);
    }
  });

  test('every image is a pin from versions.ts or the controller image of the spec', () => {
    const allowed = new Set([
      ...THIRD_PARTY_IMAGE_PINS.map(imageReference),
      loaded.spec.controller.image,
    ]);
    const problems = deployments.flatMap(d => {
      const pod = (d.spec as DeploymentSpec).template.spec;
      return [...(pod.initContainers ?? []), ...pod.containers]
        .filter(c => !allowed.has(c.image))
        .map(c => `${name(d)} container ${c.name}: ${c.image}`);
    });
    expect(problems).toEqual([]);
  });
});
