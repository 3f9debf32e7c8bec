/**
 * The ramp guard: one level up, ahead of a steep rise that would push a zone past its nodes'
 * network baseline before a new node could be Ready.
 *
 * The rule, in two sentences: the zone's demand rise over the last minute (or more) is projected
 * `horizonSeconds` ahead (node launch plus the age of the load metric); when that projection is
 * above the baseline of the zone's Ready nodes (`nodes x nodeBaselineMiBps`, 100%, not the target
 * utilization), the zone's floor is the next balanced level above them (`rampFloorNodes`). A flat or falling demand,
 * a rise that stays under the baseline, or less than a minute of samples leaves the floor alone.
 *
 * Why: the reactive level only moves once the lagging metric shows demand above the target, and a
 * spike that climbs from a quiet level to the peak in a few minutes (Twitter AMZN in the simulator:
 * 29 -> 800 MiB/s in four minutes) is above the baseline of the old node before the new one is
 * Ready. The guard launches that node one pass sooner; it never asks for more than one level above
 * the Ready nodes, never lowers a level (like the forecast floor it is a floor: scale-in never
 * follows from it), and `decide` runs every safety hold after it as before.
 *
 * The samples are the zone demands `decide` itself computed on earlier passes, kept in its memory
 * (`Memory.rampSamples`), so the guard needs no extra query. A restarted controller has none, and
 * a gap in the data longer than the samples are kept leaves none old enough: the guard is then
 * blind (`ZoneRamp.blind`) for a metric minute. Blind, it asks for no level, but `decide` starts no
 * node removal in the zone and a removal in progress waits (`removalMayProceed`): the guard it ran
 * with before the restart might have asked for the node, so a restart never lets a removal go on
 * that the guard would have rolled back.
 *
 * The same samples also tell `decide` whether demand is rising at all (`ZoneRamp.rising`,
 * `demandRising`): the latest is more than `RISING_MIN_MIBPS` above the lowest of them. Only the
 * empty-node window reads it; judged over the ~150 s kept, one noisy minute can neither hide a
 * slow rise nor fake one for long, as the one-minute slope could.
 */
import type { ControllerConfig } from './config';
import { levelAtLeast } from './levels';

/** One zone demand `decide` saw. */
export interface RampSample {
  /** Epoch ms of the pass. */
  readonly atMs: number;
  /** Zone demand, MiB/s in the busier direction (`ZoneSummary.demandMiBps`). */
  readonly demandMiBps: number;
}

/** How far apart two samples must be for a slope, ms: one metric minute, less scheduling jitter. */
export const RAMP_MIN_SPAN_MS = 55_000;

/** Samples older than this (from the newest) are dropped, ms (see `rampKeepMs`). */
export const RAMP_KEEP_MS = 150_000;

/**
 * How long `decide` keeps samples at a pass interval of `intervalSeconds`: `RAMP_KEEP_MS`, or
 * longer when passes are further apart than that leaves room for (two intervals past
 * `RAMP_MIN_SPAN_MS`), so that the guard is not blind for ever at a long interval.
 */
export function rampKeepMs(intervalSeconds: number): number {
  return Math.max(RAMP_KEEP_MS, RAMP_MIN_SPAN_MS + 2 * intervalSeconds * 1000);
}

/**
 * The ramp guard's look-ahead when it is on: the node launch the controller plans for (120 s, as
 * the forecast lead time assumes) plus the age of the default load query (`rate(...[2m])` reports
 * the average of the last two minutes, about a minute old).
 */
export const DEFAULT_RAMP_HORIZON_SECONDS = 180;

/** What the guard says about one zone. */
export interface ZoneRamp {
  /** Demand rise, MiB/s per second (over at least `RAMP_MIN_SPAN_MS`); 0 when none is known. */
  readonly slopeMiBpsPerSecond: number;
  /** Demand projected `horizonSeconds` ahead, MiB/s; the current demand when there is no rise. */
  readonly projectedMiBps: number;
  /** The level the guard asks for (0 = none). */
  readonly floorNodes: number;
  /**
   * True when no sample is at least `RAMP_MIN_SPAN_MS` older than this pass's (a restarted
   * controller's first minute, or after a gap in the data): the guard cannot tell a rise yet.
   */
  readonly blind: boolean;
  /**
   * True when demand is rising judged over all the samples kept (`demandRising`: the latest more
   * than `RISING_MIN_MIBPS` above the lowest), which noise in one pass's minute cannot hide. Only
   * the empty-node window reads it (`decide`); the guard's floor and hold use
   * `slopeMiBpsPerSecond`. False when `blind`.
   */
  readonly rising: boolean;
}

/**
 * How far above the lowest of the samples kept the latest demand must be for `demandRising`,
 * MiB/s. A flat demand whose noise stays within half of this either side of its level never
 * counts as rising. The review's case (+1 MiB/s a minute under noise alternating 0, +2, 0, -2 MiB/s)
 * is 2 MiB/s or more above its lowest sample at every pass; under other noise within +-2 MiB/s it is
 * not (a pass 2 MiB/s low after five 2 MiB/s high is its samples' lowest): only the bound in
 * `demandRising` (a rise over the samples of more than 2a + this) is guaranteed.
 */
