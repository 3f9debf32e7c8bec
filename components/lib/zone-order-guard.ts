/**
 * The checks of the Pulumi program against the stack's last deployment: the program exports the
 * values of the guarded spec fields as deployed (stack output `statefulIdentity`,
 * spec/stateful-identity.ts: `name`, `region`, `zones`, `cluster.vpcCidr`, the given VPC, subnets
 * and cluster, the instance types, `kafka.namespace`) and `cluster.kubernetesVersion`, and the next
 * run reads them back through a StackReference to its own stack before it creates anything, so
 * `pulumi preview` and `pulumi up` stop on an edit that would replace the EKS cluster, its VPC,
 * subnets or nodegroups, or the Kafka cluster, instead of starting the replacement. A stack last
 * deployed by an earlier version has only the older outputs `zoneOrder` and `nodeInstanceTypes`:
 * those are checked, the rest passes with a warning, and the run records the whole identity.
 *
 * A StackReference to the running stack reads the outputs of its last deployment (none on the
 * first one, and none after `pulumi destroy`); the engine records it as a read, not as a resource
 * it creates or deletes. Checked under the real engine by test/engine/zone-order.test.ts.
 */
import * as pulumi from '@pulumi/pulumi';
import {
  ADMIN_ACCESS_ENTRIES_OUTPUT,
  deployedAdminAccessEntries,
  type AdminAccessEntryKeys,
} from './access-entries';
import { formatIssue, type SpecIssue } from '../../spec/errors';
import {
  deployedKubernetesVersion,
  kubernetesVersionProblem,
  KUBERNETES_VERSION_OUTPUT,
} from '../../spec/kubernetes-version';
import {
  deployedInstanceTypes,
  NODE_INSTANCE_TYPES_OUTPUT,
} from '../../spec/nodegroup-instance-types';
import {
  deployedStatefulIdentity,
  legacyStatefulIdentity,
  STATEFUL_IDENTITY_OUTPUT,
  statefulIdentityOf,
  statefulIdentityProblems,
  uncheckedByLegacyOutputs,
  type IdentitySpec,
  type StatefulIdentity,
} from '../../spec/stateful-identity';
import {
  deployedSystemNodegroup,
  legacySystemNodegroup,
  SYSTEM_NODEGROUP_OUTPUT,
  type SystemNodegroupIdentity,
} from '../../spec/system-nodegroup';
import { deployedZoneOrder, ZONE_ORDER_OUTPUT } from '../../spec/zone-order';

/** Logical name of the StackReference to the stack's own last deployment. */
export const LAST_DEPLOYMENT_REFERENCE = 'last-deployment';

/**
 * An output every deployment of the program has exported (before `zoneOrder` existed too): when
 * it is there and `zoneOrder` is not, the last deployment was made by an earlier version.
 */
const OUTPUT_OF_EVERY_VERSION = 'clusterName';

/**
 * The organization every DIY backend (file, S3, Azure Blob, GCS, PostgreSQL; what `pulumi login
 * --local` gives) reports; Pulumi Cloud reports the stack's real organization.
 */
export const DIY_BACKEND_ORGANIZATION = 'organization';

/**
 * The name of the running stack for a StackReference to it, in a form the backend accepts:
 * - Pulumi Cloud: `<organization>/<project>/<stack>` (a shorter name would resolve against the
 *   user's default organization, not necessarily the stack's).
 * - DIY backends (organization {@link DIY_BACKEND_ORGANIZATION}): the bare `<stack>`. A DIY state
 *   in the legacy layout (made by a CLI from before project-scoped DIY stacks, early 2023, and
 *   kept by `pulumi login --local` on such a `~/.pulumi`) refuses any name with a `/` ("a stack
 *   name may only contain alphanumeric, hyphens, underscores, or periods"), which stopped every
 *   preview and up there; the project layout resolves a bare name within the current project. Both checked under the real engine
 *   (test/engine/zone-order.test.ts); the legacy layout's deprecation:
 *   https://github.com/pulumi/pulumi/issues/19566.
 * @throws Error naming the fix when the organization is unknown, which happens only under mocks
 *   set up without one (the engine always gives it).
 */
