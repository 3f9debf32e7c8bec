/**
 * The in-memory stand-ins for the Kubernetes side (`MemoryLeaseStore`, `MemoryMarkerStore`,
 * `FakeCluster` as a `ClusterWriter`) against the shared scenarios of
 * `kube-conformance-scenarios.ts`; the same scenarios judge the real adapter on a real
 * kube-apiserver in `test/cluster/kube-conformance.test.ts`.
 */
import { FakeCluster } from './fake-cluster';
import { testConfig } from './fixtures';
import {
  LEASE_SCENARIOS,
  MARKER_SCENARIOS,
  NODE_SCENARIOS,
  type LeaseWorld,
  type MarkerWorld,
  type NodeWorld,
} from './kube-conformance-scenarios';
import { MemoryLeaseStore } from './memory-lease-store';
import { MemoryMarkerStore } from './memory-marker-store';

function leaseWorld(): LeaseWorld {
  const store = new MemoryLeaseStore();
  return {
    store,
    deleteLease: async () => {
      store.lease = undefined;
    },
  };
}

function markerWorld(): MarkerWorld {
  const store = new MemoryMarkerStore();
  return {
    store,
    deleteMarker: async () => {
      store.text = undefined;
    },
  };
}

function nodeWorld(): NodeWorld {
  const cluster = new FakeCluster(testConfig(), { nodesPerZone: 1, demandMiBps: 10 });
  let uids = 0;
  const bump = (version: string) => String(Number(version) + 1);
  const changeNode = (name: string, change: (node: FakeCluster['nodes'][number]) => object) => {
    cluster.nodes = cluster.nodes.map(node =>
      node.name === name
        ? { ...node, ...change(node), resourceVersion: bump(node.resourceVersion) }
        : node,
    );
  };
  const find = (name: string) => {
    const node = cluster.nodes.find(each => each.name === name);
    if (node === undefined) throw new Error(`no node ${name}`);
    return { ...node };
  };
  return {
    writer: cluster,
    async node(name) {
      cluster.nodes.push({
        name,
        uid: `uid-${name}-${++uids}`,
        resourceVersion: '1',
        zone: 'us-east-1a',
        ready: true,
        unschedulable: false,
        // As `observeNode` reports every node: with or without the controller's cordon marker.
        cordonedByController: false,
        instanceId: `i-${name}`,
        createdAtMs: cluster.nowMs,
        operation: undefined,
      });
      return find(name);
    },
    observed: async name => find(name),
    cordonFromOutside: async name => changeNode(name, () => ({ unschedulable: true })),
    touch: async name => changeNode(name, () => ({})),
    replaceNode: async name =>
      changeNode(name, () => ({
        uid: `uid-${name}-${++uids}`,
        unschedulable: false,
        cordonedByController: false,
        operation: undefined,
      })),
    async pod(name, nodeName) {
      const uid = `uid-${name}-${++uids}`;
      cluster.brokers.push({
        podName: name,
        uid,
        zone: 'us-east-1a',
        nodeName,
        ready: true,
        rollRequested: false,
        terminating: false,
      });
      return uid;
    },
    rollRequested: async name =>
      cluster.brokers.find(each => each.podName === name)?.rollRequested === true,
    async replacePod(name) {
      cluster.brokers = cluster.brokers.map(each =>
        each.podName === name
          ? { ...each, uid: `uid-${name}-${++uids}`, rollRequested: false }
          : each,
      );
    },
  };
}

describe('MemoryLeaseStore answers as the adapter on a real API server does', () => {
  test.each(LEASE_SCENARIOS.map(scenario => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => scenario.run(leaseWorld()),
  );
});

describe('MemoryMarkerStore answers as the adapter on a real API server does', () => {
  test.each(MARKER_SCENARIOS.map(scenario => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => scenario.run(markerWorld()),
  );
});

describe('FakeCluster as a ClusterWriter answers as the adapter on a real API server does', () => {
  test.each(NODE_SCENARIOS.map(scenario => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => scenario.run(nodeWorld()),
  );
});
