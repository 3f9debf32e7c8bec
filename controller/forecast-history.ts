/**
 * Feeds the forecast floor: keeps each zone's demand history from a Prometheus range query over
 * the last `historyDays` (refreshed every `FORECAST_REFRESH_SECONDS`) and turns it into
 * `ZoneForecast`s with the pure `forecastZone`.
 *
 * It tells two cases apart that both leave the floor at 0:
 * - history known but short (`insufficient-history`, from `forecastZone`): a new cluster. The
 *   floor is ignored and the controller stays reactive.
 * - history unknown (`unknown`, with `unknownCause`): no range query has succeeded since the
 *   process started, the last success is older than `forecastHistoryMaxAgeMs`, or the last
 *   successful response had no series for the zone's pool in a direction, or one that ends more
 *   than `FORECAST_SERIES_END_TOLERANCE_SECONDS` before the query's end, or whose two directions
 *   share no point in time that recent (the zone's demand needs both). The process before a
 *   restart may have held a node through its floor, so `decide` starts no removal in such a zone
 *   and a removal in flight waits, as for the ramp guard's blind state (`controller/ramp.ts`).
 *
 * A zone with no series in a successful response is counted as missing data, not as a new zone:
 * a pool whose brokers run has a series (its brokers' network counters are scraped, or the
 * instant query holds every pass as `stale-data`), so the series appears at the next refresh
 * (within `FORECAST_REFRESH_SECONDS`) once its brokers are scraped, and the zone is then
 * `insufficient-history` (reactive) until `minHistoryHours`. The cost of the other reading (a real
 * gap taken for a new zone) would be a removal the floor would have held.
 *
 * A successful refresh extends the history held instead of replacing it (`mergeZoneHistory`): the
 * held samples (within `historyDays`) stay wherever the response has no sample for the zone within
 * one step (before its first, or in a gap), and the response alone counts where it has. A
 * Prometheus that lost its data (TSDB wiped, a new instance, retention cut, a remote-read outage, a
 * restore from an old snapshot) answers a short or holed history; replacing would turn the zone from
 * known into `insufficient-history`, its floor to 0, or leave the floor only the days it kept, and
 * let a removal go that the floor held. Merging was chosen over turning a shrunk history `unknown`:
 * the held samples were measured by the same queries and still describe the zone's days, so the
 * floor keeps working, whereas `unknown` would hold every removal in the zone for the
 * `minHistoryHours` (24 h by default) it takes Prometheus to hold enough again. The per-zone
 * `unknown` causes (series missing, cut short, or the two directions sharing no recent point in
 * time) are still judged on the new response alone, and the memory stays bounded by `historyDays`:
 * at most historyDays x 86,400 / `FORECAST_STEP_SECONDS` + 2 samples per zone (no two held samples
 * less than a step apart: a held one stays only a step or more from every new one). Within one
 * process the history may so reach further back than Prometheus retains (up to `historyDays`). The
 * config is fixed for the life of the object, so a zone added or removed in it comes with a new process; only
 * the config's zones are held.
 *
 * Across a restart, the history itself is not persisted (it is Prometheus's): the process starts
 * with what Prometheus answers. What is persisted is a small marker (`controller/forecast-marker.ts`,
 * a ConfigMap): per zone, the last time a process's forecast of it counted (`ok`: `minHistoryHours`
 * of its history, with samples in the windows the forecast reads). A zone whose forecast does not
 * count (a held history shorter than `minHistoryHours`, or one with no sample in those windows) is
 * `unknown`, not `insufficient-history`, while the
 * marker holds a stamp for it younger than `historyDays` (it had enough before: Prometheus lost data
 * the floor relied on, and the process before may have held a node through its floor), and while
 * no marker read has succeeded (a new cluster cannot be told from a loss). Way out: Prometheus
 * holding enough again (at most `minHistoryHours` on), the stamp expiring, the operator deleting
 * the marker (re-read at every pass while it holds a zone), or the floor turned off. Only the
 * leader writes the marker, only right after a successful read and only if the ConfigMap is still
 * at the version read (optimistic concurrency: a write racing another process's write or the
 * operator's deletion is a conflict and changes nothing, so no stamp another process wrote is
 * dropped, nor a deleted marker written back; the marker is read again at the next refresh), and a
 * failed read or write never holds a zone whose forecast counts nor anything but node removals; a
 * failed write only weakens what a later restart can tell. Chosen over persisting the history
 * (up to 4,034 samples a zone, rewritten every refresh, in an object the API server keeps below
 * 1 MiB) and over annotations on the Lease (the elector replaces the Lease whole) or on nodes (they
 * come and go with the scaling).
 *
 * A failed refresh keeps the previous history (and its per-zone verdicts) and is tried again after
 * the backoff (`forecastRetryDelaySeconds`: the pass interval, doubling per failure, at most
 * `FORECAST_REFRESH_SECONDS`); the history turns `unknown` once the last success is too old, or
 * while it is stamped after now (the clock stepped back: it is refetched at once, whatever the
 * backoff, and its age is unknown until then).
 * A point in time for which only one direction has a value is left out (a gap, not a quieter
 * moment: the missing direction may have been the busier one).
 *
 * The response is checked once, here, before anything reads it: only measurements within the
 * query's window [now - `historyDays`, now] count (a NaN, infinite or negative value is a missing
 * point, a gap, and neither it nor a point outside the window counts toward a series reaching the
 * end); points are read in any order, one repeated with the same value once; two different values
 * of one direction at one point in time for a pool (`sum by (pool)` answers one series per pool:
 * a backend that did not deduplicate) make the zone `unknown` for that response, whose part for
 * the zone is then not merged. The merged history is a `DemandHistory` (ascending, unique, finite,
 * frozen), which `forecastZone` reads as it is.
 *
 * Zone demand is what `decide` uses: per zone, the larger of the summed receive and transmit rates
 * of its brokers. The PromQL groups the per-pod queries by pool with `label_replace` on the pod
 * name (`<cluster>-<pool>-<id>`, Strimzi's naming), so each query returns one series per pool.
 */
