/**
 * The Kafka workload of an end-to-end run, built from the synth output of a real spec.
 *
 * Strimzi runs each pool's brokers through a StrimziPodSet; the operator cannot run here (it is
 * not published to any registry this machine reaches), so each broker pool becomes one
 * StatefulSet whose pod template is the pool's: affinity, tolerations, topology spread and
 * resources exactly as the charts emit them, Strimzi's pod labels, and the pod names Strimzi uses
 * (`<cluster>-<pool>-<node id>`, through `spec.ordinals.start`). The real statefulset controller
 * recreates a deleted pod under the same name, as a StrimziPodSet does; `OnDelete` keeps it from
 * rolling pods on its own, as the StrimziPodSet controller never does.
 *
 * Each broker's volume is a static PersistentVolume of the synth output's broker StorageClass
 * with a required node affinity on its zone, pre-bound to the broker's claim: volume binding then
 * pins every broker to its zone, as an EBS volume does.
 */
import { synthPlatform, type KubeObject } from '../../charts/synth';
import type { LoadedSpec } from '../../spec/load';
import { KubeApi, statusMessage } from '../cluster/kube-api';
import { HOLD_READINESS_LABEL } from './kube-components';

/** The objects of the synth output the run applies, by kind. */
export interface SynthParts {
  readonly kafkaNamespace: KubeObject;
  readonly kafka: KubeObject;
  readonly brokerPools: readonly KubeObject[];
  readonly otherPools: readonly KubeObject[];
  readonly storageClasses: readonly KubeObject[];
  /** The autoscaler component without its Deployment and PodMonitor (no images run here). */
  readonly autoscaler: readonly KubeObject[];
}

/** Picks the parts of the synth output the run needs. */
export function synthParts(loaded: LoadedSpec): SynthParts {
  const result = synthPlatform(loaded);
  const component = (name: string): readonly KubeObject[] =>
    result.components.find(c => c.name === name)?.objects ?? [];
  const kafkaObjects = component('kafka');
  const pools = kafkaObjects.filter(o => o.kind === 'KafkaNodePool');
  const brokerPoolNames = new Set(loaded.plan.zones.map(z => z.poolName));
  // The operators layer emits the Kafka namespace (Strimzi's chart writes RoleBindings into it).
  const kafkaNamespace = component('operators').find(
    o => o.kind === 'Namespace' && o.metadata.name === loaded.spec.kafka.namespace,
  );
  const kafka = kafkaObjects.find(o => o.kind === 'Kafka');
  if (kafkaNamespace === undefined || kafka === undefined) {
    throw new Error('the synth output has no Kafka namespace or Kafka resource');
  }
  return {
    kafkaNamespace,
    kafka,
    brokerPools: pools.filter(p => brokerPoolNames.has(p.metadata.name)),
    otherPools: pools.filter(p => !brokerPoolNames.has(p.metadata.name)),
    storageClasses: component('storage'),
    autoscaler: component('autoscaler').filter(
      o => o.kind !== 'Deployment' && o.kind !== 'PodMonitor' && o.kind !== 'PodDisruptionBudget',
    ),
  };
}

/** The pod labels Strimzi puts on a broker of `pool`. */
export function strimziBrokerLabels(clusterName: string, pool: string): Record<string, string> {
  return {
    'strimzi.io/cluster': clusterName,
    'strimzi.io/kind': 'Kafka',
    'strimzi.io/name': `${clusterName}-kafka`,
    'strimzi.io/component-type': 'kafka',
    'strimzi.io/pool-name': pool,
    'strimzi.io/broker-role': 'true',
    'strimzi.io/controller-role': 'false',
    'app.kubernetes.io/name': 'kafka',
    'app.kubernetes.io/instance': clusterName,
    'app.kubernetes.io/part-of': `strimzi-${clusterName}`,
    'app.kubernetes.io/managed-by': 'strimzi-cluster-operator',
  };
}

interface PoolSpec {
  readonly replicas: number;
  readonly resources: Record<string, unknown>;
  readonly storage: {
    readonly volumes: ReadonlyArray<{ readonly size: string; readonly class: string }>;
  };
  readonly template: { readonly pod: Record<string, unknown> };
}

/** Name of the StatefulSet (and StrimziPodSet) of a pool: `<cluster>-<pool>`. */
export function podSetName(clusterName: string, pool: string): string {
  return `${clusterName}-${pool}`;
}

