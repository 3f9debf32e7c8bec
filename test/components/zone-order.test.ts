/**
 * Which Pulumi inputs follow a zone's POSITION in `zones` rather than its name. Every resource
 * name carries the zone name (nodegroups, subnets, NAT gateways, route tables, scaling policies),
 * so a reordered `zones` list keeps the same resources; what moves are inputs computed from the
 * position:
 * - the subnet ranges of a new VPC (components/lib/subnets.ts: zone i takes private block i and
 *   public block i), so `pulumi up` would replace the subnets of every zone that changed position,
 *   with its nodes, NAT gateway and route table behind them;
 * - the node-ID block of each zone's broker pool (spec/derive.ts: zone i takes
 *   [(i+1)*1000, (i+1)*1000+999]), which synth refuses against its previous output
 *   (charts/transitions.ts).
 * The program refuses such an edit against the stack's last deployment (stack output `zoneOrder`,
 * components/lib/zone-order-guard.ts; test/stacks/program.test.ts and test/engine/zone-order.test.ts).
 * This test pins the exact list, so any new input that follows a zone's position shows up here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { zoneSubnetCidrs } from '../../components/lib/subnets';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import { EXAMPLES_DIR } from '../util/specs';
import { planStack, TYPES, type StackPlan } from './plan-fixture';

/** stacks/prod.yaml (zones us-east-1a, b, c) with its zones in the order of `positions`. */
function prodWithZones(positions: readonly number[]): LoadedSpec {
  const raw = parse(readFileSync(join(EXAMPLES_DIR, 'prod.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const zones = raw['zones'] as string[];
  return parseSpec({ ...raw, zones: positions.map(position => zones[position]) });
}

/** `type name: input` for every top-level input that differs between two renders. */
function changedInputs(before: StackPlan, after: StackPlan): string[] {
  const key = (resource: { type: string; name: string }): string =>
    `${resource.type} ${resource.name}`;
  const afterByKey = new Map(after.resources.map(resource => [key(resource), resource]));
  expect(after.resources.map(key).sort()).toEqual(before.resources.map(key).sort());
  return before.resources.flatMap(resource => {
    const other = afterByKey.get(key(resource));
    if (other === undefined) return [];
    const names = new Set([...Object.keys(resource.inputs), ...Object.keys(other.inputs)]);
    return [...names]
      .filter(name => JSON.stringify(resource.inputs[name]) !== JSON.stringify(other.inputs[name]))
      .map(name => `${key(resource)}: ${name}`);
  });
}

/** The `strimzi.io/next-node-ids` annotation of each KafkaNodePool in the Kafka ConfigGroup. */
function nodeIdBlocks(plan: StackPlan): Record<string, string | undefined> {
  const group = plan.get(TYPES.configGroup, 'orders-kafka');
  const objects = group.inputs['objs'] as Array<{
    kind: string;
    metadata: { name: string; annotations?: Record<string, string> };
  }>;
  return Object.fromEntries(
    objects
      .filter(object => object.kind === 'KafkaNodePool')
      .map(pool => [pool.metadata.name, pool.metadata.annotations?.['strimzi.io/next-node-ids']]),
  );
}

function cidrOf(plan: StackPlan, subnet: string): unknown {
  return plan.get(TYPES.subnet, subnet).inputs['cidrBlock'];
}

describe('a reordered zones list under the Pulumi program (zones a, b, c -> b, a, c)', () => {
  let before: StackPlan;
  let after: StackPlan;
  beforeAll(async () => {
    before = await planStack(prodWithZones([0, 1, 2]));
    after = await planStack(prodWithZones([1, 0, 2]));
  }, 120_000);

  it('swaps the subnet ranges of zones a and b, and keeps those of c', () => {
    expect(cidrOf(before, 'orders-private-us-east-1a')).toBe('10.0.0.0/19');
    expect(cidrOf(after, 'orders-private-us-east-1a')).toBe('10.0.32.0/19');
    expect(cidrOf(before, 'orders-private-us-east-1b')).toBe('10.0.32.0/19');
    expect(cidrOf(after, 'orders-private-us-east-1b')).toBe('10.0.0.0/19');
    expect(cidrOf(before, 'orders-public-us-east-1a')).toBe('10.0.224.0/22');
    expect(cidrOf(after, 'orders-public-us-east-1a')).toBe('10.0.228.0/22');
    expect(cidrOf(after, 'orders-private-us-east-1c')).toBe(
      cidrOf(before, 'orders-private-us-east-1c'),
    );
  });

  it('gives broker pools a and b each other node-ID blocks', () => {
    expect(nodeIdBlocks(before)).toMatchObject({
      'brokers-a': '[1000-1999]',
      'brokers-b': '[2000-2999]',
    });
    expect(nodeIdBlocks(after)).toMatchObject({
      'brokers-a': '[2000-2999]',
      'brokers-b': '[1000-1999]',
      'brokers-c': '[3000-3999]',
    });
  });

  it('changes exactly these inputs (same resources; no other input follows the position)', () => {
    expect(changedInputs(before, after).sort()).toEqual(
      [
        // Replacement: a subnet's range cannot change in place.
        'aws:ec2/subnet:Subnet orders-private-us-east-1a: cidrBlock',
        'aws:ec2/subnet:Subnet orders-private-us-east-1b: cidrBlock',
        'aws:ec2/subnet:Subnet orders-public-us-east-1a: cidrBlock',
        'aws:ec2/subnet:Subnet orders-public-us-east-1b: cidrBlock',
        // Subnet ID lists in zone order: the same IDs in another order (whether the AWS provider
        // diffs them as a set was not checked here).
        'eks:index:Cluster orders-eks: privateSubnetIds',
        'eks:index:Cluster orders-eks: publicSubnetIds',
        'aws:eks/nodeGroup:NodeGroup orders-system: subnetIds',
        // Node pools in zone order with their node-ID blocks; the controller's zone list and
        // the dashboard's per-zone panels in zone order (with the config checksum).
        'kubernetes:yaml/v2:ConfigGroup orders-kafka: objs',
        'kubernetes:yaml/v2:ConfigGroup orders-autoscaler: objs',
        'kubernetes:yaml/v2:ConfigGroup orders-monitoring: objs',
      ].sort(),
    );
  });
});

describe('zoneSubnetCidrs after a zones edit', () => {
  const ZONES = ['z1', 'z2', 'z3', 'z4', 'z5', 'z6'];

  it('property: a remaining zone keeps its ranges exactly when it keeps its position', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(ZONES, { minLength: 1 }),
        fc.shuffledSubarray(ZONES, { minLength: 1 }),
        (previous, next) => {
          const was = new Map(zoneSubnetCidrs('10.0.0.0/16', previous).map(z => [z.zone, z]));
          for (const [position, now] of zoneSubnetCidrs('10.0.0.0/16', next).entries()) {
            const old = was.get(now.zone);
            if (old === undefined) continue;
            const kept = previous.indexOf(now.zone) === position;
            expect(old.privateCidr === now.privateCidr).toBe(kept);
            expect(old.publicCidr === now.publicCidr).toBe(kept);
          }
        },
      ),
    );
  });
});
