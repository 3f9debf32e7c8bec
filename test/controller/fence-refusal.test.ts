/**
 * What a replica does when the API server's admission fence refuses one of its writes
 * (`recogniseFenceRefusals`, `onAdmissionFenceRefusal` in controller/fence.ts, wired by `main.ts`):
 * before, the refusal was a generic API error, the pass went on (the next write was refused the
 * same way), nothing counted it and the replica kept believing it led until its clocks said
 * otherwise. Now the refusal is an `AdmissionFenceRefusedError` (a `NotLeaderError`), leadership
 * is dropped at once until a renewal reads the Lease again, and
 * `kafka_autoscaler_admission_fence_refusals_total` counts it.
 *
 * The API client here is a stand-in object whose write rejects as `@kubernetes/client-node` does
 * (`code` and the Status `body`); the real refusal on a real kube-apiserver, through the real
 * adapter: test/cluster/admission-fence-scenarios.ts.
 */
import fc from 'fast-check';
import { admissionFenceName } from '../../controller/admission-fence';
import {
  AdmissionFenceRefusedError,
  NotLeaderError,
  fenceWrites,
  isKubernetesRead,
  leaderFence,
  onAdmissionFenceRefusal,
  recogniseFenceRefusals,
} from '../../controller/fence';
import { ControllerMetrics } from '../../controller/metrics';
import { AUTOSCALER_ADMISSION_FENCE_REFUSALS } from '../../charts/monitoring/metric-names';
import { MemoryLeaseStore, REPLICA_TIMING, replica } from './memory-lease-store';

const FENCE = admissionFenceName('orders');

type Answer = 'ok' | 'fence-403' | 'fence-422' | 'rbac-403' | 'patch-test-422' | 'server-500';

function apiError(answer: Exclude<Answer, 'ok'>): Error {
  const status = Number(answer.slice(-3));
  const message = answer.startsWith('fence')
    ? `ValidatingAdmissionPolicy '${FENCE}' with binding '${FENCE}' denied request: admission fence: write stamped holder="a" token="0" but the Lease names holder="b" token="1"`
    : answer === 'rbac-403'
      ? 'nodes "n" is forbidden: User "system:serviceaccount:k:kafka-autoscaler" cannot patch resource "nodes"'
      : answer === 'patch-test-422'
        ? 'the server rejected our request due to an error in our request'
        : 'etcdserver: request timed out';
  const body = JSON.stringify({ kind: 'Status', code: status, message });
  return Object.assign(new Error(`HTTP-Code: ${status} Message: Unknown API Status Code!`), {
    code: status,
    body,
  });
}

/** A stand-in API client: `patchNode` answers the next of `answers`; `readNode` always works. */
function standInClient(answers: Answer[]) {
  const calls: string[] = [];
  return {
    calls,
    client: {
      async readNode() {
        calls.push('readNode');
        return { metadata: { name: 'n' } };
      },
      async patchNode() {
        calls.push('patchNode');
        const answer = answers.shift() ?? 'ok';
        if (answer === 'ok') return { metadata: { resourceVersion: '8' } };
        throw apiError(answer);
      },
    },
  };
}

/** A replica as main.ts wires it: its elector, its metrics, its fenced and watched client. */
function wiredReplica(store: MemoryLeaseStore, identity: string, answers: Answer[]) {
  const r = replica(identity, store);
  const metrics = new ControllerMetrics({ defaultMetrics: false });
  const logged: string[] = [];
  const onRefusal = onAdmissionFenceRefusal({
    elector: r.elector,
    metrics,
    log: message => logged.push(message),
  });
  const stand = standInClient(answers);
  const client = fenceWrites(
    recogniseFenceRefusals(stand.client, isKubernetesRead, FENCE, onRefusal),
    leaderFence(() => r.elector.leadership()),
    isKubernetesRead,
  );
  return { ...r, metrics, logged, client, calls: stand.calls };
}

async function refusals(metrics: ControllerMetrics): Promise<number> {
  const text = await metrics.registry.metrics();
  // The name the alert reads (charts/monitoring/metric-names.ts), so the two cannot drift apart.
  const line = new RegExp(`^${AUTOSCALER_ADMISSION_FENCE_REFUSALS} (\\d+)$`, 'm').exec(text);
  if (line === null) throw new Error(`no refusal counter on /metrics:\n${text}`);
  return Number(line[1]);
}

