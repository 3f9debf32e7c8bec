/**
 * Issue #16 reproduction: Twitter CRM's spike (its minutes 22:57-23:29 of 2015-03-19 at an
 * 800 MiB/s peak, after an hour at its quiet level), where the ramp guard judged each zone by its
 * Ready node alone: the zones went from 1 node to 2 at once, but to 4 only once the 2 were Ready,
 * two minutes later, and the re-spread (which waits for the 4) started a minute later than the
 * rise allowed. With the launching nodes counted (`rampBaseNodes`), the 4 are launched a pass
 * after the 2, before those are Ready.
 */
import { loadSpecFile } from '../../spec/load';
import { strategyContext, runStrategy } from '../../simulator/simulate';
import type { DemandSeries } from '../../simulator/demand';
import { START_MS } from './helpers';

// Producer MiB/s, one a minute, from the trace scaled to an 800 MiB/s peak (rounded).
const CRM_SPIKE = [
  34.4, 69.7, 104.9, 140.1, 175.3, 210.5, 328.4, 446.3, 564.2, 682.1, 800, 783.2, 766.3, 749.5,
  732.6, 715.8, 717.3, 718.9, 720.4, 721.9, 723.4, 646.9, 570.3, 493.8, 417.2, 340.7, 274.1, 207.5,
  140.9, 74.3, 7.7, 13, 18.4,
];

function crmSpike(): DemandSeries {
  const minutes = [...Array.from({ length: 60 }, () => 20), ...CRM_SPIKE];
  for (let i = 0; i < 90; i++) minutes.push(20);
  return { startMs: START_MS, producerMiBps: Float64Array.from(minutes), source: 'crm-spike' };
}

/** First minute at which every zone has at least `nodes` nodes (launching ones included). */
function firstMinuteWith(series: readonly Float64Array[], nodes: number): number {
  const length = series[0].length;
  for (let minute = 0; minute < length; minute++) {
    if (series.every(zone => zone[minute] >= nodes)) return minute;
  }
  return -1;
}

describe('the ramp guard on Twitter CRM spike', () => {
  test('the zones launch their 4 nodes before the 2 are Ready; no throttling, one move at a time', () => {
    const context = strategyContext(loadSpecFile('stacks/prod.yaml'), crmSpike());
    const run = runStrategy('controller', context);
    const two = firstMinuteWith(run.series.nodesPerZone, 2);
    const four = firstMinuteWith(run.series.nodesPerZone, 4);
    expect(two).toBeGreaterThan(60);
    // A node takes 120 s to become Ready: the 4 are launched within it.
    expect(four - two).toBeLessThan(2);
    expect(run.books.maxConcurrentMoves).toBe(1);
    expect(run.books.throttledNodeSeconds).toBe(0);
  });
});
