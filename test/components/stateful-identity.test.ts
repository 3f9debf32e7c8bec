/**
 * What the guarded fields (spec/stateful-identity.ts) protect, over the resources the platform
 * registers under mocks: an edit of unguarded fields keeps every stateful resource (same type and
 * name, so the same URN) and every input that forces its replacement, while a guarded edit changes
 * one of them, so the check below can fail. The replace-forcing inputs are those of the upstream
 * schemas cited in spec/stateful-identity.ts (Terraform `ForceNew`; a Kubernetes object's name and
 * namespace). The engine tier shows the refusal itself (test/engine/stateful-identity.test.ts).
 *
 * A permitted `zones` edit replaces nothing either: the system nodegroup, which spans several
 * zones' subnets under one fixed EKS name, keeps the zones it was deployed with while they stay,
 * and moves under a new name when one of them is dropped (spec/system-nodegroup.ts), so Pulumi
 * never plans a same-name replacement EKS would refuse. The real engine judges the same
 * transitions in test/engine/system-nodegroup.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseSpec } from '../../spec/load';
import { EXAMPLES_DIR } from '../util/specs';
import fc from 'fast-check';
import type { SystemNodegroupIdentity } from '../../spec/system-nodegroup';
import { planStack, TYPES, type StackPlan } from './plan-fixture';

/** Stateful resource type -> its inputs whose change replaces it. */
const REPLACING_INPUTS: Readonly<Record<string, readonly string[]>> = {
  'aws:ec2/vpc:Vpc': ['cidrBlock'],
  'aws:ec2/subnet:Subnet': ['cidrBlock', 'availabilityZone', 'vpcId'],
  'eks:index:Cluster': ['name'],
  'aws:kms/key:Key': [],
  'aws:eks/nodeGroup:NodeGroup': [
    'clusterName',
    'nodeGroupName',
    'subnetIds',
    'instanceTypes',
    'amiType',
    'capacityType',
    'nodeRoleArn',
  ],
};

/** Kinds whose objects hold the Kafka cluster and its volumes. */
const KAFKA_KINDS = new Set(['Kafka', 'KafkaNodePool']);

type RawSpec = Record<string, unknown> & {
  zones: string[];
  kafka: Record<string, unknown> & { brokers: number; storage: Record<string, unknown> };
  cluster?: Record<string, unknown>;
};

function devRaw(): RawSpec {
  return parse(readFileSync(join(EXAMPLES_DIR, 'dev.yaml'), 'utf8')) as RawSpec;
}

async function planOf(
  edit: (raw: RawSpec) => void,
  deployedSystemNodegroup?: SystemNodegroupIdentity,
): Promise<StackPlan> {
  const raw = devRaw();
  edit(raw);
  return planStack(parseSpec(raw), deployedSystemNodegroup);
}

/** The private subnet ID the plan gives a zone (the mocks' ID of `<name>-private-<zone>`). */
function subnetOf(plan: StackPlan, zone: string): string {
  return `${plan.get(TYPES.subnet, `orders-dev-private-${zone}`).name}-id`;
}

/**
 * The system nodegroup as the plan makes it: its EKS name and the zones of its subnets, read back
 * from the registered inputs (what the stack output `systemNodegroup` records).
 */
function systemGroupOf(plan: StackPlan): SystemNodegroupIdentity {
  const group = plan.get(TYPES.nodegroup, 'orders-dev-system').inputs;
  const subnetIds = group['subnetIds'] as string[];
  const zones = subnetIds.map(id => {
    const zone = /^orders-dev-private-(.+)-id$/.exec(id)?.[1];
    if (zone === undefined) throw new Error(`subnet ${id} is not a private subnet of the plan`);
    expect(subnetOf(plan, zone)).toBe(id);
    return zone;
  });
  return { name: group['nodeGroupName'] as string, zones };
}

/**
 * `type name` of each stateful resource `before` has that `after` lacks (a delete), and
 * `type name: input` of each replace-forcing input that differs; `namespace/name` of each Kafka
 * object that is not in `after`.
 */
