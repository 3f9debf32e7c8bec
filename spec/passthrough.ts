/**
 * Checks of the free-form maps that pass through to AWS: `cluster.tags` (on every AWS resource),
 * `kafka.external.subnets` (an AWS Load Balancer Controller annotation per zone) and the VPC ID and
 * subnet maps of `cluster.existingVpc` (each an EC2 ID of its kind, `vpc-`/`subnet-` and 8 or 17
 * hex digits, `aws-inputs.ts` `isEc2ResourceId`; one subnet per zone). The Kafka maps are checked
 * in kafka-config.ts.
 *
 * Facts (AWS "Tagging AWS resources" user guide; IAM and EC2 tag limits): at most 50 tags per
 * resource; keys 1-128 characters, values 0-256; letters, digits, spaces and `_ . : / = + - @`;
 * the `aws:` prefix (any case) is reserved for AWS in keys and in values (a resource tagged with
 * one fails to create, awsdocs/aws-cloudformation-user-guide#371). This platform adds up to 5 tags of its own to a resource
 * (components/lib/tags.ts: `kafka.platform/name`, `Name`, a subnet role, the cluster ownership
 * tag, `kafka.platform/zone`) and owns the `Name`, `kafka.platform/` and `kubernetes.io/` keys.
 */
import { isEc2ResourceId } from './aws-inputs';
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

const MAX_TAGS = 50;
const PLATFORM_TAGS = 5;
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;
/** AWS's tag pattern: `\p{Z}` is a space separator; a tab or line break is not allowed. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESERVED_TAG_KEYS = [
  {
    test: (key: string) => key.toLowerCase().startsWith('aws:'),
    why: 'the aws: prefix is reserved for AWS',
  },
  { test: (key: string) => key === 'Name', why: 'the platform names each resource itself' },
  {
    test: (key: string) => key.startsWith('kafka.platform/'),
    why: 'the platform uses kafka.platform/ tags to find its own resources',
  },
  {
    test: (key: string) => key.startsWith('kubernetes.io/') || key.startsWith('k8s.io/'),
    why: 'EKS, the AWS Load Balancer Controller and Cluster Autoscaler read these keys',
  },
];

function tagIssues(spec: PlatformSpec): SpecIssue[] {
  const tags = spec.cluster.tags;
  const issues: SpecIssue[] = [];
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS - PLATFORM_TAGS) {
    issues.push({
      path: 'cluster.tags',
      message: `has ${keys.length} tags; AWS allows ${MAX_TAGS} per resource and the platform adds up to ${PLATFORM_TAGS}, so use at most ${MAX_TAGS - PLATFORM_TAGS}`,
    });
  }
  for (const key of keys) {
    const path = `cluster.tags[${JSON.stringify(key)}]`;
    const value = tags[key] ?? '';
    const reserved = RESERVED_TAG_KEYS.find(entry => entry.test(key));
    if (reserved !== undefined) {
      issues.push({ path, message: `is a reserved tag key (${reserved.why}); rename it` });
    }
    if (key.length < 1 || key.length > TAG_KEY_MAX || !TAG_CHARACTERS.test(key)) {
      issues.push({
        path,
        message: `is not an AWS tag key; use 1-${TAG_KEY_MAX} letters, digits, spaces and _ . : / = + - @`,
      });
    }
    if (value.toLowerCase().startsWith('aws:')) {
      const stripped = value.slice('aws:'.length);
      const example =
        stripped === '' || stripped.toLowerCase().startsWith('aws:')
          ? ''
          : `, such as ${showValue(stripped)}`;
      issues.push({
        path,
        message: `${showValue(value)} starts with the aws: prefix, which AWS reserves for its own tags in keys and values alike (any case), so creating the tagged resources fails; use a value that does not start with aws:${example}`,
      });
    }
    if (value.length > TAG_VALUE_MAX || !TAG_CHARACTERS.test(value)) {
      issues.push({
        path,
        message: `${showValue(value)} is not an AWS tag value; use at most ${TAG_VALUE_MAX} letters, digits, spaces and _ . : / = + - @`,
      });
    }
  }
  return issues;
}

function subnetIssues(spec: PlatformSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [zone, subnet] of Object.entries(spec.kafka.external.subnets)) {
    if (subnet.trim() === '' || /[,\s]/.test(subnet)) {
      issues.push({
        path: `kafka.external.subnets[${JSON.stringify(zone)}]`,
        message: `${showValue(subnet)} is not one subnet; give one subnet ID or Name tag for the zone (each broker's NLB sits in its own zone)`,
      });
    }
  }
  const existing = spec.cluster.existingVpc;
  if (existing !== undefined && !isEc2ResourceId('vpc', existing.vpcId)) {
    issues.push({
      path: 'cluster.existingVpc.vpcId',
      message: `${showValue(existing.vpcId)} is not a VPC ID; write the ID EC2 shows, like "vpc-0123456789abcdef0" (aws ec2 describe-vpcs)`,
    });
  }
  if (existing !== undefined) {
    for (const [field, map] of [
      ['privateSubnetIds', existing.privateSubnetIds],
      ['publicSubnetIds', existing.publicSubnetIds],
    ] as const) {
      // A subnet lies in exactly one zone (EC2 "Subnets"): a nodegroup given another zone's subnet
      // starts its nodes there, and EKS refuses repeated subnets (eksctl-io/eksctl#4696).
      const zoneOfSubnet = new Map<string, string>();
      for (const [zone, subnet] of Object.entries(map)) {
        if (!isEc2ResourceId('subnet', subnet)) {
          issues.push({
            path: `cluster.existingVpc.${field}[${JSON.stringify(zone)}]`,
            message: `${showValue(subnet)} is not one subnet ID; give the ID of one subnet in ${zone}, like "subnet-0123456789abcdef0" (aws ec2 describe-subnets)`,
          });
        }
        const other = zoneOfSubnet.get(subnet);
        if (other === undefined) {
          zoneOfSubnet.set(subnet, zone);
        } else {
          issues.push({
            path: `cluster.existingVpc.${field}[${JSON.stringify(zone)}]`,
            message: `${showValue(subnet)} is also the subnet of ${other}, but a subnet lies in one zone only, so one zone's nodes would start in the other zone (and EKS refuses duplicate subnets); give each zone its own subnet`,
          });
        }
        if (!spec.zones.includes(zone)) {
          issues.push({
            path: `cluster.existingVpc.${field}[${JSON.stringify(zone)}]`,
            message: `${showValue(zone)} is not one of the spec's zones (${spec.zones.join(', ')}); remove it or fix the zone name`,
          });
        }
      }
    }
  }
  return issues;
}

/** IAM role ARNs (IAM user guide, "IAM identifiers"): partition, 12-digit account, role path. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

function roleArnIssues(spec: PlatformSpec): SpecIssue[] {
  const arn = spec.controller.iamRoleArn;
  if (arn === undefined || ROLE_ARN.test(arn)) return [];
  return [
    {
      path: 'controller.iamRoleArn',
      message: `${showValue(arn)} is not an IAM role ARN; write one like "arn:aws:iam::123456789012:role/kafka-autoscaler", or leave it out to use EKS Pod Identity`,
    },
  ];
}

/** Every problem of the AWS passthrough maps and strings. */
export function passthroughIssues(spec: PlatformSpec): SpecIssue[] {
  return [...tagIssues(spec), ...subnetIssues(spec), ...roleArnIssues(spec)];
}
