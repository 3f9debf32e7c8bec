/**
 * The layered GitOps output, applied for real (server-side apply, persisted) in each engine's order
 * to an empty API server that gets only the engine's own CRDs and the CRDs the operator releases
 * would install (issue #13). Each case starts its own control plane: nothing else is in it.
 * The model is in `gitops-apply.ts`; docs/cluster-tier.md describes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findCrdsDir } from './control-plane';
import {
  layeredApplyPlan,
  runLayeredApply,
  applyObject,
  waitForSystemNamespaces,
  type Engine,
  type LayeredApplyPlan,
} from './gitops-apply';
import { KubeApi, type KubeObject } from './kube-api';
import { ControlPlanePool } from './plane-pool';
import { variedSpecInput } from './specs';
import { REPO } from './tools';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { isCustomResource } from '../../charts/operators/gitops';
import { platformNamespaces } from '../../charts/operators/platform-namespaces';

const crdsDir = findCrdsDir();
if (crdsDir === undefined) {
  process.stderr.write(
    'skipping layered GitOps apply: no ../shared/crds and no PLATFORM_CRDS_DIR\n',
  );
}

const ENGINES: readonly Engine[] = ['flux', 'argocd', 'none'];

const engineBootstrapped = (loaded: LoadedSpec): boolean =>
  loaded.spec.gitops.engine !== 'none' && loaded.spec.gitops.repository !== undefined;

/**
 * `stacks/prod.yaml` with `gitops.engine` set; with Flux or Argo CD also `gitops.repository`, so
 * `pulumi up` bootstraps the engine (its release and root sync objects are step 0).
 */
function prodWith(engine: Engine): LoadedSpec {
  const input = parse(readFileSync(join(REPO, 'stacks/prod.yaml'), 'utf8')) as PlatformSpecInput;
  const repository = { url: 'https://git.example.com/platform/kafka.git' };
  return parseSpec(
    { ...input, gitops: engine === 'none' ? { engine } : { engine, repository } },
    `stacks/prod.yaml (gitops ${engine})`,
  );
}

/**
 * The variant: target-tracking (descheduler and its RBAC), drain cleaner legacy, a Kafka namespace
 * other than `kafka`, monitoring with your own Prometheus Operator stack in a namespace of its own
 * (so its namespace and CRDs come from you, not from a release), and no `gitops.repository` (you
 * bootstrap the engine).
 */
function variantWith(engine: Engine): LoadedSpec {
  const base = variedSpecInput(2, 1);
  return parseSpec(
    {
      ...base,
      gitops: { engine },
      monitoring: { enabled: true, installKubePrometheusStack: false, namespace: 'observability' },
    },
    `variant (gitops ${engine})`,
  );
}

const CASES = ENGINES.flatMap(engine => [
  [
    `stacks/prod.yaml, gitops ${engine}${engine === 'none' ? '' : ', bootstrapped by pulumi up'}`,
    () => prodWith(engine),
  ] as const,
  [
    `2 zones, target-tracking, own Prometheus stack in observability, gitops ${engine}${engine === 'none' ? '' : ', bootstrapped by you'}`,
    () => variantWith(engine),
  ] as const,
]);

/** Control planes this file starts: one per case and eight for the negative controls. */
const planes = new ControlPlanePool(CASES.length + 8);

afterAll(() => planes.stopAll());

async function withEmptyControlPlane<T>(run: (api: KubeApi) => Promise<T>): Promise<T> {
  const started = Date.now();
  const plane = await planes.take();
  const api = new KubeApi(plane.info);
  try {
    const crds = (await api.ok(
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    )) as {
      items: unknown[];
    };
    expect(crds.items).toEqual([]); // empty: not even the engine's CRDs yet
    process.stderr.write(`  waited ${Date.now() - started} ms for a fresh control plane\n`);
    return await run(api);
  } finally {
    api.close();
    planes.release(plane);
  }
}

function kindsOf(plan: LayeredApplyPlan): string {
  const kinds = new Set(plan.platform.flatMap(u => u.objects.map(o => String(o.kind))));
  return [...kinds].sort().join(' ');
}

