/**
 * EKS access entries (the API authentication mode; no aws-auth ConfigMap), one per
 * `cluster.adminPrincipalArns` entry, created by pulumi-eks under the logical name
 * `<cluster resource>-<key>` of each key of `accessEntries`.
 *
 * An access entry's physical identity is its cluster and principal, and `principal_arn` is
 * create-only (Terraform AWS provider `ForceNew`, internal/service/eks/access_entry.go), so a key
 * whose principal changes is replaced, the new entry created before the old one is deleted, and
 * EKS refuses to create an entry for a principal another key still holds (ResourceInUseException).
 * Keys by list position (`admin-<index>`, as earlier versions made them) did exactly that when an
 * admin was removed from the middle of the list or the list was reordered. So a deployed principal
 * keeps the key it was deployed under (stack output `adminAccessEntries`, key -> principal), and a
 * new principal gets a key of its own ARN (`admin-p-<8 hex of its SHA-256>`), never a position.
 */
import { createHash } from 'node:crypto';
import { showValue } from '../../spec/errors';

/** Name of the stack output that records the access entries as deployed: key -> principal ARN. */
export const ADMIN_ACCESS_ENTRIES_OUTPUT = 'adminAccessEntries';

/** Access entry key -> principal ARN, as deployed or about to be. */
export type AdminAccessEntryKeys = Readonly<Record<string, string>>;

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

/**
 * The key of each admin principal: the key it was deployed under when `deployed` holds it, else
 * `admin-p-<8 hex of the SHA-256 of its ARN>`; with nothing deployed (a first deployment, or one by
 * an earlier version, which keyed by position and recorded nothing) `admin-<index>`, as before.
 * @param principalArns `cluster.adminPrincipalArns`, in spec order.
 * @param deployed the stack output `adminAccessEntries` of the last deployment; default none.
 * @returns key -> principal ARN, in spec order; JSON-safe, the program exports it as is.
 */
export function adminAccessEntryKeys(
  principalArns: readonly string[],
  deployed?: AdminAccessEntryKeys,
): Record<string, string> {
  if (deployed === undefined) {
    return Object.fromEntries(
      principalArns.map((principalArn, index) => [`admin-${index}`, principalArn]),
    );
  }
  const keyOf = new Map(Object.entries(deployed).map(([key, principalArn]) => [principalArn, key]));
  return Object.fromEntries(
    principalArns.map(principalArn => [
      keyOf.get(principalArn) ??
        `admin-p-${createHash('sha256').update(principalArn).digest('hex').slice(0, 8)}`,
      principalArn,
    ]),
  );
}

/** One access entry per admin principal (keys: `adminAccessEntryKeys`), each cluster admin. */
export function accessEntriesFor(
  principalArns: readonly string[],
  deployed?: AdminAccessEntryKeys,
): Record<string, AdminAccessEntry> {
  return Object.fromEntries(
    Object.entries(adminAccessEntryKeys(principalArns, deployed)).map(([key, principalArn]) => [
      key,
      {
        principalArn,
        accessPolicies: {
          clusterAdmin: { policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: 'cluster' } },
        },
      },
    ]),
  );
}

/**
 * The access entries from the stack output `adminAccessEntries` of the last deployment, as is;
 * undefined when absent (a first deployment, a joined cluster, or an earlier version).
 * @throws Error naming the output, the value and the fix when it is not an object of ARN strings.
 */
export function deployedAdminAccessEntries(output: unknown): AdminAccessEntryKeys | undefined {
  if (output === undefined || output === null) return undefined;
  if (
    typeof output === 'object' &&
    !Array.isArray(output) &&
    Object.values(output).every(value => typeof value === 'string')
  ) {
    return { ...(output as Record<string, string>) };
  }
  throw new Error(
    `stack output ${ADMIN_ACCESS_ENTRIES_OUTPUT} of the last deployment is ${showValue(output)}, ` +
      `not an object of access entry key -> principal ARN, so which entry holds which principal is ` +
      `unknown. Fix: restore it with pulumi stack export / pulumi stack import (outputs of the ` +
      `pulumi:pulumi:Stack resource), for example {"admin-0": "arn:aws:iam::123456789012:role/admin"}`,
  );
}
