/**
 * A node being emptied is uncordoned by someone right after the controller asks Strimzi to roll
 * one of its brokers: the chaos world's scheduler then puts the restarted broker back on that
 * node (it is the zone's least loaded schedulable node). The controller cordons it again, and the
 * move's retry must roll the recreated pod, so the node is still emptied and removed. Before, the
 * retry only asked again for a pod that was never recreated, so it did nothing and the operation
 * was abandoned (found by the e2e tier, test/e2e/infrastructure-faults.e2e.ts).
 */
import { configWithZones, expectSettled, runSchedule } from './chaos-run';
import type { ChaosWorld } from './chaos-world';

/** Uncordons the node of the first remove-node operation right after its first roll request. */
function uncordonAfterFirstRoll(): {
  readonly onPass: (pass: unknown, world: ChaosWorld) => void;
  readonly uncordoned: () => string | undefined;
} {
  let uncordoned: string | undefined;
  let seen = 0;
  return {
    uncordoned: () => uncordoned,
    onPass: (_pass, world) => {
      if (uncordoned !== undefined) return;
      const fresh = world.history.slice(seen);
      seen = world.history.length;
      if (!fresh.some(entry => entry.kind === 'write' && entry.write === 'request-roll')) return;
      const draining = world.nodes.find(
        node => node.operation?.kind === 'remove-node' && node.unschedulable,
      );
      if (draining === undefined) return;
      const live = world.nodes.filter(node => node.deleteAtMs === undefined);
      world.inject({
        kind: 'foreign-uncordon',
        atMs: 0,
        durationMs: 1,
        pick: live.indexOf(draining),
      });
      uncordoned = draining.name;
    },
  };
}

describe('a node uncordoned by someone while one of its brokers rolls', () => {
  test('the broker that came back is rolled again, the node is removed, nothing is abandoned', async () => {
    const probe = uncordonAfterFirstRoll();
    const { violations, world } = await runSchedule([], configWithZones(2), {
      onPass: probe.onPass,
    });
    expect(probe.uncordoned()).toBeDefined();
    expect(violations).toEqual([]);
    const events = world.history.filter(entry => entry.kind === 'event');
    const reasons = events.map(event => (event.kind === 'event' ? event.reason : ''));
    // The race happened: the broker came back to the node and the retry rolled it.
    expect(reasons).toContain('BrokerMoveRetried');
    expect(reasons).not.toContain('OperationAbandoned');
    expect(
      world.history.some(entry => entry.kind === 'operation' && entry.phase === 'abandoned'),
    ).toBe(false);
    expectSettled(world);
  });
});
