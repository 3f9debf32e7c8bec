/**
 * `cluster.existing`: the stack joins an EKS cluster it did not create. Under Pulumi's mocks it
 * must register only the Kafka nodegroups and their IAM, the controller's role and the in-cluster
 * objects, and nothing that creates or changes the cluster (no cluster, add-on, access entry, KMS
 * key, network, system nodegroup or Cluster Autoscaler).
 */
import { existingClusterKubeconfig } from '../../components/existing-cluster';
import { parseSpec } from '../../spec/load';
import { SpecError } from '../../spec/errors';
import type { PlatformSpecInput } from '../../spec/schema';
import { specInput } from '../util/specs';
import { planStack, TYPES } from './plan-fixture';

const EXISTING_VPC = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  privateSubnetIds: {
    'us-west-2a': 'subnet-aaaaaaaa',
    'us-west-2b': 'subnet-bbbbbbbb',
    'us-west-2c': 'subnet-cccccccc',
  },
};

function existingSpec(overrides: Partial<PlatformSpecInput['cluster']> = {}) {
  return parseSpec(
    specInput(3, 4, {
      autoscaling: { mode: 'controller' },
      cluster: {
        vpcCidr: '10.20.0.0/16',
        existingVpc: EXISTING_VPC,
        existing: { name: 'shared-eks' },
        ...overrides,
      },
    }),
  );
}

/** Resource types that would create or change the cluster or its network. */
const CLUSTER_TOUCHING = [
  'eks:index:Cluster',
  'aws:eks/cluster:Cluster',
  'aws:eks/addon:Addon',
  'aws:eks/accessEntry:AccessEntry',
  'aws:eks/accessPolicyAssociation:AccessPolicyAssociation',
  'aws:kms/key:Key',
  'aws:kms/alias:Alias',
  'aws:ec2/vpc:Vpc',
  'aws:ec2/subnet:Subnet',
  'aws:ec2/natGateway:NatGateway',
  'aws:ec2/internetGateway:InternetGateway',
  'aws:ec2/securityGroup:SecurityGroup',
  'aws:ec2/securityGroupRule:SecurityGroupRule',
];

describe('cluster.existing under mocks', () => {
  it('creates only the Kafka nodegroups, their IAM, the controller role and in-cluster objects', async () => {
    const plan = await planStack(existingSpec());
    const types = new Set(plan.resources.map(resource => resource.type));
    for (const type of CLUSTER_TOUCHING)
      expect({ type, present: types.has(type) }).toEqual({ type, present: false });
    // Every AWS resource is one of the allowed kinds.
    const allowedAws = new Set([
      TYPES.nodegroup,
      TYPES.launchTemplate,
      'aws:iam/role:Role',
      'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
      TYPES.rolePolicy,
      'aws:iam/policy:Policy',
      TYPES.podIdentity,
    ]);
    const otherAws = [...types].filter(type => type.startsWith('aws:') && !allowedAws.has(type));
    expect(otherAws).toEqual([]);

    const nodegroups = plan.ofType(TYPES.nodegroup);
    expect(nodegroups.map(group => group.inputs['nodeGroupName'])).toEqual([
      'test-kafka-a',
      'test-kafka-b',
      'test-kafka-c',
    ]);
    for (const group of nodegroups) expect(group.inputs['clusterName']).toBe('shared-eks');
    expect(plan.get(TYPES.nodegroup, 'test-kafka-us-west-2b').inputs['subnetIds']).toEqual([
      'subnet-bbbbbbbb',
    ]);
    // No system nodegroup and no Cluster Autoscaler: the existing cluster runs its own nodes.
    expect(
      nodegroups.some(group => String(group.inputs['nodeGroupName']).endsWith('-system')),
    ).toBe(false);
    expect(plan.ofType(TYPES.release).map(release => release.inputs['name'])).not.toContain(
      'cluster-autoscaler',
    );
  });

  it("binds the controller's role (and the in-cluster IAM roles) to the existing cluster by name", async () => {
    const plan = await planStack(existingSpec());
    const associations = plan.ofType(TYPES.podIdentity);
    expect(associations.length).toBeGreaterThan(0);
    for (const association of associations) {
      expect(association.inputs['clusterName']).toBe('shared-eks');
    }
    const controllerPolicy = plan
      .ofType(TYPES.rolePolicy)
      .map(policy => String(policy.inputs['policy']))
      .find(policy => policy.includes('ScaleOnlyThisPlatformsKafkaGroups'));
    expect(controllerPolicy).toContain('"autoscaling:ResourceTag/eks:cluster-name":"shared-eks"');
  });

  it('installs the in-cluster objects through a provider for the existing cluster', async () => {
    const plan = await planStack(existingSpec());
    const [provider, ...others] = plan.ofType('pulumi:providers:kubernetes');
    expect(others).toEqual([]);
    // The kubeconfig is a secret: under mocks its value is wrapped with the plaintext beside it.
    const kubeconfig = JSON.stringify(provider?.inputs['kubeconfig']);
    expect(kubeconfig).toContain('https://shared-eks.eks.mock.invalid');
    expect(kubeconfig).toContain('get-token');
    expect(plan.ofType(TYPES.configGroup).length).toBeGreaterThan(3);
    const lbc = plan
      .ofType(TYPES.release)
      .find(release => release.inputs['name'] === 'aws-load-balancer-controller');
    expect(JSON.stringify(lbc?.inputs['values'])).toContain('"clusterName":"shared-eks"');
  });

  it('still creates the cluster itself without cluster.existing', async () => {
    const plan = await planStack(parseSpec(specInput(3, 4)));
    expect(plan.ofType(TYPES.eksCluster)).toHaveLength(1);
    expect(plan.ofType(TYPES.addon).length).toBeGreaterThan(0);
  });
});

