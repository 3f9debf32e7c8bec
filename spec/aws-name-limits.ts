/**
 * How long the names of the AWS resources this project creates may be, and how long the names
 * Pulumi generates for them are.
 *
 * When a resource's name property is left unset, the AWS provider auto-names it: the logical
 * (Pulumi) name, a `-` separator and 7 random lowercase hex characters. When the result would be
 * longer than the type's limit, `pulumi preview` and `pulumi up` fail before anything is created.
 * Two layers enforce a limit, and the smaller one wins:
 *
 * - `auto-name`: the maximum pulumi-aws passes to the Terraform bridge's auto-namer
 *   (`tfbridge.AutoName(field, max, "-")`). It fails with
 *   `name '<logical>-' plus 7 random chars is longer than maximum length <max>` (the bridge
 *   calls `resource.NewUniqueName` of the Pulumi SDK, sdk/v3 v3.248.0
 *   `go/common/resource/resource_id.go`). Types without an override get the provider-wide default
 *   of 255 (`setAutonaming` in pulumi-aws `provider/autonaming.go`).
 * - `schema`: the length the upstream Terraform AWS provider's schema validates (the limit the AWS
 *   API documents). It fails in the provider's Check step, also during preview.
 *
 * Sources (pulumi-aws, provider v7 layout, read November 2026):
 * - `provider/resource_overrides.go`: `aws_iam_role` name AutoName 64; `aws_kms_alias` name
 *   Maxlen 238 for the logical name, `-` and the 7 characters, then `PostTransform` prepends
 *   `alias/` (so an auto-named alias is at most 244 characters; the bridge's `FromName` checks
 *   Maxlen before the post-transform); `aws_eks_node_group` nodeGroupName AutoName 255.
 * - `provider/aliases.go`: `aws_lb_target_group` name AutoName 32.
 * - `provider/autonaming.go`: every other resource with a `name` input: AutoName 255.
 * - Upstream schema limits (terraform-provider-aws, and the AWS API references named per entry):
 *   IAM policy and inline role policy names 128, load balancer names 32
 *   (`internal/service/elbv2/validate.go` validName), launch template names 125
 *   (`internal/verify/validate.go` ValidLaunchTemplateName: "cannot be longer than 125
 *   characters", below the EC2 API's 128), security group names 255, instance profile names 128,
 *   EKS cluster names 100.
 */

/** Characters of the random auto-name suffix (pulumi-aws `Randlen: 7`). */
export const AUTO_NAME_RANDOM_LENGTH = 7;
/** Separator between the logical name and the random suffix. */
export const AUTO_NAME_SEPARATOR = '-';
/** Characters the random suffix is drawn from (the SDK's default charset, lowercase hex). */
export const AUTO_NAME_CHARSET = '0123456789abcdef';

/** Which layer enforces a type's limit (see the module comment). */
export type NameLimitLayer = 'auto-name' | 'schema';

/** The name limit of one Pulumi AWS resource type. */
export interface AwsNameLimit {
  /** Input property that holds the physical name (`name` for most types). */
  readonly nameProperty: string;
  /**
   * Longest auto-generated name, in characters, that preview accepts (prefixes such as `alias/`
   * included). Also the limit of a given name unless {@link AwsNameLimit.givenMaxLength} is set.
   */
  readonly maxLength: number;
  /**
   * Longest name, in characters, accepted when the name property is set explicitly, where that
   * differs from `maxLength` (a KMS alias: 256 by KMS CreateAlias, while the auto-namer stops at
   * 244). Unset: `maxLength` applies to given names too.
   */
  readonly givenMaxLength?: number;
  /** The layer whose check `maxLength` comes from. */
  readonly enforcedBy: NameLimitLayer;
  /** Prefix the provider adds to an auto-name (`alias/` for KMS aliases), counted in the length. */
  readonly autoNamePrefix: string;
  /** Where the figure comes from. */
  readonly source: string;
}

const PULUMI_AWS = 'pulumi-aws v7';
const TF_AWS = 'terraform-provider-aws schema';

/**
 * Name limits per Pulumi resource type token, for every AWS type this project registers or is
 * likely to (load balancers and target groups are created by the AWS Load Balancer Controller
 * today, not by Pulumi; they are listed for components that add them).
 */
