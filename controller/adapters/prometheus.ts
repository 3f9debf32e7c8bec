/**
 * The Prometheus adapter: instant queries over the HTTP API (`/api/v1/query`) with `fetch`
 * injected. Returns broker load and partition health, or throws when an answer is missing, so the
 * controller treats the data as stale rather than as zero. NaN, infinite and negative values are
 * missing samples: a broker pod with one of them, or with only one direction, gets no load entry
 * (the controller then holds, naming it). The answer's age is the oldest raw sample behind it
 * (`timestamp()` queries), not the time the query ran; an instant query stamps every result with
 * its evaluation time, so that is only the fallback when no timestamp query is configured. The
 * per-pod partition-health sample times come back as they are (a pod answered twice keeps its
 * older time); `safety.ts` judges them per pod.
 *
 * A partial answer is no answer: Prometheus (and Thanos, Cortex, Mimir behind the same API) lists
 * in `warnings` the errors that did not stop the query, and returns whatever it did collect, so a
 * store or a remote that failed drops its series from a sum without an error (`status` stays
 * `success`). Every answer with a warning is refused (`PrometheusError`: the data counts as missing,
 * `stale-data`), except PromQL info notes, which older versions also list there
 * (`partialDataWarnings`); info-level annotations in `infos` are not warnings. A query read as one
 * number (the partition counts) must answer exactly one series: several (a query without `sum`) would
 * otherwise count one broker's value as the cluster's; a per-pod rate must answer each pod once
 * (several series of one pod are refused: which is its load cannot be told), and a pod answered
 * twice by a sample-time query keeps its older time. A series labelled with a namespace other
 * than the Kafka cluster's is refused (a selector that does not pin the namespace reads a pod of
 * the same name elsewhere as this cluster's broker). Every time returned is on the controller's
 * clock: a sample's age is measured on Prometheus's own clock and counted back from when the
 * request went out, and an answer whose evaluation time lies further from the controller's clock
 * than `maxClockSkewMs` is refused (review s35-a).
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

/** One series of a range query: its labels and its points, ascending in time. */
export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: ReadonlyArray<{ readonly atMs: number; readonly value: number }>;
}

/** What the controller reads from Prometheus. */
export interface KafkaMetrics {
  /** Broker pods with a usable receive and transmit sample. */
  readonly loads: readonly BrokerLoad[];
  readonly underReplicatedPartitions: number;
  readonly underMinIsrPartitions: number;
  /** The oldest raw sample behind these answers, epoch ms. */
  readonly sampledAtMs: number;
  /**
   * Per broker pod: the time of its partition-health sample, epoch ms
   * (`brokerHealthSampleTimestamps`). A pod absent here, or with a NaN, infinite or negative time,
   * has no health series: its share of the partition counts is unknown.
   */
  readonly healthSampledAtMs: Readonly<Record<string, number>>;
}

const usable = (value: number) => Number.isFinite(value) && value >= 0;

/** The Prometheus answered with an error or an unusable result. */
export class PrometheusError extends Error {}

interface QueryResponse {
  readonly status?: string;
  readonly error?: string;
  readonly warnings?: readonly string[];
  readonly data?: {
    readonly resultType?: string;
    readonly result?: ReadonlyArray<{
      readonly metric?: Record<string, string>;
      readonly value?: [number, string];
    }>;
  };
}

interface RangeResponse {
  readonly status?: string;
  readonly error?: string;
  readonly warnings?: readonly string[];
  readonly data?: {
    readonly resultType?: string;
    readonly result?: ReadonlyArray<{
      readonly metric?: Record<string, string>;
      readonly values?: ReadonlyArray<[number, string]>;
    }>;
  };
}

/**
 * The prefix of a PromQL info-level annotation (a note that may be a false positive, such as
 * `rate()` over a counter whose name does not end in `_total`, or a classic histogram whose buckets
 * had to be made monotonic). Prometheus 2.48 to 2.53 (and Thanos, which still does) list these in
 * `warnings`; Prometheus 2.54 on lists them in a separate `infos` field (prometheus/prometheus
 * PR 14327). They say nothing about missing data, so they do not make an answer partial.
 */
export const PROMQL_INFO_PREFIX = 'PromQL info:';

