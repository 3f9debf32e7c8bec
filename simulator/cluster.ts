/**
 * The cluster model the dynamic strategies (controller, target-tracking) act on: per-zone groups of
 * nodes with a launch-to-Ready delay, brokers placed on nodes, Strimzi rolling annotated brokers one
 * at a time, a scheduler that honours the hostname spread, and the books (node-hours, hot nodes,
 * under-replicated time, moves).
 *
 * A move is a broker restart plus its catch-up: while a broker is down it falls behind by its
 * replica ingress r; once Ready it fetches the backlog with what its node has left of the baseline,
 * so a broker alone on a node catches up in downtime x r / (B - r). Its partitions count as
 * under-replicated from the moment it stops until the backlog is gone.
 */
import { demandAt, MINUTE_MS, type DemandSeries } from './demand';
import { burstInterval, fullBurstCreditMiB } from './burst';
import { brokerLoadMiBps, type ClusterFacts, type ModelTimings } from './facts';

/** Lifecycle of a node's instance, as Auto Scaling names it. */
export type InstanceState = 'Pending' | 'InService' | 'Terminating';

export interface SimNode {
  readonly name: string;
  readonly uid: string;
  readonly instanceId: string;
  readonly zoneIndex: number;
  readonly launchedAtMs: number;
  /** When the node is (or was) Ready. */
  readonly readyAtMs: number;
  ready: boolean;
  cordoned: boolean;
  state: InstanceState;
  /** Held by a lifecycle hook while it is drained before termination (Terminating:Wait). */
  leaving: boolean;
  /** When a terminating instance leaves the group and stops being billed. */
  goneAtMs: number | undefined;
  /** Network I/O credits left, MiB above the baseline (full at launch). */
  burstCreditMiB: number;
}

/** Where a broker is in its life: serving, or somewhere in a move. */
export type BrokerPhase = 'running' | 'pending' | 'restarting' | 'catching-up';

export interface SimBroker {
  readonly podName: string;
  readonly zoneIndex: number;
  uid: string;
  nodeName: string | undefined;
  phase: BrokerPhase;
  /** Carries Strimzi's manual rolling update annotation. */
  rollRequested: boolean;
  /** When the current restart ends (phase `restarting`). */
  restartEndsAtMs: number;
  /** Data the broker must fetch before its replicas are in sync again, MiB. */
  backlogMiB: number;
  /** Its volume was not released cleanly (node killed): the restart waits for a forced detach. */
  uncleanDetach: boolean;
  /**
   * When it last became Ready (its restart ended: `catching-up` or `running` since), epoch ms; the
   * Ready condition's `lastTransitionTime` the controller reads.
   */
  readySinceMs: number;
}

/** One zone's Auto Scaling group. */
export interface SimGroup {
  readonly zoneIndex: number;
  readonly groupName: string;
  desired: number;
  readonly min: number;
  readonly max: number;
}

/** Books kept while the simulation runs. */
export interface ClusterBooks {
  nodeSeconds: number;
  /** Ready node-seconds above 100% of the baseline (burst credits may still cover them). */
  overloadedNodeSeconds: number;
  /** Node-seconds with demand above what the node could deliver, burst included. */
  throttledNodeSeconds: number;
  /** Data moved brokers fetched after their restart (all from leaders in other zones), MiB. */
  catchUpMiB: number;
  overTargetNodeSeconds: number;
  underReplicatedSeconds: number;
  brokerMoves: number;
  maxConcurrentMoves: number;
  scalingActions: number;
}

/** Per-minute samples for charts. */
export interface MinuteSeries {
  /** Producer MiB/s the placement carries with no node above 100% of baseline (lowest in the minute). */
  readonly capacityMiBps: Float64Array;
  /** Billed nodes per zone (highest in the minute), one array per zone. */
  readonly nodesPerZone: readonly Float64Array[];
}

/** Books with every counter at zero. */
export function emptyBooks(): ClusterBooks {
  return {
    nodeSeconds: 0,
    overloadedNodeSeconds: 0,
    throttledNodeSeconds: 0,
    catchUpMiB: 0,
    overTargetNodeSeconds: 0,
    underReplicatedSeconds: 0,
    brokerMoves: 0,
    maxConcurrentMoves: 0,
    scalingActions: 0,
  };
}

