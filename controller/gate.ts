/**
 * The one gate every write of the controller passes, whether it starts an action (scale-out, the
 * first record of an operation), steps an operation (cordon, roll request, retry, unprotect,
 * terminate, protect, uncordon, record update) or is housekeeping (protect). Pure: the reconciler asks it
 * right before each write, on the pass's observation, and the operation state machine asks it to
 * choose between waiting and an exit. Leadership is checked separately, at the moment the request
 * goes out (`fence.ts`).
 *
 * Checks, in order:
 * - every write: every source present and fresh by the age of its data, per-broker throughput
 *   series cover every broker pod and partition-health samples cover every Ready broker pod
 *   (`staleDataBlocker`);
 * - a roll request (a move, or its retry): Kafka Ready, no partition under-replicated or under
 *   min ISR, every broker pod present, no other broker rolling, terminating or not Ready, and
 *   partition health sampled after the last broker became Ready (`kafkaBlocker`); and every node
 *   the moved broker may land on (schedulable and Ready, in its zone) on an instance observed
 *   protected from scale-in and not leaving its group (`landingBlocker`);
 * - unprotect and terminate: the node is cordoned and empty in a complete pod view (every broker
 *   pod of every zone present, each listed once), no broker pod of its zone waits unbound (a
 *   binding already in flight lands whatever the cordon) nor any pod of a pool outside the
 *   configuration (its zone cannot be told), it is the one node of the view that maps to the instance, every
 *   node maps to an instance and every bound broker pod is on a node of the view and, for
 *   terminate, the group is above its minimum size;
 * - a desired capacity: a balanced level, above the current desired capacity, at most the group's
 *   maximum size;
 * - lowering a desired capacity to give up launches that never got an instance (`nodeless.ts`):
 *   the group still wants `fromDesired`, its instances are still `toDesired` (its min size at
 *   least), and every InService instance is protected from scale-in;
 * - terminating an instance that never became a Node (`nodeless.ts`): still InService, still
 *   without a Node in the view, the pod view complete, every node mapped to an instance and every
 *   bound broker pod on a node of the view, and its group above its minimum size.
 */
import type { ControllerConfig } from './config';
import type { Observed, ObservedInstance } from './model';
import { launchShortfalls } from './nodeless';
import type { Effect } from './operation';
import {
  distinctBrokersOfZone,
  downBrokersWithoutSeries,
  duplicateBrokerPods,
  FEWER_PODS_WAY_OUT,
  kafkaBlocker,
  leavingState,
  staleDataBlocker,
  type Blocker,
} from './safety';

/** A write to check. */
export type GatedWrite =
  | Effect
  | { readonly kind: 'record'; readonly nodeName: string }
  | { readonly kind: 'protect'; readonly groupName: string }
  | { readonly kind: 'set-desired'; readonly groupName: string; readonly desired: number }
  | {
      readonly kind: 'lower-desired';
      readonly groupName: string;
      readonly fromDesired: number;
      readonly toDesired: number;
    }
  | {
      readonly kind: 'terminate-nodeless';
      readonly groupName: string;
      readonly instanceId: string;
    };

/**
 * Broker pods of a zone missing from the view, as a sentence, or undefined when all are there.
 * A zone showing more broker pods than `ZoneConfig.brokers` counts as incomplete too: the
 * configuration is out of date (the pool was scaled by hand, or the spec changed without the
 * controller's ConfigMap), so its count cannot tell whether a pod is missing from the view, and a
 * node whose broker the view misses would look empty. The way out is the configuration matching
 * the pool again (or the pool's extra pods gone). Pods are counted distinct (by name), and a view
 * listing one pod more than once is incomplete too (`duplicateBrokerPods`): one listed twice and
 * another missing would otherwise pass (review s34-a, item 1c).
 */
export function incompletePodView(
  observed: Observed,
  config: ControllerConfig,
): string | undefined {
  const duplicated = duplicateBrokerPods(observed.brokers);
  if (duplicated !== undefined) return duplicated;
  for (const zone of config.zones) {
    // Distinct pods, not entries: one listed twice must not stand in for one missing.
    const present = distinctBrokersOfZone(observed.brokers, zone.zone);
    if (present < zone.brokers) {
      return `the pod view shows ${present} of zone ${zone.zone}'s ${zone.brokers} broker pods; ${FEWER_PODS_WAY_OUT}`;
    }
    if (present > zone.brokers) {
      return `the pod view shows ${present} broker pods in zone ${zone.zone}, more than the ${zone.brokers} configured, so a pod missing from the view cannot be told; make the configuration match the pool`;
    }
  }
  return undefined;
}

