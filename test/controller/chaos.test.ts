/**
 * Property test (issue #10): full scale-out, re-spread and scale-in cycles on the chaos world
 * with faults interleaved at random times (every kind in `FAULT_KINDS`), the real reconciler
 * (decide, the operation state machine, the write gate), and the invariant checker over the
 * recorded history. Any failing schedule found is kept below as a regression test.
 */
import { FAULT_KINDS, OPERATOR_DELAY_MS, type Fault } from './chaos-world';
import { configWithZones, expectSettled, runSchedule, scheduleArb } from './chaos-run';
import fc from 'fast-check';

describe('controller under interleaved faults (issue #10)', () => {
  test('without faults: twice scales out to 4, re-spreads, scales in to 1; no violation', async () => {
    const { violations, world } = await runSchedule([]);
    expect(violations).toEqual([]);
    const writes = world.history.filter(event => event.kind === 'write');
    const desired = writes.filter(w => w.kind === 'write' && w.write === 'set-desired');
    expect(desired.map(w => (w.kind === 'write' ? w.desired : 0))).toEqual([4, 4, 4, 4]);
    expect(writes.filter(w => w.kind === 'write' && w.write === 'terminate')).toHaveLength(12);
    expect(writes.filter(w => w.kind === 'write' && w.write === 'request-roll').length).toBe(28);
    for (const group of world.groups) expect(group.desired).toBe(1);
    expectSettled(world);
  });

  test('regression (seed 10, run 75): a foreign-cordoned neighbour left no room; moves looped', async () => {
    // Found by the property below: scale-in picked the one schedulable node of a zone whose other
    // node someone had cordoned, so each move left its broker Pending until the operation was
    // abandoned, cleared, and started again. Fixed: a move needs another schedulable node, and
    // scale-in picks a victim that leaves one.
    const faults: Fault[] = [
      { atMs: 5, kind: 'prometheus-nan', durationMs: 89027, pick: 995 },
      { atMs: 7, kind: 'prometheus-missing', durationMs: 116039, pick: 779 },
      { atMs: 7758, kind: 'prometheus-frozen', durationMs: 103809, pick: 717 },
      { atMs: 3571652, kind: 'external-desired', durationMs: 11563, pick: 860 },
      { atMs: 5808235, kind: 'foreign-cordon', durationMs: 47941, pick: 997 },
      { atMs: 6326813, kind: 'prometheus-partial', durationMs: 84388, pick: 401 },
      { atMs: 7215703, kind: 'prometheus-frozen', durationMs: 5015, pick: 456 },
      { atMs: 7589391, kind: 'pods-view-missing', durationMs: 5012, pick: 20 },
      { atMs: 10799985, kind: 'autoscaling-frozen', durationMs: 5000, pick: 8 },
      { atMs: 10800000, kind: 'node-remains', durationMs: 140030, pick: 229 },
    ];
    const { violations, world } = await runSchedule(faults);
    expect(violations).toEqual([]);
    expectSettled(world);
  });

  test('regression (seed 10, run 87): an instance that never became a Node kept a group unbalanced', async () => {
    // Found by the property below: someone set desired capacity to 3 mid scale-in and the
    // instance launched for it never joined, so the group wanted 3 forever. Fixed: after
    // nodeReadyTimeoutSeconds that instance is terminated with the decrement (once per zone).
    const faults: Fault[] = [
      { atMs: 492872, kind: 'api-errors', durationMs: 81269, pick: 285, afterWrite: 146 },
      { atMs: 933041, kind: 'crash-restart', durationMs: 96875, pick: 659, afterWrite: 121 },
      { atMs: 1556481, kind: 'kafka-not-ready', durationMs: 61274, pick: 829, afterWrite: 27 },
      { atMs: 1562902, kind: 'pods-view-missing', durationMs: 140739, pick: 847, afterWrite: 36 },
      { atMs: 2254832, kind: 'instance-never-joins', durationMs: 36148, pick: 541, afterWrite: 57 },
      { atMs: 2882172, kind: 'crash-mid-write', durationMs: 33453, pick: 211, afterWrite: 80 },
      { atMs: 4224527, kind: 'nodes-view-frozen', durationMs: 173674, pick: 475, afterWrite: 107 },
      { atMs: 6047884, kind: 'pods-view-frozen', durationMs: 77353, pick: 579, afterWrite: 34 },
      { atMs: 6546156, kind: 'external-desired', durationMs: 165633, pick: 663, afterWrite: 94 },
    ];
    const { violations, world } = await runSchedule(faults);
    expect(violations).toEqual([]);
    expectSettled(world);
    expect(world.history).toContainEqual(
      expect.objectContaining({ kind: 'event', reason: 'NodelessInstanceTerminated' }),
    );
  });

  test('regression (seed 10, review): a node whose providerID stopped parsing was terminated with brokers', async () => {
    // Found by the property below once the review added the fault: the node's instance looked
    // node-less, and the node-less exit terminated it with brokers aboard. Fixed: the gate holds
    // every termination while a node maps to no instance or a broker is bound outside the view.
    const faults: Fault[] = [
      { atMs: 3914204, kind: 'autoscaling-frozen', durationMs: 101370, pick: 251, afterWrite: 2 },
      { atMs: 6464631, kind: 'providerid-unparsed', durationMs: 113220, pick: 833, afterWrite: 47 },
      { atMs: 8024684, kind: 'external-desired', durationMs: 152837, pick: 861, afterWrite: 123 },
      { atMs: 10031532, kind: 'external-desired', durationMs: 9238, pick: 520, afterWrite: 78 },
    ];
    const { violations, world } = await runSchedule(faults);
    expect(violations).toEqual([]);
    expectSettled(world);
  });

  test('regression (seed 10, review): a record on a Node restored under a new UID was waited on forever', async () => {
    // Found by the property below once the review added the fault: the operation waited for
    // "node gone or replaced" past every deadline. Fixed: uncordon, then remove the record.
    const faults: Fault[] = [
      { atMs: 14, kind: 'foreign-uncordon', durationMs: 172018, pick: 534, afterWrite: 2 },
      { atMs: 21, kind: 'node-remains', durationMs: 5007, pick: 61, afterWrite: 15 },
      { atMs: 1109215, kind: 'urp-spike', durationMs: 27519, pick: 442 },
      { atMs: 2188381, kind: 'instance-never-joins', durationMs: 5004, pick: 181, afterWrite: 138 },
      { atMs: 3571652, kind: 'node-replaced', durationMs: 176980, pick: 992, afterWrite: 128 },
      { atMs: 3671287, kind: 'pods-view-missing', durationMs: 5013, pick: 2, afterWrite: 6 },
      { atMs: 4443034, kind: 'pods-view-missing', durationMs: 179985, pick: 0, afterWrite: 160 },
      { atMs: 8000034, kind: 'kafka-not-ready', durationMs: 59158, pick: 670 },
      { atMs: 10799985, kind: 'node-remains', durationMs: 5004, pick: 3, afterWrite: 7 },
      { atMs: 10799992, kind: 'prometheus-partial', durationMs: 5015, pick: 533 },
    ];
    const { violations, world } = await runSchedule(faults);
    expect(violations).toEqual([]);
    expectSettled(world);
  });

  test('regression: one broker without partition-health series hides an under-replication spike', async () => {
    // The sum of the under-replicated-partitions gauges reads 0 while 5 partitions are behind,
    // because the broker that would report them has no series (its scrape failed). Before the
    // per-pod health coverage check, the re-spread in this window requested 3 rolls while
    // partitions were under-replicated (move-while-unhealthy); now it holds on stale-data.
    const faults: Fault[] = [
      { atMs: 11 * 60_000, kind: 'urp-spike', durationMs: 180_000, pick: 0 },
      { atMs: 11 * 60_000 + 1, kind: 'prometheus-health-partial', durationMs: 180_000, pick: 0 },
    ];
    const { violations, world } = await runSchedule(faults);
    expect(violations).toEqual([]);
    expectSettled(world);
  });

  test('every schedule of random faults: the checker finds no violation, and the world settles', async () => {
    const started = Date.now();
    let runs = 0;
    const byZones = new Map<number, number>();
    // Two and three zones alike: a hold or a re-spread order that only shows with a third zone
    // (as in the regressions of nodeless-retry and scale-in-zones) is found here too.
    await fc.assert(
      fc.asyncProperty(scheduleArb, fc.constantFrom(2, 3), async (faults, zones) => {
        runs++;
        byZones.set(zones, (byZones.get(zones) ?? 0) + 1);
        const { violations, world } = await runSchedule(faults, configWithZones(zones));
        expect(violations).toEqual([]);
        expectSettled(world);
      }),
      { numRuns: 100, seed: 10, endOnFailure: true },
    );
    const seconds = (Date.now() - started) / 1000;
    // Reported in the pull request note: fault kinds, schedules and runtime.
    process.stdout.write(
      `chaos property: ${FAULT_KINDS.length} fault kinds, ${runs} schedules (${byZones.get(2) ?? 0} with 2 zones, ${byZones.get(3) ?? 0} with 3), ${seconds.toFixed(1)} s\n`,
    );
    expect(byZones.get(3)).toBeGreaterThan(0);
    expect(OPERATOR_DELAY_MS).toBeGreaterThan(0);
  }, 300_000);
});
