/**
 * Feeds the forecast floor: keeps each zone's demand history from a Prometheus range query over
 * the last `historyDays` (refreshed every `refreshSeconds`) and turns it into `ZoneForecast`s with
 * the pure `forecastZone`. A failed refresh keeps the previous history; with none, every zone's
 * forecast is `insufficient-history` and the floor does nothing (the controller stays reactive).
 *
 * Zone demand is what `decide` uses: per zone, the larger of the summed receive and transmit rates
 * of its brokers. The PromQL groups the per-pod queries by pool with `label_replace` on the pod
 * name (`<cluster>-<pool>-<id>`, Strimzi's naming), so each query returns one series per pool.
 */
import type { ControllerConfig } from './config';
import { forecastZone, type DemandSample, type ZoneForecast } from './forecast';

const MIB = 1024 * 1024;
const DAY_MS = 86_400_000;

/** The part of the Prometheus adapter this needs (`PrometheusAdapter.queryRange`). */
export interface RangeQuerier {
  queryRange(
    promql: string,
    startMs: number,
    endMs: number,
    stepSeconds: number,
  ): Promise<
    ReadonlyArray<{
      readonly labels: Readonly<Record<string, string>>;
      readonly points: ReadonlyArray<{ readonly atMs: number; readonly value: number }>;
    }>
  >;
}

/** How often the history is fetched again, seconds. */
export const FORECAST_REFRESH_SECONDS = 600;
/** Resolution of the history, seconds (14 days = 4032 points, under Prometheus's 11,000). */
export const FORECAST_STEP_SECONDS = 300;

/** The per-pool PromQL of one direction, from the controller's per-pod query. */
export function perPoolQuery(perPodQuery: string, clusterName: string): string {
  const escaped = clusterName.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');
  return `sum by (pool) (label_replace(${perPodQuery}, "pool", "$1", "pod", "${escaped}-(.+)-[0-9]+"))`;
}

/** Keeps the history and answers forecasts. */
export class ForecastHistory {
  private history = new Map<string, DemandSample[]>();
  private fetchedAtMs: number | undefined;

  constructor(
    private readonly prometheus: RangeQuerier,
    private readonly config: ControllerConfig,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Refetches the history when it is older than `FORECAST_REFRESH_SECONDS`. Never throws. */
  async refresh(nowMs: number): Promise<void> {
    const forecast = this.config.forecast;
    if (forecast === undefined) return;
    if (
      this.fetchedAtMs !== undefined &&
      nowMs - this.fetchedAtMs < FORECAST_REFRESH_SECONDS * 1000
    ) {
      return;
    }
    const startMs = nowMs - forecast.historyDays * DAY_MS;
    const { prometheusQueries, clusterName, zones } = this.config;
    try {
      const [receive, transmit] = await Promise.all(
        [
          prometheusQueries.brokerReceiveBytesPerSecond,
          prometheusQueries.brokerTransmitBytesPerSecond,
        ].map(query =>
          this.prometheus.queryRange(
            perPoolQuery(query, clusterName),
            startMs,
            nowMs,
            FORECAST_STEP_SECONDS,
          ),
        ),
      );
      const next = new Map<string, DemandSample[]>();
      for (const zone of zones) {
        const byTime = new Map<number, number>();
        for (const series of [...receive, ...transmit]) {
          if (series.labels.pool !== zone.poolName) continue;
          for (const point of series.points) {
            byTime.set(point.atMs, Math.max(byTime.get(point.atMs) ?? 0, point.value / MIB));
          }
        }
        next.set(
          zone.zone,
          [...byTime]
            .map(([atMs, demandMiBps]) => ({ atMs, demandMiBps }))
            .sort((a, b) => a.atMs - b.atMs),
        );
      }
      this.history = next;
      this.fetchedAtMs = nowMs;
    } catch (error) {
      this.onError(error);
    }
  }

  /** The forecast of every zone at `nowMs` from the history held. Undefined when the floor is off. */
  forecasts(nowMs: number): readonly ZoneForecast[] | undefined {
    const forecast = this.config.forecast;
    if (forecast === undefined) return undefined;
    return this.config.zones.map(zone =>
      forecastZone(zone.zone, this.history.get(zone.zone) ?? [], nowMs, forecast),
    );
  }
}
