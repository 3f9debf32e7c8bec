/**
 * The forecast floor: how much demand a zone will carry within the next lead time, learned from the
 * zone's own demand history. A pure function of the history; the caller fetches the history
 * (Prometheus range query) and `decide` turns the result into a floor level.
 *
 * The model, in two sentences: for each zone, the forecast is a high quantile (default the 90th
 * percentile) of the demand seen in the same time-of-day window, from now to now + lead time, on
 * each of the past days (up to 14) of the same kind (weekday or weekend; all days until one of that
 * kind is known), scaled down, never up, by how far today runs below that history: the factor is
 * the highest demand of the last 2 hours over the same quantile of those 2 hours on the past days,
 * capped at 1. The floor plans for that forecast, but never for more than `1 + maxRaiseShare` times
 * the current demand, and the forecast is ignored until `minHistoryHours` of history exist.
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

/**
 * How far back the correction compares today with the history, seconds (2 hours). Chosen by the
 * simulator: over the lead time (24.5 min in the prod example) or 1 hour the same factor added
 * minutes above baseline on occupancy_6005; over 2 hours it added none on any load
 * (docs/controller.md, "Forecast floor").
 */
export const FORECAST_CORRECTION_WINDOW_SECONDS = 7200;

/**
 * The longest stretch of today's correction window (`FORECAST_CORRECTION_WINDOW_SECONDS`) without a
 * sample that still lets the correction count, seconds: 15 min (3 steps of the controller's 5-min
 * history). A longer one, inside the window or between its last sample and now (refreshes
 * failing: the history is trusted for up to 6 h), may hide today's peak, and a peak taken for none
 * would lower the forecast; the factor is then 1. The controller refetches every 10 min, so its
 * last sample is normally under 11 min old.
 */
export const FORECAST_CORRECTION_MAX_GAP_SECONDS = 900;

/** Defaults of everything but the lead time. */
export const DEFAULT_FORECAST = {
  historyDays: 14,
  minHistoryHours: 24,
  quantile: 0.9,
  maxRaiseShare: 1,
} as const;

/** How an `unknown` forecast becomes known again unless `ZoneForecast.unknownWayOut` says else. */
export const FORECAST_UNKNOWN_WAY_OUT = 'Prometheus answers the forecast history range query again';

/** One demand reading of a zone. */
export interface DemandSample {
  /** Epoch ms. */
  readonly atMs: number;
  /** Zone demand, MiB/s in the busier direction (as `decide` computes it). */
  readonly demandMiBps: number;
}

/** Two different demands at one point in time `atMs` (ms), and the clause that says so. */
interface HistoryConflict {
  readonly atMs: number;
  readonly cause: string;
}

/** What `DemandHistory` keeps beside its samples, reachable only from this module. */
interface HistoryState {
  /** The samples: ascending, unique `atMs`, finite non-negative `demandMiBps`, each frozen. */
  readonly samples: DemandSample[];
  /**
   * Each point in time the history holds two different values at (ascending by `atMs`), with why
   * it cannot be trusted there; empty when it can. A forecast reads only samples in its window, so
   * only a conflict inside that window makes it `unknown` (`conflictInWindow`).
   */
  readonly conflicts: readonly HistoryConflict[];
  /** A frozen copy of `samples` for `DemandHistory.samples`, dropped at every append. */
  snapshot?: readonly DemandSample[];
  /** Window errors already computed (`recentForecastError`). */
  errorCache?: ErrorCache;
}

const historyStates = new WeakMap<DemandHistory, HistoryState>();

/** The state of `history` (every `DemandHistory` has one from its constructor). */
function stateOf(history: DemandHistory): HistoryState {
  const state = historyStates.get(history);
  if (state === undefined) throw new TypeError('not a DemandHistory built by its constructor');
  return state;
}

/**
 * `sample` as a history holds it: frozen (a frozen sample is shared, e.g. one from another
 * history's `samples`; any other is copied and the copy frozen), so no caller can revise it.
 */
function ownSample(sample: DemandSample): DemandSample {
  return Object.isFrozen(sample)
    ? sample
    : Object.freeze({ atMs: sample.atMs, demandMiBps: sample.demandMiBps });
}

/** Whether `sample` is a measurement: a finite time and a finite, non-negative demand. */
function isMeasurement(sample: DemandSample): boolean {
  return (
    Number.isFinite(sample.atMs) && Number.isFinite(sample.demandMiBps) && sample.demandMiBps >= 0
  );
}

