/**
 * The conditions under which the controller must not act. `decide` holds on the first one found;
 * the write gate (`gate.ts`) applies the same checks to every write, whether it starts an action
 * or steps an operation.
 */
import type { ControllerConfig } from './config';
import type { DecisionReason, Observed, ObservedBroker } from './model';

/** A reason to hold, with a sentence for logs. */
export interface Blocker {
  readonly reason: DecisionReason;
  readonly detail: string;
}

/**
 * The way out of a zone showing fewer broker pods than configured: a pod missing from the view or
 * deleted comes back by itself (the watch catching up, Strimzi recreating it); a pool whose
 * replicas a user lowered, or a pool removed, never does, and the hold would last for ever with a
 * way out that cannot happen (review s34-a, fault 3): the configuration must match the pool.
 */
export const FEWER_PODS_WAY_OUT =
  "waits for the missing pod to show (the watch catching up, or Strimzi recreating a deleted pod); if the KafkaNodePool's replicas were lowered or the pool removed, make the configuration's brokers per zone match the pools";

/** Data missing or older than `staleAfterSeconds`. */
export function staleDataBlocker(
  observed: Observed,
  config: ControllerConfig,
): Blocker | undefined {
  const limitMs = config.staleAfterSeconds * 1000;
  const sources: Array<[string, number | undefined]> = [
    ['kubernetes', observed.freshness.kubernetesAtMs],
    ['prometheus', observed.freshness.prometheusAtMs],
    ['autoscaling', observed.freshness.autoscalingAtMs],
  ];
  for (const [source, atMs] of sources) {
    if (atMs === undefined) {
      // The read's own error names what is wrong and its fix; without it, "no data yet" would
      // be the only reason shown (review s35-a, fault 5).
      const error = readError(observed, source);
      return {
        reason: 'stale-data',
        detail: `no data yet from ${source}${error === undefined ? '' : `: its read failed: ${error}`}`,
      };
    }
    // A time that is not a finite number fails every comparison below, so it would pass as fresh
    // (review s35-a, fault 2): its age is unknown, which is stale.
    if (!Number.isFinite(atMs)) {
      return {
        reason: 'stale-data',
        detail: `${source} data carries no usable time (${String(atMs)}); waits for an answer with one`,
      };
    }
    const ageMs = observed.nowMs - atMs;
    if (ageMs > limitMs) {
      return { reason: 'stale-data', detail: `${source} data is ${Math.round(ageMs / 1000)}s old` };
    }
    // Data stamped further ahead than the limit: the clock went backwards (or two clocks
    // disagree), and its age, hence its freshness, is unknown.
    if (-ageMs > limitMs) {
      return {
        reason: 'stale-data',
        detail: `${source} data is stamped ${Math.round(-ageMs / 1000)}s in the future; clocks disagree`,
      };
    }
  }
  if (observed.unseenOwnWrite !== undefined) {
    return {
      reason: 'stale-data',
      detail: `the Kubernetes view does not show ${observed.unseenOwnWrite} yet`,
    };
  }
  if (observed.loads === undefined) return { reason: 'stale-data', detail: 'no broker load' };
  const uncovered = brokersWithoutSeries(observed);
  if (uncovered.length > 0) {
    return {
      reason: 'stale-data',
      detail: `no throughput series for ${uncovered.length} of ${observed.brokers.length} broker pods: ${uncovered.join(', ')}`,
    };
  }
  if (observed.kafkaReady === undefined) {
    const error = readError(observed, 'kafka');
    return {
      reason: 'stale-data',
      detail:
        error === undefined
          ? 'Kafka resource not found'
          : `Kafka resource could not be read: ${error}`,
    };
  }
  if (
    observed.underReplicatedPartitions === undefined ||
    !isUsableSample(observed.underReplicatedPartitions)
  ) {
    return { reason: 'stale-data', detail: 'under-replicated partition count unknown' };
  }
  if (
    observed.underMinIsrPartitions === undefined ||
    !isUsableSample(observed.underMinIsrPartitions)
  ) {
    return { reason: 'stale-data', detail: 'under-min-ISR partition count unknown' };
  }
  const noHealthSeries = brokersWithoutHealthSeries(observed, config);
  if (noHealthSeries.length > 0) {
    return {
      reason: 'stale-data',
      detail: `no fresh partition-health series for ${noHealthSeries.length} of ${observed.brokers.length} broker pods, so the partition counts may be partial: ${noHealthSeries.join(', ')}`,
    };
  }
  for (const zone of config.zones) {
    if (!observed.groups.some(group => group.zone === zone.zone)) {
      // A missing group does not come back with time: name what the operator fixes (review
      // s32-g fault 4; the stale-data way out alone named a data source answering again).
      return {
        reason: 'stale-data',
        detail: `no Auto Scaling group found for zone ${zone.zone}: none carries the tag eks:nodegroup-name=${zone.nodegroupName}${config.eksClusterName === undefined ? '' : ` and eks:cluster-name=${config.eksClusterName}`} (the nodegroup deleted, renamed or not created yet); create the nodegroup, or name the zone's nodegroup in the configuration`,
      };
    }
  }
  return undefined;
}

