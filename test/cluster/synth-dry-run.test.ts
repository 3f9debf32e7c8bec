/**
 * Every object that `npm run synth` writes, for both example specs and varied specs, applied to a
 * real kube-apiserver with server-side apply and `dryRun=All`: name formats, immutable and
 * exclusive fields, defaulting, CRD schemas and CEL rules are the server's to judge. Namespaces
 * are created for real first (that is how a GitOps engine applies them); nothing else persists.
 */
import { clusterApi, clusterInfo } from './cluster-env';
import type { KubeApi, KubeObject } from './kube-api';
import { statusMessage } from './kube-api';
import { allSpecs } from './specs';
import { describeObject, synthObjects, type PlacedObject } from './synth-objects';

const info = clusterInfo();
const crdsMissing = info.crdsDir === undefined;
if (crdsMissing) {
  process.stderr.write(
    'skipping synth dry-run: no ../shared/crds and no PLATFORM_CRDS_DIR (custom resources)\n',
  );
}
const maybe = crdsMissing ? describe.skip : describe;

let api: KubeApi;
beforeAll(() => {
  api = clusterApi();
});
afterAll(() => api.close());

interface Outcome {
  readonly rejections: string[];
  readonly warnings: string[];
  applied: number;
}

/** Creates (for real) the namespaces the objects live in: the synthesized ones with their labels. */
async function ensureNamespaces(placed: readonly PlacedObject[], outcome: Outcome): Promise<void> {
  const synthesized = new Map<string, KubeObject>();
  for (const { object } of placed) {
    if (object.kind === 'Namespace' && object.metadata?.name !== undefined) {
      synthesized.set(object.metadata.name, object);
    }
  }
  const needed = new Set<string>(synthesized.keys());
  for (const { object, defaultNamespace } of placed) {
    const mapping = await api.mapping(String(object.apiVersion), String(object.kind));
    if (mapping?.namespaced === true) needed.add(object.metadata?.namespace ?? defaultNamespace);
  }
  for (const name of needed) {
    const object = synthesized.get(name) ?? {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    };
    const response = await api.apply(object, { dryRun: false });
    if (response.status >= 300) {
      outcome.rejections.push(
        `Namespace ${name}: HTTP ${response.status}: ${statusMessage(response.body)}`,
      );
    }
  }
}

async function dryRunAll(placed: readonly PlacedObject[]): Promise<Outcome> {
  const outcome: Outcome = { rejections: [], warnings: [], applied: 0 };
  await ensureNamespaces(placed, outcome);
  for (const { component, object, defaultNamespace } of placed) {
    const what = `${component}: ${describeObject(object, defaultNamespace)}`;
    const response = await api.apply(object, { dryRun: true, namespace: defaultNamespace });
    if (response.status >= 300) {
      outcome.rejections.push(`${what}: HTTP ${response.status}: ${statusMessage(response.body)}`);
    } else {
      outcome.applied += 1;
    }
    for (const warning of response.warnings) outcome.warnings.push(`${what}: ${warning}`);
  }
  return outcome;
}

maybe('synthesized objects pass server-side dry-run apply', () => {
  const specs = allSpecs();

  it.each(specs.map(s => [s.label, s] as const))('%s', async (label, { loaded }) => {
    const placed = synthObjects(loaded);
    expect(placed.length).toBeGreaterThan(0);
    const outcome = await dryRunAll(placed);
    if (outcome.warnings.length > 0) {
      process.stderr.write(`${label}: server warnings:\n  ${outcome.warnings.join('\n  ')}\n`);
    }
    expect(outcome.rejections).toEqual([]);
    expect(outcome.applied).toBe(placed.length);
  });

  it('reports a rejection with the object and the server message', async () => {
    const bad: PlacedObject = {
      component: 'probe',
      object: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'Not_A_DNS_Name' },
        data: { key: 'value' },
      },
      defaultNamespace: 'default',
    };
    const outcome = await dryRunAll([bad]);
    expect(outcome.rejections).toHaveLength(1);
    expect(outcome.rejections[0]).toMatch(/^probe: ConfigMap default\/Not_A_DNS_Name: HTTP 422: /);
    expect(outcome.rejections[0]).toMatch(/RFC 1123/);
  });
});