function emptyNodeBlocker(
  observed: Observed,
  config: ControllerConfig,
  nodeName: string,
): Blocker | undefined {
  const incomplete = incompletePodView(observed, config);
  if (incomplete !== undefined) return { reason: 'stale-data', detail: incomplete };
  const node = observed.nodes.find(each => each.name === nodeName);
  if (node === undefined) {
    return { reason: 'stale-data', detail: `node ${nodeName} is not in the node view` };
  }
  if (!node.unschedulable) {
    return { reason: 'operation-in-flight', detail: `node ${nodeName} is not cordoned` };
  }
  const aboard = [...observed.brokers, ...(observed.otherBrokerPods ?? [])].filter(
    pod => pod.nodeName === nodeName,
  );
  if (aboard.length > 0) {
    return {
      reason: 'operation-in-flight',
      detail: `node ${nodeName} still hosts ${aboard.map(pod => pod.podName).join(', ')}`,
    };
  }
  const pending = pendingBrokersOfZone(observed, node.zone);
  if (pending.length > 0) {
    return {
      reason: 'operation-in-flight',
      detail: `${pendingClause(pending, node.zone)}, which the scheduler may still bind to node ${nodeName} whatever its cordon (a binding or a volume claim already in flight there); waits until it is bound, and the removal rolls back at its phase deadline if it never is`,
    };
  }
  const unmeasured = downBrokersWithoutSeries(observed);
  if (unmeasured.length > 0) {
    return {
      reason: 'broker-not-ready',
      detail: `broker ${unmeasured.join(', ')} ${unmeasured.length === 1 ? 'is' : 'are'} down without a throughput series, so ${unmeasured.length === 1 ? 'its' : 'their'} share of the demand is not measured and the zone's other nodes cannot be shown to carry it; waits until ${unmeasured.length === 1 ? 'it runs' : 'they run'} again, and the removal rolls back at its phase deadline if not`,
    };
  }
  const pendingOther = pendingOtherBrokerPods(observed);
  if (pendingOther.length > 0) {
    return {
      reason: 'operation-in-flight',
      detail: `${pendingOtherClause(pendingOther)}, so the scheduler may still bind it to node ${nodeName} whatever its cordon`,
    };
  }
  return undefined;
}

/**
 * The pods of the broker selector outside the configured pools (`Observed.otherBrokerPods`) that
 * are not bound to a node (Pending), by name. Their zone cannot be told (the controller knows a
 * pod's zone only from a configured pool's name), so each may be headed for any zone's node: a
 * binding or a claim already in flight lands whatever the cordon. Every zone's unprotect and
 * terminate waits for them (fail safe; review s34-a, item 1a).
 */
export function pendingOtherBrokerPods(observed: Pick<Observed, 'otherBrokerPods'>): string[] {
  return (observed.otherBrokerPods ?? [])
    .filter(pod => pod.nodeName === undefined)
    .map(pod => pod.podName)
    .sort();
}

/**
 * `'broker pod x, of a pool outside the configuration, is Pending (unbound) and its zone cannot be
 * told'` with its ways out, for the gate's and the live read's detail.
 */
export function pendingOtherClause(pending: readonly string[]): string {
  const verb = pending.length === 1 ? 'is' : 'are';
  return `broker pod ${pending.join(', ')}, of a pool outside the configuration, ${verb} Pending (unbound) and ${pending.length === 1 ? 'its zone' : 'their zones'} cannot be told; every zone's unprotect and terminate waits until ${pending.length === 1 ? 'it is' : 'they are'} bound or deleted (or add ${pending.length === 1 ? 'its' : 'their'} pool to the configuration), and the removal rolls back at its phase deadline if not`;
}

/**
 * The broker pods of `zone` not bound to a node (Pending), by name. The cordon keeps new
 * scheduling decisions off a removal's node, but one already taken is bound whatever the cordon:
 * a claim provisioned for that node (`volume.kubernetes.io/selected-node`, WaitForFirstConsumer)
 * or a binding in flight. Neither shows in `spec.nodeName` until it lands, so while a broker of
 * the zone waits unbound its node is not known empty (review s33-c).
 */
