/**
 * Review s34-a, part 2: a fresh fault-injection review along dimensions the s33-c harness
 * (review-s33-c.test.ts: one zone, one removal or one re-spread, one process) did not cover.
 *
 * Scenarios, each run from the start to settled against the in-memory cluster with a small cloud
 * stand-in that launches an instance (and its Ready, unprotected Node) for each unit of desired
 * capacity above the group's instances:
 * - `scale-out`: two zones at one node each, demand needing two: the controller raises each
 *   group's desired capacity, the nodes join, the housekeeping protects them, and re-spreads move
 *   brokers onto them, one at a time cluster-wide;
 * - `two-removals`: two zones at two nodes each, demand fitting one: both zones want a removal at
 *   the same time;
 * - `floor-raised`: as `two-removals`, but a scheduled minimum (a floor) of two nodes per zone is
 *   raised while the removals run (the forecast floor feeds the same `floorNodes`): the running
 *   removal must roll back and no new one start.
 *
 * Two controller replicas share the cluster through fenced writers (each write checks the Lease
 * at the moment it goes out, as `fence.ts` does). Injected at every pass (faults) and at every
 * write (handovers): the Lease lost to, and taken by, the other replica right before or right
 * after each write of the run (the new leader has a higher fencing token and adopts the record);
 * Strimzi recreating a broker pod under a new UID (the one being moved, or another) mid-move;
 * Prometheus answering series for only some brokers, or for no broker of one zone, or without one
 * broker's health sample; a broker's Node relabelled with another zone than its pool's; a
 * KafkaNodePool changed by a user: replicas raised (a new broker Pending, or bound to the cordoned
 * node by a claim in flight), replicas lowered (a broker deleted), a pool added (pods outside the
 * configuration, one Pending with a claim on the operated node), a pool removed (every pod of a
 * zone gone, then back).
 *
 * Invariants, checked at each write and at the end of each pass: no terminate or unprotect of an
 * instance while a broker pod (of a configured pool or not) is bound, or bound-to-be, to a Node
 * naming it; no roll beside another broker rolling or down, while Kafka is not Ready or
 * partitions are under-replicated, or with a schedulable Node of the broker's zone on an
 * unprotected or unlisted instance; never more than one operation record in the cluster (one
 * move in flight cluster-wide); no write by a replica that does not hold the Lease; no write in a
 * pass whose data is partial or stale; no pass failing more than three times in a row for a
 * reason other than a lost Lease; and, once the fault clears, a settled cluster (no record, no
 * cordon, every zone at the level its demand needs) within `SETTLE_PASSES` passes.
 *
 * Findings and their tests: docs/controller.md, "Review s34-a".
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import { NotLeaderError } from '../../controller/fence';
import type { Observed, ObservedBroker } from '../../controller/model';
import type { OperationRecord } from '../../controller/operation-record';
import type { ClusterWriter, GroupWriter, WriteVersions } from '../../controller/ports';
import { writeBlocker } from '../../controller/gate';
import type { Reconciler } from '../../controller/reconciler';
import { staleDataBlocker } from '../../controller/safety';
import type { RollbackTally } from '../../controller/rollback-loop';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { testConfig } from './fixtures';

const SETTLE_PASSES = 80;
const PASS_SECONDS = 30;

type Scenario = 'scale-out' | 'two-removals' | 'floor-raised';

const config: ControllerConfig = {
  ...testConfig({ zones: 2 }),
  scaleInStabilizationSeconds: 120,
  emptyNodeStabilizationSeconds: 60,
};

/** The shared Lease: who holds it and its fencing token (the transition count). */
interface Lease {
  holder: 'a' | 'b';
  token: number;
}

class World extends FakeCluster {
  readonly violations: string[] = [];
  readonly bends: ((observed: Observed) => Observed)[] = [];
  kafkaReady = true;
  /** Pending pods (configured or not) the scheduler binds to a given node whatever its cordon. */
  readonly pinned = new Map<string, string>();
  /** Whether Prometheus still answers series for brokers that are down (within the rate window). */
  seriesForDownBrokers = false;
  /** The floor (scheduled minimum) in force. */
  floor = 0;
  private launched = 0;

