/**
 * Fault review s23: a fresh reviewer's attempt to break the controller by injecting faults at
 * every step of a re-spread and a scale-in, against the in-memory fake cluster, and at the
 * Prometheus adapter. Findings (each failed here before its fix):
 *
 * 1. A re-spread whose drain began on a wrong pod view (a pod missing, shown unbound or on another
 *    node) noted an incomplete `drainPods`; a crash between its roll request and its record then
 *    went unrecognised once Strimzi had recreated the pod elsewhere, and a second broker was
 *    rolled, emptying the node. Now the pod to roll is noted on the record first.
 * 2. With the Auto Scaling view missing for a phase deadline, a node left cordoned without a
 *    record (brokers still on it) was reported as on a detached instance, with the advice to
 *    terminate it. Now such a hold names the stale data instead.
 * 3. A pod answered twice by a custom per-broker sample-time query took its later time, so an old
 *    series passed as fresh; a per-pod rate answering a pod in several series kept one of them.
 *
 * Guards each property was checked against (removed one at a time, the test failed): the gate's
 * stale-data check, the re-spread's adoption of a pod that left (`rolledBeforeRecorded`), the
 * note before a roll, the live read before unprotect and terminate, and the re-cordon of a node
 * someone uncordons mid-operation. Redundant with another guard here (removing one alone fails
 * nothing): the step's own stale check (the gate holds every write), the gate's empty-node check
 * and the return to drain of a refilled node (the live read holds), the liveRecordCheck (decide
 * holds while a node of the zone is missing).
 */