export function pendingBrokersOfZone(
  observed: Pick<Observed, 'brokers'>,
  zone: string | undefined,
): string[] {
  return observed.brokers
    .filter(broker => broker.nodeName === undefined && (zone === undefined || broker.zone === zone))
    .map(broker => broker.podName)
    .sort();
}

/** `'broker pod a, b of zone z is Pending (unbound)'`, for the gate's and the live read's detail. */
export function pendingClause(pending: readonly string[], zone: string | undefined): string {
  return `broker pod ${pending.join(', ')}${zone === undefined ? '' : ` of zone ${zone}`} ${pending.length === 1 ? 'is' : 'are'} Pending (unbound)`;
}

/**
 * Why the view cannot say which instance hosts which broker pod, or undefined when it can: every
 * node in the view must map to an instance (`spec.providerID`), and every bound broker pod must be
 * bound to a node in the view (a Kafka node whose label was changed, or a providerID in a format
 * the controller does not parse, would otherwise make its instance look node-less).
 */
export function unmappedBrokerHost(observed: Observed): string | undefined {
  const unmapped = observed.nodes.filter(node => node.instanceId === undefined);
  if (unmapped.length > 0) {
    return `node ${unmapped[0].name} has no instance ID the controller can read from spec.providerID`;
  }
  const known = new Set(observed.nodes.map(node => node.name));
  const stray = observed.brokers.find(
    broker => broker.nodeName !== undefined && !known.has(broker.nodeName),
  );
  if (stray !== undefined) {
    return `broker ${stray.podName} is bound to node ${stray.nodeName}, which is not in the Kafka node view`;
  }
  return undefined;
}

/**
 * Why the broker `podName` must not be rolled now because of where it may land, or undefined: its
 * zone (the pod's, from its pool; never an operation record's) must have a schedulable, Ready node
 * other than the pod's own and without an operation record, or the new pod stays Pending
 * (`no-room-to-move`); and the
 * scheduler may put the new pod on any schedulable, Ready node of its zone, so each must be on an
 * instance its group lists protected from scale-in. A node on an InService instance observed
 * unprotected (`protectedFromScaleIn: false`: just launched, the housekeeping's protect not taken
 * yet, or failing) could receive the broker and then be picked by anything that lowers the
 * group's desired capacity; one on an instance leaving its group (`Terminat*`, a Spot interruption)
 * would take the moved broker down again, and one on an instance being detached (`Detach*`) would
 * carry it outside every group. An instance in another state (`Standby`, `Pending`) is
 * not one a lowered desired capacity picks, and the housekeeping protects it once InService. A
 * source that does not report protection (`undefined`) is not judged, as in `releaseNode`. A node
 * whose `spec.providerID` names no instance, or whose instance no observed group lists (detached
 * by an operator, which leaves its Node Ready and schedulable, or not listed by the Describe),
 * holds the roll too (`no-room-to-move`, review s26-a): its protection is unknown and cannot be
 * set, the zone does not count it, and whoever detached it usually terminates it next. The
 * housekeeping protects a listed, unprotected instance at the next pass; an unlisted one waits
 * for an operator (reattach it, or cordon the node), which the detail names.
 */
export function landingBlocker(observed: Observed, podName: string): Blocker | undefined {
  const pod = observed.brokers.find(broker => broker.podName === podName);
  if (pod === undefined) return undefined;
  const zone = pod.zone;
  // Room, judged from the view alone: the zone of the pod (its pool), not the zone an operation
  // record names (a record edited to another zone would otherwise send the broker where it cannot
  // start, and leave it Pending).
  const room = observed.nodes.some(
    node =>
      node.zone === zone &&
      node.name !== pod.nodeName &&
      node.ready &&
      !node.unschedulable &&
      node.operation === undefined,
  );
  if (!room) {
    return {
      reason: 'no-room-to-move',
      detail: `broker ${podName} has no other schedulable Ready node in its zone ${zone} to land on; uncordon or add a node there`,
    };
  }
  // Every listing of each instance: one Describe pages through the groups, so an instance detached
  // from one group and attached to another between two pages is listed twice; the worse decides.
  const instances = new Map<string, ObservedInstance[]>();
  for (const group of observed.groups) {
    for (const instance of group.instances) {
      instances.set(instance.instanceId, [...(instances.get(instance.instanceId) ?? []), instance]);
    }
  }
  const unlisted = unlistedLandingNode(observed, zone);
  if (unlisted !== undefined) {
    return { reason: 'no-room-to-move', detail: `broker ${podName} may land on ${unlisted}` };
  }
  for (const node of observed.nodes) {
    if (node.zone !== zone || !node.ready || node.unschedulable) continue;
    const listings = instances.get(node.instanceId ?? '') ?? [];
    for (const instance of listings) {
      const blocked = listingBlocker(podName, node.name, instance);
      if (blocked !== undefined) return blocked;
    }
  }
  return undefined;
}

