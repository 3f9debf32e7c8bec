/** Builders for controller tests: a healthy cluster, then tweaks. */
import { startOperation, type StepContext } from '../../controller/operation';
import type { OperationRecord } from '../../controller/operation-record';
import { DEFAULT_FORECAST, type ZoneForecast } from '../../controller/forecast';
import type { ControllerConfig } from '../../controller/config';
import type {
  Action,
  BrokerLoad,
  Memory,
  Observed,
  ObservedBroker,
  ObservedGroup,
  ObservedNode,
} from '../../controller/model';
import { divisors } from '../../spec/derive';

export const NOW_MS = Date.UTC(2026, 0, 5, 12, 0, 0);

/**
 * When the brokers of `healthyCluster` became Ready (`ObservedBroker.readySinceMs`): 30 days
 * before `NOW_MS`, so partition health sampled at any time a test steps its clock to is newer.
 */
export const BROKERS_READY_SINCE_MS = NOW_MS - 30 * 86_400_000;

/** The context the operation tests step records with: leader `a`, fencing token 3, at `NOW_MS`. */
export const STEP_CONTEXT: StepContext = {
  nowMs: NOW_MS,
  fencingToken: 3,
  holder: 'a',
  removalStillWanted: true,
};

/** Removing node-a-1 (instance i-a1) from zone us-east-1a's group, as `decide` would start it. */
export const SCALE_IN_NODE_A1: Extract<Action, { readonly kind: 'scale-in' }> = {
  kind: 'scale-in',
  zone: 'us-east-1a',
  groupName: 'asg-orders-kafka-a',
  nodeName: 'node-a-1',
  nodeUid: 'uid-node-a-1',
  instanceId: 'i-a1',
};

/** `observed` at `atMs` with every view (Kubernetes, Prometheus, Auto Scaling, broker health) fresh. */
export function freshAt(observed: Observed, atMs: number): Observed {
  return {
    ...observed,
    nowMs: atMs,
    freshness: { kubernetesAtMs: atMs, prometheusAtMs: atMs, autoscalingAtMs: atMs },
    healthSampledAtMs: Object.fromEntries(observed.brokers.map(broker => [broker.podName, atMs])),
  };
}

export interface ConfigOptions {
  readonly zones?: number;
  readonly brokersPerZone?: number;
  readonly maxNodesPerZone?: number;
  readonly sameLevelInAllZones?: boolean;
}

export function testConfig(options: ConfigOptions = {}): ControllerConfig {
  const zoneCount = options.zones ?? 3;
  const brokersPerZone = options.brokersPerZone ?? 4;
  const maxNodes = options.maxNodesPerZone ?? brokersPerZone;
  const letters = 'abcdefghij';
  return {
    clusterName: 'orders',
    region: 'us-east-1',
    kafkaNamespace: 'kafka',
    kafkaNodeLabel: { key: 'kafka.platform/nodegroup', value: 'orders-kafka' },
    zones: Array.from({ length: zoneCount }, (_, index) => ({
      zone: `us-east-1${letters[index]}`,
      poolName: `brokers-${letters[index]}`,
      nodegroupName: `orders-kafka-${letters[index]}`,
      brokers: brokersPerZone,
    })),
    balancedNodeCounts: divisors(brokersPerZone).filter(count => count <= maxNodes),
    minNodesPerZone: 1,
    maxNodesPerZone: maxNodes,
    nodeBaselineMiBps: 100,
    targetUtilization: 0.5,
    scaleInMargin: 0.1,
    scaleInStabilizationSeconds: 600,
    intervalSeconds: 30,
    sameLevelInAllZones: options.sameLevelInAllZones ?? true,
    scheduledMinimums: [],
    replicationFactor: 3,
    dryRun: false,
    prometheusUrl: 'http://prometheus:9090',
    prometheusQueries: {
      brokerReceiveBytesPerSecond: 'rx',
      brokerTransmitBytesPerSecond: 'tx',
      underReplicatedPartitions: 'urp',
      underMinIsrPartitions: 'umi',
      brokerHealthSampleTimestamps: 'urp by pod',
    },
    staleAfterSeconds: 120,
    moveTimeoutSeconds: 900,
    nodeReadyTimeoutSeconds: 900,
    leaderElection: {
      namespace: 'kafka-autoscaler',
      leaseName: 'orders-kafka-autoscaler',
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
    },
    httpPort: 8080,
  };
}

