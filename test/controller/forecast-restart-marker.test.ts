/**
 * A restarted controller whose Prometheus lost its data while it was down (the gap the forecast
 * history marker closes: without it, the short history Prometheus answers after the restart read
 * as a new cluster, the floor fell to 0, and a removal the process before held through its floor
 * started). The whole pass runs: the reconciler over the in-memory cluster (`fake-cluster.ts`), its
 * observation fed by a real `ForecastHistory` over a range querier whose data can be wiped, and a
 * marker store that outlives the process (the ConfigMap; in memory here, `memory-marker-store.ts`).
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
import { MemoryMarkerStore } from './memory-marker-store';

/** Prometheus holding `mibps` per pool from `sinceMs` (3 days back at first) up to each query's end. */
class WipeablePrometheus implements RangeQuerier {
  sinceMs: number | undefined;
  constructor(public mibps: number) {}

  queryRange = async (_promql: string, _startMs: number, endMs: number) => {
    const fromMs = this.sinceMs ?? endMs - 3 * DAY_MS;
    const points: Array<{ atMs: number; value: number }> = [];
    for (let atMs = Math.ceil(fromMs / STEP_MS) * STEP_MS; atMs <= endMs; atMs += STEP_MS) {
      points.push({ atMs, value: this.mibps * MIB });
    }
    return config.zones.map(zone => ({ labels: { pool: zone.poolName }, points }));
  };

  /** Loses every sample before `atMs`; what it scrapes from then on is the current demand. */
  wipe(atMs: number): void {
    this.sinceMs = atMs;
    this.mibps = DEMAND_MIBPS;
  }
}

describe('a controller restarted after its Prometheus lost its data', () => {
  it('starts no removal the floor of the process before held, and holds with the cause and the way out', async () => {
    // GIVEN a process that held every zone at 2 nodes through its forecast floor, and stamped the marker
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: DEMAND_MIBPS });
    const prometheus = new WipeablePrometheus(90);
    const marker = new MemoryMarkerStore();
    const held = await run(cluster, startProcess(cluster, prometheus, marker), 10);
    expect(held?.plan.detail).toMatch(/forecast floor holds zone us-east-1a at 2 nodes/);
    expect(Object.keys(marker.marker?.zones ?? {})).toEqual(config.zones.map(zone => zone.zone));
    // WHEN Prometheus loses its data and the controller restarts
    const restartMs = (await cluster.observe()).nowMs;
    prometheus.wipe(restartMs - 10 * 60_000);
    const restarted = startProcess(cluster, prometheus, marker);
    const blind = await run(cluster, restarted, 240);
    // THEN no node removal starts for 2 hours, and the hold names the marker and the way out
    expect(removalWrites(cluster.writes)).toEqual([]);
    expect(cluster.nodes).toHaveLength(6);
    expect(blind?.plan.reason).toBe('forecast-unknown');
    expect(blind?.plan.detail).toContain(
      `but the forecast history marker (ConfigMap ${marker.location}) says a controller held 24 h or more of it at`,
    );
    expect(blind?.plan.detail).toMatch(
      /so no node is removed in the zone until Prometheus holds 24 h of the zone's history again, the marker's stamp expires \(.+\), or the marker is deleted \(ConfigMap .+\), or autoscaling\.forecast is turned off in the spec$/,
    );
    // AND once the operator deletes the marker the zones read as new: reactive, the nodes go
    marker.text = undefined;
    await run(cluster, restarted, 400, () => cluster.terminated.length === 3);
    expect(cluster.terminated).toHaveLength(3);
  });

  it('the control: a new cluster (no marker) with the same short history is reactive, nodes go', async () => {
    // Without this the test above would pass on a controller that never removes anything.
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: DEMAND_MIBPS });
    const prometheus = new WipeablePrometheus(DEMAND_MIBPS);
    prometheus.sinceMs = (await cluster.observe()).nowMs - 10 * 60_000;
    const marker = new MemoryMarkerStore();
    await run(cluster, startProcess(cluster, prometheus, marker), 400, () => {
      return cluster.terminated.length === 3;
    });
    expect(cluster.terminated).toHaveLength(3);
    expect(marker.text).toBeUndefined();
  });

  it('a removal in flight at such a restart waits, then is rolled back at its phase deadline', async () => {
    // GIVEN process 1 (history of 30 MiB/s: the floor lets a node go) runs until its first cordon
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: DEMAND_MIBPS });
    const prometheus = new WipeablePrometheus(DEMAND_MIBPS);
    const marker = new MemoryMarkerStore();
    await run(cluster, startProcess(cluster, prometheus, marker), 20, () =>
      cluster.writes.some(write => write.startsWith('cordon ')),
    );
    expect(cluster.nodes.filter(node => node.operation !== undefined)).toHaveLength(1);
    expect(marker.text).toBeDefined();
    const before = cluster.writes.length;
    // WHEN Prometheus loses its data and the process restarts; 30 minutes pass
    prometheus.wipe((await cluster.observe()).nowMs);
    const last = await run(cluster, startProcess(cluster, prometheus, marker), 60);
    // THEN no move, no unprotect, no terminate: the removal is rolled back (uncordoned, no record)
    expect(removalWrites(cluster.writes.slice(before))).toEqual([]);
    expect(
      cluster.writes.slice(before).filter(write => write.startsWith('uncordon ')),
    ).toHaveLength(1);
    expect(cluster.nodes.filter(node => node.operation !== undefined)).toEqual([]);
    expect(cluster.terminated).toEqual([]);
    expect(last?.plan.reason).toBe('forecast-unknown');
  });
});
