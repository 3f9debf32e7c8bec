/**
 * Stand-ins for the two Flux CRDs that `../shared/crds` does not hold (it has the helm-controller
 * CRD and the source-controller's HelmRepository and OCIRepository): the field names and required
 * fields of `KustomizationSpec` (kustomize.toolkit.fluxcd.io/v1) and `GitRepositorySpec`
 * (source.toolkit.fluxcd.io/v1), as Flux's v1 API reference lists them. Small on purpose: they
 * catch a misspelt or invented field and a missing required one, not value constraints (except the
 * URL pattern of a GitRepository, `^(http|https|ssh)://`, checked where used).
 */

/** Fields of Flux's v1 `KustomizationSpec`; `interval`, `prune` and `sourceRef` are required. */
export const FLUX_KUSTOMIZATION_SPEC_FIELDS: ReadonlySet<string> = new Set([
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

/** Fields of Flux's v1 `GitRepositorySpec`. */
export const FLUX_GIT_REPOSITORY_SPEC_FIELDS: ReadonlySet<string> = new Set([
  'ignore',
  'include',
  'interval',
  'provider',
  'proxySecretRef',
  'recurseSubmodules',
  'ref',
  'secretRef',
  'sparseCheckout',
  'suspend',
  'timeout',
  'url',
  'verify',
]);

/** Required fields of Flux's v1 `GitRepositorySpec`. */
export const FLUX_GIT_REPOSITORY_REQUIRED = ['interval', 'url'] as const;

/** Fields of `GitRepositoryRef` (`spec.ref`): one of them picks what to check out. */
export const FLUX_GIT_REPOSITORY_REF_FIELDS: ReadonlySet<string> = new Set([
  'branch',
  'commit',
  'name',
  'semver',
  'tag',
]);

/** The URL pattern the GitRepository CRD enforces on `spec.url`. */
export const FLUX_GIT_REPOSITORY_URL_PATTERN = /^(http|https|ssh):\/\//;
