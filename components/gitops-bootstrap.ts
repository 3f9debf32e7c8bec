/**
 * Bootstraps the GitOps engine of the spec: the engine's pinned Helm release (Flux's `flux2` or
 * Argo CD's `argo-cd` chart, CRDs included, into `gitops.namespace`), then the root sync objects
 * pointed at `gitops.repository` (`lib/gitops-bootstrap.ts`). From there the engine owns every
 * object of the synth output; Pulumi owns only the release and these root objects.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformSpec } from '../spec/schema';
import { gitopsBootstrapPlan, type BootstrapObject } from './lib/gitops-bootstrap';

export interface GitOpsBootstrapArgs {
  /**
   * The validated spec; `gitops.engine` must be `flux` or `argocd` and `gitops.repository` set.
   * @default - required
   */
  readonly spec: PlatformSpec;
  /**
   * Kubernetes provider of the cluster the engine is installed into.
   * @default - required
   */
  readonly provider: k8s.Provider;
  /**
   * Resources that must exist before the engine is installed (nodegroups, add-ons, IAM roles).
   * @default - none
   */
  readonly dependsOn?: readonly pulumi.Resource[];
}

export class GitOpsBootstrap extends pulumi.ComponentResource {
  /** The engine's Helm release (Flux or Argo CD, with its CRDs). */
  public readonly release: k8s.helm.v3.Release;
  /**
   * Root sync objects, created after the release: Flux `GitRepository` and root `Kustomization`,
   * or one Argo CD `Application`.
   */
  public readonly rootObjects: readonly k8s.apiextensions.CustomResource[];

  /**
   * @throws Error when the spec has no engine or no `gitops.repository` (nothing to bootstrap);
   *   `Platform` creates this component only when both are set.
   */
  public constructor(
    name: string,
    args: GitOpsBootstrapArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('kafka-eks:index:GitOpsBootstrap', name, {}, opts);
    const plan = gitopsBootstrapPlan(args.spec);
    if (plan === undefined) {
      throw new Error(
        'gitops.repository: GitOpsBootstrap needs gitops.engine flux or argocd and gitops.repository.url; set both, or do not create the component',
      );
    }
    const { release } = plan;
    this.release = new k8s.helm.v3.Release(
      `${name}-${release.releaseName}`,
      {
        name: release.releaseName,
        chart: release.pin.chart,
        version: release.pin.version,
        repositoryOpts: { repo: release.pin.repo },
        namespace: release.pin.namespace,
        createNamespace: true,
        values: release.values,
        atomic: true,
      },
      { parent: this, provider: args.provider, dependsOn: [...(args.dependsOn ?? [])] },
    );
    this.rootObjects = plan.objects.map(
      (object: BootstrapObject) =>
        new k8s.apiextensions.CustomResource(
          `${name}-${object.kind.toLowerCase()}-${object.metadata.name}`,
          {
            apiVersion: object.apiVersion,
            kind: object.kind,
            metadata: { ...object.metadata },
            spec: object.spec,
          },
          // The kinds come with the release's CRDs.
          { parent: this, provider: args.provider, dependsOn: [this.release] },
        ),
    );
    this.registerOutputs({
      releaseName: release.releaseName,
      namespace: release.pin.namespace,
      rootObjects: plan.objects.map(object => `${object.kind}/${object.metadata.name}`),
    });
  }
}
