/**
 * Review s32-a, fault 3: no way out tells an operator to remove an instance whose Node hosts
 * brokers (the class of review s26-b, fault 2, found again where that review did not look).
 *
 * The node-less exit, finding by its live read a Node that names the instance although the Kafka
 * node view has none (its label changed, or the node cache lags), reported `NodelessInstanceHasNode`
 * ending "give the Node the Kafka node label again, or remove the instance by hand", whatever ran
 * on that Node. The fourth fault review's own case is a Node hosting a broker the pod cache still
 * shows Pending: an operator following the Event took the broker down with the machine. Fix: the
 * reconciler reads the broker pods bound to each such Node live (`LiveNodeCheck.nodeNow`, the
 * read the removal makes before its unprotect) and names them; removing the instance is offered
 * only when that read found none, and then only after checking the Node for pods; a read that
 * fails offers it not at all.
 */
import fc from 'fast-check';
import type { Observed } from '../../controller/model';
import type { ControllerEvent, LiveNodeCheck } from '../../controller/ports';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { testConfig } from './fixtures';

const config = { ...testConfig(), scaleInStabilizationSeconds: 86_400 };

/**
 * Zone a with one node and a second instance i-a9 whose Node node-a-9 the node cache misses;
 * `brokersAboard` of zone a's broker pods are bound to node-a-9, and the pod cache shows them
 * unbound. The `NodelessInstanceHasNode` Events of a run past the node-less timeout.
 */
async function hasNodeEvents(
  brokersAboard: number,
  liveReadFails = false,
): Promise<{ readonly events: ControllerEvent[]; readonly aboard: string[] }> {
  const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
  cluster.addInstance('us-east-1a', 9);
  const aboard = cluster.brokers
    .filter(broker => broker.zone === 'us-east-1a')
    .slice(0, brokersAboard)
    .map(broker => broker.podName);
  cluster.brokers = cluster.brokers.map(broker =>
    aboard.includes(broker.podName) ? { ...broker, nodeName: 'node-a-9' } : broker,
  );
  const observe = async (): Promise<Observed> => {
    const truth = await cluster.observe();
    return {
      ...truth,
      nodes: truth.nodes.filter(node => node.name !== 'node-a-9'),
      brokers: truth.brokers.map(broker =>
        aboard.includes(broker.podName) ? { ...broker, nodeName: undefined, ready: false } : broker,
      ),
    };
  };
  const liveNodeCheck: LiveNodeCheck = {
    nodeNow: async name => {
      if (liveReadFails) throw new Error('the API server timed out');
      return cluster.nodeNow(name);
    },
    nodesOfInstance: instanceId => cluster.nodesOfInstance(instanceId),
  };
  const events: ControllerEvent[] = [];
  const controller = reconcilerOn(cluster, config, {
    observe,
    events: { record: async event => void events.push(event) },
    liveNodeCheck,
  });
  const passes = Math.ceil(config.nodeReadyTimeoutSeconds / 30) + 4;
  for (let pass = 0; pass < passes; pass++) {
    await controller.reconcileOnce();
    cluster.nowMs += 30_000;
  }
  expect(cluster.terminated).toEqual([]);
  return {
    events: events.filter(event => event.reason === 'NodelessInstanceHasNode'),
    aboard: aboard.sort(),
  };
}

/** Whether `message` offers removing (or terminating) the instance as a way out. */
function offersRemoval(message: string): boolean {
  return (
    /remove the instance by hand|terminate the instance/.test(message) &&
    !/do not remove the instance/.test(message)
  );
}

describe('fault 3: NodelessInstanceHasNode never advises removing an instance with brokers aboard', () => {
  test('a Node the cache misses hosts a broker: the Event names it and does not offer removing the instance', async () => {
    // GIVEN i-a9's Node node-a-9, missed by the node cache, hosting one broker
    // WHEN the node-less exit finds node-a-9 by its live read
    const { events, aboard } = await hasNodeEvents(1);
    // THEN the Event names the broker and offers only the label (failed before: "or remove the
    // instance by hand")
    expect(events).toHaveLength(1);
    expect(events[0].message).toContain(aboard[0]);
    expect(offersRemoval(events[0].message)).toBe(false);
  });

  test('the live read of the Node fails: removing the instance is not offered', async () => {
    const { events } = await hasNodeEvents(0, true);
    expect(events).toHaveLength(1);
    expect(offersRemoval(events[0].message)).toBe(false);
  });

  test('property: removal is offered only when the live read found no broker on the Node, and every broker aboard is named', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(2), fc.boolean(), async (brokersAboard, liveReadFails) => {
        const { events, aboard } = await hasNodeEvents(brokersAboard, liveReadFails);
        expect(events).toHaveLength(1);
        const message = events[0].message;
        expect(offersRemoval(message)).toBe(brokersAboard === 0 && !liveReadFails);
        if (!liveReadFails) for (const pod of aboard) expect(message).toContain(pod);
      }),
      { numRuns: 12 },
    );
  });
});
