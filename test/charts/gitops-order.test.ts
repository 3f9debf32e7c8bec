/**
 * Flux entry point: a platform folder whose objects live in a namespace another folder emits
 * waits for that folder (`dependsOn`), so the first sync on an empty cluster finds every
 * namespace. The cluster tier applies the folders in this order to a real API server
 * (`test/cluster/gitops-apply.test.ts`); this is the fast check of the same rule.
 */
import fc from 'fast-check';
import { namespaceDependencies } from '../../charts/gitops-order';
import { namespaceOwners } from '../../charts/gitops-layers';
import { synthPlatform, type KubeObject } from '../../charts/synth';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { exampleSpec, specInput } from '../util/specs';

const ns = (kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
});

describe('namespaceDependencies', () => {
  it('adds an edge to the component that emits the namespace, none for its own or foreign ones', () => {
    const deps = namespaceDependencies([
      { name: 'kafka', objects: [ns('Namespace', 'kafka'), ns('Kafka', 'k', 'kafka')] },
      {
        name: 'drain-cleaner',
        objects: [ns('Namespace', 'dc'), ns('Role', 'r', 'kafka'), ns('Role', 'r', 'dc')],
      },
      {
        name: 'network-policies',
        objects: [ns('NetworkPolicy', 'a', 'dc'), ns('NetworkPolicy', 'b', 'strimzi')],
      },
      {
        name: 'monitoring',
        objects: [ns('PodMonitor', 'p', 'kafka'), ns('PodMonitor', 'q', 'dc')],
      },
    ]);
    expect(Object.fromEntries(deps)).toEqual({
      kafka: [],
      'drain-cleaner': ['kafka'],
      'network-policies': ['drain-cleaner'],
      monitoring: ['kafka', 'drain-cleaner'],
    });
  });

  it('throws when two folders wait for each other', () => {
    expect(() =>
      namespaceDependencies([
        { name: 'a', objects: [ns('Namespace', 'a'), ns('Role', 'r', 'b')] },
        { name: 'b', objects: [ns('Namespace', 'b'), ns('Role', 'r', 'a')] },
      ]),
    ).toThrow(/in a cycle: a -> b -> a/);
  });

  it('throws when two folders emit the same Namespace', () => {
    expect(() =>
      namespaceDependencies([
        { name: 'a', objects: [ns('Namespace', 'x')] },
        { name: 'b', objects: [ns('Namespace', 'x')] },
      ]),
    ).toThrow(/Namespace x is emitted by both a and b/);
  });
});

/**
 * Every namespace a platform folder's objects live in is emitted by that folder or a folder in
 * its transitive `dependsOn`, or made by something other than the output (an operator release,
 * Kubernetes, you). Returns the violations.
 */
function orderingGaps(loaded: LoadedSpec): string[] {
  const result = synthPlatform(loaded);
  const owners = namespaceOwners(loaded.spec, result.components);
  const kustomizations = result.components.find(c => c.name === 'gitops')?.objects ?? [];
  const folderOf = (k: KubeObject): string =>
    String((k['spec'] as { path: string }).path)
      .split('/')
      .pop() as string;
  const byName = new Map(kustomizations.map(k => [k.metadata.name, k]));
  const dependsOn = (k: KubeObject): string[] =>
    ((k['spec'] as { dependsOn?: Array<{ name: string }> }).dependsOn ?? []).map(d => d.name);
  const gaps: string[] = [];
  for (const kustomization of kustomizations) {
    const folder = folderOf(kustomization);
    if (folder === 'operators') continue;
    const waited = new Set<string>([folder]);
    const stack = dependsOn(kustomization);
    while (stack.length > 0) {
      const next = byName.get(stack.pop() as string);
      if (next === undefined) {
        gaps.push(`${kustomization.metadata.name}: dependsOn a Kustomization that does not exist`);
        continue;
      }
      if (waited.has(folderOf(next))) continue;
      waited.add(folderOf(next));
      stack.push(...dependsOn(next));
    }
    const objects = result.components.find(c => c.name === folder)?.objects ?? [];
    for (const object of objects) {
      const namespace = object.metadata.namespace;
      if (namespace === undefined) continue;
      const creators = owners.get(namespace) ?? [];
      const ok = creators.some(owner =>
        owner.by === 'emitted' ? waited.has(owner.component) : true,
      );
      if (!ok || creators.length === 0) {
        gaps.push(`${folder}: ${object.kind} ${namespace}/${object.metadata.name}`);
      }
    }
  }
  return gaps;
}

const flux = (input: PlatformSpecInput): LoadedSpec =>
  parseSpec({ ...input, gitops: { engine: 'flux' } });

describe('Flux Kustomizations wait for the folders that emit their namespaces', () => {
  it('stacks/prod.yaml: monitoring and network policies wait for the folders whose namespaces they use; the Kafka namespace comes with the operators', () => {
    const prod = exampleSpec('prod');
    const loaded = flux(prod.spec as unknown as PlatformSpecInput);
    const kustomizations = synthPlatform(loaded).components.find(c => c.name === 'gitops')?.objects;
    const deps = Object.fromEntries(
      (kustomizations ?? []).map(k => [
        k.metadata.name,
        ((k['spec'] as { dependsOn?: Array<{ name: string }> }).dependsOn ?? []).map(d => d.name),
      ]),
    );
    expect(deps).toEqual({
      'orders-operators': [],
      'orders-storage': ['orders-operators'],
      'orders-kafka': ['orders-operators'],
      // Their Roles and PodMonitors in the Kafka namespace need only the operators folder, which
      // emits that namespace before Strimzi's release writes RoleBindings into it.
      'orders-drain-cleaner': ['orders-operators'],
      'orders-autoscaler': ['orders-operators'],
      'orders-monitoring': ['orders-operators', 'orders-drain-cleaner'],
      'orders-network-policies': ['orders-operators', 'orders-drain-cleaner', 'orders-autoscaler'],
    });
    expect(orderingGaps(loaded)).toEqual([]);
  });

  it('holds for generated specs (zones, autoscaling modes, drain cleaner modes, monitoring, namespaces)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom('controller', 'target-tracking', 'off'),
        fc.constantFrom('deny', 'legacy'),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('kafka', 'streaming', 'orders-kafka'),
        (zones, mode, drain, monitoring, kubePrometheusStack, kafkaNamespace) => {
          const base = specInput(zones, zones === 1 ? 3 : 2);
          const loaded = flux({
            ...base,
            kafka: { ...base.kafka, namespace: kafkaNamespace },
            autoscaling: { mode } as PlatformSpecInput['autoscaling'],
            drainCleaner: { mode: drain } as PlatformSpecInput['drainCleaner'],
            monitoring: { enabled: monitoring, installKubePrometheusStack: kubePrometheusStack },
          });
          expect(orderingGaps(loaded)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
