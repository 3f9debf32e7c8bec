/**
 * T15, load / event storm (reliability.md section 5): 200 node/pod events per second, 20 Pending
 * pods, the Kubernetes API answering 429 for 60 s, and repeated scale-out signals, in fake time.
 *
 * The production pieces run as in `main.ts`: `ListWatchCache` for nodes and pods, the
 * `LeaderElector`, `assembleObservation`, the `Reconciler`, the `PassScheduler`, and the rate
 * limits of `rate-limit.ts` in front of every port. Behind them: an in-memory API server (counts
 * every request with its time and cost, streams watch events, answers 429 with Retry-After during
 * the fault window), a fake Auto Scaling API (counts mutating calls), the `FakeCluster` (truth,
 * Strimzi rolls), and a cloud that boots the nodes a raised group asks for.
 *
 * Oracles: at most one broker move in flight; Kubernetes requests within the token bucket's
 * budget in every window, none inside a Retry-After, and few during the 429 minute (no retry
 * storm); mutating Auto Scaling calls spaced per group and desired capacity set once per
 * decision; passes coalesced (about one per second, whatever the event rate) yet not starved;
 * caches, waiters and watches bounded; afterwards the caches equal the truth and the cluster has
 * converged with every broker Ready in its zone and nothing left behind.
 */
import type { ControllerConfig } from '../../controller/config';
import { LeaderElector, type LeaseState, type LeaseStore } from '../../controller/leader-election';
import { ListWatchCache, type ListWatchSource, type WatchEvent } from '../../controller/list-watch';
import { silentLogger } from '../../controller/log';
import { ControllerMetrics } from '../../controller/metrics';
import type { ObservedBroker, ObservedNode, Plan } from '../../controller/model';
import { assembleObservation, type KafkaLike } from '../../controller/observe';
import {
  CORDON_ANNOTATION,
  MANUAL_ROLLING_UPDATE_ANNOTATION,
  OPERATION_ANNOTATION,
  encodeOperationRecord,
} from '../../controller/operation-record';
import { PassScheduler } from '../../controller/pass-scheduler';
import type { ClusterWriter, EventRecorder, GroupWriter } from '../../controller/ports';
import {
  GroupMutationSpacing,
  TokenBucket,
  limitedCall,
  limitedClusterWriter,
  limitedEvents,
  limitedLeaseStore,
  limitedSource,
  spacedGroupWriter,
  type KubernetesRateLimit,
} from '../../controller/rate-limit';
import { Reconciler } from '../../controller/reconciler';
import { FakeCluster } from './fake-cluster';
import { NOW_MS, testConfig } from './fixtures';

const S = 1000;
const STORM_END_MS = 120 * S;
const FAULT_FROM_MS = 10 * S;
const FAULT_UNTIL_MS = 70 * S;
const RETRY_AFTER_SECONDS = 5;
const EVENTS_PER_SECOND = 200;
const TICK_MS = 10;
const PENDING_PODS = 20;
const BOOT_MS = 30 * S;
const END_MS = 600 * S;

interface Meta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly creationTimestamp?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}
interface Condition {
  readonly type: string;
  readonly status: string;
  readonly lastTransitionTime?: string;
}
interface NodeObject {
  readonly metadata: Meta;
  readonly spec: { readonly unschedulable: boolean; readonly providerID: string };
  readonly status: { readonly conditions: readonly Condition[] };
}
interface PodObject {
  readonly metadata: Meta;
  readonly spec: { readonly nodeName?: string };
  readonly status: { readonly phase: string; readonly conditions: readonly Condition[] };
}

const ready = (value: boolean): Condition[] => [
  { type: 'Ready', status: value ? 'True' : 'False' },
];

