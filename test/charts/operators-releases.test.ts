/**
 * One list of operator releases for both renderers (`charts/operators/releases.ts`): what Flux's
 * HelmReleases, Argo CD's Applications and Pulumi's `helm.v3.Release`s install is read back from
 * each renderer's own output and compared, over spec variants (fast-check). And every namespace a
 * release's chart writes into besides its own (Strimzi: each of `watchNamespaces`, read from the
 * rendered values) exists before that release installs, in each mode.
 */
import fc from 'fast-check';
import { synthPlatform, type KubeObject } from '../../charts/synth';
import { ARGO_SYNC_WAVE_ANNOTATION } from '../../charts/operators/gitops';
import { operatorReleases, vpcNameTagOf } from '../../charts/operators/releases';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { planStack, TYPES, type StackPlan } from '../components/plan-fixture';
import { platformNamespaces } from '../../charts/operators/platform-namespaces';
import { specInput } from '../util/specs';

/** What one installer installs: the fields Helm sees. */
interface Installed {
  readonly name: string;
  readonly namespace: string;
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  readonly createNamespace: boolean;
  readonly values: Record<string, unknown>;
}

const sortByName = (list: Installed[]): Installed[] =>
  [...list].sort((a, b) => a.name.localeCompare(b.name));

function operatorsOf(loaded: LoadedSpec): readonly KubeObject[] {
  return synthPlatform(loaded).components.find(c => c.name === 'operators')?.objects ?? [];
}

function fromFlux(loaded: LoadedSpec): Installed[] {
  const objects = operatorsOf(loaded);
  const repositories = new Map(
    objects
      .filter(o => o.kind === 'HelmRepository')
      .map(o => [o.metadata.name, (o['spec'] as { url: string }).url]),
  );
  return sortByName(
    objects
      .filter(o => o.kind === 'HelmRelease')
      .map(o => {
        const spec = o['spec'] as {
          releaseName: string;
          targetNamespace: string;
          chart: { spec: { chart: string; version: string; sourceRef: { name: string } } };
          install: { createNamespace?: boolean };
          values: Record<string, unknown>;
        };
        return {
          name: spec.releaseName,
          namespace: spec.targetNamespace,
          repository: repositories.get(spec.chart.spec.sourceRef.name) ?? '(no HelmRepository)',
          chart: spec.chart.spec.chart,
          version: spec.chart.spec.version,
          createNamespace: spec.install.createNamespace === true,
          values: spec.values,
        };
      }),
  );
}

function fromArgo(loaded: LoadedSpec): Installed[] {
  return sortByName(
    operatorsOf(loaded)
      .filter(o => o.kind === 'Application')
      .map(o => {
        const spec = o['spec'] as {
          source: {
            repoURL: string;
            chart: string;
            targetRevision: string;
            helm: { releaseName: string; valuesObject: Record<string, unknown> };
          };
          destination: { namespace: string };
          syncPolicy: { syncOptions: string[] };
        };
        return {
          name: spec.source.helm.releaseName,
          namespace: spec.destination.namespace,
          repository: spec.source.repoURL,
          chart: spec.source.chart,
          version: spec.source.targetRevision,
          createNamespace: spec.syncPolicy.syncOptions.includes('CreateNamespace=true'),
          values: spec.source.helm.valuesObject,
        };
      }),
  );
}

/** Pulumi's operator releases (Cluster Autoscaler is Pulumi-only and not an operator release). */
function fromPulumi(plan: StackPlan): Installed[] {
  return sortByName(
    plan
      .ofType(TYPES.release)
      .filter(r => r.inputs['chart'] !== 'cluster-autoscaler')
      .map(r => ({
        name: String(r.inputs['name']),
        namespace: String(r.inputs['namespace']),
        repository: String((r.inputs['repositoryOpts'] as { repo: string }).repo),
        chart: String(r.inputs['chart']),
        version: String(r.inputs['version']),
        createNamespace: r.inputs['createNamespace'] === true,
        values: r.inputs['values'] as Record<string, unknown>,
      })),
  );
}

