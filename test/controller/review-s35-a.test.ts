/**
 * Review s35-a: data-shape faults in the peers' answers (docs/controller.md, "Review s35-a").
 * The adapter-level tests of fault 1 live in test/controller/adapters/prometheus-clock.test.ts.
 */
import fc from 'fast-check';
import { AutoScalingAdapter, type AutoScalingCalls } from '../../controller/adapters/autoscaling';
import { PrometheusAdapter } from '../../controller/adapters/prometheus';
import { assembleObservation } from '../../controller/observe';
import { staleDataBlocker } from '../../controller/safety';
import type { Freshness } from '../../controller/model';
import { healthyCluster, testConfig } from './fixtures';

const config = testConfig();

describe('review s35-a, fault 2: a freshness time that is not a finite number', () => {
  test('property: NaN or an infinite time from any source holds with stale-data, naming the source', () => {
    const base = healthyCluster(config);
    expect(staleDataBlocker(base, config)).toBeUndefined();
    fc.assert(
      fc.property(
        fc.constantFrom<keyof Freshness>('kubernetesAtMs', 'prometheusAtMs', 'autoscalingAtMs'),
        fc.constantFrom(NaN, Infinity, -Infinity),
        (source, atMs) => {
          const observed = { ...base, freshness: { ...base.freshness, [source]: atMs } };
          const blocker = staleDataBlocker(observed, config);
          expect(blocker?.reason).toBe('stale-data');
          expect(blocker?.detail).toContain(source.replace('AtMs', ''));
        },
      ),
    );
  });
});

