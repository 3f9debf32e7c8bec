/**
 * Which spec fields a deployed platform can never take a new value of: the fields that reach a
 * property of a stateful resource that the provider can only change by deleting the resource and
 * creating another (Terraform `ForceNew`, Pulumi "replace"), or that reach a resource's logical
 * name, so its URN (a changed URN is a delete and a create unless aliased). The stateful resources
 * are the EKS cluster, the VPC and subnets its nodes and EBS volumes live in, the managed
 * nodegroups whose nodes carry the brokers, the KMS key of the cluster's secrets, the Kafka
 * cluster's custom resources, and the Helm releases Pulumi installs (their namespace).
 * `GUARDED_FIELDS` is the table, one entry per field with the resources it reaches, why they are
 * replaced, what that costs and how to change the field on purpose; docs/upgrade.md renders the
 * same table for readers.
 *
 * The Pulumi program records the values as deployed in one stack output, `statefulIdentity`
 * (`statefulIdentityOf(spec)`, a flat object keyed by spec path), and the next run compares the
 * spec with it before it registers any resource (components/lib/zone-order-guard.ts,
 * `refuseStatefulChanges`); `statefulIdentityProblems` is the comparison. A stack last deployed by
 * a version without that output is compared on what the older outputs `zoneOrder` and
 * `nodeInstanceTypes` recorded (`legacyStatefulIdentity`), and passes for the rest.
 *
 * Sources, by resource (upstream Terraform AWS provider schemas, which @pulumi/aws bridges):
 * - `aws_vpc.cidr_block`: ForceNew (internal/service/ec2/vpc_.go).
 * - `aws_subnet.cidr_block`, `availability_zone`, `vpc_id`: ForceNew (internal/service/ec2/vpc_subnet.go).
 * - `aws_eks_cluster.name`: ForceNew; `vpc_config.subnet_ids` is updated in place
 *   (internal/service/eks/cluster.go).
 * - `aws_eks_node_group.cluster_name`, `node_group_name`, `subnet_ids`, `instance_types`,
 *   `ami_type`, `launch_template.id`: ForceNew (internal/service/eks/node_group.go).
 * - AWS region: @pulumi/aws 7 no longer replaces resources when the provider's region changes;
 *   moving a stack to another region takes `pulumi destroy` then `pulumi up`
 *   (pulumi/pulumi-aws#5656, reverting #4000).
 * - Kubernetes objects (@pulumi/kubernetes): a changed `metadata.name` or `metadata.namespace` is a
 *   new object (delete + create; pulumi/pulumi-kubernetes#1775 lists the provider's replace rules),
 *   and a `yaml/v2` ConfigGroup names each child after both.
 * - Helm releases (@pulumi/kubernetes `helm.v3.Release`): `name` and `namespace` force a new release
 *   and the provider asks for no delete-before-replace (provider/pkg/provider/helm_release.go,
 *   `forceNewFields`), so the new release is installed while the old one still owns the chart's
 *   cluster-wide objects, which Helm refuses ("invalid ownership metadata"). The release
 *   namespaces are recorded only while Pulumi installs the release (`null` otherwise) and refused
 *   only when both sides install it.
 * - The system nodegroup's zones are not guarded: a permitted `zones` edit keeps or renames it
 *   (spec/system-nodegroup.ts, stack output `systemNodegroup`).
 */
import { showValue, type SpecIssue } from './errors';
import { instanceTypeChangeProblems, nodeInstanceTypesOf } from './nodegroup-instance-types';
import type { PlatformSpec } from './schema';
import { PULUMI_ZONE_ORDER, zoneOrderProblem } from './zone-order';

/** Name of the stack output that records the guarded fields as the stack deployed them. */
export const STATEFUL_IDENTITY_OUTPUT = 'statefulIdentity';

/**
 * One recorded value: a string, a list of strings (`zones`), or `null` for a field the spec leaves
 * out (for example `cluster.existing.name` when the platform creates its cluster), so that setting
 * it later is a change too.
 */
export type IdentityValue = string | readonly string[] | null;

/** Spec path (per-zone entries end in `.<zone>`) -> value as deployed. */
export type StatefulIdentity = Readonly<Record<string, IdentityValue>>;