/**
 * A zone's demand history as `forecastZone` reads it, checked once where it is built: samples
 * ascending by `atMs`, one per point in time, each with a finite time and a finite, non-negative
 * demand (MiB/s). It only grows at its end (`append`), and its samples are its own frozen copies,
 * so nothing can revise a sample it holds: the window errors `forecastZone` computes on it
 * (`recentErrorMiBps`) are kept with it and stay right as it grows.
 *
 * `DemandHistory.from` normalises any array of samples: it drops the samples that are not
 * measurements (a NaN, infinite or negative demand, or a time that is not a finite number: a
 * missing sample, so a gap, as the Prometheus adapter reads them), sorts the rest by time and keeps
 * one of samples repeated with the same demand. Two different demands at one point in time cannot
 * be told apart: the history is then untrusted there (`untrustedCause`), and `forecastZone`
 * answers `unknown`, never a figure from either, when that point is in the window it reads.
 */
export class DemandHistory {
  private constructor(samples: DemandSample[], conflicts: readonly HistoryConflict[]) {
    historyStates.set(this, { samples, conflicts });
  }

  /** An empty history, to `append` to. */
  static empty(): DemandHistory {
    return new DemandHistory([], []);
  }

  /**
   * The normalised history of `samples` (any order, any values; the array is not kept nor
   * changed): see the class. O(n) on an ascending array, O(n log n) otherwise. Pure.
   */
  static from(samples: readonly DemandSample[]): DemandHistory {
    const own: DemandSample[] = [];
    let ascending = true;
    for (const sample of samples) {
      if (!isMeasurement(sample)) continue;
      const last = own[own.length - 1];
      if (last !== undefined && !(last.atMs < sample.atMs)) ascending = false;
      own.push(ownSample(sample));
    }
    if (ascending) return new DemandHistory(own, []);
    own.sort((a, b) => a.atMs - b.atMs);
    const unique: DemandSample[] = [];
    const conflicts: HistoryConflict[] = [];
    for (const sample of own) {
      const last = unique[unique.length - 1];
      if (last === undefined || last.atMs !== sample.atMs) {
        unique.push(sample);
      } else if (
        last.demandMiBps !== sample.demandMiBps &&
        conflicts[conflicts.length - 1]?.atMs !== sample.atMs
      ) {
        conflicts.push({
          atMs: sample.atMs,
          cause: `the demand history holds two different demands at ${new Date(sample.atMs).toISOString()} (${last.demandMiBps} and ${sample.demandMiBps} MiB/s), so neither can be trusted; it needs one value per point in time`,
        });
      }
    }
    return new DemandHistory(unique, conflicts);
  }

  /**
   * Adds `sample` at the end (copied and frozen unless frozen).
   * @throws RangeError when `sample.atMs` is not a finite number after the last sample's, or
   *   `sample.demandMiBps` not a finite number >= 0: append measurements in time order, or build
   *   the history with `DemandHistory.from`, which normalises.
   */
  append(sample: DemandSample): void {
    const state = stateOf(this);
    const last = state.samples[state.samples.length - 1];
    if (!Number.isFinite(sample.atMs) || (last !== undefined && !(sample.atMs > last.atMs))) {
      throw new RangeError(
        `DemandHistory.append: atMs ${sample.atMs} is not a finite time after the last sample's (${last?.atMs ?? 'none'}); append samples in time order, or normalise them with DemandHistory.from`,
      );
    }
    if (!Number.isFinite(sample.demandMiBps) || sample.demandMiBps < 0) {
      throw new RangeError(
        `DemandHistory.append: demandMiBps ${sample.demandMiBps} at ${sample.atMs} is not a finite demand >= 0 MiB/s; leave a missing sample out (a gap)`,
      );
    }
    state.samples.push(ownSample(sample));
    state.snapshot = undefined;
  }

  /** The samples held (ascending by `atMs`, MiB/s): a frozen copy, the same until an append. */
  get samples(): readonly DemandSample[] {
    const state = stateOf(this);
    state.snapshot ??= Object.freeze([...state.samples]);
    return state.snapshot;
  }

