/** Values of the pinned Helm releases, as plain data built from the spec. */
import type { PlatformSpec } from '../../spec/schema';
import { SERVICE_ACCOUNTS, clusterNameOf } from './names';
import { clusterAutoscalerDiscoveryTag } from './tags';

export type HelmValues = Record<string, unknown>;

/** Replicas of the cluster-wide controllers whose webhooks fail closed. */
const HA_REPLICAS = 2;

/**
 * The AWS Load Balancer Controller. Region and VPC ID are passed explicitly because nodes allow
 * only one IMDS hop, so the controller's pods cannot read them from instance metadata.
 */
export function loadBalancerControllerValues(spec: PlatformSpec, vpcId: string): HelmValues {
  return {
    clusterName: clusterNameOf(spec),
    region: spec.region,
    vpcId,
    replicaCount: spec.operators.loadBalancerControllerReplicas,
    serviceAccount: { create: true, name: SERVICE_ACCOUNTS.loadBalancerController.name },
    // Only Services that ask for the NLB class get one; no silent mutation of other Services.
    enableServiceMutatorWebhook: false,
    podDisruptionBudget: { maxUnavailable: 1 },
  };
}

/** cert-manager with its CRDs (the Drain Cleaner's certificate needs them). */
export function certManagerValues(): HelmValues {
  return { crds: { enabled: true }, replicaCount: HA_REPLICAS };
}

/** The Strimzi cluster operator, restricted pod security for the Kafka pods it creates. */
export function strimziOperatorValues(): HelmValues {
  return {
    watchAnyNamespace: true,
    replicas: 1,
    extraEnvs: [{ name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS', value: 'restricted' }],
  };
}

/**
 * Cluster Autoscaler, discovering only groups with this platform's own tag (the system group),
 * so it never touches a Kafka group.
 */
export function clusterAutoscalerValues(spec: PlatformSpec): HelmValues {
  const tag = clusterAutoscalerDiscoveryTag(spec.name);
  return {
    cloudProvider: 'aws',
    awsRegion: spec.region,
    autoDiscovery: { clusterName: spec.name, tags: [`${tag.key}=${tag.value}`] },
    rbac: {
      serviceAccount: { create: true, name: SERVICE_ACCOUNTS.clusterAutoscaler.name },
    },
    extraArgs: {
      expander: 'least-waste',
      'balance-similar-node-groups': false,
      'skip-nodes-with-local-storage': false,
    },
  };
}

/** kube-prometheus-stack, only when the spec asks for it. */
export function kubePrometheusStackValues(): HelmValues {
  return {
    prometheus: {
      prometheusSpec: {
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        serviceMonitorSelectorNilUsesHelmValues: false,
      },
    },
  };
}
