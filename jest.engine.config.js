/**
 * Engine tier: the Pulumi program under the real Pulumi CLI and Node.js language host (built from
 * source by scripts/engine/build.sh). Run through `npm run test:engine` (scripts/engine/test-engine.sh),
 * which builds or takes the binaries from the cache and skips with one line when it cannot.
 */
/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/engine'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true }],
  },
  testTimeout: 600000,
};