/**
 * Memory in which every zone's demand has fitted every balanced level since epoch 0, so any
 * stabilization window has passed for any scale-in the demand allows.
 */
export function stabilizedLongAgo(config: ControllerConfig): Memory {
  return {
    scaleInEligibleSinceMs: Object.fromEntries(config.zones.map(zone => [zone.zone, 0])),
    waitingForNodesSinceMs: {},
    levelCarriesSinceMs: Object.fromEntries(
      config.zones.map(zone => [
        zone.zone,
        Object.fromEntries(config.balancedNodeCounts.map(level => [String(level), 0])),
      ]),
    ),
  };
}

export interface ClusterOptions {
  /** Nodes per zone (same in every zone unless `nodesByZone` is given). */
  readonly nodesPerZone?: number;
  readonly nodesByZone?: readonly number[];
  /** Demand per zone in MiB/s (split over the zone's brokers, both directions). */
  readonly demandMiBps?: number;
  readonly demandByZone?: readonly number[];
}

/** A healthy cluster: brokers spread evenly (round robin), groups at the node count. */
export function healthyCluster(config: ControllerConfig, options: ClusterOptions = {}): Observed {
  const nodes: ObservedNode[] = [];
  const brokers: ObservedBroker[] = [];
  const groups: ObservedGroup[] = [];
  const loads: BrokerLoad[] = [];
  config.zones.forEach((zone, zoneIndex) => {
    const nodeCount = options.nodesByZone?.[zoneIndex] ?? options.nodesPerZone ?? 1;
    const demand = options.demandByZone?.[zoneIndex] ?? options.demandMiBps ?? 10;
    const suffix = zone.poolName.slice(-1);
    const zoneNodes: ObservedNode[] = [];
    for (let index = 0; index < nodeCount; index++) {
      zoneNodes.push({
        name: `node-${suffix}-${index}`,
        uid: `uid-node-${suffix}-${index}`,
        resourceVersion: '1',
        zone: zone.zone,
        ready: true,
        unschedulable: false,
        instanceId: `i-${suffix}${index}`,
        createdAtMs: NOW_MS - 86_400_000 + index * 1000,
        operation: undefined,
      });
    }
    nodes.push(...zoneNodes);
    groups.push({
      zone: zone.zone,
      groupName: `asg-${zone.nodegroupName}`,
      desired: nodeCount,
      min: 1,
      max: config.maxNodesPerZone,
      instances: zoneNodes.map(node => ({
        instanceId: node.instanceId ?? '',
        lifecycleState: 'InService',
        protectedFromScaleIn: true,
      })),
    });
    for (let index = 0; index < zone.brokers; index++) {
      const podName = `orders-${zone.poolName}-${(zoneIndex + 1) * 1000 + index}`;
      brokers.push({
        podName,
        uid: `uid-${podName}`,
        zone: zone.zone,
        nodeName: nodeCount === 0 ? undefined : zoneNodes[index % nodeCount].name,
        ready: true,
        rollRequested: false,
        terminating: false,
        // Ready long before any clock the tests step to (a day or a week either way).
        readySinceMs: BROKERS_READY_SINCE_MS,
      });
      loads.push({
        podName,
        receiveMiBps: demand / zone.brokers,
        transmitMiBps: demand / zone.brokers,
      });
    }
  });
  return {
    nowMs: NOW_MS,
    freshness: { kubernetesAtMs: NOW_MS, prometheusAtMs: NOW_MS, autoscalingAtMs: NOW_MS },
    kafkaReady: true,
    underReplicatedPartitions: 0,
    underMinIsrPartitions: 0,
    healthSampledAtMs: Object.fromEntries(brokers.map(broker => [broker.podName, NOW_MS])),
    nodes,
    brokers,
    groups,
    loads,
  };
}

