/**
 * Scenario 2, faults of the controller's own processes and its Lease, at scripted points of one
 * run from one node per zone to two and back:
 *
 * - `kill -9` of the leader the instant its first roll request of a drain is accepted (the move
 *   is in flight, the record not yet updated by the dead process);
 * - the Lease deleted the instant a later roll request is accepted (a move in flight);
 * - `kill -9` of the leader the instant it has taken the scale-in protection off the instance it
 *   is about to terminate, before the terminate call.
 *
 * A killed replica is started again under the same identity (as its pod would be), once its Lease
 * has expired, so the other replica takes over and adopts the operation in flight. The run must
 * still end at one node per zone, every broker Ready, with zero violations.
 */
import { startRun, type E2eRun } from './environment';
import { sleep } from './processes';
import {
  demandForLevel,
  lowDemandMiBps,
  strikeOnWrite,
  waitEven,
  waitForLeader,
  writesOf,
} from './scenario';

describe('faults of the leader and its Lease', () => {
  let run: E2eRun | undefined;

  afterAll(async () => {
    await run?.stop();
  });

  test('kill -9 during a drain and between unprotect and terminate, Lease deleted mid-move', async () => {
    run = await startRun('leader-faults');
    const current = run;
    const { recorder, standIn, controllers, timing } = current;
    await waitForLeader(current);

    const killLeader = (when: string) => () => {
      const leader = recorder.currentLeader();
      const replica = controllers.replicas.find(r => r.identity === leader);
      if (replica === undefined) throw new Error(`no running leader to kill ${when}`);
      replica.process.child.kill('SIGKILL');
      recorder.fault(`kill -9 ${leader} ${when}`);
      // Restarted only after its Lease has expired, so the other replica takes over and adopts
      // the operation in flight.
      setTimeout(
        () => controllers.restart(replica.identity),
        (timing.leaseDurationSeconds + 4) * 1000,
      );
    };

    // 1. kill -9 of the leader as its first roll request lands.
    const firstRoll = strikeOnWrite(
      current.kubeTap,
      w => w.write === 'request-roll',
      killLeader('during a drain'),
    );
    // 2. the Lease deleted as the third roll request lands.
    let rolls = 0;
    const leaseDeleted = firstRoll.then(() =>
      strikeOnWrite(
        current.kubeTap,
        w => w.write === 'request-roll' && ++rolls === 2,
        () => {
          const { spec } = current.loaded;
          recorder.fault('Lease deleted');
          void current.api.request(
            'DELETE',
            `/apis/coordination.k8s.io/v1/namespaces/${spec.controller.namespace}/leases/${spec.name}-kafka-autoscaler`,
          );
        },
      ),
    );

    standIn.rampTo(demandForLevel(current, 2), 10);
    await waitEven(current, 2, 8 * 60_000);
    await firstRoll;
    await leaseDeleted;

    // 3. kill -9 between unprotect and terminate.
    const unprotected = strikeOnWrite(
      current.motoTap,
      w => w.write === 'unprotect',
      killLeader('between unprotect and terminate'),
    );
    await sleep(3_000);
    standIn.rampTo(lowDemandMiBps(current), 10);
    const unprotectWrite = await unprotected;
    await waitEven(current, 1, 10 * 60_000);

    const { violations, timeline } = await current.finish();
    expect(violations).toEqual([]);
    // The instance whose protection came off was terminated exactly once, by a later leader.
    const terminations = writesOf(current, 'terminate').filter(
      w => w.instanceId === unprotectWrite.instanceId,
    );
    expect(terminations).toHaveLength(1);
    // Each kill handed the Lease to the other replica, which adopted the operation in flight.
    const holders = timeline.samples
      .map(sample => sample.leader)
      .filter((leader, index, all) => leader !== undefined && leader !== all[index - 1]);
    expect(new Set(holders).size).toBe(2);
    expect(holders.length).toBeGreaterThanOrEqual(3);
    const adopted = timeline.controllerEvents.filter(event => event.reason === 'OperationAdopted');
    expect(adopted.length).toBeGreaterThanOrEqual(2);
    // Each terminated instance was terminated once.
    const ids = writesOf(current, 'terminate').map(w => w.instanceId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
