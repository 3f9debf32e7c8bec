import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import fc from 'fast-check';
import {
  AutoScalingAdapter,
  sdkCalls,
  type AutoScalingCalls,
} from '../../controller/adapters/autoscaling';
import {
  NotLeaderError,
  fenceWrites,
  fencedAutoScalingCalls,
  isKubernetesRead,
  leaderFence,
} from '../../controller/fence';
import { LeaderElector } from '../../controller/leader-election';
import { MemoryLeaseStore } from './memory-lease-store';
import {
  TokenBucket,
  limitedClusterWriter,
  limitedLeaseStore,
  type LimiterClock,
} from '../../controller/rate-limit';
import { FakeCluster } from './fake-cluster';
import { testConfig } from './fixtures';

/** A manual clock: `sleep` resolves when `advance` passes its time. */
function manualClock(): LimiterClock & { advance(ms: number): Promise<void>; nowMs: number } {
  const sleepers: { at: number; resolve: () => void }[] = [];
  const clock = {
    nowMs: 1_000_000,
    now: () => clock.nowMs,
    sleep: (ms: number) =>
      new Promise<void>(resolve => sleepers.push({ at: clock.nowMs + ms, resolve })),
    async advance(ms: number) {
      const end = clock.nowMs + ms;
      for (;;) {
        await new Promise(resolve => setImmediate(resolve));
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (next === undefined || next.at > end) break;
        sleepers.shift();
        clock.nowMs = Math.max(clock.nowMs, next.at);
        next.resolve();
      }
      clock.nowMs = end;
      await new Promise(resolve => setImmediate(resolve));
    },
  };
  return clock;
}

const timing = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 };
const throttled = () =>
  Object.assign(new Error('429'), { code: 429, headers: { 'retry-after': '30' } });

