/**
 * Issue #16 reproduction: a one-off spike past the lowest level (the shape of Twitter AAPL's, which
 * throttled the controller's nodes for 1.8 node-minutes while its re-spread finished one zone
 * before starting the next). With the re-spread relieving every zone's hottest node in turn, no
 * node runs out of burst credits, and moves stay one at a time.
 */
import { loadSpecFile } from '../../spec/load';
import { strategyContext, runStrategy } from '../../simulator/simulate';
import type { DemandSeries } from '../../simulator/demand';
import { START_MS } from './helpers';

/** Producer MiB/s per minute: quiet, a steep rise, a shoulder, a climb to 800, the fall back. */
function spike(): DemandSeries {
  const minutes: number[] = [];
  const ramp = (from: number, to: number, length: number) => {
    for (let i = 1; i <= length; i++) minutes.push(from + ((to - from) * i) / length);
  };
  for (let i = 0; i < 60; i++) minutes.push(10);
  ramp(10, 180, 5);
  ramp(180, 150, 5);
  ramp(150, 450, 10);
  ramp(450, 800, 10);
  ramp(800, 700, 10);
  ramp(700, 100, 15);
  for (let i = 0; i < 120; i++) minutes.push(100);
  return { startMs: START_MS, producerMiBps: Float64Array.from(minutes), source: 'spike' };
}

describe('controller re-spread order on a one-off spike', () => {
  test('no throttled node-minutes, one move at a time', () => {
    const context = strategyContext(loadSpecFile('stacks/prod.yaml'), spike());
    const run = runStrategy('controller', context);
    expect(run.books.maxConcurrentMoves).toBe(1);
    expect(run.books.brokerMoves).toBeGreaterThan(0);
    expect(run.books.overloadedNodeSeconds).toBeGreaterThan(0);
    expect(run.books.throttledNodeSeconds).toBe(0);
  });
});
