/**
 * `KafkaEksPlatform`: the whole platform as one Pulumi ComponentResource a user creates in their own
 * program: network (or an existing VPC), EKS cluster, per-zone Kafka nodegroups, the EBS CSI
 * driver, scaling, everything inside the cluster, and Cluster Autoscaler. It wires exactly what
 * `buildPlatformStack` wires and exposes the results as typed outputs.
 *
 * Every resource sits under this component, so its URN carries this component's type. A stack
 * whose components were created straight under the stack (this repository's program before it used
 * `KafkaEksPlatform`) moves over without replacement with `aliasRootResources: true`; a new stack
 * needs nothing (see the arg, and docs/upgrade.md).
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { formatIssue, type SpecIssue } from '../spec/errors';
import { parseSpec, type LoadedSpec } from '../spec/load';
import type { PlatformSpecInput } from '../spec/schema';
import { controllerZonesDropped, type SystemNodegroupIdentity } from '../spec/system-nodegroup';
import type { AdminAccessEntryKeys } from './lib/access-entries';
import { providerRegionProblem } from './lib/region';
import { buildPlatformStack } from './stack';

/** Type token of the component (`pkg:index:Name`, like the other components). */
export const KAFKA_EKS_PLATFORM_TYPE = 'kafka-eks:index:KafkaEksPlatform';

export interface KafkaEksPlatformArgs {
  /**
   * The platform spec: either the result of `loadSpec(file)` / `validateSpec(object)`, or a plain
   * spec object (the same shape as `stacks/prod.yaml`), which is validated here. AWS resource
   * names derive from `spec.name`, not from the component's name.
   * @default - required
   * @throws SpecError listing every problem when a plain object is invalid.
   */
  readonly spec: LoadedSpec | PlatformSpecInput;
  /**
   * Give every component this platform creates directly (Network, Cluster or ExistingCluster,
   * Nodegroups, EbsCsiDriver, Scaling, Platform, ClusterAutoscaler) an alias to the URN it has as a
   * direct child of the stack: `{ parent: pulumi.rootStackResource }`, same name and type. Set it
   * when the stack was deployed by a program that called `buildPlatformStack` itself, as
   * `stacks/index.ts` of this repository did before it created a `KafkaEksPlatform`: without it
   * every resource's URN changes (the new parent is part of each URN) and `pulumi up` would
   * replace the whole platform, EKS cluster included. With it, the engine matches each component
   * to its old state, and every resource under a component follows, because the engine derives a
   * child's alias from the alias its parent matched (pulumi/pulumi
   * `pkg/resource/deploy/step_generator.go`, `generateAliases`, v3.248.0), and a resource whose
   * explicit provider (the Kubernetes provider) was found through an alias keeps that provider
   * (`providerChanged`, same file). The first `pulumi up` then rewrites the URNs in the state; the
   * move itself changes nothing in AWS. Later runs may keep the flag (an alias that matches
   * nothing in the state is ignored). Checked under the real engine by
   * test/engine/aliases.test.ts.
   *
   * Off by default: a new stack has nothing at those URNs, and in a program that also creates
   * a component of the same type and name straight under the stack, the alias would claim that
   * component's state.
   * @default false - no aliases; URNs are only those under this component
   */
  readonly aliasRootResources?: boolean;
  /**
   * The system nodegroup as the stack last deployed it: the `systemNodegroup` of what
   * `refuseStatefulChanges(spec)` returns, read from the stack output `systemNodegroup` (export
   * this component's `systemNodegroup` under that name). The group keeps that name and those zones
   * while all of them stay in the spec, so appending a zone leaves it unchanged, and moves to a new
   * name derived from the spec's zones once one of them is dropped, so Pulumi creates the new
   * group before it deletes the old one (spec/system-nodegroup.ts). Without it a zones edit
   * replaces the group under the same name, which EKS refuses half-way ("NodeGroup already
   * exists").
   * @default - none: a first deployment, `<name>-system` across every spec zone
   */
  readonly deployedSystemNodegroup?: SystemNodegroupIdentity | undefined;
  /**
   * The admin access entries as the stack last deployed them, key -> principal ARN: the
   * `adminAccessEntries` of what `refuseStatefulChanges(spec)` returns, read from the stack output
   * `adminAccessEntries` (export this component's `adminAccessEntries` under that name). Each
   * deployed principal keeps its entry's key, so removing an admin from the middle of
   * `cluster.adminPrincipalArns` or reordering them replaces no entry (EKS refuses an entry for a
   * principal another entry still holds; components/lib/access-entries.ts).
   * @default - none: keys by position (`admin-<index>`), as earlier versions made them
   */
  readonly deployedAdminAccessEntries?: AdminAccessEntryKeys | undefined;
  /**
   * The spec's `zones` as the stack last deployed them: the `zones` of what
   * `refuseStatefulChanges(spec)` returns. Read only for a joined cluster (`cluster.existing`),
   * whose KRaft controllers may run in every spec zone (its system nodes are the user's, so there
   * is no `deployedSystemNodegroup`): a zone of it that the spec drops is warned about
   * (`deploymentWarnings`).
   * @default - none: no zone-drop warning for a joined cluster
   */
  readonly deployedZones?: readonly string[] | undefined;
  /**
   * Whether the caller has already logged the spec's warnings (`LoadedSpec.warnings`) with
   * `pulumi.log.warn`. `stacks/index.ts` logs them itself right after loading the spec, before its
   * first AWS call, so they show even when that call fails (no credentials, a refused zone); it
   * sets this so the component does not log them a second time.
   * @default false - the component logs each spec warning on itself
   */
  readonly specWarningsLogged?: boolean;
}

