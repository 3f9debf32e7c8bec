/**
 * Public reports from people running Kubernetes and Kafka on AWS whose configuration the spec could
 * produce and used to accept, each turned into the class behind it (spec/aws-inputs.ts): the class
 * is tested over its domain with fast-check, and each report is one test citing it.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import {
  CIDR_FIELD_READERS,
  EKS_PUBLIC_ACCESS_CIDRS_LIMIT,
  SECURITY_GROUP_INBOUND_RULES_QUOTA,
  SUPPORTED_KUBERNETES_VERSIONS,
} from '../../spec/aws-inputs';
import { ADDON_VERSIONS } from '../../components/lib/addon-versions';
import { existingClusterFor, specInput, specProblems as problemsOf } from '../util/specs';

const base = (): PlatformSpecInput => specInput(3, 1);

function withCluster(cluster: PlatformSpecInput['cluster']): PlatformSpecInput {
  return { ...base(), cluster };
}

function withAllowedCidrs(allowedCidrs: string[]): PlatformSpecInput {
  const input = base();
  return {
    ...input,
    kafka: { ...input.kafka, external: { enabled: true, allowedCidrs } },
  };
}

/** A spec with `cidr` in the CIDR field `path` (a row of CIDR_FIELD_READERS). */
function withCidrIn(path: string, cidr: string): PlatformSpecInput {
  switch (path) {
    case 'kafka.external.allowedCidrs':
      return withAllowedCidrs([cidr]);
    case 'cluster.publicEndpointCidrs':
      return withCluster({ publicEndpointCidrs: [cidr] });
    case 'cluster.vpcCidr':
      return withCluster({ vpcCidr: cidr });
    default:
      throw new Error(`no spec builder for ${path}`);
  }
}

const familyProblems = (input: PlatformSpecInput): string[] =>
  problemsOf(input).filter(problem => problem.includes('is an IPv6 range'));

describe('class: a CIDR of the address family its reader refuses', () => {
  // https://github.com/kubernetes/kubernetes/issues/67551 and
  // https://github.com/kubernetes/ingress-nginx/issues/2944: an IPv6 range in
  // loadBalancerSourceRanges of an IPv4 AWS load balancer; the Service was accepted and the load
  // balancer never built. The AWS Load Balancer Controller refuses it the same way for an IPv4 NLB.
  it('throws when kafka.external.allowedCidrs holds an IPv6 range (kubernetes#67551)', () => {
    expect(problemsOf(withAllowedCidrs(['10.0.0.0/8', '2600:1f18::/32']))).toEqual([
      'kafka.external.allowedCidrs[1]: "2600:1f18::/32" is an IPv6 range, but the NLBs are IPv4 and the AWS Load Balancer Controller refuses an IPv6 source range on a load balancer that is not dual-stack, so no NLB would be created; list IPv4 ranges only',
    ]);
  });

  it('throws when cluster.publicEndpointCidrs holds an IPv6 range', () => {
    expect(problemsOf(withCluster({ publicEndpointCidrs: ['2001:db8::/32'] }))).toEqual([
      'cluster.publicEndpointCidrs[0]: "2001:db8::/32" is an IPv6 range, but the platform creates an IPv4 EKS cluster, and EKS takes IPv6 public access CIDRs only on IPv6 clusters; list IPv4 ranges only',
    ]);
  });

  it('refuses every IPv6 range and no IPv4 range in every CIDR field', () => {
    const fields = Object.keys(CIDR_FIELD_READERS);
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        fc.ipV6(),
        fc.integer({ min: 1, max: 128 }),
        (path, address, prefix) => {
          expect(familyProblems(withCidrIn(path, `${address}/${prefix}`))).toHaveLength(1);
        },
      ),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        fc.ipV4(),
        fc.integer({ min: 16, max: 20 }),
        (path, address, prefix) => {
          expect(familyProblems(withCidrIn(path, `${address}/${prefix}`))).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('class: a Kubernetes version the platform cannot create a cluster at', () => {
  // https://github.com/finos/compliant-financial-infrastructure/issues/228 and
  // https://github.com/pluralsight-cloud/content-deploying-and-managing-a-web-application-in-kubernetes-with-terraform/issues/1:
  // a version EKS no longer (or not yet) runs passed the tool and CreateCluster answered
  // "unsupported Kubernetes version". Here a version without pinned add-ons also stopped pulumi up.
  it.each(['1.24', '1.29', '1.99'])('throws when cluster.kubernetesVersion is %s', version => {
    expect(problemsOf(withCluster({ kubernetesVersion: version }))).toEqual([
      `cluster.kubernetesVersion: "${version}" has no pinned EKS add-on versions (components/lib/addon-versions.ts), so pulumi up would stop before creating anything, and EKS refuses versions outside its support window ("unsupported Kubernetes version"); use one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}, or add a row to that table after checking aws eks describe-addon-versions`,
    ]);
  });

  it('accepts exactly the versions with a row in the add-on table, and the default is one', () => {
    expect([...SUPPORTED_KUBERNETES_VERSIONS].sort()).toEqual(Object.keys(ADDON_VERSIONS).sort());
    expect(SUPPORTED_KUBERNETES_VERSIONS).toContain(
      parseSpec(base()).spec.cluster.kubernetesVersion,
    );
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 99 }), minor => {
        const version = `1.${minor}`;
        const accepted = problemsOf(withCluster({ kubernetesVersion: version })).length === 0;
        expect(accepted).toBe(ADDON_VERSIONS[version] !== undefined);
      }),
      { numRuns: 90 },
    );
  });
});

