/**
 * How the scale-in stabilization is judged (issue #16): a node goes only toward a balanced level
 * that carried the zone at every pass of the last `scaleInStabilizationSeconds` (its demand at the
 * target utilization, floors included, while the zone ran more nodes than that level), and this
 * pass's demand must fit that level with the scale-in margin. Before, every pass of the window had
 * to fit with the margin, so on 3% noise one pass inside the margin restarted the wait; and the
 * window was kept for "some lower level", so a zone that had waited for 4 -> 2 went on to 1 without
 * a window of its own. Also here: which zone scales in first, and a removal that demand overtakes.
 *
 * Test config: levels 1/2/4, 4 brokers a zone, baseline 100 MiB/s, target 0.5 (a node carries
 * 50 MiB/s), margin 0.1 (level 1 takes at most 45 MiB/s to scale in to), window 600 s.
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import {
  decide,
  INITIAL_MEMORY,
  removalContext,
  removalMayProceed,
  removalStillWanted,
  type Memory,
  type Plan,
} from '../../controller/decide';
import { startOperation, stepOperation } from '../../controller/operation';
import {
  NOW_MS,
  healthyCluster,
  placedCluster,
  stabilizedLongAgo,
  testConfig,
  withBroker,
  withNode,
  SCALE_IN_NODE_A1,
  freshAt,
} from './fixtures';

const config = testConfig();
const PASS_MS = 30_000;
const WINDOW_MS = config.scaleInStabilizationSeconds * 1000;

/** Runs one pass per demand figure, `PASS_MS` apart from `NOW_MS`, on a fixed cluster. */
function passes(
  demands: readonly number[],
  nodesPerZone: number,
  memory: Memory = INITIAL_MEMORY,
  options: { readonly config?: ControllerConfig; readonly startMs?: number } = {},
): { readonly plans: Plan[]; readonly memory: Memory } {
  const scenario = options.config ?? config;
  const startMs = options.startMs ?? NOW_MS;
  const plans: Plan[] = [];
  let current = memory;
  demands.forEach((demandMiBps, index) => {
    const observed = freshAt(
      healthyCluster(scenario, { nodesPerZone, demandMiBps }),
      startMs + index * PASS_MS,
    );
    const plan = decide(observed, scenario, current);
    plans.push(plan);
    current = plan.memory;
  });
  return { plans, memory: current };
}

/** 21 passes cover the window: the first and the last are 600 s apart. */
const WINDOW_PASSES = WINDOW_MS / PASS_MS + 1;

