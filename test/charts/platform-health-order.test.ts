/**
 * No platform object waits, through its engine's order, for its own health on something applied
 * only after it is healthy. Each engine gates on health:
 * - Argo CD applies a sync wave only once every object of the earlier waves is healthy;
 * - Flux applies a Kustomization only once those it `dependsOn` are Ready (`wait: true`);
 * - with `gitops.engine: none`, Pulumi applies each component's ConfigGroup after the previous
 *   one (`components/platform.ts`, synth order) and awaits its Deployments' readiness.
 * A Deployment that needs an object of a later unit to turn ready therefore never turns ready, and
 * the later unit is never applied (Argo CD, Flux) or `pulumi up` fails at its await timeout.
 *
 * What a workload needs to turn ready:
 * - every Secret and ConfigMap its pod template mounts or reads (not `optional`) that the output
 *   itself makes: a `Secret`/`ConfigMap` object, or a cert-manager `Certificate`'s `secretName`;
 * - the autoscaling controller: its `/readyz` answers 200 only once Prometheus has broker
 *   throughput samples (`controller/main.ts` `fresh`, `controller/adapters/prometheus.ts`
 *   `kafkaMetrics`), so the `Kafka` resource and the PodMonitor that scrapes its brokers.
 */
import { synthPlatform, type KubeObject, type SynthResult } from '../../charts/synth';
import { ARGO_SYNC_WAVE_ANNOTATION, isCustomResource } from '../../charts/operators/gitops';
import { layerOfComponent } from '../../charts/gitops-layers';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { specInput } from '../util/specs';

type Engine = 'none' | 'flux' | 'argocd';

interface Placed {
  readonly component: string;
  readonly object: KubeObject;
}

