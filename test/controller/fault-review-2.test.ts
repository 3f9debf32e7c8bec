/**
 * Faults found by the second fault-injection review of the controller (chaos property over 2 and
 * 3 zones with the fault kinds that review added to `chaos-world.ts`). Each test names the fault
 * and failed before its fix.
 *
 * - A move started beside a broker whose host was about to go down: its instance was already
 *   `Terminating` in the Auto Scaling view (a failed health check, a Spot interruption) or its
 *   Node was NotReady, while the pod still showed Ready. The machine stopped and two brokers of
 *   the zone were down at once (`two-brokers-down`). Fixed in `kafkaBlocker` (`hostGoingDown`): such
 *   a broker counts as down.
 */
import fc from 'fast-check';
import { decide } from '../../controller/decide';
import { writeBlocker } from '../../controller/gate';
import { INITIAL_MEMORY, type Observed } from '../../controller/model';
import { kafkaBlocker } from '../../controller/safety';
import { configWithZones, expectSettled, runSchedule } from './chaos-run';
import type { Fault } from './chaos-world';
import { healthyCluster, testConfig, withNode } from './fixtures';

const config = { ...testConfig({ zones: 3 }), scaleInStabilizationSeconds: 0 };

/** Zone a with 2 nodes carrying 3 and 1 brokers: a re-spread is due there. */
function unevenZoneA(): Observed {
  const observed = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 80 });
  return {
    ...observed,
    brokers: observed.brokers.map(broker =>
      broker.podName === 'orders-brokers-a-1001' ? { ...broker, nodeName: 'node-a-0' } : broker,
    ),
  };
}

/** `observed` with the instance of `nodeName` in `lifecycleState`. */
function withInstanceState(observed: Observed, nodeName: string, lifecycleState: string): Observed {
  const instanceId = observed.nodes.find(node => node.name === nodeName)?.instanceId;
  return {
    ...observed,
    groups: observed.groups.map(group => ({
      ...group,
      instances: group.instances.map(instance =>
        instance.instanceId === instanceId ? { ...instance, lifecycleState } : instance,
      ),
    })),
  };
}

describe('a broker whose host is about to go down counts as down', () => {
  test('the uneven zone re-spreads when every host is healthy (control)', () => {
    const plan = decide(unevenZoneA(), config, INITIAL_MEMORY);
    expect(plan.action).toMatchObject({ kind: 'respread', nodeName: 'node-a-0' });
  });

  const hostFault = fc.record({
    // Any node of any zone, each way a host goes down.
    node: fc.constantFrom('node-a-0', 'node-a-1', 'node-b-0', 'node-b-1', 'node-c-0', 'node-c-1'),
    fault: fc.constantFrom(
      'NotReady',
      'Terminating',
      'Terminating:Wait',
      'Terminating:Proceed',
      'Terminated',
    ),
  });

  test('no move starts and no roll passes the gate while any broker host goes down', () => {
    fc.assert(
      fc.property(hostFault, ({ node, fault }) => {
        const observed =
          fault === 'NotReady'
            ? withNode(unevenZoneA(), node, each => ({ ...each, ready: false }))
            : withInstanceState(unevenZoneA(), node, fault);
        expect(kafkaBlocker(observed, config)).toMatchObject({ reason: 'broker-not-ready' });
        const plan = decide(observed, config, INITIAL_MEMORY);
        expect(plan.action?.kind ?? 'hold').not.toMatch(/respread|scale-in/);
        for (const broker of observed.brokers.filter(each => each.nodeName !== node)) {
          const roll = {
            kind: 'request-roll',
            podName: broker.podName,
            podUid: broker.uid,
          } as const;
          expect(writeBlocker(observed, config, roll)).toMatchObject({
            reason: 'broker-not-ready',
          });
        }
      }),
    );
  });

  test('an instance InService or Pending does not hold (only a leaving one does)', () => {
    for (const state of ['InService', 'Pending', 'Pending:Wait']) {
      const observed = withInstanceState(unevenZoneA(), 'node-b-0', state);
      expect(kafkaBlocker(observed, config)).toBeUndefined();
    }
  });

  test('regression (3 zones, seed 1, review 2): an instance lost beside a move; two brokers down', async () => {
    // Zone b's node-i-b7, hosting one broker, lost its instance right before the controller
    // started a move off node-i-b2; the pass saw the instance Terminating and the broker Ready.
    const faults: Fault[] = [
      { atMs: 4860028, kind: 'pod-deleted', durationMs: 88984, pick: 995, afterWrite: 110 },
      { atMs: 6502685, kind: 'foreign-uncordon', durationMs: 154231, pick: 303, afterWrite: 94 },
      { atMs: 10079842, kind: 'instance-lost', durationMs: 172447, pick: 696, afterWrite: 45 },
      { atMs: 10286612, kind: 'nodes-view-frozen', durationMs: 175398, pick: 295 },
    ];
    const { violations, world } = await runSchedule(faults, configWithZones(3));
    expect(violations).toEqual([]);
    expectSettled(world);
  });
});
