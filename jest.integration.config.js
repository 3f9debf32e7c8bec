/** Integration tier: real peers (moto, Prometheus) on 127.0.0.1. See scripts/peers/. */
/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/integration'],
  transform: {
    '^.+\\.tsx?$': 'ts-jest',
  },
  testTimeout: 120000,
  maxWorkers: 1,
};
