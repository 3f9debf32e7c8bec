/**
 * An EKS cluster the platform joins instead of creating (`cluster.existing`): read with
 * `aws.eks.getCluster`, never changed. It gives the rest of the stack what `Cluster` gives for a
 * new cluster: the cluster name and a kubeconfig (the cluster's endpoint and CA, credentials from
 * `aws eks get-token`, as `aws eks update-kubeconfig` writes them). The stack then creates only
 * the Kafka nodegroups and their IAM, the controller's role and the in-cluster objects.
 *
 * What the existing cluster must already have (the platform does not install or change them):
 * API authentication that lets the Pulumi caller in, the Amazon EBS CSI driver, the EKS Pod
 * Identity agent (the controller's and the load balancer controller's roles are bound with Pod
 * Identity associations), VPC CNI, CoreDNS and nodes for the KRaft controllers and the operators
 * outside the Kafka nodegroups.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformSpec } from '../spec/schema';

export interface ExistingClusterArgs {
  /**
   * The validated platform spec; `cluster.existing.name` names the cluster, `region` its region.
   * @default - required
   */
  readonly spec: PlatformSpec;
}

/** The kubeconfig `aws eks update-kubeconfig` would write, as JSON, for one cluster. */
export function existingClusterKubeconfig(args: {
  readonly clusterName: string;
  readonly region: string;
  readonly endpoint: string;
  readonly certificateAuthorityData: string;
}): string {
  const context = `aws-eks-${args.clusterName}`;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: context,
        cluster: {
          server: args.endpoint,
          'certificate-authority-data': args.certificateAuthorityData,
        },
      },
    ],
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'aws',
            args: ['eks', 'get-token', '--cluster-name', args.clusterName, '--region', args.region],
          },
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    'current-context': context,
  });
}

export class ExistingCluster extends pulumi.ComponentResource {
  /** EKS cluster name (`cluster.existing.name`). */
  public readonly clusterName: string;
  /** Kubeconfig as JSON, secret. */
  public readonly kubeconfigJson: pulumi.Output<string>;

  public constructor(
    name: string,
    args: ExistingClusterArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('kafka-eks:index:ExistingCluster', name, {}, opts);
    const existing = args.spec.cluster.existing;
    if (existing === undefined) {
      throw new Error('ExistingCluster needs cluster.existing in the spec');
    }
    this.clusterName = existing.name;
    const found = aws.eks.getClusterOutput({ name: existing.name }, { parent: this });
    this.kubeconfigJson = pulumi.secret(
      pulumi.all([found.endpoint, found.certificateAuthorities]).apply(([endpoint, authorities]) =>
        existingClusterKubeconfig({
          clusterName: existing.name,
          region: args.spec.region,
          endpoint,
          certificateAuthorityData: authorities[0]?.data ?? '',
        }),
      ),
    );
    this.registerOutputs({ clusterName: this.clusterName, kubeconfigJson: this.kubeconfigJson });
  }
}
