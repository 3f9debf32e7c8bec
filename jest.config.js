/**
 * Fast tier (`npm test`): needs nothing but Node. The slow tier (jest.slow.config.js, the files in
 * jest.tiers.js) and the cluster, engine, integration and e2e tiers have their own configs.
 */
const { SLOW_TESTS, exactPath } = require('./jest.tiers');

/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/cluster/',
    '<rootDir>/test/integration/',
    '<rootDir>/test/engine/',
    ...SLOW_TESTS.map(exactPath),
  ],
  transform: {
    '^.+\\.tsx?$': 'ts-jest',
  },
  testTimeout: 60000,
  // jest's default on a 2-core machine is one worker (cores - 1); the tests are CPU-bound and
  // the parent process idles, so two workers use both cores.
  maxWorkers: 2,
};
