/**
 * What `pulumi up` installs to bootstrap a GitOps engine (`gitops.engine: flux | argocd` with
 * `gitops.repository`): the engine's Helm release, and the root sync objects that point it at the
 * synth output in the repository. Plain data built from the spec; `components/gitops-bootstrap.ts`
 * assembles it. Everything the root sync applies is the engine's; these objects are Pulumi's.
 *
 * - Flux: a `GitRepository` named as the generated layer Kustomizations' `sourceRef` expects
 *   (`flux-system` in `gitops.namespace`), and one root `Kustomization` that syncs
 *   `<gitops.path>/gitops`, the entry folder holding one Kustomization per layer.
 * - Argo CD: one root `Application` for `<gitops.path>`, automated with retry; the operator
 *   Applications, sync waves and the platform's objects under it are the synth output's.
 */
import { fluxPath, layerKustomizationName } from '../../charts/gitops-chart';
import { gitopsNamespace } from '../../charts/operators-chart';
import {
  ARGO_CD_API_VERSION,
  FLUX_BOOTSTRAP_SOURCE,
  FLUX_SOURCE_API_VERSION,
  FLUX_KUSTOMIZE_API_VERSION,
  fluxLayerKustomizationSpec,
} from '../../charts/operators/gitops';
import type { PlatformSpec } from '../../spec/schema';
import { HELM_RELEASES, type PinnedRelease } from './helm-charts';
import { argoCdValues, fluxValues, type HelmValues } from './helm-values';

/** The repository settings of a spec (`gitops.repository`, defaults filled in). */
export type GitRepositorySettings = NonNullable<PlatformSpec['gitops']['repository']>;

/** A Kubernetes object the bootstrap creates (a custom resource of the engine's CRDs). */
export interface BootstrapObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: Record<string, unknown>;
}

/** The engine's Helm release: chart pin, release name and namespace, and values. */
export interface EngineRelease {
  readonly engine: 'flux' | 'argocd';
  /** Release name: `flux` or `argocd` (the argo-cd chart then names its objects `argocd-*`). */
  readonly releaseName: string;
  /** Chart, exact version, repo; `namespace` is `gitops.namespace` (the release creates it). */
  readonly pin: PinnedRelease;
  readonly values: HelmValues;
}

/** Everything one bootstrap installs, in order: the release, then the root sync objects. */
export interface GitopsBootstrapPlan {
  readonly release: EngineRelease;
  /** Root sync objects; each needs the release's CRDs. */
  readonly objects: readonly BootstrapObject[];
}

/** How often Flux polls the repository for new commits. */
export const FLUX_SOURCE_INTERVAL = '1m';
/** How long the root Kustomization may take to apply the gitops folder. */
export const FLUX_ROOT_TIMEOUT = '5m';
/**
 * Argo CD's retry of a failed sync: up to 10 tries, 30 s doubling to at most 10 minutes. Covers
 * the window where the platform's custom resources are tried before the operators' CRDs exist.
 */
export const ARGO_CD_SYNC_RETRY = {
  limit: 10,
  backoff: { duration: '30s', factor: 2, maxDuration: '10m' },
} as const;

/** True when `pulumi up` bootstraps the engine: an engine is chosen and a repository is given. */
export function bootstrapsEngine(spec: PlatformSpec): boolean {
  return spec.gitops.engine !== 'none' && spec.gitops.repository !== undefined;
}

/** `gitops.path` as Argo CD reads a source path: relative to the repository root, no `./`. */
export function argoCdSourcePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '').replace(/^\.\/?/, '');
  return trimmed === '' ? '.' : trimmed;
}

/** Name of the root sync object: `<name>-gitops` (Flux Kustomization) or `<name>-platform`. */
export function rootSyncName(spec: PlatformSpec): string {
  return spec.gitops.engine === 'argocd'
    ? `${spec.name}-platform`
    : layerKustomizationName(spec, 'gitops');
}

