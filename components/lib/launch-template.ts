/**
 * Launch-template data for the managed nodegroups. `@pulumi/eks` can only require IMDSv2 with a
 * hop limit of 2, so the nodegroups get their own template: IMDSv2 required, hop limit 1 (pods
 * cannot reach the node's credentials), encrypted gp3 root volume. No AMI and no user data: EKS
 * picks the AMI from the nodegroup's `amiType` and bootstraps the node itself.
 */
import type { Tags } from './tags';

/** Root device of the Amazon Linux 2023 EKS AMIs. */
export const ROOT_DEVICE_NAME = '/dev/xvda';

export interface LaunchTemplateOptions {
  /** Root volume size, GiB. */
  readonly rootVolumeGi: number;
  /** One-minute instance metrics (target tracking reacts within minutes instead of five). */
  readonly detailedMonitoring: boolean;
  /** Tags for the instances and their volumes. */
  readonly tags: Tags;
}

/** Plain launch-template arguments (the `aws.ec2.LaunchTemplate` inputs this platform sets). */
export interface LaunchTemplateData {
  readonly updateDefaultVersion: boolean;
  readonly metadataOptions: {
    readonly httpEndpoint: 'enabled';
    readonly httpTokens: 'required';
    readonly httpPutResponseHopLimit: number;
    readonly instanceMetadataTags: 'disabled';
  };
  readonly blockDeviceMappings: readonly {
    readonly deviceName: string;
    readonly ebs: {
      readonly encrypted: 'true';
      readonly volumeSize: number;
      readonly volumeType: 'gp3';
      readonly deleteOnTermination: 'true';
    };
  }[];
  readonly monitoring: { readonly enabled: boolean };
  readonly tagSpecifications: readonly { readonly resourceType: string; readonly tags: Tags }[];
}

export function launchTemplateData(options: LaunchTemplateOptions): LaunchTemplateData {
  return {
    updateDefaultVersion: true,
    metadataOptions: {
      httpEndpoint: 'enabled',
      httpTokens: 'required',
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: 'disabled',
    },
    blockDeviceMappings: [
      {
        deviceName: ROOT_DEVICE_NAME,
        ebs: {
          encrypted: 'true',
          volumeSize: options.rootVolumeGi,
          volumeType: 'gp3',
          deleteOnTermination: 'true',
        },
      },
    ],
    monitoring: { enabled: options.detailedMonitoring },
    tagSpecifications: [
      { resourceType: 'instance', tags: options.tags },
      { resourceType: 'volume', tags: options.tags },
    ],
  };
}

/** EKS AMI type for an instance type: Graviton families (`m7g`, `c6gn`, ...) run the ARM AMI. */
export function amiTypeFor(
  instanceType: string,
): 'AL2023_x86_64_STANDARD' | 'AL2023_ARM_64_STANDARD' {
  const family = instanceType.split('.')[0] ?? '';
  return /^[a-z]+\d+g/.test(family) ? 'AL2023_ARM_64_STANDARD' : 'AL2023_x86_64_STANDARD';
}
