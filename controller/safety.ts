/**
 * The conditions under which the controller must not act. `decide` holds on the first one found;
 * the state machine checks the same list before it asks Strimzi to move a broker.
 */
import type { ControllerConfig } from './config';
import type { DecisionReason, Observed } from './model';

/** A reason to hold, with a sentence for logs. */
export interface Blocker {
  readonly reason: DecisionReason;
  readonly detail: string;
}

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
    if (atMs === undefined) return { reason: 'stale-data', detail: `no data yet from ${source}` };
    const ageMs = observed.nowMs - atMs;
    if (ageMs > limitMs) {
      return { reason: 'stale-data', detail: `${source} data is ${Math.round(ageMs / 1000)}s old` };
    }
  }
  if (observed.loads === undefined) return { reason: 'stale-data', detail: 'no broker load' };
  if (observed.kafkaReady === undefined) {
    return { reason: 'stale-data', detail: 'Kafka resource not found' };
  }
  if (observed.underReplicatedPartitions === undefined) {
    return { reason: 'stale-data', detail: 'under-replicated partition count unknown' };
  }
  if (observed.underMinIsrPartitions === undefined) {
    return { reason: 'stale-data', detail: 'under-min-ISR partition count unknown' };
  }
  for (const zone of config.zones) {
    if (!observed.groups.some(group => group.zone === zone.zone)) {
      return { reason: 'stale-data', detail: `no Auto Scaling group found for zone ${zone.zone}` };
    }
  }
  return undefined;
}

/** Kafka health: the resource, partitions, broker pods and rolls. */
export function kafkaBlocker(observed: Observed, config: ControllerConfig): Blocker | undefined {
  if (observed.kafkaReady !== true) {
    return { reason: 'kafka-not-ready', detail: `Kafka ${config.clusterName} is not Ready` };
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
  for (const zone of config.zones) {
    const present = observed.brokers.filter(broker => broker.zone === zone.zone).length;
    if (present < zone.brokers) {
      return {
        reason: 'broker-not-ready',
        detail: `zone ${zone.zone} has ${present} of ${zone.brokers} broker pods`,
      };
    }
  }
  for (const broker of observed.brokers) {
    if (broker.rollRequested || broker.terminating) {
      return { reason: 'roll-in-flight', detail: `broker ${broker.podName} is being rolled` };
    }
  }
  for (const broker of observed.brokers) {
    if (!broker.ready || broker.nodeName === undefined) {
      return { reason: 'broker-not-ready', detail: `broker ${broker.podName} is not Ready` };
    }
  }
  return undefined;
}

/** The first reason not to act, or undefined when everything is safe. */
export function firstBlocker(observed: Observed, config: ControllerConfig): Blocker | undefined {
  return staleDataBlocker(observed, config) ?? kafkaBlocker(observed, config);
}
