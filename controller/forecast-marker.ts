/**
 * The forecast history marker: what a controller process leaves in the cluster so that the next
 * one can tell "a new cluster, never enough history" from "the zone had enough history, and
 * Prometheus lost it". The history itself is not persisted (it is Prometheus's); the marker keeps,
 * per zone, only the last time a process's forecast of the zone counted (`forecastZone` answered
 * `ok`: at least `minHistoryHours` of the zone's demand history, with samples in the windows it
 * reads; `sufficientAtMs`).
 *
 * Stored as JSON under `FORECAST_MARKER_KEY` in the ConfigMap `<cluster>-kafka-autoscaler-forecast`
 * in the controller's namespace (the Lease's namespace), written by the leader with
 * `ForecastHistory` (controller/forecast-history.ts) and read back by every process at its start.
 * A separate ConfigMap from the status one (controller/decision-record.ts), which nothing reads back
 * to decide. The operator clears the marker by deleting the ConfigMap (or a zone's entry in it):
 * the zones then read as new (reactive until `minHistoryHours` are known).
 *
 * A stamp expires `historyDays` after it was written: no sample of the history it stood for is
 * inside the forecast's window any more, so a zone whose controller was stopped that long reads as
 * new, not as lost.
 */
import { z } from 'zod';

/** Data key of the ConfigMap holding the marker. */
export const FORECAST_MARKER_KEY = 'forecast-history-marker.json';

/**
 * Rewrite a zone's stamp once it is this much older than what the process holds, seconds (1 h).
 * The stamp only has to be younger than `historyDays` (14 days by default) to hold a zone; hourly
 * writes keep the ConfigMap quiet and lose at most an hour of that.
 */
export const FORECAST_MARKER_REWRITE_SECONDS = 3600;

/** Name of the marker ConfigMap for a platform (in the controller's namespace). */
export function forecastMarkerConfigMapName(clusterName: string): string {
  return `${clusterName}-kafka-autoscaler-forecast`;
}

/** The latest epoch ms a JavaScript Date holds (ECMA-262, "Time Values and Time Range"). */
const MAX_DATE_MS = 8_640_000_000_000_000;

const markerSchema = z.object({
  version: z.literal(1),
  zones: z.record(
    z.string(),
    z.object({
      /**
       * The last time a process's forecast of the zone counted (`ok`), epoch ms
       * (at most the latest time a Date holds: a later one is not a marker).
       */
      sufficientAtMs: z.number().int().nonnegative().max(MAX_DATE_MS),
    }),
  ),
});

/**
 * The stored marker: per zone name, the last time a controller process's forecast of the zone
 * counted (`ok`: at least `minHistoryHours` of its demand history; `sufficientAtMs`, epoch ms).
 */
export type ForecastMarker = z.infer<typeof markerSchema>;

/**
 * A marker as read, with the version of the ConfigMap it was read from (its
 * `metadata.resourceVersion`, opaque: only compared for equality by the API server; undefined when
 * the ConfigMap does not exist). A ConfigMap without the marker's key reads as `marker: undefined`
 * with its version.
 */
export interface ForecastMarkerRead {
  readonly marker: ForecastMarker | undefined;
  readonly version: string | undefined;
}

/**
 * What a write did: `written`, or `conflict` when the ConfigMap was no longer at the version read
 * (someone wrote or deleted it since, or created it when none was read). A conflict is not an
 * error: nothing was written, and the writer reads the marker again before its next write.
 */
export type ForecastMarkerWriteOutcome = 'written' | 'conflict';

/**
 * Reads and writes the marker with optimistic concurrency (the Kubernetes adapter; tests use an
 * in-memory stand-in, test/controller/memory-marker-store.ts).
 */
export interface ForecastMarkerStore {
  /** Where the marker lives, for hold details and logs (`<namespace>/<name>`). */
  readonly location: string;
  /**
   * The stored marker and the version it was read at (`ForecastMarkerRead`); `marker` is
   * undefined when there is none (the ConfigMap or its key does not exist).
   * @throws on an API error, or a stored value `decodeForecastMarker` rejects (naming the key).
   */
  read(): Promise<ForecastMarkerRead>;
  /**
   * Stores the marker whole if the ConfigMap is still at `readVersion` (the `version` of the read
   * it is based on): with a version, replaces the data only if the ConfigMap still has that
   * resourceVersion; without one (none existed), only creates the ConfigMap. Either way, anything
   * else answers `conflict` and changes nothing (so a stamp another process wrote since the read
   * is not dropped, nor a marker the operator deleted since written back).
   * @throws on an API error other than the conflict.
   */
  write(
    marker: ForecastMarker,
    readVersion: string | undefined,
  ): Promise<ForecastMarkerWriteOutcome>;
}

/** Serialises a marker (zones sorted by name, so equal markers are equal text). */
export function encodeForecastMarker(marker: ForecastMarker): string {
  const zones = Object.fromEntries(
    Object.entries(marker.zones).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return JSON.stringify({ version: marker.version, zones });
}

/**
 * Parses a stored marker.
 * @returns the marker, or an error sentence naming the ConfigMap key, the problem and the fix.
 */
export function decodeForecastMarker(
  text: string,
): { readonly marker: ForecastMarker } | { readonly error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      error: `${FORECAST_MARKER_KEY} is not JSON (${String(error)}); delete the ConfigMap to clear it`,
    };
  }
  const result = markerSchema.safeParse(parsed);
  if (!result.success) {
    return {
      error: `${FORECAST_MARKER_KEY} is not a forecast history marker (${result.error.issues
        .map(
          issue => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`,
        )
        .join('; ')}); delete the ConfigMap to clear it`,
    };
  }
  return { marker: result.data };
}

/**
 * When a stamp stops holding its zone, epoch ms: `historyDays` after it. A stamp after `nowMs`
 * (written by a clock ahead of this one) counts as written now: it holds no longer than
 * `historyDays` from the first time this process reads it. Pure.
 */
export function markerExpiresAtMs(
  sufficientAtMs: number,
  historyDays: number,
  firstReadAtMs: number,
): number {
  return Math.min(sufficientAtMs, firstReadAtMs) + historyDays * 86_400_000;
}
