/**
 * Regression (found by reviewing 562d724 with the chaos property over 3 zones, seed 778, run 422):
 * the node-less exit's one retry per zone was spent for the life of the process. Zone c's new node
 * dropped out of the Kafka node view for 12 minutes at the first scale-out (its label changed), so
 * its instance was terminated as node-less (no broker was on it). Ninety minutes later a real
 * instance never joined in zone c; with the retry spent, the zone held `zone-cannot-grow` for good
 * and ran 4 nodes through the quiet hour. Now the retry is given back once an instance launched
 * after it becomes a Node; a launch whose replacements never join still gets one retry only.
 */
import { config as chaosConfig, expectSettled, runSchedule } from './chaos-run';
import type { Fault } from './chaos-world';
import { testConfig } from './fixtures';

describe('node-less exit across a day', () => {
  test('a later instance that never joins gets its own way out once a replacement has joined', async () => {
    // chaos-run's config with 3 zones (jest gives each test file its own module registry).
    Object.assign(chaosConfig, { zones: testConfig({ zones: 3, brokersPerZone: 4 }).zones });
    const faults: Fault[] = [
      { atMs: 20, kind: 'api-errors', durationMs: 141906, pick: 838 },
      { atMs: 787113, kind: 'nodes-view-missing', durationMs: 29209, pick: 35 },
      { atMs: 2829418, kind: 'prometheus-partial', durationMs: 113946, pick: 4, afterWrite: 28 },
      { atMs: 4541129, kind: 'instance-never-joins', durationMs: 120723, pick: 533 },
      { atMs: 10551887, kind: 'node-unlabelled', durationMs: 179991, pick: 647, afterWrite: 5 },
    ];
    const { violations, world } = await runSchedule(faults);
    expect(violations).toEqual([]);
    expectSettled(world);
    const nodeless = world.history.filter(
      event =>
        event.kind === 'event' &&
        event.reason === 'NodelessInstanceTerminated' &&
        event.message.includes('asg-orders-kafka-c'),
    );
    expect(nodeless).toHaveLength(2);
    expect(world.groups.map(group => group.desired)).toEqual([1, 1, 1]);
  });
});
