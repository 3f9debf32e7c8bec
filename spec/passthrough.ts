/**
 * Checks of the free-form maps that pass through to AWS: `cluster.tags` (on every AWS resource),
 * `kafka.external.subnets` (an AWS Load Balancer Controller annotation per zone) and the VPC ID and
 * subnet maps of `cluster.existingVpc` (each an EC2 ID of its kind, `vpc-`/`subnet-` and 8 or 17
 * hex digits, `aws-inputs.ts` `isEc2ResourceId`; one subnet per zone), and a pinned NLB subnet the
 * spec knows to be of another zone, or private under an internet-facing scheme
 * (`pinnedSubnetIssues`). The Kafka maps are checked
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

/** A subnet the spec itself names: the zone it lies in and whether it is public or private. */
interface KnownSubnet {
  readonly zone: string;
  readonly tier: 'public' | 'private';
  /** How the spec names it, for messages. */
  readonly source: string;
}

/**
 * The subnets the spec knows, by the reference `kafka.external.subnets` may use: with an existing
 * VPC, the IDs of `cluster.existingVpc.privateSubnetIds` and `.publicSubnetIds`; with a VPC the
 * platform creates, the Name tags it gives its subnets (components/network.ts:
 * `<name>-private-<zone>` and `<name>-public-<zone>`), which the AWS Load Balancer Controller's
 * subnets annotation accepts as well as IDs.
 */
function knownSubnets(spec: PlatformSpec): Map<string, KnownSubnet> {
  const known = new Map<string, KnownSubnet>();
  const existing = spec.cluster.existingVpc;
  if (existing !== undefined) {
    for (const [tier, map] of [
      ['private', existing.privateSubnetIds],
      ['public', existing.publicSubnetIds],
    ] as const) {
      for (const [zone, id] of Object.entries(map)) {
        known.set(id, {
          zone,
          tier,
          source: `cluster.existingVpc.${tier}SubnetIds[${JSON.stringify(zone)}]`,
        });
      }
    }
    return known;
  }
  for (const zone of spec.zones) {
    for (const tier of ['private', 'public'] as const) {
      known.set(`${spec.name}-${tier}-${zone}`, {
        zone,
        tier,
        source: `the ${tier} subnet the platform creates in ${zone}`,
      });
    }
  }
  return known;
}

/** The reference to suggest for a zone's NLB subnet under the spec's scheme. */
function subnetFor(spec: PlatformSpec, zone: string): string {
  const tier = spec.kafka.external.scheme === 'internet-facing' ? 'public' : 'private';
  const existing = spec.cluster.existingVpc;
  if (existing === undefined) return showValue(`${spec.name}-${tier}-${zone}`);
  const id = (tier === 'public' ? existing.publicSubnetIds : existing.privateSubnetIds)[zone];
  return id === undefined
    ? `a ${tier} subnet of ${zone} (add it to cluster.existingVpc.${tier}SubnetIds)`
    : showValue(id);
}

/**
 * A zone's pinned NLB subnet (`kafka.external.subnets`) that the spec itself shows to be wrong:
 * - a subnet of another zone: a pinned NLB is enabled in its subnet's zone only (no cross-zone
 *   load balancing), and an NLB does not route to targets in a zone it is not enabled in ("Target
 *   is in an Availability Zone that is not enabled for the load balancer",
 *   kubernetes/cloud-provider-aws#206), so the zone's brokers are never reached through it;
 * - a private subnet under `scheme: internet-facing`: an internet-facing load balancer needs
 *   public subnets (a route to an internet gateway); the controller creates it where it is told
 *   (kubernetes-sigs/aws-load-balancer-controller#2782, an internet-facing NLB bound to a private
 *   subnet), and clients on the internet never reach it (or EC2 refuses it in a VPC without an
 *   internet gateway).
 * - one subnet the spec does not know given to two zones: a subnet lies in exactly one zone, so
 *   at least one of them is pinned outside its zone as above (the check above catches the
 *   subnets the spec knows; this one catches the repeat whatever the subnet is).
 * An internal NLB in a public subnet works (private addresses only), so it is not refused.
 */
function pinnedSubnetIssues(spec: PlatformSpec): SpecIssue[] {
  const known = knownSubnets(spec);
  const issues: SpecIssue[] = [];
  const firstZoneOf = new Map<string, string>();
  for (const [zone, subnet] of Object.entries(spec.kafka.external.subnets)) {
    if (!spec.zones.includes(zone)) continue; // externalRules names an unknown zone.
    const found = known.get(subnet);
    const path = `kafka.external.subnets[${JSON.stringify(zone)}]`;
    if (found === undefined) {
      const earlier = firstZoneOf.get(subnet);
      if (earlier === undefined) {
        firstZoneOf.set(subnet, zone);
      } else {
        issues.push({
          path,
          message: `${showValue(subnet)} is also kafka.external.subnets[${JSON.stringify(earlier)}], but a subnet lies in exactly one zone, and each zone's broker NLBs are pinned to their subnet without cross-zone load balancing; an NLB does not route to targets in a zone it is not enabled in ("Target is in an Availability Zone that is not enabled for the load balancer", kubernetes/cloud-provider-aws#206), so the brokers of ${earlier} or ${zone} would be unreachable through it; give each zone a subnet of its own zone`,
        });
      }
      continue;
    }
    if (found.zone !== zone) {
      issues.push({
        path,
        message: `${showValue(subnet)} is ${found.source}, but each zone's broker NLBs are pinned to one subnet without cross-zone load balancing, and an NLB does not route to targets in a zone it is not enabled in ("Target is in an Availability Zone that is not enabled for the load balancer", kubernetes/cloud-provider-aws#206), so the brokers of ${zone} would be unreachable through it; use ${subnetFor(spec, zone)}`,
      });
    } else if (found.tier === 'private' && spec.kafka.external.scheme === 'internet-facing') {
      issues.push({
        path,
        message: `${showValue(subnet)} is ${found.source}, a private subnet, but kafka.external.scheme is internet-facing, which needs a public subnet (a route to an internet gateway): the AWS Load Balancer Controller creates the NLB where it is pinned (kubernetes-sigs/aws-load-balancer-controller#2782) and clients on the internet never reach it; use ${subnetFor(spec, zone)}, or scheme internal`,
      });
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
  return [
    ...tagIssues(spec),
    ...subnetIssues(spec),
    ...pinnedSubnetIssues(spec),
    ...roleArnIssues(spec),
  ];
}
