import { networkTargetBytes, targetTrackingTargets } from '../../../components/lib/scaling-targets';
import { parseSpec } from '../../../spec/load';
import { specInput } from '../../util/specs';

describe('networkTargetBytes', () => {
  it('is the bytes per minute at the target share of the baseline', () => {
    expect(networkTargetBytes(100, 0.5)).toBe(100 * 1048576 * 0.5 * 60);
  });
});

describe('targetTrackingTargets', () => {
  it('derives network in/out from node bandwidth and CPU from the spec', () => {
    const { spec, plan } = parseSpec({
      ...specInput(3, 2),
      autoscaling: { mode: 'target-tracking', targetUtilization: 0.5, cpuTargetPercent: 70 },
    });
    const bytes = networkTargetBytes(plan.nodeCapacity.baselineMiBps, 0.5);
    expect(targetTrackingTargets(spec, plan)).toEqual([
      { id: 'network-in', metric: 'ASGAverageNetworkIn', targetValue: bytes },
      { id: 'network-out', metric: 'ASGAverageNetworkOut', targetValue: bytes },
      { id: 'cpu', metric: 'ASGAverageCPUUtilization', targetValue: 70 },
    ]);
  });
});
