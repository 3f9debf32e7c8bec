/**
 * Every query of the Grafana dashboard, run by a real Prometheus against the controller's real
 * metrics registry (served over HTTP, scraped with the `namespace` and `pod` target labels a
 * PodMonitor adds) and a small stand-in exporter for the kube-state-metrics and Strimzi series
 * (names from `charts/monitoring/metric-names.ts` and `spec/kafka-metrics.ts`, label shapes from
 * their documentation). Each query must parse and return data.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  autoscalerDashboard,
  dashboardInputFromSpec,
  dashboardQueries,
} from '../../charts/dashboard/autoscaler-dashboard';
import { POD_INFO } from '../../charts/monitoring/metric-names';
import { ControllerMetrics } from '../../controller/metrics';
import type { Plan } from '../../controller/model';
import { parseSpec } from '../../spec/load';
import {
  OFFLINE_PARTITIONS,
  UNDER_MIN_ISR_PARTITIONS,
  UNDER_REPLICATED_PARTITIONS,
} from '../../spec/kafka-metrics';
import { specInput } from '../util/specs';
import { freePort, prometheusPath, startProcess, waitFor } from './peers';

const { spec } = parseSpec(specInput(3, 4));
const queries = dashboardQueries(autoscalerDashboard(dashboardInputFromSpec(spec)));
const zones = spec.zones;

function plan(reason: Plan['reason']): Plan {
  return {
    action: undefined,
    reason,
    detail: reason,
    zones: zones.map(zone => ({
      zone,
      currentNodes: 2,
      desiredNodes: 2,
      scaleInLevelNodes: 2,
      demandMiBps: 150,
    })),
    memory: { scaleInEligibleSinceMs: {}, waitingForNodesSinceMs: {}, levelCarriesSinceMs: {} },
  };
}

describe('dashboard queries on a real Prometheus', () => {
  let stopPrometheus: () => Promise<void> = async () => undefined;
  const servers: Server[] = [];
  let dataDir = '';
  let baseUrl = '';

  beforeAll(async () => {
    const binary = prometheusPath();
    // The controller's own registry, driven through its public methods.
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    const started = Date.now();
    metrics.setLeader(true);
    metrics.recordPlan(plan('stabilizing'), started - 60_000);
    metrics.recordPlan(plan('stale-data'), started - 30_000);
    metrics.recordPlan(plan('at-target'), started);
    metrics.recordAction('scale-out', false);
    metrics.recordOperationEvents([
      'move-started',
      'move-finished',
      'instance-terminated',
      'abandoned',
    ]);
    metrics.setCurrentMoveAge(42);
    let tick = 0;
    const controller = createServer((_request, response) => {
      // Keep counters moving so rate() and increase() see growth between scrapes.
      tick += 1;
      metrics.recordPlan(plan(tick % 2 === 0 ? 'stale-data' : 'at-target'), Date.now());
      metrics.recordAction('respread', false);
      metrics.recordOperationEvents(['move-started', 'instance-terminated', 'abandoned']);
      void metrics.text().then(text => response.end(text));
    });
    const pods = zones.flatMap((zone, index) =>
      [0, 1, 2, 3].map(i => ({
        pod: `test-brokers-${zone.slice(-1)}-${(index + 1) * 1000 + i}`,
        node: `node-${zone}-${i % 2}`,
      })),
    );
    const others = createServer((_request, response) => {
      response.end(
        [
          ...pods.map(
            p =>
              `${POD_INFO}{namespace="kafka",pod="${p.pod}",node="${p.node}",created_by_kind="StrimziPodSet",created_by_name="test-brokers"} 1`,
          ),
          `${UNDER_REPLICATED_PARTITIONS}{namespace="kafka",pod="test-brokers-a-1000"} 0`,
          `${UNDER_MIN_ISR_PARTITIONS}{namespace="kafka",pod="test-brokers-a-1000",topic="t",partition="0"} 0`,
          `${OFFLINE_PARTITIONS}{namespace="kafka",pod="test-controllers-0"} 0`,
          '',
        ].join('\n'),
      );
    });
    const ports = [await freePort(), await freePort()];
    await new Promise<void>(resolve => controller.listen(ports[0], '127.0.0.1', resolve));
    await new Promise<void>(resolve => others.listen(ports[1], '127.0.0.1', resolve));
    servers.push(controller, others);
    dataDir = mkdtempSync(join(tmpdir(), 'prom-dashboard-'));
    const configPath = join(dataDir, 'prometheus.yml');
    writeFileSync(
      configPath,
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: controller',
        `    static_configs: [{ targets: ['127.0.0.1:${ports[0]}'], labels: { namespace: ${spec.controller.namespace}, pod: kafka-autoscaler-0 } }]`,
        '  - job_name: others',
        '    honor_labels: true',
        `    static_configs: [{ targets: ['127.0.0.1:${ports[1]}'] }]`,
        '',
      ].join('\n'),
    );
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
    for (const server of servers) server.close();
    if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
  });

  async function instant(
    expr: string,
  ): Promise<{ status: string; result: unknown[]; error?: string }> {
    const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`;
    const body = (await (await fetch(url)).json()) as {
      status: string;
      error?: string;
      data?: { result: unknown[] };
    };
    return { status: body.status, result: body.data?.result ?? [], error: body.error };
  }

  it('every panel query parses and returns data', async () => {
    // Grafana fills $__rate_interval; a 10 s window covers several 1 s scrapes.
    const all = Object.entries(queries).flatMap(([title, exprs]) =>
      exprs.map(expr => ({ title, expr: expr.replaceAll('$__rate_interval', '10s') })),
    );
    expect(all.length).toBeGreaterThan(10);
    await waitFor(
      'every query to return data',
      async () => {
        for (const { expr } of all) {
          const answer = await instant(expr);
          if (answer.status !== 'success' || answer.result.length === 0) return false;
        }
        return true;
      },
      60_000,
    ).catch(() => undefined);
    for (const { title, expr } of all) {
      const answer = await instant(expr);
      expect({ title, expr, status: answer.status, error: answer.error }).toEqual({
        title,
        expr,
        status: 'success',
        error: undefined,
      });
      expect({ title, expr, rows: answer.result.length > 0 }).toEqual({ title, expr, rows: true });
    }
  }, 90_000);

  it('counts brokers per node by pool', async () => {
    const [expr] = queries['Brokers per node'] ?? [];
    const answer = (await instant(expr ?? '')) as {
      result: Array<{ metric: { pool?: string; node?: string }; value: [number, string] }>;
    } & { status: string };
    expect(answer.result).toHaveLength(6);
    for (const row of answer.result) expect(row.value[1]).toBe('2');
    expect(new Set(answer.result.map(row => row.metric.pool))).toEqual(
      new Set(['test-brokers-a', 'test-brokers-b', 'test-brokers-c']),
    );
  });
});
