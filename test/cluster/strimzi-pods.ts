/**
 * Test-only: the Pods the Strimzi Cluster Operator will create from our `Kafka` and
 * `KafkaNodePool` resources, rendered as plain Pod manifests so the manifest scanners (kube-score,
 * kube-linter, Polaris, Checkov) can look at the brokers and KRaft controllers. None of them reads
 * Strimzi custom resources, so without this the pods that matter most go unscanned.
 *
 * This is a stand-in for the operator, not the operator: it renders only what a scanner judges
 * (image, command, ports, probes, resources, security contexts, volumes and mounts, scheduling,
 * labels, service account) and leaves out per-pod details that do not change a finding (the
 * configuration annotations, certificates' contents, most environment variables). One Pod per
 * node pool, named after the pool's first node ID: every pod of a pool shares the template.
 *
 * What it follows, read from Strimzi's KRaft-era sources (`KafkaCluster`, `VolumeUtils`,
 * `BaselinePodSecurityProvider`, `RestrictedPodSecurityProvider`; not diffed line by line against
 * the 1.2.0 tag, so re-check after an operator upgrade):
 * - container `kafka` runs `/opt/kafka/kafka_run.sh`, exec probes `kafka_liveness.sh` /
 *   `kafka_readiness.sh` with the default 15 s initial delay and 5 s timeout;
 * - ports: `tcp-kafkaagent` 8443 on every node, `tcp-ctrlplane` 9090 on controllers,
 *   `tcp-replication` 9091 and one port per listener on brokers, `tcp-prometheus` 9404 when metrics
 *   are configured;
 * - the pool's `resources` and `template.pod` (affinity, tolerations, topology spread constraints,
 *   priority class, termination grace period 30 s by default);
 * - with `rack` set, a preferred pod anti-affinity over the rack key and a required node affinity
 *   on that key existing, and on brokers an init container (`kafka-init`, the operator image) that
 *   reads the node's rack label;
 * - the `restricted` pod security provider (the operator runs with
 *   `STRIMZI_POD_SECURITY_PROVIDER_CLASS=restricted`, charts/operators/releases.ts): every container
 *   gets `allowPrivilegeEscalation: false`, `runAsNonRoot: true`, `seccompProfile: RuntimeDefault`
 *   and `capabilities.drop: [ALL]`; the pod gets `fsGroup: 0` because the pools use persistent
 *   storage (the baseline provider's rule outside OpenShift). The provider sets no
 *   `readOnlyRootFilesystem` or `runAsUser`. A security context the pool supplies (`template.pod.securityContext`,
 *   `template.kafkaContainer.securityContext`, `template.initContainer.securityContext`) replaces
 *   the provider's whole, as the provider does (it returns the user-supplied context when set);
 * - volumes: one PVC per JBOD volume (`data-<id>` at `/var/lib/kafka/data-<id>`), `strimzi-tmp`
 *   (memory emptyDir, 5Mi) at `/tmp`, the CA and node certificate Secrets, the logging/metrics
 *   ConfigMap and the `ready-files` memory emptyDir (1Ki).
 */
import type { KubeObject } from './kube-api';

/** Strimzi labels and names used below (Strimzi `Labels`, `KafkaResources`). */
const CLUSTER_LABEL = 'strimzi.io/cluster';
const POOL_LABEL = 'strimzi.io/pool-name';
const NEXT_NODE_IDS = 'strimzi.io/next-node-ids';

/** Inputs beyond the custom resources: the images the operator would choose. */
export interface StrimziPodImages {
  /** Strimzi release, for the default images (`quay.io/strimzi/kafka:<release>-kafka-<kafka>`). */
  readonly strimziVersion: string;
}

interface NodePoolSpec {
  readonly replicas: number;
  readonly roles: readonly string[];
  readonly resources?: Record<string, unknown>;
  readonly storage: {
    readonly type: string;
    readonly volumes?: ReadonlyArray<{ readonly id: number; readonly type: string }>;
  };
  readonly template?: {
    readonly pod?: Record<string, unknown>;
    readonly kafkaContainer?: ContainerTemplate;
    readonly initContainer?: ContainerTemplate;
  };
}

/** Strimzi `ContainerTemplate`: what the operator copies into the container. */
interface ContainerTemplate {
  readonly securityContext?: Record<string, unknown>;
  readonly env?: ReadonlyArray<Record<string, unknown>>;
}

