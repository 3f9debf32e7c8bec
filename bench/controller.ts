/**
 * Controller benchmarks: one `decide` over 6 zones x 50 nodes x 200 brokers per zone (target under
 * 50 ms), and the resident memory of the controller's cached view of that cluster while idle.
 */
import { controllerConfigFromSpec, type ControllerConfig } from '../controller/config';
import { parseSpec } from '../spec/load';
import { decide, INITIAL_MEMORY, type Observed } from '../controller/decide';
import { assembleObservation, type NodeLike, type PodLike } from '../controller/observe';

const ZONES = 6;
const NODES_PER_ZONE = 50;
const BROKERS_PER_ZONE = 200;

/**
 * The configuration the controller would ship for a 6-zone, 1,200-broker platform, built from a
 * spec like every real one. The node is a made-up type with its capacity given in the spec: large
 * enough that the lowest level (one node per zone, 200 brokers on it) passes the spec's fit rules.
 */
function benchConfig(): ControllerConfig {
  return controllerConfigFromSpec(
    parseSpec({
      name: 'bench',
      region: 'us-east-1',
      zones: Array.from({ length: ZONES }, (_, index) => `us-east-1${'abcdef'[index]}`),
      kafka: { brokers: ZONES * BROKERS_PER_ZONE },
      nodes: {
        kafka: {
          instanceType: 'bench.metal',
          minPerZone: 1,
          maxPerZone: NODES_PER_ZONE,
          // 1200 MiB/s of baseline bandwidth per node.
          capacity: { vcpu: 448, memoryGi: 2048, baselineGbps: 10.0663296, pricePerHourUsd: 10 },
        },
      },
    }),
  );
}

/** Kubernetes-shaped objects as the caches would hold them. */
function cachedObjects(config: ControllerConfig): { nodes: NodeLike[]; pods: PodLike[] } {
  const nodes: NodeLike[] = [];
  const pods: PodLike[] = [];
  const ready = [{ type: 'Ready', status: 'True' }];
  config.zones.forEach((zone, zoneIndex) => {
    for (let index = 0; index < NODES_PER_ZONE; index++) {
      nodes.push({
        metadata: {
          name: `ip-10-${zoneIndex}-${index}.ec2.internal`,
          uid: `node-${zoneIndex}-${index}`,
          resourceVersion: String(1000 + index),
          creationTimestamp: new Date(1_700_000_000_000 + index * 1000),
          labels: {
            'topology.kubernetes.io/zone': zone.zone,
            'kafka.platform/nodegroup': 'bench-kafka',
          },
          annotations: {},
        },
        spec: {
          providerID: `aws:///${zone.zone}/i-${zoneIndex}${String(index).padStart(15, '0')}`,
        },
        status: { conditions: ready },
      });
    }
    for (let index = 0; index < BROKERS_PER_ZONE; index++) {
      pods.push({
        metadata: {
          name: `bench-${zone.poolName}-${(zoneIndex + 1) * 1000 + index}`,
          uid: `pod-${zoneIndex}-${index}`,
          labels: { 'strimzi.io/pool-name': zone.poolName, 'strimzi.io/cluster': 'bench' },
          annotations: {},
        },
        spec: { nodeName: `ip-10-${zoneIndex}-${index % NODES_PER_ZONE}.ec2.internal` },
        status: { conditions: ready },
      });
    }
  });
  return { nodes, pods };
}

function observation(config: ControllerConfig, nodes: NodeLike[], pods: PodLike[]): Observed {
  const nowMs = Date.UTC(2026, 0, 5, 12);
  return assembleObservation(
    {
      nowMs,
      nodes,
      pods,
      kafka: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      kubernetesSyncedAtMs: nowMs,
      prometheus: {
        atMs: nowMs,
        loads: pods.map(pod => ({
          podName: pod.metadata?.name ?? '',
          receiveMiBps: 80,
          transmitMiBps: 160,
        })),
        underReplicatedPartitions: 0,
        underMinIsrPartitions: 0,
        healthSampledAtMs: Object.fromEntries(pods.map(pod => [pod.metadata?.name ?? '', nowMs])),
      },
      autoscaling: {
        atMs: nowMs,
        groups: config.zones.map((zone, zoneIndex) => ({
          zone: zone.zone,
          groupName: `asg-${zone.nodegroupName}`,
          desired: NODES_PER_ZONE,
          min: 1,
          max: NODES_PER_ZONE,
          instances: Array.from({ length: NODES_PER_ZONE }, (_, index) => ({
            instanceId: `i-${zoneIndex}${String(index).padStart(15, '0')}`,
            lifecycleState: 'InService',
          })),
        })),
      },
    },
    config,
  );
}

export async function run(): Promise<
  Array<{ name: string; value: number; unit: string; target?: string }>
> {
  const config = benchConfig();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage().rss;
  const { nodes, pods } = cachedObjects(config);
  const observed = observation(config, nodes, pods);
  for (let warm = 0; warm < 20; warm++) decide(observed, config, INITIAL_MEMORY);
  const samples: number[] = [];
  for (let round = 0; round < 50; round++) {
    const start = process.hrtime.bigint();
    decide(observed, config, INITIAL_MEMORY);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  gc?.();
  const rss = process.memoryUsage().rss;
  // Keep the cache alive until after the measurement.
  if (nodes.length + pods.length === 0) throw new Error('empty cache');
  return [
    {
      name: 'controller.decide.6x50x200.p50',
      value: Number(samples[Math.floor(samples.length / 2)].toFixed(3)),
      unit: 'ms',
      target: '< 50',
    },
    {
      name: 'controller.decide.6x50x200.max',
      value: Number(samples[samples.length - 1].toFixed(3)),
      unit: 'ms',
      target: '< 50',
    },
    { name: 'controller.idle.rss', value: Math.round(rss / 1024 / 1024), unit: 'MiB' },
    {
      name: 'controller.idle.cache-rss-delta',
      value: Math.round(Math.max(0, rss - rssBefore) / 1024 / 1024),
      unit: 'MiB',
    },
  ];
}

if (require.main === module) {
  void run().then(results => process.stdout.write(JSON.stringify(results, null, 2) + '\n'));
}
