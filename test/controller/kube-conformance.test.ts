/**
 * The in-memory stand-ins for the Kubernetes side (`MemoryLeaseStore`, `MemoryMarkerStore`,
 * `FakeCluster` and the chaos property test's `ChaosWorld` as a `ClusterWriter`) against the shared scenarios of
 * `kube-conformance-scenarios.ts`; the same scenarios judge the real adapter on a real
 * kube-apiserver in `test/cluster/kube-conformance.test.ts`.
 */
import { ChaosWorld } from './chaos-world';
import { FakeCluster } from './fake-cluster';
import { testConfig } from './fixtures';
import type { ObservedNode } from '../../controller/model';
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
    live: cluster,
    async sameInstanceNode(name, of) {
      cluster.nodes.push({ ...find(of), name, uid: `uid-${name}-${++uids}`, resourceVersion: '1' });
    },
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

/** A world on a fresh `ChaosWorld` (no faults): nodes and broker pods added beside its own. */
function chaosNodeWorld(): NodeWorld {
  const world = new ChaosWorld(testConfig(), {
    stateDeadlineMs: 3_600_000,
    operationDeadlineMs: 3_600_000,
  });
  let uids = 0;
  const find = (name: string) => {
    const node = world.nodes.find(each => each.name === name);
    if (node === undefined) throw new Error(`no node ${name}`);
    return node;
  };
  const observed = (name: string): ObservedNode => {
    const node = find(name);
    return {
      name: node.name,
      uid: node.uid,
      resourceVersion: String(node.resourceVersion),
      zone: node.zone,
      ready: node.ready,
      unschedulable: node.unschedulable,
      cordonedByController: node.cordonedByController,
      instanceId: node.instanceId,
      createdAtMs: node.createdAtMs,
      operation: node.operation,
    };
  };
  return {
    writer: world,
    live: world,
    async sameInstanceNode(name, of) {
      world.nodes.push({ ...find(of), name, uid: `uid-${name}-${++uids}`, resourceVersion: 1 });
    },
    async node(name) {
      world.nodes.push({
        name,
        uid: `uid-${name}-${++uids}`,
        resourceVersion: 1,
        zone: 'us-east-1a',
        ready: true,
        unschedulable: false,
        cordonedByController: false,
        instanceId: `i-${name}`,
        createdAtMs: world.nowMs,
        operation: undefined,
        deleteAtMs: undefined,
      });
      return observed(name);
    },
    observed: async name => observed(name),
    cordonFromOutside: async name => {
      // As the `foreign-cordon` fault does.
      const node = find(name);
      Object.assign(node, { unschedulable: true, resourceVersion: node.resourceVersion + 1 });
      world.foreignCordons.add(name);
    },
    touch: async name => {
      find(name).resourceVersion++;
    },
    replaceNode: async name => {
      Object.assign(find(name), {
        uid: `uid-${name}-${++uids}`,
        unschedulable: false,
        cordonedByController: false,
        operation: undefined,
      });
      find(name).resourceVersion++;
    },
    async pod(name, nodeName) {
      const uid = `uid-${name}-${++uids}`;
      world.pods.push({
        podName: name,
        uid,
        zone: 'us-east-1a',
        nodeName,
        ready: true,
        rollRequested: false,
        readySinceMs: world.nowMs,
        readyAtMs: undefined,
      });
      return uid;
    },
    rollRequested: async name =>
      world.pods.find(each => each.podName === name)?.rollRequested === true,
    async replacePod(name) {
      const pod = world.pods.find(each => each.podName === name);
      if (pod !== undefined)
        Object.assign(pod, { uid: `uid-${name}-${++uids}`, rollRequested: false });
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

describe('ChaosWorld as a ClusterWriter answers as the adapter on a real API server does', () => {
  test.each(NODE_SCENARIOS.map(scenario => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => scenario.run(chaosNodeWorld()),
  );
});