/** Returns a copy of `observed` with one node replaced. */
export function withNode(
  observed: Observed,
  name: string,
  change: (node: ObservedNode) => ObservedNode,
): Observed {
  return {
    ...observed,
    nodes: observed.nodes.map(node => (node.name === name ? change(node) : node)),
  };
}

/** Returns a copy of `observed` with one broker replaced. */
export function withBroker(
  observed: Observed,
  podName: string,
  change: (broker: ObservedBroker) => ObservedBroker,
): Observed {
  return {
    ...observed,
    brokers: observed.brokers.map(broker => (broker.podName === podName ? change(broker) : broker)),
  };
}

/**
 * `healthyCluster` with 4 nodes per zone and each zone's brokers on the given node indexes
 * (`placement[zone][broker]`), at the given demand per zone.
 */
export function placedCluster(
  config: ControllerConfig,
  placement: readonly (readonly number[])[],
  demandByZone: readonly number[],
): Observed {
  const observed = healthyCluster(config, { nodesPerZone: 4, demandByZone });
  return {
    ...observed,
    brokers: observed.brokers.map(broker => {
      const zoneIndex = config.zones.findIndex(zone => zone.zone === broker.zone);
      const brokerIndex = observed.brokers
        .filter(each => each.zone === broker.zone)
        .findIndex(each => each.podName === broker.podName);
      const suffix = config.zones[zoneIndex].poolName.slice(-1);
      return { ...broker, nodeName: `node-${suffix}-${placement[zoneIndex][brokerIndex]}` };
    }),
  };
}

/** Brokers bound to a node. */
export function brokersOn(observed: Observed, nodeName: string): number {
  return observed.brokers.filter(broker => broker.nodeName === nodeName).length;
}

/** A respread as Strimzi and the scheduler apply it: one broker of the node lands on the zone's emptiest node. */
export function applyRespread(observed: Observed, nodeName: string): Observed {
  const node = observed.nodes.find(each => each.name === nodeName);
  const target = observed.nodes
    .filter(each => each.zone === node?.zone)
    .sort(
      (a, b) =>
        brokersOn(observed, a.name) - brokersOn(observed, b.name) || a.name.localeCompare(b.name),
    )[0];
  const moving = observed.brokers.find(broker => broker.nodeName === nodeName);
  return {
    ...observed,
    brokers: observed.brokers.map(broker =>
      broker === moving ? { ...broker, nodeName: target.name } : broker,
    ),
  };
}

/**
 * `testConfig()` with the forecast floor on (lead time 1470 s, the rest `DEFAULT_FORECAST`) and the
 * ramp guard on (horizon 180 s): the two parts that together may confirm a descent
 * (`descentConfirmed` in controller/decide.ts).
 */
export function forecastAndRampConfig(): ControllerConfig {
  return {
    ...testConfig(),
    forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
    rampHorizonSeconds: 180,
  };
}

/**
 * `stabilizedLongAgo(config)` with the ramp guard's samples at `agoSeconds` before `NOW_MS`
 * (default 150, 120, 90 and 60 s, oldest first; a pass adds its own), sample `sampleIndex` of
 * zone `zoneIndex` (index into `config.zones`) at `demandAt(zoneIndex, sampleIndex)` MiB/s.
 */
export function memoryWithRampSamples(
  config: ControllerConfig,
  demandAt: (zoneIndex: number, sampleIndex: number) => number,
  agoSeconds: readonly number[] = [150, 120, 90, 60],
): Memory {
  return {
    ...stabilizedLongAgo(config),
    rampSamples: Object.fromEntries(
      config.zones.map((zone, zoneIndex) => [
        zone.zone,
        agoSeconds.map((ago, sampleIndex) => ({
          atMs: NOW_MS - ago * 1000,
          demandMiBps: demandAt(zoneIndex, sampleIndex),
        })),
      ]),
    ),
  };
}

