/** The load every strategy replays: cluster-wide producer traffic, one value per minute. */

export const MINUTE_MS = 60_000;
export const MINUTES_PER_DAY = 1440;

/** Producer traffic for the whole cluster, resampled to 1-minute steps. */
export interface DemandSeries {
  /** Epoch ms of the first minute. */
  readonly startMs: number;
  /** MiB/s of producer traffic, one value per minute. */
  readonly producerMiBps: Float64Array;
  /** Where the series came from, for reports. */
  readonly source: string;
}

/** The highest value of the series. */
export function peakOf(values: ArrayLike<number>): number {
  let peak = 0;
  for (let i = 0; i < values.length; i++) peak = Math.max(peak, values[i]);
  return peak;
}

/** Scales values so their peak equals `peakMiBps` (a flat zero series stays zero). */
export function scaleToPeak(values: ArrayLike<number>, peakMiBps: number): Float64Array {
  const peak = peakOf(values);
  const scaled = new Float64Array(values.length);
  if (peak <= 0) return scaled;
  for (let i = 0; i < values.length; i++) scaled[i] = (Math.max(0, values[i]) / peak) * peakMiBps;
  return scaled;
}

/** Producer traffic at an instant; before the start the first value, after the end the last. */
export function demandAt(series: DemandSeries, atMs: number): number {
  const values = series.producerMiBps;
  const minute = Math.floor((atMs - series.startMs) / MINUTE_MS);
  if (minute <= 0) return values[0] ?? 0;
  if (minute >= values.length) return values[values.length - 1] ?? 0;
  return values[minute];
}
