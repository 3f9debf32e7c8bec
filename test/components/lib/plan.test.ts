import fc from 'fast-check';
import { formatPlanTable, keyInputsOf, planJson } from '../../../components/lib/plan';
import {
  mockAsgName,
  mockCallResult,
  mockPhysicalName,
  mockResourceState,
  nameLimitViolationOf,
} from '../../../components/lib/plan-mocks';
import {
  AWS_NAME_LIMITS,
  autoNameLength,
  maxLogicalNameLength,
} from '../../../spec/aws-name-limits';

const resources = [
  {
    type: 'aws:ec2/subnet:Subnet',
    name: 'orders-private-a',
    parent: 'orders',
    inputs: { availabilityZone: 'us-east-1a', cidrBlock: '10.0.0.0/19', tags: {} },
    dependsOn: ['x'],
    ignoreChanges: [],
  },
  {
    type: 'kubernetes:yaml/v2:ConfigGroup',
    name: 'orders-kafka',
    parent: 'orders',
    inputs: { objs: [{}, {}] },
    dependsOn: [],
    ignoreChanges: [],
  },
];

describe('plan formatting', () => {
  it('summarises key inputs per type', () => {
    expect(keyInputsOf(resources[0]!)).toBe('availabilityZone=us-east-1a cidrBlock=10.0.0.0/19');
    expect(keyInputsOf(resources[1]!)).toBe('objs=2');
  });

  it('prints an aligned table with a count', () => {
    const table = formatPlanTable(resources).split('\n');
    expect(table[0]).toMatch(/^TYPE\s+NAME\s+PARENT\s+KEY INPUTS$/);
    expect(table.at(-1)).toBe('2 resources');
  });

  it('keeps exactly type, name, parent and inputs in JSON', () => {
    expect(Object.keys(planJson(resources)[0]!)).toEqual(['type', 'name', 'parent', 'inputs']);
  });
});

describe('plan mocks', () => {
  it('answers a nodegroup with its Auto Scaling group', () => {
    const { state } = mockResourceState('aws:eks/nodeGroup:NodeGroup', 'ng', {
      nodeGroupName: 'orders-kafka-a',
    });
    expect(state['resources']).toEqual([
      {
        autoscalingGroups: [{ name: mockAsgName('orders-kafka-a') }],
        remoteAccessSecurityGroupId: '',
      },
    ]);
  });

  it('answers the caller identity with a fixed account', () => {
    expect(mockCallResult('aws:index/getCallerIdentity:getCallerIdentity', {})).toMatchObject({
      accountId: '123456789012',
    });
  });
});

