/** Balanced node levels: which node counts a zone may run at, and which one covers a demand. */
import type { ScheduledMinimum } from './config';

/** The smallest balanced level at least `nodes`, or the highest level when none is. */
export function levelAtLeast(nodes: number, levels: readonly number[]): number {
  for (const level of levels) if (level >= nodes) return level;
  return levels[levels.length - 1];
}

/** The smallest balanced level whose capacity covers the demand, or the highest level. */
export function levelCovering(
  demandMiBps: number,
  nodeCapacityMiBps: number,
  levels: readonly number[],
): number {
  for (const level of levels) if (level * nodeCapacityMiBps >= demandMiBps) return level;
  return levels[levels.length - 1];
}

function minutesOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
}

/** True when `nowMs` falls inside the window (which may wrap past midnight). */
export function windowIsActive(window: ScheduledMinimum, nowMs: number): boolean {
  const now = new Date(nowMs);
  const minute = now.getUTCHours() * 60 + now.getUTCMinutes();
  const start = minutesOfDay(window.startUtc);
  const end = minutesOfDay(window.endUtc);
  const today = now.getUTCDay();
  if (start <= end) return minute >= start && minute < end && window.weekdays.includes(today);
  if (minute >= start) return window.weekdays.includes(today);
  return minute < end && window.weekdays.includes((today + 6) % 7);
}

/** The highest scheduled minimum (nodes per zone) active at `nowMs`; 0 when none is. */
export function scheduledMinimumNodes(windows: readonly ScheduledMinimum[], nowMs: number): number {
  let highest = 0;
  for (const window of windows) {
    if (windowIsActive(window, nowMs)) highest = Math.max(highest, window.nodesPerZone);
  }
  return highest;
}
