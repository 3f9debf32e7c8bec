/**
 * Issue #16, ramp-down losses: a removal whose node is already empty waited in `drain` while the
 * zone's demand was within the scale-in margin (`removalMayProceed` false), cordoned and idle, up
 * to the phase deadline, and every other zone's removal waited behind it (one operation at a
 * time). Measured on synthetic daily:2, every such wait came with the ramp guard seeing a rise
 * within the margin. Such a node moves nothing more: while the zone's other nodes carry its
 * demand at the target, floors included (the ramp guard's projected rise among them), the guard
 * is not blind and the forecast is known, it goes on to `unprotect`
 * (`removalMayProceedWhenEmpty`), its note saying why. Moves still wait for the margin.
 */
import fc from 'fast-check';
import {
  decide,
  INITIAL_MEMORY,
  removalContext,
  removalMayProceed,
  removalMayProceedWhenEmpty,
  startOperation,
  stepOperation,
  type Memory,
  type Observed,
  type OperationRecord,
  type Plan,
} from '../../controller/decide';
import type { ControllerConfig } from '../../controller/config';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import { MARGIN_WAIVED_NOTE } from '../../controller/operation';
import { DEFAULT_RAMP_HORIZON_SECONDS } from '../../controller/ramp';
import {
  NOW_MS,
  SCALE_IN_NODE_A1,
  healthyCluster,
  stabilizedLongAgo,
  testConfig,
  withNode,
} from './fixtures';

// 2 zones x 4 brokers, levels 1/2/4, 50 MiB/s per node at the target, 45 with the 10% margin.
const config: ControllerConfig = testConfig({ zones: 2, sameLevelInAllZones: false });
const withRamp: ControllerConfig = { ...config, rampHorizonSeconds: DEFAULT_RAMP_HORIZON_SECONDS };

/** Removing node-a-1 from zone a, in `drain`, after `movesDone` moves. */
function removalOfA1(movesDone: number): OperationRecord {
  const started = startOperation(SCALE_IN_NODE_A1, {
    nowMs: NOW_MS - 60_000,
    fencingToken: 3,
    holder: 'a',
    id: 'op-1',
  });
  return { ...started, phase: 'drain', movesDone };
}

/**
 * Zone a: node-a-0 and node-a-1 (cordoned, being removed, `leftOnNode` of its 2 brokers still
 * on it, the others moved to node-a-0) at `demandA` MiB/s; zone b at 2 nodes, 10 MiB/s.
 */
function cluster(demandA: number, leftOnNode = 0): Observed {
  const observed = healthyCluster(config, { nodesPerZone: 2, demandByZone: [demandA, 10] });
  let moved = 0;
  const onA1 = observed.brokers.filter(broker => broker.nodeName === 'node-a-1').length;
  return withNode(
    {
      ...observed,
      brokers: observed.brokers.map(broker => {
        if (broker.nodeName !== 'node-a-1' || moved >= onA1 - leftOnNode) return broker;
        moved += 1;
        return { ...broker, nodeName: 'node-a-0' };
      }),
    },
    'node-a-1',
    node => ({
      ...node,
      unschedulable: true,
      cordonedByController: true,
      operation: removalOfA1(2 - leftOnNode),
    }),
  );
}

function step(observed: Observed, plan: Plan, movesDone = 2) {
  return stepOperation(removalOfA1(movesDone), observed, config, {
    nowMs: observed.nowMs,
    fencingToken: 3,
    holder: 'a',
    ...removalContext(plan, 'us-east-1a'),
  });
}

/** Ramp samples over the last 150 s, flat at `demandMiBps` (not blind, not rising). */
function rampMemory(memory: Memory, samples: Record<string, readonly number[]>): Memory {
  return {
    ...memory,
    rampSamples: Object.fromEntries(
      Object.entries(samples).map(([zone, demands]) => [
        zone,
        demands.map((demandMiBps, index) => ({
          atMs: NOW_MS - (demands.length - index) * 30_000,
          demandMiBps,
        })),
      ]),
    ),
  };
}

