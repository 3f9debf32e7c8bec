/**
 * The whole AWS side under Pulumi mocks, for both autoscaling modes and 2 to 6 zones (EKS creates no
 * cluster in one zone; spec/aws-inputs.ts `MIN_ZONES_NEW_CLUSTER`): what each
 * zone's Kafka nodegroup looks like, who may scale it, and the order things are installed in.
 */
import { mockAsgName, MOCK_ACCOUNT_ID } from '../../components/lib/plan-mocks';
import { KAFKA_NODE_LABEL, KAFKA_NODE_TAINT_KEY } from '../../spec/derive';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { specInput } from '../util/specs';
import { planStack, TYPES, type StackPlan } from '../components/plan-fixture';

type Mode = 'controller' | 'target-tracking';

function load(zoneCount: number, mode: Mode, extra: Partial<PlatformSpecInput> = {}): LoadedSpec {
  const input = specInput(zoneCount, 4);
  return parseSpec({
    ...input,
    nodes: { kafka: { instanceType: 'm6i.4xlarge', minPerZone: 1, maxPerZone: 4 } },
    autoscaling: { mode },
    ...extra,
  });
}

const cases: Array<[number, Mode]> = [2, 3, 4, 5, 6].flatMap(zones =>
  (['controller', 'target-tracking'] as const).map((mode): [number, Mode] => [zones, mode]),
);

describe.each(cases)('%i zone(s), %s mode', (zoneCount, mode) => {
  let loaded: LoadedSpec;
  let plan: StackPlan;

  beforeAll(async () => {
    loaded = load(zoneCount, mode);
    plan = await planStack(loaded);
  });

  it('creates one Kafka nodegroup per zone, each in that zone private subnet only', () => {
    const kafkaGroups = plan
      .ofType(TYPES.nodegroup)
      .filter(group => group.inputs['nodeGroupName'] !== `${loaded.spec.name}-system`);
    expect(kafkaGroups).toHaveLength(zoneCount);
    for (const zone of loaded.plan.zones) {
      const group = kafkaGroups.find(g => g.inputs['nodeGroupName'] === zone.nodegroupName);
      expect(group).toBeDefined();
      const subnetIds = group?.inputs['subnetIds'] as string[];
      expect(subnetIds).toHaveLength(1);
      const subnet = plan
        .ofType(TYPES.subnet)
        .find(candidate => `${candidate.name}-id` === subnetIds[0]);
      expect(subnet?.inputs['availabilityZone']).toBe(zone.zone);
      expect(subnet?.name).toContain('private');
    }
  });

  it('sizes each Kafka group from the spec, labels and taints it, and ignores desiredSize', () => {
    for (const zone of loaded.plan.zones) {
      const group = plan.get(TYPES.nodegroup, `${loaded.spec.name}-kafka-${zone.zone}`);
      expect(group.inputs['scalingConfig']).toEqual({ minSize: 1, maxSize: 4, desiredSize: 1 });
      expect(group.ignoreChanges).toContain('scalingConfig.desiredSize');
      expect(group.inputs['labels']).toEqual({
        [KAFKA_NODE_LABEL]: loaded.plan.kafkaNodeLabelValue,
      });
      expect(group.inputs['taints']).toEqual([
        {
          key: KAFKA_NODE_TAINT_KEY,
          value: loaded.plan.kafkaNodeLabelValue,
          effect: 'NO_SCHEDULE',
        },
      ]);
    }
  });

  it('attaches scaling policies only in target-tracking mode, to the right group', () => {
    const policies = plan.ofType(TYPES.policy);
    if (mode === 'controller') {
      expect(policies).toHaveLength(0);
      return;
    }
    expect(policies).toHaveLength(3 * zoneCount);
    for (const zone of loaded.plan.zones) {
      const forZone = policies.filter(p => p.name.startsWith(`${loaded.spec.name}-${zone.zone}-`));
      expect(forZone.map(p => p.inputs['autoscalingGroupName'])).toEqual(
        Array(3).fill(mockAsgName(zone.nodegroupName)),
      );
      const metrics = forZone.map(
        p =>
          (
            p.inputs['targetTrackingConfiguration'] as {
              predefinedMetricSpecification: { predefinedMetricType: string };
            }
          ).predefinedMetricSpecification.predefinedMetricType,
      );
      expect(metrics.sort()).toEqual([
        'ASGAverageCPUUtilization',
        'ASGAverageNetworkIn',
        'ASGAverageNetworkOut',
      ]);
    }
  });

  it('gives the controller a role only in controller mode, scoped to the Kafka groups', () => {
    const controllerPolicy = plan
      .ofType(TYPES.rolePolicy)
      .find(p => p.name === `${loaded.spec.name}-kafka-autoscaler-policy`);
    if (mode === 'target-tracking') {
      expect(controllerPolicy).toBeUndefined();
      return;
    }
    const document = JSON.parse(controllerPolicy?.inputs['policy'] as string) as {
      Statement: Array<{ Action: string[]; Resource: string | string[]; Condition?: unknown }>;
    };
    expect(document.Statement).toHaveLength(2);
    const [read, scale] = document.Statement;
    expect(read?.Resource).toBe('*');
    expect(read?.Action).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeAutoScalingInstances',
      'ec2:DescribeInstances',
    ]);
    expect(scale?.Action).toEqual([
      'autoscaling:SetDesiredCapacity',
      'autoscaling:SetInstanceProtection',
      'autoscaling:TerminateInstanceInAutoScalingGroup',
    ]);
    const names = loaded.plan.zones.map(zone => zone.nodegroupName).sort();
    expect(scale?.Resource).toEqual(
      names.map(
        name =>
          `arn:aws:autoscaling:${loaded.spec.region}:${MOCK_ACCOUNT_ID}:autoScalingGroup:*:autoScalingGroupName/${mockAsgName(name)}`,
      ),
    );
    expect(scale?.Condition).toEqual({
      StringEquals: {
        'autoscaling:ResourceTag/eks:cluster-name': loaded.spec.name,
        'autoscaling:ResourceTag/eks:nodegroup-name': names,
      },
    });
    const association = plan.get(
      TYPES.podIdentity,
      `${loaded.spec.name}-kafka-autoscaler-association`,
    );
    expect(association.inputs['namespace']).toBe(loaded.spec.controller.namespace);
  });

  it('tags only the system group for Cluster Autoscaler discovery', () => {
    const tags = plan.ofType(TYPES.asgTag);
    expect(tags).toHaveLength(1);
    expect(tags[0]?.inputs['autoscalingGroupName']).toBe(mockAsgName(`${loaded.spec.name}-system`));
  });
});

