/**
 * Alerting rules for the Kafka cluster and the machinery that scales it. Each alert links to a
 * runbook in `docs/runbooks/`, named by `RUNBOOKS`.
 */
import type { DecisionReason } from '../../controller/model';
import type { PlatformSpec } from '../../spec/schema';
import {
  AUTOSCALER_ADMISSION_FENCE_REFUSALS,
  AUTOSCALER_BLOCKED,
  AUTOSCALER_CURRENT_MOVE_AGE,
  AUTOSCALER_NODES_HELD_CORDONED,
  AUTOSCALER_ROLLBACK_LOOP_HELD,
  CERTIFICATE_EXPIRY,
  DEPLOYMENT_AVAILABLE_REPLICAS,
  OFFLINE_PARTITIONS,
  POD_READY,
  UNDER_MIN_ISR_PARTITIONS,
  UNDER_REPLICATED_PARTITIONS,
  VOLUME_AVAILABLE_BYTES,
  VOLUME_CAPACITY_BYTES,
} from './metric-names';

/** Runbook files under `docs/runbooks/`. */
export const RUNBOOKS = {
  underReplicated: 'under-replicated-partitions.md',
  zoneFailure: 'zone-failure.md',
  diskFilling: 'disk-filling.md',
  brokerMoveStuck: 'broker-move-stuck.md',
  autoscalerBlocked: 'autoscaler-blocked.md',
  nodeHeldCordoned: 'node-held-cordoned.md',
  fenceRefusals: 'admission-fence-refusals.md',
  drainCleaner: 'drain-cleaner-webhook.md',
} as const;

/**
 * Hold reasons that `KafkaAutoscalerBlocked` does not count: ordinary waits during which capacity
 * already follows load as far as the configuration allows. `stabilizing` is the scale-in window
 * (`autoscaling.scaleInStabilizationSeconds`), which restarts whenever demand comes back inside the
 * margin, so a plateau just above a lower level holds it for hours while the zone runs at its
 * target; `group-at-min-size` is a zone that would go below its group's minimum, the floor the spec
 * asked for. Both still show in `kafka_autoscaler_blocked_seconds_total` and on the dashboard.
 */
export const ORDINARY_WAIT_REASONS: readonly DecisionReason[] = [
  'stabilizing',
  'group-at-min-size',
];

/**
 * Refusals by the admission fence, summed over the controller's replicas within
 * `FENCE_REFUSAL_WINDOW`, from which `KafkaAutoscalerFenceRefusals` fires. A takeover can cost one
 * or two (the old leader's write in flight, the new leader's first write while the API server's
 * cache still shows the old Lease); more means a replica keeps writing with a stamp the API server
 * never accepts.
 */
export const FENCE_REFUSALS_REPEATED = 3;
/** The window `FENCE_REFUSALS_REPEATED` is counted over. */
export const FENCE_REFUSAL_WINDOW = '15m';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'warning' | 'critical' };
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

export interface AlertGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

interface AlertInput {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: 'warning' | 'critical';
  readonly summary: string;
  readonly description: string;
  readonly runbook: (typeof RUNBOOKS)[keyof typeof RUNBOOKS];
}

function rule(spec: PlatformSpec, input: AlertInput): AlertRule {
  const base = spec.monitoring.runbookBaseUrl.replace(/\/+$/, '');
  return {
    alert: input.alert,
    expr: input.expr,
    for: input.for,
    labels: { severity: input.severity },
    annotations: {
      summary: input.summary,
      description: input.description,
      runbook_url: `${base}/${input.runbook}`,
    },
  };
}

