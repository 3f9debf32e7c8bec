/**
 * What the mocked cloud answers when the Pulumi program runs with no AWS account (`npm run plan`,
 * the component tests): every resource echoes its inputs, plus the few outputs the program reads
 * (ARNs, the kubeconfig, each nodegroup's Auto Scaling group). Values are fixed, so plans are
 * deterministic.
 */

export const MOCK_ACCOUNT_ID = '123456789012';
export const MOCK_PARTITION = 'aws';

type State = Record<string, unknown>;

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** Name EKS would give the Auto Scaling group of a nodegroup (`eks-<name>-<uuid>`). */
export function mockAsgName(nodegroupName: string): string {
  return `eks-${nodegroupName}-00000000-0000-0000-0000-000000000000`;
}

function mockKubeconfig(clusterName: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server: 'https://mock.eks.invalid' } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    'current-context': clusterName,
    users: [{ name: clusterName, user: { token: 'mock' } }],
  });
}

/** ID and state of a mocked resource. */
export function mockResourceState(
  type: string,
  name: string,
  inputs: State,
): { id: string; state: State } {
  const id = `${name}-id`;
  switch (type) {
    case 'eks:index:Cluster': {
      const clusterName = str(inputs['name'], name);
      return { id, state: { ...inputs, kubeconfigJson: mockKubeconfig(clusterName) } };
    }
    case 'aws:eks/nodeGroup:NodeGroup': {
      const nodegroupName = str(inputs['nodeGroupName'], name);
      return {
        id,
        state: {
          ...inputs,
          resources: [
            {
              autoscalingGroups: [{ name: mockAsgName(nodegroupName) }],
              remoteAccessSecurityGroupId: '',
            },
          ],
        },
      };
    }
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      return { id, state: { ...inputs, latestVersion: 1 } };
    case 'aws:iam/role:Role':
      return {
        id,
        state: {
          ...inputs,
          name,
          arn: `arn:${MOCK_PARTITION}:iam::${MOCK_ACCOUNT_ID}:role/${name}`,
        },
      };
    case 'aws:kms/key:Key':
      return {
        id,
        state: {
          ...inputs,
          keyId: id,
          arn: `arn:${MOCK_PARTITION}:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/${id}`,
        },
      };
    default:
      return { id, state: { ...inputs } };
  }
}

/** Answers of the provider functions the program calls. */
export function mockCallResult(token: string, inputs: State): State {
  switch (token) {
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:${MOCK_PARTITION}:iam::${MOCK_ACCOUNT_ID}:user/plan`,
        userId: 'plan',
      };
    case 'aws:index/getPartition:getPartition':
      return { partition: MOCK_PARTITION, dnsSuffix: 'amazonaws.com' };
    default:
      return inputs;
  }
}
