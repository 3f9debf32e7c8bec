/**
 * The managed nodegroups: one system group across the zones it was first deployed in (every spec
 * zone on a first deployment; spec/system-nodegroup.ts keeps a permitted `zones` edit from
 * replacing it under its own name), and one Kafka group per zone in that
 * zone's private subnet only (a broker's EBS volume pins it to its zone, so each zone scales on
 * its own). Kafka nodes are labelled and tainted for Kafka. Every node comes from a launch
 * template with IMDSv2 required, hop limit 1 and an encrypted root volume. The desired size is
 * set at creation and ignored afterwards, so `pulumi up` never undoes a scaling decision.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformPlan } from '../spec/derive';
import type { PlatformSpec } from '../spec/schema';
import { NODE_ROLE_MANAGED_POLICIES, awsManagedPolicyArn, serviceTrustPolicy } from './lib/iam';
import { amiTypeFor, launchTemplateData } from './lib/launch-template';
import { systemNodegroupIdentityOf, type SystemNodegroupIdentity } from '../spec/system-nodegroup';
import {
  IGNORED_NODEGROUP_CHANGES,
  ROOT_VOLUME_GI,
  kafkaNodeLabels,
  kafkaNodeTaint,
  kafkaScaling,
  systemScaling,
} from './lib/nodegroup-config';
import { namedTags } from './lib/tags';

export interface NodegroupsArgs {
  /**
   * The validated platform spec: `nodes.kafka`, `nodes.system`, tags.
   * @default - required
   */
  readonly spec: PlatformSpec;
  /**
   * Numbers derived from the spec: zones, nodegroup names, node counts, label value.
   * @default - required
   */
  readonly plan: PlatformPlan;
  /**
   * Name of the EKS cluster the groups join.
   * @default - required
   */
  readonly clusterName: string;
  /**
   * Resources the groups wait for (the cluster and its networking add-ons).
   * @default - none
   */
  readonly dependsOn?: readonly pulumi.Resource[];
  /**
   * Zone -> private subnet ID, for every spec zone.
   * @default - required
   */
  readonly privateSubnetIds: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Whether to create the system nodegroup. An existing cluster (`cluster.existing`) runs its own
   * nodes for everything that is not Kafka, so the platform creates only the Kafka groups.
   * @default true
   */
  readonly systemNodegroup?: boolean;
  /**
   * The system nodegroup as the stack last deployed it (name and zones; what
   * `refuseStatefulChanges` returns). While every zone it spans stays in the spec, the group keeps
   * that name and those zones (appended zones leave it unchanged); once one is dropped it moves to
   * the spec's zones under a name derived from them (`systemNodegroupIdentityOf`).
   * @default - none: a first deployment, `<name>-system` across every spec zone
   */
  readonly deployedSystemNodegroup?: SystemNodegroupIdentity | undefined;
}

/** One zone's Kafka nodegroup and its Auto Scaling group. */
export interface KafkaNodegroup {
  readonly zone: string;
  readonly nodegroupName: string;
  readonly nodegroup: aws.eks.NodeGroup;
  /** Name of the Auto Scaling group EKS created for the nodegroup. */
  readonly asgName: pulumi.Output<string>;
}

export class Nodegroups extends pulumi.ComponentResource {
  /** The IAM role of every node. */
  public readonly nodeRole: aws.iam.Role;
  /** The system nodegroup; undefined when `systemNodegroup` is false. */
  public readonly systemNodegroup: aws.eks.NodeGroup | undefined;
  /** Name of the system nodegroup's Auto Scaling group; undefined without the group. */
  public readonly systemAsgName: pulumi.Output<string> | undefined;
  /**
   * The system nodegroup's EKS name and zones, for the stack output `systemNodegroup` the next
   * run reads; undefined without the group.
   */
  public readonly systemIdentity: SystemNodegroupIdentity | undefined;
  /** The Kafka nodegroups, in zone order. */
  public readonly kafka: readonly KafkaNodegroup[];