describe('class: an access-entry principal EKS refuses', () => {
  // https://github.com/aws-samples/appmod-blueprints/pull/319: the caller's assumed-role ARN (what
  // `aws sts get-caller-identity` prints) was passed as an access entry principal; CreateAccessEntry
  // answered InvalidParameterException.
  it('throws when cluster.adminPrincipalArns holds an STS session, naming the role ARN (appmod-blueprints#319)', () => {
    expect(
      problemsOf(
        withCluster({
          adminPrincipalArns: [
            'arn:aws:sts::700651191006:assumed-role/WSParticipantRole/Participant',
          ],
        }),
      ),
    ).toEqual([
      'cluster.adminPrincipalArns[0]: "arn:aws:sts::700651191006:assumed-role/WSParticipantRole/Participant" is an STS session of a role, which EKS access entries refuse (InvalidParameterException); give the role itself: "arn:aws:iam::700651191006:role/WSParticipantRole" (add the role\'s path if it has one, e.g. aws-reserved/sso.amazonaws.com/)',
    ]);
  });

  it('refuses every session ARN, suggests a role ARN that passes, and accepts role and user ARNs', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,32}$/);
    const account = fc.stringMatching(/^\d{12}$/);
    fc.assert(
      fc.property(account, name, name, (id, role, session) => {
        const problems = problemsOf(
          withCluster({
            adminPrincipalArns: [`arn:aws:sts::${id}:assumed-role/${role}/${session}`],
          }),
        );
        expect(problems).toHaveLength(1);
        const suggested = /give the role itself: "([^"]+)"/.exec(problems[0] ?? '')?.[1];
        expect(suggested).toBe(`arn:aws:iam::${id}:role/${role}`);
        expect(problemsOf(withCluster({ adminPrincipalArns: [suggested ?? ''] }))).toEqual([]);
        expect(
          problemsOf(withCluster({ adminPrincipalArns: [`arn:aws:iam::${id}:user/${role}`] })),
        ).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });
});

