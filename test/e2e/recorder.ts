/**
 * Records what happens in an end-to-end run, twice over:
 *
 * - the history the invariant checker reads (test/controller/invariants.ts): snapshots of the
 *   broker pods, the Kafka nodes, the groups and Kafka's health whenever they change, the
 *   operation records on the nodes, the controller's Events, and the controller's writes (from
 *   the write taps);
 * - the timeline drawn as the run's chart: one sample per second (demand, nodes and group size
 *   per zone, brokers per node, the leader) plus the moves and the controller's hold reasons.
 *
 * Everything is polled with the admin credential every `pollMs`; a poll that fails (the API
 * server restarting) is skipped, never recorded as an empty cluster.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { readFileSync } from 'node:fs';
import { instanceIdOf } from '../../controller/observe';
import { OPERATION_ANNOTATION, decodeOperationRecord } from '../../controller/operation-record';
import type { LoadedSpec } from '../../spec/load';
import type { HistoryEvent, WriteEvent } from '../controller/invariants';
import { KubeApi, type Connection } from '../cluster/kube-api';
import type { Moto } from './cloud';
import type { StrimziStandIn } from './strimzi-stand-in';

/** One broker pod as seen. */
export interface PodSeen {
  readonly name: string;
  readonly uid: string;
  readonly zone: string;
  readonly nodeName?: string;
  readonly ready: boolean;
  readonly phase: string;
  readonly rollRequested: boolean;
}

/** One Kafka node as seen. */
export interface NodeSeen {
  readonly name: string;
  readonly uid: string;
  readonly zone: string;
  readonly instanceId?: string;
  readonly ready: boolean;
  readonly unschedulable: boolean;
  readonly taints: readonly string[];
  readonly operation?: {
    readonly id: string;
    readonly phase: string;
    readonly movesDone: number;
    readonly moveAttempt?: number;
    readonly kind: string;
    readonly note?: string;
  };
}

/** One sample of the timeline. */
export interface TimelineSample {
  /** Seconds since the run's start. */
  readonly t: number;
  readonly demandMiBps: Readonly<Record<string, number>>;
  /** Ready, schedulable Kafka nodes per zone. */
  readonly nodesPerZone: Readonly<Record<string, number>>;
  /** Every Kafka node per zone (cordoned and not yet Ready included). */
  readonly allNodesPerZone: Readonly<Record<string, number>>;
  readonly desiredPerZone: Readonly<Record<string, number>>;
  /** Ready brokers per node name. */
  readonly brokersPerNode: Readonly<Record<string, number>>;
  /** Zone of each node in `brokersPerNode`. */
  readonly zoneOfNode: Readonly<Record<string, string>>;
  readonly brokersReady: number;
  readonly pendingBrokers: number;
  readonly underReplicatedPartitions: number;
  readonly leader?: string;
}

/** A move, as the Strimzi stand-in performed it. */
export interface TimelineMove {
  readonly t: number;
  readonly endT?: number;
  readonly pod: string;
  readonly fromNode?: string;
  readonly toNode?: string;
}

/** A span of time the leader held for one reason (or acted). */
export interface TimelineDecision {
  readonly t: number;
  readonly reason: string;
  readonly detail: string;
  readonly identity: string;
}

/** The timeline written per run. */
export interface Timeline {
  readonly scenario: string;
  readonly startedAt: string;
  readonly spec: string;
  readonly zones: readonly string[];
  readonly levelCapacityMiBps: number;
  readonly balancedNodeCounts: readonly number[];
  readonly samples: readonly TimelineSample[];
  readonly moves: readonly TimelineMove[];
  readonly decisions: readonly TimelineDecision[];
  readonly faults: ReadonlyArray<{ readonly t: number; readonly what: string }>;
  readonly controllerEvents: ReadonlyArray<{
    readonly t: number;
    readonly type: string;
    readonly reason: string;
    readonly message: string;
  }>;
}

