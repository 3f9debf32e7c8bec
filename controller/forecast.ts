/**
 * The forecast floor: how much demand a zone will carry within the next lead time, learned from the
 * zone's own demand history. A pure function of the history; the caller fetches the history
 * (Prometheus range query) and `decide` turns the result into a floor level.
 *
 * The model, in two sentences: for each zone, the forecast is a high quantile (default the 90th
 * percentile) of the demand seen in the same time-of-day window, from now to now + lead time, on
 * each of the past days (up to 14) of the same kind (weekday or weekend; all days until one of that
 * kind is known). The floor plans for that forecast, but never for more than `1 + maxRaiseShare`
 * times the current demand, and the forecast is ignored until `minHistoryHours` of history exist.
 *
 * Like AWS predictive scaling it only ever raises capacity: it is a floor under the reactive level,
 * so a low forecast never removes a node, and it never bypasses a safety hold.
 */
import { quantile } from 'simple-statistics';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How the forecast floor is computed. */
export interface ForecastConfig {
  /**
   * Look-ahead, seconds: node launch plus the serial broker moves of the re-spread from the
   * lowest level to the highest (see `forecastLeadTimeSeconds`).
   */
  readonly leadTimeSeconds: number;
  /** Most days of history used. @default 14 (AWS predictive scaling uses up to 14 days) */
  readonly historyDays: number;
  /** History needed before the forecast counts, hours. @default 24 (as AWS predictive scaling) */
  readonly minHistoryHours: number;
  /** Quantile (0-1] of the pooled past demand taken as the forecast. @default 0.9 */
  readonly quantile: number;
  /**
   * The floor plans for at most (1 + maxRaiseShare) x the current demand, however high the
   * forecast. @default 1 (at most twice the current demand)
   */
  readonly maxRaiseShare: number;
}

/** Defaults of everything but the lead time. */
export const DEFAULT_FORECAST = {
  historyDays: 14,
  minHistoryHours: 24,
  quantile: 0.9,
  maxRaiseShare: 1,
} as const;

/** One demand reading of a zone. */
export interface DemandSample {
  /** Epoch ms. */
  readonly atMs: number;
  /** Zone demand, MiB/s in the busier direction (as `decide` computes it). */
  readonly demandMiBps: number;
}

/** What the forecast says about one zone. */
export interface ZoneForecast {
  readonly zone: string;
  /**
   * `ok`: the forecast counts. `insufficient-history`: the history is known but holds fewer than
   * `minHistoryHours`, or no past sample in the window (a new cluster: the floor is ignored and the
   * controller stays reactive). `unknown`: the history itself is missing or too old to trust
   * (`ForecastHistory`: no successful range query since the process started, the last one older
   * than `FORECAST_HISTORY_MAX_AGE_SECONDS`, or the zone's series missing or cut short in it);
   * `unknownCause` says which. The floor cannot be judged, so `decide` starts no node removal in
   * the zone and a removal in flight waits. `forecastZone` itself never returns `unknown`.
   * `forecastMiBps` is undefined unless `ok`.
   */
  readonly status: 'ok' | 'insufficient-history' | 'unknown';
  /** Why the forecast is `unknown`, one clause for a hold detail; absent otherwise. */
  readonly unknownCause?: string;
  /** Hours between the oldest sample used and now. */
  readonly historyHours: number;
  /** Forecast demand for [now, now + lead time], MiB/s; undefined when ignored. */
  readonly forecastMiBps: number | undefined;
  /**
   * Forecast error: what the model would have forecast for the window that just ended
   * ([now - lead time, now]) minus the highest demand actually seen in it, MiB/s (positive = over
   * the real demand). Undefined when either side has no data.
   */
  readonly errorMiBps: number | undefined;
}

