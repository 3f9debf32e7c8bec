/**
 * Everything inside the cluster that Pulumi owns: a Kubernetes provider for the new cluster, and
 * - with `gitops.engine: none`, every cdk8s component as a `yaml/v2` ConfigGroup from its
 *   synthesized objects, and the operator Helm releases of `charts/operators/releases.ts` (the
 *   list synth's Flux and Argo CD objects install, with the same names and values). Order: the
 *   `operators` component (the namespaces the operator charts write into besides their own), then
 *   all releases (CRDs, operators, the load balancer controller), then the other components one
 *   after the other in synth order;
 * - with Flux or Argo CD and `gitops.repository`, only the engine and its root sync objects
 *   (`GitOpsBootstrap`): the engine applies the synth output from the repository;
 * - with Flux or Argo CD and no repository, nothing in the cluster: you bootstrap the engine
 *   (the spec warns).
 * Exactly one owner per in-cluster object in each mode (`test/charts/gitops-layers.test.ts`).
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { operatorReleases } from '../charts/operators/releases';
import { synthPlatform } from '../charts/synth';
import type { LoadedSpec } from '../spec/load';
import { GitOpsBootstrap } from './gitops-bootstrap';
import { bootstrapsEngine } from './lib/gitops-bootstrap';
import { loadBalancerControllerPolicy } from './lib/iam';
import { SERVICE_ACCOUNTS } from './lib/names';
import { namedTags } from './lib/tags';
import { WorkloadRole } from './workload-role';

/** Pulumi type of a `yaml/v2` ConfigGroup. */
const CONFIG_GROUP_TYPE = 'kubernetes:yaml/v2:ConfigGroup';

/**
 * A transform for a ConfigGroup that now holds `Namespace` objects another ConfigGroup
 * (`formerParent`, a URN) held before: each `kubernetes:core/v1:Namespace` child gets an alias
 * with that former parent (same name and type), so on a stack deployed before, the engine moves
 * the namespace instead of creating it anew and deleting the old one, which would delete every
 * object in it. On a new stack the alias matches nothing. Other children are left as they are.
 * Not exercised by a real engine here (the Kubernetes provider, which registers a ConfigGroup's
 * children, cannot run offline); `test/components/platform-namespace-move.test.ts` checks the
 * transform itself.
 */
export function namespacesMovedFrom(formerParent: pulumi.Input<string>): pulumi.ResourceTransform {
  return args =>
    args.type === 'kubernetes:core/v1:Namespace'
      ? {
          props: args.props,
          opts: pulumi.mergeOptions(args.opts, { aliases: [{ parent: formerParent }] }),
        }
      : undefined;
}

export interface PlatformArgs {
  /**
   * The validated spec and its plan; the charts are synthesized from it.
   * @default - required
   */
  readonly loaded: LoadedSpec;
  /**
   * Name of the EKS cluster.
   * @default - required
   */
  readonly clusterName: string;
  /**
   * Kubeconfig of the cluster (JSON).
   * @default - required
   */
  readonly kubeconfig: pulumi.Input<string>;
  /**
   * Resources that must exist before anything is installed (nodegroups, add-ons).
   * @default - none
   */
  readonly dependsOn?: readonly pulumi.Resource[];
}

export class Platform extends pulumi.ComponentResource {
  /** Kubernetes provider for the new cluster. */
  public readonly provider: k8s.Provider;
  /** Helm releases by `OperatorRelease.key`, in install order (empty with a GitOps engine). */
  public readonly releases: Readonly<Record<string, k8s.helm.v3.Release>>;
  /**
   * One ConfigGroup per cdk8s component, in deploy order: `operators` (before the releases), then
   * the rest in synth order (empty with a GitOps engine).
   */
  public readonly components: readonly { name: string; group: k8s.yaml.v2.ConfigGroup }[];
  /** The GitOps engine and its root sync, when `gitops.engine` is set with `gitops.repository`. */
  public readonly gitopsBootstrap?: GitOpsBootstrap;