function replacements(before: StackPlan, after: StackPlan): string[] {
  const key = (resource: { type: string; name: string }): string =>
    `${resource.type} ${resource.name}`;
  const afterByKey = new Map(after.resources.map(resource => [key(resource), resource]));
  const found = before.resources
    .filter(resource => resource.type in REPLACING_INPUTS)
    .flatMap(resource => {
      const other = afterByKey.get(key(resource));
      if (other === undefined) return [`${key(resource)} deleted`];
      return (REPLACING_INPUTS[resource.type] ?? [])
        .filter(
          name => JSON.stringify(resource.inputs[name]) !== JSON.stringify(other.inputs[name]),
        )
        .map(name => `${key(resource)}: ${name}`);
    });
  const kafkaObjects = (plan: StackPlan): Set<string> =>
    new Set(
      plan.resources
        .filter(resource => resource.type === 'kubernetes:yaml/v2:ConfigGroup')
        .flatMap(
          resource =>
            (resource.inputs['objs'] ?? []) as Array<{
              kind: string;
              metadata: { name: string; namespace?: string };
            }>,
        )
        .filter(object => KAFKA_KINDS.has(object.kind))
        .map(object => `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`),
    );
  const kept = kafkaObjects(after);
  return [
    ...found,
    ...[...kafkaObjects(before)].filter(object => !kept.has(object)).map(o => `${o} deleted`),
  ];
}

