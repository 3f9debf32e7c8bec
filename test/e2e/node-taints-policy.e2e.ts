/**
 * Scenario 3, the real scheduler fact the design relies on (docs/design: every hard spread
 * constraint sets `nodeTaintsPolicy: Honor`). No controller runs here; the test plays the parts
 * the controller and Strimzi play, one step at a time, on zone a:
 *
 * 1. the zone grows to two nodes and its four brokers are spread 2/2 by deleting pods one at a
 *    time (the statefulset controller recreates each, the scheduler places it);
 * 2. one node is cordoned (the controller manager adds the `unschedulable` taint);
 * 3. with the pool's template as the charts emit it, a broker deleted from the cordoned node lands
 *    on the other node of the same zone at once;
 * 4. with `nodeTaintsPolicy` removed from the template, the next broker deleted from the
 *    cordoned node stays Pending: the cordoned node still counts as a spread domain holding no
 *    broker, so every other node would break `maxSkew: 1`.
 */
import { startRun, type E2eRun } from './environment';
import { sleep, waitUntil } from './processes';
import { podSetName } from './workload';

describe('nodeTaintsPolicy: Honor is what keeps a cordoned node from stranding a broker', () => {
  let run: E2eRun | undefined;

  afterAll(async () => {
    await run?.stop();
  });

  test('with Honor the broker lands in its zone; without it, it stays Pending', async () => {
    run = await startRun('node-taints-policy', { controllerReplicas: 0 });
    const current = run;
    const { recorder, loaded, api, moto } = current;
    const zone = loaded.plan.zones[0];
    const group = moto.groups[0];
    const namespace = loaded.spec.kafka.namespace;
    const podsOn = (node: string) => recorder.pods.filter(p => p.nodeName === node && p.ready);
    const zoneNodes = () => recorder.nodes.filter(n => n.zone === zone.zone && n.ready);
    const recreated = async (name: string, uid: string, timeoutMs = 60_000) =>
      waitUntil(
        `${name} recreated and Ready`,
        () => {
          const pod = recorder.pods.find(p => p.name === name);
          return pod !== undefined && pod.uid !== uid && pod.ready ? pod : undefined;
        },
        timeoutMs,
      );
    const deletePod = async (name: string) => {
      const pod = recorder.pods.find(p => p.name === name);
      if (pod === undefined) throw new Error(`no pod ${name}`);
      await api.ok('DELETE', `/api/v1/namespaces/${namespace}/pods/${name}`);
      return pod.uid;
    };

    // 1. Two nodes in zone a, brokers 2/2.
    await moto.setDesiredCapacity(group.groupName, 2);
    await waitUntil(
      'a second Ready, untainted node in zone a',
      () =>
        zoneNodes().length === 2 &&
        zoneNodes().every(n => !n.taints.some(t => t.startsWith('node.kubernetes.io/not-ready'))),
      current.launchDelaySeconds * 1000 + 90_000,
    );
    const [first, second] = zoneNodes().sort(
      (a, b) => podsOn(b.name).length - podsOn(a.name).length,
    );
    for (let moved = 0; moved < 2; moved++) {
      const victim = podsOn(first.name)[0];
      const uid = await deletePod(victim.name);
      const pod = await recreated(victim.name, uid);
      expect(pod.nodeName).toBe(second.name);
    }
    expect(podsOn(first.name)).toHaveLength(2);
    expect(podsOn(second.name)).toHaveLength(2);

    // 2. Cordon the first node; wait for the controller manager's taint.
    await api.ok('PATCH', `/api/v1/nodes/${first.name}`, {
      body: { spec: { unschedulable: true } },
      contentType: 'application/merge-patch+json',
    });
    recorder.fault(`${first.name.split('.')[0]} cordoned`);
    await waitUntil(
      'the unschedulable taint',
      () =>
        recorder.nodes
          .find(n => n.name === first.name)
          ?.taints.includes('node.kubernetes.io/unschedulable:NoSchedule'),
      30_000,
    );

    // 3. As emitted (Honor): the broker goes to the other node of its zone.
    const honored = podsOn(first.name)[0];
    const honoredUid = await deletePod(honored.name);
    recorder.fault(`${honored.name} deleted (Honor)`);
    const landed = await recreated(honored.name, honoredUid);
    expect(landed.nodeName).toBe(second.name);
    expect(recorder.nodes.find(n => n.name === landed.nodeName)?.zone).toBe(zone.zone);

    // 4. Without nodeTaintsPolicy: the next broker stays Pending.
    const statefulSet = `/apis/apps/v1/namespaces/${namespace}/statefulsets/${podSetName(loaded.spec.name, zone.poolName)}`;
    const sts = (await api.ok('GET', statefulSet)) as {
      spec: { template: { spec: { topologySpreadConstraints: Array<Record<string, unknown>> } } };
    };
    const constraints = sts.spec.template.spec.topologySpreadConstraints;
    expect(constraints.every(c => c.nodeTaintsPolicy === 'Honor')).toBe(true);
    await api.ok('PATCH', statefulSet, {
      body: constraints.map((_, index) => ({
        op: 'remove',
        path: `/spec/template/spec/topologySpreadConstraints/${index}/nodeTaintsPolicy`,
      })),
      contentType: 'application/json-patch+json',
    });
    const ignored = podsOn(first.name)[0];
    const ignoredUid = await deletePod(ignored.name);
    recorder.fault(`${ignored.name} deleted (policy removed)`);
    await waitUntil(
      'the pod to be recreated',
      () => {
        const pod = recorder.pods.find(p => p.name === ignored.name);
        return pod !== undefined && pod.uid !== ignoredUid;
      },
      30_000,
    );
    await sleep(20_000);
    const stranded = recorder.pods.find(p => p.name === ignored.name);
    expect(stranded?.nodeName).toBeUndefined();
    expect(stranded?.ready).toBe(false);
    const events = (await api.ok('GET', `/api/v1/namespaces/${namespace}/events`, {
      query: { fieldSelector: `involvedObject.name=${ignored.name},reason=FailedScheduling` },
    })) as { items: Array<{ message: string }> };
    const messages = events.items.map(e => e.message).join('\n');
    expect(messages).toMatch(/topology spread constraint/);

    // Restore the policy and place the broker again, so the run ends whole.
    await api.ok('PATCH', statefulSet, {
      body: constraints.map((_, index) => ({
        op: 'add',
        path: `/spec/template/spec/topologySpreadConstraints/${index}/nodeTaintsPolicy`,
        value: 'Honor',
      })),
      contentType: 'application/json-patch+json',
    });
    const strandedUid = recorder.pods.find(p => p.name === ignored.name)?.uid ?? '';
    await api.ok('DELETE', `/api/v1/namespaces/${namespace}/pods/${ignored.name}`);
    const placed = await recreated(ignored.name, strandedUid);
    expect(placed.nodeName).toBe(second.name);

    const { violations } = await current.finish();
    expect(violations).toEqual([]);
  });
});