  constructor(scenario: Scenario) {
    super(config, {
      nodesPerZone: scenario === 'scale-out' ? 1 : 2,
      demandMiBps: scenario === 'scale-out' ? 90 : 10,
    });
    const truth = this.observe;
    this.observe = async () => {
      const base = await truth();
      // Prometheus has series only for brokers that run (Ready, bound): a broker that is down has
      // no metrics endpoint, and its series ends once the rate window passes.
      const running = new Set(
        base.brokers.filter(b => b.ready && b.nodeName !== undefined).map(b => b.podName),
      );
      const visible: Observed = {
        ...base,
        kafkaReady: this.kafkaReady,
        loads: this.seriesForDownBrokers
          ? base.loads
          : base.loads?.filter(load => running.has(load.podName)),
      };
      return this.bends.reduce((view, bend) => bend(view), visible);
    };
  }

  /** Broker pods (configured or not) bound, or pinned while Pending, to any Node naming it. */
  brokersOnInstance(instanceId: string): string[] {
    const hosts = new Set(
      this.nodes.filter(node => node.instanceId === instanceId).map(node => node.name),
    );
    return [...this.brokers, ...this.otherBrokerPods]
      .filter(pod => {
        const host = pod.nodeName ?? this.pinned.get(pod.podName);
        return host !== undefined && hosts.has(host);
      })
      .map(pod => pod.podName);
  }

  override advance(seconds: number): void {
    for (const [podName, nodeName] of this.pinned) {
      if (!this.nodes.some(node => node.name === nodeName)) continue;
      this.brokers = this.brokers.map(broker =>
        broker.podName === podName
          ? { ...broker, nodeName, ready: true, readySinceMs: this.nowMs + 1 }
          : broker,
      );
      this.otherBrokerPods = this.otherBrokerPods.map(pod =>
        pod.podName === podName ? { ...pod, nodeName } : pod,
      );
    }
    this.pinned.clear();
    super.advance(seconds);
    // The cloud: each unit of desired capacity above the group's instances launches one, whose
    // Node joins Ready and schedulable (the instance unprotected until the housekeeping runs).
    for (const group of this.groups) {
      const missing = group.desired - group.instances.length;
      for (let index = 0; index < missing; index++) {
        const suffix = group.zone.slice(-1);
        const n = 10 + this.launched++;
        const instanceId = `i-${suffix}${n}`;
        this.nodes.push({
          name: `node-${suffix}-${n}`,
          uid: `uid-node-${suffix}-${n}`,
          resourceVersion: '1',
          zone: group.zone,
          ready: true,
          unschedulable: false,
          instanceId,
          createdAtMs: this.nowMs,
          operation: undefined,
        });
        this.groups = this.groups.map(each =>
          each.groupName === group.groupName
            ? {
                ...each,
                instances: [
                  ...each.instances,
                  { instanceId, lifecycleState: 'InService', protectedFromScaleIn: false },
                ],
              }
            : each,
        );
      }
    }
  }

  /** No record, no cordon, every zone at `nodes` Nodes. */
  settled(nodes: number): boolean {
    return (
      this.nodes.every(node => node.operation === undefined && !node.unschedulable) &&
      config.zones.every(
        zone => this.nodes.filter(node => node.zone === zone.zone).length === nodes,
      )
    );
  }

  /** At the end of a pass: at most one operation record in the cluster. */
  checkPass(pass: number): void {
    const records = this.nodes.filter(node => node.operation !== undefined);
    if (records.length > 1) {
      this.violations.push(
        `pass ${pass}: ${records.length} operation records at once (${records.map(node => node.name).join(', ')})`,
      );
    }
  }

  checkRoll(podName: string): void {
    const pod = this.brokers.find(broker => broker.podName === podName);
    const rolling = this.brokers.filter(broker => broker.rollRequested);
    const down = this.brokers.filter(
      broker => broker.podName !== podName && (!broker.ready || broker.nodeName === undefined),
    );
    const problems: string[] = [];
    if (rolling.length > 1) problems.push(`rolling ${rolling.map(b => b.podName).join(', ')}`);
    if (down.length > 0) problems.push(`down ${down.map(b => b.podName).join(', ')}`);
    if (!this.kafkaReady) problems.push('Kafka not Ready');
    if (this.underReplicatedPartitions > 0) problems.push('under-replicated');
    // Where it may land: every schedulable Ready node of its zone on a protected, listed instance.
    for (const node of this.nodes) {
      if (node.zone !== pod?.zone || !node.ready || node.unschedulable) continue;
      if (node.name === pod.nodeName) continue;
      const instance = this.groups
        .flatMap(group => group.instances)
        .find(each => each.instanceId === node.instanceId);
      if (instance === undefined || instance.protectedFromScaleIn !== true) {
        problems.push(`may land on ${node.name}, whose instance is not protected`);
      }
    }
    if (problems.length > 0) this.violations.push(`rolled ${podName}: ${problems.join('; ')}`);
  }
}

