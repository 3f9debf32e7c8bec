/** The free-form maps that pass through to AWS: tags and subnets. */
import fc from 'fast-check';
import { type PlatformSpecInput } from '../../spec';
import { isEc2ResourceId } from '../../spec/aws-inputs';
import { specInput, specProblems as problemsOf } from '../util/specs';

const withTags = (tags: Record<string, string>): PlatformSpecInput => ({
  ...specInput(3, 2),
  cluster: { tags },
});

describe('cluster.tags', () => {
  it('accepts ordinary tags', () => {
    expect(problemsOf(withTags({ team: 'streaming', 'cost-center': 'CC 1234/eu' }))).toEqual([]);
  });

  it('throws when a tag key is reserved by AWS or the platform', () => {
    expect(
      problemsOf(withTags({ 'aws:owner': 'x', Name: 'y', 'kafka.platform/name': 'z' })),
    ).toEqual([
      'cluster.tags["aws:owner"]: is a reserved tag key (the aws: prefix is reserved for AWS); rename it',
      'cluster.tags["Name"]: is a reserved tag key (the platform names each resource itself); rename it',
      'cluster.tags["kafka.platform/name"]: is a reserved tag key (the platform uses kafka.platform/ tags to find its own resources); rename it',
    ]);
  });

  it('throws when a tag key or value is too long or has characters AWS refuses', () => {
    const problems = problemsOf(withTags({ ['k'.repeat(129)]: 'v', team: 'a;b' }));
    expect(problems).toEqual([
      `cluster.tags["${'k'.repeat(129)}"]: is not an AWS tag key; use 1-128 letters, digits, spaces and _ . : / = + - @`,
      'cluster.tags["team"]: "a;b" is not an AWS tag value; use at most 256 letters, digits, spaces and _ . : / = + - @',
    ]);
  });

  it('throws when there are more tags than fit beside the platform tags', () => {
    const tags = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`t${i}`, 'v']));
    expect(problemsOf(withTags(tags))).toEqual([
      'cluster.tags: has 46 tags; AWS allows 50 per resource and the platform adds up to 5, so use at most 45',
    ]);
  });
});

describe('subnet maps', () => {
  it('throws when a zone is given a list of subnets for its NLB', () => {
    const base = specInput(3, 2);
    const subnets = {
      'us-west-2a': 'subnet-1,subnet-2',
      'us-west-2b': 'subnet-bbbbbbbb',
      'us-west-2c': 'subnet-cccccccc',
    };
    expect(
      problemsOf({
        ...base,
        kafka: { ...base.kafka, external: { ...base.kafka.external, subnets } },
      }),
    ).toEqual([
      'kafka.external.subnets["us-west-2a"]: "subnet-1,subnet-2" is not one subnet; give one subnet ID or Name tag for the zone (each broker\'s NLB sits in its own zone)',
    ]);
  });

  it('throws when an existing VPC names a subnet for a zone the spec does not use', () => {
    expect(
      problemsOf({
        ...specInput(3, 2),
        cluster: {
          vpcCidr: '10.1.0.0/16',
          existingVpc: {
            vpcId: 'vpc-11111111',
            privateSubnetIds: {
              'us-west-2a': 'subnet-aaaaaaaa',
              'us-west-2b': 'subnet-bbbbbbbb',
              'us-west-2c': 'subnet-cccccccc',
              'us-west-2d': 'subnet-dddddddd',
            },
          },
        },
      }),
    ).toEqual([
      'cluster.existingVpc.privateSubnetIds["us-west-2d"]: "us-west-2d" is not one of the spec\'s zones (us-west-2a, us-west-2b, us-west-2c); remove it or fix the zone name',
    ]);
  });
});

describe('controller.iamRoleArn', () => {
  it('throws when it is not an IAM role ARN', () => {
    const controller = (iamRoleArn: string): PlatformSpecInput => ({
      ...specInput(3, 2),
      controller: { iamRoleArn },
    });
    expect(problemsOf(controller('kafka-autoscaler'))).toEqual([
      'controller.iamRoleArn: "kafka-autoscaler" is not an IAM role ARN; write one like "arn:aws:iam::123456789012:role/kafka-autoscaler", or leave it out to use EKS Pod Identity',
    ]);
    expect(
      problemsOf(controller('arn:aws:iam::123456789012:role/platform/kafka-autoscaler')),
    ).toEqual([]);
  });
});

