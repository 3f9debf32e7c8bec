/**
 * The platform spec: the one typed input that both renderers (cdk8s charts, Pulumi components) and
 * the controller's configuration are built from. Structure, types and defaults live here; rules that
 * relate several fields live in `rules.ts`; numbers derived from the spec live in `derive.ts`.
 *
 * Every field carries its default in the schema, and `docs.ts` turns the descriptions into the
 * README's reference table, so the table cannot drift from the code.
 */
import { z } from 'zod';

/** DNS-1123 label (starting with a letter, as namespaces here do), at most 63 characters. */
const dnsLabel = /^(?=.{1,63}$)[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Default `controller.image`: the name a release would carry, never published. Synth and plan warn
 * while a spec uses it (`rules.ts`); build and push your own with `npm run image`.
 */
export const UNPUBLISHED_CONTROLLER_IMAGE = 'ghcr.io/kafka-eks-autoscaling/controller:0.1.0';

/** Default `monitoring.runbookBaseUrl`: a placeholder repository; synth and plan warn while it is used. */
export const PLACEHOLDER_RUNBOOK_BASE_URL =
  'https://github.com/kafka-eks-autoscaling/kafka-eks-autoscaling/blob/main/docs/runbooks';

/** A Kafka topic the platform creates as a Strimzi `KafkaTopic`. */
export const topicSchema = z
  .object({
    name: z
      .string()
      .describe('Topic name: letters, digits, `.`, `_`, `-`, at most 249 characters.'),
    partitions: z.number().int().describe('Partition count, at least 1.'),
    replicationFactor: z
      .number()
      .int()
      .optional()
      .describe('Replicas per partition. Default: `kafka.replicationFactor`.'),
    minInSyncReplicas: z
      .number()
      .int()
      .optional()
      .describe('`min.insync.replicas` for the topic. Default: `kafka.minInSyncReplicas`.'),
    config: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .prefault({})
      .describe('Extra topic configuration (Kafka topic-level keys). Default: none.'),
  })
  .strict();

const storageSchema = z
  .object({
    sizeGi: z.number().int().default(100).describe('EBS gp3 volume per broker, GiB. Default 100.'),
    iops: z
      .number()
      .int()
      .default(3000)
      .describe('gp3 IOPS per volume (3000-80000). Default 3000.'),
    throughputMiBps: z
      .number()
      .int()
      .default(125)
      .describe('gp3 throughput per volume, MiB/s (125-2000). Default 125.'),
    deleteClaim: z
      .boolean()
      .default(false)
      .describe('Delete a broker volume when its broker is removed. Default false (keep data).'),
  })
  .strict();

const externalSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe('Expose Kafka through one AWS NLB per broker plus a bootstrap NLB. Default false.'),
    scheme: z
      .enum(['internal', 'internet-facing'])
      .default('internal')
      .describe('NLB scheme; `internet-facing` needs `allowPublic: true`. Default internal.'),
    allowPublic: z
      .boolean()
      .default(false)
      .describe(
        'Opt-in for internet-facing NLBs and for 0.0.0.0/0 in `allowedCidrs`. Default false.',
      ),
    allowedCidrs: z
      .array(z.string())
      .default([])
      .describe(
        'Client IPv4 CIDRs allowed to reach the NLBs; required when enabled (warning above 60). Default none.',
      ),
    subnets: z
      .record(z.string(), z.string())
      .prefault({})
      .describe(
        "Zone -> subnet ID or name, pins each broker's NLB to its zone. Default: cross-zone NLBs.",
      ),
    authentication: z
      .enum(['scram-sha-512', 'tls'])
      .default('scram-sha-512')
      .describe('Client authentication on the external listener. Default scram-sha-512.'),
  })
  .strict();

const resourcesSchema = z
  .object({
    memoryGi: z
      .number()
      .positive()
      .optional()
      .describe('Memory request and limit per pod, GiB. Default: derived from the node size.'),
    cpuMillis: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'CPU request per pod, millicores (never a limit). Default: derived from the node size.',
      ),
  })
  .strict();

