/**
 * An IAM role for one Kubernetes service account through EKS Pod Identity: the role, its inline
 * policy and/or AWS managed policies, and the association that hands it to the service account.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { podIdentityTrustPolicy, type PolicyDocument } from './lib/iam';
import type { Tags } from './lib/tags';

export interface WorkloadRoleArgs {
  /**
   * Cluster the service account lives in.
   * @default - required
   */
  readonly clusterName: string;
  /**
   * Namespace of the service account.
   * @default - required
   */
  readonly namespace: string;
  /**
   * Name of the service account.
   * @default - required
   */
  readonly serviceAccount: string;
  /**
   * Inline policy of the role.
   * @default - none
   */
  readonly policy?: pulumi.Input<PolicyDocument>;
  /**
   * Managed policy ARNs attached to the role.
   * @default - none
   */
  readonly managedPolicyArns?: readonly pulumi.Input<string>[];
  /**
   * Create the Pod Identity association here. Off when an EKS add-on associates the role itself.
   * @default true
   */
  readonly associate?: boolean;
  /**
   * Resources the association waits for (the cluster, the Pod Identity agent).
   * @default - none
   */
  readonly dependsOn?: readonly pulumi.Resource[];
  /**
   * Tags on the role.
   * @default - none
   */
  readonly tags?: Tags;
}

export class WorkloadRole extends pulumi.ComponentResource {
  /** The role. */
  public readonly role: aws.iam.Role;
  /** ARN of the role. */
  public readonly roleArn: pulumi.Output<string>;
  /** The inline policy, as JSON, when there is one. */
  public readonly policyJson: pulumi.Output<string> | undefined;

  public constructor(name: string, args: WorkloadRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('kafka-eks:index:WorkloadRole', name, {}, opts);
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
        description: `Pod Identity role of ${args.namespace}/${args.serviceAccount} in ${args.clusterName}`,
        tags: args.tags,
      },
      { parent: this },
    );
    this.roleArn = this.role.arn;
    const grants: pulumi.Resource[] = [];
    if (args.policy !== undefined) {
      this.policyJson = pulumi.output(args.policy).apply(policy => JSON.stringify(policy));
      grants.push(
        new aws.iam.RolePolicy(
          `${name}-policy`,
          { role: this.role.name, policy: this.policyJson },
          { parent: this },
        ),
      );
    }
    (args.managedPolicyArns ?? []).forEach((policyArn, index) => {
      grants.push(
        new aws.iam.RolePolicyAttachment(
          `${name}-managed-${index}`,
          { role: this.role.name, policyArn },
          { parent: this },
        ),
      );
    });
    if (args.associate ?? true) {
      new aws.eks.PodIdentityAssociation(
        `${name}-association`,
        {
          clusterName: args.clusterName,
          namespace: args.namespace,
          serviceAccount: args.serviceAccount,
          roleArn: this.role.arn,
          tags: args.tags,
        },
        { parent: this, dependsOn: [...(args.dependsOn ?? []), ...grants] },
      );
    }
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
