/**
 * Gaps earlier fault reviews noticed and left, each reproduced as the state that shows it and
 * pinned as a property over its class (docs/controller.md, "Known gaps closed").
 *
 * 1. A node of ours made schedulable while its instance goes away. Only `drain`, `unprotect` and
 *    `terminate` cordoned a node again that someone uncordoned: in `terminated` (the instance has
 *    left its group) and in `uncordon` or `abandoned` while the instance was `Terminating` or being
 *    detached, the node stayed schedulable, so a Pending broker could be scheduled onto an instance
 *    on its way out. Now any operation whose node's instance is going away (`nodeGoingAway`: the
 *    record in `terminated`, the instance leaving (`Terminat*`, `Detach*`), or no longer listed by
 *    its observed group) cordons it again, in any phase, without a rollback.
 * 2. A detached instance left its node cordoned for ever with one Warning. Someone detaches the
 *    instance of a removal: the removal ends in `terminated`, lets go at its deadline
 *    (`NodeRemainsAfterTermination`), and the orphaned-cordon release keeps the node cordoned (its
 *    instance is in no group: not ours to terminate, and protect before uncordon cannot hold)
 *    silently, for ever. The node stays cordoned (a broker does not belong on an instance outside
 *    the groups the controller counts and protects), and now the release says so again every
 *    phase deadline (Warning `NodeHeldCordoned`, naming why and the fixes) with a gauge
 *    (`kafka_autoscaler_nodes_held_cordoned`); a reattached instance is protected and released.
 *
 * 3. A re-spread resumed after a crash made one extra move. Its roll request goes out before its
 *    record (so a crash leaves an annotated pod, which the next step adopts); but when Strimzi had
 *    already recreated the pod elsewhere by then, nothing on the node showed the roll, and the
 *    re-spread, having moved nothing by its record, rolled a second broker once the first was back
 *    (never both at once: the gate and the live read hold a roll while a broker is down). Now a
 *    re-spread notes its node's broker pods as its drain begins (`drainPods`) and adopts one that
 *    has left the node as its move.
 * 4. An info note was taken for a partial answer. Prometheus 2.48 to 2.53 (and Thanos) list PromQL
 *    info-level annotations ("PromQL info: ...", e.g. `rate()` over a counter whose name does not
 *    end in `_total`) in `warnings`; 2.54 on lists them in `infos`. The partial-answer refusal
 *    refused every warning, so a custom query that triggers such a note left the controller
 *    without data for good (`stale-data`). Now only warnings that may mean partial data are refused
 *    (`partialDataWarnings`): everything but the info notes.
 */
