/**
 * Scenario 1, a day: demand rises from the one-node level to the four-node level and falls back.
 * The controller scales every zone out, re-spreads each zone's brokers to skew 0, and after the
 * fall empties nodes and terminates them one at a time, ending at one node per zone with every
 * broker Ready. The invariant checker runs over the whole recorded history.
 */
import { writeChartFiles } from './timeline-chart';
import { startRun, type E2eRun } from './environment';
import { sleep } from './processes';
import { demandForLevel, evenAt, lowDemandMiBps, waitEven, waitForLeader } from './scenario';

describe('a day: 1 -> 4 -> 1 nodes per zone', () => {
  let run: E2eRun | undefined;

  afterAll(async () => {
    await run?.stop();
  });

  test('scales out, re-spreads to skew 0, scales in one node at a time, with zero violations', async () => {
    run = await startRun('day');
    const { standIn, recorder } = run;
    const top = Math.max(...run.loaded.plan.balancedNodeCounts);
    const bottom = Math.min(...run.loaded.plan.balancedNodeCounts);
    await waitForLeader(run);
    expect(evenAt(run, bottom)).toBe(true);

    // Morning: quiet, then demand climbs to the top level.
    standIn.rampTo(lowDemandMiBps(run), 0);
    await sleep(10_000);
    recorder.fault('demand rises');
    standIn.rampTo(demandForLevel(run, top), 20);
    await waitEven(run, top, 8 * 60_000);
    const peakT = recorder.t();

    // Evening: demand falls back; the controller empties and removes nodes one at a time.
    await sleep(5_000);
    recorder.fault('demand falls');
    standIn.rampTo(lowDemandMiBps(run), 20);
    await waitEven(run, bottom, 12 * 60_000);

    const { violations, timeline } = await run.finish();
    await writeChartFiles(run.runDir, timeline, {
      docsCopy: process.env.E2E_WRITE_DOCS_SVG === '1',
    });
    expect(violations).toEqual([]);

    // The day went through the top level with skew 0 in every zone.
    const peak = timeline.samples.find(sample => sample.t >= peakT);
    expect(peak).toBeDefined();
    for (const zone of run.loaded.plan.zones) {
      const counts = Object.entries(peak?.brokersPerNode ?? {})
        .filter(([node]) => peak?.zoneOfNode[node] === zone.zone)
        .map(([, count]) => count);
      expect(counts).toEqual(new Array(top).fill(run.loaded.plan.brokersPerZone / top));
    }
    // Nodes left one at a time: never two nodes cordoned at once, and each termination came
    // after the previous node had gone.
    const history = recorder.historyEvents();
    for (const event of history) {
      if (event.kind === 'nodes') {
        expect(event.nodes.filter(node => node.unschedulable).length).toBeLessThanOrEqual(1);
      }
    }
    const terminations = history.filter(e => e.kind === 'write' && e.write === 'terminate');
    expect(terminations).toHaveLength(run.loaded.plan.zones.length * (top - bottom));
    // The real scheduler put every moved broker on another node of its own zone, at once: no
    // move ended elsewhere, and no broker waited Pending for more than a few seconds.
    const zoneOf = new Map(recorder.nodes.map(n => [n.name, n.zone]));
    for (const sample of timeline.samples) {
      for (const [node, zone] of Object.entries(sample.zoneOfNode)) zoneOf.set(node, zone);
    }
    expect(timeline.moves.length).toBeGreaterThan(0);
    for (const move of timeline.moves) {
      expect(move.toNode).toBeDefined();
      expect(move.toNode).not.toBe(move.fromNode);
      expect(zoneOf.get(move.toNode ?? '')).toBe(zoneOf.get(move.fromNode ?? ''));
    }
    let pendingSeconds = 0;
    let longestPendingSeconds = 0;
    for (const sample of timeline.samples) {
      pendingSeconds = sample.pendingBrokers > 0 ? pendingSeconds + 1 : 0;
      longestPendingSeconds = Math.max(longestPendingSeconds, pendingSeconds);
    }
    expect(longestPendingSeconds).toBeLessThanOrEqual(3);
  });
});