import fc from 'fast-check';
import { PrometheusAdapter, PrometheusError } from '../../controller/adapters/prometheus';
import type { Observed } from '../../controller/model';
import { stepOperation } from '../../controller/operation';
import type { OperationRecord } from '../../controller/operation-record';
import { staleDataBlocker } from '../../controller/safety';
import { ConflictError, CrashError, FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import {
  NOW_MS,
  STEP_CONTEXT,
  cordonRecordOfNodeA1,
  healthyCluster,
  testConfig,
  withNode,
} from './fixtures';

const config = testConfig();

/** How the pod view is wrong in the one pass where the re-spread's drain begins. */
type DrainStartFault = 'pod-missing' | 'pod-unbound' | 'pod-elsewhere';

describe('finding 1: a re-spread whose drain began on a partial pod view moves two brokers after a crash', () => {
  /**
   * A re-spread of node-a-1 (brokers a-1001 and a-1003 of zone a's 4) from `cordon`. Writes: 1
   * cordon, 2 record `drain` (with `drainPods`), 3 roll, 4 record with the move. In pass 2 the
   * cached pod view is wrong about a-1001 (`fault`), and the controller crashes right after write
   * 3; Strimzi recreates the pod elsewhere `lagPasses` passes later.
   */
  async function respread(fault: DrainStartFault, lagPasses: number, crash: boolean) {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const record = cordonRecordOfNodeA1('respread', 'op-r');
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1' ? { ...node, operation: record } : node,
    );
    if (crash) cluster.crash = { atWrite: 3, when: 'after' };
    let pass = 0;
    const observe = async (): Promise<Observed> => {
      const observed = await cluster.observe();
      if (pass !== 2) return observed;
      const target = 'orders-brokers-a-1001';
      if (fault === 'pod-missing') {
        return { ...observed, brokers: observed.brokers.filter(b => b.podName !== target) };
      }
      return {
        ...observed,
        brokers: observed.brokers.map(b =>
          b.podName !== target
            ? b
            : fault === 'pod-unbound'
              ? { ...b, nodeName: undefined, ready: false }
              : { ...b, nodeName: 'node-a-0' },
        ),
      };
    };
    const start = () =>
      reconcilerOn(cluster, config, { observe, liveBrokerCheck: cluster, liveNodeCheck: cluster });
    let controller = start();
    let rollsSeen = 0;
    let lag = lagPasses;
    while (pass < 60 && cluster.nodes.find(node => node.name === 'node-a-1')?.operation) {
      pass++;
      try {
        await controller.reconcileOnce();
      } catch (error) {
        if (!(error instanceof CrashError)) throw error;
        controller = start();
      }
      const rolls = cluster.writes.filter(write => write.startsWith('roll ')).length;
      if (rolls > rollsSeen) {
        rollsSeen = rolls;
        cluster.strimzi = lag > 0 ? 'refuse' : 'roll';
      }
      if (cluster.strimzi === 'refuse' && --lag <= 0) cluster.strimzi = 'roll';
      cluster.advance(60);
    }
    return cluster;
  }

  test.each<DrainStartFault>(['pod-missing', 'pod-unbound', 'pod-elsewhere'])(
    '%s as the drain begins, crash after the roll: one broker rolled, not two',
    async fault => {
      const cluster = await respread(fault, 0, true);
      const rolled = new Set(cluster.writes.filter(write => write.startsWith('roll ')));
      expect([...rolled]).toEqual(['roll orders-brokers-a-1001']);
      expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation).toBeUndefined();
      expect(cluster.brokers.filter(broker => broker.nodeName === 'node-a-1')).toHaveLength(1);
    },
  );

  test('property: whatever the view fault as the drain begins, crash or not, Strimzi lag: one broker rolled', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<DrainStartFault>('pod-missing', 'pod-unbound', 'pod-elsewhere'),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        async (fault, lag, crash) => {
          const cluster = await respread(fault, lag, crash);
          const rolled = new Set(cluster.writes.filter(write => write.startsWith('roll ')));
          expect(rolled.size).toBe(1);
          expect(cluster.mostRollsInFlight).toBeLessThanOrEqual(1);
          expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation).toBeUndefined();
          expect(cluster.brokers.filter(b => b.nodeName === 'node-a-1')).toHaveLength(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('finding 1, the rule: a re-spread rolls only a pod its record lists under its UID', () => {
  const base = healthyCluster(config, { nodesPerZone: 2 });
  const record: OperationRecord = {
    id: 'op-r',
    kind: 'respread',
    zone: 'us-east-1a',
    groupName: 'asg-orders-kafka-a',
    nodeName: 'node-a-1',
    nodeUid: 'uid-node-a-1',
    phase: 'drain',
    movesDone: 0,
    startedAtMs: NOW_MS,
    phaseStartedAtMs: NOW_MS,
    fencingToken: STEP_CONTEXT.fencingToken,
    holder: STEP_CONTEXT.holder,
    version: 2,
  };
  const on = (drainPods: OperationRecord['drainPods']) => {
    const stored = drainPods === undefined ? record : { ...record, drainPods };
    const observed = withNode(base, 'node-a-1', node => ({
      ...node,
      unschedulable: true,
      operation: stored,
    }));
    return stepOperation(stored, observed, config, STEP_CONTEXT);
  };

  test.each([
    ['a record without the field (an older controller)', undefined],
    [
      'a list that missed the pod',
      [{ podName: 'orders-brokers-a-1003', podUid: 'uid-orders-brokers-a-1003' }],
    ],
    [
      'a list with the pod under an older UID',
      [{ podName: 'orders-brokers-a-1001', podUid: 'uid-old' }],
    ],
  ])('%s: the pod is noted first, no roll in that step; the roll follows', (_, drainPods) => {
    const noted = on(drainPods);
    expect(noted.effect).toBeUndefined();
    expect(noted.next?.move).toBeUndefined();
    expect(noted.next?.drainPods).toContainEqual({
      podName: 'orders-brokers-a-1001',
      podUid: 'uid-orders-brokers-a-1001',
    });
    expect(on(noted.next?.drainPods).effect).toEqual({
      kind: 'request-roll',
      podName: 'orders-brokers-a-1001',
      podUid: 'uid-orders-brokers-a-1001',
    });
  });
});

/** A view fault of one pass: what the controller's observation gets wrong. */
const VIEW_FAULTS = [
  'none',
  'pod-missing',
  'pod-unbound',
  'node-missing',
  'record-node-missing',
  'pod-on-node-missing',
  'prometheus-warning',
  'prometheus-empty',
  'prometheus-old',
  'kubernetes-old',
  'autoscaling-missing',
] as const;
type ViewFault = (typeof VIEW_FAULTS)[number];

/** What a person or the cloud does to the cluster between two passes. */
const WORLD_EVENTS = [
  'none',
  'uncordon-by-hand',
  'record-deleted',
  'pod-back-on-node',
  'instance-gone',
  'second-broker-on-node',
  'unprotect-by-hand',
] as const;
type WorldEvent = (typeof WORLD_EVENTS)[number];

interface Step {
  readonly view: ViewFault;
  readonly world: WorldEvent;
  readonly pick: number;
}

/** The view faults after which any write is acting on stale, partial or missing data. */
const STALE: ReadonlySet<ViewFault> = new Set([
  'prometheus-warning',
  'prometheus-empty',
  'prometheus-old',
  'kubernetes-old',
  'autoscaling-missing',
]);

function faulty(observed: Observed, fault: ViewFault, pick: number): Observed {
  const broker = observed.brokers[pick % observed.brokers.length]?.podName;
  switch (fault) {
    case 'none':
      return observed;
    case 'pod-missing':
      return { ...observed, brokers: observed.brokers.filter(b => b.podName !== broker) };
    case 'pod-unbound':
      return {
        ...observed,
        brokers: observed.brokers.map(b =>
          b.podName === broker ? { ...b, nodeName: undefined, ready: false } : b,
        ),
      };
    case 'node-missing': {
      const node = observed.nodes[pick % observed.nodes.length]?.name;
      return { ...observed, nodes: observed.nodes.filter(n => n.name !== node) };
    }
    case 'record-node-missing':
      // The node list misses the node being emptied, and with it the operation record.
      return { ...observed, nodes: observed.nodes.filter(n => n.name !== 'node-a-1') };
    case 'pod-on-node-missing': {
      const aboard = observed.brokers.filter(b => b.nodeName === 'node-a-1');
      const missing = aboard[pick % Math.max(1, aboard.length)]?.podName;
      return { ...observed, brokers: observed.brokers.filter(b => b.podName !== missing) };
    }
    case 'prometheus-warning':
      // The adapter refuses an answer with a warning: Prometheus counts as not answering.
      return {
        ...observed,
        freshness: { ...observed.freshness, prometheusAtMs: undefined },
        loads: undefined,
        underReplicatedPartitions: undefined,
        underMinIsrPartitions: undefined,
        healthSampledAtMs: undefined,
      };
    case 'prometheus-empty':
      // An empty answer to the per-pod health timestamps: no pod's share of the counts is known.
      return { ...observed, healthSampledAtMs: {} };
    case 'prometheus-old':
      return {
        ...observed,
        freshness: { ...observed.freshness, prometheusAtMs: observed.nowMs - 600_000 },
      };
    case 'kubernetes-old':
      return {
        ...observed,
        freshness: { ...observed.freshness, kubernetesAtMs: observed.nowMs - 600_000 },
      };
    case 'autoscaling-missing':
      return {
        ...observed,
        freshness: { ...observed.freshness, autoscalingAtMs: undefined },
        groups: [],
      };
  }
}

/** Phases whose node must stay cordoned (docs/controller.md). */
const KEEP_CORDONED_PHASES: ReadonlySet<string> = new Set([
  'drain',
  'unprotect',
  'terminate',
  'terminated',
]);

/** One violated promise, with the pass it broke in. */
interface Broken {
  readonly pass: number;
  readonly what: string;
}

/**
 * Runs an operation on node-a-1 (a re-spread, or the removal of its instance i-a1) from `cordon`
 * through `steps` (one view fault and one world event per pass), the controller crashing after
 * (or before) its `crashAt`-th write and a new process resuming from the record alone; then
 * fault-free passes until the record is gone (at most 80). Every promise is checked as it can
 * break: after every write and every pass.
 */
async function runOperation(
  kind: 'respread' | 'remove-node',
  steps: readonly Step[] | ((pass: number, open: OperationRecord | undefined) => Step),
  crashAt: number,
  crashWhen: 'before' | 'after',
  faultPasses = Array.isArray(steps) ? steps.length : 25,
): Promise<{ broken: Broken[]; cluster: FakeCluster; rolled: Set<string> }> {
  const runConfig = { ...config, scaleInStabilizationSeconds: 0 };
  const cluster = new FakeCluster(runConfig, { nodesPerZone: 2, demandMiBps: 10 });
  const record = cordonRecordOfNodeA1(kind, 'op-s23');
  cluster.nodes = cluster.nodes.map(node =>
    node.name === 'node-a-1' ? { ...node, operation: record } : node,
  );
  cluster.crash = { atWrite: crashAt, when: crashWhen };
  const broken: Broken[] = [];
  const rolled = new Set<string>();
  let pass = 0;
  let stale = false;
  // Promises judged at the moment of the write, on the cluster as it truly is.
  const writesBefore = () => cluster.writes.length;
  const terminate = cluster.terminateInstance.bind(cluster);
  cluster.terminateInstance = async (groupName, instanceId) => {
    const host = cluster.nodes.find(node => node.instanceId === instanceId);
    const aboard = cluster.brokers.filter(b => host !== undefined && b.nodeName === host.name);
    if (aboard.length > 0) {
      broken.push({
        pass,
        what: `terminated ${instanceId} with ${aboard.map(b => b.podName).join(', ')} on it`,
      });
    }
    return terminate(groupName, instanceId);
  };
  const setUnschedulable = cluster.setUnschedulable.bind(cluster);
  cluster.setUnschedulable = async (nodeName, nodeUid, unschedulable) => {
    const host = cluster.nodes.find(node => node.name === nodeName);
    const instance = cluster.groups
      .flatMap(group => group.instances)
      .find(each => each.instanceId === host?.instanceId);
    if (!unschedulable && instance?.protectedFromScaleIn === false) {
      broken.push({
        pass,
        what: `uncordoned ${nodeName} while ${instance.instanceId} is unprotected`,
      });
    }
    if (!unschedulable && (instance === undefined || instance.lifecycleState !== 'InService')) {
      broken.push({ pass, what: `uncordoned ${nodeName} on a leaving or unknown instance` });
    }
    return setUnschedulable(nodeName, nodeUid, unschedulable);
  };
  const requestRoll = cluster.requestRoll.bind(cluster);
  cluster.requestRoll = async (podName, podUid) => {
    const others = cluster.brokers.filter(
      b => b.podName !== podName && (b.rollRequested || !b.ready || b.nodeName === undefined),
    );
    if (others.length > 0) {
      broken.push({ pass, what: `rolled ${podName} while ${others[0].podName} was down` });
    }
    if (kind === 'respread') rolled.add(podName);
    return requestRoll(podName, podUid);
  };
  let view: ViewFault = 'none';
  let pick = 0;
  const observe = async (): Promise<Observed> => {
    const observed = faulty(await cluster.observe(), view, pick);
    stale = staleDataBlocker(observed, runConfig) !== undefined;
    // Each of these faults is one the controller must take for stale data.
    if (STALE.has(view) && !stale) broken.push({ pass, what: `a ${view} view passed as fresh` });
    return observed;
  };
  const start = () =>
    reconcilerOn(cluster, runConfig, {
      observe,
      liveBrokerCheck: cluster,
      liveNodeCheck: cluster,
      liveRecordCheck: {
        nodesWithRecords: async () =>
          cluster.nodes.filter(node => node.operation !== undefined).map(node => node.name),
      },
      newId: () => `op-new-${pass}`,
    });
  let controller = start();
  const open = () => cluster.nodes.find(node => node.name === 'node-a-1')?.operation;
  const total = faultPasses + 80;
  const quiet: Step = { view: 'none', world: 'none', pick: 0 };
  while (pass < total) {
    const step =
      typeof steps === 'function'
        ? pass < faultPasses
          ? steps(pass, open())
          : quiet
        : (steps[pass] ?? quiet);
    applyWorld(cluster, step.world, step.pick);
    view = step.view;
    pick = step.pick;
    pass++;
    const before = writesBefore();
    const phaseBefore = open()?.phase;
    let failed = false;
    // Held because the view does not show this process's own last write yet (read-your-writes,
    // own-writes.ts): a hand uncordon right after our cordon looks like a view that lags it, until
    // `staleAfterSeconds` (by design). Such a pass writes nothing, so it is not judged below.
    let ownWriteHold = false;
    try {
      const result = await controller.reconcileOnce();
      ownWriteHold =
        result.plan.reason === 'stale-data' && result.plan.detail.includes('view does not show');
    } catch (error) {
      failed = true;
      // A 409 (the node changed since the view) fails the pass; the next one tries again.
      if (error instanceof ConflictError) continue;
      if (!(error instanceof CrashError)) throw error;
      controller = start();
    }
    // A node whose brokers are being moved off, or whose instance is being removed or has left,
    // is cordoned again by the first pass that sees it uncordoned on a true view, except a removal
    // found uncordoned in `unprotect` or `terminate`, whose instance may be unprotected: that pass
    // protects it first and goes back to `drain` (review s32-a fault 2; protect before the node
    // is schedulable), and the next pass cordons it, which is judged here then.
    const record = open();
    const host = cluster.nodes.find(node => node.name === 'node-a-1');
    const protectedFirst =
      (phaseBefore === 'unprotect' || phaseBefore === 'terminate') &&
      record?.phase === 'drain' &&
      cluster.writes.slice(before).includes('protect i-a1');
    if (
      !failed &&
      !ownWriteHold &&
      !protectedFirst &&
      view === 'none' &&
      record !== undefined &&
      KEEP_CORDONED_PHASES.has(record.phase) &&
      host?.unschedulable === false
    ) {
      broken.push({ pass, what: `node-a-1 left schedulable in ${record.phase}` });
    }
    if (stale && cluster.writes.length > before) {
      broken.push({
        pass,
        what: `wrote ${cluster.writes.slice(before).join('; ')} on a ${view} view`,
      });
    }
    const recorded = cluster.nodes.filter(node => node.operation !== undefined);
    if (recorded.length > 1) {
      broken.push({ pass, what: `two records: ${recorded.map(n => n.name).join(', ')}` });
    }
    if (cluster.mostRollsInFlight > 1) broken.push({ pass, what: 'two rolls in flight' });
    cluster.advance(60);
    if (pass >= faultPasses && open() === undefined) break;
  }
  if (open() !== undefined && open()?.phase !== 'abandoned') {
    broken.push({ pass, what: `operation still open in ${open()?.phase} after ${pass} passes` });
  }
  return { broken, cluster, rolled };
}

/** A person or the cloud acts on the cluster (node-a-1 is the node being emptied). */
function applyWorld(cluster: FakeCluster, event: WorldEvent, pick: number): void {
  const zoneA = cluster.brokers.filter(b => b.zone === 'us-east-1a');
  const broker = zoneA[pick % zoneA.length];
  const host = cluster.nodes.find(node => node.name === 'node-a-1');
  switch (event) {
    case 'none':
      return;
    case 'uncordon-by-hand':
      if (host !== undefined) {
        cluster.nodes = cluster.nodes.map(node =>
          node.name === 'node-a-1'
            ? {
                ...node,
                unschedulable: false,
                resourceVersion: `${Number(node.resourceVersion) + 1}`,
              }
            : node,
        );
      }
      return;
    case 'record-deleted':
      cluster.nodes = cluster.nodes.map(node =>
        node.operation === undefined
          ? node
          : {
              ...node,
              operation: undefined,
              resourceVersion: `${Number(node.resourceVersion) + 1}`,
            },
      );
      return;
    case 'pod-back-on-node':
      // Someone deleted a broker pod and it was scheduled back on the node being emptied (while
      // someone had uncordoned it): a new pod, Ready at once.
      if (host === undefined || broker === undefined) return;
      cluster.brokers = cluster.brokers.map(b =>
        b === broker
          ? {
              ...b,
              uid: `uid-back-${pick}-${cluster.nowMs}`,
              nodeName: 'node-a-1',
              rollRequested: false,
            }
          : b,
      );
      return;
    case 'second-broker-on-node':
      // Two brokers bound to the node at once (a stale scheduler decision, or a person's).
      if (host === undefined) return;
      cluster.brokers = cluster.brokers.map(b =>
        b.zone === 'us-east-1a' && b.nodeName !== 'node-a-1' && zoneA.indexOf(b) % 2 === pick % 2
          ? { ...b, uid: `uid-second-${b.podName}-${cluster.nowMs}`, nodeName: 'node-a-1' }
          : b,
      );
      return;
    case 'unprotect-by-hand':
      // Someone takes the scale-in protection off the node's instance.
      cluster.groups = cluster.groups.map(group => ({
        ...group,
        instances: group.instances.map(instance =>
          instance.instanceId === 'i-a1' ? { ...instance, protectedFromScaleIn: false } : instance,
        ),
      }));
      return;
    case 'instance-gone':
      // The instance is terminated by someone (a Spot interruption): the group lists it
      // Terminating; the next advance removes it and its node, whose pods come back unbound.
      cluster.groups = cluster.groups.map(group => ({
        ...group,
        instances: group.instances.map(instance =>
          instance.instanceId === 'i-a1'
            ? { ...instance, lifecycleState: 'Terminating' }
            : instance,
        ),
      }));
      cluster.brokers = cluster.brokers.map(b =>
        b.nodeName === 'node-a-1' ? { ...b, nodeName: undefined, ready: false } : b,
      );
      return;
  }
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  view: fc.constantFrom(...VIEW_FAULTS),
  world: fc.oneof(
    { weight: 6, arbitrary: fc.constant<WorldEvent>('none') },
    { weight: 1, arbitrary: fc.constantFrom(...WORLD_EVENTS) },
  ),
  pick: fc.nat({ max: 100 }),
});

describe('property: crash after any write, any view fault at any step, hands on the cluster', () => {
  test.each<'respread' | 'remove-node'>(['respread', 'remove-node'])(
    '%s: no write on stale data, no terminate with a broker aboard, one roll at a time, one record, an end',
    async kind => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(stepArb, { maxLength: 25 }),
          fc.integer({ min: 1, max: 14 }),
          fc.constantFrom<'before' | 'after'>('before', 'after'),
          async (steps, crashAt, crashWhen) => {
            const { broken } = await runOperation(kind, steps, crashAt, crashWhen);
            expect(broken).toEqual([]);
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  test.each<'respread' | 'remove-node'>(['respread', 'remove-node'])(
    '%s, no event by hand: crash after every write in turn, the operation ends',
    async kind => {
      for (let crashAt = 1; crashAt <= 16; crashAt++) {
        for (const when of ['before', 'after'] as const) {
          const { broken, cluster, rolled } = await runOperation(kind, [], crashAt, when);
          expect({ crashAt, when, broken }).toEqual({ crashAt, when, broken: [] });
          expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation).toBeUndefined();
          if (kind === 'respread') expect(rolled.size).toBe(1);
          else expect(cluster.terminated).toEqual(['i-a1']);
        }
      }
    },
  );
});

describe('property: a fault at the moment the operation reaches a given phase', () => {
  const PHASES = ['cordon', 'drain', 'uncordon', 'unprotect', 'terminate', 'terminated'] as const;
  test.each<'respread' | 'remove-node'>(['respread', 'remove-node'])(
    '%s: an event and a view fault for some passes from the first pass in that phase',
    async kind => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...PHASES),
          fc.boolean(),
          fc.constantFrom(...WORLD_EVENTS),
          fc.constantFrom(...VIEW_FAULTS),
          fc.integer({ min: 1, max: 6 }),
          fc.nat({ max: 100 }),
          fc.integer({ min: 1, max: 30 }),
          fc.constantFrom<'before' | 'after'>('before', 'after'),
          async (phase, withMove, world, view, passes, pick, crashAt, crashWhen) => {
            let firedAt: number | undefined;
            const { broken } = await runOperation(
              kind,
              (pass, open) => {
                const reached =
                  open?.phase === phase &&
                  (!withMove || phase !== 'drain' || open.move !== undefined);
                if (firedAt === undefined && reached) firedAt = pass;
                if (firedAt === undefined || pass >= firedAt + passes) {
                  return { view: 'none', world: 'none', pick };
                }
                return { view, world: pass === firedAt ? world : 'none', pick };
              },
              crashAt,
              crashWhen,
              40,
            );
            expect(broken).toEqual([]);
          },
        ),
        { numRuns: 400 },
      );
    },
  );
});