import fc from 'fast-check';
import { landingBlocker } from '../../controller/gate';
import { ControllerMetrics } from '../../controller/metrics';
import type { Observed } from '../../controller/model';
import { nodeGoingAway, phaseDeadlines, stepOperation } from '../../controller/operation';
import { OPERATION_PHASES, type OperationRecord } from '../../controller/operation-record';
import type { ControllerEvent } from '../../controller/ports';
import {
  PROMQL_INFO_PREFIX,
  PrometheusAdapter,
  PrometheusError,
  partialDataWarnings,
} from '../../controller/adapters/prometheus';
import { CrashError, FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import {
  NOW_MS,
  STEP_CONTEXT,
  cordonRecordOfNodeA1,
  emptiedNodeA1,
  freshAt,
  healthyCluster,
  removalOfNodeA1,
  testConfig,
  withNode,
} from './fixtures';

const config = testConfig();
const deadlines = phaseDeadlines(config);

/** How the instance of node-a-1 (i-a1) is on its way out, as the Auto Scaling view shows it. */
type Leaving =
  'Terminating' | 'Terminating:Wait' | 'Terminated' | 'Detaching' | 'Detached' | 'gone';
const LEAVING: readonly Leaving[] = [
  'Terminating',
  'Terminating:Wait',
  'Terminated',
  'Detaching',
  'Detached',
  'gone',
];

function withInstanceA1(observed: Observed, leaving: Leaving | 'InService'): Observed {
  return {
    ...observed,
    groups: observed.groups.map(group => ({
      ...group,
      instances: group.instances.flatMap(instance => {
        if (instance.instanceId !== 'i-a1') return [instance];
        if (leaving === 'gone') return [];
        return [{ ...instance, lifecycleState: leaving }];
      }),
    })),
  };
}

describe('gap 1: a node whose instance goes away is cordoned again, in every phase', () => {
  const base = emptiedNodeA1(healthyCluster(config, { nodesPerZone: 2 }));
  const removal = removalOfNodeA1(STEP_CONTEXT);

  test('`terminated`, someone uncordons the node: cordoned again (it stayed schedulable before)', () => {
    // GIVEN a removal whose instance was terminated (gone from its group) while its Node object
    // stays, and someone uncordoned that node
    const record: OperationRecord = { ...removal, phase: 'terminated' };
    const observed = withInstanceA1(
      withNode(base, 'node-a-1', node => ({ ...node, unschedulable: false, operation: record })),
      'gone',
    );
    // WHEN the operation steps THEN it cordons the node again and keeps waiting for it to leave
    const step = stepOperation(record, observed, config, STEP_CONTEXT);
    expect(step.effect).toEqual({ kind: 'cordon', nodeName: 'node-a-1', nodeUid: 'uid-node-a-1' });
    expect(step.next).toEqual(record);
    expect(step.events).toEqual(['re-cordoned']);
    // AND at its deadline the record goes as before, the cordon first (a crash repeats both)
    const lateMs = deadlines.phase + 1000;
    const late = stepOperation(record, freshAt(observed, NOW_MS + lateMs), config, {
      ...STEP_CONTEXT,
      nowMs: NOW_MS + lateMs,
    });
    expect(late.next).toBeUndefined();
    expect(late.effect).toMatchObject({ kind: 'cordon' });
    expect(late.effectFirst).toBe(true);
    expect(late.events).toEqual(['re-cordoned', 'node-remains']);
  });

  test('property: whatever the phase, kind, marker and time, a node of ours whose instance leaves is never left schedulable', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPERATION_PHASES),
        fc.constantFrom('remove-node' as const, 'respread' as const),
        fc.constantFrom(...LEAVING),
        fc.constantFrom(true, false, undefined),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 * deadlines.phase }),
        (phase, kind, leaving, marker, unschedulable, elapsedMs) => {
          const record: OperationRecord = {
            ...removal,
            kind,
            ...(kind === 'respread' ? { instanceId: undefined } : {}),
            phase,
            ...(phase === 'abandoned' || phase === 'uncordon' ? { note: 'rolled back' } : {}),
          };
          const nowMs = NOW_MS + elapsedMs;
          const observed = freshAt(
            withInstanceA1(
              withNode(base, 'node-a-1', node => ({
                ...node,
                unschedulable,
                ...(marker === undefined ? {} : { cordonedByController: marker }),
                operation: record,
              })),
              leaving,
            ),
            nowMs,
          );
          const step = stepOperation(record, observed, config, { ...STEP_CONTEXT, nowMs });
          // Never made schedulable, nor its instance's protection touched towards an uncordon.
          expect(step.effect?.kind).not.toBe('uncordon');
          expect(nodeGoingAway(record, observed.nodes[1], observed)).toBeDefined();
          if (!unschedulable) {
            // Uncordoned by someone: cordoned again, whatever the phase.
            expect(step.effect).toEqual({
              kind: 'cordon',
              nodeName: 'node-a-1',
              nodeUid: 'uid-node-a-1',
            });
            expect(step.events).toContain('re-cordoned');
            // Bounded: past the phase deadline the record goes, the cordon first (`abandoned`
            // waits for an operator and keeps it).
            const due = elapsedMs > deadlines.phase && phase !== 'abandoned';
            expect(step.next === undefined).toBe(due);
            if (due) expect(step.effectFirst).toBe(true);
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  test('the way out stays: an instance back InService and protected lets `uncordon` release the node', () => {
    const record: OperationRecord = { ...removal, phase: 'uncordon', note: 'demand rose' };
    const observed = withNode(base, 'node-a-1', node => ({
      ...node,
      unschedulable: true,
      cordonedByController: true,
      operation: record,
    }));
    expect(nodeGoingAway(record, observed.nodes[1], observed)).toBeUndefined();
    expect(stepOperation(record, observed, config, STEP_CONTEXT).effect).toMatchObject({
      kind: 'uncordon',
    });
  });
});

describe('gap 1, the same class outside an operation: no broker is sent towards a leaving instance', () => {
  test('a roll is held while a schedulable node of the zone is on an instance being detached', () => {
    // GIVEN node-a-1 schedulable, its instance `Detaching` (someone detaches it: it would keep
    // running outside the group), and a broker of zone a to be rolled
    const observed = withInstanceA1(healthyCluster(config, { nodesPerZone: 2 }), 'Detaching');
    const broker = observed.brokers.find(each => each.nodeName === 'node-a-0');
    // WHEN the gate judges where the rolled broker may land THEN it holds, naming the node
    expect(landingBlocker(observed, broker?.podName ?? '')?.detail).toMatch(
      /node-a-1.*i-a1 is Detaching/,
    );
  });

  test('an orphaned cordon on an instance being detached is not released (protect cannot hold it)', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true }
        : node,
    );
    cluster.groups = [...withInstanceA1(await cluster.observe(), 'Detaching').groups];
    const controller = reconcilerOn(cluster, config, { observe: () => cluster.observe() });
    await controller.reconcileOnce();
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.unschedulable).toBe(true);
    expect(cluster.writes).not.toContain('uncordon node-a-1');
  });
});

