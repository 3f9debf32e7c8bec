/**
 * Targets of the `target-tracking` mode's policies, derived from the spec: the baseline recipe
 * tracks each Kafka group's average network in, network out and CPU.
 */
import type { PlatformPlan } from '../../spec/derive';
import type { PlatformSpec } from '../../spec/schema';

/** Predefined Auto Scaling metrics the policies track. */
export type TrackedMetric =
  'ASGAverageNetworkIn' | 'ASGAverageNetworkOut' | 'ASGAverageCPUUtilization';

export interface TargetTrackingTarget {
  /** Stable short name, used in resource names: `network-in`, `network-out`, `cpu`. */
  readonly id: string;
  readonly metric: TrackedMetric;
  /** Bytes per metric period for network metrics, percent for CPU. */
  readonly targetValue: number;
}

/**
 * EC2 reports NetworkIn/NetworkOut as bytes per period; the Kafka launch template turns on
 * detailed monitoring, so the period is one minute.
 */
export const METRIC_PERIOD_SECONDS = 60;
/** Seconds a new Kafka node needs before its metrics count (boot, join, broker moved in). */
export const KAFKA_INSTANCE_WARMUP_SECONDS = 600;

/** Bytes one node moves per metric period at `utilization` of its baseline bandwidth. */
export function networkTargetBytes(
  baselineMiBps: number,
  utilization: number,
  periodSeconds: number = METRIC_PERIOD_SECONDS,
): number {
  return Math.round(baselineMiBps * 1048576 * utilization * periodSeconds);
}

/** The three targets for every Kafka group. */
export function targetTrackingTargets(
  spec: PlatformSpec,
  plan: PlatformPlan,
): TargetTrackingTarget[] {
  const bytes = networkTargetBytes(
    plan.nodeCapacity.baselineMiBps,
    spec.autoscaling.targetUtilization,
  );
  return [
    { id: 'network-in', metric: 'ASGAverageNetworkIn', targetValue: bytes },
    { id: 'network-out', metric: 'ASGAverageNetworkOut', targetValue: bytes },
    {
      id: 'cpu',
      metric: 'ASGAverageCPUUtilization',
      targetValue: spec.autoscaling.cpuTargetPercent,
    },
  ];
}
