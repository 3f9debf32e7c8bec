import { LeaderElector } from '../../controller/leader-election';
import { MemoryLeaseStore } from './memory-lease-store';

const timing = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 };

describe('LeaderElector', () => {
  test('one of two replicas leads; the other takes over only after the lease expires', async () => {
    const store = new MemoryLeaseStore();
    let now = 1_000_000;
    const a = new LeaderElector('a', store, timing, () => now);
    const b = new LeaderElector('b', store, timing, () => now);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(a.leadership()).toEqual({ leading: true, fencingToken: 0, holder: 'a' });
    // A pauses (no renewals). B keeps watching the unchanged lease.
    now += 10_000;
    expect(a.leadership().leading).toBe(false); // past the renew deadline: A stops acting
    expect(await b.tryAcquireOrRenew()).toBe(false); // 10 s < 15 s lease duration
    now += 6_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(b.leadership()).toEqual({ leading: true, fencingToken: 1, holder: 'b' });
    // A wakes up: its renewal fails and it never regains leadership while B renews.
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(a.leadership().leading).toBe(false);
  });

  test('a conflicting write (409) does not make a replica leader', async () => {
    const store = new MemoryLeaseStore();
    const a = new LeaderElector('a', store, timing, () => 0);
    await a.tryAcquireOrRenew();
    const b = new LeaderElector('b', store, timing, () => 0);
    const stale = store.lease;
    if (stale === undefined) throw new Error('no lease');
    await a.tryAcquireOrRenew(); // bumps the resourceVersion
    await expect(store.update({ ...stale, holderIdentity: 'b' })).rejects.toThrow('conflict');
    expect(b.leadership().leading).toBe(false);
  });

  test('a replica whose clock runs far ahead does not steal a renewed lease', async () => {
    const store = new MemoryLeaseStore();
    let aNow = 0;
    const a = new LeaderElector('a', store, timing, () => aNow);
    const b = new LeaderElector('b', store, timing, () => aNow + 3_600_000);
    await a.tryAcquireOrRenew();
    for (let round = 0; round < 20; round++) {
      expect(await b.tryAcquireOrRenew()).toBe(false);
      aNow += 2_000;
      await a.tryAcquireOrRenew();
    }
    expect(a.leadership().leading).toBe(true);
  });

  test('stops leading when renewals fail for the renew deadline', async () => {
    const store = new MemoryLeaseStore();
    let now = 0;
    const errors: unknown[] = [];
    const a = new LeaderElector(
      'a',
      store,
      timing,
      () => now,
      error => errors.push(error),
    );
    await a.tryAcquireOrRenew();
    store.get = async () => {
      throw Object.assign(new Error('unavailable'), { code: 503 });
    };
    now += 5_000;
    expect(await a.tryAcquireOrRenew()).toBe(true);
    now += 6_000;
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(errors).toHaveLength(2);
  });
});
