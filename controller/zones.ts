/** Per-zone facts `decide` works from: nodes, broker spread, demand and the zone's group. */
import type { ControllerConfig, ZoneConfig } from './config';
import type { ObservedGroup, ObservedNode, Observed } from './model';

/** One zone, summarised. */
export interface ZoneSummary {
  /** The zone's configuration. */
  readonly config: ZoneConfig;
  /** The zone's Auto Scaling group, when described. */
  readonly group: ObservedGroup | undefined;
  /** Ready nodes that are not being removed and whose instance is still in the group. */
  readonly countedNodes: readonly ObservedNode[];
  /** Ready nodes whose instance still belongs to the group (including one being emptied). */
  readonly readyInstances: number;
  /**
   * NotReady nodes whose instance is still in the group (not terminating), that registered more
   * than `nodeReadyTimeoutSeconds` ago (`createdAtMs`) and carry no finished removal: not booting,
   * so not on their way (a stopped kubelet, a lost node). The ramp guard does not count them as
   * launching (`rampBaseNodes`).
   */
  readonly lostNodes: number;
  /** Brokers per counted node, by node name. */
  readonly brokersByNode: ReadonlyMap<string, number>;
  /** Demand, MiB/s in the busier direction. */
  readonly demandMiBps: number;
}

function isBeingRemoved(node: ObservedNode): boolean {
  const operation = node.operation;
  return (
    operation !== undefined && operation.kind === 'remove-node' && operation.phase !== 'abandoned'
  );
}

/**
 * True when the group is known, the node's instance is known, and the group no longer has that
 * instance (or is terminating it): a Node object left behind after its instance went away does not
 * count toward the zone's level.
 */
function instanceLeftGroup(node: ObservedNode, group: ObservedGroup | undefined): boolean {
  if (group === undefined || node.instanceId === undefined) return false;
  const instance = group.instances.find(each => each.instanceId === node.instanceId);
  return instance === undefined || instance.lifecycleState.startsWith('Terminat');
}

/** Groups the observation by zone, in configuration order. */
export function summarizeZones(observed: Observed, config: ControllerConfig): ZoneSummary[] {
  const loadByPod = new Map<string, { receive: number; transmit: number }>();
  for (const load of observed.loads ?? []) {
    loadByPod.set(load.podName, { receive: load.receiveMiBps, transmit: load.transmitMiBps });
  }
  const nodesByZone = new Map<string, ObservedNode[]>();
  for (const node of observed.nodes) {
    const list = nodesByZone.get(node.zone) ?? [];
    list.push(node);
    nodesByZone.set(node.zone, list);
  }
  const brokersOnNode = new Map<string, number>();
  const demandByZone = new Map<string, { receive: number; transmit: number }>();
  for (const broker of observed.brokers) {
    if (broker.nodeName !== undefined) {
      brokersOnNode.set(broker.nodeName, (brokersOnNode.get(broker.nodeName) ?? 0) + 1);
    }
    const load = loadByPod.get(broker.podName);
    const demand = demandByZone.get(broker.zone) ?? { receive: 0, transmit: 0 };
    demandByZone.set(broker.zone, {
      receive: demand.receive + (load?.receive ?? 0),
      transmit: demand.transmit + (load?.transmit ?? 0),
    });
  }
  return config.zones.map(zoneConfig => {
    const nodes = nodesByZone.get(zoneConfig.zone) ?? [];
    const group = observed.groups.find(each => each.zone === zoneConfig.zone);
    const countedNodes = nodes.filter(
      node => node.ready && !isBeingRemoved(node) && !instanceLeftGroup(node, group),
    );
    const readyInstances = nodes.filter(
      node => node.ready && node.operation?.phase !== 'terminated',
    ).length;
    const bootedBeforeMs = observed.nowMs - config.nodeReadyTimeoutSeconds * 1000;
    const lostNodes = nodes.filter(
      node =>
        !node.ready &&
        node.operation?.phase !== 'terminated' &&
        node.createdAtMs < bootedBeforeMs &&
        !instanceLeftGroup(node, group),
    ).length;
    const brokersByNode = new Map<string, number>();
    for (const node of countedNodes)
      brokersByNode.set(node.name, brokersOnNode.get(node.name) ?? 0);
    const demand = demandByZone.get(zoneConfig.zone) ?? { receive: 0, transmit: 0 };
    return {
      config: zoneConfig,
      group,
      countedNodes,
      readyInstances,
      lostNodes,
      brokersByNode,
      demandMiBps: Math.max(demand.receive, demand.transmit),
    };
  });
}