/** The parts of the spec the identity reads. */
export type IdentitySpec = Pick<PlatformSpec, 'name' | 'region' | 'zones' | 'cluster'> & {
  readonly kafka: Pick<PlatformSpec['kafka'], 'namespace'>;
  readonly operators: Pick<PlatformSpec['operators'], 'strimziNamespace'>;
  readonly monitoring: Pick<PlatformSpec['monitoring'], 'namespace' | 'installKubePrometheusStack'>;
  readonly gitops: Pick<PlatformSpec['gitops'], 'engine' | 'namespace' | 'repository'>;
  readonly autoscaling: Pick<PlatformSpec['autoscaling'], 'mode' | 'dryRun'>;
  readonly controller: Pick<PlatformSpec['controller'], 'namespace'>;
  readonly nodes: {
    readonly kafka: { readonly instanceType: string };
    readonly system: { readonly instanceType: string };
  };
};

/** One row of the table: a guarded field, what it reaches, and how to change it on purpose. */
export interface GuardedField {
  /** Spec path; with `perZone`, the prefix of one entry per zone (`<path>.<zone>`). */
  readonly path: string;
  /** The resources (and their properties) the field reaches. */
  readonly resources: string;
  /** Why a new value replaces them. */
  readonly why: string;
  /** What the replacement costs. */
  readonly consequence: string;
  /** How to reach the new value deliberately. */
  readonly fix: string;
  /** The field's entries of the identity (one, or one per zone), keyed by spec path. */
  readonly read: (spec: IdentitySpec) => Record<string, IdentityValue>;
  /**
   * The refusal for one entry the deployed identity and the spec both hold, when they differ in a
   * way the field cannot take.
   * @default - refused unless equal, with the message of `changeProblem`
   */
  readonly problem?: (
    path: string,
    deployed: IdentityValue,
    next: IdentityValue,
  ) => SpecIssue | undefined;
}

/**
 * Why a Helm release Pulumi installs cannot move to another namespace: the release is replaced,
 * and the new one cannot be installed beside the old one.
 */
const RELEASE_MOVE_WHY =
  'a Helm release\'s `name` and `namespace` force a new release (pulumi-kubernetes `helm_release.go`, `forceNewFields`), which Pulumi installs before it uninstalls the old one, and Helm refuses the chart\'s cluster-wide objects of fixed names (ClusterRoles, ClusterRoleBindings, webhook configurations, CRDs) that the old release still owns ("invalid ownership metadata")';

/**
 * A namespace that matters only while something runs there (a Helm release Pulumi installs, an
 * acting controller): refused only when both the deployed and the new spec have it run and the
 * namespaces differ (`null` on either side means it does not run there: it is created or removed,
 * not moved).
 */
function releaseNamespaceProblem(
  path: string,
  deployed: IdentityValue,
  next: IdentityValue,
): SpecIssue | undefined {
  if (typeof deployed !== 'string' || typeof next !== 'string' || deployed === next) {
    return undefined;
  }
  return changeProblem(fieldOf(path), path, deployed, next);
}

/**
 * `controller.namespace` while Pulumi runs an acting controller there (`autoscaling.mode:
 * controller`, not `dryRun`, `gitops.engine: none`), else `null`: its leader Lease lives there
 * (`<name>-kafka-autoscaler`), so moving it makes a second, independent Lease.
 */
function actingControllerNamespaceOf(spec: IdentitySpec): string | null {
  const acts =
    spec.gitops.engine === 'none' &&
    spec.autoscaling.mode === 'controller' &&
    !spec.autoscaling.dryRun;
  return acts ? spec.controller.namespace : null;
}

/** `gitops.namespace` as the engine's release uses it (charts/operators-chart.ts `gitopsNamespace`). */
function bootstrapNamespaceOf(spec: IdentitySpec): string | null {
  if (spec.gitops.engine === 'none' || spec.gitops.repository === undefined) return null;
  return spec.gitops.namespace ?? (spec.gitops.engine === 'argocd' ? 'argocd' : 'flux-system');
}

const START_OVER =
  'deploy the platform anew as a new stack (or pulumi destroy, then pulumi up), move the data over with MirrorMaker 2, and retire the old stack';