function nodeObject(node: ObservedNode, config: ControllerConfig): NodeObject {
  return {
    metadata: {
      name: node.name,
      uid: node.uid,
      resourceVersion: node.resourceVersion,
      creationTimestamp: new Date(node.createdAtMs).toISOString(),
      labels: {
        'topology.kubernetes.io/zone': node.zone,
        [config.kafkaNodeLabel.key]: config.kafkaNodeLabel.value,
      },
      annotations: {
        ...(node.operation === undefined
          ? {}
          : { [OPERATION_ANNOTATION]: encodeOperationRecord(node.operation) }),
        // The cordon marker, as the real API server keeps it (set and removed with the cordon).
        ...(node.cordonedByController === true ? { [CORDON_ANNOTATION]: 'true' } : {}),
      },
    },
    spec: {
      unschedulable: node.unschedulable,
      providerID: `aws:///${node.zone}/${node.instanceId}`,
    },
    status: { conditions: ready(node.ready) },
  };
}

function brokerObject(broker: ObservedBroker, config: ControllerConfig, rv: string): PodObject {
  const zone = config.zones.find(each => each.zone === broker.zone);
  return {
    metadata: {
      name: broker.podName,
      namespace: 'kafka',
      uid: broker.uid,
      resourceVersion: rv,
      labels: { 'strimzi.io/pool-name': zone?.poolName ?? '' },
      annotations: broker.rollRequested ? { [MANUAL_ROLLING_UPDATE_ANNOTATION]: 'true' } : {},
    },
    spec: broker.nodeName === undefined ? {} : { nodeName: broker.nodeName },
    status: {
      phase: broker.ready ? 'Running' : 'Pending',
      conditions: ready(broker.ready).map(condition =>
        broker.readySinceMs === undefined
          ? condition
          : { ...condition, lastTransitionTime: new Date(broker.readySinceMs).toISOString() },
      ),
    },
  };
}

/** Lease requests go through their own bucket (see `main.ts`). */
const isLease = (what: string) => what.endsWith(' lease');

const tooManyRequests = () =>
  Object.assign(new Error('HTTP 429 Too Many Requests'), {
    code: 429,
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });

interface Watcher {
  readonly kind: 'nodes' | 'pods';
  readonly onEvent: (event: WatchEvent<NodeObject | PodObject>) => void;
  readonly onDone: (error: unknown) => void;
  /** What this watch has delivered (key -> serialized object). */
  readonly sent: Map<string, string>;
}

/** The storm scenario's world and its counters. */
class World {
  readonly cluster: FakeCluster;
  /** Every Kubernetes request that reached the server: time, what, cost. */
  readonly requests: { atMs: number; what: string; cost: number }[] = [];
  /** Every 429 answered, except to Lease requests. */
  readonly throttled: number[] = [];
  /** Every 429 answered to a Lease request (the Lease has its own bucket). */
  readonly throttledLease: number[] = [];
  /** Mutating Auto Scaling calls: time, group, what. */
  readonly mutations: { atMs: number; group: string; what: string }[] = [];
  autoscalingReads = 0;
  readonly watchers = new Set<Watcher>();
  mostWatchers = 0;
  private readonly listed = new Map<'nodes' | 'pods', Map<string, string>>();
  private readonly pending: PodObject[];
  private podVersions = new Map<string, { text: string; rv: number }>();
  private rv = 1000;
  private stormCursor = 0;
  private lease: LeaseState | undefined;
  demandMiBps = 60;
  mostMovesInFlight = 0;
  private readonly bootingSince = new Map<string, number>();
  private launched = 0;

