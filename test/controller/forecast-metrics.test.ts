/**
 * The forecast floor's metrics on `/metrics`, wired as in controller/main.ts: with
 * `autoscaling.forecast` off not one `kafka_autoscaler_forecast_*` series is exported (a 0 would
 * read as a healthy forecast: no failed range query, no wait, no unknown zone), with it on every
 * one is, zeros included.
 */
import type { AddressInfo } from 'node:net';
import type { ControllerConfig } from '../../controller/config';
import { decide } from '../../controller/decide';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  type RangeQuerier,
} from '../../controller/forecast-history';
import { startHttpServer } from '../../controller/http-server';
import { ControllerMetrics } from '../../controller/metrics';
import { INITIAL_MEMORY } from '../../controller/model';
import { NOW_MS, healthyCluster, testConfig } from './fixtures';

const STEP_MS = FORECAST_STEP_SECONDS * 1000;

/** Three days of a flat 40 MiB/s per pool: every zone's forecast counts. */
function flatPrometheus(config: ControllerConfig): RangeQuerier {
  return {
    queryRange: async (_promql, startMs, endMs) => {
      const points: Array<{ atMs: number; value: number }> = [];
      const fromMs = Math.max(startMs, NOW_MS - 3 * 86_400_000);
      for (let atMs = Math.ceil(fromMs / STEP_MS) * STEP_MS; atMs <= endMs; atMs += STEP_MS) {
        points.push({ atMs, value: 40 * 1024 * 1024 });
      }
      return config.zones.map(zone => ({ labels: { pool: zone.poolName }, points }));
    },
  };
}

/** One pass of main.ts's metric wiring, then the text served at `/metrics`. */
async function metricsAfterOnePass(config: ControllerConfig): Promise<string> {
  // As main.ts builds it (a variable, so the options are checked as main passes them).
  const options = { defaultMetrics: false, forecastFloor: config.forecast !== undefined };
  const metrics = new ControllerMetrics(options);
  const history = new ForecastHistory(flatPrometheus(config), config);
  await history.refresh(NOW_MS);
  metrics.setForecastRefreshState(history.refreshState());
  const forecast = history.forecasts(NOW_MS);
  const observed = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 30 });
  metrics.recordPlan(
    decide(forecast === undefined ? observed : { ...observed, forecast }, config, INITIAL_MEMORY),
    NOW_MS,
  );
  const server = await startHttpServer(
    { alive: () => true, fresh: () => true, metrics: () => metrics.text() },
    0,
    '127.0.0.1',
  );
  try {
    const { port } = server.address() as AddressInfo;
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } finally {
    server.close();
  }
}

/** Every forecast metric (the names in controller/metrics.ts and docs/controller.md). */
const FORECAST_METRICS = [
  'kafka_autoscaler_forecast_demand_mibps',
  'kafka_autoscaler_forecast_error_mibps',
  'kafka_autoscaler_forecast_recent_error_mibps',
  'kafka_autoscaler_forecast_correction_mibps',
  'kafka_autoscaler_forecast_floor_nodes',
  'kafka_autoscaler_forecast_unknown',
  'kafka_autoscaler_forecast_history_failures',
  'kafka_autoscaler_forecast_history_retry_delay_seconds',
  'kafka_autoscaler_forecast_marker_errors_total',
];

describe('forecast metrics on /metrics', () => {
  test('with autoscaling.forecast off, no forecast series, help or type line is exported', async () => {
    const config = testConfig();
    expect(config.forecast).toBeUndefined();
    const text = await metricsAfterOnePass(config);
    expect(text).toContain('kafka_autoscaler_desired_nodes{zone="us-east-1a"}');
    expect(text.split('\n').filter(line => line.includes('kafka_autoscaler_forecast_'))).toEqual(
      [],
    );
  });

  test('without the option, none is registered either (off is the default)', async () => {
    const text = await new ControllerMetrics({ defaultMetrics: false }).text();
    expect(text).not.toContain('kafka_autoscaler_forecast_');
  });

  test('with it on, every forecast metric is exported, the healthy zeros included', async () => {
    const config: ControllerConfig = {
      ...testConfig(),
      forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
    };
    const text = await metricsAfterOnePass(config);
    for (const name of FORECAST_METRICS) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain('kafka_autoscaler_forecast_history_failures 0');
    expect(text).toContain('kafka_autoscaler_forecast_history_retry_delay_seconds 0');
    expect(text).toContain('kafka_autoscaler_forecast_unknown{zone="us-east-1a"} 0');
    expect(text).toMatch(/kafka_autoscaler_forecast_demand_mibps\{zone="us-east-1a"\} \d/);
    expect(text).toMatch(/kafka_autoscaler_forecast_floor_nodes\{zone="us-east-1a"\} \d/);
    // No marker error yet: each operation's counter starts at 0, so rate() sees the first one.
    for (const operation of ['read', 'write', 'conflict']) {
      expect(text).toContain(
        `kafka_autoscaler_forecast_marker_errors_total{operation="${operation}"} 0`,
      );
    }
    // The list above is every forecast metric the controller has.
    const exported = new Set(
      [...text.matchAll(/^# TYPE (kafka_autoscaler_forecast_\w+) /gm)].map(match => match[1]),
    );
    expect([...exported].sort()).toEqual([...FORECAST_METRICS].sort());
  });
});