import type { ControllerConfig } from './config';
import { DemandHistory, forecastZone, type DemandSample, type ZoneForecast } from './forecast';
import {
  FORECAST_MARKER_REWRITE_SECONDS,
  markerExpiresAtMs,
  type ForecastMarker,
  type ForecastMarkerStore,
} from './forecast-marker';

const MIB = 1024 * 1024;
const DAY_MS = 86_400_000;
/** The history of a zone before the first successful refresh. */
const EMPTY_HISTORY = DemandHistory.empty();

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
/**
 * The wait before the range query is tried again after `failures` failures in a row, seconds: the
 * pass interval, doubled at each further failure, at most `FORECAST_REFRESH_SECONDS` (a failing
 * Prometheus is then queried no more often than a healthy one); 0 without a failure. A 14-day range
 * query is the heaviest request the controller sends, and one at every pass would add load to a
 * Prometheus that already struggles. Pure.
 */
export function forecastRetryDelaySeconds(failures: number, intervalSeconds: number): number {
  if (failures <= 0) return 0;
  const doubled = Math.max(1, intervalSeconds) * 2 ** Math.min(failures - 1, 30);
  return Math.min(doubled, FORECAST_REFRESH_SECONDS);
}

/** Resolution of the history, seconds (14 days = 4032 points, under Prometheus's 11,000). */
export const FORECAST_STEP_SECONDS = 300;

/**
 * How old the last successful range query may be before the history is `unknown`, seconds: 6 h
 * (36 refreshes). The forecast of [now, now + lead] reads the same window on each past day; a
 * history fetched at F still holds all of them while now - F < 24 h - lead time (day 1's window
 * ends at now - 24 h + lead), so past that the forecast silently drops the most recent day. 6 h
 * stays well inside that, tolerates a range query that fails for a while (they are heavier than
 * the instant queries, which hold everything as `stale-data` when they fail), and bounds how long
 * a controller runs on a history that no longer shows the last hours' pattern.
 */
export const FORECAST_HISTORY_MAX_AGE_SECONDS = 6 * 3600;

/**
 * A zone's series (per direction) must reach this close to the query's end, seconds: 3 steps
 * (15 min). The last evaluation of a range query is at most one step before its end and
 * `rate(...[2m])` has a value while its pods are scraped, so a series ending earlier is cut short
 * (its pods' scrapes stopped, or Prometheus lost recent data), not a quiet zone.
 */
export const FORECAST_SERIES_END_TOLERANCE_SECONDS = 3 * FORECAST_STEP_SECONDS;

/**
 * The age bound of the history, ms: `FORECAST_HISTORY_MAX_AGE_SECONDS`, or 24 h less the lead time
 * when that is shorter (see there).
 */