describe('class: a new cluster in fewer zones than EKS needs', () => {
  // https://github.com/WesleyCharlesBlake/terraform-aws-eks/issues/41 and
  // https://github.com/awsdocs/amazon-eks-user-guide/pull/795: CreateCluster with subnets in one
  // zone fails with "Subnets specified must be in at least two different AZs".
  it('throws when a spec that creates the cluster lists one zone (terraform-aws-eks#41)', () => {
    const input = { ...specInput(1, 3), cluster: {} };
    expect(problemsOf(input)).toEqual([
      'zones: 1 zone(s) given, but EKS refuses to create a cluster whose subnets are not in at least 2 different zones (InvalidParameterException); list 2 to 6 zones, or join an existing cluster with cluster.existing',
    ]);
    expect(problemsOf({ ...input, cluster: existingClusterFor(input.zones) })).toEqual([]);
  });

  it('accepts one zone exactly when the spec joins an existing cluster, and 2-6 zones always', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.boolean(), (zoneCount, joins) => {
        const input = specInput(zoneCount, 2, { cluster: {} });
        const spec = joins ? { ...input, cluster: existingClusterFor(input.zones) } : input;
        const zoneProblems = problemsOf(spec).filter(problem => problem.startsWith('zones:'));
        expect(zoneProblems.length > 0).toBe(zoneCount === 1 && !joins);
      }),
      { numRuns: 40 },
    );
  });
});

describe('class: more NLB source ranges than a security group holds by default', () => {
  // https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/3538 and
  // https://github.com/kubernetes/kubernetes/issues/68684: a long loadBalancerSourceRanges list was
  // accepted and the load balancer's security group update failed with
  // RulesPerSecurityGroupLimitExceeded.
  const ranges = (count: number): string[] =>
    Array.from({ length: count }, (_, index) => `10.${index}.0.0/16`);
  const ruleWarnings = (input: PlatformSpecInput): string[] =>
    parseSpec(input)
      .warnings.filter(warning => warning.path === 'kafka.external.allowedCidrs')
      .map(warning => warning.message);

  it('warns when allowedCidrs needs more rules than the default quota (aws-load-balancer-controller#3538)', () => {
    expect(ruleWarnings(withAllowedCidrs(ranges(100)))).toEqual([
      '100 ranges become 100 inbound rules in each NLB\'s security group, above AWS\'s default quota of 60 rules per security group; the AWS Load Balancer Controller would fail with RulesPerSecurityGroupLimitExceeded and the brokers get no external address. Merge ranges to at most 60, or raise "Inbound or outbound rules per security group" in Service Quotas first',
    ]);
  });

  it('warns exactly above the quota', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), count => {
        expect(ruleWarnings(withAllowedCidrs(ranges(count))).length > 0).toBe(
          count > SECURITY_GROUP_INBOUND_RULES_QUOTA,
        );
      }),
      { numRuns: 30 },
    );
  });
});