/** The message of the failed read of `source` this pass (`Freshness.readErrors`), if any. */
function readError(observed: Observed, source: string): string | undefined {
  const errors: Readonly<Record<string, string | undefined>> = observed.freshness.readErrors ?? {};
  return errors[source];
}

/** A usable sample value: finite and not negative (NaN, Inf and negative values are missing). */
export function isUsableSample(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}

/**
 * Running broker pods (Ready, bound, not terminating) in the view without a usable receive and
 * transmit series, sorted. Missing series are missing data, never zero demand.
 *
 * A broker that is down (Pending, not Ready, terminating) has no metrics endpoint, so its series
 * ends once the rate window passes: demanding it held every write, the exits included, for as long
 * as the broker stayed down, and a broker that could only come back through one of those writes
 * (a removal's node it could run on, cordoned; a scale-out) kept the controller frozen for good
 * (review s34-a, fault 1). Such a broker holds moves and new operations already (`kafkaBlocker`,
 * `broker-not-ready`), and its unmeasured share holds a removal's unprotect and terminate
 * (`downBrokersWithoutSeries`, in the gate); the exits, the housekeeping and scale-out go on.
 */
export function brokersWithoutSeries(observed: Observed): string[] {
  const covered = seriesCovered(observed);
  return observed.brokers
    .filter(broker => broker.ready && !broker.terminating && broker.nodeName !== undefined)
    .map(broker => broker.podName)
    .filter(name => !covered.has(name))
    .sort();
}

/**
 * Broker pods that are down (not Ready, unbound or terminating) and have no usable throughput
 * series, sorted: their share of the zone's demand is not measured, so no removal may count on the
 * zone's other nodes carrying it (the gate holds a removal's unprotect and terminate while any is
 * listed; review s34-a, fault 1).
 */
export function downBrokersWithoutSeries(observed: Observed): string[] {
  const covered = seriesCovered(observed);
  return observed.brokers
    .filter(broker => !broker.ready || broker.terminating || broker.nodeName === undefined)
    .map(broker => broker.podName)
    .filter(name => !covered.has(name))
    .sort();
}

function seriesCovered(observed: Observed): Set<string> {
  return new Set(
    (observed.loads ?? [])
      .filter(load => isUsableSample(load.receiveMiBps) && isUsableSample(load.transmitMiBps))
      .map(load => load.podName),
  );
}

/**
 * Ready broker pods without a fresh partition-health sample (`observed.healthSampledAtMs`), sorted:
 * no sample, an unusable time, or one older than `staleAfterSeconds` (or further ahead than it).
 * The partition counts are cluster-wide sums, so such a broker's share is unknown and a sum of 0
 * may hide under-replicated partitions. Only Ready, bound, not terminating pods must report: a
 * broker that is not running has no metrics endpoint, and `kafkaBlocker` already holds every move
 * while one is not Ready.
 */
