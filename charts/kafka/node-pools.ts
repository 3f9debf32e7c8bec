/** Builds the KafkaNodePool bodies: one broker pool per zone, one controller pool. */
import {
  KAFKA_NODE_LABEL,
  KAFKA_NODE_TAINT_KEY,
  type NodeIdRange,
  type PlatformPlan,
  type PodResources,
  type ZonePlan,
} from '../../spec/derive';
import type { PlatformSpec } from '../../spec/schema';
import type {
  ContainerTemplate,
  KafkaNodePoolSpec,
  PodTemplate,
  TopologySpreadConstraint,
} from '../strimzi/types';
import {
  BROKER_STORAGE_CLASS,
  CONTROLLER_POOL_NAME,
  CONTROLLER_STORAGE_CLASS,
  HOSTNAME_LABEL,
  STRIMZI_CLUSTER_LABEL,
  STRIMZI_NEXT_NODE_IDS_ANNOTATION,
  STRIMZI_POOL_LABEL,
  ZONE_LABEL,
} from './labels';

/** Size of each KRaft controller's metadata volume. */
export const CONTROLLER_VOLUME_GI = 20;

/** Strimzi's range syntax for the `strimzi.io/next-node-ids` annotation. */
export function nodeIdRangeAnnotation(range: NodeIdRange): string {
  return `[${range.first}-${range.last}]`;
}

/** Memory as a whole number of MiB, so 2.25 GiB renders as `2304Mi`. */
function memoryQuantity(memoryGi: number): string {
  return `${Math.round(memoryGi * 1024)}Mi`;
}

/** Memory request = limit (no overcommit), CPU request only: a broker may use a whole idle node. */
export function podResources(resources: PodResources): KafkaNodePoolSpec['resources'] {
  const memory = memoryQuantity(resources.memoryGi);
  return { requests: { memory, cpu: `${resources.cpuMillis}m` }, limits: { memory } };
}

/**
 * The `kafka` container of every pool, brokers and controllers: the `restricted` provider's
 * context (no privilege escalation, non-root, RuntimeDefault seccomp, every capability dropped)
 * plus a read-only root filesystem. Strimzi uses a user-supplied container security context in
 * place of its provider's, whole (`RestrictedPodSecurityProvider`), so every restricted field is
 * written here too, or the pods would fail the namespace's restricted Pod Security admission.
 * Kafka writes only to its data volumes and to the memory-backed `/tmp` and ready-file volumes
 * Strimzi mounts (added for this in strimzi-kafka-operator#4162); Strimzi's system test
 * `KafkaST.testReadOnlyRootFileSystem` runs KRaft node pools with exactly this setting.
 * Not set on the brokers' `kafka-init` container, which that test does not cover.
 */
export function kafkaContainerTemplate(): ContainerTemplate {
  return {
    securityContext: {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
      capabilities: { drop: ['ALL'] },
    },
  };
}

/**
 * A hard spread constraint that counts only schedulable nodes the pod may use. `minDomains` (at
 * least 1) makes the scheduler treat fewer matching domains than that as if the missing ones were
 * empty, so with too few nodes or zones a pod waits (and Cluster Autoscaler adds a node) instead of
 * doubling up in a domain that already has one; omitted when undefined.
 */
export function hardSpread(
  topologyKey: string,
  clusterName: string,
  poolName: string,
  minDomains?: number,
): TopologySpreadConstraint {
  return {
    ...(minDomains === undefined ? {} : { minDomains }),
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'DoNotSchedule',
    labelSelector: {
      matchLabels: { [STRIMZI_CLUSTER_LABEL]: clusterName, [STRIMZI_POOL_LABEL]: poolName },
    },
    nodeAffinityPolicy: 'Honor',
    nodeTaintsPolicy: 'Honor',
  };
}

/** Pod template of a zone's broker pool: pinned to the zone's Kafka nodes, spread over hosts. */
export function brokerPodTemplate(
  spec: PlatformSpec,
  plan: PlatformPlan,
  zone: ZonePlan,
): PodTemplate {
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: ZONE_LABEL, operator: 'In', values: [zone.zone] },
                { key: KAFKA_NODE_LABEL, operator: 'In', values: [plan.kafkaNodeLabelValue] },
              ],
            },
          ],
        },
      },
    },
    tolerations: [
      {
        key: KAFKA_NODE_TAINT_KEY,
        operator: 'Equal',
        value: plan.kafkaNodeLabelValue,
        effect: 'NoSchedule',
      },
    ],
    topologySpreadConstraints: [hardSpread(HOSTNAME_LABEL, spec.name, zone.poolName)],
  };
}

