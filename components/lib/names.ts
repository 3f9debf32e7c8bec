/**
 * Names of the AWS and Kubernetes things the Pulumi components create. Names are API: the
 * controller, IAM conditions and dashboards find resources by them, so they are derived from the
 * spec only, never random.
 */
import type { PlatformPlan } from '../../spec/derive';
import {
  externalBootstrapServiceNameOf,
  internalBootstrapServiceNameOf,
} from '../../spec/derived-names';
import type { PlatformSpec } from '../../spec/schema';

// The pure naming helpers live beside the derived-name table that checks their limits.
export { clusterNameOf, systemNodegroupNameOf } from '../../spec/derived-names';

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
  return `${internalBootstrapServiceNameOf(spec)}.${spec.kafka.namespace}.svc:${port}`;
}

/** `namespace/name` of the Service Strimzi creates for the external bootstrap NLB. */
export function externalBootstrapServiceOf(spec: PlatformSpec): string {
  return `${spec.kafka.namespace}/${externalBootstrapServiceNameOf(spec)}`;
}
