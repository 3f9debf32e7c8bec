/**
 * The operators layer: the namespaces the operator charts write into besides their own (the Kafka
 * namespace, which Strimzi's chart puts RoleBindings in) and, with a GitOps engine, the platform
 * components' namespaces (`operators/platform-namespaces.ts`), then the operators (Strimzi, AWS Load
 * Balancer Controller, cert-manager, optionally kube-prometheus-stack) as GitOps objects: Flux
 * `HelmRepository` + `HelmRelease`, or Argo CD `Application`. With `gitops.engine: none` only the
 * namespaces are emitted: Pulumi applies them before it installs the same releases
 * (`operators/releases.ts`, the one list both renderers read) as `helm.v3.Release`s.
 */
import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../spec/schema';
import {
  ARGO_CD_API_VERSION,
  FLUX_HELM_API_VERSION,
  FLUX_SOURCE_API_VERSION,
  applicationSpec,
  helmReleaseSpec,
  helmRepositorySpec,
} from './operators/gitops';
import { namespacesWithOperators, platformNamespaces } from './operators/platform-namespaces';
import { operatorReleases, prerequisiteNamespaces } from './operators/releases';
import type { PlatformPlan } from '../spec/derive';

export interface OperatorsChartProps extends ChartProps {
  /** The validated platform spec; with `gitops.engine: none` only the namespaces are emitted. */
  readonly spec: PlatformSpec;
  /**
   * The derived plan; its `deschedulerEnabled` says whether the descheduler's namespace is one of
   * the platform namespaces this chart emits with a GitOps engine (`operators/platform-namespaces.ts`).
   */
  readonly plan: Pick<PlatformPlan, 'deschedulerEnabled'>;
}

/** Namespace of the GitOps objects: the spec's, or the engine's usual one. */
export function gitopsNamespace(spec: PlatformSpec): string {
  return spec.gitops.namespace ?? (spec.gitops.engine === 'argocd' ? 'argocd' : 'flux-system');
}

/**
 * Per engine, the annotation that keeps an object out of the engine's pruning: Flux's
 * kustomize-controller skips garbage collection of objects annotated
 * `kustomize.toolkit.fluxcd.io/prune: disabled`; Argo CD does not prune objects with the sync
 * option `Prune=false`. Pulumi (`none`) has no such annotation.
 */
export const NEVER_PRUNE: Readonly<
  Record<PlatformSpec['gitops']['engine'], Record<string, string> | undefined>
> = {
  flux: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
  argocd: { 'argocd.argoproj.io/sync-options': 'Prune=false' },
  none: undefined,
};

export class OperatorsChart extends Chart {
  public constructor(scope: Construct, id: string, props: OperatorsChartProps) {
    super(scope, id, props);
    const { spec } = props;
    const namespace = gitopsNamespace(spec);
    const releases = operatorReleases(spec);
    // Kustomize-controller, Argo CD (kind order within a wave) and Pulumi's yaml/v2 all apply a
    // Namespace before the objects beside it, so these exist before any release installs.
    // The engine never prunes them: deleting the Kafka namespace deletes the Kafka cluster, and a
    // namespace that moves between folders (the Kafka namespace was in kafka/ before, the Drain
    // Cleaner's, descheduler's and controller's in their own folders) must not be collected, with
    // everything in it, by the folder it left.
    const keep = NEVER_PRUNE[spec.gitops.engine];
    // With a GitOps engine the platform components' namespaces come here too, so no platform
    // folder (Flux) or wave (Argo CD) waits for another one only to find its namespace.
    const namespaces = [
      ...prerequisiteNamespaces(spec),
      ...(namespacesWithOperators(spec) ? platformNamespaces(spec, props.plan) : []),
    ];
    for (const prerequisite of namespaces) {
      new k8s.KubeNamespace(this, `namespace-${prerequisite.name}`, {
        metadata: {
          name: prerequisite.name,
          labels: { ...prerequisite.labels },
          ...(keep === undefined ? {} : { annotations: { ...keep } }),
        },
      });
    }
    if (spec.gitops.engine === 'flux') {
      const repositories = new Map(releases.map(r => [r.chart.repositoryName, r.chart]));
      for (const [name, pin] of repositories) {
        new ApiObject(this, `repository-${name}`, {
          apiVersion: FLUX_SOURCE_API_VERSION,
          kind: 'HelmRepository',
          metadata: { name, namespace },
          spec: helmRepositorySpec(pin),
        });
      }
      for (const release of releases) {
        new ApiObject(this, `release-${release.name}`, {
          apiVersion: FLUX_HELM_API_VERSION,
          kind: 'HelmRelease',
          metadata: { name: release.name, namespace },
          spec: helmReleaseSpec(release, namespace),
        });
      }
    } else if (spec.gitops.engine === 'argocd') {
      for (const release of releases) {
        new ApiObject(this, `application-${release.name}`, {
          apiVersion: ARGO_CD_API_VERSION,
          kind: 'Application',
          metadata: { name: release.name, namespace },
          spec: applicationSpec(release),
        });
      }
    }
  }
}
