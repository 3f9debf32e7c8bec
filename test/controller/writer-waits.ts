/**
 * Test helpers for what happens while a group writer waits (the per-group spacing of mutating
 * Auto Scaling calls, a retry's backoff) before an unprotect or a terminate goes out: a late
 * kubelet registering a node-less instance, or a removal's emptied node uncordoned and given a
 * broker. Shared by review s25-c (the terminate) and review s26-a (the unprotect).
 */
import type { ControllerConfig } from '../../controller/config';
import type { OperationRecord } from '../../controller/operation-record';
import type { GroupWriter } from '../../controller/ports';
import { FakeCluster } from './fake-cluster';
import { cordonRecordOfNodeA1 } from './fixtures';

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

/**
 * A fake cluster (2 nodes a zone, 10 MiB/s) with a removal of node-a-1 at `phase`: node-a-1
 * cordoned by the controller and emptied (its brokers on node-a-0), its instance i-a1 protected
 * unless `unprotected`.
 */
export function removalOfNodeA1(
  config: ControllerConfig,
  phase: OperationRecord['phase'],
  unprotected = false,
): FakeCluster {
  const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
  const record: OperationRecord = {
    ...cordonRecordOfNodeA1('remove-node'),
    phase,
    fencingToken: 1,
  };
  cluster.brokers = cluster.brokers.map(broker =>
    broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
  );
  cluster.nodes = cluster.nodes.map(node =>
    node.name === 'node-a-1'
      ? { ...node, unschedulable: true, cordonedByController: true, operation: record }
      : node,
  );
  if (unprotected) {
    cluster.groups = cluster.groups.map(group => ({
      ...group,
      instances: group.instances.map(instance =>
        instance.instanceId === 'i-a1' ? { ...instance, protectedFromScaleIn: false } : instance,
      ),
    }));
  }
  return cluster;
}

/** A change that uncordons node-a-1 and binds one broker of zone a to it (someone's, meanwhile). */
export function landingOnNodeA1(cluster: FakeCluster): () => void {
  return () => {
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1' ? { ...node, unschedulable: false } : node,
    );
    const moved = cluster.brokers.find(broker => broker.zone === 'us-east-1a');
    cluster.brokers = cluster.brokers.map(broker =>
      broker === moved ? { ...broker, nodeName: 'node-a-1' } : broker,
    );
  };
}