describe('finding 2: a held-cordon Warning on missing Auto Scaling data blames a detachment', () => {
  /**
   * node-a-1 carries this controller's cordon and no record (someone removed it mid-drain: both
   * of its brokers still run there), and the Auto Scaling view is missing for `passes` passes of
   * 60 s (DescribeAutoScalingGroups failing or throttled), then back.
   */
  async function heldWhileBlind(passes: number) {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true }
        : node,
    );
    const events: Array<{ type: string; reason: string; message: string }> = [];
    let blind = true;
    const controller = reconcilerOn(cluster, config, {
      observe: async () => {
        const observed = await cluster.observe();
        return blind ? faulty(observed, 'autoscaling-missing', 0) : observed;
      },
      events: { record: async event => void events.push(event) },
      liveBrokerCheck: cluster,
      liveNodeCheck: cluster,
    });
    for (let pass = 0; pass < passes; pass++) {
      await controller.reconcileOnce();
      cluster.advance(60);
    }
    blind = false;
    await controller.reconcileOnce();
    return { cluster, events };
  }

  test('20 minutes without Auto Scaling data: no Warning tells the operator to terminate the instance', async () => {
    const { cluster, events } = await heldWhileBlind(20);
    const held = events.filter(event => event.reason === 'NodeHeldCordoned');
    // The instance is in its group; only the controller's view of the groups is missing.
    expect(held.map(event => event.message).join('\n')).not.toMatch(/terminate the instance/);
    // ... but the node is still reported held, with the reason it can tell: its data.
    expect(held.length).toBeGreaterThan(0);
    for (const event of held) expect(event.message).toMatch(/no data yet from autoscaling/);
    // The data back: the node is released (protect, then uncordon).
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.unschedulable).toBe(false);
  });
});

