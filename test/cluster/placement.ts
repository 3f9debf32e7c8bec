/**
 * Placement judged by the real kube-scheduler, for the cluster tier: a fresh control plane from a
 * `ControlPlanePool` with kube-scheduler, kube-controller-manager and kwok started on it
 * (test/e2e/kube-components.ts, cached binaries of scripts/e2e/build.sh), kwok Nodes labelled and
 * tainted as our nodegroups label and taint theirs, and Pods made from the pod templates we render.
 *
 * Stand-ins, as in strimzi-pods.ts: no Strimzi runs, so a KafkaNodePool's pods are made here from
 * its `template.pod` (affinity, tolerations, spread constraints, priority class) with the labels
 * Strimzi puts on them (`strimzi.io/cluster`, `strimzi.io/pool-name`) and its `resources`; a roll is
 * "delete the pod, create it again from the new template", one pod at a time, as Strimzi rolls. A
 * KRaft controller's EBS volume is a pre-bound local PersistentVolume with the same zone node
 * affinity the EBS CSI driver gives a volume (`topology.kubernetes.io/zone`), so a rolled controller
 * must come back to its zone. kwok marks bound pods Running.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT_KEY } from '../../spec/derive';
import { HOSTNAME_LABEL, ZONE_LABEL } from '../../charts/kafka/labels';
import { KWOK_NODE_ANNOTATION, startKubeComponents } from '../e2e/kube-components';
import { ProcessGroup, waitUntil } from '../e2e/processes';
import type { ControlPlane } from './control-plane';
import { KubeApi, type KubeObject } from './kube-api';
import type { ControlPlanePool } from './plane-pool';

type Obj = Record<string, any>;

/** A control plane with the scheduler, the controller manager and kwok; `stop` ends them all. */
export interface SchedulingCluster {
  readonly api: KubeApi;
  stop(): Promise<void>;
}

