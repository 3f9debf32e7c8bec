/**
 * Facts about what AWS (EKS, EC2, the AWS Load Balancer Controller) accepts for the spec fields it
 * reads, kept as tables keyed by the field so a rule checks a class of inputs, not one case:
 *
 * - the address family each CIDR field's reader takes (`CIDR_FIELD_READERS`);
 * - the Kubernetes versions the platform can create a cluster at (`SUPPORTED_KUBERNETES_VERSIONS`,
 *   the rows of the pinned add-on table);
 * - the principals an EKS access entry takes (`accessEntryPrincipalIssue`), one entry each
 *   (`repeatedAccessEntryIssues`);
 * - how many public access ranges EKS takes (`EKS_PUBLIC_ACCESS_CIDRS_LIMIT`);
 * - the zones a cluster the platform creates needs (`MIN_ZONES_NEW_CLUSTER`);
 * - the default inbound-rule quota of the NLBs' frontend security group (`loadBalancerRuleWarnings`);
 * - the form of EC2 VPC and subnet IDs (`isEc2ResourceId`, used by passthrough.ts);
 * - Local Zones, where EKS cannot create a cluster (`isLocalZoneName`).
 *
 * Sources are named per entry; facts only, in our own words.
 */
import * as ipaddr from 'ipaddr.js';
import { ADDON_VERSIONS } from '../components/lib/addon-versions';
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

/** The address family of a CIDR as `ipaddr.js` parses it; undefined when it does not parse. */
export function cidrFamily(cidr: string): 'ipv4' | 'ipv6' | undefined {
  try {
    return ipaddr.parseCIDR(cidr)[0].kind();
  } catch {
    return undefined;
  }
}

/** Who reads a CIDR field, the one address family it takes there, and why. */
export interface CidrFieldReader {
  /** The only family the reader takes. */
  readonly family: 'ipv4';
  /** What refuses the other family, and how (for the error message). */
  readonly refusedBy: string;
}

/**
 * Every CIDR list or value of the spec, with the family its reader takes:
 *
 * - `kafka.external.allowedCidrs` becomes the NLB Services' `loadBalancerSourceRanges`. The NLBs
 *   are IPv4 (no `aws-load-balancer-ip-address-type` annotation), and the AWS Load Balancer
 *   Controller refuses an IPv6 source range on a load balancer that is not dual-stack
 *   (kubernetes-sigs/aws-load-balancer-controller, `pkg/service/model_build_load_balancer.go`,
 *   "unsupported v6 cidr ... when lb is not dualstack"), so the NLB is never built.
 * - `cluster.publicEndpointCidrs` is the cluster's `publicAccessCidrs`. The platform creates IPv4
 *   clusters, and EKS takes IPv6 blocks there only for IPv6 clusters made after October 2024 (EKS
 *   API reference, `VpcConfigRequest.publicAccessCidrs`).
 * - `cluster.vpcCidr` is the VPC's primary block (`aws.ec2.Vpc.cidrBlock`), which EC2 takes as IPv4
 *   only (an IPv6 block is associated separately, `AssignGeneratedIpv6CidrBlock`).
 */
export const CIDR_FIELD_READERS: Readonly<Record<string, CidrFieldReader>> = {
  'kafka.external.allowedCidrs': {
    family: 'ipv4',
    refusedBy:
      'the NLBs are IPv4 and the AWS Load Balancer Controller refuses an IPv6 source range on a load balancer that is not dual-stack, so no NLB would be created',
  },
  'cluster.publicEndpointCidrs': {
    family: 'ipv4',
    refusedBy:
      'the platform creates an IPv4 EKS cluster, and EKS takes IPv6 public access CIDRs only on IPv6 clusters',
  },
  'cluster.vpcCidr': {
    family: 'ipv4',
    refusedBy: "a VPC's primary CIDR block is IPv4 (EC2 adds IPv6 blocks separately)",
  },
};

/**
 * The problem with one CIDR of `path` whose family its reader refuses; undefined when the family
 * fits or the CIDR does not parse (the syntax rule reports that).
 * @throws Error when `path` has no row in `CIDR_FIELD_READERS` (a rule checks a field nobody listed).
 */
