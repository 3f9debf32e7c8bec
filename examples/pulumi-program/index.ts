/**
 * A Pulumi program that creates the whole platform (VPC, EKS, per-zone Kafka nodegroups, scaling,
 * everything in the cluster) from `platform.yaml` with one component, and exports its outputs.
 *
 * Before it creates anything, `refuseStatefulChanges` compares the spec with the stack's last
 * deployment (the outputs this program exports for the next run) and stops with one line per
 * field on every change that would replace a stateful resource: a deployed zone that moved, a
 * changed `name`, `region`, `cluster.vpcCidr`, VPC, subnet, joined cluster, nodegroup instance type
 * or `kafka.namespace` (the table is `GUARDED_FIELDS`), and a `cluster.kubernetesVersion` that goes
 * back or skips a minor version (EKS takes only the next one). It answers with the last
 * deployment's system nodegroup and admin access entries, which the platform keeps, so appending
 * or dropping a zone and editing the admins replace nothing under a name still in use. The check
 * has to finish first, so the program is an async function the engine runs; the object it
 * resolves to is the stack outputs. This is the guard this project's own program runs
 * (stacks/index.ts). Then `refuseUnavailableZones` asks AWS which of the spec's zones are
 * available to the account and stops, naming the others, before a subnet would fail.
 */
import { join } from 'node:path';
import {
  ADMIN_ACCESS_ENTRIES_OUTPUT,
  KafkaEksPlatform,
  KUBERNETES_VERSION_OUTPUT,
  NODE_INSTANCE_TYPES_OUTPUT,
  nodeInstanceTypesOf,
  refuseStatefulChanges,
  refuseUnavailableZones,
  STATEFUL_IDENTITY_OUTPUT,
  statefulIdentityOf,
  SYSTEM_NODEGROUP_OUTPUT,
  ZONE_ORDER_OUTPUT,
} from 'kafka-eks-autoscaling/pulumi';
import { loadSpec } from 'kafka-eks-autoscaling/spec';

export = async () => {
  const loaded = loadSpec(join(__dirname, 'platform.yaml'));
  const kubernetesVersion = loaded.spec.cluster.kubernetesVersion;
  const last = await refuseStatefulChanges(loaded.spec);
  // Asks AWS which of the spec's zones the account has; stops naming the others.
  await refuseUnavailableZones(loaded.spec);
  const platform = new KafkaEksPlatform('kafka', {
    spec: loaded,
    ...(last.systemNodegroup === undefined
      ? {}
      : { deployedSystemNodegroup: last.systemNodegroup }),
    ...(last.adminAccessEntries === undefined
      ? {}
      : { deployedAdminAccessEntries: last.adminAccessEntries }),
    ...(last.zones === undefined ? {} : { deployedZones: last.zones }),
  });
  return {
    clusterName: platform.clusterName,
    kubeconfig: platform.kubeconfig,
    zones: platform.zones,
    bootstrapAddress: platform.bootstrapAddress,
    [STATEFUL_IDENTITY_OUTPUT]: statefulIdentityOf(loaded.spec),
    [SYSTEM_NODEGROUP_OUTPUT]: platform.systemNodegroup,
    [ADMIN_ACCESS_ENTRIES_OUTPUT]: platform.adminAccessEntries,
    // Read by earlier versions of the guard, so a rollback keeps its checks.
    [ZONE_ORDER_OUTPUT]: loaded.spec.zones,
    [KUBERNETES_VERSION_OUTPUT]: kubernetesVersion,
    [NODE_INSTANCE_TYPES_OUTPUT]: nodeInstanceTypesOf(loaded.spec),
  };
};
