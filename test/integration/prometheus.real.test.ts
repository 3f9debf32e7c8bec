/**
 * The Prometheus adapter against a real Prometheus that scrapes a small exporter serving the
 * metrics the default queries read (cAdvisor-style network counters, Kafka partition gauges).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusAdapter } from '../../controller/adapters/prometheus';
import { defaultPrometheusQueries } from '../../controller/config';
import { freePort, prometheusPath, startProcess, waitFor, writeScrapeConfig } from './peers';

const MIB = 1024 * 1024;

describe('PrometheusAdapter against a real Prometheus', () => {
  let stopPrometheus: () => Promise<void> = async () => undefined;
  let exporter: Server | undefined;
  let dataDir = '';
  let baseUrl = '';
  const started = Date.now();

  beforeAll(async () => {
    const binary = prometheusPath();
    const exporterPort = await freePort();
    // Counters growing at 2 MiB/s in and 4 MiB/s out for one broker pod, and a second broker pod
    // with throughput but no partition-health gauges (as if its Kafka metrics scrape failed).
    exporter = createServer((_request, response) => {
      const seconds = (Date.now() - started) / 1000;
      const pod = 'namespace="kafka",pod="orders-brokers-a-1000"';
      const silent = 'namespace="kafka",pod="orders-brokers-b-2000"';
      const frozen = 'namespace="frozen",pod="orders-brokers-a-1000"';
      response.end(
        [
          `container_network_receive_bytes_total{${pod}} ${Math.round(seconds * 2 * MIB)}`,
          `container_network_transmit_bytes_total{${pod}} ${Math.round(seconds * 4 * MIB)}`,
          `container_network_receive_bytes_total{${silent}} ${Math.round(seconds * MIB)}`,
          `container_network_transmit_bytes_total{${silent}} ${Math.round(seconds * MIB)}`,
          'kafka_server_replicamanager_underreplicatedpartitions{namespace="kafka",pod="orders-brokers-a-1000"} 0',
          'kafka_cluster_partition_underminisr{namespace="kafka",pod="orders-brokers-a-1000",topic="t",partition="0"} 0',
          // Namespace `frozen` (review s35-a): a broker whose partition-health gauge carries an
          // explicit timestamp that never moves (a scrape whose exporter stopped updating), so
          // its age grows on Prometheus's clock.
          `container_network_receive_bytes_total{${frozen}} ${Math.round(seconds * MIB)}`,
          `container_network_transmit_bytes_total{${frozen}} ${Math.round(seconds * MIB)}`,
          `kafka_server_replicamanager_underreplicatedpartitions{${frozen}} 0 ${started}`,
          `kafka_cluster_partition_underminisr{${frozen},topic="t",partition="0"} 0`,
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>(resolve => exporter?.listen(exporterPort, '127.0.0.1', resolve));
    dataDir = mkdtempSync(join(tmpdir(), 'prom-it-'));
    const configPath = writeScrapeConfig(dataDir, exporterPort);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    ({ stop: stopPrometheus } = startProcess(binary, [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dataDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]));
    await waitFor('Prometheus ready', async () => (await fetch(`${baseUrl}/-/ready`)).ok);
  });

  afterAll(async () => {
    await stopPrometheus();
    exporter?.close();
    if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  });

  test('reads broker throughput and partition health with the default queries', async () => {
    const adapter = new PrometheusAdapter(baseUrl);
    // The default queries with a 10 s rate window instead of 2 m: rate() only reports the full
    // slope once its window is mostly covered by samples, and a fresh Prometheus has none older
    // than the test. Everything else (selectors, aggregation, parsing) is the default.
    const queries = Object.fromEntries(
      Object.entries(defaultPrometheusQueries('kafka', 'orders')).map(([name, query]) => [
        name,
        query.replace('[2m]', '[10s]'),
      ]),
    ) as ReturnType<typeof defaultPrometheusQueries>;
    expect(Object.values(queries).join(' ')).toContain('[10s]');
    await waitFor(
      'rate() to settle',
      async () => {
        const metrics = await adapter.kafkaMetrics(queries);
        const a = metrics.loads.find(load => load.podName === 'orders-brokers-a-1000');
        return a !== undefined && a.receiveMiBps > 1.5 && a.receiveMiBps < 2.5;
      },
      100_000,
    );
    const metrics = await adapter.kafkaMetrics(queries);
    // The age comes from the raw samples' own timestamps (scraped every second), for every pod.
    expect(metrics.sampledAtMs).toBeGreaterThan(Date.now() - 10_000);
    expect(metrics.sampledAtMs).toBeLessThanOrEqual(Date.now());
    expect(metrics.underReplicatedPartitions).toBe(0);
    expect(metrics.underMinIsrPartitions).toBe(0);
    expect(metrics.loads.map(load => load.podName)).toEqual([
      'orders-brokers-a-1000',
      'orders-brokers-b-2000',
    ]);
    // Per-pod partition-health sample times: the pod without gauges has none (the controller
    // then holds, naming it), the other's is its raw sample's own time.
    expect(Object.keys(metrics.healthSampledAtMs)).toEqual(['orders-brokers-a-1000']);
    expect(metrics.healthSampledAtMs['orders-brokers-a-1000']).toBeGreaterThan(Date.now() - 10_000);
    expect(metrics.healthSampledAtMs['orders-brokers-a-1000']).toBeLessThanOrEqual(Date.now());
    expect(metrics.loads[0].receiveMiBps).toBeGreaterThan(1.5);
    expect(metrics.loads[0].receiveMiBps).toBeLessThan(2.5);
    expect(metrics.loads[0].transmitMiBps).toBeGreaterThan(3);
    expect(metrics.loads[0].transmitMiBps).toBeLessThan(5);
  });

  test("sample ages are measured on Prometheus's clock, whatever the controller's reads (review s35-a, fault 1)", async () => {
    // The controller's clock 2 minutes behind Prometheus's (Prometheus's ahead): read naively,
    // every sample time would look 2 minutes younger, and the frozen gauge fresh.
    const skewMs = 120_000;
    const clock = () => Date.now() - skewMs;
    const adapter = new PrometheusAdapter(baseUrl, fetch, 10_000, { clock });
    const queries = defaultPrometheusQueries('frozen', 'orders');
    const pod = 'orders-brokers-a-1000';
    await waitFor(
      'the frozen gauge to be scraped and two throughput samples',
      async () => {
        const metrics = await adapter.kafkaMetrics(queries);
        return metrics.healthSampledAtMs[pod] !== undefined && Date.now() - started > 5_000;
      },
      60_000,
    );
    const before = Date.now();
    const metrics = await adapter.kafkaMetrics(queries);
    const controllerNowMs = clock();
    // The gauge was stamped `started`; Prometheus evaluated after `before`: its age is at least
    // that on any clock, and at most that plus the request's own duration.
    const ageAtLeastMs = before - started;
    const healthAgeMs = controllerNowMs - metrics.healthSampledAtMs[pod];
    expect(healthAgeMs).toBeGreaterThanOrEqual(ageAtLeastMs);
    expect(healthAgeMs).toBeLessThan(ageAtLeastMs + 10_000);
    expect(controllerNowMs - metrics.sampledAtMs).toBeGreaterThanOrEqual(ageAtLeastMs);
    // With the controller's bound (the stale limit) below the skew, the answer is refused, naming
    // the clocks, rather than read.
    const bounded = new PrometheusAdapter(baseUrl, fetch, 10_000, {
      clock,
      maxClockSkewMs: 60_000,
    });
    await expect(bounded.kafkaMetrics(queries)).rejects.toThrow(
      /ahead of the controller's clock \(more than 60 s\).*sync/,
    );
  });

  test('an unknown metric is an error, not zero', async () => {
    const adapter = new PrometheusAdapter(baseUrl);
    await expect(
      adapter.kafkaMetrics({
        ...defaultPrometheusQueries('kafka', 'orders'),
        underReplicatedPartitions: 'sum(no_such_metric)',
      }),
    ).rejects.toThrow(/no value/);
  });
});
