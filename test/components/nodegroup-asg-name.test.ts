/**
 * The Auto Scaling group name read back from a nodegroup's `resources` output. Generic Pulumi
 * mocks that echo the inputs (the pattern of Pulumi's unit-testing guide) leave `resources`
 * undefined: the error must name the nodegroup and the mocks that fill it in, not be a TypeError
 * from inside the library.
 */
import type * as aws from '@pulumi/aws';
import { asgNameFrom } from '../../components/nodegroups';

type Resources = aws.types.output.eks.NodeGroupResource[];

it('reads the first Auto Scaling group EKS reports', () => {
  const resources = [
    { autoscalingGroups: [{ name: 'eks-echo-kafka-a-1234' }], remoteAccessSecurityGroupId: '' },
  ];
  expect(asgNameFrom(resources, 'echo-kafka-a')).toBe('eks-echo-kafka-a-1234');
});

it.each([
  ['undefined (mocks that echo the inputs)', undefined],
  ['empty', []],
  ['a resource with no group', [{ autoscalingGroups: [], remoteAccessSecurityGroupId: '' }]],
])('resources %s: names the nodegroup and the mocks to use', (_, resources) => {
  const read = (): string => asgNameFrom(resources as Resources | undefined, 'echo-kafka-a');
  expect(read).toThrow(
    "EKS reported no Auto Scaling group for nodegroup echo-kafka-a (its resources output is empty). Under Pulumi mocks, return resources[0].autoscalingGroups[0].name for aws:eks/nodeGroup:NodeGroup, or use kafkaEksPlatformMocks() from 'kafka-eks-autoscaling/testing'",
  );
  expect(read).not.toThrow(TypeError);
});