export function cidrFamilyIssue(path: string, at: string, cidr: string): SpecIssue | undefined {
  const reader = CIDR_FIELD_READERS[path];
  if (reader === undefined) throw new Error(`no CIDR_FIELD_READERS row for ${path}`);
  const family = cidrFamily(cidr);
  if (family === undefined || family === reader.family) return undefined;
  return {
    path: at,
    message: `${showValue(cidr)} is an IPv6 range, but ${reader.refusedBy}; list IPv4 ranges only`,
  };
}

/**
 * Kubernetes versions the platform can create or join a cluster at: the rows of the pinned EKS
 * add-on table (`components/lib/addon-versions.ts`). Any other version fails at `pulumi up` (no
 * add-on pins), and EKS itself refuses versions outside its support window ("unsupported Kubernetes
 * version", InvalidParameterException). Sorted oldest first.
 */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = Object.keys(ADDON_VERSIONS).sort(
  (a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]),
);

/**
 * Zones a cluster the platform creates needs: EKS places the control plane's network interfaces in
 * the given subnets and refuses subnets that are not in at least two different zones
 * (InvalidParameterException "Subnets specified must be in at least two different AZs"; EKS user
 * guide, "VPC and subnet requirements"). The platform hands EKS the subnets of the spec zones only.
 * Joining an existing cluster (`cluster.existing`) creates no control plane, so one zone is fine.
 */
export const MIN_ZONES_NEW_CLUSTER = 2;

const ASSUMED_ROLE_ARN = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;

/**
 * The problem with an access-entry principal: EKS takes IAM role and user ARNs, never an STS
 * session (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), which is what
 * `aws sts get-caller-identity` prints for an assumed role; CreateAccessEntry answers
 * InvalidParameterException (EKS API reference, `CreateAccessEntry.principalArn`;
 * aws-samples/appmod-blueprints#319). Undefined when `arn` is not a session ARN.
 */
export function accessEntryPrincipalIssue(path: string, arn: string): SpecIssue | undefined {
  const session = ASSUMED_ROLE_ARN.exec(arn);
  if (session === null) return undefined;
  const [, partition, account, role] = session;
  return {
    path,
    message: `${showValue(arn)} is an STS session of a role, which EKS access entries refuse (InvalidParameterException); give the role itself: "arn:${partition}:iam::${account}:role/${role}" (add the role's path if it has one, e.g. aws-reserved/sso.amazonaws.com/)`,
  };
}

/**
 * Principals listed twice in `cluster.adminPrincipalArns`. EKS keeps at most one access entry per
 * IAM principal in a cluster, and CreateAccessEntry for a principal that already has one answers
 * 409 ResourceInUseException ("The specified access entry resource is already in use on this
 * cluster"; terraform-aws-modules/terraform-aws-eks#2977, one role given an entry by two node
 * groups, and #2968, #3293). The platform creates one entry per list item
 * (components/lib/access-entries.ts), so a repeat fails `pulumi up`. Compared as written: the
 * same principal written two ways (with and without a role path) is left to EKS.
 * @returns one problem per repeat, at its later index, naming the earlier one.
 */
export function repeatedAccessEntryIssues(arns: readonly string[]): SpecIssue[] {
  const first = new Map<string, number>();
  const issues: SpecIssue[] = [];
  arns.forEach((arn, index) => {
    const earlier = first.get(arn);
    if (earlier === undefined) {
      first.set(arn, index);
      return;
    }
    const at = `cluster.adminPrincipalArns[${index}]`;
    issues.push({
      path: at,
      message: `${showValue(arn)} is already cluster.adminPrincipalArns[${earlier}]; EKS keeps one access entry per principal, so creating the second fails (ResourceInUseException "The specified access entry resource is already in use on this cluster", terraform-aws-modules/terraform-aws-eks#2977) and pulumi up stops; remove ${at}`,
    });
  });
  return issues;
}

