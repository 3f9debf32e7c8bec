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