describe('an emptied node held only by the scale-in margin', () => {
  test('goes on to unprotect, its note saying why', () => {
    const observed = cluster(48);
    const plan = decide(observed, config, stabilizedLongAgo(config));
    expect(removalMayProceed(plan, 'us-east-1a')).toBe(false);
    expect(removalMayProceedWhenEmpty(plan, 'us-east-1a')).toBe(true);
    const outcome = step(observed, plan);
    expect(outcome.next?.phase).toBe('unprotect');
    expect(outcome.next?.note).toBe(MARGIN_WAIVED_NOTE);
    expect(outcome.effect).toMatchObject({ kind: 'unprotect-instance', instanceId: 'i-a1' });
    expect(outcome.events).toEqual(['unprotect-requested']);
  });

  test('with demand under the margin it goes on without the note, as before', () => {
    const observed = cluster(30);
    const outcome = step(observed, decide(observed, config, stabilizedLongAgo(config)));
    expect(outcome.next?.phase).toBe('unprotect');
    expect(outcome.next?.note).toBeUndefined();
  });

  test('a node that still holds a broker starts no move while the margin holds it', () => {
    const observed = cluster(48, 1);
    const outcome = step(observed, decide(observed, config, stabilizedLongAgo(config)), 1);
    expect(outcome.next?.phase).toBe('drain');
    expect(outcome.next?.move).toBeUndefined();
    expect(outcome.effect).toBeUndefined();
    expect(outcome.waiting).toContain('scale-in margin');
  });

  test('past the target the emptied node is kept (rolled back), not removed', () => {
    const observed = cluster(55);
    const plan = decide(observed, config, stabilizedLongAgo(config));
    expect(removalMayProceedWhenEmpty(plan, 'us-east-1a')).toBe(false);
    const outcome = step(observed, plan);
    expect(outcome.next?.phase).toBe('uncordon');
    expect(outcome.events).toEqual(['rolled-back']);
  });

  test('waits while the ramp guard is blind', () => {
    const observed = cluster(48);
    const plan = decide(observed, withRamp, INITIAL_MEMORY);
    expect(plan.zones.find(zone => zone.zone === 'us-east-1a')?.rampBlind).toBe(true);
    expect(removalMayProceedWhenEmpty(plan, 'us-east-1a')).toBe(false);
    expect(step(observed, plan).next?.phase).toBe('drain');
  });

  test('a rise the ramp guard projects past the node left raises the floor: kept, not removed', () => {
    const observed = cluster(48);
    // Zone a rose 0 -> 48 MiB/s within 90 s: it projects past the baseline of the one node left
    // (100 MiB/s) within 180 s, so the guard's floor is 2 nodes.
    const memory = rampMemory(stabilizedLongAgo(withRamp), {
      'us-east-1a': [0, 0, 0, 10, 30],
      'us-east-1b': [10, 10, 10, 10, 10],
    });
    const plan = decide(observed, withRamp, memory);
    expect(removalMayProceedWhenEmpty(plan, 'us-east-1a')).toBe(false);
    expect(step(observed, plan).next?.phase).not.toBe('unprotect');
  });

  test('a slow rise that stays within the node left: the emptied node goes', () => {
    const observed = cluster(48);
    const memory = rampMemory(stabilizedLongAgo(withRamp), {
      'us-east-1a': [46, 46.5, 47, 47.5, 48],
      'us-east-1b': [10, 10, 10, 10, 10],
    });
    const plan = decide(observed, withRamp, memory);
    expect(plan.zones.find(zone => zone.zone === 'us-east-1a')?.rampRising).toBe(true);
    expect(step(observed, plan).next?.phase).toBe('unprotect');
  });

  test('waits while the forecast floor is unknown', () => {
    const forecastConfig: ControllerConfig = {
      ...config,
      forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
    };
    const observed = { ...cluster(48), forecast: [] };
    const plan = decide(observed, forecastConfig, stabilizedLongAgo(forecastConfig));
    expect(removalMayProceedWhenEmpty(plan, 'us-east-1a')).toBe(false);
    expect(step(observed, plan).next?.phase).toBe('drain');
  });
});

describe('property: the margin is waived only for an empty node whose zone is carried', () => {
  test('no unprotect with a broker on the node or demand past the target; no move inside the margin', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 120, noNaN: true }),
        fc.integer({ min: 0, max: 2 }),
        (demandA, leftOnNode) => {
          const observed = cluster(demandA, leftOnNode);
          const plan = decide(observed, config, stabilizedLongAgo(config));
          const outcome = step(observed, plan, 2 - leftOnNode);
          if (outcome.next?.phase === 'unprotect') {
            expect(leftOnNode).toBe(0);
            // The node left carries the zone's demand at the target (50 MiB/s).
            expect(demandA).toBeLessThanOrEqual(50);
          }
          if (outcome.effect?.kind === 'request-roll') {
            // A move starts only where the margin allows it (at most 45 MiB/s on one node).
            expect(removalMayProceed(plan, 'us-east-1a')).toBe(true);
            expect(demandA).toBeLessThanOrEqual(45);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