describe('leadership at the moment of the write', () => {
  test('a write that waited behind a 429 pause past the renew deadline is dropped', async () => {
    // GIVEN a leader and a Kubernetes bucket paused for 30 s by another call's 429
    const clock = manualClock();
    const elector = new LeaderElector('a', new MemoryLeaseStore(), timing, clock.now);
    expect(await elector.tryAcquireOrRenew()).toBe(true);
    const bucket = new TokenBucket({ qps: 10, burst: 100 }, clock);
    bucket.failed(throttled());
    const cluster = new FakeCluster(testConfig(), { nodesPerZone: 2, demandMiBps: 10 });
    const writer = limitedClusterWriter(
      fenceWrites(
        cluster,
        leaderFence(() => elector.leadership()),
        isKubernetesRead,
      ),
      bucket,
    );
    // WHEN a cordon is asked while leading, and the lease is not renewed while it waits
    expect(elector.leadership().leading).toBe(true);
    const cordon = writer.setUnschedulable('node-a-1', 'uid-node-a-1', true);
    const settled = cordon.then(
      () => 'written',
      error => error,
    );
    await clock.advance(31_000);
    // THEN the write never goes out
    expect(await settled).toBeInstanceOf(NotLeaderError);
    expect(cluster.writes).toEqual([]);
  });

  test('every cluster write and every mutating Auto Scaling call is fenced', async () => {
    // Each wrapper's own check (a mutation that dropped one of them survived the other tests).
    const cluster = new FakeCluster(testConfig(), { nodesPerZone: 2, demandMiBps: 10 });
    const fence = leaderFence(() => ({ leading: false, fencingToken: 1, holder: 'a' }));
    const writer = fenceWrites(cluster, fence, isKubernetesRead);
    const node = cluster.nodes[0];
    await expect(writer.writeOperation(node, undefined)).rejects.toBeInstanceOf(NotLeaderError);
    await expect(writer.setUnschedulable(node.name, node.uid, true)).rejects.toBeInstanceOf(
      NotLeaderError,
    );
    const pod = cluster.brokers[0];
    await expect(writer.requestRoll(pod.podName, pod.uid)).rejects.toBeInstanceOf(NotLeaderError);
    expect(cluster.writes).toEqual([]);
    const made: string[] = [];
    const raw: AutoScalingCalls = {
      describeGroups: async () => ({ AutoScalingGroups: [], $metadata: {} }),
      describeInstances: async () => ({ $metadata: {} }),
      setDesiredCapacity: async () => made.push('set'),
      terminateInstance: async () => made.push('terminate'),
      setInstanceProtection: async () => made.push('protect'),
    };
    const calls = fencedAutoScalingCalls(raw, fence);
    await expect(
      calls.setDesiredCapacity({ AutoScalingGroupName: 'g', DesiredCapacity: 2 }),
    ).rejects.toBeInstanceOf(NotLeaderError);
    await expect(
      calls.terminateInstance({ InstanceId: 'i-1', ShouldDecrementDesiredCapacity: true }),
    ).rejects.toBeInstanceOf(NotLeaderError);
    await expect(
      calls.setInstanceProtection({
        AutoScalingGroupName: 'g',
        InstanceIds: ['i-1'],
        ProtectedFromScaleIn: true,
      }),
    ).rejects.toBeInstanceOf(NotLeaderError);
    await calls.describeGroups({});
    expect(made).toEqual([]);
  });

  test('a write still leading when it goes out is made', async () => {
    const clock = manualClock();
    const elector = new LeaderElector('a', new MemoryLeaseStore(), timing, clock.now);
    await elector.tryAcquireOrRenew();
    const cluster = new FakeCluster(testConfig(), { nodesPerZone: 2, demandMiBps: 10 });
    const writer = fenceWrites(
      cluster,
      leaderFence(() => elector.leadership()),
      isKubernetesRead,
    );
    await writer.setUnschedulable('node-a-1', 'uid-node-a-1', true);
    expect(cluster.writes).toEqual(['cordon node-a-1']);
  });

  test('an Auto Scaling retry after a backoff is dropped once the lease lapsed', async () => {
    // GIVEN SetDesiredCapacity throttled once, and a backoff during which the lease lapses
    const clock = manualClock();
    const elector = new LeaderElector('a', new MemoryLeaseStore(), timing, clock.now);
    await elector.tryAcquireOrRenew();
    let setCalls = 0;
    const calls: AutoScalingCalls = {
      describeGroups: async () => ({
        $metadata: {},
        AutoScalingGroups: [
          { AutoScalingGroupName: 'g', DesiredCapacity: 1, MaxSize: 4, MinSize: 1 } as never,
        ],
      }),
      describeInstances: async () => ({ $metadata: {} }),
      setDesiredCapacity: async () => {
        setCalls++;
        throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      },
      terminateInstance: async () => ({}),
      setInstanceProtection: async () => ({}),
    };
    const adapter = new AutoScalingAdapter(
      fencedAutoScalingCalls(
        calls,
        leaderFence(() => elector.leadership()),
      ),
      {
        delay: async ms => {
          clock.nowMs += Math.max(ms, 11_000);
        },
      },
    );
    // WHEN the adapter retries; THEN the retry is dropped, not sent
    await expect(adapter.raiseDesiredCapacity('g', 2)).rejects.toThrow(NotLeaderError);
    expect(setCalls).toBe(1);
  });

  test('lease renewal has its own bucket: it does not wait behind a paused one', async () => {
    const clock = manualClock();
    const shared = new TokenBucket({ qps: 10, burst: 100 }, clock);
    shared.failed(throttled()); // another call got a 429 with Retry-After 30 s
    // Through the shared bucket, the renewal would wait the whole pause (past the renew deadline).
    const queued = new LeaderElector(
      'a',
      limitedLeaseStore(new MemoryLeaseStore(), shared),
      timing,
      clock.now,
    );
    let queuedDone = false;
    void queued.tryAcquireOrRenew().then(() => (queuedDone = true));
    await clock.advance(1_000);
    expect(queuedDone).toBe(false);
    // Through its own bucket, it goes out at once.
    const own = new LeaderElector(
      'b',
      limitedLeaseStore(new MemoryLeaseStore(), new TokenBucket({ qps: 10, burst: 100 }, clock)),
      timing,
      clock.now,
    );
    let ownDone = false;
    void own.tryAcquireOrRenew().then(() => (ownDone = true));
    await clock.advance(1);
    expect(ownDone).toBe(true);
    expect(own.leadership().leading).toBe(true);
    await clock.advance(30_000);
    expect(queuedDone).toBe(true);
  });
});