export function brokersWithoutHealthSeries(observed: Observed, config: ControllerConfig): string[] {
  const limitMs = config.staleAfterSeconds * 1000;
  const times = observed.healthSampledAtMs ?? {};
  return observed.brokers
    .filter(broker => broker.ready && !broker.terminating && broker.nodeName !== undefined)
    .map(broker => broker.podName)
    .filter(name => {
      const atMs = times[name];
      return (
        atMs === undefined || !isUsableSample(atMs) || Math.abs(observed.nowMs - atMs) > limitMs
      );
    })
    .sort();
}

/**
 * The time the partition counts are known to have been sampled at or after, epoch ms: the older of
 * the Prometheus data's time (`Freshness.prometheusAtMs`) and the partition-health sample of every
 * Ready, bound, not terminating broker pod (`observed.healthSampledAtMs`, the brokers whose share
 * the cluster-wide sums must include, as `brokersWithoutHealthSeries` judges them). Undefined when
 * either is unknown (no Prometheus data, or such a pod without a usable sample time).
 *
 * The Prometheus data's time alone is not enough: without `healthSampleTimestamp` configured it is
 * the instant queries' evaluation time (the query ran now; the gauges behind it were scraped up to
 * a scrape interval, or `staleAfterSeconds`, earlier), so a count of 0 scraped before a broker
 * became Ready would pass for one taken after it (review s26-d). Every check that needs partition
 * health "sampled after the broker became Ready" (`kafkaBlocker`, a move's end in `operation.ts`)
 * reads this. Pure.
 */
export function partitionHealthSampledAtMs(observed: Observed): number | undefined {
  const dataAtMs = observed.freshness.prometheusAtMs;
  if (dataAtMs === undefined || !Number.isFinite(dataAtMs)) return undefined;
  const times = observed.healthSampledAtMs ?? {};
  let oldestMs = dataAtMs;
  for (const broker of observed.brokers) {
    if (!broker.ready || broker.terminating || broker.nodeName === undefined) continue;
    const atMs = times[broker.podName];
    if (atMs === undefined || !isUsableSample(atMs)) return undefined;
    oldestMs = Math.min(oldestMs, atMs);
  }
  return oldestMs;
}

/**
 * Kafka health: the resource, partitions, broker pods and rolls. `exceptPod` leaves one broker
 * out of the pod checks (the pod a retried move asks to roll again: its own roll is the move).
 */