/** The spec variants: what changes names, namespaces and values of the releases. */
const variantInput = fc.record({
  // From 2: EKS creates no cluster in one zone (spec/aws-inputs.ts MIN_ZONES_NEW_CLUSTER).
  zones: fc.integer({ min: 2, max: 3 }),
  kafkaNamespace: fc.constantFrom('kafka', 'streaming'),
  strimziNamespace: fc.constantFrom('strimzi', 'kafka-operators'),
  monitoringNamespace: fc.constantFrom('monitoring', 'observability'),
  installKubePrometheusStack: fc.boolean(),
  loadBalancerControllerReplicas: fc.integer({ min: 2, max: 4 }),
  existingVpc: fc.boolean(),
});

type Variant = typeof variantInput extends fc.Arbitrary<infer T> ? T : never;

function variant(v: Variant, engine: 'none' | 'flux' | 'argocd'): LoadedSpec {
  const base = specInput(v.zones, v.zones === 1 ? 3 : 2);
  const zones = base.zones as string[];
  return parseSpec({
    ...base,
    kafka: { ...base.kafka, namespace: v.kafkaNamespace },
    operators: {
      strimziNamespace: v.strimziNamespace,
      loadBalancerControllerReplicas: v.loadBalancerControllerReplicas,
    },
    monitoring: {
      enabled: true,
      installKubePrometheusStack: v.installKubePrometheusStack,
      namespace: v.monitoringNamespace,
    },
    ...(v.existingVpc
      ? {
          cluster: {
            vpcCidr: '10.40.0.0/16',
            existingVpc: {
              vpcId: 'vpc-0abc0abc',
              privateSubnetIds: Object.fromEntries(
                zones.map((z, i) => [z, `subnet-${i}000000${i}`]),
              ),
            },
          },
        }
      : {}),
    gitops: { engine },
  } as PlatformSpecInput);
}

describe('one list of operator releases for both renderers', () => {
  it('Flux, Argo CD and Pulumi install the same releases with the same values (spec variants)', async () => {
    await fc.assert(
      fc.asyncProperty(variantInput, async v => {
        const none = variant(v, 'none');
        const pulumi = fromPulumi(await planStack(none));
        const flux = fromFlux(variant(v, 'flux'));
        const argo = fromArgo(variant(v, 'argocd'));
        expect(pulumi.length).toBe(v.installKubePrometheusStack ? 4 : 3);
        expect(flux).toEqual(pulumi);
        expect(argo).toEqual(pulumi);
        // And they are the list's entries, not something each renderer made up.
        expect(pulumi).toEqual(
          sortByName(
            operatorReleases(none.spec).map(r => ({
              name: r.name,
              namespace: r.namespace,
              repository: r.chart.repositoryUrl,
              chart: r.chart.chart,
              version: r.chart.version,
              createNamespace: true,
              values: r.values,
            })),
          ),
        );
      }),
      { numRuns: 6 },
    );
  }, 300_000);

  it('chooses the values a demanding user wants', () => {
    const loaded = variant(
      {
        zones: 3,
        kafkaNamespace: 'kafka',
        strimziNamespace: 'strimzi',
        monitoringNamespace: 'monitoring',
        installKubePrometheusStack: true,
        loadBalancerControllerReplicas: 2,
        existingVpc: false,
      },
      'flux',
    );
    const byName = new Map(fromFlux(loaded).map(r => [r.name, r.values]));
    // Strimzi: least privilege (only the Kafka namespace), two replicas, a PDB.
    expect(byName.get('strimzi-kafka-operator')).toMatchObject({
      watchAnyNamespace: false,
      watchNamespaces: ['kafka'],
      replicas: 2,
      podDisruptionBudget: { enabled: true },
    });
    // Load balancer controller: no Service mutator webhook, a PDB, the VPC by Name tag.
    expect(byName.get('aws-load-balancer-controller')).toMatchObject({
      enableServiceMutatorWebhook: false,
      podDisruptionBudget: { maxUnavailable: 1 },
      vpcTags: { Name: vpcNameTagOf(loaded.spec) },
      serviceAccount: { name: 'aws-load-balancer-controller' },
    });
    // cert-manager: two replicas and a PDB for each of its three Deployments.
    const certManager = byName.get('cert-manager') as Record<string, Record<string, unknown>>;
    for (const part of [certManager, certManager['webhook'], certManager['cainjector']]) {
      expect(part).toMatchObject({ replicaCount: 2, podDisruptionBudget: { enabled: true } });
    }
  });
});

