/**
 * The controller's configuration: derived from the platform spec at synth time, shipped in a
 * ConfigMap, read by the controller at start. The builder is a plain function so the chart, the
 * simulator and the tests all get the same numbers.
 */
import type { LoadedSpec } from '../spec/load';
import { DEFAULT_FORECAST, forecastLeadTimeSeconds, type ForecastConfig } from './forecast';
import { DEFAULT_RAMP_HORIZON_SECONDS } from './ramp';
import { KAFKA_NODE_LABEL } from '../spec/derive';
import { clusterNameOf } from '../spec/derived-names';
import { UNDER_MIN_ISR_PARTITIONS, UNDER_REPLICATED_PARTITIONS } from '../spec/kafka-metrics';
import {
  DEFAULT_AUTOSCALING_MUTATION_INTERVAL_SECONDS,
  DEFAULT_KUBERNETES_RATE_LIMIT,
} from './rate-limit';

/** One availability zone as the controller sees it. */
export interface ZoneConfig {
  /** Zone name, for example `us-east-1a`. */
  readonly zone: string;
  /** Strimzi KafkaNodePool of the zone's brokers (pod label `strimzi.io/pool-name`). */
  readonly poolName: string;
  /** EKS managed nodegroup; its Auto Scaling group carries the tag `eks:nodegroup-name`. */
  readonly nodegroupName: string;
  /** Brokers in the zone. */
  readonly brokers: number;
}

/** A window with a minimum node count per zone, for known daily peaks. */
export interface ScheduledMinimum {
  /** Window start, `HH:MM` UTC. */
  readonly startUtc: string;
  /** Window end, `HH:MM` UTC; may wrap past midnight. */
  readonly endUtc: string;
  /** Lowest node count per zone inside the window (rounded up to a balanced level). */
  readonly nodesPerZone: number;
  /** Days on which the window starts; 0 = Sunday. */
  readonly weekdays: readonly number[];
}

/** PromQL the controller runs; each must return instant vectors as described. */
export interface PrometheusQueries {
  /** Per broker pod (label `pod`): bytes per second received. */
  readonly brokerReceiveBytesPerSecond: string;
  /** Per broker pod (label `pod`): bytes per second sent. */
  readonly brokerTransmitBytesPerSecond: string;
  /** One sample: under-replicated partitions across the cluster. */
  readonly underReplicatedPartitions: string;
  /** One sample: partitions under their min ISR across the cluster. */
  readonly underMinIsrPartitions: string;
  /**
   * Per broker pod (label `pod`): the time, in seconds, of the oldest raw sample behind its
   * throughput (`timestamp()` of the counters). The data's age is judged by it.
   * @default - the query evaluation time (an instant query's own timestamp)
   */
  readonly brokerSampleTimestamps?: string;
  /**
   * One sample: the time, in seconds, of the oldest raw partition-health sample.
   * @default - the query evaluation time
   */
  readonly healthSampleTimestamp?: string;
  /**
   * Per broker pod (label `pod`): the time, in seconds, of its under-replicated-partitions sample
   * (`timestamp()` of the gauge). Every Ready broker pod must have one, no older than
   * `staleAfterSeconds`, or the cluster-wide sums above may be missing that broker's share and the
   * controller holds with `stale-data`, naming the pods. The URP gauge is per broker (Kafka's
   * `ReplicaManager` MBean), so each broker has one series; the under-min-ISR gauge is per
   * partition and absent on a broker that hosts no replica, so it cannot prove coverage. Both come
   * from the same scrape of the broker's metrics endpoint (the PodMonitor target, which
   * prometheus-operator labels with `pod`), so one missing means that broker's scrape failed.
   */
  readonly brokerHealthSampleTimestamps: string;
}

/** Lease-based leader election among the controller replicas. */
export interface LeaderElectionConfig {
  /** Namespace of the `coordination.k8s.io` Lease (the controller's namespace). */
  readonly namespace: string;
  /** Lease name. */
  readonly leaseName: string;
  /** A lease not renewed for this long may be taken over. */
  readonly leaseDurationSeconds: number;
  /** The leader stops acting when it could not renew for this long. */
  readonly renewDeadlineSeconds: number;
  /** Interval between acquire/renew attempts. */
  readonly retryPeriodSeconds: number;
}