/**
 * The warnings of an answer that may mean partial data: every entry of `warnings` except PromQL
 * info notes (`PROMQL_INFO_PREFIX`, put there by older versions). Everything else counts: a store,
 * a remote read or a shard that failed, a PromQL warning (a mix of floats and histograms drops the
 * element from the result), a truncation note ("N more annotations omitted", which may hide any of
 * these), any text this code does not know, and a `warnings` field that is not a list. `infos` is
 * never read. Pure.
 */
export function partialDataWarnings(body: { readonly warnings?: unknown }): readonly string[] {
  const field = body.warnings;
  // Absent: no warning. Not a list (a malformed answer): one warning, never none.
  const warnings: readonly unknown[] =
    field === undefined || field === null ? [] : Array.isArray(field) ? field : [field];
  return warnings
    .map(warning => (typeof warning === 'string' ? warning : JSON.stringify(warning)))
    .filter(warning => !warning.trimStart().startsWith(PROMQL_INFO_PREFIX));
}

/**
 * Throws when the answer carries a warning that may mean partial data (`partialDataWarnings`): the
 * errors that did not stop the query (a store, a remote read or a shard that failed).
 */
function refusePartial(body: { readonly warnings?: unknown }, promql: string): void {
  const warnings = partialDataWarnings(body);
  if (warnings.length > 0) {
    throw new PrometheusError(
      `partial answer (warnings: ${warnings.join('; ')}); its data may miss series: ${promql}`,
    );
  }
}

/**
 * Throws when a per-pod rate answers one pod in several series (a query without `sum by (pod)`:
 * one series per network interface or container): which one, or their sum, is the pod's load
 * cannot be told, and keeping one would read part of the pod's traffic as all of it.
 */
function refuseRepeatedPods(samples: readonly Sample[], promql: string): void {
  const seen = new Set<string>();
  for (const sample of samples) {
    const pod = sample.labels.pod;
    if (pod === undefined) continue;
    if (seen.has(pod)) {
      throw new PrometheusError(
        `${promql} answered pod ${pod} in several series; aggregate it by pod (sum by (pod) (...))`,
      );
    }
    seen.add(pod);
  }
}

/**
 * Throws when a sample carries a `namespace` label other than `namespace` (the Kafka cluster's):
 * a query whose selector does not pin the namespace reads a pod of the same name in another
 * namespace (a second copy of the cluster, a staging namespace) as this cluster's broker, its
 * load as this broker's load and its sample time as this broker's, so a broker whose own series
 * is missing would look measured (review s35-a, fault 3). Samples without the label (a query
 * aggregated by `pod` alone, as the defaults are) are not judged: their selector is the query's.
 */
function refuseOtherNamespaces(
  samples: readonly Sample[],
  promql: string,
  namespace: string | undefined,
): void {
  if (namespace === undefined) return;
  const stray = samples.find(
    sample => sample.labels.namespace !== undefined && sample.labels.namespace !== namespace,
  );
  if (stray !== undefined) {
    throw new PrometheusError(
      `${promql} answered a series of namespace ${stray.labels.namespace}${stray.labels.pod === undefined ? '' : ` (pod ${stray.labels.pod})`}, not the Kafka namespace ${namespace}; add namespace="${namespace}" to its selector`,
    );
  }
}

