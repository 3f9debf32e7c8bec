/**
 * The shorter stabilization for a removal that moves nothing (`emptyNodeStabilizationSeconds`,
 * issue #16): the node a scale-out launched for a spike that ended before it was Ready never gets
 * a broker; it goes after the short window, on the same per-level clocks as every other removal.
 * A victim with a broker, a zone with an unbound broker pod, and a zone whose re-spread still
 * needs the empty node keep the full `scaleInStabilizationSeconds`.
 *
 * Test config: levels 1/2/4, 4 brokers a zone, baseline 100 MiB/s, target 0.5 (a node carries
 * 50 MiB/s), margin 0.1 (level 1 takes at most 45 MiB/s to scale in to), window 600 s, empty-node
 * window 180 s (the default).
 */
import fc from 'fast-check';
import {
  DEFAULT_EMPTY_NODE_STABILIZATION_SECONDS,
  emptyNodeStabilizationSeconds,
  type ControllerConfig,
} from '../../controller/config';
import {
  decide,
  INITIAL_MEMORY,
  type Action,
  type Memory,
  type Observed,
  type Plan,
} from '../../controller/decide';
import { NOW_MS, brokersOn, healthyCluster, testConfig, withNode, freshAt } from './fixtures';

const config = testConfig();
const PASS_MS = 30_000;
const SHORT_PASSES = (DEFAULT_EMPTY_NODE_STABILIZATION_SECONDS * 1000) / PASS_MS + 1;
const FULL_PASSES = (config.scaleInStabilizationSeconds * 1000) / PASS_MS + 1;

/** `healthyCluster` with `nodesPerZone` nodes and each zone's brokers on the given node indexes. */
function placed(
  scenario: ControllerConfig,
  nodesPerZone: number,
  placement: readonly (number | undefined)[],
  demandMiBps: number,
): Observed {
  const observed = healthyCluster(scenario, { nodesPerZone, demandMiBps });
  return {
    ...observed,
    brokers: observed.brokers.map(broker => {
      const index = observed.brokers
        .filter(each => each.zone === broker.zone)
        .findIndex(each => each.podName === broker.podName);
      const suffix = broker.zone.slice(-1);
      const at = placement[index];
      return { ...broker, nodeName: at === undefined ? undefined : `node-${suffix}-${at}` };
    }),
  };
}

/** One pass per cluster, `PASS_MS` apart from `startMs`. */
function run(
  clusters: readonly Observed[],
  memory: Memory = INITIAL_MEMORY,
  startMs = NOW_MS,
  scenario: ControllerConfig = config,
): { readonly plans: Plan[]; readonly memory: Memory } {
  const plans: Plan[] = [];
  let current = memory;
  clusters.forEach((cluster, index) => {
    const plan = decide(freshAt(cluster, startMs + index * PASS_MS), scenario, current);
    plans.push(plan);
    current = plan.memory;
  });
  return { plans, memory: current };
}

const times = <T>(count: number, value: T): T[] => Array.from({ length: count }, () => value);

/** Two nodes a zone, every broker on node 0: node 1 is the spike's node, Ready after the spike. */
const spikeNode = (demandMiBps: number): Observed => placed(config, 2, [0, 0, 0, 0], demandMiBps);