  /**
   * Why the history cannot be trusted (`from` met two different demands at one point in time: the
   * earliest such point); undefined when it can. `forecastZone` answers `unknown` for it only when
   * that point is inside its window (`historyDays` before `nowMs` to `nowMs`).
   */
  get untrustedCause(): string | undefined {
    return stateOf(this).conflicts[0]?.cause;
  }
}

/** What the forecast says about one zone. */
export interface ZoneForecast {
  readonly zone: string;
  /**
   * `ok`: the forecast counts. `insufficient-history`: the history is known but holds fewer than
   * `minHistoryHours`, or no past sample in the window (a new cluster: the floor is ignored and the
   * controller stays reactive). `unknown`: the history itself is missing or too old to trust
   * (`ForecastHistory`: no successful range query since the process started, the last one older
   * than `FORECAST_HISTORY_MAX_AGE_SECONDS`, the zone's series missing or cut short in it, or a
   * history too short (or with no sample in its past windows) the forecast history marker says was long enough
   * before, or that no marker read has yet told from a new cluster's); `unknownCause` says which. The floor cannot be judged, so `decide` starts no node removal in
   * the zone and a removal in flight waits. `forecastZone` itself returns `unknown` only for a
   * history with two different demands at one point in time (`DemandHistory.untrustedCause`).
   * `forecastMiBps` is undefined unless `ok`.
   */
  readonly status: 'ok' | 'insufficient-history' | 'unknown';
  /** Why the forecast is `unknown`, one clause for a hold detail; absent otherwise. */
  readonly unknownCause?: string;
  /**
   * How an `unknown` forecast becomes known again, one clause for a hold detail ("until ..."), when
   * not by Prometheus answering the history range query again (`FORECAST_UNKNOWN_WAY_OUT`): set
   * for a zone the forecast history marker holds (`ForecastHistory.forecasts`).
   */
  readonly unknownWayOut?: string;
  /** Hours between the oldest sample used and now. */
  readonly historyHours: number;
  /**
   * Forecast demand for [now, now + lead time], MiB/s: `profileMiBps` less `correctionMiBps`;
   * undefined when ignored.
   */
  readonly forecastMiBps: number | undefined;
  /**
   * The uncorrected forecast, MiB/s: the quantile of the past days' window; undefined when ignored.
   */
  readonly profileMiBps: number | undefined;
  /**
   * How far the forecast was lowered because today runs below the history, MiB/s: `profileMiBps`
   * x (1 - `todayFactor`), >= 0 and at most `profileMiBps`; 0 when today's last
   * `FORECAST_CORRECTION_WINDOW_SECONDS` reached the past days' quantile of them, or hold a
   * stretch longer than `FORECAST_CORRECTION_MAX_GAP_SECONDS` without a sample (none at all
   * included); undefined when ignored.
   */
  readonly correctionMiBps: number | undefined;
  /**
   * The forecast quantile of the past days' last `FORECAST_CORRECTION_WINDOW_SECONDS` (the
   * denominator of `todayFactor`), MiB/s; undefined without a sample (the factor is then 1).
   * `forecastFloorMiBps` uses it to count the current demand into today's peak.
   */
  readonly correctionHistoryMiBps?: number;
  /**
   * Forecast error: what the model would have forecast for the window that just ended
   * ([now - lead time, now]) minus the highest demand actually seen in it, MiB/s (positive = over
   * the real demand). Undefined when either side has no data.
   */
  readonly errorMiBps: number | undefined;
  /**
   * How right the forecast has been lately, MiB/s: the mean of |`errorMiBps`| over the
   * `forecastRecentErrorWindows(leadTimeSeconds)` lead-time windows of the last day (each ending
   * at a whole multiple of the lead time since the epoch, the last at or before now), each judged
   * as `errorMiBps` is (the past days' quantile of that window minus the highest demand seen in
   * it) and as what the controller planned for (that quantile after today's correction at the
   * window's start, `todayFactor`), the larger of the two misses counting, on half-open windows
   * that tile the day.
   * Undefined (never 0) when any of those windows lacks a sample on the past days or has today a
   * stretch longer than `FORECAST_CORRECTION_MAX_GAP_SECONDS` without one (a gap, which may hide
   * the window's peak, or a history that stopped; less than about two days of history; a NaN,
   * infinite or negative sample counts as missing, `DemandHistory.from`), when the lead time is under
   * `FORECAST_RECENT_ERROR_MIN_LEAD_SECONDS`, and whenever the forecast is not `ok`: missing data
   * never reads as a small error. `decide` lets a small one shorten a scale-in wait
   * (`forecastTrusted` there).
   */
  readonly recentErrorMiBps?: number;
}