/** Lead time from the platform: node launch plus the serial moves that fill the new nodes. */
export function forecastLeadTimeSeconds(options: {
  /** EC2 launch to node Ready, seconds. */
  readonly nodeLaunchSeconds: number;
  /** One broker move (restart plus catch-up), seconds. */
  readonly moveSeconds: number;
  /** Zones. */
  readonly zones: number;
  /** Brokers per zone. */
  readonly brokersPerZone: number;
  /** Balanced levels, ascending. */
  readonly balancedNodeCounts: readonly number[];
}): number {
  const lowest = options.balancedNodeCounts[0] ?? 1;
  const highest = options.balancedNodeCounts[options.balancedNodeCounts.length - 1] ?? lowest;
  // Going from the lowest to the highest level, each new node receives brokersPerZone / highest
  // brokers; moves run one at a time across the cluster.
  const movesPerZone = (highest - lowest) * (options.brokersPerZone / highest);
  return options.nodeLaunchSeconds + options.zones * movesPerZone * options.moveSeconds;
}

/** Index of the first sample at or after `atMs` (samples ascending by time). */
function lowerBound(samples: readonly DemandSample[], atMs: number): number {
  let low = 0;
  let high = samples.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (samples[middle].atMs < atMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

function isWeekend(atMs: number): boolean {
  const day = new Date(atMs).getUTCDay();
  return day === 0 || day === 6;
}

/**
 * The pooled samples of [startMs, startMs + lead) on each past day, same kind of day first.
 * Days are whole 24 h shifts back from `startMs`, up to `historyDays`.
 */
function pastWindows(
  samples: readonly DemandSample[],
  startMs: number,
  leadMs: number,
  config: ForecastConfig,
): number[] {
  const sameKind: number[] = [];
  const all: number[] = [];
  const weekend = isWeekend(startMs);
  for (let day = 1; day <= config.historyDays; day++) {
    const fromMs = startMs - day * DAY_MS;
    const toMs = fromMs + leadMs;
    const kindMatches = isWeekend(fromMs) === weekend;
    for (let i = lowerBound(samples, fromMs); i < samples.length; i++) {
      const sample = samples[i];
      if (sample.atMs >= toMs) break;
      all.push(sample.demandMiBps);
      if (kindMatches) sameKind.push(sample.demandMiBps);
    }
  }
  return sameKind.length > 0 ? sameKind : all;
}

/**
 * Forecasts one zone's demand for the next lead time from its history (ascending by `atMs`;
 * samples after `nowMs` are ignored). Pure.
 */
export function forecastZone(
  zone: string,
  history: readonly DemandSample[],
  nowMs: number,
  config: ForecastConfig,
): ZoneForecast {
  const leadMs = Math.max(0, config.leadTimeSeconds) * 1000;
  const oldestUsedMs = Math.max(history[0]?.atMs ?? nowMs, nowMs - config.historyDays * DAY_MS);
  const historyHours = history.length === 0 ? 0 : Math.max(0, (nowMs - oldestUsedMs) / HOUR_MS);
  const ignored: ZoneForecast = {
    zone,
    status: 'insufficient-history',
    historyHours,
    forecastMiBps: undefined,
    errorMiBps: undefined,
  };
  if (historyHours < config.minHistoryHours) return ignored;
  const ahead = pastWindows(history, nowMs, leadMs, config);
  if (ahead.length === 0) return ignored;
  const forecastMiBps = quantile(ahead, config.quantile);

  const behindStartMs = nowMs - leadMs;
  const behind = pastWindows(history, behindStartMs, leadMs, config);
  let actual = Number.NEGATIVE_INFINITY;
  for (let i = lowerBound(history, behindStartMs); i < history.length; i++) {
    if (history[i].atMs > nowMs) break;
    actual = Math.max(actual, history[i].demandMiBps);
  }
  const errorMiBps =
    behind.length > 0 && Number.isFinite(actual)
      ? quantile(behind, config.quantile) - actual
      : undefined;
  return { zone, status: 'ok', historyHours, forecastMiBps, errorMiBps };
}

/**
 * The demand the floor plans for: the forecast, capped at (1 + maxRaiseShare) x the current
 * demand; 0 (no floor) when the forecast is ignored. Never below 0.
 */
export function forecastFloorMiBps(
  forecast: ZoneForecast | undefined,
  currentDemandMiBps: number,
  config: ForecastConfig,
): number {
  if (forecast?.status !== 'ok' || forecast.forecastMiBps === undefined) return 0;
  const cap = Math.max(0, currentDemandMiBps) * (1 + Math.max(0, config.maxRaiseShare));
  return Math.max(0, Math.min(forecast.forecastMiBps, cap));
}