/** Minute series of the given length, nodes at zero, capacity at `initialCapacityMiBps`. */
export function emptySeries(
  minutes: number,
  zoneCount: number,
  initialCapacityMiBps = 0,
): MinuteSeries {
  return {
    capacityMiBps: new Float64Array(minutes).fill(initialCapacityMiBps),
    nodesPerZone: Array.from({ length: zoneCount }, () => new Float64Array(minutes)),
  };
}

const EPSILON = 1e-9;

export class ClusterModel {
  nowMs: number;
  readonly nodes: SimNode[] = [];
  readonly brokers: SimBroker[];
  readonly groups: SimGroup[];
  readonly books: ClusterBooks = emptyBooks();
  readonly series: MinuteSeries;
  /**
   * Bumped on every change a Kubernetes watch would report (node Ready, cordon, pod annotation,
   * pod recreated, bound or Ready, node gone); the controller's watches wake it on these.
   */
  watchVersion = 0;
  /**
   * The last tick's books of load (MiB/s per direction, all brokers' load at that tick's demand):
   * what Ready nodes were billed, and what no node carried (counted as throttled). Their sum is
   * the load of every broker, in every phase. Undefined before the first tick.
   */
  lastTickLoad:
    | { readonly atMs: number; readonly billedMiBps: number; readonly unservedMiBps: number }
    | undefined;
  private nextNodeNumber = 1;
  private nextUid = 1;
  /** Under-replicated partitions at the start of each tick, for lagged observation. */
  private readonly underReplicatedByTick: Int32Array;
  private tickIndex = 0;
  /** A node's full credit bucket. */
  private readonly maxBurstCreditMiB: number;

  constructor(
    readonly facts: ClusterFacts,
    readonly timings: ModelTimings,
    readonly demand: DemandSeries,
    initialNodesPerZone: number,
  ) {
    this.nowMs = demand.startMs;
    this.maxBurstCreditMiB = fullBurstCreditMiB(
      facts.nodeBaselineMiBps,
      facts.nodeBurstCeilingMiBps,
      timings.burstSeconds,
    );
    const minutes = demand.producerMiBps.length;
    this.series = emptySeries(minutes, facts.zones.length, Number.POSITIVE_INFINITY);
    this.underReplicatedByTick = new Int32Array(
      Math.ceil((minutes * 60) / timings.tickSeconds) + 1,
    );
    this.groups = facts.zones.map((zone, zoneIndex) => ({
      zoneIndex,
      groupName: zone.groupName,
      desired: initialNodesPerZone,
      min: facts.minNodesPerZone,
      max: facts.maxNodesPerZone,
    }));
    this.brokers = [];
    facts.zones.forEach((zone, zoneIndex) => {
      const nodes: SimNode[] = [];
      for (let i = 0; i < initialNodesPerZone; i++) {
        const node = this.newNode(zoneIndex, this.nowMs - 86_400_000);
        node.ready = true;
        node.state = 'InService';
        nodes.push(node);
      }
      zone.brokerIds.forEach((id, index) => {
        this.brokers.push({
          podName: `${facts.clusterName}-${zone.poolName}-${id}`,
          zoneIndex,
          uid: `pod-${this.nextUid++}`,
          nodeName: nodes[index % nodes.length]?.name,
          phase: 'running',
          rollRequested: false,
          restartEndsAtMs: 0,
          backlogMiB: 0,
          uncleanDetach: false,
          readySinceMs: this.nowMs - 86_400_000,
        });
      });
    });
  }

  private newNode(zoneIndex: number, launchedAtMs: number): SimNode {
    const number = this.nextNodeNumber++;
    const node: SimNode = {
      name: `node-${this.facts.zones[zoneIndex].suffix}-${String(number).padStart(4, '0')}`,
      uid: `node-uid-${number}`,
      instanceId: `i-${number.toString(16).padStart(17, '0')}`,
      zoneIndex,
      launchedAtMs,
      readyAtMs: launchedAtMs + this.timings.nodeReadySeconds * 1000,
      ready: false,
      cordoned: false,
      state: 'Pending',
      leaving: false,
      goneAtMs: undefined,
      burstCreditMiB: this.maxBurstCreditMiB,
    };
    this.nodes.push(node);
    return node;
  }

  /** Network load of one broker now, MiB/s per direction. */
  brokerLoadNow(): number {
    return brokerLoadMiBps(this.facts, demandAt(this.demand, this.nowMs));
  }

