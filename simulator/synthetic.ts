/**
 * A synthetic daily load: a smooth day between trough and peak (peak in the afternoon UTC), lower
 * weekends, multiplicative noise from a seeded generator, and an optional flash spike. The series
 * is scaled so its highest minute equals the requested peak.
 */
import { MINUTES_PER_DAY, scaleToPeak, type DemandSeries } from './demand';
import { SimulationInputError } from './errors';
import { normalSample, seededRandom } from './prng';

/** Monday 2024-01-01 00:00 UTC: synthetic series start on a Monday. */
export const SYNTHETIC_START_MS = Date.UTC(2024, 0, 1);

/** Standard deviation of the multiplicative noise unless `--noise` says otherwise. */
export const DEFAULT_NOISE_SHARE = 0.03;

export interface SyntheticOptions {
  /** Peak over trough of the daily pattern (before noise and weekends), at least 1. */
  readonly peakToTroughRatio: number;
  /** Length of the series. */
  readonly days: number;
  /** Seed of the noise. @default 1 */
  readonly seed?: number;
  /** Standard deviation of the multiplicative noise. @default 0.03 */
  readonly noiseShare?: number;
  /** Saturday and Sunday run this share lower. @default 0.15 */
  readonly weekendDipShare?: number;
  /** Add one 30-minute spike at 1.6 x the load of the moment, on day 2 at 10:00 UTC. @default false */
  readonly flashSpike?: boolean;
  /** Hour (UTC) of the daily peak. @default 15 */
  readonly peakHourUtc?: number;
}

/** Parses `daily:<ratio>` (for example `daily:3`). @throws SimulationInputError */
export function parseSyntheticPattern(text: string): { peakToTroughRatio: number } {
  const match = /^daily:(\d+(?:\.\d+)?)$/.exec(text.trim());
  const ratio = match === null ? Number.NaN : Number(match[1]);
  if (!Number.isFinite(ratio) || ratio < 1) {
    throw new SimulationInputError(
      '--synthetic',
      `"${text}" is not a daily pattern; write daily:<peak/trough ratio> with a ratio of at least 1, for example daily:3`,
    );
  }
  return { peakToTroughRatio: ratio };
}

/** The daily shape before scaling: 1 at the peak hour, 1/ratio twelve hours later. */
function dailyShape(minuteOfDay: number, ratio: number, peakHourUtc: number): number {
  const trough = 1 / ratio;
  const phase = ((minuteOfDay / 60 - peakHourUtc) / 24) * 2 * Math.PI;
  return trough + ((1 - trough) * (1 + Math.cos(phase))) / 2;
}

/** Generates the series. Same options, same numbers. */
export function syntheticDemand(options: SyntheticOptions, peakMiBps: number): DemandSeries {
  const minutes = Math.round(options.days * MINUTES_PER_DAY);
  const random = seededRandom(options.seed ?? 1);
  const noise = options.noiseShare ?? DEFAULT_NOISE_SHARE;
  const weekendDip = options.weekendDipShare ?? 0.15;
  const peakHour = options.peakHourUtc ?? 15;
  const spikeDay = Math.min(1, Math.max(0, Math.floor(options.days) - 1));
  const spikeStart = spikeDay * MINUTES_PER_DAY + 10 * 60;
  const raw = new Float64Array(minutes);
  for (let minute = 0; minute < minutes; minute++) {
    const day = Math.floor(minute / MINUTES_PER_DAY);
    const weekday = day % 7; // 0 = Monday
    let value = dailyShape(minute % MINUTES_PER_DAY, options.peakToTroughRatio, peakHour);
    if (weekday >= 5) value *= 1 - weekendDip;
    value *= Math.max(0, 1 + noise * normalSample(random));
    if (options.flashSpike === true && minute >= spikeStart && minute < spikeStart + 30) {
      value *= 1.6;
    }
    raw[minute] = value;
  }
  const spike = options.flashSpike === true ? ', flash spike' : '';
  return {
    startMs: SYNTHETIC_START_MS,
    producerMiBps: scaleToPeak(raw, peakMiBps),
    source: `synthetic daily:${options.peakToTroughRatio} (seed ${options.seed ?? 1}${spike})`,
  };
}
