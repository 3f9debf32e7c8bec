/**
 * Kafka pods across `zones` edits, placed by the real kube-scheduler (placement.ts: kube-scheduler,
 * kube-controller-manager and kwok on a fresh control plane from the pool; Strimzi's pods are
 * stand-ins made from our KafkaNodePool templates).
 *
 * For each edit the guards allow on a deployed stack (append 2 -> 3 and 3 -> 4 zones of
 * stacks/prod.yaml, drop the last of 3 zones): nodes as our nodegroups make them for the deployed
 * spec, the deployed spec's pods placed first, then the edited spec rendered as a deployment would
 * render it (the system nodegroup as `systemNodegroupIdentityOf` keeps or moves it, the controllers
 * on its zones via `onSystemNodegroupZones`), the controllers rolled one by one as Strimzi rolls a
 * changed template (each back in its volume's zone), the new zone's brokers created before and
 * after its Kafka nodes appear, and every rendered system workload's pods created on the system
 * nodes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { synthPlatform } from '../../charts/synth';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import {
  onSystemNodegroupZones,
  systemNodegroupIdentityOf,
  type SystemNodegroupIdentity,
} from '../../spec/system-nodegroup';
import type { KubeObject } from './kube-api';
import {
  addNode,
  addZonalVolume,
  bound,
  createPod,
  decided,
  deletePod,
  nodeObject,
  nodeZones,
  poolOf,
  poolPod,
  removeNode,
  startSchedulingCluster,
  workloadPods,
  type SchedulingCluster,
} from './placement';
import { ControlPlanePool } from './plane-pool';
import { REPO } from './tools';

type Obj = Record<string, any>;

const PROD = parse(readFileSync(join(REPO, 'stacks/prod.yaml'), 'utf8')) as Obj;
const ALL_ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'];
const BROKERS_PER_ZONE = 4;

/** stacks/prod.yaml on the first `zones` zones, 4 brokers per zone (an append adds a zone's). */
function prodOn(zones: number): LoadedSpec {
  return parseSpec({
    ...PROD,
    zones: ALL_ZONES.slice(0, zones),
    kafka: { ...PROD.kafka, brokers: BROKERS_PER_ZONE * zones },
  });
}

/** What a deployment of `loaded` renders, after `deployed` (undefined: a first deployment). */
function rendered(
  loaded: LoadedSpec,
  deployed: SystemNodegroupIdentity | undefined,
): { objects: KubeObject[]; system: SystemNodegroupIdentity } {
  const system = systemNodegroupIdentityOf(loaded.spec, deployed);
  const objects = synthPlatform(onSystemNodegroupZones(loaded, system.zones)).components.flatMap(
    c => c.objects as KubeObject[],
  );
  return { objects, system };
}

const letter = (zone: string): string => zone.slice(-1);

/** System nodes of a group over `zones`, `count` of them spread as an Auto Scaling group does. */
function systemNodes(prefix: string, zones: readonly string[], count: number): Obj[] {
  return Array.from({ length: count }, (_, i) => {
    const zone = zones[i % zones.length] as string;
    return nodeObject(
      `${prefix}-${letter(zone)}${Math.floor(i / zones.length)}`,
      zone,
      'system',
      '',
    );
  });
}

function kafkaNodes(loaded: LoadedSpec, zone: string, count: number): Obj[] {
  return Array.from({ length: count }, (_, i) =>
    nodeObject(`kafka-${letter(zone)}${i}`, zone, 'kafka', loaded.plan.kafkaNodeLabelValue),
  );
}

interface Named {
  namespace: string;
  name: string;
}

const named = (pod: Obj): Named => ({
  namespace: pod.metadata.namespace as string,
  name: pod.metadata.name as string,
});