describe('provider-like auto-naming in the mocks', () => {
  it('auto-names an IAM role like the provider: logical name, "-", 7 lowercase hex characters', () => {
    const physical = mockPhysicalName('aws:iam/role:Role', 'orders-node', {});
    expect(physical?.autoNamed).toBe(true);
    expect(physical?.value).toMatch(/^orders-node-[0-9a-f]{7}$/);
    const { state } = mockResourceState('aws:iam/role:Role', 'orders-node', {});
    expect(state['name']).toBe(physical?.value);
    expect(state['arn']).toBe(`arn:aws:iam::123456789012:role/${physical?.value}`);
  });

  it('keeps a given name and counts the alias/ prefix of a KMS alias auto-name', () => {
    expect(mockPhysicalName('aws:kms/alias:Alias', 'x', { name: 'alias/mine' })).toEqual({
      property: 'name',
      value: 'alias/mine',
      autoNamed: false,
    });
    expect(mockPhysicalName('aws:kms/alias:Alias', 'x', {})?.value).toMatch(
      /^alias\/x-[0-9a-f]{7}$/,
    );
  });

  /**
   * The limits as read from the sources (November 2026): pulumi-aws provider/resource_overrides.go
   * (aws_iam_role AutoName 64; aws_kms_alias Maxlen 238 before the alias/ post-transform),
   * provider/aliases.go (aws_lb_target_group AutoName 32), provider/autonaming.go (default 255);
   * terraform-provider-aws internal/service/elbv2/validate.go (aws_lb 32),
   * internal/verify/validate.go (launch templates 125), IAM policy names 128, security groups 255.
   * [auto-generated name limit, given name limit]
   */
  const SOURCED_LIMITS: ReadonlyArray<[string, number, number]> = [
    ['aws:iam/role:Role', 64, 64],
    ['aws:iam/policy:Policy', 128, 128],
    ['aws:iam/rolePolicy:RolePolicy', 128, 128],
    ['aws:lb/loadBalancer:LoadBalancer', 32, 32],
    ['aws:lb/targetGroup:TargetGroup', 32, 32],
    ['aws:ec2/launchTemplate:LaunchTemplate', 125, 125],
    ['aws:ec2/securityGroup:SecurityGroup', 255, 255],
    ['aws:kms/alias:Alias', 244, 256],
  ];

  it.each(SOURCED_LIMITS)(
    '%s: an auto-name of %i characters passes and one more fails; a given name up to %i passes',
    (type, autoMax, givenMax) => {
      const logicalMax = maxLogicalNameLength(type) ?? 0;
      const prefix = type === 'aws:kms/alias:Alias' ? 'alias/' : '';
      const fits = 'a'.repeat(logicalMax);
      expect(mockPhysicalName(type, fits, {})?.value).toHaveLength(autoMax);
      expect(nameLimitViolationOf(type, fits, {})).toBeUndefined();
      const over = nameLimitViolationOf(type, `${fits}a`, {});
      expect(over).toMatchObject({ autoNamed: true, length: autoMax + 1, maxLength: autoMax });
      const given = (length: number): Record<string, string> => ({
        name: `${prefix}${'g'.repeat(length - prefix.length)}`,
      });
      expect(nameLimitViolationOf(type, 'x', given(givenMax))).toBeUndefined();
      expect(nameLimitViolationOf(type, 'x', given(givenMax + 1))).toMatchObject({
        autoNamed: false,
        length: givenMax + 1,
        maxLength: givenMax,
      });
    },
  );

  it('property: an auto-name is a violation exactly when it is longer than the type limit', () => {
    const types = Object.keys(AWS_NAME_LIMITS);
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,299}$/),
        (type, logicalName) => {
          const violation = nameLimitViolationOf(type, logicalName, {});
          const length = autoNameLength(type, logicalName);
          const limit = AWS_NAME_LIMITS[type]?.maxLength ?? 0;
          expect(violation !== undefined).toBe(length > limit);
          if (violation !== undefined) {
            expect(violation.length).toBe(length);
            expect(violation.physicalName).toHaveLength(length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fails the plan with every too-long name, and records auto-names in the inputs', async () => {
    const { recordPlan, NameLimitError } = await import('../../../components/lib/plan');
    const aws = await import('@pulumi/aws');
    const assumeRolePolicy = JSON.stringify({ Version: '2012-10-17', Statement: [] });
    const long = 'payments-platform-eu-central-prod-cluster-autoscaler-role';
    const failure = recordPlan(undefined, async () => {
      new aws.iam.Role(long, { assumeRolePolicy });
      new aws.iam.Role('short', { assumeRolePolicy });
    });
    await expect(failure).rejects.toBeInstanceOf(NameLimitError);
    await expect(failure).rejects.toThrow(
      new RegExp(
        `aws:iam/role:Role "${long}": auto-generated name "${long}-[0-9a-f]{7}" is 65 characters, over the limit of 64`,
      ),
    );
    const resources = await recordPlan(undefined, async () => {
      new aws.iam.Role('short', { assumeRolePolicy });
    });
    expect(resources.find(r => r.name === 'short')?.inputs['name']).toMatch(/^short-[0-9a-f]{7}$/);
  });
});