  constructor(readonly config: ControllerConfig) {
    this.cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 60 });
    this.pending = Array.from({ length: PENDING_PODS }, (_, index) => ({
      metadata: {
        name: `client-${index}`,
        namespace: 'kafka',
        uid: `uid-client-${index}`,
        resourceVersion: '1',
        labels: { app: 'load-generator' },
        annotations: {},
      },
      spec: {},
      status: { phase: 'Pending', conditions: ready(false) },
    }));
  }

  private faulty(): boolean {
    const now = Date.now() - NOW_MS;
    return now >= FAULT_FROM_MS && now < FAULT_UNTIL_MS;
  }

  /** One Kubernetes request: counted, and answered 429 during the fault window. */
  async request<T>(what: string, cost: number, answer: () => Promise<T>): Promise<T> {
    this.requests.push({ atMs: Date.now() - NOW_MS, what, cost });
    if (this.faulty()) {
      (isLease(what) ? this.throttledLease : this.throttled).push(Date.now() - NOW_MS);
      throw tooManyRequests();
    }
    return answer();
  }

  nodeObjects(): NodeObject[] {
    return this.cluster.nodes.map(node => nodeObject(node, this.config));
  }

  podObjects(): PodObject[] {
    const brokers = this.cluster.brokers.map(broker => {
      const text = JSON.stringify(brokerObject(broker, this.config, ''));
      let version = this.podVersions.get(broker.podName);
      if (version?.text !== text) {
        version = { text, rv: ++this.rv };
        this.podVersions.set(broker.podName, version);
      }
      return brokerObject(broker, this.config, String(version.rv));
    });
    return [...brokers, ...this.pending];
  }

  private objects(kind: 'nodes' | 'pods'): (NodeObject | PodObject)[] {
    return kind === 'nodes' ? this.nodeObjects() : this.podObjects();
  }

  source<T extends NodeObject | PodObject>(kind: 'nodes' | 'pods'): ListWatchSource<T> {
    return {
      list: () =>
        this.request(`list ${kind}`, 1, async () => {
          const items = this.objects(kind);
          this.listed.set(
            kind,
            new Map(items.map(item => [item.metadata.name, JSON.stringify(item)])),
          );
          return { items: items as T[], resourceVersion: String(this.rv) };
        }),
      watch: (_resourceVersion, onEvent, onDone) =>
        this.request(`watch ${kind}`, 1, async () => {
          const watcher: Watcher = {
            kind,
            onEvent: event => onEvent(event as WatchEvent<T>),
            onDone,
            sent: new Map(this.listed.get(kind) ?? []),
          };
          this.watchers.add(watcher);
          this.mostWatchers = Math.max(this.mostWatchers, this.watchers.size);
          return { abort: () => void this.watchers.delete(watcher) };
        }),
    };
  }

  /** The API server: changes as events, plus the storm's churn, to every open watch. */
  tick(storm: boolean): void {
    if (this.faulty()) {
      for (const watcher of [...this.watchers]) {
        this.watchers.delete(watcher);
        watcher.onDone(tooManyRequests());
      }
      return;
    }
    const current = {
      nodes: this.nodeObjects() as (NodeObject | PodObject)[],
      pods: this.podObjects() as (NodeObject | PodObject)[],
    };
    for (const watcher of [...this.watchers]) {
      const objects = current[watcher.kind];
      const names = new Set(objects.map(object => object.metadata.name));
      for (const object of objects) {
        const text = JSON.stringify(object);
        const before = watcher.sent.get(object.metadata.name);
        if (before === text) continue;
        watcher.sent.set(object.metadata.name, text);
        watcher.onEvent({ type: before === undefined ? 'ADDED' : 'MODIFIED', object });
      }
      for (const [name, text] of [...watcher.sent]) {
        if (names.has(name)) continue;
        watcher.sent.delete(name);
        watcher.onEvent({ type: 'DELETED', object: JSON.parse(text) as NodeObject | PodObject });
      }
    }
    if (!storm) return;
    // Churn: node heartbeats and the Pending pods' status, round robin, 200 per second.
    const churn = [...current.nodes, ...current.pods];
    for (let index = 0; index < (EVENTS_PER_SECOND * TICK_MS) / S; index++) {
      const object = churn[this.stormCursor++ % churn.length];
      for (const watcher of this.watchers) {
        if (current[watcher.kind].includes(object)) {
          watcher.onEvent({ type: 'MODIFIED', object });
        }
      }
    }
  }

  /** Strimzi rolls, the cloud boots the nodes raised groups asked for; counts moves. */
  second(): void {
    const nowMs = Date.now();
    this.cluster.advance(1);
    for (const group of this.cluster.groups) {
      const zoneNodes = this.cluster.nodes.filter(node => node.zone === group.zone);
      if (zoneNodes.length >= group.desired) {
        this.bootingSince.delete(group.groupName);
        continue;
      }
      const since = this.bootingSince.get(group.groupName) ?? nowMs;
      this.bootingSince.set(group.groupName, since);
      if (nowMs - since < BOOT_MS) continue;
      this.bootingSince.delete(group.groupName);
      for (let count = zoneNodes.length; count < group.desired; count++) {
        const id = `n${++this.launched}`;
        const template = zoneNodes[0];
        this.cluster.nodes.push({
          ...template,
          name: `node-${id}`,
          uid: `uid-node-${id}`,
          resourceVersion: '1',
          instanceId: `i-${id}`,
          createdAtMs: nowMs,
          unschedulable: false,
          operation: undefined,
        });
        this.cluster.groups = this.cluster.groups.map(each =>
          each.groupName === group.groupName
            ? {
                ...each,
                instances: [
                  ...each.instances,
                  { instanceId: `i-${id}`, lifecycleState: 'InService' },
                ],
              }
            : each,
        );
      }
    }
    this.sampleMoves();
  }

  sampleMoves(): void {
    const records = this.cluster.nodes.filter(node => node.operation?.move !== undefined).length;
    const rolling = this.cluster.brokers.filter(b => b.rollRequested || !b.ready).length;
    this.mostMovesInFlight = Math.max(this.mostMovesInFlight, records, rolling);
  }

  /**
   * The Lease through the rate-limited API, with the API server's answers (as `MemoryLeaseStore`,
   * checked on a real kube-apiserver by the shared conformance scenarios): 409 on a second create
   * and on a stale update; an update of a Lease that is gone creates it.
   */
  leaseStore(): LeaseStore {
    const conflict = () => Object.assign(new Error('conflict'), { code: 409 });
    return {
      get: () => this.request('get lease', 1, async () => this.lease),
      create: lease =>
        this.request('create lease', 1, async () => {
          if (this.lease !== undefined) throw conflict();
          this.lease = { ...lease, resourceVersion: String(++this.rv) };
        }),
      update: lease =>
        this.request('update lease', 1, async () => {
          if (this.lease !== undefined && this.lease.resourceVersion !== lease.resourceVersion) {
            throw conflict();
          }
          this.lease = { ...lease, resourceVersion: String(++this.rv) };
        }),
    };
  }

  kubernetesWriter(): ClusterWriter & EventRecorder {
    return {
      writeOperation: (node, record) =>
        this.request('write record', 2, () => this.cluster.writeOperation(node, record)),
      setUnschedulable: (name, uid, value) =>
        this.request('cordon', 2, () => this.cluster.setUnschedulable(name, uid, value)),
      requestRoll: (name, uid, mayRoll) =>
        this.request('roll', 2, async () => {
          const result = await this.cluster.requestRoll(name, uid, mayRoll);
          this.sampleMoves();
          return result;
        }),
      record: () => this.request('create event', 1, async () => undefined),
    };
  }

  autoscaling(): GroupWriter {
    return {
      raiseDesiredCapacity: async (groupName, desired) => {
        this.mutations.push({
          atMs: Date.now() - NOW_MS,
          group: groupName,
          what: `SetDesiredCapacity ${desired}`,
        });
        await this.cluster.raiseDesiredCapacity(groupName, desired);
      },
      lowerDesiredCapacity: async (groupName, fromDesired, toDesired) => {
        this.mutations.push({
          atMs: Date.now() - NOW_MS,
          group: groupName,
          what: `LowerDesiredCapacity ${fromDesired} -> ${toDesired}`,
        });
        return this.cluster.lowerDesiredCapacity(groupName, fromDesired, toDesired);
      },
      terminateInstance: async (groupName, instanceId) => {
        this.mutations.push({ atMs: Date.now() - NOW_MS, group: groupName, what: 'Terminate' });
        return this.cluster.terminateInstance(groupName, instanceId);
      },
      setInstanceProtection: async (groupName, instanceIds, protectedFromScaleIn) => {
        this.mutations.push({
          atMs: Date.now() - NOW_MS,
          group: groupName,
          what: `SetInstanceProtection ${protectedFromScaleIn}`,
        });
        return this.cluster.setInstanceProtection(groupName, instanceIds, protectedFromScaleIn);
      },
    };
  }

  loads() {
    return this.cluster.brokers.map(broker => {
      const zone = this.config.zones.find(each => each.zone === broker.zone);
      const perBroker = this.demandMiBps / (zone?.brokers ?? 1);
      return { podName: broker.podName, receiveMiBps: perBroker, transmitMiBps: perBroker };
    });
  }
}