export interface ControllerConfig {
  /** Platform name; also the Strimzi `Kafka` resource name. */
  readonly clusterName: string;
  /** AWS region of the Auto Scaling groups. */
  readonly region: string;
  /**
   * The EKS cluster the Kafka nodegroups belong to: their Auto Scaling groups must also carry the
   * tag `eks:cluster-name` with this value (a nodegroup name is unique only within its cluster).
   * From the spec: `cluster.existing.name`, else the platform name (`clusterNameOf`).
   * @default - not checked; a zone whose nodegroup tag matches several groups then reads none
   */
  readonly eksClusterName?: string;
  /** Namespace of the Kafka cluster. */
  readonly kafkaNamespace: string;
  /** Node label key and value that mark Kafka nodes. */
  readonly kafkaNodeLabel: { readonly key: string; readonly value: string };
  /** The zones, in spec order. */
  readonly zones: readonly ZoneConfig[];
  /** Node counts per zone that carry equal brokers per node, ascending. */
  readonly balancedNodeCounts: readonly number[];
  /** Lowest node count per zone. */
  readonly minNodesPerZone: number;
  /** Highest node count per zone. */
  readonly maxNodesPerZone: number;
  /** Baseline network bandwidth of one Kafka node, MiB/s per direction. */
  readonly nodeBaselineMiBps: number;
  /** Share of the baseline a node may be planned to carry (0-1]. */
  readonly targetUtilization: number;
  /** Demand must be this share below the lower level before a scale-in. */
  readonly scaleInMargin: number;
  /** How long demand must stay below the lower level before a scale-in. */
  readonly scaleInStabilizationSeconds: number;
  /**
   * The scale-in stabilization, seconds, for a removal that moves nothing: the node to remove
   * carries no broker pod, no broker pod of its zone waits unbound, and the zone needs no
   * re-spread (`decide.ts`, `removalMovesNothing`), and, with the ramp guard on, demand is not
   * rising at all (its slope). The node a scale-out launched for a spike that
   * ended before it was Ready is such a node: it never got a broker, so removing it costs no move.
   * Like Karpenter's `consolidateAfter` (NodePool `spec.disruption`, the time a node must have
   * had no pod scheduled or removed before consolidation may take it;
   * https://karpenter.sh/docs/concepts/disruption/), but judged on this controller's own clocks:
   * the balanced level the zone scales in toward must have carried it at every pass of this
   * window, as for `scaleInStabilizationSeconds`. Never longer than `scaleInStabilizationSeconds`
   * (`emptyNodeStabilizationSeconds(config)` takes the lower). Set from the spec's
   * `autoscaling.emptyNodeStabilizationSeconds`.
   * @default min(DEFAULT_EMPTY_NODE_STABILIZATION_SECONDS, scaleInStabilizationSeconds)
   */
  readonly emptyNodeStabilizationSeconds?: number;
  /** Decision interval. */
  readonly intervalSeconds: number;
  /** Keep every zone at the same node count. */
  readonly sameLevelInAllZones: boolean;
  /** Minimum levels for known daily peaks. */
  readonly scheduledMinimums: readonly ScheduledMinimum[];
  /**
   * Forecast floor (`autoscaling.forecast`, opt-in): raise a zone ahead of the demand its history
   * says is coming (`controller/forecast.ts`). @default undefined (off)
   */
  readonly forecast?: ForecastConfig;
  /**
   * Ramp guard (`controller/ramp.ts`): look-ahead, seconds, of the demand rise that raises a zone
   * one level ahead of a steep climb past its nodes' baseline. Set from the spec together with the
   * forecast floor (`autoscaling.forecast.enabled`), to `DEFAULT_RAMP_HORIZON_SECONDS` (180).
   * @default undefined (off)
   */
  readonly rampHorizonSeconds?: number;
  /** Replication factor of the cluster's topics (for load estimates). */
  readonly replicationFactor: number;
  /** Decide and report, never act. */
  readonly dryRun: boolean;
  /** Prometheus base URL. */
  readonly prometheusUrl: string;
  /** The PromQL queries for load and replication health. */
  readonly prometheusQueries: PrometheusQueries;
  /** Observations older than this are stale; the controller holds. */
  readonly staleAfterSeconds: number;
  /** How long one broker move may take before it is retried (once) and then abandoned. */
  readonly moveTimeoutSeconds: number;
  /**
   * How long any other operation phase may wait without progress (cordon, waiting for Kafka to be
   * healthy between moves, unprotect, terminate, uncordon, the node leaving after termination)
   * before its defined exit: roll back, abandon, or let go; see docs/controller.md. Must exceed
   * `staleAfterSeconds`. @default 600
   */
  readonly operationPhaseTimeoutSeconds?: number;
  /**
   * Consecutive deadline rollbacks of one kind of operation on one node after which its zone
   * starts no new operation of that kind for a backoff (the rollback loop breaker,
   * controller/rollback-loop.ts). @default 3
   */
  readonly rollbackLoopLimit?: number;
  /**
   * The first backoff of the rollback loop breaker, seconds; it doubles with each further deadline
   * rollback, at most 24 hours. @default 3600
   */
  readonly rollbackLoopBackoffSeconds?: number;
  /** How long new nodes may take to become Ready before the zone is reported as unable to grow. */
  readonly nodeReadyTimeoutSeconds: number;
  /** Leader election settings. */
  readonly leaderElection: LeaderElectionConfig;
  /** Port of `/metrics`, `/healthz` and `/readyz`. */
  readonly httpPort: number;
  /**
   * Client-side budget for every Kubernetes API request (token bucket; a 429 pauses it for its
   * `Retry-After`). @default { qps: 10, burst: 100 } (client-go's)
   */
  readonly kubernetesApiRateLimit?: { readonly qps: number; readonly burst: number };
  /**
   * Minimum time between two mutating Auto Scaling calls (`SetDesiredCapacity`,
   * `TerminateInstanceInAutoScalingGroup`, `SetInstanceProtection`: the housekeeping's, an
   * operation's unprotect and protect) on the same group (`spacedGroupWriter` in rate-limit.ts).
   * @default 10
   */
  readonly autoscalingMutationIntervalSeconds?: number;
  /**
   * A node or pod watch that delivers no event for this long is rebuilt by a relist, which is also
   * what refreshes the Kubernetes view's age while nothing changes: it must stay below
   * `staleAfterSeconds`, or a quiet cluster reads as stale data. @default 60
   */
  readonly watchQuietLimitSeconds?: number;
}

