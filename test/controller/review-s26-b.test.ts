/**
 * Review s26-b: a hostile review of review s26-a's three fixes (the landing check of a roll on a
 * node whose instance no group lists, the unprotect licensed by a live read right before the
 * call, no re-spread or removal started in a zone where every roll is refused), injecting a fault
 * at each step.
 *
 * 1. An unprotect refused after an earlier attempt of it went out. The Auto Scaling adapter
 *    retries a `SetInstanceProtection` that failed with a timeout, a dropped connection or a 5xx,
 *    and asks `mayUnprotect` again before the retry; a refusal then returned `refused`, which the
 *    port documents (and both callers take) as "nothing of that call went out". But the attempt
 *    before may have been applied (a timeout after the API took it), so the instance was left
 *    unprotected exactly when the live read had just found a broker on its node (a removal) or a
 *    Node naming it (the node-less exit, whose Event then said "not unprotected"), until a later
 *    pass protected it again (the removal's only once the pod cache shows the broker). Class: a
 *    refusal taken for "nothing happened" after an attempt whose outcome is unknown (as a
 *    timed-out terminate, which the adapter re-checks). The same for a multi-chunk unprotect whose
 *    earlier chunks went out (the port said they "stay sent"). Fix: the adapter protects again
 *    every instance whose unprotect may have gone out (sent, or failed without a 4xx answer)
 *    before it returns `refused`, so `refused` means the instances keep their protection.
 * 2. A way out that tells an operator to terminate an instance with brokers aboard. The hold
 *    s26-a added (a roll's landing node whose instance no group lists: the roll gate's detail,
 *    and `decide`'s `no-room-to-move`) ended with "terminate the instance and delete the Node if
 *    it is not wanted", and the `NodeHeldCordoned` Warning for a node of ours whose instance left
 *    its group with "or terminate the instance and delete the Node object", whether or not broker
 *    pods were bound to the node (the detached node of s26-a's own scenario hosts two). An
 *    operator following either took those brokers down with the machine: the outside finding's
 *    fault, done by hand on the controller's word. The clause also said "detached, or not listed
 *    yet" for an instance terminated whose Node had not gone NotReady yet. Class: a way out
 *    written without looking at what the node hosts. Fix: both name the pods bound to the node
 *    (`podsBoundTo` in gate.ts) and then offer only reattaching the instance, or cordoning and
 *    moving the pods off first; removing the instance is offered only for a node that hosts none.
 */
import fc from 'fast-check';
import { AutoScalingAdapter, type AutoScalingCalls } from '../../controller/adapters/autoscaling';
import { decide } from '../../controller/decide';
import { writeBlocker } from '../../controller/gate';
import type { Observed } from '../../controller/model';
import type { ControllerEvent } from '../../controller/ports';
import { FakeCluster } from './fake-cluster';
import { detachedBeside } from './detached-instance';
import { reconcilerOn } from './fake-reconciler';
import { healthyCluster, stabilizedLongAgo, testConfig } from './fixtures';

const sdkError = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

/** What one `SetInstanceProtection` call meets. */
type CallOutcome = 'ok' | 'throttled' | 'applied-then-timeout' | 'lost-before-applied' | '500';

/**
 * A group's protection flags behind scripted `SetInstanceProtection` outcomes (then `ok`); the
 * other calls are not used.
 */
function protectionCalls(
  protection: Map<string, boolean>,
  outcomes: CallOutcome[],
  log: string[],
): AutoScalingCalls {
  const unused = async (): Promise<never> => {
    throw new Error('not used');
  };
  return {
    describeGroups: unused,
    describeInstances: unused,
    setDesiredCapacity: unused,
    terminateInstance: unused,
    setInstanceProtection: async input => {
      const on = input.ProtectedFromScaleIn === true;
      log.push(on ? 'protect' : 'unprotect');
      const outcome = outcomes.shift() ?? 'ok';
      const apply = () => {
        for (const id of input.InstanceIds ?? []) protection.set(id, on);
      };
      switch (outcome) {
        case 'ok':
          apply();
          return {};
        case 'throttled':
          throw sdkError('Throttling', 400, 'Rate exceeded');
        case 'applied-then-timeout':
          apply();
          throw sdkError('TimeoutError', 0, 'socket timeout');
        case 'lost-before-applied':
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        case '500':
          apply();
          throw sdkError('InternalFailure', 500);
      }
    },
  };
}

