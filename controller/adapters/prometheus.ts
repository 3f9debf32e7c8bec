/**
 * The Prometheus adapter: instant queries over the HTTP API (`/api/v1/query`) with `fetch`
 * injected. Returns broker load and partition health, or throws when an answer is missing, so the
 * controller treats the data as stale rather than as zero.
 */
import type { PrometheusQueries } from '../config';
import type { BrokerLoad } from '../model';

const MIB = 1024 * 1024;

/** One sample of an instant vector. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** Sample time, epoch ms. */
  readonly atMs: number;
}

/** What the controller reads from Prometheus. */
export interface KafkaMetrics {
  readonly loads: readonly BrokerLoad[];
  readonly underReplicatedPartitions: number;
  readonly underMinIsrPartitions: number;
}

/** The Prometheus answered with an error or an unusable result. */
export class PrometheusError extends Error {}

interface QueryResponse {
  readonly status?: string;
  readonly error?: string;
  readonly data?: {
    readonly resultType?: string;
    readonly result?: ReadonlyArray<{
      readonly metric?: Record<string, string>;
      readonly value?: [number, string];
    }>;
  };
}

/** Queries one Prometheus. */
export class PrometheusAdapter {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Runs an instant query and returns the samples of its vector. */
  async query(promql: string): Promise<Sample[]> {
    const url = new URL('/api/v1/query', this.baseUrl);
    url.searchParams.set('query', promql);
    let response: Response;
    try {
      response = await this.fetchFn(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new PrometheusError(`Prometheus unreachable at ${this.baseUrl}: ${String(error)}`);
    }
    const body = (await response.json().catch(() => ({}))) as QueryResponse;
    if (!response.ok || body.status !== 'success') {
      throw new PrometheusError(
        `query failed (${response.status}): ${body.error ?? 'no error text'}: ${promql}`,
      );
    }
    if (body.data?.resultType !== 'vector') {
      throw new PrometheusError(`expected a vector, got ${body.data?.resultType}: ${promql}`);
    }
    return (body.data.result ?? []).map(entry => ({
      labels: entry.metric ?? {},
      value: Number(entry.value?.[1]),
      atMs: Number(entry.value?.[0]) * 1000,
    }));
  }

  private async scalar(promql: string): Promise<number> {
    const samples = await this.query(promql);
    if (samples.length === 0 || !Number.isFinite(samples[0].value)) {
      throw new PrometheusError(`no value for ${promql}`);
    }
    return samples[0].value;
  }

  /** Broker load (MiB/s) by pod and the partition health counts. */
  async kafkaMetrics(queries: PrometheusQueries): Promise<KafkaMetrics> {
    const [receive, transmit, underReplicatedPartitions, underMinIsrPartitions] = await Promise.all(
      [
        this.query(queries.brokerReceiveBytesPerSecond),
        this.query(queries.brokerTransmitBytesPerSecond),
        this.scalar(queries.underReplicatedPartitions),
        this.scalar(queries.underMinIsrPartitions),
      ],
    );
    const byPod = new Map<string, { receiveMiBps: number; transmitMiBps: number }>();
    for (const sample of receive) {
      const pod = sample.labels.pod;
      if (pod !== undefined) byPod.set(pod, { receiveMiBps: sample.value / MIB, transmitMiBps: 0 });
    }
    for (const sample of transmit) {
      const pod = sample.labels.pod;
      if (pod === undefined) continue;
      const entry = byPod.get(pod) ?? { receiveMiBps: 0, transmitMiBps: 0 };
      byPod.set(pod, { ...entry, transmitMiBps: sample.value / MIB });
    }
    if (byPod.size === 0) throw new PrometheusError('no broker throughput samples');
    return {
      loads: [...byPod].map(([podName, load]) => ({ podName, ...load })),
      underReplicatedPartitions,
      underMinIsrPartitions,
    };
  }
}