/** The guarded fields; see the module comment for the sources. */
export const GUARDED_FIELDS: readonly GuardedField[] = [
  {
    path: 'name',
    resources:
      'the logical name of every resource (URN), the EKS cluster (`name`), every nodegroup (`nodeGroupName`), the KMS alias, the Kafka and KafkaNodePool custom resources (`metadata.name`)',
    why: 'a changed URN is a delete and a create, and the EKS cluster name and nodegroup name force a new resource',
    consequence: 'replace the whole platform, EKS cluster and Kafka data included',
    fix: START_OVER,
    read: spec => ({ name: spec.name }),
  },
  {
    path: 'region',
    resources: 'every AWS resource (the default AWS provider must use the same region)',
    why: '@pulumi/aws cannot move a resource between regions (pulumi/pulumi-aws#5656)',
    consequence:
      'create a second platform in the new region while the state still holds the first, or fail on every resource',
    fix: START_OVER,
    read: spec => ({ region: spec.region }),
  },
  {
    path: 'zones',
    resources:
      "each zone's subnets (`cidrBlock` by position), its Kafka nodegroup and its broker pool",
    why: "a zone's subnet ranges and broker IDs follow its position",
    consequence: "replace the moved zones' subnets with the nodes in them",
    fix: 'add zones only at the end, remove them only from the end',
    read: spec => ({ zones: [...spec.zones] }),
    problem: (path, deployed, next) =>
      Array.isArray(deployed) && Array.isArray(next)
        ? zoneOrderProblem(deployed as string[], next as string[], PULUMI_ZONE_ORDER)
        : changeProblem(fieldOf(path), path, deployed, next),
  },
  {
    path: 'cluster.vpcCidr',
    resources:
      'the VPC (`cidrBlock`) and every subnet (`cidrBlock`), so every nodegroup (`subnetIds`) and the EKS cluster inside them',
    why: 'a VPC or subnet range cannot change in place (ForceNew)',
    consequence: 'delete the VPC with the EKS cluster, the nodes and the broker volumes in it',
    fix: START_OVER,
    read: spec => ({
      'cluster.vpcCidr': spec.cluster.existingVpc === undefined ? spec.cluster.vpcCidr : null,
    }),
  },
  {
    path: 'cluster.existingVpc.vpcId',
    resources:
      'the VPC the platform created or was given, its subnets, the EKS cluster and every nodegroup in it',
    why: 'switching between a created and a given VPC, or to another VPC, deletes the created one and moves the nodegroups (`subnetIds`, ForceNew)',
    consequence: 'replace the EKS cluster and every nodegroup, brokers included',
    fix: START_OVER,
    read: spec => ({ 'cluster.existingVpc.vpcId': spec.cluster.existingVpc?.vpcId ?? null }),
  },
  {
    path: 'cluster.existingVpc.privateSubnetIds',
    resources: "the zone's Kafka nodegroup and the system nodegroup (`subnetIds`)",
    why: "a managed nodegroup's subnets cannot change in place (ForceNew)",
    consequence:
      'replace the nodegroups under the same name, which EKS refuses half-way ("NodeGroup already exists"), and take all the Kafka nodes of the zone at once',
    fix: 'keep the subnet of each deployed zone; to use other subnets, deploy the platform anew',
    read: spec =>
      Object.fromEntries(
        Object.entries(spec.cluster.existingVpc?.privateSubnetIds ?? {})
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([zone, id]) => [`cluster.existingVpc.privateSubnetIds.${zone}`, id]),
      ),
  },
  {
    path: 'cluster.existing.name',
    resources:
      'the EKS cluster the platform created or joined, and every nodegroup in it (`clusterName`)',
    why: 'joining instead of creating deletes the created cluster, and a nodegroup cannot move to another cluster (ForceNew)',
    consequence: 'delete the EKS cluster, or replace every nodegroup, brokers included',
    fix: START_OVER,
    read: spec => ({ 'cluster.existing.name': spec.cluster.existing?.name ?? null }),
  },
  {
    path: 'nodes.kafka.instanceType',
    resources: "every zone's Kafka nodegroup (`instanceTypes`, `amiType`)",
    why: 'EKS cannot change the instance type of a managed nodegroup (ForceNew)',
    consequence: 'replace the nodegroups and take all the Kafka nodes of a zone at once',
    fix: 'deploy the platform anew (a new stack, or pulumi destroy first)',
    read: spec => ({ 'nodes.kafka.instanceType': spec.nodes.kafka.instanceType }),
    problem: instanceTypeProblem,
  },
  {
    path: 'nodes.system.instanceType',
    resources:
      'the system nodegroup (`instanceTypes`, `amiType`), for a cluster the platform creates',
    why: 'EKS cannot change the instance type of a managed nodegroup (ForceNew)',
    consequence: 'replace the system nodegroup and every system pod with it',
    fix: 'deploy the platform anew (a new stack, or pulumi destroy first)',
    read: (spec): Record<string, IdentityValue> => {
      const system = nodeInstanceTypesOf(spec)['nodes.system.instanceType'];
      return system === undefined ? {} : { 'nodes.system.instanceType': system };
    },
    problem: instanceTypeProblem,
  },
  {
    path: 'kafka.namespace',
    resources:
      'the Kafka and KafkaNodePool custom resources and the brokers\u2019 PersistentVolumeClaims (`metadata.namespace`)',
    why: 'a Kubernetes object in another namespace is another object (delete + create)',
    consequence:
      'delete the Kafka cluster (Strimzi removes its brokers) and start an empty one, its volumes left behind in the old namespace',
    fix: START_OVER,
    read: spec => ({ 'kafka.namespace': spec.kafka.namespace }),
  },
  {
    path: 'operators.strimziNamespace',
    resources:
      'the Helm release `strimzi-kafka-operator` Pulumi installs with `gitops.engine: none` (`namespace`)',
    why: RELEASE_MOVE_WHY,
    consequence:
      'fail half-way with the new release refused, after the other changes of the run were made',
    fix: 'uninstall the release first (helm uninstall strimzi-kafka-operator -n <deployed namespace>; the brokers keep running and the CRDs stay), run pulumi refresh so the stack forgets it, then pulumi up with the new namespace',
    read: spec => ({
      'operators.strimziNamespace':
        spec.gitops.engine === 'none' ? spec.operators.strimziNamespace : null,
    }),
    problem: releaseNamespaceProblem,
  },
  {
    path: 'monitoring.namespace',
    resources:
      'the Helm release `kube-prometheus-stack` Pulumi installs with `monitoring.installKubePrometheusStack` and `gitops.engine: none` (`namespace`)',
    why: RELEASE_MOVE_WHY,
    consequence:
      'fail half-way with the new release refused, after the other changes of the run were made',
    fix: 'set monitoring.installKubePrometheusStack to false and pulumi up (Prometheus goes for the while; its CRDs stay), then set the new namespace with it back to true and pulumi up again',
    read: spec => ({
      'monitoring.namespace':
        spec.gitops.engine === 'none' && spec.monitoring.installKubePrometheusStack
          ? spec.monitoring.namespace
          : null,
    }),
    problem: releaseNamespaceProblem,
  },
  {
    path: 'gitops.namespace',
    resources:
      'the Helm release of the GitOps engine Pulumi bootstraps with `gitops.repository` (`namespace`), and its root objects',
    why: RELEASE_MOVE_WHY,
    consequence:
      'fail half-way with the new release refused; uninstalling the old one deletes the engine\u2019s CRDs and with them the objects that sync the platform',
    fix: START_OVER,
    read: spec => ({ 'gitops.namespace': bootstrapNamespaceOf(spec) }),
    problem: releaseNamespaceProblem,
  },
  {
    path: 'controller.namespace',
    resources:
      'the autoscaling controller’s Deployment and its leader Lease `<name>-kafka-autoscaler` (`metadata.namespace`), while it acts (`autoscaling.mode: controller`, not `dryRun`, `gitops.engine: none`)',
    why: 'the controller in the new namespace elects itself through a Lease of its own, so it leads at once while the old Deployment still runs and leads through the old Lease (Pulumi creates the new objects before it deletes the old ones), and the admission fence then admits only the new ServiceAccount (docs/controller.md "Review s36-a")',
    consequence:
      'run two leading controllers until the old one is deleted: two broker moves may be in flight, and each adopts the other’s operation records',
    fix: 'first pulumi up with autoscaling.dryRun: true (the running controller stops acting), then pulumi up with the new namespace, then set dryRun back to false and pulumi up',
    read: spec => ({ 'controller.namespace': actingControllerNamespaceOf(spec) }),
    // Refused only when an acting controller moves (`null` on either side: none acts there).
    problem: releaseNamespaceProblem,
  },
];

