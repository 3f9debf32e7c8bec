import fc from 'fast-check';
import { loadSpecFile } from '../../../spec/load';
import { DEFAULT_SPEC_FILE } from '../../../stacks/defaults';
import {
  brokerLoadMiBps,
  DEFAULT_TIMINGS,
  levelForDemand,
  type ClusterFacts,
} from '../../../simulator/facts';
import { simulate } from '../../../simulator/simulate';
import { syntheticDemand } from '../../../simulator/synthetic';
import { efficientNodeCounts } from '../../../simulator/strategies/oracle';
import { layoutStates, runSerialOracle } from '../../../simulator/strategies/serial-oracle';
import {
  brokersWithin,
  budgetProblem,
  lagrangianMinimum,
  serialBudgetBound,
  shareOfOracleSavingsAtBound,
  type BudgetWindow,
} from '../../../simulator/strategies/serial-oracle-budget';
import { flat, series, tinyFacts } from '../helpers';

/** Tiny platforms: 1 zone of 4 brokers, 2 zones of 2, 2 zones of 3 (baseline 100 MiB/s, 60%). */
const PLATFORMS: Record<string, ClusterFacts> = {
  'one zone of 4': tinyFacts({
    brokersPerZone: 4,
    balancedNodeCounts: [1, 2, 4],
    maxNodesPerZone: 4,
  }),
  'two zones of 2': tinyFacts({ zones: twoZones(2), brokersPerZone: 2 }),
  'two zones of 3': tinyFacts({
    zones: twoZones(3),
    brokersPerZone: 3,
    balancedNodeCounts: [1, 3],
    maxNodesPerZone: 3,
  }),
};

function twoZones(brokersPerZone: number) {
  return ['a', 'b'].map((zone, index) => ({
    zone,
    poolName: `brokers-${zone}`,
    groupName: `group-${zone}`,
    suffix: zone,
    brokerIds: Array.from({ length: brokersPerZone }, (_, i) => (index + 1) * 1000 + i),
  }));
}

/** A schedule's node-minutes and over-target node-minutes, counted from first principles. */
interface Counted {
  readonly nodeMinutes: number;
  readonly overTargetNodeMinutes: number;
}

/**
 * Every schedule of the step model (one move or none a step, every node within its baseline every
 * step), counted as `cluster.ts` counts: a node is over the target when its brokers x one broker's
 * load is above baseline x target x (1 + 1e-9), above the baseline likewise at 100%.
 */
function allSchedules(facts: ClusterFacts, demand: readonly number[]): Counted[] {
  const exact = layoutStates(facts, efficientNodeCounts(facts), DEFAULT_TIMINGS);
  if (exact === undefined) throw new Error('too many layouts for a brute force');
  const { states, members } = exact;
  expect(exact.stepsPerMinute).toBe(1);
  const baseline = facts.nodeBaselineMiBps;
  const nodesOf = (state: number) => members[state].reduce((sum, zone) => sum + zone.length, 0);
  const heldOf = (state: number) => members[state].flat();
  const within = (state: number, minute: number) =>
    heldOf(state).every(
      held => held * brokerLoadMiBps(facts, demand[minute]) <= baseline * (1 + 1e-9),
    );
  const overOf = (state: number, minute: number) =>
    heldOf(state).filter(
      held =>
        held * brokerLoadMiBps(facts, demand[minute]) >
        baseline * facts.targetUtilization * (1 + 1e-9),
    ).length;
  const first = levelForDemand(facts, demand[0], facts.targetUtilization);
  const join = (DEFAULT_TIMINGS.nodeReadySeconds + DEFAULT_TIMINGS.brokerRestartSeconds) / 60;
  const startOf = (state: number) =>
    members[state].reduce((sum, zone) => sum + Math.max(0, zone.length - first) * join, 0);
  const out: Counted[] = [];
  const walk = (prefix: number[], nodeMinutes: number, over: number): void => {
    const minute = prefix.length;
    if (minute === demand.length) {
      out.push({ nodeMinutes, overTargetNodeMinutes: over });
      return;
    }
    for (let state = 0; state < members.length; state++) {
      if (!within(state, minute)) continue;
      let price = 0;
      if (minute === 0) price = startOf(state);
      else if (state !== prefix[minute - 1]) price = states.transition(prefix[minute - 1], state);
      if (price === Infinity) continue;
      walk([...prefix, state], nodeMinutes + price + nodesOf(state), over + overOf(state, minute));
    }
  };
  walk([], 0, 0);
  return out;
}

/** Per-minute demands that put 1 to 4 brokers of a tiny platform's nodes near the edges. */
const tinyDemand = (facts: ClusterFacts) =>
  fc.array(
    fc.constantFrom(
      ...[20, 45, 70, 95, 120, 150, 190, 240, 300].map(value => (value * facts.brokers) / 4),
    ),
    { minLength: 1, maxLength: 5 },
  );

