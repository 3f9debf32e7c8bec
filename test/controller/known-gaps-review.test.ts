/**
 * Gaps earlier fault reviews noticed and left, each reproduced as the state that shows it and
 * pinned as a property over its class (docs/controller.md, "Known gaps closed").
 *
 * 4. An info note was taken for a partial answer. Prometheus 2.48 to 2.53 (and Thanos) list PromQL
 *    info-level annotations ("PromQL info: ...", e.g. `rate()` over a counter whose name does not
 *    end in `_total`) in `warnings`; 2.54 on lists them in `infos`. The partial-answer refusal
 *    refused every warning, so a custom query that triggers such a note left the controller
 *    without data for good (`stale-data`). Now only warnings that may mean partial data are refused
 *    (`partialDataWarnings`): everything but the info notes.
 */
import fc from 'fast-check';
import {
  PROMQL_INFO_PREFIX,
  PrometheusAdapter,
  PrometheusError,
  partialDataWarnings,
} from '../../controller/adapters/prometheus';

describe('gap 4: PromQL info notes in `warnings` are not a partial answer', () => {
  const queries = {
    brokerReceiveBytesPerSecond: 'rx',
    brokerTransmitBytesPerSecond: 'tx',
    underReplicatedPartitions: 'urp',
    underMinIsrPartitions: 'umi',
    brokerHealthSampleTimestamps: 'hs',
  };
  const atSeconds = 1_700_000_000;
  type Series = Array<[Record<string, string>, number]>;
  const answers: Record<string, Series> = {
    rx: [[{ pod: 'b-0' }, 1]],
    tx: [[{ pod: 'b-0' }, 1]],
    urp: [[{}, 0]],
    umi: [[{}, 0]],
    hs: [[{ pod: 'b-0' }, atSeconds]],
  };
  /** Notes as Prometheus 2.48-2.53 word them (info level), with their position suffix. */
  const INFO_NOTES = [
    'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "kafka_server_brokertopicmetrics_bytesin" (1:6)',
    'PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "x" (1:1)',
  ];
  /** Warnings that may mean the data is partial, or that this code cannot tell. */
  const PARTIAL = [
    'store 10.0.0.7:10901 unavailable: context deadline exceeded',
    'remote read from 10.0.0.8 failed',
    'PromQL warning: encountered a mix of histograms and floats for metric name "x" (1:1)',
    '3 more annotations omitted',
    'promql info: lower case is not the prefix',
    '',
  ];

  /** A Prometheus whose answer to `rx` carries `warnings` (and, separately, `infos`). */
  function prometheus(
    warnings: readonly string[],
    infos: readonly string[] = [],
  ): PrometheusAdapter {
    const fetchFn = (async (input: string | URL | Request) => {
      const query = new URL(String(input)).searchParams.get('query') ?? '';
      const body = {
        status: 'success',
        ...(query === 'rx' && warnings.length > 0 ? { warnings } : {}),
        ...(query === 'rx' && infos.length > 0 ? { infos } : {}),
        data: {
          resultType: 'vector',
          result: (answers[query] ?? []).map(([metric, value]) => ({
            metric,
            value: [atSeconds, String(value)],
          })),
        },
      };
      return new Response(JSON.stringify(body), { status: 200 });
    }) as typeof fetch;
    return new PrometheusAdapter('http://prom:9090', fetchFn);
  }

  test('an info note in `warnings` (Prometheus 2.48-2.53, Thanos): the answer is read', async () => {
    // GIVEN a custom receive query over a counter not named `_total`, which an older Prometheus
    // answers whole, with an info note in `warnings`
    const adapter = prometheus([INFO_NOTES[0]]);
    // WHEN the controller reads the metrics THEN it gets them (it failed as a partial answer before)
    await expect(adapter.kafkaMetrics(queries)).resolves.toMatchObject({
      underReplicatedPartitions: 0,
      loads: [expect.objectContaining({ podName: 'b-0' })],
    });
  });

  test('the same note in `infos` (Prometheus 2.54 on) is read too, a store error beside it is not', async () => {
    await expect(prometheus([], INFO_NOTES).kafkaMetrics(queries)).resolves.toBeDefined();
    await expect(prometheus([PARTIAL[0]], INFO_NOTES).kafkaMetrics(queries)).rejects.toThrow(
      PrometheusError,
    );
  });

  test('property: refused exactly when some warning is not an info note, which the error names', async () => {
    const warning = fc.oneof(
      fc.constantFrom(...INFO_NOTES, ...PARTIAL),
      fc.string({ maxLength: 30 }),
      fc.string({ maxLength: 30 }).map(rest => `${PROMQL_INFO_PREFIX}${rest}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(warning, { maxLength: 5 }), async warnings => {
        const partial = warnings.filter(each => !each.trimStart().startsWith(PROMQL_INFO_PREFIX));
        expect(partialDataWarnings({ warnings })).toEqual(partial);
        const read = prometheus(warnings).kafkaMetrics(queries);
        if (partial.length === 0) {
          await expect(read).resolves.toBeDefined();
        } else {
          await expect(read).rejects.toThrow(/partial answer/);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('a malformed `warnings` field (not a list of strings) is still refused, never read as none', () => {
    expect(partialDataWarnings({ warnings: [{ store: 'x' }] })).toHaveLength(1);
    expect(partialDataWarnings({ warnings: [7] })).toHaveLength(1);
    expect(partialDataWarnings({ warnings: 'store down' })).toEqual(['store down']);
    expect(partialDataWarnings({})).toEqual([]);
  });
});