describe('guarded fields against what pulumi up would replace (mocks)', () => {
  let base: StackPlan;
  beforeAll(async () => {
    base = await planOf(() => undefined);
  });

  it('unguarded edits (tags, endpoint CIDRs, volume size, node bounds) replace nothing', async () => {
    // WHEN every unguarded edit is made at once
    const after = await planOf(raw => {
      raw.cluster = {
        ...(raw.cluster ?? {}),
        tags: { team: 'payments' },
        publicEndpointCidrs: ['203.0.113.0/24'],
      };
      raw.kafka.storage['sizeGi'] = 80;
      raw.nodes = {
        ...(raw['nodes'] as object),
        system: { instanceType: 'm6i.large', min: 3, max: 6 },
      };
    });
    // THEN no stateful resource, replace-forcing input or Kafka object changes
    expect(replacements(base, after)).toEqual([]);
    expect(base.resources.some(resource => resource.type === 'aws:ec2/vpc:Vpc')).toBe(true);
  });

  it('a zone appended at the end replaces nothing: the system nodegroup keeps its deployed zones', async () => {
    // GIVEN the system nodegroup as the base deployment made it
    const deployed = systemGroupOf(base);
    expect(deployed.zones).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    // WHEN a zone is appended, the next run planning against that group
    const after = await planOf(raw => {
      raw.zones = [...raw.zones, 'us-east-1d'];
      raw.kafka.brokers = 4;
    }, deployed);
    // THEN no stateful resource is replaced or deleted, the system nodegroup included
    expect(replacements(base, after)).toEqual([]);
    expect(systemGroupOf(after)).toEqual(deployed);
    // AND the KRaft controllers Pulumi applies stay on that group's zones (not us-east-1d, where
    // no system node will ever be), their zone spread counting only those
    const controllers = after.resources
      .filter(resource => resource.type === 'kubernetes:yaml/v2:ConfigGroup')
      .flatMap(resource => (resource.inputs['objs'] ?? []) as Array<Record<string, any>>)
      .find(object => object.kind === 'KafkaNodePool' && object.metadata.name === 'controllers');
    const pod = controllers?.spec.template.pod;
    const zoneRule =
      pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
        .matchExpressions[0];
    expect(zoneRule).toEqual({
      key: 'topology.kubernetes.io/zone',
      operator: 'In',
      values: deployed.zones,
    });
    expect(pod.topologySpreadConstraints[0].minDomains).toBe(deployed.zones.length);
    // AND the new zone has its own Kafka nodegroup
    expect(after.get(TYPES.nodegroup, 'orders-dev-kafka-us-east-1d').inputs['subnetIds']).toEqual([
      subnetOf(after, 'us-east-1d'),
    ]);
  });

  it('a zone of the system nodegroup dropped from the end moves it under a new name (created before the old one is deleted)', async () => {
    // GIVEN a platform deployed across four zones
    const four = await planOf(raw => {
      raw.zones = [...raw.zones, 'us-east-1d'];
      raw.kafka.brokers = 4;
    });
    const deployed = systemGroupOf(four);
    // WHEN us-east-1d is dropped again
    const after = await planOf(() => undefined, deployed);
    // THEN the system nodegroup spans the three zones left, under a name EKS does not hold yet
    expect(systemGroupOf(after)).toEqual({
      name: 'orders-dev-system-abc',
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
    // AND the only replace-forcing changes are that move and the dropped zone's resources
    const dropped = /us-east-1d|brokers-d /;
    expect(replacements(four, after).filter(found => !dropped.test(found))).toEqual([
      'aws:eks/nodeGroup:NodeGroup orders-dev-system: nodeGroupName',
      'aws:eks/nodeGroup:NodeGroup orders-dev-system: subnetIds',
    ]);
  });

  it('without the deployed group (a first deployment) the system nodegroup spans every zone as <name>-system', () => {
    expect(systemGroupOf(base)).toEqual({
      name: 'orders-dev-system',
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
  });

  it('property: after any permitted zones edit, the system nodegroup keeps its subnets or takes another name', async () => {
    const zones = ['a', 'b', 'c', 'd', 'e', 'f'].map(letter => `us-east-1${letter}`);
    // a deployed list of 2-6 zones and the next one: k zones appended, or k dropped from the end
    const transitions = fc
      .record({ first: fc.integer({ min: 2, max: 6 }), next: fc.integer({ min: 2, max: 6 }) })
      .filter(({ first, next }) => first !== next);
    const firstDeployments = new Map<number, StackPlan>();
    await fc.assert(
      fc.asyncProperty(transitions, async ({ first, next }) => {
        const withZones = (count: number) => (raw: RawSpec) => {
          raw.zones = zones.slice(0, count);
          raw.kafka.brokers = count === 2 ? 4 : count;
        };
        // GIVEN the plan of the deployed list, and the system nodegroup it made
        const deployedPlan = firstDeployments.get(first) ?? (await planOf(withZones(first)));
        firstDeployments.set(first, deployedPlan);
        const deployed = deployedPlan.get(TYPES.nodegroup, 'orders-dev-system').inputs;
        // WHEN the next run plans the edited list against that group
        const nextPlan = await planOf(withZones(next), systemGroupOf(deployedPlan));
        const planned = nextPlan.get(TYPES.nodegroup, 'orders-dev-system').inputs;
        // THEN the same subnets (nothing to replace), or a physical name other than the deployed
        expect(
          JSON.stringify(planned['subnetIds']) === JSON.stringify(deployed['subnetIds']) ||
            planned['nodeGroupName'] !== deployed['nodeGroupName'],
        ).toBe(true);
        // AND an append never touches the group
        if (next > first) expect(planned).toEqual(deployed);
      }),
      { numRuns: 8 },
    );
  });

  it('removing the first admin keeps the other access entries under their keys (no principal changes key)', async () => {
    const admins = ['a', 'b', 'c'].map(name => `arn:aws:iam::123456789012:role/${name}`);
    const withAdmins =
      (arns: string[]) =>
      (raw: RawSpec): void => {
        raw.cluster = { ...(raw.cluster ?? {}), adminPrincipalArns: arns };
      };
    const entriesOf = (plan: StackPlan): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(
          plan.get(TYPES.eksCluster, 'orders-dev-eks').inputs['accessEntries'] as Record<
            string,
            { principalArn: string }
          >,
        ).map(([key, entry]) => [key, entry.principalArn]),
      );
    // GIVEN three admins deployed (keyed by position on a first deployment)
    const deployed = entriesOf(await planOf(withAdmins(admins)));
    expect(deployed).toEqual({ 'admin-0': admins[0], 'admin-1': admins[1], 'admin-2': admins[2] });
    // WHEN the first is removed, the next run planning against the deployed keys
    const raw = devRaw();
    withAdmins(admins.slice(1))(raw);
    const after = await planStack(parseSpec(raw), undefined, deployed as Record<string, string>);
    // THEN the others keep their keys: no entry is given a principal another entry holds
    expect(entriesOf(after)).toEqual({ 'admin-1': admins[1], 'admin-2': admins[2] });
  });

  it('a guarded edit (cluster.vpcCidr) would replace the VPC and the subnets', async () => {
    const after = await planOf(raw => {
      raw.cluster = { ...(raw.cluster ?? {}), vpcCidr: '10.42.0.0/16' };
    });
    expect(replacements(base, after)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws:ec2\/vpc:Vpc .*: cidrBlock$/),
        expect.stringMatching(/^aws:ec2\/subnet:Subnet .*: cidrBlock$/),
      ]),
    );
  });

  it('a guarded edit (kafka.namespace) would delete the Kafka cluster objects', async () => {
    const after = await planOf(raw => {
      raw.kafka['namespace'] = 'streaming';
    });
    expect(replacements(base, after)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Kafka kafka\/orders-dev deleted$/)]),
    );
  });
});