describe('gap 2: a node left cordoned on a detached instance is reported, again and again', () => {
  /**
   * GIVEN a removal of node-a-1 in `terminate`, the node empty, and someone detaching its
   * instance (gone from the group, desired capacity lowered by the detach) before the terminate.
   */
  function detachedDuringRemoval(): {
    cluster: FakeCluster;
    events: ControllerEvent[];
    metrics: ControllerMetrics;
    run: () => Promise<void>;
  } {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.brokers = cluster.brokers.map(broker =>
      broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    const record: OperationRecord = {
      ...removalOfNodeA1({ fencingToken: 1, holder: 'a' }),
      phase: 'terminate',
    };
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true, operation: record }
        : node,
    );
    cluster.groups = cluster.groups.map(group =>
      group.instances.some(instance => instance.instanceId === 'i-a1')
        ? {
            ...group,
            desired: group.desired - 1,
            instances: group.instances.filter(instance => instance.instanceId !== 'i-a1'),
          }
        : group,
    );
    const events: ControllerEvent[] = [];
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    const controller = reconcilerOn(cluster, config, {
      observe: () => cluster.observe(),
      events: { record: async event => void events.push(event) },
      metrics,
      liveNodeCheck: cluster,
      liveBrokerCheck: cluster,
    });
    return {
      cluster,
      events,
      metrics,
      run: async () => {
        await controller.reconcileOnce();
      },
    };
  }
  const nodeA1 = (cluster: FakeCluster) => cluster.nodes.find(node => node.name === 'node-a-1');
  const held = (events: readonly ControllerEvent[]) =>
    events.filter(event => event.reason === 'NodeHeldCordoned');
  const gauge = async (metrics: ControllerMetrics) =>
    Number(/^kafka_autoscaler_nodes_held_cordoned (\S+)$/m.exec(await metrics.text())?.[1]);

  test('detached mid-removal: the node stays cordoned, uncordons by others are undone, and a Warning repeats each deadline', async () => {
    const { cluster, events, metrics, run } = detachedDuringRemoval();
    // WHEN the controller runs: the removal sees its instance left (`terminated`)
    await run();
    expect(nodeA1(cluster)?.operation?.phase).toBe('terminated');
    // AND someone uncordons the node: it is cordoned again (gap 1)
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1' ? { ...node, unschedulable: false } : node,
    );
    await run();
    expect(nodeA1(cluster)?.unschedulable).toBe(true);
    // AND past the deadline the record goes (the Node stays: the instance runs on, detached)
    cluster.advance(deadlines.phase / 1000 + 30);
    await run();
    expect(nodeA1(cluster)?.operation).toBeUndefined();
    expect(events.map(event => event.reason)).toContain('NodeRemainsAfterTermination');
    // THEN for hours the node stays cordoned, never uncordoned by the controller, and a Warning
    // names it once per phase deadline (not once for good, nor every pass)
    const passesPerDeadline = 10;
    for (let pass = 0; pass < 4 * passesPerDeadline; pass++) {
      cluster.advance(deadlines.phase / 1000 / passesPerDeadline);
      await run();
    }
    expect(nodeA1(cluster)?.unschedulable).toBe(true);
    expect(cluster.writes.filter(write => write === 'uncordon node-a-1')).toEqual([]);
    const warnings = held(events);
    expect(warnings.length).toBeGreaterThanOrEqual(3);
    expect(warnings.length).toBeLessThanOrEqual(5);
    expect(warnings[0]).toMatchObject({ type: 'Warning' });
    expect(warnings[0].message).toMatch(
      /node-a-1.*in no observed Auto Scaling group.*attach-instances/,
    );
    expect(await gauge(metrics)).toBe(1);
  });

  test('property: a held node is reported no sooner than a deadline after it was first held, then once per deadline, with no gap longer than a deadline and a pass', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 5, max: 400 }), { minLength: 1, maxLength: 60 }),
        async steps => {
          // GIVEN node-a-1 cordoned by the controller, no record, its instance detached
          const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
          cluster.nodes = cluster.nodes.map(node =>
            node.name === 'node-a-1'
              ? { ...node, unschedulable: true, cordonedByController: true }
              : node,
          );
          cluster.groups = [...withInstanceA1(await cluster.observe(), 'gone').groups];
          const reportedAt: number[] = [];
          const controller = reconcilerOn(cluster, config, {
            observe: () => cluster.observe(),
            events: {
              record: async event => {
                if (event.reason === 'NodeHeldCordoned') reportedAt.push(cluster.nowMs);
              },
            },
          });
          const firstMs = cluster.nowMs;
          const maxStepMs = Math.max(...steps) * 1000;
          for (const seconds of steps) {
            await controller.reconcileOnce();
            cluster.advance(seconds);
          }
          await controller.reconcileOnce();
          const lastMs = cluster.nowMs;
          // THEN it stays cordoned, and the reports are spaced as promised
          expect(cluster.nodes.find(node => node.name === 'node-a-1')?.unschedulable).toBe(true);
          const due = [firstMs + deadlines.phase, ...reportedAt.map(at => at + deadlines.phase)];
          reportedAt.forEach((at, index) => {
            expect(at).toBeGreaterThanOrEqual(due[index]);
            expect(at).toBeLessThan(due[index] + maxStepMs);
          });
          // The next report is not overdue by more than one pass at the end either.
          expect(lastMs).toBeLessThan(due[reportedAt.length] + maxStepMs);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('only the leader reports: a replica that loses the lease sets the gauge to 0 and forgets', async () => {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true }
        : node,
    );
    cluster.groups = [...withInstanceA1(await cluster.observe(), 'gone').groups];
    const metrics = new ControllerMetrics({ defaultMetrics: false });
    let leading = true;
    const controller = reconcilerOn(cluster, config, {
      observe: () => cluster.observe(),
      metrics,
      leadership: () => ({ leading, fencingToken: 1, holder: 'a' }),
    });
    await controller.reconcileOnce();
    cluster.advance(deadlines.phase / 1000 + 1);
    await controller.reconcileOnce();
    expect(await gauge(metrics)).toBe(1);
    leading = false;
    await controller.reconcileOnce();
    expect(await gauge(metrics)).toBe(0);
  });

  test('the way out: the instance reattached, the controller protects it and uncordons the node; the alert stops', async () => {
    const { cluster, events, metrics, run } = detachedDuringRemoval();
    await run();
    for (let pass = 0; pass < 3; pass++) {
      cluster.advance(deadlines.phase / 1000 + 30);
      await run();
    }
    expect(held(events)).toHaveLength(1);
    expect(await gauge(metrics)).toBe(1);
    // WHEN an operator reattaches the instance (InService, unprotected, desired raised by one)
    cluster.groups = cluster.groups.map(group =>
      group.groupName === 'asg-orders-kafka-a'
        ? {
            ...group,
            desired: group.desired + 1,
            instances: [
              ...group.instances,
              { instanceId: 'i-a1', lifecycleState: 'InService', protectedFromScaleIn: false },
            ],
          }
        : group,
    );
    // THEN the housekeeping protects it, and the release uncordons the node once protected
    for (let pass = 0; pass < 3; pass++) {
      cluster.advance(30);
      await run();
    }
    expect(cluster.writes).toContain('protect i-a1');
    expect(nodeA1(cluster)?.unschedulable).toBe(false);
    expect(await gauge(metrics)).toBe(0);
    expect(held(events)).toHaveLength(1);
  });
});

