/**
 * The forecast floor's history query against a real Prometheus: `PrometheusAdapter.queryRange` and
 * the per-pool PromQL `ForecastHistory` sends (`label_replace` on the pod name), with two pools'
 * broker pods served by a small exporter; and `ForecastHistory` itself while that Prometheus is
 * stopped, then started again (history unknown, then known); and a Prometheus holding 30 h
 * (backfilled with its own `promtool tsdb create-blocks-from openmetrics`, from the same Debian
 * package) restarted on an empty data dir: the process's merged history keeps the zones known,
 * and a controller restarted after that loss reads the zones as lost (`unknown`), not new, through
 * the forecast history marker the first process wrote. The marker store is an in-memory stand-in
 * for the ConfigMap (`test/controller/memory-marker-store.ts`); the adapter's ConfigMap reads and
 * writes run against a real API server in the cluster tier (`test/cluster/adapter-scenarios.ts`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PrometheusAdapter } from '../../controller/adapters/prometheus';
import { defaultPrometheusQueries, type ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  FORECAST_REFRESH_SECONDS,
  ForecastHistory,
  perPoolQuery,
} from '../../controller/forecast-history';
import { testConfig } from '../controller/fixtures';
import { MemoryMarkerStore } from '../controller/memory-marker-store';
import { freePort, prometheusPath, startProcess, waitFor, writeScrapeConfig } from './peers';

const MIB = 1024 * 1024;
const HOUR_MS = 3_600_000;

describe('forecast history against a real Prometheus', () => {
  let stopPrometheus: () => Promise<void> = async () => undefined;
  let exporter: Server | undefined;
  let dataDir = '';
  let baseUrl = '';
  let binary = '';
  let prometheusArgs: string[] = [];
  const started = Date.now();

  beforeAll(async () => {
    binary = prometheusPath();
    const exporterPort = await freePort();
    // Pool brokers-a: two pods receiving 1 and 2 MiB/s; pool brokers-b: one pod at 4 MiB/s.
    exporter = createServer((_request, response) => {
      const seconds = (Date.now() - started) / 1000;
      const lines = (pod: string, mibps: number) =>
        ['receive', 'transmit'].map(
          direction =>
            `container_network_${direction}_bytes_total{namespace="kafka",pod="${pod}"} ${Math.round(seconds * mibps * MIB)}`,
        );
      response.end(
        [
          ...lines('orders-brokers-a-1000', 1),
          ...lines('orders-brokers-a-1001', 2),
          ...lines('orders-brokers-b-2000', 4),
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>(resolve => exporter?.listen(exporterPort, '127.0.0.1', resolve));
    dataDir = mkdtempSync(join(tmpdir(), 'prom-forecast-'));
    const configPath = writeScrapeConfig(dataDir, exporterPort);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    prometheusArgs = [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dataDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ];
    ({ stop: stopPrometheus } = startProcess(binary, prometheusArgs));
    await waitFor('Prometheus ready', async () => (await fetch(`${baseUrl}/-/ready`)).ok);
  });

  afterAll(async () => {
    await stopPrometheus();
    exporter?.close();
    if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  });

  test('the per-pool range query returns one series per pool with the summed rates', async () => {
    const adapter = new PrometheusAdapter(baseUrl);
    // The default per-pod query with a 10 s rate window (a fresh Prometheus has no 2 m of data).
    const perPod = defaultPrometheusQueries('kafka', 'orders').brokerReceiveBytesPerSecond.replace(
      '[2m]',
      '[10s]',
    );
    const promql = perPoolQuery(perPod, 'orders');
    let series: Awaited<ReturnType<PrometheusAdapter['queryRange']>> = [];
    await waitFor(
      'rates to settle',
      async () => {
        const nowMs = Date.now();
        series = await adapter.queryRange(promql, nowMs - 5_000, nowMs, 1);
        const last = (pool: string) =>
          series.find(each => each.labels.pool === pool)?.points.at(-1)?.value ?? 0;
        return last('brokers-a') / MIB > 2.5 && last('brokers-b') / MIB > 3.5;
      },
      100_000,
    );
    expect(series.map(each => each.labels.pool).sort()).toEqual(['brokers-a', 'brokers-b']);
    const poolA = series.find(each => each.labels.pool === 'brokers-a');
    expect(poolA?.points.length).toBeGreaterThan(0);
    const lastA = (poolA?.points.at(-1)?.value ?? 0) / MIB;
    expect(lastA).toBeGreaterThan(2.5);
    expect(lastA).toBeLessThan(3.5);
    // Points are in time order, in ms
    const times = poolA?.points.map(point => point.atMs) ?? [];
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times[0]).toBeGreaterThan(started - 60_000);
  });

  test('a query Prometheus rejects is an error naming the query', async () => {
    const adapter = new PrometheusAdapter(baseUrl);
    const nowMs = Date.now();
    await expect(adapter.queryRange('sum by (', nowMs - 5_000, nowMs, 1)).rejects.toThrow(
      /range query failed \(400\).*sum by \(/,
    );
  });

  test('ForecastHistory: unknown while Prometheus is stopped, known once it answers again', async () => {
    // Zones us-east-1a/b/c on pools brokers-a/b/c; the exporter serves a and b only.
    const queries = defaultPrometheusQueries('kafka', 'orders');
    const config: ControllerConfig = {
      ...testConfig(),
      prometheusQueries: {
        ...queries,
        brokerReceiveBytesPerSecond: queries.brokerReceiveBytesPerSecond.replace('[2m]', '[10s]'),
        brokerTransmitBytesPerSecond: queries.brokerTransmitBytesPerSecond.replace('[2m]', '[10s]'),
      },
      forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
    };
    const errors: unknown[] = [];
    const history = new ForecastHistory(new PrometheusAdapter(baseUrl), config, error =>
      errors.push(error),
    );
    // GIVEN a controller (re)started while its Prometheus is stopped
    await stopPrometheus();
    const downMs = Date.now();
    await history.refresh(downMs);
    const down = history.forecasts(downMs) ?? [];
    // THEN every zone's forecast is unknown, naming the failed query
    expect(down.map(each => each.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(down[0].unknownCause).toMatch(
      /^no forecast history range query has succeeded since the controller started \(last error: .+\)$/,
    );
    expect(errors.length).toBeGreaterThan(0);
    // WHEN Prometheus starts again on the same port and data
    ({ stop: stopPrometheus } = startProcess(binary, prometheusArgs));
    await waitFor('Prometheus ready again', async () => (await fetch(`${baseUrl}/-/ready`)).ok);
    // THEN the next try (due one pass interval, 30 s here, after the failure: the backoff) makes
    // the history known. The range query's last evaluation is at the refresh time (14 days are a
    // whole number of steps), where the 10 s rate has samples once two scrapes happened.
    let statuses: string[] = [];
    await waitFor(
      'the history to be known',
      async () => {
        const nowMs = Date.now();
        await history.refresh(nowMs);
        statuses = (history.forecasts(nowMs) ?? []).map(each => each.status);
        return statuses[0] !== 'unknown' && statuses[1] !== 'unknown';
      },
      60_000,
    );
    // Pools a and b: known, far too short (a new cluster: reactive). Pool c has no series in a
    // successful response: missing data, unknown.
    expect(statuses).toEqual(['insufficient-history', 'insufficient-history', 'unknown']);
    expect(history.forecasts(Date.now())?.[2].unknownCause).toBe(
      'the forecast history range query returned no receive series for pool brokers-c',
    );
  });
});

describe('forecast history: a real Prometheus restarted on an empty data dir', () => {
  let stopPrometheus: () => Promise<void> = async () => undefined;
  let exporter: Server | undefined;
  let workDir = '';

  afterAll(async () => {
    await stopPrometheus();
    exporter?.close();
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });

  test('the zone stays known (not insufficient-history) while the process held a longer history', async () => {
    const binary = prometheusPath();
    const promtool = join(dirname(binary), 'promtool');
    // Counters as cAdvisor would have counted them since 30 h ago: pool brokers-a at 1 + 2 MiB/s,
    // pool brokers-b at 4 MiB/s, both directions. The same function feeds the backfill and the
    // exporter, so the series run on without a reset.
    const startedMs = Date.now();
    const originMs = startedMs - 30 * HOUR_MS;
    const pods: Array<[string, number]> = [
      ['orders-brokers-a-1000', 1],
      ['orders-brokers-a-1001', 2],
      ['orders-brokers-b-2000', 4],
    ];
    const counter = (atMs: number, mibps: number) =>
      Math.round(((atMs - originMs) / 1000) * mibps * MIB);
    workDir = mkdtempSync(join(tmpdir(), 'prom-forecast-wipe-'));
    // GIVEN a Prometheus that holds those 30 h (backfilled with promtool, 30 s apart, up to 1 min ago)
    const backfillEndMs = startedMs - 60_000;
    const openMetrics: string[] = [];
    for (const direction of ['receive', 'transmit']) {
      openMetrics.push(`# TYPE container_network_${direction}_bytes counter`);
      for (const [pod, mibps] of pods) {
        for (let atMs = originMs; atMs <= backfillEndMs; atMs += 30_000) {
          openMetrics.push(
            `container_network_${direction}_bytes_total{namespace="kafka",pod="${pod}"} ${counter(atMs, mibps)} ${atMs / 1000}`,
          );
        }
      }
    }
    openMetrics.push('# EOF', '');
    const backfillPath = join(workDir, 'backfill.om');
    writeFileSync(backfillPath, openMetrics.join('\n'));
    const fullData = join(workDir, 'data-full');
    execFileSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', backfillPath, fullData], {
      stdio: 'pipe',
    });
    const exporterPort = await freePort();
    exporter = createServer((_request, response) => {
      const nowMs = Date.now();
      response.end(
        [
          ...pods.flatMap(([pod, mibps]) =>
            ['receive', 'transmit'].map(
              direction =>
                `container_network_${direction}_bytes_total{namespace="kafka",pod="${pod}"} ${counter(nowMs, mibps)}`,
            ),
          ),
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>(resolve => exporter?.listen(exporterPort, '127.0.0.1', resolve));
    const configPath = writeScrapeConfig(workDir, exporterPort);
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const start = (dataDir: string) => {
      ({ stop: stopPrometheus } = startProcess(binary, [
        `--config.file=${configPath}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ]));
      return waitFor('Prometheus ready', async () => (await fetch(`${baseUrl}/-/ready`)).ok);
    };
    await start(fullData);
    const config: ControllerConfig = {
      ...testConfig(),
      prometheusQueries: defaultPrometheusQueries('kafka', 'orders'),
      forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
    };
    const adapter = new PrometheusAdapter(baseUrl);
    const marker = new MemoryMarkerStore();
    const history = new ForecastHistory(adapter, config, () => undefined, { marker });
    // WHEN the controller refreshes 10 min back in time (the backfill covers that query wholly)
    const firstMs = startedMs - FORECAST_REFRESH_SECONDS * 1000;
    await history.refresh(firstMs);
    // THEN pools a and b are known with 30 h (zone c's pool has no series: unknown)
    const before = history.forecasts(firstMs) ?? [];
    expect(before.map(each => each.status)).toEqual(['ok', 'ok', 'unknown']);
    expect(before[0].historyHours).toBeGreaterThan(29);
    expect(before[0].forecastMiBps).toBeCloseTo(3, 1);
    expect(before[1].forecastMiBps).toBeCloseTo(4, 1);
    // AND it stamped the zones it held 24 h of in the marker
    expect(Object.keys(marker.marker?.zones ?? {})).toEqual(['us-east-1a', 'us-east-1b']);
    // WHEN Prometheus is restarted on an EMPTY data dir (its data lost) and has scraped again
    await stopPrometheus();
    await start(join(workDir, 'data-empty'));
    const perPool = perPoolQuery(config.prometheusQueries.brokerReceiveBytesPerSecond, 'orders');
    await waitFor(
      'the new Prometheus to have rates for both pools',
      async () => {
        const nowMs = Date.now();
        const series = await adapter.queryRange(perPool, nowMs - 5_000, nowMs, 1);
        return series.filter(each => each.points.length > 0).length === 2;
      },
      60_000,
    );
    const laterMs = Date.now();
    const range = await adapter.queryRange(perPool, laterMs - 30 * HOUR_MS, laterMs, 300);
    expect(range.every(each => each.points.length <= 1)).toBe(true);
    await history.refresh(laterMs);
    // THEN the zones the process knew stay known, with the same forecast
    const after = history.forecasts(laterMs) ?? [];
    expect(after.map(each => each.status)).toEqual(['ok', 'ok', 'unknown']);
    expect(after[0].historyHours).toBeGreaterThan(29);
    expect(after[0].forecastMiBps).toBeCloseTo(3, 1);
    expect(after[1].forecastMiBps).toBeCloseTo(4, 1);
    // AND a controller restarted only now reads the wiped Prometheus as lost, not new: the marker
    // says the zones had 24 h; no removal starts there until Prometheus holds 24 h again
    const restarted = new ForecastHistory(adapter, config, () => undefined, { marker });
    await restarted.refresh(laterMs);
    const lost = restarted.forecasts(laterMs) ?? [];
    expect(lost.map(each => each.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(lost[0].historyHours).toBeLessThan(1);
    expect(lost[0].unknownCause).toMatch(
      /^Prometheus holds 0(\.\d)? h of zone us-east-1a's demand history, less than the 24 h the forecast needs, but the forecast history marker \(ConfigMap .+\) says a controller held 24 h or more of it at .+: Prometheus lost data the floor relied on$/,
    );
    // The control: without a marker (a new cluster) the same answer reads as short (reactive)
    const unmarked = new ForecastHistory(adapter, config, () => undefined, {
      marker: new MemoryMarkerStore(),
    });
    await unmarked.refresh(laterMs);
    expect((unmarked.forecasts(laterMs) ?? []).map(each => each.status)).toEqual([
      'insufficient-history',
      'insufficient-history',
      'unknown',
    ]);
  });
});
