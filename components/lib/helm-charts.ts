/**
 * Helm releases the Pulumi stack installs when `gitops.engine` is `none`. Operator versions come
 * from `charts/operators/versions.ts`, the one place both renderers read, so synth's Flux/Argo CD
 * objects and these releases install the same versions. Cluster Autoscaler is Pulumi-only (it
 * needs the system group's name), so its pin lives here.
 */
import {
  AWS_LOAD_BALANCER_CONTROLLER_CHART,
  CERT_MANAGER_CHART,
  KUBE_PROMETHEUS_STACK_CHART,
  STRIMZI_OPERATOR_CHART,
  type HelmChartPin,
} from '../../charts/operators/versions';

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

export const HELM_RELEASES = {
  certManager: release(CERT_MANAGER_CHART, 'cert-manager'),
  awsLoadBalancerController: release(AWS_LOAD_BALANCER_CONTROLLER_CHART, 'kube-system'),
  strimziOperator: release(STRIMZI_OPERATOR_CHART, 'strimzi'),
  clusterAutoscaler: release(CLUSTER_AUTOSCALER_CHART, 'kube-system'),
  kubePrometheusStack: release(KUBE_PROMETHEUS_STACK_CHART, 'monitoring'),
} as const satisfies Record<string, PinnedRelease>;

export type ReleaseKey = keyof typeof HELM_RELEASES;

/** True when a version is one exact release (no `^`, `~`, `x`, `*`, ranges or `latest`). */
export function isExactVersion(version: string): boolean {
  return /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version);
}
