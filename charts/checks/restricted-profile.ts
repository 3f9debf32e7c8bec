/**
 * The restricted pod security profile as this project writes it: one source for the builders that
 * set it and for the checks that enforce it (`pod-security.ts`).
 */
import { k8s } from 'cdk8s-plus-27';

const k8sQuantity = (value: string): k8s.Quantity => k8s.Quantity.fromString(value);

/** UID and GID our own containers run as; none of the images needs a particular one. */
export const NON_ROOT_UID = 65532;

/** Pod-level settings of the Kubernetes "restricted" Pod Security Standard. */
export function restrictedPodSecurityContext(): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: NON_ROOT_UID,
    runAsGroup: NON_ROOT_UID,
    fsGroup: NON_ROOT_UID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level settings: no privilege, no escalation, no capabilities, read-only root. */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Namespace labels that make the API server enforce the restricted standard. */
export function restrictedNamespaceLabels(): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/warn': 'restricted',
  };
}

/** Scratch space of our small workloads: the `/tmp` emptyDir plus logs. */
const EPHEMERAL_STORAGE_REQUEST = '64Mi';
const EPHEMERAL_STORAGE_LIMIT = '128Mi';

/**
 * Resources of a small platform workload: CPU and memory requests, memory limit = what it may
 * use, and an ephemeral-storage request and limit so disk pressure does not evict it first.
 */
export function smallWorkloadResources(
  cpu: k8s.Quantity,
  memoryRequest: k8s.Quantity,
  memoryLimit: k8s.Quantity,
): k8s.ResourceRequirements {
  return {
    requests: {
      cpu,
      memory: memoryRequest,
      'ephemeral-storage': k8sQuantity(EPHEMERAL_STORAGE_REQUEST),
    },
    limits: { memory: memoryLimit, 'ephemeral-storage': k8sQuantity(EPHEMERAL_STORAGE_LIMIT) },
  };
}
