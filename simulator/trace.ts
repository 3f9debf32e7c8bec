/**
 * Load traces from CSV files with a `timestamp,value` header (the Numenta Anomaly Benchmark format
 * of `shared/traces/`): parsed, resampled to 1-minute steps by linear interpolation, and cut to a
 * number of days. Scaling to the requested peak happens in `scaleToPeak`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { MINUTE_MS, MINUTES_PER_DAY, scaleToPeak, type DemandSeries } from './demand';
import { SimulationInputError } from './errors';

/** One reading of a trace. */
export interface TracePoint {
  readonly atMs: number;
  readonly value: number;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?Z?$/;

/** Parses `YYYY-MM-DD HH:MM[:SS]` (read as UTC), ISO 8601 with a zone, or epoch seconds. */
export function parseTimestamp(text: string): number | undefined {
  const trimmed = text.trim();
  const match = DATE_TIME.exec(trimmed);
  if (match !== null) {
    const [, year, month, day, hour, minute, second] = match;
    const ms = Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute),
      0,
    );
    return ms + Math.round(Number(second ?? '0') * 1000);
  }
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parsed = Date.parse(trimmed);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** Parses CSV text. @throws SimulationInputError naming the line and the fix. */
export function parseTraceCsv(text: string, option = '--trace'): TracePoint[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase().replace(/"/g, '');
  if (header !== 'timestamp,value') {
    throw new SimulationInputError(
      option,
      `the first line is "${lines[0] ?? ''}"; a trace needs the header "timestamp,value"`,
    );
  }
  const points: TracePoint[] = [];
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '') continue;
    const [stamp, value, extra] = line.split(',');
    const atMs = stamp === undefined ? undefined : parseTimestamp(stamp.replace(/"/g, ''));
    const number = value === undefined ? Number.NaN : Number(value.replace(/"/g, ''));
    if (extra !== undefined || atMs === undefined || !Number.isFinite(number) || number < 0) {
      throw new SimulationInputError(
        option,
        `line ${index + 1} "${line}" is not "timestamp,value" with a date and a non-negative number`,
      );
    }
    points.push({ atMs, value: number });
  }
  if (points.length < 2) {
    throw new SimulationInputError(option, 'the trace has fewer than 2 readings; give at least 2');
  }
  return points;
}

/**
 * Resamples readings (any order, any spacing) to one value per minute from the first reading's
 * minute to the last's, interpolating linearly across gaps. Readings in the same minute average.
 */
export function resampleToMinutes(points: readonly TracePoint[]): {
  startMs: number;
  values: Float64Array;
} {
  const byMinute = new Map<number, { sum: number; count: number }>();
  for (const point of points) {
    const minute = Math.floor(point.atMs / MINUTE_MS);
    const slot = byMinute.get(minute) ?? { sum: 0, count: 0 };
    byMinute.set(minute, { sum: slot.sum + point.value, count: slot.count + 1 });
  }
  const minutes = [...byMinute.keys()].sort((a, b) => a - b);
  const first = minutes[0];
  const values = new Float64Array(minutes[minutes.length - 1] - first + 1);
  for (let k = 0; k < minutes.length; k++) {
    const slot = byMinute.get(minutes[k]);
    const value = slot === undefined ? 0 : slot.sum / slot.count;
    values[minutes[k] - first] = value;
    if (k === 0) continue;
    const previous = minutes[k - 1];
    const previousSlot = byMinute.get(previous);
    const previousValue = previousSlot === undefined ? 0 : previousSlot.sum / previousSlot.count;
    const span = minutes[k] - previous;
    for (let step = 1; step < span; step++) {
      values[previous - first + step] = previousValue + ((value - previousValue) * step) / span;
    }
  }
  return { startMs: first * MINUTE_MS, values };
}

/** Builds a demand series from CSV text: resampled, cut to `days` when given, scaled to the peak. */
export function demandFromCsv(
  text: string,
  options: { readonly peakMiBps: number; readonly days?: number; readonly source: string },
): DemandSeries {
  const { startMs, values } = resampleToMinutes(parseTraceCsv(text));
  let minutes = values.length;
  if (options.days !== undefined) {
    const wanted = Math.round(options.days * MINUTES_PER_DAY);
    if (wanted > values.length) {
      const covered = values.length / MINUTES_PER_DAY;
      throw new SimulationInputError(
        '--days',
        `${options.days} is longer than the trace ${options.source} (${covered.toFixed(1)} days); use --days ${Math.max(0.1, Math.floor(covered * 10) / 10)} or leave it out`,
      );
    }
    minutes = wanted;
  }
  const cut = values.subarray(0, minutes);
  if (cut.every(value => value === 0)) {
    throw new SimulationInputError('--trace', `${options.source} has only zero values`);
  }
  return {
    startMs,
    producerMiBps: scaleToPeak(cut, options.peakMiBps),
    source: options.source,
  };
}

/** Reads a trace file. @throws SimulationInputError when it cannot be read or parsed. */
export function loadTraceFile(
  file: string,
  options: { readonly peakMiBps: number; readonly days?: number },
): DemandSeries {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SimulationInputError(
      '--trace',
      `cannot read ${file} (${reason}); give a CSV file with a "timestamp,value" header`,
    );
  }
  return demandFromCsv(text, { ...options, source: basename(file) });
}
