/**
 * The specs the cluster tier synthesizes: both examples, plus varied specs that between them cover
 * 1-6 zones, every autoscaling mode, both drain-cleaner modes and every GitOps engine.
 */
import { join } from 'node:path';
import { loadSpecFile, parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';

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
  return [...exampleSpecs(), ...variedSpecs()];
}