export const RISING_MIN_MIBPS = 1;

/**
 * Whether demand is rising, for the empty-node window: the latest sample is more than
 * `RISING_MIN_MIBPS` above the lowest of all the samples kept (about 150 s, `rampKeepMs`).
 * False when the samples span less than `RAMP_MIN_SPAN_MS`.
 *
 * Bounds, for noise within +-a around the demand's course: a demand rising by R over the samples'
 * span always counts when R - 2a > `RISING_MIN_MIBPS` (the latest is at least that above the
 * oldest); a flat demand never counts when 2a <= `RISING_MIN_MIBPS`, and otherwise counts at most
 * m x (ceil(2a / `RISING_MIN_MIBPS`) - 1) passes in a row, m the earlier samples kept (5 at a
 * 30 s interval): each such pass has an earlier sample within m passes more than
 * `RISING_MIN_MIBPS` lower, and a chain of those cannot drop further than the noise's range 2a.
 * The last minute's rise alone (the guard's slope) had neither bound: noise could hide a slow
 * rise at every pass whose minute dipped.
 */
export function demandRising(samples: readonly RampSample[]): boolean {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined || last.atMs - first.atMs < RAMP_MIN_SPAN_MS) {
    return false;
  }
  const lowest = Math.min(...samples.map(sample => sample.demandMiBps));
  return last.demandMiBps > lowest + RISING_MIN_MIBPS;
}

/**
 * The zone's samples after this pass: the earlier ones no older than `keepMs` (default
 * `RAMP_KEEP_MS`) from now, then this pass's demand. Samples from the future (a clock step back)
 * are dropped too.
 */
export function nextRampSamples(
  previous: readonly RampSample[] | undefined,
  nowMs: number,
  demandMiBps: number,
  keepMs: number = RAMP_KEEP_MS,
): RampSample[] {
  const kept = (previous ?? []).filter(
    sample => sample.atMs < nowMs && nowMs - sample.atMs <= keepMs,
  );
  return [...kept, { atMs: nowMs, demandMiBps }];
}

/**
 * The guard's verdict for a zone.
 *
 * @param samples the zone's samples, oldest first, the last one this pass's (`nextRampSamples`)
 * @param readyNodes the zone's counted Ready nodes
 * @param horizonSeconds look-ahead (`ControllerConfig.rampHorizonSeconds`)
 * @returns `floorNodes` as `rampFloorNodes` on a rise (0 on a flat or falling demand); `blind`
 *   when no sample is a metric minute older than the last
 */
export function zoneRamp(
  samples: readonly RampSample[],
  readyNodes: number,
  horizonSeconds: number,
  config: Pick<ControllerConfig, 'balancedNodeCounts' | 'nodeBaselineMiBps'>,
): ZoneRamp {
  const latest = samples[samples.length - 1];
  const none = (slope: number, blind = false): ZoneRamp => ({
    slopeMiBpsPerSecond: slope,
    projectedMiBps: latest?.demandMiBps ?? 0,
    floorNodes: 0,
    blind,
    rising: !blind && demandRising(samples),
  });
  if (latest === undefined) return none(0, true);
  // The newest sample at least one metric minute older than this pass's.
  let earlier: RampSample | undefined;
  for (const sample of samples) {
    if (latest.atMs - sample.atMs >= RAMP_MIN_SPAN_MS) earlier = sample;
  }
  if (earlier === undefined) return none(0, true);
  const slope = (latest.demandMiBps - earlier.demandMiBps) / ((latest.atMs - earlier.atMs) / 1000);
  if (!(slope > 0) || !Number.isFinite(slope)) return none(Number.isFinite(slope) ? slope : 0);
  const projectedMiBps = latest.demandMiBps + slope * horizonSeconds;
  return {
    slopeMiBpsPerSecond: slope,
    projectedMiBps,
    floorNodes: rampFloorNodes(projectedMiBps, readyNodes, config),
    blind: false,
    rising: demandRising(samples),
  };
}

/**
 * The level the guard asks for when `projectedMiBps` rises ahead of `readyNodes` Ready nodes: the
 * next balanced level above their level once the projection passes that level's baseline; at an
 * unbalanced count (a zone mid-removal, 4 -> 3 on the way to 2, or one whose nodes are still
 * booting), the level at or above the nodes once the projection passes the nodes' own baseline
 * (`readyNodes x nodeBaselineMiBps`), so 3 nodes are never judged by 4 nodes' baseline. 0 when the
 * projection passes neither, or no such level exists.
 */
export function rampFloorNodes(
  projectedMiBps: number,
  readyNodes: number,
  config: Pick<ControllerConfig, 'balancedNodeCounts' | 'nodeBaselineMiBps'>,
): number {
  const levels = config.balancedNodeCounts;
  const nodes = Math.max(1, readyNodes);
  const readyLevel = levelAtLeast(nodes, levels);
  const next = levels.find(level => level > readyLevel);
  if (next !== undefined && projectedMiBps > readyLevel * config.nodeBaselineMiBps) return next;
  if (readyLevel > nodes && projectedMiBps > nodes * config.nodeBaselineMiBps) return readyLevel;
  return 0;
}
