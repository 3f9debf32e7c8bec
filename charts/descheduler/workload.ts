/**
 * The descheduler's Deployment, RBAC and ConfigMap bodies. Plain functions; the chart assembles.
 *
 * Deployment with leader election, not a CronJob: the descheduler keeps its informers warm between
 * cycles and serves `/healthz` and `/metrics` all the time (a CronJob pod exists only while it
 * runs, so nothing could probe or scrape it), and the lease guarantees a single active loop even
 * while a rollout briefly runs an old and a new pod side by side. One eviction per cycle only
 * means something if exactly one loop runs.
 */
import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-27';
import { stringify } from 'yaml';
import { POLICY_FILE } from '../checks/descheduler';
import {
  restrictedContainerSecurityContext,
  smallWorkloadResources,
  restrictedPodSecurityContext,
} from '../checks/restricted-profile';
import type { DeschedulerPolicy } from './policy';

export const DESCHEDULER_NAME = 'descheduler';
/** The descheduler's secure port: health and metrics, HTTPS with a self-signed certificate. */
export const DESCHEDULER_SECURE_PORT = 10258;
const POLICY_DIR = '/policy-dir';

export function deschedulerSelectorLabels(): Record<string, string> {
  return { 'app.kubernetes.io/name': DESCHEDULER_NAME };
}

/** Policy YAML, as the descheduler reads it from its ConfigMap. */
export function policyText(policy: DeschedulerPolicy): string {
  return stringify(policy, { lineWidth: 0 });
}

/**
 * Cluster-wide permissions: read what the spread plugin and the evictor look at, and create
 * evictions. No `delete` on pods: this policy only evicts through the eviction API, so PDBs and the
 * Drain Cleaner's webhook always get their say.
 */
export function deschedulerClusterRules(): k8s.PolicyRule[] {
  return [
    { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'update'] },
    { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
    { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch'] },
    {
      apiGroups: ['scheduling.k8s.io'],
      resources: ['priorityclasses'],
      verbs: ['get', 'list', 'watch'],
    },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list', 'watch'] },
  ];
}

/** Leader election on one named Lease in the descheduler's own namespace. */
export function deschedulerLeaseRules(): k8s.PolicyRule[] {
  return [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: [DESCHEDULER_NAME],
      verbs: ['get', 'update', 'patch'],
    },
  ];
}

export interface DeschedulerDeploymentInput {
  readonly namespace: string;
  readonly image: string;
  readonly intervalSeconds: number;
  readonly policy: DeschedulerPolicy;
}

/** The Deployment spec: one leader-elected loop, restricted, read-only root. */
export function deschedulerDeploymentSpec(input: DeschedulerDeploymentInput): k8s.DeploymentSpec {
  const policyChecksum = createHash('sha256').update(policyText(input.policy)).digest('hex');
  const probe = (failureThreshold: number): k8s.Probe => ({
    httpGet: {
      path: '/healthz',
      port: k8s.IntOrString.fromNumber(DESCHEDULER_SECURE_PORT),
      scheme: 'HTTPS',
    },
    initialDelaySeconds: 5,
    periodSeconds: 20,
    timeoutSeconds: 5,
    failureThreshold,
  });
  return {
    replicas: 1,
    selector: { matchLabels: deschedulerSelectorLabels() },
    // The new pod starts before the old one stops; the leader lease keeps a single active loop.
    strategy: {
      type: 'RollingUpdate',
      rollingUpdate: {
        maxSurge: k8s.IntOrString.fromNumber(1),
        maxUnavailable: k8s.IntOrString.fromNumber(0),
      },
    },
    template: {
      metadata: {
        labels: deschedulerSelectorLabels(),
        annotations: { 'checksum/policy': policyChecksum },
      },
      spec: {
        serviceAccountName: DESCHEDULER_NAME,
        securityContext: restrictedPodSecurityContext(),
        containers: [
          {
            name: DESCHEDULER_NAME,
            image: input.image,
            command: ['/bin/descheduler'],
            args: [
              `--policy-config-file=${POLICY_DIR}/${POLICY_FILE}`,
              `--descheduling-interval=${input.intervalSeconds}s`,
              '--leader-elect=true',
              `--leader-elect-resource-name=${DESCHEDULER_NAME}`,
              `--leader-elect-resource-namespace=${input.namespace}`,
              '--cert-dir=/tmp/serving-certs',
              '--v=3',
            ],
            ports: [{ name: 'metrics', containerPort: DESCHEDULER_SECURE_PORT, protocol: 'TCP' }],
            // Liveness asks only whether the process accepts connections; the health endpoint
            // decides readiness.
            livenessProbe: {
              tcpSocket: { port: k8s.IntOrString.fromNumber(DESCHEDULER_SECURE_PORT) },
              initialDelaySeconds: 5,
              periodSeconds: 20,
              timeoutSeconds: 5,
              failureThreshold: 3,
            },
            readinessProbe: probe(1),
            resources: smallWorkloadResources(
              k8s.Quantity.fromString('50m'),
              k8s.Quantity.fromString('128Mi'),
              k8s.Quantity.fromString('256Mi'),
            ),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [
              { name: 'policy', mountPath: POLICY_DIR, readOnly: true },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          },
        ],
        volumes: [
          { name: 'policy', configMap: { name: DESCHEDULER_NAME } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
        ],
      },
    },
  };
}
