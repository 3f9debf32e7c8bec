/**
 * The ramp guard at an unbalanced node count (second review of the ramp guard, the per-level
 * scale-in window and the margin wait).
 *
 * Fault: the guard judged a zone by the baseline of the balanced level at or above its Ready
 * nodes, not by the nodes themselves. On levels 1 / 2 / 4 a zone of 4 nodes heading for 2 removes
 * one node at a time, through 3: with demand projected to 320 MiB/s (above 3 nodes' 300 MiB/s
 * baseline, under 4 nodes' 400) the first removal started (the hold judged the 3 nodes it leaves
 * as level 4), and once it ran the guard, judging its 3 counted nodes as level 4, asked for
 * nothing: the zone went to 3 nodes ahead of a rise past their baseline, the case the guard
 * exists for. Now the guard asks for the level at or above the Ready nodes when the projection
 * passes the nodes' own baseline (`nodes x nodeBaselineMiBps`), and the next level up when it
 * passes that level's; the scale-in hold judges the nodes a removal leaves.
 *
 * Also here, the test a surviving mutant showed missing: a removal waiting inside the margin is
 * not rolled back for another zone's re-spread while that zone still waits for its new nodes
 * (`ZoneView.respreadPending` leaves such a zone out; the mutant that counted it survived).
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import {
  decide,
  INITIAL_MEMORY,
  removalStillWanted,
  startOperation,
  type Memory,
} from '../../controller/decide';
import { zoneRamp } from '../../controller/ramp';
import {
  healthyCluster,
  NOW_MS,
  stabilizedLongAgo,
  testConfig,
  withBroker,
  withNode,
  SCALE_IN_NODE_A1,
} from './fixtures';

// 4 brokers a zone: levels 1 / 2 / 4; 100 MiB/s baseline, target 0.5.
const config: ControllerConfig = { ...testConfig(), rampHorizonSeconds: 180 };
const MINUTE_MS = 60_000;

/** Window long carried, and a rise from `beforeMiBps` a minute ago in every zone. */
function risingMemory(beforeMiBps: number): Memory {
  return {
    ...INITIAL_MEMORY,
    levelCarriesSinceMs: stabilizedLongAgo(config).levelCarriesSinceMs,
    rampSamples: Object.fromEntries(
      config.zones.map(zone => [
        zone.zone,
        [{ atMs: NOW_MS - MINUTE_MS, demandMiBps: beforeMiBps }],
      ]),
    ),
  };
}

// 80 MiB/s fits 2 nodes with the margin; 0 a minute ago: 80 + 80/60 x 180 = 320 MiB/s projected.
const fourNodes = healthyCluster(config, { nodesPerZone: 4, demandMiBps: 80 });

describe('the ramp guard judges the nodes, not the level above them', () => {
  test('no removal starts that leaves 3 nodes under a projection past their baseline', () => {
    const plan = decide(fourNodes, config, risingMemory(0));
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('stabilizing');
    expect(plan.detail).toContain('above the 300 MiB/s baseline of 3 nodes');
    // A flatter rise (0 -> 80 over two minutes: 80 + 120 = 200) lets the node go.
    const flatter: Memory = {
      ...risingMemory(0),
      rampSamples: Object.fromEntries(
        config.zones.map(zone => [zone.zone, [{ atMs: NOW_MS - 2 * MINUTE_MS, demandMiBps: 0 }]]),
      ),
    };
    expect(decide(fourNodes, config, flatter).action).toMatchObject({ kind: 'scale-in' });
  });

  test('a removal in progress from 4 (3 counted) is rolled back when the rise passes 3 nodes', () => {
    const record = startOperation(
      {
        kind: 'scale-in',
        zone: 'us-east-1a',
        groupName: 'asg-orders-kafka-a',
        nodeName: 'node-a-3',
        nodeUid: 'uid-node-a-3',
        instanceId: 'i-a3',
      },
      { nowMs: NOW_MS, fencingToken: 1, holder: 'me', id: 'op-1' },
    );
    const removing = withNode(fourNodes, 'node-a-3', node => ({
      ...node,
      unschedulable: true,
      operation: { ...record, phase: 'drain' as const },
    }));
    const plan = decide(removing, config, risingMemory(0));
    expect(plan.zones[0]).toMatchObject({ currentNodes: 3, rampFloorNodes: 4 });
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(false);
  });

  test('property: past the Ready nodes own baseline the floor is above them, one level up at most', () => {
    const levels = config.balancedNodeCounts;
    const baseline = config.nodeBaselineMiBps;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        (ready, before, now) => {
          const { floorNodes, projectedMiBps } = zoneRamp(
            [
              { atMs: NOW_MS - MINUTE_MS, demandMiBps: before },
              { atMs: NOW_MS, demandMiBps: now },
            ],
            ready,
            180,
            config,
          );
          const nodes = Math.max(1, ready);
          const readyLevel = levels.find(level => level >= nodes) ?? nodes;
          if (now <= before || projectedMiBps <= nodes * baseline) {
            expect(floorNodes).toBe(0);
            return;
          }
          // A balanced level above the nodes, when one exists ...
          if (levels.some(level => level > nodes)) expect(floorNodes).toBeGreaterThan(nodes);
          // ... at most one above their level, and only ever a balanced level.
          if (floorNodes !== 0) {
            expect(levels).toContain(floorNodes);
            expect(levels.indexOf(floorNodes)).toBeLessThanOrEqual(levels.indexOf(readyLevel) + 1);
          }
        },
      ),
    );
  });
});

describe('a waiting removal and a zone waiting for its new nodes', () => {
  // Zone a removes node-a-1 (1 counted node) at 48 MiB/s: carried at the target, not with the
  // margin, so the removal waits. Zone b (levels apart) runs 2 Ready nodes with its brokers 3 / 1
  // and waits for 2 more (desired 4): its re-spread waits for those nodes whatever zone a does, so
  // zone a's removal is not rolled back for it (it would be, were zone b's re-spread due now).
  const apart: ControllerConfig = { ...config, sameLevelInAllZones: false };
  const record = startOperation(SCALE_IN_NODE_A1, {
    nowMs: NOW_MS,
    fencingToken: 1,
    holder: 'me',
    id: 'op-1',
  });
  const base = withBroker(
    withNode(
      healthyCluster(apart, { nodesPerZone: 2, demandByZone: [48, 90] }),
      'node-a-1',
      node => ({
        ...node,
        unschedulable: true,
        operation: { ...record, phase: 'drain' as const },
      }),
    ),
    'orders-brokers-b-2001',
    broker => ({ ...broker, nodeName: 'node-b-0' }),
  );
  const memory: Memory = {
    ...stabilizedLongAgo(apart),
    rampSamples: Object.fromEntries(
      apart.zones.map((zone, index) => [
        zone.zone,
        [{ atMs: NOW_MS - MINUTE_MS, demandMiBps: [48, 90][index] }],
      ]),
    ),
  };

  test('zone b waiting for nodes: the removal waits', () => {
    const booting = {
      ...base,
      groups: base.groups.map(group =>
        group.zone === 'us-east-1b' ? { ...group, desired: 4 } : group,
      ),
    };
    const plan = decide(booting, apart, memory);
    expect(plan.zones[1]).toMatchObject({ currentNodes: 2, desiredNodes: 2 });
    expect(plan.zones[1].respreadPending).toBeUndefined();
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(true);
  });

  test('zone b with its nodes and its re-spread due: the removal is rolled back', () => {
    const plan = decide(base, apart, memory);
    expect(plan.zones[1].respreadPending).toBe(true);
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(false);
  });
});