/** Writers fenced on the shared Lease, as `fence.ts` fences the real ones. */
function fencedWriters(
  world: World,
  me: 'a' | 'b',
  lease: Lease,
  beforeWrite: (name: string) => void,
  afterWrite: () => void,
): ClusterWriter & GroupWriter {
  const fenced = async <T>(name: string, write: () => Promise<T>): Promise<T> => {
    beforeWrite(name);
    if (lease.holder !== me) throw new NotLeaderError(`${me} does not hold the Lease`);
    const result = await write();
    afterWrite();
    return result;
  };
  return {
    writeOperation: (
      node,
      record: OperationRecord | undefined,
      rollbacks?: RollbackTally | null,
    ): Promise<WriteVersions | void> =>
      fenced('record', () => world.writeOperation(node, record, rollbacks)),
    setUnschedulable: (nodeName, nodeUid, unschedulable) =>
      fenced('cordon', () => world.setUnschedulable(nodeName, nodeUid, unschedulable)),
    requestRoll: async (podName, podUid, mayRoll) =>
      fenced('roll', async () => {
        const result = await world.requestRoll(podName, podUid, async () => {
          const refused = await mayRoll?.();
          if (refused === undefined) world.checkRoll(podName);
          return refused;
        });
        return result;
      }),
    raiseDesiredCapacity: (group, desired) =>
      fenced('desired', () => world.raiseDesiredCapacity(group, desired)),
    lowerDesiredCapacity: (group, from, to) =>
      fenced('lower', () => world.lowerDesiredCapacity(group, from, to)),
    setInstanceProtection: (group, ids, on, mayUnprotect) =>
      fenced('protection', async () => {
        const result = await world.setInstanceProtection(group, ids, on, mayUnprotect);
        if (!on && result !== 'refused') {
          for (const id of ids) {
            const aboard = world.brokersOnInstance(id);
            if (aboard.length > 0) world.violations.push(`unprotected ${id} with ${aboard}`);
          }
        }
        return result;
      }),
    terminateInstance: (group, instanceId, mayTerminate) =>
      fenced('terminate', async () => {
        const aboard = world.brokersOnInstance(instanceId);
        const result = await world.terminateInstance(group, instanceId, mayTerminate);
        if (result === 'requested' && aboard.length > 0) {
          world.violations.push(`terminated ${instanceId} with ${aboard.join(', ')} aboard`);
        }
        return result;
      }),
  };
}

interface Fault {
  readonly name: string;
  readonly inject: (world: World) => void;
  readonly clear?: (world: World) => void;
  /** Passes it lasts (0: a moment; an outside change that stays). */
  readonly lasts?: number;
  /** The data is partial while it lasts: no write may go out. */
  readonly partial?: boolean;
}

