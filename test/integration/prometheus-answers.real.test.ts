/**
 * The queries of `test/controller/adapters/prometheus-answer-scenarios.ts` on a real Prometheus
 * (no scrape target: the queries need none), through `PrometheusAdapter.query`, with the results
 * the fast tier expects of the stand-in's answers (`prometheus-answers.test.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusAdapter } from '../../controller/adapters/prometheus';
import { ANSWER_SCENARIOS } from '../controller/adapters/prometheus-answer-scenarios';
import { freePort, prometheusPath, startProcess, waitFor, writeScrapeConfig } from './peers';

describe('a real Prometheus answers the stand-in’s queries as the stand-in does', () => {
  let stop: () => Promise<void> = async () => undefined;
  let dataDir = '';
  let baseUrl = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'prom-answers-'));
    // A scrape target nobody serves: these queries read no series.
    const configPath = writeScrapeConfig(dataDir, await freePort());
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    ({ stop } = startProcess(prometheusPath(), [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dataDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]));
    await waitFor('Prometheus ready', async () => (await fetch(`${baseUrl}/-/ready`)).ok);
  });

  afterAll(async () => {
    await stop();
    if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  });

  test.each(ANSWER_SCENARIOS.map(scenario => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const answer = new PrometheusAdapter(baseUrl).query(scenario.promql);
      if ('rejects' in scenario.expected) {
        await expect(answer).rejects.toThrow(scenario.expected.rejects);
      } else {
        const samples = (await answer).map(s => ({ labels: s.labels, value: String(s.value) }));
        expect(samples).toEqual(scenario.expected.samples);
      }
    },
  );

  test('the raw answers carry the value texts the stand-in sends', async () => {
    for (const scenario of ANSWER_SCENARIOS) {
      const url = new URL('/api/v1/query', baseUrl);
      url.searchParams.set('query', scenario.promql);
      const response = await fetch(url);
      const body = (await response.json()) as { data?: { result?: unknown } };
      const standIn = scenario.standIn.body as { data?: { result?: unknown }; errorType?: string };
      expect({ name: scenario.name, status: response.status }).toEqual({
        name: scenario.name,
        status: scenario.standIn.status,
      });
      if (standIn.data !== undefined) {
        // Compared without the sample times (the stand-in's are fixed).
        const strip = (result: unknown) =>
          Array.isArray(result) && result.every(entry => typeof entry === 'object')
            ? (result as Array<{ metric: unknown; value: [number, string] }>).map(entry => ({
                metric: entry.metric,
                value: entry.value[1],
              }))
            : Array.isArray(result)
              ? result[1]
              : result;
        expect({ name: scenario.name, result: strip(body.data?.result) }).toEqual({
          name: scenario.name,
          result: strip(standIn.data.result),
        });
      } else {
        expect((body as { errorType?: string }).errorType).toBe(standIn.errorType);
      }
    }
  });
});
