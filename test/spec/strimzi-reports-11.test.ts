/**
 * Eleventh round of spec validation against public reports, beyond broker config keys: the spec's
 * other fields and their combinations (the external listener's client ranges and its subnets per
 * zone). Each report is one test that cites it; each class gets a fast-check property; the CLI
 * refusal is in strimzi-reports-cli.test.ts.
 */
import fc from 'fast-check';
import type { PlatformSpecInput } from '../../spec';
import { existingClusterFor, specInput, specProblems } from '../util/specs';

/** The problems at one path prefix. */
function problemsAt(input: PlatformSpecInput, prefix: string): string[] {
  return specProblems(input).filter(problem => problem.startsWith(prefix));
}

/** A 3-zone, 1-broker-a-zone spec whose external listener allows these client ranges. */
function withAllowedCidrs(allowedCidrs: string[]): PlatformSpecInput {
  const base = specInput(3, 1);
  return { ...base, kafka: { ...base.kafka, external: { enabled: true, allowedCidrs } } };
}

describe('class: one client range listed twice in kafka.external.allowedCidrs', () => {
  // https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/1218: the same CIDR
  // twice in the controller's inbound ranges; EC2 refused the rule update ("The same permission
  // must not appear multiple times") and the security group was left with no inbound rule.
  // The controller's NLB model (pkg/service/model_build_managed_sg.go) still turns each
  // loadBalancerSourceRanges entry into its own permission per port with no de-duplication, and
  // #4263 (v2.13) shows the same EC2 refusal (InvalidPermission.Duplicate) for NLB source ranges.
  it('throws when 10.0.0.0/8 is listed twice (aws-load-balancer-controller#1218, #4263)', () => {
    expect(
      problemsAt(
        withAllowedCidrs(['10.0.0.0/8', '192.168.0.0/16', '10.0.0.0/8']),
        'kafka.external.allowedCidrs',
      ),
    ).toEqual([
      'kafka.external.allowedCidrs[2]: "10.0.0.0/8" is already kafka.external.allowedCidrs[0]; the AWS Load Balancer Controller makes one security group rule per entry and port, EC2 refuses a request with the same rule twice ("The same permission must not appear multiple times", kubernetes-sigs/aws-load-balancer-controller#1218), so the NLBs would keep no client rule and no client could connect; remove kafka.external.allowedCidrs[2]',
    ]);
  });

  it('accepts distinct and overlapping ranges (EC2 takes them as different rules)', () => {
    expect(
      problemsAt(
        withAllowedCidrs(['10.0.0.0/8', '10.1.0.0/16', '192.168.0.0/16']),
        'kafka.external.allowedCidrs',
      ),
    ).toEqual([]);
  });

  it('property: every repeated range is refused at its later index, every distinct list passes', () => {
    const cidr = fc
      .tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 8, max: 8 }))
      .map(([octet]) => `${octet}.0.0.0/8`);
    fc.assert(
      fc.property(
        fc.uniqueArray(cidr, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (ranges, pick) => {
          expect(problemsAt(withAllowedCidrs(ranges), 'kafka.external.allowedCidrs')).toEqual([]);
          const repeated = ranges[pick % ranges.length] ?? ranges[0]!;
          const withRepeat = [...ranges, repeated];
          const found = problemsAt(withAllowedCidrs(withRepeat), 'kafka.external.allowedCidrs');
          expect(found).toHaveLength(1);
          expect(found[0]).toContain(
            `kafka.external.allowedCidrs[${ranges.length}]: "${repeated}" is already kafka.external.allowedCidrs[${ranges.indexOf(repeated)}]`,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** A 3-zone spec in an existing VPC whose brokers' NLBs are pinned to these subnets. */
function withPinnedSubnets(subnets: Record<string, string>): PlatformSpecInput {
  const base = specInput(3, 1);
  return {
    ...base,
    cluster: existingClusterFor(base.zones),
    kafka: {
      ...base.kafka,
      external: { enabled: true, allowedCidrs: ['10.0.0.0/8'], subnets },
    },
  };
}

describe('class: one subnet pinned for two zones in kafka.external.subnets', () => {
  // https://github.com/kubernetes/cloud-provider-aws/issues/206: an NLB does not route to targets
  // in an Availability Zone it is not enabled in ("Target is in an Availability Zone that is not
  // enabled for the load balancer"). A subnet lies in exactly one zone, so one subnet given to two
  // zones pins at least one zone's broker NLBs outside their brokers' zone. The spec refused that
  // only for subnets it knows (cluster.existingVpc IDs, the Name tags it creates); an ID it did
  // not know went through for every zone at once.
  it('throws when us-west-2a and us-west-2b share one subnet the spec does not know (kubernetes/cloud-provider-aws#206)', () => {
    expect(
      problemsAt(
        withPinnedSubnets({
          'us-west-2a': 'subnet-0aaaaaaaaaaaaaaa1',
          'us-west-2b': 'subnet-0aaaaaaaaaaaaaaa1',
          'us-west-2c': 'subnet-0ccccccccccccccc3',
        }),
        'kafka.external.subnets',
      ),
    ).toEqual([
      'kafka.external.subnets["us-west-2b"]: "subnet-0aaaaaaaaaaaaaaa1" is also kafka.external.subnets["us-west-2a"], but a subnet lies in exactly one zone, and each zone\'s broker NLBs are pinned to their subnet without cross-zone load balancing; an NLB does not route to targets in a zone it is not enabled in ("Target is in an Availability Zone that is not enabled for the load balancer", kubernetes/cloud-provider-aws#206), so the brokers of us-west-2a or us-west-2b would be unreachable through it; give each zone a subnet of its own zone',
    ]);
  });

  it('accepts one distinct subnet per zone, and leaves a known subnet to the zone check', () => {
    expect(
      problemsAt(
        withPinnedSubnets({
          'us-west-2a': 'subnet-0aaaaaaaaaaaaaaa1',
          'us-west-2b': 'subnet-0bbbbbbbbbbbbbbb2',
          'us-west-2c': 'subnet-0ccccccccccccccc3',
        }),
        'kafka.external.subnets',
      ),
    ).toEqual([]);
    const known = problemsAt(
      withPinnedSubnets({
        'us-west-2a': 'subnet-0023456789abcdef0',
        'us-west-2b': 'subnet-0023456789abcdef0',
        'us-west-2c': 'subnet-0223456789abcdef0',
      }),
      'kafka.external.subnets',
    );
    expect(known).toHaveLength(1);
    expect(known[0]).toContain(
      'kafka.external.subnets["us-west-2b"]: "subnet-0023456789abcdef0" is cluster.existingVpc.privateSubnetIds["us-west-2a"]',
    );
  });

  it("property: every zone that repeats an earlier zone's subnet is refused, distinct subnets pass", () => {
    const zones = ['us-west-2a', 'us-west-2b', 'us-west-2c'];
    const subnetId = fc.integer({ min: 1, max: 4 }).map(n => `subnet-0${String(n).repeat(16)}`);
    fc.assert(
      fc.property(fc.array(subnetId, { minLength: 3, maxLength: 3 }), ids => {
        const subnets = Object.fromEntries(zones.map((zone, index) => [zone, ids[index]!]));
        const found = problemsAt(withPinnedSubnets(subnets), 'kafka.external.subnets');
        const repeats = ids.filter((id, index) => ids.indexOf(id) !== index).length;
        expect(found).toHaveLength(repeats);
        ids.forEach((id, index) => {
          const first = ids.indexOf(id);
          if (first !== index) {
            expect(found).toContainEqual(
              expect.stringContaining(
                `kafka.external.subnets["${zones[index]}"]: "${id}" is also kafka.external.subnets["${zones[first]}"]`,
              ),
            );
          }
        });
      }),
      { numRuns: 60 },
    );
  });
});
