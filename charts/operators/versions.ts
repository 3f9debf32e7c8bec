/**
 * Every upstream version this platform installs, pinned in one place. The cdk8s charts (Flux /
 * Argo CD objects, our own Deployments) and the Pulumi components import these, so both
 * renderers always install the same releases. Bump here, re-synth, review the snapshot diff.
 */

/** A Helm chart in a classic (HTTP) Helm repository. */
export interface HelmChartPin {
  /** Helm repository URL. */
  readonly repositoryUrl: string;
  /** Short name for the repository object (Flux `HelmRepository`). */
  readonly repositoryName: string;
  /** Chart name inside the repository. */
  readonly chart: string;
  /** Exact chart version; never a range. */
  readonly version: string;
}

export const STRIMZI_OPERATOR_CHART: HelmChartPin = {
  repositoryUrl: 'https://strimzi.io/charts/',
  repositoryName: 'strimzi',
  chart: 'strimzi-kafka-operator',
  version: '1.2.0',
};

/** Chart 1.17.0 ships controller v2.17.0. */
export const AWS_LOAD_BALANCER_CONTROLLER_CHART: HelmChartPin = {
  repositoryUrl: 'https://aws.github.io/eks-charts',
  repositoryName: 'eks',
  chart: 'aws-load-balancer-controller',
  version: '1.17.0',
};

/** Matches the cert-manager CRDs the tests validate against. */
export const CERT_MANAGER_CHART: HelmChartPin = {
  repositoryUrl: 'https://charts.jetstack.io',
  repositoryName: 'jetstack',
  chart: 'cert-manager',
  version: 'v1.21.1',
};

export const KUBE_PROMETHEUS_STACK_CHART: HelmChartPin = {
  repositoryUrl: 'https://prometheus-community.github.io/helm-charts',
  repositoryName: 'prometheus-community',
  chart: 'kube-prometheus-stack',
  version: '85.1.2',
};

/** Images of the components this project renders itself (no Helm). */
export const DESCHEDULER_IMAGE = 'registry.k8s.io/descheduler/descheduler:v0.36.0';
/** Drain Cleaner release shipped with Strimzi 1.2.0's installation files. */
export const DRAIN_CLEANER_IMAGE = 'quay.io/strimzi/drain-cleaner:1.6.1';

/** All chart pins, for tests and the Pulumi stack. */
export const CHART_PINS: readonly HelmChartPin[] = [
  STRIMZI_OPERATOR_CHART,
  AWS_LOAD_BALANCER_CONTROLLER_CHART,
  CERT_MANAGER_CHART,
  KUBE_PROMETHEUS_STACK_CHART,
];