interface KafkaClusterSpec {
  readonly version: string;
  readonly image?: string;
  readonly listeners: ReadonlyArray<{ readonly name: string; readonly port: number }>;
  readonly rack?: { readonly topologyKey: string };
  readonly metricsConfig?: unknown;
}

/** Strimzi's container port name for a listener (`ListenersUtils.backwardsCompatiblePortName`). */
export function listenerPortName(name: string): string {
  if (name === 'plain') return 'tcp-clients';
  if (name === 'tls') return 'tcp-clientstls';
  return `tcp-${name}`;
}

/** The first node ID of a `strimzi.io/next-node-ids` range like `[1000-1999]`, else 0. */
export function firstNodeId(annotation: string | undefined): number {
  const match = /^\[\s*(\d+)/.exec(annotation ?? '');
  return match === null ? 0 : Number(match[1]);
}

/** The container security context of Strimzi's `restricted` provider. */
export function restrictedContainerContext(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
    capabilities: { drop: ['ALL'] },
  };
}

interface MatchTerm {
  matchExpressions?: Array<Record<string, unknown>>;
}

/** The pool's affinity with what `rack` adds (`KafkaCluster.getMergedAffinity`). */
function mergedAffinity(
  template: Record<string, unknown>,
  rackKey: string | undefined,
  clusterName: string,
): Record<string, unknown> | undefined {
  const affinity = structuredClone((template.affinity ?? {}) as Record<string, unknown>);
  if (rackKey === undefined) return Object.keys(affinity).length === 0 ? undefined : affinity;
  const antiAffinity = (affinity.podAntiAffinity ?? {}) as Record<string, unknown>;
  const preferred = (antiAffinity.preferredDuringSchedulingIgnoredDuringExecution ??
    []) as unknown[];
  affinity.podAntiAffinity = {
    ...antiAffinity,
    preferredDuringSchedulingIgnoredDuringExecution: [
      ...preferred,
      {
        weight: 100,
        podAffinityTerm: {
          topologyKey: rackKey,
          labelSelector: {
            matchLabels: {
              [CLUSTER_LABEL]: clusterName,
              'strimzi.io/name': `${clusterName}-kafka`,
            },
          },
        },
      },
    ],
  };
  const nodeAffinity = (affinity.nodeAffinity ?? {}) as Record<string, unknown>;
  const required = (nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? {
    nodeSelectorTerms: [{}],
  }) as { nodeSelectorTerms: MatchTerm[] };
  const rackExists = { key: rackKey, operator: 'Exists' };
  affinity.nodeAffinity = {
    ...nodeAffinity,
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: required.nodeSelectorTerms.map(term => ({
        ...term,
        matchExpressions: [...(term.matchExpressions ?? []), rackExists],
      })),
    },
  };
  return affinity;
}

/** The node-pool template sections and fields this stand-in renders. */
const TEMPLATE_FIELDS = ['pod', 'kafkaContainer', 'initContainer'];
const POD_TEMPLATE_FIELDS = [
  'metadata',
  'affinity',
  'tolerations',
  'topologySpreadConstraints',
  'priorityClassName',
  'terminationGracePeriodSeconds',
  'securityContext',
];

/**
 * Throws, naming the field, when `section` sets a field the rendering ignores: the operator
 * would copy it into the pod, and the scanners would judge a pod without it.
 */
function unrendered(where: string, section: object, rendered: readonly string[]): void {
  const extra = Object.keys(section).filter(key => !rendered.includes(key));
  if (extra.length > 0) {
    throw new Error(
      `${where}: ${extra.join(', ')} not rendered by test/cluster/strimzi-pods.ts; render it ` +
        'there (as the operator copies it) so the scanners see it',
    );
  }
}

