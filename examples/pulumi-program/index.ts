/**
 * A Pulumi program that creates the whole platform (VPC, EKS, per-zone Kafka nodegroups, scaling,
 * everything in the cluster) from `platform.yaml` with one component, and exports its outputs.
 *
 * Before it creates anything, it compares `zones` with the stack's last deployment and stops on a
 * zone that moved (a reorder, or a zone inserted or removed before the end): `refuseMovedZones`
 * reads the stack output `ZONE_ORDER_OUTPUT` (`zoneOrder`), which this program exports for the next
 * run, and with `kubernetesVersion` it also stops a `cluster.kubernetesVersion` that goes back or
 * skips a minor version (EKS takes only the next one), against `KUBERNETES_VERSION_OUTPUT`, and
 * with `nodeInstanceTypes` a nodegroup instance type change (EKS would replace the named node
 * group and fail), against `NODE_INSTANCE_TYPES_OUTPUT`. The check has to finish first, so the program is an async function the engine runs; the
 * object it resolves to is the stack outputs.
 */
import { join } from 'node:path';
import {
  KafkaEksPlatform,
  KUBERNETES_VERSION_OUTPUT,
  NODE_INSTANCE_TYPES_OUTPUT,
  nodeInstanceTypesOf,
  refuseMovedZones,
  ZONE_ORDER_OUTPUT,
} from 'kafka-eks-autoscaling/pulumi';
import { loadSpec } from 'kafka-eks-autoscaling/spec';

export = async () => {
  const loaded = loadSpec(join(__dirname, 'platform.yaml'));
  const kubernetesVersion = loaded.spec.cluster.kubernetesVersion;
  const nodeInstanceTypes = nodeInstanceTypesOf(loaded.spec);
  await refuseMovedZones(loaded.spec.zones, { kubernetesVersion, nodeInstanceTypes });
  const platform = new KafkaEksPlatform('kafka', { spec: loaded });
  return {
    clusterName: platform.clusterName,
    kubeconfig: platform.kubeconfig,
    zones: platform.zones,
    bootstrapAddress: platform.bootstrapAddress,
    [ZONE_ORDER_OUTPUT]: loaded.spec.zones,
    [KUBERNETES_VERSION_OUTPUT]: kubernetesVersion,
    [NODE_INSTANCE_TYPES_OUTPUT]: nodeInstanceTypes,
  };
};
