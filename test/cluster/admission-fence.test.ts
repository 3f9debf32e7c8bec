/**
 * The admission fence on a real kube-apiserver (controller/admission-fence.ts, the chart's
 * ValidatingAdmissionPolicy): the scenarios run in their own process
 * (admission-fence-scenarios.ts, under tsx), since the adapter's client library is an ES module
 * that jest's CommonJS runtime cannot load. Each scenario is one test; a scenario after a failed
 * one is reported failed too (they build on each other).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  ADMISSION_FENCE_SCENARIOS,
  type AdmissionFenceResult,
} from './admission-fence-scenario-names';
import { REPO } from './tools';

interface Outcome {
  readonly results: AdmissionFenceResult[];
  readonly figures?: Record<string, number | string>;
  readonly loadError?: string;
  readonly runError?: string;
}

function runScenarios(): Outcome {
  const run = spawnSync(
    join(REPO, 'node_modules/.bin/tsx'),
    [join(__dirname, 'admission-fence-scenarios.ts'), process.env.KAFKA_EKS_CLUSTER_STATE ?? ''],
    { cwd: REPO, encoding: 'utf8', timeout: 110_000 },
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
  return JSON.parse(results.slice('RESULTS '.length)) as Outcome;
}

const outcome = runScenarios();
if (outcome.loadError !== undefined) {
  process.stderr.write(`skipping the admission fence scenarios: ${outcome.loadError}\n`);
}
if (outcome.figures !== undefined) {
  process.stderr.write(`admission fence figures: ${JSON.stringify(outcome.figures)}\n`);
}

(outcome.loadError === undefined ? describe : describe.skip)(
  'admission fence on a real API server',
  () => {
    for (const name of ADMISSION_FENCE_SCENARIOS) {
      it(name, () => {
        expect(outcome.runError).toBeUndefined();
        const result = outcome.results.find(r => r.name === name);
        expect(result).toBeDefined();
        if (result?.ok === false) throw new Error(result.error);
      });
    }
  },
);