  /** Network load of one broker as a lagging metric shows it. */
  brokerLoadObserved(): number {
    const lagged = this.nowMs - this.timings.metricsLagSeconds * 1000;
    return brokerLoadMiBps(this.facts, demandAt(this.demand, lagged));
  }

  /** Brokers whose pod is bound to the node (running, restarting or catching up there). */
  brokersOn(nodeName: string): SimBroker[] {
    return this.brokers.filter(broker => broker.nodeName === nodeName);
  }

  /** Nodes of a zone whose instance has not left yet. */
  zoneNodes(zoneIndex: number): SimNode[] {
    return this.nodes.filter(node => node.zoneIndex === zoneIndex);
  }

  nodeByName(name: string): SimNode | undefined {
    return this.nodes.find(node => node.name === name);
  }

  /** Brokers somewhere in a move. */
  movingBrokers(): number {
    let moving = 0;
    for (const broker of this.brokers) if (broker.phase !== 'running') moving++;
    return moving;
  }

  /** Under-replicated partitions now. */
  underReplicatedNow(): number {
    return this.movingBrokers() * this.facts.partitionsPerBroker;
  }

  /** Under-replicated partitions as a metric lagging `metricsLagSeconds` shows them. */
  underReplicatedObserved(): number {
    const lagTicks = Math.round(this.timings.metricsLagSeconds / this.timings.tickSeconds);
    if (lagTicks === 0) return this.underReplicatedNow();
    const index = this.tickIndex - lagTicks;
    return index < 0 ? 0 : this.underReplicatedByTick[index];
  }

  /**
   * Sets a group's desired capacity the way Auto Scaling does: launches instances up to it. A lower
   * value only records the number; the caller chooses and terminates instances.
   */
  setDesired(zoneIndex: number, desired: number): void {
    const group = this.groups[zoneIndex];
    const bounded = Math.min(group.max, Math.max(group.min, desired));
    group.desired = bounded;
    const live = this.zoneNodes(zoneIndex).filter(
      node => node.state !== 'Terminating' && !node.leaving,
    ).length;
    for (let i = live; i < bounded; i++) this.newNode(zoneIndex, this.nowMs);
  }

  cordon(nodeName: string, cordoned: boolean): void {
    const node = this.nodeByName(nodeName);
    if (node === undefined || node.cordoned === cordoned) return;
    node.cordoned = cordoned;
    this.watchVersion++;
  }

  /** Annotates a broker pod for a roll; Strimzi picks it up in `step`. */
  requestRoll(podName: string): void {
    const broker = this.brokers.find(each => each.podName === podName);
    if (broker === undefined || broker.rollRequested) return;
    broker.rollRequested = true;
    this.watchVersion++;
  }

  /**
   * Terminates an instance and, when asked, decrements its group's desired capacity. Brokers still
   * bound to it lose their node at once (their volumes wait for a forced detach).
   */
  terminate(nodeName: string, decrementDesired: boolean): boolean {
    const node = this.nodeByName(nodeName);
    if (node === undefined || node.state === 'Terminating') return false;
    node.state = 'Terminating';
    node.ready = false;
    node.goneAtMs = this.nowMs + this.timings.instanceShutdownSeconds * 1000;
    this.watchVersion++;
    if (decrementDesired) {
      const group = this.groups[node.zoneIndex];
      group.desired = Math.max(group.min, group.desired - 1);
    }
    for (const broker of this.brokersOn(nodeName)) {
      if (broker.phase === 'running' || broker.phase === 'catching-up') this.books.brokerMoves++;
      broker.nodeName = undefined;
      broker.phase = 'pending';
      broker.uid = `pod-${this.nextUid++}`;
      broker.uncleanDetach = true;
      broker.rollRequested = false;
    }
    return true;
  }

  /** Strimzi: rolls one annotated broker, only when no broker is in a move (ISR rules). */
  private strimziRoll(): void {
    if (this.movingBrokers() > 0) return;
    const next = this.brokers
      .filter(broker => broker.rollRequested)
      .sort((a, b) => a.podName.localeCompare(b.podName))[0];
    if (next === undefined) return;
    next.rollRequested = false;
    next.uid = `pod-${this.nextUid++}`;
    next.nodeName = undefined;
    next.phase = 'pending';
    this.books.brokerMoves++;
    this.watchVersion++;
  }

