/**
 * Test helpers for the node-less exit racing a late kubelet: an InService instance of zone a with
 * no Node yet, and a group writer that runs something where the real writer waits (the per-group
 * spacing of mutating Auto Scaling calls, a retry's backoff) before one kind of call goes out.
 * Shared by review s25-c (the terminate) and review s26-a (the unprotect).
 */
import type { ControllerConfig } from '../../controller/config';
import type { GroupWriter } from '../../controller/ports';
import { FakeCluster } from './fake-cluster';

/**
 * A fake cluster (2 nodes a zone, 10 MiB/s) whose zone a group lists one more InService,
 * protected instance, `i-late`, with no Node; `late()` registers its Node `node-late` and binds
 * one broker of zone a to it (once; later calls do nothing).
 */
export function lateKubeletCluster(config: ControllerConfig): {
  readonly cluster: FakeCluster;
  readonly late: () => void;
} {
  const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
  cluster.groups = cluster.groups.map(group =>
    group.zone === 'us-east-1a'
      ? {
          ...group,
          desired: group.desired + 1,
          instances: [
            ...group.instances,
            { instanceId: 'i-late', lifecycleState: 'InService', protectedFromScaleIn: true },
          ],
        }
      : group,
  );
  const late = (): void => {
    if (cluster.nodes.some(node => node.name === 'node-late')) return;
    const template = cluster.nodes.find(node => node.name === 'node-a-0');
    if (template === undefined) throw new Error('no node-a-0');
    cluster.nodes = [
      ...cluster.nodes,
      { ...template, name: 'node-late', uid: 'uid-node-late', instanceId: 'i-late' },
    ];
    const moved = cluster.brokers.find(broker => broker.zone === 'us-east-1a');
    cluster.brokers = cluster.brokers.map(broker =>
      broker === moved ? { ...broker, nodeName: 'node-late' } : broker,
    );
  };
  return { cluster, late };
}

/**
 * The fake cluster's groups as a `GroupWriter`, with `meanwhile` run right before each call of
 * the kind `before` (a terminate, or an unprotect: a protect never waits for it), where the real
 * writer waits.
 */
export function waitingGroupWriter(
  cluster: FakeCluster,
  before: 'terminate' | 'unprotect',
  meanwhile: () => void,
): GroupWriter {
  return {
    raiseDesiredCapacity: (group, desired) => cluster.raiseDesiredCapacity(group, desired),
    lowerDesiredCapacity: (group, from, to) => cluster.lowerDesiredCapacity(group, from, to),
    setInstanceProtection: async (group, ids, on, mayUnprotect) => {
      if (before === 'unprotect' && !on) meanwhile();
      return cluster.setInstanceProtection(group, ids, on, mayUnprotect);
    },
    terminateInstance: async (group, instanceId, mayTerminate) => {
      if (before === 'terminate') meanwhile();
      return cluster.terminateInstance(group, instanceId, mayTerminate);
    },
  };
}
