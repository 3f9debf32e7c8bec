/**
 * Controller benchmarks: one `decide` over 6 zones x 50 nodes x 200 brokers per zone (target under
 * 50 ms), and the resident memory of the controller's cached view of that cluster while idle.
 */
import type { ControllerConfig } from '../controller/config';
import { decide, INITIAL_MEMORY, type Observed } from '../controller/decide';
import { assembleObservation, type NodeLike, type PodLike } from '../controller/observe';

const ZONES = 6;
const NODES_PER_ZONE = 50;
const BROKERS_PER_ZONE = 200;

function benchConfig(): ControllerConfig {
  const letters = 'abcdef';
  return {
    clusterName: 'bench',
    region: 'us-east-1',
    kafkaNamespace: 'kafka',
    kafkaNodeLabel: { key: 'kafka.platform/nodegroup', value: 'bench-kafka' },
    zones: Array.from({ length: ZONES }, (_, index) => ({
      zone: `us-east-1${letters[index]}`,
      poolName: `brokers-${letters[index]}`,
      nodegroupName: `bench-kafka-${letters[index]}`,
      brokers: BROKERS_PER_ZONE,
    })),
    balancedNodeCounts: [1, 2, 4, 5, 8, 10, 20, 25, 40, 50],
    minNodesPerZone: 1,
    maxNodesPerZone: 50,
    nodeBaselineMiBps: 1200,
    targetUtilization: 0.6,
    scaleInMargin: 0.1,
    scaleInStabilizationSeconds: 1800,
    intervalSeconds: 30,
    sameLevelInAllZones: true,
    scheduledMinimums: [],
    replicationFactor: 3,
    dryRun: false,
    prometheusUrl: 'http://prometheus:9090',
    prometheusQueries: {
      brokerReceiveBytesPerSecond: 'rx',
      brokerTransmitBytesPerSecond: 'tx',
      underReplicatedPartitions: 'urp',
      underMinIsrPartitions: 'umi',
    },
    staleAfterSeconds: 120,
    moveTimeoutSeconds: 900,
    nodeReadyTimeoutSeconds: 900,
    leaderElection: {
      namespace: 'ops',
      leaseName: 'l',
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
    },
    httpPort: 8080,
  };
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
