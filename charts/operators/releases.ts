/**
 * The operator Helm releases the platform needs, with their values, derived from the spec. Both
 * the GitOps objects here and the Pulumi stack (which installs them when `gitops.engine` is
 * `none`) use this list, so the two paths install the same charts with the same values.
 */
import type { PlatformSpec } from '../../spec/schema';
import {
  AWS_LOAD_BALANCER_CONTROLLER_CHART,
  CERT_MANAGER_CHART,
  KUBE_PROMETHEUS_STACK_CHART,
  STRIMZI_OPERATOR_CHART,
  type HelmChartPin,
} from './versions';

export interface OperatorRelease {
  /** Helm release name, also the GitOps object name. */
  readonly name: string;
  /** Namespace the chart installs into. */
  readonly namespace: string;
  readonly chart: HelmChartPin;
  readonly values: Record<string, unknown>;
}

/** Strimzi: watches the Kafka namespace, and runs operands under the restricted profile. */
export function strimziRelease(spec: PlatformSpec): OperatorRelease {
  return {
    name: 'strimzi-kafka-operator',
    namespace: spec.operators.strimziNamespace,
    chart: STRIMZI_OPERATOR_CHART,
    values: {
      replicas: 2,
      watchNamespaces: [spec.kafka.namespace],
      extraEnvs: [{ name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS', value: 'restricted' }],
    },
  };
}

/** AWS Load Balancer Controller: the per-broker NLBs and their readiness gates depend on it. */
export function loadBalancerControllerRelease(spec: PlatformSpec): OperatorRelease {
  return {
    name: 'aws-load-balancer-controller',
    namespace: 'kube-system',
    chart: AWS_LOAD_BALANCER_CONTROLLER_CHART,
    values: {
      clusterName: spec.name,
      region: spec.region,
      replicaCount: spec.operators.loadBalancerControllerReplicas,
      serviceAccount: { name: 'aws-load-balancer-controller' },
    },
  };
}

/** cert-manager: issues the Drain Cleaner's webhook certificate and injects its CA. */
export function certManagerRelease(spec: PlatformSpec): OperatorRelease {
  return {
    name: 'cert-manager',
    namespace: 'cert-manager',
    chart: CERT_MANAGER_CHART,
    values: {
      crds: { enabled: true },
      replicaCount: 2,
      webhook: { replicaCount: 2 },
      cainjector: { replicaCount: 2 },
      prometheus: {
        enabled: true,
        servicemonitor: { enabled: spec.monitoring.installKubePrometheusStack },
      },
    },
  };
}

/** kube-prometheus-stack, told to pick up every PodMonitor and PrometheusRule. */
export function kubePrometheusStackRelease(spec: PlatformSpec): OperatorRelease {
  return {
    name: 'kube-prometheus-stack',
    namespace: spec.monitoring.namespace,
    chart: KUBE_PROMETHEUS_STACK_CHART,
    values: {
      prometheus: {
        prometheusSpec: {
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          serviceMonitorSelectorNilUsesHelmValues: false,
        },
      },
    },
  };
}

/** Every release, in install order. */
export function operatorReleases(spec: PlatformSpec): OperatorRelease[] {
  const releases = [
    certManagerRelease(spec),
    strimziRelease(spec),
    loadBalancerControllerRelease(spec),
  ];
  if (spec.monitoring.installKubePrometheusStack) releases.push(kubePrometheusStackRelease(spec));
  return releases;
}