/** One zone's Kafka nodegroup and its Auto Scaling group. */
export interface KafkaEksZone {
  /** Name of the EKS managed nodegroup of this zone. */
  readonly nodegroupName: string;
  /** Name of the EC2 Auto Scaling group behind it (known after creation). */
  readonly autoScalingGroupName: string;
}

function isLoadedSpec(value: LoadedSpec | PlatformSpecInput): value is LoadedSpec {
  return (
    typeof value === 'object' &&
    value !== null &&
    'plan' in value &&
    'spec' in value &&
    'warnings' in value
  );
}

export class KafkaEksPlatform extends pulumi.ComponentResource {
  /**
   * The validated spec, its derived plan and warnings. Each warning is also logged with
   * `pulumi.log.warn` on this component (unless `specWarningsLogged`), as `Path: message`
   * (`formatIssue`), the line `synth` prints after `warning: `.
   */
  public readonly loaded: LoadedSpec;
  /** Kubeconfig of the new cluster, JSON, marked secret. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Name of the EKS cluster (`spec.name`). */
  public readonly clusterName: pulumi.Output<string>;
  /** Zone name (for example `eu-west-1a`) -> its Kafka nodegroup and Auto Scaling group. */
  public readonly zones: pulumi.Output<Record<string, KafkaEksZone>>;
  /** In-cluster bootstrap address of the TLS listener, `host:port`. */
  public readonly bootstrapAddress: pulumi.Output<string>;
  /** `namespace/name` of the external bootstrap NLB's Service; undefined when external access is off. */
  public readonly externalBootstrapService: pulumi.Output<string | undefined>;
  /** The autoscaling controller's IAM policy document (JSON); undefined in target-tracking mode. */
  public readonly controllerPolicyJson: pulumi.Output<string | undefined>;
  /**
   * The system nodegroup's EKS name and zones (JSON-safe), to export as the stack output
   * `systemNodegroup` for the next run's `deployedSystemNodegroup`; undefined for a joined cluster.
   */
  public readonly systemNodegroup: SystemNodegroupIdentity | undefined;
  /**
   * The admin access entries, key -> principal ARN (JSON-safe), to export as the stack output
   * `adminAccessEntries` for the next run's `deployedAdminAccessEntries`; undefined for a joined
   * cluster.
   */
  public readonly adminAccessEntries: Readonly<Record<string, string>> | undefined;
  /**
   * What this deployment changes that Kubernetes or Kafka may not follow, compared with the last
   * deployment, each also logged with `pulumi.log.warn` on this component (shown by `pulumi
   * preview` and `pulumi up`): today the KRaft controllers' zones that the system nodegroup leaves
   * (`controllerZonesDropped`, the rule `synth` applies to its previous output). Known from
   * `deployedSystemNodegroup`, or for a joined cluster from `deployedZones`: empty on a first
   * deployment and without them (docs/upgrade.md).
   */
  public readonly deploymentWarnings: readonly SpecIssue[];