const KAFKA_READY: KafkaLike = { status: { conditions: [{ type: 'Ready', status: 'True' }] } };

interface StormRun {
  readonly world: World;
  readonly gate: TokenBucket;
  readonly spacing: GroupMutationSpacing;
  readonly scheduler: PassScheduler;
  readonly caches: { nodes: ListWatchCache<NodeObject>; pods: ListWatchCache<PodObject> };
  readonly passesAt: number[];
  readonly lastPlan: () => Plan | undefined;
  readonly mostCached: { nodes: number; pods: number };
}

/** Runs the storm to END_MS with the production wiring of `main.ts`. */
async function runStorm(rate: KubernetesRateLimit): Promise<StormRun> {
  const config: ControllerConfig = {
    ...testConfig(),
    scaleInStabilizationSeconds: 600,
    moveTimeoutSeconds: 300,
    kubernetesApiRateLimit: rate,
    autoscalingMutationIntervalSeconds: 10,
  };
  const world = new World(config);
  const gate = new TokenBucket(rate);
  const leaseGate = new TokenBucket(rate);
  const spacing = new GroupMutationSpacing(10 * S);
  let wake: () => void = () => undefined;
  const nodes = new ListWatchCache(limitedSource(world.source<NodeObject>('nodes'), gate), {
    onChange: () => wake(),
  });
  const pods = new ListWatchCache(limitedSource(world.source<PodObject>('pods'), gate), {
    onChange: () => wake(),
  });
  const elector = new LeaderElector(
    'controller-0',
    limitedLeaseStore(world.leaseStore(), leaseGate),
    config.leaderElection,
  );
  const writer = world.kubernetesWriter();
  let plan: Plan | undefined;
  const reconciler = new Reconciler({
    config,
    cluster: limitedClusterWriter(writer, gate),
    groups: spacedGroupWriter(world.autoscaling(), spacing),
    events: limitedEvents(writer, gate),
    leadership: () => elector.leadership(),
    metrics: new ControllerMetrics({ defaultMetrics: false }),
    logger: silentLogger,
    observe: async () => {
      const nowMs = Date.now();
      const [kafka] = await Promise.allSettled([
        limitedCall(gate, () => world.request('get kafka', 1, async () => KAFKA_READY)),
      ]);
      world.autoscalingReads++;
      const synced = [nodes.syncedAtMs, pods.syncedAtMs];
      return assembleObservation(
        {
          nowMs,
          nodes: nodes.snapshot(),
          pods: pods.snapshot(),
          kafka: kafka.status === 'fulfilled' ? kafka.value : undefined,
          kubernetesSyncedAtMs: synced.some(at => at === undefined)
            ? undefined
            : Math.min(...(synced as number[])),
          prometheus: {
            atMs: nowMs,
            loads: world.loads(),
            underReplicatedPartitions: world.cluster.underReplicatedPartitions,
            underMinIsrPartitions: 0,
            healthSampledAtMs: Object.fromEntries(world.loads().map(load => [load.podName, nowMs])),
          },
          autoscaling: {
            atMs: nowMs,
            groups: world.cluster.groups.map(group => ({
              ...group,
              instances: [...group.instances],
            })),
          },
        },
        config,
      );
    },
  });
  const passesAt: number[] = [];
  const scheduler = new PassScheduler({
    intervalMs: config.intervalSeconds * S,
    soonMs: S,
    runPass: async () => {
      passesAt.push(Date.now() - NOW_MS);
      const result = await reconciler.reconcileOnce();
      plan = result.plan;
      return result.acted;
    },
  });
  wake = () => scheduler.wake();

  const mostCached = { nodes: 0, pods: 0 };
  const pump = setInterval(() => {
    const elapsed = Date.now() - NOW_MS;
    // Repeated scale-out signals: demand jitters above one node's share, then doubles.
    world.demandMiBps = (elapsed < 40 * S ? 60 : 120) + (Math.floor(elapsed / S) % 2) * 5;
    world.tick(elapsed < STORM_END_MS);
    mostCached.nodes = Math.max(mostCached.nodes, nodes.snapshot().length);
    mostCached.pods = Math.max(mostCached.pods, pods.snapshot().length);
  }, TICK_MS);
  const clock = setInterval(() => world.second(), S);

  nodes.start();
  pods.start();
  elector.start();
  scheduler.start();
  await jest.advanceTimersByTimeAsync(END_MS);
  scheduler.stop();
  nodes.stop();
  pods.stop();
  elector.stop();
  clearInterval(pump);
  clearInterval(clock);
  return {
    world,
    gate,
    spacing,
    scheduler,
    caches: { nodes, pods },
    passesAt,
    lastPlan: () => plan,
    mostCached,
  };
}