/**
 * Default of `emptyNodeStabilizationSeconds`, seconds: 180. Not below a node launch round trip:
 * an empty node removed and needed again comes back only after a launch (EC2 start and kubelet
 * join, about 120 s; the simulator's `--node-ready-seconds` default and the forecast floor's lead
 * time assume the same), so a shorter window would trade a node-minute saved for a zone short of
 * a node whenever demand returns within the launch time; nor below the 2-minute `rate()` window of
 * the default throughput queries (`defaultPrometheusQueries`), or the demand that carried the
 * lower level could still include samples from before the spike ended. Measured with the
 * simulator on stacks/prod.yaml at 800 MiB/s (issue #16): 180 s takes the elb trace from 94.0% to
 * 95.0% of the oracle's savings and occupancy from 87.1% to 87.7%, 120 s a little more, with more
 * minutes above baseline on elb.
 */
export const DEFAULT_EMPTY_NODE_STABILIZATION_SECONDS = 180;

/**
 * The effective window for a removal that moves nothing, seconds: the configured or default
 * `emptyNodeStabilizationSeconds`, never above `scaleInStabilizationSeconds` (a configuration
 * with a short full window, such as the e2e tier's 20 s, keeps its own).
 */
export function emptyNodeStabilizationSeconds(config: ControllerConfig): number {
  return Math.min(
    config.emptyNodeStabilizationSeconds ?? DEFAULT_EMPTY_NODE_STABILIZATION_SECONDS,
    config.scaleInStabilizationSeconds,
  );
}

/** Default of `watchQuietLimitSeconds`. */
export const DEFAULT_WATCH_QUIET_LIMIT_SECONDS = 60;

/** Default of `operationPhaseTimeoutSeconds`. */
export const DEFAULT_OPERATION_PHASE_TIMEOUT_SECONDS = 600;

