/**
 * The real kube-scheduler places the KRaft controller pods of the controller pool as the charts
 * emit it (issue #12): distinct zones and distinct hosts even while the system nodes are fewer
 * than the zones. No Strimzi runs here: the pods are made from the pool's pod template with the
 * labels Strimzi puts on them (`strimzi.io/cluster`, `strimzi.io/pool-name`); kwok keeps the fake
 * system nodes alive.
 *
 * 1. Control: with `minDomains` removed (the charts before this fix), two system nodes in zones a
 *    and b take all three voters, two of them on one node, in one zone.
 * 2. As emitted: two voters bind to the two nodes, the third waits (FailedScheduling, topology
 *    spread), and binds to the node that then appears in zone c.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { synthPlatform } from '../../charts/synth';
import { findCrdsDir, startControlPlane, type ControlPlane } from '../cluster/control-plane';
import { KubeApi } from '../cluster/kube-api';
import { exampleSpec } from '../util/specs';
import { REPO } from './binaries';
import { KWOK_NODE_ANNOTATION, startKubeComponents } from './kube-components';
import { ProcessGroup, sleep, waitUntil } from './processes';

type Obj = Record<string, any>;

const NAMESPACE = 'kafka';

describe('KRaft controller placement by the real scheduler', () => {
  const loaded = exampleSpec('prod');
  const pool = synthPlatform(loaded)
    .components.flatMap(c => c.objects)
    .find(o => o.kind === 'KafkaNodePool' && o.metadata.name === 'controllers') as Obj;
  const runDir = join(REPO, 'build', 'e2e', 'controller-spread');
  let controlPlane: ControlPlane | undefined;
  let processes: ProcessGroup | undefined;
  let api: KubeApi | undefined;

  afterAll(async () => {
    api?.close();
    await processes?.stopAll();
    await controlPlane?.stop();
  });

  function node(name: string, zone: string): Obj {
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { [KWOK_NODE_ANNOTATION]: 'fake' },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'topology.kubernetes.io/zone': zone,
          type: 'kwok',
        },
      },
      spec: {},
      status: {
        capacity: { cpu: '2', memory: '8Gi', pods: '29' },
        allocatable: { cpu: '1930m', memory: '7Gi', pods: '29' },
      },
    };
  }

  function controllerPod(index: number, withMinDomains: boolean): Obj {
    const template = pool.spec.template.pod;
    const constraints = (template.topologySpreadConstraints as Obj[]).map(c => {
      if (withMinDomains) return c;
      const rest = { ...c };
      delete rest.minDomains;
      return rest;
    });
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${loaded.spec.name}-controllers-${index}`,
        namespace: NAMESPACE,
        labels: { 'strimzi.io/cluster': loaded.spec.name, 'strimzi.io/pool-name': 'controllers' },
      },
      spec: {
        affinity: template.affinity,
        topologySpreadConstraints: constraints,
        containers: [
          {
            name: 'kafka',
            image: 'quay.io/strimzi/kafka:stand-in',
            resources: pool.spec.resources,
          },
        ],
      },
    };
  }

  async function pods(): Promise<Obj[]> {
    const list = (await api!.ok('GET', `/api/v1/namespaces/${NAMESPACE}/pods`)) as { items: Obj[] };
    return list.items;
  }

  async function placements(): Promise<Map<string, string | undefined>> {
    return new Map((await pods()).map(p => [p.metadata.name as string, p.spec.nodeName]));
  }

  async function createNode(name: string, zone: string): Promise<void> {
    await api!.ok('POST', '/api/v1/nodes', { body: node(name, zone) });
    await waitUntil(
      `${name} Ready and untainted`,
      async () => {
        const got = (await api!.ok('GET', `/api/v1/nodes/${name}`)) as Obj;
        const ready = (got.status?.conditions ?? []).some(
          (c: Obj) => c.type === 'Ready' && c.status === 'True',
        );
        return ready && (got.spec.taints ?? []).length === 0;
      },
      60_000,
    );
  }

  async function deleteControllerPods(): Promise<void> {
    for (const pod of await pods()) {
      await api!.ok('DELETE', `/api/v1/namespaces/${NAMESPACE}/pods/${pod.metadata.name}`, {
        query: { gracePeriodSeconds: '0' },
      });
    }
    await waitUntil('the controller pods gone', async () => (await pods()).length === 0, 60_000);
  }

  test('voters never share a zone or host, even with fewer system nodes than zones', async () => {
    // GIVEN a control plane with the real scheduler, and two system nodes in zones a and b
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(runDir, { recursive: true });
    controlPlane = await startControlPlane({ crdsDir: findCrdsDir() });
    processes = new ProcessGroup(runDir);
    await startKubeComponents(controlPlane.info, processes, runDir, { brokerStartSeconds: 1 });
    api = new KubeApi(controlPlane.info);
    await api.ok('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    });
    const [zoneA, zoneB, zoneC] = loaded.spec.zones;
    await createNode('system-a', zoneA!);
    await createNode('system-b', zoneB!);
    const zoneOf = new Map([
      ['system-a', zoneA],
      ['system-b', zoneB],
      ['system-c', zoneC],
    ]);

    // 1. Control: without minDomains the third voter doubles up beside another.
    for (let index = 0; index < 3; index++) {
      await api.ok('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, {
        body: controllerPod(index, false),
      });
    }
    const doubled = await waitUntil(
      'all three voters bound (no minDomains)',
      async () => {
        const placed = await placements();
        return [...placed.values()].every(n => n !== undefined) && placed.size === 3
          ? placed
          : undefined;
      },
      60_000,
    );
    expect(new Set(doubled.values()).size).toBe(2);
    await deleteControllerPods();

    // 2. As emitted: two voters bind apart, the third waits.
    for (let index = 0; index < 3; index++) {
      await api.ok('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, {
        body: controllerPod(index, true),
      });
    }
    await waitUntil(
      'two voters bound',
      async () => [...(await placements()).values()].filter(n => n !== undefined).length === 2,
      60_000,
    );
    await sleep(10_000);
    const waiting = await placements();
    const bound = [...waiting.values()].filter((n): n is string => n !== undefined);
    expect(bound.sort()).toEqual(['system-a', 'system-b']);
    const pending = [...waiting].find(([, n]) => n === undefined)?.[0];
    expect(pending).toBeDefined();
    const events = (await api.ok('GET', `/api/v1/namespaces/${NAMESPACE}/events`, {
      query: { fieldSelector: `involvedObject.name=${pending},reason=FailedScheduling` },
    })) as { items: Array<{ message: string }> };
    expect(events.items.map(e => e.message).join('\n')).toMatch(/topology spread constraint/);

    // WHEN a system node appears in zone c THEN the waiting voter binds there
    await createNode('system-c', zoneC!);
    const final = await waitUntil(
      'the third voter bound',
      async () => {
        const placed = await placements();
        return placed.get(pending!) !== undefined ? placed : undefined;
      },
      60_000,
    );
    expect(final.get(pending!)).toBe('system-c');
    const nodes = [...final.values()] as string[];
    expect(new Set(nodes).size).toBe(3);
    expect(new Set(nodes.map(n => zoneOf.get(n))).size).toBe(3);
  });
});