describe('admission fence refusal: recognised, counted, and the replica stops leading', () => {
  test('a frozen leader refused by the fence stops leading at once, and a renewal reads the Lease it lost', async () => {
    const store = new MemoryLeaseStore();
    // GIVEN replica A leads, freezes (its clocks stand still: it believes it leads), and B takes over
    const a = wiredReplica(store, 'replica-a', ['fence-403']);
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    const b = replica('replica-b', store);
    expect(await b.elector.tryAcquireOrRenew()).toBe(false);
    b.advance(REPLICA_TIMING.leaseDurationSeconds * 1000 + 1);
    expect(await b.elector.tryAcquireOrRenew()).toBe(true);
    expect(a.elector.leadership().leading).toBe(true);
    expect(await refusals(a.metrics)).toBe(0);
    // WHEN A's write reaches the API server, which refuses it by the fence
    const refused = await a.client.patchNode().then(
      () => undefined,
      (error: unknown) => error,
    );
    // THEN it is recognised as the fence's refusal (a NotLeaderError: the pass stops)
    expect(refused).toBeInstanceOf(AdmissionFenceRefusedError);
    expect(refused).toBeInstanceOf(NotLeaderError);
    expect((refused as Error).message).toContain(FENCE);
    // AND counted on /metrics, and logged
    expect(await refusals(a.metrics)).toBe(1);
    expect(a.logged).toHaveLength(1);
    // AND A no longer leads, though its clocks have not moved: its next write is not even sent
    expect(a.elector.leadership().leading).toBe(false);
    const before = a.calls.length;
    await expect(a.client.patchNode()).rejects.toBeInstanceOf(NotLeaderError);
    expect(a.calls.length).toBe(before);
    // AND its next renewal reads the Lease, finds B, and leadership stays lost
    expect(await a.elector.tryAcquireOrRenew()).toBe(false);
    expect(a.elector.leadership().leading).toBe(false);
  });

  test('a refusal in the watch delay after this replica took over: it leads again after one renewal, same term', async () => {
    const store = new MemoryLeaseStore();
    // GIVEN replica B holds the Lease (the API server's cache may still show the previous one)
    const b = wiredReplica(store, 'replica-b', ['fence-403']);
    expect(await b.elector.tryAcquireOrRenew()).toBe(true);
    const token = b.elector.leadership().fencingToken;
    // WHEN a write of B is refused by the fence
    await expect(b.client.patchNode()).rejects.toBeInstanceOf(AdmissionFenceRefusedError);
    expect(b.elector.leadership().leading).toBe(false);
    // THEN the renewal that reads the Lease finds it B's, renews it, and B leads in the same term
    b.advance(REPLICA_TIMING.retryPeriodSeconds * 1000);
    expect(await b.elector.tryAcquireOrRenew()).toBe(true);
    expect(b.elector.leadership()).toEqual({
      leading: true,
      fencingToken: token,
      holder: 'replica-b',
    });
    expect(store.lease?.leaseTransitions).toBe(token);
    await expect(b.client.patchNode()).resolves.toBeDefined();
  });

  test('property: only the fence refusals are counted and end leadership; every other answer passes through as it was', async () => {
    const answer = fc.constantFrom<Answer>(
      'ok',
      'fence-403',
      'fence-422',
      'rbac-403',
      'patch-test-422',
      'server-500',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(answer, { maxLength: 8 }), async answers => {
        const store = new MemoryLeaseStore();
        const a = wiredReplica(store, 'replica-a', [...answers]);
        expect(await a.elector.tryAcquireOrRenew()).toBe(true);
        let expectedRefusals = 0;
        for (const sent of answers) {
          // Leadership back before each write (a renewal that reads the Lease: still A's)
          expect(await a.elector.tryAcquireOrRenew()).toBe(true);
          const outcome = await a.client.patchNode().then(
            () => 'ok' as const,
            (error: unknown) => error,
          );
          if (sent === 'ok') {
            expect(outcome).toBe('ok');
          } else if (sent.startsWith('fence')) {
            expectedRefusals += 1;
            expect(outcome).toBeInstanceOf(AdmissionFenceRefusedError);
            expect(a.elector.leadership().leading).toBe(false);
          } else {
            // The API error itself, untouched (callers read its status), leadership kept
            expect(outcome).not.toBeInstanceOf(NotLeaderError);
            expect((outcome as { code?: number }).code).toBe(Number(sent.slice(-3)));
            expect(a.elector.leadership().leading).toBe(true);
          }
        }
        expect(await refusals(a.metrics)).toBe(expectedRefusals);
        // Reads are never watched (the fence judges writes only)
        await expect(a.client.readNode()).resolves.toBeDefined();
      }),
      { numRuns: 100 },
    );
  });
});
