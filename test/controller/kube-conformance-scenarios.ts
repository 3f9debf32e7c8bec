/**
 * One list of scenarios for the Kubernetes side of the controller's ports, run against the
 * in-memory stand-ins (fast tier, `kube-conformance.test.ts`: `MemoryLeaseStore`,
 * `MemoryMarkerStore`, `FakeCluster` as a `ClusterWriter`) and against the real adapter on a real
 * kube-apiserver (cluster tier, `test/cluster/kube-conformance.test.ts`, through the tsx runner
 * `test/cluster/kube-conformance-runner.ts`), with the same assertions. A stand-in that answers
 * otherwise than the API server does is wrong: the controller's tests on it would claim what the
 * real pair never does.
 *
 * The scenarios use only `node:assert` and the ports' types, so the same module loads under jest
 * (CommonJS) and under tsx (the adapter's client library is an ES module).
 */
import assert from 'node:assert/strict';
import { apiFaultOf } from '../../controller/api-fault';
import type { ForecastMarker, ForecastMarkerStore } from '../../controller/forecast-marker';
import type { LeaseStore } from '../../controller/leader-election';
import type { ObservedNode } from '../../controller/model';
import type { OperationRecord } from '../../controller/operation-record';
import type { ClusterWriter, LiveNodeCheck } from '../../controller/ports';

/** A Lease store on a fresh Lease name, and someone who deletes the Lease. */
export interface LeaseWorld {
  readonly store: LeaseStore;
  deleteLease(): Promise<void>;
}

/** A forecast marker store on a fresh ConfigMap name, and someone who deletes the ConfigMap. */
export interface MarkerWorld {
  readonly store: ForecastMarkerStore;
  deleteMarker(): Promise<void>;
}

/** A cluster writer on fresh node and pod names, and what other hands do to those objects. */
export interface NodeWorld {
  readonly writer: ClusterWriter;
  /** The live reads of nodes (`nodeNow`, `nodesOfInstance`). */
  readonly live: LiveNodeCheck;
  /** Creates a Kafka node `name` (no annotations, schedulable) and answers it as observed. */
  node(name: string): Promise<ObservedNode>;
  /** The node as observed now (`observeNode` of a fresh read). */
  observed(name: string): Promise<ObservedNode>;
  /** A Node `name` without the Kafka label whose providerID names `of`'s instance. */
  sameInstanceNode(name: string, of: string): Promise<void>;
  /** Someone cordons the node as `kubectl cordon` does (no controller marker). */
  cordonFromOutside(name: string): Promise<void>;
  /** Someone changes the node (a label), which moves its resourceVersion. */
  touch(name: string): Promise<void>;
  /** The node is deleted and registers again under the same name (a new UID). */
  replaceNode(name: string): Promise<void>;
  /** Creates broker pod `name` bound to `nodeName`; answers its UID. */
  pod(name: string, nodeName: string): Promise<string>;
  /** Whether the pod carries Strimzi's manual rolling update annotation. */
  rollRequested(name: string): Promise<boolean>;
  /** The pod is deleted and created again under the same name (a new UID), as Strimzi does. */
  replacePod(name: string, nodeName: string): Promise<void>;
}

export interface Scenario<World> {
  readonly name: string;
  readonly run: (world: World) => Promise<void>;
}

/** Asserts `action` rejects with HTTP status `status` (the API error, or the stand-in's). */
async function rejectsWith(status: number, action: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.equal(apiFaultOf(error).status, status, `${what}: status of ${String(error)}`);
    return true;
  });
}

const lease = (holder: string, renewTimeMs: number) => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  renewTimeMs,
  leaseTransitions: 0,
});

