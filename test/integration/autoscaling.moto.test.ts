/**
 * The Auto Scaling adapter against moto's server: find groups by the EKS nodegroup tag, raise
 * desired capacity, set and clear scale-in protection, terminate one chosen instance with the
 * decrement, refuse at minimum size.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  AutoScalingAdapter,
  AutoScalingRefusal,
  sdkCalls,
} from '../../controller/adapters/autoscaling';
import { freePort, motoServerPath, startProcess, waitFor } from './peers';

const zone = {
  zone: 'us-east-1a',
  poolName: 'brokers-a',
  nodegroupName: 'orders-kafka-a',
  brokers: 4,
};

describe('AutoScalingAdapter against moto', () => {
  let stop: () => Promise<void> = async () => undefined;
  let client: AutoScalingClient;

  beforeAll(async () => {
    const binary = motoServerPath();
    const port = await freePort();
    ({ stop } = startProcess(binary, ['-H', '127.0.0.1', '-p', String(port)]));
    const endpoint = `http://127.0.0.1:${port}`;
    await waitFor('moto', async () => (await fetch(`${endpoint}/moto-api/`)).ok);
    client = new AutoScalingClient({
      region: 'us-east-1',
      endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await client.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: 'lc',
        ImageId: 'ami-12c6146b',
        InstanceType: 'm6i.large',
      }),
    );
    await client.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'eks-orders-kafka-a-1234',
        LaunchConfigurationName: 'lc',
        MinSize: 1,
        MaxSize: 4,
        DesiredCapacity: 2,
        AvailabilityZones: ['us-east-1a'],
        Tags: [{ Key: 'eks:nodegroup-name', Value: 'orders-kafka-a', PropagateAtLaunch: true }],
      }),
    );
    await client.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'unrelated',
        LaunchConfigurationName: 'lc',
        MinSize: 0,
        MaxSize: 1,
        DesiredCapacity: 0,
        AvailabilityZones: ['us-east-1a'],
      }),
    );
  });

  afterAll(async () => {
    client?.destroy();
    await stop();
  });

  const adapter = () =>
    new AutoScalingAdapter(sdkCalls(client), { attempts: 2, backoffBaseMs: 10 });

  test('finds the zone group by its nodegroup tag', async () => {
    const groups = await adapter().describeZoneGroups([zone]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      zone: 'us-east-1a',
      groupName: 'eks-orders-kafka-a-1234',
      desired: 2,
      min: 1,
      max: 4,
    });
    expect(groups[0].instances).toHaveLength(2);
  });

  test('raises desired capacity and never lowers it', async () => {
    await adapter().raiseDesiredCapacity('eks-orders-kafka-a-1234', 3);
    await adapter().raiseDesiredCapacity('eks-orders-kafka-a-1234', 1);
    const [group] = await adapter().describeZoneGroups([zone]);
    expect(group.desired).toBe(3);
  });

  test('protects and unprotects instances, as DescribeAutoScalingGroups shows', async () => {
    const groupName = 'eks-orders-kafka-a-1234';
    const [before] = await adapter().describeZoneGroups([zone]);
    const ids = before.instances.map(instance => instance.instanceId);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(before.instances.every(instance => instance.protectedFromScaleIn === false)).toBe(true);
    await adapter().setInstanceProtection(groupName, ids, true);
    await adapter().setInstanceProtection(groupName, ids, true); // idempotent
    const [protectedGroup] = await adapter().describeZoneGroups([zone]);
    expect(protectedGroup.instances.every(i => i.protectedFromScaleIn === true)).toBe(true);
    await adapter().setInstanceProtection(groupName, [ids[0]], false);
    const described = await client.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }),
    );
    const flags = new Map(
      (described.AutoScalingGroups?.[0]?.Instances ?? []).map(i => [
        i.InstanceId,
        i.ProtectedFromScaleIn,
      ]),
    );
    expect(flags.get(ids[0])).toBe(false);
    for (const id of ids.slice(1)) expect(flags.get(id)).toBe(true);
  });

  test('terminates exactly the chosen instance with one decrement, and only once', async () => {
    const [before] = await adapter().describeZoneGroups([zone]);
    const victim = before.instances[before.instances.length - 1].instanceId;
    expect(await adapter().terminateInstance('eks-orders-kafka-a-1234', victim)).toBe('requested');
    expect(await adapter().terminateInstance('eks-orders-kafka-a-1234', victim)).toBe(
      'already-leaving',
    );
    const described = await client.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['eks-orders-kafka-a-1234'] }),
    );
    const group = described.AutoScalingGroups?.[0];
    expect(group?.DesiredCapacity).toBe(before.desired - 1);
    expect(
      group?.Instances?.some(
        instance => instance.InstanceId === victim && instance.LifecycleState === 'InService',
      ),
    ).toBe(false);
  });

  test('refuses to terminate at minimum size before calling the API', async () => {
    const [group] = await adapter().describeZoneGroups([zone]);
    const inService = group.instances.filter(instance => instance.lifecycleState === 'InService');
    for (const instance of inService.slice(0, Math.max(0, group.desired - group.min))) {
      await adapter().terminateInstance(group.groupName, instance.instanceId);
    }
    const [atMin] = await adapter().describeZoneGroups([zone]);
    expect(atMin.desired).toBe(atMin.min);
    const last = atMin.instances.find(instance => instance.lifecycleState === 'InService');
    expect(last).toBeDefined();
    await expect(
      adapter().terminateInstance(atMin.groupName, last?.instanceId ?? ''),
    ).rejects.toThrow(AutoScalingRefusal);
  });
  test('follows the real pages of DescribeAutoScalingGroups to the end, one group a page (review s35-a, fault 4)', async () => {
    for (const letter of ['b', 'c']) {
      await client.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: `eks-orders-kafka-${letter}-1234`,
          LaunchConfigurationName: 'lc',
          MinSize: 0,
          MaxSize: 2,
          DesiredCapacity: 0,
          AvailabilityZones: [`us-east-1${letter}`],
          Tags: [
            { Key: 'eks:nodegroup-name', Value: `orders-kafka-${letter}`, PropagateAtLaunch: true },
          ],
        }),
      );
    }
    const tokens: Array<string | undefined> = [];
    const calls = sdkCalls(client);
    const onePerPage = new AutoScalingAdapter(
      {
        ...calls,
        describeGroups: async input => {
          const page = await calls.describeGroups({ ...input, MaxRecords: 1 });
          tokens.push(page.NextToken);
          return page;
        },
      },
      { attempts: 1 },
    );
    const zones = ['a', 'b', 'c'].map(letter => ({
      ...zone,
      zone: `us-east-1${letter}`,
      nodegroupName: `orders-kafka-${letter}`,
    }));
    const groups = await onePerPage.describeZoneGroups(zones);
    expect(groups.map(group => group.groupName)).toEqual([
      'eks-orders-kafka-a-1234',
      'eks-orders-kafka-b-1234',
      'eks-orders-kafka-c-1234',
    ]);
    // Real tokens: distinct, and none on the last page (the loop guard never refuses them).
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(tokens[tokens.length - 1]).toBeUndefined();
    const given = tokens.filter((token): token is string => token !== undefined);
    expect(new Set(given).size).toBe(given.length);
  });
});
