import fc from 'fast-check';
import { decide, INITIAL_MEMORY, type Memory, type Observed } from '../../controller/decide';
import type { OperationRecord } from '../../controller/operation-record';
import {
  NOW_MS,
  healthyCluster,
  stabilizedLongAgo,
  testConfig,
  withBroker,
  withNode,
  SCALE_IN_NODE_A1,
} from './fixtures';

const config = testConfig();
const eligibleLongAgo: Memory = stabilizedLongAgo(config);

const record: OperationRecord = {
  id: 'op-1',
  kind: 'remove-node',
  zone: 'us-east-1a',
  groupName: 'asg-orders-kafka-a',
  nodeName: 'node-a-1',
  nodeUid: 'uid-node-a-1',
  instanceId: 'i-a1',
  phase: 'drain',
  movesDone: 0,
  startedAtMs: NOW_MS,
  fencingToken: 1,
  holder: 'me',
};

describe('decide: table', () => {
  test('holds at target when one node per zone covers the demand', () => {
    const plan = decide(healthyCluster(config, { demandMiBps: 10 }), config, INITIAL_MEMORY);
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('at-target');
    expect(plan.zones.map(zone => zone.desiredNodes)).toEqual([1, 1, 1]);
  });

  test('scales out the first zone to the next balanced level', () => {
    const plan = decide(healthyCluster(config, { demandMiBps: 60 }), config, INITIAL_MEMORY);
    expect(plan.action).toEqual({
      kind: 'scale-out',
      zone: 'us-east-1a',
      groupName: 'asg-orders-kafka-a',
      fromDesired: 1,
      toDesired: 2,
    });
  });

  test('skips the unbalanced count 3 and goes straight to 4', () => {
    const plan = decide(healthyCluster(config, { demandMiBps: 120 }), config, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'scale-out', toDesired: 4 });
  });

  test('raises every zone to the busiest zone level when levels are shared', () => {
    const observed = healthyCluster(config, { demandByZone: [10, 60, 10] });
    const plan = decide(observed, config, INITIAL_MEMORY);
    expect(plan.zones.map(zone => zone.desiredNodes)).toEqual([2, 2, 2]);
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1a' });
  });

  test('raises only the busy zone when zones scale independently', () => {
    const independent = testConfig({ sameLevelInAllZones: false });
    const observed = healthyCluster(independent, { demandByZone: [10, 60, 10] });
    const plan = decide(observed, independent, INITIAL_MEMORY);
    expect(plan.zones.map(zone => zone.desiredNodes)).toEqual([1, 2, 1]);
    expect(plan.action).toMatchObject({ kind: 'scale-out', zone: 'us-east-1b' });
  });

  test('waits for new nodes, then reports a zone that cannot grow', () => {
    const observed: Observed = {
      ...healthyCluster(config, { nodesPerZone: 1, demandMiBps: 60 }),
    };
    const pending = {
      ...observed,
      groups: observed.groups.map(group => ({ ...group, desired: 2 })),
    };
    const first = decide(pending, config, INITIAL_MEMORY);
    expect(first.reason).toBe('waiting-for-nodes');
    const later = decide(
      {
        ...pending,
        nowMs: NOW_MS + (config.nodeReadyTimeoutSeconds + 1) * 1000,
        freshness: {
          kubernetesAtMs: NOW_MS + (config.nodeReadyTimeoutSeconds + 1) * 1000,
          prometheusAtMs: NOW_MS + (config.nodeReadyTimeoutSeconds + 1) * 1000,
          autoscalingAtMs: NOW_MS + (config.nodeReadyTimeoutSeconds + 1) * 1000,
        },
        healthSampledAtMs: Object.fromEntries(
          pending.brokers.map(broker => [
            broker.podName,
            NOW_MS + (config.nodeReadyTimeoutSeconds + 1) * 1000,
          ]),
        ),
      },
      config,
      first.memory,
    );
    expect(later.reason).toBe('zone-cannot-grow');
    expect(later.action).toBeUndefined();
  });

  test('re-spreads a zone whose new nodes are Ready while another zone still waits', () => {
    // GIVEN zone a has its second node Ready but both brokers on the first; zone b waits for one
    const observed = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 60 });
    const crowded = observed.brokers
      .filter(broker => broker.zone === 'us-east-1a')
      .reduce(
        (current, broker) =>
          withBroker(current, broker.podName, b => ({ ...b, nodeName: 'node-a-0' })),
        observed,
      );
    const waiting = {
      ...crowded,
      groups: crowded.groups.map(group =>
        group.zone === 'us-east-1b' ? { ...group, desired: 3 } : group,
      ),
    };
    // WHEN deciding
    const plan = decide(waiting, config, INITIAL_MEMORY);
    // THEN zone a re-spreads now, and zone b is still remembered as waiting
    expect(plan.action).toMatchObject({ kind: 'respread', zone: 'us-east-1a' });
    expect(plan.memory.waitingForNodesSinceMs['us-east-1b']).toBe(NOW_MS);
    // AND with nothing to re-spread it holds for the waiting zone, never scaling in meanwhile
    const idle = decide(
      {
        ...waiting,
        brokers: observed.brokers,
        loads: observed.loads?.map(load => ({ ...load, receiveMiBps: 1, transmitMiBps: 1 })),
      },
      config,
      eligibleLongAgo,
    );
    expect(idle.reason).toBe('waiting-for-nodes');
  });

  test('holds with group-at-max-size, naming it, when the group is at its maximum', () => {
    const capped = testConfig({ maxNodesPerZone: 2 });
    const observed = healthyCluster(capped, { nodesPerZone: 2, demandMiBps: 500 });
    const plan = decide(observed, capped, INITIAL_MEMORY);
    expect(plan.action).toBeUndefined();
    expect(plan.zones[0].desiredNodes).toBe(2);
    expect(plan.reason).toBe('at-target');
    const atMaxGroup = {
      ...observed,
      groups: observed.groups.map(group => ({ ...group, desired: 1, max: 1 })),
    };
    // One node per zone: its brokers all on node -0 (a broker bound to a node missing from the
    // view would be a partial view, held as stale-data).
    const blocked = decide(
      {
        ...atMaxGroup,
        nodes: atMaxGroup.nodes.filter(node => !node.name.endsWith('-1')),
        brokers: atMaxGroup.brokers.map(broker => ({
          ...broker,
          nodeName: broker.nodeName?.replace(/-1$/, '-0'),
        })),
      },
      capped,
      INITIAL_MEMORY,
    );
    expect(blocked.action).toBeUndefined();
    expect(blocked.reason).toBe('group-at-max-size');
    expect(blocked.detail).toMatch(/needs 2 nodes .* max size 1/);
  });

  test('raises only to a balanced level the max size allows, never to the max itself', () => {
    const levels = testConfig({ brokersPerZone: 12 }); // 1/2/3/4/6/12
    const observed = healthyCluster(levels, { nodesPerZone: 2, demandMiBps: 500 });
    const maxFive = { ...observed, groups: observed.groups.map(group => ({ ...group, max: 5 })) };
    const plan = decide(maxFive, levels, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'scale-out', fromDesired: 2, toDesired: 4 });
  });

  test('returns a group someone set to an unbalanced count to a balanced level', () => {
    // 4 protected nodes; someone lowered desired capacity to 3 (nothing was terminated).
    const observed = healthyCluster(config, { nodesPerZone: 4, demandMiBps: 150 });
    const edited = {
      ...observed,
      groups: observed.groups.map((group, index) =>
        index === 0 ? { ...group, desired: 3 } : group,
      ),
    };
    expect(decide(edited, config, INITIAL_MEMORY).action).toMatchObject({
      kind: 'scale-out',
      fromDesired: 3,
      toDesired: 4,
    });
  });

  test('re-spreads from the most loaded node after a scale-out', () => {
    const observed = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 60 });
    const crowded = observed.brokers
      .filter(broker => broker.zone === 'us-east-1b')
      .reduce(
        (current, broker) =>
          withBroker(current, broker.podName, b => ({ ...b, nodeName: 'node-b-1' })),
        observed,
      );
    const plan = decide(crowded, config, INITIAL_MEMORY);
    expect(plan.action).toEqual({
      kind: 'respread',
      zone: 'us-east-1b',
      groupName: 'asg-orders-kafka-b',
      nodeName: 'node-b-1',
      nodeUid: 'uid-node-b-1',
    });
  });

  test('names a node cordoned by someone else when it holds a needed re-spread', () => {
    const observed = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 60 });
    const crowded = observed.brokers
      .filter(broker => broker.zone === 'us-east-1b')
      .reduce(
        (current, broker) =>
          withBroker(current, broker.podName, b => ({ ...b, nodeName: 'node-b-1' })),
        observed,
      );
    // Without the cordon: the move, as before.
    expect(decide(crowded, config, INITIAL_MEMORY).action).toMatchObject({
      kind: 'respread',
      zone: 'us-east-1b',
      nodeName: 'node-b-1',
    });
    // Cordoned by an operator (no operation record): no move, and the hold says why.
    const cordoned = withNode(crowded, 'node-b-0', node => ({ ...node, unschedulable: true }));
    const plan = decide(cordoned, config, INITIAL_MEMORY);
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('node-cordoned-externally');
    expect(plan.detail).toContain('zone us-east-1b');
    expect(plan.detail).toContain('node-b-0');
    // A cordon in a zone that needs no move leaves the cluster at target.
    const evenButCordoned = withNode(observed, 'node-b-0', node => ({
      ...node,
      unschedulable: true,
    }));
    const even = decide(evenButCordoned, config, eligibleLongAgo);
    expect(even.action).toBeUndefined();
    expect(even.reason).toBe('at-target');
  });

  test('waits for the stabilization window before a scale-in', () => {
    const observed = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const plan = decide(observed, config, INITIAL_MEMORY);
    expect(plan.reason).toBe('stabilizing');
    expect(plan.memory.scaleInEligibleSinceMs['us-east-1a']).toBe(NOW_MS);
  });

  test('scales in by picking the node with the fewest brokers, then the newest', () => {
    const observed = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const plan = decide(observed, config, eligibleLongAgo);
    expect(plan.action).toEqual(SCALE_IN_NODE_A1);
    const emptier = withBroker(observed, 'orders-brokers-a-1001', b => ({
      ...b,
      nodeName: 'node-a-0',
    }));
    expect(decide(emptier, config, eligibleLongAgo).action).toMatchObject({ nodeName: 'node-a-1' });
    const olderHasFewer = withBroker(
      withBroker(observed, 'orders-brokers-a-1000', b => ({ ...b, nodeName: 'node-a-1' })),
      'orders-brokers-a-1002',
      b => ({ ...b, nodeName: 'node-a-1' }),
    );
    expect(decide(olderHasFewer, config, eligibleLongAgo).action).toMatchObject({
      nodeName: 'node-a-0',
    });
  });

  test('does not scale in while demand sits inside the margin band', () => {
    // 2 nodes = 100 MiB/s, 1 node = 50; 48 needs 1 node, but not with a 10% margin (48/0.9 > 50).
    const plan = decide(
      healthyCluster(config, { nodesPerZone: 2, demandMiBps: 48 }),
      config,
      eligibleLongAgo,
    );
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('at-target');
  });

  test('refuses to scale in a group already at its minimum size', () => {
    const observed = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const atMin = { ...observed, groups: observed.groups.map(group => ({ ...group, min: 2 })) };
    expect(decide(atMin, config, eligibleLongAgo).reason).toBe('group-at-min-size');
  });

  test('keeps a scheduled minimum level during its window', () => {
    const scheduled = {
      ...config,
      scheduledMinimums: [{ startUtc: '11:00', endUtc: '13:00', nodesPerZone: 3, weekdays: [1] }],
    };
    const plan = decide(healthyCluster(scheduled, { demandMiBps: 10 }), scheduled, INITIAL_MEMORY);
    expect(plan.zones.map(zone => zone.desiredNodes)).toEqual([4, 4, 4]);
    expect(plan.action).toMatchObject({ kind: 'scale-out', toDesired: 4 });
  });

  const unsafe: Array<[string, (observed: Observed) => Observed, string]> = [
    ['data is stale', o => ({ ...o, nowMs: o.nowMs + 121_000 }), 'stale-data'],
    ['Prometheus gave no load', o => ({ ...o, loads: undefined }), 'stale-data'],
    ['the Kafka resource is missing', o => ({ ...o, kafkaReady: undefined }), 'stale-data'],
    ['a group is missing', o => ({ ...o, groups: o.groups.slice(1) }), 'stale-data'],
    ['Kafka is not Ready', o => ({ ...o, kafkaReady: false }), 'kafka-not-ready'],
    [
      'a partition is under-replicated',
      o => ({ ...o, underReplicatedPartitions: 1 }),
      'under-replicated',
    ],
    ['a partition is under min ISR', o => ({ ...o, underMinIsrPartitions: 2 }), 'under-min-isr'],
    [
      'a broker is not Ready',
      o => withBroker(o, 'orders-brokers-b-2000', b => ({ ...b, ready: false })),
      'broker-not-ready',
    ],
    ['a broker pod is missing', o => ({ ...o, brokers: o.brokers.slice(1) }), 'broker-not-ready'],
    [
      'a roll is in flight',
      o => withBroker(o, 'orders-brokers-c-3000', b => ({ ...b, rollRequested: true })),
      'roll-in-flight',
    ],
    [
      'an operation is in flight',
      o => withNode(o, 'node-a-0', n => ({ ...n, operation: { ...record, nodeName: 'node-a-0' } })),
      'operation-in-flight',
    ],
    [
      'an operation was abandoned',
      o => withNode(o, 'node-a-0', n => ({ ...n, operation: { ...record, phase: 'abandoned' } })),
      'operation-abandoned',
    ],
  ];
  const staleCases = unsafe.filter(([, , reason]) => reason === 'stale-data');
  const moveCases = unsafe.filter(([, , reason]) => reason !== 'stale-data');
  test.each(staleCases)('holds when %s, even with a scale-out due', (_name, breakIt, reason) => {
    const plan = decide(
      breakIt(healthyCluster(config, { demandMiBps: 120 })),
      config,
      INITIAL_MEMORY,
    );
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe(reason);
  });

  test.each(moveCases)(
    'holds moves when %s, but still scales out (it moves nothing)',
    (_name, breakIt, reason) => {
      const scaleOut = decide(
        breakIt(healthyCluster(config, { demandMiBps: 120 })),
        config,
        INITIAL_MEMORY,
      );
      expect(scaleOut.action?.kind).toBe('scale-out');
      const scaleIn = decide(
        breakIt(healthyCluster(config, { nodesPerZone: 2, demandMiBps: 10 })),
        config,
        eligibleLongAgo,
      );
      expect(scaleIn.action).toBeUndefined();
      expect(scaleIn.reason).toBe(reason);
    },
  );
});

