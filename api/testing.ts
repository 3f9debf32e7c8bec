/**
 * Package entry `kafka-eks-autoscaling/testing`: Pulumi mocks for unit-testing a program that
 * creates `KafkaEksPlatform`, with no AWS account and no Pulumi CLI. Every resource echoes its
 * inputs; the few outputs the platform reads back are filled in with fixed values (each
 * nodegroup's Auto Scaling group, the cluster's kubeconfig, role and key ARNs in account
 * `123456789012`, partition `aws`), and AWS names are auto-named like the provider does. A
 * StackReference (`refuseMovedZones` reads the stack's own last deployment through one) reads the
 * outputs given in `options.lastDeploymentOutputs`. These are the mocks behind `kafka-eks plan`.
 */
import type * as pulumi from '@pulumi/pulumi';
import {
  mockCallResult,
  mockResourceState,
  mockStackReferenceState,
  STACK_REFERENCE_TYPE,
} from '../components/lib/plan-mocks';

export { MOCK_ACCOUNT_ID, MOCK_ORGANIZATION, MOCK_PARTITION } from '../components/lib/plan-mocks';

/** Options of {@link kafkaEksPlatformMocks}. */
export interface KafkaEksPlatformMocksOptions {
  /**
   * Outputs every StackReference reads, as the stack's last deployment would have exported them,
   * for example `{ zoneOrder: ['us-east-1b', 'us-east-1a'] }` to test that the program refuses a
   * reorder (`refuseMovedZones`, `ZONE_ORDER_OUTPUT` from `kafka-eks-autoscaling/pulumi`).
   * @default {} - a first deployment: no outputs
   */
  readonly lastDeploymentOutputs?: Readonly<Record<string, unknown>>;
  /**
   * The zones `aws.getAvailabilityZones` lists for the account, for example `['us-east-1a',
   * 'us-east-1b']` to test that the program refuses a spec zone AWS does not list
   * (`refuseUnavailableZones`).
   * @default - every zone the program asks about by name is listed
   */
  readonly availableZones?: readonly string[];
}

/**
 * Mocks for `pulumi.runtime.setMocks(kafkaEksPlatformMocks(), project, stack, false,
 * MOCK_ORGANIZATION)`; call it before importing the program. The organization (any name) is needed
 * when the program calls `refuseMovedZones`, which names its stack `<organization>/<project>/<stack>`
 * (`<stack>` alone for `MOCK_ORGANIZATION`, the organization every DIY backend reports).
 * @param onResource called with every resource the program registers (type, name, inputs), to
 *   record them for assertions; not called for a StackReference, which the engine reads and never
 *   creates.
 * @param options what a StackReference reads (see {@link KafkaEksPlatformMocksOptions}).
 */
export function kafkaEksPlatformMocks(
  onResource?: (args: pulumi.runtime.MockResourceArgs) => void,
  options: KafkaEksPlatformMocksOptions = {},
): pulumi.runtime.Mocks {
  return {
    newResource: args => {
      if (args.type === STACK_REFERENCE_TYPE) {
        return mockStackReferenceState(
          args.inputs as Record<string, unknown>,
          options.lastDeploymentOutputs ?? {},
        );
      }
      onResource?.(args);
      return mockResourceState(args.type, args.name, args.inputs as Record<string, unknown>);
    },
    call: args =>
      mockCallResult(args.token, args.inputs as Record<string, unknown>, options.availableZones),
  };
}
