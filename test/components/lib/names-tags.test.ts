import { accessEntriesFor } from '../../../components/lib/access-entries';
import {
  externalBootstrapServiceOf,
  internalBootstrapAddress,
  kafkaNodegroupNamesOf,
  systemNodegroupNameOf,
} from '../../../components/lib/names';
import {
  IGNORED_NODEGROUP_CHANGES,
  kafkaNodeTaint,
  kafkaScaling,
  systemScaling,
} from '../../../components/lib/nodegroup-config';
import { baseTags, clusterAutoscalerDiscoveryTag, subnetTags } from '../../../components/lib/tags';
import { parseSpec } from '../../../spec/load';
import { specInput } from '../../util/specs';

const loaded = parseSpec({
  ...specInput(3, 4),
  nodes: { kafka: { instanceType: 'm6i.4xlarge', minPerZone: 2, maxPerZone: 4 } },
  cluster: { tags: { team: 'data', CostCenter: '42' } },
});
const { spec, plan } = loaded;

describe('names', () => {
  it('derives nodegroup names from the spec', () => {
    expect(systemNodegroupNameOf(spec)).toBe('test-system');
    expect(kafkaNodegroupNamesOf(plan)).toEqual(['test-kafka-a', 'test-kafka-b', 'test-kafka-c']);
  });

  it('names the bootstrap endpoints', () => {
    expect(internalBootstrapAddress(spec, 9093)).toBe('test-kafka-bootstrap.kafka.svc:9093');
    expect(externalBootstrapServiceOf(spec)).toBe('kafka/test-kafka-external-bootstrap');
  });
});

describe('tags', () => {
  it('adds the platform name to the spec tags, keys sorted', () => {
    expect(Object.keys(baseTags(spec))).toEqual(['CostCenter', 'kafka.platform/name', 'team']);
  });

  it('tags public subnets for internet-facing and private for internal load balancers', () => {
    expect(subnetTags(spec, 'p', 'public')).toMatchObject({
      'kubernetes.io/role/elb': '1',
      'kubernetes.io/cluster/test': 'shared',
    });
    expect(subnetTags(spec, 'p', 'private')).toMatchObject({
      'kubernetes.io/role/internal-elb': '1',
    });
    expect(subnetTags(spec, 'p', 'private')).not.toHaveProperty('kubernetes.io/role/elb');
  });

  it('uses a discovery tag that EKS does not put on every group', () => {
    expect(clusterAutoscalerDiscoveryTag('test').key).not.toMatch(/^k8s\.io\/cluster-autoscaler/);
  });
});

describe('nodegroup config', () => {
  it('sizes Kafka groups from the spec, starting at the lowest balanced level', () => {
    expect(kafkaScaling(spec, plan)).toEqual({ minSize: 2, maxSize: 4, desiredSize: 2 });
    expect(systemScaling(spec)).toEqual({ minSize: 3, maxSize: 4, desiredSize: 3 });
  });

  it('taints Kafka nodes NoSchedule with the label value', () => {
    expect(kafkaNodeTaint(plan)).toEqual({
      key: 'kafka.platform/dedicated',
      value: 'test-kafka',
      effect: 'NO_SCHEDULE',
    });
  });

  it('ignores desiredSize', () => {
    expect(IGNORED_NODEGROUP_CHANGES).toEqual(['scalingConfig.desiredSize']);
  });
});

describe('accessEntriesFor', () => {
  it('makes each principal cluster admin', () => {
    expect(accessEntriesFor(['arn:aws:iam::1:role/admin'])).toEqual({
      'admin-0': {
        principalArn: 'arn:aws:iam::1:role/admin',
        accessPolicies: {
          clusterAdmin: {
            policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
            accessScope: { type: 'cluster' },
          },
        },
      },
    });
  });
});
