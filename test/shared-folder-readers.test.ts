/**
 * The Node test tiers (`npm test`, `npm run test:slow`) need nothing but Node, as the README's
 * quick start says, and a user's clone has no `../shared` folder beside it (design notes, CRDs,
 * research and traces of this project's own machine). A test that read it without a fallback
 * failed in a fresh clone: `test/scripts/fetch-traces.test.ts` copied the traces from there
 * (review s36-d, ENOENT in `npm test`). Every source file of those tiers that builds a path into
 * that folder is listed here with how it runs without it; a new reader fails this test until it
 * is given a fallback and listed. The cluster, engine, integration and e2e tiers are outside: they
 * need their own tools anyway (docs/testing.md).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..');

/** Reader -> how it runs when the folder is missing. */
const READERS_WITH_FALLBACK: Record<string, string> = {
  'test/util/crd-validator.ts':
    'crdsAvailable() is false and each caller skips its CRD validation with one line',
};

/** Tiers with their own tools and configs, allowed to need the folder. */
const OTHER_TIERS = ['test/cluster/', 'test/engine/', 'test/integration/', 'test/e2e/'];

/**
 * A path built into the sibling shared folder: path parts `'..', 'shared'`, or a string that is a
 * `../shared/...` path (no white space: a message naming the folder is not a read).
 */
const SHARED_PATH = /['"]\.\.['"]\s*,\s*['"]shared['"]|['"`](?:\.\.\/)+shared\/[^'"`\s]*['"`]/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [relative(ROOT, path).split('\\').join('/')] : [];
  });
}

/** The code of a file without its comment lines (docstrings name the folder in prose). */
function codeOf(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .filter(line => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .join('\n');
}

describe('the Node test tiers without ../shared', () => {
  it('only the listed files, each with a fallback, build a path into it', () => {
    const readers = sources(join(ROOT, 'test'))
      .filter(file => !OTHER_TIERS.some(tier => file.startsWith(tier)))
      .filter(file => file !== 'test/shared-folder-readers.test.ts')
      .filter(file => SHARED_PATH.test(codeOf(file)));
    expect(readers.sort()).toEqual(Object.keys(READERS_WITH_FALLBACK).sort());
  });

  it('the pattern finds both spellings and skips prose', () => {
    expect(SHARED_PATH.test("resolve(ROOT, '..', 'shared', 'traces')")).toBe(true);
    expect(SHARED_PATH.test("readFileSync('../shared/traces/a.csv')")).toBe(true);
    expect(SHARED_PATH.test("console.warn('../shared/crds not found: skipped')")).toBe(false);
    expect(SHARED_PATH.test("join(folder, 'shared', 'README.md')")).toBe(false);
  });
});