const kafkaSchema = z
  .object({
    namespace: z
      .string()
      .default('kafka')
      .describe('Namespace of the Kafka cluster. Default kafka.'),
    version: z
      .string()
      .default('4.3.1')
      .describe(
        'Apache Kafka version Strimzi 1.2.0 runs: 4.2.0, 4.2.1, 4.3.0 or 4.3.1. Default 4.3.1.',
      ),
    brokers: z.number().int().describe('Total brokers; a multiple of the zone count. Required.'),
    controllers: z.number().int().default(3).describe('KRaft controllers, odd. Default 3.'),
    storage: storageSchema.prefault({}),
    replicationFactor: z
      .number()
      .int()
      .default(3)
      .describe('Default replication for topics and internal topics. Default 3.'),
    minInSyncReplicas: z
      .number()
      .int()
      .default(2)
      .describe('Default `min.insync.replicas`; below the replication factor. Default 2.'),
    allowReplicationFactorOne: z
      .boolean()
      .default(false)
      .describe('Permit replication factor 1 (data loss on any broker failure). Default false.'),
    topics: z.array(topicSchema).default([]).describe('Topics to create. Default none.'),
    external: externalSchema.prefault({}),
    brokerResources: resourcesSchema.prefault({}),
    controllerResources: z
      .object({
        memoryGi: z
          .number()
          .positive()
          .optional()
          .describe('Memory request and limit per KRaft controller, GiB. Default 2.'),
        cpuMillis: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('CPU request per KRaft controller, millicores (never a limit). Default 500.'),
      })
      .strict()
      .prefault({}),
    config: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .prefault({})
      .describe('Extra broker configuration, merged over the safe defaults. Default none.'),
  })
  .strict();

const capacitySchema = z
  .object({
    baselineGbps: z
      .number()
      .positive()
      .optional()
      .describe('Baseline network bandwidth of one node, Gbit/s. Default: instance table.'),
    pricePerHourUsd: z
      .number()
      .positive()
      .optional()
      .describe('Price of one node per hour, USD. Default: instance table (us-east-1).'),
    vcpu: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('vCPUs per node. Default: instance table.'),
    memoryGi: z
      .number()
      .positive()
      .optional()
      .describe('Memory per node, GiB. Default: instance table.'),
  })
  .strict();

