/**
 * The keys of the admin access entries (components/lib/access-entries.ts): an access entry is its
 * cluster and principal, and `principal_arn` is create-only, so a key must never be given a
 * principal another key held at the last deployment (EKS refuses the second entry for it while the
 * create-before-delete replacement runs).
 */
import fc from 'fast-check';
import {
  accessEntriesFor,
  adminAccessEntryKeys,
  deployedAdminAccessEntries,
  CLUSTER_ADMIN_POLICY_ARN,
} from '../../../components/lib/access-entries';

const ARNS = ['a', 'b', 'c', 'd', 'e', 'f'].map(name => `arn:aws:iam::123456789012:role/${name}`);
const [A = '', B = '', C = ''] = ARNS;

describe('adminAccessEntryKeys', () => {
  it('keys by position with nothing deployed (a first deployment, or an earlier version)', () => {
    expect(adminAccessEntryKeys([A, B])).toEqual({ 'admin-0': A, 'admin-1': B });
  });

  it('keeps each deployed principal under its key when one before it is removed', () => {
    // GIVEN [A, B, C] deployed by position
    const deployed = adminAccessEntryKeys([A, B, C]);
    // WHEN A is removed
    // THEN B and C keep admin-1 and admin-2 (no replacement), and admin-0 goes
    expect(adminAccessEntryKeys([B, C], deployed)).toEqual({ 'admin-1': B, 'admin-2': C });
  });

  it('gives a new principal a key of its ARN, never a deployed one', () => {
    const keys = adminAccessEntryKeys([A, 'arn:aws:iam::123456789012:role/new'], { 'admin-0': A });
    expect(Object.keys(keys)).toEqual(['admin-0', expect.stringMatching(/^admin-p-[0-9a-f]{8}$/)]);
  });

  it('property: no key ever takes a principal another key held, whatever the edit', () => {
    const lists = fc.uniqueArray(fc.constantFrom(...ARNS), { maxLength: ARNS.length });
    fc.assert(
      fc.property(lists, lists, lists, (first, second, third) => {
        // GIVEN a chain of deployments, each recording its keys
        let deployed: Record<string, string> | undefined;
        for (const principals of [first, second, third]) {
          const next = adminAccessEntryKeys(principals, deployed);
          // THEN every principal has one entry, and a key both runs hold keeps its principal
          expect(Object.values(next).sort()).toEqual([...principals].sort());
          for (const [key, principal] of Object.entries(next)) {
            if (deployed !== undefined && key in deployed) expect(deployed[key]).toBe(principal);
          }
          deployed = next;
        }
      }),
    );
  });
});

describe('accessEntriesFor', () => {
  it('makes each principal cluster admin under its key', () => {
    expect(accessEntriesFor([B], { 'admin-1': B })).toEqual({
      'admin-1': {
        principalArn: B,
        accessPolicies: {
          clusterAdmin: { policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: 'cluster' } },
        },
      },
    });
  });
});

describe('deployedAdminAccessEntries', () => {
  it('reads the output as is, and nothing when absent', () => {
    expect(deployedAdminAccessEntries({ 'admin-0': A })).toEqual({ 'admin-0': A });
    expect(deployedAdminAccessEntries(undefined)).toBeUndefined();
  });

  it('throws, naming the output, the value and the fix, when it is not key -> ARN', () => {
    expect(() => deployedAdminAccessEntries([A])).toThrow(
      `stack output adminAccessEntries of the last deployment is ["${A}"], not an object of access entry key -> principal ARN`,
    );
    expect(() => deployedAdminAccessEntries({ 'admin-0': 1 })).toThrow(/Fix: restore it/);
  });
});