/** The instance type fields keep the wording of spec/nodegroup-instance-types.ts. */
function instanceTypeProblem(
  path: string,
  deployed: IdentityValue,
  next: IdentityValue,
): SpecIssue | undefined {
  if (typeof deployed !== 'string' || typeof next !== 'string') {
    return changeProblem(fieldOf(path), path, deployed, next);
  }
  return instanceTypeChangeProblems({ [path]: deployed }, { [path]: next })[0];
}

/** The table row an identity path belongs to (a per-zone path by its prefix). */
function fieldOf(path: string): GuardedField {
  const field =
    GUARDED_FIELDS.find(row => row.path === path) ??
    GUARDED_FIELDS.find(row => path.startsWith(`${row.path}.`));
  if (field === undefined) throw new Error(`${path} is not a guarded field`);
  return field;
}

/** The default refusal: field, both values, why, what it would cost, and the fix. */
function changeProblem(
  field: GuardedField,
  path: string,
  deployed: IdentityValue,
  next: IdentityValue,
): SpecIssue {
  return {
    path,
    message:
      `${showValue(next)} differs from ${showValue(deployed)}, which the stack was deployed with ` +
      `(stack output ${STATEFUL_IDENTITY_OUTPUT}). It reaches ${field.resources}; ${field.why}, ` +
      `so pulumi up would ${field.consequence}. Fix: keep ${showValue(deployed)}; to change it ` +
      `on purpose, ${field.fix} (docs/upgrade.md "Fields a deployed stack keeps")`,
  };
}