interface RawPod {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec: { nodeName?: string };
  status?: { phase?: string; conditions?: Array<{ type: string; status: string }> };
}

interface RawNode {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    unschedulable?: boolean;
    providerID?: string;
    taints?: Array<{ key: string; effect: string }>;
  };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

/** The recorder of one run. */
export class RunRecorder {
  private readonly api: KubeApi;
  private readonly history: HistoryEvent[] = [];
  private readonly samples: TimelineSample[] = [];
  private readonly faults: Array<{ t: number; what: string }> = [];
  private readonly seenEvents = new Set<string>();
  private readonly controllerEvents: Timeline['controllerEvents'][number][] = [];
  private lastPodsKey = '';
  private lastNodesKey = '';
  private lastKafkaKey = '';
  private readonly lastGroupKey = new Map<string, string>();
  private readonly operations = new Map<string, { id: string; key: string }>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastSampleMs = 0;
  private leader: string | undefined;
  /** Broker pods as last seen. */
  pods: PodSeen[] = [];
  /** Kafka nodes as last seen. */
  nodes: NodeSeen[] = [];
  /** Groups as last seen, by group name. */
  groups = new Map<string, AutoScalingGroup>();
  /** Polls that failed. */
  errors = 0;
  readonly startedMs = Date.now();

  constructor(
    private readonly scenario: string,
    private readonly loaded: LoadedSpec,
    connection: Connection,
    private readonly moto: Moto,
    private readonly standIn: StrimziStandIn,
    private readonly writeSources: ReadonlyArray<{ readonly writes: readonly WriteEvent[] }>,
    private readonly logFiles: () => readonly string[],
    private readonly pollMs = 300,
  ) {
    this.api = new KubeApi(connection);
  }

  /** Seconds since the start of the run. */
  t(atMs = Date.now()): number {
    return Math.round((atMs - this.startedMs) / 100) / 10;
  }

  /** Marks a fault on the timeline. */
  fault(what: string): void {
    this.faults.push({ t: this.t(), what });
  }