  /** The scheduler: the zone's Ready, uncordoned node with the fewest brokers (hostname spread). */
  private schedulePending(): void {
    for (const broker of this.brokers) {
      if (broker.phase !== 'pending') continue;
      let best: SimNode | undefined;
      let bestCount = Number.POSITIVE_INFINITY;
      for (const node of this.nodes) {
        if (node.zoneIndex !== broker.zoneIndex || !node.ready || node.cordoned) continue;
        const count = this.brokersOn(node.name).length;
        if (
          count < bestCount ||
          (count === bestCount && best !== undefined && node.name < best.name)
        ) {
          best = node;
          bestCount = count;
        }
      }
      if (best === undefined) continue;
      broker.nodeName = best.name;
      broker.phase = 'restarting';
      const restartSeconds =
        this.timings.brokerRestartSeconds +
        (broker.uncleanDetach ? this.timings.forcedDetachSeconds : 0);
      broker.restartEndsAtMs = this.nowMs + restartSeconds * 1000;
      broker.uncleanDetach = false;
      this.watchVersion++;
    }
  }

  /**
   * Where each broker's load is carried now, in brokers' worth of load per Ready node (multiply by
   * `brokerLoadNow()` for MiB/s per direction), and the brokers' worth no Ready node carries.
   *
   * A broker bound to a node (running, restarting or catching up) is counted whole on that node: a
   * restarting broker's partitions are led elsewhere meanwhile, but the model keeps its load where
   * it will be once it is back. A broker with no node (phase `pending`: rolled or its node
   * terminated, and no Ready, uncordoned node in its zone to go to yet) is counted too: its
   * partitions' other replicas sit in the other zones (rack-aware placement, one replica a zone),
   * which lead them while it is down, so its load is shared evenly by the bound brokers of the
   * other zones; with none there, by the bound brokers of its own zone (on cordoned nodes). Only
   * when no broker at all is bound does load go uncarried (`unservedBrokers`), and `step` counts
   * that as throttled. So no broker phase makes load vanish: the weights plus `unservedBrokers`
   * always sum to the number of brokers.
   */
  loadWeights(): { readonly byNode: Map<string, number>; readonly unservedBrokers: number } {
    const byNode = new Map<string, number>();
    const bound: SimBroker[] = [];
    for (const broker of this.brokers) {
      if (broker.nodeName === undefined) continue;
      bound.push(broker);
      byNode.set(broker.nodeName, (byNode.get(broker.nodeName) ?? 0) + 1);
    }
    let unservedBrokers = 0;
    for (const broker of this.brokers) {
      if (broker.nodeName !== undefined) continue;
      const others = bound.filter(each => each.zoneIndex !== broker.zoneIndex);
      const carriers =
        others.length > 0 ? others : bound.filter(each => each.zoneIndex === broker.zoneIndex);
      if (carriers.length === 0) {
        unservedBrokers++;
        continue;
      }
      for (const carrier of carriers) {
        const nodeName = carrier.nodeName as string;
        byNode.set(nodeName, (byNode.get(nodeName) ?? 0) + 1 / carriers.length);
      }
    }
    return { byNode, unservedBrokers };
  }

  /**
   * Producer MiB/s the current placement carries with no Ready node above its baseline, counting
   * each node's load as `loadWeights` places it (a pending broker's load included).
   */
  producerCapacityNow(): number {
    return this.producerCapacityOf(this.loadWeights());
  }

  /** `producerCapacityNow` from weights `loadWeights` returned for the placement as it stands. */
  private producerCapacityOf(weights: ReturnType<ClusterModel['loadWeights']>): number {
    const { facts } = this;
    let most = 0;
    for (const weight of weights.byNode.values()) most = Math.max(most, weight);
    if (most <= EPSILON) return 0;
    return (facts.nodeBaselineMiBps * facts.brokers) / (facts.replicationFactor * most);
  }

