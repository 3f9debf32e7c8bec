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
import { FLUX_KUSTOMIZATION_SPEC_FIELDS } from '../util/flux-stand-ins';
import { specInput } from '../util/specs';
import { planStack, TYPES } from '../components/plan-fixture';

type Engine = 'none' | 'flux' | 'argocd';

/** The repository `pulumi up` points a bootstrapped engine at (`gitops.repository`). */
const REPOSITORY = { url: 'https://github.com/acme/platform.git', branch: 'release' };

function loadedFor(
  engine: Engine,
  overrides: Partial<PlatformSpecInput> = {},
  bootstrap = engine !== 'none',
): LoadedSpec {
  return parseSpec({
    ...specInput(3, 2),
    autoscaling: { mode: 'controller' },
    monitoring: { enabled: true, installKubePrometheusStack: true },
    ...overrides,
    gitops: {
      engine,
      path: './clusters/prod/kafka',
      ...(bootstrap ? { repository: REPOSITORY } : {}),
    },
  });
}

interface ObjectKeyParts {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

const keyOf = (object: ObjectKeyParts): string =>
  `${object.apiVersion}/${object.kind}/${object.metadata.namespace ?? '-'}/${object.metadata.name}`;

/** A Helm release as an in-cluster object: its release name in its namespace. */
const helmReleaseKey = (namespace: string, name: string): string =>
  `helm/release/${namespace}/${name}`;

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

/** What the Pulumi program registers in the cluster, under mocks. */
interface PulumiCluster {
  /** In-cluster object key -> Pulumi resources that apply it. */
  readonly owners: Map<string, string[]>;
  /**
   * Objects Pulumi creates as typed resources: the bootstrap's root sync objects; with `none`, the
   * Namespaces of the `operators` component (typed, so they can carry aliases).
   */
  readonly typedObjects: readonly KubeObject[];
}

const KUBERNETES_WRAPPERS = new Set([
  TYPES.release,
  TYPES.configGroup,
  'pulumi:providers:kubernetes',
]);

/**
 * Owners the Pulumi program gives in-cluster objects: every object of a ConfigGroup's `objs`, every
 * Helm release (as `helm/release/<namespace>/<name>`) and every other Kubernetes resource it
 * registers (the engine's root sync objects, the operators component's Namespaces).
 */
async function pulumiCluster(loaded: LoadedSpec): Promise<PulumiCluster> {
  const plan = await planStack(loaded);
  const owners = new Map<string, string[]>();
  const add = (key: string, owner: string): void => {
    owners.set(key, [...(owners.get(key) ?? []), owner]);
  };
  for (const group of plan.ofType(TYPES.configGroup)) {
    for (const object of (group.inputs['objs'] ?? []) as KubeObject[]) {
      add(keyOf(object), `pulumi ConfigGroup ${group.name}`);
    }
  }
  for (const release of plan.ofType(TYPES.release)) {
    const inputs = release.inputs as { name: string; namespace: string };
    add(helmReleaseKey(inputs.namespace, inputs.name), `pulumi Release ${release.name}`);
  }
  const typedObjects: KubeObject[] = [];
  for (const resource of plan.resources) {
    if (!resource.type.startsWith('kubernetes:') || KUBERNETES_WRAPPERS.has(resource.type)) {
      continue;
    }
    const object = resource.inputs as unknown as KubeObject;
    typedObjects.push(object);
    add(keyOf(object), `pulumi ${resource.type} ${resource.name}`);
  }
  return { owners, typedObjects };
}

/**
 * Owners the GitOps side gives in-cluster objects:
 * - Flux: each layer Kustomization owns its folder's objects; the gitops folder itself is owned by
 *   the root Kustomization Pulumi created (checked to point at exactly that folder), or by your own
 *   bootstrap without `gitops.repository`;
 * - Argo CD: every object of the output is owned by the one root Application (Pulumi's, checked to
 *   point at the output's root, or yours);
 * - both: each operator HelmRelease/Application owns the Helm release it installs.
 */
function gitopsOwners(
  loaded: LoadedSpec,
  result: SynthResult,
  pulumiCustomResources: readonly KubeObject[],
): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  const add = (key: string, owner: string): void => {
    owners.set(key, [...(owners.get(key) ?? []), owner]);
  };
  const { engine, path, repository } = loaded.spec.gitops;
  const rootOf = (kind: string): KubeObject | undefined => {
    const roots = pulumiCustomResources.filter(object => object.kind === kind);
    expect(roots).toHaveLength(repository === undefined ? 0 : 1);
    return roots[0];
  };
  if (engine === 'flux') {
    const root = rootOf('Kustomization');
    const rootOwner =
      root === undefined ? 'your flux bootstrap' : `flux root Kustomization ${root.metadata.name}`;
    if (root !== undefined) {
      // The root syncs exactly the folder synth writes the layer Kustomizations to.
      expect(folderOf((root['spec'] as { path: string }).path, path, result)).toBe('gitops');
    }
    for (const object of objectsOf(result, 'gitops')) add(keyOf(object), rootOwner);
    for (const kustomization of objectsOf(result, 'gitops')) {
      const folder = folderOf((kustomization['spec'] as { path: string }).path, path, result);
      for (const object of objectsOf(result, folder)) {
        add(keyOf(object), `flux Kustomization ${kustomization.metadata.name}`);
      }
    }
    for (const release of objectsOf(result, 'operators').filter(o => o.kind === 'HelmRelease')) {
      const spec = release['spec'] as { releaseName: string; targetNamespace: string };
      add(
        helmReleaseKey(spec.targetNamespace, spec.releaseName),
        `flux HelmRelease ${release.metadata.name}`,
      );
    }
  } else if (engine === 'argocd') {
    const root = rootOf('Application');
    const rootOwner =
      root === undefined
        ? 'your root Application'
        : `argocd root Application ${root.metadata.name}`;
    if (root !== undefined) {
      // The root syncs the output's root folder, where synth writes its kustomization.yaml.
      const source = (root['spec'] as { source: { path: string } }).source;
      expect(source.path).toBe(path.replace(/^\.\//, ''));
      expect(result.files.has('kustomization.yaml')).toBe(true);
    }
    for (const component of result.components) {
      for (const object of component.objects) add(keyOf(object), rootOwner);
    }
    for (const application of objectsOf(result, 'operators').filter(
      o => o.kind === 'Application',
    )) {
      const spec = application['spec'] as {
        source: { helm: { releaseName: string } };
        destination: { namespace: string };
      };
      add(
        helmReleaseKey(spec.destination.namespace, spec.source.helm.releaseName),
        `argocd Application ${application.metadata.name}`,
      );
    }
  }
  return owners;
}

const MODES: ReadonlyArray<{ label: string; engine: Engine; bootstrap: boolean }> = [
  { label: 'none', engine: 'none', bootstrap: false },
  { label: 'flux, bootstrapped by pulumi up', engine: 'flux', bootstrap: true },
  { label: 'argocd, bootstrapped by pulumi up', engine: 'argocd', bootstrap: true },
  { label: 'flux, bootstrapped by you', engine: 'flux', bootstrap: false },
  { label: 'argocd, bootstrapped by you', engine: 'argocd', bootstrap: false },
];

describe.each(MODES)('gitops.engine: $label', ({ engine, bootstrap }) => {
  const loaded = loadedFor(engine, {}, bootstrap);
  const result = synthPlatform(loaded);

  it('gives every in-cluster object exactly one owner (Pulumi or the GitOps engine)', async () => {
    const cluster = await pulumiCluster(loaded);
    const fromGitops = gitopsOwners(loaded, result, cluster.typedObjects);
    // Every object either side applies: the synth output, Helm releases, Pulumi's own objects.
    const keys = new Set([
      ...result.components.flatMap(c => c.objects.map(keyOf)),
      ...fromGitops.keys(),
      ...cluster.owners.keys(),
    ]);
    const problems: string[] = [];
    for (const key of keys) {
      const owners = [...(fromGitops.get(key) ?? []), ...(cluster.owners.get(key) ?? [])];
      if (owners.length !== 1) problems.push(`${key}: ${JSON.stringify(owners)}`);
    }
    expect(problems).toEqual([]);

    const pulumiOwned = [...cluster.owners.keys()];
    const emitted = new Set(result.components.flatMap(c => c.objects.map(keyOf)));
    const clusterAutoscaler = helmReleaseKey('kube-system', 'cluster-autoscaler');
    if (engine === 'none') {
      // Pulumi applies nothing the synth output does not hold, besides the Helm releases.
      expect(pulumiOwned.filter(key => !emitted.has(key) && !key.startsWith('helm/'))).toEqual([]);
      // The operators component's Namespaces, as typed resources with the synth output's content.
      expect(cluster.typedObjects).toEqual(
        objectsOf(result, 'operators').filter(object => object.kind === 'Namespace'),
      );
      expect(cluster.typedObjects.length).toBeGreaterThan(0);
    } else if (bootstrap) {
      // Only the engine's release, its root sync objects and Cluster Autoscaler (Pulumi-only).
      const namespace =
        loaded.spec.gitops.namespace ?? (engine === 'flux' ? 'flux-system' : 'argocd');
      const expected = [
        clusterAutoscaler,
        helmReleaseKey(namespace, engine === 'flux' ? 'flux' : 'argocd'),
        ...cluster.typedObjects.map(keyOf),
      ];
      expect(pulumiOwned.sort()).toEqual(expected.sort());
      expect(cluster.typedObjects.map(o => o.kind).sort()).toEqual(
        engine === 'flux' ? ['GitRepository', 'Kustomization'] : ['Application'],
      );
    } else {
      expect(pulumiOwned).toEqual([clusterAutoscaler]);
    }
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
    // With a GitOps engine every Namespace object comes from the operators layer (one owner, and
    // applied before any platform folder), so no platform folder waits for another for one.
    const emitters = [...owners.values()]
      .flat()
      .flatMap(owner => (owner.by === 'emitted' ? [owner.component] : []));
    expect([...new Set(emitters)]).toEqual(
      engine === 'none' ? expect.arrayContaining(['operators', 'drain-cleaner']) : ['operators'],
    );
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

  it('makes every platform component folder depend on the operators only and wait for its objects', () => {
    const platform = result.components.filter(c => layerOfComponent(c.name) === 'platform');
    expect(kustomizations).toHaveLength(platform.length + 1);
    for (const component of platform) {
      const kustomization = kustomizations.find(k => k.metadata.name === `test-${component.name}`);
      const spec = kustomization?.['spec'] as Record<string, unknown>;
      expect(spec['path']).toBe(`./clusters/prod/kafka/${component.name}`);
      // The operators only: they also emit every namespace it uses (gitops-order.ts).
      expect(spec['dependsOn']).toEqual([{ name: 'test-operators' }]);
      expect(spec['wait']).toBe(true);
      expect(spec['prune']).toBe(true);
    }
  });

  it('writes only fields of the kustomize.toolkit.fluxcd.io/v1 KustomizationSpec, with the required ones', () => {
    // A stand-in for the kustomize-controller CRD, which ../shared/crds does not hold.
    const known = FLUX_KUSTOMIZATION_SPEC_FIELDS;
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

  it('puts the whole platform in one wave after the operators and skips the dry run of its custom resources while CRDs are missing', () => {
    let customResources = 0;
    for (const component of result.components.filter(
      c => layerOfComponent(c.name) === 'platform',
    )) {
      for (const object of component.objects) {
        const annotations = (object.metadata as { annotations?: Record<string, string> })
          .annotations;
        if (isCustomResource(object.apiVersion)) {
          customResources += 1;
          expect(annotations?.[ARGO_SYNC_WAVE_ANNOTATION]).toBe('0');
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