describe('gap 3: a re-spread resumed after a crash makes exactly one move', () => {
  type CrashPoint = 'none' | 'before-roll' | 'after-roll' | 'after-record';
  /**
   * A re-spread of node-a-1 (2 of zone a's 4 brokers) from `cordon`; the controller crashes at
   * `crash` around its roll request and a new process takes over; Strimzi leaves the roll alone
   * for `strimziLagPasses` passes of 30 s, then recreates the pod on a schedulable node.
   */
  async function respreadWithCrash(
    crash: CrashPoint,
    strimziLagPasses: number,
    passSeconds: number,
  ) {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const record = cordonRecordOfNodeA1('respread', 'op-r');
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1' ? { ...node, operation: record } : node,
    );
    // Writes: 1 cordon, 2 record drain (with its broker pods), 3 roll, 4 record with the move.
    const atWrite = { none: 0, 'before-roll': 3, 'after-roll': 3, 'after-record': 4 }[crash];
    if (atWrite > 0) {
      cluster.crash = { atWrite, when: crash === 'before-roll' ? 'before' : 'after' };
    }
    const start = () =>
      reconcilerOn(cluster, config, {
        observe: () => cluster.observe(),
        liveBrokerCheck: cluster,
        liveNodeCheck: cluster,
      });
    let controller = start();
    let passes = 0;
    let rollsSeen = 0;
    while (passes < 40 && cluster.nodes.find(node => node.name === 'node-a-1')?.operation) {
      passes++;
      try {
        await controller.reconcileOnce();
      } catch (error) {
        if (!(error instanceof CrashError)) throw error;
        controller = start();
      }
      const rolls = cluster.writes.filter(write => write.startsWith('roll ')).length;
      if (rolls > rollsSeen) {
        rollsSeen = rolls;
        cluster.strimzi = strimziLagPasses > 0 ? 'refuse' : 'roll';
      }
      if (cluster.strimzi === 'refuse' && --strimziLagPasses <= 0) cluster.strimzi = 'roll';
      cluster.advance(passSeconds);
    }
    return { cluster, passes };
  }

  test('crash right after the roll, Strimzi quick: one move, not two', async () => {
    const { cluster } = await respreadWithCrash('after-roll', 0, 60);
    expect(cluster.writes.filter(write => write.startsWith('roll '))).toEqual([
      'roll orders-brokers-a-1001',
    ]);
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation).toBeUndefined();
    expect(cluster.brokers.filter(broker => broker.nodeName === 'node-a-1')).toHaveLength(1);
  });

  test('property: whatever the crash point and Strimzi lag, one broker rolled, never two rolling, and the re-spread ends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<CrashPoint>('none', 'before-roll', 'after-roll', 'after-record'),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(10, 30, 60, 300),
        async (crash, lag, passSeconds) => {
          const { cluster } = await respreadWithCrash(crash, lag, passSeconds);
          // One broker moved: every roll request names the same pod (a Strimzi slower than the
          // move deadline gets that one pod's retry, not another broker's roll).
          const rolled = new Set(cluster.writes.filter(write => write.startsWith('roll ')));
          expect([...rolled]).toEqual(['roll orders-brokers-a-1001']);
          expect(cluster.mostRollsInFlight).toBeLessThanOrEqual(1);
          expect(cluster.nodes.find(node => node.name === 'node-a-1')?.operation).toBeUndefined();
          expect(cluster.nodes.find(node => node.name === 'node-a-1')?.unschedulable).toBe(false);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('gap 4: PromQL info notes in `warnings` are not a partial answer', () => {
  const queries = {
    brokerReceiveBytesPerSecond: 'rx',
    brokerTransmitBytesPerSecond: 'tx',
    underReplicatedPartitions: 'urp',
    underMinIsrPartitions: 'umi',
    brokerHealthSampleTimestamps: 'hs',
  };
  const atSeconds = 1_700_000_000;
  type Series = Array<[Record<string, string>, number]>;
  const answers: Record<string, Series> = {
    rx: [[{ pod: 'b-0' }, 1]],
    tx: [[{ pod: 'b-0' }, 1]],
    urp: [[{}, 0]],
    umi: [[{}, 0]],
    hs: [[{ pod: 'b-0' }, atSeconds]],
  };
  /** Notes as Prometheus 2.48-2.53 word them (info level), with their position suffix. */
  const INFO_NOTES = [
    'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "kafka_server_brokertopicmetrics_bytesin" (1:6)',
    'PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "x" (1:1)',
  ];
  /** Warnings that may mean the data is partial, or that this code cannot tell. */
  const PARTIAL = [
    'store 10.0.0.7:10901 unavailable: context deadline exceeded',
    'remote read from 10.0.0.8 failed',
    'PromQL warning: encountered a mix of histograms and floats for metric name "x" (1:1)',
    '3 more annotations omitted',
    'promql info: lower case is not the prefix',
    '',
  ];

  /** A Prometheus whose answer to `rx` carries `warnings` (and, separately, `infos`). */
  function prometheus(
    warnings: readonly string[],
    infos: readonly string[] = [],
  ): PrometheusAdapter {
    const fetchFn = (async (input: string | URL | Request) => {
      const query = new URL(String(input)).searchParams.get('query') ?? '';
      const body = {
        status: 'success',
        ...(query === 'rx' && warnings.length > 0 ? { warnings } : {}),
        ...(query === 'rx' && infos.length > 0 ? { infos } : {}),
        data: {
          resultType: 'vector',
          result: (answers[query] ?? []).map(([metric, value]) => ({
            metric,
            value: [atSeconds, String(value)],
          })),
        },
      };
      return new Response(JSON.stringify(body), { status: 200 });
    }) as typeof fetch;
    return new PrometheusAdapter('http://prom:9090', fetchFn);
  }

  test('an info note in `warnings` (Prometheus 2.48-2.53, Thanos): the answer is read', async () => {
    // GIVEN a custom receive query over a counter not named `_total`, which an older Prometheus
    // answers whole, with an info note in `warnings`
    const adapter = prometheus([INFO_NOTES[0]]);
    // WHEN the controller reads the metrics THEN it gets them (it failed as a partial answer before)
    await expect(adapter.kafkaMetrics(queries)).resolves.toMatchObject({
      underReplicatedPartitions: 0,
      loads: [expect.objectContaining({ podName: 'b-0' })],
    });
  });

  test('the same note in `infos` (Prometheus 2.54 on) is read too, a store error beside it is not', async () => {
    await expect(prometheus([], INFO_NOTES).kafkaMetrics(queries)).resolves.toBeDefined();
    await expect(prometheus([PARTIAL[0]], INFO_NOTES).kafkaMetrics(queries)).rejects.toThrow(
      PrometheusError,
    );
  });

  test('property: refused exactly when some warning is not an info note, which the error names', async () => {
    const warning = fc.oneof(
      fc.constantFrom(...INFO_NOTES, ...PARTIAL),
      fc.string({ maxLength: 30 }),
      fc.string({ maxLength: 30 }).map(rest => `${PROMQL_INFO_PREFIX}${rest}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(warning, { maxLength: 5 }), async warnings => {
        const partial = warnings.filter(each => !each.trimStart().startsWith(PROMQL_INFO_PREFIX));
        expect(partialDataWarnings({ warnings })).toEqual(partial);
        const read = prometheus(warnings).kafkaMetrics(queries);
        if (partial.length === 0) {
          await expect(read).resolves.toBeDefined();
        } else {
          await expect(read).rejects.toThrow(/partial answer/);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('a malformed `warnings` field (not a list of strings) is still refused, never read as none', () => {
    expect(partialDataWarnings({ warnings: [{ store: 'x' }] })).toHaveLength(1);
    expect(partialDataWarnings({ warnings: [7] })).toHaveLength(1);
    expect(partialDataWarnings({ warnings: 'store down' })).toEqual(['store down']);
    expect(partialDataWarnings({})).toEqual([]);
  });
});
