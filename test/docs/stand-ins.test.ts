/**
 * docs/testing.md names every hand-written stand-in the tests use (its "Stand-ins" section): a file
 * under test/ that looks like one must be listed there, and every file listed must exist. A file
 * looks like a stand-in when its name says so (fake, mock, stand-in, a memory store, a world), when
 * it implements one of the controller's ports (the cluster and group writers, the Lease and marker
 * stores, the Auto Scaling calls, the event recorder), when it hands `fetch` a stand-in, or when it
 * replaces the Pulumi engine (`setMocks`). A new one that is not listed fails here, so its
 * imitation and the test that keeps it honest get written down.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../util/documented-pulumi';

const NAME = /fake|mock|stand-?ins?\b|memory-[a-z-]*store|world/i;
const CONTENT =
  /implements[^{]*\b(ClusterWriter|GroupWriter|LeaseStore|ForecastMarkerStore|AutoScalingCalls|EventRecorder)\b|as (unknown as )?typeof fetch|setMocks\(/;

/** Every .ts file under `dir`, repository-relative. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap(entry => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === '__snapshots__' ? [] : filesUnder(path);
    return path.endsWith('.ts') ? [relative(REPO_ROOT, path)] : [];
  });
}

/** The "## Stand-ins" section of docs/testing.md, up to the next second-level heading. */
function standInsSection(): string {
  const text = readFileSync(join(REPO_ROOT, 'docs/testing.md'), 'utf8');
  const start = text.indexOf('\n## Stand-ins\n');
  if (start < 0) throw new Error('docs/testing.md has no "## Stand-ins" section');
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** Repository paths the section gives in code spans. */
function listedPaths(section: string): string[] {
  return [...section.matchAll(/`((?:test|controller)\/[^`\s]+\.ts)`/g)].map(match => match[1]);
}

/** Whether `file` looks like a stand-in (see the header). */
export function looksLikeStandIn(file: string, text: string): boolean {
  // This scan's own file and the conformance tests name stand-ins without being one.
  if (file === 'test/docs/stand-ins.test.ts') return false;
  if (/conformance|answer-scenarios|prometheus-answers/.test(file)) return false;
  return NAME.test(file.split('/').pop() ?? '') || CONTENT.test(text);
}

describe('docs/testing.md lists every stand-in', () => {
  const section = standInsSection();
  const listed = new Set(listedPaths(section));

  test('every file under test/ that looks like a stand-in is listed', () => {
    const unlisted = filesUnder(join(REPO_ROOT, 'test'))
      .filter(file => looksLikeStandIn(file, readFileSync(join(REPO_ROOT, file), 'utf8')))
      .filter(file => !listed.has(file));
    expect(unlisted).toEqual([]);
  });

  test('every file the section lists exists', () => {
    const missing = [...listed].filter(path => !existsSync(join(REPO_ROOT, path)));
    expect(missing).toEqual([]);
  });

  test('the scan finds the stand-ins it is meant to find', () => {
    expect(looksLikeStandIn('test/controller/fake-cluster.ts', '')).toBe(true);
    expect(looksLikeStandIn('test/x/thing.ts', 'class X implements GroupWriter {')).toBe(true);
    expect(looksLikeStandIn('test/x/thing.ts', 'const f = (async () => r) as typeof fetch;')).toBe(
      true,
    );
    expect(looksLikeStandIn('test/x/thing.ts', 'await pulumi.runtime.setMocks({')).toBe(true);
    expect(looksLikeStandIn('test/x/thing.ts', 'const a = 1;')).toBe(false);
  });
});
