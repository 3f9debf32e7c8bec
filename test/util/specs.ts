/** Spec fixtures for tests: the examples and generated variations. */
import { join } from 'node:path';
import { SpecError } from '../../spec/errors';
import { parseSpec, loadSpecFile, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';

export const EXAMPLES_DIR = join(__dirname, '..', '..', 'stacks');

export function exampleSpec(name: 'dev' | 'prod'): LoadedSpec {
  return loadSpecFile(join(EXAMPLES_DIR, `${name}.yaml`));
}

const ZONE_LETTERS = ['a', 'b', 'c', 'd', 'e', 'f'];

/**
 * A minimal valid spec input with the given zone count and brokers per zone. With one zone it joins
 * an existing cluster (`existingClusterFor`), since EKS creates no cluster in one zone; give
 * `cluster` in `overrides` to replace that.
 */
export function specInput(
  zoneCount: number,
  brokersPerZone: number,
  overrides: Partial<PlatformSpecInput> = {},
): PlatformSpecInput {
  const brokers = zoneCount * brokersPerZone;
  const replicationFactor = Math.min(3, brokers);
  const zones = ZONE_LETTERS.slice(0, zoneCount).map(letter => `us-west-2${letter}`);
  return {
    name: 'test',
    region: 'us-west-2',
    zones,
    ...(zoneCount === 1 ? { cluster: existingClusterFor(zones) } : {}),
    kafka: {
      brokers,
      replicationFactor: Math.max(2, replicationFactor),
      minInSyncReplicas: Math.max(1, Math.min(2, replicationFactor - 1)),
      allowReplicationFactorOne: brokers < 2,
      topics: [{ name: 'events', partitions: 12 }],
      external: { enabled: true, allowedCidrs: ['10.0.0.0/8'] },
    },
    nodes: { kafka: { instanceType: 'm6i.4xlarge', minPerZone: 1, maxPerZone: brokersPerZone } },
    ...overrides,
  };
}

/**
 * `cluster` settings that join an existing EKS cluster in an existing VPC with one private subnet
 * per zone: the only way a one-zone spec is valid, since EKS creates no cluster in fewer than two
 * zones (spec/aws-inputs.ts `MIN_ZONES_NEW_CLUSTER`).
 */
export function existingClusterFor(zones: readonly string[]): PlatformSpecInput['cluster'] {
  return {
    vpcCidr: '10.0.0.0/16',
    existingVpc: {
      vpcId: 'vpc-0123456789abcdef0',
      privateSubnetIds: Object.fromEntries(
        zones.map((zone, index) => [zone, `subnet-0${index}23456789abcdef0`]),
      ),
    },
    existing: { name: 'shared-eks' },
  };
}

/**
 * Variations across zone counts and brokers per zone (1-6 zones, 1-12 brokers per zone); the
 * one-zone variations join an existing cluster (`specInput`).
 */
export function variations(): Array<{ label: string; loaded: LoadedSpec }> {
  const result: Array<{ label: string; loaded: LoadedSpec }> = [];
  for (const zoneCount of [1, 2, 3, 4, 5, 6]) {
    for (const brokersPerZone of [1, 2, 3, 4, 6, 12]) {
      if (zoneCount * brokersPerZone < 2) continue;
      const input = specInput(zoneCount, brokersPerZone);
      result.push({
        label: `${zoneCount} zones x ${brokersPerZone} brokers`,
        loaded: parseSpec(input),
      });
    }
  }
  return result;
}

/** Every problem (`path: message`) full validation reports for `input`; empty when it passes. */
export function specProblems(input: PlatformSpecInput): string[] {
  try {
    parseSpec(input);
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map(i => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

/**
 * Every problem (`path: message`) full validation reports for a 3-zone, 1-broker-a-zone spec with
 * this `kafka.config`; empty when it passes.
 */
export function kafkaConfigProblems(config: Record<string, string | number | boolean>): string[] {
  const base = specInput(3, 1);
  return specProblems({ ...base, kafka: { ...base.kafka, config } });
}

/** The problems about one key's value type or range (not the cross-key or platform rules). */
export function kafkaConfigValueProblems(key: string, value: string): string[] {
  return kafkaConfigProblems({ [key]: value }).filter(
    p => p.includes('out of range') || p.includes('Kafka accepts') || p.includes('not a list'),
  );
}

/**
 * `specInput(3, 1)` with `broker` as `kafka.config` and one topic, `events` (12 partitions),
 * configured with `topic`: the shape the per-key rule tests (log flush, record timestamps, cleanup
 * policy keys) vary.
 */
export function specWithBrokerAndTopic(
  broker: Record<string, string | number>,
  topic: Record<string, string | number>,
): PlatformSpecInput {
  const base = specInput(3, 1);
  return {
    ...base,
    kafka: {
      ...base.kafka,
      config: broker,
      topics: [{ name: 'events', partitions: 12, config: topic }],
    },
  };
}
