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

/**
 * A container image this project names itself (no Helm chart chooses it). Pinned by tag, and by
 * digest wherever the digest could be verified: a digest makes the reference immutable, so a
 * re-pushed tag can never change what a webhook or an evicting controller runs.
 *
 * Refreshing a digest: `crane digest <repository>:<tag>` (go-containerregistry, needs registry
 * access, which the build machine of this change did not have) prints the digest of the
 * multi-architecture index the tag points at; for registry.k8s.io images the image promoter's
 * manifest in kubernetes/k8s.io (`registry.k8s.io/images/<staging project>/images.yaml`, or the
 * promotion pull request) records the same digest. Put it in `digest`, say where it came from in
 * `digestSource`, drop `digestUnverified`, and remove the image's scope from the `CKV_K8S_43`
 * exception in `.checkov.yaml` (the cluster tier fails while a listed scope no longer occurs).
 */
export interface ImagePin {
  /** Registry and repository, e.g. `registry.k8s.io/descheduler/descheduler`. */
  readonly repository: string;
  /** The release tag; never `latest`. */
  readonly tag: string;
  /** `sha256:` and 64 lowercase hex digits: the index digest the tag pointed at when verified. */
  readonly digest?: string;
  /** Where `digest` was read (a public record naming this tag and digest); set exactly with it. */
  readonly digestSource?: string;
  /**
   * Why `digest` is absent, for the record and the Checkov exception. Set exactly when `digest`
   * is not.
   */
  readonly digestUnverified?: string;
}

/** `repository:tag@digest`, or `repository:tag` while the digest is unverified. */
export function imageReference(pin: ImagePin): string {
  const tagged = `${pin.repository}:${pin.tag}`;
  return pin.digest === undefined ? tagged : `${tagged}@${pin.digest}`;
}

const UNVERIFIED_DIGEST =
  'digest not verifiable from this build machine (no registry access, and no public record ' +
  'of it was found); refresh with `crane digest <repository>:<tag>`';

/**
 * The descheduler release, by the digest of its multi-architecture index. registry.k8s.io is
 * immutable and serves what the Kubernetes image promoter copied, under the digest its manifest
 * names; a mirror's digest (a re-push, often of one architecture) differs and must not be used.
 */
export const DESCHEDULER_IMAGE_PIN: ImagePin = {
  repository: 'registry.k8s.io/descheduler/descheduler',
  tag: 'v0.36.0',
  digest: 'sha256:7ca92c0a7b4f1c51d306409da6b832005fcadb224e384795646376726734c6e5',
  digestSource:
    'kubernetes/k8s.io pull request #9513 ("[descheduler v0.36.0] promote images", merged ' +
    '2026-05-20): image `descheduler` v0.36.0 in ' +
    'registry.k8s.io/images/k8s-staging-descheduler/images.yaml, digest checked with gcrane',
};

/** Drain Cleaner release shipped with Strimzi 1.2.0's installation files (which pin by tag). */
export const DRAIN_CLEANER_IMAGE_PIN: ImagePin = {
  repository: 'quay.io/strimzi/drain-cleaner',
  tag: '1.6.1',
  digestUnverified: UNVERIFIED_DIGEST,
};

/** Default image of the descheduler Deployment (`descheduler.image` overrides it). */
export const DESCHEDULER_IMAGE = imageReference(DESCHEDULER_IMAGE_PIN);
/** Default image of the Drain Cleaner Deployment (`drainCleaner.image` overrides it). */
export const DRAIN_CLEANER_IMAGE = imageReference(DRAIN_CLEANER_IMAGE_PIN);

/** Every third-party image this project names itself, for tests and the scanner exceptions. */
export const THIRD_PARTY_IMAGE_PINS: readonly ImagePin[] = [
  DESCHEDULER_IMAGE_PIN,
  DRAIN_CLEANER_IMAGE_PIN,
];

/** All chart pins, for tests and the Pulumi stack. */
export const CHART_PINS: readonly HelmChartPin[] = [
  STRIMZI_OPERATOR_CHART,
  AWS_LOAD_BALANCER_CONTROLLER_CHART,
  CERT_MANAGER_CHART,
  KUBE_PROMETHEUS_STACK_CHART,
];
