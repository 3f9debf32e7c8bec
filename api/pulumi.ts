/**
 * Package entry `kafka-eks-autoscaling/pulumi`: the AWS side. `KafkaEksPlatform` creates the whole
 * platform in your Pulumi program; the components it is made of are exported one by one too.
 *
 * `refuseMovedZones` and `ZONE_ORDER_OUTPUT` give your program the `zones` check this project's
 * own program runs (stacks/index.ts): export the spec's `zones` as the stack output
 * `ZONE_ORDER_OUTPUT` (`zoneOrder`), and `await refuseMovedZones(spec.zones)` before creating
 * `KafkaEksPlatform`, so `pulumi preview` and `pulumi up` stop on a `zones` edit that moves a
 * deployed zone (examples/pulumi-program, docs/deploy-to-aws.md "Changing `zones` on a deployed
 * stack"). Pass `{ kubernetesVersion: spec.cluster.kubernetesVersion }` as its second argument
 * and export that version as `KUBERNETES_VERSION_OUTPUT` (`kubernetesVersion`) to have a
 * downgrade or a skipped minor version stopped too (EKS takes only the next one); likewise
 * `{ nodeInstanceTypes: nodeInstanceTypesOf(spec) }` with the output `NODE_INSTANCE_TYPES_OUTPUT`
 * stops an instance type change EKS would answer with a failed node group replacement.
 *
 * `refuseStatefulChanges(spec)` runs every one of those checks and the rest of this project's
 * program's (a changed `name`, `region`, `cluster.vpcCidr`, given VPC, subnet or cluster, or
 * `kafka.namespace`, each of which would replace stateful resources; the table is
 * `GUARDED_FIELDS`): export `statefulIdentityOf(spec)` as `STATEFUL_IDENTITY_OUTPUT`
 * (`statefulIdentity`) and await it instead of `refuseMovedZones`. It returns the last
 * deployment's system nodegroup: pass it as `deployedSystemNodegroup` to `KafkaEksPlatform` and
 * export the platform's `systemNodegroup` as `SYSTEM_NODEGROUP_OUTPUT` (`systemNodegroup`), so an
 * appended or dropped zone never replaces that nodegroup under its own name; likewise its
 * `adminAccessEntries` as `deployedAdminAccessEntries`, exported back as
 * `ADMIN_ACCESS_ENTRIES_OUTPUT`, so removing or reordering admins replaces no access entry; and
 * its `zones` as `deployedZones`, from which a joined cluster's platform warns when a zone its
 * KRaft controllers ran in is dropped (`deploymentWarnings`).
 *
 * `await refuseUnavailableZones(spec)` before creating anything asks AWS which of the spec's
 * zones are available to the account and stops the run, naming the others, before a subnet fails.
 */
export * from '../components/kafka-eks-platform';
export * from '../components/index';
export {
  refuseMovedZones,
  refuseStatefulChanges,
  type LastDeployment,
} from '../components/lib/zone-order-guard';
export { refuseUnavailableZones, unavailableZonesProblem } from '../components/lib/available-zones';
export {
  ADMIN_ACCESS_ENTRIES_OUTPUT,
  adminAccessEntryKeys,
  type AdminAccessEntryKeys,
} from '../components/lib/access-entries';
export {
  SYSTEM_NODEGROUP_OUTPUT,
  systemNodegroupIdentityOf,
  type SystemNodegroupIdentity,
} from '../spec/system-nodegroup';
export {
  GUARDED_FIELDS,
  STATEFUL_IDENTITY_OUTPUT,
  statefulIdentityOf,
  type StatefulIdentity,
} from '../spec/stateful-identity';
export { ZONE_ORDER_OUTPUT } from '../spec/zone-order';
export { KUBERNETES_VERSION_OUTPUT } from '../spec/kubernetes-version';
export { NODE_INSTANCE_TYPES_OUTPUT, nodeInstanceTypesOf } from '../spec/nodegroup-instance-types';