describe("review s35-a, fault 3: a series of another namespace read as this cluster's broker", () => {
  const queries = {
    brokerReceiveBytesPerSecond: 'rx',
    brokerTransmitBytesPerSecond: 'tx',
    underReplicatedPartitions: 'urp',
    underMinIsrPartitions: 'umi',
    brokerHealthSampleTimestamps: 'hs',
  };
  const AT_S = 1_760_000_000;
  type Series = { readonly namespace?: string; readonly pod: string };
  const prometheus = (series: Record<string, readonly Series[]>): typeof fetch =>
    (async (input: string | URL | Request) => {
      const query = new URL(String(input)).searchParams.get('query') ?? '';
      const result = (series[query] ?? []).map(labels => ({
        metric: { ...labels },
        value: [AT_S, query === 'hs' ? String(AT_S - 5) : '1048576'],
      }));
      const scalar = query === 'urp' || query === 'umi';
      return new Response(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'vector',
            result: scalar ? [{ metric: {}, value: [AT_S, '0'] }] : result,
          },
        }),
      );
    }) as typeof fetch;
  const adapterOf = (series: Record<string, readonly Series[]>) =>
    new PrometheusAdapter('http://prom:9090', prometheus(series), 10_000, {
      clock: () => AT_S * 1000,
    });

  test("this broker's series missing, a same-name pod of another namespace answered: refused, naming the namespace and the fix", async () => {
    const other = [{ namespace: 'kafka-staging', pod: 'orders-brokers-a-0' }];
    const adapter = adapterOf({ rx: other, tx: other, hs: other });
    await expect(adapter.kafkaMetrics(queries, 'kafka')).rejects.toThrow(
      /rx answered a series of namespace kafka-staging \(pod orders-brokers-a-0\), not the Kafka namespace kafka; add namespace="kafka"/,
    );
  });

  test('property: an answer is read only when no series names another namespace', async () => {
    const series = fc.array(
      fc.record(
        {
          namespace: fc.constantFrom('kafka', 'kafka-staging', 'other'),
          pod: fc.constantFrom('b-0', 'b-1', 'b-2'),
        },
        { requiredKeys: ['pod'] },
      ),
      { minLength: 1, maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('rx', 'tx', 'hs'), series, async (query, answered) => {
        // One series per pod (repeated pods are another refusal, review s26).
        const unique = [...new Map(answered.map(each => [each.pod, each])).values()];
        const clean: Series[] = [{ namespace: 'kafka', pod: 'b-0' }];
        const adapter = adapterOf({ rx: clean, tx: clean, hs: clean, [query]: unique });
        const stray = unique.some(
          each => each.namespace !== undefined && each.namespace !== 'kafka',
        );
        const read = adapter.kafkaMetrics(queries, 'kafka');
        if (stray) {
          await expect(read).rejects.toThrow(/not the Kafka namespace kafka/);
        } else {
          await read.catch(error => {
            // Only "no broker throughput samples" may remain (no pod in both directions).
            expect(String(error)).toMatch(/no broker throughput samples/);
          });
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('review s35-a, fault 4: DescribeAutoScalingGroups pages that never end', () => {
  const zones = [{ zone: 'us-east-1a', nodegroupName: 'orders-kafka-a' }] as unknown as Parameters<
    AutoScalingAdapter['describeZoneGroups']
  >[0];
  const group = (name: string) => ({
    AutoScalingGroupName: name,
    MinSize: 1,
    MaxSize: 4,
    DesiredCapacity: 1,
    DefaultCooldown: 0,
    AvailabilityZones: ['us-east-1a'],
    HealthCheckType: 'EC2',
    CreatedTime: new Date(0),
    Tags: [{ Key: 'eks:nodegroup-name', Value: name === 'asg-a' ? 'orders-kafka-a' : name }],
    Instances: [],
  });
  /** Pages answering the tokens of `script` in turn, then no token; counts the calls. */
  const pages = (script: ReadonlyArray<string | undefined>) => {
    let calls = 0;
    const fake = {
      describeGroups: async () => {
        const token = calls < script.length ? script[calls] : undefined;
        calls++;
        if (calls > 50) throw new Error('paged for ever');
        return {
          $metadata: {},
          AutoScalingGroups: [group(calls === 1 ? 'asg-a' : `asg-${calls}`)],
          NextToken: token,
        };
      },
    } as unknown as AutoScalingCalls;
    return { calls: fake, count: () => calls };
  };

  test('property: a token repeated (or empty) is refused after at most one page past it; distinct tokens are followed to the end', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('t1', 't2', 't3', 't4', ''), { maxLength: 6 }),
        async tokens => {
          const { calls, count } = pages(tokens);
          const read = new AutoScalingAdapter(calls, { attempts: 1 }).describeZoneGroups(zones);
          const firstBad = tokens.findIndex(
            (token, index) => token === '' || tokens.indexOf(token) < index,
          );
          if (firstBad === -1) {
            const groups = await read;
            expect(groups.map(each => each.groupName)).toEqual(['asg-a']);
            expect(count()).toBe(tokens.length + 1);
          } else {
            await expect(read).rejects.toThrow(/page token .*would never end/);
            expect(count()).toBe(firstBad + 1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('review s35-a, fault 5: a failed read held as "no data yet", its cause and fix only in the logs', () => {
  const base = healthyCluster(config);
  const inputs = (readErrors: Parameters<typeof assembleObservation>[0]['readErrors']) =>
    assembleObservation(
      {
        nowMs: base.nowMs,
        nodes: [],
        pods: [],
        kafka: undefined,
        kubernetesSyncedAtMs: base.nowMs,
        prometheus: undefined,
        autoscaling:
          readErrors?.autoscaling === undefined ? { atMs: base.nowMs, groups: [] } : undefined,
        readErrors,
      },
      config,
    );

  test("property: the hold on a source whose read failed carries that read's message", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'prometheus' | 'autoscaling'>('prometheus', 'autoscaling'),
        fc.string({ minLength: 1, maxLength: 40 }),
        (source, message) => {
          const observed = {
            ...base,
            freshness: {
              ...base.freshness,
              [`${source}AtMs`]: undefined,
              readErrors: { [source]: message },
            },
          };
          const blocker = staleDataBlocker(observed, config);
          expect(blocker?.reason).toBe('stale-data');
          expect(blocker?.detail).toBe(`no data yet from ${source}: its read failed: ${message}`);
        },
      ),
    );
  });

  test("the adapter's refusal (a series of another namespace) reaches the hold with its fix", async () => {
    const other = [
      { metric: { namespace: 'kafka-staging', pod: 'orders-brokers-a-0' }, value: [1, '1'] },
    ];
    const adapter = new PrometheusAdapter(
      'http://prom:9090',
      (async () =>
        new Response(
          JSON.stringify({ status: 'success', data: { resultType: 'vector', result: other } }),
        )) as typeof fetch,
    );
    const error = await adapter
      .kafkaMetrics(
        {
          brokerReceiveBytesPerSecond: 'rx',
          brokerTransmitBytesPerSecond: 'tx',
          underReplicatedPartitions: 'urp',
          underMinIsrPartitions: 'umi',
          brokerHealthSampleTimestamps: 'hs',
        },
        'kafka',
      )
      .catch((caught: Error) => caught.message);
    const blocker = staleDataBlocker(inputs({ prometheus: String(error) }), config);
    expect(blocker?.detail).toMatch(
      /^no data yet from prometheus: its read failed: .*add namespace="kafka"/,
    );
  });

  test('a Kafka resource that could not be read is not "not found"', () => {
    const observed = {
      ...base,
      kafkaReady: undefined,
      freshness: { ...base.freshness, readErrors: { kafka: 'connect ECONNREFUSED' } },
    };
    expect(staleDataBlocker(observed, config)?.detail).toBe(
      'Kafka resource could not be read: connect ECONNREFUSED',
    );
    expect(staleDataBlocker({ ...base, kafkaReady: undefined }, config)?.detail).toBe(
      'Kafka resource not found',
    );
  });
});
