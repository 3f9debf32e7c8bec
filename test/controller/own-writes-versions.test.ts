/**
 * Read-your-writes against a later change by someone else (own-writes.ts). After our cordon, a
 * person uncordoned the node at once: the view, showing the node without our cordon, was taken for
 * one that had not caught up with our write, and every pass held with `stale-data` until
 * `staleAfterSeconds`. The class is any node field we wrote (the cordon, the operation record) that
 * someone changed after us. The writer now answers the node's resource versions around each write;
 * a view at a version this process did not know at or before its write shows a later change, not
 * lag. Resource versions are compared for equality only (Kubernetes calls them opaque).
 */
import fc from 'fast-check';
import type { Observed, ObservedNode } from '../../controller/model';
import {
  NodeVersionChain,
  OwnWrites,
  laterVersion,
  type NodeVersions,
  type OwnWrite,
} from '../../controller/own-writes';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { healthyCluster, testConfig } from './fixtures';

describe('own writes: a later change by someone else is not lag', () => {
  test('a hand uncordon right after our cordon: the next pass is not held, and cordons again', async () => {
    const config = { ...testConfig(), operationPhaseTimeoutSeconds: 600 };
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 80 });
    // Zone a packed on node-a-0: a re-spread of node-a-0.
    cluster.brokers = cluster.brokers.map(broker =>
      broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    const reconciler = reconcilerOn(cluster, config);
    let pass = 0;
    while (!cluster.writes.includes('cordon node-a-0') && pass < 10) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
      pass += 1;
    }
    expect(cluster.writes).toContain('cordon node-a-0');
    // Someone uncordons it at once (a new resource version the controller never wrote).
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-0'
        ? {
            ...node,
            unschedulable: false,
            resourceVersion: String(Number(node.resourceVersion) + 1),
          }
        : node,
    );
    const writes = cluster.writes.length;
    const { plan } = await reconciler.reconcileOnce();
    // Before: `stale-data: ... the cordon of node node-a-0` for staleAfterSeconds.
    expect(plan.reason).not.toBe('stale-data');
    expect(cluster.writes.slice(writes)).toContain('cordon node-a-0');
  });

  test('property: a view at a version after our write shows it; one at a version up to it does not', () => {
    // Versions of one node: the observed one, then writes (ours, or someone's in between), each
    // `before -> after`, then maybe later versions by someone else.
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        fc.array(fc.boolean(), { maxLength: 5 }),
        fc.nat({ max: 3 }),
        fc.boolean(),
        (ours, gaps, later, noop) => {
          // Version numbers are ours to invent: opaque strings, unordered on purpose.
          const names = Array.from({ length: 40 }, (_, i) => `v${(i * 7919) % 40}x`);
          let next = 0;
          const fresh = () => names[next++];
          const observed = fresh();
          const chain = new NodeVersionChain(observed);
          let current = observed;
          const seen: string[] = [observed];
          let complete = true;
          let last: NodeVersions | undefined;
          ours.forEach((_, index) => {
            if (gaps[index] === true) {
              // Someone wrote between our last version and this write's read.
              current = fresh();
              seen.push(current);
              complete = false;
            }
            const before = current;
            const after = noop && index === ours.length - 1 ? before : fresh();
            last = chain.wrote(before, after);
            current = after;
            if (!seen.includes(after)) seen.push(after);
          });
          if (last === undefined) throw new Error('no write');
          // Every version up to our last write: lag unless the write changed nothing.
          for (const version of seen) {
            const shown = laterVersion(last, version);
            if (last.unchanged && version === last.after) expect(shown).toBe(true);
            else expect(shown).toBe(false);
          }
          // A later version by someone else: shown exactly when the chain is complete.
          for (let i = 0; i < later; i++) {
            const newer = fresh();
            expect(laterVersion(last, newer)).toBe(complete);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('property: any field we wrote that someone changed after us stops holding; a lagging view keeps holding', () => {
    const config = testConfig();
    const base = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const target = base.nodes[0];
    fc.assert(
      fc.property(
        fc.constantFrom<'cordon' | 'uncordon' | 'record' | 'record-removed'>(
          'cordon',
          'uncordon',
          'record',
          'record-removed',
        ),
        fc.constantFrom<'changed-after' | 'lagging' | 'other-field-after'>(
          'changed-after',
          'lagging',
          'other-field-after',
        ),
        (written, view) => {
          const own = new OwnWrites(120);
          const chain = new NodeVersionChain('10');
          const versions = chain.wrote('10', '11');
          const write: OwnWrite =
            written === 'cordon' || written === 'uncordon'
              ? {
                  kind: 'cordon',
                  nodeName: target.name,
                  nodeUid: target.uid,
                  unschedulable: written === 'cordon',
                  atMs: base.nowMs,
                  versions,
                }
              : {
                  kind: 'record',
                  nodeName: target.name,
                  nodeUid: target.uid,
                  identity: written === 'record' ? 'some-identity' : 'none',
                  fencingToken: 1,
                  atMs: base.nowMs,
                  versions,
                };
          own.wrote(write);
          // What we wrote, undone: the opposite cordon, or a record other than ours.
          const undone: ObservedNode = {
            ...target,
            unschedulable: written === 'uncordon',
            operation:
              written === 'record-removed'
                ? { ...recordOf(target), id: 'someone-elses' }
                : undefined,
          };
          const shownNode: ObservedNode =
            view === 'lagging'
              ? { ...undone, resourceVersion: '10' }
              : { ...undone, resourceVersion: view === 'changed-after' ? '12' : '13' };
          const observed: Observed = {
            ...base,
            nodes: base.nodes.map(node => (node.name === target.name ? shownNode : node)),
          };
          const checked = own.check(observed, base.nowMs + 30_000);
          if (view === 'lagging') expect(checked.unseenOwnWrite).toBeDefined();
          else expect(checked.unseenOwnWrite).toBeUndefined();
        },
      ),
    );
  });
});

function recordOf(node: ObservedNode) {
  return {
    id: 'x',
    kind: 'respread' as const,
    zone: node.zone,
    groupName: 'g',
    nodeName: node.name,
    nodeUid: node.uid,
    phase: 'drain' as const,
    movesDone: 0,
    startedAtMs: 0,
    fencingToken: 1,
    holder: 'a',
  };
}