describe('brokersWithin: the most brokers a node holds under a share of its baseline', () => {
  it('counts as cluster.ts does (strictly above the limit is over)', () => {
    const four = PLATFORMS['one zone of 4'];
    // one broker carries producer / 4 MiB/s; 60% of 100 MiB/s is 60
    expect(brokersWithin(four, 80, 0.6)).toBe(3);
    expect(brokersWithin(four, 120, 0.6)).toBe(2);
    expect(brokersWithin(four, 121, 0.6)).toBe(1);
    expect(brokersWithin(four, 400, 1)).toBe(1);
    expect(brokersWithin(four, 401, 1)).toBe(0);
  });
});

describe('serialBudgetBound (brute force over tiny cases)', () => {
  it.each(Object.keys(PLATFORMS))(
    'is at most the cost of every schedule within the budget (%s)',
    name => {
      const facts = PLATFORMS[name];
      fc.assert(
        fc.property(
          tinyDemand(facts),
          fc.constantFrom(0, 0.5, 1, 2, 3, 5, 8),
          fc.constantFrom<BudgetWindow>('move', 'step'),
          (values, budget, window) => {
            const schedules = allSchedules(facts, values);
            const demand = series(values);
            const problem = budgetProblem(facts, DEFAULT_TIMINGS, demand, window);
            const bound = serialBudgetBound(facts, DEFAULT_TIMINGS, demand, budget, problem);
            if (bound === undefined) throw new Error('no bound');
            const within = schedules.filter(s => s.overTargetNodeMinutes <= budget + 1e-9);
            const cheapest = Math.min(...within.map(s => s.nodeMinutes));
            expect(bound.nodeSeconds / 60).toBeLessThanOrEqual(cheapest + 1e-9);
            if (window === 'step') {
              // Without a budget (lambda 0) the step window is exact: the cheapest schedule.
              const unlimited = serialBudgetBound(facts, DEFAULT_TIMINGS, demand, 1e6, problem);
              expect(unlimited?.nodeSeconds).toBeCloseTo(
                60 * Math.min(...schedules.map(s => s.nodeMinutes)),
                6,
              );
            }
          },
        ),
        { numRuns: 60, seed: 16 },
      );
    },
  );

  it('prices the over-target minutes a budget buys (one zone of 4, hand-checked)', () => {
    // 80 MiB/s: one broker carries 20, so 3 a node keep the target (60) and 4 on one node keep
    // only the baseline (80 of 100). Within the target: 2 nodes for 6 minutes = 12 node-minutes.
    // 4 on one node from the start: 6 node-minutes, 6 over the target. With 5 over-target minutes:
    // 3+1, then 4 on one node (the emptied node billed 1 minute more) = 2 + 1 + 5 = 8; with 2.5,
    // 4 minutes of 3+1 first: 8 + 1 + 2 = 11.
    // L(lambda) = min(12, 6 + 6 lambda) (8 + 5 lambda is never below both), so the dual at B is
    // 12 - B at lambda = 1: 12, 9.5, 7, 6 at B = 0, 2.5, 5, 6. At 5 the bound (7) is below the
    // cheapest schedule (8): the duality gap of whole moves; it is a bound, not a schedule.
    const facts = PLATFORMS['one zone of 4'];
    const values = flat(80, 6);
    const demand = series(values);
    const problem = budgetProblem(facts, DEFAULT_TIMINGS, demand, 'step');
    const schedules = allSchedules(facts, values);
    const at = (budget: number) =>
      serialBudgetBound(facts, DEFAULT_TIMINGS, demand, budget, problem)?.nodeSeconds ?? NaN;
    const primal = (budget: number) =>
      Math.min(...schedules.filter(s => s.overTargetNodeMinutes <= budget).map(s => s.nodeMinutes));
    expect([0, 2.5, 5, 6].map(primal)).toEqual([12, 11, 8, 6]);
    expect([0, 2.5, 5, 6, 1e6].map(budget => at(budget) / 60)).toEqual([12, 9.5, 7, 6, 6]);
    expect(serialBudgetBound(facts, DEFAULT_TIMINGS, demand, 2.5, problem)?.lambda).toBeCloseTo(
      1,
      9,
    );
  });
});