(crdsDir === undefined ? describe.skip : describe)(
  'layered GitOps output applied in order to an empty API server',
  () => {
    const dir = crdsDir as string;

    it.each(CASES)('%s', async (label, load) => {
      const loaded = load();
      const { plan, problems } = await layeredApplyPlan(loaded, dir);
      expect(problems).toEqual([]);
      expect(plan.platform.length).toBeGreaterThan(0);
      const bootstrapped = engineBootstrapped(loaded);
      expect(plan.engineBootstrap !== undefined).toBe(bootstrapped);
      const outcome = await withEmptyControlPlane(api => runLayeredApply(api, plan, dir));
      process.stderr.write(
        `${label}: ${outcome.applied} objects applied; platform kinds: ${kindsOf(plan)}\n  ` +
          `${outcome.log.join('\n  ')}\n`,
      );
      expect(outcome.failures).toEqual([]);
      expect(outcome.failures.filter(f => f.includes('no matches for kind'))).toEqual([]);
      const total = [
        ...plan.first,
        ...plan.platform,
        { objects: plan.engineBootstrap?.rootObjects ?? [] },
      ].reduce((n, u) => n + u.objects.length, 0);
      expect(outcome.applied).toBe(total);
      // The releases brought CRDs (Strimzi at least) and the operator namespaces, and Strimzi's
      // stand-in wrote into the Kafka namespace it watches (its chart's RoleBindings).
      expect(outcome.releaseCrds).toContain('kafkas.kafka.strimzi.io');
      expect(outcome.releaseNamespaces).toContain(loaded.spec.operators.strimziNamespace);
      expect(outcome.releaseStandIns).toContain(
        `${loaded.spec.kafka.namespace}/stand-in-strimzi-kafka-operator`,
      );
    });
  },
);