export function forecastHistoryMaxAgeMs(leadTimeSeconds: number): number {
  return Math.max(
    0,
    Math.min(FORECAST_HISTORY_MAX_AGE_SECONDS * 1000, DAY_MS - Math.max(0, leadTimeSeconds) * 1000),
  );
}

/** The per-pool PromQL of one direction, from the controller's per-pod query. */
export function perPoolQuery(perPodQuery: string, clusterName: string): string {
  const escaped = clusterName.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');
  return `sum by (pool) (label_replace(${perPodQuery}, "pool", "$1", "pod", "${escaped}-(.+)-[0-9]+"))`;
}

/**
 * One zone's history after a successful refresh: the fresh response's samples, and the held
 * samples no fresh sample is within one step (`FORECAST_STEP_SECONDS`) of, both kept within the
 * query's window [windowStartMs, nowMs] (inputs ascending by `atMs`; the result too). Where the
 * fresh response has a sample the fresh one alone counts: two refreshes evaluate on different grids
 * (a range query's points sit at its start plus whole steps, and each refresh starts at its own
 * time), so keeping both would double the weight of the overlap in the quantiles and grow the
 * history past `historyDays` / `FORECAST_STEP_SECONDS` points. Where it has none (before its first
 * sample, or a gap in it: a Prometheus that lost a span of its data, or restored an old snapshot,
 * answers old days and the last hours with nothing between), the held samples stay, so such a loss
 * does not leave the forecast only the days around the surviving block. A fresh response without a
 * sample keeps the held history (the zone is `unknown` meanwhile: its series is missing). Samples
 * before `windowStartMs` (older than `historyDays`) and after `nowMs` (a held one was stamped by a
 * clock that has since stepped back; a fresh one no Prometheus answers) are dropped. A held sample
 * fills a gap of the fresh grid only a step or more from its edges, so it takes a missing fresh
 * slot each: the result holds at most (nowMs - windowStartMs) / step + 2 samples when each input
 * holds one point per step. Pure.
 */
export function mergeZoneHistory(
  held: readonly DemandSample[],
  fresh: readonly DemandSample[],
  windowStartMs: number,
  nowMs: number,
): DemandSample[] {
  const inWindow = (sample: DemandSample) => sample.atMs >= windowStartMs && sample.atMs <= nowMs;
  const kept = fresh.filter(inWindow);
  const stepMs = FORECAST_STEP_SECONDS * 1000;
  const filled: DemandSample[] = [];
  // Both ascending: `next` is the first fresh sample later than one step before the held one.
  let next = 0;
  for (const sample of held) {
    if (!inWindow(sample)) continue;
    while (next < kept.length && (kept[next]?.atMs ?? 0) <= sample.atMs - stepMs) next++;
    const near = kept[next];
    if (near === undefined || near.atMs >= sample.atMs + stepMs) filled.push(sample);
  }
  return [...filled, ...kept].sort((a, b) => a.atMs - b.atMs);
}

/** What `ForecastHistory` needs beside Prometheus and the config; every field optional. */
export interface ForecastHistoryOptions {
  /**
   * Where the marker is kept (`controller/forecast-marker.ts`). Without it nothing is read or
   * written, and a short history after a restart is `insufficient-history` (tests, the simulator).
   */
  readonly marker?: ForecastMarkerStore;
  /** Whether this process may write the marker now (the leader only). @default - always */
  readonly mayWriteMarker?: () => boolean;
  /** Reports a failed marker read or write (logged and counted by the caller). */
  readonly onMarkerError?: (operation: 'read' | 'write', error: unknown) => void;
  /**
   * Reports a marker write that lost a race (`conflict`: the ConfigMap changed since the read it
   * was based on; nothing was written, the marker is read again at the next refresh). Not an
   * error; counted by the caller.
   */
  readonly onMarkerConflict?: () => void;
}

/** The range query's retry state, for the gauges. */
export interface ForecastRefreshState {
  /** Range queries failed in a row since the last success (0 after a success). */
  readonly consecutiveFailures: number;
  /** The wait before the next attempt after those failures, seconds (0 after a success). */
  readonly retryDelaySeconds: number;
}

/** A stamp read from the marker, and when this process first read that value (epoch ms). */
interface ReadStamp {
  readonly sufficientAtMs: number;
  readonly firstReadAtMs: number;
}