describe('serialBudgetBound (properties on the prod example)', () => {
  const prod = loadSpecFile(DEFAULT_SPEC_FILE);
  const traces = fc
    .array(
      fc.record({
        minutes: fc.integer({ min: 3, max: 60 }),
        mibps: fc.integer({ min: 40, max: 800 }),
      }),
      { minLength: 2, maxLength: 6 },
    )
    .map(segments => series(segments.flatMap(segment => flat(segment.mibps, segment.minutes))));

  it('never falls as the budget shrinks, and at 0 equals the serial oracle (step window)', () => {
    const { facts } = simulate(prod, series(flat(100, 2)));
    fc.assert(
      fc.property(
        traces,
        fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { minLength: 2, maxLength: 4 }),
        (demand, budgets) => {
          const move = budgetProblem(facts, DEFAULT_TIMINGS, demand, 'move');
          const step = budgetProblem(facts, DEFAULT_TIMINGS, demand, 'step');
          const boundOf = (budget: number, problem: typeof move) =>
            serialBudgetBound(facts, DEFAULT_TIMINGS, demand, budget, problem)?.nodeSeconds ?? NaN;
          const sorted = [0, ...budgets].sort((a, b) => a - b);
          for (const problem of [move, step]) {
            const bounds = sorted.map(budget => boundOf(budget, problem));
            for (let index = 1; index < bounds.length; index++) {
              expect(bounds[index]).toBeLessThanOrEqual(bounds[index - 1] + 1e-6);
            }
          }
          // The move window charges less than the step window, never more.
          for (const budget of sorted) {
            expect(boundOf(budget, move)).toBeLessThanOrEqual(boundOf(budget, step) + 1e-6);
          }
          // At B = 0 a large enough lambda leaves only schedules within the target: the serial
          // oracle's (same model, same start), so the step window equals it.
          const serial = runSerialOracle(facts, DEFAULT_TIMINGS, demand).books.nodeSeconds;
          expect(boundOf(0, step)).toBeCloseTo(serial, 3);
        },
      ),
      { numRuns: 15, seed: 1617 },
    );
  });

  it('is at most the controller where the controller kept every node within its baseline', () => {
    let applied = 0;
    const check = (demand: ReturnType<typeof series>) => {
      const details = simulate(prod, demand, DEFAULT_TIMINGS, { bounds: true });
      const { strategies, serialBoundAtControllerOverTarget: bound } = details.result;
      const controller = strategies.controller;
      if (controller.overloadedNodeMinutes > 0) {
        expect(bound).toBeNull();
        return;
      }
      applied++;
      if (bound === null || bound === undefined) throw new Error('bound missing');
      expect(bound.budgetOverTargetNodeMinutes).toBeCloseTo(controller.overTargetNodeMinutes, 2);
      expect(bound.nodeHours).toBeLessThanOrEqual(controller.nodeHours + 1e-3);
      expect(bound.budgetWithMoveSlackOverTargetNodeMinutes).toBeCloseTo(
        controller.overTargetNodeMinutes + controller.brokerMoves,
        1,
      );
      if (bound.shareOfOracleSavings !== null) {
        expect(bound.shareOfOracleSavingsWithMoveSlack).toBeGreaterThanOrEqual(
          bound.shareOfOracleSavings - 1e-4,
        );
      }
      if (bound.shareOfOracleSavings !== null && controller.shareOfOracleSavings !== null) {
        expect(bound.shareOfOracleSavings).toBeGreaterThanOrEqual(
          controller.shareOfOracleSavings - 1e-3,
        );
      }
    };
    // A synthetic day at 2:1 with 3% noise: the controller runs over the target on the ramp and
    // never above the baseline.
    const day = syntheticDemand({ peakToTroughRatio: 2, days: 1 }, 800);
    check(day);
    expect(applied).toBe(1);
    expect(simulate(prod, day).result.strategies.controller.overTargetNodeMinutes).toBeGreaterThan(
      0,
    );
    fc.assert(fc.property(traces, check), { numRuns: 10, seed: 1618 });
  });

  it('is absent from the JSON unless asked for', () => {
    const demand = series([...flat(800, 30), ...flat(100, 60)]);
    expect(simulate(prod, demand).result).not.toHaveProperty('serialBoundAtControllerOverTarget');
    expect(simulate(prod, demand, DEFAULT_TIMINGS, { bounds: true }).result).toHaveProperty(
      'serialBoundAtControllerOverTarget',
    );
  });
});

describe('lagrangianMinimum and the share', () => {
  it('rises with lambda and charges the over-target minutes it reports', () => {
    const facts = PLATFORMS['one zone of 4'];
    const demand = series([...flat(200, 3), ...flat(30, 4)]);
    const problem = budgetProblem(facts, DEFAULT_TIMINGS, demand, 'step');
    if (problem === undefined) throw new Error('no problem');
    let previous = -Infinity;
    for (const lambda of [0, 0.5, 1, 2, 4, 100]) {
      const point = lagrangianMinimum(problem, lambda);
      expect(point.value).toBeGreaterThanOrEqual(previous - 1e-9);
      expect(point.value).toBeCloseTo(point.nodeMinutes + lambda * point.overTargetNodeMinutes, 9);
      previous = point.value;
    }
  });

  it('is (static - bound) / (static - oracle), null when the oracle saves nothing', () => {
    expect(shareOfOracleSavingsAtBound(100, 60, 70)).toBeCloseTo(0.75, 12);
    expect(shareOfOracleSavingsAtBound(100, 100, 70)).toBeNull();
  });

  it('rejects a negative budget', () => {
    const facts = PLATFORMS['two zones of 2'];
    expect(() => serialBudgetBound(facts, DEFAULT_TIMINGS, series([10]), -1)).toThrow(/budget -1/);
  });
});
