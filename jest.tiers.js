/**
 * Which Node-only test files run in `npm test` (the fast tier) and which in `npm run test:slow`.
 *
 * The slow tier holds the files that took 44 s or more each in a full run on the 2-core CI machine
 * (jest --json, 2 workers, other jobs running; stop 32): the controller's long fault and chaos
 * property runs, the CLI tests that spawn `kafka-eks` or cdk8s-cli as a user runs them, and the
 * whole-platform Pulumi mock runs. Both tiers need nothing but Node; `.ci/run` runs both, and
 * test/tiers.test.ts fails when a listed file no longer exists (it would silently run in neither).
 * Paths are relative to the repository root.
 */
const SLOW_TESTS = [
  'test/charts/cdk8s-cli.test.ts',
  'test/cli/killed-writes.test.ts',
  'test/cli/non-utf8-paths.test.ts',
  'test/cli/simulate.test.ts',
  'test/cli/synth-file-size-limit.test.ts',
  'test/cli/synth-git-ignored.test.ts',
  'test/cli/synth-nested-outputs.test.ts',
  'test/cli/synth-output-faults.test.ts',
  'test/cli/synth.test.ts',
  'test/docs/simulator-charts.test.ts',
  'test/docs/simulator-figures.test.ts',
  'test/components/kafka-eks-platform-aliases.test.ts',
  'test/components/kafka-eks-platform-zone-drop.test.ts',
  'test/controller/chaos-above-level.test.ts',
  'test/controller/chaos.test.ts',
  'test/controller/event-storm.test.ts',
  'test/controller/fault-review-5.test.ts',
  'test/controller/forecast-history-adversarial.test.ts',
  'test/controller/forecast-marker-replicas.test.ts',
  'test/controller/leftovers-review.test.ts',
  'test/controller/review-s23-scale-out.test.ts',
  'test/controller/review-s23.test.ts',
  'test/controller/review-s34-a.test.ts',
  'test/invariants/platform.test.ts',
  'test/simulator/write-file-real-faults.test.ts',
  'test/stacks/program.test.ts',
];

/** A jest path pattern (a regular expression) matching exactly one repository-relative path. */
function exactPath(path) {
  return `<rootDir>/${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

module.exports = { SLOW_TESTS, exactPath };