/** The node an operation runs on now, or the most loaded node (a move's source). */
function operatedNode(world: World): string {
  const recorded = world.nodes.find(node => node.operation !== undefined);
  if (recorded !== undefined) return recorded.name;
  const counts = new Map<string, number>();
  for (const broker of world.brokers) {
    if (broker.nodeName !== undefined) {
      counts.set(broker.nodeName, (counts.get(broker.nodeName) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? world.nodes[0].name;
}

function bendFault(name: string, bend: (observed: Observed) => Observed): Fault {
  const installed = new WeakMap<World, (observed: Observed) => Observed>();
  return {
    name,
    lasts: 2,
    partial: true,
    inject: world => {
      installed.set(world, bend);
      world.bends.push(bend);
    },
    clear: world => {
      const each = installed.get(world);
      if (each !== undefined) world.bends.splice(world.bends.indexOf(each), 1);
    },
  };
}

const zoneB = 'us-east-1b';

const FAULTS: readonly Fault[] = [
  {
    name: 'Strimzi recreates the broker being moved (or the first on the node) under a new UID',
    lasts: 1,
    inject: world => {
      const node = operatedNode(world);
      const pod =
        world.brokers.find(broker => broker.rollRequested) ??
        world.brokers.find(broker => broker.nodeName === node);
      if (pod === undefined) return;
      world.brokers = world.brokers.map(broker =>
        broker === pod
          ? { ...broker, uid: `${broker.uid}-re`, ready: false, rollRequested: false }
          : broker,
      );
    },
    clear: world => {
      world.brokers = world.brokers.map(broker =>
        broker.uid.endsWith('-re') && !broker.ready
          ? { ...broker, ready: true, readySinceMs: world.nowMs + 1 }
          : broker,
      );
    },
  },
  {
    name: 'Strimzi recreates a broker off the operated node under a new UID (its own roll)',
    lasts: 1,
    inject: world => {
      const node = operatedNode(world);
      const pod = world.brokers.find(broker => broker.nodeName !== node);
      if (pod === undefined) return;
      world.brokers = world.brokers.map(broker =>
        broker === pod ? { ...broker, uid: `${broker.uid}-re`, ready: false } : broker,
      );
    },
    clear: world => {
      world.brokers = world.brokers.map(broker =>
        broker.uid.endsWith('-re') && !broker.ready
          ? { ...broker, ready: true, readySinceMs: world.nowMs + 1 }
          : broker,
      );
    },
  },
  bendFault('Prometheus answers throughput series for only some brokers', observed => ({
    ...observed,
    loads: observed.loads?.filter((_load, index) => index % 3 !== 0),
  })),
  bendFault("Prometheus answers no series for one zone's brokers", observed => {
    const inB = new Set(observed.brokers.filter(b => b.zone === zoneB).map(b => b.podName));
    return {
      ...observed,
      loads: observed.loads?.filter(load => !inB.has(load.podName)),
      healthSampledAtMs: Object.fromEntries(
        Object.entries(observed.healthSampledAtMs ?? {}).filter(([pod]) => !inB.has(pod)),
      ),
    };
  }),
  bendFault("Prometheus answers without one broker's partition-health sample", observed => {
    const [first, ...rest] = Object.entries(observed.healthSampledAtMs ?? {});
    return { ...observed, healthSampledAtMs: Object.fromEntries(first === undefined ? [] : rest) };
  }),
  {
    name: "a broker's Node relabelled with another zone than its pool's",
    lasts: 3,
    inject: world => {
      const node = operatedNode(world);
      const zone = world.nodes.find(each => each.name === node)?.zone;
      const other = config.zones.find(each => each.zone !== zone)?.zone ?? zoneB;
      if (zone !== undefined) relabelled.set(world, { node, zone });
      world.nodes = world.nodes.map(each => (each.name === node ? { ...each, zone: other } : each));
    },
    clear: world => {
      const was = relabelled.get(world);
      if (was === undefined) return;
      world.nodes = world.nodes.map(each =>
        each.name === was.node ? { ...each, zone: was.zone } : each,
      );
    },
  },
  {
    name: 'the instance of a node with brokers terminated by someone else, with the decrement',
    inject: world => {
      const node = world.nodes.find(
        each =>
          each.operation === undefined &&
          world.brokers.some(broker => broker.nodeName === each.name),
      );
      if (node === undefined) return;
      world.groups = world.groups.map(group => ({
        ...group,
        desired: group.instances.some(i => i.instanceId === node.instanceId)
          ? group.desired - 1
          : group.desired,
        instances: group.instances.map(i =>
          i.instanceId === node.instanceId ? { ...i, lifecycleState: 'Terminating' } : i,
        ),
      }));
      // Its pods are deleted with the machine: recreated Pending by Strimzi.
      world.nodes = world.nodes.map(each =>
        each.name === node.name ? { ...each, ready: false } : each,
      );
      world.brokers = world.brokers.map(broker =>
        broker.nodeName === node.name
          ? { ...broker, uid: `${broker.uid}-re`, nodeName: undefined, ready: false }
          : broker,
      );
    },
  },
  {
    name: 'demand rises to need two nodes per zone, then falls back',
    lasts: 8,
    inject: world => {
      world.bends.push(doubled);
    },
    clear: world => {
      world.bends.splice(world.bends.indexOf(doubled), 1);
    },
  },
  {
    name: 'pool replicas raised: a new broker of the zone Pending, its claim on the operated node',
    lasts: 2,
    inject: world => {
      const node = operatedNode(world);
      const zone = world.nodes.find(each => each.name === node)?.zone ?? 'us-east-1a';
      const pool = config.zones.find(each => each.zone === zone)?.poolName ?? 'brokers-a';
      const podName = `orders-${pool}-extra`;
      world.brokers = [
        ...world.brokers,
        {
          podName,
          uid: `uid-${podName}`,
          zone,
          nodeName: undefined,
          ready: false,
          rollRequested: false,
          terminating: false,
        },
      ];
      world.pinned.set(podName, node);
    },
    clear: world => {
      // The user sets the replicas back: Strimzi deletes the extra broker.
      world.brokers = world.brokers.filter(broker => !broker.podName.endsWith('-extra'));
    },
  },
  {
    name: 'pool replicas lowered: a broker of the operated node deleted, then back',
    lasts: 2,
    inject: world => {
      const node = operatedNode(world);
      const pod = world.brokers.find(broker => broker.nodeName === node);
      if (pod === undefined) return;
      world.brokers = world.brokers.filter(broker => broker !== pod);
      deleted.set(world, pod);
    },
    clear: world => {
      const pod = deleted.get(world);
      if (pod === undefined) return;
      world.brokers = [...world.brokers, { ...pod, uid: `${pod.uid}-back`, nodeName: undefined }];
    },
  },
  {
    name: 'a pool added outside the configuration: a pod Pending with its claim on the operated node',
    lasts: 2,
    inject: world => {
      const node = operatedNode(world);
      world.otherBrokerPods = [
        ...world.otherBrokerPods,
        { podName: 'orders-newpool-0', nodeName: undefined },
      ];
      world.pinned.set('orders-newpool-0', node);
    },
    clear: world => {
      world.otherBrokerPods = world.otherBrokerPods.filter(
        pod => pod.podName !== 'orders-newpool-0',
      );
    },
  },
  {
    name: "a pool removed: every pod of zone b's pool gone, then recreated Pending",
    lasts: 2,
    inject: world => {
      removed.set(
        world,
        world.brokers.filter(broker => broker.zone === zoneB),
      );
      world.brokers = world.brokers.filter(broker => broker.zone !== zoneB);
    },
    clear: world => {
      world.brokers = [
        ...world.brokers,
        ...(removed.get(world) ?? []).map(pod => ({
          ...pod,
          uid: `${pod.uid}-back`,
          nodeName: undefined,
          ready: false,
        })),
      ];
    },
  },
];
const deleted = new WeakMap<World, ObservedBroker>();
const relabelled = new WeakMap<World, { node: string; zone: string }>();
/** Demand times 9 (10 MiB/s a zone needs one node, 90 two). */
function doubled(observed: Observed): Observed {
  return {
    ...observed,
    loads: observed.loads?.map(load => ({
      ...load,
      receiveMiBps: load.receiveMiBps * 9,
      transmitMiBps: load.transmitMiBps * 9,
    })),
  };
}
const removed = new WeakMap<World, ObservedBroker[]>();

type Injection =
  | { readonly kind: 'fault'; readonly fault: Fault; readonly atPass: number }
  | { readonly kind: 'handover'; readonly atWrite: number; readonly when: 'before' | 'after' };

interface Run {
  readonly violations: readonly string[];
  readonly partialWrites: readonly string[];
  readonly settledAfter: number | undefined;
  readonly writes: readonly string[];
  readonly handovers: number;
  /** Abandoned records the operator cleared (the documented way out). */
  readonly operatorActions: number;
}

async function run(scenario: Scenario, injections: readonly Injection[]): Promise<Run> {
  const world = new World(scenario);
  const lease: Lease = { holder: 'a', token: 1 };
  let handovers = 0;
  let writeCount = 0;
  const handoverAt = (when: 'before' | 'after'): void => {
    for (const each of injections) {
      if (each.kind === 'handover' && each.atWrite === writeCount && each.when === when) {
        lease.holder = lease.holder === 'a' ? 'b' : 'a';
        lease.token += 1;
        handovers++;
      }
    }
  };
  const replica = (me: 'a' | 'b'): Reconciler => {
    const writers = fencedWriters(
      world,
      me,
      lease,
      () => {
        writeCount++;
        handoverAt('before');
      },
      () => handoverAt('after'),
    );
    return reconcilerOn(world, scenarioConfig(scenario, world), {
      observe: () => world.observe(),
      cluster: writers,
      groups: writers,
      leadership: () => ({ leading: lease.holder === me, fencingToken: lease.token, holder: me }),
      liveNodeCheck: world,
      liveBrokerCheck: world,
      liveRecordCheck: {
        nodesWithRecords: async () =>
          world.nodes
            .filter(node => node.operation !== undefined)
            .map(node => node.name)
            .sort(),
      },
    });
  };
  const replicas = { a: replica('a'), b: replica('b') };
  const partialWrites: string[] = [];
  const active: { fault: Fault; until: number }[] = [];
  let lastFaultPass = 0;
  for (const each of injections) {
    if (each.kind === 'fault') {
      lastFaultPass = Math.max(lastFaultPass, each.atPass + (each.fault.lasts ?? 0));
    }
  }
  let settledAfter: number | undefined;
  let failedInARow = 0;
  const abandonedSince = new Map<string, number>();
  let operatorActions = 0;
  const wantNodes = scenario === 'scale-out' ? 2 : scenario === 'floor-raised' ? 2 : 1;
  for (let pass = 0; pass < lastFaultPass + 25 + SETTLE_PASSES; pass++) {
    if (scenario === 'floor-raised' && pass === 6) world.floor = 2;
    for (const each of injections) {
      if (each.kind === 'fault' && each.atPass === pass) {
        each.fault.inject(world);
        active.push({ fault: each.fault, until: pass + (each.fault.lasts ?? 0) });
      }
    }
    const partial = active.some(each => each.fault.partial === true && each.until > pass);
    const before = world.writes.length;
    let failed = false;
    for (const me of ['a', 'b'] as const) {
      try {
        await replicas[me].reconcileOnce();
      } catch (error) {
        if (!(error instanceof NotLeaderError)) {
          failed = true;
          if (failedInARow >= 3) {
            world.violations.push(`pass ${pass}: failing in a row: ${String(error)}`);
          }
        }
      }
    }
    failedInARow = failed ? failedInARow + 1 : 0;
    world.checkPass(pass);
    if (partial && world.writes.length > before) {
      partialWrites.push(`pass ${pass}: ${world.writes.slice(before).join('; ')}`);
    }
    for (const each of [...active]) {
      if (pass + 1 < each.until) continue;
      each.fault.clear?.(world);
      active.splice(active.indexOf(each), 1);
    }
    // The operator takes the documented way out of `abandoned` (its annotation removed) a few
    // passes after it appears.
    for (const node of world.nodes) {
      if (node.operation?.phase !== 'abandoned') continue;
      const since = abandonedSince.get(node.name) ?? pass;
      abandonedSince.set(node.name, since);
      if (pass - since >= 5) {
        world.nodes = world.nodes.map(each =>
          each.name === node.name ? { ...each, operation: undefined } : each,
        );
        abandonedSince.delete(node.name);
        operatorActions++;
      }
    }
    world.advance(PASS_SECONDS);
    if (pass > lastFaultPass + 20 && settledAfter === undefined && world.settled(wantNodes)) {
      settledAfter = pass - lastFaultPass;
      break;
    }
  }
  return {
    violations: world.violations,
    partialWrites,
    settledAfter,
    writes: world.writes,
    handovers,
    operatorActions,
  };
}

/**
 * The scenario's configuration; `floor-raised` reads the world's floor through a scheduled
 * minimum that is in force all day (the forecast floor feeds the same per-zone floor).
 */
function scenarioConfig(scenario: Scenario, world: World): ControllerConfig {
  if (scenario !== 'floor-raised') return config;
  return new Proxy(config, {
    get: (target, key, receiver) =>
      key === 'scheduledMinimums'
        ? world.floor === 0
          ? []
          : [
              {
                startUtc: '00:00',
                endUtc: '23:59',
                nodesPerZone: world.floor,
                weekdays: [0, 1, 2, 3, 4, 5, 6],
              },
            ]
        : Reflect.get(target, key, receiver),
  });
}

const baselines = new Map<Scenario, Run>();
async function baseline(scenario: Scenario): Promise<Run> {
  const known = baselines.get(scenario);
  if (known !== undefined) return known;
  const result = await run(scenario, []);
  baselines.set(scenario, result);
  return result;
}

const PASSES: Record<Scenario, readonly number[]> = {
  'scale-out': Array.from({ length: 14 }, (_, index) => index),
  'two-removals': Array.from({ length: 14 }, (_, index) => index + 3),
  'floor-raised': Array.from({ length: 8 }, (_, index) => index + 3),
};

function expectSafe(result: Run, label: string): void {
  expect({ label, violations: result.violations }).toEqual({ label, violations: [] });
  expect({ label, partialWrites: result.partialWrites }).toEqual({ label, partialWrites: [] });
  expect({ label, settled: result.settledAfter !== undefined }).toEqual({ label, settled: true });
}

const SCENARIOS = ['scale-out', 'two-removals', 'floor-raised'] as const;

describe.each(SCENARIOS)('%s under fault injection', scenario => {
  test('the fault-free run completes', async () => {
    const result = await baseline(scenario);
    expectSafe(result, 'baseline');
    if (scenario === 'scale-out') {
      expect(result.writes.filter(write => write.startsWith('desired')).length).toBe(2);
      expect(result.writes.some(write => write.startsWith('roll'))).toBe(true);
    }
    if (scenario === 'two-removals') {
      expect(result.writes.filter(write => write.startsWith('terminate')).length).toBe(2);
    }
  });

  test('the Lease lost to the other replica before and after each write of the run', async () => {
    const writes = (await baseline(scenario)).writes.length;
    for (let atWrite = 1; atWrite <= writes + 2; atWrite++) {
      for (const when of ['before', 'after'] as const) {
        const result = await run(scenario, [{ kind: 'handover', atWrite, when }]);
        expectSafe(result, `handover ${when} write ${atWrite}`);
      }
    }
  });

  test.each(FAULTS.map(fault => [fault.name, fault] as const))(
    'at every step: %s',
    async (_name, fault) => {
      for (const atPass of PASSES[scenario]) {
        const result = await run(scenario, [{ kind: 'fault', fault, atPass }]);
        expectSafe(result, `${fault.name} at pass ${atPass}`);
      }
    },
  );
});

test('random sequences of faults and handovers: the invariants hold and the cluster settles', async () => {
  const injection = (scenario: Scenario): fc.Arbitrary<Injection> =>
    fc.oneof(
      fc.record({
        kind: fc.constant('fault' as const),
        fault: fc.constantFrom(...FAULTS),
        atPass: fc.constantFrom(...PASSES[scenario]),
      }),
      fc.record({
        kind: fc.constant('handover' as const),
        atWrite: fc.integer({ min: 1, max: 30 }),
        when: fc.constantFrom('before' as const, 'after' as const),
      }),
    );
  await fc.assert(
    fc.asyncProperty(
      fc
        .constantFrom(...SCENARIOS)
        .chain(scenario =>
          fc.tuple(fc.constant(scenario), fc.array(injection(scenario), { maxLength: 4 })),
        ),
      async ([scenario, injections]) => {
        const result = await run(scenario, injections);
        expect(result.violations).toEqual([]);
        expect(result.partialWrites).toEqual([]);
        expect(result.settledAfter).toBeDefined();
      },
    ),
    { numRuns: 40, seed: 34 },
  );
});

describe('fault 1: a broker that is down has no series, and that froze every write, the exits too', () => {
  const terminated = FAULTS.find(fault => fault.name.startsWith('the instance of a node with'));

  test('a down broker without a series is not stale data; a running one is', () => {
    const world = new World('two-removals');
    world.brokers = world.brokers.map((broker, index) =>
      index === 0 ? { ...broker, nodeName: undefined, ready: false } : broker,
    );
    return world.observe().then(observed => {
      // Prometheus answers no series for the Pending broker (World drops it)
      expect(observed.loads?.some(load => load.podName === world.brokers[0].podName)).toBe(false);
      // THEN not stale (failed before: stale-data, naming the Pending broker)
      expect(staleDataBlocker(observed, config)).toBeUndefined();
      // ... and a running broker's missing series still is
      const running = world.brokers[1].podName;
      const partial = { ...observed, loads: observed.loads?.filter(l => l.podName !== running) };
      expect(staleDataBlocker(partial, config)?.detail).toContain(running);
    });
  });

  test('its unmeasured share still holds a removal’s unprotect and terminate', async () => {
    const world = new World('two-removals');
    world.nodes = world.nodes.map(node =>
      node.name === 'node-a-1' ? { ...node, unschedulable: true } : node,
    );
    world.brokers = world.brokers.map(broker =>
      broker.nodeName === 'node-a-1' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    world.brokers = world.brokers.map((broker, index) =>
      index === 5 ? { ...broker, ready: false } : broker,
    );
    const blocked = writeBlocker(await world.observe(), config, {
      kind: 'terminate-instance',
      groupName: 'asg-orders-kafka-a',
      instanceId: 'i-a1',
      nodeName: 'node-a-1',
    });
    expect(blocked?.reason).toBe('broker-not-ready');
    expect(blocked?.detail).toContain(world.brokers[5].podName);
  });

  test('the node its brokers could run on, cordoned by a removal, is released (a way out)', async () => {
    if (terminated === undefined) throw new Error('no such fault');
    // GIVEN the removal of node-a-1 under way, and node-a-0 terminated by someone else: its
    // brokers Pending, without series, and node-a-1 the only node of the zone
    const result = await run('two-removals', [{ kind: 'fault', fault: terminated, atPass: 6 }]);
    // THEN node-a-1 is uncordoned (failed before: stale-data held every write for good, the
    // brokers Pending beside a node cordoned by the controller)
    expect(result.writes).toContain('uncordon node-a-1');
    expect(result.violations).toEqual([]);
  });
});

describe('fault 2: a move whose broker lost every node to land on waited twice its deadline, then was abandoned', () => {
  test('a re-spread whose landing node goes away mid-move rolls back at once', async () => {
    // GIVEN a re-spread of node-a-0 (every broker of zone a on it, 60 MiB/s) with its move in
    // flight: the rolled broker recreated by Strimzi
    const oneZone: ControllerConfig = { ...testConfig({ zones: 1 }) };
    const cluster = new FakeCluster(oneZone, { nodesPerZone: 2, demandMiBps: 60 });
    cluster.brokers = cluster.brokers.map(broker => ({ ...broker, nodeName: 'node-a-0' }));
    const reconciler = reconcilerOn(cluster, oneZone, {
      observe: () => cluster.observe(),
      liveNodeCheck: cluster,
      liveBrokerCheck: cluster,
    });
    for (let pass = 0; pass < 10 && !cluster.writes.some(w => w.startsWith('roll')); pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(1);
    }
    const rolled = cluster.writes.find(w => w.startsWith('roll'))?.slice('roll '.length);
    expect(rolled).toBeDefined();
    // WHEN the node it was to land on goes away (its instance terminated by someone else) and
    // the recreated broker waits unbound: node-a-0, cordoned by the re-spread, is the zone's only
    // node
    cluster.strimzi = 'refuse';
    cluster.nodes = cluster.nodes.filter(node => node.name !== 'node-a-1');
    cluster.groups = cluster.groups.map(group => ({
      ...group,
      desired: group.desired - 1,
      instances: group.instances.filter(instance => instance.instanceId !== 'i-a1'),
    }));
    cluster.brokers = cluster.brokers.map(broker =>
      broker.podName === rolled
        ? {
            ...broker,
            uid: `${broker.uid}-new`,
            nodeName: undefined,
            ready: false,
            rollRequested: false,
          }
        : broker,
    );
    for (let pass = 0; pass < 4; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    // THEN node-a-0 is uncordoned within a few passes (failed before: the move waited its
    // deadline, 15 min, then its retry's, and was abandoned, the broker Pending all along)
    expect(cluster.writes).toContain('uncordon node-a-0');
    expect(cluster.nodes.find(node => node.name === 'node-a-0')?.unschedulable).toBe(false);
  });
});