  /** Starts the history with its setup event, then polls. */
  start(stateDeadlineMs: number, operationDeadlineMs?: number): void {
    this.history.push({
      kind: 'setup',
      atMs: Date.now(),
      balancedNodeCounts: this.loaded.plan.balancedNodeCounts,
      brokerPods: this.loaded.plan.zones.flatMap(zone =>
        zone.brokerIds.map(id => `${this.loaded.spec.name}-${zone.poolName}-${id}`),
      ),
      stateDeadlineMs,
      ...(operationDeadlineMs === undefined ? {} : { operationDeadlineMs }),
    });
    this.running = true;
    const loop = async (): Promise<void> => {
      if (!this.running) return;
      try {
        await this.poll();
      } catch {
        this.errors++;
      }
      if (this.running) this.timer = setTimeout(() => void loop(), this.pollMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.api.close();
  }

  private push(event: HistoryEvent): void {
    this.history.push(event);
  }

  /** One poll: pods, nodes, Kafka, groups, events, leader. */
  async poll(): Promise<void> {
    const { spec } = this.loaded;
    const namespace = spec.kafka.namespace;
    const [podList, nodeList, kafka, lease] = await Promise.all([
      this.api.ok('GET', `/api/v1/namespaces/${namespace}/pods`, {
        query: { labelSelector: `strimzi.io/cluster=${spec.name},strimzi.io/broker-role=true` },
      }) as Promise<{ items: RawPod[] }>,
      this.api.ok('GET', '/api/v1/nodes', {
        query: {
          labelSelector: `kafka.platform/nodegroup=${this.loaded.plan.kafkaNodeLabelValue}`,
        },
      }) as Promise<{ items: RawNode[] }>,
      this.api.ok(
        'GET',
        `/apis/kafka.strimzi.io/v1/namespaces/${namespace}/kafkas/${spec.name}`,
      ) as Promise<{
        status?: { conditions?: Array<{ type: string; status: string }> };
      }>,
      this.api.request(
        'GET',
        `/apis/coordination.k8s.io/v1/namespaces/${spec.controller.namespace}/leases/${spec.name}-kafka-autoscaler`,
      ),
    ]);
    const groups = await this.moto.describe();
    const atMs = Date.now();
    this.leader =
      lease.status === 200
        ? (lease.body as { spec?: { holderIdentity?: string } }).spec?.holderIdentity
        : undefined;
    const zoneOfPool = new Map(this.loaded.plan.zones.map(z => [z.poolName, z.zone]));
    this.pods = podList.items
      .map(pod => ({
        name: pod.metadata.name,
        uid: pod.metadata.uid,
        zone: zoneOfPool.get(pod.metadata.labels?.['strimzi.io/pool-name'] ?? '') ?? '',
        ...(pod.spec.nodeName === undefined ? {} : { nodeName: pod.spec.nodeName }),
        ready:
          pod.metadata.deletionTimestamp === undefined &&
          (pod.status?.conditions ?? []).some(c => c.type === 'Ready' && c.status === 'True'),
        phase:
          pod.metadata.deletionTimestamp !== undefined
            ? 'Terminating'
            : (pod.status?.phase ?? 'Pending'),
        rollRequested: pod.metadata.annotations?.['strimzi.io/manual-rolling-update'] === 'true',
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    this.nodes = nodeList.items
      .map(node => {
        const recorded = node.metadata.annotations?.[OPERATION_ANNOTATION];
        const zone = node.metadata.labels?.['topology.kubernetes.io/zone'] ?? '';
        const record =
          recorded === undefined
            ? undefined
            : decodeOperationRecord(recorded, {
                name: node.metadata.name,
                uid: node.metadata.uid,
                zone,
              });
        const instanceId = instanceIdOf(node.spec.providerID);
        return {
          name: node.metadata.name,
          uid: node.metadata.uid,
          zone,
          ...(instanceId === undefined ? {} : { instanceId }),
          ready: (node.status?.conditions ?? []).some(
            c => c.type === 'Ready' && c.status === 'True',
          ),
          unschedulable: node.spec.unschedulable === true,
          taints: (node.spec.taints ?? []).map(t => `${t.key}:${t.effect}`),
          ...(record === undefined
            ? {}
            : {
                operation: {
                  id: record.id,
                  kind: record.kind,
                  phase: record.phase,
                  movesDone: record.movesDone,
                  ...(record.move === undefined ? {} : { moveAttempt: record.move.attempt }),
                  ...(record.note === undefined ? {} : { note: record.note }),
                },
              }),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    this.groups = groups;

    const podsKey = JSON.stringify(this.pods.map(p => [p.name, p.nodeName, p.ready]));
    if (podsKey !== this.lastPodsKey) {
      this.lastPodsKey = podsKey;
      this.push({
        kind: 'pods',
        atMs,
        pods: this.pods.map(p => ({
          name: p.name,
          ready: p.ready,
          ...(p.nodeName === undefined ? {} : { nodeName: p.nodeName }),
        })),
      });
    }
    const nodesKey = JSON.stringify(this.nodes.map(n => [n.name, n.instanceId, n.unschedulable]));
    if (nodesKey !== this.lastNodesKey) {
      this.lastNodesKey = nodesKey;
      this.push({
        kind: 'nodes',
        atMs,
        nodes: this.nodes.map(n => ({
          name: n.name,
          unschedulable: n.unschedulable,
          ...(n.instanceId === undefined ? {} : { instanceId: n.instanceId }),
        })),
      });
    }
    const kafkaReady = (kafka.status?.conditions ?? []).some(
      c => c.type === 'Ready' && c.status === 'True',
    );
    const urp = this.standIn.underReplicatedPartitions(atMs);
    const kafkaKey = `${kafkaReady}/${urp}`;
    if (kafkaKey !== this.lastKafkaKey) {
      this.lastKafkaKey = kafkaKey;
      this.push({ kind: 'kafka', atMs, ready: kafkaReady, underReplicatedPartitions: urp });
    }
    for (const [groupName, group] of groups) {
      const instances = (group.Instances ?? []).map(i => i.InstanceId ?? '').sort();
      const key = JSON.stringify([group.DesiredCapacity, group.MinSize, group.MaxSize, instances]);
      if (this.lastGroupKey.get(groupName) === key) continue;
      this.lastGroupKey.set(groupName, key);
      this.push({
        kind: 'group',
        atMs,
        groupName,
        desired: group.DesiredCapacity ?? 0,
        min: group.MinSize ?? 0,
        max: group.MaxSize ?? 0,
        instances,
      });
    }
    // Operation records: one event per change; a record that disappears (or whose node left)
    // ended.
    const present = new Set<string>();
    for (const node of this.nodes) {
      const op = node.operation;
      if (op === undefined) continue;
      present.add(node.name);
      const key = JSON.stringify([op.id, op.phase, op.movesDone, op.moveAttempt]);
      if (this.operations.get(node.name)?.key === key) continue;
      this.operations.set(node.name, { id: op.id, key });
      this.push({
        kind: 'operation',
        atMs,
        id: op.id,
        nodeName: node.name,
        phase: op.phase,
        movesDone: op.movesDone,
        ...(op.moveAttempt === undefined ? {} : { moveAttempt: op.moveAttempt }),
      });
    }
    for (const [nodeName, { id }] of [...this.operations]) {
      if (present.has(nodeName)) continue;
      this.operations.delete(nodeName);
      this.push({ kind: 'operation', atMs, id, nodeName });
    }
    await this.pollEvents();
    if (atMs - this.lastSampleMs >= 1000) {
      this.lastSampleMs = atMs;
      this.samples.push(this.sample(atMs));
    }
  }

  private async pollEvents(): Promise<void> {
    const namespace = this.loaded.spec.kafka.namespace;
    const list = (await this.api.ok('GET', `/api/v1/namespaces/${namespace}/events`)) as {
      items: Array<{
        metadata: { uid: string };
        type: 'Normal' | 'Warning';
        reason: string;
        message: string;
        source?: { component?: string };
        firstTimestamp?: string;
        eventTime?: string;
      }>;
    };
    const fresh = list.items
      .filter(
        e => e.source?.component === 'kafka-autoscaler' && !this.seenEvents.has(e.metadata.uid),
      )
      .sort((a, b) => String(a.firstTimestamp).localeCompare(String(b.firstTimestamp)));
    const atMs = Date.now();
    for (const event of fresh) {
      this.seenEvents.add(event.metadata.uid);
      this.push({
        kind: 'event',
        atMs,
        type: event.type,
        reason: event.reason,
        message: event.message,
      });
      const emittedMs = new Date(event.firstTimestamp ?? atMs).getTime();
      this.controllerEvents.push({
        t: this.t(emittedMs),
        type: event.type,
        reason: event.reason,
        message: event.message,
      });
    }
  }

  private sample(atMs: number): TimelineSample {
    const zones = this.loaded.plan.zones.map(z => z.zone);
    const count = (pick: (n: NodeSeen) => boolean) =>
      Object.fromEntries(
        zones.map(zone => [zone, this.nodes.filter(n => n.zone === zone && pick(n)).length]),
      );
    const brokersPerNode: Record<string, number> = {};
    const zoneOfNode: Record<string, string> = {};
    for (const node of this.nodes) {
      brokersPerNode[node.name] = this.pods.filter(p => p.nodeName === node.name && p.ready).length;
      zoneOfNode[node.name] = node.zone;
    }
    const desiredPerZone: Record<string, number> = {};
    for (const group of this.moto.groups) {
      desiredPerZone[group.zone] = this.groups.get(group.groupName)?.DesiredCapacity ?? 0;
    }
    return {
      t: this.t(atMs),
      demandMiBps: Object.fromEntries(
        zones.map(zone => [zone, Math.round(this.standIn.zoneDemandMiBps(zone, atMs))]),
      ),
      nodesPerZone: count(n => n.ready && !n.unschedulable),
      allNodesPerZone: count(() => true),
      desiredPerZone,
      brokersPerNode,
      zoneOfNode,
      brokersReady: this.pods.filter(p => p.ready).length,
      pendingBrokers: this.pods.filter(p => p.nodeName === undefined).length,
      underReplicatedPartitions: this.standIn.underReplicatedPartitions(atMs),
      ...(this.leader === undefined ? {} : { leader: this.leader }),
    };
  }

  /** The Lease holder as last seen. */
  currentLeader(): string | undefined {
    return this.leader;
  }

  /** The history: polled events and the taps' writes, merged in time order. */
  historyEvents(): HistoryEvent[] {
    const [setup, ...rest] = this.history;
    const writes = this.writeSources.flatMap(source => source.writes);
    const merged = [...rest, ...writes].sort((a, b) => a.atMs - b.atMs);
    return setup === undefined ? merged : [setup, ...merged];
  }

  /** The leaders' decisions from the controller logs: one entry per change of reason. */
  decisions(): TimelineDecision[] {
    const passes: Array<{ atMs: number; reason: string; detail: string; identity: string }> = [];
    for (const file of this.logFiles()) {
      const identity = /controller-([^/]+)\.log$/.exec(file)?.[1] ?? file;
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) {
        if (!line.startsWith('{')) continue;
        let entry: {
          time?: string;
          message?: string;
          reason?: string;
          detail?: string;
          leading?: boolean;
        };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if (entry.message !== 'decision' || entry.leading !== true) continue;
        passes.push({
          atMs: new Date(entry.time ?? 0).getTime(),
          reason: entry.reason ?? '',
          detail: entry.detail ?? '',
          identity,
        });
      }
    }
    passes.sort((a, b) => a.atMs - b.atMs);
    const decisions: TimelineDecision[] = [];
    for (const pass of passes) {
      const last = decisions[decisions.length - 1];
      if (last !== undefined && last.reason === pass.reason && last.identity === pass.identity)
        continue;
      decisions.push({
        t: this.t(pass.atMs),
        reason: pass.reason,
        detail: pass.detail,
        identity: pass.identity,
      });
    }
    return decisions;
  }

  /** The run's timeline. */
  timeline(specLabel: string): Timeline {
    const moves: TimelineMove[] = [];
    for (const event of this.standIn.events) {
      if (event.kind === 'roll-started') {
        moves.push({
          t: this.t(event.atMs),
          pod: event.pod ?? '',
          ...(event.fromNode === undefined ? {} : { fromNode: event.fromNode }),
        });
      } else if (event.kind === 'roll-finished' || event.kind === 'roll-given-up') {
        const open = [...moves].reverse().find(m => m.pod === event.pod && m.endT === undefined);
        if (open !== undefined) {
          moves[moves.indexOf(open)] = {
            ...open,
            endT: this.t(event.atMs),
            ...(event.toNode === undefined ? {} : { toNode: event.toNode }),
          };
        }
      }
    }
    const { plan } = this.loaded;
    return {
      scenario: this.scenario,
      startedAt: new Date(this.startedMs).toISOString(),
      spec: specLabel,
      zones: plan.zones.map(z => z.zone),
      levelCapacityMiBps:
        plan.nodeCapacity.baselineMiBps * this.loaded.spec.autoscaling.targetUtilization,
      balancedNodeCounts: plan.balancedNodeCounts,
      samples: this.samples,
      moves,
      decisions: this.decisions(),
      faults: this.faults,
      controllerEvents: this.controllerEvents,
    };
  }
}
