/**
 * Review s35-a, fault 1: the Prometheus adapter read sample times on Prometheus's clock as if they
 * were on the controller's. A Prometheus clock ahead of the controller's by less than the stale
 * limit made a stale sample look fresh (the future-stamp check saw only the oldest time, a raw
 * sample's), and moved a partition-health sample taken before a broker became Ready past its Ready
 * time. These tests drive the adapter with a controller clock and a Prometheus clock that disagree.
 */
import fc from 'fast-check';
import { PrometheusAdapter, clockSkewMs } from '../../../controller/adapters/prometheus';

const queries = {
  brokerReceiveBytesPerSecond: 'rx',
  brokerTransmitBytesPerSecond: 'tx',
  underReplicatedPartitions: 'urp',
  underMinIsrPartitions: 'umi',
  brokerSampleTimestamps: 'ts',
  healthSampleTimestamp: 'hts',
  brokerHealthSampleTimestamps: 'hs',
};

/** A Prometheus whose clock is `skewMs` ahead of the controller's, answering after `latencyMs`. */
interface World {
  /** The controller's clock, epoch ms. */
  nowMs: number;
  readonly skewMs: number;
  readonly latencyMs: number;
  /** Per broker pod: the age, ms on Prometheus's clock, of its last throughput sample. */
  readonly throughputAgeMs: Readonly<Record<string, number>>;
  /** Per broker pod: the age, ms on Prometheus's clock, of its last partition-health sample. */
  readonly healthAgeMs: Readonly<Record<string, number>>;
}

function prometheusOf(world: World): typeof fetch {
  return (async (input: string | URL | Request) => {
    const query = new URL(String(input)).searchParams.get('query') ?? '';
    // Evaluated as the request arrives, on Prometheus's clock; the answer takes `latencyMs`.
    const evaluatedAtMs = world.nowMs + world.skewMs;
    world.nowMs += world.latencyMs;
    const pods = Object.keys(world.throughputAgeMs);
    const sample = (metric: Record<string, string>, value: number) => ({
      metric,
      value: [evaluatedAtMs / 1000, String(value)],
    });
    const results: Record<string, unknown[]> = {
      rx: pods.map(pod => sample({ pod }, 1024)),
      tx: pods.map(pod => sample({ pod }, 1024)),
      urp: [sample({}, 0)],
      umi: [sample({}, 0)],
      ts: pods.map(pod => sample({ pod }, (evaluatedAtMs - world.throughputAgeMs[pod]) / 1000)),
      hts: [sample({}, (evaluatedAtMs - Math.max(...Object.values(world.healthAgeMs))) / 1000)],
      hs: Object.entries(world.healthAgeMs).map(([pod, ageMs]) =>
        sample({ pod }, (evaluatedAtMs - ageMs) / 1000),
      ),
    };
    return new Response(
      JSON.stringify({ status: 'success', data: { resultType: 'vector', result: results[query] } }),
    );
  }) as typeof fetch;
}

const START_MS = 1_760_000_000_000;
const ages = fc.dictionary(
  fc.constantFrom('b-0', 'b-1', 'b-2'),
  fc.integer({ min: 0, max: 3_600_000 }),
  { minKeys: 1 },
);