/** The Pod the operator would create for the first node of `pool` in cluster `kafka`. */
export function strimziPod(
  kafka: KubeObject,
  pool: KubeObject,
  images: StrimziPodImages,
): KubeObject {
  const clusterName = String(kafka.metadata?.name);
  const namespace = kafka.metadata?.namespace;
  const cluster = (kafka.spec as { kafka: KafkaClusterSpec }).kafka;
  const spec = pool.spec as NodePoolSpec;
  const poolName = String(pool.metadata?.name);
  const annotations = (pool.metadata?.annotations ?? {}) as Record<string, string>;
  const nodeId = firstNodeId(annotations[NEXT_NODE_IDS]);
  const isBroker = spec.roles.includes('broker');
  const isController = spec.roles.includes('controller');
  const template = spec.template?.pod ?? {};
  const kafkaContainer = spec.template?.kafkaContainer ?? {};
  const initContainer = spec.template?.initContainer ?? {};
  unrendered(`KafkaNodePool ${poolName} spec.template`, spec.template ?? {}, TEMPLATE_FIELDS);
  unrendered(`KafkaNodePool ${poolName} spec.template.pod`, template, POD_TEMPLATE_FIELDS);
  unrendered(`KafkaNodePool ${poolName} spec.template.kafkaContainer`, kafkaContainer, [
    'securityContext',
    'env',
  ]);
  unrendered(`KafkaNodePool ${poolName} spec.template.initContainer`, initContainer, [
    'securityContext',
  ]);
  const rackKey = cluster.rack?.topologyKey;
  const image =
    cluster.image ?? `quay.io/strimzi/kafka:${images.strimziVersion}-kafka-${cluster.version}`;
  const dataVolumes = (spec.storage.volumes ?? []).filter(v => v.type === 'persistent-claim');
  const podName = `${clusterName}-${poolName}-${nodeId}`;

  const ports: Array<{ name: string; containerPort: number; protocol: string }> = [];
  const port = (name: string, containerPort: number): void => {
    ports.push({ name, containerPort, protocol: 'TCP' });
  };
  port('tcp-kafkaagent', 8443);
  if (isController) port('tcp-ctrlplane', 9090);
  if (isBroker) {
    port('tcp-replication', 9091);
    for (const listener of cluster.listeners) port(listenerPortName(listener.name), listener.port);
  }
  if (cluster.metricsConfig !== undefined) port('tcp-prometheus', 9404);

  const withInit = isBroker && rackKey !== undefined;
  const volumeMounts = [
    ...dataVolumes.map(v => ({ name: `data-${v.id}`, mountPath: `/var/lib/kafka/data-${v.id}` })),
    { name: 'strimzi-tmp', mountPath: '/tmp' },
    { name: 'cluster-ca', mountPath: '/opt/kafka/cluster-ca-certs' },
    { name: 'broker-certs', mountPath: '/opt/kafka/broker-certs' },
    { name: 'client-ca-cert', mountPath: '/opt/kafka/client-ca-certs' },
    { name: 'kafka-metrics-and-logging', mountPath: '/opt/kafka/custom-config/' },
    { name: 'ready-files', mountPath: '/var/opt/kafka' },
    ...(withInit ? [{ name: 'rack-volume', mountPath: '/opt/kafka/init' }] : []),
  ];
  const memoryEmptyDir = (name: string, sizeLimit: string): Record<string, unknown> => ({
    name,
    emptyDir: { medium: 'Memory', sizeLimit },
  });
  const volumes = [
    ...dataVolumes.map(v => ({
      name: `data-${v.id}`,
      persistentVolumeClaim: { claimName: `data-${v.id}-${podName}` },
    })),
    memoryEmptyDir('strimzi-tmp', '5Mi'),
    { name: 'cluster-ca', secret: { secretName: `${clusterName}-cluster-ca-cert` } },
    { name: 'broker-certs', secret: { secretName: podName } },
    { name: 'client-ca-cert', secret: { secretName: `${clusterName}-clients-ca-cert` } },
    { name: 'kafka-metrics-and-logging', configMap: { name: podName } },
    memoryEmptyDir('ready-files', '1Ki'),
    ...(withInit ? [memoryEmptyDir('rack-volume', '1Mi')] : []),
  ];
  const probe = (script: string): Record<string, unknown> => ({
    exec: { command: [`/opt/kafka/${script}`] },
    initialDelaySeconds: 15,
    timeoutSeconds: 5,
  });
  const labels: Record<string, string> = {
    [CLUSTER_LABEL]: clusterName,
    'strimzi.io/name': `${clusterName}-kafka`,
    'strimzi.io/kind': 'Kafka',
    'strimzi.io/component-type': 'kafka',
    [POOL_LABEL]: poolName,
    'strimzi.io/broker-role': String(isBroker),
    'strimzi.io/controller-role': String(isController),
    'strimzi.io/controller': 'strimzipodset',
    'strimzi.io/controller-name': `${clusterName}-${poolName}`,
    'app.kubernetes.io/name': 'kafka',
    'app.kubernetes.io/instance': clusterName,
    'app.kubernetes.io/part-of': `strimzi-${clusterName}`,
    'app.kubernetes.io/managed-by': 'strimzi-cluster-operator',
    ...((template.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {}),
  };
  const podSpec: Record<string, unknown> = {
    hostname: podName,
    subdomain: `${clusterName}-kafka-brokers`,
    serviceAccountName: `${clusterName}-kafka`,
    securityContext:
      (template.securityContext as Record<string, unknown> | undefined) ??
      (dataVolumes.length > 0 ? { fsGroup: 0 } : undefined),
    affinity: mergedAffinity(template, rackKey, clusterName),
    tolerations: template.tolerations,
    topologySpreadConstraints: template.topologySpreadConstraints,
    priorityClassName: template.priorityClassName,
    terminationGracePeriodSeconds: template.terminationGracePeriodSeconds ?? 30,
    initContainers: withInit
      ? [
          {
            name: 'kafka-init',
            image: `quay.io/strimzi/operator:${images.strimziVersion}`,
            command: ['/opt/strimzi/bin/kafka_init_run.sh'],
            resources: spec.resources,
            env: [
              { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'RACK_TOPOLOGY_KEY', value: rackKey },
            ],
            volumeMounts: [{ name: 'rack-volume', mountPath: '/opt/kafka/init' }],
            securityContext: initContainer.securityContext ?? restrictedContainerContext(),
          },
        ]
      : undefined,
    containers: [
      {
        name: 'kafka',
        image,
        command: ['/opt/kafka/kafka_run.sh'],
        ports,
        env: [
          {
            name: 'KAFKA_JMX_EXPORTER_ENABLED',
            value: String(
              (cluster.metricsConfig as { type?: string } | undefined)?.type ===
                'jmxPrometheusExporter',
            ),
          },
          { name: 'STRIMZI_KAFKA_GC_LOG_ENABLED', value: 'false' },
          { name: 'STRIMZI_DYNAMIC_HEAP_PERCENTAGE', value: '50' },
          { name: 'STRIMZI_DYNAMIC_HEAP_MAX', value: String(5 * 1024 * 1024 * 1024) },
          ...(kafkaContainer.env ?? []),
        ],
        resources: spec.resources,
        livenessProbe: probe('kafka_liveness.sh'),
        readinessProbe: probe('kafka_readiness.sh'),
        volumeMounts,
        securityContext: kafkaContainer.securityContext ?? restrictedContainerContext(),
      },
    ],
    volumes,
  };
  for (const key of Object.keys(podSpec)) if (podSpec[key] === undefined) delete podSpec[key];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName, namespace, labels },
    spec: podSpec,
  };
}