/** Keeps the history and answers forecasts. */
export class ForecastHistory {
  private history = new Map<string, DemandHistory>();
  /** Per zone: why its part of the last successful response is missing data. */
  private zoneUnknownCauses = new Map<string, string>();
  /** When the last successful refresh queried, epoch ms; undefined before the first. */
  private fetchedAtMs: number | undefined;
  private lastError: string | undefined;
  /** When the range query was last tried, epoch ms; undefined before the first try. */
  private lastAttemptAtMs: number | undefined;
  /** Range queries failed in a row since the last success. */
  private consecutiveFailures = 0;
  /** Whether a marker read has succeeded since the process started (a missing marker counts). */
  private markerRead = false;
  private markerError: string | undefined;
  /** Per zone, the stamp the marker held at the last successful read or write. */
  private markerStamps = new Map<string, ReadStamp>();
  /**
   * The ConfigMap version of the last successful read (undefined: none existed), the precondition
   * of the next write (which always follows a read in the same refresh).
   */
  private markerVersion: string | undefined;
  /** Whether the last write lost a race (`conflict`): the marker is read again at the next call. */
  private markerConflict = false;
  /** Per zone, the last refresh at which this process's forecast of it counted (`ok`). */
  private readonly sufficientAtMs = new Map<string, number>();

  constructor(
    private readonly prometheus: RangeQuerier,
    private readonly config: ControllerConfig,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly options: ForecastHistoryOptions = {},
  ) {}

  /**
   * Refetches the history when it is due: `FORECAST_REFRESH_SECONDS` after a success, the
   * `forecastRetryDelaySeconds` backoff after failures (the pass interval, doubling up to
   * `FORECAST_REFRESH_SECONDS`), and at once when the last attempt is stamped after `nowMs` (a
   * clock stepped back). Then, with a marker store: reads the marker until a read succeeds,
   * again at every call while it holds a zone (`forecasts`), so a marker the operator deletes lets
   * go at the next pass, and at the next call after a write that lost a race (`conflict`); after a
   * successful refetch, stamps the zones whose forecast counts (`stampSufficientZones`) and writes
   * the marker (leader only, once a read succeeded, when a stamp is new or
   * `FORECAST_MARKER_REWRITE_SECONDS` older than the process's; read again just before,
   * not written when that read fails, and written only at the version read: a `conflict` goes to
   * `onMarkerConflict`). Never throws: an error goes to `onError` (range query) or `onMarkerError`
   * (marker), the previous history is kept, and a failed or conflicting marker write is tried again
   * after the next successful refetch; it never holds anything.
   */
  async refresh(nowMs: number): Promise<void> {
    const forecast = this.config.forecast;
    if (forecast === undefined) return;
    if (this.rangeQueryDue(nowMs) && (await this.refetch(nowMs))) {
      this.stampSufficientZones(nowMs);
      const read = await this.readMarkerIfNeeded(nowMs);
      await this.writeMarkerIfDue(nowMs, read);
      return;
    }
    await this.readMarkerIfNeeded(nowMs);
  }

  /** The range query's retry state (`ForecastRefreshState`). */
  refreshState(): ForecastRefreshState {
    return {
      consecutiveFailures: this.consecutiveFailures,
      retryDelaySeconds: forecastRetryDelaySeconds(
        this.consecutiveFailures,
        this.config.intervalSeconds,
      ),
    };
  }

  private rangeQueryDue(nowMs: number): boolean {
    if (this.lastAttemptAtMs === undefined) return true;
    // An attempt (or a success) stamped after now: the clock stepped back; refetch at once.
    const sinceMs = nowMs - this.lastAttemptAtMs;
    if (sinceMs < 0) return true;
    if (this.fetchedAtMs !== undefined && this.fetchedAtMs > nowMs) return true;
    const waitSeconds =
      this.consecutiveFailures > 0
        ? forecastRetryDelaySeconds(this.consecutiveFailures, this.config.intervalSeconds)
        : FORECAST_REFRESH_SECONDS;
    return sinceMs >= waitSeconds * 1000;
  }