/** Rules about Kafka itself: replication, availability, disks. */
export function kafkaAlertGroup(spec: PlatformSpec): AlertGroup {
  const ns = spec.kafka.namespace;
  const cluster = `namespace="${ns}",pod=~"${spec.name}-.*"`;
  const brokers = `namespace="${ns}",pod=~"${spec.name}-brokers-.*"`;
  const volumes = `namespace="${ns}",persistentvolumeclaim=~"data-.*-${spec.name}-brokers-.*"`;
  return {
    name: `${spec.name}-kafka`,
    rules: [
      rule(spec, {
        alert: 'KafkaUnderReplicatedPartitions',
        expr: `sum(${UNDER_REPLICATED_PARTITIONS}{${brokers}}) > 0`,
        for: '10m',
        severity: 'warning',
        summary: `Kafka cluster ${spec.name} has under-replicated partitions`,
        description:
          '{{ $value }} partitions have fewer in-sync replicas than replicas for 10 minutes. Broker moves and scale-in are held until this clears.',
        runbook: RUNBOOKS.underReplicated,
      }),
      rule(spec, {
        alert: 'KafkaUnderMinIsr',
        expr: `sum(${UNDER_MIN_ISR_PARTITIONS}{${brokers}}) > 0`,
        for: '1m',
        severity: 'critical',
        summary: `Kafka cluster ${spec.name} has partitions below min.insync.replicas`,
        description:
          '{{ $value }} partitions reject acks=all writes because too few replicas are in sync.',
        runbook: RUNBOOKS.underReplicated,
      }),
      rule(spec, {
        alert: 'KafkaOfflinePartitions',
        expr: `max(${OFFLINE_PARTITIONS}{${cluster}}) > 0`,
        for: '1m',
        severity: 'critical',
        summary: `Kafka cluster ${spec.name} has offline partitions`,
        description: '{{ $value }} partitions have no leader: reads and writes to them fail.',
        runbook: RUNBOOKS.underReplicated,
      }),
      rule(spec, {
        alert: 'KafkaBrokerNotReady',
        expr: `max by (pod) (${POD_READY}{${brokers},condition="true"}) == 0`,
        for: '15m',
        severity: 'warning',
        summary: 'Broker {{ $labels.pod }} has not been Ready for 15 minutes',
        description:
          'A broker is Pending or failing readiness. Brokers cannot leave their zone (EBS), so a zone problem keeps them Pending.',
        runbook: RUNBOOKS.zoneFailure,
      }),
      rule(spec, {
        alert: 'KafkaBrokerDiskFilling',
        expr: `100 * (1 - ${VOLUME_AVAILABLE_BYTES}{${volumes}} / ${VOLUME_CAPACITY_BYTES}{${volumes}}) > ${spec.monitoring.diskFillingPercent}`,
        for: '15m',
        severity: 'warning',
        summary: 'Broker volume {{ $labels.persistentvolumeclaim }} is filling up',
        description: `The volume is more than ${spec.monitoring.diskFillingPercent}% full. Scaling nodes does not add disk: grow the volume or shorten retention.`,
        runbook: RUNBOOKS.diskFilling,
      }),
    ],
  };
}

