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
 * 2. A Ready broker pod whose Ready condition carries no `lastTransitionTime` counted as Ready since
 *    for ever. The checks that need partition health sampled after the last broker became Ready
 *    (`kafkaBlocker` before a move, `moveIsDone` at its end) then passed on a sample taken before
 *    the pod started, while its replicas were still catching up: a move ended, and the next one
 *    started, on partition counts that said nothing about the moved broker. Now the observation
 *    gives such a pod the time this process first saw it Ready (`ReadySinceMemory`, wired in
 *    `main.ts`), never earlier than the truth. (The leftovers review, merged meanwhile, made the
 *    pure checks hold on a missing time; on their own they hold for good while the field never
 *    appears. With the memory, the hold ends one sample after the pod was first seen Ready: the
 *    first test below fails without it on either code.)
 * 3. A partial Prometheus answer was taken as a whole one. The HTTP API answers `success` with a
 *    `warnings` list when part of the data could not be read (a Thanos store, a remote-read
 *    endpoint or a shard that failed) and returns the series it did collect: the namespace-wide
 *    sum of under-replicated partitions then reads 0 without the failed store's brokers, and the
 *    per-pod health times (a separate query, which that store may have answered) do not show it.
 *    And a partition count read as one number took the first series of an answer with several (a
 *    query without `sum`): one broker's count for the cluster's. Now both are refused at the
 *    adapter (`PrometheusError`, so the data counts as missing: `stale-data`); a pod whose health
 *    time is answered twice keeps the older one.
 * 4. A move's new pod could land on a node whose instance was not protected from scale-in. The
 *    scheduler puts a rolled broker on any schedulable, Ready node of its zone; a roll went out
 *    while one of them was on an InService instance observed unprotected (just launched, the
 *    housekeeping's `SetInstanceProtection` not taken yet or failing), so the broker landed on an
 *    instance that a lowered desired capacity could pick. The gate now holds a roll request while
 *    such a node exists, or one on an instance that is leaving its group (`landingBlocker`).
 *
 * Fault kind added to the chaos world (`REVIEW_5_FAULT_KINDS`): `pod-down-unseen`.
 *
 * Mutation check: 28 mutants, each one condition flipped or dropped in safety.ts, gate.ts,
 * operation.ts, protection.ts, nodeless.ts, observe.ts or reconciler.ts, run one at a time against
 * the controller's safety tests (operation, reconciler, write-gate-review, exits, protection,
 * rollback-protection*, fault-review-2..5, uncordon-during-roll, issue-10, nodeless-retry, decide,
 * invariants, step-writes, observe). 19 were killed; the 9 survivors are killed by the last
 * describe block: the future side of the stale limit widened, infinite samples usable, a Ready pod
 * without a node taken as up, unprotect/terminate with a second Node naming the instance, a move's
 * end ignoring under-min-ISR, the live check before terminate ignoring an uncordoned node, the live
 * roll check without its UID comparison, and two that no path reaches today (kafkaBlocker reading
 * a missing count as 0, the node-less gate's InService check), kept dead for a future caller.
 */
import fc from 'fast-check';
import { PrometheusAdapter, PrometheusError } from '../../controller/adapters/prometheus';
import type { Observed, ObservedBroker } from '../../controller/model';
import { ReadySinceMemory, assembleObservation, type PodLike } from '../../controller/observe';
import { kafkaBlocker, staleDataBlocker } from '../../controller/safety';
import { writeBlocker } from '../../controller/gate';
import { stepOperation } from '../../controller/operation';
import type { OperationRecord } from '../../controller/operation-record';
import type { Reconciler } from '../../controller/reconciler';
import { configWithZones, expectSettled, faultArbOf, runSchedule } from './chaos-run';
import {
  FAULT_KINDS,
  REVIEW_4_FAULT_KINDS,
  REVIEW_5_FAULT_KINDS,
  type Fault,
  type FaultKind,
} from './chaos-world';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { NOW_MS, STEP_CONTEXT, removalOfNodeA1, testConfig } from './fixtures';

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

/**
 * The broker pods of `config` as the API server would list them: all Ready and bound, the Ready
 * condition of those in `unstamped` without a `lastTransitionTime`, the others stamped an hour
 * before `NOW_MS`.
 */
function brokerPods(unstamped: ReadonlySet<string>, notReady: ReadonlySet<string>): PodLike[] {
  return config.zones.flatMap((zone, zoneIndex) =>
    Array.from({ length: zone.brokers }, (_, index) => {
      const name = `orders-${zone.poolName}-${(zoneIndex + 1) * 1000 + index}`;
      const ready = !notReady.has(name);
      return {
        metadata: {
          name,
          uid: `uid-${name}`,
          labels: { 'strimzi.io/pool-name': zone.poolName },
        },
        spec: { nodeName: `node-${zone.poolName.slice(-1)}-0` },
        status: {
          conditions: [
            {
              type: 'Ready',
              status: ready ? 'True' : 'False',
              ...(unstamped.has(name)
                ? {}
                : { lastTransitionTime: new Date(NOW_MS - 3_600_000).toISOString() }),
            },
          ],
        },
      };
    }),
  );
}

/**
 * One observation as `main.ts` assembles it: the pods above, partition health 0 sampled at
 * `healthAtMs` for every pod, the other sources fresh; through `memory` as `main.ts` wires it.
 */
function observedAt(
  nowMs: number,
  healthAtMs: number,
  pods: readonly PodLike[],
  memory: ReadySinceMemory,
): Observed {
  const names = pods.map(pod => pod.metadata?.name ?? '');
  return memory.fill(
    assembleObservation(
      {
        nowMs,
        nodes: config.zones.map(zone => {
          const name = `node-${zone.poolName.slice(-1)}-0`;
          return {
            metadata: {
              name,
              uid: `uid-${name}`,
              labels: { 'topology.kubernetes.io/zone': zone.zone },
            },
            spec: { providerID: `aws:///${zone.zone}/i-${zone.poolName.slice(-1)}0` },
            status: { conditions: [{ type: 'Ready', status: 'True' }] },
          };
        }),
        pods,
        kafka: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
        kubernetesSyncedAtMs: nowMs,
        prometheus: {
          atMs: healthAtMs,
          loads: names.map(podName => ({ podName, receiveMiBps: 1, transmitMiBps: 1 })),
          underReplicatedPartitions: 0,
          underMinIsrPartitions: 0,
          healthSampledAtMs: Object.fromEntries(names.map(name => [name, healthAtMs])),
        },
        autoscaling: { atMs: nowMs, groups: [] },
      },
      config,
    ),
  );
}

describe("the chaos property with the fifth review's fault kind (a broker down, unseen for a while)", () => {
  /** Every kind, the review's own drawn as often as all the others together. */
  const others: readonly FaultKind[] = [...FAULT_KINDS, ...REVIEW_4_FAULT_KINDS];
  const kinds: readonly FaultKind[] = [
    ...others,
    ...others.map((_, index) => REVIEW_5_FAULT_KINDS[index % REVIEW_5_FAULT_KINDS.length]),
  ];
  const schedules = fc
    .array(faultArbOf(kinds), { minLength: 1, maxLength: 60 })
    .map(faults => [...faults].sort((a, b) => a.atMs - b.atMs));

  test('every schedule: the checker finds no violation, and the world settles', async () => {
    await fc.assert(
      fc.asyncProperty(schedules, fc.constantFrom(2, 3), async (faults, zones) => {
        const { violations, world } = await runSchedule(faults, configWithZones(zones));
        expect(violations).toEqual([]);
        expectSettled(world);
      }),
      { numRuns: 40, seed: 2025, endOnFailure: true },
    );
  }, 300_000);

  test('without the live read, a schedule of only this kind finds two brokers down', async () => {
    // The kind is not vacuous: the same world, the controller without `LiveBrokerCheck`.
    const faults: Fault[] = Array.from({ length: 40 }, (_, index) => ({
      atMs: 60_000 + index * 270_000,
      kind: 'pod-down-unseen' as const,
      durationMs: 60_000,
      pick: index * 7,
    }));
    const without = await runSchedule(faults, configWithZones(3), { liveBrokerCheck: false });
    expect(without.violations.map(violation => violation.invariant)).toContain('two-brokers-down');
    const withCheck = await runSchedule(faults, configWithZones(3));
    expect(withCheck.violations).toEqual([]);
  }, 120_000);
});

describe('fault 2: a Ready broker pod without a readiness time is not Ready since for ever', () => {
  const restarted = 'orders-brokers-a-1000';

  test('a broker Ready again without lastTransitionTime: no move on health sampled before it was seen Ready', () => {
    // GIVEN a process that saw broker 1000 restarting at t0, then Ready at t1 = t0 + 30 s with no
    // lastTransitionTime on its Ready condition, and partition health last sampled at t1 - 20 s
    // (the oldest raw sample: before the broker was Ready, its replicas not caught up)
    const memory = new ReadySinceMemory();
    const t0 = NOW_MS;
    observedAt(t0, t0 - 10_000, brokerPods(new Set([restarted]), new Set([restarted])), memory);
    const t1 = t0 + 30_000;
    const pods = brokerPods(new Set([restarted]), new Set());
    // WHEN the controller asks whether a move may start
    const blocker = kafkaBlocker(observedAt(t1, t1 - 20_000, pods, memory), config);
    // THEN it holds: partition health was sampled before that broker became Ready
    expect(blocker?.reason).toBe('stale-data');
    expect(blocker?.detail).toContain('before the latest broker became Ready');
    // AND the way out: a sample taken after it was seen Ready lets the move go
    const t2 = t1 + 30_000;
    expect(kafkaBlocker(observedAt(t2, t1 + 15_000, pods, memory), config)).toBeUndefined();
  });

  test('first seen when the pod view was read, not when the observation began (its queries took seconds)', () => {
    // GIVEN an observation that began at t, whose Prometheus and Auto Scaling queries took 8 s
    // before the pod cache was read, showing broker 1000 Ready for the first time, unstamped
    const memory = new ReadySinceMemory();
    const t = NOW_MS;
    const pods = brokerPods(new Set([restarted]), new Set());
    const assembled = observedAt(t, t + 5_000, pods, new ReadySinceMemory());
    const withoutFill = {
      ...assembled,
      brokers: assembled.brokers.map(broker =>
        broker.podName === restarted ? { ...broker, readySinceMs: undefined } : broker,
      ),
    };
    // WHEN it is filled with the time of the read
    const filled = memory.fill(withoutFill, t + 8_000);
    // THEN a sample taken at t + 5 s (before the read) does not count as after it
    expect(filled.brokers.find(broker => broker.podName === restarted)?.readySinceMs).toBe(
      t + 8_000,
    );
    expect(kafkaBlocker(filled, config)?.reason).toBe('stale-data');
  });

  test('property: a move never passes on health sampled before a stamp-less broker was first seen Ready', () => {
    const allNames = brokerPods(new Set(), new Set()).map(pod => pod.metadata?.name ?? '');
    // Each pass: which brokers are not Ready, which carry no stamp, and how old the health sample
    // is (seconds before the pass: it may predate the pass before).
    const pass = fc.record({
      notReady: fc.subarray(allNames, { maxLength: 2 }),
      unstamped: fc.subarray(allNames),
      sampleAgeSeconds: fc.integer({ min: 0, max: 90 }),
    });
    let allowedPasses = 0;
    fc.assert(
      fc.property(fc.array(pass, { minLength: 1, maxLength: 8 }), passes => {
        const memory = new ReadySinceMemory();
        // When this process first saw each pod Ready in its current Ready streak.
        const firstSeenReady = new Map<string, number>();
        passes.forEach((each, index) => {
          const nowMs = NOW_MS + index * 30_000;
          const notReady = new Set(each.notReady);
          for (const name of allNames) {
            if (notReady.has(name)) firstSeenReady.delete(name);
            else if (!firstSeenReady.has(name)) firstSeenReady.set(name, nowMs);
          }
          const healthAtMs = nowMs - each.sampleAgeSeconds * 1000;
          const pods = brokerPods(new Set(each.unstamped), notReady);
          const allowed = kafkaBlocker(observedAt(nowMs, healthAtMs, pods, memory), config);
          if (allowed !== undefined) return;
          allowedPasses++;
          for (const name of each.unstamped) {
            const seenMs = firstSeenReady.get(name);
            if (seenMs !== undefined) expect(healthAtMs).toBeGreaterThan(seenMs);
          }
        });
      }),
      { numRuns: 200 },
    );
    // Not vacuous: moves were allowed on many passes.
    expect(allowedPasses).toBeGreaterThan(10);
  });
});

describe('fault 3: a partial Prometheus answer is no answer', () => {
  const queries = {
    brokerReceiveBytesPerSecond: 'rx',
    brokerTransmitBytesPerSecond: 'tx',
    underReplicatedPartitions: 'urp',
    underMinIsrPartitions: 'umi',
    brokerHealthSampleTimestamps: 'hs',
  };
  const atSeconds = 1_700_000_000;
  type Series = Array<[Record<string, string>, number]>;
  const healthy: Record<string, Series> = {
    rx: [
      [{ pod: 'b-0' }, 1],
      [{ pod: 'b-1' }, 1],
    ],
    tx: [
      [{ pod: 'b-0' }, 1],
      [{ pod: 'b-1' }, 1],
    ],
    urp: [[{}, 0]],
    umi: [[{}, 0]],
    hs: [
      [{ pod: 'b-0' }, atSeconds],
      [{ pod: 'b-1' }, atSeconds],
    ],
  };

  /** A Prometheus that answers `answers`, with `warnings` on the queries named in `partial`. */
  function prometheus(
    answers: Record<string, Series>,
    partial: ReadonlySet<string> = new Set(),
  ): PrometheusAdapter {
    const fetchFn = (async (input: string | URL | Request) => {
      const query = new URL(String(input)).searchParams.get('query') ?? '';
      const body = {
        status: 'success',
        ...(partial.has(query)
          ? { warnings: ['store 10.0.0.7:10901 unavailable: context deadline exceeded'] }
          : {}),
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
    // The controller's clock reads the answers' evaluation time (no skew, no latency): sample
    // times come back as they were sent (review s35-a measures ages on Prometheus's clock).
    return new PrometheusAdapter('http://prom:9090', fetchFn, 10_000, {
      clock: () => atSeconds * 1000,
    });
  }

  test('an answer with warnings (a store that failed): refused, not read as 0 under-replicated', async () => {
    // GIVEN a Prometheus whose under-replicated sum could not read one store (it answers the
    // brokers it has: 0), while every other answer is whole
    const adapter = prometheus(healthy, new Set(['urp']));
    // WHEN the controller reads the metrics THEN it gets no data (stale-data), not a 0
    await expect(adapter.kafkaMetrics(queries)).rejects.toThrow(PrometheusError);
    await expect(adapter.kafkaMetrics(queries)).rejects.toThrow(/partial answer.*urp/);
    // AND the same answers without the warning are read (the way out: the store answers again)
    expect((await prometheus(healthy).kafkaMetrics(queries)).underReplicatedPartitions).toBe(0);
  });

  test('property: a warning on any query, or several series for a count, is never read as data', async () => {
    const names = Object.keys(queries).map(key => queries[key as keyof typeof queries]);
    await fc.assert(
      fc.asyncProperty(fc.subarray(names), fc.subarray(['urp', 'umi']), async (partial, split) => {
        // A count answered per broker (a query without sum): b-0 has 0, b-1 has 7.
        const answers = { ...healthy };
        for (const name of split) {
          answers[name] = [
            [{ pod: 'b-0' }, 0],
            [{ pod: 'b-1' }, 7],
          ];
        }
        const adapter = prometheus(answers, new Set(partial));
        const read = adapter.kafkaMetrics(queries);
        if (partial.length === 0 && split.length === 0) {
          await expect(read).resolves.toMatchObject({ underReplicatedPartitions: 0 });
        } else {
          await expect(read).rejects.toThrow(PrometheusError);
        }
      }),
      { numRuns: 80 },
    );
  });

  test('a range query with warnings is refused too (the forecast history)', async () => {
    const fetchFn = (async () =>
      new Response(
        JSON.stringify({
          status: 'success',
          warnings: ['remote read from 10.0.0.8 failed'],
          data: { resultType: 'matrix', result: [{ metric: {}, values: [[atSeconds, '1']] }] },
        }),
        { status: 200 },
      )) as unknown as typeof fetch;
    const adapter = new PrometheusAdapter('http://prom:9090', fetchFn);
    await expect(adapter.queryRange('demand', 0, 60_000, 15)).rejects.toThrow(/partial answer/);
  });

  test('a pod whose health time is answered twice keeps the older one', async () => {
    const adapter = prometheus({
      ...healthy,
      hs: [
        [{ pod: 'b-0' }, atSeconds - 600],
        [{ pod: 'b-0' }, atSeconds],
        [{ pod: 'b-1' }, atSeconds],
      ],
    });
    expect((await adapter.kafkaMetrics(queries)).healthSampledAtMs['b-0']).toBe(
      (atSeconds - 600) * 1000,
    );
  });
});

describe('fault 4: no broker is moved while a node it may land on is not protected from scale-in', () => {
  /**
   * GIVEN the removal of node-a-1 about to move its first broker, and a new instance i-a9 whose
   * Ready, schedulable Node node-a-9 joined zone a, not yet protected from scale-in (the
   * housekeeping's `SetInstanceProtection` fails: throttled, or refused while the instance is
   * still settling). Returns the cluster and a reconciler.
   */
  function drainBesideUnprotectedNode(retry = false): {
    cluster: FakeCluster;
    controller: Reconciler;
  } {
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const movePod = cluster.brokers
      .filter(broker => broker.nodeName === 'node-a-1')
      .sort((a, b) => a.podName.localeCompare(b.podName))[0];
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? {
            ...node,
            unschedulable: true,
            operation: {
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
            },
          }
        : node,
    );
    if (retry) {
      cluster.strimzi = 'refuse';
      cluster.brokers = cluster.brokers.map(broker =>
        broker.podName === movePod.podName ? { ...broker, rollRequested: true } : broker,
      );
    }
    cluster.addInstance('us-east-1a', 9);
    const controller = reconcilerOn(cluster, config, {
      groups: {
        raiseDesiredCapacity: (group, desired) => cluster.raiseDesiredCapacity(group, desired),
        lowerDesiredCapacity: (group, from, to) => cluster.lowerDesiredCapacity(group, from, to),
        terminateInstance: (group, id) => cluster.terminateInstance(group, id),
        setInstanceProtection: async (group, ids, on) => {
          if (on) throw new Error('Throttling: Rate exceeded');
          return cluster.setInstanceProtection(group, ids, on);
        },
      },
    });
    return { cluster, controller };
  }

  test('an unprotected landing node: the roll waits, and a lowered desired capacity finds no broker there', async () => {
    const { cluster, controller } = drainBesideUnprotectedNode();
    // WHEN the controller runs a pass and Strimzi acts on what it asked
    await controller.reconcileOnce();
    cluster.advance(60);
    // THEN it asked no roll (the broker would land on node-a-9, the least loaded node)
    expect(rolls(cluster)).toEqual([]);
    // AND when someone lowers zone a's desired capacity, the group's pick hosts no broker
    cluster.lowerDesiredFromOutside('asg-orders-kafka-a', 2);
    const pickedHosts = cluster.scaledIn.map(
      id => cluster.nodes.find(node => node.instanceId === id)?.name,
    );
    for (const host of pickedHosts) {
      expect(cluster.brokers.filter(broker => broker.nodeName === host)).toEqual([]);
    }
  });

  test('property: a roll goes out only when every node it may land on is protected and staying (first move and retry)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('InService', 'Standby', 'Terminating', 'Terminating:Wait', 'Terminated'),
        fc.boolean(),
        async (retry, protectedFromScaleIn, lifecycleState, schedulable) => {
          const { cluster, controller } = drainBesideUnprotectedNode(retry);
          cluster.groups = cluster.groups.map(group => ({
            ...group,
            instances: group.instances.map(instance =>
              instance.instanceId === 'i-a9'
                ? { ...instance, protectedFromScaleIn, lifecycleState }
                : instance,
            ),
          }));
          cluster.nodes = cluster.nodes.map(node =>
            node.name === 'node-a-9' ? { ...node, unschedulable: !schedulable } : node,
          );
          await controller.reconcileOnce();
          // Standby: out of service, never picked by a lowered desired capacity.
          const safeLanding =
            !schedulable ||
            lifecycleState === 'Standby' ||
            (protectedFromScaleIn && lifecycleState === 'InService');
          expect(rolls(cluster)).toHaveLength(safeLanding ? 1 : 0);
        },
      ),
      { numRuns: 64 },
    );
  });
});

