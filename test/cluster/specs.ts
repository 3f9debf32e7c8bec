/**
 * The specs the cluster tier synthesizes: both examples, plus varied specs that between them cover
 * 1-6 zones (one zone joins an existing cluster), every autoscaling mode, both drain-cleaner modes and every GitOps engine, and the
 * edge-case spec of issue #12.
 */
import { join } from 'node:path';
import { loadSpecFile, parseSpec, type LoadedSpec } from '../../spec/load';
import { maxNameLengthFor } from '../../spec/derived-names';
import type { PlatformSpecInput } from '../../spec/schema';
import { existingClusterFor } from '../util/specs';

const REPO = join(__dirname, '../..');
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f'];
const MODES = ['controller', 'target-tracking', 'off'] as const;
const DRAIN = ['deny', 'legacy'] as const;
const GITOPS = ['flux', 'argocd', 'none'] as const;

export interface NamedSpec {
  readonly label: string;
  readonly loaded: LoadedSpec;
}

/** Varied spec number `index` for `zones` zones; the modes rotate so every value is used. */
export function variedSpecInput(zones: number, index: number): PlatformSpecInput {
  const brokersPerZone = zones === 1 ? 3 : 2;
  const mode = MODES[index % MODES.length];
  return {
    name: `varied-${zones}z`,
    region: 'us-east-1',
    zones: ZONES.slice(0, zones),
    kafka: {
      namespace: index % 2 === 0 ? 'kafka' : `streaming-${zones}`,
      brokers: brokersPerZone * zones,
      topics: [
        { name: 'orders', partitions: 6 * zones },
        { name: 'audit.log', partitions: 3, config: { 'cleanup.policy': 'compact' } },
      ],
      external:
        index % 2 === 0
          ? {
              enabled: true,
              allowedCidrs: ['10.0.0.0/8'],
              subnets: Object.fromEntries(
                ZONES.slice(0, zones).map((z, i) => [z, `subnet-0${i}abcdef`]),
              ),
            }
          : { enabled: false },
    },
    nodes: {
      kafka: { instanceType: 'm6i.xlarge', minPerZone: 1, maxPerZone: brokersPerZone },
    },
    autoscaling: { mode },
    drainCleaner: { mode: DRAIN[index % DRAIN.length] },
    gitops: { engine: GITOPS[Math.floor(index / 2) % GITOPS.length] },
    monitoring: { enabled: index !== 5 },
    // EKS creates no cluster in one zone; a one-zone platform joins an existing cluster.
    ...(zones === 1 ? { cluster: existingClusterFor(ZONES.slice(0, zones)) } : {}),
  };
}

/**
 * Kafka topic names that are legal in Kafka but not as Kubernetes names, or that YAML 1.1 readers
 * take for booleans, numbers or timestamps when written plain (issue #12, reproductions 3 and 5).
 */
export const TRICKY_TOPIC_NAMES = [
  'orders._dlq',
  'orders..v2',
  'Orders-.retry',
  'on',
  'yes',
  'y',
  'No',
  '1_000',
  '0o17',
  '2001-12-14',
  '0x1F',
] as const;

/**
 * The edge-case spec: the longest `name` the derived-name table allows for it, external access on
 * (per-broker and bootstrap NLB Services), tricky topic names, two topics that do not fit one
 * Topic Operator batch together, and broker config values a YAML 1.1 reader would misread
 * unquoted.
 */
export function edgeCaseSpecInput(): PlatformSpecInput {
  const base: PlatformSpecInput = {
    name: 'edge',
    region: 'us-east-1',
    zones: ZONES.slice(0, 3),
    kafka: {
      brokers: 6,
      topics: [
        ...TRICKY_TOPIC_NAMES.map(name => ({
          name,
          partitions: 3,
          config: { 'cleanup.policy': 'compact', 'message.timestamp.type': 'LogAppendTime' },
        })),
        // Two topics too large to be created in one request: the Kafka resource then sets the
        // Topic Operator's STRIMZI_MAX_BATCH_SIZE (spec/topic-partitions.ts), judged here too.
        { name: 'clicks', partitions: 6000 },
        { name: 'views', partitions: 6000 },
      ],
      external: { enabled: true, allowedCidrs: ['10.0.0.0/8'] },
      config: { 'log.cleaner.enable': 'true', 'log.retention.hours': '168' },
    },
    nodes: { kafka: { instanceType: 'm6i.xlarge', minPerZone: 1, maxPerZone: 2 } },
  };
  const most = maxNameLengthFor(parseSpec(base, 'edge-case spec').spec);
  return { ...base, name: `edge-${'x'.repeat(most - 5)}` };
}

export function edgeCaseSpec(): NamedSpec {
  return {
    label:
      'edge cases: longest name, external access, tricky topic names, Topic Operator batch size',
    loaded: parseSpec(edgeCaseSpecInput(), 'edge-case spec'),
  };
}

export function exampleSpecs(): NamedSpec[] {
  return ['dev', 'prod'].map(name => ({
    label: `stacks/${name}.yaml`,
    loaded: loadSpecFile(join(REPO, 'stacks', `${name}.yaml`)),
  }));
}

export function variedSpecs(): NamedSpec[] {
  return [1, 2, 3, 4, 5, 6].map((zones, index) => {
    const input = variedSpecInput(zones, index);
    const { autoscaling, drainCleaner, gitops } = input;
    return {
      label: `${zones} zone(s), ${autoscaling?.mode}, drain ${drainCleaner?.mode}, gitops ${gitops?.engine}`,
      loaded: parseSpec(input, `varied spec ${index}`),
    };
  });
}

export function allSpecs(): NamedSpec[] {
  return [...exampleSpecs(), ...variedSpecs(), edgeCaseSpec()];
}
