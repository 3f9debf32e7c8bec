/** The spec rules the AWS side adds (appended to spec/rules.ts). */
import { SpecError } from '../../spec/errors';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

function problems(cluster: Record<string, unknown>): string[] {
  try {
    parseSpec({ ...specInput(3, 2), cluster });
    return [];
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map(i => `${i.path}: ${i.message}`);
    throw error;
  }
}

describe('AWS network rules', () => {
  it('throws when a new VPC is narrower than /20', () => {
    expect(problems({ vpcCidr: '10.0.0.0/24' })).toEqual([
      'cluster.vpcCidr: "10.0.0.0/24" is a /24; a new VPC needs a /16 to /20 to hold a private and a public subnet per zone, for example "10.0.0.0/16"',
    ]);
  });

  it('accepts any range with an existing VPC', () => {
    expect(
      problems({
        vpcCidr: '10.0.0.0/24',
        existingVpc: {
          vpcId: 'vpc-11111111',
          privateSubnetIds: {
            'us-west-2a': 'subnet-aaaaaaaa',
            'us-west-2b': 'subnet-bbbbbbbb',
            'us-west-2c': 'subnet-cccccccc',
          },
        },
      }),
    ).toEqual([]);
  });

  it('throws when an admin principal is not an IAM ARN', () => {
    expect(problems({ adminPrincipalArns: ['admin'] })).toEqual([
      'cluster.adminPrincipalArns[0]: "admin" is not an IAM role or user ARN; write one like "arn:aws:iam::123456789012:role/platform-admin"',
    ]);
    expect(problems({ adminPrincipalArns: ['arn:aws:iam::123456789012:role/admin'] })).toEqual([]);
  });
});
