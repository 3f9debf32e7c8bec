/**
 * jest.tiers.js splits the Node-only test files between `npm test` and `npm run test:slow`: every
 * listed slow file exists, and each test file runs in exactly one of the two configs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tiers = require('../jest.tiers') as { SLOW_TESTS: string[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fast = require('../jest.config') as { testPathIgnorePatterns: string[] };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const slow = require('../jest.slow.config') as { testRegex: string[] };

const ROOT = join(__dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? testFiles(join(dir, entry.name))
      : entry.name.endsWith('.test.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

const ignored = (path: string): boolean =>
  fast.testPathIgnorePatterns.some(pattern =>
    new RegExp(pattern.replace('<rootDir>', ROOT)).test(path),
  );
const inSlow = (path: string): boolean =>
  slow.testRegex.some(pattern => new RegExp(pattern).test(path));

describe('jest.tiers.js', () => {
  it.each(tiers.SLOW_TESTS)('%s exists', path => {
    expect(existsSync(join(ROOT, path))).toBe(true);
  });

  it('runs every Node-only test file in exactly one of npm test and npm run test:slow', () => {
    const nodeOnly = testFiles(join(ROOT, 'test')).filter(
      path => !/\/test\/(cluster|integration|engine)\//.test(path),
    );
    // a file the fast tier ignores must be one the slow tier runs, and the other way round
    const wrong = nodeOnly.filter(path => ignored(path) !== inSlow(path));
    expect(wrong.map(path => relative(ROOT, path))).toEqual([]);
    expect(
      nodeOnly
        .filter(inSlow)
        .map(path => relative(ROOT, path))
        .sort(),
    ).toEqual([...tiers.SLOW_TESTS].sort());
  });
});
