/** The program under Pulumi's mocks: no AWS account and no Pulumi CLI. A first deployment. */
import * as pulumi from '@pulumi/pulumi';
import { kafkaEksPlatformMocks, MOCK_ORGANIZATION } from 'kafka-eks-autoscaling/testing';

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

const registered: Registered[] = [];

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise(resolve => output.apply(value => resolve(value)));
}

beforeAll(async () => {
  // The library's mocks answer the outputs the platform reads back (Auto Scaling group names,
  // the kubeconfig, ARNs); every resource is recorded for the assertions below. With no
  // lastDeploymentOutputs, the stack has no last deployment: the zones check passes.
  await pulumi.runtime.setMocks(
    kafkaEksPlatformMocks(args => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
    }),
    'kafka-platform-example',
    'test',
    false,
    // Any organization: refuseStatefulChanges needs one to name the stack (the mocks answer any name).
    MOCK_ORGANIZATION,
  );
});

describe('the program', () => {
  let outputs: Awaited<ReturnType<typeof import('../index')>>;

  beforeAll(async () => {
    const { default: program } = await import('../index');
    outputs = await program();
  }, 60_000);

  it('creates one KafkaEksPlatform with the EKS cluster and a Kafka nodegroup per zone', async () => {
    // Registrations finish asynchronously: wait for the outputs that depend on them.
    await valueOf(outputs.zones);
    expect(registered.filter(r => r.type === 'kafka-eks:index:KafkaEksPlatform')).toHaveLength(1);
    expect(registered.filter(r => r.type === 'eks:index:Cluster')).toHaveLength(1);
    const kafkaNodegroups = registered.filter(
      r => r.type === 'aws:eks/nodeGroup:NodeGroup' && r.name.includes('kafka'),
    );
    expect(kafkaNodegroups).toHaveLength(3);
  });

  it('exports the cluster name, one entry per zone, and the zones in order for the next run', async () => {
    expect(await valueOf(outputs.clusterName)).toBe('orders-dev');
    const zones = await valueOf(outputs.zones);
    expect(Object.keys(zones).sort()).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(await valueOf(outputs.bootstrapAddress)).toMatch(/:\d+$/);
    expect(outputs.zoneOrder).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(outputs.kubernetesVersion).toBe('1.34');
    expect(outputs.nodeInstanceTypes['nodes.kafka.instanceType']).toEqual(expect.any(String));
    expect(outputs.statefulIdentity).toMatchObject({ name: 'orders-dev' });
    expect(outputs.systemNodegroup).toEqual({
      name: 'orders-dev-system',
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
  });

  it('marks the kubeconfig secret', async () => {
    expect(await pulumi.isSecret(outputs.kubeconfig)).toBe(true);
  });
});