export function engineRelease(spec: PlatformSpec): EngineRelease {
  const namespace = gitopsNamespace(spec);
  if (spec.gitops.engine === 'flux') {
    return {
      engine: 'flux',
      releaseName: 'flux',
      pin: { ...HELM_RELEASES.flux, namespace },
      values: fluxValues(),
    };
  }
  return {
    engine: 'argocd',
    releaseName: 'argocd',
    pin: { ...HELM_RELEASES.argoCd, namespace },
    values: argoCdValues(),
  };
}

/**
 * Flux `GitRepository` (source.toolkit.fluxcd.io/v1): the repository and branch, polled every
 * minute; `secretRef` names the Secret with credentials of a private repository.
 */
export function fluxGitRepository(
  spec: PlatformSpec,
  repository: GitRepositorySettings,
): BootstrapObject {
  return {
    apiVersion: FLUX_SOURCE_API_VERSION,
    kind: FLUX_BOOTSTRAP_SOURCE.kind,
    metadata: { name: FLUX_BOOTSTRAP_SOURCE.name, namespace: gitopsNamespace(spec) },
    spec: {
      interval: FLUX_SOURCE_INTERVAL,
      url: repository.url,
      ref: { branch: repository.branch },
      ...(repository.secretName === undefined
        ? {}
        : { secretRef: { name: repository.secretName } }),
    },
  };
}

/**
 * Root Flux `Kustomization`: syncs `<gitops.path>/gitops` (and only that folder), which holds the
 * layer Kustomizations; they sync the component folders. Pruned, so a layer removed from Git is
 * removed from the cluster.
 */
export function fluxRootKustomization(spec: PlatformSpec): BootstrapObject {
  const namespace = gitopsNamespace(spec);
  return {
    apiVersion: FLUX_KUSTOMIZE_API_VERSION,
    kind: 'Kustomization',
    metadata: { name: rootSyncName(spec), namespace },
    spec: fluxLayerKustomizationSpec({
      path: fluxPath(spec.gitops.path, 'gitops'),
      sourceNamespace: namespace,
      dependsOn: [],
      healthChecks: [],
      wait: false,
      timeout: FLUX_ROOT_TIMEOUT,
    }),
  };
}

/**
 * Root Argo CD `Application` (argoproj.io/v1alpha1): the synth output folder at the branch, synced
 * automatically (prune, self-heal) with retry. No resources finalizer: deleting this Application
 * leaves the platform running.
 */
export function argoCdRootApplication(
  spec: PlatformSpec,
  repository: GitRepositorySettings,
): BootstrapObject {
  return {
    apiVersion: ARGO_CD_API_VERSION,
    kind: 'Application',
    metadata: { name: rootSyncName(spec), namespace: gitopsNamespace(spec) },
    spec: {
      project: 'default',
      source: {
        repoURL: repository.url,
        targetRevision: repository.branch,
        path: argoCdSourcePath(spec.gitops.path),
      },
      destination: { server: 'https://kubernetes.default.svc' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
        retry: {
          limit: ARGO_CD_SYNC_RETRY.limit,
          backoff: { ...ARGO_CD_SYNC_RETRY.backoff },
        },
      },
    },
  };
}

/**
 * The bootstrap of a spec, or `undefined` when `pulumi up` installs no engine (`gitops.engine:
 * none`, or no `gitops.repository`: you bootstrap the engine yourself).
 */
export function gitopsBootstrapPlan(spec: PlatformSpec): GitopsBootstrapPlan | undefined {
  const repository = spec.gitops.repository;
  if (spec.gitops.engine === 'none' || repository === undefined) return undefined;
  const release = engineRelease(spec);
  const objects =
    spec.gitops.engine === 'flux'
      ? [fluxGitRepository(spec, repository), fluxRootKustomization(spec)]
      : [argoCdRootApplication(spec, repository)];
  return { release, objects };
}