/** Namespaces a Strimzi release's chart writes into besides its own, from its rendered values. */
function watchedBy(installed: readonly Installed[]): string[] {
  const strimzi = installed.find(r => r.chart === 'strimzi-kafka-operator');
  expect(strimzi).toBeDefined();
  return ((strimzi?.values['watchNamespaces'] ?? []) as string[]).filter(
    namespace => namespace !== strimzi?.namespace,
  );
}

describe('every namespace a release writes into exists before it installs', () => {
  const prod = (engine: 'none' | 'flux' | 'argocd', kafkaNamespace = 'streaming'): LoadedSpec => {
    const base = specInput(3, 2);
    return parseSpec({
      ...base,
      kafka: { ...base.kafka, namespace: kafkaNamespace },
      gitops: { engine },
    });
  };

  it('flux: the operators folder emits each watched namespace, so its Kustomization applies it before the HelmReleases reconcile', () => {
    const loaded = prod('flux');
    const watched = watchedBy(fromFlux(loaded));
    expect(watched).toEqual(['streaming']);
    const emitted = operatorsOf(loaded).filter(o => o.kind === 'Namespace');
    // The watched namespace first, then (GitOps engines only) the platform components' own.
    expect(emitted.map(o => o.metadata.name)).toEqual([
      ...watched,
      ...platformNamespaces(loaded.spec, loaded.plan).map(n => n.name),
    ]);
    // No other folder emits it (one owner), so no platform folder races it.
    const elsewhere = synthPlatform(loaded)
      .components.filter(c => c.name !== 'operators')
      .flatMap(c => c.objects)
      .filter(o => o.kind === 'Namespace' && watched.includes(o.metadata.name));
    expect(elsewhere).toEqual([]);
  });

  it('argocd: each watched namespace is in the operators wave, which Argo CD applies Namespaces-first', () => {
    const loaded = prod('argocd');
    const watched = watchedBy(fromArgo(loaded));
    const objects = operatorsOf(loaded);
    const wave = (o: KubeObject): number =>
      Number(
        (o.metadata as { annotations?: Record<string, string> }).annotations?.[
          ARGO_SYNC_WAVE_ANNOTATION
        ],
      );
    const applications = objects.filter(o => o.kind === 'Application');
    for (const name of watched) {
      const namespace = objects.find(o => o.kind === 'Namespace' && o.metadata.name === name);
      expect(namespace).toBeDefined();
      for (const application of applications) {
        expect(wave(namespace as KubeObject)).toBeLessThanOrEqual(wave(application));
      }
    }
  });

  it('none: Pulumi creates each watched namespace as a typed Namespace before the Strimzi release, and no ConfigGroup holds it', async () => {
    const loaded = prod('none');
    const plan = await planStack(loaded);
    const watched = watchedBy(fromPulumi(plan));
    const release = plan
      .ofType(TYPES.release)
      .find(r => r.inputs['chart'] === 'strimzi-kafka-operator');
    const namespaces = plan
      .ofType('kubernetes:core/v1:Namespace')
      .filter(n => watched.includes(String((n.inputs['metadata'] as { name?: string }).name)));
    expect(namespaces.map(n => n.name)).toEqual(watched.map(w => `test-namespace-${w}`));
    for (const namespace of namespaces) expect(release?.dependsOn).toContain(namespace.name);
    const holders = plan
      .ofType(TYPES.configGroup)
      .filter(group =>
        ((group.inputs['objs'] ?? []) as KubeObject[]).some(
          o => o.kind === 'Namespace' && watched.includes(o.metadata.name),
        ),
      );
    expect(holders).toEqual([]);
  }, 60_000);
});