/**
 * A schedulable, Ready Kafka node of `zone` that a moved broker could land on but whose scale-in
 * protection cannot be known, as a clause (`'node <name>, whose ...; <way out>'`), or undefined
 * when there is none: its `spec.providerID` names no instance, or no observed group lists its
 * instance (detached by an operator, which leaves the Node Ready and schedulable, or not listed
 * by the Describe yet). The roll gate (`landingBlocker`) fails closed on it (review s26-a fault
 * 1), and `decide` starts no re-spread or removal in such a zone (fault 3): one started could only
 * wait for its roll, hit its phase deadline and roll back, again and again until the rollback loop
 * breaker. Unlike the other landing checks this one does not clear by itself unless the Describe
 * was only late: the clause names what an operator does.
 */
export function unlistedLandingNode(observed: Observed, zone: string): string | undefined {
  const listed = new Set<string>();
  for (const group of observed.groups) {
    for (const instance of group.instances) listed.add(instance.instanceId);
  }
  const node = observed.nodes.find(
    each =>
      each.zone === zone &&
      each.ready &&
      !each.unschedulable &&
      (each.instanceId === undefined || !listed.has(each.instanceId)),
  );
  if (node === undefined) return undefined;
  if (node.instanceId === undefined) {
    return `node ${node.name}, whose spec.providerID names no instance the controller can read; cordon the node or fix its providerID`;
  }
  const unlisted = `node ${node.name}, whose instance ${node.instanceId} is in no observed Auto Scaling group (detached, terminated with its Node not yet NotReady, or not listed yet), so its scale-in protection is unknown`;
  const aboard = podsBoundTo(observed, node.name);
  return aboard.length === 0
    ? `${unlisted}; reattach the instance, or cordon the node (terminate the instance and delete the Node if it is not wanted)`
    : `${unlisted}; it hosts ${aboard.join(', ')}: reattach the instance, or cordon the node and move those pods off it (do not remove the instance while they run there)`;
}

/**
 * The pods of the broker selector bound to `nodeName` (`spec.nodeName`, whatever their phase),
 * configured pools and others, by name. A way out that an operator follows by removing a node's
 * instance names them instead (review s26-b): advice to terminate an instance with brokers aboard
 * is the outside finding's fault done by hand.
 */
export function podsBoundTo(observed: Observed, nodeName: string): string[] {
  return [...observed.brokers, ...(observed.otherBrokerPods ?? [])]
    .filter(pod => pod.nodeName === nodeName)
    .map(pod => pod.podName)
    .sort();
}

/** Why a broker must not land on `nodeName` by this listing of its instance, or undefined. */
function listingBlocker(
  podName: string,
  nodeName: string,
  instance: ObservedInstance,
): Blocker | undefined {
  if (leavingState(instance.lifecycleState)) {
    return {
      reason: 'no-room-to-move',
      detail: `broker ${podName} may land on node ${nodeName}, whose instance ${instance.instanceId} is ${instance.lifecycleState}`,
    };
  }
  if (instance.lifecycleState === 'InService' && instance.protectedFromScaleIn === false) {
    return {
      reason: 'no-room-to-move',
      detail: `broker ${podName} may land on node ${nodeName}, whose instance ${instance.instanceId} is not protected from scale-in yet`,
    };
  }
  return undefined;
}

/** The node named, when it is the one node of the view that maps to the instance. */
function instanceNodeBlocker(
  observed: Observed,
  write: { readonly instanceId: string; readonly nodeName: string },
): Blocker | undefined {
  if (write.instanceId === '') {
    return { reason: 'stale-data', detail: `the record on ${write.nodeName} names no instance` };
  }
  const unmapped = unmappedBrokerHost(observed);
  if (unmapped !== undefined) return { reason: 'stale-data', detail: unmapped };
  const hosts = observed.nodes.filter(node => node.instanceId === write.instanceId);
  if (hosts.length !== 1 || hosts[0].name !== write.nodeName) {
    return {
      reason: 'stale-data',
      detail: `instance ${write.instanceId} maps to ${hosts.length === 0 ? 'no node' : hosts.map(node => node.name).join(', ')}, not to node ${write.nodeName}`,
    };
  }
  return undefined;
}