describe('empty-node stabilization: an empty victim goes after the short window', () => {
  test('the default is 180 s, never longer than the full window', () => {
    expect(DEFAULT_EMPTY_NODE_STABILIZATION_SECONDS).toBe(180);
    expect(emptyNodeStabilizationSeconds(config)).toBe(180);
    expect(emptyNodeStabilizationSeconds({ ...config, scaleInStabilizationSeconds: 20 })).toBe(20);
    expect(emptyNodeStabilizationSeconds({ ...config, emptyNodeStabilizationSeconds: 300 })).toBe(
      300,
    );
  });

  test('the spike node goes 180 s after level 1 began to carry the zone, not 600 s', () => {
    const { plans } = run(times(SHORT_PASSES, spikeNode(40)));
    expect(plans[SHORT_PASSES - 2].reason).toBe('stabilizing');
    expect(plans[SHORT_PASSES - 2].detail).toContain('node-a-1 is empty: 180s window');
    expect(plans[SHORT_PASSES - 1].action).toMatchObject({
      kind: 'scale-in',
      zone: 'us-east-1a',
      nodeName: 'node-a-1',
    });
  });

  test('a configured window is used, and 600 s (the full window) restores the old wait', () => {
    const scenario: ControllerConfig = { ...config, emptyNodeStabilizationSeconds: 600 };
    const { plans } = run(times(FULL_PASSES, spikeNode(40)), INITIAL_MEMORY, NOW_MS, scenario);
    expect(plans[SHORT_PASSES - 1].reason).toBe('stabilizing');
    expect(plans[FULL_PASSES - 2].reason).toBe('stabilizing');
    expect(plans[FULL_PASSES - 1].action).toMatchObject({ kind: 'scale-in', nodeName: 'node-a-1' });
  });

  test('a victim with a broker still needs the full window', () => {
    // Brokers 2 and 2: both nodes carry brokers, so the removal moves two of them.
    const { plans } = run(times(FULL_PASSES, placed(config, 2, [0, 0, 1, 1], 40)));
    expect(plans[SHORT_PASSES - 1].reason).toBe('stabilizing');
    expect(plans[SHORT_PASSES - 1].detail).not.toContain('empty');
    expect(plans[FULL_PASSES - 2].reason).toBe('stabilizing');
    expect(plans[FULL_PASSES - 1].action).toMatchObject({ kind: 'scale-in' });
  });

  test('a broker pod bound to the victim but not running, or one left unbound, holds every removal as before', () => {
    // `removalMovesNothing` counts such pods too (the victim is then not empty), but Kafka's
    // health hold comes first and holds every move: the short window never sees them.
    const cluster = placed(config, 2, [0, 0, 0, 1], 40);
    const variants: Observed[] = [
      ...[{ ready: false }, { terminating: true }].map(change => ({
        ...cluster,
        brokers: cluster.brokers.map(broker =>
          broker.nodeName === 'node-a-1' ? { ...broker, ...change } : broker,
        ),
      })),
      placed(config, 2, [0, 0, 0, undefined], 40),
    ];
    for (const variant of variants) {
      const { plans } = run(times(SHORT_PASSES, variant));
      expect(['broker-not-ready', 'roll-in-flight']).toContain(plans[SHORT_PASSES - 1].reason);
      expect(plans.map(plan => plan.action?.kind)).not.toContain('scale-in');
    }
  });
});

describe('empty-node stabilization: while demand rises, the empty node keeps the full window', () => {
  // The ramp guard on (as the spec turns it on with the forecast floor): its slope tells a rise.
  const guarded: ControllerConfig = { ...config, rampHorizonSeconds: 180 };
  const spike = (demandMiBps: number): Observed => placed(guarded, 2, [0, 0, 0, 0], demandMiBps);

  test('flat demand: the short window', () => {
    const { plans } = run(times(SHORT_PASSES, spike(40)), INITIAL_MEMORY, NOW_MS, guarded);
    expect(plans[SHORT_PASSES - 2].reason).toBe('stabilizing');
    expect(plans[SHORT_PASSES - 1].action).toMatchObject({
      kind: 'scale-in',
      nodeName: 'node-a-1',
    });
  });

  test('demand rising slowly (far below what the guard holds for): the full window', () => {
    // +0.5 MiB/s a pass, 30 -> 40 over the window: level 1 carries it all along, and the guard's
    // projection (3 MiB/s higher within 180 s) is far below the 100 MiB/s baseline of one node.
    const rising = Array.from({ length: FULL_PASSES }, (_, index) => spike(30 + index / 2));
    const { plans } = run(rising, INITIAL_MEMORY, NOW_MS, guarded);
    expect(plans.slice(0, FULL_PASSES - 1).map(plan => plan.action?.kind)).not.toContain(
      'scale-in',
    );
    expect(plans[SHORT_PASSES - 1].detail).not.toContain('empty');
    expect(plans[FULL_PASSES - 1].action).toMatchObject({ kind: 'scale-in', nodeName: 'node-a-1' });
  });

  test('a rise that stops: the short window counts from when level 1 began to carry the zone', () => {
    // Rising for 4 passes, then flat: level 1 carried all along, so the node goes at the first
    // flat pass at least 180 s after the first pass (the guard sees no rise a minute later).
    const demands = [...Array.from({ length: 4 }, (_, index) => 30 + index), ...times(8, 33)];
    const { plans } = run(demands.map(spike), INITIAL_MEMORY, NOW_MS, guarded);
    const first = plans.findIndex(plan => plan.action?.kind === 'scale-in');
    expect(first).toBeGreaterThanOrEqual(SHORT_PASSES - 1);
    expect(first).toBeLessThan(FULL_PASSES - 1);
  });
});

