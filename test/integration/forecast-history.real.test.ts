/**
 * The forecast floor's history query against a real Prometheus: `PrometheusAdapter.queryRange` and
 * the per-pool PromQL `ForecastHistory` sends (`label_replace` on the pod name), with two pools'
 * broker pods served by a small exporter; and `ForecastHistory` itself while that Prometheus is
 * stopped, then started again (history unknown, then known).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusAdapter } from '../../controller/adapters/prometheus';
import { defaultPrometheusQueries, type ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import { ForecastHistory, perPoolQuery } from '../../controller/forecast-history';
import { testConfig } from '../controller/fixtures';
import { freePort, prometheusPath, startProcess, waitFor } from './peers';

const MIB = 1024 * 1024;

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
    const configPath = join(dataDir, 'prometheus.yml');
    writeFileSync(
      configPath,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: exporter',
        '    honor_labels: true',
        `    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]`,
        '',
      ].join('\n'),
    );
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
    // THEN the next refresh (due at once after a failure) makes the history known. The range
    // query's last evaluation is at the refresh time (14 days are a whole number of steps), where
    // the 10 s rate has samples once two scrapes happened.
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
