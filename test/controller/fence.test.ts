import { AutoScalingAdapter, type AutoScalingCalls } from '../../controller/adapters/autoscaling';
import {
  NotLeaderError,
  fencedAutoScalingCalls,
  fencedClusterWriter,
  leaderFence,
} from '../../controller/fence';
import { LeaderElector, type LeaseState, type LeaseStore } from '../../controller/leader-election';
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

class MemoryLeaseStore implements LeaseStore {
  lease: LeaseState | undefined;
  calls = 0;
  private version = 0;
  async get() {
    this.calls++;
    return this.lease;
  }
  async create(lease: Omit<LeaseState, 'resourceVersion'>) {
    this.calls++;
    this.lease = { ...lease, resourceVersion: String(++this.version) };
  }
  async update(lease: LeaseState) {
    this.calls++;
    this.lease = { ...lease, resourceVersion: String(++this.version) };
  }
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
      fencedClusterWriter(
        cluster,
        leaderFence(() => elector.leadership()),
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
    const writer = fencedClusterWriter(cluster, fence);
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
    const writer = fencedClusterWriter(
      cluster,
      leaderFence(() => elector.leadership()),
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