export function kafkaBlocker(
  observed: Observed,
  config: ControllerConfig,
  exceptPod?: string,
): Blocker | undefined {
  if (observed.kafkaReady !== true) {
    return {
      reason: 'kafka-not-ready',
      detail:
        observed.kafkaNotReadyBecause === undefined
          ? `Kafka ${config.clusterName} is not Ready`
          : `Kafka ${config.clusterName} does not count as Ready: ${observed.kafkaNotReadyBecause}`,
    };
  }
  if ((observed.underReplicatedPartitions ?? 1) > 0) {
    return {
      reason: 'under-replicated',
      detail: `${observed.underReplicatedPartitions} under-replicated partitions`,
    };
  }
  if ((observed.underMinIsrPartitions ?? 1) > 0) {
    return {
      reason: 'under-min-isr',
      detail: `${observed.underMinIsrPartitions} partitions under min ISR`,
    };
  }
  const duplicated = duplicateBrokerPods(observed.brokers);
  if (duplicated !== undefined) return { reason: 'stale-data', detail: duplicated };
  for (const zone of config.zones) {
    const present = distinctBrokersOfZone(observed.brokers, zone.zone);
    if (present < zone.brokers) {
      return {
        reason: 'broker-not-ready',
        detail: `zone ${zone.zone} has ${present} of ${zone.brokers} broker pods; ${FEWER_PODS_WAY_OUT}`,
      };
    }
  }
  const others = observed.brokers.filter(broker => broker.podName !== exceptPod);
  for (const broker of others) {
    if (broker.rollRequested || broker.terminating) {
      return { reason: 'roll-in-flight', detail: `broker ${broker.podName} is being rolled` };
    }
  }
  for (const broker of others) {
    if (!broker.ready || broker.nodeName === undefined) {
      return { reason: 'broker-not-ready', detail: `broker ${broker.podName} is not Ready` };
    }
  }
  // A broker bound to a node outside the Kafka node view: the node list is partial (a node whose
  // label changed, or a list that missed it), and that node may carry an operation record this
  // view cannot see, so no move or new operation starts on it.
  const known = new Set(observed.nodes.map(node => node.name));
  const stray = observed.brokers.find(
    broker => broker.nodeName !== undefined && !known.has(broker.nodeName),
  );
  if (stray !== undefined) {
    return {
      reason: 'stale-data',
      detail: `broker ${stray.podName} is bound to node ${stray.nodeName}, which is not in the Kafka node view (its label changed?); a record on it would be unseen`,
    };
  }
  const goingDown = hostsGoingDown(observed);
  for (const broker of others) {
    const leaving = goingDown(broker.nodeName);
    if (leaving !== undefined) {
      return {
        reason: 'broker-not-ready',
        detail: `broker ${broker.podName} is about to go down: ${leaving}`,
      };
    }
  }
  // Partition health must be measured after the last broker became Ready: an older sample says
  // nothing about the replicas that broker is still catching up on. A Ready broker whose Ready
  // time is unknown may have become Ready just now: missing is not "long ago".
  const unknownSince = brokersReadySinceUnknown(observed);
  if (unknownSince.length > 0) {
    return {
      reason: 'stale-data',
      detail: `broker ${unknownSince.join(', ')} is Ready but its Ready condition has no readable lastTransitionTime, so no partition-health sample can be shown to postdate it`,
    };
  }
  const lastReadyMs = Math.max(
    0,
    ...observed.brokers.map(broker =>
      readySinceKnown(broker.readySinceMs) ? broker.readySinceMs : 0,
    ),
  );
  const healthAtMs = partitionHealthSampledAtMs(observed);
  if (healthAtMs === undefined || healthAtMs <= lastReadyMs) {
    return {
      reason: 'stale-data',
      detail: 'partition health was last sampled before the latest broker became Ready',
    };
  }
  return undefined;
}

/**
 * Ready broker pods whose Ready time (`ObservedBroker.readySinceMs`, the Ready condition's
 * `lastTransitionTime`) is missing or not a finite number, sorted. Such a pod may have become
 * Ready a moment ago, so no partition-health sample can be shown to be newer: every check that
 * needs health "sampled after the broker became Ready" holds on it (`kafkaBlocker`, a move's end
 * in `operation.ts`) rather than read the missing time as long ago.
 */
export function brokersReadySinceUnknown(observed: Observed): string[] {
  return observed.brokers
    .filter(broker => broker.ready && !readySinceKnown(broker.readySinceMs))
    .map(broker => broker.podName)
    .sort();
}

/**
 * How many distinct broker pods of `zone` the list holds: each pod counted once, by name (every
 * broker pod lives in the one `kafkaNamespace`, so the name is the namespace/name key an informer
 * cache keys by). A list that shows one pod twice and misses another must not count as complete
 * (review s34-a, item 1c). Pure.
 */
export function distinctBrokersOfZone(
  brokers: readonly Pick<ObservedBroker, 'podName' | 'zone'>[],
  zone: string,
): number {
  return new Set(brokers.filter(broker => broker.zone === zone).map(broker => broker.podName)).size;
}