/**
 * How many lead-time windows `ZoneForecast.recentErrorMiBps` averages: as many as fit in a day
 * (`floor(86400 / leadTimeSeconds)`, 58 for the prod example's 1,470 s), so the figure covers the
 * last day whatever the lead time.
 */
export function forecastRecentErrorWindows(leadTimeSeconds: number): number {
  return Math.floor(DAY_MS / 1000 / leadTimeSeconds);
}

/**
 * The shortest lead time for which `recentErrorMiBps` is computed, seconds: 600 (two steps of
 * the controller's 5-minute history). A shorter window holds at most one sample a day, and a day
 * of such windows would cost hundreds of quantiles per pass.
 */
export const FORECAST_RECENT_ERROR_MIN_LEAD_SECONDS = 600;

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

/**
 * True on a Saturday or Sunday (UTC), as `new Date(atMs).getUTCDay()` says: day 0 of the epoch was
 * a Thursday (ECMA-262, "Week Day"), so the week day is (days since the epoch + 4) mod 7. Computed,
 * not through `Date`, because the forecast asks it for every past day of every window each minute
 * (a tenth of a 30-day simulation through `Date`). A time `Date` cannot hold (not finite, beyond
 * 8.64e15 ms) is not a weekend, as `getUTCDay()`'s NaN is neither 0 nor 6.
 */
export function isWeekend(atMs: number): boolean {
  if (!(Math.abs(atMs) <= MAX_DATE_MS)) return false;
  // `Date` truncates a fractional time toward zero before it counts days.
  const days = Math.floor(Math.trunc(atMs) / DAY_MS);
  const day = (((days + 4) % 7) + 7) % 7;
  return day === 0 || day === 6;
}

/** The largest time a `Date` holds, ms from the epoch (ECMA-262, "Time Values and Time Range"). */
const MAX_DATE_MS = 8.64e15;

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
 * Forecasts one zone's demand for the next lead time from its history (samples after `nowMs` are
 * ignored). A `DemandHistory` is read as it is and keeps the window errors computed on it
 * (`recentErrorMiBps`) from call to call; an array is normalised first (`DemandHistory.from`: any
 * order, NaN, infinite or negative demands dropped as missing samples, repeated samples kept once)
 * and nothing is kept of it, so the array may be changed in any way between calls. `unknown` (with
 * `unknownCause`) when the history holds two different demands at one point in time inside
 * [nowMs - historyDays, nowMs], the samples it reads; else `ok` or
 * `insufficient-history`. Pure.
 */
export function forecastZone(
  zone: string,
  demandHistory: DemandHistory | readonly DemandSample[],
  nowMs: number,
  config: ForecastConfig,
): ZoneForecast {
  const state = stateOf(
    demandHistory instanceof DemandHistory ? demandHistory : DemandHistory.from(demandHistory),
  );
  const history = state.samples;
  // Samples outside [nowMs - historyDays, nowMs] are not read, so neither is a conflict there.
  const conflict = state.conflicts.find(
    ({ atMs }) => atMs <= nowMs && atMs >= nowMs - config.historyDays * DAY_MS,
  );
  if (conflict !== undefined) {
    return {
      zone,
      status: 'unknown',
      unknownCause: conflict.cause,
      historyHours: 0,
      forecastMiBps: undefined,
      profileMiBps: undefined,
      correctionMiBps: undefined,
      errorMiBps: undefined,
    };
  }
  const leadMs = Math.max(0, config.leadTimeSeconds) * 1000;
  const oldestUsedMs = Math.max(history[0]?.atMs ?? nowMs, nowMs - config.historyDays * DAY_MS);
  const historyHours = history.length === 0 ? 0 : Math.max(0, (nowMs - oldestUsedMs) / HOUR_MS);
  const ignored: ZoneForecast = {
    zone,
    status: 'insufficient-history',
    historyHours,
    forecastMiBps: undefined,
    profileMiBps: undefined,
    correctionMiBps: undefined,
    errorMiBps: undefined,
  };
  if (historyHours < config.minHistoryHours) return ignored;
  const ahead = pastWindows(history, nowMs, leadMs, config);
  if (ahead.length === 0) return ignored;
  const profileMiBps = quantile(ahead, config.quantile);

  const behindMiBps = behindQuantile(history, nowMs, leadMs, config);
  const actual = peakSince(history, nowMs - leadMs, nowMs);
  const errorMiBps =
    behindMiBps === undefined || actual === undefined ? undefined : behindMiBps - actual;

  const { correctionHistoryMiBps, factor } = todayCorrection(history, nowMs, config);
  const forecastMiBps = profileMiBps * factor;
  const recentErrorMiBps = recentForecastError(history, state, nowMs, config);
  return {
    zone,
    status: 'ok',
    historyHours,
    forecastMiBps,
    profileMiBps,
    correctionMiBps: profileMiBps - forecastMiBps,
    ...(correctionHistoryMiBps === undefined ? {} : { correctionHistoryMiBps }),
    errorMiBps,
    ...(recentErrorMiBps === undefined ? {} : { recentErrorMiBps }),
  };
}