  public constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super('kafka-eks:index:Platform', name, {}, opts);
    const { spec } = args.loaded;
    const dependencies = [...(args.dependsOn ?? [])];
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: args.kubeconfig, enableServerSideApply: true },
      { parent: this },
    );

    const lbcAccount = SERVICE_ACCOUNTS.loadBalancerController;
    const lbcRole = new WorkloadRole(
      `${name}-lbc`,
      {
        clusterName: args.clusterName,
        namespace: lbcAccount.namespace,
        serviceAccount: lbcAccount.name,
        policy: loadBalancerControllerPolicy(),
        dependsOn: dependencies,
        tags: namedTags(spec, `${spec.name}-aws-load-balancer-controller`),
      },
      { parent: this },
    );

    // With a GitOps engine, the engine owns every in-cluster object of the synth output (see
    // charts/gitops-layers.ts); Pulumi applying them too would give each object two owners.
    const synthesized = spec.gitops.engine === 'none' ? synthPlatform(args.loaded).components : [];
    const components: { name: string; group: k8s.yaml.v2.ConfigGroup }[] = [];
    const configGroup = (
      component: (typeof synthesized)[number],
      after: readonly pulumi.Resource[],
      transforms: pulumi.ResourceTransform[] = [],
    ): k8s.yaml.v2.ConfigGroup => {
      const group = new k8s.yaml.v2.ConfigGroup(
        `${name}-${component.name}`,
        { objs: component.objects.map(object => ({ ...object })) },
        {
          parent: this,
          provider: this.provider,
          dependsOn: [...dependencies, lbcRole, ...after],
          ...(transforms.length === 0 ? {} : { transforms }),
        },
      );
      components.push({ name: component.name, group });
      return group;
    };

    // The operators component first: the namespaces the operator charts write into besides their
    // own (the Kafka namespace, for Strimzi's RoleBindings). Every release waits for it.
    const operatorsLayer = synthesized.find(component => component.name === 'operators');
    // Stacks deployed before had the Kafka Namespace in the `kafka` ConfigGroup: the alias makes
    // the engine move it here instead of creating it here and deleting it there (which would
    // delete the namespace and the Kafka cluster in it).
    const formerKafkaGroup = pulumi.createUrn(`${name}-kafka`, CONFIG_GROUP_TYPE, this);
    const beforeReleases =
      operatorsLayer === undefined
        ? []
        : [configGroup(operatorsLayer, [], [namespacesMovedFrom(formerKafkaGroup)])];

    const releases: Record<string, k8s.helm.v3.Release> = {};
    if (spec.gitops.engine === 'none') {
      // The same list, names and values synth's Flux and Argo CD objects install.
      for (const release of operatorReleases(spec)) {
        releases[release.key] = new k8s.helm.v3.Release(
          `${name}-${release.name}`,
          {
            name: release.name,
            chart: release.chart.chart,
            version: release.chart.version,
            repositoryOpts: { repo: release.chart.repositoryUrl },
            namespace: release.namespace,
            createNamespace: true,
            values: release.values,
            atomic: true,
          },
          {
            parent: this,
            provider: this.provider,
            dependsOn: [
              ...dependencies,
              ...beforeReleases,
              ...(release.key === 'awsLoadBalancerController' ? [lbcRole] : []),
            ],
          },
        );
      }
    }
    this.releases = releases;

    // Then every other component, one after the other in synth order, after all releases.
    let previous: pulumi.Resource | undefined;
    for (const component of synthesized) {
      if (component === operatorsLayer) continue;
      previous = configGroup(component, [
        ...beforeReleases,
        ...Object.values(releases),
        ...(previous === undefined ? [] : [previous]),
      ]);
    }
    this.components = components;

    if (bootstrapsEngine(spec)) {
      this.gitopsBootstrap = new GitOpsBootstrap(
        `${name}-gitops`,
        { spec, provider: this.provider, dependsOn: [...dependencies, lbcRole] },
        { parent: this },
      );
    }
    this.registerOutputs({
      componentNames: components.map(component => component.name),
      gitopsEngine: this.gitopsBootstrap === undefined ? 'none' : spec.gitops.engine,
    });
  }
}
