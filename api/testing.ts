/**
 * Package entry `kafka-eks-autoscaling/testing`: Pulumi mocks for unit-testing a program that
 * creates `KafkaEksPlatform`, with no AWS account and no Pulumi CLI. Every resource echoes its
 * inputs; the few outputs the platform reads back are filled in with fixed values (each
 * nodegroup's Auto Scaling group, the cluster's kubeconfig, role and key ARNs in account
 * `123456789012`, partition `aws`), and AWS names are auto-named like the provider does. These are
 * the mocks behind `kafka-eks plan`.
 */
import type * as pulumi from '@pulumi/pulumi';
import { mockCallResult, mockResourceState } from '../components/lib/plan-mocks';

export { MOCK_ACCOUNT_ID, MOCK_PARTITION } from '../components/lib/plan-mocks';

/**
 * Mocks for `pulumi.runtime.setMocks(kafkaEksPlatformMocks(), project, stack, false)`; call it
 * before importing the program.
 * @param onResource called with every resource the program registers (type, name, inputs), to
 *   record them for assertions.
 */
export function kafkaEksPlatformMocks(
  onResource?: (args: pulumi.runtime.MockResourceArgs) => void,
): pulumi.runtime.Mocks {
  return {
    newResource: args => {
      onResource?.(args);
      return mockResourceState(args.type, args.name, args.inputs as Record<string, unknown>);
    },
    call: args => mockCallResult(args.token, args.inputs as Record<string, unknown>),
  };
}