/**
 * `ZoneForecast.recentErrorMiBps`: the mean absolute error of the forecast over the lead-time
 * windows of the last day, or undefined when any window lacks data, the lead time is too short or
 * the history holds two different demands at one time anywhere these windows' forecasts read.
 */
function recentForecastError(
  history: readonly DemandSample[],
  state: HistoryState,
  nowMs: number,
  config: ForecastConfig,
): number | undefined {
  if (!(config.leadTimeSeconds >= FORECAST_RECENT_ERROR_MIN_LEAD_SECONDS)) return undefined;
  const leadMs = config.leadTimeSeconds * 1000;
  const windows = forecastRecentErrorWindows(config.leadTimeSeconds);
  const lastEndMs = Math.floor(nowMs / leadMs) * leadMs;
  // The windows' forecasts read past days up to `historyDays` before each window (and today's
  // correction a correction window before its start), so reach further back than the forecast's
  // own window: a conflict there is read by this figure alone, which is then unknown (never
  // trusted) rather than computed on one of two demands picked at random. Bound on the safe side.
  const reachMs =
    lastEndMs -
    (windows + 1) * leadMs -
    FORECAST_CORRECTION_WINDOW_SECONDS * 1000 -
    config.historyDays * DAY_MS;
  if (state.conflicts.some(({ atMs }) => atMs >= reachMs && atMs <= lastEndMs)) return undefined;
  const cache = errorCacheOf(state, `${leadMs}/${config.historyDays}/${config.quantile}`);
  // Every window ends at or before `lastEndMs`: the same samples up to it, the same figure.
  const count = lowerBound(history, lastEndMs + 1);
  const last = cache.last;
  if (last !== undefined && last.endMs === lastEndMs && last.count === count) {
    return last.errorMiBps;
  }
  let sum = 0;
  let known = windows > 0;
  for (let k = 0; k < windows && known; k++) {
    const errorMiBps = windowError(history, cache, lastEndMs - k * leadMs, leadMs, config);
    if (errorMiBps === undefined) known = false;
    else sum += Math.abs(errorMiBps);
  }
  const errorMiBps = known && Number.isFinite(sum) ? sum / windows : undefined;
  cache.last = { endMs: lastEndMs, count, errorMiBps };
  return errorMiBps;
}

/** A figure kept for `windowError` or `recentForecastError`, with what it was computed on. */
interface CachedError {
  /** The end of the (last) window, epoch ms. */
  readonly endMs: number;
  /** Samples at or before `endMs` when computed. */
  readonly count: number;
  readonly errorMiBps: number | undefined;
}

/** The errors kept for one history array and one forecast configuration. */
interface ErrorCache {
  readonly configKey: string;
  readonly byEndMs: Map<number, CachedError>;
  /** The last `recentForecastError` figure. */
  last?: CachedError;
}

/**
 * The cache of a history (`HistoryState.errorCache`) for `configKey`, emptied when the
 * configuration changed. A window's error reads only samples at or before its end, so it is kept
 * while the history holds as many of those as when it was computed: appending later samples keeps
 * it, and a sample appended at or before the window's end recomputes it. A `DemandHistory` only
 * grows at its end and its samples are frozen, so nothing else can change what a window read.
 * Without it a pass would compute `forecastRecentErrorWindows` quantiles per zone (58 in the prod
 * example), every pass.
 */
