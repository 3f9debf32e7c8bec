/**
 * RBAC as the charts grant it: a role and a binding of the same name that gives it to exactly one
 * service account. One function per scope, so every chart writes the pair the same way.
 */
import { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';

const RBAC_API_GROUP = 'rbac.authorization.k8s.io';

/** The service account a grant is for. */
export interface ServiceAccountRef {
  readonly name: string;
  readonly namespace: string;
}

export interface NamespacedGrant {
  /** Name of the Role and of its RoleBinding. */
  readonly name: string;
  /** Namespace the rules apply in. */
  readonly namespace: string;
  readonly rules: k8s.PolicyRule[];
  readonly serviceAccount: ServiceAccountRef;
}

export interface ClusterGrant {
  /** Name of the ClusterRole and of its ClusterRoleBinding. */
  readonly name: string;
  readonly rules: k8s.PolicyRule[];
  readonly serviceAccount: ServiceAccountRef;
}

function subjectOf(serviceAccount: ServiceAccountRef): k8s.Subject {
  return { kind: 'ServiceAccount', name: serviceAccount.name, namespace: serviceAccount.namespace };
}

/** A Role (construct ID `id`) and its RoleBinding (`<id>-binding`). */
export function grantInNamespace(scope: Construct, id: string, grant: NamespacedGrant): void {
  const metadata = { name: grant.name, namespace: grant.namespace };
  new k8s.KubeRole(scope, id, { metadata, rules: grant.rules });
  new k8s.KubeRoleBinding(scope, `${id}-binding`, {
    metadata,
    roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: grant.name },
    subjects: [subjectOf(grant.serviceAccount)],
  });
}

/** A ClusterRole (construct ID `id`) and its ClusterRoleBinding (`<id>-binding`). */
export function grantClusterWide(scope: Construct, id: string, grant: ClusterGrant): void {
  const metadata = { name: grant.name };
  new k8s.KubeClusterRole(scope, id, { metadata, rules: grant.rules });
  new k8s.KubeClusterRoleBinding(scope, `${id}-binding`, {
    metadata,
    roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: grant.name },
    subjects: [subjectOf(grant.serviceAccount)],
  });
}