  /**
   * Advances time by one tick: Strimzi rolls, the scheduler binds, the books count the interval,
   * then restarts, catch-ups, node boots and shutdowns progress.
   */
  step(): void {
    const dtSeconds = this.timings.tickSeconds;
    const { facts, books } = this;
    this.strimziRoll();
    this.schedulePending();

    const perBroker = this.brokerLoadNow();
    const weights = this.loadWeights();
    const loadByNode = new Map<string, number>();
    for (const [nodeName, weight] of weights.byNode) loadByNode.set(nodeName, weight * perBroker);
    // Load no broker is bound to carry: the producers are throttled (one node-second a second).
    if (weights.unservedBrokers > 0 && perBroker > 0) books.throttledNodeSeconds += dtSeconds;
    let billedMiBps = 0;

    // Books for the interval [now, now + dt).
    const baseline = facts.nodeBaselineMiBps;
    const minute = Math.floor((this.nowMs - this.demand.startMs) / MINUTE_MS);
    const nodeCounts = facts.zones.map(() => 0);
    for (const node of this.nodes) {
      books.nodeSeconds += dtSeconds;
      nodeCounts[node.zoneIndex]++;
      if (!node.ready) continue;
      const load = loadByNode.get(node.name) ?? 0;
      billedMiBps += load;
      if (load > baseline * (1 + EPSILON)) books.overloadedNodeSeconds += dtSeconds;
      const burst = burstInterval(
        load,
        baseline * (1 + EPSILON),
        facts.nodeBurstCeilingMiBps * (1 + EPSILON),
        this.maxBurstCreditMiB,
        node.burstCreditMiB,
        dtSeconds,
      );
      node.burstCreditMiB = burst.creditMiB;
      books.throttledNodeSeconds += burst.throttledSeconds;
      if (load > baseline * facts.targetUtilization * (1 + EPSILON)) {
        books.overTargetNodeSeconds += dtSeconds;
      }
    }
    this.lastTickLoad = {
      atMs: this.nowMs,
      billedMiBps,
      unservedMiBps: weights.unservedBrokers * perBroker,
    };
    const moving = this.movingBrokers();
    if (moving > 0) books.underReplicatedSeconds += dtSeconds;
    books.maxConcurrentMoves = Math.max(books.maxConcurrentMoves, moving);
    if (this.tickIndex < this.underReplicatedByTick.length) {
      this.underReplicatedByTick[this.tickIndex] = moving * facts.partitionsPerBroker;
    }
    if (minute >= 0 && minute < this.series.capacityMiBps.length) {
      // Nothing moved since `weights` was taken: the same placement, one pass over the brokers.
      const capacity = this.producerCapacityOf(weights);
      if (capacity < this.series.capacityMiBps[minute])
        this.series.capacityMiBps[minute] = capacity;
      nodeCounts.forEach((count, zoneIndex) => {
        const zoneSeries = this.series.nodesPerZone[zoneIndex];
        zoneSeries[minute] = Math.max(zoneSeries[minute], count);
      });
    }

    // Moves progress.
    const catchingUpByNode = new Map<string, number>();
    for (const broker of this.brokers) {
      if (broker.phase === 'catching-up' && broker.nodeName !== undefined) {
        catchingUpByNode.set(broker.nodeName, (catchingUpByNode.get(broker.nodeName) ?? 0) + 1);
      }
    }
    for (const broker of this.brokers) {
      if (broker.phase === 'pending' || broker.phase === 'restarting') {
        broker.backlogMiB += perBroker * dtSeconds;
        books.catchUpMiB += perBroker * dtSeconds;
      } else if (broker.phase === 'catching-up' && broker.nodeName !== undefined) {
        // No progress (but no loss either) while the node has no baseline to spare.
        const spare = Math.max(0, baseline - (loadByNode.get(broker.nodeName) ?? 0));
        const sharing = catchingUpByNode.get(broker.nodeName) ?? 1;
        broker.backlogMiB -= (spare / sharing) * dtSeconds;
      }
    }

    this.nowMs += dtSeconds * 1000;
    this.tickIndex++;
    for (const broker of this.brokers) {
      if (broker.phase === 'restarting' && this.nowMs >= broker.restartEndsAtMs) {
        broker.phase = 'catching-up';
        broker.readySinceMs = this.nowMs;
        this.watchVersion++;
      }
      if (broker.phase === 'catching-up' && broker.backlogMiB <= EPSILON) {
        broker.phase = 'running';
        broker.backlogMiB = 0;
      }
    }
    for (const node of this.nodes) {
      if (node.state === 'Pending' && this.nowMs >= node.readyAtMs) {
        node.state = 'InService';
        node.ready = true;
        this.watchVersion++;
      }
    }
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const goneAtMs = this.nodes[i].goneAtMs;
      if (goneAtMs !== undefined && this.nowMs >= goneAtMs) {
        this.nodes.splice(i, 1);
        this.watchVersion++;
      }
    }
  }
}