function errorCacheOf(state: HistoryState, configKey: string): ErrorCache {
  const cache = state.errorCache;
  if (cache?.configKey === configKey) return cache;
  const fresh: ErrorCache = { configKey, byEndMs: new Map() };
  state.errorCache = fresh;
  return fresh;
}

/**
 * Today's correction at `nowMs` (`todayFactor`): the forecast quantile of the past days' last
 * `FORECAST_CORRECTION_WINDOW_SECONDS` (`correctionHistoryMiBps`, MiB/s; undefined without a
 * sample) and the factor in [0, 1], 1 when today's window holds a stretch over
 * `FORECAST_CORRECTION_MAX_GAP_SECONDS` without a sample.
 */
function todayCorrection(
  history: readonly DemandSample[],
  nowMs: number,
  config: ForecastConfig,
): { readonly correctionHistoryMiBps: number | undefined; readonly factor: number } {
  const correctionMs = FORECAST_CORRECTION_WINDOW_SECONDS * 1000;
  const correctionHistoryMiBps = behindQuantile(history, nowMs, correctionMs, config);
  // Today's peak counts only over a window the history covers (no gap over the bound): a peak
  // in a gap would otherwise be taken for none and lower the forecast.
  const covered = coversWindow(
    history,
    nowMs - correctionMs,
    nowMs,
    FORECAST_CORRECTION_MAX_GAP_SECONDS * 1000,
  );
  const factor = todayFactor(
    correctionHistoryMiBps,
    covered ? peakSince(history, nowMs - correctionMs, nowMs) : undefined,
  );
  return { correctionHistoryMiBps, factor };
}

/**
 * The forecast error of the window [endMs - leadMs, endMs) as `ZoneForecast.errorMiBps` judges it
 * at `endMs` (the past days' quantile minus the highest demand seen), or as the same quantile
 * after today's correction at the window's start (what the controller planned for) judges it,
 * whichever misses by more, MiB/s (signed); undefined without a sample on either side. Unlike
 * `errorMiBps`, whose window includes the sample at its end (now), the window is half-open like
 * the past days' windows the forecast reads, so the day's windows tile it and no sample counts
 * twice.
 */
function windowError(
  history: readonly DemandSample[],
  cache: ErrorCache,
  endMs: number,
  leadMs: number,
  config: ForecastConfig,
): number | undefined {
  const count = lowerBound(history, endMs + 1);
  const cached = cache.byEndMs.get(endMs);
  if (cached !== undefined && cached.count === count) {
    return cached.errorMiBps;
  }
  const forecastMiBps = behindQuantile(history, endMs, leadMs, config);
  // [endMs - leadMs, endMs), as the forecast reads the past days: a sample at the end belongs to
  // the next window (a ramp at a window's edge would otherwise count as a miss of both). Only a
  // window covered as the correction's is (no stretch over `FORECAST_CORRECTION_MAX_GAP_SECONDS`
  // without a sample) has a known peak: a peak in a gap, taken for none, would hide a miss.
  const covered = coversWindow(
    history,
    endMs - leadMs,
    endMs - 1,
    FORECAST_CORRECTION_MAX_GAP_SECONDS * 1000,
  );
  const actualMiBps = covered ? peakSince(history, endMs - leadMs, endMs - 1) : undefined;
  // The window is judged on what the model said (the profile) and on what the controller planned
  // for with it (the profile after today's correction at the window's start): the larger miss
  // counts, so a correction that lowered the forecast below a demand that came back is not hidden
  // by a profile that was right, and the figure is never below the profile's miss alone.
  const difference =
    forecastMiBps === undefined || actualMiBps === undefined
      ? undefined
      : largerMiss(
          forecastMiBps - actualMiBps,
          forecastMiBps * todayCorrection(history, endMs - leadMs, config).factor - actualMiBps,
        );
  // A `DemandHistory` holds finite samples only; kept as a second line: never a NaN figure.
  const errorMiBps =
    difference !== undefined && Number.isFinite(difference) ? difference : undefined;
  // Windows more than a day back are not read again; keep the cache to about two days of them.
  if (cache.byEndMs.size > 4 * forecastRecentErrorWindows(leadMs / 1000)) {
    for (const each of [...cache.byEndMs.keys()]) {
      if (each < endMs - DAY_MS) cache.byEndMs.delete(each);
    }
  }
  cache.byEndMs.set(endMs, { endMs, count, errorMiBps });
  return errorMiBps;
}

