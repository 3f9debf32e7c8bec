/** PodMonitor bodies: which pods Prometheus scrapes, on which port and path. */
import { STRIMZI_BROKER_ROLE_LABEL, STRIMZI_CLUSTER_LABEL } from '../kafka/labels';
import { STRIMZI_KIND_LABEL } from '../descheduler/policy';

export const PROMETHEUS_OPERATOR_API_VERSION = 'monitoring.coreos.com/v1';
/** Label kube-prometheus-stack's Prometheus selects monitors and rules by, by default. */
export const PROMETHEUS_RELEASE_LABEL = { release: 'kube-prometheus-stack' };
/** Port Strimzi opens on Kafka pods for the metrics reporter. */
export const STRIMZI_METRICS_PORT = 'tcp-prometheus';
export const STRIMZI_CONTROLLER_ROLE_LABEL = 'strimzi.io/controller-role';

export interface PodMonitorTarget {
  /** PodMonitor name. */
  readonly name: string;
  /** Namespace of the pods; the PodMonitor lives there too. */
  readonly namespace: string;
  readonly matchLabels: Readonly<Record<string, string>>;
  /** Container port name. */
  readonly port: string;
  readonly path: string;
  readonly scheme?: 'http' | 'https';
}

/** The PodMonitor `spec`. */
export function podMonitorSpec(target: PodMonitorTarget): Record<string, unknown> {
  return {
    selector: { matchLabels: { ...target.matchLabels } },
    podMetricsEndpoints: [
      {
        port: target.port,
        path: target.path,
        interval: '30s',
        ...(target.scheme === 'https'
          ? { scheme: 'https', tlsConfig: { insecureSkipVerify: true } }
          : {}),
      },
    ],
  };
}

/** Brokers and KRaft controllers of one Strimzi cluster. */
export function kafkaPodMonitorTargets(clusterName: string, namespace: string): PodMonitorTarget[] {
  const kafkaPods = { [STRIMZI_CLUSTER_LABEL]: clusterName, [STRIMZI_KIND_LABEL]: 'Kafka' };
  return [
    {
      name: `${clusterName}-brokers`,
      namespace,
      matchLabels: { ...kafkaPods, [STRIMZI_BROKER_ROLE_LABEL]: 'true' },
      port: STRIMZI_METRICS_PORT,
      path: '/metrics',
    },
    {
      name: `${clusterName}-controllers`,
      namespace,
      matchLabels: { ...kafkaPods, [STRIMZI_CONTROLLER_ROLE_LABEL]: 'true' },
      port: STRIMZI_METRICS_PORT,
      path: '/metrics',
    },
  ];
}

/** The Strimzi Cluster Operator (its Helm chart labels the pod `name: strimzi-cluster-operator`). */
export function strimziOperatorPodMonitorTarget(namespace: string): PodMonitorTarget {
  return {
    name: 'strimzi-cluster-operator',
    namespace,
    matchLabels: { [STRIMZI_KIND_LABEL]: 'cluster-operator' },
    port: 'http',
    path: '/metrics',
  };
}

/** The Drain Cleaner (Quarkus serves metrics under `/q/metrics` on its HTTP port). */
export function drainCleanerPodMonitorTarget(
  namespace: string,
  matchLabels: Readonly<Record<string, string>>,
): PodMonitorTarget {
  return {
    name: 'strimzi-drain-cleaner',
    namespace,
    matchLabels,
    port: 'http',
    path: '/q/metrics',
  };
}
