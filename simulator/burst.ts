/**
 * EC2 network burst: instances of size 4xlarge and smaller are documented with an "up to" bandwidth
 * above their baseline and spend network I/O credits to run above the baseline "for a limited time,
 * typically from 5 to 60 minutes, depending on the instance size"; an instance starts with the most
 * credits, earns them while below its baseline and falls back to the baseline when they run out
 * (AWS EC2 User Guide, "Amazon EC2 instance network bandwidth").
 *
 * AWS does not publish the size of the credit bucket or the rate at which credits are earned. The
 * model here: a bucket of `burstSeconds` at the full "up to" rate (default 300 s, the low end of
 * AWS's range, so the model errs towards throttling), spent at (load - baseline) while above the
 * baseline and earned at (baseline - load) while below it.
 */
import { gbpsToMiBps } from '../spec/instance-types';

/**
 * The "up to" bandwidth of the instance types with built-in facts, Gbit/s. Types of 8xlarge and
 * larger have no burst (their figure is their baseline). Source: the EC2 instance type pages
 * (general purpose, compute and memory optimized), "Network bandwidth (Gbps)" column.
 */
const BURST_GBPS: Readonly<Record<string, number>> = {
  'm5.large': 10,
  'm5.xlarge': 10,
  'm5.2xlarge': 10,
  'm5.4xlarge': 10,
  'm6i.large': 12.5,
  'm6i.xlarge': 12.5,
  'm6i.2xlarge': 12.5,
  'm6i.4xlarge': 12.5,
  'm7i.large': 12.5,
  'm7i.xlarge': 12.5,
  'm7i.2xlarge': 12.5,
  'm7i.4xlarge': 12.5,
  'r6i.large': 12.5,
  'r6i.xlarge': 12.5,
  'r6i.2xlarge': 12.5,
  'r6i.4xlarge': 12.5,
  'c6i.large': 12.5,
  'c6i.xlarge': 12.5,
  'c6i.2xlarge': 12.5,
  'c6i.4xlarge': 12.5,
};

/** Seconds at the full "up to" rate a full credit bucket lasts unless told otherwise. */
export const DEFAULT_BURST_SECONDS = 300;

/**
 * The burst ceiling of a node, MiB/s per direction: the instance type's "up to" figure, or the
 * baseline (no burst) for a type without one in the table.
 */
export function burstCeilingMiBps(instanceType: string, baselineMiBps: number): number {
  const gbps = BURST_GBPS[instanceType];
  return gbps === undefined ? baselineMiBps : Math.max(baselineMiBps, gbpsToMiBps(gbps));
}

/** A node's credit bucket, MiB above the baseline it may still send. */
export function fullBurstCreditMiB(
  baselineMiBps: number,
  ceilingMiBps: number,
  burstSeconds: number,
): number {
  return Math.max(0, ceilingMiBps - baselineMiBps) * burstSeconds;
}

/**
 * One interval of a node's network: spends or earns credits and returns the seconds in which
 * demand exceeded what the node could deliver (baseline plus burst while credits last, never
 * more than the ceiling).
 *
 * @param creditMiB credits at the start of the interval
 * @returns the credits after the interval and the throttled seconds in it (0..dtSeconds)
 */
export function burstInterval(
  loadMiBps: number,
  baselineMiBps: number,
  ceilingMiBps: number,
  maxCreditMiB: number,
  creditMiB: number,
  dtSeconds: number,
): { readonly creditMiB: number; readonly throttledSeconds: number } {
  if (loadMiBps <= baselineMiBps) {
    return {
      creditMiB: Math.min(maxCreditMiB, creditMiB + (baselineMiBps - loadMiBps) * dtSeconds),
      throttledSeconds: 0,
    };
  }
  if (loadMiBps > ceilingMiBps) {
    // Above the ceiling no credit helps; the node still sends at the ceiling while credits last.
    const spend = (ceilingMiBps - baselineMiBps) * dtSeconds;
    return { creditMiB: Math.max(0, creditMiB - spend), throttledSeconds: dtSeconds };
  }
  const spend = (loadMiBps - baselineMiBps) * dtSeconds;
  if (creditMiB >= spend) return { creditMiB: creditMiB - spend, throttledSeconds: 0 };
  const coveredSeconds = creditMiB / (loadMiBps - baselineMiBps);
  return { creditMiB: 0, throttledSeconds: dtSeconds - coveredSeconds };
}