describe('cluster.existing spec rules', () => {
  function problems(input: PlatformSpecInput): string[] {
    try {
      parseSpec(input);
      return [];
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      return error.issues.map(issue => `${issue.path}: ${issue.message}`);
    }
  }

  it('throws when the existing cluster comes without the VPC subnets its nodegroups need', () => {
    const found = problems(specInput(3, 4, { cluster: { existing: { name: 'shared-eks' } } }));
    expect(found).toContainEqual(
      expect.stringMatching(/^cluster\.existingVpc: .*cluster\.existing/),
    );
  });

  it('throws when options that only shape a new cluster are set with an existing one', () => {
    const found = problems(
      specInput(3, 4, {
        cluster: {
          vpcCidr: '10.20.0.0/16',
          existingVpc: EXISTING_VPC,
          existing: { name: 'shared-eks' },
          publicEndpointCidrs: ['203.0.113.0/24'],
          adminPrincipalArns: ['arn:aws:iam::123456789012:role/admin'],
        },
      }),
    );
    expect(found).toContainEqual(
      expect.stringMatching(/^cluster\.publicEndpointCidrs: .*existing/),
    );
    expect(found).toContainEqual(expect.stringMatching(/^cluster\.adminPrincipalArns: .*existing/));
  });

  it('throws on a name EKS would not accept', () => {
    const found = problems(
      specInput(3, 4, {
        cluster: {
          vpcCidr: '10.20.0.0/16',
          existingVpc: EXISTING_VPC,
          existing: { name: '-bad name' },
        },
      }),
    );
    expect(found).toContainEqual(expect.stringMatching(/^cluster\.existing\.name: "-bad name"/));
  });
});

describe('existingClusterKubeconfig', () => {
  it('points at the endpoint with the CA and gets tokens from aws eks get-token', () => {
    const config = JSON.parse(
      existingClusterKubeconfig({
        clusterName: 'shared-eks',
        region: 'us-west-2',
        endpoint: 'https://ABC.gr7.us-west-2.eks.amazonaws.com',
        certificateAuthorityData: 'LS0tLS1CRUdJTg==',
      }),
    ) as {
      clusters: Array<{ cluster: Record<string, string> }>;
      users: Array<{ user: { exec: { command: string; args: string[] } } }>;
    };
    expect(config.clusters[0]?.cluster).toEqual({
      server: 'https://ABC.gr7.us-west-2.eks.amazonaws.com',
      'certificate-authority-data': 'LS0tLS1CRUdJTg==',
    });
    expect(config.users[0]?.user.exec.command).toBe('aws');
    expect(config.users[0]?.user.exec.args).toEqual([
      'eks',
      'get-token',
      '--cluster-name',
      'shared-eks',
      '--region',
      'us-west-2',
    ]);
  });
});
