/**
 * GitOps layering: the operators layer before the platform layer (Flux Kustomizations with
 * dependsOn and health checks; Argo CD sync waves with SkipDryRunOnMissingResource), every
 * namespace with exactly one creator, and exactly one owner per in-cluster object in each mode.
 */
import { synthPlatform, type KubeObject, type SynthResult } from '../../charts/synth';
import { fluxPath } from '../../charts/gitops-chart';
import {
  ARGO_SYNC_OPTIONS_ANNOTATION,
  ARGO_SYNC_WAVE_ANNOTATION,
  isCustomResource,
} from '../../charts/operators/gitops';
import { layerOfComponent, namespaceOwners } from '../../charts/gitops-layers';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { crdsAvailable, validateAgainstCrds } from '../util/crd-validator';
import { specInput } from '../util/specs';
import { planStack, TYPES } from '../components/plan-fixture';

type Engine = 'none' | 'flux' | 'argocd';

function loadedFor(engine: Engine, overrides: Partial<PlatformSpecInput> = {}): LoadedSpec {
  return parseSpec({
    ...specInput(3, 2),
    autoscaling: { mode: 'controller' },
    monitoring: { enabled: true, installKubePrometheusStack: true },
    ...overrides,
    gitops: { engine, path: './clusters/prod/kafka' },
  });
}

const keyOf = (object: KubeObject): string =>
  `${object.apiVersion}/${object.kind}/${object.metadata.namespace ?? '-'}/${object.metadata.name}`;

function objectsOf(result: SynthResult, component: string): readonly KubeObject[] {
  return result.components.find(c => c.name === component)?.objects ?? [];
}

/** Folder name a Flux Kustomization path points at, checked against the synth layout. */
function folderOf(path: string, base: string, result: SynthResult): string {
  const prefix = fluxPath(base, '');
  expect(path.startsWith(prefix)).toBe(true);
  const folder = path.slice(prefix.length);
  expect(result.files.has(`${folder}/kustomization.yaml`)).toBe(true);
  return folder;
}

/**
 * Owners the GitOps side gives each synth object: with Flux, the Kustomization whose path is the
 * object's folder (the gitops folder itself is synced by Flux's bootstrap); with Argo CD, the one
 * Application the user points at the output's root (docs/gitops.md).
 */
function gitopsOwners(loaded: LoadedSpec, result: SynthResult): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  const add = (object: KubeObject, owner: string): void => {
    owners.set(keyOf(object), [...(owners.get(keyOf(object)) ?? []), owner]);
  };
  const engine = loaded.spec.gitops.engine;
  if (engine === 'flux') {
    for (const object of objectsOf(result, 'gitops')) add(object, 'flux bootstrap (gitops folder)');
    for (const kustomization of objectsOf(result, 'gitops')) {
      const path = (kustomization['spec'] as { path: string }).path;
      const folder = folderOf(path, loaded.spec.gitops.path, result);
      for (const object of objectsOf(result, folder)) {
        add(object, `flux Kustomization ${kustomization.metadata.name}`);
      }
    }
  } else if (engine === 'argocd') {
    for (const component of result.components) {
      for (const object of component.objects) add(object, 'argocd root Application');
    }
  }
  return owners;
}

/** Owners the Pulumi program gives each synth object: the ConfigGroup whose `objs` hold it. */
async function pulumiOwners(loaded: LoadedSpec): Promise<Map<string, string[]>> {
  const plan = await planStack(loaded);
  const owners = new Map<string, string[]>();
  for (const group of plan.ofType(TYPES.configGroup)) {
    for (const object of (group.inputs['objs'] ?? []) as KubeObject[]) {
      owners.set(keyOf(object), [...(owners.get(keyOf(object)) ?? []), `pulumi ${group.name}`]);
    }
  }
  return owners;
}

