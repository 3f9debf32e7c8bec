/**
 * The ramp guard counts the nodes a zone has already launched (`rampBaseNodes` in
 * `controller/decide.ts`).
 *
 * Fault (Twitter CRM, docs/simulator.md): demand climbs from 34 to 800 MiB/s in ten minutes. The
 * guard raised each zone from 1 node to 2 at 23:04:10; a pass later the projection (800 MiB/s)
 * was past the baseline of those 2 nodes, but the guard judged the zone by its 1 Ready node, asked
 * again for 2, and the zone went to 4 only at 23:06:10, once the 2 were Ready. The re-spread waits
 * for the 4, so every move, and every minute a node ran above its baseline, came a minute later
 * than the rise allowed (45.67 above-baseline node-minutes; 44.5 with the launching nodes
 * counted). Now the guard judges a zone by its Ready nodes plus the ones still launching.
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import { decide, INITIAL_MEMORY, type Memory, type Observed } from '../../controller/decide';
import { levelAtLeast } from '../../controller/levels';
import { healthyCluster, NOW_MS, testConfig } from './fixtures';

// 4 brokers a zone: levels 1 / 2 / 4; 100 MiB/s baseline, target 0.5 (50 MiB/s planned a node).
const config: ControllerConfig = { ...testConfig(), rampHorizonSeconds: 180 };
const off = testConfig();
const MINUTE_MS = 60_000;

function risingFrom(cfg: ControllerConfig, beforeMiBps: number): Memory {
  return {
    ...INITIAL_MEMORY,
    rampSamples: Object.fromEntries(
      cfg.zones.map(zone => [zone.zone, [{ atMs: NOW_MS - MINUTE_MS, demandMiBps: beforeMiBps }]]),
    ),
  };
}

/** `observed` with every group's desired capacity `launching` above its Ready nodes. */
function launching(observed: Observed, count: number): Observed {
  return {
    ...observed,
    groups: observed.groups.map(group => ({
      ...group,
      desired: group.desired + count,
      instances: [
        ...group.instances,
        ...Array.from({ length: count }, (_, index) => ({
          instanceId: `i-${group.zone}-new-${index}`,
          lifecycleState: 'Pending',
          protectedFromScaleIn: true,
        })),
      ],
    })),
  };
}

describe('the ramp guard judges the nodes already launched, not only the Ready ones', () => {
  test('a rise past the launching nodes baseline asks for the next level before they are Ready', () => {
    // GIVEN 1 Ready node a zone and a second one launching (desired 2), demand 40 -> 90 MiB/s in a
    // minute: 90 + 50/60 x 180 = 240 MiB/s projected, past the 200 MiB/s baseline of the 2 nodes
    const observed = launching(healthyCluster(config, { demandMiBps: 90 }), 1);
    // WHEN the controller decides
    const plan = decide(observed, config, risingFrom(config, 40));
    // THEN it raises the first group from 2 to 4 now, and says the 2 nodes include a launching one
    expect(plan.action).toMatchObject({ kind: 'scale-out', fromDesired: 2, toDesired: 4 });
    expect(plan.zones[0]).toMatchObject({ rampFloorNodes: 4, desiredNodes: 4 });
    expect(plan.detail).toContain(
      'raised to 4 nodes ahead of the ramp (projects 240 MiB/s within 180s, above the 200 MiB/s baseline of 2 nodes, 1 of them still launching)',
    );
  });

  test('a rise that stays under the launching nodes baseline waits for them', () => {
    // 60 -> 90 MiB/s: 90 + 90 = 180, under 2 nodes' 200 MiB/s
    const observed = launching(healthyCluster(config, { demandMiBps: 90 }), 1);
    const plan = decide(observed, config, risingFrom(config, 60));
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('waiting-for-nodes');
    expect(plan.zones[0]).toMatchObject({ rampFloorNodes: 0, desiredNodes: 2 });
  });

  test('asks for what it asks of a zone whose launched nodes are all Ready already', () => {
    const levels = config.balancedNodeCounts;
    const pairs = levels.flatMap(ready =>
      levels.filter(total => total > ready).map(total => [ready, total] as const),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...pairs),
        fc.double({ min: 0, max: 400, noNaN: true }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        ([ready, total], demandMiBps, beforeMiBps) => {
          const booting = launching(
            healthyCluster(config, { nodesPerZone: ready, demandMiBps }),
            total - ready,
          );
          const allReady = healthyCluster(config, { nodesPerZone: total, demandMiBps });
          const memory = risingFrom(config, beforeMiBps);
          const judged = decide(booting, config, memory).zones;
          decide(allReady, config, memory).zones.forEach((zone, index) => {
            expect(judged[index].rampFloorNodes).toBe(zone.rampFloorNodes);
            expect(judged[index].rampProjectedMiBps).toBe(zone.rampProjectedMiBps);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  test('only raises, and never more than one level above the Ready and launching nodes', () => {
    const levels = config.balancedNodeCounts;
    fc.assert(
      fc.property(
        fc.constantFrom(...levels),
        fc.integer({ min: 0, max: config.maxNodesPerZone }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        (ready, extra, demandMiBps, beforeMiBps) => {
          const count = Math.min(extra, config.maxNodesPerZone - ready);
          const observed = launching(
            healthyCluster(config, { nodesPerZone: ready, demandMiBps }),
            count,
          );
          const withGuard = decide(observed, config, risingFrom(config, beforeMiBps));
          const plainObserved = launching(
            healthyCluster(off, { nodesPerZone: ready, demandMiBps }),
            count,
          );
          const plain = decide(plainObserved, off, INITIAL_MEMORY);
          const base = levelAtLeast(ready + count, levels);
          const oneAbove = levels.find(level => level > base) ?? base;
          withGuard.zones.forEach((zone, index) => {
            expect(zone.desiredNodes).toBeGreaterThanOrEqual(plain.zones[index].desiredNodes);
            expect(zone.desiredNodes).toBeLessThanOrEqual(
              Math.max(plain.zones[index].desiredNodes, oneAbove, ready + count),
            );
          });
          if (withGuard.action?.kind === 'scale-out') {
            expect(withGuard.action.toDesired).toBeGreaterThan(ready + count);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
