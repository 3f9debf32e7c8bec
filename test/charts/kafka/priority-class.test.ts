import fc from 'fast-check';
import { AUTOSCALER_PRIORITY_CLASS } from '../../../charts/autoscaler/workload';
import {
  CONTROLLER_PRIORITY_CLASS,
  brokerPoolSpec,
  controllerPoolSpec,
} from '../../../charts/kafka/node-pools';
import { parseSpec } from '../../../spec/load';
import { specInput } from '../../util/specs';

/** Classes every API server creates at start-up (no PriorityClass object of ours is needed). */
const BUILT_IN_PRIORITY_CLASSES = ['system-cluster-critical', 'system-node-critical'];

describe('priority classes of the pods on the system nodegroup', () => {
  test('the KRaft controllers run at system-cluster-critical, like the autoscaler', () => {
    expect(CONTROLLER_PRIORITY_CLASS).toBe('system-cluster-critical');
    expect(AUTOSCALER_PRIORITY_CLASS).toBe(CONTROLLER_PRIORITY_CLASS);
    expect(BUILT_IN_PRIORITY_CLASSES).toContain(CONTROLLER_PRIORITY_CLASS);
  });

  test('every controller pool carries it; broker pools, alone on tainted nodes, do not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 4 }), (zones, per) => {
        const { spec, plan } = parseSpec(specInput(zones, per));
        expect(controllerPoolSpec(spec, plan).template?.pod?.priorityClassName).toBe(
          CONTROLLER_PRIORITY_CLASS,
        );
        for (const zone of plan.zones) {
          expect(brokerPoolSpec(spec, plan, zone).template?.pod?.priorityClassName).toBeUndefined();
        }
      }),
      { numRuns: 15 },
    );
  });
});
