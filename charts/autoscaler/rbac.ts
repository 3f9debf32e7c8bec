/**
 * The autoscaling controller's Kubernetes permissions, and nothing more: cordon nodes, find and
 * annotate broker pods (moves go through Strimzi's manual rolling update), read the Strimzi
 * resources that say whether the cluster is healthy, hold its leader lease, and report events.
 * No eviction, no delete, no secrets.
 */
import type { k8s } from 'cdk8s-plus-27';

const EVENT_GROUPS = ['', 'events.k8s.io'];

/** Cluster-wide: nodes only (cordon and uncordon are patches). */
export function controllerClusterRules(): k8s.PolicyRule[] {
  return [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] }];
}

/** In the Kafka namespace: broker pods (annotate to move) and the Strimzi resources (read). */
export function controllerKafkaNamespaceRules(): k8s.PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch'] },
    {
      apiGroups: ['kafka.strimzi.io'],
      resources: ['kafkas', 'kafkanodepools'],
      verbs: ['get', 'list', 'watch'],
    },
    { apiGroups: EVENT_GROUPS, resources: ['events'], verbs: ['create', 'patch'] },
  ];
}

/**
 * In its own namespace: its one leader Lease, its status ConfigMap (the last decision, for
 * `status`; see controller/decision-record.ts), its forecast marker ConfigMap (see
 * controller/forecast-marker.ts), and events about itself. `create` cannot be limited to a name
 * (the name is not known before the object exists).
 */
export function controllerOwnNamespaceRules(
  leaseName: string,
  statusConfigMapName: string,
  forecastMarkerConfigMapName: string,
): k8s.PolicyRule[] {
  return [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: [leaseName],
      verbs: ['get', 'update', 'patch'],
    },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
    {
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: [statusConfigMapName, forecastMarkerConfigMapName],
      verbs: ['get', 'patch'],
    },
    { apiGroups: EVENT_GROUPS, resources: ['events'], verbs: ['create', 'patch'] },
  ];
}

/** Verbs that change an object (everything but get, list and watch). */
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', '*']);

/**
 * Every (API group, resource) the controller's RBAC lets it write, from the three rule sets above
 * (lease and ConfigMap names do not matter here), sorted and without duplicates. The admission
 * fence judges exactly these (`admissionFencePolicy`, which leaves the Lease out), so a write
 * permission added to the RBAC is fenced too.
 */
export function controllerWrittenResources(): Array<{ group: string; resource: string }> {
  const rules = [
    ...controllerClusterRules(),
    ...controllerKafkaNamespaceRules(),
    ...controllerOwnNamespaceRules('lease', 'status', 'forecast'),
  ];
  const seen = new Map<string, { group: string; resource: string }>();
  for (const rule of rules) {
    if (!(rule.verbs ?? []).some(verb => WRITE_VERBS.has(verb))) continue;
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        seen.set(`${group}/${resource}`, { group, resource });
      }
    }
  }
  return [...seen.keys()].sort().map(key => seen.get(key) as { group: string; resource: string });
}
