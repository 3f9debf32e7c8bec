import { PrometheusAdapter, PrometheusError } from '../../../controller/adapters/prometheus';
import { errorAnswer, vector } from './prometheus-answer-scenarios';

const queries = {
  brokerReceiveBytesPerSecond: 'rx',
  brokerTransmitBytesPerSecond: 'tx',
  underReplicatedPartitions: 'urp',
  underMinIsrPartitions: 'umi',
  brokerHealthSampleTimestamps: 'hs',
};

/**
 * A stand-in for Prometheus's HTTP API: answers each query from `answers` (HTTP `status`), and a
 * query it was not given as Prometheus answers one that does not parse (HTTP 400, `bad_data`).
 * Its answer shapes are checked against a real Prometheus (`prometheus-answer-scenarios.ts`).
 */
function fakeFetch(answers: Record<string, unknown>, status = 200): typeof fetch {
  return (async (input: string | URL | Request) => {
    const query = new URL(String(input)).searchParams.get('query') ?? '';
    // Tests about other answers leave the per-pod health times empty (the adapter does not judge
    // them; `safety.ts` does).
    const answer = query === 'hs' && !('hs' in answers) ? vector([]) : answers[query];
    if (answer === undefined) {
      return new Response(JSON.stringify(errorAnswer('bad_data', `unknown query ${query}`)), {
        status: 400,
      });
    }
    return new Response(JSON.stringify(answer), { status });
  }) as typeof fetch;
}

/** The controller's clock reading the fake answers' evaluation time (no skew, no latency). */
const AT_EVALUATION = { clock: () => 1700000000_000 };

