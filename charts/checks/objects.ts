/**
 * Reading synthesized objects as plain JSON: the checks work on what `chart.toJson()` emits, so
 * they see exactly what a cluster would receive.
 */

/** Any Kubernetes object as JSON. */
export interface JsonObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: {
    readonly name?: unknown;
    readonly namespace?: unknown;
    readonly labels?: unknown;
    readonly annotations?: unknown;
  };
  readonly [key: string]: unknown;
}

export type Json = Record<string, unknown>;

/** The value at a path of keys, or undefined when any step is missing or not an object. */
export function at(value: unknown, ...path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Json)[key];
  }
  return current;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asRecord(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value as Json).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** `Kind/namespace/name`, for messages. */
export function describeObject(object: JsonObject): string {
  const namespace = at(object, 'metadata', 'namespace');
  const name = String(at(object, 'metadata', 'name'));
  return typeof namespace === 'string'
    ? `${String(object.kind)}/${namespace}/${name}`
    : `${String(object.kind)}/${name}`;
}

/** A workload's pod template: its owner, whether it is a run-to-completion job, and the spec. */
export interface PodTemplateOf {
  readonly owner: JsonObject;
  readonly runsToCompletion: boolean;
  readonly labels: Record<string, string>;
  readonly podSpec: Json;
}

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Every pod template among the objects (bare Pods included). */
export function podTemplates(objects: readonly JsonObject[]): PodTemplateOf[] {
  const result: PodTemplateOf[] = [];
  for (const object of objects) {
    const kind = String(object.kind);
    const path = TEMPLATE_PATHS[kind];
    const template = kind === 'Pod' ? object : path === undefined ? undefined : at(object, ...path);
    if (template === undefined) continue;
    const podSpec = at(template, 'spec');
    if (podSpec === null || typeof podSpec !== 'object') continue;
    result.push({
      owner: object,
      runsToCompletion: kind === 'Job' || kind === 'CronJob',
      labels: asRecord(at(template, 'metadata', 'labels')),
      podSpec: podSpec as Json,
    });
  }
  return result;
}

/** True when every `matchLabels` entry of the selector is among the labels (expressions unsupported). */
export function matchLabelsSelect(selector: unknown, labels: Record<string, string>): boolean {
  const matchLabels = asRecord(at(selector, 'matchLabels'));
  const expressions = asArray(at(selector, 'matchExpressions'));
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return false;
  const labelsMatch = Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
  const expressionsMatch = expressions.every(expression => {
    const key = String(at(expression, 'key'));
    const operator = at(expression, 'operator');
    const values = asArray(at(expression, 'values')).map(String);
    const value = labels[key];
    if (operator === 'In') return value !== undefined && values.includes(value);
    if (operator === 'NotIn') return value === undefined || !values.includes(value);
    if (operator === 'Exists') return value !== undefined;
    if (operator === 'DoesNotExist') return value === undefined;
    return false;
  });
  return labelsMatch && expressionsMatch;
}
