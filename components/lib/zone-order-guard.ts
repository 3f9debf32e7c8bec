/**
 * The `zones` check of the Pulumi program against the stack's last deployment: the program exports
 * `zones` as deployed (stack output `zoneOrder`, spec/zone-order.ts), and the next run reads it
 * back through a StackReference to its own stack before it creates anything, so `pulumi preview`
 * and `pulumi up` stop on a reorder, or a zone inserted or removed before the end, instead of
 * replacing the subnets of running nodes.
 *
 * A StackReference to the running stack reads the outputs of its last deployment (none on the
 * first one, and none after `pulumi destroy`); the engine records it as a read, not as a resource
 * it creates or deletes. Checked under the real engine by test/engine/zone-order.test.ts.
 */
import * as pulumi from '@pulumi/pulumi';
import { formatIssue } from '../../spec/errors';
import {
  deployedKubernetesVersion,
  kubernetesVersionProblem,
  KUBERNETES_VERSION_OUTPUT,
} from '../../spec/kubernetes-version';
import {
  deployedInstanceTypes,
  instanceTypeChangeProblems,
  NODE_INSTANCE_TYPES_OUTPUT,
} from '../../spec/nodegroup-instance-types';
import {
  deployedZoneOrder,
  PULUMI_ZONE_ORDER,
  zoneOrderProblem,
  ZONE_ORDER_OUTPUT,
} from '../../spec/zone-order';

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
      `refuseMovedZones reads the stack's own last deployment, named <organization>/<project>/<stack>, and the organization is unknown (${error instanceof Error ? error.message : String(error)}). Fix: under Pulumi mocks, pass an organization as the fifth argument of pulumi.runtime.setMocks, for example MOCK_ORGANIZATION from kafka-eks-autoscaling/testing`,
    );
  }
  return organization === DIY_BACKEND_ORGANIZATION
    ? pulumi.getStack()
    : `${organization}/${pulumi.getProject()}/${pulumi.getStack()}`;
}

/**
 * Refuses `zones` when it moves a zone of the stack's last deployment (spec/zone-order.ts
 * `zoneOrderProblem`). Passes on a first deployment. A last deployment by an earlier version (no
 * `zoneOrder` output) cannot be checked: it passes with a warning, and this run records the order.
 *
 * Public (`kafka-eks-autoscaling/pulumi`) for programs of your own: call it, and await it, before
 * creating `KafkaEksPlatform`, and export `zones` as the stack output `ZONE_ORDER_OUTPUT`
 * (`zoneOrder`), or the next run has nothing to compare with and passes as a first deployment.
 * The warning for a deployment made before the program exported `zoneOrder` shows only when that
 * deployment exported `clusterName`. One StackReference, logical name `last-deployment`, to the
 * running stack (`<organization>/<project>/<stack>` on Pulumi Cloud, `<stack>` on a DIY backend);
 * call it once per program.
 * @param zones the spec's `zones`, in order.
 * @param options.kubernetesVersion the spec's `cluster.kubernetesVersion`, for a cluster the
 *   platform creates (leave it out with `cluster.existing`): refused unless it is the version of
 *   the stack output `KUBERNETES_VERSION_OUTPUT` (`kubernetesVersion`) or the next minor one; pass
 *   it only when the program exports that output too. Default: not checked.
 * @param options.nodeInstanceTypes the instance types of the nodegroups the platform creates, by
 *   spec field (`nodeInstanceTypesOf(spec)`): each is refused unless it is the one of the stack
 *   output `NODE_INSTANCE_TYPES_OUTPUT` (`nodeInstanceTypes`); pass it only when the program exports
 *   that output too. Default: not checked.
 * @throws pulumi.RunError (the engine prints the message alone) naming `zones`, both lists and the
 *   fix, or `cluster.kubernetesVersion`, both versions and the fix, or naming the output when
 *   `zoneOrder` or `kubernetesVersion` is not of its form.
 */
export async function refuseMovedZones(
  zones: readonly string[],
  options: {
    readonly kubernetesVersion?: string;
    readonly nodeInstanceTypes?: Readonly<Record<string, string>>;
  } = {},
): Promise<void> {
  const reference = new pulumi.StackReference(LAST_DEPLOYMENT_REFERENCE, {
    name: currentStackName(),
  });
  let deployed: readonly string[] | undefined;
  let deployedVersion: string | undefined;
  let deployedTypes: Readonly<Record<string, string>> | undefined;
  try {
    deployed = deployedZoneOrder(await reference.getOutputValue(ZONE_ORDER_OUTPUT));
    deployedVersion =
      options.kubernetesVersion === undefined
        ? undefined
        : deployedKubernetesVersion(await reference.getOutputValue(KUBERNETES_VERSION_OUTPUT));
    deployedTypes =
      options.nodeInstanceTypes === undefined
        ? undefined
        : deployedInstanceTypes(await reference.getOutputValue(NODE_INSTANCE_TYPES_OUTPUT));
  } catch (error) {
    throw new pulumi.RunError(error instanceof Error ? error.message : String(error));
  }
  if (deployedVersion !== undefined && options.kubernetesVersion !== undefined) {
    const versionProblem = kubernetesVersionProblem(deployedVersion, options.kubernetesVersion);
    if (versionProblem !== undefined) throw new pulumi.RunError(formatIssue(versionProblem));
  }
  if (deployedTypes !== undefined && options.nodeInstanceTypes !== undefined) {
    const typeProblems = instanceTypeChangeProblems(deployedTypes, options.nodeInstanceTypes);
    if (typeProblems.length > 0) {
      throw new pulumi.RunError(typeProblems.map(found => formatIssue(found)).join('\n'));
    }
  }
  if (deployed === undefined) {
    if ((await reference.getOutputValue(OUTPUT_OF_EVERY_VERSION)) !== undefined) {
      await pulumi.log.warn(
        `zones: the last deployment has no ${ZONE_ORDER_OUTPUT} output (made by an earlier version), so this run cannot tell whether a zone moved; check that pulumi preview --diff replaces no aws:ec2/subnet:Subnet. This run records the order for the next one.`,
      );
    }
    return;
  }
  const problem = zoneOrderProblem(deployed, zones, PULUMI_ZONE_ORDER);
  if (problem !== undefined) throw new pulumi.RunError(formatIssue(problem));
}
