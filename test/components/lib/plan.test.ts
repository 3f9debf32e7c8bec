import { formatPlanTable, keyInputsOf, planJson } from '../../../components/lib/plan';
import { mockAsgName, mockCallResult, mockResourceState } from '../../../components/lib/plan-mocks';

const resources = [
  {
    type: 'aws:ec2/subnet:Subnet',
    name: 'orders-private-a',
    parent: 'orders',
    inputs: { availabilityZone: 'us-east-1a', cidrBlock: '10.0.0.0/19', tags: {} },
    dependsOn: ['x'],
    ignoreChanges: [],
  },
  {
    type: 'kubernetes:yaml/v2:ConfigGroup',
    name: 'orders-kafka',
    parent: 'orders',
    inputs: { objs: [{}, {}] },
    dependsOn: [],
    ignoreChanges: [],
  },
];

describe('plan formatting', () => {
  it('summarises key inputs per type', () => {
    expect(keyInputsOf(resources[0]!)).toBe('availabilityZone=us-east-1a cidrBlock=10.0.0.0/19');
    expect(keyInputsOf(resources[1]!)).toBe('objs=2');
  });

  it('prints an aligned table with a count', () => {
    const table = formatPlanTable(resources).split('\n');
    expect(table[0]).toMatch(/^TYPE\s+NAME\s+PARENT\s+KEY INPUTS$/);
    expect(table.at(-1)).toBe('2 resources');
  });

  it('keeps exactly type, name, parent and inputs in JSON', () => {
    expect(Object.keys(planJson(resources)[0]!)).toEqual(['type', 'name', 'parent', 'inputs']);
  });
});

describe('plan mocks', () => {
  it('answers a nodegroup with its Auto Scaling group', () => {
    const { state } = mockResourceState('aws:eks/nodeGroup:NodeGroup', 'ng', {
      nodeGroupName: 'orders-kafka-a',
    });
    expect(state['resources']).toEqual([
      {
        autoscalingGroups: [{ name: mockAsgName('orders-kafka-a') }],
        remoteAccessSecurityGroupId: '',
      },
    ]);
  });

  it('answers the caller identity with a fixed account', () => {
    expect(mockCallResult('aws:index/getCallerIdentity:getCallerIdentity', {})).toMatchObject({
      accountId: '123456789012',
    });
  });
});