  /** One range query per direction, merged into the history; returns whether it succeeded. */
  private async refetch(nowMs: number): Promise<boolean> {
    const forecast = this.config.forecast;
    if (forecast === undefined) return false;
    this.lastAttemptAtMs = nowMs;
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
      const causes = new Map<string, string>();
      const toleranceMs = FORECAST_SERIES_END_TOLERANCE_SECONDS * 1000;
      for (const zone of zones) {
        // Per direction, the pool's demand at each point in time.
        const byDirection: Array<Map<number, number>> = [];
        // Set when a direction answers two different values at one point in time.
        let conflict = false;
        for (const [direction, response] of [
          ['receive', receive],
          ['transmit', transmit],
        ] as const) {
          // Only measurements within the query's window count: a NaN, infinite or negative rate
          // (or a time that is not a number) is a missing point, a gap, and a point outside the
          // window (after its end: no Prometheus answers one) proves nothing about it.
          const points = response
            .filter(series => series.labels.pool === zone.poolName)
            .flatMap(series => series.points)
            .filter(
              point =>
                point.atMs >= startMs &&
                point.atMs <= nowMs &&
                Number.isFinite(point.value) &&
                point.value >= 0,
            );
          const newestMs = points.reduce(
            (newest, point) => Math.max(newest, point.atMs),
            Number.NEGATIVE_INFINITY,
          );
          if (!causes.has(zone.zone)) {
            if (!Number.isFinite(newestMs)) {
              causes.set(
                zone.zone,
                `the forecast history range query returned no ${direction} series for pool ${zone.poolName}`,
              );
            } else if (newestMs < nowMs - toleranceMs) {
              causes.set(
                zone.zone,
                `pool ${zone.poolName}'s ${direction} series in the forecast history ends ${Math.round((nowMs - newestMs) / 60_000)} min before the query's end`,
              );
            }
          }
          // Per point in time, the pool's demand in this direction: `sum by (pool)` answers one
          // series per pool, so two different values at one time (duplicate series, or a point
          // repeated) cannot be told apart, and the zone's part of the response is not used.
          const byTime = new Map<number, number>();
          for (const point of points) {
            const valueMiBps = point.value / MIB;
            const seen = byTime.get(point.atMs);
            if (seen !== undefined && seen !== valueMiBps && !conflict) {
              conflict = true;
              causes.set(
                zone.zone,
                `the forecast history range query returned two different ${direction} values for pool ${zone.poolName} at ${new Date(point.atMs).toISOString()} (${seen} and ${valueMiBps} MiB/s; \`sum by (pool)\` answers one series per pool: check the backend's deduplication)`,
              );
            }
            byTime.set(point.atMs, valueMiBps);
          }
          byDirection.push(byTime);
        }
        if (conflict) {
          next.set(zone.zone, []);
          continue;
        }
        // A point in time only one direction has is a gap, not a quieter moment: the other
        // direction may have been the busier one (both queries share start, end and step).
        const [receiveByTime, transmitByTime] = byDirection;
        const paired = [...receiveByTime]
          .filter(([atMs]) => transmitByTime.has(atMs))
          .map(([atMs, receiveMiBps]) => ({
            atMs,
            demandMiBps: Math.max(receiveMiBps, transmitByTime.get(atMs) ?? 0),
          }))
          .sort((a, b) => a.atMs - b.atMs);
        // Each direction reaching the end is not enough: the zone's demand needs both at one
        // point in time, else the merge would keep only held samples and the zone would read ok
        // on them while they age (up to the history's age bound).
        const newestPairedMs = paired.at(-1)?.atMs ?? Number.NEGATIVE_INFINITY;
        if (!causes.has(zone.zone) && newestPairedMs < nowMs - toleranceMs) {
          causes.set(
            zone.zone,
            Number.isFinite(newestPairedMs)
              ? `pool ${zone.poolName}'s receive and transmit series in the forecast history last share a point in time ${Math.round((nowMs - newestPairedMs) / 60_000)} min before the query's end`
              : `pool ${zone.poolName}'s receive and transmit series in the forecast history share no point in time`,
          );
        }
        next.set(zone.zone, paired);
      }
      this.history = new Map(
        zones.map(zone => [
          zone.zone,
          DemandHistory.from(
            mergeZoneHistory(
              this.history.get(zone.zone)?.samples ?? [],
              next.get(zone.zone) ?? [],
              startMs,
              nowMs,
            ),
          ),
        ]),
      );
      this.zoneUnknownCauses = causes;
      this.fetchedAtMs = nowMs;
      this.consecutiveFailures = 0;
      return true;
    } catch (error) {
      this.consecutiveFailures++;
      this.lastError = error instanceof Error ? error.message : String(error);
      this.onError(error);
      return false;
    }
  }

  /**
   * The demand samples held for `zone` (ascending by `atMs`, MiB/s): what the successful refreshes
   * merged (`mergeZoneHistory`); empty for a zone not in the config or before the first success.
   */
  heldHistory(zone: string): readonly DemandSample[] {
    return this.history.get(zone)?.samples ?? [];
  }

  /**
   * The forecast of every zone at `nowMs` from the history held: `unknown` (with `unknownCause`)
   * for every zone before the first successful refresh, once the last one is older than
   * `forecastHistoryMaxAgeMs`, or while it is stamped after `nowMs` (a clock stepped back), and
   * for a zone whose series were missing or cut short in it. With a marker store, a zone whose
   * forecast is `insufficient-history` (a held history shorter than `minHistoryHours`, or one with
   * no sample in the forecast's past windows) is also `unknown` (with `unknownWayOut`) while
   * no marker read has succeeded, or while the marker holds an unexpired stamp for it (the zone had
   * enough history before and Prometheus lost it; `markerExpiresAtMs`). Otherwise
   * `forecastZone`'s answer (`ok` or `insufficient-history`). Undefined when the floor is off.
   */
  forecasts(nowMs: number): readonly ZoneForecast[] | undefined {
    const forecast = this.config.forecast;
    if (forecast === undefined) return undefined;
    const historyCause = this.historyUnknownCause(nowMs, forecast.leadTimeSeconds);
    return this.config.zones.map(zone => {
      const cause = historyCause ?? this.zoneUnknownCauses.get(zone.zone);
      if (cause !== undefined) {
        return {
          zone: zone.zone,
          status: 'unknown',
          unknownCause: cause,
          historyHours: 0,
          forecastMiBps: undefined,
          profileMiBps: undefined,
          correctionMiBps: undefined,
          errorMiBps: undefined,
        };
      }
      const known = forecastZone(
        zone.zone,
        this.history.get(zone.zone) ?? EMPTY_HISTORY,
        nowMs,
        forecast,
      );
      if (known.status !== 'insufficient-history') return known;
      const held = this.markerHold(zone.zone, known.historyHours, nowMs);
      if (held === undefined) return known;
      return {
        zone: zone.zone,
        status: 'unknown',
        unknownCause: held.cause,
        unknownWayOut: held.wayOut,
        historyHours: known.historyHours,
        forecastMiBps: undefined,
        profileMiBps: undefined,
        correctionMiBps: undefined,
        errorMiBps: undefined,
      };
    });
  }

  /**
   * Why the marker keeps a zone whose forecast is `insufficient-history` with `historyHours` of
   * history `unknown` at `nowMs`, with the way out; undefined when it does not (no store, no stamp,
   * or an expired one). `historyHours` at or above `minHistoryHours` (the history spans enough but
   * holds no sample in the forecast's windows of the past days: Prometheus kept a block of old data
   * and the last hours) holds as a short history does.
   */
  private markerHold(
    zone: string,
    historyHours: number,
    nowMs: number,
  ): { readonly cause: string; readonly wayOut: string } | undefined {
    const store = this.options.marker;
    const forecast = this.config.forecast;
    if (store === undefined || forecast === undefined) return undefined;
    const hours = `${Math.floor(historyHours * 10) / 10} h`;
    const needed = `${forecast.minHistoryHours} h`;
    const short = historyHours < forecast.minHistoryHours;
    const enough = short
      ? `Prometheus holds ${needed} of the zone's history`
      : `Prometheus holds samples of the zone in the forecast's windows of the past days (within a day of new data)`;
    const clear = `the marker is deleted (ConfigMap ${store.location})`;
    if (!this.markerRead) {
      const error = this.markerError === undefined ? '' : ` (last error: ${this.markerError})`;
      return {
        cause: `the forecast history marker (ConfigMap ${store.location}) could not be read${error}, so a ${hours} history of zone ${zone} cannot be told from one Prometheus lost`,
        wayOut: `the marker can be read, ${enough}, or ${clear}`,
      };
    }
    const stamp = this.markerStamps.get(zone);
    if (stamp === undefined) return undefined;
    const expiresAtMs = markerExpiresAtMs(
      stamp.sufficientAtMs,
      forecast.historyDays,
      stamp.firstReadAtMs,
    );
    if (nowMs >= expiresAtMs) return undefined;
    return {
      cause: `Prometheus holds ${hours} of zone ${zone}'s demand history, ${short ? `less than the ${needed} the forecast needs` : "none of it in the forecast's windows of the past days (the lead time at this time of day)"}, but the forecast history marker (ConfigMap ${store.location}) says a controller held ${needed} or more of it at ${new Date(stamp.sufficientAtMs).toISOString()}: Prometheus lost data the floor relied on`,
      wayOut: `${enough} again, the marker's stamp expires (${new Date(expiresAtMs).toISOString()}), or ${clear}`,
    };
  }

  /** Whether the marker would keep some zone `unknown` at `nowMs` (`markerHold`). */
  private markerHoldsAZone(nowMs: number): boolean {
    const forecast = this.config.forecast;
    if (forecast === undefined) return false;
    return this.config.zones.some(zone => {
      const known = forecastZone(
        zone.zone,
        this.history.get(zone.zone) ?? EMPTY_HISTORY,
        nowMs,
        forecast,
      );
      return (
        known.status === 'insufficient-history' &&
        this.markerHold(zone.zone, known.historyHours, nowMs) !== undefined
      );
    });
  }

  /**
   * Notes the zones whose forecast counts at `nowMs` (`forecastZone` answers `ok` on the held
   * history: `minHistoryHours` of it, with samples in the windows it reads), as `markerHold`'s
   * counterpart: a zone stamped is one whose floor the process could rely on, and a stamp of its
   * own never holds a zone whose forecast has not counted since (a deleted marker stays deleted).
   */
  private stampSufficientZones(nowMs: number): void {
    const forecast = this.config.forecast;
    if (forecast === undefined) return;
    for (const zone of this.config.zones) {
      const history = this.history.get(zone.zone) ?? EMPTY_HISTORY;
      if (forecastZone(zone.zone, history, nowMs, forecast).status === 'ok') {
        this.sufficientAtMs.set(zone.zone, nowMs);
      }
    }
  }

  /**
   * Reads the marker until a read succeeds, again while it holds a zone, and once after a write
   * that lost a race (`conflict`); returns whether it tried.
   */
  private async readMarkerIfNeeded(nowMs: number): Promise<boolean> {
    if (this.options.marker === undefined) return false;
    if (this.markerRead && !this.markerConflict && !this.markerHoldsAZone(nowMs)) return false;
    await this.readMarker(nowMs);
    return true;
  }

  /**
   * Reads the marker into `markerStamps` (`markerError` on a failure); a zone whose stamp is gone
   * since the last read or write also loses this process's own stamp (`sufficientAtMs`).
   */
  private async readMarker(nowMs: number): Promise<void> {
    const store = this.options.marker;
    if (store === undefined) return;
    try {
      const { marker, version } = await store.read();
      const stamps = new Map<string, ReadStamp>();
      for (const [zone, entry] of Object.entries(marker?.zones ?? {})) {
        const before = this.markerStamps.get(zone);
        stamps.set(zone, {
          sufficientAtMs: entry.sufficientAtMs,
          firstReadAtMs:
            before?.sufficientAtMs === entry.sufficientAtMs ? before.firstReadAtMs : nowMs,
        });
      }
      // A zone whose stamp is gone since (the operator deleted the marker or its entry): this
      // process's own stamp of it is dropped too, so it is not written back (holding the zone
      // again) before its forecast counts again.
      for (const zone of this.markerStamps.keys()) {
        if (!stamps.has(zone)) this.sufficientAtMs.delete(zone);
      }
      this.markerStamps = stamps;
      this.markerVersion = version;
      this.markerConflict = false;
      this.markerRead = true;
      this.markerError = undefined;
    } catch (error) {
      this.markerError = error instanceof Error ? error.message : String(error);
      this.options.onMarkerError?.('read', error);
    }
  }

  /**
   * Writes the marker when this process may (`mayWriteMarker`), a read has succeeded (and the one
   * in this refresh, if any, did not fail), and a zone's stamp is new or
   * `FORECAST_MARKER_REWRITE_SECONDS` older than the process's; the marker is read again first
   * unless it was read in this refresh (`readThisRefresh`; a failed read then skips the write, and
   * the next refresh's write reads again), and written only if the ConfigMap is still at the
   * version that read saw (`ForecastMarkerStore.write`), so a stamp another process wrote since
   * is not dropped, nor one the operator deleted written back, however the writes interleave: a
   * write that lost the race (`conflict`) changes nothing, goes to `onMarkerConflict`, and the
   * marker is read again at the next refresh. The marker written holds, per config zone, the later
   * of the stamp read (one dated after its first read by this process: as of that read,
   * `markerExpiresAtMs`) and the process's own, without expired stamps.
   */
  private async writeMarkerIfDue(nowMs: number, readThisRefresh: boolean): Promise<void> {
    const store = this.options.marker;
    const forecast = this.config.forecast;
    if (store === undefined || forecast === undefined || !this.markerRead) return;
    // The read in this refresh failed: the stamps held are what an earlier read saw, and writing
    // them back could undo a deletion by the operator since (the way out); wait for a read that
    // succeeds (the re-read below, at the next refresh: an older failure does not stop the write).
    if (readThisRefresh && this.markerError !== undefined) return;
    if (!(this.options.mayWriteMarker?.() ?? true)) return;
    const rewriteMs = FORECAST_MARKER_REWRITE_SECONDS * 1000;
    const due = this.config.zones.some(zone => {
      const own = this.sufficientAtMs.get(zone.zone);
      const stored = this.markerStamps.get(zone.zone)?.sufficientAtMs;
      return own !== undefined && (stored === undefined || own - stored >= rewriteMs);
    });
    if (!due) return;
    // Read right before the write: another process (a leader before this one, a lost leader) may
    // have written stamps since this one last read, and the write replaces the marker whole (at
    // the version read: one written in between makes it a conflict).
    if (!readThisRefresh) {
      await this.readMarker(nowMs);
      if (this.markerError !== undefined) return;
      if (!(this.options.mayWriteMarker?.() ?? true)) return;
    }
    const zones: Record<string, { sufficientAtMs: number }> = {};
    for (const zone of this.config.zones) {
      const read = this.markerStamps.get(zone.zone);
      const own = this.sufficientAtMs.get(zone.zone);
      const readLive =
        read !== undefined &&
        nowMs < markerExpiresAtMs(read.sufficientAtMs, forecast.historyDays, read.firstReadAtMs);
      // A stamp read ahead of this clock is written back as of its first read (what its expiry
      // counts from), so a next process does not count it from its own first read again.
      const stamp = Math.max(
        own ?? -1,
        readLive ? Math.min(read.sufficientAtMs, read.firstReadAtMs) : -1,
      );
      if (stamp >= 0) zones[zone.zone] = { sufficientAtMs: stamp };
    }
    const marker: ForecastMarker = { version: 1, zones };
    try {
      const outcome = await store.write(marker, this.markerVersion);
      if (outcome === 'conflict') {
        this.markerConflict = true;
        this.options.onMarkerConflict?.();
        return;
      }
      const stamps = new Map<string, ReadStamp>();
      for (const [zone, entry] of Object.entries(zones)) {
        const before = this.markerStamps.get(zone);
        stamps.set(zone, {
          sufficientAtMs: entry.sufficientAtMs,
          firstReadAtMs:
            before?.sufficientAtMs === entry.sufficientAtMs ? before.firstReadAtMs : nowMs,
        });
      }
      this.markerStamps = stamps;
    } catch (error) {
      this.options.onMarkerError?.('write', error);
    }
  }

  /** Why the whole history is unknown at `nowMs`, or undefined while it can be trusted. */
  private historyUnknownCause(nowMs: number, leadTimeSeconds: number): string | undefined {
    const lastError = this.lastError === undefined ? '' : ` (last error: ${this.lastError})`;
    if (this.fetchedAtMs === undefined) {
      return `no forecast history range query has succeeded since the controller started${lastError}`;
    }
    const maxAgeMs = forecastHistoryMaxAgeMs(leadTimeSeconds);
    const ageMs = nowMs - this.fetchedAtMs;
    // Stamped after now: the clock stepped back, and how old the history really is is unknown.
    if (ageMs < 0) {
      return `the last successful forecast history range query is stamped ${Math.round(-ageMs / 60_000)} min in the future (the clock stepped back)${lastError}`;
    }
    if (ageMs > maxAgeMs) {
      return `the last successful forecast history range query was ${Math.round(ageMs / 60_000)} min ago, more than the ${Math.round(maxAgeMs / 60_000)} min the history is trusted${lastError}`;
    }
    return undefined;
  }
}