/** The reason this write must not go out now, or undefined when it may. */
export function writeBlocker(
  observed: Observed,
  config: ControllerConfig,
  write: GatedWrite,
): Blocker | undefined {
  const stale = staleDataBlocker(observed, config);
  if (stale !== undefined) return stale;
  switch (write.kind) {
    case 'request-roll':
      return (
        kafkaBlocker(observed, config, write.podName) ?? landingBlocker(observed, write.podName)
      );
    case 'unprotect-instance':
      return (
        emptyNodeBlocker(observed, config, write.nodeName) ?? instanceNodeBlocker(observed, write)
      );
    case 'terminate-instance': {
      const empty =
        emptyNodeBlocker(observed, config, write.nodeName) ?? instanceNodeBlocker(observed, write);
      if (empty !== undefined) return empty;
      const group = observed.groups.find(each => each.groupName === write.groupName);
      if (group === undefined) {
        return { reason: 'stale-data', detail: `group ${write.groupName} is not in the view` };
      }
      if (group.desired <= group.min) {
        return {
          reason: 'group-at-min-size',
          detail: `group ${group.groupName} is at its min size ${group.min}`,
        };
      }
      return undefined;
    }
    case 'set-desired': {
      const group = observed.groups.find(each => each.groupName === write.groupName);
      if (group === undefined) {
        return { reason: 'stale-data', detail: `group ${write.groupName} is not in the view` };
      }
      if (!config.balancedNodeCounts.includes(write.desired)) {
        return {
          reason: 'zone-cannot-grow',
          detail: `${write.desired} is not a balanced level (${config.balancedNodeCounts.join('/')})`,
        };
      }
      if (write.desired > group.max) {
        return {
          reason: 'group-at-max-size',
          detail: `${write.desired} is above group ${group.groupName}'s max size ${group.max}`,
        };
      }
      if (write.desired <= group.desired) {
        return {
          reason: 'at-target',
          detail: `group ${group.groupName} already wants ${group.desired}`,
        };
      }
      return undefined;
    }
    case 'lower-desired': {
      const group = observed.groups.find(each => each.groupName === write.groupName);
      if (group === undefined) {
        return { reason: 'stale-data', detail: `group ${write.groupName} is not in the view` };
      }
      const shortfall = launchShortfalls(observed).get(write.groupName);
      if (
        group.desired !== write.fromDesired ||
        shortfall === undefined ||
        shortfall.toDesired !== write.toDesired
      ) {
        return {
          reason: 'stale-data',
          detail: `group ${group.groupName} wants ${group.desired} with ${shortfall?.instances ?? group.desired} instances, not ${write.fromDesired} with ${write.toDesired}`,
        };
      }
      const unprotected = group.instances.find(
        instance =>
          instance.lifecycleState === 'InService' && instance.protectedFromScaleIn === false,
      );
      if (unprotected !== undefined) {
        return {
          reason: 'waiting-for-nodes',
          detail: `instance ${unprotected.instanceId} of ${group.groupName} is not protected from scale-in yet`,
        };
      }
      return undefined;
    }
    case 'terminate-nodeless': {
      const group = observed.groups.find(each => each.groupName === write.groupName);
      const instance = group?.instances.find(each => each.instanceId === write.instanceId);
      if (group === undefined || instance?.lifecycleState !== 'InService') {
        return { reason: 'stale-data', detail: `instance ${write.instanceId} is not InService` };
      }
      const node = observed.nodes.find(each => each.instanceId === write.instanceId);
      if (node !== undefined) {
        return {
          reason: 'at-target',
          detail: `instance ${write.instanceId} has node ${node.name}`,
        };
      }
      // "No Node" is only known when every broker pod is accounted for on a mapped node.
      const incomplete = incompletePodView(observed, config);
      if (incomplete !== undefined) return { reason: 'stale-data', detail: incomplete };
      const unmapped = unmappedBrokerHost(observed);
      if (unmapped !== undefined) return { reason: 'stale-data', detail: unmapped };
      if (group.desired <= group.min) {
        return {
          reason: 'group-at-min-size',
          detail: `group ${group.groupName} is at its min size ${group.min}`,
        };
      }
      return undefined;
    }
    case 'cordon':
    case 'uncordon':
    case 'record':
    case 'protect':
    case 'protect-instance':
      return undefined;
  }
}
