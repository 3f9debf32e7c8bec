/**
 * The Prometheus stand-in's answers (`prometheus-answer-scenarios.ts`, the shapes the adapter's
 * unit tests script) through `PrometheusAdapter.query`; the same queries run on a real Prometheus
 * in `test/integration/prometheus-answers.real.test.ts` with the same expected results.
 */
import { PrometheusAdapter } from '../../../controller/adapters/prometheus';
import { ANSWER_SCENARIOS } from './prometheus-answer-scenarios';

describe('the Prometheus stand-in answers as a real Prometheus does', () => {
  test.each(ANSWER_SCENARIOS.map(scenario => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const fetchFn = (async () =>
        new Response(JSON.stringify(scenario.standIn.body), {
          status: scenario.standIn.status,
          headers: { 'content-type': 'application/json' },
        })) as typeof fetch;
      const answer = new PrometheusAdapter('http://prom:9090', fetchFn).query(scenario.promql);
      if ('rejects' in scenario.expected) {
        await expect(answer).rejects.toThrow(scenario.expected.rejects);
      } else {
        const samples = (await answer).map(s => ({ labels: s.labels, value: String(s.value) }));
        expect(samples).toEqual(scenario.expected.samples);
      }
    },
  );
});