/** Most request cost in any window of `windowMs` starting at a request. */
function mostInWindow(
  requests: readonly { atMs: number; cost: number }[],
  windowMs: number,
): number {
  let most = 0;
  let sum = 0;
  let start = 0;
  for (let end = 0; end < requests.length; end++) {
    sum += requests[end].cost;
    while (requests[end].atMs - requests[start].atMs >= windowMs) sum -= requests[start++].cost;
    most = Math.max(most, sum);
  }
  return most;
}

function expectStormOracles(run: StormRun, rate: KubernetesRateLimit): void {
  const { world } = run;
  const zones = world.config.zones.length;

  // At most one broker move in flight, at every instant.
  expect(world.cluster.mostRollsInFlight).toBeLessThanOrEqual(1);
  expect(world.mostMovesInFlight).toBeLessThanOrEqual(1);

  // Kubernetes requests within their token bucket in every window: burst + qps x window. The
  // Lease has a bucket of its own (its renewal never queues behind other calls or their pauses).
  const leaseRequests = world.requests.filter(request => isLease(request.what));
  const otherRequests = world.requests.filter(request => !isLease(request.what));
  expect(leaseRequests.length).toBeGreaterThan(0);
  for (const requests of [otherRequests, leaseRequests]) {
    for (const windowMs of [1 * S, 10 * S, 60 * S, END_MS]) {
      expect(mostInWindow(requests, windowMs)).toBeLessThanOrEqual(
        rate.burst + Math.ceil((rate.qps * windowMs) / S),
      );
    }
  }
  // Retry-After honoured per bucket: nothing is sent while a 429's Retry-After runs.
  for (const [throttled, requests] of [
    [world.throttled, otherRequests],
    [world.throttledLease, leaseRequests],
  ] as const) {
    for (const at of throttled) {
      const inside = requests.filter(
        request => request.atMs > at && request.atMs < at + RETRY_AFTER_SECONDS * S,
      );
      expect(inside).toEqual([]);
    }
  }
  // No retry storm in the 429 minute: at most one round of the four request loops (node cache,
  // pod cache, lease, pass) per Retry-After.
  const duringFault = world.requests.filter(
    request => request.atMs >= FAULT_FROM_MS && request.atMs < FAULT_UNTIL_MS,
  );
  expect(world.throttled.length).toBeGreaterThan(0);
  expect(duringFault.length).toBeLessThanOrEqual(
    4 * ((FAULT_UNTIL_MS - FAULT_FROM_MS) / (RETRY_AFTER_SECONDS * S) + 1),
  );

  // Auto Scaling: mutating calls spaced per group, desired capacity set once per decision: each
  // group's raises are distinct and increasing (never repeated per event or per pass), ending at
  // the level the doubled demand needs.
  for (const group of world.cluster.groups) {
    const calls = world.mutations.filter(call => call.group === group.groupName);
    for (let index = 1; index < calls.length; index++) {
      expect(calls[index].atMs - calls[index - 1].atMs).toBeGreaterThanOrEqual(10 * S);
    }
    const levels = calls.map(call => Number(call.what.replace('SetDesiredCapacity ', '')));
    expect(levels.length).toBeGreaterThan(0);
    expect(levels.length).toBeLessThanOrEqual(2);
    levels.forEach((level, index) => index > 0 && expect(level).toBeGreaterThan(levels[index - 1]));
    expect(levels[levels.length - 1]).toBe(4);
  }
  expect(world.mutations.filter(call => call.what === 'Terminate')).toEqual([]);
  expect(world.autoscalingReads).toBe(run.passesAt.length);

  // Coalesced: thousands of events, about one pass per second during the storm, never two
  // passes within the `soon` delay; and not starved: the first scale-out came from a pass in
  // the storm's first seconds, before the API fault.
  const stormPasses = run.passesAt.filter(at => at < STORM_END_MS);
  expect(run.scheduler.wakes).toBeGreaterThan(10_000);
  expect(stormPasses.length).toBeLessThanOrEqual(STORM_END_MS / S + 1);
  for (let index = 1; index < run.passesAt.length; index++) {
    expect(run.passesAt[index] - run.passesAt[index - 1]).toBeGreaterThanOrEqual(S);
  }
  expect(world.mutations[0].atMs).toBeLessThan(FAULT_FROM_MS);

  // Memory bounded: caches hold each object once, one watch per cache, few waiters.
  const nodeCount = zones * 4;
  expect(run.mostCached.nodes).toBeLessThanOrEqual(nodeCount);
  expect(run.mostCached.pods).toBeLessThanOrEqual(world.cluster.brokers.length + PENDING_PODS);
  expect(world.mostWatchers).toBeLessThanOrEqual(2);
  expect(run.gate.mostWaiting).toBeLessThanOrEqual(4);
  expect(run.spacing.size).toBeLessThanOrEqual(zones);

  // Converged, nothing lost: 4 nodes per zone, one broker each, all Ready in their zone, nothing
  // cordoned or recorded, no instance terminated, and the caches equal the truth.
  expect(world.cluster.nodes).toHaveLength(nodeCount);
  for (const node of world.cluster.nodes) {
    expect(node.unschedulable).toBe(false);
    expect(node.operation).toBeUndefined();
    expect(world.cluster.brokers.filter(broker => broker.nodeName === node.name)).toHaveLength(1);
  }
  for (const broker of world.cluster.brokers) {
    expect(broker.ready).toBe(true);
    expect(broker.rollRequested).toBe(false);
    expect(world.cluster.nodes.find(node => node.name === broker.nodeName)?.zone).toBe(broker.zone);
  }
  for (const group of world.cluster.groups) expect(group.desired).toBe(4);
  expect(world.cluster.terminated).toEqual([]);
  const names = (objects: readonly { metadata: { name: string; resourceVersion: string } }[]) =>
    objects.map(object => `${object.metadata.name}@${object.metadata.resourceVersion}`).sort();
  expect(names(run.caches.nodes.snapshot())).toEqual(names(world.nodeObjects()));
  expect(names(run.caches.pods.snapshot())).toEqual(names(world.podObjects()));
  expect(run.lastPlan()?.reason).toBe('at-target');
}

describe('T15: event storm, API 429 for 60 s, repeated scale-out signals', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW_MS, doNotFake: ['nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('default budget (10 QPS, burst 100): every oracle holds and the cluster converges', async () => {
    const rate = { qps: 10, burst: 100 };
    const run = await runStorm(rate);
    expectStormOracles(run, rate);
    // Each zone's scale-out came from a pass in the storm's first seconds (the events did not
    // postpone the passes), once per decision: 1 -> 2, then 2 -> 4 when the demand doubled.
    expect(run.world.mutations.filter(call => call.atMs <= 3 * S)).toHaveLength(3);
    for (const group of run.world.cluster.groups) {
      expect(
        run.world.mutations.filter(call => call.group === group.groupName).map(call => call.what),
      ).toEqual(['SetDesiredCapacity 2', 'SetDesiredCapacity 4']);
    }
  }, 180_000);

  test('a tight budget (1 QPS, burst 3) binds, and the cluster still converges', async () => {
    const rate = { qps: 1, burst: 3 };
    const run = await runStorm(rate);
    expectStormOracles(run, rate);
    // The limiter had work to do: requests queued behind it.
    expect(run.gate.mostWaiting).toBeGreaterThan(0);
  }, 180_000);
});