  public constructor(name: string, args: NodegroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('kafka-eks:index:Nodegroups', name, {}, opts);
    const { spec, plan, clusterName } = args;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const nodeDependencies = [...(args.dependsOn ?? [])];

    this.nodeRole = new aws.iam.Role(
      `${name}-node`,
      {
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy('ec2.amazonaws.com')),
        description: `Nodes of EKS cluster ${clusterName}`,
        tags: namedTags(spec, `${clusterName}-node`),
      },
      { parent: this },
    );
    const attachments = NODE_ROLE_MANAGED_POLICIES.map(
      policy =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${policy.toLowerCase().replace(/_/g, '-')}`,
          {
            role: this.nodeRole.name,
            policyArn: partition.apply(value => awsManagedPolicyArn(value, policy)),
          },
          { parent: this },
        ),
    );

    if (args.systemNodegroup ?? true) {
      this.systemIdentity = systemNodegroupIdentityOf(spec, args.deployedSystemNodegroup);
      const systemName = this.systemIdentity.name;
      const systemTemplate = this.launchTemplate(`${name}-system`, spec, systemName, false);
      const system = systemScaling(spec);
      this.systemNodegroup = new aws.eks.NodeGroup(
        `${name}-system`,
        {
          clusterName,
          nodeGroupName: systemName,
          nodeRoleArn: this.nodeRole.arn,
          subnetIds: this.systemIdentity.zones.map(zone =>
            requiredSubnet(args.privateSubnetIds, zone),
          ),
          instanceTypes: [spec.nodes.system.instanceType],
          amiType: amiTypeFor(spec.nodes.system.instanceType),
          capacityType: 'ON_DEMAND',
          launchTemplate: { id: systemTemplate.id, version: versionOf(systemTemplate) },
          scalingConfig: { ...system },
          updateConfig: { maxUnavailable: 1 },
          tags: namedTags(spec, systemName),
        },
        {
          parent: this,
          dependsOn: [...nodeDependencies, ...attachments],
          ignoreChanges: [...IGNORED_NODEGROUP_CHANGES],
        },
      );
      this.systemAsgName = asgNameOf(this.systemNodegroup);
    } else {
      this.systemNodegroup = undefined;
      this.systemAsgName = undefined;
      this.systemIdentity = undefined;
    }

    const kafkaTemplate = this.launchTemplate(
      `${name}-kafka`,
      spec,
      plan.kafkaNodeLabelValue,
      true,
    );
    const kafkaBounds = kafkaScaling(spec, plan);
    this.kafka = plan.zones.map(zone => {
      const nodegroup = new aws.eks.NodeGroup(
        `${name}-kafka-${zone.zone}`,
        {
          clusterName,
          nodeGroupName: zone.nodegroupName,
          nodeRoleArn: this.nodeRole.arn,
          subnetIds: [requiredSubnet(args.privateSubnetIds, zone.zone)],
          instanceTypes: [spec.nodes.kafka.instanceType],
          amiType: amiTypeFor(spec.nodes.kafka.instanceType),
          capacityType: 'ON_DEMAND',
          launchTemplate: { id: kafkaTemplate.id, version: versionOf(kafkaTemplate) },
          scalingConfig: { ...kafkaBounds },
          updateConfig: { maxUnavailable: 1 },
          labels: kafkaNodeLabels(plan),
          taints: [kafkaNodeTaint(plan)],
          tags: { ...namedTags(spec, zone.nodegroupName), 'kafka.platform/zone': zone.zone },
        },
        {
          parent: this,
          dependsOn: [...nodeDependencies, ...attachments],
          ignoreChanges: [...IGNORED_NODEGROUP_CHANGES],
        },
      );
      return {
        zone: zone.zone,
        nodegroupName: zone.nodegroupName,
        nodegroup,
        asgName: asgNameOf(nodegroup),
      };
    });

    this.registerOutputs({
      systemAsgName: this.systemAsgName,
      kafkaAsgNames: this.kafka.map(group => group.asgName),
    });
  }

  private launchTemplate(
    resourceName: string,
    spec: PlatformSpec,
    nodeName: string,
    detailedMonitoring: boolean,
  ): aws.ec2.LaunchTemplate {
    const data = launchTemplateData({
      rootVolumeGi: ROOT_VOLUME_GI,
      detailedMonitoring,
      tags: namedTags(spec, nodeName),
    });
    return new aws.ec2.LaunchTemplate(
      resourceName,
      {
        description: `Nodes of ${nodeName}: IMDSv2 only, hop limit 1, encrypted root volume`,
        updateDefaultVersion: data.updateDefaultVersion,
        metadataOptions: { ...data.metadataOptions },
        blockDeviceMappings: data.blockDeviceMappings.map(mapping => ({
          deviceName: mapping.deviceName,
          ebs: { ...mapping.ebs },
        })),
        monitoring: { ...data.monitoring },
        tagSpecifications: data.tagSpecifications.map(spec => ({ ...spec })),
        tags: namedTags(spec, nodeName),
      },
      { parent: this },
    );
  }
}

function versionOf(template: aws.ec2.LaunchTemplate): pulumi.Output<string> {
  return template.latestVersion.apply(version => String(version));
}

function asgNameOf(nodegroup: aws.eks.NodeGroup): pulumi.Output<string> {
  return pulumi
    .all([nodegroup.resources, nodegroup.urn])
    .apply(([resources, urn]) => asgNameFrom(resources, urn.split('::').pop() ?? urn));
}

/**
 * The name of the Auto Scaling group EKS made for a nodegroup: the first group of its `resources`
 * output (`aws.eks.NodeGroup.resources`).
 * @param nodegroup the nodegroup's name, for the error.
 * @throws Error naming the nodegroup when EKS reported none, as generic Pulumi mocks that echo the
 *   inputs do (they leave `resources` undefined although it is typed as always set); the message
 *   names the mocks that fill it in.
 */
export function asgNameFrom(
  resources: readonly aws.types.output.eks.NodeGroupResource[] | undefined,
  nodegroup: string,
): string {
  const asgName = (resources ?? [])[0]?.autoscalingGroups[0]?.name;
  if (asgName === undefined) {
    throw new Error(
      `EKS reported no Auto Scaling group for nodegroup ${nodegroup} ` +
        '(its resources output is empty). Under Pulumi mocks, return ' +
        'resources[0].autoscalingGroups[0].name for aws:eks/nodeGroup:NodeGroup, or use ' +
        "kafkaEksPlatformMocks() from 'kafka-eks-autoscaling/testing'",
    );
  }
  return asgName;
}

function requiredSubnet(
  subnets: Readonly<Record<string, pulumi.Input<string>>>,
  zone: string,
): pulumi.Input<string> {
  const id = subnets[zone];
  if (id === undefined) throw new Error(`no private subnet for zone ${zone}`);
  return id;
}
