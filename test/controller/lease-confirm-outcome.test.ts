/**
 * The Lease read-back before each write (`LeaderElector.confirmOutcome`, `confirmedFence`) under
 * read errors. A read that keeps failing (sustained 429s from an API server under load) dropped
 * every write with "the Lease no longer names this replica", which was untrue: nothing was known of
 * the Lease. The property draws any mix of read results (errors of any status, our Lease, another
 * holder's, another term's, none) and checks that the fence's refusal says exactly what the read
 * found, that every refusal still drops the write (fail closed), and that the metric counts each
 * read-back by its outcome.
 */
import fc from 'fast-check';
import { LeaseUnconfirmedError, NotLeaderError, confirmedFence } from '../../controller/fence';
import type { LeaseState } from '../../controller/leader-election';
import { ControllerMetrics } from '../../controller/metrics';
import { MemoryLeaseStore, replica } from './memory-lease-store';

type Read =
  | { kind: 'error'; status: number }
  | { kind: 'own' }
  | { kind: 'other-holder' }
  | { kind: 'other-term' }
  | { kind: 'gone' };

const read: fc.Arbitrary<Read> = fc.oneof(
  fc.record({
    kind: fc.constant('error' as const),
    status: fc.constantFrom(429, 500, 503, 504, 0),
  }),
  fc.constant({ kind: 'own' as const }),
  fc.constant({ kind: 'other-holder' as const }),
  fc.constant({ kind: 'other-term' as const }),
  fc.constant({ kind: 'gone' as const }),
);

function apiError(status: number): Error {
  return Object.assign(new Error(`HTTP ${status}`), { code: status, statusCode: status });
}

describe('Lease read-back: the refusal says what the read found', () => {
  test('property: a failed read is never reported as a lost Lease, and every refusal drops the write', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(read, { minLength: 1, maxLength: 20 }), async reads => {
        const store = new MemoryLeaseStore();
        const a = replica('a', store);
        expect(await a.elector.tryAcquireOrRenew()).toBe(true);
        const own = store.lease;
        if (own === undefined) throw new Error('no lease');
        const metrics = new ControllerMetrics({ defaultMetrics: false });
        const counts = new Map<string, number>();
        for (const each of reads) {
          const answer = async (): Promise<LeaseState | undefined> => {
            switch (each.kind) {
              case 'error':
                throw apiError(each.status);
              case 'own':
                return own;
              case 'other-holder':
                return { ...own, holderIdentity: 'b' };
              case 'other-term':
                return { ...own, leaseTransitions: own.leaseTransitions + 1 };
              case 'gone':
                return undefined;
            }
          };
          const fence = confirmedFence(
            () => undefined,
            async () => {
              const outcome = await a.elector.confirmOutcome(answer);
              metrics.recordLeaseConfirmation(outcome);
              return outcome;
            },
          );
          let sent = false;
          const write = fence().then(() => (sent = true));
          if (each.kind === 'own') {
            await write;
            expect(sent).toBe(true);
            counts.set('confirmed', (counts.get('confirmed') ?? 0) + 1);
            continue;
          }
          const error: unknown = await write.then(
            () => undefined,
            (rejected: unknown) => rejected,
          );
          expect(sent).toBe(false);
          expect(error).toBeInstanceOf(NotLeaderError);
          const message = (error as Error).message;
          if (each.kind === 'error') {
            expect(error).toBeInstanceOf(LeaseUnconfirmedError);
            expect(message).toMatch(/could not be read back/);
            expect(message).not.toMatch(/no longer names/);
            counts.set('read_failed', (counts.get('read_failed') ?? 0) + 1);
          } else {
            expect(error).not.toBeInstanceOf(LeaseUnconfirmedError);
            expect(message).toMatch(/no longer names this replica/);
            counts.set('lease_lost', (counts.get('lease_lost') ?? 0) + 1);
          }
        }
        const text = await metrics.text();
        for (const [outcome, count] of counts) {
          expect(text).toContain(
            `kafka_autoscaler_lease_confirmations_total{outcome="${outcome}"} ${count}`,
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  test('past the renew deadline the refusal says so, without reading the Lease', async () => {
    const store = new MemoryLeaseStore();
    const a = replica('a', store);
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    a.advance(11_000);
    let reads = 0;
    const outcome = await a.elector.confirmOutcome(async () => {
      reads += 1;
      return store.lease;
    });
    expect(outcome).toBe('not-leading');
    expect(reads).toBe(0);
    const fence = confirmedFence(
      () => undefined,
      async () => outcome,
    );
    await expect(fence()).rejects.toThrow(/renew deadline/);
  });

  test('the boolean confirm is unchanged: true only when confirmed', async () => {
    const store = new MemoryLeaseStore();
    const a = replica('a', store);
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    expect(await a.elector.confirm()).toBe(true);
    expect(
      await a.elector.confirm(async () => {
        throw apiError(429);
      }),
    ).toBe(false);
    await expect(
      confirmedFence(
        () => undefined,
        async () => false,
      )(),
    ).rejects.toThrow(/no longer names/);
  });
});
