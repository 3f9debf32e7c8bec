/**
 * GitOps engines: no platform folder waits for another platform folder only for a namespace.
 * Every namespace a platform folder's objects live in is emitted by the operators layer, made by
 * an operator release, by Kubernetes, or by you/the engine (`namespaceOwners`), so each Flux
 * platform Kustomization `dependsOn` the operators folder only (a `dependsOn` waits for the whole
 * dependency to be Ready: an edge to `autoscaler` held the network policies back until the
 * controller was ready). The cluster tier applies the folders in `dependsOn` order to a real API
 * server (`test/cluster/gitops-apply.test.ts`); this is the fast check of the same rule.
 */
import fc from 'fast-check';
import { ApiObject, App, Chart } from 'cdk8s';
import { assertNoPlatformNamespaceEdges, platformNamespaceEdges } from '../../charts/gitops-order';
import { layerOfComponent, namespaceOwners } from '../../charts/gitops-layers';
import { synthPlatform, type KubeObject } from '../../charts/synth';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { exampleSpec, specInput } from '../util/specs';

const ns = (kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
});

describe('platformNamespaceEdges', () => {
  it('adds an edge to the component that emits the namespace, none for its own or foreign ones', () => {
    const deps = platformNamespaceEdges([
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

  it('throws when two folders emit the same Namespace', () => {
    expect(() =>
      platformNamespaceEdges([
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

const withEngine = (input: PlatformSpecInput, engine: 'flux' | 'argocd' | 'none'): LoadedSpec =>
  parseSpec({ ...input, gitops: { engine } });
const flux = (input: PlatformSpecInput): LoadedSpec => withEngine(input, 'flux');

/**
 * Each namespace a platform folder's objects live in that the folder would need another platform
 * folder for: its creators are none, or include a Namespace object emitted by a platform
 * component (anything but the operators layer). Returns the violations.
 */
function platformNamespaceNeeds(loaded: LoadedSpec): string[] {
  const result = synthPlatform(loaded);
  const owners = namespaceOwners(loaded.spec, result.components);
  const faults: string[] = [];
  for (const component of result.components) {
    if (layerOfComponent(component.name) !== 'platform') continue;
    for (const object of component.objects) {
      const namespace = object.metadata.namespace;
      if (namespace === undefined) continue;
      const creators = owners.get(namespace) ?? [];
      const fromPlatform = creators.filter(
        owner => owner.by === 'emitted' && layerOfComponent(owner.component) !== 'operators',
      );
      if (creators.length === 0 || fromPlatform.length > 0) {
        faults.push(`${component.name}: ${object.kind} ${namespace}/${object.metadata.name}`);
      }
    }
  }
  return [...new Set(faults)];
}

/** Kustomization name -> names in its dependsOn. */
function fluxDependsOn(loaded: LoadedSpec): Record<string, string[]> {
  const kustomizations =
    synthPlatform(loaded).components.find(c => c.name === 'gitops')?.objects ?? [];
  return Object.fromEntries(
    kustomizations.map(k => [
      k.metadata.name,
      ((k['spec'] as { dependsOn?: Array<{ name: string }> }).dependsOn ?? []).map(d => d.name),
    ]),
  );
}

const generatedSpecs = fc
  .record({
    zones: fc.integer({ min: 1, max: 6 }),
    mode: fc.constantFrom('controller', 'target-tracking', 'off'),
    drain: fc.constantFrom('deny', 'legacy'),
    monitoring: fc.boolean(),
    kubePrometheusStack: fc.boolean(),
    descheduler: fc.constantFrom(undefined, true, false),
    kafkaNamespace: fc.constantFrom('kafka', 'streaming', 'orders-kafka'),
  })
  .map(({ zones, mode, drain, monitoring, kubePrometheusStack, descheduler, kafkaNamespace }) => {
    const base = specInput(zones, zones === 1 ? 3 : 2);
    return {
      ...base,
      kafka: { ...base.kafka, namespace: kafkaNamespace },
      autoscaling: { mode } as PlatformSpecInput['autoscaling'],
      drainCleaner: { mode: drain } as PlatformSpecInput['drainCleaner'],
      ...(descheduler === undefined ? {} : { descheduler: { enabled: descheduler } }),
      monitoring: { enabled: monitoring, installKubePrometheusStack: kubePrometheusStack },
    } as PlatformSpecInput;
  });

describe('GitOps engines: no platform folder waits for another one only for a namespace', () => {
  it('stacks/prod.yaml (flux): every platform Kustomization dependsOn the operators folder only', () => {
    const prod = exampleSpec('prod');
    const loaded = flux(prod.spec as unknown as PlatformSpecInput);
    expect(fluxDependsOn(loaded)).toEqual({
      'orders-operators': [],
      // The operators bring the CRDs, webhooks and release namespaces; the operators folder also
      // emits every namespace the platform folders use (the Kafka, Drain Cleaner and controller
      // namespaces here), so no platform folder waits for another (the network policies no
      // longer wait for a ready autoscaling controller).
      'orders-storage': ['orders-operators'],
      'orders-kafka': ['orders-operators'],
      'orders-drain-cleaner': ['orders-operators'],
      'orders-monitoring': ['orders-operators'],
      'orders-autoscaler': ['orders-operators'],
      'orders-network-policies': ['orders-operators'],
    });
    expect(platformNamespaceNeeds(loaded)).toEqual([]);
    expect(orderingGaps(loaded)).toEqual([]);
  });

  it.each(['flux', 'argocd'] as const)(
    '%s: holds for generated specs (zones, autoscaling modes, drain cleaner modes, descheduler, monitoring, namespaces)',
    engine => {
      fc.assert(
        fc.property(generatedSpecs, input => {
          const loaded = withEngine(input, engine);
          expect(platformNamespaceNeeds(loaded)).toEqual([]);
          const platform = synthPlatform(loaded).components.filter(
            c => layerOfComponent(c.name) === 'platform',
          );
          expect(platform.flatMap(c => c.objects.filter(o => o.kind === 'Namespace'))).toEqual([]);
          if (engine === 'flux') {
            const operators = `${loaded.spec.name}-operators`;
            for (const [name, dependsOn] of Object.entries(fluxDependsOn(loaded))) {
              expect([name, dependsOn]).toEqual([name, name === operators ? [] : [operators]]);
            }
            expect(orderingGaps(loaded)).toEqual([]);
          }
        }),
        { numRuns: 25 },
      );
    },
  );

  it('control: with gitops.engine none the components keep their own namespaces, which the check reports', () => {
    const loaded = withEngine(specInput(3, 2), 'none');
    const needs = platformNamespaceNeeds(loaded);
    expect(needs).toEqual(
      expect.arrayContaining([
        'network-policies: NetworkPolicy strimzi-drain-cleaner/default-deny',
        expect.stringMatching(/^autoscaler: \w+ kafka-autoscaler\//),
      ]),
    );
  });

  it('synth refuses a platform folder that would need another one for a namespace', () => {
    const app = new App();
    const a = new Chart(app, 'first');
    new ApiObject(a, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
    const b = new Chart(app, 'second');
    new ApiObject(b, 'role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r', namespace: 'x' },
    });
    expect(() => assertNoPlatformNamespaceEdges(app, ['first', 'second'])).toThrow(
      /\(second uses namespaces emitted by first\); emit those Namespaces from the operators component/,
    );
    expect(() => assertNoPlatformNamespaceEdges(app, ['first'])).not.toThrow();
  });
});
