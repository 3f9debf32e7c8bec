/**
 * The EBS CSI driver as an EKS add-on, with its own Pod Identity role. Created after the nodes:
 * the add-on only turns healthy once its controller pods run.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformSpec } from '../spec/schema';
import { addonVersionsFor } from './lib/addon-versions';
import { EBS_CSI_MANAGED_POLICY, awsManagedPolicyArn } from './lib/iam';
import { SERVICE_ACCOUNTS } from './lib/names';
import { baseTags, namedTags } from './lib/tags';
import { WorkloadRole } from './workload-role';

export interface EbsCsiDriverArgs {
  /**
   * The validated platform spec: `cluster.kubernetesVersion`, tags.
   * @default - required
   */
  readonly spec: PlatformSpec;
  /**
   * Name of the EKS cluster.
   * @default - required
   */
  readonly clusterName: string;
  /**
   * Resources the add-on waits for (nodegroups, the Pod Identity agent).
   * @default - none
   */
  readonly dependsOn?: readonly pulumi.Resource[];
}

export class EbsCsiDriver extends pulumi.ComponentResource {
  /** The add-on. */
  public readonly addon: aws.eks.Addon;

  public constructor(name: string, args: EbsCsiDriverArgs, opts?: pulumi.ComponentResourceOptions) {
    super('kafka-eks:index:EbsCsiDriver', name, {}, opts);
    const { spec } = args;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const serviceAccount = SERVICE_ACCOUNTS.ebsCsiController;
    const role = new WorkloadRole(
      `${name}-ebs-csi`,
      {
        clusterName: args.clusterName,
        namespace: serviceAccount.namespace,
        serviceAccount: serviceAccount.name,
        managedPolicyArns: [
          partition.apply(value => awsManagedPolicyArn(value, EBS_CSI_MANAGED_POLICY)),
        ],
        associate: false,
        tags: namedTags(spec, `${spec.name}-ebs-csi`),
      },
      { parent: this },
    );
    this.addon = new aws.eks.Addon(
      `${name}-ebs-csi`,
      {
        clusterName: args.clusterName,
        addonName: 'aws-ebs-csi-driver',
        addonVersion: addonVersionsFor(spec.cluster.kubernetesVersion).ebsCsiDriver,
        podIdentityAssociations: [{ roleArn: role.roleArn, serviceAccount: serviceAccount.name }],
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'OVERWRITE',
        tags: baseTags(spec),
      },
      { parent: this, dependsOn: [...(args.dependsOn ?? []), role] },
    );
    this.registerOutputs({ addonName: this.addon.addonName });
  }
}
