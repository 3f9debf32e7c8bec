import {
  clusterAutoscalerPolicy,
  kafkaControllerPolicy,
  loadBalancerControllerPolicy,
  podIdentityTrustPolicy,
} from '../../../components/lib/iam';

const scope = {
  partition: 'aws',
  region: 'us-east-1',
  accountId: '111122223333',
  clusterName: 'orders',
  kafkaGroups: [
    { nodegroupName: 'orders-kafka-b', asgName: 'eks-orders-kafka-b-2' },
    { nodegroupName: 'orders-kafka-a', asgName: 'eks-orders-kafka-a-1' },
  ],
};

describe('kafkaControllerPolicy', () => {
  it('allows describe on everything and scaling only on the named Kafka groups with EKS tags', () => {
    expect(kafkaControllerPolicy(scope)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DescribeGroupsAndInstances',
          Effect: 'Allow',
          Action: [
            'autoscaling:DescribeAutoScalingGroups',
            'autoscaling:DescribeAutoScalingInstances',
            'ec2:DescribeInstances',
          ],
          Resource: '*',
        },
        {
          Sid: 'ScaleOnlyThisPlatformsKafkaGroups',
          Effect: 'Allow',
          Action: [
            'autoscaling:SetDesiredCapacity',
            'autoscaling:SetInstanceProtection',
            'autoscaling:TerminateInstanceInAutoScalingGroup',
          ],
          Resource: [
            'arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:*:autoScalingGroupName/eks-orders-kafka-a-1',
            'arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:*:autoScalingGroupName/eks-orders-kafka-b-2',
          ],
          Condition: {
            StringEquals: {
              'autoscaling:ResourceTag/eks:cluster-name': 'orders',
              'autoscaling:ResourceTag/eks:nodegroup-name': ['orders-kafka-a', 'orders-kafka-b'],
            },
          },
        },
      ],
    });
  });

  it('never allows a mutating action on every resource', () => {
    for (const statement of kafkaControllerPolicy(scope).Statement) {
      if (statement.Resource === '*') {
        expect(statement.Action.every(action => /:Describe/.test(action))).toBe(true);
      }
    }
  });
});

describe('clusterAutoscalerPolicy', () => {
  it('scales only groups with the platform discovery tag', () => {
    const scale = clusterAutoscalerPolicy('orders').Statement.find(
      s => s.Sid === 'ScaleOnlyDiscoveredGroups',
    );
    expect(scale?.Condition).toEqual({
      StringEquals: { 'autoscaling:ResourceTag/kafka.platform/cluster-autoscaler/orders': 'owned' },
    });
    expect(scale?.Action).toEqual([
      'autoscaling:SetDesiredCapacity',
      'autoscaling:TerminateInstanceInAutoScalingGroup',
    ]);
  });
});

describe('loadBalancerControllerPolicy', () => {
  it('conditions creating and deleting load balancers on the controller tag', () => {
    const statements = loadBalancerControllerPolicy().Statement;
    const create = statements.find(s =>
      s.Action.includes('elasticloadbalancing:CreateLoadBalancer'),
    );
    const remove = statements.find(s =>
      s.Action.includes('elasticloadbalancing:DeleteLoadBalancer'),
    );
    expect(create?.Condition).toEqual({
      Null: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'false' },
    });
    expect(remove?.Condition).toEqual({
      Null: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' },
    });
  });

  it('grants no ALB, WAF or Shield actions', () => {
    const actions = loadBalancerControllerPolicy().Statement.flatMap(s => s.Action);
    expect(actions.filter(a => /^(wafv2|waf-regional|shield|cognito-idp):/.test(a))).toEqual([]);
  });
});

describe('podIdentityTrustPolicy', () => {
  it('trusts the EKS Pod Identity service with AssumeRole and TagSession', () => {
    expect(podIdentityTrustPolicy().Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      }),
    ]);
  });
});
