/**
 * The controller's Kubernetes adapter (`controller/adapters/kubernetes.ts`) on a real API server:
 * Nodes and Pods created by the test (no kubelet), then cordon, annotate, lease acquire and loss,
 * watch and relist, checked on real semantics (resourceVersion, 409, 410 Gone after compaction).
 *
 * The scenarios run in their own process (adapter-scenarios.ts, under tsx): the adapter's client
 * library is an ES module, which jest's CommonJS runtime cannot load. Each scenario is one test.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SCENARIOS, type ScenarioName, type ScenarioResult } from './adapter-scenario-names';
import { REPO } from './tools';

function runScenarios(): { results: ScenarioResult[]; loadError?: string; runError?: string } {
  const run = spawnSync(
    join(REPO, 'node_modules/.bin/tsx'),
    [join(__dirname, 'adapter-scenarios.ts'), process.env.KAFKA_EKS_CLUSTER_STATE ?? ''],
    { cwd: REPO, encoding: 'utf8', timeout: 150_000 },
  );
  const lines = run.stdout.split('\n');
  const loadError = lines.find(l => l.startsWith('LOAD_ERROR '));
  if (loadError !== undefined) {
    return { results: [], loadError: JSON.parse(loadError.slice('LOAD_ERROR '.length)) as string };
  }
  const results = lines.find(l => l.startsWith('RESULTS '));
  if (results === undefined) {
    return {
      results: [],
      runError: `the scenario runner printed no results (exit ${run.status}):\n${run.stderr}`,
    };
  }
  return { results: JSON.parse(results.slice('RESULTS '.length)) as ScenarioResult[] };
}

/**
 * Scenarios that fail today because of a known adapter bug, with the bug. They run as
 * `it.failing`: green while the bug is there, red once it is fixed (then delete the entry).
 */
export const KNOWN_ADAPTER_BUGS: Partial<Record<ScenarioName, string>> = {};

// Runs while jest collects the tests, so a library that cannot load here turns into skipped tests.
const outcome = runScenarios();
if (outcome.loadError !== undefined) {
  process.stderr.write(
    `skipping the adapter scenarios: controller/adapters/kubernetes.ts does not load on Node ` +
      `${process.version}: ${outcome.loadError}\n`,
  );
}

(outcome.loadError === undefined ? describe : describe.skip)(
  'Kubernetes adapter on a real API server',
  () => {
    const check = (name: ScenarioName): void => {
      expect(outcome.runError).toBeUndefined();
      const result = outcome.results.find(r => r.name === name);
      expect(result).toBeDefined();
      if (result?.ok === false) throw new Error(result.error);
    };
    for (const name of SCENARIOS) {
      const bug = KNOWN_ADAPTER_BUGS[name];
      if (bug === undefined) it(name, () => check(name));
      else it.failing(`${name} (known bug: ${bug})`, () => check(name));
    }
  },
);
