import fc from 'fast-check';
import {
  balancedNodeCounts,
  brokerNetworkMiBps,
  brokerResourcesFor,
  derivePlatform,
  divisors,
  gbpsToMiBps,
  parseSpec,
  podAllocatable,
  zoneSuffix,
} from '../../spec';
import { specInput } from '../util/specs';

describe('divisors and balanced node counts', () => {
  it('lists divisors in order', () => {
    expect(divisors(12)).toEqual([1, 2, 3, 4, 6, 12]);
    expect(divisors(1)).toEqual([1]);
  });

  it('keeps only counts within the bounds', () => {
    expect(balancedNodeCounts(12, 2, 6)).toEqual([2, 3, 4, 6]);
    expect(balancedNodeCounts(2, 1, 4)).toEqual([1, 2]);
  });

  it('every balanced count puts the same number of brokers on every node', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        (brokers, min, max) => {
          for (const count of balancedNodeCounts(brokers, min, max)) {
            expect(brokers % count).toBe(0);
            expect(count).toBeGreaterThanOrEqual(min);
            expect(count).toBeLessThanOrEqual(max);
          }
          const all = divisors(brokers).filter(d => d >= min && d <= max);
          expect(balancedNodeCounts(brokers, min, max)).toEqual(all);
        },
      ),
    );
  });
});

describe('zoneSuffix', () => {
  it('strips the region', () => {
    expect(zoneSuffix('us-east-1', 'us-east-1a')).toBe('a');
    expect(zoneSuffix('us-east-1', 'us-east-1-bos-1a')).toBe('bos-1a');
  });
});

describe('broker resources', () => {
  it('shares a node between the brokers it must carry, leaving room for daemonsets', () => {
    const capacity = { vcpu: 8, memoryGi: 32 };
    const allocatable = podAllocatable(capacity);
    expect(allocatable).toEqual({ memoryGi: 32 * 0.85 - 1, cpuMillis: 6500 });
    expect(brokerResourcesFor(capacity, 4)).toEqual({ memoryGi: 6.5, cpuMillis: 1600 });
  });

  it('never overcommits the node', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 64 }),
        fc.integer({ min: 4, max: 512 }),
        fc.integer({ min: 1, max: 12 }),
        (vcpu, memoryGi, perNode) => {
          const resources = brokerResourcesFor({ vcpu, memoryGi }, perNode);
          const allocatable = podAllocatable({ vcpu, memoryGi });
          expect(resources.memoryGi * perNode).toBeLessThanOrEqual(allocatable.memoryGi + 1e-9);
          expect(resources.cpuMillis * perNode).toBeLessThanOrEqual(allocatable.cpuMillis);
        },
      ),
    );
  });
});

describe('derivePlatform', () => {
  it('gives each zone its pool, nodegroup and a node-ID block that tells the zone', () => {
    const plan = derivePlatform(parseSpec({ ...specInput(3, 4), name: 'orders' }).spec);
    expect(
      plan.zones.map(z => [z.poolName, z.nodegroupName, z.nodeIdRange.first, z.brokerIds]),
    ).toEqual([
      ['brokers-a', 'orders-kafka-a', 1000, [1000, 1001, 1002, 1003]],
      ['brokers-b', 'orders-kafka-b', 2000, [2000, 2001, 2002, 2003]],
      ['brokers-c', 'orders-kafka-c', 3000, [3000, 3001, 3002, 3003]],
    ]);
    expect(plan.controllerNodeIdRange).toEqual({ first: 0, last: 999 });
    expect(plan.balancedNodeCounts).toEqual([1, 2, 4]);
    expect(plan.mostBrokersPerNode).toBe(4);
  });

  it('uses the spec capacity overrides over the instance table', () => {
    const plan = parseSpec({
      ...specInput(3, 4),
      nodes: { kafka: { instanceType: 'm6i.4xlarge', capacity: { baselineGbps: 5 } } },
    }).plan;
    expect(plan.nodeCapacity.baselineGbps).toBe(5);
    expect(plan.nodeCapacity.baselineMiBps).toBeCloseTo(gbpsToMiBps(5));
    expect(plan.nodeCapacity.memoryGi).toBe(64);
  });

  it('node-ID ranges never overlap', () => {
    const plan = parseSpec(specInput(6, 12)).plan;
    const ranges = [plan.controllerNodeIdRange, ...plan.zones.map(z => z.nodeIdRange)];
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        expect(ranges[i]!.last < ranges[j]!.first || ranges[j]!.last < ranges[i]!.first).toBe(true);
      }
    }
  });
});

describe('brokerNetworkMiBps', () => {
  it('counts replication traffic', () => {
    expect(brokerNetworkMiBps(120, 12, 3)).toBe(30);
  });
});