describe('cluster, nodes and in-cluster installs (prod-like spec)', () => {
  let loaded: LoadedSpec;
  let plan: StackPlan;

  beforeAll(async () => {
    loaded = load(3, 'controller', {
      cluster: { publicEndpointCidrs: ['203.0.113.0/24'] },
    });
    plan = await planStack(loaded);
  });

  it('encrypts secrets with a rotating KMS key and logs the control plane', () => {
    const [cluster] = plan.ofType(TYPES.eksCluster);
    const [key] = plan.ofType(TYPES.kmsKey);
    expect(key?.inputs['enableKeyRotation']).toBe(true);
    expect(cluster?.inputs['encryptionConfigKeyArn']).toMatch(/^arn:aws:kms:/);
    expect(cluster?.inputs['enabledClusterLogTypes']).toEqual(['api', 'audit', 'authenticator']);
    expect(cluster?.inputs['authenticationMode']).toBe('API');
  });

  it('keeps the private endpoint on and restricts the public one to the spec CIDRs', () => {
    const [cluster] = plan.ofType(TYPES.eksCluster);
    expect(cluster?.inputs['endpointPrivateAccess']).toBe(true);
    expect(cluster?.inputs['endpointPublicAccess']).toBe(true);
    expect(cluster?.inputs['publicAccessCidrs']).toEqual(['203.0.113.0/24']);
    expect(cluster?.inputs['vpcCniOptions']).toMatchObject({ enableNetworkPolicy: true });
  });

  it('requires IMDSv2 with hop limit 1 and an encrypted root volume on every nodegroup', () => {
    const templates = plan.ofType(TYPES.launchTemplate);
    for (const group of plan.ofType(TYPES.nodegroup)) {
      const { id } = group.inputs['launchTemplate'] as { id: string };
      const template = templates.find(t => `${t.name}-id` === id);
      expect(template?.inputs['metadataOptions']).toMatchObject({
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
      });
      expect(template?.inputs['blockDeviceMappings']).toEqual([
        expect.objectContaining({ ebs: expect.objectContaining({ encrypted: 'true' }) }),
      ]);
    }
  });

  it('pins every add-on and Helm chart to an exact version', () => {
    for (const addon of plan.ofType(TYPES.addon)) {
      expect(addon.inputs['addonVersion']).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    }
    const releases = plan.ofType(TYPES.release);
    expect(releases.map(r => r.inputs['chart']).sort()).toEqual([
      'aws-load-balancer-controller',
      'cert-manager',
      'cluster-autoscaler',
      'strimzi-kafka-operator',
    ]);
    for (const release of releases) {
      expect(release.inputs['version']).toMatch(/^v?\d+\.\d+\.\d+$/);
    }
  });

  it("creates the operators component's namespaces first, then every release, then the charts in synth order", () => {
    // The Kafka namespace (Strimzi's chart writes RoleBindings into it) is a typed Namespace, not
    // a ConfigGroup child, so it can carry aliases without a transforms option.
    const namespaces = plan.ofType('kubernetes:core/v1:Namespace');
    expect(namespaces.map(n => (n.inputs['metadata'] as { name: string }).name)).toEqual([
      loaded.spec.kafka.namespace,
    ]);
    const groups = plan.ofType(TYPES.configGroup);
    expect(groups.map(g => g.name)).not.toContain(`${loaded.spec.name}-operators`);
    expect(groups.length).toBeGreaterThan(1);
    const operatorReleases = plan
      .ofType(TYPES.release)
      .filter(r => r.inputs['chart'] !== 'cluster-autoscaler');
    const releaseNames = operatorReleases.map(r => r.name);
    expect(releaseNames).toContain(`${loaded.spec.name}-aws-load-balancer-controller`);
    // The Kafka namespace Strimzi's chart writes RoleBindings into exists before any release.
    for (const release of operatorReleases) {
      expect(release.dependsOn).toEqual(expect.arrayContaining(namespaces.map(n => n.name)));
    }
    for (const namespace of namespaces) {
      expect(namespace.dependsOn.filter(name => releaseNames.includes(name))).toEqual([]);
    }
    groups.forEach((group, index) => {
      expect(group.dependsOn).toEqual(expect.arrayContaining(releaseNames));
      if (index > 0) expect(group.dependsOn).toContain(groups[index - 1]?.name);
    });
    const kafka = groups.find(g => g.name === `${loaded.spec.name}-kafka`);
    const storage = groups.find(g => g.name === `${loaded.spec.name}-storage`);
    expect(kafka?.dependsOn).toContain(`${loaded.spec.name}-aws-load-balancer-controller`);
    expect(groups.indexOf(storage as never)).toBeLessThan(groups.indexOf(kafka as never));
  });
});
