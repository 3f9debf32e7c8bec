import fc from 'fast-check';
import {
  AUTO_NAME_RANDOM_LENGTH,
  AWS_NAME_LIMITS,
  autoNameLength,
  formatNameLimitViolation,
  maxLogicalNameLength,
} from '../../spec/aws-name-limits';

describe('aws-name-limits', () => {
  test('the known case: the Cluster Autoscaler role of payments-platform-eu-central-prod is 65 > 64', () => {
    const logical = 'payments-platform-eu-central-prod-cluster-autoscaler-role';
    expect(autoNameLength('aws:iam/role:Role', logical)).toBe(65);
    expect(AWS_NAME_LIMITS['aws:iam/role:Role']?.maxLength).toBe(64);
  });

  test('covers IAM roles and policies, load balancers, target groups, launch templates, security groups, KMS aliases', () => {
    for (const type of [
      'aws:iam/role:Role',
      'aws:iam/policy:Policy',
      'aws:iam/rolePolicy:RolePolicy',
      'aws:lb/loadBalancer:LoadBalancer',
      'aws:lb/targetGroup:TargetGroup',
      'aws:ec2/launchTemplate:LaunchTemplate',
      'aws:ec2/securityGroup:SecurityGroup',
      'aws:kms/alias:Alias',
    ]) {
      expect(AWS_NAME_LIMITS[type]).toBeDefined();
    }
  });

  test('a KMS alias auto-name counts its alias/ prefix', () => {
    expect(autoNameLength('aws:kms/alias:Alias', 'x')).toBe('alias/'.length + 1 + 1 + 7);
  });

  test('property: a logical name fits exactly when it is no longer than maxLogicalNameLength', () => {
    const types = Object.keys(AWS_NAME_LIMITS);
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.integer({ min: 1, max: 300 }), (type, length) => {
        const logical = 'a'.repeat(length);
        const max = maxLogicalNameLength(type) ?? 0;
        const limit = AWS_NAME_LIMITS[type]?.maxLength ?? 0;
        expect(autoNameLength(type, logical) <= limit).toBe(length <= max);
      }),
    );
  });

  test('the message names the resource, the generated name, its length and the limit', () => {
    const message = formatNameLimitViolation({
      type: 'aws:iam/role:Role',
      logicalName: 'p-role',
      physicalName: `p-role-${'a'.repeat(AUTO_NAME_RANDOM_LENGTH)}`,
      autoNamed: true,
      length: 14,
      maxLength: 10,
      enforcedBy: 'auto-name',
    });
    expect(message).toContain('aws:iam/role:Role "p-role"');
    expect(message).toContain('"p-role-aaaaaaa" is 14 characters, over the limit of 10');
  });
});
