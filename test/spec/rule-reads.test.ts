/**
 * A field that fails its structure check never yields a cross-field problem judged on the default
 * that stood in for it, and the rules that do not read it still report in the same run
 * (`spec/rule-reads.ts`, `rulesBeyondStructure` in `spec/load.ts`).
 */
import type { z } from 'zod';
import { parseSpec } from '../../spec/load';
import { rulesIndependentOf } from '../../spec/rule-reads';
import { platformSpecSchema, type PlatformSpecInput } from '../../spec/schema';
import { specInput, specProblems } from '../util/specs';

type AnySchema = z.core.$ZodType;

/** Every enum field of the spec reached through mappings only (not lists or records), with its values. */
function enumFields(
  schema: AnySchema,
  at: readonly string[] = [],
): { path: string[]; values: string[] }[] {
  let node = schema;
  for (;;) {
    const wrapper = node._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (wrapper.innerType !== undefined) node = wrapper.innerType;
    else if (wrapper.type === 'pipe' && wrapper.in !== undefined) node = wrapper.in;
    else break;
  }
  const def = node._zod.def as {
    type: string;
    shape?: Record<string, AnySchema>;
    entries?: Record<string, string>;
  };
  if (def.type === 'enum' && def.entries !== undefined) {
    return [{ path: [...at], values: Object.values(def.entries) }];
  }
  if (def.type === 'object' && def.shape !== undefined) {
    return Object.entries(def.shape).flatMap(([key, child]) => enumFields(child, [...at, key]));
  }
  return [];
}

function withValue(base: object, path: readonly string[], value: unknown): object {
  const copy = structuredClone(base) as Record<string, unknown>;
  let holder = copy;
  for (const key of path.slice(0, -1)) {
    if (holder[key] === null || typeof holder[key] !== 'object') holder[key] = {};
    holder = holder[key] as Record<string, unknown>;
  }
  holder[path[path.length - 1]!] = value;
  return copy;
}

/** `specProblems` of a spec with a deliberately wrong value, hence the cast. */
function problemsOf(input: object): string[] {
  return specProblems(input as PlatformSpecInput);
}

/** A base that sets the fields other rules read together with enums (gitops.repository). */
const BASE = specInput(3, 1, {
  gitops: { engine: 'flux', repository: { url: 'https://github.com/example/platform.git' } },
} as never);

const FIELDS = enumFields(platformSpecSchema);

describe('a structurally bad enum field', () => {
  it('finds the enum fields to test (gitops.engine among them)', () => {
    expect(FIELDS.map(field => field.path.join('.'))).toContain('gitops.engine');
    expect(FIELDS.length).toBeGreaterThanOrEqual(5);
  });

  it.each(FIELDS.map(field => [field.path.join('.'), field] as const))(
    '%s: a typo yields only problems that every allowed value yields too',
    (name, { path, values }) => {
      // GIVEN the spec with each allowed value, and with a typo
      const withAllowed = values.map(value => new Set(problemsOf(withValue(BASE, path, value))));
      const withTypo = problemsOf(withValue(BASE, path, `${values[0]}-typo`));
      // THEN the typo's own problem is reported, and any other problem holds whatever value is fixed
      expect(withTypo.filter(problem => problem.startsWith(`${name}: `))).toHaveLength(1);
      for (const problem of withTypo.filter(p => !p.startsWith(`${name}: `))) {
        expect({ problem, everyValue: withAllowed.every(set => set.has(problem)) }).toEqual({
          problem,
          everyValue: true,
        });
      }
    },
  );

  it('throws no "engine is none" problem for gitops.engine: flx with a repository', () => {
    expect(problemsOf(withValue(BASE, ['gitops', 'engine'], 'flx'))).toEqual([
      'gitops.engine: "flx" is not allowed; use one of "flux", "argocd", "none"',
    ]);
  });
});

describe('rulesIndependentOf', () => {
  it('keeps a problem of a rule reading a failed enum field when every value gives it', () => {
    const spec = parseSpec(BASE).spec;
    const engine = {
      path: 'gitops.engine',
      segments: ['gitops', 'engine'],
      values: ['flux', 'argocd', 'none'],
    };
    const always = (s: typeof spec) =>
      s.gitops.engine.length > 0 ? [{ path: 'a', message: 'x' }] : [];
    const onlyNone = (s: typeof spec) =>
      s.gitops.engine === 'none' ? [{ path: 'b', message: 'none' }] : [];
    expect(rulesIndependentOf(spec, [engine], [always, onlyNone])).toEqual({
      issues: [{ path: 'a', message: 'x' }],
      deferred: ['gitops.engine'],
    });
  });

  it('keeps the problems of rules that read no failed field and defers those that do', () => {
    const spec = parseSpec(BASE).spec;
    const readsBrokers = (s: typeof spec) =>
      s.kafka.brokers > 0 ? [{ path: 'a', message: 'x' }] : [];
    const readsKeys = (s: typeof spec) =>
      Object.keys(s.kafka).length > 0 ? [{ path: 'b', message: 'y' }] : [];
    const readsRegion = (s: typeof spec) => (s.region !== '' ? [{ path: 'c', message: 'z' }] : []);
    expect(
      rulesIndependentOf(
        spec,
        [{ path: 'kafka.brokers', segments: ['kafka', 'brokers'] }],
        [readsBrokers, readsKeys, readsRegion],
      ),
    ).toEqual({ issues: [{ path: 'c', message: 'z' }], deferred: ['kafka.brokers'] });
  });
});