/** The broker KafkaNodePool of one zone. */
export function brokerPoolSpec(
  spec: PlatformSpec,
  plan: PlatformPlan,
  zone: ZonePlan,
): KafkaNodePoolSpec {
  return {
    replicas: plan.brokersPerZone,
    roles: ['broker'],
    storage: {
      type: 'jbod',
      volumes: [
        {
          id: 0,
          type: 'persistent-claim',
          size: `${spec.kafka.storage.sizeGi}Gi`,
          class: BROKER_STORAGE_CLASS,
          deleteClaim: spec.kafka.storage.deleteClaim,
        },
      ],
    },
    resources: podResources(plan.brokerResources),
    template: {
      pod: brokerPodTemplate(spec, plan, zone),
      kafkaContainer: kafkaContainerTemplate(),
    },
  };
}

/**
 * Priority class of the KRaft controller pods: they share the small system nodegroup with
 * `system-cluster-critical` add-ons, and at the default priority 0 they would be preempted or
 * evicted first there, taking the metadata quorum (and with it the whole Kafka cluster) down.
 * A class every API server creates (see `AUTOSCALER_PRIORITY_CLASS`, charts/autoscaler/workload.ts).
 */
export const CONTROLLER_PRIORITY_CLASS = 'system-cluster-critical';

/**
 * The KRaft controller pool: on the system nodes of `plan.controllerZones`, spread over those zones
 * and over hosts. The zone spread's `minDomains` is at most the number of those zones: the
 * scheduler counts only zones with a node the pod may use, and with `minDomains` above that count it
 * takes the smallest zone count as 0, so a controller that already shares its zone with another
 * could never be placed again (a rolled controller's volume keeps it in its zone) and would stay
 * Pending. After zones are appended to a deployed platform the system nodegroup keeps its zones,
 * so counting `spec.zones` there would strand a controller at the roll the new template starts.
 */
export function controllerPoolSpec(spec: PlatformSpec, plan: PlatformPlan): KafkaNodePoolSpec {
  return {
    replicas: spec.kafka.controllers,
    roles: ['controller'],
    storage: {
      type: 'jbod',
      volumes: [
        {
          id: 0,
          type: 'persistent-claim',
          size: `${CONTROLLER_VOLUME_GI}Gi`,
          class: CONTROLLER_STORAGE_CLASS,
          deleteClaim: false,
          kraftMetadata: 'shared',
        },
      ],
    },
    resources: podResources(plan.controllerResources),
    template: {
      pod: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: ZONE_LABEL, operator: 'In', values: [...plan.controllerZones] },
                    { key: KAFKA_NODE_LABEL, operator: 'DoesNotExist' },
                  ],
                },
              ],
            },
          },
        },
        topologySpreadConstraints: [
          // Distinct zones (as many as the system nodegroup spans) and distinct hosts for the
          // voters, even while the system nodegroup has fewer nodes than zones or than controllers.
          hardSpread(
            ZONE_LABEL,
            spec.name,
            CONTROLLER_POOL_NAME,
            controllerZoneDomains(spec.kafka.controllers, plan.controllerZones),
          ),
          hardSpread(HOSTNAME_LABEL, spec.name, CONTROLLER_POOL_NAME, spec.kafka.controllers),
        ],
        priorityClassName: CONTROLLER_PRIORITY_CLASS,
      },
      kafkaContainer: kafkaContainerTemplate(),
    },
  };
}

/**
 * `minDomains` of the controllers' zone spread: as many zones as there are controllers, at most the
 * zones the system nodegroup spans (`controllerZones`). Pure.
 */
export function controllerZoneDomains(
  controllers: number,
  controllerZones: readonly string[],
): number {
  return Math.min(controllers, controllerZones.length);
}

/** Annotations of a pool: the node-ID range that makes a broker's ID tell its zone. */
export function poolAnnotations(range: NodeIdRange): Record<string, string> {
  return { [STRIMZI_NEXT_NODE_IDS_ANNOTATION]: nodeIdRangeAnnotation(range) };
}

export { CONTROLLER_POOL_NAME };
