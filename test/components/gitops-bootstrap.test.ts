/**
 * GitOpsBootstrap: `pulumi up` installs the engine (pinned Helm release, CRDs included) and the
 * root sync objects pointed at `gitops.repository`, matching what synth writes: the Flux
 * GitRepository the layer Kustomizations name, a root Kustomization for `<gitops.path>/gitops`,
 * or one Argo CD Application for `<gitops.path>`.
 */
import { fluxPath } from '../../charts/gitops-chart';
import { synthPlatform, type KubeObject } from '../../charts/synth';
import {
  ARGO_CD_SYNC_RETRY,
  argoCdRootApplication,
  argoCdSourcePath,
  bootstrapsEngine,
  engineRelease,
  fluxGitRepository,
  fluxRootKustomization,
  gitopsBootstrapPlan,
  type BootstrapObject,
} from '../../components/lib/gitops-bootstrap';
import { isExactVersion } from '../../components/lib/helm-charts';
import {
  ARGO_CD_APPLICATION_HEALTH_KEY,
  ARGO_CD_APPLICATION_HEALTH_LUA,
} from '../../components/lib/helm-values';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { crdsAvailable, validateAgainstCrds } from '../util/crd-validator';
import {
  FLUX_GIT_REPOSITORY_REF_FIELDS,
  FLUX_GIT_REPOSITORY_REQUIRED,
  FLUX_GIT_REPOSITORY_SPEC_FIELDS,
  FLUX_GIT_REPOSITORY_URL_PATTERN,
  FLUX_KUSTOMIZATION_SPEC_FIELDS,
} from '../util/flux-stand-ins';
import { specInput } from '../util/specs';
import { planStack, TYPES } from './plan-fixture';

type Gitops = NonNullable<PlatformSpecInput['gitops']>;

function loadedWith(gitops: Gitops): LoadedSpec {
  return parseSpec({ ...specInput(3, 2), gitops });
}

const HTTPS = { url: 'https://github.com/acme/platform.git' };

describe('gitopsBootstrapPlan', () => {
  it('bootstraps nothing without an engine or without a repository', () => {
    for (const gitops of [
      { engine: 'none' },
      { engine: 'flux' },
      { engine: 'argocd', path: './clusters/prod' },
    ] as const) {
      const { spec } = loadedWith(gitops);
      expect(bootstrapsEngine(spec)).toBe(false);
      expect(gitopsBootstrapPlan(spec)).toBeUndefined();
    }
  });

  it('installs Flux from the fluxcd-community flux2 chart into gitops.namespace, CRDs included', () => {
    const { spec } = loadedWith({ engine: 'flux', namespace: 'gitops', repository: HTTPS });
    const release = engineRelease(spec);
    expect(release).toMatchObject({
      releaseName: 'flux',
      pin: {
        chart: 'flux2',
        repo: 'https://fluxcd-community.github.io/helm-charts',
        namespace: 'gitops',
      },
      values: { installCRDs: true },
    });
    expect(isExactVersion(release.pin.version)).toBe(true);
  });

  it('installs Argo CD from the argoproj argo-cd chart with the Application health check in argocd-cm', () => {
    const { spec } = loadedWith({ engine: 'argocd', repository: HTTPS });
    const release = engineRelease(spec);
    expect(release).toMatchObject({
      releaseName: 'argocd',
      pin: { chart: 'argo-cd', repo: 'https://argoproj.github.io/argo-helm', namespace: 'argocd' },
    });
    expect(isExactVersion(release.pin.version)).toBe(true);
    expect(release.values).toEqual({
      configs: { cm: { [ARGO_CD_APPLICATION_HEALTH_KEY]: ARGO_CD_APPLICATION_HEALTH_LUA } },
    });
    expect(ARGO_CD_APPLICATION_HEALTH_KEY).toBe(
      'resource.customizations.health.argoproj.io_Application',
    );
    // The check reads the child's own health and returns it.
    expect(ARGO_CD_APPLICATION_HEALTH_LUA).toContain('obj.status.health.status');
    expect(ARGO_CD_APPLICATION_HEALTH_LUA.trim().split('\n').pop()).toBe('return hs');
  });
});