export const AWS_NAME_LIMITS: Readonly<Record<string, AwsNameLimit>> = {
  'aws:iam/role:Role': {
    nameProperty: 'name',
    maxLength: 64,
    enforcedBy: 'auto-name',
    autoNamePrefix: '',
    source: `${PULUMI_AWS} provider/resource_overrides.go aws_iam_role AutoName("name", 64, "-"); IAM CreateRole RoleName 1-64`,
  },
  'aws:iam/policy:Policy': {
    nameProperty: 'name',
    maxLength: 128,
    enforcedBy: 'schema',
    autoNamePrefix: '',
    source: `${PULUMI_AWS} default AutoName 255; ${TF_AWS} aws_iam_policy name 1-128 (IAM CreatePolicy PolicyName 1-128)`,
  },
  'aws:iam/rolePolicy:RolePolicy': {
    nameProperty: 'name',
    maxLength: 128,
    enforcedBy: 'schema',
    autoNamePrefix: '',
    source: `${PULUMI_AWS} default AutoName 255; ${TF_AWS} aws_iam_role_policy name 1-128 (IAM PutRolePolicy PolicyName 1-128)`,
  },
  'aws:iam/instanceProfile:InstanceProfile': {
    nameProperty: 'name',
    maxLength: 128,
    enforcedBy: 'schema',
    autoNamePrefix: '',
    source: `${PULUMI_AWS} default AutoName 255; ${TF_AWS} aws_iam_instance_profile name 1-128`,
  },
  'aws:lb/loadBalancer:LoadBalancer': {
    nameProperty: 'name',
    maxLength: 32,
    enforcedBy: 'schema',
    autoNamePrefix: '',
    source: `${PULUMI_AWS} default AutoName 255; ${TF_AWS} aws_lb name at most 32 (ELBv2 CreateLoadBalancer Name)`,
  },
  'aws:lb/targetGroup:TargetGroup': {
    nameProperty: 'name',
    maxLength: 32,
    enforcedBy: 'auto-name',
    autoNamePrefix: '',
    source: `${PULUMI_AWS} provider/aliases.go aws_lb_target_group AutoName("name", 32, "-"); ELBv2 CreateTargetGroup Name at most 32`,
  },
  'aws:ec2/launchTemplate:LaunchTemplate': {
    nameProperty: 'name',
    maxLength: 125,
    enforcedBy: 'schema',
    autoNamePrefix: '',
    source: `${PULUMI_AWS} default AutoName 255; ${TF_AWS} aws_launch_template name 3-125 (internal/verify/validate.go ValidLaunchTemplateName; the EC2 API itself allows 128)`,
  },
  'aws:ec2/securityGroup:SecurityGroup': {
    nameProperty: 'name',
    maxLength: 255,
    enforcedBy: 'auto-name',
    autoNamePrefix: '',
    source: `${PULUMI_AWS} default AutoName 255; EC2 CreateSecurityGroup GroupName up to 255`,
  },
  'aws:kms/alias:Alias': {
    nameProperty: 'name',
    maxLength: 238 + 'alias/'.length,
    givenMaxLength: 256,
    enforcedBy: 'auto-name',
    autoNamePrefix: 'alias/',
    source: `${PULUMI_AWS} provider/resource_overrides.go aws_kms_alias AutoName Maxlen 238 before the "alias/" PostTransform (244 with it); a given name: KMS CreateAlias AliasName 1-256`,
  },
  'aws:eks/nodeGroup:NodeGroup': {
    nameProperty: 'nodeGroupName',
    maxLength: 255,
    enforcedBy: 'auto-name',
    autoNamePrefix: '',
    source: `${PULUMI_AWS} provider/resource_overrides.go aws_eks_node_group AutoName("nodeGroupName", 255, "-")`,
  },
  'aws:eks/cluster:Cluster': {
    nameProperty: 'name',
    maxLength: 100,
    enforcedBy: 'schema',
    autoNamePrefix: '',
    source: `${PULUMI_AWS} default AutoName 255; ${TF_AWS} aws_eks_cluster name 1-100 (EKS CreateCluster name 1-100)`,
  },
};

/**
 * The limit, in characters, a name of `type` must meet: `maxLength` for an auto-generated name,
 * `givenMaxLength ?? maxLength` for a name set explicitly. `undefined` for types not listed.
 */
export function nameLengthLimit(type: string, autoNamed: boolean): number | undefined {
  const limit = AWS_NAME_LIMITS[type];
  if (limit === undefined) return undefined;
  return autoNamed ? limit.maxLength : (limit.givenMaxLength ?? limit.maxLength);
}

/** The limit of a resource type, or `undefined` when the type has no physical name limit here. */
export function nameLimitOf(type: string): AwsNameLimit | undefined {
  return AWS_NAME_LIMITS[type];
}

/**
 * Length, in characters, of the name the AWS provider would generate for a resource of `type`
 * whose logical (Pulumi) name is `logicalName` and whose name property is unset: prefix +
 * logical name + `-` + 7 random characters. Types not in {@link AWS_NAME_LIMITS} use no prefix.
 *
 * Example: `autoNameLength('aws:iam/role:Role', 'payments-platform-eu-central-prod-cluster-autoscaler-role')`
 * is 65, one over the IAM role limit of 64.
 */
export function autoNameLength(type: string, logicalName: string): number {
  const prefix = nameLimitOf(type)?.autoNamePrefix ?? '';
  return prefix.length + logicalName.length + AUTO_NAME_SEPARATOR.length + AUTO_NAME_RANDOM_LENGTH;
}

/**
 * Longest logical name whose auto-name still fits the limit of `type`, or `undefined` when the
 * type has no limit here. Spec-time checks use it to reject a platform name early.
 */
export function maxLogicalNameLength(type: string): number | undefined {
  const limit = nameLimitOf(type);
  if (limit === undefined) return undefined;
  return (
    limit.maxLength -
    limit.autoNamePrefix.length -
    AUTO_NAME_SEPARATOR.length -
    AUTO_NAME_RANDOM_LENGTH
  );
}

/** A generated or given name that is longer than its type allows. */
export interface NameLimitViolation {
  readonly type: string;
  /** Logical (Pulumi) name of the resource. */
  readonly logicalName: string;
  /** The physical name AWS would see (with a sample random suffix when auto-named). */
  readonly physicalName: string;
  /** Whether the name was generated (`true`) or set explicitly in the inputs. */
  readonly autoNamed: boolean;
  readonly length: number;
  readonly maxLength: number;
  readonly enforcedBy: NameLimitLayer;
}

/** One sentence naming the resource, the name, its length and the limit, and the fix. */
export function formatNameLimitViolation(violation: NameLimitViolation): string {
  const how = violation.autoNamed ? 'auto-generated name' : 'name';
  return (
    `${violation.type} "${violation.logicalName}": ${how} "${violation.physicalName}" is ` +
    `${violation.length} characters, over the limit of ${violation.maxLength} ` +
    `(${violation.enforcedBy === 'auto-name' ? 'pulumi-aws auto-naming' : 'AWS provider schema'}); ` +
    `shorten the platform name (spec field \`name\`)`
  );
}
