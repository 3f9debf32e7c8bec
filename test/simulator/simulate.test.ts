import fc from 'fast-check';
import { loadSpecFile } from '../../spec/load';
import { DEFAULT_SPEC_FILE } from '../../stacks/defaults';
import { SimulationInputError } from '../../simulator/errors';
import { simulate, type SimulationResult } from '../../simulator/simulate';
import { syntheticDemand } from '../../simulator/synthetic';
import { flat, series } from './helpers';

const prod = loadSpecFile(DEFAULT_SPEC_FILE);
const METRIC_KEYS = [
  'nodeHours',
  'cost',
  'savingsVsStatic',
  'shareOfOracleSavings',
  'shareOfReachableOracleSavings',
  'shareOfSerialOracleSavings',
  'overloadedNodeMinutes',
  'throttledNodeMinutes',
  'overTargetNodeMinutes',
  'underReplicatedMinutes',
  'brokerMoves',
  'maxConcurrentMoves',
  'scalingActions',
  'crossZoneCatchUpGiB',
  'costWithTransfer',
];

describe('simulate: the JSON contract', () => {
  const { result } = simulate(prod, syntheticDemand({ peakToTroughRatio: 3, days: 0.5 }, 800));

  it('has exactly the top-level keys and the eight strategies in order', () => {
    expect(Object.keys(result)).toEqual(['minutesSimulated', 'strategies']);
    expect(result.minutesSimulated).toBe(720);
    expect(Object.keys(result.strategies)).toEqual([
      'static',
      'target-tracking',
      'predictive-target-tracking',
      'controller',
      'oracle',
      'reachable-oracle',
      'serial-oracle',
      'ideal',
    ]);
  });

  it('gives every strategy exactly the contract keys, as numbers', () => {
    for (const metrics of Object.values(result.strategies)) {
      expect(Object.keys(metrics)).toEqual(METRIC_KEYS);
      for (const key of METRIC_KEYS.filter(k => !k.startsWith('share'))) {
        expect(typeof metrics[key as keyof typeof metrics]).toBe('number');
      }
    }
    expect(result.strategies.oracle.shareOfOracleSavings).toBe(1);
    expect(result.strategies['reachable-oracle'].shareOfReachableOracleSavings).toBe(1);
    expect(result.strategies['serial-oracle'].shareOfSerialOracleSavings).toBe(1);
    expect(result.strategies.static.savingsVsStatic).toBe(0);
  });

  it('survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(result)) as SimulationResult).toEqual(result);
  });
});

