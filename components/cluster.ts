/**
 * The EKS control plane: `@pulumi/eks` Cluster with access entries (no aws-auth ConfigMap), the
 * private endpoint on and the public one limited to the spec's CIDRs (or off), Kubernetes secrets
 * envelope-encrypted with a rotating KMS key, control plane logs, VPC CNI with network policy
 * enforcement, and the EKS Pod Identity agent. Every add-on version is pinned.
 */
import * as aws from '@pulumi/aws';
import * as eks from '@pulumi/eks';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformSpec } from '../spec/schema';
import {
  accessEntriesFor,
  adminAccessEntryKeys,
  type AdminAccessEntryKeys,
} from './lib/access-entries';
import { addonVersionsFor } from './lib/addon-versions';
import { clusterNameOf } from './lib/names';
import { baseTags, namedTags } from './lib/tags';

/** Control plane log types sent to CloudWatch. */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator'] as const;

export interface ClusterArgs {
  /**
   * The validated platform spec: name, `cluster.kubernetesVersion`, `cluster.publicEndpointCidrs`,
   * `cluster.adminPrincipalArns`, tags.
   * @default - required
   */
  readonly spec: PlatformSpec;
  /**
   * VPC of the cluster.
   * @default - required
   */
  readonly vpcId: pulumi.Input<string>;
  /**
   * Private subnets, one per zone: the control plane's network interfaces and the nodes.
   * @default - required
   */
  readonly privateSubnetIds: readonly pulumi.Input<string>[];
  /**
   * Public subnets, for internet-facing load balancers only.
   * @default - none
   */
  readonly publicSubnetIds?: readonly pulumi.Input<string>[];
  /**
   * The admin access entries as last deployed (key -> principal ARN, stack output
   * `adminAccessEntries`): each deployed principal keeps its key, so removing or reordering admins
   * never replaces an entry with a principal another entry still holds (lib/access-entries.ts).
   * @default - none: keys by position, `admin-<index>`, as earlier versions made them
   */
  readonly deployedAdminAccessEntries?: AdminAccessEntryKeys | undefined;
}

export class Cluster extends pulumi.ComponentResource {
  /** EKS cluster name (the platform name). */
  public readonly clusterName: string;
  /** The `@pulumi/eks` cluster; depend on it before creating anything inside the cluster. */
  public readonly eksCluster: eks.Cluster;
  /** Kubeconfig as JSON, secret. */
  public readonly kubeconfigJson: pulumi.Output<string>;
  /** The Pod Identity agent add-on; roles handed to pods work once it runs. */
  public readonly podIdentityAgent: aws.eks.Addon;
  /** The KMS key encrypting Kubernetes secrets. */
  public readonly secretsKey: aws.kms.Key;
  /** The admin access entries' keys -> principal ARNs, for the stack output `adminAccessEntries`. */
  public readonly adminAccessEntries: Readonly<Record<string, string>>;

  public constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('kafka-eks:index:Cluster', name, {}, opts);
    const { spec } = args;
    const versions = addonVersionsFor(spec.cluster.kubernetesVersion);
    this.clusterName = clusterNameOf(spec);
    this.adminAccessEntries = adminAccessEntryKeys(
      spec.cluster.adminPrincipalArns,
      args.deployedAdminAccessEntries,
    );

    this.secretsKey = new aws.kms.Key(
      `${name}-secrets`,
      {
        description: `Envelope encryption of Kubernetes secrets in EKS cluster ${this.clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags: namedTags(spec, `${this.clusterName}-secrets`),
      },
      { parent: this },
    );
    new aws.kms.Alias(
      `${name}-secrets`,
      { name: `alias/${this.clusterName}-eks-secrets`, targetKeyId: this.secretsKey.keyId },
      { parent: this },
    );

    const publicCidrs = spec.cluster.publicEndpointCidrs;
    this.eksCluster = new eks.Cluster(
      `${name}-eks`,
      {
        name: this.clusterName,
        version: spec.cluster.kubernetesVersion,
        vpcId: args.vpcId,
        privateSubnetIds: [...args.privateSubnetIds],
        publicSubnetIds:
          args.publicSubnetIds === undefined || args.publicSubnetIds.length === 0
            ? undefined
            : [...args.publicSubnetIds],
        skipDefaultNodeGroup: true,
        nodeAssociatePublicIpAddress: false,
        authenticationMode: eks.AuthenticationMode.Api,
        accessEntries: accessEntriesFor(
          spec.cluster.adminPrincipalArns,
          args.deployedAdminAccessEntries,
        ),
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.length > 0,
        publicAccessCidrs: publicCidrs.length > 0 ? [...publicCidrs] : undefined,
        encryptionConfigKeyArn: this.secretsKey.arn,
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        createOidcProvider: false,
        useDefaultVpcCni: false,
        vpcCniOptions: { addonVersion: versions.vpcCni, enableNetworkPolicy: true },
        corednsAddonOptions: { version: versions.coreDns },
        kubeProxyAddonOptions: { version: versions.kubeProxy },
        tags: baseTags(spec),
      },
      { parent: this },
    );
    this.kubeconfigJson = pulumi.secret(this.eksCluster.kubeconfigJson);

    this.podIdentityAgent = new aws.eks.Addon(
      `${name}-pod-identity-agent`,
      {
        clusterName: this.clusterName,
        addonName: 'eks-pod-identity-agent',
        addonVersion: versions.podIdentityAgent,
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'OVERWRITE',
        tags: baseTags(spec),
      },
      { parent: this, dependsOn: [this.eksCluster] },
    );

    this.registerOutputs({ clusterName: this.clusterName, kubeconfigJson: this.kubeconfigJson });
  }
}
