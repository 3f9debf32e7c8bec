/**
 * Which instance type edits a deployed platform takes: none. Each nodegroup the Pulumi program
 * creates is an EKS managed node group with a fixed name (`<name>-system`, `<name>-kafka-<zone>`)
 * and its instance type in `instanceTypes` (and the AMI type derived from it), which EKS cannot
 * change in place: a new value replaces the node group, and the replacement with the same name
 * fails with "ResourceInUseException: NodeGroup already exists" (HTTP 409;
 * terraform-aws-modules/terraform-aws-eks#1415 and #1931, aws/aws-cdk#26931), so `pulumi up`
 * stops half-way. Had the replacement gone through, every Kafka node of a zone would have left at
 * once. The program refuses the edit first, against the instance types its last deployment
 * recorded (stack output `nodeInstanceTypes`, components/lib/zone-order-guard.ts).
 */
import { showValue, type SpecIssue } from './errors';

/** Name of the stack output that records the nodegroups' instance types as last deployed. */
export const NODE_INSTANCE_TYPES_OUTPUT = 'nodeInstanceTypes';

/**
 * The instance type fields of the nodegroups a spec creates, keyed by spec path:
 * `nodes.kafka.instanceType` always, `nodes.system.instanceType` only for a cluster the platform
 * creates (a joined cluster brings its own system nodes).
 */
export function nodeInstanceTypesOf(spec: {
  readonly nodes: {
    readonly kafka: { readonly instanceType: string };
    readonly system: { readonly instanceType: string };
  };
  readonly cluster: { readonly existing?: unknown };
}): Record<string, string> {
  return {
    'nodes.kafka.instanceType': spec.nodes.kafka.instanceType,
    ...(spec.cluster.existing === undefined
      ? { 'nodes.system.instanceType': spec.nodes.system.instanceType }
      : {}),
  };
}

/**
 * One refusal per field whose instance type differs from the deployed one; a field the last
 * deployment did not record is new and passes.
 * @param deployed stack output `nodeInstanceTypes` of the last deployment.
 * @param next `nodeInstanceTypesOf(spec)` of the spec about to be deployed.
 */
export function instanceTypeChangeProblems(
  deployed: Readonly<Record<string, string>>,
  next: Readonly<Record<string, string>>,
): SpecIssue[] {
  return Object.entries(next).flatMap(([path, instanceType]) => {
    const was = deployed[path];
    if (was === undefined || was === instanceType) return [];
    const nodegroups =
      path === 'nodes.system.instanceType'
        ? 'the system nodegroup'
        : "every zone's Kafka nodegroup";
    return [
      {
        path,
        message: `${showValue(instanceType)} differs from ${showValue(was)}, which the stack last deployed (stack output ${NODE_INSTANCE_TYPES_OUTPUT}); EKS cannot change the instance type of a managed node group, so pulumi up would replace ${nodegroups} under the same name and fail half-way with "NodeGroup already exists" (terraform-aws-modules/terraform-aws-eks#1415, aws/aws-cdk#26931), and a replacement that went through would take all the nodes of a zone at once. Keep ${showValue(was)}; to move to another instance type, deploy the platform anew (a new stack, or pulumi destroy first)`,
      },
    ];
  });
}

/**
 * The deployed instance types from the stack output `nodeInstanceTypes`: an object of strings,
 * returned as is; `undefined` when absent (a first deployment, or one by an earlier version).
 * @throws Error naming the output, the value and the fix when it is not such an object.
 */
export function deployedInstanceTypes(
  output: unknown,
): Readonly<Record<string, string>> | undefined {
  if (output === undefined || output === null) return undefined;
  if (
    typeof output === 'object' &&
    !Array.isArray(output) &&
    Object.values(output).every(value => typeof value === 'string')
  ) {
    return output as Record<string, string>;
  }
  throw new Error(
    `stack output ${NODE_INSTANCE_TYPES_OUTPUT} of the last deployment is ${showValue(output)}, not ` +
      `an object of instance types by spec field, so the deployed instance types are unknown. Fix: ` +
      `restore it with pulumi stack export / pulumi stack import (outputs of the pulumi:pulumi:Stack ` +
      `resource), for example {"nodes.kafka.instanceType": "m6i.2xlarge"}`,
  );
}