describe('decide: properties', () => {
  const brokersPerZoneArb = fc.constantFrom(2, 4, 6, 12);
  const scenario = fc
    .record({
      zones: fc.integer({ min: 1, max: 4 }),
      brokersPerZone: brokersPerZoneArb,
      sameLevel: fc.boolean(),
      nodesSeed: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 4, maxLength: 4 }),
      demand: fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), {
        minLength: 4,
        maxLength: 4,
      }),
      eligibleLongAgo: fc.boolean(),
    })
    .map(input => {
      const scenarioConfig = testConfig({
        zones: input.zones,
        brokersPerZone: input.brokersPerZone,
        sameLevelInAllZones: input.sameLevel,
      });
      const observed = healthyCluster(scenarioConfig, {
        nodesByZone: input.nodesSeed.map(seed => Math.min(seed, input.brokersPerZone)),
        demandByZone: input.demand,
      });
      const memory: Memory = input.eligibleLongAgo
        ? stabilizedLongAgo(scenarioConfig)
        : INITIAL_MEMORY;
      return { config: scenarioConfig, observed, memory };
    });

  const capacity = (c: typeof config) => c.nodeBaselineMiBps * c.targetUtilization;

  test('never wants an unbalanced node count, but may hold one on its way down', () => {
    fc.assert(
      fc.property(scenario, ({ config: c, observed, memory }) => {
        const plan = decide(observed, c, memory);
        for (const zone of plan.zones) {
          if (c.balancedNodeCounts.includes(zone.desiredNodes)) continue;
          // Held at its unbalanced count (`holdsOnItsWayDown`): its nodes carry demand at the
          // target, not with the margin, and nothing is ever written at that count.
          expect(zone.desiredNodes).toBe(zone.currentNodes);
          expect(zone.scaleOutLevelNodes).toBeLessThan(zone.currentNodes);
          expect(zone.scaleInLevelNodes).toBeGreaterThan(zone.currentNodes);
        }
        if (plan.action?.kind === 'scale-out') {
          expect(c.balancedNodeCounts).toContain(plan.action.toDesired);
        }
      }),
    );
  });

  test('never wants fewer nodes than demand needs when a balanced level covers it', () => {
    fc.assert(
      fc.property(scenario, ({ config: c, observed, memory }) => {
        const plan = decide(observed, c, memory);
        const highest = c.balancedNodeCounts[c.balancedNodeCounts.length - 1];
        for (const zone of plan.zones) {
          if (zone.demandMiBps <= highest * capacity(c)) {
            expect(zone.desiredNodes * capacity(c)).toBeGreaterThanOrEqual(zone.demandMiBps);
          }
        }
        if (plan.action?.kind === 'scale-in') {
          const action = plan.action;
          const zone = plan.zones.find(view => view.zone === action.zone);
          expect(zone).toBeDefined();
          expect((zone?.currentNodes ?? 0) - 1).toBeGreaterThanOrEqual(zone?.desiredNodes ?? 0);
        }
      }),
    );
  });

  test('returns exactly one action or a hold with a reason', () => {
    fc.assert(
      fc.property(scenario, ({ config: c, observed, memory }) => {
        const plan = decide(observed, c, memory);
        if (plan.action === undefined) {
          expect(['scale-out', 'respread', 'scale-in']).not.toContain(plan.reason);
        } else {
          expect(plan.reason).toBe(plan.action.kind);
          expect(Array.isArray(plan.action)).toBe(false);
        }
        expect(plan.detail.length).toBeGreaterThan(0);
      }),
    );
  });

  const breakers: Array<(observed: Observed) => Observed> = [
    o => ({ ...o, nowMs: o.nowMs + 200_000 }),
    o => ({ ...o, freshness: { ...o.freshness, prometheusAtMs: undefined } }),
    o => ({ ...o, kafkaReady: false }),
    o => ({ ...o, underReplicatedPartitions: 3 }),
    o => ({ ...o, underMinIsrPartitions: 1 }),
    o => ({ ...o, brokers: o.brokers.map((b, i) => (i === 0 ? { ...b, ready: false } : b)) }),
    o => ({
      ...o,
      brokers: o.brokers.map((b, i) => (i === 0 ? { ...b, rollRequested: true } : b)),
    }),
    o => ({ ...o, brokers: o.brokers.map((b, i) => (i === 0 ? { ...b, terminating: true } : b)) }),
    o => ({
      ...o,
      nodes: o.nodes.map((n, i) =>
        i === 0 ? { ...n, operation: { ...record, nodeName: n.name } } : n,
      ),
    }),
  ];

  test('never moves a broker while any safety condition fails, and never scales out on stale data', () => {
    fc.assert(
      fc.property(scenario, fc.subarray(breakers, { minLength: 1 }), (input, broken) => {
        if (input.observed.nodes.length === 0 && broken.length === 1 && broken[0] === breakers[8]) {
          return;
        }
        const observed = broken.reduce((current, breakIt) => breakIt(current), input.observed);
        const plan = decide(observed, input.config, input.memory);
        // Scale-out adds capacity and moves nothing: only stale data holds it.
        if (broken.includes(breakers[0]) || broken.includes(breakers[1])) {
          expect(plan.action).toBeUndefined();
        } else if (plan.action !== undefined) {
          expect(plan.action.kind).toBe('scale-out');
        }
      }),
    );
  });

  test('does not flap on noisy demand', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 5, max: 180, noNaN: true }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 100, maxLength: 100 }),
        (base, noise) => {
          const c = testConfig();
          let nodes = 1;
          let memory: Memory = INITIAL_MEMORY;
          const directions: string[] = [];
          noise.forEach((jitter, step) => {
            const nowMs = NOW_MS + step * 60_000;
            const demand = base * (1 + (jitter * c.scaleInMargin) / 3);
            const observed = {
              ...healthyCluster(c, { nodesPerZone: nodes, demandMiBps: demand }),
              nowMs,
              freshness: { kubernetesAtMs: nowMs, prometheusAtMs: nowMs, autoscalingAtMs: nowMs },
            };
            const plan = decide(observed, c, memory);
            memory = plan.memory;
            if (plan.action?.kind === 'scale-out') {
              nodes = plan.action.toDesired;
              directions.push('out');
            } else if (plan.action?.kind === 'scale-in') {
              nodes -= 1;
              directions.push('in');
            }
          });
          const changes = directions.filter((d, i) => i > 0 && d !== directions[i - 1]).length;
          expect(changes).toBe(0);
        },
      ),
    );
  });
});
