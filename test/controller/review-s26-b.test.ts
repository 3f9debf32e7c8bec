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
 */
import fc from 'fast-check';
import { AutoScalingAdapter, type AutoScalingCalls } from '../../controller/adapters/autoscaling';

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
          const protection = new Map(ids.map(id => [id, true] as const));
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