/** The StatefulSet of one broker pool, from the pool's spec in the synth output. */
export function brokerStatefulSet(
  loaded: LoadedSpec,
  pool: KubeObject,
  firstNodeId: number,
): KubeObject {
  const clusterName = loaded.spec.name;
  const poolName = pool.metadata.name;
  const spec = pool.spec as PoolSpec;
  const labels = strimziBrokerLabels(clusterName, poolName);
  const podTemplate = spec.template.pod;
  const volume = spec.storage.volumes[0];
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: podSetName(clusterName, poolName), namespace: loaded.spec.kafka.namespace },
    spec: {
      replicas: spec.replicas,
      ordinals: { start: firstNodeId },
      serviceName: `${clusterName}-kafka-brokers`,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'OnDelete' },
      selector: {
        matchLabels: {
          'strimzi.io/cluster': clusterName,
          'strimzi.io/pool-name': poolName,
          'strimzi.io/kind': 'Kafka',
        },
      },
      template: {
        metadata: { labels },
        spec: {
          ...podTemplate,
          terminationGracePeriodSeconds: 0,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'kafka',
              image: `quay.io/strimzi/kafka:latest-kafka-${loaded.spec.kafka.version}`,
              resources: spec.resources,
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                runAsNonRoot: true,
              },
              volumeMounts: [{ name: 'data-0', mountPath: '/var/lib/kafka/data-0' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data-0' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: volume.class,
            resources: { requests: { storage: volume.size } },
          },
        },
      ],
    },
  } as KubeObject;
}

/** The static volume of one broker: zone-pinned, pre-bound to the broker's claim. */
export function brokerVolume(
  loaded: LoadedSpec,
  pool: KubeObject,
  zone: string,
  podName: string,
): KubeObject {
  const volume = (pool.spec as PoolSpec).storage.volumes[0];
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pv-${podName}` },
    spec: {
      capacity: { storage: volume.size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: volume.class,
      local: { path: `/mnt/ebs/${podName}` },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: loaded.spec.kafka.namespace,
        name: `data-0-${podName}`,
      },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'topology.kubernetes.io/zone', operator: 'In', values: [zone] },
              ],
            },
          ],
        },
      },
    },
  } as KubeObject;
}

/** The broker pod names of each zone, as Strimzi names them. */
export function brokerPodNames(loaded: LoadedSpec): Map<string, string[]> {
  return new Map(
    loaded.plan.zones.map(zone => [
      zone.zone,
      zone.brokerIds.map(id => `${podSetName(loaded.spec.name, zone.poolName)}-${id}`),
    ]),
  );
}

async function create(api: KubeApi, object: KubeObject): Promise<void> {
  const response = await api.apply(object, { dryRun: false });
  if (response.status < 200 || response.status > 299) {
    throw new Error(
      `applying ${object.kind} ${object.metadata.name}: HTTP ${response.status}: ${statusMessage(response.body)}`,
    );
  }
}

/** Applies the namespace, StorageClasses, Kafka and its pools, the volumes and the StatefulSets. */
export async function applyKafkaWorkload(
  api: KubeApi,
  loaded: LoadedSpec,
  parts: SynthParts,
): Promise<void> {
  await create(api, parts.kafkaNamespace);
  for (const storageClass of parts.storageClasses) await create(api, storageClass);
  await create(api, parts.kafka);
  for (const pool of [...parts.brokerPools, ...parts.otherPools]) await create(api, pool);
  for (const zone of loaded.plan.zones) {
    const pool = parts.brokerPools.find(p => p.metadata.name === zone.poolName);
    if (pool === undefined)
      throw new Error(`no KafkaNodePool ${zone.poolName} in the synth output`);
    for (const id of zone.brokerIds) {
      const podName = `${podSetName(loaded.spec.name, zone.poolName)}-${id}`;
      await create(api, brokerVolume(loaded, pool, zone.zone, podName));
    }
    await create(api, brokerStatefulSet(loaded, pool, zone.brokerIds[0]));
  }
}

/**
 * Adds (or removes) the hold-readiness label on a pool's pod template: with `OnDelete`, only pods
 * created afterwards carry it, so the next broker Strimzi recreates never turns Ready.
 */
export async function holdReadinessOfNewPods(
  api: KubeApi,
  loaded: LoadedSpec,
  poolName: string,
  hold: boolean,
): Promise<void> {
  const path = `/apis/apps/v1/namespaces/${loaded.spec.kafka.namespace}/statefulsets/${podSetName(loaded.spec.name, poolName)}`;
  await api.ok('PATCH', path, {
    body: {
      spec: {
        template: { metadata: { labels: { [HOLD_READINESS_LABEL]: hold ? 'true' : null } } },
      },
    },
    contentType: 'application/merge-patch+json',
  });
}