describe('scale-in stabilization: the window is judged at the target', () => {
  test('a pass inside the margin (under the lower level at the target) does not restart it', () => {
    // 48 MiB/s: level 1 carries it at the target (50) but not with the margin (45).
    const demands = Array.from({ length: WINDOW_PASSES }, (_, index) => (index === 10 ? 48 : 40));
    const { plans } = passes(demands, 2);
    expect(plans[WINDOW_PASSES - 2].reason).toBe('stabilizing');
    expect(plans[WINDOW_PASSES - 1].action).toMatchObject({ kind: 'scale-in', zone: 'us-east-1a' });
  });

  test('a pass above the lower level at the target restarts it', () => {
    const demands = Array.from({ length: WINDOW_PASSES }, (_, index) => (index === 10 ? 55 : 40));
    const first = passes(demands, 2);
    expect(first.plans[WINDOW_PASSES - 1].reason).toBe('stabilizing');
    // The level carries again from pass 11 on: 600 s later, at pass 31, the zone scales in.
    const rest = passes(
      Array.from({ length: 11 }, () => 40),
      2,
      first.memory,
      { startMs: NOW_MS + WINDOW_PASSES * PASS_MS },
    );
    expect(rest.plans[9].reason).toBe('stabilizing');
    expect(rest.plans[10].action).toMatchObject({ kind: 'scale-in' });
  });

  test('a gap without fresh passes, or a clock step either way, restarts the window', () => {
    // Level 1 carried for 9 of its 10 minutes; then no fresh pass for `staleAfterSeconds` + 30 s
    // (a Prometheus outage: no pass saw demand), or the clock stepped a day either way. Before,
    // the window counted the gap (the zone scaled in at the first fresh pass after the outage or
    // the forward step) or waited for the clock (a day after a step back).
    const nine = passes(
      Array.from({ length: WINDOW_PASSES - 2 }, () => 40),
      2,
    );
    const lastMs = NOW_MS + (WINDOW_PASSES - 3) * PASS_MS;
    const dayMs = 24 * 3_600_000;
    for (const startMs of [
      lastMs + config.staleAfterSeconds * 1000 + PASS_MS,
      lastMs + dayMs,
      lastMs - dayMs,
    ]) {
      const after = passes(
        Array.from({ length: WINDOW_PASSES }, () => 40),
        2,
        nine.memory,
        { startMs },
      );
      expect(after.plans[0].memory.levelCarriesSinceMs['us-east-1a']).toEqual({ '1': startMs });
      expect(after.plans[WINDOW_PASSES - 2].reason).toBe('stabilizing');
      expect(after.plans[WINDOW_PASSES - 1].action).toMatchObject({ kind: 'scale-in' });
    }
    // A pass within the limit (one stale pass skipped) keeps the window: it ends on time.
    const kept = passes([40], 2, nine.memory, { startMs: lastMs + 2 * PASS_MS });
    expect(kept.plans[0].action).toMatchObject({ kind: 'scale-in' });
  });

  test('passes further apart than the stale limit (a long interval) still run the window', () => {
    // intervalSeconds 300 > staleAfterSeconds 120: consecutive passes are no gap.
    const slow: ControllerConfig = { ...config, intervalSeconds: 300 };
    let memory: Memory = INITIAL_MEMORY;
    const reasons: string[] = [];
    for (let index = 0; index <= 2; index++) {
      const plan = decide(
        freshAt(
          healthyCluster(slow, { nodesPerZone: 2, demandMiBps: 40 }),
          NOW_MS + index * 300_000,
        ),
        slow,
        memory,
      );
      reasons.push(plan.reason);
      memory = plan.memory;
    }
    expect(reasons).toEqual(['stabilizing', 'stabilizing', 'scale-in']);
  });

  test('a level that carried the zone counts only while the zone ran more nodes than it', () => {
    // Two nodes at 40 MiB/s for the window: level 1 carried it. Someone raises the group to 4;
    // at 48 MiB/s the scale-in level is 2, whose window starts only now (the zone did not run more
    // than 2 nodes before). Level 1's old window does not let a node go toward 2.
    const two = passes(
      Array.from({ length: WINDOW_PASSES }, () => 40),
      2,
    );
    const four = passes([48], 4, two.memory, { startMs: NOW_MS + WINDOW_PASSES * PASS_MS });
    expect(four.plans[0].zones[0].desiredNodes).toBe(2);
    expect(four.plans[0].reason).toBe('stabilizing');
  });

  test('the pass that scales in must fit the lower level with the margin', () => {
    const demands = Array.from({ length: WINDOW_PASSES }, (_, index) =>
      index === WINDOW_PASSES - 1 ? 48 : 40,
    );
    const { plans, memory } = passes(demands, 2);
    expect(plans[WINDOW_PASSES - 1].action).toBeUndefined();
    expect(plans[WINDOW_PASSES - 1].zones[0].desiredNodes).toBe(2);
    // Back under the margin: the window still holds, so the zone scales in at once.
    const next = passes([40], 2, memory, { startMs: NOW_MS + WINDOW_PASSES * PASS_MS });
    expect(next.plans[0].action).toMatchObject({ kind: 'scale-in' });
  });

  test('a node goes only toward a level that carried the whole window', () => {
    // Four nodes; 80 MiB/s (level 2) for 10 minutes, then 40 MiB/s (level 1) for 5 minutes.
    const demands = [
      ...Array.from({ length: WINDOW_PASSES - 1 }, () => 80),
      ...Array.from({ length: 11 }, () => 40),
    ];
    const four = passes(demands, 4);
    const last = four.plans[four.plans.length - 1];
    expect(last.zones[0].desiredNodes).toBe(1);
    expect(last.action).toMatchObject({ kind: 'scale-in' });
    // The next pass, at 2 nodes: level 1's own window began 330 s ago (pass 20), so the zone
    // waits until pass 40, 600 s after it.
    const startMs = NOW_MS + demands.length * PASS_MS;
    const two = passes(
      Array.from({ length: 10 }, () => 40),
      2,
      four.memory,
      { startMs },
    );
    expect(two.plans[0].reason).toBe('stabilizing');
    expect(two.plans[0].detail).toMatch(/fitted 1 nodes at the target for 330s, waiting 270s more/);
    expect(two.plans[8].reason).toBe('stabilizing');
    expect(two.plans[9].action).toMatchObject({ kind: 'scale-in' });
  });

  test('the window runs only while the zone has more nodes than the level', () => {
    // At 1 node for an hour with low demand, then a second node is Ready: a full window follows.
    const one = passes(
      Array.from({ length: 120 }, () => 40),
      1,
    );
    expect(one.memory.levelCarriesSinceMs['us-east-1a']).toEqual({});
    const startMs = NOW_MS + 120 * PASS_MS;
    const two = passes(
      Array.from({ length: WINDOW_PASSES }, () => 40),
      2,
      one.memory,
      {
        startMs,
      },
    );
    expect(two.plans[0].reason).toBe('stabilizing');
    expect(two.plans[WINDOW_PASSES - 2].reason).toBe('stabilizing');
    expect(two.plans[WINDOW_PASSES - 1].action).toMatchObject({ kind: 'scale-in' });
  });

  test('a floor above the level restarts its window', () => {
    // A scheduled minimum of 2 nodes from 12:00 to 12:05 UTC on Mondays (NOW_MS is Monday 12:00).
    const scheduled: ControllerConfig = {
      ...config,
      scheduledMinimums: [{ startUtc: '12:00', endUtc: '12:05', nodesPerZone: 2, weekdays: [1] }],
    };
    const fiveMinutes = 10;
    const during = passes(
      Array.from({ length: fiveMinutes }, () => 40),
      2,
      INITIAL_MEMORY,
      {
        config: scheduled,
      },
    );
    expect(during.memory.levelCarriesSinceMs['us-east-1a']).toEqual({});
    const startMs = NOW_MS + fiveMinutes * PASS_MS;
    const after = passes(
      Array.from({ length: WINDOW_PASSES }, () => 40),
      2,
      during.memory,
      {
        config: scheduled,
        startMs,
      },
    );
    expect(after.plans[WINDOW_PASSES - 2].reason).toBe('stabilizing');
    expect(after.plans[WINDOW_PASSES - 1].action).toMatchObject({ kind: 'scale-in' });
  });

  test('property: a zone scales in exactly when some lower level carried the window and the pass fits it with the margin', () => {
    const oneZone = testConfig({ zones: 1 });
    const capacity = oneZone.nodeBaselineMiBps * oneZone.targetUtilization;
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4),
        fc.array(fc.constantFrom(10, 30, 44, 47, 49, 52, 80, 89, 95, 99, 120), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 60 }),
        (nodes, demands, gapSeconds) => {
          let memory = INITIAL_MEMORY;
          demands.forEach((demand, index) => {
            const nowMs = NOW_MS + index * gapSeconds * 1000;
            const observed = freshAt(
              healthyCluster(oneZone, { nodesPerZone: nodes, demandMiBps: demand }),
              nowMs,
            );
            const plan = decide(observed, oneZone, memory);
            memory = plan.memory;
            // The passes since the window opened: the last one at or before now - window, on.
            const firstInWindow = demands.findIndex(
              (_, each) => NOW_MS + each * gapSeconds * 1000 > nowMs - WINDOW_MS,
            );
            const from = Math.max(0, firstInWindow - 1);
            const coversWindow = NOW_MS + from * gapSeconds * 1000 <= nowMs - WINDOW_MS;
            const allowed = oneZone.balancedNodeCounts.some(
              level =>
                level < nodes &&
                coversWindow &&
                demands.slice(from, index + 1).every(each => each <= level * capacity) &&
                demand / (1 - oneZone.scaleInMargin) <= level * capacity,
            );
            expect(plan.action?.kind === 'scale-in').toBe(allowed);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('scale-in: which zone first', () => {
  test('an empty node in a later zone goes before a node with brokers in an earlier one', () => {
    // Zone a: one broker on each of 4 nodes; zone b: node 3 empty; zone c like zone a.
    const observed = placedCluster(
      config,
      [
        [0, 1, 2, 3],
        [0, 0, 1, 2],
        [0, 1, 2, 3],
      ],
      [10, 10, 10],
    );
    const plan = decide(observed, config, stabilizedLongAgo(config));
    expect(plan.action).toMatchObject({
      kind: 'scale-in',
      zone: 'us-east-1b',
      nodeName: 'node-b-3',
    });
  });

  test('with equal victims, zone order decides', () => {
    const observed = placedCluster(
      config,
      [
        [0, 1, 2, 3],
        [0, 1, 2, 3],
        [0, 1, 2, 3],
      ],
      [10, 10, 10],
    );
    const plan = decide(observed, config, stabilizedLongAgo(config));
    expect(plan.action).toMatchObject({ kind: 'scale-in', zone: 'us-east-1a' });
  });
});

describe('a removal in progress when demand comes back', () => {
  const twoNodes = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 40 });
  const record = startOperation(SCALE_IN_NODE_A1, {
    nowMs: NOW_MS,
    fencingToken: 1,
    holder: 'me',
    id: 'op-1',
  });
  const draining = { ...record, phase: 'drain' as const };
  const removing = (
    demandByZone: readonly number[],
    scenario: ControllerConfig = config,
    nodesByZone: readonly number[] = [2, 2, 2],
  ): Plan => {
    const observed = healthyCluster(scenario, { nodesByZone, demandByZone });
    return decide(
      withNode(observed, 'node-a-1', node => ({
        ...node,
        unschedulable: true,
        operation: draining,
      })),
      scenario,
      stabilizedLongAgo(scenario),
    );
  };
  const same = (demand: number) => removing([demand, demand, demand]);

  test('goes on while the other nodes carry the demand with the margin', () => {
    expect(same(40).zones[0].scaleInLevelNodes).toBe(1);
    expect(removalStillWanted(same(40), 'us-east-1a')).toBe(true);
    expect(removalMayProceed(same(40), 'us-east-1a')).toBe(true);
  });

  test('waits while demand is inside the margin, and rolls back past the target', () => {
    expect(removalStillWanted(same(48), 'us-east-1a')).toBe(true);
    expect(removalMayProceed(same(48), 'us-east-1a')).toBe(false);
    expect(removalStillWanted(same(55), 'us-east-1a')).toBe(false);
  });

  test('at an unbalanced count (4 -> 2 passing 3 nodes) it waits inside the margin instead of rolling back', () => {
    // 3 counted nodes carry 94 MiB/s at the target (level 2 takes 100) but not with the margin
    // (90): the removal waits. `desiredNodes` rounds 3 up to 4; judged on it, every pass inside
    // the margin rolled the removal back (and a re-spread moved the broker back).
    const plan = removing([94, 94, 94], config, [4, 4, 4]);
    expect(plan.zones[0]).toMatchObject({
      currentNodes: 3,
      desiredNodes: 4,
      scaleOutLevelNodes: 2,
    });
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(true);
    expect(removalMayProceed(plan, 'us-east-1a')).toBe(false);
    expect(removalMayProceed(removing([88, 88, 88], config, [4, 4, 4]), 'us-east-1a')).toBe(true);
    // Past level 2's target the 3 nodes no longer suffice: roll back.
    expect(removalStillWanted(removing([101, 101, 101], config, [4, 4, 4]), 'us-east-1a')).toBe(
      false,
    );
  });

  test('does not wait inside the margin while another zone is below its level', () => {
    // Zones judged apart: zone b runs 1 node for 80 MiB/s (needs 2) and wants its re-spread.
    const apart = testConfig({ sameLevelInAllZones: false });
    const plan = removing([48, 80, 40], apart, [2, 1, 2]);
    expect(plan.zones[1].desiredNodes).toBeGreaterThan(plan.zones[1].currentNodes);
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(false);
    expect(removalStillWanted(removing([48, 40, 40], apart), 'us-east-1a')).toBe(true);
  });

  test('does not wait inside the margin while another zone waits for its re-spread', () => {
    // Zone b runs its 2 nodes (its level at 80 MiB/s) but all 4 brokers sit on node-b-0: its
    // new node is Ready and empty. Before, zone b counted as at its level, so the waiting removal
    // held its re-spread until the phase deadline.
    const apart = testConfig({ sameLevelInAllZones: false });
    const plan = decide(
      withNode(
        ['orders-brokers-b-2001', 'orders-brokers-b-2003'].reduce(
          (each, pod) => withBroker(each, pod, b => ({ ...b, nodeName: 'node-b-0' })),
          healthyCluster(apart, { nodesByZone: [2, 2, 2], demandByZone: [48, 80, 40] }),
        ),
        'node-a-1',
        node => ({ ...node, unschedulable: true, operation: draining }),
      ),
      apart,
      stabilizedLongAgo(apart),
    );
    expect(plan.zones[1]).toMatchObject({
      currentNodes: 2,
      desiredNodes: 2,
      respreadPending: true,
    });
    expect(removalMayProceed(plan, 'us-east-1a')).toBe(false);
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(false);
    // Its spread even, zone b waits for nothing: the removal waits.
    expect(removalStillWanted(removing([48, 80, 40], apart), 'us-east-1a')).toBe(true);
  });

  test('a zone the plan has no view of (stale data) is left to the step, which waits', () => {
    expect(removalStillWanted({ ...same(40), zones: [] }, 'us-east-1a')).toBe(true);
    expect(removalMayProceed({ ...same(40), zones: [] }, 'us-east-1a')).toBe(true);
  });

  const cordoned = withNode(twoNodes, 'node-a-1', node => ({ ...node, unschedulable: true }));
  const emptied = twoNodes.brokers
    .filter(broker => broker.nodeName === 'node-a-1')
    .reduce(
      (each, broker) => withBroker(each, broker.podName, b => ({ ...b, nodeName: 'node-a-0' })),
      cordoned,
    );
  const context = { nowMs: NOW_MS, fencingToken: 1, holder: 'me', removalStillWanted: true };

  test('inside the margin no further move starts; past the phase deadline it rolls back', () => {
    const waiting = stepOperation(draining, cordoned, config, {
      ...context,
      removalMayProceed: false,
    });
    expect(waiting.effect).toBeUndefined();
    expect(waiting.next).toEqual(draining);
    expect(waiting.waiting).toMatch(/within the scale-in margin/);
    const late = stepOperation(draining, cordoned, config, {
      ...context,
      nowMs: NOW_MS + 601_000,
      removalMayProceed: false,
    });
    expect(late.next?.phase).toBe('uncordon');
    expect(late.effect?.kind).toBe('uncordon');
    const free = stepOperation(draining, cordoned, config, { ...context, removalMayProceed: true });
    expect(free.effect?.kind).toBe('request-roll');
  });

  test('an emptied node inside the margin keeps its protection until demand is back under it', () => {
    const waiting = stepOperation(draining, emptied, config, {
      ...context,
      removalMayProceed: false,
    });
    expect(waiting.effect).toBeUndefined();
    expect(waiting.next).toEqual(draining);
    const free = stepOperation(draining, emptied, config, context);
    expect(free.effect?.kind).toBe('unprotect-instance');
    // Past the phase deadline still inside the margin: kept (uncordoned, protection on), not
    // waiting for ever.
    const late = stepOperation(draining, emptied, config, {
      ...context,
      nowMs: NOW_MS + 601_000,
      removalMayProceed: false,
    });
    expect(late.next?.phase).toBe('uncordon');
    expect(late.next?.note).toMatch(/within the scale-in margin; emptied node kept/);
    expect(late.effect).toEqual({
      kind: 'uncordon',
      nodeName: 'node-a-1',
      nodeUid: 'uid-node-a-1',
    });
  });

  test('every caller gets both removal fields from one place', () => {
    const plan = removing([48, 48, 48]);
    expect(removalContext(plan, 'us-east-1a')).toEqual({
      removalStillWanted: true,
      removalMayProceed: false,
      removalMayProceedWhenEmpty: true,
    });
  });

  test('an emptied node the zone needs again is kept: uncordoned, never unprotected or terminated', () => {
    const step = stepOperation(draining, emptied, config, {
      ...context,
      removalStillWanted: false,
    });
    expect(step.next?.phase).toBe('uncordon');
    expect(step.next?.note).toMatch(/emptied node kept/);
    expect(step.effect).toEqual({
      kind: 'uncordon',
      nodeName: 'node-a-1',
      nodeUid: 'uid-node-a-1',
    });
  });
});