/**
 * The Pods for every `KafkaNodePool` among `objects`, one per pool, for the `Kafka` named by the
 * pool's `strimzi.io/cluster` label. Throws when a pool names a Kafka that is not among `objects`.
 */
export function strimziPods(
  objects: readonly KubeObject[],
  images: StrimziPodImages,
): KubeObject[] {
  const kafkas = objects.filter(o => o.kind === 'Kafka');
  return objects
    .filter(o => o.kind === 'KafkaNodePool')
    .map(pool => {
      const labels = (pool.metadata?.labels ?? {}) as Record<string, string>;
      const kafka = kafkas.find(
        k =>
          k.metadata?.name === labels[CLUSTER_LABEL] &&
          k.metadata?.namespace === pool.metadata?.namespace,
      );
      if (kafka === undefined) {
        throw new Error(
          `KafkaNodePool ${pool.metadata?.namespace}/${pool.metadata?.name}: no Kafka ` +
            `${labels[CLUSTER_LABEL]} in its namespace`,
        );
      }
      return strimziPod(kafka, pool, images);
    });
}

/**
 * The ServiceAccount the operator creates for each Kafka cluster's pods (`<cluster>-kafka`, in the
 * cluster's namespace); the rendered pods name it, and kube-linter checks that it exists.
 */
export function strimziServiceAccounts(objects: readonly KubeObject[]): KubeObject[] {
  return objects
    .filter(o => o.kind === 'Kafka')
    .map(kafka => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: `${String(kafka.metadata?.name)}-kafka`,
        namespace: kafka.metadata?.namespace,
        labels: {
          [CLUSTER_LABEL]: String(kafka.metadata?.name),
          'strimzi.io/kind': 'Kafka',
          'app.kubernetes.io/managed-by': 'strimzi-cluster-operator',
        },
      },
    }));
}
