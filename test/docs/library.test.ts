/**
 * The README's "Use it as a library" section against the package entries: every name the table
 * gives for an import path (`loadSpec(file)`, `ZONE_ORDER_OUTPUT`, `KafkaChart`) is exported by
 * that entry, and every name of this package the TypeScript snippet below it uses is exported by
 * one of them. The examples tier (`npm run test:examples`) type-checks and runs the examples the
 * snippet is taken from; this keeps the README's own copy from drifting, without a build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../util/documented-pulumi';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const SECTION = README.slice(
  README.indexOf('## Use it as a library'),
  README.indexOf('\n## ', README.indexOf('## Use it as a library') + 1),
);

/** The names of the snippet that are the reader's own or another package's, not ours. */
const NOT_OURS = new Set(['App', 'MyTeamChart']);

/** `kafka-eks-autoscaling/spec` -> `api/spec.ts`, through package.json `exports`. */
function sourceOf(entry: string): string {
  const { exports } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, { default: string }>;
  };
  const subpath = `.${entry.slice('kafka-eks-autoscaling'.length)}`;
  const built = exports[subpath]?.default;
  if (built === undefined) throw new Error(`package.json exports no ${subpath} (README: ${entry})`);
  return built.replace(/^\.\/lib\//, '').replace(/\.js$/, '.ts');
}

/** A code span that names an export: `loadSpec(file)`, `KafkaChart`, `ZONE_ORDER_OUTPUT`. */
function exportName(span: string): string | undefined {
  const match = /^([A-Za-z_]\w*)(\(.*\))?$/.exec(span);
  if (match === null) return undefined;
  const name = match[1]!;
  return match[2] !== undefined || /^[A-Z]/.test(name) ? name : undefined;
}

/** Entry -> the names its table row gives. */
function tableRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of SECTION.split('\n')) {
    const row = /^\| `(kafka-eks-autoscaling[^`]*)` \| (.*) \|$/.exec(line);
    if (row === null) continue;
    const spans = Array.from(row[2]!.matchAll(/`([^`]+)`/g), match => match[1]!);
    rows.set(
      row[1]!,
      spans.flatMap(span => exportName(span) ?? []),
    );
  }
  return rows;
}

describe('README: use it as a library', () => {
  const rows = tableRows();

  it('has a row for every entry the snippet and the examples import', () => {
    expect([...rows.keys()].sort()).toEqual([
      'kafka-eks-autoscaling',
      'kafka-eks-autoscaling/cdk8s',
      'kafka-eks-autoscaling/pulumi',
      'kafka-eks-autoscaling/spec',
      'kafka-eks-autoscaling/testing',
    ]);
    expect(rows.get('kafka-eks-autoscaling/pulumi')).toEqual(
      expect.arrayContaining(['KafkaEksPlatform', 'refuseMovedZones', 'ZONE_ORDER_OUTPUT']),
    );
  });

  it.each([...rows.entries()])('%s exports each name its row gives', async (entry, names) => {
    const module = (await import(join(REPO_ROOT, sourceOf(entry)))) as Record<string, unknown>;
    expect(names.filter(name => !(name in module))).toEqual([]);
  });

  it('the snippet uses only names some entry exports', async () => {
    const snippet = /```ts\n([\s\S]*?)```/.exec(SECTION)?.[1] ?? '';
    expect(snippet).toContain('KafkaEksPlatform');
    const used = new Set(
      Array.from(
        snippet.replace(/\/\/.*$/gm, '').matchAll(/\b([A-Z][\w]*|[a-z]\w*(?=\())/g),
        match => match[1]!,
      ),
    );
    const exported = new Set<string>();
    for (const entry of rows.keys()) {
      const module = (await import(join(REPO_ROOT, sourceOf(entry)))) as Record<string, unknown>;
      for (const name of Object.keys(module)) exported.add(name);
    }
    const methods = new Set(['synth', 'async']);
    const missing = [...used].filter(
      name => !exported.has(name) && !NOT_OURS.has(name) && !methods.has(name),
    );
    expect(missing).toEqual([]);
  });
});
