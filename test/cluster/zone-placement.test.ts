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
  ensureNamespace,
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
  async function zonesEdit(from: number, to: number): Promise<Map<string, string>> {
    const t0 = Date.now();
    // KAFKA_EKS_PLACEMENT_TIMINGS=1 prints when each step finished
    const mark = (what: string): void => {
      if (process.env.KAFKA_EKS_PLACEMENT_TIMINGS === '1') {
        process.stderr.write(`[zones ${from}->${to}] ${what} at ${Date.now() - t0} ms\n`);
      }
    };
    cluster = await startSchedulingCluster(pool);
    mark('cluster up');
    const { api } = cluster;
    const before = rendered(prodOn(from), undefined);
    const loaded = prodOn(to);
    const after = rendered(loaded, before.system);
    const namespace = loaded.spec.kafka.namespace;

    // GIVEN the deployed spec's nodes and pods, controllers' volumes where they first landed
    const systemBefore = systemNodes('system', before.system.zones, loaded.spec.nodes.system.min);
    const kafkaBefore = prodOn(from).spec.zones.flatMap(zone => kafkaNodes(loaded, zone, 2));
    await Promise.all([...systemBefore, ...kafkaBefore].map(node => addNode(api, node)));
    mark('deployed nodes Ready');
    await ensureNamespace(api, namespace);
    const controllersBefore = poolPods(before.objects, 'controllers');
    const zoneOfNode = await nodeZones(api);
    // each volume where the scheduler first put its controller: over the group's zones in order
    await Promise.all(
      controllersBefore.map((pod, index) =>
        addZonalVolume(
          api,
          namespace,
          pod.metadata.name,
          before.system.zones[index % before.system.zones.length] as string,
        ),
      ),
    );
    mark('controller volumes Bound');
    for (const pod of controllersBefore) await createPod(api, pod);
    const brokerPoolsBefore = before.objects
      .filter(o => o.kind === 'KafkaNodePool' && o.metadata?.name !== 'controllers')
      .map(o => o.metadata?.name as string);
    const brokersBefore = brokerPoolsBefore.flatMap(name => poolPods(before.objects, name));
    for (const pod of brokersBefore) await createPod(api, pod);
    const systemPods = workloadPods(before.objects);
    for (const pod of systemPods) await createPod(api, pod);
    const first = await bound(
      api,
      [...controllersBefore, ...brokersBefore, ...systemPods].map(named),
    );
    mark('deployed spec placed');
    const controllerNodes = controllersBefore.map(p => first.get(p.metadata.name) as string);
    expect(new Set(controllerNodes).size).toBe(controllersBefore.length);

    // WHEN zones change: the system nodegroup as the program keeps or moves it
    if (after.system.name !== before.system.name) {
      // moved: the new group's nodes come up, the old group's nodes drain and go
      const moved = systemNodes('moved', after.system.zones, loaded.spec.nodes.system.min);
      await Promise.all(moved.map(node => addNode(api, node)));
      for (const node of systemBefore) await removeNode(api, node.metadata.name);
    }
    const zonesNow = await nodeZones(api);

    // THEN every system workload, started again (a rollout, or the drain of a moved group),
    // schedules on the system nodes, in the group's zones
    for (const pod of systemPods) await deletePod(api, pod.metadata.namespace, pod.metadata.name);
    const systemPodsAfter = workloadPods(after.objects);
    for (const pod of systemPodsAfter) await createPod(api, pod);
    const systemPlaced = await bound(api, systemPodsAfter.map(named));
    for (const node of systemPlaced.values()) {
      expect(after.system.zones).toContain(zonesNow.get(node));
      expect(node).toMatch(/^(system|moved)-/);
    }

    // AND the controllers, rolled one at a time onto the new template, each back in its volume's
    // zone, or Pending when that zone has no system node left
    const controllersAfter = poolPods(after.objects, 'controllers');
    const outcome = new Map<string, string>();
    for (const [index, pod] of controllersAfter.entries()) {
      await deletePod(api, namespace, pod.metadata.name);
      await createPod(api, pod);
      const [placement] = (await decided(api, [named(pod)])).values();
      const volumeZone = zoneOfNode.get(controllerNodes[index] as string) as string;
      outcome.set(
        pod.metadata.name,
        placement?.node === undefined
          ? `Pending: ${String(placement?.unschedulable)}`
          : `${String(zonesNow.get(placement.node))} (volume in ${volumeZone})`,
      );
    }
    mark('controllers rolled');

    // AND existing zones' brokers stay; a new zone's brokers wait for its Kafka nodes, then land
    const newZones = loaded.spec.zones.slice(from);
    const newBrokers = newZones.flatMap(z => poolPods(after.objects, `brokers-${letter(z)}`));
    for (const pod of newBrokers) await createPod(api, pod);
    if (newBrokers.length > 0) {
      const waiting = await decided(api, newBrokers.map(named));
      for (const placement of waiting.values()) {
        expect(placement.node).toBeUndefined();
        expect(placement.unschedulable).toMatch(/node affinity/);
      }
      // a new zone's Kafka nodegroup starts at nodes.kafka.minPerZone nodes
      const perZone = loaded.spec.nodes.kafka.minPerZone;
      await Promise.all(
        newZones.flatMap(zone => kafkaNodes(loaded, zone, perZone)).map(node => addNode(api, node)),
      );
      const landed = await bound(api, newBrokers.map(named));
      const zonesAfter = await nodeZones(api);
      for (const pod of newBrokers) {
        const zone = `${loaded.spec.region}${String(pod.metadata.labels['strimzi.io/pool-name']).slice(-1)}`;
        const nodes = newBrokers
          .filter(
            p =>
              p.metadata.labels['strimzi.io/pool-name'] ===
              pod.metadata.labels['strimzi.io/pool-name'],
          )
          .map(p => landed.get(p.metadata.name));
        expect(zonesAfter.get(landed.get(pod.metadata.name) as string)).toBe(zone);
        // spread evenly over the zone's nodes (at one node, all on it: the lowest balanced level)
        expect(nodes.filter(n => n === landed.get(pod.metadata.name))).toHaveLength(
          BROKERS_PER_ZONE / perZone,
        );
      }
    }
    mark('new brokers placed');
    // brokers of the remaining zones never moved
    const kept = brokersBefore.filter(p =>
      after.objects.some(o => o.metadata?.name === p.metadata.labels['strimzi.io/pool-name']),
    );
    const still = await bound(api, kept.map(named), 5_000);
    for (const pod of kept) expect(still.get(pod.metadata.name)).toBe(first.get(pod.metadata.name));
    return outcome;
  }

  const backHome = (outcome: Map<string, string>): string[] =>
    [...outcome].map(([pod, where]) => `${pod}: ${where.replace(/ \(volume in (.*)\)$/, '')}`);

  test('2 -> 3 zones: each controller rolls back into its zone; the new zone waits for its nodes', async () => {
    const outcome = await zonesEdit(2, 3);
    expect(backHome(outcome)).toEqual([
      'orders-controllers-0: us-east-1a',
      'orders-controllers-1: us-east-1b',
      'orders-controllers-2: us-east-1a',
    ]);
  });

  test('3 -> 4 zones: as 2 -> 3', async () => {
    const outcome = await zonesEdit(3, 4);
    expect(backHome(outcome)).toEqual([
      'orders-controllers-0: us-east-1a',
      'orders-controllers-1: us-east-1b',
      'orders-controllers-2: us-east-1c',
    ]);
  });

  test('3 -> 2 zones: the group moves; the controller whose volume is in the dropped zone stays Pending', async () => {
    // Not a placement fault: the EBS volume cannot leave us-east-1c (docs/upgrade.md).
    const outcome = await zonesEdit(3, 2);
    expect(outcome.get('orders-controllers-0')).toBe('us-east-1a (volume in us-east-1a)');
    expect(outcome.get('orders-controllers-1')).toBe('us-east-1b (volume in us-east-1b)');
    expect(outcome.get('orders-controllers-2')).toMatch(
      /^Pending: .*didn't match PersistentVolume's node affinity/,
    );
  });
});