/**
 * A sentence naming a broker pod the list shows more than once (the same name twice, or the same
 * UID under two names), or undefined when every entry is a distinct pod. A consistent list (an
 * informer cache, a LIST) never does that; one that does was assembled from pages that overlap,
 * so it may miss a pod too: whatever counts it cannot call a node empty or every broker present
 * (review s34-a, item 1c). The way out is the next consistent list (a relist), which the
 * controller waits for. Pure.
 */
export function duplicateBrokerPods(
  brokers: readonly Pick<ObservedBroker, 'podName' | 'uid'>[],
): string | undefined {
  const names = new Set<string>();
  const uids = new Map<string, string>();
  for (const broker of brokers) {
    if (names.has(broker.podName)) {
      return `the pod view lists broker pod ${broker.podName} more than once, so it may miss another; waits for a consistent list`;
    }
    names.add(broker.podName);
    const named = uids.get(broker.uid);
    if (named !== undefined) {
      return `the pod view lists pod UID ${broker.uid} under two names (${named}, ${broker.podName}), so it may miss another; waits for a consistent list`;
    }
    uids.set(broker.uid, broker.podName);
  }
  return undefined;
}

/**
 * Whether an Auto Scaling lifecycle state is one of an instance on its way out of its group:
 * `Terminating`, `Terminating:Wait`, `Terminating:Proceed`, `Terminated` (the machine stops), or
 * `Detaching`, `Detached` (someone detaches it: it keeps running, outside the group). A node on
 * such an instance is no place for a broker, and no longer this controller's to release.
 */
export function leavingState(lifecycleState: string): boolean {
  return lifecycleState.startsWith('Terminat') || lifecycleState.startsWith('Detach');
}

/** A usable Ready time, epoch ms: present and finite. */
export function readySinceKnown(readySinceMs: number | undefined): readySinceMs is number {
  return readySinceMs !== undefined && Number.isFinite(readySinceMs);
}

/**
 * Why the node a broker runs on is about to take it down, or undefined: the Node is not Ready
 * (the pod's own Ready condition lags the node's by the node controller's grace period, 40 s by
 * default), or its instance is leaving its Auto Scaling group (`lifecycleState` `Terminating`,
 * `Terminating:Wait`, `Terminating:Proceed` or `Terminated`: a failed health check, a Spot
 * interruption, a rebalance or someone's terminate; the pods die when the machine stops, which
 * the pod view shows only later). Such a broker counts as down, so no move starts beside it: the
 * move would take a second broker down. Unknown nodes and instances are not judged here (the write
 * gate judges an incomplete view).
 */
export function hostGoingDown(
  observed: Observed,
  nodeName: string | undefined,
): string | undefined {
  return hostsGoingDown(observed)(nodeName);
}

/**
 * `hostGoingDown` for many nodes of one observation: indexes the nodes and the instances once
 * (linear in nodes + instances), then answers each node in constant time. The first group that
 * lists an instance as leaving decides, as in `hostGoingDown`.
 */
function hostsGoingDown(observed: Observed): (nodeName: string | undefined) => string | undefined {
  const nodes = new Map(observed.nodes.map(node => [node.name, node] as const));
  const leaving = new Map<string, string>();
  for (const group of observed.groups) {
    for (const instance of group.instances) {
      if (!leaving.has(instance.instanceId) && instance.lifecycleState.startsWith('Terminat')) {
        leaving.set(instance.instanceId, instance.lifecycleState);
      }
    }
  }
  return nodeName => {
    if (nodeName === undefined) return undefined;
    const node = nodes.get(nodeName);
    if (node === undefined) return undefined;
    if (!node.ready) return `node ${nodeName} is not Ready`;
    if (node.instanceId === undefined) return undefined;
    const state = leaving.get(node.instanceId);
    return state === undefined
      ? undefined
      : `instance ${node.instanceId} of node ${nodeName} is ${state}`;
  };
}

/** The first reason not to act, or undefined when everything is safe. */
export function firstBlocker(observed: Observed, config: ControllerConfig): Blocker | undefined {
  return staleDataBlocker(observed, config) ?? kafkaBlocker(observed, config);
}