describe('property: a Prometheus answer with a warning, an empty answer or an old timestamp is never read as fresh', () => {
  const queries = {
    brokerReceiveBytesPerSecond: 'rx',
    brokerTransmitBytesPerSecond: 'tx',
    underReplicatedPartitions: 'urp',
    underMinIsrPartitions: 'umi',
    brokerSampleTimestamps: 'rxt',
    healthSampleTimestamp: 'ht',
    brokerHealthSampleTimestamps: 'hs',
  };
  const NOW_S = 1_700_000_000;
  const PODS = ['b-0', 'b-1', 'b-2'];
  type Answer = Array<{ pod?: string; value: number; atS: number }>;
  /** One query's answer: its series (pods may repeat), and maybe a warning. */
  const seriesArb = (valued: 'rate' | 'time' | 'count') =>
    fc
      .array(
        fc.record({
          pod: fc.constantFrom(...PODS),
          ageS: fc.constantFrom(0, 15, 90, 600, 3600),
          odd: fc.constantFrom<'no' | 'nan' | 'negative'>('no', 'no', 'no', 'nan', 'negative'),
        }),
        { maxLength: 5 },
      )
      .map(series =>
        series.map(({ pod, ageS, odd }) => ({
          ...(valued === 'count' ? {} : { pod }),
          value:
            odd === 'nan'
              ? NaN
              : odd === 'negative'
                ? -1
                : valued === 'time'
                  ? NOW_S - ageS
                  : valued === 'count'
                    ? 0
                    : 1024 * 1024,
          atS: NOW_S,
        })),
      );
  /** A per-pod rate: mostly each pod once, sometimes a pod in several series. */
  const rateArb: fc.Arbitrary<Answer> = fc.oneof(
    {
      weight: 4,
      arbitrary: seriesArb('rate').map(series =>
        series.filter((each, index) => series.findIndex(other => other.pod === each.pod) === index),
      ),
    },
    { weight: 1, arbitrary: seriesArb('rate') },
  );
  /** A cluster-wide count: one series, sometimes none (an empty answer). */
  const countArb: fc.Arbitrary<Answer> = fc.oneof(
    { weight: 5, arbitrary: fc.constant<Answer>([{ value: 0, atS: NOW_S }]) },
    { weight: 1, arbitrary: fc.constant<Answer>([]) },
  );
  const answersArb = fc.record({
    rx: rateArb,
    tx: rateArb,
    urp: countArb,
    umi: countArb,
    rxt: seriesArb('time'),
    ht: seriesArb('time').map(series =>
      series.slice(0, 1).map(({ value, atS }) => ({ value, atS })),
    ),
    hs: seriesArb('time'),
  });
  const warnedArb = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(...Object.values(queries)) },
  );

  function prometheus(answers: Record<string, Answer>, warned: string | undefined) {
    const fetchFn = (async (input: string | URL | Request) => {
      const query = new URL(String(input)).searchParams.get('query') ?? '';
      const body = {
        status: 'success',
        ...(query === warned ? { warnings: ['store 10.0.0.7:10901 unavailable'] } : {}),
        data: {
          resultType: 'vector',
          result: (answers[query] ?? []).map(({ pod, value, atS }) => ({
            metric: pod === undefined ? {} : { pod },
            value: [atS, String(value)],
          })),
        },
      };
      return new Response(JSON.stringify(body), { status: 200 });
    }) as typeof fetch;
    // The controller's clock reads the answers' evaluation time (no skew, no latency): sample
    // times come back as they were sent (review s35-a measures ages on Prometheus's clock).
    return new PrometheusAdapter('http://prom:9090', fetchFn, 10_000, {
      clock: () => NOW_S * 1000,
    });
  }

  test('read only when whole: its age is never younger than any raw sample behind a load', async () => {
    let reads = 0;
    await fc.assert(
      fc.asyncProperty(answersArb, warnedArb, async (answers, warned) => {
        let read: Awaited<ReturnType<PrometheusAdapter['kafkaMetrics']>> | undefined;
        try {
          read = await prometheus(answers, warned).kafkaMetrics(queries);
        } catch (error) {
          expect(error).toBeInstanceOf(PrometheusError);
          return;
        }
        // A warning, an empty count, or no load at all is never read.
        expect(warned).toBeUndefined();
        expect(answers.urp).toHaveLength(1);
        expect(answers.umi).toHaveLength(1);
        expect(read.loads.length).toBeGreaterThan(0);
        // A rate answering one pod in several series is refused (part of its traffic would
        // pass for all of it).
        for (const series of [answers.rx, answers.tx]) {
          const pods = series.map(each => each.pod);
          expect(new Set(pods).size).toBe(pods.length);
        }
        for (const load of read.loads) {
          // Both directions answered, usable.
          const usable = (series: Answer) =>
            series.some(
              each => each.pod === load.podName && Number.isFinite(each.value) && each.value >= 0,
            );
          expect(usable(answers.rx) && usable(answers.tx)).toBe(true);
          // The age is at least that of every raw sample time answered for the pod (a pod
          // answered twice: its older time counts).
          for (const each of answers.rxt.filter(sample => sample.pod === load.podName)) {
            if (Number.isFinite(each.value) && each.value >= 0) {
              expect(read.sampledAtMs).toBeLessThanOrEqual(each.value * 1000);
            }
          }
        }
        reads++;
        for (const [pod, atMs] of Object.entries(read.healthSampledAtMs)) {
          const times = answers.hs
            .filter(each => each.pod === pod && Number.isFinite(each.value) && each.value >= 0)
            .map(each => each.value * 1000);
          expect(atMs).toBe(Math.min(...times));
        }
      }),
      { numRuns: 1000 },
    );
    // Not vacuous: some answers were whole and read.
    expect(reads).toBeGreaterThan(20);
  });
});

test('a hand uncordon right after our cordon is re-cordoned once the own-write hold ends (a counterexample CI found)', async () => {
  // Found by the property above in a CI run (seed -257671418): crash after the first write, a hand
  // uncordon on a stale view, our cordon again, then a second hand uncordon right after it. The
  // view no longer shows our cordon, which the read-your-writes check takes for a lagging view
  // and holds with stale-data for up to staleAfterSeconds; then the node is cordoned again.
  const quiet: Step = { view: 'none', world: 'none', pick: 0 };
  const steps: Step[] = [
    quiet,
    quiet,
    { view: 'kubernetes-old', world: 'uncordon-by-hand', pick: 0 },
    quiet,
    { view: 'none', world: 'uncordon-by-hand', pick: 0 },
  ];
  const { broken, cluster } = await runOperation('respread', steps, 1, 'after');
  expect(broken).toEqual([]);
  expect(cluster.writes.filter(write => write === 'cordon node-a-1').length).toBeGreaterThanOrEqual(
    3,
  );
});