/** Whichever of two signed errors is the larger in magnitude (the first on a tie). */
function largerMiss(first: number, second: number): number {
  return Math.abs(second) > Math.abs(first) ? second : first;
}

/** The quantile of the past days' [now - span, now) windows; undefined without a sample. */
function behindQuantile(
  history: readonly DemandSample[],
  nowMs: number,
  spanMs: number,
  config: ForecastConfig,
): number | undefined {
  const behind = pastWindows(history, nowMs - spanMs, spanMs, config);
  return behind.length > 0 ? quantile(behind, config.quantile) : undefined;
}

/** The highest demand in [fromMs, toMs]; undefined without a sample. */
function peakSince(
  history: readonly DemandSample[],
  fromMs: number,
  toMs: number,
): number | undefined {
  let peak: number | undefined;
  for (let i = lowerBound(history, fromMs); i < history.length; i++) {
    if (history[i].atMs > toMs) break;
    peak = Math.max(peak ?? Number.NEGATIVE_INFINITY, history[i].demandMiBps);
  }
  return peak;
}

/**
 * True when no stretch of [fromMs, toMs] longer than `maxGapMs` lacks a sample (the window's edges
 * count as the ends of the first and the last stretch).
 */
function coversWindow(
  history: readonly DemandSample[],
  fromMs: number,
  toMs: number,
  maxGapMs: number,
): boolean {
  let lastMs = fromMs;
  for (let i = lowerBound(history, fromMs); i < history.length; i++) {
    const atMs = history[i].atMs;
    if (atMs > toMs) break;
    if (atMs - lastMs > maxGapMs) return false;
    lastMs = atMs;
  }
  return toMs - lastMs <= maxGapMs;
}

/**
 * The correction factor, in [0, 1]: `todayPeakMiBps` (the highest demand of today's last
 * `FORECAST_CORRECTION_WINDOW_SECONDS`, MiB/s) over `historyMiBps` (the forecast quantile of the
 * same window on the past days, MiB/s), capped at 1. 1 when either is undefined (no sample) or the
 * history is not above 0, so a missing or empty history never lowers the forecast. Pure.
 */
export function todayFactor(
  historyMiBps: number | undefined,
  todayPeakMiBps: number | undefined,
): number {
  if (historyMiBps === undefined || todayPeakMiBps === undefined || !(historyMiBps > 0)) return 1;
  return Math.min(1, Math.max(0, todayPeakMiBps / historyMiBps));
}

/**
 * The demand the floor plans for: the forecast, capped at (1 + maxRaiseShare) x the current
 * demand; 0 (no floor) when the forecast is ignored. Never below 0. The current demand counts into
 * today's peak of the correction (`todayFactor`): the controller refetches its history only every
 * `FORECAST_REFRESH_SECONDS`, so the history's last minutes may be missing, and a rise in them
 * must not leave the forecast lowered. With it the forecast is never below `forecastMiBps` and
 * never above `profileMiBps`.
 */
export function forecastFloorMiBps(
  forecast: ZoneForecast | undefined,
  currentDemandMiBps: number,
  config: ForecastConfig,
): number {
  const forecastMiBps = forecastPlannedMiBps(forecast, currentDemandMiBps);
  if (forecastMiBps === undefined) return 0;
  const cap = Math.max(0, currentDemandMiBps) * (1 + Math.max(0, config.maxRaiseShare));
  return Math.max(0, Math.min(forecastMiBps, cap));
}

/**
 * The forecast the floor plans for before its cap, MiB/s: `forecastMiBps`, or more when today's
 * correction, with the current demand counted into today's peak (`todayFactor`), lowers the
 * profile less (see `forecastFloorMiBps`); never above `profileMiBps`. Undefined unless the
 * forecast is `ok`. Pure.
 */
export function forecastPlannedMiBps(
  forecast: ZoneForecast | undefined,
  currentDemandMiBps: number,
): number | undefined {
  if (forecast?.status !== 'ok' || forecast.forecastMiBps === undefined) return undefined;
  const current = Math.max(0, currentDemandMiBps);
  return forecast.profileMiBps === undefined || forecast.correctionHistoryMiBps === undefined
    ? forecast.forecastMiBps
    : Math.max(
        forecast.forecastMiBps,
        forecast.profileMiBps * todayFactor(forecast.correctionHistoryMiBps, current),
      );
}