describe('class: a Local Zone in a cluster the platform creates', () => {
  // https://github.com/hashicorp-education/learn-terraform-provision-eks-cluster/issues/100 and
  // https://github.com/awslabs/cdk-eks-blueprints/issues/907: a Local Zone subnet was handed to
  // CreateCluster, which failed with UnsupportedAvailabilityZoneException.
  const withZones = (zones: string[], joins = false): PlatformSpecInput => {
    const input = { ...specInput(zones.length, 1), region: 'us-east-1', zones };
    return joins ? { ...input, cluster: existingClusterFor(zones) } : input;
  };

  it('throws when zones lists a Local Zone (learn-terraform-provision-eks-cluster#100)', () => {
    expect(problemsOf(withZones(['us-east-1a', 'us-east-1b', 'us-east-1-atl-1a']))).toEqual([
      'zones[2]: "us-east-1-atl-1a" is a Local Zone, and EKS cannot place a cluster\'s network interfaces there, so creating the cluster would fail (UnsupportedAvailabilityZoneException); list Availability Zones of us-east-1 such as "us-east-1a", or join an existing cluster with cluster.existing',
    ]);
  });

  it('refuses every Local Zone name for a new cluster, and accepts it when joining one', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{3}$/),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom('a', 'b', 'c'),
        fc.boolean(),
        (metro, number, letter, joins) => {
          const zones = ['us-east-1a', 'us-east-1b', `us-east-1-${metro}-${number}${letter}`];
          const zoneProblems = problemsOf(withZones(zones, joins)).filter(p =>
            p.startsWith('zones['),
          );
          expect(zoneProblems.length).toBe(joins ? 0 : 1);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('class: more public endpoint ranges than EKS takes', () => {
  // Amazon EKS quotas (https://docs.aws.amazon.com/eks/latest/userguide/service-quotas.html,
  // https://docs.aws.amazon.com/general/latest/gr/eks.html): "Public endpoint access CIDR ranges
  // per cluster" is 40 and not adjustable; CreateCluster and UpdateClusterConfig refuse a longer
  // publicAccessCidrs list, which cluster.publicEndpointCidrs becomes (components/cluster.ts).
  const ranges = (count: number): string[] =>
    Array.from({ length: count }, (_, index) => `198.${index}.0.0/16`);

  it('throws when cluster.publicEndpointCidrs lists 41 ranges', () => {
    expect(problemsOf(withCluster({ publicEndpointCidrs: ranges(41) }))).toEqual([
      'cluster.publicEndpointCidrs: lists 41 ranges, but EKS takes at most 40 public access CIDR blocks per cluster (Amazon EKS quota "Public endpoint access CIDR ranges per cluster", which cannot be raised), so creating or updating the cluster fails; merge ranges into wider blocks to list at most 40, or reach the API through the private endpoint from inside the VPC',
    ]);
  });

  it('refuses exactly the lists longer than the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), count => {
        const countProblems = problemsOf(
          withCluster({ publicEndpointCidrs: ranges(count) }),
        ).filter(problem => problem.startsWith('cluster.publicEndpointCidrs:'));
        expect(countProblems).toHaveLength(count > EKS_PUBLIC_ACCESS_CIDRS_LIMIT ? 1 : 0);
      }),
      { numRuns: 40 },
    );
  });
});

describe('class: one IAM principal given two access entries', () => {
  // https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2977 (one IAM role given an
  // access entry by two node groups) and #2968, #3293 (an entry for a principal that already had
  // one): EKS keeps one access entry per principal per cluster, and CreateAccessEntry for a
  // principal that has one answers 409 ResourceInUseException ("The specified access entry
  // resource is already in use on this cluster"). The platform creates one entry per
  // cluster.adminPrincipalArns item (components/lib/access-entries.ts), so a repeated ARN fails
  // pulumi up.
  const role = 'arn:aws:iam::123456789012:role/platform-admin';

  it('throws when cluster.adminPrincipalArns lists one role twice (terraform-aws-eks#2977)', () => {
    expect(
      problemsOf(
        withCluster({
          adminPrincipalArns: [role, 'arn:aws:iam::123456789012:user/ops', role],
        }),
      ),
    ).toEqual([
      `cluster.adminPrincipalArns[2]: "${role}" is already cluster.adminPrincipalArns[0]; EKS keeps one access entry per principal, so creating the second fails (ResourceInUseException "The specified access entry resource is already in use on this cluster", terraform-aws-modules/terraform-aws-eks#2977) and pulumi up stops; remove cluster.adminPrincipalArns[2]`,
    ]);
  });

  it('property: every repeat is refused at its later index, and distinct principals pass', () => {
    // A small pool, so lists with and without repeats both come up; a role and a user of one
    // name are different principals.
    const principal = fc
      .tuple(fc.constantFrom('role', 'user'), fc.constantFrom('admin', 'ops', 'ci'))
      .map(([kind, name]) => `arn:aws:iam::123456789012:${kind}/${name}`);
    fc.assert(
      fc.property(fc.array(principal, { minLength: 1, maxLength: 6 }), arns => {
        const repeats = arns.filter((arn, index) => arns.indexOf(arn) !== index).length;
        const problems = problemsOf(withCluster({ adminPrincipalArns: arns })).filter(problem =>
          problem.includes('is already cluster.adminPrincipalArns['),
        );
        expect(problems).toHaveLength(repeats);
      }),
      { numRuns: 60 },
    );
  });
});