  public constructor(
    name: string,
    args: KafkaEksPlatformArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    // Validate before registering anything: a bad spec leaves no half-registered component.
    const loaded = isLoadedSpec(args.spec) ? args.spec : parseSpec(args.spec);
    // The default AWS provider must create the resources in the spec's region. With a provider
    // or a parent given, the provider may be another one, whose region is not known here.
    if (
      opts?.provider === undefined &&
      opts?.providers === undefined &&
      opts?.parent === undefined
    ) {
      const problem = providerRegionProblem(loaded.spec.region, aws.config.region);
      if (problem !== undefined) throw new pulumi.RunError(problem);
    }
    super(KAFKA_EKS_PLATFORM_TYPE, name, {}, opts);
    this.loaded = loaded;
    // The spec's warnings (the rules `synth` prints on stderr: an unpublished controller image, a
    // metrics URL nothing serves, keys Kafka ignores) reach a Pulumi user only through the
    // engine's diagnostics: `pulumi preview` and `pulumi up` show each under this component.
    if (args.specWarningsLogged !== true) {
      for (const warning of loaded.warnings) {
        void pulumi.log.warn(formatIssue(warning), this);
      }
    }
    // Every component is a child of this one, so `pulumi destroy`, aliases and the console see
    // one platform.
    const built = buildPlatformStack(
      this.loaded,
      {
        parent: this,
        ...((args.aliasRootResources ?? false)
          ? { aliases: [{ parent: pulumi.rootStackResource }] }
          : {}),
      },
      {
        ...(args.deployedSystemNodegroup === undefined
          ? {}
          : { systemNodegroup: args.deployedSystemNodegroup }),
        ...(args.deployedAdminAccessEntries === undefined
          ? {}
          : { adminAccessEntries: args.deployedAdminAccessEntries }),
      },
    );
    this.systemNodegroup = built.systemNodegroup;
    this.adminAccessEntries = built.adminAccessEntries;
    // The KRaft controllers run on the system nodegroup: the zones it leaves strand the controller
    // whose volume is there. The same rule synth applies to its previous output.
    // A joined cluster's system nodes are the user's: the controllers may use every spec zone.
    const joined = loaded.spec.cluster.existing !== undefined;
    const zonesDropped = controllerZonesDropped(
      joined ? args.deployedZones : args.deployedSystemNodegroup?.zones,
      joined ? loaded.spec.zones : built.systemNodegroup?.zones,
    );
    this.deploymentWarnings = zonesDropped === undefined ? [] : [zonesDropped];
    for (const warning of this.deploymentWarnings) {
      void pulumi.log.warn(formatIssue(warning), this);
    }
    this.kubeconfig = pulumi.secret(built.kubeconfig);
    this.clusterName = pulumi.output(built.clusterName);
    this.zones = pulumi
      .all(
        Object.entries(built.zones).map(([zone, group]) =>
          pulumi
            .output(group.autoScalingGroupName)
            .apply(
              asgName =>
                [
                  zone,
                  { nodegroupName: group.nodegroupName, autoScalingGroupName: asgName },
                ] as const,
            ),
        ),
      )
      .apply(entries => Object.fromEntries(entries));
    this.bootstrapAddress = pulumi.output(built.bootstrapAddress);
    this.externalBootstrapService = pulumi.output(built.externalBootstrapService);
    this.controllerPolicyJson =
      built.controllerPolicyJson === undefined
        ? pulumi.output(undefined)
        : built.controllerPolicyJson;
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      clusterName: this.clusterName,
      zones: this.zones,
      bootstrapAddress: this.bootstrapAddress,
      externalBootstrapService: this.externalBootstrapService,
      controllerPolicyJson: this.controllerPolicyJson,
    });
  }
}
