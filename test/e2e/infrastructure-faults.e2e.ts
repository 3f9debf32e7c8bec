/**
 * Scenario 2, faults around the controller, at scripted points of one run from one node per zone
 * to two and back:
 *
 * - Prometheus stopped for longer than `staleAfterSeconds` while the new nodes boot: the
 *   controller holds on stale data and starts nothing until Prometheus is back;
 * - the API server restarted while a move is in flight (every watch breaks; the scheduler, the
 *   controller manager, kwok and both replicas reconnect);
 * - the group's desired capacity raised through moto by someone else, at two nodes per zone: the
 *   extra node is protected, emptied (it has nothing to move) and terminated;
 * - a node the controller cordoned for a scale-in uncordoned by hand during its drain.
 *
 * The run must end at one node per zone, every broker Ready, with zero violations.
 */
import { startRun, type E2eRun } from './environment';
import { restartApiServer } from './kube-components';
import { sleep, waitUntil } from './processes';
import {
  demandForLevel,
  evenAt,
  lowDemandMiBps,
  strikeOnWrite,
  waitEven,
  waitForLeader,
  writesOf,
} from './scenario';

/** Writes that start or advance an operation (protection housekeeping excluded). */
const ACTING = new Set([
  'set-desired',
  'terminate',
  'request-roll',
  'cordon',
  'record',
  'unprotect',
]);

describe('faults around the controller', () => {
  let run: E2eRun | undefined;

  afterAll(async () => {
    await run?.stop();
  });

  test('Prometheus down, API server restarted, desired capacity changed, node uncordoned by hand', async () => {
    run = await startRun('infrastructure-faults');
    const current = run;
    const { recorder, standIn, moto, prometheus, timing } = current;
    await waitForLeader(current);

    // Prometheus stopped right after the scale-out, for staleAfterSeconds + 15 s.
    const scaleOut = strikeOnWrite(
      current.motoTap,
      w => w.write === 'set-desired',
      () => undefined,
    );
    standIn.rampTo(demandForLevel(current, 2), 5);
    await scaleOut;
    await prometheus.process().stop();
    const stoppedAtMs = Date.now();
    recorder.fault('Prometheus stopped');
    await sleep((timing.staleAfterSeconds + 15) * 1000);
    const restartedAtMs = Date.now();
    await prometheus.restart();
    recorder.fault('Prometheus back');
    // From one stale limit (plus a pass) after the stop until it came back, no acting write.
    const quietFromMs =
      stoppedAtMs + (timing.staleAfterSeconds + timing.intervalSeconds + 1) * 1000;
    const duringOutage = [...current.kubeTap.writes, ...current.motoTap.writes].filter(
      w => ACTING.has(w.write) && w.atMs > quietFromMs && w.atMs < restartedAtMs,
    );
    expect(duringOutage).toEqual([]);
    expect(
      current.recorder
        .decisions()
        .some(d => d.reason === 'stale-data' && d.t >= recorder.t(stoppedAtMs)),
    ).toBe(true);

    // The API server restarted as a roll request lands (a move in flight).
    let apiOutageMs = 0;
    const restarted = new Promise<void>((resolve, reject) => {
      void strikeOnWrite(
        current.kubeTap,
        w => w.write === 'request-roll',
        () => {
          recorder.fault('kube-apiserver restarted');
          restartApiServer(current.controlPlane.info, current.processes).then(ms => {
            apiOutageMs = ms;
            resolve();
          }, reject);
        },
      );
    });
    await restarted;
    expect(apiOutageMs).toBeGreaterThan(0);
    await waitEven(current, 2, 8 * 60_000);

    // Someone raises zone a's group by one node; the controller removes the extra node again.
    const zoneA = moto.groups[0];
    const terminationsBefore = writesOf(current, 'terminate').length;
    recorder.fault(`desired capacity of ${zoneA.groupName} set to 3 by hand`);
    await moto.setDesiredCapacity(zoneA.groupName, 3);
    await waitUntil(
      'the extra node to join',
      () => recorder.nodes.filter(n => n.zone === zoneA.zone && n.ready).length === 3,
      current.launchDelaySeconds * 1000 + 60_000,
    );
    await waitEven(current, 2, 4 * 60_000);
    expect(writesOf(current, 'terminate').length).toBe(terminationsBefore + 1);

    // Scale-in; the first node cordoned for it is uncordoned by hand during its drain.
    let uncordonedNode = '';
    let uncordonedAtMs = 0;
    const uncordoned = strikeOnWrite(
      current.kubeTap,
      w => w.write === 'request-roll',
      write => {
        const pod = recorder.pods.find(p => p.name === write.podName);
        const node = pod?.nodeName;
        if (node === undefined) return;
        uncordonedNode = node;
        uncordonedAtMs = Date.now();
        recorder.fault(`${node.split('.')[0]} uncordoned by hand`);
        void current.api.request('PATCH', `/api/v1/nodes/${node}`, {
          body: { spec: { unschedulable: false } },
          contentType: 'application/merge-patch+json',
        });
      },
    );
    await sleep(3_000);
    standIn.rampTo(lowDemandMiBps(current), 10);
    await uncordoned;
    await waitEven(current, 1, 12 * 60_000);
    expect(evenAt(current, 1)).toBe(true);
    // The controller cordoned the node again and still emptied and terminated it.
    expect(uncordonedNode).not.toBe('');
    const recordoned = writesOf(current, 'cordon').filter(
      w => w.nodeName === uncordonedNode && w.atMs > uncordonedAtMs,
    );
    expect(recordoned.length).toBeGreaterThanOrEqual(1);
    const instance = uncordonedNode.split('.')[0];
    expect(writesOf(current, 'terminate').map(w => w.instanceId)).toContain(instance);

    const { violations } = await current.finish();
    expect(violations).toEqual([]);
  });
});