describe('empty-node stabilization: a node the re-spread still needs stays', () => {
  test('empty only because the re-spread has not reached it, with demand above the lower count: never removed', () => {
    // 60 MiB/s at the target needs 2 nodes (one carries 50); node 1 is empty only because no
    // broker has moved yet. Long past both windows, with every clock as old as it can be, the
    // zone re-spreads onto node 1 and never removes it.
    const longAgo: Memory = {
      ...INITIAL_MEMORY,
      levelCarriesSinceMs: Object.fromEntries(
        config.zones.map(zone => [zone.zone, { '1': NOW_MS - 3_600_000 }]),
      ),
      levelCarriesCheckedAtMs: NOW_MS - PASS_MS,
    };
    for (const demandMiBps of [51, 60, 100]) {
      const { plans } = run(times(FULL_PASSES + 5, spikeNode(demandMiBps)), longAgo);
      for (const plan of plans) {
        expect(plan.action?.kind).not.toBe('scale-in');
        expect(plan.action).toMatchObject({ kind: 'respread', nodeName: 'node-a-0' });
      }
    }
  });

  test('demand inside the margin (fits the lower count at the target, not with the margin): no removal either', () => {
    const { plans } = run(times(FULL_PASSES + 5, spikeNode(48)));
    for (const plan of plans) expect(plan.action?.kind).not.toBe('scale-in');
  });

  test('a zone above its level whose hot node waits for a re-spread held by a cordon keeps the full window', () => {
    // 4 nodes, every broker on node 0 at 90 MiB/s: the zone needs 2 nodes, its hottest node is
    // above the target with 4 brokers (level 2 spreads 2), so the re-spread wants the empty
    // nodes; a cordon someone else put on node 3 of every zone holds that re-spread.
    const cluster = ['a', 'b', 'c'].reduce(
      (observed, suffix) =>
        withNode(observed, `node-${suffix}-3`, node => ({ ...node, unschedulable: true })),
      placed(config, 4, [0, 0, 0, 0], 90),
    );
    const { plans } = run(times(FULL_PASSES, cluster));
    expect(plans[SHORT_PASSES - 1].reason).toBe('stabilizing');
    expect(plans[SHORT_PASSES - 1].detail).not.toContain('empty');
    expect(plans[FULL_PASSES - 2].reason).toBe('stabilizing');
    expect(plans[FULL_PASSES - 1].action).toMatchObject({ kind: 'scale-in' });
  });
});

describe('empty-node stabilization: the per-level clocks and their restarts apply', () => {
  test('a pass above the lower level at the target restarts the short window', () => {
    const clusters = [
      ...times(4, spikeNode(40)),
      spikeNode(55),
      ...times(SHORT_PASSES, spikeNode(40)),
    ];
    const { plans } = run(clusters);
    // Level 1 carries again from pass 5: 180 s later, at pass 11, the node goes.
    expect(plans.slice(0, 11).map(plan => plan.action?.kind)).not.toContain('scale-in');
    expect(plans[11].action).toMatchObject({ kind: 'scale-in', nodeName: 'node-a-1' });
  });

  test('a gap without fresh passes, or a clock step either way, restarts the short window', () => {
    const before = run(times(SHORT_PASSES - 2, spikeNode(40)));
    const lastMs = NOW_MS + (SHORT_PASSES - 3) * PASS_MS;
    const dayMs = 24 * 3_600_000;
    for (const startMs of [
      lastMs + config.staleAfterSeconds * 1000 + PASS_MS,
      lastMs + dayMs,
      lastMs - dayMs,
    ]) {
      const after = run(times(SHORT_PASSES, spikeNode(40)), before.memory, startMs);
      expect(after.plans[0].reason).toBe('stabilizing');
      expect(after.plans[SHORT_PASSES - 2].reason).toBe('stabilizing');
      expect(after.plans[SHORT_PASSES - 1].action).toMatchObject({ kind: 'scale-in' });
    }
  });

  test('each level keeps its own clock: 4 -> 2 after level 2 carried, then level 1 waits its own window', () => {
    // 4 nodes, brokers on nodes 0 and 1 at 80 MiB/s: level 2 carries; nodes 2 and 3 are empty.
    const four = placed(config, 4, [0, 0, 1, 1], 80);
    const first = run(times(SHORT_PASSES, four));
    expect(first.plans[SHORT_PASSES - 2].reason).toBe('stabilizing');
    expect(first.plans[SHORT_PASSES - 1].action).toMatchObject({
      kind: 'scale-in',
      nodeName: 'node-a-3',
    });
    // Now 2 nodes, every broker on node 0, and demand fits level 1: level 1 never carried the zone
    // before, so its own short window starts now.
    const second = run(
      times(SHORT_PASSES, spikeNode(40)),
      first.memory,
      NOW_MS + SHORT_PASSES * PASS_MS,
    );
    expect(second.plans[0].reason).toBe('stabilizing');
    expect(second.plans[SHORT_PASSES - 2].reason).toBe('stabilizing');
    expect(second.plans[SHORT_PASSES - 1].action).toMatchObject({ kind: 'scale-in' });
  });
});