describe('simulate: determinism', () => {
  it('gives the same numbers for the same seed and other numbers for another seed', () => {
    const run = (seed: number) =>
      simulate(prod, syntheticDemand({ peakToTroughRatio: 3, days: 0.5, seed }, 800)).result;
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
});

describe('simulate: static, oracle and ideal on a hand-made trace', () => {
  // 2 h at 100 MiB/s, 2 h at 800, 3 h at 100: prod runs 1 node per zone at 100 and 4 at 800
  const trace = series([...flat(100, 120), ...flat(800, 120), ...flat(100, 180)]);
  const { result, staticNodesPerZone } = simulate(prod, trace);

  it('static runs the peak level all the time', () => {
    expect(staticNodesPerZone).toBe(4);
    expect(result.strategies.static.nodeHours).toBe(3 * 4 * 7);
    expect(result.strategies.static.brokerMoves).toBe(0);
  });

  it('the oracle follows the balanced level instantly', () => {
    expect(result.strategies.oracle.nodeHours).toBe(3 * (1 * 2 + 4 * 2 + 1 * 3));
    expect(result.strategies.oracle.scalingActions).toBe(6);
    // 1 -> 4 nodes: 3 new nodes get one broker each; 4 -> 1: 3 nodes are emptied; per zone
    expect(result.strategies.oracle.brokerMoves).toBe(3 * (3 + 3));
    expect(result.strategies.oracle.overTargetNodeMinutes).toBe(0);
  });

  it('the reachable oracle pays each node added 1 minute ahead and each node removed 1 minute after', () => {
    // 3 zones x 3 nodes added x (120 s ready - the 60 s minute its move may start in), then
    // 3 x 3 removed x 60 s shutdown
    expect(result.strategies['reachable-oracle'].nodeHours).toBeCloseTo(
      result.strategies.oracle.nodeHours + (3 * 3 * 1 + 3 * 3 * 1) / 60,
      6,
    );
    expect(result.strategies['reachable-oracle'].brokerMoves).toBe(3 * (3 + 3));
    expect(result.strategies['reachable-oracle'].overTargetNodeMinutes).toBe(0);
    expect(result.strategies.oracle.shareOfReachableOracleSavings).toBeGreaterThan(1);
  });

  it('the serial oracle adds and removes the 9 nodes one a minute (one move in flight)', () => {
    // Rise: 9 nodes x 1 min, plus the early ones waiting 1 + 2 + ... + 8 = 36 node-minutes;
    // fall: 9 nodes x 1 min shutdown, plus the late ones waiting 36 node-minutes.
    expect(result.strategies['serial-oracle'].nodeHours).toBeCloseTo(
      result.strategies.oracle.nodeHours + (9 * 1 + 36 + 9 * 1 + 36) / 60,
      6,
    );
    expect(result.strategies['serial-oracle'].overTargetNodeMinutes).toBe(0);
    expect(result.strategies['reachable-oracle'].shareOfSerialOracleSavings).toBeGreaterThan(1);
  });

  it('ideal uses fractional nodes at 100% of baseline', () => {
    const baseline = prod.plan.nodeCapacity.baselineMiBps;
    const expected = ((3 * 100 * 300 + 3 * 800 * 120) / baseline) * (1 / 60);
    expect(result.strategies.ideal.nodeHours).toBeCloseTo(expected, 2);
    expect(result.strategies.ideal.nodeHours).toBeLessThan(result.strategies.oracle.nodeHours);
  });
});

describe('simulate: bounds (property)', () => {
  /** Piecewise-constant traces of 3 to 6 segments of 20 to 90 minutes, 40 to 880 MiB/s. */
  const traces = fc
    .array(
      fc.record({
        minutes: fc.integer({ min: 20, max: 90 }),
        mibps: fc.integer({ min: 40, max: 880 }),
      }),
      {
        minLength: 3,
        maxLength: 6,
      },
    )
    .map(segments => series(segments.flatMap(segment => flat(segment.mibps, segment.minutes))));

  it('ideal <= oracle <= reachable oracle <= every strategy that kept the margin', () => {
    fc.assert(
      fc.property(traces, trace => {
        const { strategies } = simulate(prod, trace).result;
        expect(strategies.ideal.nodeHours).toBeLessThanOrEqual(strategies.oracle.nodeHours);
        expect(strategies.oracle.nodeHours).toBeLessThanOrEqual(
          strategies['reachable-oracle'].nodeHours,
        );
        for (const name of [
          'static',
          'target-tracking',
          'predictive-target-tracking',
          'controller',
        ] as const) {
          const metrics = strategies[name];
          if (metrics.overTargetNodeMinutes === 0) {
            expect(strategies['reachable-oracle'].nodeHours).toBeLessThanOrEqual(
              metrics.nodeHours + 1e-3,
            );
          }
        }
      }),
      { numRuns: 12, seed: 20240601 },
    );
  });

  it('the controller never has more than one move in flight', () => {
    fc.assert(
      fc.property(traces, trace => {
        expect(
          simulate(prod, trace).result.strategies.controller.maxConcurrentMoves,
        ).toBeLessThanOrEqual(1);
      }),
      { numRuns: 12, seed: 7 },
    );
  });
});

describe('simulate: bad input', () => {
  it('throws when the peak is more than the spec can carry, naming the option and the limit', () => {
    expect(() => simulate(prod, series(flat(5000, 60)))).toThrow(SimulationInputError);
    expect(() => simulate(prod, series(flat(5000, 60)))).toThrow(
      /--peak-mibps: 5000 is outside what the spec can carry: .* at most 894/,
    );
  });
});