describe('cluster.existingVpc IDs', () => {
  const withVpc = (vpcId: string, subnets: Record<string, string>): PlatformSpecInput => ({
    ...specInput(3, 2),
    cluster: { vpcCidr: '10.1.0.0/16', existingVpc: { vpcId, privateSubnetIds: subnets } },
  });
  const zones = (ids: string[]): Record<string, string> =>
    Object.fromEntries(['us-west-2a', 'us-west-2b', 'us-west-2c'].map((z, i) => [z, ids[i] ?? '']));

  it('accepts EC2 VPC and subnet IDs, short and long form', () => {
    expect(
      problemsOf(
        withVpc(
          'vpc-0123456789abcdef0',
          zones(['subnet-0a1b2c3d', 'subnet-0b1b2c3d', 'subnet-0c1b2c3d4e5f60718']),
        ),
      ),
    ).toEqual([]);
  });

  it('throws on a blank or made-up VPC or subnet ID, naming the zone', () => {
    expect(problemsOf(withVpc('my vpc', zones(['', 'subnet-a b', 'subnet-1,subnet-2'])))).toEqual([
      'cluster.existingVpc.vpcId: "my vpc" is not a VPC ID; write the ID EC2 shows, like "vpc-0123456789abcdef0" (aws ec2 describe-vpcs)',
      'cluster.existingVpc.privateSubnetIds["us-west-2a"]: "" is not one subnet ID; give the ID of one subnet in us-west-2a, like "subnet-0123456789abcdef0" (aws ec2 describe-subnets)',
      'cluster.existingVpc.privateSubnetIds["us-west-2b"]: "subnet-a b" is not one subnet ID; give the ID of one subnet in us-west-2b, like "subnet-0123456789abcdef0" (aws ec2 describe-subnets)',
      'cluster.existingVpc.privateSubnetIds["us-west-2c"]: "subnet-1,subnet-2" is not one subnet ID; give the ID of one subnet in us-west-2c, like "subnet-0123456789abcdef0" (aws ec2 describe-subnets)',
    ]);
  });

  // https://github.com/cloudposse/terraform-aws-eks-node-group/pull/65: a subnet CIDR was passed
  // where a subnet ID belonged; EC2 answered InvalidSubnetID.NotFound only at apply.
  it('throws when a subnet CIDR or Name tag stands where a subnet ID belongs (cloudposse#65)', () => {
    expect(
      problemsOf(
        withVpc('vpc-0123456789abcdef0', zones(['172.16.0.0/19', 'private-b', 'subnet-0c1b2c3d'])),
      ),
    ).toEqual([
      'cluster.existingVpc.privateSubnetIds["us-west-2a"]: "172.16.0.0/19" is not one subnet ID; give the ID of one subnet in us-west-2a, like "subnet-0123456789abcdef0" (aws ec2 describe-subnets)',
      'cluster.existingVpc.privateSubnetIds["us-west-2b"]: "private-b" is not one subnet ID; give the ID of one subnet in us-west-2b, like "subnet-0123456789abcdef0" (aws ec2 describe-subnets)',
    ]);
  });

  // https://github.com/eksctl-io/eksctl/issues/4696: EKS refused a nodegroup whose subnets repeated
  // ("One or more subnets are duplicate"); here a repeated subnet would also start one zone's
  // nodes in another zone.
  it('throws when one subnet is given for two zones (eksctl#4696)', () => {
    expect(
      problemsOf(
        withVpc(
          'vpc-0123456789abcdef0',
          zones(['subnet-0a1b2c3d', 'subnet-0a1b2c3d', 'subnet-0c1b2c3d']),
        ),
      ),
    ).toEqual([
      'cluster.existingVpc.privateSubnetIds["us-west-2b"]: "subnet-0a1b2c3d" is also the subnet of us-west-2a, but a subnet lies in one zone only, so one zone\'s nodes would start in the other zone (and EKS refuses duplicate subnets); give each zone its own subnet',
    ]);
  });

  it('accepts exactly the prefix, a dash and 8 or 17 lower-case hex digits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('vpc', 'subnet'),
        fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg-'), maxLength: 20 }),
        (prefix: 'vpc' | 'subnet', digits) => {
          expect(isEc2ResourceId(prefix, `${prefix}-${digits}`)).toBe(
            /^[0-9a-f]+$/.test(digits) && (digits.length === 8 || digits.length === 17),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('cluster.tags characters', () => {
  it('throws on a tab or line break in a tag, which AWS refuses (only space separators pass)', () => {
    const problems = problemsOf({
      ...specInput(3, 2),
      cluster: { tags: { team: 'a\nb', 'x\ty': 'z' } },
    });
    expect(problems.map(p => p.slice(0, p.indexOf(': ')))).toEqual([
      'cluster.tags["team"]',
      'cluster.tags["x\\ty"]',
    ]);
    expect(problemsOf({ ...specInput(3, 2), cluster: { tags: { team: 'a b\u00a0c' } } })).toEqual(
      [],
    );
  });
});