describe('every write is fenced, by the kind of call (fail closed)', () => {
  const refuse = leaderFence(() => ({ leading: false, fencingToken: 1, holder: 'a' }));
  const allow = leaderFence(() => ({ leading: true, fencingToken: 1, holder: 'a' }));

  /** `sdkCalls` over a client that records the command of each request instead of sending it. */
  function recordingCalls(): { calls: AutoScalingCalls; sent: string[] } {
    const sent: string[] = [];
    const client = {
      send: async (command: object) => {
        sent.push(command.constructor.name);
        return { $metadata: {} };
      },
    } as unknown as AutoScalingClient;
    return { calls: sdkCalls(client), sent };
  }

  test('every Auto Scaling call but the Describe reads is dropped without the lease', async () => {
    // GIVEN every call the adapter can make (enumerated: a call added later is included)
    const names = Object.keys(recordingCalls().calls) as (keyof AutoScalingCalls)[];
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) {
      // WHEN it is made by a replica that does not lead
      const { calls, sent } = recordingCalls();
      const fenced = fencedAutoScalingCalls(calls, refuse);
      const call = fenced[name] as (input: object) => Promise<unknown>;
      const outcome = await call({}).then(
        () => 'sent',
        (error: unknown) => error,
      );
      // THEN only a Describe request goes out; anything else is dropped with NotLeaderError
      if (sent.length > 0) {
        expect(sent.every(command => command.startsWith('Describe'))).toBe(true);
        expect(outcome).toBe('sent');
      } else {
        expect(outcome).toBeInstanceOf(NotLeaderError);
      }
      // AND while leading, the same call goes out (the check above can fail)
      const leading = recordingCalls();
      await (fencedAutoScalingCalls(leading.calls, allow)[name] as (i: object) => Promise<unknown>)(
        {},
      );
      expect(leading.sent).toHaveLength(1);
    }
  });

  test('the three mutating Auto Scaling calls are the ones dropped', async () => {
    const { calls, sent } = recordingCalls();
    const fenced = fencedAutoScalingCalls(calls, refuse);
    await fenced.describeGroups({});
    await fenced.describeInstances({});
    for (const call of [
      () => fenced.setDesiredCapacity({ AutoScalingGroupName: 'g', DesiredCapacity: 2 }),
      () => fenced.terminateInstance({ InstanceId: 'i-1', ShouldDecrementDesiredCapacity: true }),
      () =>
        fenced.setInstanceProtection({
          AutoScalingGroupName: 'g',
          InstanceIds: ['i-1'],
          ProtectedFromScaleIn: true,
        }),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(NotLeaderError);
    }
    expect(sent).toEqual([
      'DescribeAutoScalingGroupsCommand',
      'DescribeAutoScalingInstancesCommand',
    ]);
  });

  test('isKubernetesRead: the client verbs that read, and only those', () => {
    for (const read of [
      'readNode',
      'readNamespacedConfigMap',
      'listNode',
      'listNamespacedPod',
      'getNamespacedCustomObject',
      'getAPIResources',
    ]) {
      expect(isKubernetesRead(read)).toBe(true);
    }
    for (const write of [
      'patchNode',
      'patchNamespacedPod',
      'patchNamespacedConfigMap',
      'createNamespacedConfigMap',
      'createNamespacedEvent',
      'replaceNamespacedConfigMap',
      'deleteNamespacedConfigMap',
      'deleteCollectionNamespacedPod',
      'connectPostNamespacedPodExec',
      'createNamespacedPodEviction',
    ]) {
      expect(isKubernetesRead(write)).toBe(false);
    }
  });

  test('fenceWrites: a method runs unfenced exactly when its name says it reads', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('read', 'list', 'get', 'patch', 'create', 'replace', 'delete', 'watch', ''),
        fc.stringMatching(/^[A-Z][A-Za-z]{0,12}$/),
        async (verb, rest) => {
          const name = `${verb}${rest}`;
          const made: string[] = [];
          const target = {
            tag: 'target',
            [name]: async function (this: { tag: string }, value: number) {
              made.push(`${this.tag} ${value}`);
              return value * 2;
            },
          } as Record<string, unknown>;
          const fenced = fenceWrites(target, refuse, isKubernetesRead) as Record<
            string,
            (value: number) => Promise<number>
          >;
          const outcome = await fenced[name](21).then(
            value => value,
            (error: unknown) => error,
          );
          if (isKubernetesRead(name)) {
            expect(outcome).toBe(42);
            expect(made).toEqual(['target 21']);
          } else {
            expect(outcome).toBeInstanceOf(NotLeaderError);
            expect(made).toEqual([]);
          }
          // The reads are exactly the three verbs followed by a capital.
          expect(isKubernetesRead(name)).toBe(['read', 'list', 'get'].includes(verb));
          // Leading, every method runs on the target.
          const open = fenceWrites(target, allow, isKubernetesRead) as typeof fenced;
          expect(await open[name](1)).toBe(2);
        },
      ),
      { numRuns: 100 },
    );
  });
});