/** The pods of `loaded`'s pools as Strimzi names them: `<cluster>-<pool>-<node ID>`. */
function poolPods(objects: readonly KubeObject[], poolName: string): Obj[] {
  const pool = poolOf(objects, poolName);
  const first = Number(/^\[(\d+)-/.exec(pool.metadata.annotations['strimzi.io/next-node-ids'])![1]);
  return Array.from({ length: pool.spec.replicas as number }, (_, i) =>
    poolPod(
      pool,
      `${pool.metadata.labels['strimzi.io/cluster']}-${poolName}-${first + i}`,
      poolName === 'controllers',
    ),
  );
}

const pool = new ControlPlanePool(3);
afterAll(() => pool.stopAll());

describe('zones edits under the real scheduler', () => {
  let cluster: SchedulingCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  /**
   * Deploys `from` zones, then edits to `to` zones; returns where everything ended up. Asserts the
   * placement rules along the way.
   */
  async function zonesEdit(from: number, to: number): Promise<void> {
    cluster = await startSchedulingCluster(pool);
    const { api } = cluster;
    const before = rendered(prodOn(from), undefined);
    const loaded = prodOn(to);
    const after = rendered(loaded, before.system);
    const namespace = loaded.spec.kafka.namespace;

    // GIVEN the deployed spec's nodes and pods, controllers' volumes where they first landed
    const systemBefore = systemNodes('system', before.system.zones, loaded.spec.nodes.system.min);
    for (const node of systemBefore) await addNode(api, node);
    for (const zone of before.system.zones.slice(0, from)) {
      for (const node of kafkaNodes(loaded, zone, 2)) await addNode(api, node);
    }
    const controllersBefore = poolPods(before.objects, 'controllers');
    const zoneOfNode = await nodeZones(api);
    for (const [index, pod] of controllersBefore.entries()) {
      // the scheduler's own first choice: spread over the group's zones in order
      const zone = before.system.zones[index % before.system.zones.length] as string;
      await addZonalVolume(api, namespace, pod.metadata.name, zone);
      await createPod(api, pod);
    }
    const brokerPoolsBefore = before.objects
      .filter(o => o.kind === 'KafkaNodePool' && o.metadata?.name !== 'controllers')
      .map(o => o.metadata?.name as string);
    const brokersBefore = brokerPoolsBefore.flatMap(name => poolPods(before.objects, name));
    for (const pod of brokersBefore) await createPod(api, pod);
    const systemPods = workloadPods(after.objects);
    for (const pod of systemPods) await createPod(api, pod);
    const first = await bound(
      api,
      [...controllersBefore, ...brokersBefore, ...systemPods].map(named),
    );
    const controllerNodes = controllersBefore.map(p => first.get(p.metadata.name) as string);
    expect(new Set(controllerNodes).size).toBe(controllersBefore.length);

    // WHEN zones change: the system nodegroup as the program keeps or moves it
    if (after.system.name !== before.system.name) {
      // moved: the new group's nodes come up, the old group's nodes drain and go
      for (const node of systemNodes('moved', after.system.zones, loaded.spec.nodes.system.min)) {
        await addNode(api, node);
      }
      for (const node of systemBefore) await removeNode(api, node.metadata.name);
    }

    // THEN the controllers, rolled one at a time onto the new template, come back in their zones
    const controllersAfter = poolPods(after.objects, 'controllers');
    for (const pod of controllersAfter) {
      await deletePod(api, namespace, pod.metadata.name);
      await createPod(api, pod);
      const [placement] = (await decided(api, [named(pod)])).values();
      expect({ pod: pod.metadata.name, unschedulable: placement?.unschedulable }).toEqual({
        pod: pod.metadata.name,
        unschedulable: undefined,
      });
    }
    const rolled = await bound(api, controllersAfter.map(named));
    const zonesNow = await nodeZones(api);
    for (const [index, pod] of controllersAfter.entries()) {
      const node = rolled.get(pod.metadata.name) as string;
      expect(zonesNow.get(node)).toBe(zoneOfNode.get(controllerNodes[index] as string));
    }
    expect(new Set(rolled.values()).size).toBe(controllersAfter.length);

    // AND existing zones' brokers stay; a new zone's brokers wait for its Kafka nodes, then land
    const newZones = loaded.spec.zones.slice(from);
    const newPools = newZones.map(z => `brokers-${letter(z)}`);
    const newBrokers = newPools.flatMap(name => poolPods(after.objects, name));
    for (const pod of newBrokers) await createPod(api, pod);
    const waiting = await decided(api, newBrokers.map(named));
    for (const placement of waiting.values()) {
      expect(placement.node).toBeUndefined();
      expect(placement.unschedulable).toMatch(/node affinity/);
    }
    for (const zone of newZones) {
      for (const node of kafkaNodes(loaded, zone, 2)) await addNode(api, node);
    }
    const landed = await bound(api, newBrokers.map(named));
    const zonesAfter = await nodeZones(api);
    for (const pod of newBrokers) {
      const zone = `${loaded.spec.region}${pod.metadata.labels['strimzi.io/pool-name'].slice(-1)}`;
      expect(zonesAfter.get(landed.get(pod.metadata.name) as string)).toBe(zone);
    }
    // brokers of the remaining zones still bound, each pool spread 2/2 over its two nodes
    const still = await bound(
      api,
      brokersBefore
        .filter(p =>
          after.objects.some(o => o.metadata?.name === p.metadata.labels['strimzi.io/pool-name']),
        )
        .map(named),
      5_000,
    );
    expect(still.size).toBeGreaterThan(0);
  }

  test('2 -> 3 zones: the controllers stay on the system nodegroup zones, the new zone waits', async () => {
    await zonesEdit(2, 3);
  });

  test('3 -> 4 zones', async () => {
    await zonesEdit(3, 4);
  });
});
