/**
 * One list of instant queries with the answer the Prometheus stand-in gives for each (the
 * `fetch` stand-in of `prometheus.test.ts` builds its answers with `vector` and `errorAnswer`
 * below), and what `PrometheusAdapter.query` must make of it. The fast tier runs the adapter on
 * the stand-in answers (`prometheus-answers.test.ts`); the integration tier runs the same queries
 * on a real Prometheus (`test/integration/prometheus-answers.real.test.ts`), so an answer shape the
 * stand-in makes up (a value encoding, an error body) and the real server never sends shows.
 */

/** An instant-vector answer as Prometheus's HTTP API sends it: values are strings. */
export function vector(
  result: Array<[Record<string, string>, number | string]>,
  atSeconds = 1700000000,
) {
  return {
    status: 'success',
    data: {
      resultType: 'vector',
      result: result.map(([metric, value]) => ({ metric, value: [atSeconds, String(value)] })),
    },
  };
}

/**
 * An error answer as Prometheus's HTTP API sends it (HTTP 400 for `bad_data`, 422 for
 * `execution`, 503 for `timeout`/`unavailable`): the kind in `errorType`, the text in `error`.
 */
export function errorAnswer(errorType: string, error: string) {
  return { status: 'error', errorType, error };
}

export interface AnswerScenario {
  readonly name: string;
  readonly promql: string;
  /** The stand-in's answer: body and HTTP status. */
  readonly standIn: { readonly body: unknown; readonly status: number };
  /**
   * What `query` returns, values as text (`String(value)`: NaN for NaN and for the infinities,
   * which the adapter reads as not a number), or `rejects` with a pattern of its message.
   */
  readonly expected:
    | { readonly samples: ReadonlyArray<{ labels: Record<string, string>; value: string }> }
    | { readonly rejects: RegExp };
}

export const ANSWER_SCENARIOS: readonly AnswerScenario[] = [
  {
    name: 'a vector of one unlabelled sample',
    promql: 'vector(2)',
    standIn: { body: vector([[{}, 2]]), status: 200 },
    expected: { samples: [{ labels: {}, value: '2' }] },
  },
  {
    name: 'a pod label and a fractional value',
    promql: 'label_replace(vector(1.5), "pod", "b-0", "", "")',
    standIn: { body: vector([[{ pod: 'b-0' }, 1.5]]), status: 200 },
    expected: { samples: [{ labels: { pod: 'b-0' }, value: '1.5' }] },
  },
  {
    name: 'NaN is sent as the text NaN',
    promql: 'vector(0) / 0',
    standIn: { body: vector([[{}, 'NaN']]), status: 200 },
    expected: { samples: [{ labels: {}, value: 'NaN' }] },
  },
  {
    name: 'positive infinity is sent as +Inf (not a number to the adapter)',
    promql: 'vector(1) / 0',
    standIn: { body: vector([[{}, '+Inf']]), status: 200 },
    expected: { samples: [{ labels: {}, value: 'NaN' }] },
  },
  {
    name: 'negative infinity is sent as -Inf (not a number to the adapter)',
    promql: 'vector(-1) / 0',
    standIn: { body: vector([[{}, '-Inf']]), status: 200 },
    expected: { samples: [{ labels: {}, value: 'NaN' }] },
  },
  {
    name: 'a metric nobody exports is an empty vector, not an error',
    promql: 'sum(no_such_metric_kafka_eks)',
    standIn: { body: vector([]), status: 200 },
    expected: { samples: [] },
  },
  {
    name: 'a query that does not parse is HTTP 400 bad_data, with the parser’s text',
    promql: 'sum(',
    standIn: {
      body: errorAnswer('bad_data', '1:5: parse error: unclosed left parenthesis'),
      status: 400,
    },
    expected: { rejects: /query failed \(400\): .*parse error/ },
  },
  {
    name: 'a scalar answer is refused (the adapter reads vectors only)',
    promql: 'scalar(vector(1))',
    standIn: {
      body: { status: 'success', data: { resultType: 'scalar', result: [1700000000, '1'] } },
      status: 200,
    },
    expected: { rejects: /expected a vector, got scalar/ },
  },
];
