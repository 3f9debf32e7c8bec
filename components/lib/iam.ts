/**
 * IAM policy documents as plain data. Each role gets only what its one workload calls; the
 * documents are built here so tests can assert them exactly, and the components only attach them.
 */
import { clusterAutoscalerDiscoveryTag } from './tags';

export type ConditionBlock = Record<string, Record<string, string | readonly string[]>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: Readonly<Record<string, string>>;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

function document(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** Trust policy for a role that an AWS service assumes. */
export function serviceTrustPolicy(service: string): PolicyDocument {
  return document({
    Sid: 'ServiceAssumesRole',
    Effect: 'Allow',
    Principal: { Service: service },
    Action: ['sts:AssumeRole'],
  });
}

/** Trust policy for a role handed to pods through EKS Pod Identity. */
export function podIdentityTrustPolicy(): PolicyDocument {
  return document({
    Sid: 'EksPodIdentity',
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
  });
}

/** ARN of an AWS managed policy. */
export function awsManagedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** AWS managed policies on the node role. VPC CNI's stays here so nodes can boot networking. */
export const NODE_ROLE_MANAGED_POLICIES = [
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'AmazonEC2ContainerRegistryPullOnly',
  'AmazonSSMManagedInstanceCore',
] as const;

/** The AWS managed policy of the EBS CSI driver's controller. */
export const EBS_CSI_MANAGED_POLICY = 'service-role/AmazonEBSCSIDriverPolicy';

/** Actions the Kafka-aware controller may call on any group (reads only). */
export const CONTROLLER_READ_ACTIONS = [
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeAutoScalingInstances',
  'ec2:DescribeInstances',
] as const;

/** Actions the Kafka-aware controller may call on this platform's Kafka groups only. */
export const CONTROLLER_SCALE_ACTIONS = [
  'autoscaling:SetDesiredCapacity',
  'autoscaling:SetInstanceProtection',
  'autoscaling:TerminateInstanceInAutoScalingGroup',
] as const;

export interface KafkaGroupsScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  /** The Kafka nodegroups, one per zone. */
  readonly kafkaGroups: readonly { readonly nodegroupName: string; readonly asgName: string }[];
}

/** ARN of one Auto Scaling group by name. */
export function asgArn(
  scope: Pick<KafkaGroupsScope, 'partition' | 'region' | 'accountId'>,
  asgName: string,
): string {
  return `arn:${scope.partition}:autoscaling:${scope.region}:${scope.accountId}:autoScalingGroup:*:autoScalingGroupName/${asgName}`;
}

/**
 * The Kafka-aware controller's permissions: describe groups and instances, and change capacity,
 * instance protection and terminate instances only in this platform's Kafka groups. Both the
 * resource ARNs and the tags EKS itself puts on a managed nodegroup's group must match, so a role
 * leak cannot reach any other group.
 */
export function kafkaControllerPolicy(scope: KafkaGroupsScope): PolicyDocument {
  const nodegroupNames = scope.kafkaGroups.map(group => group.nodegroupName).sort();
  const resources = scope.kafkaGroups.map(group => asgArn(scope, group.asgName)).sort();
  return document(
    {
      Sid: 'DescribeGroupsAndInstances',
      Effect: 'Allow',
      Action: [...CONTROLLER_READ_ACTIONS],
      Resource: '*',
    },
    {
      Sid: 'ScaleOnlyThisPlatformsKafkaGroups',
      Effect: 'Allow',
      Action: [...CONTROLLER_SCALE_ACTIONS],
      Resource: resources,
      Condition: {
        StringEquals: {
          'autoscaling:ResourceTag/eks:cluster-name': scope.clusterName,
          'autoscaling:ResourceTag/eks:nodegroup-name': nodegroupNames,
        },
      },
    },
  );
}

