/**
 * The layered GitOps apply of `gitops-apply.test.ts` over more spec variants, each in each engine:
 * a custom `gitops.namespace` and `gitops.path` (`.` and a nested folder), the Kafka and Strimzi
 * namespaces renamed, 2 and 3 zones, both drain cleaner modes, external access on and off, the
 * controller and target-tracking autoscaling modes, monitoring off / with kube-prometheus-stack /
 * with your own stack, with and without `gitops.repository`. Every object must apply on an empty
 * API server in the engine's order with no refusal and no ordering gap (issue #13).
 *
 * Each case gets a fresh control plane (the next one starts while the current one is used, as in
 * `gitops-apply.test.ts`). Measured on 2 cores (other helpers busy): 58 s for the 15 cases, 67 s wall with jest start.
 */
import { findCrdsDir } from './control-plane';
import { layeredApplyPlan, runLayeredApply, type Engine } from './gitops-apply';
import { KubeApi } from './kube-api';
import { ControlPlanePool } from './plane-pool';
import { variedSpecInput } from './specs';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';

const crdsDir = findCrdsDir();
if (crdsDir === undefined) {
  process.stderr.write('skipping layered GitOps apply variants: no ../shared/crds\n');
}

const REPOSITORY = { url: 'https://git.example.com/platform/kafka.git' };

interface Variant {
  readonly label: string;
  /** The spec input without `gitops`; `gitops` fields other than `engine` come from here. */
  readonly input: PlatformSpecInput;
  readonly gitops: { readonly namespace?: string; readonly path?: string; readonly repo: boolean };
}

/** Variant `index` of `variedSpecInput` (its modes rotate with the index) with overrides. */
function varied(zones: number, index: number, overrides: Partial<PlatformSpecInput>) {
  return { ...variedSpecInput(zones, index), ...overrides };
}

const VARIANTS: readonly Variant[] = [
  {
    // index 0: controller mode, drain deny, external on, Kafka in `kafka`.
    label:
      '3 zones, controller, drain deny, external on, kube-prometheus-stack, gitops.namespace ' +
      'platform-gitops, nested gitops.path, bootstrapped by pulumi up',
    input: varied(3, 0, { monitoring: { enabled: true, installKubePrometheusStack: true } }),
    gitops: { namespace: 'platform-gitops', path: './clusters/prod/kafka', repo: true },
  },
  {
    // index 1: target-tracking (descheduler), drain legacy, external off, Kafka in streaming-2.
    label:
      '2 zones, target-tracking, drain legacy, external off, monitoring off, Strimzi in ' +
      'kafka-operators, gitops.path ., bootstrapped by you',
    input: varied(2, 1, {
      monitoring: { enabled: false },
      operators: { strimziNamespace: 'kafka-operators' },
    }),
    gitops: { path: '.', repo: false },
  },
  {
    // index 4: controller mode, drain deny, external on.
    label:
      '2 zones, controller, external on, own Prometheus stack in prom, kube-prometheus-stack ' +
      'installed with monitoring off, bootstrapped by pulumi up',
    input: varied(2, 4, {
      monitoring: { enabled: false, installKubePrometheusStack: true, namespace: 'prom' },
    }),
    gitops: { repo: true },
  },
  {
    // index 3: target-tracking, drain legacy, external off; Kafka in streaming-3.
    label:
      '3 zones, target-tracking, drain legacy, own Prometheus stack in observability, ' +
      'gitops.namespace gitops, bootstrapped by you',
    input: varied(3, 3, {
      monitoring: { enabled: true, installKubePrometheusStack: false, namespace: 'observability' },
    }),
    gitops: { namespace: 'gitops', repo: false },
  },
  {
    // index 2: off mode (no controller, no descheduler), drain deny, external on.
    label:
      '3 zones, autoscaling off, external on, kube-prometheus-stack, bootstrapped by pulumi up',
    input: varied(3, 2, { monitoring: { enabled: true, installKubePrometheusStack: true } }),
    gitops: { path: 'out', repo: true },
  },
];

const ENGINES: readonly Engine[] = ['flux', 'argocd', 'none'];

function load(variant: Variant, engine: Engine): LoadedSpec {
  const { namespace, path, repo } = variant.gitops;
  const gitops =
    engine === 'none'
      ? { engine }
      : {
          engine,
          ...(namespace === undefined ? {} : { namespace }),
          ...(path === undefined ? {} : { path }),
          ...(repo ? { repository: REPOSITORY } : {}),
        };
  return parseSpec({ ...variant.input, gitops }, `${variant.label} (gitops ${engine})`);
}

const CASES = VARIANTS.flatMap(variant =>
  ENGINES.map(engine => [`${engine}: ${variant.label}`, variant, engine] as const),
);

const planes = new ControlPlanePool(CASES.length);

afterAll(() => planes.stopAll());

(crdsDir === undefined ? describe.skip : describe)(
  'layered GitOps output of more spec variants applied in order to an empty API server',
  () => {
    const dir = crdsDir as string;

    it.each(CASES)('%s', async (label, variant, engine) => {
      const loaded = load(variant, engine);
      const { plan, problems } = await layeredApplyPlan(loaded, dir);
      expect(problems).toEqual([]);
      const plane = await planes.take();
      const api = new KubeApi(plane.info);
      try {
        const outcome = await runLayeredApply(api, plan, dir);
        process.stderr.write(
          `${label}: ${outcome.applied} objects\n  ${outcome.log.join('\n  ')}\n`,
        );
        expect(outcome.failures).toEqual([]);
        const total = [
          ...plan.first,
          ...plan.platform,
          { objects: plan.engineBootstrap?.rootObjects ?? [] },
        ].reduce((n, u) => n + u.objects.length, 0);
        expect(outcome.applied).toBe(total);
        expect(outcome.releaseStandIns).toContain(
          `${loaded.spec.kafka.namespace}/stand-in-strimzi-kafka-operator`,
        );
        expect(plan.engineBootstrap !== undefined).toBe(engine !== 'none' && variant.gitops.repo);
      } finally {
        api.close();
        planes.release(plane);
      }
    });
  },
);
