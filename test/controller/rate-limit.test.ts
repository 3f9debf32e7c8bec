import {
  GroupMutationSpacing,
  TokenBucket,
  limitedCall,
  spacedGroupWriter,
  type LimiterClock,
} from '../../controller/rate-limit';

/** A manual clock: `sleep` resolves when `advance` passes its time. */
function manualClock(): LimiterClock & { advance(ms: number): Promise<void>; nowMs: number } {
  const sleepers: { at: number; resolve: () => void }[] = [];
  const clock = {
    nowMs: 0,
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

describe('TokenBucket', () => {
  test('lets a burst through, then qps per second, in arrival order', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ qps: 10, burst: 100 }, clock);
    const sent: number[] = [];
    for (let index = 0; index < 130; index++) {
      void bucket.acquire().then(() => sent.push(clock.nowMs));
    }
    await clock.advance(0);
    expect(sent).toHaveLength(100);
    await clock.advance(1000);
    expect(sent).toHaveLength(110);
    await clock.advance(2000);
    expect(sent).toHaveLength(130);
    expect([...sent].sort((a, b) => a - b)).toEqual(sent);
    expect(bucket.mostWaiting).toBe(30);
    expect(bucket.waiting).toBe(0);
  });

  test('refills while idle, never above the burst', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ qps: 1, burst: 2 }, clock);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 1000]);
    clock.nowMs = 100_000;
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 1000]);
  });

  test('a 429 pauses every request for its Retry-After, waiting ones included', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ qps: 1, burst: 1 }, clock);
    const throttled = Object.assign(new Error('429'), {
      code: 429,
      headers: { 'retry-after': '5' },
    });
    await expect(
      limitedCall(bucket, async () => {
        throw throttled;
      }),
    ).rejects.toBe(throttled);
    expect(bucket.pausedUntil).toBe(5000);
    const sent: number[] = [];
    void bucket.acquire().then(() => sent.push(clock.nowMs));
    void bucket.acquire().then(() => sent.push(clock.nowMs));
    await clock.advance(4999);
    expect(sent).toEqual([]);
    await clock.advance(10_000);
    expect(sent).toEqual([5000, 6000]);
  });

  test('a 429 without Retry-After pauses for a second; other errors do not pause', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ qps: 10, burst: 10 }, clock);
    bucket.failed(Object.assign(new Error('500'), { code: 500 }));
    expect(bucket.pausedUntil).toBe(0);
    bucket.failed(Object.assign(new Error('429'), { code: 429 }));
    expect(bucket.pausedUntil).toBe(1000);
  });

  test('rejects a budget that could never send', () => {
    expect(() => new TokenBucket({ qps: 0, burst: 1 })).toThrow('invalid rate limit');
  });
});

describe('GroupMutationSpacing', () => {
  test('spaces mutating calls per group, not across groups', async () => {
    const clock = manualClock();
    const calls: string[] = [];
    const groups = spacedGroupWriter(
      {
        raiseDesiredCapacity: async (group, desired) =>
          void calls.push(`${clock.nowMs} ${group} ${desired}`),
        lowerDesiredCapacity: async (group, from, to) => {
          calls.push(`${clock.nowMs} ${group} ${from} -> ${to}`);
          return 'lowered';
        },
        terminateInstance: async (group, instance) => {
          calls.push(`${clock.nowMs} ${group} ${instance}`);
          return 'requested';
        },
        setInstanceProtection: async (group, instances, protect) =>
          void calls.push(`${clock.nowMs} ${group} ${protect ? '' : 'un'}protect ${instances}`),
      },
      new GroupMutationSpacing(10_000, clock),
    );
    void groups.raiseDesiredCapacity('a', 2);
    void groups.raiseDesiredCapacity('b', 2);
    void groups.raiseDesiredCapacity('a', 3);
    void groups.terminateInstance('a', 'i-1');
    void groups.setInstanceProtection('a', ['i-2'], true);
    void groups.setInstanceProtection('b', ['i-3'], false);
    await clock.advance(40_000);
    expect(calls).toEqual([
      '0 a 2',
      '0 b 2',
      '10000 a 3',
      '10000 b unprotect i-3',
      '20000 a i-1',
      '30000 a protect i-2',
    ]);
  });
});
