/**
 * Helm releases only the Pulumi stack installs: Cluster Autoscaler (it needs the system group's
 * name) and the GitOps engine itself (Flux or Argo CD, when one is chosen with
 * `gitops.repository`: nothing syncs before it runs). The operator releases, which Pulumi installs
 * with `gitops.engine: none` and the engines otherwise, are one list with their pins and values in
 * `charts/operators/releases.ts`.
 */
import type { HelmChartPin } from '../../charts/operators/versions';

export interface PinnedRelease {
  /** Chart name in its repository. */
  readonly chart: string;
  /** Exact chart version, never a range. */
  readonly version: string;
  /** Helm repository URL. */
  readonly repo: string;
  /** Namespace of the release. */
  readonly namespace: string;
}

function release(pin: HelmChartPin, namespace: string): PinnedRelease {
  return { chart: pin.chart, version: pin.version, repo: pin.repositoryUrl, namespace };
}

/** Chart 9.52.x ships Cluster Autoscaler 1.34, matching the default Kubernetes version. */
const CLUSTER_AUTOSCALER_CHART: HelmChartPin = {
  repositoryUrl: 'https://kubernetes.github.io/autoscaler',
  repositoryName: 'autoscaler',
  chart: 'cluster-autoscaler',
  version: '9.52.1',
};

/**
 * Flux's controllers and CRDs (source, kustomize, helm, notification and image controllers), from
 * the fluxcd-community chart. Installed by `pulumi up` only with `gitops.engine: flux` and
 * `gitops.repository`. 2.17.0 is a published release of the chart (Renovate update records of it);
 * its CRDs install with the chart (`installCRDs`, default true).
 */
const FLUX2_CHART: HelmChartPin = {
  repositoryUrl: 'https://fluxcd-community.github.io/helm-charts',
  repositoryName: 'fluxcd-community',
  chart: 'flux2',
  version: '2.17.0',
};

/**
 * Argo CD and its CRDs (`Application`, `AppProject`, `ApplicationSet`), from the argoproj chart.
 * Installed by `pulumi up` only with `gitops.engine: argocd` and `gitops.repository`. The 9.5 line
 * ships Argo CD 3.4 (argo-helm release notes of 9.5.14: Argo CD v3.4.2); 9.5.17 is a later patch
 * of it. Its `Application` schema is the one the tests check against (`../shared/crds`, 3.5.1:
 * the fields written here exist in both).
 */
const ARGO_CD_CHART: HelmChartPin = {
  repositoryUrl: 'https://argoproj.github.io/argo-helm',
  repositoryName: 'argo',
  chart: 'argo-cd',
  version: '9.5.17',
};

export const HELM_RELEASES = {
  clusterAutoscaler: release(CLUSTER_AUTOSCALER_CHART, 'kube-system'),
  flux: release(FLUX2_CHART, 'flux-system'),
  argoCd: release(ARGO_CD_CHART, 'argocd'),
} as const satisfies Record<string, PinnedRelease>;

export type ReleaseKey = keyof typeof HELM_RELEASES;

/** True when a version is one exact release (no `^`, `~`, `x`, `*`, ranges or `latest`). */
export function isExactVersion(version: string): boolean {
  return /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version);
}
