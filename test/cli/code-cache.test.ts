/**
 * `runCachedBundle` (cli/code-cache.ts), which the built bin runs its bundle with: the bundle runs
 * as a CommonJS module with or without a cache, the cache is used when it fits and ignored when it
 * is stale or corrupt. Each run is a child process, as the bin is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  mkdirSync(join(dir, 'node_modules', 'helper'), { recursive: true });
  // A package next to the bundle: the bundle's `require` must resolve from the bundle's folder.
  writeFileSync(join(dir, 'node_modules', 'helper', 'index.js'), 'module.exports = 41;\n');
  writeFileSync(
    join(dir, 'bundle.js'),
    [
      '#!/usr/bin/env node',
      "'use strict';",
      "const answer = require('helper') + 1;",
      'module.exports.answer = answer;',
      "process.stdout.write(JSON.stringify({ answer, file: __filename, dir: __dirname, main: require.main === module }) + '\\n');",
      '',
    ].join('\n'),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(writeCache: boolean): { use: string; output: Record<string, unknown> } {
  const bundle = join(dir, 'bundle.js');
  const runner = join(dir, 'run.ts');
  writeFileSync(
    runner,
    `import { runCachedBundle } from ${JSON.stringify(join(ROOT, 'cli', 'code-cache'))};\n` +
      `const use = runCachedBundle(${JSON.stringify(bundle)}, ${JSON.stringify(`${bundle}.cache`)}, ${
        writeCache ? JSON.stringify(`${bundle}.cache`) : 'undefined'
      });\nprocess.stdout.write(use + '\\n');\n`,
  );
  const result = spawnSync(TSX, [runner], { cwd: ROOT, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const [line, use] = result.stdout.trim().split('\n');
  return { use: use ?? '', output: JSON.parse(line ?? '{}') as Record<string, unknown> };
}

describe('runCachedBundle', () => {
  it('runs the bundle as a CommonJS module next to its own node_modules, without a cache', () => {
    const { use, output } = run(false);
    expect(use).toBe('none');
    expect(output).toEqual({
      answer: 42,
      file: join(dir, 'bundle.js'),
      dir,
      main: false,
    });
  }, 30_000);

  it('writes the cache when asked, then uses it', () => {
    expect(run(true).use).toBe('none');
    expect(existsSync(join(dir, 'bundle.js.cache'))).toBe(true);
    const { use, output } = run(false);
    expect(use).toBe('used');
    expect(output.answer).toBe(42);
  }, 30_000);

  it('ignores a corrupt cache and a cache of another source', () => {
    writeFileSync(join(dir, 'bundle.js.cache'), 'not a V8 code cache');
    const corrupt = run(false);
    expect(corrupt.use).toBe('rejected');
    expect(corrupt.output.answer).toBe(42);
    run(true);
    writeFileSync(
      join(dir, 'bundle.js'),
      "module.exports = 1; process.stdout.write(JSON.stringify({ answer: 'changed' }) + '\\n');\n",
    );
    const stale = run(false);
    expect(stale.use).toBe('rejected');
    expect(stale.output.answer).toBe('changed');
  }, 30_000);
});
