/**
 * Names of the AWS and Kubernetes things the Pulumi components create. Names are API: the
 * controller, IAM conditions and dashboards find resources by them, so they are derived from the
 * spec only, never random.
 */
import type { PlatformPlan } from '../../spec/derive';
import type { PlatformSpec } from '../../spec/schema';

/** EKS cluster name: the platform name. */
export function clusterNameOf(spec: PlatformSpec): string {
  return spec.name;
}

/** Name of the managed nodegroup for everything that is not Kafka. */
export function systemNodegroupNameOf(spec: PlatformSpec): string {
  return `${spec.name}-system`;
}

/** The Kafka nodegroup names, one per zone, in zone order. */
export function kafkaNodegroupNamesOf(plan: PlatformPlan): string[] {
  return plan.zones.map(zone => zone.nodegroupName);
}

/** Kubernetes service accounts that get AWS permissions through EKS Pod Identity. */
export const SERVICE_ACCOUNTS = {
  ebsCsiController: { namespace: 'kube-system', name: 'ebs-csi-controller-sa' },
  loadBalancerController: { namespace: 'kube-system', name: 'aws-load-balancer-controller' },
  clusterAutoscaler: { namespace: 'kube-system', name: 'cluster-autoscaler' },
} as const;

/** The Kafka-aware controller's service account (the controller chart must use this name). */
export const CONTROLLER_SERVICE_ACCOUNT_NAME = 'kafka-autoscaler';

/** Bootstrap address of the internal TLS listener, as clients inside the cluster use it. */
export function internalBootstrapAddress(spec: PlatformSpec, port: number): string {
  return `${spec.name}-kafka-bootstrap.${spec.kafka.namespace}.svc:${port}`;
}

/** `namespace/name` of the Service Strimzi creates for the external bootstrap NLB. */
export function externalBootstrapServiceOf(spec: PlatformSpec): string {
  return `${spec.kafka.namespace}/${spec.name}-kafka-external-bootstrap`;
}
