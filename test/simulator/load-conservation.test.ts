/**
 * No load vanishes in the cluster model: whatever the brokers are doing (running, rolled and
 * pending with no node to go to, restarting, catching up, thrown off a terminated node), every tick
 * bills the load of every broker at that tick's demand to a Ready node, or counts it as carried by
 * nobody (then throttled). The reviewer's loophole: a broker rolled while its zone had no Ready,
 * uncordoned node counted on no node, so a strategy that parked brokers looked cheaper than real.
 */
import fc from 'fast-check';
import { ClusterModel } from '../../simulator/cluster';
import { demandAt } from '../../simulator/demand';
import { brokerLoadMiBps } from '../../simulator/facts';
import { series, timings, tinyFacts } from './helpers';

/** Three zones of four brokers, one replica a zone, 1, 2 or 4 nodes a zone. */
const facts = tinyFacts({
  zones: [0, 1, 2].map(index => ({
    zone: `test-${index}`,
    poolName: `brokers-${index}`,
    groupName: `group-${index}`,
    suffix: String(index),
    brokerIds: [0, 1, 2, 3].map(i => (index + 1) * 1000 + i),
  })),
  brokersPerZone: 4,
  replicationFactor: 3,
  balancedNodeCounts: [1, 2, 4],
  maxNodesPerZone: 4,
});

type Action =
  | { readonly kind: 'roll'; readonly broker: number }
  | { readonly kind: 'terminate'; readonly node: number; readonly decrement: boolean }
  | { readonly kind: 'set-desired'; readonly zone: number; readonly desired: number }
  | { readonly kind: 'cordon'; readonly node: number; readonly cordoned: boolean };

/** An action, then some ticks of 10 s. */
const scriptStep = fc.record({
  action: fc.oneof(
    fc.record({ kind: fc.constant('roll' as const), broker: fc.nat(11) }),
    fc.record({
      kind: fc.constant('terminate' as const),
      node: fc.nat(20),
      decrement: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('set-desired' as const),
      zone: fc.nat(2),
      desired: fc.constantFrom(1, 2, 4),
    }),
    fc.record({ kind: fc.constant('cordon' as const), node: fc.nat(20), cordoned: fc.boolean() }),
  ),
  ticks: fc.integer({ min: 0, max: 30 }),
});

function perform(cluster: ClusterModel, action: Action): void {
  switch (action.kind) {
    case 'roll':
      cluster.requestRoll(cluster.brokers[action.broker].podName);
      return;
    case 'terminate':
    case 'cordon': {
      const node = cluster.nodes[action.node % Math.max(1, cluster.nodes.length)];
      if (node === undefined) return;
      if (action.kind === 'terminate') cluster.terminate(node.name, action.decrement);
      else cluster.cordon(node.name, action.cordoned);
      return;
    }
    case 'set-desired':
      cluster.setDesired(action.zone, action.desired);
      return;
  }
}

/** Steps once and checks the tick's books of load against the demand it replayed. */
function stepAndCheck(cluster: ClusterModel): void {
  const atMs = cluster.nowMs;
  const everyBroker = brokerLoadMiBps(facts, demandAt(cluster.demand, atMs)) * facts.brokers;
  const boundBefore = cluster.brokers.some(broker => broker.nodeName !== undefined);
  cluster.step();
  const books = cluster.lastTickLoad;
  expect(books?.atMs).toBe(atMs);
  expect((books?.billedMiBps ?? 0) + (books?.unservedMiBps ?? 0)).toBeCloseTo(everyBroker, 6);
  // Load goes uncarried only when no broker at all is bound (a whole cluster down).
  if (boundBefore || cluster.brokers.some(broker => broker.nodeName !== undefined)) {
    expect(books?.unservedMiBps ?? 0).toBe(0);
  }
}

describe('cluster model: no load vanishes', () => {
  it("bills every broker's load every tick, whatever is rolled, terminated, cordoned or scaled, at random times", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 50, max: 400 }), { minLength: 60, maxLength: 60 }),
        fc.array(scriptStep, { minLength: 1, maxLength: 40 }),
        (minutes, script) => {
          const cluster = new ClusterModel(facts, timings(), series(minutes), 2);
          for (const { action, ticks } of script) {
            perform(cluster, action);
            for (let tick = 0; tick < ticks; tick++) stepAndCheck(cluster);
          }
          for (let tick = 0; tick < 6; tick++) stepAndCheck(cluster);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a broker rolled while its zone has no Ready node to go to loads the other zones, and stays pending', () => {
    // GIVEN one node a zone, zone 0's cordoned (its only node, nothing to reschedule onto)
    const cluster = new ClusterModel(facts, timings(), series(Array(30).fill(120)), 1);
    const [node0] = cluster.zoneNodes(0);
    cluster.cordon(node0.name, true);
    // WHEN a broker of zone 0 is rolled
    const broker = cluster.brokers[0];
    cluster.requestRoll(broker.podName);
    cluster.step();
    // THEN it stays pending, and its load is billed to the other zones' nodes (4 + 4/8 brokers)
    expect(broker.phase).toBe('pending');
    expect(broker.nodeName).toBeUndefined();
    const weights = cluster.loadWeights();
    expect(weights.byNode.get(node0.name)).toBe(3);
    for (const zone of [1, 2]) {
      expect(weights.byNode.get(cluster.zoneNodes(zone)[0].name)).toBeCloseTo(4.5, 9);
    }
    expect(weights.unservedBrokers).toBe(0);
    // ... and the placement's capacity falls with it: 4.5 brokers' worth on the busiest node
    expect(cluster.producerCapacityNow()).toBeCloseTo((100 * 12) / (3 * 4.5), 9);
  });

  it('load no broker can carry (every node gone) is counted as throttled', () => {
    // GIVEN one node a zone, all terminated
    const cluster = new ClusterModel(facts, timings(), series(Array(30).fill(120)), 1);
    for (const node of [...cluster.nodes]) cluster.terminate(node.name, false);
    const before = cluster.books.throttledNodeSeconds;
    // WHEN a tick passes before any replacement is Ready
    cluster.step();
    // THEN all load is uncarried and the tick is throttled
    expect(cluster.lastTickLoad?.billedMiBps).toBe(0);
    expect(cluster.lastTickLoad?.unservedMiBps).toBeCloseTo(brokerLoadMiBps(facts, 120) * 12, 9);
    expect(cluster.books.throttledNodeSeconds).toBe(before + cluster.timings.tickSeconds);
  });
});