describe('mutation check: survivors killed', () => {
  test('property: each source is stale exactly when its data is more than staleAfterSeconds old or ahead', async () => {
    // Kills a stale limit widened either way (past or future); the limit itself is still fresh.
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    const base = await cluster.observe();
    const limitMs = config.staleAfterSeconds * 1000;
    const sources = ['kubernetesAtMs', 'prometheusAtMs', 'autoscalingAtMs'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.integer({ min: -3 * limitMs, max: 3 * limitMs }),
        (source, offsetMs) => {
          const observed = {
            ...base,
            freshness: { ...base.freshness, [source]: base.nowMs + offsetMs },
          };
          const blocker = staleDataBlocker(observed, config);
          expect(blocker?.reason === 'stale-data').toBe(Math.abs(offsetMs) > limitMs);
        },
      ),
      {
        numRuns: 300,
        examples: [
          ['prometheusAtMs', limitMs + 1],
          ['kubernetesAtMs', -limitMs - 1],
          ['autoscalingAtMs', limitMs],
          ['prometheusAtMs', -limitMs],
        ],
      },
    );
  });

  test('an infinite throughput sample is no series (named), never demand', async () => {
    // Kills `isUsableSample` accepting an infinite value: +Inf demand would ask the largest level.
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    const base = await cluster.observe();
    const pod = base.brokers[0].podName;
    for (const value of [Infinity, -Infinity, NaN, -1]) {
      const observed = {
        ...base,
        loads: (base.loads ?? []).map(load =>
          load.podName === pod ? { ...load, receiveMiBps: value } : load,
        ),
      };
      const blocker = staleDataBlocker(observed, config);
      expect(blocker?.reason).toBe('stale-data');
      expect(blocker?.detail).toContain(pod);
    }
  });

  test('kafkaBlocker alone holds on unknown partition counts (it is also called without staleDataBlocker first)', async () => {
    // An equivalent mutant on every path today (staleDataBlocker runs first), kept dead so that a
    // new caller of kafkaBlocker cannot read a missing count as 0.
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    const base = await cluster.observe();
    expect(kafkaBlocker({ ...base, underMinIsrPartitions: undefined }, config)?.reason).toBe(
      'under-min-isr',
    );
    expect(kafkaBlocker({ ...base, underReplicatedPartitions: undefined }, config)?.reason).toBe(
      'under-replicated',
    );
  });

  test('a broker reported Ready but bound to no node holds moves (an object missing spec.nodeName)', async () => {
    // Kills kafkaBlocker reading such a pod as up: the health-series check skips unbound pods, so
    // this is the only check that sees it.
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    const base = await cluster.observe();
    const pod = base.brokers[0].podName;
    const observed = {
      ...base,
      brokers: base.brokers.map(broker =>
        broker.podName === pod ? { ...broker, nodeName: undefined } : broker,
      ),
    };
    expect(kafkaBlocker(observed, config)).toEqual({
      reason: 'broker-not-ready',
      detail: `broker ${pod} is not Ready`,
    });
  });

  test('unprotect and terminate hold while a second Node names the same instance (with a broker on it)', async () => {
    // Kills the gate's "exactly one node maps to the instance" reduced to "the first one found is
    // the record's node": a Node that re-registered under another name (same providerID) may
    // host brokers the empty-node check, which looks at the record's node only, does not see.
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const base = await cluster.observe();
    const emptied = {
      ...base,
      nodes: [
        ...base.nodes.map(node =>
          node.name === 'node-a-1' ? { ...node, unschedulable: true } : node,
        ),
        { ...base.nodes[0], name: 'node-a-1-again', uid: 'uid-again', instanceId: 'i-a1' },
      ],
      brokers: base.brokers.map(broker =>
        broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-1-again' } : broker,
      ),
    };
    for (const kind of ['unprotect-instance', 'terminate-instance'] as const) {
      const write = {
        kind,
        groupName: 'asg-orders-kafka-a',
        instanceId: 'i-a1',
        nodeName: 'node-a-1',
      };
      expect(writeBlocker(emptied, config, write)).toEqual({
        reason: 'stale-data',
        detail: 'instance i-a1 maps to node-a-1, node-a-1-again, not to node node-a-1',
      });
    }
  });

  test('the pod to roll replaced since the cached view (same name, new UID): no roll is asked, the pass goes on', async () => {
    // The live read compares the pod's UID before the gate: the step chose the old pod, and its
    // record would name a UID that no longer exists. (The adapter refuses the patch too, as an
    // error that fails the pass; the live read skips the step instead.)
    const { cluster, controller } = await drainWithLaggingPodView(
      false,
      cluster => {
        const target = cluster.brokers
          .filter(broker => broker.nodeName === 'node-a-1')
          .sort((a, b) => a.podName.localeCompare(b.podName))[0];
        cluster.brokers = cluster.brokers.map(broker =>
          // Recreated by someone, starting on the other node (not Ready yet).
          broker === target
            ? { ...broker, uid: 'uid-recreated', nodeName: 'node-a-0', ready: false }
            : broker,
        );
      },
      true,
    );
    await expect(controller.reconcileOnce()).resolves.toMatchObject({ acted: false });
    expect(rolls(cluster)).toEqual([]);
  });

  test('a move is not done while partitions are under min ISR, even with none counted under-replicated', async () => {
    // Kills the move's end reading the under-replicated count alone: the two counts are separate
    // series (another exporter, another scrape), and either one above 0 means not in sync.
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const base = await cluster.observe();
    const moved = base.brokers.find(broker => broker.nodeName === 'node-a-1');
    if (moved === undefined) throw new Error('no broker on node-a-1');
    const record: OperationRecord = {
      ...removalOfNodeA1(STEP_CONTEXT),
      phase: 'drain',
      phaseStartedAtMs: NOW_MS,
      move: { podName: moved.podName, podUid: moved.uid, requestedAtMs: NOW_MS, attempt: 1 },
    };
    // GIVEN the moved broker recreated, Ready on node-a-0 since before the last health sample
    const after = {
      ...base,
      nowMs: NOW_MS + 120_000,
      freshness: {
        kubernetesAtMs: NOW_MS + 120_000,
        prometheusAtMs: NOW_MS + 120_000,
        autoscalingAtMs: NOW_MS + 120_000,
      },
      healthSampledAtMs: Object.fromEntries(
        base.brokers.map(broker => [broker.podName, NOW_MS + 120_000]),
      ),
      nodes: base.nodes.map(node =>
        node.name === 'node-a-1' ? { ...node, unschedulable: true, operation: record } : node,
      ),
      brokers: base.brokers.map(broker =>
        broker.podName === moved.podName
          ? { ...broker, uid: 'uid-moved', nodeName: 'node-a-0', readySinceMs: NOW_MS + 60_000 }
          : broker,
      ),
    };
    const context = { ...STEP_CONTEXT, nowMs: NOW_MS + 120_000 };
    // WHEN partitions are under min ISR but none counted under-replicated THEN the move waits
    const unsynced = stepOperation(record, { ...after, underMinIsrPartitions: 2 }, config, context);
    expect(unsynced.events).not.toContain('move-finished');
    expect(unsynced.next?.move?.podName).toBe(moved.podName);
    // AND with both counts 0 it is done (the control)
    const synced = stepOperation(record, after, config, context);
    expect(synced.events).toContain('move-finished');
  });

  test('the node-less exit gate refuses an instance that is not InService (defence in depth)', async () => {
    // An equivalent mutant today (the exit picks InService instances only, on the same view),
    // kept dead: the gate is the check of record for every write.
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 10 });
    cluster.addInstance('us-east-1a', 9);
    cluster.nodes = cluster.nodes.filter(node => node.name !== 'node-a-9');
    const base = await cluster.observe();
    for (const lifecycleState of ['Standby', 'Pending', 'Terminating']) {
      const observed = {
        ...base,
        groups: base.groups.map(group => ({
          ...group,
          instances: group.instances.map(instance =>
            instance.instanceId === 'i-a9' ? { ...instance, lifecycleState } : instance,
          ),
        })),
      };
      const write = {
        kind: 'terminate-nodeless' as const,
        groupName: 'asg-orders-kafka-a',
        instanceId: 'i-a9',
      };
      expect(writeBlocker(observed, config, write)?.detail).toBe('instance i-a9 is not InService');
      expect(writeBlocker(base, config, write)).toBeUndefined();
    }
  });

  test('terminate is skipped when the live read shows the node uncordoned, though empty', async () => {
    // Kills the live check before unprotect and terminate reduced to "no broker bound now": a node
    // someone uncordoned (the cache not showing it yet) takes new pods at any moment.
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const record: OperationRecord = {
      ...removalOfNodeA1({ fencingToken: 1, holder: 'a' }),
      phase: 'terminate',
      phaseStartedAtMs: NOW_MS,
    };
    cluster.brokers = cluster.brokers.map(broker =>
      broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    cluster.groups = cluster.groups.map(group => ({
      ...group,
      instances: group.instances.map(instance =>
        instance.instanceId === 'i-a1' ? { ...instance, protectedFromScaleIn: false } : instance,
      ),
    }));
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1' ? { ...node, unschedulable: true, operation: record } : node,
    );
    // GIVEN the cached view of node-a-1 cordoned, while someone has just uncordoned it
    const cached = await cluster.observe();
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1' ? { ...node, unschedulable: false } : node,
    );
    let frozen = true;
    const controller = reconcilerOn(cluster, config, {
      observe: async () =>
        frozen ? { ...(await cluster.observe()), nodes: cached.nodes } : cluster.observe(),
      liveNodeCheck: cluster,
    });
    // WHEN a pass runs THEN nothing is terminated
    await controller.reconcileOnce();
    expect(cluster.terminated).toEqual([]);
    frozen = false;
    // AND the control: with the node cordoned again and the view caught up, the terminate goes out
    // (after the unprotect again: the refused terminate protected i-a1 at once, review s33-c
    // fault 3)
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1' ? { ...node, unschedulable: true } : node,
    );
    for (let pass = 0; pass < 3 && cluster.terminated.length === 0; pass++) {
      await controller.reconcileOnce();
    }
    expect(cluster.terminated).toEqual(['i-a1']);
  });
});
