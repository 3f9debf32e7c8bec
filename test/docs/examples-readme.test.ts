/**
 * examples/README.md describes each example project by the names of this package it uses: every
 * such name in a project's row (a code span that one of the package entries exports, say
 * `refuseStatefulChanges` or `kafkaEksPlatformMocks()`) must be imported from
 * `kafka-eks-autoscaling` by that project's own files. Docs walk s34-c: the row of
 * `pulumi-program/` said the program checks `zones` with `refuseMovedZones`, but since the
 * program runs the whole guard (`refuseStatefulChanges`) and asks AWS for the zones
 * (`refuseUnavailableZones`) it no longer imports `refuseMovedZones`; a reader copying the
 * example's approach from the README would have built the narrower check.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../util/documented-pulumi';

const README = readFileSync(join(REPO_ROOT, 'examples', 'README.md'), 'utf8');

/** The package entries' source files (package.json `exports`, `lib/api/x.js` -> `api/x.ts`). */
function entrySources(): string[] {
  const { exports } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, { default?: string }>;
  };
  return Object.values(exports).flatMap(target =>
    target.default?.startsWith('./lib/api/') === true
      ? [target.default.replace(/^\.\/lib\//, '').replace(/\.js$/, '.ts')]
      : [],
  );
}

/** Every name some package entry exports. */
async function exportedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const source of entrySources()) {
    const module = (await import(join(REPO_ROOT, source))) as Record<string, unknown>;
    for (const name of Object.keys(module)) names.add(name);
  }
  return names;
}

/** The names a code span gives: `refuseMovedZones`, `kafkaEksPlatformMocks()`, `a.b` gives none. */
function spanName(span: string): string | undefined {
  return /^([A-Za-z_]\w*)(?:\(\))?$/.exec(span)?.[1];
}

/** Project folder -> the code-span names of its table row. */
function rowNames(readme: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readme.split('\n')) {
    const row = /^\| `([\w-]+)\/` \|(.*)\|$/.exec(line);
    if (row === null) continue;
    const spans = Array.from(row[2]!.matchAll(/`([^`]+)`/g), match => match[1]!);
    rows.set(
      row[1]!,
      spans.flatMap(span => spanName(span) ?? []),
    );
  }
  return rows;
}

/** The names a project's TypeScript files import from `kafka-eks-autoscaling` (any entry). */
function importedNames(project: string): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules' || entry === 'dist') continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        const imports = text.matchAll(
          /import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'kafka-eks-autoscaling(?:\/[\w-]+)?'/g,
        );
        for (const match of imports) {
          for (const part of match[1]!.split(',')) {
            const name = part
              .trim()
              .replace(/^type\s+/, '')
              .split(/\s+as\s+/)[0];
            if (name) names.add(name);
          }
        }
      }
    }
  };
  walk(join(REPO_ROOT, 'examples', project));
  return names;
}

describe('examples/README.md', () => {
  const rows = rowNames(README);

  it('has a row for every example project', () => {
    const projects = readdirSync(join(REPO_ROOT, 'examples')).filter(entry =>
      statSync(join(REPO_ROOT, 'examples', entry)).isDirectory(),
    );
    expect([...rows.keys()].sort()).toEqual(projects.sort());
  });

  it.each([...rows.keys()])(
    '%s: every package name its row gives is one the project imports',
    async project => {
      const exported = await exportedNames();
      const named = rows.get(project)!.filter(name => exported.has(name));
      expect(named.length).toBeGreaterThan(0);
      const imported = importedNames(project);
      expect(named.filter(name => !imported.has(name))).toEqual([]);
    },
  );

  it('reads the names of a row and leaves out what is not a name', () => {
    const rows = rowNames(
      '| `p/` | uses `refuseMovedZones` and `kafkaEksPlatformMocks()` | `a.b`, `kafka-eks` |',
    );
    expect(rows.get('p')).toEqual(['refuseMovedZones', 'kafkaEksPlatformMocks']);
  });
});
