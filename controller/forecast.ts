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
import { levelCovering } from './levels';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How the forecast floor is computed. */
export interface ForecastConfig {
  /**
   * Look-ahead, seconds: node launch plus the serial broker moves of the re-spread from the
   * lowest level to the highest (see `forecastLeadTimeSeconds`). The longest look-ahead: a step
   * between two levels looks ahead its own share of it (`steps`).
   */
  readonly leadTimeSeconds: number;
  /**
   * The look-ahead of each step between two balanced levels (`forecastStepLeads`): a level is
   * planned for once the forecast within the lead time of the step that reaches it needs it
   * (`forecastFloorLevel`). Absent: every step looks ahead `leadTimeSeconds`.
   */
  readonly steps?: readonly ForecastStep[];
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

/** One step between two balanced levels of a zone and how far ahead the floor looks for it. */
export interface ForecastStep {
  /** Nodes per zone before the step. */
  readonly fromNodes: number;
  /** Nodes per zone after the step (> `fromNodes`). */
  readonly toNodes: number;
  /** Look-ahead, seconds: at most `ForecastConfig.leadTimeSeconds`. */
  readonly leadTimeSeconds: number;
}

/** One lead time's forecast of a zone (`ZoneForecast.byLead`). */
export interface LeadForecast {
  /** The look-ahead, seconds. */
  readonly leadTimeSeconds: number;
  /** The forecast quantile of the past days' [now, now + lead), MiB/s, uncorrected. */
  readonly profileMiBps: number;
  /** `profileMiBps` x the zone's correction factor, MiB/s. */
  readonly forecastMiBps: number;
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
   * The forecast of each distinct step lead time (`ForecastConfig.steps`) shorter than
   * `leadTimeSeconds`, with the same correction factor; absent when ignored or without steps
   * (the full lead's forecast is `forecastMiBps` / `profileMiBps`). A lead whose past windows hold
   * no sample is left out (`forecastFloorLevel` then uses the full lead's forecast for it).
   */
  readonly byLead?: readonly LeadForecast[];
}

/** The platform facts a lead time is computed from. */
export interface LeadPlatform {
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
}

/**
 * Seconds from starting a step of every zone from `fromNodes` to `toNodes` per zone until the new
 * nodes carry their brokers: node launch plus the serial moves of the re-spread. Each new node
 * receives brokersPerZone / toNodes brokers, so a zone moves (toNodes - fromNodes) x
 * brokersPerZone / toNodes brokers, and moves run one at a time across the cluster (zones x that).
 * 0 moves when `toNodes` <= `fromNodes` (node launch alone). Pure.
 */
export function stepLeadTimeSeconds(
  platform: Omit<LeadPlatform, 'balancedNodeCounts'>,
  fromNodes: number,
  toNodes: number,
): number {
  const movesPerZone =
    toNodes > fromNodes ? (toNodes - fromNodes) * (platform.brokersPerZone / toNodes) : 0;
  return platform.nodeLaunchSeconds + platform.zones * movesPerZone * platform.moveSeconds;
}

/**
 * Lead time from the platform: the step from the lowest balanced level to the highest
 * (`stepLeadTimeSeconds`); node launch alone with one level. 1,470 s in the prod example (120 s
 * launch, 3 zones x 3 moves x 150 s).
 */
export function forecastLeadTimeSeconds(options: LeadPlatform): number {
  const lowest = options.balancedNodeCounts[0] ?? 1;
  const highest = options.balancedNodeCounts[options.balancedNodeCounts.length - 1] ?? lowest;
  return stepLeadTimeSeconds(options, lowest, highest);
}

/**
 * The look-ahead of every step between two balanced levels (each lower level to each higher one):
 * `leadTimeSeconds` (the full step's look-ahead, configured or `forecastLeadTimeSeconds`) times
 * the step's share of the full step's time (`stepLeadTimeSeconds`), so the full step looks ahead
 * exactly `leadTimeSeconds` and no step more. With the platform's own lead (the default) a step
 * looks ahead its node launch plus its moves: 1,020 s for 1 -> 2 nodes and for 2 -> 4 (2 moves
 * per zone each), 1,470 s for 1 -> 4 (3 moves per zone) in the prod example. Empty with fewer
 * than two levels. Pure.
 */
export function forecastStepLeads(leadTimeSeconds: number, platform: LeadPlatform): ForecastStep[] {
  const full = forecastLeadTimeSeconds(platform);
  const levels = platform.balancedNodeCounts;
  const steps: ForecastStep[] = [];
  for (let from = 0; from < levels.length; from++) {
    for (let to = from + 1; to < levels.length; to++) {
      const share = full > 0 ? stepLeadTimeSeconds(platform, levels[from], levels[to]) / full : 1;
      steps.push({
        fromNodes: levels[from],
        toNodes: levels[to],
        leadTimeSeconds: Math.min(leadTimeSeconds, leadTimeSeconds * share),
      });
    }
  }
  return steps;
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
  const forecastMiBps = profileMiBps * factor;
  const byLead: LeadForecast[] = [];
  for (const leadTimeSeconds of stepLeadsShorterThan(config)) {
    const window = pastWindows(history, nowMs, leadTimeSeconds * 1000, config);
    if (window.length === 0) continue;
    const stepProfile = quantile(window, config.quantile);
    byLead.push({
      leadTimeSeconds,
      profileMiBps: stepProfile,
      forecastMiBps: stepProfile * factor,
    });
  }
  return {
    zone,
    status: 'ok',
    historyHours,
    forecastMiBps,
    profileMiBps,
    correctionMiBps: profileMiBps - forecastMiBps,
    ...(correctionHistoryMiBps === undefined ? {} : { correctionHistoryMiBps }),
    errorMiBps,
    ...(byLead.length === 0 ? {} : { byLead }),
  };
}

/** The distinct step lead times of `config.steps` shorter than its `leadTimeSeconds`, ascending. */
function stepLeadsShorterThan(config: ForecastConfig): number[] {
  const full = Math.max(0, config.leadTimeSeconds);
  const leads = new Set<number>();
  for (const step of config.steps ?? []) {
    const lead = Math.max(0, step.leadTimeSeconds);
    if (lead < full) leads.add(lead);
  }
  return [...leads].sort((a, b) => a - b);
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
 * never above `profileMiBps`. `leadTimeSeconds` picks the forecast of that look-ahead
 * (`ZoneForecast.byLead`); the full lead's when undefined or not among them.
 */
export function forecastFloorMiBps(
  forecast: ZoneForecast | undefined,
  currentDemandMiBps: number,
  config: ForecastConfig,
  leadTimeSeconds?: number,
): number {
  if (forecast?.status !== 'ok' || forecast.forecastMiBps === undefined) return 0;
  const byLead =
    leadTimeSeconds === undefined
      ? undefined
      : forecast.byLead?.find(each => each.leadTimeSeconds === leadTimeSeconds);
  const corrected = byLead?.forecastMiBps ?? forecast.forecastMiBps;
  const profile = byLead?.profileMiBps ?? forecast.profileMiBps;
  const current = Math.max(0, currentDemandMiBps);
  const forecastMiBps =
    profile === undefined || forecast.correctionHistoryMiBps === undefined
      ? corrected
      : Math.max(corrected, profile * todayFactor(forecast.correctionHistoryMiBps, current));
  const cap = current * (1 + Math.max(0, config.maxRaiseShare));
  return Math.max(0, Math.min(forecastMiBps, cap));
}

/** The level the forecast floor asks of a zone, and what it planned for. */
export interface ForecastFloor {
  /** Nodes per zone: a balanced level, the lowest when the forecast asks for none. */
  readonly nodes: number;
  /** The demand planned for (`forecastFloorMiBps` of `leadTimeSeconds`), MiB/s; 0 = none. */
  readonly floorMiBps: number;
  /** The look-ahead that set `nodes`, seconds. */
  readonly leadTimeSeconds: number;
}

/**
 * The level the forecast floor holds a zone at. Without `config.steps`: the level covering
 * `forecastFloorMiBps` of the full lead time. With them, level-aware for a rise: a level L above the
 * zone's current level (the highest balanced level at or below `currentNodes`) is planned for once
 * the demand planned within the lead time of the step from the current level to L needs at least
 * L (the floor is then the level that demand needs); a level the zone already runs at is held, as
 * without steps, by the full lead time. Never above the full lead's level (so never more capacity
 * than the floor with one lead), and equal to it when every step is the full one.
 * `nodeCapacityMiBps` is what one node plans for (baseline x target utilization); `levels`
 * ascending. Pure.
 */
export function forecastFloorLevel(
  forecast: ZoneForecast | undefined,
  currentDemandMiBps: number,
  currentNodes: number,
  levels: readonly number[],
  nodeCapacityMiBps: number,
  config: ForecastConfig,
): ForecastFloor {
  const fullMiBps = forecastFloorMiBps(forecast, currentDemandMiBps, config);
  const full: ForecastFloor = {
    nodes: levelCovering(fullMiBps, nodeCapacityMiBps, levels),
    floorMiBps: fullMiBps,
    leadTimeSeconds: config.leadTimeSeconds,
  };
  if (config.steps === undefined || config.steps.length === 0 || fullMiBps === 0) return full;
  let currentLevel = levels[0];
  for (const level of levels) if (level <= currentNodes) currentLevel = level;
  let lowestAsked: ForecastFloor | undefined;
  for (let index = levels.length - 1; index >= 1; index--) {
    const level = levels[index];
    if (level > full.nodes) continue;
    const step = config.steps.find(
      each => each.fromNodes === currentLevel && each.toNodes === level,
    );
    const leadTimeSeconds =
      level <= currentLevel
        ? config.leadTimeSeconds
        : Math.min(config.leadTimeSeconds, step?.leadTimeSeconds ?? config.leadTimeSeconds);
    const floorMiBps = forecastFloorMiBps(forecast, currentDemandMiBps, config, leadTimeSeconds);
    lowestAsked = { nodes: levels[0], floorMiBps, leadTimeSeconds };
    const asked = levelCovering(floorMiBps, nodeCapacityMiBps, levels);
    // A level the zone runs at is only held here; a rise above it is the step checks' to make.
    const nodes = level <= currentLevel ? level : Math.min(asked, full.nodes);
    if (asked >= level) return { nodes, floorMiBps, leadTimeSeconds };
  }
  return lowestAsked ?? full;
}
