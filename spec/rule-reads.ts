/**
 * Which spec fields each rule reads, so that a spec with a structurally bad field still gets every
 * cross-field problem that does not depend on that field, and none that does. A field that failed
 * its structure check is replaced by its default (or a placeholder, when required) before the rules
 * run; a rule that reads it would judge a value the user never wrote (`gitops.engine: flx` read as
 * the default `none`, then "gitops.engine is none"), so its problems are left out, and the rules
 * that read only valid fields report in the same run.
 */
import { formatPath, type SpecIssue } from './errors';
import { rules as allRules, type Rule } from './rules';
import type { PlatformSpec } from './schema';

/** A path as `formatPath` writes it, and whether the whole value there was read (its keys listed). */
interface Read {
  readonly path: string;
  readonly whole: boolean;
}

/** `value`, with every property read through it (at any depth) recorded into `reads`. */
function recording<T>(value: T, at: readonly PropertyKey[], reads: Read[]): T {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const child: unknown = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol' || typeof child === 'function') return child;
      const segment = Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key;
      const path = [...at, segment];
      reads.push({ path: formatPath(path), whole: false });
      return recording(child, path, reads);
    },
    ownKeys(target) {
      reads.push({ path: formatPath(at), whole: true });
      return Reflect.ownKeys(target);
    },
    has(target, key) {
      if (typeof key !== 'symbol') reads.push({ path: formatPath([...at, key]), whole: false });
      return Reflect.has(target, key);
    },
  }) as T;
}

/** True when `path` is `prefix` or lies under it (`a.b` under `a`, `a[0]` under `a`). */
export function pathWithin(path: string, prefix: string): boolean {
  return (
    prefix === '' ||
    path === prefix ||
    path.startsWith(`${prefix}.`) ||
    path.startsWith(`${prefix}[`)
  );
}

/** True when a rule that made `reads` depended on a field at `failed`. */
function readsField(reads: readonly Read[], failed: string): boolean {
  return reads.some(
    read => pathWithin(read.path, failed) || (read.whole && pathWithin(failed, read.path)),
  );
}

/** A field that failed its structure check. */
export interface FailedField {
  /** As `formatPath` writes it. */
  readonly path: string;
  readonly segments: readonly PropertyKey[];
  /**
   * Every value the field may take, when there are few (an enum's values, true and false); a rule
   * that reads the field keeps a problem it finds with each of them, since fixing the field cannot
   * remove it. Undefined: the rule's problems wait until the field is fixed.
   */
  readonly values?: readonly unknown[];
}

/** At most this many runs of one rule over the values of the failed fields it reads. */
const MAX_VARIANTS = 64;

/**
 * The problems of every rule that reads none of the `failed` fields, and of a rule that reads only
 * failed fields with few values the problems it finds with every combination of them, on a spec
 * where those fields hold a default or a placeholder; and the failed fields whose checks wait.
 */
export function rulesIndependentOf(
  spec: PlatformSpec,
  failed: readonly FailedField[],
  rules: readonly Rule[] = allRules,
): { readonly issues: SpecIssue[]; readonly deferred: string[] } {
  const issues: SpecIssue[] = [];
  const deferred = new Set<string>();
  for (const rule of rules) {
    const reads: Read[] = [];
    const found = rule(recording(spec, [], reads));
    const depends = failed.filter(field => readsField(reads, field.path));
    if (depends.length === 0) {
      issues.push(...found);
      continue;
    }
    const variants = combinations(depends);
    if (variants === undefined) {
      for (const field of depends) deferred.add(field.path);
      continue;
    }
    const key = (issue: SpecIssue): string => `${issue.path}\n${issue.message}`;
    let kept = found.map(key);
    const anySeen = new Set(kept);
    for (const variant of variants) {
      const copy = structuredClone(spec);
      for (const [field, value] of variant) setAt(copy, field.segments, value);
      const seen = new Set(rule(copy).map(key));
      for (const entry of seen) anySeen.add(entry);
      kept = kept.filter(entry => seen.has(entry));
    }
    issues.push(...found.filter(issue => kept.includes(key(issue))));
    // A problem that only some values of the field give is reported once the field is fixed.
    if (anySeen.size > kept.length) for (const field of depends) deferred.add(field.path);
  }
  return {
    issues,
    deferred: failed.map(field => field.path).filter(path => deferred.has(path)),
  };
}

/** Every combination of the fields' values; undefined when one has none listed or too many. */
function combinations(
  fields: readonly FailedField[],
): (readonly (readonly [FailedField, unknown])[])[] | undefined {
  let result: (readonly (readonly [FailedField, unknown])[])[] = [[]];
  for (const field of fields) {
    if (field.values === undefined || field.values.length === 0) return undefined;
    result = result.flatMap(partial =>
      field.values!.map(value => [...partial, [field, value] as const]),
    );
    if (result.length > MAX_VARIANTS) return undefined;
  }
  return result;
}

function setAt(root: unknown, segments: readonly PropertyKey[], value: unknown): void {
  let holder = root as Record<PropertyKey, unknown>;
  for (const segment of segments.slice(0, -1)) {
    const next = holder[segment];
    if (next === null || typeof next !== 'object') return;
    holder = next as Record<PropertyKey, unknown>;
  }
  const last = segments[segments.length - 1];
  if (last !== undefined) holder[last] = value;
}
