/**
 * Fifth outside fault review of the controller (fault injection at every step, mutation check):
 * the faults it found, each as the state that showed it and as a property over its class.
 *
 * 1. A roll request went out on the cached pod view alone. A roll takes a broker down; the write
 *    gate checks that no other broker is down, rolling or terminating, but on the informer's
 *    view, which counts as fresh as long as any pod event arrives. A watch that delivers another
 *    actor's change late (a broker deleted by someone, restarting, annotated for a roll by an
 *    operator, turned NotReady) let the controller take a second broker down beside it, while the
 *    partition counts still read 0 (a broker shutting down keeps its replicas in sync until it
 *    stops; a follower leaves the ISR only after `replica.lag.time.max.ms`). The irreversible
 *    steps of a removal (unprotect, terminate) already read their node live; the roll did not.
 *    Now every roll request (a move and its retry) reads the broker pods live
 *    (`LiveBrokerCheck.brokersNow`) and asks the gate again with them.
 */
import fc from 'fast-check';
import type { Observed, ObservedBroker } from '../../controller/model';
import type { OperationRecord } from '../../controller/operation-record';
import type { Reconciler } from '../../controller/reconciler';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { NOW_MS, removalOfNodeA1, testConfig } from './fixtures';

const config = testConfig();

/** How another actor's change to one broker pod looks in the live read. */
type LiveChange = 'not-ready' | 'terminating' | 'roll-requested' | 'unbound' | 'deleted';
const LIVE_CHANGES: readonly LiveChange[] = [
  'not-ready',
  'terminating',
  'roll-requested',
  'unbound',
  'deleted',
];

function changed(broker: ObservedBroker, change: LiveChange): ObservedBroker | undefined {
  switch (change) {
    case 'not-ready':
      return { ...broker, ready: false };
    case 'terminating':
      return { ...broker, terminating: true };
    case 'roll-requested':
      return { ...broker, rollRequested: true };
    case 'unbound':
      return { ...broker, nodeName: undefined, ready: false };
    case 'deleted':
      return undefined;
  }
}

/**
 * GIVEN a removal of node-a-1 in `drain` (2 nodes per zone, 4 brokers per zone), either about to
 * start its first move or (`retry`) past the first attempt of a move whose pod Strimzi never
 * recreated. Returns the cluster and a reconciler whose pod view is the one before `mutate` ran
 * (a watch that has not delivered it yet, stamped fresh), while the live reads see the truth.
 */
async function drainWithLaggingPodView(
  retry: boolean,
  mutate: (cluster: FakeCluster) => void,
  live: boolean,
): Promise<{ cluster: FakeCluster; controller: Reconciler }> {
  const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
  const onNode = cluster.brokers
    .filter(broker => broker.nodeName === 'node-a-1')
    .sort((a, b) => a.podName.localeCompare(b.podName));
  const movePod = onNode[0];
  const record: OperationRecord = {
    ...removalOfNodeA1({ fencingToken: 1, holder: 'a' }),
    phase: 'drain',
    phaseStartedAtMs: NOW_MS,
    ...(retry
      ? {
          move: {
            podName: movePod.podName,
            podUid: movePod.uid,
            requestedAtMs: NOW_MS - (config.moveTimeoutSeconds + 60) * 1000,
            attempt: 1,
          },
        }
      : {}),
  };
  cluster.nodes = cluster.nodes.map(node =>
    node.name === 'node-a-1' ? { ...node, unschedulable: true, operation: record } : node,
  );
  if (retry) {
    // Strimzi refused the first request: the pod is the original, still annotated.
    cluster.strimzi = 'refuse';
    cluster.brokers = cluster.brokers.map(broker =>
      broker.podName === movePod.podName ? { ...broker, rollRequested: true } : broker,
    );
  }
  const cached = await cluster.observe();
  mutate(cluster);
  const observe = async (): Promise<Observed> => {
    const truth = await cluster.observe();
    return { ...truth, brokers: cached.brokers };
  };
  const controller = reconcilerOn(cluster, config, {
    observe,
    // The removal is wanted and may proceed: only the move's own checks decide.
    ...(live ? { liveBrokerCheck: cluster } : {}),
  });
  return { cluster, controller };
}

/** Another actor's change to the broker at `pick` among those not on node-a-1. */
function foreignChange(pick: number, change: LiveChange): (cluster: FakeCluster) => string {
  return cluster => {
    const others = cluster.brokers.filter(broker => broker.nodeName !== 'node-a-1');
    const victim = others[pick % others.length];
    cluster.brokers = cluster.brokers.flatMap(broker => {
      if (broker.podName !== victim.podName) return [broker];
      const next = changed(broker, change);
      return next === undefined ? [] : [next];
    });
    return victim.podName;
  };
}

const rolls = (cluster: FakeCluster) => cluster.writes.filter(write => write.startsWith('roll '));

describe('fault 1: a roll request is checked against a live read of the broker pods', () => {
  test('a broker someone deleted, not yet in the pod view: no second broker is rolled', async () => {
    // GIVEN a removal about to move its first broker, and another broker deleted by someone a
    // moment ago (terminating: shutting down, its replicas still in sync), which the pod watch
    // has not delivered yet
    const { cluster, controller } = await drainWithLaggingPodView(
      false,
      cluster => void foreignChange(0, 'terminating')(cluster),
      true,
    );
    // WHEN the controller runs a pass
    await controller.reconcileOnce();
    // THEN it requests no roll (the live read shows a broker down), and the record has no move
    expect(rolls(cluster)).toEqual([]);
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation?.move).toBeUndefined();
  });

  test('the way out stays: with the pod view caught up and every broker up, the move starts', async () => {
    const { cluster, controller } = await drainWithLaggingPodView(false, () => undefined, true);
    await controller.reconcileOnce();
    expect(rolls(cluster)).toHaveLength(1);
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation?.move?.attempt).toBe(1);
  });

  test('property: whatever broker another actor took down, and however, no roll joins it (first move and retry)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.nat(),
        fc.constantFrom(...LIVE_CHANGES),
        async (retry, pick, change) => {
          const { cluster, controller } = await drainWithLaggingPodView(
            retry,
            cluster => void foreignChange(pick, change)(cluster),
            true,
          );
          await controller.reconcileOnce();
          expect(rolls(cluster)).toEqual([]);
          // The step was skipped whole: the record is as it was (no move, or still attempt 1).
          const record = cluster.nodes.find(node => node.name === 'node-a-1')?.operation;
          expect(record?.move?.attempt).toBe(retry ? 1 : undefined);
        },
      ),
      { numRuns: 60 },
    );
  });
});