/** Takes a plane from `pool` and starts kube-scheduler, kube-controller-manager and kwok on it. */
export async function startSchedulingCluster(pool: ControlPlanePool): Promise<SchedulingCluster> {
  const plane: ControlPlane = await pool.take();
  const runDir = mkdtempSync(join(tmpdir(), 'kafka-eks-placement-'));
  const processes = new ProcessGroup(runDir);
  const stop = async (): Promise<void> => {
    await processes.stopAll();
    pool.release(plane);
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await startKubeComponents(plane.info, processes, runDir, {
      brokerStartSeconds: 0.1,
      // the PV controller binds the pre-bound volumes within a second, not at its 15 s default
      controllerManagerArgs: ['--pvclaimbinder-sync-period=1s'],
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const api = new KubeApi(plane.info);
  return {
    api,
    stop: async () => {
      api.close();
      await stop();
    },
  };
}

/** Kind of node: the system nodegroup's, or a zone's Kafka nodegroup's (labelled and tainted). */
export type NodeRole = 'system' | 'kafka';

/**
 * A kwok Node as EKS would register one of our nodegroups' nodes: hostname and zone labels; a
 * Kafka node also carries `kafka.platform/nodegroup=<kafkaNodeLabelValue>` and the NoSchedule taint
 * `kafka.platform/dedicated=<kafkaNodeLabelValue>` (components/nodegroups.ts). Capacity of an
 * m6i.large (system) or m6i.2xlarge (Kafka) with the 20 GiB root volume of an EKS managed
 * nodegroup, allocatable a little below.
 */
export function nodeObject(
  name: string,
  zone: string,
  role: NodeRole,
  kafkaNodeLabelValue: string,
): Obj {
  const kafka = role === 'kafka';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake' },
      labels: {
        [HOSTNAME_LABEL]: name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        [ZONE_LABEL]: zone,
        type: 'kwok',
        ...(kafka ? { [KAFKA_NODE_LABEL]: kafkaNodeLabelValue } : {}),
      },
    },
    spec: kafka
      ? {
          taints: [{ key: KAFKA_NODE_TAINT_KEY, value: kafkaNodeLabelValue, effect: 'NoSchedule' }],
        }
      : {},
    status: kafka
      ? {
          capacity: { cpu: '8', memory: '32Gi', pods: '58', 'ephemeral-storage': '20Gi' },
          allocatable: { cpu: '7910m', memory: '30Gi', pods: '58', 'ephemeral-storage': '18Gi' },
        }
      : {
          capacity: { cpu: '2', memory: '8Gi', pods: '29', 'ephemeral-storage': '20Gi' },
          allocatable: { cpu: '1930m', memory: '7Gi', pods: '29', 'ephemeral-storage': '18Gi' },
        },
  };
}

/** Creates the Node and waits until kwok reports it Ready and no not-ready taint is left. */
export async function addNode(api: KubeApi, node: Obj): Promise<void> {
  const name = node.metadata.name as string;
  await api.ok('POST', '/api/v1/nodes', { body: node });
  await waitUntil(
    `node ${name} Ready`,
    async () => {
      const got = (await api.ok('GET', `/api/v1/nodes/${name}`)) as Obj;
      const ready = (got.status?.conditions ?? []).some(
        (c: Obj) => c.type === 'Ready' && c.status === 'True',
      );
      const taints = (got.spec.taints ?? []) as Obj[];
      return ready && taints.every(t => !String(t.key).startsWith('node.kubernetes.io/'));
    },
    60_000,
    { everyMs: 100 },
  );
}

/** Deletes a Node at once (its pods stay bound to it until deleted too). */
export async function removeNode(api: KubeApi, name: string): Promise<void> {
  await api.ok('DELETE', `/api/v1/nodes/${name}`);
}

/** The claim name Strimzi gives a pool pod's JBOD volume 0: `data-0-<pod name>`. */
export function claimNameOf(podName: string): string {
  return `data-0-${podName}`;
}

/**
 * A pre-bound PersistentVolume and PersistentVolumeClaim for `podName` in `zone`: the stand-in of
 * the EBS volume the pod's first start created there (a volume never leaves its zone).
 */
export async function addZonalVolume(
  api: KubeApi,
  namespace: string,
  podName: string,
  zone: string,
): Promise<void> {
  await ensureNamespace(api, namespace);
  const claim = claimNameOf(podName);
  const pvName = `pv-${namespace}-${claim}`;
  await api.ok('POST', '/api/v1/persistentvolumes', {
    body: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName },
      spec: {
        capacity: { storage: '20Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        local: { path: `/stand-in/${claim}` },
        claimRef: { namespace, name: claim },
        nodeAffinity: {
          required: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: ZONE_LABEL, operator: 'In', values: [zone] }] },
            ],
          },
        },
      },
    },
  });
  await api.ok('POST', `/api/v1/namespaces/${namespace}/persistentvolumeclaims`, {
    body: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claim, namespace },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: '',
        volumeName: pvName,
        resources: { requests: { storage: '20Gi' } },
      },
    },
  });
  // Bound now rather than at the PV controller's next sync (every 15 s): the pair is pre-bound
  // both ways, so the controller finds nothing to change.
  await waitUntil(
    `claim ${claim} Bound`,
    async () => {
      const got = (await api.ok(
        'GET',
        `/api/v1/namespaces/${namespace}/persistentvolumeclaims/${claim}`,
      )) as Obj;
      return got.status?.phase === 'Bound';
    },
    60_000,
    { everyMs: 100 },
  );
}

/** The KafkaNodePool named `poolName` among rendered objects. */
export function poolOf(objects: readonly KubeObject[], poolName: string): Obj {
  const pool = objects.find(o => o.kind === 'KafkaNodePool' && o.metadata?.name === poolName);
  if (pool === undefined) throw new Error(`no KafkaNodePool ${poolName} in the rendered objects`);
  return pool as Obj;
}