describe('fault 1: an unprotect refused after an earlier attempt went out leaves the instance protected', () => {
  const adapter = (calls: AutoScalingCalls) =>
    new AutoScalingAdapter(calls, { attempts: 4, backoffBaseMs: 1, delay: async () => undefined });

  test('a timed-out unprotect that the API took, then the live read refuses the retry: protected again', async () => {
    // GIVEN i-1 protected, and an unprotect whose first attempt is applied but times out
    const protection = new Map([['i-1', true]]);
    const log: string[] = [];
    const calls = protectionCalls(protection, ['applied-then-timeout'], log);
    // AND a live read that allows the first attempt and refuses the retry (a broker landed)
    let asked = 0;
    const live = async () => (++asked === 1 ? undefined : 'node-a-1 hosts orders-brokers-a-1000');
    // WHEN the unprotect is asked for
    const result = await adapter(calls).setInstanceProtection('asg-a', ['i-1'], false, live);
    // THEN it is refused, and the instance is protected (failed before: left unprotected)
    expect(result).toBe('refused');
    expect(protection.get('i-1')).toBe(true);
  });

  test('a refusal before any attempt went out sends nothing', async () => {
    const protection = new Map([['i-1', true]]);
    const log: string[] = [];
    const calls = protectionCalls(protection, [], log);
    const result = await adapter(calls).setInstanceProtection(
      'asg-a',
      ['i-1'],
      false,
      async () => 'node-a-1 hosts orders-brokers-a-1000',
    );
    expect(result).toBe('refused');
    expect(log).toEqual([]);
  });

  test('property: whatever the attempts meet and the live read answers, refused means every instance is protected', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.constantFrom<CallOutcome>(
            'ok',
            'throttled',
            'applied-then-timeout',
            'lost-before-applied',
            '500',
          ),
          { maxLength: 8 },
        ),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 120 }),
        async (outcomes, refusals, instances) => {
          const ids = Array.from({ length: instances }, (_, index) => `i-${index}`);
          const protection = new Map<string, boolean>(ids.map(id => [id, true]));
          const log: string[] = [];
          const calls = protectionCalls(protection, [...outcomes], log);
          const answers = [...refusals];
          const live = async () => (answers.shift() === true ? 'a broker landed' : undefined);
          let result: 'refused' | void | 'threw';
          try {
            result = await adapter(calls).setInstanceProtection('asg-a', ids, false, live);
          } catch {
            result = 'threw';
          }
          if (result === 'refused') {
            expect(ids.filter(id => protection.get(id) !== true)).toEqual([]);
          }
          if (result === undefined) {
            expect(ids.filter(id => protection.get(id) !== false)).toEqual([]);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** Broker pods bound to `nodeName`. */
function podsOn(observed: Pick<Observed, 'brokers'>, nodeName: string): string[] {
  return observed.brokers
    .filter(broker => broker.nodeName === nodeName)
    .map(broker => broker.podName);
}

/**
 * True when `text` tells an operator to terminate an instance (`terminate the instance`,
 * `terminate it`).
 */
function advisesTerminate(text: string): boolean {
  return /terminate (the instance|it)\b/.test(text);
}

describe('fault 2: no way out tells an operator to terminate an instance that hosts brokers', () => {
  test("decide's hold beside a detached node that hosts brokers names them and does not advise terminating it", async () => {
    // GIVEN zone a wants a re-spread, and node-a-1 (detached) hosts 2 brokers
    const { config, cluster } = detachedBeside(80);
    const observed = await cluster.observe();
    const aboard = podsOn(observed, 'node-a-1');
    expect(aboard.length).toBeGreaterThan(0);
    // WHEN decide holds for it
    const plan = decide(observed, config, stabilizedLongAgo(config));
    expect(plan.reason).toBe('no-room-to-move');
    // THEN the way out names the pods aboard and never says to terminate the instance (failed
    // before: "terminate the instance and delete the Node if it is not wanted")
    expect(advisesTerminate(plan.detail)).toBe(false);
    for (const pod of aboard) expect(plan.detail).toContain(pod);
  });

  test('property: the roll gate names an unlisted landing node, and advises terminating it only when no broker pod is bound to it', () => {
    const config = testConfig();
    fc.assert(
      fc.property(
        fc.subarray(['node-a-1', 'node-a-2', 'node-a-3'], { minLength: 1 }),
        fc.array(fc.constantFrom('node-a-0', 'node-a-1', 'node-a-2', 'node-a-3'), {
          minLength: 1,
          maxLength: 6,
        }),
        (detached, placement) => {
          const healthy = healthyCluster(config, { nodesPerZone: 4 });
          // Zone a's brokers placed as drawn (the first on node-a-0, the pod to roll).
          let index = 0;
          const brokers = healthy.brokers.map(broker => {
            if (broker.zone !== 'us-east-1a') return broker;
            const nodeName = index === 0 ? 'node-a-0' : (placement[index % placement.length] ?? '');
            index++;
            return { ...broker, nodeName };
          });
          const ids = new Set(detached.map(name => `i-a${name.slice(-1)}`));
          const observed: Observed = {
            ...healthy,
            brokers,
            groups: healthy.groups.map(group => ({
              ...group,
              instances: group.instances.filter(instance => !ids.has(instance.instanceId)),
            })),
          };
          const pod = brokers.find(broker => broker.nodeName === 'node-a-0');
          if (pod === undefined) throw new Error('no broker on node-a-0');
          const blocked = writeBlocker(observed, config, {
            kind: 'request-roll',
            podName: pod.podName,
            podUid: pod.uid,
          });
          expect(blocked?.reason).toBe('no-room-to-move');
          const named = detached.find(name => blocked?.detail.includes(`node ${name},`));
          expect(named).toBeDefined();
          const aboard = podsOn(observed, named ?? '');
          expect(advisesTerminate(blocked?.detail ?? '')).toBe(aboard.length === 0);
          for (const each of aboard) expect(blocked?.detail).toContain(each);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a node held cordoned whose instance left its group with brokers aboard: the report does not advise terminating it', async () => {
    // GIVEN node-a-1 cordoned by this controller with no record (removed by someone mid-drain),
    // its instance detached, and 2 brokers still on it
    const config = { ...testConfig(), operationPhaseTimeoutSeconds: 600 };
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 80 });
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true }
        : node,
    );
    cluster.groups = cluster.groups.map(group => ({
      ...group,
      instances: group.instances.filter(instance => instance.instanceId !== 'i-a1'),
    }));
    const aboard = podsOn(cluster, 'node-a-1');
    expect(aboard.length).toBeGreaterThan(0);
    const events: ControllerEvent[] = [];
    const reconciler = reconcilerOn(cluster, config, {
      events: { record: async event => void events.push(event) },
    });
    // WHEN it stays so past the phase deadline
    for (let pass = 0; pass < 25; pass++) {
      await reconciler.reconcileOnce();
      cluster.nowMs += 30_000;
    }
    // THEN the Warning names the pods aboard and does not say to terminate the instance (failed
    // before: "or terminate the instance and delete the Node object")
    const held = events.filter(event => event.reason === 'NodeHeldCordoned');
    expect(held.length).toBeGreaterThan(0);
    for (const event of held) {
      expect(advisesTerminate(event.message)).toBe(false);
      for (const pod of aboard) expect(event.message).toContain(pod);
    }
    expect(cluster.nodes.find(node => node.name === 'node-a-1')?.unschedulable).toBe(true);
  });
});