/**
 * Cluster Autoscaler's permissions: reads everywhere, capacity changes only on groups that carry
 * this platform's discovery tag (the system group alone).
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyDocument {
  const tag = clusterAutoscalerDiscoveryTag(clusterName);
  return document(
    {
      Sid: 'DiscoverGroups',
      Effect: 'Allow',
      Action: [
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeLaunchConfigurations',
        'autoscaling:DescribeScalingActivities',
        'autoscaling:DescribeTags',
        'ec2:DescribeImages',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplateVersions',
        'ec2:GetInstanceTypesFromInstanceRequirements',
        'eks:DescribeNodegroup',
      ],
      Resource: '*',
    },
    {
      Sid: 'ScaleOnlyDiscoveredGroups',
      Effect: 'Allow',
      Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
      Resource: '*',
      Condition: { StringEquals: { [`autoscaling:ResourceTag/${tag.key}`]: tag.value } },
    },
  );
}

const LBC_CLUSTER_TAG = 'elbv2.k8s.aws/cluster';
const lbcTagOnRequest: ConditionBlock = {
  Null: { [`aws:RequestTag/${LBC_CLUSTER_TAG}`]: 'false' },
};
const lbcTagOnResource: ConditionBlock = {
  Null: { [`aws:ResourceTag/${LBC_CLUSTER_TAG}`]: 'false' },
};

/**
 * The AWS Load Balancer Controller's permissions for Network Load Balancers with IP targets (the
 * only kind this platform creates): no ALB, WAF, Shield or Cognito actions. Creating needs the
 * controller's cluster tag on the request; changing and deleting needs it on the resource.
 */
export function loadBalancerControllerPolicy(): PolicyDocument {
  return document(
    {
      Sid: 'CreateElbServiceLinkedRole',
      Effect: 'Allow',
      Action: ['iam:CreateServiceLinkedRole'],
      Resource: '*',
      Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } },
    },
    {
      Sid: 'Describe',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeAccountAttributes',
        'ec2:DescribeAddresses',
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeInstances',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeRouteTables',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSubnets',
        'ec2:DescribeTags',
        'ec2:DescribeVpcs',
        'ec2:GetSecurityGroupsForVpc',
        'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetHealth',
      ],
      Resource: '*',
    },
    {
      Sid: 'OpenBackendPorts',
      Effect: 'Allow',
      Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
      Resource: '*',
    },
    {
      Sid: 'CreateOwnSecurityGroups',
      Effect: 'Allow',
      Action: ['ec2:CreateSecurityGroup'],
      Resource: '*',
    },
    {
      Sid: 'TagOwnSecurityGroupsOnCreate',
      Effect: 'Allow',
      Action: ['ec2:CreateTags'],
      Resource: 'arn:*:ec2:*:*:security-group/*',
      Condition: {
        StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' },
        ...lbcTagOnRequest,
      },
    },
    {
      Sid: 'ManageOwnSecurityGroups',
      Effect: 'Allow',
      Action: ['ec2:CreateTags', 'ec2:DeleteSecurityGroup', 'ec2:DeleteTags'],
      Resource: '*',
      Condition: lbcTagOnResource,
    },
    {
      Sid: 'CreateLoadBalancersAndTargetGroups',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      Resource: '*',
      Condition: lbcTagOnRequest,
    },
    {
      Sid: 'TagOnCreate',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:AddTags'],
      Resource: [
        'arn:*:elasticloadbalancing:*:*:loadbalancer/net/*/*',
        'arn:*:elasticloadbalancing:*:*:targetgroup/*/*',
      ],
      Condition: {
        StringEquals: {
          'elasticloadbalancing:CreateAction': ['CreateLoadBalancer', 'CreateTargetGroup'],
        },
        ...lbcTagOnRequest,
      },
    },
    {
      Sid: 'ManageOwnLoadBalancersAndTargetGroups',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:RemoveTags',
        'elasticloadbalancing:SetIpAddressType',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets',
      ],
      Resource: '*',
      Condition: lbcTagOnResource,
    },
    {
      Sid: 'ManageListeners',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:ModifyListenerAttributes',
      ],
      Resource: '*',
    },
    {
      Sid: 'RegisterPodTargets',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'],
      Resource: 'arn:*:elasticloadbalancing:*:*:targetgroup/*/*',
    },
  );
}