describe('Flux root sync', () => {
  const gitops: Gitops = {
    engine: 'flux',
    path: './clusters/prod/kafka',
    namespace: 'gitops-system',
    repository: { url: 'ssh://git@github.com/acme/platform.git', secretName: 'repo-key' },
  };
  const loaded = loadedWith(gitops);
  const { spec } = loaded;
  const result = synthPlatform(loaded);
  const layers = result.components.find(c => c.name === 'gitops')?.objects ?? [];
  const source = fluxGitRepository(spec, spec.gitops.repository ?? HTTPS_SETTINGS);
  const root = fluxRootKustomization(spec);

  it('names the GitRepository exactly as every generated layer Kustomization references it', () => {
    expect(layers.length).toBeGreaterThan(1);
    for (const layer of layers) {
      expect((layer['spec'] as { sourceRef: unknown }).sourceRef).toEqual({
        kind: source.kind,
        name: source.metadata.name,
        namespace: source.metadata.namespace,
      });
    }
    expect(root.spec['sourceRef']).toEqual({
      kind: 'GitRepository',
      name: 'flux-system',
      namespace: 'gitops-system',
    });
  });

  it('syncs exactly the gitops folder synth writes, from the spec repository and branch', () => {
    expect(root.spec['path']).toBe(fluxPath(spec.gitops.path, 'gitops'));
    expect(root.spec['path']).toBe('./clusters/prod/kafka/gitops');
    expect(result.files.has('gitops/kustomization.yaml')).toBe(true);
    expect(root.metadata).toEqual({ name: 'test-gitops', namespace: 'gitops-system' });
    expect(layers.map(layer => layer.metadata.name)).not.toContain(root.metadata.name);
    expect(source.spec).toEqual({
      interval: '1m',
      url: 'ssh://git@github.com/acme/platform.git',
      ref: { branch: 'main' },
      secretRef: { name: 'repo-key' },
    });
  });

  it('writes only GitRepositorySpec fields, with the required ones and a URL the CRD accepts (stand-in)', () => {
    // Stand-in: ../shared/crds holds no GitRepository CRD (test/util/flux-stand-ins.ts).
    expect(source.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(Object.keys(source.spec).filter(k => !FLUX_GIT_REPOSITORY_SPEC_FIELDS.has(k))).toEqual(
      [],
    );
    for (const field of FLUX_GIT_REPOSITORY_REQUIRED) expect(source.spec).toHaveProperty(field);
    const ref = source.spec['ref'] as Record<string, unknown>;
    expect(Object.keys(ref).filter(k => !FLUX_GIT_REPOSITORY_REF_FIELDS.has(k))).toEqual([]);
    expect(source.spec['url']).toMatch(FLUX_GIT_REPOSITORY_URL_PATTERN);
  });

  it('writes only KustomizationSpec fields in the root Kustomization (the stand-in the layers use)', () => {
    expect(root.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(Object.keys(root.spec).filter(k => !FLUX_KUSTOMIZATION_SPEC_FIELDS.has(k))).toEqual([]);
    expect(root.spec).toMatchObject({ interval: expect.any(String), prune: true });
  });

  it('names no Secret for a public https repository', () => {
    const { spec: publicSpec } = loadedWith({ engine: 'flux', repository: HTTPS });
    expect(
      fluxGitRepository(publicSpec, publicSpec.gitops.repository ?? HTTPS_SETTINGS).spec,
    ).not.toHaveProperty('secretRef');
  });
});

const HTTPS_SETTINGS = { url: HTTPS.url, branch: 'main' };

describe('Argo CD root sync', () => {
  it.each([
    ['./clusters/prod/kafka', 'clusters/prod/kafka'],
    ['clusters/prod/kafka/', 'clusters/prod/kafka'],
    ['./dist', 'dist'],
    ['.', '.'],
    ['./', '.'],
  ])('reads gitops.path %p as source path %p', (path, expected) => {
    expect(argoCdSourcePath(path)).toBe(expected);
  });

  const loaded = loadedWith({
    engine: 'argocd',
    path: './clusters/prod/kafka',
    repository: { url: 'git@github.com:acme/platform.git', branch: 'release/2026' },
  });
  const application = argoCdRootApplication(
    loaded.spec,
    loaded.spec.gitops.repository ?? HTTPS_SETTINGS,
  );

  it('syncs the output root folder at the branch, automated, with retry', () => {
    const result = synthPlatform(loaded);
    expect(result.files.has('kustomization.yaml')).toBe(true);
    expect(application.metadata).toEqual({ name: 'test-platform', namespace: 'argocd' });
    expect(application.spec).toMatchObject({
      source: {
        repoURL: 'git@github.com:acme/platform.git',
        targetRevision: 'release/2026',
        path: 'clusters/prod/kafka',
      },
      destination: { server: 'https://kubernetes.default.svc' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: { limit: ARGO_CD_SYNC_RETRY.limit, backoff: { ...ARGO_CD_SYNC_RETRY.backoff } },
      },
    });
    // Not one of the synth output's own Applications.
    const names = result.components.flatMap(c => c.objects).map(o => o.metadata.name);
    expect(names).not.toContain(application.metadata.name);
  });

  it('leaves destination.namespace unset safely: every object without a namespace is cluster-scoped', () => {
    const clusterScoped = new Set([
      'ClusterRole',
      'ClusterRoleBinding',
      'Namespace',
      'PriorityClass',
      'StorageClass',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
      'ValidatingWebhookConfiguration',
    ]);
    const unscoped = synthPlatform(loaded)
      .components.flatMap(c => c.objects)
      .filter(object => object.metadata.namespace === undefined)
      .map(object => object.kind);
    expect(unscoped.length).toBeGreaterThan(0);
    expect(unscoped.filter(kind => !clusterScoped.has(kind))).toEqual([]);
    expect(application.spec['destination']).not.toHaveProperty('namespace');
  });

  it('is valid against the upstream Application CRD', () => {
    if (!crdsAvailable()) {
      console.warn('../shared/crds not found: CRD validation skipped');
      return;
    }
    expect(validateAgainstCrds([application as unknown as KubeObject])).toEqual([]);
    // The validator does reject a misspelt field, so the check above can fail.
    const broken = {
      ...application,
      spec: { ...application.spec, syncPolicy: { automatic: {} } },
    };
    expect(validateAgainstCrds([broken as unknown as KubeObject])).not.toEqual([]);
  });
});

describe('GitOpsBootstrap under pulumi mocks', () => {
  it.each(['flux', 'argocd'] as const)(
    '%s: installs the release after the cluster, then the root objects after the release',
    async engine => {
      const loaded = loadedWith({ engine, path: './clusters/prod/kafka', repository: HTTPS });
      const plan = await planStack(loaded);
      const bootstrap = gitopsBootstrapPlan(loaded.spec);
      expect(bootstrap).toBeDefined();
      const releases = plan
        .ofType(TYPES.release)
        .filter(r => r.inputs['chart'] === bootstrap?.release.pin.chart);
      expect(releases).toHaveLength(1);
      const [release] = releases;
      expect(release?.inputs).toMatchObject({
        name: bootstrap?.release.releaseName,
        namespace: bootstrap?.release.pin.namespace,
        version: bootstrap?.release.pin.version,
        createNamespace: true,
      });
      expect(release?.dependsOn).toEqual(expect.arrayContaining(['test-lbc']));

      const rootObjects = plan.resources.filter(r =>
        (bootstrap?.objects ?? []).some(
          (object: BootstrapObject) =>
            r.type === `kubernetes:${object.apiVersion}:${object.kind}` &&
            (r.inputs['metadata'] as { name: string }).name === object.metadata.name,
        ),
      );
      expect(rootObjects).toHaveLength(bootstrap?.objects.length ?? -1);
      for (const object of rootObjects) {
        expect(object.dependsOn).toEqual([release?.name]);
        expect(object.parent).toBe('test-gitops');
      }
      expect(plan.get('kafka-eks:index:GitOpsBootstrap', 'test-gitops').parent).toBe('test');
      // Nothing of the synth output is applied by Pulumi.
      expect(plan.ofType(TYPES.configGroup)).toEqual([]);
    },
    120_000,
  );
});