export const LEASE_SCENARIOS: readonly Scenario<LeaseWorld>[] = [
  {
    name: 'lease: none is undefined; a create is read back field for field, ms renew time included',
    run: async ({ store }) => {
      assert.equal(await store.get(), undefined);
      await store.create({ ...lease('replica-a', 1_700_000_000_123), leaseTransitions: 3 });
      const read = await store.get();
      assert.ok(read !== undefined);
      assert.match(read.resourceVersion, /^\d+$/);
      assert.deepEqual(
        { ...read, resourceVersion: 'rv' },
        {
          holderIdentity: 'replica-a',
          leaseDurationSeconds: 15,
          renewTimeMs: 1_700_000_000_123,
          leaseTransitions: 3,
          resourceVersion: 'rv',
        },
      );
    },
  },
  {
    name: 'lease: an update at the read resourceVersion is taken and moves it',
    run: async ({ store }) => {
      await store.create(lease('replica-a', 1_700_000_000_000));
      const read = await store.get();
      assert.ok(read !== undefined);
      await store.update({ ...read, renewTimeMs: 1_700_000_002_000 });
      const after = await store.get();
      assert.equal(after?.renewTimeMs, 1_700_000_002_000);
      assert.notEqual(after?.resourceVersion, read.resourceVersion);
    },
  },
  {
    name: 'lease: an update at a stale resourceVersion is 409 and changes nothing',
    run: async ({ store }) => {
      await store.create(lease('replica-a', 1_700_000_000_000));
      const stale = await store.get();
      assert.ok(stale !== undefined);
      await store.update({ ...stale, renewTimeMs: 1_700_000_002_000 });
      await rejectsWith(
        409,
        store.update({ ...stale, holderIdentity: 'replica-b', renewTimeMs: 1_700_000_003_000 }),
        'stale update',
      );
      const after = await store.get();
      assert.equal(after?.holderIdentity, 'replica-a');
      assert.equal(after?.renewTimeMs, 1_700_000_002_000);
    },
  },
  {
    name: 'lease: a second create is 409 and changes nothing',
    run: async ({ store }) => {
      await store.create(lease('replica-a', 1_700_000_000_000));
      await rejectsWith(409, store.create(lease('replica-b', 1_700_000_001_000)), 'second create');
      assert.equal((await store.get())?.holderIdentity, 'replica-a');
    },
  },
  {
    // The API server creates a Lease on update (a replace of one that is gone recreates it, as
    // written): found by this scenario on kube-apiserver v1.34.4, where the stand-in answered 409.
    name: 'lease: an update of a Lease deleted since the read recreates it as written',
    run: async world => {
      await world.store.create(lease('replica-a', 1_700_000_000_000));
      const read = await world.store.get();
      assert.ok(read !== undefined);
      await world.deleteLease();
      await world.store.update({ ...read, renewTimeMs: 1_700_000_002_000, leaseTransitions: 4 });
      const after = await world.store.get();
      assert.ok(after !== undefined);
      assert.notEqual(after.resourceVersion, read.resourceVersion);
      assert.deepEqual(
        { ...after, resourceVersion: 'rv' },
        { ...read, renewTimeMs: 1_700_000_002_000, leaseTransitions: 4, resourceVersion: 'rv' },
      );
    },
  },
  {
    name: 'lease: deleted and created again by another replica, an update at the old version is 409',
    run: async world => {
      await world.store.create(lease('replica-a', 1_700_000_000_000));
      const read = await world.store.get();
      assert.ok(read !== undefined);
      await world.deleteLease();
      await world.store.create(lease('replica-b', 1_700_000_001_000));
      await rejectsWith(
        409,
        world.store.update({ ...read, renewTimeMs: 1_700_000_002_000 }),
        'update of a Lease another replica created again',
      );
      assert.equal((await world.store.get())?.holderIdentity, 'replica-b');
    },
  },
];

const marker = (ms: number): ForecastMarker => ({
  version: 1,
  zones: { 'us-east-1a': { sufficientAtMs: ms } },
});

export const MARKER_SCENARIOS: readonly Scenario<MarkerWorld>[] = [
  {
    name: 'forecast marker: none reads as no marker and no version; a create is read back',
    run: async ({ store }) => {
      assert.deepEqual(await store.read(), { marker: undefined, version: undefined });
      assert.equal(await store.write(marker(1_000), undefined), 'written');
      const read = await store.read();
      assert.deepEqual(read.marker, marker(1_000));
      assert.match(read.version ?? '', /^\d+$/);
    },
  },
  {
    name: 'forecast marker: a write at a stale version is a conflict and changes nothing',
    run: async ({ store }) => {
      await store.write(marker(1_000), undefined);
      const stale = await store.read();
      assert.equal(await store.write(marker(2_000), stale.version), 'written');
      assert.equal(await store.write(marker(3_000), stale.version), 'conflict');
      assert.deepEqual((await store.read()).marker, marker(2_000));
    },
  },
  {
    name: 'forecast marker: a create while one exists is a conflict and changes nothing',
    run: async ({ store }) => {
      await store.write(marker(1_000), undefined);
      assert.equal(await store.write(marker(2_000), undefined), 'conflict');
      assert.deepEqual((await store.read()).marker, marker(1_000));
    },
  },
  {
    name: 'forecast marker: a write at the version of a marker deleted since is a conflict, none is made',
    run: async world => {
      await world.store.write(marker(1_000), undefined);
      const read = await world.store.read();
      await world.deleteMarker();
      assert.equal(await world.store.write(marker(2_000), read.version), 'conflict');
      assert.deepEqual(await world.store.read(), { marker: undefined, version: undefined });
    },
  },
  {
    name: 'forecast marker: a write at an empty version is refused (it would be unconditional)',
    run: async ({ store }) => {
      await store.write(marker(1_000), undefined);
      await assert.rejects(store.write(marker(2_000), ''), /resourceVersion read is empty/);
      assert.deepEqual((await store.read()).marker, marker(1_000));
    },
  },
];

/** A removal record of `node` (what the controller writes at each phase). */
export function recordOf(node: ObservedNode, phase: OperationRecord['phase']): OperationRecord {
  return {
    id: `op-${phase}`,
    kind: 'remove-node',
    zone: node.zone,
    groupName: 'orders-kafka-us-east-1a',
    nodeName: node.name,
    nodeUid: node.uid,
    phase,
    movesDone: 0,
    startedAtMs: 1_700_000_000_000,
    fencingToken: 1,
    holder: 'replica-a',
  };
}

