/** EKS access entries (the API authentication mode; no aws-auth ConfigMap). */

/** EKS access policy that makes a principal cluster admin. */
export const CLUSTER_ADMIN_POLICY_ARN =
  'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

export interface AdminAccessEntry {
  readonly principalArn: string;
  readonly accessPolicies: {
    readonly clusterAdmin: {
      readonly policyArn: string;
      readonly accessScope: { readonly type: 'cluster' };
    };
  };
}

/** One access entry per admin principal, each with the cluster-admin policy on the whole cluster. */
export function accessEntriesFor(
  principalArns: readonly string[],
): Record<string, AdminAccessEntry> {
  return Object.fromEntries(
    principalArns.map((principalArn, index) => [
      `admin-${index}`,
      {
        principalArn,
        accessPolicies: {
          clusterAdmin: { policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: 'cluster' } },
        },
      },
    ]),
  );
}
