/** Tags on AWS resources: the spec's tags, ownership, and the tags other controllers read. */
import type { PlatformSpec } from '../../spec/schema';

export type Tags = Record<string, string>;

/** Tag key the AWS Load Balancer Controller and EKS use to find the cluster's subnets. */
export function clusterOwnershipTagKey(clusterName: string): string {
  return `kubernetes.io/cluster/${clusterName}`;
}

/**
 * Tag that lets Cluster Autoscaler discover an Auto Scaling group. A platform-specific key on
 * purpose: EKS puts the standard `k8s.io/cluster-autoscaler/*` tags on every managed nodegroup's
 * group, Kafka's included, so discovering by those would hand the Kafka groups to the autoscaler.
 */
export function clusterAutoscalerDiscoveryTag(clusterName: string): { key: string; value: string } {
  return { key: `kafka.platform/cluster-autoscaler/${clusterName}`, value: 'owned' };
}

/** Tags on every resource: the spec's tags plus the platform name. Sorted keys. */
export function baseTags(spec: PlatformSpec): Tags {
  return sortedTags({ ...spec.cluster.tags, 'kafka.platform/name': spec.name });
}

/** Base tags plus a `Name` tag. */
export function namedTags(spec: PlatformSpec, name: string): Tags {
  return sortedTags({ ...baseTags(spec), Name: name });
}

/** Tags of a subnet: LBC discovery (`elb` for public, `internal-elb` for private) and ownership. */
export function subnetTags(spec: PlatformSpec, name: string, tier: 'public' | 'private'): Tags {
  const role = tier === 'public' ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb';
  return sortedTags({
    ...namedTags(spec, name),
    [role]: '1',
    [clusterOwnershipTagKey(spec.name)]: 'shared',
  });
}

/** A copy with keys in sorted order, so plans and snapshots are stable. */
export function sortedTags(tags: Tags): Tags {
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