/** Queries one Prometheus. */
export class PrometheusAdapter {
  /**
   * @param baseUrl the Prometheus HTTP API's base URL
   * @param fetchFn the HTTP client @default globalThis.fetch
   * @param timeoutMs per request, ms @default 10000
   * @param options the controller's clock and the clock skew refused (`PrometheusClockOptions`)
   */
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly timeoutMs = 10_000,
    private readonly options: PrometheusClockOptions = {},
  ) {}

  /** Runs an instant query and returns the samples of its vector. */
  async query(promql: string): Promise<Sample[]> {
    return [...(await this.instant(promql)).samples];
  }

  /**
   * Runs an instant query: the samples of its vector (times as Prometheus stamped them, on its own
   * clock), the controller's clock when the request went out and when the answer came back, and the
   * answer's evaluation time. Throws `PrometheusError` when a sample's evaluation time is not a
   * finite number (its age cannot be told), when the samples disagree on it (an instant vector is
   * evaluated at one time), or when it lies further outside the request's span than
   * `maxClockSkewMs`.
   */
  private async instant(promql: string): Promise<InstantAnswer> {
    const url = new URL('/api/v1/query', this.baseUrl);
    url.searchParams.set('query', promql);
    const clock = this.options.clock ?? Date.now;
    const sentAtMs = clock();
    let response: Response;
    try {
      response = await this.fetchFn(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new PrometheusError(`Prometheus unreachable at ${this.baseUrl}: ${String(error)}`);
    }
    const body = (await response.json().catch(() => ({}))) as QueryResponse;
    const receivedAtMs = clock();
    if (!response.ok || body.status !== 'success') {
      throw new PrometheusError(
        `query failed (${response.status}): ${body.error ?? 'no error text'}: ${promql}`,
      );
    }
    refusePartial(body, promql);
    if (body.data?.resultType !== 'vector') {
      throw new PrometheusError(`expected a vector, got ${body.data?.resultType}: ${promql}`);
    }
    const samples = (body.data.result ?? []).map(entry => ({
      labels: entry.metric ?? {},
      value: Number(entry.value?.[1]),
      atMs: Number(entry.value?.[0]) * 1000,
    }));
    const evaluatedAtMs = samples[0]?.atMs;
    for (const sample of samples) {
      if (!Number.isFinite(sample.atMs) || sample.atMs !== evaluatedAtMs) {
        throw new PrometheusError(
          `${promql} answered a sample stamped ${String(sample.atMs / 1000)} s (the evaluation time is ${String(evaluatedAtMs === undefined ? undefined : evaluatedAtMs / 1000)} s): an instant vector's samples carry its one finite evaluation time, so this answer's age cannot be told`,
        );
      }
    }
    const maxSkewMs = this.options.maxClockSkewMs;
    if (evaluatedAtMs !== undefined && maxSkewMs !== undefined) {
      const skewMs = clockSkewMs(evaluatedAtMs, sentAtMs, receivedAtMs);
      if (Math.abs(skewMs) > maxSkewMs) {
        throw new PrometheusError(
          `Prometheus at ${this.baseUrl} evaluated ${promql} at ${new Date(evaluatedAtMs).toISOString()}, ${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} the controller's clock (more than ${Math.round(maxSkewMs / 1000)} s): the two clocks disagree, so no sample time can be trusted; sync both hosts' clocks (NTP, chrony)`,
        );
      }
    }
    return { samples, sentAtMs, receivedAtMs, evaluatedAtMs };
  }

  /**
   * Runs a range query (`/api/v1/query_range`) from `startMs` to `endMs` every `stepSeconds` and
   * returns its series; points whose value is not a finite number are dropped. Prometheus refuses
   * more than 11,000 points per series, so the step must be at least (end - start) / 11,000.
   * @throws PrometheusError when unreachable or the answer is not a matrix
   */
  async queryRange(
    promql: string,
    startMs: number,
    endMs: number,
    stepSeconds: number,
  ): Promise<RangeSeries[]> {
    const url = new URL('/api/v1/query_range', this.baseUrl);
    url.searchParams.set('query', promql);
    url.searchParams.set('start', String(startMs / 1000));
    url.searchParams.set('end', String(endMs / 1000));
    url.searchParams.set('step', `${stepSeconds}s`);
    let response: Response;
    try {
      response = await this.fetchFn(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new PrometheusError(`Prometheus unreachable at ${this.baseUrl}: ${String(error)}`);
    }
    const body = (await response.json().catch(() => ({}))) as RangeResponse;
    if (!response.ok || body.status !== 'success') {
      throw new PrometheusError(
        `range query failed (${response.status}): ${body.error ?? 'no error text'}: ${promql}`,
      );
    }
    refusePartial(body, promql);
    if (body.data?.resultType !== 'matrix') {
      throw new PrometheusError(`expected a matrix, got ${body.data?.resultType}: ${promql}`);
    }
    return (body.data.result ?? []).map(entry => ({
      labels: entry.metric ?? {},
      points: (entry.values ?? [])
        .map(([seconds, value]) => ({ atMs: Number(seconds) * 1000, value: Number(value) }))
        .filter(point => Number.isFinite(point.atMs) && Number.isFinite(point.value)),
    }));
  }

  private async scalar(promql: string): Promise<ScalarAnswer> {
    const answer = await this.instant(promql);
    const samples = answer.samples;
    if (samples.length > 1) {
      throw new PrometheusError(
        `${promql} answered ${samples.length} series where one number is read; aggregate it (sum(...))`,
      );
    }
    if (samples.length === 0 || !usable(samples[0].value)) {
      throw new PrometheusError(
        `no value for ${promql} (got ${samples[0]?.value ?? 'no sample'}; NaN, Inf and negative are missing)`,
      );
    }
    return { ...answer, sample: samples[0] };
  }

  /**
   * Broker load (MiB/s) by pod, the partition health counts, and the age of the samples. Every time
   * returned is on the controller's clock (`PrometheusClockOptions.clock`): a sample's age is
   * measured on Prometheus's own clock (its answer's evaluation time minus the sample's time) and
   * counted back from when the request went out (`localTimeMs`), so a clock skew between the two
   * hosts neither hides a stale sample nor moves a partition-health sample past a broker's Ready
   * time (review s35-a, fault 1).
   * @param kafkaNamespace the Kafka cluster's namespace: an answer carrying a series of another
   * namespace is refused (`refuseOtherNamespaces`) @default - the `namespace` label is not judged
   * @throws PrometheusError when an answer is missing, partial or unusable (see the module notes)
   */
  async kafkaMetrics(queries: PrometheusQueries, kafkaNamespace?: string): Promise<KafkaMetrics> {
    const [receive, transmit, urp, underMinIsr, brokerTimes, healthTime, healthTimes] =
      await Promise.all([
        this.instant(queries.brokerReceiveBytesPerSecond),
        this.instant(queries.brokerTransmitBytesPerSecond),
        this.scalar(queries.underReplicatedPartitions),
        this.scalar(queries.underMinIsrPartitions),
        queries.brokerSampleTimestamps === undefined
          ? Promise.resolve(undefined)
          : this.instant(queries.brokerSampleTimestamps),
        queries.healthSampleTimestamp === undefined
          ? Promise.resolve(undefined)
          : this.scalar(queries.healthSampleTimestamp),
        this.instant(queries.brokerHealthSampleTimestamps),
      ]);
    const answers: Array<[InstantAnswer | undefined, string | undefined]> = [
      [receive, queries.brokerReceiveBytesPerSecond],
      [transmit, queries.brokerTransmitBytesPerSecond],
      [urp, queries.underReplicatedPartitions],
      [underMinIsr, queries.underMinIsrPartitions],
      [brokerTimes, queries.brokerSampleTimestamps],
      [healthTime, queries.healthSampleTimestamp],
      [healthTimes, queries.brokerHealthSampleTimestamps],
    ];
    for (const [answer, promql] of answers) {
      if (answer !== undefined) refuseOtherNamespaces(answer.samples, promql ?? '', kafkaNamespace);
    }
    refuseRepeatedPods(receive.samples, queries.brokerReceiveBytesPerSecond);
    refuseRepeatedPods(transmit.samples, queries.brokerTransmitBytesPerSecond);
    const received = new Map<string, Sample>();
    for (const sample of receive.samples) {
      const pod = sample.labels.pod;
      if (pod !== undefined && usable(sample.value)) received.set(pod, sample);
    }
    const loads: BrokerLoad[] = [];
    // An answer's evaluation time is "now" on Prometheus's clock: on the controller's, the time
    // its request went out.
    const times: number[] = [urp.sentAtMs, underMinIsr.sentAtMs];
    for (const sample of transmit.samples) {
      const pod = sample.labels.pod;
      const rx = pod === undefined ? undefined : received.get(pod);
      if (pod === undefined || rx === undefined || !usable(sample.value)) continue;
      loads.push({ podName: pod, receiveMiBps: rx.value / MIB, transmitMiBps: sample.value / MIB });
      times.push(receive.sentAtMs, transmit.sentAtMs);
    }
    if (loads.length === 0) throw new PrometheusError('no broker throughput samples');
    if (brokerTimes !== undefined) {
      // A pod answered twice (a query without `min by (pod)`: one series per interface or
      // container) keeps its older time, as the health times below: the later one would hide a
      // stale series.
      const byPod = new Map<string, number>();
      for (const sample of brokerTimes.samples) {
        const pod = sample.labels.pod;
        const atMs = localTimeMs(brokerTimes, sample);
        if (pod === undefined || !usable(atMs)) continue;
        byPod.set(pod, Math.min(byPod.get(pod) ?? Infinity, atMs));
      }
      for (const load of loads) {
        // A pod without a sample time has no raw samples left: its series is missing.
        times.push(byPod.get(load.podName) ?? 0);
      }
    }
    if (healthTime !== undefined) {
      const atMs = localTimeMs(healthTime, healthTime.sample);
      if (!usable(atMs)) {
        throw new PrometheusError(
          `${queries.healthSampleTimestamp} answered a sample time after its own evaluation time; it must give raw sample times (timestamp(...))`,
        );
      }
      times.push(atMs);
    }
    const healthSampledAtMs: Record<string, number> = {};
    for (const sample of healthTimes.samples) {
      const pod = sample.labels.pod;
      const atMs = localTimeMs(healthTimes, sample);
      if (pod === undefined || !usable(atMs)) continue;
      // A pod answered twice keeps its older time.
      healthSampledAtMs[pod] = Math.min(healthSampledAtMs[pod] ?? Infinity, atMs);
    }
    return {
      loads: loads.sort((a, b) => a.podName.localeCompare(b.podName)),
      underReplicatedPartitions: urp.sample.value,
      underMinIsrPartitions: underMinIsr.sample.value,
      sampledAtMs: Math.min(...times),
      healthSampledAtMs,
    };
  }
}

/** How the adapter reads the two clocks behind an answer. */
export interface PrometheusClockOptions {
  /** The controller's clock, epoch ms. @default Date.now */
  readonly clock?: () => number;
  /**
   * The largest distance, ms, between an answer's evaluation time (Prometheus's clock) and the
   * span of its request on the controller's clock; an answer further off is refused
   * (`PrometheusError`, so the data counts as missing: `stale-data`), naming both clocks. The
   * controller passes `staleAfterSeconds` (the tolerance the other sources get). Ages stay right
   * within it (`localTimeMs`); the bound names a broken clock rather than carry on past it.
   * @default - no bound
   */
  readonly maxClockSkewMs?: number;
}

/** One instant query's answer and the controller's clock around it. */
interface InstantAnswer {
  readonly samples: readonly Sample[];
  /** The controller's clock when the request went out, epoch ms. */
  readonly sentAtMs: number;
  /** The controller's clock when the answer was read, epoch ms. */
  readonly receivedAtMs: number;
  /** The answer's evaluation time on Prometheus's clock, epoch ms; undefined when empty. */
  readonly evaluatedAtMs: number | undefined;
}

/** An instant answer read as one number, and that sample. */
interface ScalarAnswer extends InstantAnswer {
  readonly sample: Sample;
}

/**
 * How far, ms, Prometheus's clock (an answer's evaluation time `evaluatedAtMs`) lies outside the
 * span of its request on the controller's clock (`sentAtMs` to `receivedAtMs`): positive when
 * Prometheus's clock is ahead, negative when behind, 0 within the span. Pure.
 */
export function clockSkewMs(evaluatedAtMs: number, sentAtMs: number, receivedAtMs: number): number {
  if (evaluatedAtMs > receivedAtMs) return evaluatedAtMs - receivedAtMs;
  if (evaluatedAtMs < sentAtMs) return evaluatedAtMs - sentAtMs;
  return 0;
}

/**
 * The raw sample time a `timestamp()` sample gives (its value, seconds on Prometheus's clock), on
 * the controller's clock, epoch ms: its age on Prometheus's clock (the answer's evaluation time
 * minus it) counted back from when the request went out. So the age is never understated by a
 * skew between the two clocks, and overstated by at most the request's own duration. NaN when the
 * value is not a usable time or lies more than 1 ms (rounding) after the evaluation time (no raw
 * sample can). Pure.
 */
export function localTimeMs(answer: Pick<InstantAnswer, 'sentAtMs'>, sample: Sample): number {
  if (!usable(sample.value)) return NaN;
  const ageMs = sample.atMs - sample.value * 1000;
  // Both times come as decimal seconds: allow the rounding of their product by 1000.
  if (ageMs < -1) return NaN;
  return answer.sentAtMs - Math.max(0, ageMs);
}
