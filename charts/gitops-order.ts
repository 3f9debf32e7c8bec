/**
 * Order between the folders of the Flux entry point (`gitops.engine: flux`) and the rule that
 * keeps it short.
 *
 * Each platform folder has its own Flux `Kustomization` (`gitops-chart.ts`). Flux applies a
 * Kustomization only once every Kustomization in its `dependsOn` is Ready, and with `wait: true`
 * Ready means every object of that folder is healthy. An edge between two platform folders
 * therefore holds the dependent back until the whole dependency is healthy: a `network-policies`
 * folder waiting for `autoscaler` is not applied (or re-applied) while the controller is unready,
 * for instance while Prometheus does not scrape the brokers.
 *
 * The edges, and why each is a true readiness need:
 * - every platform folder `dependsOn` the `operators` folder: the operator releases bring the CRDs
 *   of the platform's custom resources (`Kafka`, `KafkaNodePool`, `KafkaTopic` from Strimzi;
 *   `Certificate`, `Issuer` from cert-manager; `PodMonitor`, `PrometheusRule` from
 *   kube-prometheus-stack), the webhooks that must serve before such objects are admitted, and
 *   the release namespaces (`strimzi`, `cert-manager`, the monitoring namespace) that platform
 *   objects live in;
 * - no platform folder depends on another one. Every Namespace a platform folder's objects live in
 *   comes from the `operators` folder (`operators/platform-namespaces.ts`), an operator release,
 *   Kubernetes or you (`namespaceOwners` in `gitops-layers.ts`), so nothing needs such an edge.
 *
 * `platformNamespaceEdges` finds a platform folder that would still need another one for a
 * namespace; `assertNoPlatformNamespaceEdges` refuses such an output at synth time. Argo CD's
 * waves follow the same split (operators at wave -1, the platform at wave 0). The cluster tier
 * applies the folders in `dependsOn` order to an empty API server (`test/cluster/gitops-apply.test.ts`).
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';

/** An object as the ordering reads it: its kind, name and namespace. */
export interface OrderedObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/** One component folder and its objects. */
export interface OrderedComponent {
  readonly name: string;
  readonly objects: readonly OrderedObject[];
}

/**
 * For each component, the other components that emit a `Namespace` its objects live in, in the
 * order of `components` (an empty list for each when, as intended, no platform component emits a
 * Namespace another one uses). Namespaces no component of `components` emits (the operators
 * layer's, operator release namespaces, system namespaces, yours) add no edge.
 *
 * @throws Error naming the namespace and both components when two components emit the same
 *   Namespace.
 */
export function platformNamespaceEdges(
  components: readonly OrderedComponent[],
): Map<string, string[]> {
  const emitter = new Map<string, string>();
  for (const component of components) {
    for (const object of component.objects) {
      if (object.kind !== 'Namespace') continue;
      const other = emitter.get(object.metadata.name);
      if (other !== undefined && other !== component.name) {
        throw new Error(
          `Namespace ${object.metadata.name} is emitted by both ${other} and ${component.name}; ` +
            'emit it from one component only',
        );
      }
      emitter.set(object.metadata.name, component.name);
    }
  }
  const order = components.map(component => component.name);
  const edges = new Map<string, string[]>();
  for (const component of components) {
    const needed = new Set<string>();
    for (const object of component.objects) {
      const namespace = object.metadata.namespace;
      const owner = namespace === undefined ? undefined : emitter.get(namespace);
      if (owner !== undefined && owner !== component.name) needed.add(owner);
    }
    edges.set(
      component.name,
      [...needed].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    );
  }
  return edges;
}

/** The objects of the chart built as `id` directly under `scope` (none when it is not built). */
export function objectsOf(scope: Construct, id: string): OrderedObject[] {
  const chart = scope.node.tryFindChild(id);
  if (chart === undefined) return [];
  return chart.node
    .findAll()
    .filter((child): child is ApiObject => child instanceof ApiObject)
    .map(object => ({
      kind: object.kind,
      metadata: { name: object.name, namespace: object.metadata.namespace },
    }));
}

/**
 * Checks the platform components already built under `scope` (names in `platformComponents`):
 * none may need another one's `Namespace`, since that would need a `dependsOn` edge (Flux) that
 * waits for the whole other folder to be healthy.
 *
 * @throws Error naming each folder and the folders it would wait for, with the fix (emit the
 *   namespace from the operators component, `operators/platform-namespaces.ts`); or as
 *   `platformNamespaceEdges` does.
 */
export function assertNoPlatformNamespaceEdges(
  scope: Construct,
  platformComponents: readonly string[],
): void {
  const edges = platformNamespaceEdges(
    platformComponents.map(name => ({ name, objects: objectsOf(scope, name) })),
  );
  const faults = [...edges]
    .filter(([, needed]) => needed.length > 0)
    .map(([name, needed]) => `${name} uses namespaces emitted by ${needed.join(', ')}`);
  if (faults.length > 0) {
    throw new Error(
      `platform folders would wait for other platform folders only for a namespace (${faults.join('; ')}); ` +
        'emit those Namespaces from the operators component (charts/operators/platform-namespaces.ts)',
    );
  }
}