/**
 * `stabilizedLongAgo(config)` with the ramp guard's samples 150, 120, 90 and 60 s before `NOW_MS`
 * at `earlierMiBps` in every zone (a pass adds its own): above that pass's demand reads as
 * falling, equal as flat, below as rising.
 */
export function memoryAfterSamples(config: ControllerConfig, earlierMiBps: number): Memory {
  return memoryWithRampSamples(config, () => earlierMiBps);
}

/**
 * Every zone's forecast of `config`: `ok` at `forecastMiBps` MiB/s (profile the same, correction
 * and error 0, 72 h of history), or `status` without figures (3 h of history; `unknown` with
 * cause `test`).
 */
export function zoneForecasts(
  config: ControllerConfig,
  forecastMiBps: number,
  status: ZoneForecast['status'] = 'ok',
): ZoneForecast[] {
  const ok = status === 'ok';
  return config.zones.map(zone => ({
    zone: zone.zone,
    status,
    historyHours: ok ? 72 : 3,
    forecastMiBps: ok ? forecastMiBps : undefined,
    profileMiBps: ok ? forecastMiBps : undefined,
    correctionMiBps: ok ? 0 : undefined,
    errorMiBps: ok ? 0 : undefined,
    ...(status === 'unknown' ? { unknownCause: 'test' } : {}),
  }));
}

/** `observed` with `zoneForecasts(config, forecastMiBps, status)`. */
export function withZoneForecasts(
  config: ControllerConfig,
  observed: Observed,
  forecastMiBps: number,
  status: ZoneForecast['status'] = 'ok',
): Observed {
  return { ...observed, forecast: zoneForecasts(config, forecastMiBps, status) };
}

/**
 * `SCALE_IN_NODE_A1` as started at `NOW_MS` with id `op-1` by `startedBy` (default holder `me` with
 * fencing token 1; pass `STEP_CONTEXT` for its leader `a`, token 3).
 */
export function removalOfNodeA1(
  startedBy: Pick<StepContext, 'fencingToken' | 'holder'> = { fencingToken: 1, holder: 'me' },
): OperationRecord {
  return startOperation(SCALE_IN_NODE_A1, {
    nowMs: NOW_MS,
    fencingToken: startedBy.fencingToken,
    holder: startedBy.holder,
    id: 'op-1',
  });
}

/**
 * A record of an operation on node-a-1 (zone us-east-1a, group asg-orders-kafka-a) in phase
 * `cordon`, started at `NOW_MS` by leader `a` with fencing token 1, as `startOperation` would have
 * written it: a `respread` (id `op-r` unless given), or a `remove-node` of instance `i-a1`.
 */
export function cordonRecordOfNodeA1(
  kind: OperationRecord['kind'] = 'respread',
  id = 'op-r',
): OperationRecord {
  return {
    id,
    kind,
    zone: 'us-east-1a',
    groupName: 'asg-orders-kafka-a',
    nodeName: 'node-a-1',
    nodeUid: 'uid-node-a-1',
    ...(kind === 'remove-node' ? { instanceId: 'i-a1' } : {}),
    phase: 'cordon',
    movesDone: 0,
    startedAtMs: NOW_MS,
    phaseStartedAtMs: NOW_MS,
    fencingToken: 1,
    holder: 'a',
    version: 2,
  };
}

/** `observed` with every broker on node-a-1 moved to node-a-0 (node-a-1 emptied). */
export function emptiedNodeA1(observed: Observed): Observed {
  return observed.brokers
    .filter(broker => broker.nodeName === 'node-a-1')
    .reduce(
      (each, broker) => withBroker(each, broker.podName, b => ({ ...b, nodeName: 'node-a-0' })),
      observed,
    );
}

/** `observed` with node-a-1 cordoned and `record` on it at phase `drain` (being emptied). */
export function drainingNodeA1(observed: Observed, record: OperationRecord): Observed {
  return withNode(observed, 'node-a-1', node => ({
    ...node,
    unschedulable: true,
    operation: { ...record, phase: 'drain' },
  }));
}
