/**
 * End-to-end tier: the controller bundle scales a real control plane (kube-apiserver, etcd,
 * kube-scheduler, kube-controller-manager, kwok) with moto, Prometheus and the stand-ins in
 * test/e2e. Run through `npm run test:e2e` (scripts/e2e/test-e2e.sh), which builds the binaries
 * and the controller bundle first. Scenarios (`*.e2e.ts`, a name the fast tier does not match) run
 * three at a time: each has its own control plane on free loopback ports and its own output folder,
 * and most of a scenario's time is waiting on compressed timers, not CPU (measured: 12 min for all
 * six on 2 cores, against about 33 min one after another; peak about 1.4 GiB per scenario).
 */
/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  transform: {
    '^.+\\.tsx?$': 'ts-jest',
  },
  testTimeout: 900000,
  maxWorkers: 3,
};
