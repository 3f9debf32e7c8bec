import { loadSpecFile } from '../../spec/load';
import { DEFAULT_SPEC_FILE } from '../../stacks/defaults';
import { simulate } from '../../simulator/simulate';
import { flat, series } from './helpers';

const prod = loadSpecFile(DEFAULT_SPEC_FILE);

function ramp(from: number, to: number, minutes: number): number[] {
  return Array.from({ length: minutes }, (_, i) => from + ((to - from) * (i + 1)) / minutes);
}

/** Nodes per zone of a strategy at a minute. */
function nodesAt(
  details: ReturnType<typeof simulate>,
  name: 'controller' | 'target-tracking',
  minute: number,
): number[] {
  return details.series[name].nodesPerZone.map(zone => zone[minute]);
}

describe('controller strategy (the real decide and state machine)', () => {
  // 1 h at 100 MiB/s, 2 h up to 800, 1 h at 800, 2 h down to 100, 3 h at 100
  const trace = series([
    ...flat(100, 60),
    ...ramp(100, 800, 120),
    ...flat(800, 60),
    ...ramp(800, 100, 120),
    ...flat(100, 180),
  ]);
  const details = simulate(prod, trace);
  const controller = details.result.strategies.controller;

  it('scales out to the peak level and back down to one node per zone', () => {
    expect(Math.max(...details.series.controller.nodesPerZone[0])).toBe(4);
    expect(nodesAt(details, 'controller', trace.producerMiBps.length - 1)).toEqual([1, 1, 1]);
    expect(controller.scalingActions).toBeGreaterThanOrEqual(6);
    expect(controller.nodeHours).toBeLessThan(details.result.strategies.static.nodeHours);
  });

  it('moves one broker at a time and never overloads a node on a slow ramp', () => {
    expect(controller.maxConcurrentMoves).toBe(1);
    expect(controller.brokerMoves).toBeGreaterThan(0);
    expect(controller.overloadedNodeMinutes).toBe(0);
  });

  it('holds through a dip shorter than the scale-in stabilization', () => {
    // GIVEN 1 h at peak, an 8-minute dip (stabilization: 10 minutes), 1 h at peak
    const dip = simulate(prod, series([...flat(800, 60), ...flat(100, 8), ...flat(800, 60)]));
    // THEN the controller never acts while the oracle follows the dip
    expect(dip.result.strategies.controller.scalingActions).toBe(0);
    expect(dip.result.strategies.controller.brokerMoves).toBe(0);
    expect(dip.result.strategies.oracle.scalingActions).toBe(6);
  });
});

describe('target-tracking strategy (the baseline recipe)', () => {
  // 30 min at 300 MiB/s (2 nodes per zone), then 150 min at 600: load / target = 2.7 nodes
  const trace = series([...flat(300, 30), ...flat(600, 150)]);
  const details = simulate(prod, trace);

  it('scales out only after 3 datapoints above target plus the metrics lag', () => {
    expect(nodesAt(details, 'target-tracking', 29)).toEqual([2, 2, 2]);
    expect(nodesAt(details, 'target-tracking', 33)).toEqual([2, 2, 2]);
    expect(nodesAt(details, 'target-tracking', 40)).toEqual([3, 3, 3]);
  });

  it('ends on 3 nodes per zone, a count that does not divide 4 brokers: one node runs 2 brokers', () => {
    expect(nodesAt(details, 'target-tracking', 179)).toEqual([3, 3, 3]);
    const tt = details.result.strategies['target-tracking'];
    expect(tt.overTargetNodeMinutes).toBeGreaterThan(0);
    // The controller goes to the balanced level 4 instead
    expect(nodesAt(details, 'controller', 179)).toEqual([4, 4, 4]);
    expect(details.result.strategies.controller.overTargetNodeMinutes).toBeLessThan(
      tt.overTargetNodeMinutes,
    );
  });

  it('scales in only after 15 datapoints below 90% of the target, picking the victim itself', () => {
    // GIVEN 30 min at 880 (4 nodes, each above 90% of the target) then 100 MiB/s
    const down = simulate(prod, series([...flat(880, 30), ...flat(100, 90)]));
    expect(nodesAt(down, 'target-tracking', 30 + 15)).toEqual([4, 4, 4]);
    expect(nodesAt(down, 'target-tracking', 119)).toEqual([1, 1, 1]);
    expect(down.reasons['target-tracking']['scale-in']).toBeGreaterThanOrEqual(3);
  });
});

describe('predictive-target-tracking strategy (EC2 predictive scaling + target tracking)', () => {
  // Two office days: 100 MiB/s, 700 from 09:00 to 17:00 UTC
  const day = [...flat(100, 9 * 60), ...flat(700, 8 * 60), ...flat(100, 7 * 60)];
  const details = simulate(prod, series([...day, ...day]));
  const at = (name: 'predictive-target-tracking' | 'target-tracking', minute: number) =>
    details.series[name].nodesPerZone.map(zone => zone[minute]);

  it('has no forecast on day 1 (needs 24 h of history): it rises with target tracking', () => {
    expect(at('predictive-target-tracking', 9 * 60 - 1)).toEqual(at('target-tracking', 9 * 60 - 1));
  });

  it('on day 2 launches the 09:00 capacity 300 s ahead, before target tracking sees the ramp', () => {
    const beforeRamp = 1440 + 9 * 60 - 2;
    expect(at('target-tracking', beforeRamp)).toEqual([1, 1, 1]);
    const predictive = at('predictive-target-tracking', beforeRamp);
    expect(Math.min(...predictive)).toBeGreaterThan(1);
    expect(details.reasons['predictive-target-tracking']['predictive-scale-out']).toBeGreaterThan(
      0,
    );
  });

  it('scales in only through target tracking: by midnight both are back at one node per zone', () => {
    const tt = details.result.strategies['predictive-target-tracking'];
    expect(tt.scalingActions).toBeGreaterThan(0);
    expect(at('predictive-target-tracking', 2 * 1440 - 1)).toEqual(
      at('target-tracking', 2 * 1440 - 1),
    );
  });
});