/**
 * The pod Strimzi would make for `pool` under `name` (stand-in, see the file comment), with the
 * claim of its volume when `withClaim`.
 */
export function poolPod(pool: Obj, name: string, withClaim: boolean): Obj {
  const template = (pool.spec.template?.pod ?? {}) as Obj;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: pool.metadata.namespace,
      labels: {
        'strimzi.io/cluster': pool.metadata.labels['strimzi.io/cluster'],
        'strimzi.io/pool-name': pool.metadata.name,
      },
    },
    spec: {
      ...(template.affinity === undefined ? {} : { affinity: template.affinity }),
      ...(template.tolerations === undefined ? {} : { tolerations: template.tolerations }),
      ...(template.topologySpreadConstraints === undefined
        ? {}
        : { topologySpreadConstraints: template.topologySpreadConstraints }),
      ...(template.priorityClassName === undefined
        ? {}
        : { priorityClassName: template.priorityClassName }),
      containers: [
        { name: 'kafka', image: 'quay.io/strimzi/kafka:stand-in', resources: pool.spec.resources },
      ],
      ...(withClaim
        ? {
            volumes: [{ name: 'data-0', persistentVolumeClaim: { claimName: claimNameOf(name) } }],
          }
        : {}),
    },
  };
}

/**
 * Pods of every workload template the output renders outside Kafka (Deployments, DaemonSets,
 * StatefulSets, CronJobs): `replicas` copies each (1 for a CronJob), with the template's labels, so
 * spread constraints count them. Containers keep name, image and resources only.
 */