/** Default PromQL: cAdvisor network counters per broker pod and Strimzi's Kafka exporter metrics. */
export function defaultPrometheusQueries(
  namespace: string,
  clusterName: string,
): PrometheusQueries {
  const brokerPods = `namespace="${namespace}",pod=~"${clusterName}-brokers-.*"`;
  return {
    brokerReceiveBytesPerSecond: `sum by (pod) (rate(container_network_receive_bytes_total{${brokerPods}}[2m]))`,
    brokerTransmitBytesPerSecond: `sum by (pod) (rate(container_network_transmit_bytes_total{${brokerPods}}[2m]))`,
    underReplicatedPartitions: `sum(${UNDER_REPLICATED_PARTITIONS}{namespace="${namespace}"})`,
    underMinIsrPartitions: `sum(${UNDER_MIN_ISR_PARTITIONS}{namespace="${namespace}"})`,
    brokerSampleTimestamps: `min by (pod) (timestamp(container_network_receive_bytes_total{${brokerPods}}))`,
    healthSampleTimestamp: `min(timestamp(${UNDER_REPLICATED_PARTITIONS}{namespace="${namespace}"}))`,
    brokerHealthSampleTimestamps: `min by (pod) (timestamp(${UNDER_REPLICATED_PARTITIONS}{${brokerPods}}))`,
  };
}

/** Builds the controller configuration from a validated spec. */
export function controllerConfigFromSpec(loaded: LoadedSpec): ControllerConfig {
  const { spec, plan } = loaded;
  const staleAfterSeconds = Math.max(120, spec.autoscaling.intervalSeconds * 4);
  return {
    clusterName: spec.name,
    region: spec.region,
    eksClusterName: clusterNameOf(spec),
    kafkaNamespace: spec.kafka.namespace,
    kafkaNodeLabel: { key: KAFKA_NODE_LABEL, value: plan.kafkaNodeLabelValue },
    zones: plan.zones.map(zone => ({
      zone: zone.zone,
      poolName: zone.poolName,
      nodegroupName: zone.nodegroupName,
      brokers: plan.brokersPerZone,
    })),
    balancedNodeCounts: plan.balancedNodeCounts,
    minNodesPerZone: plan.minNodesPerZone,
    maxNodesPerZone: plan.maxNodesPerZone,
    nodeBaselineMiBps: plan.nodeCapacity.baselineMiBps,
    targetUtilization: spec.autoscaling.targetUtilization,
    scaleInMargin: spec.autoscaling.scaleInMargin,
    scaleInStabilizationSeconds: spec.autoscaling.scaleInStabilizationSeconds,
    emptyNodeStabilizationSeconds:
      spec.autoscaling.emptyNodeStabilizationSeconds ??
      Math.min(
        DEFAULT_EMPTY_NODE_STABILIZATION_SECONDS,
        spec.autoscaling.scaleInStabilizationSeconds,
      ),
    intervalSeconds: spec.autoscaling.intervalSeconds,
    sameLevelInAllZones: spec.autoscaling.sameLevelInAllZones,
    scheduledMinimums: spec.autoscaling.scheduledMinimums,
    ...(spec.autoscaling.forecast.enabled
      ? {
          forecast: {
            ...DEFAULT_FORECAST,
            historyDays: spec.autoscaling.forecast.historyDays,
            quantile: spec.autoscaling.forecast.quantile,
            maxRaiseShare: spec.autoscaling.forecast.maxRaiseShare,
            leadTimeSeconds:
              spec.autoscaling.forecast.leadTimeSeconds ??
              forecastLeadTimeSeconds({
                nodeLaunchSeconds: 120,
                moveSeconds: 150,
                zones: plan.zones.length,
                brokersPerZone: plan.brokersPerZone,
                balancedNodeCounts: plan.balancedNodeCounts,
              }),
          },
          rampHorizonSeconds: DEFAULT_RAMP_HORIZON_SECONDS,
        }
      : {}),
    replicationFactor: spec.kafka.replicationFactor,
    dryRun: spec.autoscaling.dryRun,
    prometheusUrl: spec.monitoring.prometheusUrl,
    prometheusQueries: defaultPrometheusQueries(spec.kafka.namespace, spec.name),
    staleAfterSeconds,
    moveTimeoutSeconds: 900,
    // Longer than the staleness limit, so a phase never times out on data older than its write.
    operationPhaseTimeoutSeconds: Math.max(
      DEFAULT_OPERATION_PHASE_TIMEOUT_SECONDS,
      2 * staleAfterSeconds,
    ),
    nodeReadyTimeoutSeconds: 900,
    leaderElection: {
      namespace: spec.controller.namespace,
      leaseName: `${spec.name}-kafka-autoscaler`,
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
    },
    httpPort: 8080,
    kubernetesApiRateLimit: { ...DEFAULT_KUBERNETES_RATE_LIMIT },
    autoscalingMutationIntervalSeconds: DEFAULT_AUTOSCALING_MUTATION_INTERVAL_SECONDS,
  };
}