describe.each<Engine>(['none', 'flux', 'argocd'])('gitops.engine: %s', engine => {
  const loaded = loadedFor(engine);
  const result = synthPlatform(loaded);

  it('gives every in-cluster object exactly one owner (Pulumi or the GitOps engine)', async () => {
    const fromGitops = gitopsOwners(loaded, result);
    const fromPulumi = await pulumiOwners(loaded);
    const problems: string[] = [];
    for (const component of result.components) {
      for (const object of component.objects) {
        const owners = [
          ...(fromGitops.get(keyOf(object)) ?? []),
          ...(fromPulumi.get(keyOf(object)) ?? []),
        ];
        if (owners.length !== 1) problems.push(`${keyOf(object)}: ${JSON.stringify(owners)}`);
      }
    }
    expect(problems).toEqual([]);
    // Pulumi applies nothing the synth output does not hold.
    const emitted = new Set(result.components.flatMap(c => c.objects.map(keyOf)));
    expect([...fromPulumi.keys()].filter(key => !emitted.has(key))).toEqual([]);
    if (engine !== 'none') expect(fromPulumi.size).toBe(0);
  }, 120_000);

  it('has exactly one creator for every namespace an object lives in', () => {
    const owners = namespaceOwners(loaded.spec, result.components);
    const problems = [...owners]
      .filter(([, list]) => list.length !== 1)
      .map(([namespace, list]) => `${namespace}: ${JSON.stringify(list)}`);
    expect(problems).toEqual([]);
    for (const component of result.components) {
      for (const object of component.objects) {
        if (object.metadata.namespace !== undefined) {
          expect(owners.get(object.metadata.namespace)).toHaveLength(1);
        }
      }
    }
  });

  it('emits GitOps objects that are valid against the upstream CRDs', () => {
    if (!crdsAvailable()) {
      console.warn('../shared/crds not found: CRD validation skipped');
      return;
    }
    const objects = result.components.flatMap(c => c.objects);
    expect(validateAgainstCrds(objects)).toEqual([]);
  });
});

describe('namespaces when you bring your own Prometheus Operator stack', () => {
  it.each<Engine>(['none', 'flux', 'argocd'])('%s: the monitoring namespace is yours', engine => {
    const loaded = loadedFor(engine, {
      monitoring: { enabled: true, installKubePrometheusStack: false },
    });
    const owners = namespaceOwners(loaded.spec, synthPlatform(loaded).components);
    expect(owners.get(loaded.spec.monitoring.namespace)).toEqual([
      expect.objectContaining({ by: 'user' }),
    ]);
    expect([...owners.values()].filter(list => list.length !== 1)).toEqual([]);
  });
});

