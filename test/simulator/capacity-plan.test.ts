import fc from 'fast-check';
import {
  BROKER_FLOOR,
  capacityOptions,
  dailyNodeHours,
  evaluateOption,
  levelCapacityMiBps,
  type PlanningInput,
} from '../../simulator/capacity-plan';

const input = (peakMiBps: number, troughMiBps: number): PlanningInput => ({
  zones: 3,
  replicationFactor: 3,
  targetUtilization: 0.6,
  peakMiBps,
  troughMiBps,
});

describe('capacity planner', () => {
  it('computes level capacity from the baseline, the target and brokers per node', () => {
    // 12 brokers, RF 3, 100 MiB/s baseline at 60%: one broker per node carries 240 MiB/s
    expect(levelCapacityMiBps(input(1, 1), 100, 4, 4)).toBeCloseTo(240, 9);
    expect(levelCapacityMiBps(input(1, 1), 100, 4, 2)).toBeCloseTo(120, 9);
    expect(levelCapacityMiBps(input(1, 1), 100, 4, 3)).toBeCloseTo(120, 9);
  });

  it('warns that a 2:1 day saves nothing with 2 brokers per zone at one broker per node', () => {
    // m6i.2xlarge, 2 brokers per zone: levels carry 224 and 447 MiB/s
    const option = evaluateOption(input(420, 210), 'm6i.2xlarge', 2)!;
    expect(option.peakNodesPerZone).toBe(2);
    expect(option.twoToOneDaySavingsShare).toBeLessThan(0.01);
    expect(option.warnings.join('\n')).toMatch(
      /a 2:1 day would save nothing with 2 broker\(s\) per zone: the next level down \(1 node\(s\) per zone\) carries only 50% of the peak level/,
    );
  });

  it('finds savings on a 2:1 day with 6 brokers per zone and two brokers per node at the peak', () => {
    const option = evaluateOption(input(600, 300), 'm6i.2xlarge', 6)!;
    expect(option.peakNodesPerZone).toBe(3);
    expect(option.twoToOneDaySavingsShare).toBeGreaterThan(0.1);
    expect(option.warnings).toEqual([]);
  });

  it('reports a choice that cannot carry the peak', () => {
    const option = evaluateOption(input(5000, 100), 'm6i.large', 1)!;
    expect(option.peakNodesPerZone).toBeUndefined();
    expect(option.warnings[0]).toMatch(/cannot carry 5000 MiB\/s/);
  });

  it('orders options by expected daily cost, each carrying the peak', () => {
    const options = capacityOptions(input(800, 200));
    expect(options.length).toBeGreaterThan(5);
    for (let i = 1; i < options.length; i++) {
      expect(options[i].expectedUsdPerDay).toBeGreaterThanOrEqual(options[i - 1].expectedUsdPerDay);
    }
    for (const option of options) {
      const top = option.levels.find(level => level.nodesPerZone === option.peakNodesPerZone)!;
      expect(top.producerMiBps).toBeGreaterThanOrEqual(800 - 1e-9);
    }
  });

  it('flags 12 brokers per zone on m7g.large: below the broker floor, left out of the options', () => {
    // m7g.large: 8 GiB, 2 vCPU; allocatable 5.8 GiB / 1400m; 12 per zone at 3 nodes per zone is 4
    // brokers per node: 1.25 GiB and 0.35 vCPU each
    const option = evaluateOption(input(300, 150), 'm7g.large', 12)!;
    expect(option.peakNodesPerZone).toBeDefined();
    expect(option.belowBrokerFloor).toBe(true);
    expect(option.brokerAtTrough!.memoryGi).toBeLessThan(BROKER_FLOOR.memoryGi);
    expect(option.warnings.join('\n')).toMatch(
      /below the broker floor: \d+ broker\(s\) share one m7g\.large node .* the floor is 4 GiB and 1 vCPU/,
    );
    const listed = capacityOptions(input(300, 150));
    expect(
      listed.some(each => each.instanceType === 'm7g.large' && each.brokersPerZone === 12),
    ).toBe(false);
    for (const each of listed) {
      expect(each.brokerAtTrough!.memoryGi).toBeGreaterThanOrEqual(BROKER_FLOOR.memoryGi);
      expect(each.brokerAtTrough!.vcpu).toBeGreaterThanOrEqual(BROKER_FLOOR.vcpu);
    }
  });

  it('counts one NLB per broker plus the bootstrap in the costs and the savings', () => {
    const base = input(600, 300);
    const without = evaluateOption(base, 'm6i.2xlarge', 6)!;
    const withNlbs = evaluateOption(
      { ...base, externalAccess: true, nlbUsdPerHour: 0.0225 },
      'm6i.2xlarge',
      6,
    )!;
    // 18 brokers + 1 bootstrap = 19 NLBs x $0.0225/h x 24 h
    expect(withNlbs.nlbUsdPerDay).toBeCloseTo(19 * 0.0225 * 24, 9);
    expect(without.nlbUsdPerDay).toBe(0);
    expect(withNlbs.staticUsdPerDay - without.staticUsdPerDay).toBeCloseTo(
      withNlbs.nlbUsdPerDay,
      9,
    );
    expect(withNlbs.expectedUsdPerDay - without.expectedUsdPerDay).toBeCloseTo(
      withNlbs.nlbUsdPerDay,
      9,
    );
    // a fixed cost shrinks the share saved
    expect(withNlbs.expectedSavingsShare).toBeCloseTo(
      1 - withNlbs.expectedUsdPerDay / withNlbs.staticUsdPerDay,
      9,
    );
    expect(withNlbs.expectedSavingsShare).toBeLessThan(without.expectedSavingsShare);
    expect(() => evaluateOption({ ...base, externalAccess: true }, 'm6i.2xlarge', 6)).toThrow(
      /nlbUsdPerHour/,
    );
  });

  it('never expects more node-hours than static, and a flat day saves nothing (property)', () => {
    const levels = [
      { nodesPerZone: 1, producerMiBps: 100 },
      { nodesPerZone: 2, producerMiBps: 200 },
      { nodesPerZone: 4, producerMiBps: 400 },
    ];
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 400, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (peak, share) => {
          const [oracle, fixed] = dailyNodeHours(levels, 3, peak, peak * share)!;
          const [flatOracle, flatStatic] = dailyNodeHours(levels, 3, peak, peak)!;
          return oracle <= fixed + 1e-9 && Math.abs(flatOracle - flatStatic) < 1e-9;
        },
      ),
    );
  });
});