export function workloadPods(objects: readonly KubeObject[]): Obj[] {
  const pods: Obj[] = [];
  for (const object of objects as Obj[]) {
    const template =
      object.kind === 'CronJob'
        ? object.spec?.jobTemplate?.spec?.template
        : ['Deployment', 'StatefulSet', 'DaemonSet'].includes(object.kind)
          ? object.spec?.template
          : undefined;
    if (template === undefined) continue;
    const replicas = object.kind === 'CronJob' ? 1 : ((object.spec.replicas as number) ?? 1);
    const spec = template.spec as Obj;
    for (let index = 0; index < replicas; index++) {
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${String(object.metadata.name)}-${object.kind.toLowerCase()}-${index}`,
          namespace: object.metadata.namespace,
          labels: template.metadata?.labels ?? {},
        },
        spec: {
          ...(spec.affinity === undefined ? {} : { affinity: spec.affinity }),
          ...(spec.nodeSelector === undefined ? {} : { nodeSelector: spec.nodeSelector }),
          ...(spec.tolerations === undefined ? {} : { tolerations: spec.tolerations }),
          ...(spec.topologySpreadConstraints === undefined
            ? {}
            : { topologySpreadConstraints: spec.topologySpreadConstraints }),
          ...(spec.priorityClassName === undefined
            ? {}
            : { priorityClassName: spec.priorityClassName }),
          containers: (spec.containers as Obj[]).map(c => ({
            name: c.name,
            image: c.image,
            ...(c.resources === undefined ? {} : { resources: c.resources }),
          })),
        },
      });
    }
  }
  return pods;
}

/** Creates the pod's namespace when missing. */
export async function ensureNamespace(api: KubeApi, namespace: string): Promise<void> {
  const response = await api.request('GET', `/api/v1/namespaces/${namespace}`);
  if (response.status === 200) return;
  await api.ok('POST', '/api/v1/namespaces', {
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  });
  await waitUntil(
    `the default ServiceAccount of ${namespace}`,
    async () =>
      (await api.request('GET', `/api/v1/namespaces/${namespace}/serviceaccounts/default`))
        .status === 200,
    60_000,
    { everyMs: 100 },
  );
}

/** Creates the pod (its namespace first, when missing). */
export async function createPod(api: KubeApi, pod: Obj): Promise<void> {
  await ensureNamespace(api, pod.metadata.namespace as string);
  await api.ok('POST', `/api/v1/namespaces/${String(pod.metadata.namespace)}/pods`, { body: pod });
}

/** Deletes the pod at once and waits until it is gone. */
export async function deletePod(api: KubeApi, namespace: string, name: string): Promise<void> {
  await api.ok('DELETE', `/api/v1/namespaces/${namespace}/pods/${name}`, {
    query: { gracePeriodSeconds: '0' },
  });
  await waitUntil(
    `pod ${namespace}/${name} gone`,
    async () =>
      (await api.request('GET', `/api/v1/namespaces/${namespace}/pods/${name}`)).status === 404,
    60_000,
    { everyMs: 100 },
  );
}

/** Where the scheduler put a pod: its node, or why it did not (the PodScheduled message). */
export interface Placement {
  readonly node: string | undefined;
  readonly unschedulable: string | undefined;
}

/** The placement of one pod now. */
export async function placementOf(
  api: KubeApi,
  namespace: string,
  name: string,
): Promise<Placement> {
  const pod = (await api.ok('GET', `/api/v1/namespaces/${namespace}/pods/${name}`)) as Obj;
  const condition = ((pod.status?.conditions ?? []) as Obj[]).find(c => c.type === 'PodScheduled');
  return {
    node: pod.spec.nodeName as string | undefined,
    unschedulable:
      condition?.status === 'False' && condition.reason === 'Unschedulable'
        ? String(condition.message)
        : undefined,
  };
}

/**
 * Waits until the scheduler has decided on every named pod: bound to a node, or marked
 * Unschedulable (PodScheduled False). Returns each pod's placement.
 */
export async function decided(
  api: KubeApi,
  pods: ReadonlyArray<{ namespace: string; name: string }>,
  timeoutMs = 60_000,
): Promise<Map<string, Placement>> {
  let last = new Map<string, Placement>();
  return waitUntil(
    `the scheduler to decide on ${pods.length} pods`,
    async () => {
      const seen = new Map<string, Placement>();
      for (const { namespace, name } of pods) {
        seen.set(name, await placementOf(api, namespace, name));
      }
      last = seen;
      return [...seen.values()].every(p => p.node !== undefined || p.unschedulable !== undefined)
        ? seen
        : undefined;
    },
    timeoutMs,
    {
      everyMs: 200,
      describe: () =>
        [...last].map(([n, p]) => `${n}: ${p.node ?? p.unschedulable ?? 'pending'}`).join('; '),
    },
  );
}

/** Waits until every named pod is bound; fails naming the pods the scheduler refused, and why. */
export async function bound(
  api: KubeApi,
  pods: ReadonlyArray<{ namespace: string; name: string }>,
  timeoutMs = 60_000,
): Promise<Map<string, string>> {
  let last = new Map<string, Placement>();
  const result = await waitUntil(
    `${pods.length} pods bound`,
    async () => {
      const seen = new Map<string, Placement>();
      for (const { namespace, name } of pods) {
        seen.set(name, await placementOf(api, namespace, name));
      }
      last = seen;
      if (![...seen.values()].every(p => p.node !== undefined)) return undefined;
      return new Map([...seen].map(([n, p]) => [n, p.node as string]));
    },
    timeoutMs,
    {
      everyMs: 200,
      describe: () =>
        [...last]
          .filter(([, p]) => p.node === undefined)
          .map(([n, p]) => `${n}: ${p.unschedulable ?? 'not yet scheduled'}`)
          .join('; '),
    },
  );
  return result;
}

/** The zone label of each Node, by name. */
export async function nodeZones(api: KubeApi): Promise<Map<string, string>> {
  const list = (await api.ok('GET', '/api/v1/nodes')) as { items: Obj[] };
  return new Map(
    list.items.map(n => [n.metadata.name as string, n.metadata.labels[ZONE_LABEL] as string]),
  );
}