const nodesSchema = z
  .object({
    kafka: z
      .object({
        instanceType: z
          .string()
          .default('m6i.xlarge')
          .describe('Instance type of the Kafka nodegroups. Default m6i.xlarge.'),
        minPerZone: z.number().int().default(1).describe('Fewest Kafka nodes per zone. Default 1.'),
        maxPerZone: z
          .number()
          .int()
          .optional()
          .describe(
            'Most Kafka nodes per zone, at most brokers per zone. Default: brokers per zone.',
          ),
        capacity: capacitySchema.prefault({}),
      })
      .strict()
      .prefault({}),
    system: z
      .object({
        instanceType: z
          .string()
          .default('m6i.large')
          .describe('Instance type of the system nodegroup. Default m6i.large.'),
        min: z
          .number()
          .int()
          .default(3)
          .describe('Fewest system nodes: one per KRaft controller at the default 3. Default 3.'),
        max: z.number().int().default(4).describe('Most system nodes. Default 4.'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const scheduledMinimumSchema = z
  .object({
    startUtc: z.string().describe('Window start, `HH:MM` UTC.'),
    endUtc: z.string().describe('Window end, `HH:MM` UTC (may wrap past midnight).'),
    nodesPerZone: z.number().int().describe('Lowest node count per zone inside the window.'),
    weekdays: z
      .array(z.number().int())
      .default([0, 1, 2, 3, 4, 5, 6])
      .describe('Days the window applies, 0 = Sunday. Default every day.'),
  })
  .strict();

const autoscalingSchema = z
  .object({
    mode: z
      .enum(['controller', 'target-tracking', 'off'])
      .default('controller')
      .describe('Who scales the Kafka nodes. Default controller.'),
    targetUtilization: z
      .number()
      .default(0.6)
      .describe("Share of a node's baseline network bandwidth to plan for (0-1). Default 0.6."),
    scaleInMargin: z
      .number()
      .default(0.07)
      .describe(
        'Demand must sit this share below the lower level before scale-in, at least 0 and below 0.5. Default 0.07.',
      ),
    scaleInStabilizationSeconds: z
      .number()
      .int()
      .default(600)
      .describe('How long demand must stay low before a scale-in, seconds. Default 600.'),
    emptyNodeStabilizationSeconds: z
      .number()
      .int()
      .optional()
      .describe(
        'The same wait for removing a node that holds no broker (moves nothing), seconds. Default 180, or scaleInStabilizationSeconds if lower; at most scaleInStabilizationSeconds.',
      ),
    intervalSeconds: z
      .number()
      .int()
      .default(30)
      .describe('Controller decision interval, seconds. Default 30.'),
    sameLevelInAllZones: z
      .boolean()
      .default(true)
      .describe('Keep every zone at the same node count. Default true.'),
    scheduledMinimums: z
      .array(scheduledMinimumSchema)
      .default([])
      .describe('Minimum node levels for known daily peaks. Default none.'),
    forecast: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe('Controller: raise the floor ahead of the daily ramp. Default false.'),
        leadTimeSeconds: z
          .number()
          .int()
          .positive()
          .optional()
          .describe(
            'Look-ahead, seconds, at most 64800 (18 h). Default 120 + 150 per serial move, lowest to highest level.',
          ),
        historyDays: z
          .number()
          .int()
          .min(1)
          .max(14)
          .default(14)
          .describe(
            'Days of demand history the forecast uses, 1-14 (needs 24 h first). Default 14.',
          ),
        quantile: z
          .number()
          .gt(0)
          .max(1)
          .default(0.9)
          .describe(
            'Quantile of past demand in the window taken as the forecast, above 0 and at most 1. Default 0.9.',
          ),
        maxRaiseShare: z
          .number()
          .min(0)
          .default(1)
          .describe('The forecast plans for at most (1 + this) x current demand. Default 1.'),
      })
      .strict()
      .prefault({})
      .describe('Forecast floor of the controller (docs/controller.md). Default off.'),
    cpuTargetPercent: z
      .number()
      .default(60)
      .describe('target-tracking mode: average CPU target, percent. Default 60.'),
    dryRun: z
      .boolean()
      .default(false)
      .describe('Controller decides and reports but never acts. Default false.'),
  })
  .strict();

const controllerSchema = z
  .object({
    image: z
      .string()
      .default(UNPUBLISHED_CONTROLLER_IMAGE)
      .describe(
        'Image of the autoscaling controller (build it: `npm run image`). Default an unpublished name.',
      ),
    replicas: z
      .number()
      .int()
      .default(2)
      .describe('Controller replicas (leader-elected). Default 2.'),
    namespace: z
      .string()
      .default('kafka-autoscaler')
      .describe('Namespace of the controller. Default kafka-autoscaler.'),
    iamRoleArn: z
      .string()
      .optional()
      .describe('IAM role for IRSA; empty uses EKS Pod Identity. Default: Pod Identity.'),
    cpuMillis: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe('CPU request per controller pod, millicores (no CPU limit). Default 100.'),
    memoryMi: z
      .number()
      .int()
      .positive()
      .default(256)
      .describe('Memory request and limit per controller pod, MiB. Default 256.'),
    admissionFence: z
      .boolean()
      .default(true)
      .describe(
        'Have the API server refuse writes of a replica that lost the leader Lease (a cluster-scoped ValidatingAdmissionPolicy; turn off only where the deployer may not create one). Default true.',
      ),
  })
  .strict();

const deschedulerSchema = z
  .object({
    enabled: z
      .boolean()
      .optional()
      .describe('Run the descheduler. Default: on in target-tracking mode, off otherwise.'),
    intervalSeconds: z.number().int().default(300).describe('Descheduling interval. Default 300.'),
    namespace: z
      .string()
      .default('kafka-descheduler')
      .describe('Namespace of the descheduler. Default kafka-descheduler.'),
    image: z
      .string()
      .optional()
      .describe('Descheduler image. Default: the pinned upstream release image.'),
  })
  .strict();

const drainCleanerSchema = z
  .object({
    mode: z
      .enum(['deny', 'legacy'])
      .default('deny')
      .describe(
        'Drain Cleaner mode; legacy also sets the Kafka PDB to maxUnavailable 0. Default deny.',
      ),
    replicas: z
      .number()
      .int()
      .default(2)
      .describe('Drain Cleaner replicas, at least 2. Default 2.'),
    namespace: z
      .string()
      .default('strimzi-drain-cleaner')
      .describe('Namespace of the Drain Cleaner. Default strimzi-drain-cleaner.'),
    image: z
      .string()
      .optional()
      .describe('Drain Cleaner image. Default: the pinned upstream release image.'),
    certificateValidityDays: z
      .number()
      .int()
      .default(3650)
      .describe(
        'Validity of the webhook CA, days; the serving certificate lasts a year, renewed early. Default 3650.',
      ),
  })
  .strict();

const monitoringSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Emit PodMonitors and PrometheusRules. Default true.'),
    installKubePrometheusStack: z
      .boolean()
      .default(false)
      .describe('Also install kube-prometheus-stack. Default false.'),
    prometheusUrl: z
      .string()
      .default('http://kube-prometheus-stack-prometheus.monitoring.svc:9090')
      .describe('Prometheus the controller queries. Default the kube-prometheus-stack service.'),
    namespace: z
      .string()
      .default('monitoring')
      .describe('Namespace of Prometheus; scrapes come from here. Default monitoring.'),
    brokerMoveStuckMinutes: z
      .number()
      .int()
      .default(30)
      .describe('Alert when one broker move runs longer than this. Default 30.'),
    autoscalerBlockedMinutes: z
      .number()
      .int()
      .default(60)
      .describe('Alert when the controller holds for a safety reason this long. Default 60.'),
    diskFillingPercent: z
      .number()
      .int()
      .default(80)
      .describe('Alert when a broker volume is fuller than this percentage. Default 80.'),
    runbookBaseUrl: z
      .string()
      .default(PLACEHOLDER_RUNBOOK_BASE_URL)
      .describe(
        'Where alert runbook links point (your copy of docs/runbooks). Default a placeholder.',
      ),
  })
  .strict();

/** The Git repository a GitOps engine syncs the synth output from (`gitops.repository`). */
const gitRepositorySchema = z
  .object({
    url: z
      .string()
      .describe(
        'Git URL of the repository the synth output is committed to: https://host/org/repo.git or ssh://git@host/org/repo.git (git@host:org/repo.git with Argo CD only). Required.',
      ),
    branch: z
      .string()
      .default('main')
      .describe(
        'Branch the engine syncs (Flux `ref.branch`, Argo CD `targetRevision`). Default main.',
      ),
    secretName: z
      .string()
      .optional()
      .describe(
        'Flux only: an existing Secret in `gitops.namespace` with the credentials of a private repository (`username`/`password` for https, `identity`/`known_hosts` for ssh). Default none (a public repository).',
      ),
  })
  .strict();

const gitopsSchema = z
  .object({
    engine: z
      .enum(['flux', 'argocd', 'none'])
      .default('none')
      .describe('How synth output carries the operator Helm charts. Default none.'),
    namespace: z
      .string()
      .optional()
      .describe(
        'Namespace of the HelmRepository/HelmRelease or Application objects. Default flux-system or argocd.',
      ),
    path: z
      .string()
      .regex(/^(\.\/)?([A-Za-z0-9_.-]+\/)*[A-Za-z0-9_.-]+$|^\.$/, {
        message:
          'must be a relative folder path such as ./clusters/prod/kafka: letters, digits, ".", "_", "-" and single "/" between names, no leading or trailing "/", no spaces',
      })
      .refine(path => !path.split('/').includes('..'), {
        message: 'must stay inside the repository; remove the .. segments',
      })
      .default('./dist')
      .describe(
        'Folder of the synth output inside the GitOps repository, relative to its root; the Flux Kustomizations of each layer point into it. Default ./dist.',
      ),
    repository: gitRepositorySchema
      .optional()
      .describe(
        'With flux or argocd: the repository the engine syncs from; `pulumi up` then installs the engine (its Helm chart) and points it at `gitops.path` here. Default: none (Pulumi installs no engine; bootstrap it yourself).',
      ),
  })
  .strict();

const operatorsSchema = z
  .object({
    strimziNamespace: z
      .string()
      .default('strimzi')
      .describe('Namespace of the Strimzi cluster operator. Default strimzi.'),
    loadBalancerControllerReplicas: z
      .number()
      .int()
      .default(2)
      .describe('AWS Load Balancer Controller replicas, at least 2. Default 2.'),
  })
  .strict();

const clusterSchema = z
  .object({
    kubernetesVersion: z
      .string()
      .default('1.34')
      .describe(
        'EKS Kubernetes version; one with pinned add-ons (components/lib/addon-versions.ts: 1.33, 1.34). Default 1.34.',
      ),
    publicEndpointCidrs: z
      .array(z.string())
      .default([])
      .describe('IPv4 CIDRs allowed on the public API endpoint; empty turns it off. Default off.'),
    vpcCidr: z
      .string()
      .default('10.0.0.0/16')
      .describe(
        "CIDR of the VPC; required with `existingVpc` (that VPC's range). Default 10.0.0.0/16 for a new VPC.",
      ),
    existingVpc: z
      .object({
        vpcId: z.string().describe('ID of the VPC (vpc- and 8 or 17 hex digits).'),
        privateSubnetIds: z
          .record(z.string(), z.string())
          .describe('Zone -> private subnet ID (subnet-...), one subnet per zone.'),
        publicSubnetIds: z
          .record(z.string(), z.string())
          .prefault({})
          .describe('Zone -> public subnet ID. Default none.'),
      })
      .strict()
      .optional()
      .describe('Use this VPC instead of creating one. Default: create one.'),
    existing: z
      .object({
        name: z.string().describe('Name of the EKS cluster to join; it is read, never changed.'),
      })
      .strict()
      .optional()
      .describe(
        'Join this EKS cluster instead of creating one: only the Kafka nodegroups, their IAM, the controller role and in-cluster objects are created. Needs `existingVpc`. Default: create one.',
      ),
    tags: z
      .record(z.string(), z.string())
      .prefault({})
      .describe('Tags on every AWS resource. Default none.'),
    adminPrincipalArns: z
      .array(z.string())
      .default([])
      .describe(
        'IAM role/user ARNs (not STS assumed-role sessions) given cluster-admin through EKS access entries. Default none (creator only).',
      ),
  })
  .strict();

/** The whole platform spec, as users write it. */
export const platformSpecSchema = z
  .object({
    name: z
      .string()
      .describe(
        'Platform and Kafka cluster name, DNS-1123 label; at most 32 (derived IAM role names). Required.',
      ),
    region: z
      .string()
      .describe(
        'AWS region code, one the installed `@pulumi/aws` knows (a misspelt one is refused, naming the nearest). Required.',
      ),
    zones: z
      .array(z.string())
      .describe(
        "2-6 distinct Availability Zones of the region (no Local Zones); 1 is enough with `cluster.existing`. The order fixes each zone's broker node-ID block (position x 1000) and, for a VPC the stack creates, its subnet ranges, so once deployed add zones only at the end and remove them only from the end. Required.",
      ),
    kafka: kafkaSchema,
    nodes: nodesSchema.prefault({}),
    autoscaling: autoscalingSchema.prefault({}),
    controller: controllerSchema.prefault({}),
    descheduler: deschedulerSchema.prefault({}),
    drainCleaner: drainCleanerSchema.prefault({}),
    monitoring: monitoringSchema.prefault({}),
    gitops: gitopsSchema.prefault({}),
    cluster: clusterSchema.prefault({}),
    operators: operatorsSchema.prefault({}),
  })
  .strict();

/** The spec as a user writes it (optional fields may be left out). */
export type PlatformSpecInput = z.input<typeof platformSpecSchema>;
/** The spec after defaults are filled in. */
export type PlatformSpec = z.output<typeof platformSpecSchema>;
export type TopicSpec = z.output<typeof topicSchema>;
export type AutoscalingMode = PlatformSpec['autoscaling']['mode'];

/** DNS-1123 label pattern, shared by the rules. */
export const dns1123Label = dnsLabel;
