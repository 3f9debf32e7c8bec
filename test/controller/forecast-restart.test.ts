/**
 * A restarted controller whose forecast history range queries fail (the fault a review found: the
 * history lives in the process, an empty one read as `insufficient-history`, the floor fell to 0
 * and a removal the previous process held through its floor started or went on). The whole
 * pass runs: the reconciler over the in-memory cluster (`fake-cluster.ts`), its observation fed by
 * a real `ForecastHistory` over a range querier that serves a history or fails.
 */
import { type RangeQuerier } from '../../controller/forecast-history';
import { FakeCluster } from './fake-cluster';
import {
  DAY_MS,
  DEMAND_MIBPS,
  MIB,
  RESTART_CONFIG as config,
  STEP_MS,
  removalWrites,
  run,
  startProcess,
} from './forecast-restart-harness';

/** Prometheus as the forecast history sees it: a flat 3-day history of `mibps` per pool, or down. */
class HistoryPrometheus implements RangeQuerier {
  constructor(public answer: { readonly mibps: number } | 'down') {}

  queryRange = async (_promql: string, _startMs: number, endMs: number) => {
    const answer = this.answer;
    if (answer === 'down') throw new Error('connect ECONNREFUSED 127.0.0.1:9090');
    const points: Array<{ atMs: number; value: number }> = [];
    for (let atMs = Math.ceil((endMs - 3 * DAY_MS) / STEP_MS) * STEP_MS; atMs <= endMs;) {
      points.push({ atMs, value: answer.mibps * MIB });
      atMs += STEP_MS;
    }
    return config.zones.map(zone => ({ labels: { pool: zone.poolName }, points }));
  };
}

describe('a restarted controller whose forecast range queries fail', () => {
  it('starts no removal the floor of the process before held, and holds with the cause', async () => {
    // GIVEN a process that held every zone at 2 nodes through its forecast floor
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: DEMAND_MIBPS });
    const prometheus = new HistoryPrometheus({ mibps: 90 });
    const held = await run(cluster, startProcess(cluster, prometheus), 10);
    expect(held?.plan.reason).toBe('at-target');
    expect(held?.plan.detail).toMatch(/forecast floor holds zone us-east-1a at 2 nodes/);
    expect(removalWrites(cluster.writes)).toEqual([]);
    // WHEN it restarts and Prometheus fails every range query for an hour
    prometheus.answer = 'down';
    const restarted = startProcess(cluster, prometheus);
    const blind = await run(cluster, restarted, 120);
    // THEN no node removal starts, and the hold names the cause and the way out
    expect(removalWrites(cluster.writes)).toEqual([]);
    expect(cluster.nodes).toHaveLength(6);
    expect(blind?.plan.reason).toBe('forecast-unknown');
    expect(blind?.plan.detail).toContain(
      'no forecast history range query has succeeded since the controller started (last error: connect ECONNREFUSED 127.0.0.1:9090)',
    );
    expect(blind?.plan.detail).toContain('autoscaling.forecast is turned off in the spec');
    // AND once Prometheus answers again the floor holds the nodes, as before the restart
    prometheus.answer = { mibps: 90 };
    const back = await run(cluster, restarted, 20);
    expect(back?.plan.reason).toBe('at-target');
    expect(removalWrites(cluster.writes)).toEqual([]);
  });

  it('the same restart with a known short history (a new cluster) is reactive: nodes go', async () => {
    // The control: the controller does remove nodes here when nothing holds them, so the test
    // above would see the removal that the empty history let through before the fix.
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: DEMAND_MIBPS });
    const prometheus = new HistoryPrometheus({ mibps: 90 });
    prometheus.queryRange = async (_promql, _startMs, endMs) =>
      config.zones.map(zone => ({
        labels: { pool: zone.poolName },
        points: [{ atMs: endMs, value: DEMAND_MIBPS * MIB }],
      }));
    await run(cluster, startProcess(cluster, prometheus), 200, () => cluster.nodes.length === 3);
    expect(cluster.writes.filter(write => write.startsWith('terminate'))).toHaveLength(3);
  });

  describe('a removal in flight at the restart', () => {
    /** Process 1 (history of 30 MiB/s: the floor lets the node go) runs until its first cordon. */
    async function removalInFlight(): Promise<FakeCluster> {
      const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: DEMAND_MIBPS });
      await run(cluster, startProcess(cluster, new HistoryPrometheus({ mibps: 30 })), 20, () =>
        cluster.writes.some(write => write.startsWith('cordon ')),
      );
      expect(cluster.writes.filter(write => write.startsWith('cordon '))).toHaveLength(1);
      expect(cluster.nodes.filter(node => node.operation !== undefined)).toHaveLength(1);
      return cluster;
    }

    it('waits while the history is unknown, and is rolled back once the floor is known to hold it', async () => {
      const cluster = await removalInFlight();
      const before = cluster.writes.length;
      // WHEN the process restarts and its range queries fail for 5 minutes
      const prometheus = new HistoryPrometheus('down');
      const restarted = startProcess(cluster, prometheus);
      const waiting = await run(cluster, restarted, 10);
      // THEN the removal starts no move and never takes the node's protection off
      expect(removalWrites(cluster.writes.slice(before))).toEqual([]);
      expect(waiting?.plan.reason).toBe('operation-in-flight');
      expect(waiting?.step?.waiting).toContain('forecast floor of zone');
      expect(cluster.terminated).toEqual([]);
      // WHEN Prometheus answers with a history whose floor needs the node
      prometheus.answer = { mibps: 90 };
      await run(cluster, restarted, 20);
      // THEN the removal is rolled back: the node is kept, uncordoned, no record left
      expect(cluster.terminated).toEqual([]);
      expect(cluster.nodes).toHaveLength(6);
      expect(cluster.nodes.filter(node => node.unschedulable)).toEqual([]);
      expect(cluster.nodes.filter(node => node.operation !== undefined)).toEqual([]);
    });

    it('left unknown, waits no longer than its phase deadline, then is rolled back (a way out)', async () => {
      const cluster = await removalInFlight();
      const before = cluster.writes.length;
      const restarted = startProcess(cluster, new HistoryPrometheus('down'));
      // 30 minutes of failing range queries: past the 600 s phase deadline
      const last = await run(cluster, restarted, 60);
      expect(removalWrites(cluster.writes.slice(before))).toEqual([]);
      expect(
        cluster.writes.slice(before).filter(write => write.startsWith('uncordon ')),
      ).toHaveLength(1);
      expect(cluster.nodes.filter(node => node.operation !== undefined)).toEqual([]);
      expect(cluster.terminated).toEqual([]);
      // and starts no new removal while it cannot judge
      expect(last?.plan.reason).toBe('forecast-unknown');
    });

    it('goes on once the history is known and lets the node go (the way out)', async () => {
      const cluster = await removalInFlight();
      const prometheus = new HistoryPrometheus('down');
      const restarted = startProcess(cluster, prometheus);
      await run(cluster, restarted, 10);
      expect(cluster.terminated).toEqual([]);
      prometheus.answer = { mibps: 30 };
      await run(cluster, restarted, 200, () => cluster.terminated.length > 0);
      expect(cluster.terminated).toHaveLength(1);
    });
  });
});
