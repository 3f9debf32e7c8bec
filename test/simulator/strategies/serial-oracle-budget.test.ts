import fc from 'fast-check';
import { loadSpecFile } from '../../../spec/load';
import { DEFAULT_SPEC_FILE } from '../../../stacks/defaults';
import { brokerLoadMiBps, DEFAULT_TIMINGS, type ClusterFacts } from '../../../simulator/facts';
import { simulate } from '../../../simulator/simulate';
import { syntheticDemand } from '../../../simulator/synthetic';
import { efficientNodeCounts } from '../../../simulator/strategies/oracle';
import { runSerialOracle } from '../../../simulator/strategies/serial-oracle';
import {
  brokersWithin,
  budgetProblem,
  lagrangianMinimum,
  serialBudgetBound,
  shareOfOracleSavingsAtBound,
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

/** A layout: per zone, the brokers on each node holding any, descending; zones sorted. */
type Layout = number[][];

const keyOf = (layout: Layout) => JSON.stringify(layout);

/** Every layout one broker move away, with whether the move added or removed a node. */
function movesFrom(
  layout: Layout,
  most: number,
): { next: Layout; added: boolean; removed: boolean }[] {
  const out: { next: Layout; added: boolean; removed: boolean }[] = [];
  layout.forEach((zone, index) => {
    for (let source = 0; source < zone.length; source++) {
      for (let target = 0; target <= zone.length; target++) {
        if (target === source) continue;
        const nodes = [...zone, 0];
        nodes[source]--;
        nodes[target]++;
        const kept = nodes.filter(held => held > 0).sort((a, b) => b - a);
        if (kept.length > most) continue;
        const next = layout.map((other, zoneIndex) => (zoneIndex === index ? kept : other));
        next.sort((a, b) => keyOf([a]).localeCompare(keyOf([b])));
        out.push({ next, added: target === zone.length, removed: zone[source] === 1 });
      }
    }
  });
  return out;
}

/**
 * Every schedule of the serial-oracle step model at one step a minute (one broker move or none a
 * step), counted from the rules, not from the module under test: a step's layout is the one at its
 * end and bills its nodes for the whole step; a node added by a move is billed n - 1 minute
 * before (its launch, less the step its move may begin in), one removed s after its step begins;
 * the first layout is free. Every node is within its baseline at each step's end. Over-target
 * minutes are the least the cluster model can count: a move begins at one of the step's ticks and
 * its layout holds from there to the step's end (the model moves a rolled broker's load at once);
 * before the first step the layout is within the target. A node is over the target when its
 * brokers x one broker's load is above baseline x target x (1 + 1e-9), as cluster.ts counts.
 */
function allSchedules(facts: ClusterFacts, demand: readonly number[]): Counted[] {
  expect(facts.zones.length * facts.brokersPerZone).toBeGreaterThanOrEqual(1);
  const timings = DEFAULT_TIMINGS;
  const ticks = 60 / timings.tickSeconds;
  const added = timings.nodeReadySeconds / 60 - 1;
  const removed = timings.instanceShutdownSeconds / 60;
  const levels = efficientNodeCounts(facts);
  const fewest = levels[0];
  const most = Math.min(
    facts.brokersPerZone,
    Math.max(facts.maxNodesPerZone, levels[levels.length - 1]),
  );
  // Every layout with fewest..most nodes a zone.
  const zoneLayouts: number[][] = [];
  const parts = (prefix: number[], left: number, largest: number) => {
    if (left === 0) {
      if (prefix.length >= fewest && prefix.length <= most) zoneLayouts.push(prefix);
      return;
    }
    for (let part = Math.min(left, largest); part >= 1; part--)
      parts([...prefix, part], left - part, part);
  };
  parts([], facts.brokersPerZone, facts.brokersPerZone);
  let layouts: Layout[] = [[]];
  for (let zone = 0; zone < facts.zones.length; zone++) {
    layouts = layouts.flatMap(prefix => zoneLayouts.map(each => [...prefix, each]));
  }
  const unique = new Map<string, Layout>();
  for (const layout of layouts) {
    const sorted = [...layout].sort((a, b) => keyOf([a]).localeCompare(keyOf([b])));
    unique.set(keyOf(sorted), sorted);
  }
  const baseline = facts.nodeBaselineMiBps;
  const overOf = (layout: Layout, minute: number, share: number) =>
    layout
      .flat()
      .filter(held => held * brokerLoadMiBps(facts, demand[minute]) > baseline * share * (1 + 1e-9))
      .length;
  const nodesOf = (layout: Layout) => layout.flat().length;
  // The least over-target node-minutes of a step whose layout goes from `before` to `after`.
  const stepOver = (before: number, after: number) => {
    let least = Infinity;
    for (let tick = 0; tick < ticks; tick++) {
      least = Math.min(least, (tick * before + (ticks - tick) * after) / ticks);
    }
    return before === after ? after : least;
  };
  const out: Counted[] = [];
  const walk = (layout: Layout, minute: number, nodeMinutes: number, over: number): void => {
    if (minute === demand.length) {
      out.push({ nodeMinutes, overTargetNodeMinutes: over });
      return;
    }
    const options = [{ next: layout, added: false, removed: false }, ...movesFrom(layout, most)];
    for (const option of options) {
      if (overOf(option.next, minute, 1) > 0) continue;
      const price = (option.added ? added : 0) + (option.removed ? removed : 0);
      const charge = stepOver(
        overOf(layout, minute, facts.targetUtilization),
        overOf(option.next, minute, facts.targetUtilization),
      );
      walk(option.next, minute + 1, nodeMinutes + price + nodesOf(option.next), over + charge);
    }
  };
  for (const first of unique.values()) {
    if (overOf(first, 0, 1) > 0) continue;
    // Before the first step: a layout within the target (0 nodes over it), free.
    const charge = stepOver(0, overOf(first, 0, facts.targetUtilization));
    walk(first, 1, nodesOf(first), charge);
  }
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
        fc.property(tinyDemand(facts), fc.constantFrom(0, 0.5, 1, 2, 3, 5, 8), (values, budget) => {
          const schedules = allSchedules(facts, values);
          const demand = series(values);
          const problem = budgetProblem(facts, DEFAULT_TIMINGS, demand);
          const bound = serialBudgetBound(facts, DEFAULT_TIMINGS, demand, budget, problem);
          if (bound === undefined) throw new Error('no bound');
          const within = schedules.filter(s => s.overTargetNodeMinutes <= budget + 1e-9);
          const cheapest = within.reduce((least, s) => Math.min(least, s.nodeMinutes), Infinity);
          expect(bound.nodeSeconds / 60).toBeLessThanOrEqual(cheapest + 1e-9);
          // Without a budget (lambda 0) it is exact: the cheapest schedule of the model.
          const unlimited = serialBudgetBound(facts, DEFAULT_TIMINGS, demand, 1e6, problem);
          expect(unlimited?.nodeSeconds).toBeCloseTo(
            60 * schedules.reduce((least, s) => Math.min(least, s.nodeMinutes), Infinity),
            6,
          );
          // At B = 0 it is the serial oracle: only schedules within the target are left.
          if (budget === 0 && Number.isFinite(cheapest)) {
            const serial = runSerialOracle(facts, DEFAULT_TIMINGS, demand).books.nodeSeconds;
            expect(bound.nodeSeconds).toBeCloseTo(serial, 6);
            expect(serial / 60).toBeCloseTo(cheapest, 6);
          }
        }),
        { numRuns: 60, seed: 16 },
      );
    },
  );

  it('prices the over-target minutes a budget buys (one zone of 4, hand-checked)', () => {
    // 80 MiB/s: one broker carries 20, so 3 a node keep the target (60) and 4 on one node keep
    // only the baseline (80 of 100). Within the target: 2 nodes for 6 minutes = 12 node-minutes.
    // A step's layout is the one at its end, and a move that heats may begin at the step's last
    // tick, so the step it ends in is charged 1/6 minute over the target. 4 on one node from the
    // start (before it, the first level, within the target): 6 node-minutes, 1/6 + 5 over the
    // target. 3+1 for t minutes, then 4 on one node (the emptied node billed s = 1 minute more):
    // 7 + t node-minutes, 1/6 + 5 - t over the target; within 2.5, t = 3 (10), within 5, t = 1 (8).
    // L(lambda) = min(12, 6 + 31/6 lambda) (the 3+1 schedules lie above that line), so the dual at
    // B is 12 - 36/31 B at lambda = 36/31: at B = 5 the bound (6.19) is below the cheapest schedule
    // (8): the duality gap of whole moves; it is a bound, not a schedule.
    const facts = PLATFORMS['one zone of 4'];
    const values = flat(80, 6);
    const demand = series(values);
    const problem = budgetProblem(facts, DEFAULT_TIMINGS, demand);
    const schedules = allSchedules(facts, values);
    const at = (budget: number) =>
      serialBudgetBound(facts, DEFAULT_TIMINGS, demand, budget, problem)?.nodeSeconds ?? NaN;
    const primal = (budget: number) =>
      schedules
        .filter(s => s.overTargetNodeMinutes <= budget + 1e-9)
        .reduce((least, s) => Math.min(least, s.nodeMinutes), Infinity);
    const budgets = [0, 2.5, 5, 31 / 6, 1e6];
    expect(budgets.map(primal)).toEqual([12, 10, 8, 6, 6]);
    const expected = [12, 12 - (36 / 31) * 2.5, 12 - (36 / 31) * 5, 6, 6];
    budgets.forEach((budget, index) => expect(at(budget) / 60).toBeCloseTo(expected[index], 9));
    expect(serialBudgetBound(facts, DEFAULT_TIMINGS, demand, 2.5, problem)?.lambda).toBeCloseTo(
      36 / 31,
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

  it('never falls as the budget shrinks, and at 0 equals the serial oracle', () => {
    const { facts } = simulate(prod, series(flat(100, 2)));
    fc.assert(
      fc.property(
        traces,
        fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { minLength: 2, maxLength: 4 }),
        (demand, budgets) => {
          const problem = budgetProblem(facts, DEFAULT_TIMINGS, demand);
          const boundOf = (budget: number) =>
            serialBudgetBound(facts, DEFAULT_TIMINGS, demand, budget, problem)?.nodeSeconds ?? NaN;
          const sorted = [0, ...budgets].sort((a, b) => a - b);
          const bounds = sorted.map(boundOf);
          for (let index = 1; index < bounds.length; index++) {
            expect(bounds[index]).toBeLessThanOrEqual(bounds[index - 1] + 1e-6);
          }
          // At B = 0 a large enough lambda leaves only schedules whose every step ends within the
          // target (a heating move is charged at least a tick): the serial oracle's, same charges.
          const serial = runSerialOracle(facts, DEFAULT_TIMINGS, demand).books.nodeSeconds;
          expect(boundOf(0)).toBeCloseTo(serial, 3);
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
    const problem = budgetProblem(facts, DEFAULT_TIMINGS, demand);
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
