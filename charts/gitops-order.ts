/**
 * Order between the platform folders of the Flux entry point (`gitops.engine: flux`).
 *
 * Each platform folder has its own Flux `Kustomization` (`gitops-chart.ts`), and Flux syncs
 * Kustomizations whose `dependsOn` are Ready at the same time, in no set order. A folder whose
 * objects live in a namespace another folder emits (the drain cleaner's Role in the Kafka
 * namespace, the network policies in the drain cleaner's and controller's namespaces, the
 * PodMonitors in the Kafka namespace) must therefore wait for that folder, or its first sync on an
 * empty cluster fails with `namespaces "<name>" not found`. `addNamespaceDependsOn` adds those
 * edges to the `dependsOn` of each Kustomization; the cluster tier applies the folders in
 * `dependsOn` order to an empty API server and checks it (`test/cluster/gitops-apply.test.ts`).
 */
import { ApiObject, JsonPatch, type Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../spec/schema';
import { layerKustomizationName } from './gitops-chart';

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
 * order of `components`. Namespaces no component emits (operator release namespaces, system
 * namespaces, yours) add no edge: `namespaceOwners` in `gitops-layers.ts` accounts for those.
 *
 * @throws Error naming the components when the edges form a cycle (Flux would wait forever), or
 *   when two components emit the same Namespace.
 */
export function namespaceDependencies(
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
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: readonly string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(name)), name].join(' -> ');
      throw new Error(`platform folders wait for each other's namespaces in a cycle: ${cycle}`);
    }
    state.set(name, 'visiting');
    for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of order) visit(name, []);
  return edges;
}

/** The objects of the chart built as `id` directly under `scope` (none when it is not built). */
function objectsOf(scope: Construct, id: string): OrderedObject[] {
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
 * Appends to the `dependsOn` of each platform folder's Kustomization in `gitopsChart` the
 * Kustomizations of the folders that emit its namespaces (`namespaceDependencies` over the charts
 * already built under `scope`). Returns `gitopsChart`.
 *
 * @throws Error as `namespaceDependencies` does.
 */
export function addNamespaceDependsOn(
  gitopsChart: Chart,
  scope: Construct,
  spec: PlatformSpec,
  platformComponents: readonly string[],
): Chart {
  const dependencies = namespaceDependencies(
    platformComponents.map(name => ({ name, objects: objectsOf(scope, name) })),
  );
  for (const child of gitopsChart.node.findAll()) {
    if (!(child instanceof ApiObject) || child.kind !== 'Kustomization') continue;
    const component = platformComponents.find(
      name => layerKustomizationName(spec, name) === child.name,
    );
    if (component === undefined) continue;
    for (const dependency of dependencies.get(component) ?? []) {
      child.addJsonPatch(
        JsonPatch.add('/spec/dependsOn/-', { name: layerKustomizationName(spec, dependency) }),
      );
    }
  }
  return gitopsChart;
}
