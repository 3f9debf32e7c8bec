/** The free-form maps that pass through to AWS: tags and subnets. */
import { type PlatformSpecInput } from '../../spec';
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
    const subnets = { 'us-west-2a': 'subnet-1,subnet-2', 'us-west-2b': 's-b', 'us-west-2c': 's-c' };
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
            vpcId: 'vpc-1',
            privateSubnetIds: {
              'us-west-2a': 's-a',
              'us-west-2b': 's-b',
              'us-west-2c': 's-c',
              'us-west-2d': 's-d',
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

  it('accepts EC2 VPC and subnet IDs', () => {
    expect(
      problemsOf(
        withVpc('vpc-0123456789abcdef0', zones(['subnet-0a1b2c3d', 'subnet-0b', 'subnet-0c'])),
      ),
    ).toEqual([]);
  });

  it('throws on a blank or made-up VPC or subnet ID, naming the zone', () => {
    expect(problemsOf(withVpc('my vpc', zones(['', 'subnet-a b', 'subnet-1,subnet-2'])))).toEqual([
      'cluster.existingVpc.vpcId: "my vpc" is not a VPC ID; write one like "vpc-0123456789abcdef0"',
      'cluster.existingVpc.privateSubnetIds["us-west-2a"]: "" is not one subnet ID; give the ID of one subnet in us-west-2a, like "subnet-0123456789abcdef0"',
      'cluster.existingVpc.privateSubnetIds["us-west-2b"]: "subnet-a b" is not one subnet ID; give the ID of one subnet in us-west-2b, like "subnet-0123456789abcdef0"',
      'cluster.existingVpc.privateSubnetIds["us-west-2c"]: "subnet-1,subnet-2" is not one subnet ID; give the ID of one subnet in us-west-2c, like "subnet-0123456789abcdef0"',
    ]);
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
