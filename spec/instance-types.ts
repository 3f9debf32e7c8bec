/**
 * Facts about the EC2 instance types the sizing math, the controller and the simulator know.
 *
 * Network figures are the *baseline* bandwidth (sustained, not the "up to" burst), because Kafka is
 * network-bound and burst credits run out within an hour. Prices are Linux on-demand in us-east-1.
 * Re-check both with `aws ec2 describe-instance-types` and the price list before relying on them;
 * every figure can be overridden in the spec (`nodes.kafka.capacity`).
 */
export interface InstanceTypeFacts {
  /** vCPUs of the instance. */
  readonly vcpu: number;
  /** Memory of the instance, GiB. */
  readonly memoryGi: number;
  /** Sustained (baseline) network bandwidth, Gbit/s. */
  readonly baselineGbps: number;
  /** On-demand price, USD per hour (us-east-1, Linux). */
  readonly pricePerHourUsd: number;
}

const table: Record<string, InstanceTypeFacts> = {
  'm5.large': { vcpu: 2, memoryGi: 8, baselineGbps: 0.75, pricePerHourUsd: 0.096 },
  'm5.xlarge': { vcpu: 4, memoryGi: 16, baselineGbps: 1.25, pricePerHourUsd: 0.192 },
  'm5.2xlarge': { vcpu: 8, memoryGi: 32, baselineGbps: 2.5, pricePerHourUsd: 0.384 },
  'm5.4xlarge': { vcpu: 16, memoryGi: 64, baselineGbps: 5, pricePerHourUsd: 0.768 },
  'm6i.large': { vcpu: 2, memoryGi: 8, baselineGbps: 0.781, pricePerHourUsd: 0.096 },
  'm6i.xlarge': { vcpu: 4, memoryGi: 16, baselineGbps: 1.562, pricePerHourUsd: 0.192 },
  'm6i.2xlarge': { vcpu: 8, memoryGi: 32, baselineGbps: 3.125, pricePerHourUsd: 0.384 },
  'm6i.4xlarge': { vcpu: 16, memoryGi: 64, baselineGbps: 6.25, pricePerHourUsd: 0.768 },
  'm6i.8xlarge': { vcpu: 32, memoryGi: 128, baselineGbps: 12.5, pricePerHourUsd: 1.536 },
  'm7i.large': { vcpu: 2, memoryGi: 8, baselineGbps: 0.781, pricePerHourUsd: 0.1008 },
  'm7i.xlarge': { vcpu: 4, memoryGi: 16, baselineGbps: 1.562, pricePerHourUsd: 0.2016 },
  'm7i.2xlarge': { vcpu: 8, memoryGi: 32, baselineGbps: 3.125, pricePerHourUsd: 0.4032 },
  'm7i.4xlarge': { vcpu: 16, memoryGi: 64, baselineGbps: 6.25, pricePerHourUsd: 0.8064 },
  'm7g.large': { vcpu: 2, memoryGi: 8, baselineGbps: 0.937, pricePerHourUsd: 0.0816 },
  'm7g.xlarge': { vcpu: 4, memoryGi: 16, baselineGbps: 1.876, pricePerHourUsd: 0.1632 },
  'm7g.2xlarge': { vcpu: 8, memoryGi: 32, baselineGbps: 3.75, pricePerHourUsd: 0.3264 },
  'm7g.4xlarge': { vcpu: 16, memoryGi: 64, baselineGbps: 7.5, pricePerHourUsd: 0.6528 },
  'r6i.large': { vcpu: 2, memoryGi: 16, baselineGbps: 0.781, pricePerHourUsd: 0.126 },
  'r6i.xlarge': { vcpu: 4, memoryGi: 32, baselineGbps: 1.562, pricePerHourUsd: 0.252 },
  'r6i.2xlarge': { vcpu: 8, memoryGi: 64, baselineGbps: 3.125, pricePerHourUsd: 0.504 },
  'r6i.4xlarge': { vcpu: 16, memoryGi: 128, baselineGbps: 6.25, pricePerHourUsd: 1.008 },
  'c6i.large': { vcpu: 2, memoryGi: 4, baselineGbps: 0.781, pricePerHourUsd: 0.085 },
  'c6i.xlarge': { vcpu: 4, memoryGi: 8, baselineGbps: 1.562, pricePerHourUsd: 0.17 },
  'c6i.2xlarge': { vcpu: 8, memoryGi: 16, baselineGbps: 3.125, pricePerHourUsd: 0.34 },
  'c6i.4xlarge': { vcpu: 16, memoryGi: 32, baselineGbps: 6.25, pricePerHourUsd: 0.68 },
};

/** The instance types with built-in facts, sorted. */
export const knownInstanceTypes: readonly string[] = Object.keys(table).sort();

/** Facts for a known instance type, or undefined. */
export function instanceTypeFacts(instanceType: string): InstanceTypeFacts | undefined {
  return table[instanceType];
}

/** Gbit/s to MiB/s (1 Gbit = 10^9 bits; 1 MiB = 2^20 bytes). */
export function gbpsToMiBps(gbps: number): number {
  return (gbps * 1e9) / 8 / 1048576;
}
