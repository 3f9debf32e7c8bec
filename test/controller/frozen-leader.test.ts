/**
 * A leader frozen with its clocks: a paused VM whose wall and monotonic clocks did not advance
 * while it stood still (until something corrects them) measures no pause at all, so
 * `leadership()` (the local clocks) still says it leads after another replica took the Lease
 * over. `LeaderElector.confirm` (the Lease read back from the store, used by the innermost write
 * fence) must tell it, and must not refuse the replica that does lead, even with a renewal in
 * flight. The write path end to end is in paused-write.test.ts.
 */
import fc from 'fast-check';
import { MemoryLeaseStore, replica } from './memory-lease-store';

describe('LeaderElector.confirm: the Lease read back, beside the clocks', () => {
  test('a leader frozen with its clocks still leads by them, but confirm finds the takeover', async () => {
    const store = new MemoryLeaseStore();
    const a = replica('a', store);
    const b = replica('b', store);
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    expect(await a.elector.confirm()).toBe(true);
    expect(await b.elector.tryAcquireOrRenew()).toBe(false);
    // A freezes: its clocks stand still. B watches the unchanged Lease for a whole duration.
    b.advance(16_000);
    expect(await b.elector.tryAcquireOrRenew()).toBe(true);
    expect(await b.elector.confirm()).toBe(true);
    // A resumes, its clocks as they were: by them it still leads.
    expect(a.elector.leadership().leading).toBe(true);
    expect(await a.elector.confirm()).toBe(false);
  });

  test('an old process of the same identity whose successor renewed the Lease is refused', async () => {
    const store = new MemoryLeaseStore();
    const old = replica('a', store);
    expect(await old.elector.tryAcquireOrRenew()).toBe(true);
    // The pod is replaced under the same name (a StatefulSet, the e2e restart): the successor
    // renews the Lease it finds under its own name, without a transition.
    const successor = replica('a', store, 1_000_500);
    expect(await successor.elector.tryAcquireOrRenew()).toBe(true);
    expect(old.elector.leadership().leading).toBe(true);
    expect(await old.elector.confirm()).toBe(false);
    expect(await successor.elector.confirm()).toBe(true);
  });

  test('the leader is confirmed while its renewal is in flight (sent, not yet answered)', async () => {
    const store = new MemoryLeaseStore();
    const a = replica('a', store);
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    a.advance(2_000);
    const update = store.update.bind(store);
    let release: () => void = () => undefined;
    const held = new Promise<void>(resolve => (release = resolve));
    store.update = async lease => {
      await update(lease); // stored: the server has it
      await held; // the answer has not reached the replica yet
    };
    const renewal = a.elector.tryAcquireOrRenew();
    await new Promise(resolve => setImmediate(resolve));
    expect(await a.elector.confirm()).toBe(true);
    release();
    expect(await renewal).toBe(true);
    expect(await a.elector.confirm()).toBe(true);
  });

  test('confirm judges the Lease that the read it is given answers', async () => {
    const store = new MemoryLeaseStore();
    const a = replica('a', store);
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    const lease = store.lease;
    if (lease === undefined) throw new Error('no lease');
    expect(await a.elector.confirm(async () => lease)).toBe(true);
    expect(await a.elector.confirm(async () => ({ ...lease, holderIdentity: 'b' }))).toBe(false);
    expect(await a.elector.confirm(async () => undefined)).toBe(false);
  });

  test('a failed read confirms nothing', async () => {
    const store = new MemoryLeaseStore();
    const a = replica('a', store);
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    store.get = async () => {
      throw Object.assign(new Error('unavailable'), { code: 503 });
    };
    expect(await a.elector.confirm()).toBe(false);
  });

  test('property: whoever confirms is the holder the store names, whatever the freezes', async () => {
    type Step =
      | { kind: 'tick'; who: 0 | 1 }
      | { kind: 'advance'; who: 0 | 1; ms: number; frozenClocks: boolean }
      | { kind: 'restart'; who: 0 | 1 };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant('tick' as const),
        who: fc.constantFrom(0 as const, 1 as const),
      }),
      fc.record({
        kind: fc.constant('advance' as const),
        who: fc.constantFrom(0 as const, 1 as const),
        ms: fc.integer({ min: 0, max: 20_000 }),
        frozenClocks: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('restart' as const),
        who: fc.constantFrom(0 as const, 1 as const),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async steps => {
        const store = new MemoryLeaseStore();
        // Two identities; a restart replaces the process under the same identity, and the old
        // process lives on (frozen) as a third party that may wake up.
        const live = [replica('a', store), replica('b', store)];
        const stale: Array<ReturnType<typeof replica>> = [];
        let restarts = 0;
        for (const s of steps) {
          if (s.kind === 'tick') await live[s.who].elector.tryAcquireOrRenew();
          else if (s.kind === 'restart') {
            stale.push(live[s.who]);
            // A successor starts at an instant of its own: two processes of one identity writing
            // the very same millisecond is the one case confirm cannot tell (docs/controller.md).
            restarts += 1;
            live[s.who] = replica(
              live[s.who].elector.leadership().holder,
              store,
              2_000_000 + restarts / 1_000,
            );
          } else if (!s.frozenClocks) live[s.who].advance(s.ms);
          else
            for (const other of [...live, ...stale]) if (other !== live[s.who]) other.advance(s.ms);
          const confirmed: string[] = [];
          for (const [index, r] of [...live, ...stale].entries()) {
            if (await r.elector.confirm()) confirmed.push(`${index}`);
          }
          // At most one process confirms, and it is the one the store names.
          expect(confirmed.length).toBeLessThanOrEqual(1);
          if (confirmed.length === 1) {
            const process = [...live, ...stale][Number(confirmed[0])];
            expect(store.lease?.holderIdentity).toBe(process.elector.leadership().holder);
            expect(store.lease?.leaseTransitions).toBe(process.elector.leadership().fencingToken);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
