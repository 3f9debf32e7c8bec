/**
 * Scenario 2, a broker that never becomes Ready after its move. Zone a's next recreated broker
 * is held unready (kwok never marks it Ready). The controller must wait out its move timeout,
 * retry once without asking for a second roll (the pod was recreated), abandon the operation,
 * uncordon the node and hold, and never start a second move meanwhile: one broker down, never
 * two. Then a person fixes the broker and removes the abandoned record; the controller resumes
 * and finishes the re-spread.
 */
import { OPERATION_ANNOTATION } from '../../controller/operation-record';
import { startRun, type E2eRun } from './environment';
import { waitUntil } from './processes';
import { demandForLevel, describeCluster, waitEven, waitForLeader, writesOf } from './scenario';
import { holdReadinessOfNewPods } from './workload';

describe('a broker that never becomes Ready after its move', () => {
  let run: E2eRun | undefined;

  afterAll(async () => {
    await run?.stop();
  });

  test('the move is retried once, then abandoned; no second broker goes down; a person resumes it', async () => {
    run = await startRun('never-ready', { controller: { moveTimeoutSeconds: 30 } });
    const current = run;
    const { recorder, standIn, loaded, api } = current;
    await waitForLeader(current);
    const zoneA = loaded.plan.zones[0];
    await holdReadinessOfNewPods(api, loaded, zoneA.poolName, true);
    recorder.fault(`new ${zoneA.poolName} pods never Ready`);

    standIn.rampTo(demandForLevel(current, 2), 5);
    const abandoned = await waitUntil(
      'the operation to be abandoned and its node uncordoned',
      () => recorder.nodes.find(n => n.operation?.phase === 'abandoned' && !n.unschedulable),
      6 * 60_000,
      { describe: () => describeCluster(current) },
    );
    expect(abandoned.zone).toBe(zoneA.zone);
    // One roll requested for the stuck broker (the retry did not ask again: the pod was new).
    const rollsAtAbandon = writesOf(current, 'request-roll');
    expect(rollsAtAbandon).toHaveLength(1);
    // The controller holds: nothing else moves for two move timeouts.
    await new Promise(resolve => setTimeout(resolve, 2 * current.timing.moveTimeoutSeconds * 1000));
    expect(writesOf(current, 'request-roll')).toHaveLength(1);
    expect(recorder.decisions().some(d => d.reason === 'operation-abandoned')).toBe(true);
    expect(recorder.pods.filter(p => !p.ready)).toHaveLength(1);

    // A person fixes the broker and removes the record; the controller finishes the re-spread.
    recorder.fault('a person fixes the broker and removes the record');
    await holdReadinessOfNewPods(api, loaded, zoneA.poolName, false);
    const stuck = recorder.pods.find(p => !p.ready);
    if (stuck !== undefined) {
      await api.ok(
        'DELETE',
        `/api/v1/namespaces/${loaded.spec.kafka.namespace}/pods/${stuck.name}`,
      );
    }
    await api.ok('PATCH', `/api/v1/nodes/${abandoned.name}`, {
      body: { metadata: { annotations: { [OPERATION_ANNOTATION]: null } } },
      contentType: 'application/merge-patch+json',
    });
    await waitEven(current, 2, 8 * 60_000);

    const { violations } = await current.finish();
    expect(violations).toEqual([]);
  });
});
