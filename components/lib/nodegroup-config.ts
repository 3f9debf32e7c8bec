/** Sizes, labels and taints of the managed nodegroups, from the spec and its derived plan. */
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT_KEY, type PlatformPlan } from '../../spec/derive';
import type { PlatformSpec } from '../../spec/schema';

export interface ScalingBounds {
  readonly minSize: number;
  readonly maxSize: number;
  /** Size at creation only; afterwards the controller, the policies or the autoscaler own it. */
  readonly desiredSize: number;
}

/** Root volume of every node, GiB: images and logs only (broker data is on its own volumes). */
export const ROOT_VOLUME_GI = 50;

/** The Kafka nodegroups' bounds: start at the lowest balanced level, so brokers spread evenly. */
export function kafkaScaling(spec: PlatformSpec, plan: PlatformPlan): ScalingBounds {
  return {
    minSize: plan.minNodesPerZone,
    maxSize: plan.maxNodesPerZone,
    desiredSize: plan.balancedNodeCounts[0] ?? spec.nodes.kafka.minPerZone,
  };
}

/** The system nodegroup's bounds. */
export function systemScaling(spec: PlatformSpec): ScalingBounds {
  return {
    minSize: spec.nodes.system.min,
    maxSize: spec.nodes.system.max,
    desiredSize: spec.nodes.system.min,
  };
}

/** Labels of the Kafka nodes; the node pools select them. */
export function kafkaNodeLabels(plan: PlatformPlan): Record<string, string> {
  return { [KAFKA_NODE_LABEL]: plan.kafkaNodeLabelValue };
}

/** Taint that keeps everything but Kafka (and daemonsets that tolerate it) off the Kafka nodes. */
export function kafkaNodeTaint(plan: PlatformPlan): {
  key: string;
  value: string;
  effect: 'NO_SCHEDULE';
} {
  return { key: KAFKA_NODE_TAINT_KEY, value: plan.kafkaNodeLabelValue, effect: 'NO_SCHEDULE' };
}

/** Nodegroup property Pulumi must never reset: whoever scales owns the desired size. */
export const IGNORED_NODEGROUP_CHANGES = ['scalingConfig.desiredSize'] as const;