const describeObject = (o: KubeObject): string =>
  `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

interface PodSpecRefs {
  readonly volumes?: ReadonlyArray<{
    secret?: { secretName?: string; optional?: boolean };
    configMap?: { name?: string; optional?: boolean };
  }>;
  readonly containers?: ReadonlyArray<ContainerRefs>;
  readonly initContainers?: ReadonlyArray<ContainerRefs>;
}

interface ContainerRefs {
  readonly env?: ReadonlyArray<{
    valueFrom?: {
      secretKeyRef?: { name?: string; optional?: boolean };
      configMapKeyRef?: { name?: string; optional?: boolean };
    };
  }>;
  readonly envFrom?: ReadonlyArray<{
    secretRef?: { name?: string; optional?: boolean };
    configMapRef?: { name?: string; optional?: boolean };
  }>;
}

/** `Secret/<name>` and `ConfigMap/<name>` a pod template needs (not optional). */
function podTemplateNeeds(workload: KubeObject): string[] {
  const pod = ((workload['spec'] as { template?: { spec?: PodSpecRefs } }).template?.spec ??
    {}) as PodSpecRefs;
  const needs: string[] = [];
  const need = (kind: string, ref: { name?: string; optional?: boolean } | undefined): void => {
    if (ref?.name !== undefined && ref.optional !== true) needs.push(`${kind}/${ref.name}`);
  };
  for (const volume of pod.volumes ?? []) {
    if (volume.secret !== undefined) {
      need('Secret', { name: volume.secret.secretName, optional: volume.secret.optional });
    }
    need('ConfigMap', volume.configMap);
  }
  for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
    for (const env of container.env ?? []) {
      need('Secret', env.valueFrom?.secretKeyRef);
      need('ConfigMap', env.valueFrom?.configMapKeyRef);
    }
    for (const from of container.envFrom ?? []) {
      need('Secret', from.secretRef);
      need('ConfigMap', from.configMapRef);
    }
  }
  return needs;
}

/** The objects of the output that make `Secret/<name>` or `ConfigMap/<name>` in `namespace`. */
function makersOf(placed: readonly Placed[], namespace: string, need: string): Placed[] {
  const [kind, name] = need.split('/');
  return placed.filter(({ object }) => {
    if (object.metadata.namespace !== namespace) return false;
    if (object.kind === kind && object.metadata.name === name) return true;
    return (
      kind === 'Secret' &&
      object.kind === 'Certificate' &&
      (object['spec'] as { secretName?: string }).secretName === name
    );
  });
}

/** Each platform workload with the objects it needs to turn ready. */
function readinessNeeds(
  loaded: LoadedSpec,
  result: SynthResult,
): Array<{ consumer: Placed; providers: Placed[] }> {
  const placed = result.components
    .filter(c => layerOfComponent(c.name) === 'platform')
    .flatMap(c => c.objects.map(object => ({ component: c.name, object })));
  const needs: Array<{ consumer: Placed; providers: Placed[] }> = [];
  for (const consumer of placed.filter(p => WORKLOADS.has(p.object.kind))) {
    const namespace = String(consumer.object.metadata.namespace);
    const providers = podTemplateNeeds(consumer.object).flatMap(need =>
      makersOf(placed, namespace, need),
    );
    if (consumer.component === 'autoscaler' && consumer.object.kind === 'Deployment') {
      providers.push(
        ...placed.filter(
          ({ object }) =>
            (object.kind === 'Kafka' &&
              object.metadata.namespace === loaded.spec.kafka.namespace) ||
            (object.kind === 'PodMonitor' &&
              JSON.stringify(object['spec']).includes('strimzi.io/broker-role')),
        ),
      );
    }
    if (providers.length > 0) needs.push({ consumer, providers });
  }
  return needs;
}

/**
 * For `engine`, whether `provider` is applied only after `consumer` is healthy: a later Argo CD
 * wave, a Flux Kustomization that (transitively) `dependsOn` the consumer's, a later ConfigGroup.
 */
function appliedAfterHealthOf(
  engine: Engine,
  result: SynthResult,
  consumer: Placed,
  provider: Placed,
): boolean {
  if (consumer.component === provider.component && engine !== 'argocd') return false;
  switch (engine) {
    case 'argocd': {
      const wave = (p: Placed): number =>
        Number(
          (p.object.metadata as { annotations?: Record<string, string> }).annotations?.[
            ARGO_SYNC_WAVE_ANNOTATION
          ] ?? 0,
        );
      return wave(provider) > wave(consumer);
    }
    case 'flux': {
      const kustomizations = result.components.find(c => c.name === 'gitops')?.objects ?? [];
      const folderOf = (k: KubeObject): string =>
        String((k['spec'] as { path: string }).path)
          .split('/')
          .pop() as string;
      const dependsOn = new Map(
        kustomizations.map(k => [
          folderOf(k),
          ((k['spec'] as { dependsOn?: Array<{ name: string }> }).dependsOn ?? []).map(
            d => kustomizations.find(o => o.metadata.name === d.name) as KubeObject,
          ),
        ]),
      );
      const seen = new Set<string>();
      const stack = [...(dependsOn.get(provider.component) ?? [])].map(folderOf);
      while (stack.length > 0) {
        const next = stack.pop() as string;
        if (next === consumer.component) return true;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(...(dependsOn.get(next) ?? []).map(folderOf));
      }
      return false;
    }
    case 'none': {
      // components/platform.ts: one ConfigGroup per component, each after the previous one.
      const order = result.components.map(c => c.name);
      return order.indexOf(provider.component) > order.indexOf(consumer.component);
    }
  }
}

function deadlocks(loaded: LoadedSpec): string[] {
  const result = synthPlatform(loaded);
  const engine = loaded.spec.gitops.engine;
  return readinessNeeds(loaded, result).flatMap(({ consumer, providers }) =>
    providers
      .filter(provider => appliedAfterHealthOf(engine, result, consumer, provider))
      .map(
        provider =>
          `${engine}: ${describeObject(consumer.object)} (${consumer.component}) needs ` +
          `${describeObject(provider.object)} (${provider.component}), applied only after it is healthy`,
      ),
  );
}

const SPECS: ReadonlyArray<[string, Partial<PlatformSpecInput>]> = [
  [
    'controller mode, kube-prometheus-stack, drain deny',
    {
      autoscaling: { mode: 'controller' },
      monitoring: { enabled: true, installKubePrometheusStack: true },
    },
  ],
  [
    'target-tracking, own Prometheus stack, drain legacy',
    {
      autoscaling: { mode: 'target-tracking' },
      drainCleaner: { mode: 'legacy' },
      monitoring: { enabled: true, installKubePrometheusStack: false },
    },
  ],
  [
    'controller mode, monitoring off',
    { autoscaling: { mode: 'controller' }, monitoring: { enabled: false } },
  ],
];

describe.each<Engine>(['argocd', 'flux', 'none'])(
  '%s: no readiness waits on a later unit',
  engine => {
    it.each(SPECS)('%s', (_label, overrides) => {
      const loaded = parseSpec({ ...specInput(3, 2), ...overrides, gitops: { engine } });
      const result = synthPlatform(loaded);
      const needs = readinessNeeds(loaded, result);
      // The check has something to check: the Drain Cleaner mounts its cert-manager Secret.
      expect(
        needs.some(
          n =>
            n.consumer.component === 'drain-cleaner' &&
            n.providers.some(p => p.object.kind === 'Certificate'),
        ),
      ).toBe(true);
      expect(deadlocks(loaded)).toEqual([]);
    });
  },
);

describe('the check can fail', () => {
  it('Argo CD: the Drain Cleaner Deployment in a wave before its Certificate (the waves before this fix)', () => {
    const loaded = parseSpec({ ...specInput(3, 2), gitops: { engine: 'argocd' } });
    const current = synthPlatform(loaded);
    // Built-in objects in wave 0, custom resources in wave 1, as the output had them.
    const result: SynthResult = {
      ...current,
      components: current.components.map(component =>
        layerOfComponent(component.name) !== 'platform'
          ? component
          : {
              ...component,
              objects: component.objects.map(object => {
                const metadata = object.metadata as { annotations?: Record<string, string> };
                const wave = isCustomResource(object.apiVersion) ? '1' : '0';
                return {
                  ...object,
                  metadata: {
                    ...object.metadata,
                    annotations: { ...metadata.annotations, [ARGO_SYNC_WAVE_ANNOTATION]: wave },
                  },
                } as KubeObject;
              }),
            },
      ),
    };
    const consumer = readinessNeeds(loaded, result).find(
      n => n.consumer.component === 'drain-cleaner',
    );
    const certificate = consumer?.providers.find(p => p.object.kind === 'Certificate');
    expect(certificate).toBeDefined();
    expect(
      appliedAfterHealthOf('argocd', result, consumer?.consumer as Placed, certificate as Placed),
    ).toBe(true);
  });

  it('none: the autoscaler ConfigGroup before the monitoring one (the order before this fix)', () => {
    const loaded = parseSpec({
      ...specInput(3, 2),
      autoscaling: { mode: 'controller' },
      monitoring: { enabled: true, installKubePrometheusStack: true },
      gitops: { engine: 'none' },
    });
    const result = synthPlatform(loaded);
    const names = result.components.map(c => c.name);
    const [autoscaler, monitoring] = ['autoscaler', 'monitoring'].map(n => names.indexOf(n));
    const swapped: SynthResult = {
      ...result,
      components: result.components.map((c, i) =>
        i === autoscaler
          ? result.components[monitoring]
          : i === monitoring
            ? result.components[autoscaler]
            : c,
      ),
    };
    const need = readinessNeeds(loaded, swapped).find(n => n.consumer.component === 'autoscaler');
    const podMonitor = need?.providers.find(p => p.object.kind === 'PodMonitor') as Placed;
    expect(podMonitor).toBeDefined();
    expect(appliedAfterHealthOf('none', swapped, need?.consumer as Placed, podMonitor)).toBe(true);
  });
});

describe('controller mode with monitoring off', () => {
  it('warns that nothing scrapes the brokers, and no Flux folder waits for the unready autoscaler folder', () => {
    const loaded = parseSpec({
      ...specInput(3, 2),
      autoscaling: { mode: 'controller' },
      monitoring: { enabled: false, installKubePrometheusStack: true },
      gitops: { engine: 'flux' },
    });
    const warning = loaded.warnings.find(w => w.path === 'monitoring.enabled');
    expect(warning?.message).toMatch(/controller stays unready/);
    expect(warning?.message).toMatch(/no other folder waits for it/);
    // No folder waits for the unready autoscaler folder: the network policies (and every other
    // platform folder) dependsOn the operators folder only, which emits their namespaces.
    const kustomizations = synthPlatform(loaded).components.find(c => c.name === 'gitops')
      ?.objects as KubeObject[];
    for (const kustomization of kustomizations) {
      expect(JSON.stringify(kustomization['spec'])).not.toContain(
        `"${loaded.spec.name}-autoscaler"`,
      );
    }
    const policies = kustomizations.find(k => k.metadata.name.endsWith('-network-policies'));
    expect((policies?.['spec'] as { dependsOn?: unknown }).dependsOn).toEqual([
      { name: `${loaded.spec.name}-operators` },
    ]);
    // No such warning with monitoring on, or without the controller.
    for (const overrides of [
      { monitoring: { enabled: true, installKubePrometheusStack: true } },
      { autoscaling: { mode: 'target-tracking' as const }, monitoring: { enabled: false } },
    ]) {
      const other = parseSpec({
        ...specInput(3, 2),
        autoscaling: { mode: 'controller' },
        ...overrides,
      });
      expect(other.warnings.map(w => w.path)).not.toContain('monitoring.enabled');
    }
  });
});