describe('Flux layering', () => {
  const loaded = loadedFor('flux');
  const result = synthPlatform(loaded);
  const kustomizations = objectsOf(result, 'gitops');
  const operators = kustomizations.find(k => k.metadata.name === 'test-operators');

  it('syncs the operators folder first, healthy only once every HelmRelease is Ready', () => {
    expect(operators).toBeDefined();
    const spec = operators?.['spec'] as Record<string, unknown>;
    expect(spec['path']).toBe('./clusters/prod/kafka/operators');
    expect(spec['dependsOn']).toBeUndefined();
    const releases = objectsOf(result, 'operators').filter(o => o.kind === 'HelmRelease');
    expect(releases.length).toBeGreaterThanOrEqual(3);
    expect(spec['healthChecks']).toEqual(
      releases.map(release => ({
        apiVersion: release.apiVersion,
        kind: 'HelmRelease',
        name: release.metadata.name,
        namespace: release.metadata.namespace,
      })),
    );
  });

  it('makes every platform component folder depend on the operators and wait for its objects', () => {
    const platform = result.components.filter(c => layerOfComponent(c.name) === 'platform');
    expect(kustomizations).toHaveLength(platform.length + 1);
    for (const component of platform) {
      const kustomization = kustomizations.find(k => k.metadata.name === `test-${component.name}`);
      const spec = kustomization?.['spec'] as Record<string, unknown>;
      expect(spec['path']).toBe(`./clusters/prod/kafka/${component.name}`);
      expect(spec['dependsOn']).toEqual([{ name: 'test-operators' }]);
      expect(spec['wait']).toBe(true);
      expect(spec['prune']).toBe(true);
    }
  });

  it('writes only fields of the kustomize.toolkit.fluxcd.io/v1 KustomizationSpec, with the required ones', () => {
    // A stand-in for the kustomize-controller CRD, which ../shared/crds does not hold: the field
    // names of KustomizationSpec in Flux's v1 API reference, and its required fields.
    const known = new Set([
      'commonMetadata',
      'components',
      'decryption',
      'deletionPolicy',
      'dependsOn',
      'force',
      'healthCheckExprs',
      'healthChecks',
      'ignoreMissingComponents',
      'images',
      'interval',
      'kubeConfig',
      'namePrefix',
      'nameSuffix',
      'patches',
      'path',
      'postBuild',
      'prune',
      'retryInterval',
      'serviceAccountName',
      'sourceRef',
      'suspend',
      'targetNamespace',
      'timeout',
      'wait',
    ]);
    expect(kustomizations.length).toBeGreaterThan(1);
    for (const kustomization of kustomizations) {
      expect(kustomization.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
      const spec = kustomization['spec'] as Record<string, unknown>;
      expect(Object.keys(spec).filter(key => !known.has(key))).toEqual([]);
      expect(spec).toMatchObject({
        interval: expect.stringMatching(/^\d+[smh]$/),
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
        path: expect.stringMatching(/^\.\//),
      });
      expect(spec['wait'] === true && spec['healthChecks'] !== undefined).toBe(false);
    }
  });

  it('points paths at ./<folder> when the output is the repository root', () => {
    expect(fluxPath('.', 'kafka')).toBe('./kafka');
    expect(fluxPath('./', 'kafka')).toBe('./kafka');
    expect(fluxPath('dist', 'kafka')).toBe('./dist/kafka');
    expect(fluxPath('./clusters/prod/', 'kafka')).toBe('./clusters/prod/kafka');
  });
});

describe('Argo CD layering', () => {
  const result = synthPlatform(loadedFor('argocd'));

  it('syncs the operator Applications in an earlier wave than anything of the platform', () => {
    for (const object of objectsOf(result, 'operators')) {
      expect(object.metadata).toHaveProperty(['annotations', ARGO_SYNC_WAVE_ANNOTATION], '-1');
    }
  });

  it('puts platform custom resources in a later wave and skips their dry run while CRDs are missing', () => {
    let customResources = 0;
    for (const component of result.components.filter(
      c => layerOfComponent(c.name) === 'platform',
    )) {
      for (const object of component.objects) {
        const annotations = (object.metadata as { annotations?: Record<string, string> })
          .annotations;
        if (isCustomResource(object.apiVersion)) {
          customResources += 1;
          expect(annotations?.[ARGO_SYNC_WAVE_ANNOTATION]).toBe('1');
          expect(annotations?.[ARGO_SYNC_OPTIONS_ANNOTATION]).toBe(
            'SkipDryRunOnMissingResource=true',
          );
        } else {
          expect(annotations?.[ARGO_SYNC_WAVE_ANNOTATION]).toBe('0');
          expect(annotations?.[ARGO_SYNC_OPTIONS_ANNOTATION]).toBeUndefined();
        }
      }
    }
    expect(customResources).toBeGreaterThan(5);
  });

  it('adds no Argo CD annotation with another engine', () => {
    for (const engine of ['none', 'flux'] as const) {
      for (const component of synthPlatform(loadedFor(engine)).components) {
        for (const object of component.objects) {
          expect(JSON.stringify(object.metadata)).not.toContain('argocd.argoproj.io');
        }
      }
    }
  });
});

describe('isCustomResource', () => {
  it.each([
    ['v1', false],
    ['apps/v1', false],
    ['networking.k8s.io/v1', false],
    ['policy/v1', false],
    ['kafka.strimzi.io/v1', true],
    ['cert-manager.io/v1', true],
    ['monitoring.coreos.com/v1', true],
    ['snapshot.storage.k8s.io/v1', true],
    ['kustomize.toolkit.fluxcd.io/v1', true],
  ])('%s -> %s', (apiVersion, expected) => {
    expect(isCustomResource(apiVersion)).toBe(expected);
  });
});
