/**
 * The shared Kubernetes conformance scenarios on the real adapter and a real kube-apiserver
 * (`kube-conformance-runner.ts`, a tsx process: the adapter's client library is an ES module that
 * jest's CommonJS runtime cannot load). The fast tier runs the same scenarios on the in-memory
 * stand-ins (`test/controller/kube-conformance.test.ts`); each scenario is one test here too.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  LEASE_SCENARIOS,
  MARKER_SCENARIOS,
  NODE_SCENARIOS,
} from '../controller/kube-conformance-scenarios';
import type { ScenarioResult } from './adapter-scenario-names';
import { REPO } from './tools';

const run = spawnSync(
  join(REPO, 'node_modules/.bin/tsx'),
  [join(__dirname, 'kube-conformance-runner.ts'), process.env.KAFKA_EKS_CLUSTER_STATE ?? ''],
  { cwd: REPO, encoding: 'utf8', timeout: 150_000 },
);
const lines = run.stdout.split('\n');
const loadError = lines.find(line => line.startsWith('LOAD_ERROR '));
const resultsLine = lines.find(line => line.startsWith('RESULTS '));
const results: ScenarioResult[] =
  resultsLine === undefined
    ? []
    : (JSON.parse(resultsLine.slice('RESULTS '.length)) as ScenarioResult[]);
if (loadError !== undefined) {
  process.stderr.write(`skipping the conformance scenarios: ${loadError}\n`);
}

(loadError === undefined ? describe : describe.skip)(
  'the stand-ins’ scenarios on the real adapter and kube-apiserver',
  () => {
    const names = [...LEASE_SCENARIOS, ...MARKER_SCENARIOS, ...NODE_SCENARIOS].map(s => s.name);
    test.each(names)('%s', name => {
      if (resultsLine === undefined) {
        throw new Error(`the runner printed no results (exit ${run.status}):\n${run.stderr}`);
      }
      const result = results.find(each => each.name === name);
      expect(result).toBeDefined();
      if (result?.ok === false) throw new Error(result.error);
    });
  },
);
