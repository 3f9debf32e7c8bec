/** Flux and Argo CD objects for one operator release. Plain data; the chart assembles. */
import type { OperatorRelease } from './releases';
import type { HelmChartPin } from './versions';

export const FLUX_SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1';
export const FLUX_HELM_API_VERSION = 'helm.toolkit.fluxcd.io/v2';
export const ARGO_CD_API_VERSION = 'argoproj.io/v1alpha1';

export function helmRepositorySpec(pin: HelmChartPin): Record<string, unknown> {
  return { interval: '1h', url: pin.repositoryUrl };
}

/** HelmRelease: pinned chart, CRDs created and upgraded with the chart, remediation on failure. */
export function helmReleaseSpec(
  release: OperatorRelease,
  sourceNamespace: string,
): Record<string, unknown> {
  return {
    interval: '10m',
    releaseName: release.name,
    targetNamespace: release.namespace,
    chart: {
      spec: {
        chart: release.chart.chart,
        version: release.chart.version,
        sourceRef: {
          kind: 'HelmRepository',
          name: release.chart.repositoryName,
          namespace: sourceNamespace,
        },
      },
    },
    install: { createNamespace: true, crds: 'CreateReplace', remediation: { retries: 3 } },
    upgrade: { crds: 'CreateReplace', remediation: { retries: 3 } },
    values: release.values,
  };
}

/** Argo CD Application: pinned chart, automated sync with self-heal. */
export function applicationSpec(release: OperatorRelease): Record<string, unknown> {
  return {
    project: 'default',
    source: {
      repoURL: release.chart.repositoryUrl,
      chart: release.chart.chart,
      targetRevision: release.chart.version,
      helm: { releaseName: release.name, valuesObject: release.values },
    },
    destination: { server: 'https://kubernetes.default.svc', namespace: release.namespace },
    syncPolicy: {
      automated: { prune: true, selfHeal: true },
      syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
    },
  };
}

/** API version of Flux's `Kustomization` (kustomize-controller), the object of each layer. */
export const FLUX_KUSTOMIZE_API_VERSION = 'kustomize.toolkit.fluxcd.io/v1';

/**
 * The Git source every layer syncs from: a `GitRepository` named `flux-system` in
 * `gitops.namespace` (default `flux-system`), the name `flux bootstrap` gives it. `pulumi up`
 * creates it when the spec has `gitops.repository` (`components/lib/gitops-bootstrap.ts`).
 */
export const FLUX_BOOTSTRAP_SOURCE = {
  kind: 'GitRepository',
  name: 'flux-system',
} as const;

/** Argo CD annotation ordering a sync: lower waves are applied, and must be healthy, first. */
export const ARGO_SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Argo CD per-object sync options annotation. */
export const ARGO_SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/**
 * Sync waves: operator Applications first (their charts bring the CRDs), then the whole platform
 * layer in one wave. Argo CD applies a wave only once every object of the earlier waves is healthy
 * (Argo CD docs, "Sync Phases and Waves"), so a platform object whose health needs another platform
 * object must not sit in an earlier wave than it: the Drain Cleaner Deployment mounts the Secret its
 * cert-manager `Certificate` writes, and the autoscaling controller is ready only once Prometheus
 * scrapes the brokers of the `Kafka` resource through the `PodMonitor`s. With built-in objects in
 * a wave before custom resources, those Deployments never turned healthy and the sync never
 * reached the custom resources. Within one wave Argo CD applies Namespaces first and custom
 * resources after built-in kinds, and the CRDs already exist (wave -1 is healthy).
 */
export const ARGO_SYNC_WAVES = { operators: -1, platform: 0 } as const;

/**
 * API groups served by every Kubernetes API server without a CRD. Anything else (`kafka.strimzi.io`,
 * `cert-manager.io`, `monitoring.coreos.com`, `elbv2.k8s.aws`, Flux and Argo CD groups) is a custom
 * resource whose CRD an operator installs. A list rather than a suffix rule, because some CRD groups
 * end in `.k8s.io` too (`snapshot.storage.k8s.io`, `gateway.networking.k8s.io`).
 */
const BUILT_IN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apps',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

/** True when `apiVersion` (`group/version`, or `v1` for the core group) needs a CRD. */
export function isCustomResource(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  return !BUILT_IN_GROUPS.has(group);
}

/**
 * Argo CD annotations of one object of a layer: its layer's sync wave, and for a custom resource of
 * the platform layer `SkipDryRunOnMissingResource=true`, so the sync's dry run (of every wave, at
 * the start of the sync) does not fail while the operator that brings the CRD is still being
 * installed by an earlier wave.
 */
export function argoLayerAnnotations(
  layer: 'operators' | 'platform',
  apiVersion: string,
): Record<string, string> {
  if (layer === 'operators') {
    return { [ARGO_SYNC_WAVE_ANNOTATION]: String(ARGO_SYNC_WAVES.operators) };
  }
  if (!isCustomResource(apiVersion)) {
    return { [ARGO_SYNC_WAVE_ANNOTATION]: String(ARGO_SYNC_WAVES.platform) };
  }
  return {
    [ARGO_SYNC_WAVE_ANNOTATION]: String(ARGO_SYNC_WAVES.platform),
    [ARGO_SYNC_OPTIONS_ANNOTATION]: 'SkipDryRunOnMissingResource=true',
  };
}

/** A Flux health check: one object the Kustomization waits for. */
export interface FluxHealthCheck {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

/**
 * Flux `Kustomization` spec of one layer folder: synced from the bootstrap `GitRepository`, pruned,
 * and healthy only when its health checks pass (or, with `wait`, when every object it applied is
 * Ready). `dependsOn` names Kustomizations in the same namespace that must be Ready first.
 */
export function fluxLayerKustomizationSpec(args: {
  readonly path: string;
  /** Namespace of the `GitRepository` (`gitops.namespace`). */
  readonly sourceNamespace: string;
  readonly dependsOn: readonly string[];
  readonly healthChecks: readonly FluxHealthCheck[];
  readonly wait: boolean;
  readonly timeout: string;
}): Record<string, unknown> {
  return {
    interval: '10m',
    retryInterval: '1m',
    timeout: args.timeout,
    path: args.path,
    prune: true,
    sourceRef: { ...FLUX_BOOTSTRAP_SOURCE, namespace: args.sourceNamespace },
    ...(args.dependsOn.length > 0 ? { dependsOn: args.dependsOn.map(name => ({ name })) } : {}),
    ...(args.wait
      ? { wait: true }
      : { healthChecks: args.healthChecks.map(check => ({ ...check })) }),
  };
}
