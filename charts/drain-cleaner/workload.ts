/**
 * Strimzi Drain Cleaner: Deployment, PDB, Service and RBAC bodies. Plain functions; the chart
 * assembles. The Drain Cleaner intercepts evictions of Kafka pods, annotates the pod for a Strimzi
 * rolling update and lets the Cluster Operator move it once in-sync replicas allow.
 */
import { k8s } from 'cdk8s-plus-27';
import { HOSTNAME_LABEL, ZONE_LABEL } from '../kafka/labels';
import {
  restrictedContainerSecurityContext,
  smallWorkloadResources,
  restrictedPodSecurityContext,
} from '../checks/restricted-profile';
import type { PlatformSpec } from '../../spec/schema';

export const DRAIN_CLEANER_NAME = 'strimzi-drain-cleaner';
/** Secret with the serving certificate; the Drain Cleaner watches it and restarts on renewal. */
export const DRAIN_CLEANER_TLS_SECRET = DRAIN_CLEANER_NAME;
export const DRAIN_CLEANER_HTTP_PORT = 8080;
export const DRAIN_CLEANER_HTTPS_PORT = 8443;
export const DRAIN_CLEANER_WEBHOOK_PATH = '/drainer';
export const DENY_EVICTION_ENV = 'STRIMZI_DENY_EVICTION';
export const DRAIN_NAMESPACES_ENV = 'STRIMZI_DRAIN_NAMESPACES';
const CERT_DIR = '/etc/webhook-certificates';

export function drainCleanerSelectorLabels(): Record<string, string> {
  return { app: DRAIN_CLEANER_NAME };
}

/**
 * `STRIMZI_DENY_EVICTION` for a mode. Deny mode refuses the eviction itself; legacy mode lets the
 * Kafka PDB (`maxUnavailable: 0`) refuse it. Must agree with the Kafka chart's PDB.
 */
export function denyEvictionValue(mode: PlatformSpec['drainCleaner']['mode']): 'true' | 'false' {
  return mode === 'deny' ? 'true' : 'false';
}

/** Environment: Kafka pods only, in the Kafka namespace only, certificates reloaded on renewal. */
export function drainCleanerEnv(spec: PlatformSpec): k8s.EnvVar[] {
  return [
    { name: 'STRIMZI_DRAIN_KAFKA', value: 'true' },
    { name: DENY_EVICTION_ENV, value: denyEvictionValue(spec.drainCleaner.mode) },
    { name: DRAIN_NAMESPACES_ENV, value: spec.kafka.namespace },
    { name: 'STRIMZI_CERTIFICATE_WATCH_ENABLED', value: 'true' },
    {
      name: 'STRIMZI_CERTIFICATE_WATCH_NAMESPACE',
      valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
    },
    {
      name: 'STRIMZI_CERTIFICATE_WATCH_POD_NAME',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    },
  ];
}

/**
 * Replicas in different zones and on different hosts, both hard and honouring taints: two replicas
 * on one node would let a single drain take the whole webhook away. Spread constraints rather than
 * required pod anti-affinity: with `maxSkew: 1` the surge pod of a rolling update
 * (`maxUnavailable: 0`) can still start when every eligible node already runs a replica, where
 * required anti-affinity would leave it Pending on a small system nodegroup and stall the rollout.
 */
export function drainCleanerSpread(): k8s.TopologySpreadConstraint[] {
  const labelSelector = { matchLabels: drainCleanerSelectorLabels() };
  return [
    {
      maxSkew: 1,
      topologyKey: ZONE_LABEL,
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector,
      nodeAffinityPolicy: 'Honor',
      nodeTaintsPolicy: 'Honor',
    },
    {
      maxSkew: 1,
      topologyKey: HOSTNAME_LABEL,
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector,
      nodeAffinityPolicy: 'Honor',
      nodeTaintsPolicy: 'Honor',
    },
  ];
}

export function drainCleanerDeploymentSpec(spec: PlatformSpec, image: string): k8s.DeploymentSpec {
  const healthProbe = (failureThreshold: number): k8s.Probe => ({
    httpGet: { path: '/health', port: k8s.IntOrString.fromString('http') },
    initialDelaySeconds: 10,
    periodSeconds: 15,
    timeoutSeconds: 3,
    failureThreshold,
  });
  return {
    replicas: spec.drainCleaner.replicas,
    selector: { matchLabels: drainCleanerSelectorLabels() },
    // A new replica is Ready before an old one goes: the webhook never loses a replica to a
    // rollout.
    strategy: {
      type: 'RollingUpdate',
      rollingUpdate: {
        maxSurge: k8s.IntOrString.fromNumber(1),
        maxUnavailable: k8s.IntOrString.fromNumber(0),
      },
    },
    template: {
      metadata: { labels: drainCleanerSelectorLabels() },
      spec: {
        serviceAccountName: DRAIN_CLEANER_NAME,
        priorityClassName: 'system-cluster-critical',
        securityContext: restrictedPodSecurityContext(),
        topologySpreadConstraints: drainCleanerSpread(),
        containers: [
          {
            name: DRAIN_CLEANER_NAME,
            image,
            args: ['/opt/strimzi/bin/drain_cleaner_run.sh'],
            ports: [
              { name: 'http', containerPort: DRAIN_CLEANER_HTTP_PORT },
              { name: 'https', containerPort: DRAIN_CLEANER_HTTPS_PORT },
            ],
            env: drainCleanerEnv(spec),
            // Liveness asks only whether the process accepts connections, so a slow health check
            // takes a replica out of the webhook's endpoints instead of restarting it.
            livenessProbe: {
              tcpSocket: { port: k8s.IntOrString.fromString('http') },
              initialDelaySeconds: 10,
              periodSeconds: 15,
              timeoutSeconds: 3,
              failureThreshold: 3,
            },
            readinessProbe: healthProbe(1),
            resources: smallWorkloadResources(
              k8s.Quantity.fromString('50m'),
              k8s.Quantity.fromString('128Mi'),
              k8s.Quantity.fromString('256Mi'),
            ),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [
              { name: 'webhook-certificates', mountPath: CERT_DIR, readOnly: true },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          },
        ],
        volumes: [
          { name: 'webhook-certificates', secret: { secretName: DRAIN_CLEANER_TLS_SECRET } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
        ],
      },
    },
  };
}

/** Reads and annotates pods, in the Kafka namespace only (matches `STRIMZI_DRAIN_NAMESPACES`). */
export function drainCleanerKafkaRules(): k8s.PolicyRule[] {
  return [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'patch'] }];
}

/** In its own namespace: watch its certificate Secret, and delete its own pod to reload it. */
export function drainCleanerSelfRules(): k8s.PolicyRule[] {
  return [
    { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
    {
      apiGroups: [''],
      resources: ['secrets'],
      resourceNames: [DRAIN_CLEANER_TLS_SECRET],
      verbs: ['get', 'list', 'watch'],
    },
  ];
}