(crdsDir === undefined ? describe.skip : describe)('negative controls: the check can fail', () => {
  const dir = crdsDir as string;

  it('the platform layer before the operator releases: no matches for kind, for every custom resource', async () => {
    const { plan } = await layeredApplyPlan(prodWith('flux'), dir);
    const outcome = await withEmptyControlPlane(api =>
      runLayeredApply(api, plan, dir, { skipReleases: true }),
    );
    const custom = plan.platform
      .flatMap(u => u.objects)
      .filter(o => isCustomResource(String(o.apiVersion)));
    expect(custom.length).toBeGreaterThan(10);
    const noMatches = outcome.failures.filter(f => f.includes('no matches for kind'));
    for (const object of custom) {
      const name = `${String(object.kind)} ${String(object.metadata?.namespace)}/${String(object.metadata?.name)}`;
      expect(
        noMatches.some(f => f.includes(`${name}: no matches for kind "${String(object.kind)}"`)),
      ).toBe(true);
    }
    // Objects in the operator namespaces find no namespace either (no release made it).
    const strimzi = prodWith('flux').spec.operators.strimziNamespace;
    expect(outcome.failures.some(f => f.includes(`namespaces "${strimzi}" not found`))).toBe(true);
  });

  it('a HelmRelease whose HelmRepository is not in the operators layer is reported', async () => {
    const { plan } = await layeredApplyPlan(prodWith('flux'), dir);
    const [first, ...rest] = plan.releases;
    const source = first.chartSource as KubeObject;
    const broken: LayeredApplyPlan = {
      ...plan,
      releases: [
        { ...first, chartSource: { ...source, metadata: { ...source.metadata, name: 'missing' } } },
        ...rest,
      ],
    };
    const outcome = await withEmptyControlPlane(api => runLayeredApply(api, broken, dir));
    expect(outcome.failures).toEqual([
      `step 2: ${first.source}: its chart source HelmRepository ` +
        `${String(source.metadata?.namespace)}/missing is not in the cluster, so the release ` +
        'would install nothing',
    ]);
  });

  it('an object whose namespace nobody made yet is refused by the server', async () => {
    const { plan } = await layeredApplyPlan(prodWith('flux'), dir);
    // The first namespaced built-in object of the platform layer whose namespace the output makes.
    const madeByOutput = new Set(
      [...plan.first, ...plan.platform]
        .flatMap(u => u.objects.filter(o => o.kind === 'Namespace'))
        .map(o => o.metadata?.name),
    );
    const object = plan.platform
      .flatMap(u => u.objects)
      .find(
        o =>
          o.metadata?.namespace !== undefined &&
          madeByOutput.has(o.metadata.namespace) &&
          !isCustomResource(String(o.apiVersion)),
      ) as KubeObject;
    expect(object).toBeDefined();
    const error = await withEmptyControlPlane(async api => {
      await waitForSystemNamespaces(api);
      return applyObject(api, object, 'kustomize-controller');
    });
    expect(error).toMatch(new RegExp(`namespaces "${object.metadata?.namespace}" not found`));
  });

  it('Flux Kustomizations that only dependsOn the operators while the component folders emit their own namespaces (the output before they moved to the operators layer) leave namespaces to chance', async () => {
    const loaded = prodWith('flux');
    const { plan } = await layeredApplyPlan(loaded, dir);
    const operators = plan.first[1].name;
    // Each platform namespace back in its component's folder, as before the move.
    const moved = new Map(
      platformNamespaces(loaded.spec, loaded.plan).map(n => [n.name, n.component]),
    );
    const isMoved = (o: KubeObject): boolean =>
      o.kind === 'Namespace' && moved.has(String(o.metadata?.name));
    const namespaces = plan.first.flatMap(u => u.objects).filter(isMoved);
    expect(namespaces.map(o => o.metadata?.name).sort()).toEqual([...moved.keys()].sort());
    const onlyOperators: LayeredApplyPlan = {
      ...plan,
      first: plan.first.map(u => ({ ...u, objects: u.objects.filter(o => !isMoved(o)) })),
      platform: plan.platform.map(unit => ({
        ...unit,
        objects: [
          ...namespaces.filter(
            o => unit.name === `${loaded.spec.name}-${moved.get(String(o.metadata?.name))}`,
          ),
          ...unit.objects,
        ],
        dependsOn: [operators],
      })),
    };
    // Latest-first among equals: network-policies runs before drain-cleaner and autoscaler make
    // their namespaces, and the server refuses.
    const refused = await withEmptyControlPlane(api => runLayeredApply(api, onlyOperators, dir));
    expect(refused.failures.some(f => /namespaces "[^"]+" not found/.test(f))).toBe(true);
    // In the declared order the server accepts everything, and the gap is still reported.
    const lucky = await withEmptyControlPlane(api =>
      runLayeredApply(
        api,
        { ...onlyOperators, platform: [...onlyOperators.platform].reverse() },
        dir,
      ),
    );
    expect(lucky.failures.filter(f => !f.includes('ordering gap'))).toEqual([]);
    const drainCleaner = prodWith('flux').spec.drainCleaner.namespace;
    expect(lucky.failures.some(f => f.includes(`ordering gap: namespace ${drainCleaner} `))).toBe(
      true,
    );
  });

  /**
   * The output before the Kafka namespace moved to the operators layer: the `kafka` platform
   * folder (or ConfigGroup) emitted it, so Strimzi's release, which writes RoleBindings into
   * every watched namespace, found none on an empty cluster and the platform waited forever.
   */
  function kafkaNamespaceInKafkaFolder(plan: LayeredApplyPlan, kafkaNamespace: string) {
    const isKafkaNamespace = (o: KubeObject): boolean =>
      o.kind === 'Namespace' && o.metadata?.name === kafkaNamespace;
    const moved = plan.first.flatMap(u => u.objects).filter(isKafkaNamespace);
    expect(moved).toHaveLength(1);
    // Flux and Pulumi: the kafka folder's unit; Argo CD: wave 0, where built-in objects went.
    const target =
      plan.platform.find(u => /-kafka$/.test(u.name)) ??
      plan.platform.find(u => u.name === 'sync wave 0');
    expect(target).toBeDefined();
    return {
      ...plan,
      first: plan.first.map(u => ({ ...u, objects: u.objects.filter(o => !isKafkaNamespace(o)) })),
      platform: plan.platform.map(u =>
        u === target ? { ...u, objects: [...moved, ...u.objects] } : u,
      ),
    };
  }

  it.each(ENGINES)(
    '%s: with the Kafka namespace in the kafka folder (the output before this fix), the Strimzi release writes into a namespace nobody made',
    async engine => {
      const loaded = prodWith(engine);
      const { plan } = await layeredApplyPlan(loaded, dir);
      const old = kafkaNamespaceInKafkaFolder(plan, loaded.spec.kafka.namespace);
      const outcome = await withEmptyControlPlane(api => runLayeredApply(api, old, dir));
      const strimzi = plan.releases.find(r => r.chart === 'strimzi-kafka-operator');
      expect(outcome.failures).toContain(
        `step 2: ${String(strimzi?.source)}: stand-in ConfigMap ` +
          `${loaded.spec.kafka.namespace}/stand-in-strimzi-kafka-operator: HTTP 404: ` +
          `namespaces "${loaded.spec.kafka.namespace}" not found`,
      );
    },
  );
});