/** What these scenarios compare of an observed node. */
const cordon = (node: ObservedNode) => ({
  unschedulable: node.unschedulable,
  cordonedByController: node.cordonedByController === true,
});

export const NODE_SCENARIOS: readonly Scenario<NodeWorld>[] = [
  {
    name: 'nodes: a cordon by UID is marked as the controller’s; an uncordon clears both',
    run: async world => {
      const node = await world.node('conf-cordon');
      await world.writer.setUnschedulable(node.name, node.uid, true);
      assert.deepEqual(cordon(await world.observed(node.name)), {
        unschedulable: true,
        cordonedByController: true,
      });
      await world.writer.setUnschedulable(node.name, node.uid, false);
      assert.deepEqual(cordon(await world.observed(node.name)), {
        unschedulable: false,
        cordonedByController: false,
      });
    },
  },
  {
    name: 'nodes: a cordon someone else made is never claimed and never undone',
    run: async world => {
      const node = await world.node('conf-foreign');
      await world.cordonFromOutside(node.name);
      await world.writer.setUnschedulable(node.name, node.uid, true);
      assert.deepEqual(cordon(await world.observed(node.name)), {
        unschedulable: true,
        cordonedByController: false,
      });
      await world.writer.setUnschedulable(node.name, node.uid, false);
      assert.deepEqual(cordon(await world.observed(node.name)), {
        unschedulable: true,
        cordonedByController: false,
      });
    },
  },
  {
    name: 'nodes: a cordon of a node replaced under the same name is refused and changes nothing',
    run: async world => {
      const node = await world.node('conf-replaced');
      await world.replaceNode(node.name);
      await assert.rejects(world.writer.setUnschedulable(node.name, node.uid, true));
      assert.deepEqual(cordon(await world.observed(node.name)), {
        unschedulable: false,
        cordonedByController: false,
      });
    },
  },
  {
    name: 'nodes: the operation record lands on the observed version and answers the versions around it',
    run: async world => {
      const node = await world.node('conf-record');
      const versions = await world.writer.writeOperation(node, recordOf(node, 'cordon'));
      const after = await world.observed(node.name);
      assert.deepEqual(after.operation, recordOf(node, 'cordon'));
      assert.deepEqual(versions, { before: node.resourceVersion, after: after.resourceVersion });
      assert.notEqual(after.resourceVersion, node.resourceVersion);
    },
  },
  {
    name: 'nodes: an operation record based on a node that changed since is refused and not written',
    run: async world => {
      const node = await world.node('conf-stale-record');
      await world.touch(node.name);
      await assert.rejects(world.writer.writeOperation(node, recordOf(node, 'cordon')));
      assert.equal((await world.observed(node.name)).operation, undefined);
    },
  },
  {
    name: 'pods: a roll is requested by UID, and refused on a pod recreated under the same name',
    run: async world => {
      const node = await world.node('conf-roll');
      const uid = await world.pod('conf-broker-0', node.name);
      await world.writer.requestRoll('conf-broker-0', uid);
      assert.equal(await world.rollRequested('conf-broker-0'), true);
      const old = await world.pod('conf-broker-1', node.name);
      await world.replacePod('conf-broker-1', node.name);
      await assert.rejects(world.writer.requestRoll('conf-broker-1', old));
      assert.equal(await world.rollRequested('conf-broker-1'), false);
    },
  },
  {
    name: 'live reads: a node’s cordon and the broker pods bound to it, sorted',
    run: async world => {
      const node = await world.node('conf-live');
      await world.pod('conf-live-b', node.name);
      await world.pod('conf-live-a', node.name);
      assert.deepEqual(await world.live.nodeNow(node.name), {
        unschedulable: false,
        brokers: ['conf-live-a', 'conf-live-b'],
      });
      await world.cordonFromOutside(node.name);
      assert.equal((await world.live.nodeNow(node.name)).unschedulable, true);
    },
  },
  {
    name: 'live reads: a node that does not exist is a 404, not an empty schedulable node',
    run: async world => {
      await rejectsWith(404, world.live.nodeNow('conf-no-such-node'), 'nodeNow of no node');
    },
  },
  {
    name: 'live reads: every Node naming an instance, Kafka label or not, sorted; none for another',
    run: async world => {
      const node = await world.node('conf-instance-b');
      await world.sameInstanceNode('conf-instance-a', node.name);
      const instanceId = node.instanceId ?? '';
      assert.notEqual(instanceId, '');
      assert.deepEqual(await world.live.nodesOfInstance(instanceId), [
        'conf-instance-a',
        'conf-instance-b',
      ]);
      assert.deepEqual(await world.live.nodesOfInstance('i-0ffffffffffffffff'), []);
    },
  },
  {
    name: 'pods: a roll the live read refuses is not requested',
    run: async world => {
      const node = await world.node('conf-roll-refused');
      const uid = await world.pod('conf-broker-2', node.name);
      const answer = await world.writer.requestRoll('conf-broker-2', uid, async () => 'busy');
      assert.equal(answer, 'refused');
      assert.equal(await world.rollRequested('conf-broker-2'), false);
    },
  },
];