describe('empty-node stabilization: property', () => {
  const scenarioArb = fc.record({
    sameLevel: fc.boolean(),
    nodes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
    demand: fc.array(fc.integer({ min: 0, max: 220 }), { minLength: 3, maxLength: 3 }),
    // Per zone, per broker: a node index (taken modulo the zone's nodes) or unbound.
    placement: fc.array(
      fc.array(fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined, freq: 20 }), {
        minLength: 4,
        maxLength: 4,
      }),
      { minLength: 3, maxLength: 3 },
    ),
    // Per zone and level: how long ago the level began to carry it, seconds (undefined: never).
    ages: fc.array(
      fc.array(
        fc.option(fc.constantFrom(0, 60, 179, 180, 300, 599, 600, 900), { nil: undefined }),
        {
          minLength: 3,
          maxLength: 3,
        },
      ),
      { minLength: 3, maxLength: 3 },
    ),
    cordon: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  });

  test('the short window only ever adds a scale-in of a node no broker pod is bound to, in a zone with no unbound broker; every other plan is unchanged', () => {
    let added = 0;
    fc.assert(
      fc.property(scenarioArb, input => {
        const scenario = testConfig({ sameLevelInAllZones: input.sameLevel });
        const full: ControllerConfig = {
          ...scenario,
          emptyNodeStabilizationSeconds: scenario.scaleInStabilizationSeconds,
        };
        const base = healthyCluster(scenario, {
          nodesByZone: input.nodes,
          demandByZone: input.demand,
        });
        let observed: Observed = {
          ...base,
          brokers: base.brokers.map(broker => {
            const zoneIndex = scenario.zones.findIndex(zone => zone.zone === broker.zone);
            const index = base.brokers
              .filter(each => each.zone === broker.zone)
              .findIndex(each => each.podName === broker.podName);
            const pick = input.placement[zoneIndex][index];
            const suffix = broker.zone.slice(-1);
            return {
              ...broker,
              nodeName:
                pick === undefined ? undefined : `node-${suffix}-${pick % input.nodes[zoneIndex]}`,
            };
          }),
        };
        if (input.cordon !== undefined) {
          const suffix = scenario.zones[input.cordon].zone.slice(-1);
          observed = withNode(observed, `node-${suffix}-0`, node => ({
            ...node,
            unschedulable: true,
          }));
        }
        const memory: Memory = {
          ...INITIAL_MEMORY,
          levelCarriesSinceMs: Object.fromEntries(
            scenario.zones.map((zone, zoneIndex) => [
              zone.zone,
              Object.fromEntries(
                scenario.balancedNodeCounts.flatMap((level, levelIndex) => {
                  const age = input.ages[zoneIndex][levelIndex];
                  return age === undefined ? [] : [[String(level), NOW_MS - age * 1000]];
                }),
              ),
            ]),
          ),
          levelCarriesCheckedAtMs: NOW_MS - PASS_MS,
        };
        const short = decide(observed, scenario, memory);
        const old = decide(observed, full, memory);
        // Memory and zone views never depend on the window.
        expect(short.memory).toEqual(old.memory);
        expect(short.zones).toEqual(old.zones);
        // A scale-in with the full window is still one with the short window.
        if (old.action?.kind === 'scale-in') expect(short.action?.kind).toBe('scale-in');
        if (sameAction(short.action, old.action) && short.reason === old.reason) return;
        // Otherwise the short window turned a stabilizing hold into the removal of an empty node.
        expect(short.action?.kind).toBe('scale-in');
        expect(['stabilizing', 'scale-in']).toContain(old.reason);
        added++;
        const action = short.action;
        if (action?.kind !== 'scale-in') return;
        expect(brokersOn(observed, action.nodeName)).toBe(0);
        expect(
          observed.brokers.some(
            broker => broker.zone === action.zone && broker.nodeName === undefined,
          ),
        ).toBe(false);
      }),
      { numRuns: 1000 },
    );
    // The generator reaches the case the property is about.
    expect(added).toBeGreaterThan(0);
  });
});

function sameAction(a: Action | undefined, b: Action | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
