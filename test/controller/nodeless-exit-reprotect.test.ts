/**
 * Review s32-a, fault 1: the node-less exit (`terminateNodelessInstance` in reconciler.ts) takes
 * an instance's scale-in protection off, then terminates it. No operation record owns that
 * instance's protection (a removal's record does, from its `unprotect` phase on), so any way out
 * between the two writes that sent no terminate left it unprotected: the gate refusing the
 * terminate (its data aged past `staleAfterSeconds` while the unprotect waited in the per-group
 * spacing or a retry's backoff), or the terminate call failing (throttling, a 5xx, a timeout).
 * Only the housekeeping of a later pass protected it again, and the housekeeping needs fresh data:
 * through a Prometheus outage the instance stayed unprotected for good, while its kubelet (late,
 * which is why it looked node-less) could still register and the scheduler bind a broker to it.
 * Anything lowering the group's desired capacity could then pick it, broker and all. Only the
 * live read's refusal protected it again. Class: every exit of the node-less exit after its
 * unprotect went out, other than the terminate going out. Fix: one `finally` protects it again.
 */
import fc from 'fast-check';
import type { Observed } from '../../controller/model';
import type { GroupWriter } from '../../controller/ports';
import type { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { testConfig } from './fixtures';
import { lateKubeletCluster } from './writer-waits';

const config = testConfig();

/** The node-less instance's listing in zone a's group. */
function late(cluster: FakeCluster) {
  return cluster.groups
    .flatMap(group => group.instances)
    .find(instance => instance.instanceId === 'i-late');
}

/** Instances observed unprotected with a broker bound to their node. */
function unprotectedWithBroker(cluster: FakeCluster): string[] {
  return cluster.groups
    .flatMap(group => group.instances)
    .filter(
      instance =>
        instance.protectedFromScaleIn === false &&
        cluster.nodes.some(
          node =>
            node.instanceId === instance.instanceId &&
            cluster.brokers.some(broker => broker.nodeName === node.name),
        ),
    )
    .map(instance => instance.instanceId);
}

/** How the node-less exit's terminate ends, after its unprotect went out. */
type TerminateExit =
  | { readonly kind: 'gate-stale'; readonly waitSeconds: number }
  | { readonly kind: 'throws'; readonly applied: boolean }
  | { readonly kind: 'kubelet-registers' }
  | { readonly kind: 'sent' };

/**
 * The fake cluster's groups as a `GroupWriter` in which the unprotect waits `waitSeconds` (on
 * `clock`) after it went out, and the terminate meets `exit`.
 */
function writerMeeting(
  cluster: FakeCluster,
  clock: { ms: number },
  exit: TerminateExit,
  registerKubelet: () => void,
): GroupWriter {
  return {
    raiseDesiredCapacity: (group, desired) => cluster.raiseDesiredCapacity(group, desired),
    lowerDesiredCapacity: (group, from, to) => cluster.lowerDesiredCapacity(group, from, to),
    setInstanceProtection: async (group, ids, on, mayUnprotect) => {
      const result = await cluster.setInstanceProtection(group, ids, on, mayUnprotect);
      if (!on && exit.kind === 'gate-stale') clock.ms += exit.waitSeconds * 1000;
      return result;
    },
    terminateInstance: async (group, instanceId, mayTerminate) => {
      if (exit.kind === 'kubelet-registers') registerKubelet();
      if (exit.kind === 'throws') {
        if (exit.applied) await cluster.terminateInstance(group, instanceId, mayTerminate);
        throw new Error(exit.applied ? 'RequestTimeout' : 'Throttling: Rate exceeded');
      }
      return cluster.terminateInstance(group, instanceId, mayTerminate);
    },
  };
}

/** Runs the node-less exit on `i-late` once, its terminate meeting `exit`; errors swallowed. */
async function nodelessExitMeeting(exit: TerminateExit): Promise<FakeCluster> {
  const { cluster, late: registerKubelet } = lateKubeletCluster(config);
  const clock = { ms: cluster.nowMs };
  const reconciler = reconcilerOn(cluster, config, {
    groups: writerMeeting(cluster, clock, exit, registerKubelet),
    liveNodeCheck: cluster,
    now: () => Math.max(clock.ms, cluster.nowMs),
  });
  await reconciler.reconcileOnce();
  cluster.nowMs += (config.nodeReadyTimeoutSeconds + 60) * 1000;
  clock.ms = cluster.nowMs;
  await reconciler.reconcileOnce().catch(() => undefined);
  return cluster;
}

describe('fault 1: the node-less exit never leaves its instance unprotected without terminating it', () => {
  test("the terminate refused by the gate (data aged in the unprotect's wait): protected again", async () => {
    // GIVEN zone a's i-late InService without a Node past nodeReadyTimeoutSeconds
    // WHEN its unprotect goes out and then waits past the stale limit before the terminate
    const cluster = await nodelessExitMeeting({
      kind: 'gate-stale',
      waitSeconds: config.staleAfterSeconds + 30,
    });
    // THEN no terminate went out and the instance is protected again (failed before: unprotected)
    expect(cluster.terminated).toEqual([]);
    expect(cluster.writes).toEqual(['unprotect i-late', 'protect i-late']);
    expect(late(cluster)?.protectedFromScaleIn).toBe(true);
  });

  test('a terminate that fails (throttled): protected again, and the pass still reports the error', async () => {
    const { cluster } = lateKubeletCluster(config);
    const reconciler = reconcilerOn(cluster, config, {
      groups: writerMeeting(cluster, { ms: 0 }, { kind: 'throws', applied: false }, () => {}),
      liveNodeCheck: cluster,
    });
    await reconciler.reconcileOnce();
    cluster.nowMs += (config.nodeReadyTimeoutSeconds + 60) * 1000;
    await expect(reconciler.reconcileOnce()).rejects.toThrow('Throttling');
    expect(cluster.terminated).toEqual([]);
    expect(late(cluster)?.protectedFromScaleIn).toBe(true);
  });

  test('left unprotected by the refusal, then Prometheus stale while the kubelet registers: no broker on an unprotected instance', async () => {
    // GIVEN the terminate refused by the gate after the unprotect went out
    const { cluster, late: registerKubelet } = lateKubeletCluster(config);
    const clock = { ms: cluster.nowMs };
    const stale = { since: undefined as number | undefined };
    const observe = async (): Promise<Observed> => {
      const seen = await cluster.observe();
      return stale.since === undefined
        ? seen
        : { ...seen, freshness: { ...seen.freshness, prometheusAtMs: stale.since } };
    };
    const reconciler = reconcilerOn(cluster, config, {
      observe,
      groups: writerMeeting(
        cluster,
        clock,
        { kind: 'gate-stale', waitSeconds: config.staleAfterSeconds + 30 },
        registerKubelet,
      ),
      liveNodeCheck: cluster,
      now: () => Math.max(clock.ms, cluster.nowMs),
    });
    await reconciler.reconcileOnce();
    cluster.nowMs += (config.nodeReadyTimeoutSeconds + 60) * 1000;
    clock.ms = cluster.nowMs;
    await reconciler.reconcileOnce();
    // WHEN Prometheus stops answering (the housekeeping holds with stale data) and the late
    // kubelet registers, a broker bound to its node, over ten passes
    stale.since = cluster.nowMs - (config.staleAfterSeconds + 1) * 1000;
    registerKubelet();
    for (let pass = 0; pass < 10; pass++) {
      cluster.nowMs += config.intervalSeconds * 1000;
      clock.ms = cluster.nowMs;
      await reconciler.reconcileOnce();
    }
    // THEN the broker's instance is protected (failed before: i-late unprotected, broker aboard)
    expect(cluster.nodes.some(node => node.name === 'node-late')).toBe(true);
    expect(unprotectedWithBroker(cluster)).toEqual([]);
  });

  test('property: whatever ends the exit after its unprotect, the instance is terminated or protected', async () => {
    const exits: fc.Arbitrary<TerminateExit> = fc.oneof(
      fc
        .integer({ min: 0, max: 3 * config.staleAfterSeconds })
        .map(waitSeconds => ({ kind: 'gate-stale' as const, waitSeconds })),
      fc.boolean().map(applied => ({ kind: 'throws' as const, applied })),
      fc.constant({ kind: 'kubelet-registers' as const }),
      fc.constant({ kind: 'sent' as const }),
    );
    await fc.assert(
      fc.asyncProperty(exits, async exit => {
        const cluster = await nodelessExitMeeting(exit);
        const instance = late(cluster);
        const terminated = cluster.terminated.includes('i-late');
        // Terminated (the call went out, whether or not its answer came back), or protected.
        expect(terminated || instance?.protectedFromScaleIn === true).toBe(true);
        expect(unprotectedWithBroker(cluster)).toEqual([]);
        // A terminate is only sent on data younger than the stale limit.
        if (exit.kind === 'gate-stale' && exit.waitSeconds > config.staleAfterSeconds) {
          expect(terminated).toBe(false);
        }
      }),
      { numRuns: 60 },
    );
  });
});