describe('Prometheus sample times across two clocks (review s35-a, fault 1)', () => {
  test('property: no age is understated and none overstated by more than the requests took, whatever the skew', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -3_600_000, max: 3_600_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        ages,
        ages,
        async (skewMs, latencyMs, throughputAgeMs, healthAgeMs) => {
          const world: World = {
            nowMs: START_MS,
            skewMs,
            latencyMs,
            throughputAgeMs,
            healthAgeMs,
          };
          const adapter = new PrometheusAdapter('http://prom:9090', prometheusOf(world), 10_000, {
            clock: () => world.nowMs,
          });
          const metrics = await adapter.kafkaMetrics(queries);
          // Seven queries go out at once (the fake answers them one after another).
          const slackMs = 7 * latencyMs;
          const oldestMs = Math.max(
            ...Object.values(throughputAgeMs),
            ...Object.values(healthAgeMs),
          );
          const ageMs = world.nowMs - metrics.sampledAtMs;
          expect(ageMs).toBeGreaterThanOrEqual(oldestMs);
          expect(ageMs).toBeLessThanOrEqual(oldestMs + slackMs);
          for (const [pod, healthMs] of Object.entries(healthAgeMs)) {
            const podAgeMs = world.nowMs - (metrics.healthSampledAtMs[pod] ?? NaN);
            expect(podAgeMs).toBeGreaterThanOrEqual(healthMs);
            expect(podAgeMs).toBeLessThanOrEqual(healthMs + slackMs);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a sample 4 min stale on a Prometheus 3 min ahead reads 4 min old, not 1 min', async () => {
    const world: World = {
      nowMs: START_MS,
      skewMs: 180_000,
      latencyMs: 0,
      throughputAgeMs: { 'b-0': 1_000 },
      healthAgeMs: { 'b-0': 240_000 },
    };
    const adapter = new PrometheusAdapter('http://prom:9090', prometheusOf(world), 10_000, {
      clock: () => world.nowMs,
      maxClockSkewMs: 300_000,
    });
    const metrics = await adapter.kafkaMetrics(queries);
    expect(world.nowMs - metrics.sampledAtMs).toBe(240_000);
    expect(world.nowMs - metrics.healthSampledAtMs['b-0']).toBe(240_000);
  });

  test('a clock further off than maxClockSkewMs is refused, naming both clocks and the fix', async () => {
    for (const skewMs of [-400_000, 400_000]) {
      const world: World = {
        nowMs: START_MS,
        skewMs,
        latencyMs: 5,
        throughputAgeMs: { 'b-0': 0 },
        healthAgeMs: { 'b-0': 0 },
      };
      const adapter = new PrometheusAdapter('http://prom:9090', prometheusOf(world), 10_000, {
        clock: () => world.nowMs,
        maxClockSkewMs: 300_000,
      });
      await expect(adapter.kafkaMetrics(queries)).rejects.toThrow(
        new RegExp(`${skewMs > 0 ? 'ahead of' : 'behind'} the controller's clock.*sync`),
      );
    }
  });

  test('an answer without a finite evaluation time, or with two, is refused', async () => {
    for (const stamps of [['NaN'], [1700000000, 1700000100], ['soon']]) {
      const adapter = new PrometheusAdapter(
        'http://prom:9090',
        (async () =>
          new Response(
            JSON.stringify({
              status: 'success',
              data: {
                resultType: 'vector',
                result: stamps.map((at, index) => ({
                  metric: { pod: `b-${index}` },
                  value: [at, '1'],
                })),
              },
            }),
          )) as typeof fetch,
      );
      await expect(adapter.query('rx')).rejects.toThrow(/evaluation time/);
    }
  });

  test('a raw sample time after its own evaluation time is no time (a pod without one; the scalar refused)', async () => {
    const world: World = {
      nowMs: START_MS,
      skewMs: 0,
      latencyMs: 0,
      throughputAgeMs: { 'b-0': 0 },
      // Negative ages: sample times after the evaluation time (5 s; and 0.5 ms, rounding).
      healthAgeMs: { 'b-0': -5_000, 'b-1': -0.5 },
    };
    const adapter = new PrometheusAdapter('http://prom:9090', prometheusOf(world), 10_000, {
      clock: () => world.nowMs,
    });
    const metrics = await adapter.kafkaMetrics({ ...queries, healthSampleTimestamp: undefined });
    expect(metrics.healthSampledAtMs).toEqual({ 'b-1': START_MS });
    const scalarWorld: World = { ...world, healthAgeMs: { 'b-0': -5_000 } };
    const scalarAdapter = new PrometheusAdapter(
      'http://prom:9090',
      prometheusOf(scalarWorld),
      10_000,
      { clock: () => scalarWorld.nowMs },
    );
    await expect(scalarAdapter.kafkaMetrics(queries)).rejects.toThrow(
      /sample time after its own evaluation time/,
    );
  });

  test('clockSkewMs: zero inside the request span, signed distance outside it', () => {
    expect(clockSkewMs(150, 100, 200)).toBe(0);
    expect(clockSkewMs(260, 100, 200)).toBe(60);
    expect(clockSkewMs(40, 100, 200)).toBe(-60);
  });
});
