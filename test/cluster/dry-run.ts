/**
 * Server-side dry-run apply of a set of objects, the check both the synth and the Pulumi tests
 * run. Namespaces are created for real first (with the synthesized labels, when synth makes
 * them), as a GitOps engine or Pulumi would; nothing else is persisted.
 */
import type { KubeApi, KubeObject } from './kube-api';
import { statusMessage } from './kube-api';
import { describeObject, type PlacedObject } from './synth-objects';

export interface DryRunOutcome {
  /** `component: Kind namespace/name: HTTP status: server message`, one per rejected object. */
  readonly rejections: string[];
  /** Warnings the server returned (deprecations, PodSecurity on workloads, ...). */
  readonly warnings: string[];
  /** Objects accepted. */
  accepted: number;
}

async function ensureNamespaces(
  api: KubeApi,
  placed: readonly PlacedObject[],
  outcome: DryRunOutcome,
): Promise<void> {
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

export async function dryRunAll(
  api: KubeApi,
  placed: readonly PlacedObject[],
): Promise<DryRunOutcome> {
  const outcome: DryRunOutcome = { rejections: [], warnings: [], accepted: 0 };
  await ensureNamespaces(api, placed, outcome);
  for (const { component, object, defaultNamespace } of placed) {
    const what = `${component}: ${describeObject(object, defaultNamespace)}`;
    const response = await api.apply(object, { dryRun: true, namespace: defaultNamespace });
    if (response.status >= 300) {
      outcome.rejections.push(`${what}: HTTP ${response.status}: ${statusMessage(response.body)}`);
    } else {
      outcome.accepted += 1;
    }
    for (const warning of response.warnings) outcome.warnings.push(`${what}: ${warning}`);
  }
  return outcome;
}

/** `3 Deployment, 2 Kafka, ...` for the log. */
export function kindCounts(placed: readonly PlacedObject[]): string {
  const counts = new Map<string, number>();
  for (const { object } of placed) {
    counts.set(String(object.kind), (counts.get(String(object.kind)) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
}
