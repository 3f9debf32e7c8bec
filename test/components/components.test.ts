/** Component behaviour that depends on spec options, under Pulumi mocks. */
import { parseSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { specInput } from '../util/specs';
import { planStack, TYPES } from './plan-fixture';

function spec(overrides: Partial<PlatformSpecInput>): ReturnType<typeof parseSpec> {
  return parseSpec({ ...specInput(3, 2), ...overrides });
}

describe('Network', () => {
  it('creates a VPC with a private and a public subnet per zone and a NAT gateway per zone', async () => {
    const plan = await planStack(spec({}));
    expect(plan.ofType('aws:ec2/vpc:Vpc')).toHaveLength(1);
    expect(plan.ofType(TYPES.subnet)).toHaveLength(6);
    expect(plan.ofType('aws:ec2/natGateway:NatGateway')).toHaveLength(3);
    const privateSubnet = plan.get(TYPES.subnet, 'test-private-us-west-2a');
    expect(privateSubnet.inputs['tags']).toMatchObject({ 'kubernetes.io/role/internal-elb': '1' });
  });

  it('uses the given subnets of an existing VPC and creates no network', async () => {
    const plan = await planStack(
      spec({
        cluster: {
          vpcCidr: '10.20.0.0/16',
          existingVpc: {
            vpcId: 'vpc-0123456789abcdef1',
            privateSubnetIds: {
              'us-west-2a': 'subnet-aaaaaaaa',
              'us-west-2b': 'subnet-bbbbbbbb',
              'us-west-2c': 'subnet-cccccccc',
            },
          },
        },
      }),
    );
    expect(plan.ofType('aws:ec2/vpc:Vpc')).toHaveLength(0);
    expect(plan.ofType(TYPES.subnet)).toHaveLength(0);
    expect(plan.get(TYPES.nodegroup, 'test-kafka-us-west-2b').inputs['subnetIds']).toEqual([
      'subnet-bbbbbbbb',
    ]);
    expect(plan.ofType(TYPES.eksCluster)[0]?.inputs['vpcId']).toBe('vpc-0123456789abcdef1');
  });
});

describe('Cluster', () => {
  it('turns the public endpoint off when no CIDRs are given', async () => {
    const plan = await planStack(spec({}));
    const cluster = plan.ofType(TYPES.eksCluster)[0];
    expect(cluster?.inputs['endpointPublicAccess']).toBe(false);
    expect(cluster?.inputs['endpointPrivateAccess']).toBe(true);
    expect(cluster?.inputs['publicAccessCidrs']).toBeUndefined();
  });

  it('gives the EBS CSI driver its own role through the add-on', async () => {
    const plan = await planStack(spec({}));
    const addon = plan.get(TYPES.addon, 'test-ebs-csi');
    expect(addon.inputs['addonName']).toBe('aws-ebs-csi-driver');
    expect(addon.inputs['podIdentityAssociations']).toEqual([
      {
        // The role is auto-named like the AWS provider does: logical name, "-", 7 random characters.
        roleArn: expect.stringMatching(
          /^arn:aws:iam::123456789012:role\/test-ebs-csi-role-[0-9a-f]{7}$/,
        ),
        serviceAccount: 'ebs-csi-controller-sa',
      },
    ]);
  });
});

describe('Scaling', () => {
  it('creates neither policies nor a controller role in off mode', async () => {
    const plan = await planStack(spec({ autoscaling: { mode: 'off' } }));
    expect(plan.ofType(TYPES.policy)).toHaveLength(0);
    expect(plan.resources.filter(r => r.name.startsWith('test-kafka-autoscaler'))).toHaveLength(0);
  });

  it('creates no controller role when the spec names one (IRSA)', async () => {
    const plan = await planStack(
      spec({ controller: { iamRoleArn: 'arn:aws:iam::123456789012:role/mine' } }),
    );
    expect(plan.resources.filter(r => r.name.startsWith('test-kafka-autoscaler'))).toHaveLength(0);
  });
});

describe('Platform', () => {
  it('installs no Helm release for the operators when a GitOps engine carries them', async () => {
    const plan = await planStack(spec({ gitops: { engine: 'flux' } }));
    expect(plan.ofType(TYPES.release).map(r => r.inputs['chart'])).toEqual(['cluster-autoscaler']);
  });

  it('installs kube-prometheus-stack only when asked, before the charts', async () => {
    const plan = await planStack(spec({ monitoring: { installKubePrometheusStack: true } }));
    const release = plan.get(TYPES.release, 'test-kube-prometheus-stack');
    expect(release.inputs['namespace']).toBe('monitoring');
    for (const group of plan.ofType(TYPES.configGroup)) {
      if (group.name === 'test-operators') continue;
      expect(group.dependsOn).toContain('test-kube-prometheus-stack');
    }
  });

  it('creates the operators component (the Kafka namespace, a typed Namespace) before every operator release', async () => {
    const plan = await planStack(spec({}));
    const namespace = plan.get('kubernetes:core/v1:Namespace', 'test-namespace-kafka');
    expect(namespace.inputs['metadata']).toMatchObject({ name: 'kafka' });
    const releases = plan
      .ofType(TYPES.release)
      .filter(r => r.inputs['chart'] !== 'cluster-autoscaler');
    expect(releases.length).toBeGreaterThanOrEqual(3);
    for (const release of releases) expect(release.dependsOn).toContain('test-namespace-kafka');
    expect(namespace.dependsOn.filter(name => releases.some(r => r.name === name))).toEqual([]);
  });

  it('finds the VPC it creates by its Name tag (nodes allow one IMDS hop, the ID is not known at synth)', async () => {
    const plan = await planStack(spec({}));
    const values = plan.get(TYPES.release, 'test-aws-load-balancer-controller').inputs[
      'values'
    ] as Record<string, unknown>;
    expect(values).toMatchObject({
      region: 'us-west-2',
      vpcTags: { Name: 'test-vpc' },
      clusterName: 'test',
    });
    expect(values['vpcId']).toBeUndefined();
    // The tag the controller looks for is the one the Network component puts on the VPC.
    const [vpc] = plan.ofType('aws:ec2/vpc:Vpc');
    expect((vpc?.inputs['tags'] as Record<string, string>)['Name']).toBe('test-vpc');
  });

  it('passes the ID of an existing VPC to the load balancer controller', async () => {
    const plan = await planStack(
      spec({
        cluster: {
          vpcCidr: '10.1.0.0/16',
          existingVpc: {
            vpcId: 'vpc-0123456789abcdef1',
            privateSubnetIds: {
              'us-west-2a': 'subnet-aaaaaaaa',
              'us-west-2b': 'subnet-bbbbbbbb',
              'us-west-2c': 'subnet-cccccccc',
            },
          },
        },
      }),
    );
    const values = plan.get(TYPES.release, 'test-aws-load-balancer-controller').inputs[
      'values'
    ] as Record<string, unknown>;
    expect(values).toMatchObject({ vpcId: 'vpc-0123456789abcdef1' });
    expect(values['vpcTags']).toBeUndefined();
  });

  it('deploys the admission fence with the controller (one spec, both renderers)', async () => {
    // (off: charts/autoscaler-chart.test.ts; the ConfigGroup holds what synth emits, checked below)
    const plan = await planStack(spec({}));
    const objects = plan.get(TYPES.configGroup, 'test-autoscaler').inputs['objs'] as Array<{
      kind: string;
      metadata: { name: string };
    }>;
    expect(
      objects
        .filter(o => o.kind.startsWith('ValidatingAdmissionPolicy'))
        .map(o => `${o.kind} ${o.metadata.name}`),
    ).toEqual([
      'ValidatingAdmissionPolicy test-kafka-autoscaler-fence',
      'ValidatingAdmissionPolicyBinding test-kafka-autoscaler-fence',
    ]);
  });

  it('deploys each synthesized component with all its objects', async () => {
    const loaded = spec({});
    const plan = await planStack(loaded);
    const { synthPlatform } = await import('../../charts/synth');
    const expected = synthPlatform(loaded).components;
    const groups = plan.ofType(TYPES.configGroup);
    // The operators component holds only the namespaces the operator charts write into, which
    // are typed Namespaces; every other component is one ConfigGroup, in synth order.
    const operators = expected.find(c => c.name === 'operators');
    expect(operators?.objects.map(o => o.kind)).toEqual(['Namespace']);
    const order = expected.filter(c => c.name !== 'operators');
    expect(groups.map(g => g.name)).toEqual(order.map(c => `test-${c.name}`));
    groups.forEach((group, index) => {
      expect(group.inputs['objs']).toHaveLength(order[index]?.objects.length ?? -1);
    });
    expect(plan.ofType('kubernetes:core/v1:Namespace').map(n => n.inputs['metadata'])).toEqual(
      operators?.objects.map(o => o.metadata),
    );
  });
});