function currentStackName(): string {
  let organization: string;
  try {
    organization = pulumi.getOrganization();
  } catch (error) {
    throw new Error(
      `the last-deployment check reads the stack's own last deployment, named <organization>/<project>/<stack>, and the organization is unknown (${error instanceof Error ? error.message : String(error)}). Fix: under Pulumi mocks, pass an organization as the fifth argument of pulumi.runtime.setMocks, for example MOCK_ORGANIZATION from kafka-eks-autoscaling/testing`,
    );
  }
  return organization === DIY_BACKEND_ORGANIZATION
    ? pulumi.getStack()
    : `${organization}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

/** What the last deployment recorded that the next one builds on, besides what it refuses. */
export interface LastDeployment {
  /**
   * The system nodegroup as deployed: the stack output `systemNodegroup`, or, for a deployment by
   * an earlier version, `<name>-system` across the `zones` it recorded (spec/system-nodegroup.ts);
   * undefined on a first deployment and after `pulumi destroy`. Pass it to `KafkaEksPlatform`
   * (`deployedSystemNodegroup`) so a permitted `zones` edit never replaces the group under its name.
   */
  readonly systemNodegroup: SystemNodegroupIdentity | undefined;
  /**
   * The admin access entries as deployed, key -> principal ARN (stack output
   * `adminAccessEntries`); undefined on a first deployment and for one by an earlier version
   * (whose keys were by position). Pass it to `KafkaEksPlatform` (`deployedAdminAccessEntries`)
   * so removing or reordering admins never replaces an entry under a principal another still
   * holds (lib/access-entries.ts).
   */
  readonly adminAccessEntries: AdminAccessEntryKeys | undefined;
  /**
   * The spec's `zones` as deployed (the `zones` of the output `statefulIdentity`, or the
   * `zoneOrder` of an earlier version); undefined on a first deployment. Pass it to
   * `KafkaEksPlatform` (`deployedZones`): for a joined cluster, where the KRaft controllers may
   * run in every spec zone, it is what the zone-drop warning compares with.
   */
  readonly zones?: readonly string[] | undefined;
}

/**
 * The one check behind `refuseStatefulChanges` and `refuseMovedZones`: reads the stack's last
 * deployment once and refuses every entry of `next` it changed, all problems in one error.
 * Deployed identity: the output `statefulIdentity`, or, for a deployment by an earlier version,
 * `legacyStatefulIdentity` of its `zoneOrder` and (when `next` holds instance types)
 * `nodeInstanceTypes` outputs. Warns, when that deployment exported `clusterName`, about what it
 * could not check.
 */
async function refuseChangesSinceLastDeployment(
  next: StatefulIdentity,
  kubernetesVersion: string | undefined,
  specName: string | undefined,
): Promise<LastDeployment> {
  const reference = new pulumi.StackReference(LAST_DEPLOYMENT_REFERENCE, {
    name: currentStackName(),
  });
  const checksInstanceTypes = Object.keys(next).some(path => path.endsWith('.instanceType'));
  let recorded: StatefulIdentity | undefined;
  let deployedZones: readonly string[] | undefined;
  let deployedVersion: string | undefined;
  let deployedTypes: Readonly<Record<string, string>> | undefined;
  let systemNodegroup: SystemNodegroupIdentity | undefined;
  let adminAccessEntries: AdminAccessEntryKeys | undefined;
  try {
    recorded = deployedStatefulIdentity(await reference.getOutputValue(STATEFUL_IDENTITY_OUTPUT));
    deployedZones =
      recorded !== undefined
        ? undefined
        : deployedZoneOrder(await reference.getOutputValue(ZONE_ORDER_OUTPUT));
    deployedVersion =
      kubernetesVersion === undefined
        ? undefined
        : deployedKubernetesVersion(await reference.getOutputValue(KUBERNETES_VERSION_OUTPUT));
    deployedTypes =
      recorded !== undefined || !checksInstanceTypes
        ? undefined
        : deployedInstanceTypes(await reference.getOutputValue(NODE_INSTANCE_TYPES_OUTPUT));
    systemNodegroup =
      specName === undefined
        ? undefined
        : deployedSystemNodegroup(await reference.getOutputValue(SYSTEM_NODEGROUP_OUTPUT));
    adminAccessEntries =
      specName === undefined
        ? undefined
        : deployedAdminAccessEntries(await reference.getOutputValue(ADMIN_ACCESS_ENTRIES_OUTPUT));
  } catch (error) {
    throw new pulumi.RunError(error instanceof Error ? error.message : String(error));
  }
  const problems: SpecIssue[] = [];
  if (deployedVersion !== undefined && kubernetesVersion !== undefined) {
    const versionProblem = kubernetesVersionProblem(deployedVersion, kubernetesVersion);
    if (versionProblem !== undefined) problems.push(versionProblem);
  }
  const deployed =
    recorded ??
    legacyStatefulIdentity({ zoneOrder: deployedZones, nodeInstanceTypes: deployedTypes });
  problems.push(...statefulIdentityProblems(deployed, next));
  if (problems.length > 0) {
    throw new pulumi.RunError(problems.map(found => formatIssue(found)).join('\n'));
  }
  const lastDeployment: LastDeployment = {
    systemNodegroup:
      specName === undefined
        ? undefined
        : (systemNodegroup ?? legacySystemNodegroup({ name: specName }, deployedZonesOf(deployed))),
    adminAccessEntries,
    zones: deployedZonesOf(deployed),
  };
  if (recorded !== undefined) return lastDeployment;
  if ((await reference.getOutputValue(OUTPUT_OF_EVERY_VERSION)) === undefined) {
    return lastDeployment;
  }
  if (deployedZones === undefined && 'zones' in next) {
    await pulumi.log.warn(
      `zones: the last deployment has no ${ZONE_ORDER_OUTPUT} output (made by an earlier version), so this run cannot tell whether a zone moved; check that pulumi preview --diff replaces no aws:ec2/subnet:Subnet. This run records the order for the next one.`,
    );
  }
  const unchecked = uncheckedByLegacyOutputs(next);
  if (unchecked.length > 0) {
    await pulumi.log.warn(
      `${unchecked.join(', ')}: the last deployment has no ${STATEFUL_IDENTITY_OUTPUT} output (made by an earlier version), so this run cannot tell whether one of them changed; check that pulumi preview --diff replaces nothing. This run records them for the next one.`,
    );
  }
  return lastDeployment;
}

/** `zones` of a deployed identity, when it recorded them as a list. */
function deployedZonesOf(deployed: StatefulIdentity): readonly string[] | undefined {
  const zones = deployed['zones'];
  return Array.isArray(zones) ? (zones as readonly string[]) : undefined;
}

/**
 * Refuses a spec that changes a guarded field of the stack's last deployment (the table
 * `GUARDED_FIELDS` of spec/stateful-identity.ts: `name`, `region`, `zones` moved,
 * `cluster.vpcCidr`, `cluster.existingVpc.vpcId` and its private subnets, `cluster.existing.name`,
 * the nodegroups' instance types, `kafka.namespace`), and a `cluster.kubernetesVersion` EKS
 * cannot step to, before any resource is registered. Passes on a first deployment. A last
 * deployment by an earlier version (no `statefulIdentity` output) is checked on its `zoneOrder` and
 * `nodeInstanceTypes` outputs and passes for the other fields with a warning.
 *
 * Public (`kafka-eks-autoscaling/pulumi`) for programs of your own: await it before creating
 * `KafkaEksPlatform`, and export `statefulIdentityOf(spec)` as the stack output
 * `STATEFUL_IDENTITY_OUTPUT` (`statefulIdentity`), and, for a cluster the platform creates,
 * `cluster.kubernetesVersion` as `KUBERNETES_VERSION_OUTPUT`; without them the next run has
 * nothing to compare with and passes as a first deployment. One StackReference, logical name
 * `last-deployment`, to the running stack; call it once per program (not together with
 * `refuseMovedZones`).
 *
 * Returns what the last deployment recorded that the next one builds on: pass its
 * `systemNodegroup` and `adminAccessEntries` to `KafkaEksPlatform` (`deployedSystemNodegroup`,
 * `deployedAdminAccessEntries`) and export the platform's `systemNodegroup` and
 * `adminAccessEntries` as `SYSTEM_NODEGROUP_OUTPUT` and `ADMIN_ACCESS_ENTRIES_OUTPUT`, so an
 * appended or dropped zone never replaces the system nodegroup under its own name
 * (spec/system-nodegroup.ts), nor an admin edit an access entry under a principal another holds.
 * @param spec the validated spec (`loadSpecFile(file).spec`).
 * @returns the last deployment's system nodegroup and admin access entries (undefined on a first
 *   deployment).
 * @throws pulumi.RunError (the engine prints the message alone) with one line per changed field,
 *   each naming the field, both values, what the change would replace and the fix; or naming the
 *   output when a recorded output is not of its form.
 */
export async function refuseStatefulChanges(spec: IdentitySpec): Promise<LastDeployment> {
  return refuseChangesSinceLastDeployment(
    statefulIdentityOf(spec),
    spec.cluster.existing === undefined ? spec.cluster.kubernetesVersion : undefined,
    spec.name,
  );
}

/**
 * The narrower check of earlier versions, kept for programs that call it: refuses `zones` when it
 * moves a zone of the stack's last deployment (spec/zone-order.ts `zoneOrderProblem`), and with
 * the options the Kubernetes version and instance types, through the same comparison as
 * `refuseStatefulChanges` (which checks every guarded field; prefer it). Reads the output
 * `statefulIdentity` when the last deployment has it, else `zoneOrder` and `nodeInstanceTypes`.
 * Export `zones` as `ZONE_ORDER_OUTPUT` (`zoneOrder`) or `statefulIdentityOf(spec)` as
 * `STATEFUL_IDENTITY_OUTPUT`. One StackReference, logical name `last-deployment`; call it once per
 * program.
 * @param zones the spec's `zones`, in order.
 * @param options.kubernetesVersion the spec's `cluster.kubernetesVersion`, for a cluster the
 *   platform creates: refused unless it is the version of the stack output `kubernetesVersion` or
 *   the next minor one. Default: not checked.
 * @param options.nodeInstanceTypes `nodeInstanceTypesOf(spec)`: each refused unless it is the one
 *   deployed. Default: not checked.
 * @throws pulumi.RunError naming the field, both values and the fix, or naming the output when a
 *   recorded output is not of its form.
 */
export async function refuseMovedZones(
  zones: readonly string[],
  options: {
    readonly kubernetesVersion?: string;
    readonly nodeInstanceTypes?: Readonly<Record<string, string>>;
  } = {},
): Promise<void> {
  await refuseChangesSinceLastDeployment(
    { zones: [...zones], ...(options.nodeInstanceTypes ?? {}) },
    options.kubernetesVersion,
    undefined,
  );
}
