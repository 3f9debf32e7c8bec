/**
 * Slow tier (`npm run test:slow`): Node-only test files too slow for `npm test`, listed in
 * jest.tiers.js. `.ci/run` runs it right after the fast tier.
 */
const { SLOW_TESTS, exactPath } = require('./jest.tiers');
const fast = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...fast,
  testPathIgnorePatterns: ['/node_modules/'],
  testRegex: SLOW_TESTS.map(exactPath).map(pattern => pattern.replace('<rootDir>/', '/')),
};
