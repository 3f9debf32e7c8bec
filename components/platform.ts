/**
 * Everything inside the cluster that Pulumi owns: a Kubernetes provider for the new cluster, and
 * - with `gitops.engine: none`, every cdk8s component as a `yaml/v2` ConfigGroup from its
 *   synthesized objects, except the Namespaces of the `operators` component (the namespaces the
 *   operator charts write into besides their own), which are typed `Namespace` resources, and the
 *   operator Helm releases of `charts/operators/releases.ts` (the list synth's Flux and Argo CD
 *   objects install, with the same names and values). Order: those Namespaces, then all releases
 *   (CRDs, operators, the load balancer controller), then the other components one after the
 *   other in synth order;
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
/** Pulumi type of this component. */
const PLATFORM_TYPE = 'kafka-eks:index:Platform';
/** Pulumi type of a typed `k8s.core.v1.Namespace`, also what yaml/v2 registers a Namespace as. */
const NAMESPACE_TYPE = 'kubernetes:core/v1:Namespace';
/**
 * ConfigGroups (cdk8s component names) that held the prerequisite namespaces on stacks deployed
 * before: `kafka` until the namespace moved to the `operators` component, `operators` for the short
 * time that component was a ConfigGroup in `none` mode.
 */
const FORMER_NAMESPACE_GROUPS = ['kafka', 'operators'] as const;

/**
 * The URNs a Platform named `name` had on stacks deployed before: its URN under `opts.parent`, and
 * one per alias in `opts.aliases` (a URN string as is; an `Alias` object resolved the way the
 * engine resolves it: its `name`, `type`, `stack` and `project` or this resource's, its `parent`
 * when the key is present, `undefined` meaning the stack root, else `opts.parent`).
 */
function platformUrns(
  name: string,
  opts: pulumi.ComponentResourceOptions | undefined,
): pulumi.Output<string>[] {
  const aliasUrn = (alias: string | pulumi.Alias): pulumi.Output<string> => {
    if (typeof alias === 'string') return pulumi.output(alias);
    const parent = Object.prototype.hasOwnProperty.call(alias, 'parent')
      ? alias.parent
      : opts?.parent;
    return pulumi
      .all([alias.name ?? name, alias.type ?? PLATFORM_TYPE, alias.project, alias.stack])
      .apply(([aliasName, aliasType, project, stack]) =>
        pulumi.createUrn(aliasName, aliasType, parent, project, stack),
      );
  };
  return [
    pulumi.createUrn(name, PLATFORM_TYPE, opts?.parent),
    ...(opts?.aliases ?? []).map(alias =>
      pulumi.Output.isInstance(alias) || alias instanceof Promise
        ? pulumi.output(alias).apply(value => aliasUrn(value as string | pulumi.Alias))
        : aliasUrn(alias),
    ),
  ];
}

/**
 * Aliases for the typed Namespace `namespace` of the Platform named `name`: the URN that namespace
 * had as a child of each former ConfigGroup (`FORMER_NAMESPACE_GROUPS`), under every URN the
 * Platform had (`platformUrns`). A yaml/v2 ConfigGroup names a cluster-scoped child
 * `<ConfigGroup name>-<metadata.name>` (its `resourcePrefix` defaults to its own name;
 * pulumi-kubernetes `provider/pkg/provider/yaml/v2/yaml.go`, `parseUnstructured`). The engine does
 * not join an alias that names a parent URN with the aliases of that parent, so each Platform URN
 * gets its own entries. On a new stack none of them matches anything (the engine ignores them).
 */
export function namespaceAliases(
  name: string,
  namespace: string,
  opts: pulumi.ComponentResourceOptions | undefined,
): pulumi.Output<string>[] {
  return platformUrns(name, opts).flatMap(platformUrn =>
    FORMER_NAMESPACE_GROUPS.map(group =>
      pulumi.createUrn(
        `${name}-${group}-${namespace}`,
        NAMESPACE_TYPE,
        pulumi.createUrn(`${name}-${group}`, CONFIG_GROUP_TYPE, platformUrn),
      ),
    ),
  );
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
   * The namespaces the operator releases write into besides their own (the `Namespace` objects of
   * the `operators` cdk8s component, with the same metadata), created before every release, with
   * aliases to their URNs as children of a former ConfigGroup (`namespaceAliases`). Empty with a
   * GitOps engine (the engine applies the `operators` folder).
   */
  public readonly namespaces: readonly k8s.core.v1.Namespace[];
  /**
   * One ConfigGroup per cdk8s component, in deploy order: `operators` only when it holds more than
   * its Namespaces (before the releases), then the rest in synth order (empty with a GitOps
   * engine).
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
      objects: readonly (typeof synthesized)[number]['objects'][number][],
      after: readonly pulumi.Resource[],
    ): k8s.yaml.v2.ConfigGroup => {
      const group = new k8s.yaml.v2.ConfigGroup(
        `${name}-${component.name}`,
        { objs: objects.map(object => ({ ...object })) },
        { parent: this, provider: this.provider, dependsOn: [...dependencies, lbcRole, ...after] },
      );
      components.push({ name: component.name, group });
      return group;
    };

    // The operators component first: the namespaces the operator charts write into besides their
    // own (the Kafka namespace, for Strimzi's RoleBindings). Every release waits for them. Each is
    // a typed Namespace (not a ConfigGroup child), so it can carry aliases to the URNs it had on
    // stacks deployed before (`namespaceAliases`) without a `transforms` option, which Pulumi's
    // unit-test mocks (`pulumi.runtime.setMocks`) refuse. Anything else the component holds (none
    // in `none` mode today) stays a ConfigGroup after them.
    const operatorsLayer = synthesized.find(component => component.name === 'operators');
    const namespaces: k8s.core.v1.Namespace[] = [];
    const beforeReleases: pulumi.Resource[] = [];
    if (operatorsLayer !== undefined) {
      for (const object of operatorsLayer.objects.filter(o => o.kind === 'Namespace')) {
        namespaces.push(
          new k8s.core.v1.Namespace(
            `${name}-namespace-${object.metadata.name}`,
            { metadata: { ...object.metadata } },
            {
              parent: this,
              provider: this.provider,
              dependsOn: [...dependencies, lbcRole],
              aliases: namespaceAliases(name, object.metadata.name, opts),
            },
          ),
        );
      }
      beforeReleases.push(...namespaces);
      const rest = operatorsLayer.objects.filter(o => o.kind !== 'Namespace');
      if (rest.length > 0) beforeReleases.push(configGroup(operatorsLayer, rest, namespaces));
    }
    this.namespaces = namespaces;

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
      previous = configGroup(component, component.objects, [
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
