import { PassScheduler, type SchedulerTimers } from '../../controller/pass-scheduler';

/** Fake timers driven by `advance`, so every delay is exact. */
function fakeTimers(): SchedulerTimers & { nowMs: number; advance(ms: number): Promise<void> } {
  let nextId = 1;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers = {
    nowMs: 0,
    now: () => timers.nowMs,
    setTimeout: (callback: () => void, ms: number) => {
      const id = nextId++;
      pending.set(id, { at: timers.nowMs + ms, callback });
      return id;
    },
    clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    async advance(ms: number) {
      const end = timers.nowMs + ms;
      for (;;) {
        await new Promise(resolve => setImmediate(resolve));
        const due = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined || due[1].at > end) break;
        pending.delete(due[0]);
        timers.nowMs = due[1].at;
        due[1].callback();
      }
      timers.nowMs = end;
      await new Promise(resolve => setImmediate(resolve));
    },
  };
  return timers;
}

function scheduler(acts: boolean[] = [], passMs = 0) {
  const timers = fakeTimers();
  const passesAt: number[] = [];
  const errors: unknown[] = [];
  const loop = new PassScheduler({
    intervalMs: 30_000,
    soonMs: 1000,
    timers,
    onPassError: error => errors.push(error),
    runPass: async () => {
      passesAt.push(timers.nowMs);
      const acted = acts.shift();
      if (passMs > 0) await new Promise<void>(resolve => timers.setTimeout(resolve, passMs));
      if (acted === undefined) throw new Error('pass failed');
      return acted;
    },
  });
  return { timers, passesAt, errors, loop };
}

describe('PassScheduler', () => {
  test('first pass after soonMs, then every interval while nothing happens', async () => {
    const { timers, passesAt, loop } = scheduler([false, false, false]);
    loop.start();
    await timers.advance(61_000);
    expect(passesAt).toEqual([1000, 31_000, 61_000]);
  });

  test('the next pass comes soon after a pass that acted', async () => {
    const { timers, passesAt, loop } = scheduler([true, true, false, false]);
    loop.start();
    await timers.advance(33_000);
    expect(passesAt).toEqual([1000, 2000, 3000, 33_000]);
  });

  test('a failed pass is retried at the interval', async () => {
    const { timers, passesAt, errors, loop } = scheduler([]);
    loop.start();
    await timers.advance(31_000);
    expect(passesAt).toEqual([1000, 31_000]);
    expect(errors).toHaveLength(2);
  });

  test('many events coalesce into one pass, brought forward from the interval', async () => {
    const { timers, passesAt, loop } = scheduler([false, false, false]);
    loop.start();
    await timers.advance(1000); // first pass; the next is due at 31 s
    await timers.advance(10_000);
    for (let event = 0; event < 500; event++) loop.wake();
    expect(loop.nextPassAtMs).toBe(12_000);
    await timers.advance(20_000);
    expect(passesAt).toEqual([1000, 12_000]);
    expect(loop.wakes).toBe(500);
  });

  test('a steady event stream does not postpone the pass (no starvation)', async () => {
    const { timers, passesAt, loop } = scheduler(Array<boolean>(20).fill(false));
    loop.start();
    for (let ms = 0; ms < 10_000; ms += 5) {
      loop.wake();
      await timers.advance(5);
    }
    // One pass per second: never starved, never more.
    expect(passesAt).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
  });

  test('an event during a pass is kept: the next pass comes soon after it', async () => {
    const { timers, passesAt, loop } = scheduler([false, false, false], 500);
    loop.start();
    await timers.advance(1200);
    expect(loop.passRunning).toBe(true);
    loop.wake();
    await timers.advance(10_000);
    expect(passesAt).toEqual([1000, 2500]);
  });

  test('stop cancels the pending pass and a running pass schedules nothing', async () => {
    const { timers, passesAt, loop } = scheduler([true, true], 500);
    loop.start();
    await timers.advance(1200);
    loop.stop();
    loop.wake();
    await timers.advance(60_000);
    expect(passesAt).toEqual([1000]);
    expect(loop.nextPassAtMs).toBeUndefined();
  });
});
