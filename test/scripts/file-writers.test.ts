/**
 * Every file this project's commands and scripts write goes through one of its two shared
 * writers, so each gets the same guarantees (whole or not at all, flushed, a failure naming the
 * file): `charts/output.ts` for folders of generated files (`kafka-eks synth --out`, cdk8s
 * PLATFORM_OUT) and `simulator/write-file.ts` for one file (`simulate --svg`, `npm run docs`, the
 * bench results, the bin's code cache). Before, `npm run bench` wrote `bench/results/latest.json`
 * and the build wrote the V8 code cache with a bare `writeFileSync`: a run stopped part way left a
 * cut file. This test reads the sources (not the tests), so a new bare write fails here.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** Node `fs` calls that create, replace, move or remove files. */
const WRITE_CALLS =
  /\b(writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|copyFileSync|copyFile|cpSync|renameSync|rename|unlinkSync|unlink|rmSync|rmdirSync|truncateSync|ftruncateSync|symlinkSync|linkSync)\s*\(/g;

/** The shared writers, and the files allowed a call for a stated reason (a scratch folder). */
const ALLOWED: Readonly<Record<string, string>> = {
  'charts/output.ts': 'the shared writer of output folders',
  'simulator/write-file.ts': 'the shared writer of one file',
  'bench/synth.ts': 'removes the mkdtemp scratch folder it made itself',
  'scripts/build-bin.mjs':
    'removes the mkdtemp scratch folder it made itself; lib/cli/ itself is written by esbuild',
};

/** Source files of the project (tracked by Git): TypeScript and JavaScript, tests left out. */
function sources(): string[] {
  const listed = execFileSync('git', ['ls-files', '*.ts', '*.mjs', '*.js', '*.cjs'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed
    .split('\n')
    .filter(path => path !== '')
    .filter(path => !path.startsWith('test/') && !/(^|\/)test\//.test(path))
    .filter(path => !path.endsWith('.d.ts') && !/\.config\.(js|mjs|cjs)$/.test(path));
}

/** The code of a source file without its comments, so a docstring naming a call is not one. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('file writes go through the shared writers', () => {
  it('finds no bare fs write outside charts/output.ts and simulator/write-file.ts', () => {
    const bare = sources().flatMap(path => {
      if (path in ALLOWED) return [];
      const code = withoutComments(readFileSync(join(ROOT, path), 'utf8'));
      return [...code.matchAll(WRITE_CALLS)].map(match => `${path}: ${match[1] ?? ''}(`);
    });
    expect(bare).toEqual([]);
  });

  it('lists only allowed files that exist and still write', () => {
    for (const path of Object.keys(ALLOWED)) {
      const code = withoutComments(readFileSync(join(ROOT, path), 'utf8'));
      expect([path, WRITE_CALLS.test(code)]).toEqual([path, true]);
      WRITE_CALLS.lastIndex = 0;
    }
  });
});