/**
 * The identity of a spec: every entry of every `GUARDED_FIELDS` row, keyed by spec path, in table
 * order. Always holds `name`, `region`, `zones`, `cluster.vpcCidr`, `cluster.existingVpc.vpcId`,
 * `cluster.existing.name`, `nodes.kafka.instanceType` and `kafka.namespace` (`null` where the spec
 * leaves the field out or it reaches nothing: `cluster.vpcCidr` with `existingVpc`); one
 * `cluster.existingVpc.privateSubnetIds.<zone>` per given subnet; `nodes.system.instanceType` only
 * for a cluster the platform creates. JSON-safe: the program exports it as is.
 */
export function statefulIdentityOf(spec: IdentitySpec): Record<string, IdentityValue> {
  return Object.assign({}, ...GUARDED_FIELDS.map(field => field.read(spec))) as Record<
    string,
    IdentityValue
  >;
}

function sameValue(a: IdentityValue, b: IdentityValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * One refusal per entry that both identities hold and that differs in a way its field cannot take
 * (`zones`: a deployed zone moved; every other field: any difference), in `next`'s order. An entry
 * only `next` holds is new (a first deployment, a field an earlier version did not record, a zone
 * appended) and passes; one only `deployed` holds left the spec with its zone and passes too (the
 * `zones` entry rules on that).
 * @param deployed the identity the stack recorded (`deployedStatefulIdentity`, or
 *   `legacyStatefulIdentity` for a stack of an earlier version).
 * @param next `statefulIdentityOf(spec)` of the spec about to be deployed (or a part of it).
 * @throws Error when `next` holds a path no row of `GUARDED_FIELDS` covers.
 */
export function statefulIdentityProblems(
  deployed: StatefulIdentity,
  next: StatefulIdentity,
): SpecIssue[] {
  return Object.entries(next).flatMap(([path, value]) => {
    if (!Object.prototype.hasOwnProperty.call(deployed, path)) return [];
    const was = deployed[path] ?? null;
    const field = fieldOf(path);
    if (field.problem !== undefined) {
      const found = field.problem(path, was, value);
      return found === undefined ? [] : [found];
    }
    return sameValue(was, value) ? [] : [changeProblem(field, path, was, value)];
  });
}

function isIdentityValue(value: unknown): value is IdentityValue {
  return (
    value === null ||
    typeof value === 'string' ||
    (Array.isArray(value) && value.every(item => typeof item === 'string'))
  );
}

/**
 * The identity from the stack output `statefulIdentity` of the last deployment: an object of
 * strings, string lists and nulls, returned as is; `undefined` when absent (a first deployment, or
 * one by a version before this output existed).
 * @throws Error naming the output, the value and the fix when it is not such an object.
 */
export function deployedStatefulIdentity(output: unknown): StatefulIdentity | undefined {
  if (output === undefined || output === null) return undefined;
  if (
    typeof output === 'object' &&
    !Array.isArray(output) &&
    Object.values(output).every(isIdentityValue)
  ) {
    return output as StatefulIdentity;
  }
  throw new Error(
    `stack output ${STATEFUL_IDENTITY_OUTPUT} of the last deployment is ${showValue(output)}, not ` +
      `an object of deployed values by spec path, so what the stack was deployed with is unknown. ` +
      `Fix: restore it with pulumi stack export / pulumi stack import (outputs of the ` +
      `pulumi:pulumi:Stack resource), for example {"name": "orders", "region": "eu-west-1", ...}`,
  );
}

/**
 * The identity a stack of an earlier version recorded: `zones` from its `zoneOrder` output and the
 * instance types from its `nodeInstanceTypes` output, each only when present. The other guarded
 * fields are not known, so they pass on that run, which records them.
 */
export function legacyStatefulIdentity(outputs: {
  readonly zoneOrder?: readonly string[];
  readonly nodeInstanceTypes?: Readonly<Record<string, string>>;
}): StatefulIdentity {
  return {
    ...(outputs.zoneOrder === undefined ? {} : { zones: [...outputs.zoneOrder] }),
    ...(outputs.nodeInstanceTypes ?? {}),
  };
}

/** The guarded spec paths an earlier version's outputs do not record (for the warning). */
export function uncheckedByLegacyOutputs(next: StatefulIdentity): string[] {
  return Object.keys(next).filter(path => path !== 'zones' && !path.endsWith('.instanceType'));
}