describe('PrometheusAdapter', () => {
  test('reads broker load in MiB/s and the partition counts; a pod with one direction is missing', async () => {
    const adapter = new PrometheusAdapter(
      'http://prom:9090',
      fakeFetch({
        rx: vector([[{ pod: 'b-0' }, 2 * 1024 * 1024]]),
        tx: vector([
          [{ pod: 'b-0' }, 1024 * 1024],
          [{ pod: 'b-1' }, 0],
        ]),
        urp: vector([[{}, 0]]),
        umi: vector([[{}, 3]]),
        hs: vector([[{ pod: 'b-0' }, 1699999990]]),
      }),
      10_000,
      AT_EVALUATION,
    );
    expect(await adapter.kafkaMetrics(queries)).toEqual({
      loads: [{ podName: 'b-0', receiveMiBps: 2, transmitMiBps: 1 }],
      underReplicatedPartitions: 0,
      underMinIsrPartitions: 3,
      sampledAtMs: 1700000000_000,
      healthSampledAtMs: { 'b-0': 1699999990_000 },
    });
  });

  test('per-pod partition-health times: a NaN, infinite or negative time or no pod label is no series', async () => {
    const adapter = new PrometheusAdapter(
      'http://prom:9090',
      fakeFetch({
        rx: vector([[{ pod: 'b-0' }, 1]]),
        tx: vector([[{ pod: 'b-0' }, 1]]),
        urp: vector([[{}, 0]]),
        umi: vector([[{}, 0]]),
        hs: vector([
          [{ pod: 'b-0' }, 1699999990],
          [{ pod: 'b-1' }, 'NaN'],
          [{ pod: 'b-2' }, '+Inf'],
          [{ pod: 'b-3' }, -1],
          [{}, 1699999990],
        ]),
      }),
      10_000,
      AT_EVALUATION,
    );
    expect((await adapter.kafkaMetrics(queries)).healthSampledAtMs).toEqual({
      'b-0': 1699999990_000,
    });
  });

  test('NaN, infinite and negative samples are missing data, never a value', async () => {
    const adapter = new PrometheusAdapter(
      'http://prom:9090',
      fakeFetch({
        rx: vector([
          [{ pod: 'b-0' }, 'NaN'],
          [{ pod: 'b-1' }, '+Inf'],
          [{ pod: 'b-2' }, -5],
          [{ pod: 'b-3' }, 1024 * 1024],
        ]),
        tx: vector([
          [{ pod: 'b-0' }, 1],
          [{ pod: 'b-1' }, 1],
          [{ pod: 'b-2' }, 1],
          [{ pod: 'b-3' }, 'NaN'],
          [{ pod: 'b-4' }, 0],
        ]),
        urp: vector([[{}, 0]]),
        umi: vector([[{}, 0]]),
      }),
    );
    await expect(adapter.kafkaMetrics(queries)).rejects.toThrow('no broker throughput samples');
    const nanCount = new PrometheusAdapter(
      'http://prom:9090',
      fakeFetch({
        rx: vector([[{ pod: 'b-0' }, 1]]),
        tx: vector([[{ pod: 'b-0' }, 1]]),
        urp: vector([[{}, 'NaN']]),
        umi: vector([[{}, 0]]),
      }),
    );
    await expect(nanCount.kafkaMetrics(queries)).rejects.toThrow(/no value for urp \(got NaN/);
  });

  test('the age of the answer is the oldest raw sample, not the query time', async () => {
    const adapter = new PrometheusAdapter(
      'http://prom:9090',
      fakeFetch({
        rx: vector([
          [{ pod: 'b-0' }, 1],
          [{ pod: 'b-1' }, 1],
        ]),
        tx: vector([
          [{ pod: 'b-0' }, 1],
          [{ pod: 'b-1' }, 1],
        ]),
        urp: vector([[{}, 0]]),
        umi: vector([[{}, 0]]),
        ts: vector([
          [{ pod: 'b-0' }, 1699999990],
          [{ pod: 'b-1' }, 1699999700],
        ]),
        hts: vector([[{}, 1699999980]]),
      }),
      10_000,
      AT_EVALUATION,
    );
    const timed = { ...queries, brokerSampleTimestamps: 'ts', healthSampleTimestamp: 'hts' };
    expect((await adapter.kafkaMetrics(timed)).sampledAtMs).toBe(1699999700_000);
  });

  test('a broker pod with a rate but no raw-sample time is as old as no data (epoch 0)', async () => {
    // Its rate came from samples the timestamp query no longer sees (series gone stale): the
    // answer must read as stale, not as fresh (a mutant that skipped such pods survived).
    const adapter = new PrometheusAdapter(
      'http://prom:9090',
      fakeFetch({
        rx: vector([
          [{ pod: 'b-0' }, 1],
          [{ pod: 'b-1' }, 1],
        ]),
        tx: vector([
          [{ pod: 'b-0' }, 1],
          [{ pod: 'b-1' }, 1],
        ]),
        urp: vector([[{}, 0]]),
        umi: vector([[{}, 0]]),
        ts: vector([
          [{ pod: 'b-0' }, 1699999990],
          [{ pod: 'b-1' }, 'NaN'],
        ]),
        hts: vector([[{}, 1699999980]]),
      }),
    );
    const timed = { ...queries, brokerSampleTimestamps: 'ts', healthSampleTimestamp: 'hts' };
    expect((await adapter.kafkaMetrics(timed)).sampledAtMs).toBe(0);
    const withoutB1 = new PrometheusAdapter(
      'http://prom:9090',
      fakeFetch({
        rx: vector([[{ pod: 'b-1' }, 1]]),
        tx: vector([[{ pod: 'b-1' }, 1]]),
        urp: vector([[{}, 0]]),
        umi: vector([[{}, 0]]),
        ts: vector([[{ pod: 'b-0' }, 1699999990]]),
        hts: vector([[{}, 1699999980]]),
      }),
    );
    expect((await withoutB1.kafkaMetrics(timed)).sampledAtMs).toBe(0);
  });

  test('a missing partition count is an error, never zero', async () => {
    const adapter = new PrometheusAdapter(
      'http://prom:9090',
      fakeFetch({
        rx: vector([[{ pod: 'b-0' }, 1]]),
        tx: vector([[{ pod: 'b-0' }, 1]]),
        urp: vector([]),
        umi: vector([[{}, 0]]),
      }),
    );
    await expect(adapter.kafkaMetrics(queries)).rejects.toThrow('no value for urp');
  });

  test('reports HTTP errors with the query', async () => {
    const adapter = new PrometheusAdapter(
      'http://prom:9090',
      fakeFetch({ rx: errorAnswer('bad_data', '1:3: parse error: unexpected end of input') }, 400),
    );
    await expect(adapter.query('rx')).rejects.toThrow(/400.*parse error/);
  });

  test('reports an unreachable server', async () => {
    const adapter = new PrometheusAdapter('http://prom:9090', (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch);
    await expect(adapter.query('up')).rejects.toThrow(PrometheusError);
  });
});