/**
 * Most CIDR blocks EKS takes in a cluster's `publicAccessCidrs` (`cluster.publicEndpointCidrs`):
 * the Amazon EKS quota "Public endpoint access CIDR ranges per cluster" (L-93A74D60), 40 in every
 * Region and not adjustable (EKS user guide, "View and manage Amazon EKS and Fargate service
 * quotas"; AWS General Reference, "Amazon EKS endpoints and quotas"). CreateCluster and
 * UpdateClusterConfig refuse a longer list.
 */
export const EKS_PUBLIC_ACCESS_CIDRS_LIMIT = 40;

/** The problem with a `cluster.publicEndpointCidrs` longer than EKS takes; undefined otherwise. */
export function publicAccessCidrCountIssue(cidrs: readonly string[]): SpecIssue | undefined {
  const limit = EKS_PUBLIC_ACCESS_CIDRS_LIMIT;
  if (cidrs.length <= limit) return undefined;
  return {
    path: 'cluster.publicEndpointCidrs',
    message: `lists ${cidrs.length} ranges, but EKS takes at most ${limit} public access CIDR blocks per cluster (Amazon EKS quota "Public endpoint access CIDR ranges per cluster", which cannot be raised), so creating or updating the cluster fails; merge ranges into wider blocks to list at most ${limit}, or reach the API through the private endpoint from inside the VPC`,
  };
}

/**
 * AWS's default quota of inbound rules per security group (VPC quotas, "Inbound or outbound rules
 * per security group"; adjustable, with rules x groups per interface at most 1000).
 */
export const SECURITY_GROUP_INBOUND_RULES_QUOTA = 60;

/**
 * The AWS Load Balancer Controller gives each NLB one managed frontend security group with one
 * inbound rule per source range and listener port (kubernetes-sigs/aws-load-balancer-controller#3538,
 * #4800); each of the platform's NLBs has one listener. More `allowedCidrs` than the default quota
 * fail with RulesPerSecurityGroupLimitExceeded unless the quota was raised, so this is a warning.
 */
export function loadBalancerRuleWarnings(spec: PlatformSpec): SpecIssue[] {
  const external = spec.kafka.external;
  if (!external.enabled) return [];
  const rules = new Set(external.allowedCidrs).size;
  if (rules <= SECURITY_GROUP_INBOUND_RULES_QUOTA) return [];
  return [
    {
      path: 'kafka.external.allowedCidrs',
      message: `${rules} ranges become ${rules} inbound rules in each NLB's security group, above AWS's default quota of ${SECURITY_GROUP_INBOUND_RULES_QUOTA} rules per security group; the AWS Load Balancer Controller would fail with RulesPerSecurityGroupLimitExceeded and the brokers get no external address. Merge ranges to at most ${SECURITY_GROUP_INBOUND_RULES_QUOTA}, or raise "Inbound or outbound rules per security group" in Service Quotas first`,
    },
  ];
}

/**
 * EC2 resource IDs: the type prefix, a dash and 8 (older) or 17 (current) lower-case hexadecimal
 * digits (EC2 user guide, "Resource IDs"). Anything else (a Name tag, a CIDR, an ARN) is refused by
 * EC2 as malformed or not found, and only at `pulumi up` (terraform-aws-eks-node-group#65 passed
 * a CIDR as a subnet ID).
 */
export function isEc2ResourceId(prefix: 'vpc' | 'subnet', id: string): boolean {
  return new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`).test(id);
}

/**
 * A Local Zone name: the region, a metro code and a number with the zone letter
 * (`us-west-2-lax-1a`), where an Availability Zone is the region and a letter (`us-west-2a`).
 * EKS places the cluster's network interfaces in the subnets it is given and cannot place them in
 * a Local Zone; CreateCluster then fails with UnsupportedAvailabilityZoneException (EKS user guide,
 * "Launch low-latency EKS clusters with AWS Local Zones";
 * hashicorp-education/learn-terraform-provision-eks-cluster#100, awslabs/cdk-eks-blueprints#907).
 * The platform gives a cluster it creates the subnets of every spec zone.
 */
export function isLocalZoneName(region: string, zone: string): boolean {
  return zone.startsWith(`${region}-`) && /^[a-z]+-\d+[a-z]$/.test(zone.slice(region.length + 1));
}
