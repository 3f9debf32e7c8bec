/**
 * Leftovers of earlier reviews, each reproduced on the state that shows it, judged against the
 * controller's promises (never act on stale, partial or missing data; at most one broker move in
 * flight; never terminate a node with a broker; survive a crash at every step; never a state
 * without a way out) and pinned by a fast-check property over its class. docs/controller.md,
 * "Leftovers review", says what each one was and what changed.
 *
 * 6. A Ready broker whose Ready condition has no `lastTransitionTime` skipped the wait for health
 *    sampled after it became Ready (its missing time was read as 0, "long ago"), in the move
 *    gate and at a move's end. Missing is now missing: the move waits (`stale-data`, naming the
 *    pod).
 * 5. A `remove-node` record left in `uncordon` or `abandoned` by a controller from before
 *    protect-before-uncordon could uncordon its node once while its instance was unprotected, when
 *    the Auto Scaling view lagged and still showed the instance protected. Records now carry a
 *    version; one without it gets its instance protected, whatever the view shows, before the
 *    uncordon.
 */
import fc from 'fast-check';
import type { Observed, ObservedBroker } from '../../controller/model';
import { stepOperation } from '../../controller/operation';
import { OPERATION_RECORD_VERSION, type OperationRecord } from '../../controller/operation-record';
import { writeBlocker } from '../../controller/gate';
import { kafkaBlocker } from '../../controller/safety';
import { CrashError, FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import {
  NOW_MS,
  STEP_CONTEXT,
  healthyCluster,
  removalOfNodeA1,
  testConfig,
  withBroker,
  withNode,
} from './fixtures';

const config = testConfig();
/** `config` with no scale-in for a day: the runs below watch one release, not a new removal. */
const holdingConfig = {
  ...config,
  scaleInStabilizationSeconds: 86_400,
  emptyNodeStabilizationSeconds: 86_400,
};

describe('6. a Ready broker without a Ready time', () => {
  const base = healthyCluster(config, { nodesPerZone: 2 });
  const pod = 'orders-brokers-a-1001';
  const unknownSince = withBroker(base, pod, broker => {
    const { readySinceMs, ...rest } = broker;
    void readySinceMs;
    return rest;
  });

  test('holds every move as stale-data, naming the pod (failed before: no hold)', () => {
    expect(kafkaBlocker(base, config)).toBeUndefined();
    const blocked = kafkaBlocker(unknownSince, config);
    expect(blocked?.reason).toBe('stale-data');
    expect(blocked?.detail).toContain(pod);
    expect(blocked?.detail).toContain('lastTransitionTime');
    const roll = { kind: 'request-roll', podName: 'orders-brokers-b-2000', podUid: 'x' } as const;
    expect(writeBlocker(unknownSince, config, roll)?.reason).toBe('stale-data');
  });

  test('a moved pod without a Ready time has not finished its move (failed before)', () => {
    const cordoned = withNode(base, 'node-a-1', node => ({ ...node, unschedulable: true }));
    const record: OperationRecord = {
      ...removalOfNodeA1(STEP_CONTEXT),
      phase: 'drain',
      move: { podName: pod, podUid: `uid-${pod}`, requestedAtMs: NOW_MS - 60_000, attempt: 1 },
    };
    const moved = withBroker(cordoned, pod, broker => ({
      ...broker,
      uid: 'uid-new',
      nodeName: 'node-a-0',
      readySinceMs: NOW_MS - 10_000,
    }));
    expect(stepOperation(record, moved, config, STEP_CONTEXT).events).toEqual(['move-finished']);
    const { readySinceMs, ...withoutTime } = moved.brokers.find(b => b.podName === pod) ?? {
      readySinceMs: 0,
    };
    void readySinceMs;
    const unknown = withBroker(moved, pod, () => withoutTime as ObservedBroker);
    const step = stepOperation(record, unknown, config, STEP_CONTEXT);
    expect(step.events).toEqual([]);
    expect(step.waiting).toContain('attempt 1');
  });

  test('property: no move starts or ends unless health postdates every Ready time, all known', () => {
    const brokerCount = base.brokers.length;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ready: fc.boolean(),
            // undefined: no lastTransitionTime; NaN: one that does not parse.
            readyAgoMs: fc.option(
              fc.oneof(fc.integer({ min: -5_000, max: 600_000 }), fc.constant(NaN)),
              {
                nil: undefined,
              },
            ),
          }),
          { minLength: brokerCount, maxLength: brokerCount },
        ),
        fc.integer({ min: 0, max: 120_000 }),
        (brokers, healthAgoMs) => {
          const healthAtMs = NOW_MS - healthAgoMs;
          const observed: Observed = {
            ...base,
            freshness: { ...base.freshness, prometheusAtMs: healthAtMs },
            brokers: base.brokers.map((broker, index) => {
              const { readySinceMs, ...rest } = broker;
              void readySinceMs;
              const drawn = brokers[index];
              return {
                ...rest,
                ready: drawn.ready,
                ...(drawn.readyAgoMs === undefined
                  ? {}
                  : { readySinceMs: NOW_MS - drawn.readyAgoMs }),
              };
            }),
          };
          const readyTimes = observed.brokers
            .filter(broker => broker.ready)
            .map(broker => broker.readySinceMs);
          const allKnown = readyTimes.every(atMs => atMs !== undefined && Number.isFinite(atMs));
          const allOlder = readyTimes.every(atMs => atMs !== undefined && atMs < healthAtMs);
          if (kafkaBlocker(observed, config) === undefined) {
            expect(allKnown && allOlder).toBe(true);
          }
          // A move's end: the moved pod Ready elsewhere, partitions in sync.
          const movedPod = observed.brokers[1];
          const record: OperationRecord = {
            ...removalOfNodeA1(STEP_CONTEXT),
            phase: 'drain',
            move: {
              podName: movedPod.podName,
              podUid: 'uid-old',
              requestedAtMs: NOW_MS - 60_000,
              attempt: 1,
            },
          };
          const atNode0 = withBroker(
            withNode(observed, 'node-a-1', node => ({ ...node, unschedulable: true })),
            movedPod.podName,
            broker => ({ ...broker, nodeName: 'node-a-0' }),
          );
          const step = stepOperation(
            record,
            { ...atNode0, healthSampledAtMs: base.healthSampledAtMs },
            config,
            STEP_CONTEXT,
          );
          if (step.events.includes('move-finished')) {
            const since = movedPod.readySinceMs;
            expect(movedPod.ready).toBe(true);
            expect(since !== undefined && Number.isFinite(since) && since < healthAtMs).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('5. a record from before protect-before-uncordon, read with a lagging view', () => {
  /**
   * A cluster whose node-a-1 carries `record` (cordoned by this controller) while its instance
   * i-a1 is really unprotected, seen through an Auto Scaling view that lags (still shows i-a1
   * protected) when `lagging`. Every uncordon records whether i-a1 was protected at that moment.
   */
  function legacySetup(record: OperationRecord, lagging: boolean) {
    const cluster = new FakeCluster(holdingConfig, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.brokers = cluster.brokers.map(broker =>
      broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true, operation: record }
        : node,
    );
    const setProtection = (value: boolean) => {
      cluster.groups = cluster.groups.map(group => ({
        ...group,
        instances: group.instances.map(instance =>
          instance.instanceId === 'i-a1' ? { ...instance, protectedFromScaleIn: value } : instance,
        ),
      }));
    };
    setProtection(false);
    const uncordonedWhile: boolean[] = [];
    const setUnschedulable = cluster.setUnschedulable.bind(cluster);
    cluster.setUnschedulable = async (nodeName, nodeUid, unschedulable) => {
      if (!unschedulable && nodeName === 'node-a-1') {
        const instance = cluster.groups
          .flatMap(group => group.instances)
          .find(each => each.instanceId === 'i-a1');
        uncordonedWhile.push(instance?.protectedFromScaleIn === true);
      }
      return setUnschedulable(nodeName, nodeUid, unschedulable);
    };
    const observe = async (): Promise<Observed> => {
      const truth = await cluster.observe();
      if (!lagging) return truth;
      return {
        ...truth,
        groups: truth.groups.map(group => ({
          ...group,
          instances: group.instances.map(instance =>
            instance.instanceId === 'i-a1' ? { ...instance, protectedFromScaleIn: true } : instance,
          ),
        })),
      };
    };
    const controller = reconcilerOn(cluster, holdingConfig, { observe });
    return { cluster, controller, uncordonedWhile };
  }

  /** A rolled-back removal as an older controller stored it: no version. */
  function legacyRecord(phase: 'uncordon' | 'abandoned', phaseAgoMs = 60_000): OperationRecord {
    const { version, ...record } = removalOfNodeA1({ fencingToken: 1, holder: 'a' });
    void version;
    return {
      ...record,
      phase,
      phaseStartedAtMs: NOW_MS - phaseAgoMs,
      note: 'unprotect did not complete in time',
    };
  }

  test('new records carry the version', () => {
    expect(removalOfNodeA1().version).toBe(OPERATION_RECORD_VERSION);
  });

  test('protects the instance before the uncordon although the view shows it protected (failed before)', async () => {
    const { cluster, controller, uncordonedWhile } = legacySetup(legacyRecord('uncordon'), true);
    await controller.reconcileOnce();
    expect(cluster.writes[0]).toBe('protect i-a1');
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation?.version).toBe(
      OPERATION_RECORD_VERSION,
    );
    for (let pass = 0; pass < 4; pass++) {
      cluster.advance(30);
      await controller.reconcileOnce();
    }
    expect(uncordonedWhile).toEqual([true]);
    const node = cluster.nodes.find(each => each.name === 'node-a-1');
    expect(node?.unschedulable).toBe(false);
    expect(node?.operation).toBeUndefined();
  });

  test('a versioned record is released as before: one uncordon once observed protected', async () => {
    const versioned = { ...legacyRecord('uncordon'), version: OPERATION_RECORD_VERSION };
    const { cluster, controller } = legacySetup(versioned, false);
    // The housekeeping protects first (observed unprotected), the step waits for the view.
    await controller.reconcileOnce();
    expect(cluster.writes.filter(write => write.startsWith('uncordon'))).toEqual([]);
    cluster.advance(30);
    await controller.reconcileOnce();
    expect(cluster.writes.filter(write => write.startsWith('uncordon'))).toEqual([
      'uncordon node-a-1',
    ]);
  });

  test('property: over phase x lagging view x crash point x record age, no uncordon of an unprotected instance, and a way out', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<'uncordon' | 'abandoned'>('uncordon', 'abandoned'),
        fc.boolean(),
        fc.option(
          fc.record({
            atWrite: fc.integer({ min: 1, max: 6 }),
            when: fc.constantFrom<'before' | 'after'>('before', 'after'),
          }),
          { nil: undefined },
        ),
        fc.integer({ min: 0, max: 3 * 600_000 }),
        async (phase, lagging, crash, phaseAgoMs) => {
          const { cluster, controller, uncordonedWhile } = legacySetup(
            legacyRecord(phase, phaseAgoMs),
            lagging,
          );
          cluster.crash = crash;
          for (let pass = 0; pass < 12; pass++) {
            try {
              await controller.reconcileOnce();
            } catch (error) {
              if (!(error instanceof CrashError)) throw error;
            }
            cluster.advance(30);
          }
          expect(uncordonedWhile.every(protectedThen => protectedThen)).toBe(true);
          const node = cluster.nodes.find(each => each.name === 'node-a-1');
          // The way out: released, or abandoned (an operator's) and still made schedulable once
          // protected.
          expect(node?.unschedulable).toBe(false);
          if (node?.operation !== undefined) expect(node.operation.phase).toBe('abandoned');
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('3. an orphaned cordon on an instance put into Standby while unprotected', () => {
  /**
   * node-a-1 carries this controller's cordon marker but no record (someone removed it after the
   * unprotect), its instance i-a1 unprotected and put into Standby at `standbyAtPass` (0: before
   * the first pass) for `standbyPasses` passes (undefined: for good). Returns the cluster, the
   * reconciler, and for each uncordon of node-a-1 whether i-a1 was protected then.
   */
  function standbySetup() {
    const cluster = new FakeCluster(holdingConfig, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.brokers = cluster.brokers.map(broker =>
      broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true }
        : node,
    );
    const uncordonedWhile: boolean[] = [];
    const setUnschedulable = cluster.setUnschedulable.bind(cluster);
    cluster.setUnschedulable = async (nodeName, nodeUid, unschedulable) => {
      if (!unschedulable && nodeName === 'node-a-1') {
        uncordonedWhile.push(instanceA1(cluster)?.protectedFromScaleIn === true);
      }
      return setUnschedulable(nodeName, nodeUid, unschedulable);
    };
    return { cluster, controller: reconcilerOn(cluster, holdingConfig), uncordonedWhile };
  }

  function instanceA1(cluster: FakeCluster) {
    return cluster.groups.flatMap(group => group.instances).find(i => i.instanceId === 'i-a1');
  }

  /** i-a1 enters Standby (desired capacity decremented, as `EnterStandby` does by default). */
  function enterStandby(cluster: FakeCluster, protectedFromScaleIn: boolean): void {
    cluster.groups = cluster.groups.map(group =>
      group.instances.some(i => i.instanceId === 'i-a1')
        ? {
            ...group,
            desired: group.desired - 1,
            instances: group.instances.map(i =>
              i.instanceId === 'i-a1'
                ? { ...i, lifecycleState: 'Standby', protectedFromScaleIn }
                : i,
            ),
          }
        : group,
    );
  }

  /** i-a1 leaves Standby (`ExitStandby`: InService again, desired capacity incremented). */
  function exitStandby(cluster: FakeCluster): void {
    cluster.groups = cluster.groups.map(group =>
      group.instances.some(i => i.instanceId === 'i-a1')
        ? {
            ...group,
            desired: group.desired + 1,
            instances: group.instances.map(i =>
              i.instanceId === 'i-a1' ? { ...i, lifecycleState: 'InService' } : i,
            ),
          }
        : group,
    );
  }

  test('is protected, then released, while the instance stays in Standby (failed before)', async () => {
    const { cluster, controller, uncordonedWhile } = standbySetup();
    enterStandby(cluster, false);
    for (let pass = 0; pass < 4; pass++) {
      await controller.reconcileOnce();
      cluster.advance(30);
    }
    expect(instanceA1(cluster)).toMatchObject({
      lifecycleState: 'Standby',
      protectedFromScaleIn: true,
    });
    expect(uncordonedWhile).toEqual([true]);
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.unschedulable).toBe(false);
  });

  test('property: over Standby timing, its length (or for good) and a protection cleared on entry, the cordon is released within a pass of the protection, never while unprotected', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }),
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        fc.boolean(),
        async (standbyAtPass, standbyPasses, protectedInStandby) => {
          const { cluster, controller, uncordonedWhile } = standbySetup();
          // Unprotected from the start (the record was removed after the unprotect step).
          cluster.groups = cluster.groups.map(group => ({
            ...group,
            instances: group.instances.map(i =>
              i.instanceId === 'i-a1' ? { ...i, protectedFromScaleIn: false } : i,
            ),
          }));
          let releasedAtPass: number | undefined;
          for (let pass = 0; pass < 30; pass++) {
            if (pass === standbyAtPass) enterStandby(cluster, protectedInStandby);
            if (standbyPasses !== undefined && pass === standbyAtPass + standbyPasses) {
              exitStandby(cluster);
            }
            await controller.reconcileOnce();
            cluster.advance(30);
            const node = cluster.nodes.find(each => each.name === 'node-a-1');
            if (releasedAtPass === undefined && node?.unschedulable === false)
              releasedAtPass = pass;
          }
          expect(uncordonedWhile.every(protectedThen => protectedThen)).toBe(true);
          // InService or Standby at every pass: protected at the first pass, released at the
          // second; a protection cleared on entering Standby at pass 1 costs one pass more.
          expect(releasedAtPass).toBeDefined();
          const clearedLate = !protectedInStandby && standbyAtPass === 1;
          expect(releasedAtPass).toBeLessThanOrEqual(clearedLate ? 2 : 1);
          expect(instanceA1(cluster)?.protectedFromScaleIn).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });
});