/** Rules about the scaling machinery: the controller, the Drain Cleaner and its certificate. */
export function operationsAlertGroup(spec: PlatformSpec): AlertGroup {
  const controller = `namespace="${spec.controller.namespace}"`;
  const drainCleanerNs = spec.drainCleaner.namespace;
  const rules: AlertRule[] = [
    rule(spec, {
      alert: 'DrainCleanerDegraded',
      expr: `${DEPLOYMENT_AVAILABLE_REPLICAS}{namespace="${drainCleanerNs}",deployment="strimzi-drain-cleaner"} < ${spec.drainCleaner.replicas}`,
      for: '10m',
      severity: 'warning',
      summary: 'Strimzi Drain Cleaner runs fewer replicas than configured',
      description:
        '{{ $value }} replicas are available. With none, evictions of Kafka pods fail and node drains stall.',
      runbook: RUNBOOKS.drainCleaner,
    }),
    rule(spec, {
      alert: 'DrainCleanerCertificateExpiring',
      expr: `${CERTIFICATE_EXPIRY}{namespace="${drainCleanerNs}",name="strimzi-drain-cleaner"} - time() < 14 * 86400`,
      for: '1h',
      severity: 'warning',
      summary: 'The Drain Cleaner webhook certificate expires within 14 days',
      description:
        'cert-manager should have renewed it 30 days before expiry; check the Certificate and the issuer.',
      runbook: RUNBOOKS.drainCleaner,
    }),
  ];
  if (spec.autoscaling.mode === 'controller') {
    rules.push(
      rule(spec, {
        alert: 'KafkaBrokerMoveStuck',
        // The age gauge comes from the move's record on the node, so it is the same on every
        // replica and keeps counting across a leader change (per-pod counters would not).
        expr: `max(${AUTOSCALER_CURRENT_MOVE_AGE}{${controller}}) > ${spec.monitoring.brokerMoveStuckMinutes * 60}`,
        for: '2m',
        severity: 'warning',
        summary: `A broker move has run for more than ${spec.monitoring.brokerMoveStuckMinutes} minutes`,
        description:
          'The moved broker is not Ready on a new node with all partitions in sync yet. Scaling is paused until it is.',
        runbook: RUNBOOKS.brokerMoveStuck,
      }),
      rule(spec, {
        alert: 'KafkaNodeHeldCordoned',
        // The gauge counts only nodes held for the controller's phase deadline already, and only
        // the leader sets it (0 elsewhere), so any replica's value above 0 is one such node.
        expr: `max(${AUTOSCALER_NODES_HELD_CORDONED}{${controller}}) > 0`,
        for: '5m',
        severity: 'warning',
        summary: 'A node the Kafka autoscaler cordoned stays cordoned and needs an operator',
        description:
          "{{ $value }} node(s) carry the controller's cordon without an operation record, and it will not uncordon them (instance detached or in no group, leaving, or node NotReady). The NodeHeldCordoned Events name them.",
        runbook: RUNBOOKS.nodeHeldCordoned,
      }),
      rule(spec, {
        alert: 'KafkaAutoscalerRollbackLoop',
        // The breaker has already seen rollbackLoopLimit deadline rollbacks in a row; it lifts on
        // its own after a growing backoff, so this names the zone while it holds, whatever other
        // hold the pass reports first.
        expr: `max by (zone, kind) (${AUTOSCALER_ROLLBACK_LOOP_HELD}{${controller}}) > 0`,
        for: '5m',
        severity: 'warning',
        summary:
          'The Kafka autoscaler stopped starting {{ $labels.kind }} operations in zone {{ $labels.zone }} after repeated rollbacks',
        description:
          'Several operations in a row ran past their deadline and were rolled back for a cause the controller cannot see. The node annotation kafka.platform/autoscaler-rollbacks and the rollback-loop hold detail name the node and the last cause.',
        runbook: RUNBOOKS.autoscalerBlocked,
      }),
      ...(spec.controller.admissionFence
        ? [
            rule(spec, {
              alert: 'KafkaAutoscalerFenceRefusals',
              // Summed over replicas and pod restarts (`increase` handles a counter reset).
              expr: `sum(increase(${AUTOSCALER_ADMISSION_FENCE_REFUSALS}{${controller}}[${FENCE_REFUSAL_WINDOW}])) >= ${FENCE_REFUSALS_REPEATED}`,
              for: '5m',
              severity: 'warning',
              summary: `The API server's admission fence keeps refusing the Kafka autoscaler's writes (${FENCE_REFUSALS_REPEATED} or more in ${FENCE_REFUSAL_WINDOW})`,
              description:
                "Each refused write means the replica's stamp did not match the Lease the API server reads; the replica stops leading until it reads the Lease again, so while this lasts the controller acts on nothing in Kubernetes. Usual causes: an image that does not stamp (controller.image pinned to an older version), or a binding re-created while the API server watches a stale Lease (kubernetes/kubernetes#130887).",
              runbook: RUNBOOKS.fenceRefusals,
            }),
          ]
        : []),
      rule(spec, {
        alert: 'KafkaAutoscalerBlocked',
        // Holding nearly all the time for one reason, continuously for the threshold; ordinary
        // waits (ORDINARY_WAIT_REASONS) are not being blocked.
        expr: `max by (reason) (rate(${AUTOSCALER_BLOCKED}{${controller},reason!~"${ORDINARY_WAIT_REASONS.join('|')}"}[5m])) > 0.9`,
        for: `${spec.monitoring.autoscalerBlockedMinutes}m`,
        severity: 'warning',
        summary: `The Kafka autoscaler has held for {{ $labels.reason }} for more than ${spec.monitoring.autoscalerBlockedMinutes} minutes`,
        description:
          'The controller refuses to scale while the cluster is unsafe; capacity stays where it is until the reason clears.',
        runbook: RUNBOOKS.autoscalerBlocked,
      }),
    );
  }
  return { name: `${spec.name}-operations`, rules };
}
