/**
 * The Kubernetes objects the Pulumi stack would deploy, taken from the plan under Pulumi's mocks
 * (as `npm run plan` runs it), through the same server-side dry-run as the synth output. Helm
 * releases are listed, not applied: their manifests come from chart repositories this tier cannot
 * reach.
 */
import type { RecordedResource } from '../../components/lib/plan';
import type { LoadedSpec } from '../../spec/load';
import { clusterApi, clusterInfo } from './cluster-env';
import { dryRunAll, kindCounts } from './dry-run';
import type { KubeApi, KubeObject } from './kube-api';
import { allSpecs } from './specs';
import {
  defaultNamespaceOf,
  describeObject,
  synthObjects,
  type PlacedObject,
} from './synth-objects';

const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';
const HELM_RELEASE = 'kubernetes:helm.sh/v3:Release';

/** Plans the stack under mocks (Pulumi modules load lazily, after the mocks are set). */
async function planResources(loaded: LoadedSpec): Promise<RecordedResource[]> {
  const { recordPlan } = await import('../../components/lib/plan');
  return recordPlan(undefined, async () => {
    const { buildPlatformStack } = await import('../../components/stack');
    buildPlatformStack(loaded);
  });
}

/** The objects of every ConfigGroup and every plain Kubernetes resource of the plan. */
function deployedObjects(
  resources: readonly RecordedResource[],
  loaded: LoadedSpec,
): PlacedObject[] {
  const placed: PlacedObject[] = [];
  for (const resource of resources) {
    if (resource.type === CONFIG_GROUP) {
      const objects = (resource.inputs.objs ?? []) as KubeObject[];
      const component = resource.name;
      const defaultNamespace = defaultNamespaceOf(component, objects, loaded);
      for (const object of objects) placed.push({ component, object, defaultNamespace });
    } else if (
      resource.type.startsWith('kubernetes:') &&
      resource.type !== HELM_RELEASE &&
      typeof resource.inputs.kind === 'string'
    ) {
      placed.push({
        component: resource.name,
        object: resource.inputs as KubeObject,
        defaultNamespace: loaded.spec.kafka.namespace,
      });
    }
  }
  return placed;
}

const info = clusterInfo();
const crdsMissing = info.crdsDir === undefined;
if (crdsMissing) {
  process.stderr.write('skipping Pulumi dry-run: no ../shared/crds and no PLATFORM_CRDS_DIR\n');
}

let api: KubeApi;
beforeAll(() => {
  api = clusterApi();
});
afterAll(() => api.close());

(crdsMissing ? describe.skip : describe)(
  'objects the Pulumi stack deploys pass server-side dry-run',
  () => {
    it.each(allSpecs().map(s => [s.label, s] as const))('%s', async (label, { loaded }) => {
      const resources = await planResources(loaded);
      const placed = deployedObjects(resources, loaded);
      if (loaded.spec.gitops.engine !== 'none') {
        // With a GitOps engine the engine owns every in-cluster object of the synth output, so
        // Pulumi applies none of them (one owner per object; docs/gitops.md). The synth dry-run
        // covers those objects.
        expect(placed).toEqual([]);
        process.stderr.write(`${label}: Pulumi applies no in-cluster objects (gitops engine)\n`);
        return;
      }
      expect(placed.length).toBeGreaterThan(0);

      // The ConfigGroups and the typed Namespaces (the operators component's) carry exactly what
      // synth writes, so GitOps and Pulumi users get the same. (Their apply order differs: those
      // Namespaces go before the Helm releases, the rest after them;
      // test/stacks/platform-stack.test.ts checks that order.)
      const strip = (objects: readonly PlacedObject[]): unknown[] =>
        objects
          .map(p => p.object)
          .sort((a, b) => describeObject(a).localeCompare(describeObject(b)));
      expect(strip(placed)).toEqual(strip(synthObjects(loaded)));

      const outcome = await dryRunAll(api, placed);
      const releases = resources
        .filter(r => r.type === HELM_RELEASE)
        .map(r => `${String(r.inputs.chart)}@${String(r.inputs.version)}`);
      process.stderr.write(
        `${label}: Pulumi: ${outcome.accepted}/${placed.length} accepted (${kindCounts(placed)}); ` +
          `Helm releases not rendered: ${releases.length === 0 ? 'none' : releases.join(', ')}\n`,
      );
      if (outcome.warnings.length > 0) {
        process.stderr.write(`${label}: server warnings:\n  ${outcome.warnings.join('\n  ')}\n`);
      }
      expect(outcome.rejections).toEqual([]);
      expect(outcome.accepted).toBe(placed.length);
    });
  },
);
