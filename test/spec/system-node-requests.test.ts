/**
 * Class: a pod the platform keeps on the system nodegroup asking for more than one system node
 * gives. The autoscaling controller's pods tolerate none of the Kafka nodes' taints, so only system
 * nodes run them; a memory or CPU request above a system node's allocatable leaves them Pending for
 * good ("0/N nodes are available: Insufficient memory"; Azure/AKS#691, a 6.5 GiB pod on 8 GiB
 * nodes whose allocatable was lower). The KRaft controllers had this check
 * (`kafka.controllerResources`); `controller.memoryMi` and `controller.cpuMillis` did not.
 */
import fc from 'fast-check';
import { podAllocatable } from '../../spec/derive';
import { instanceTypeFacts } from '../../spec/instance-types';
import type { PlatformSpecInput } from '../../spec/schema';
import { specInput, specProblems } from '../util/specs';

const withController = (
  controller: { memoryMi?: number; cpuMillis?: number },
  mode: 'controller' | 'target-tracking' = 'controller',
): PlatformSpecInput => ({
  ...specInput(3, 1),
  controller,
  nodes: {
    kafka: { instanceType: 'm6i.4xlarge', minPerZone: 1, maxPerZone: 1 },
    system: { instanceType: 'm6i.large' },
  },
  autoscaling: { mode },
});

const controllerProblems = (input: PlatformSpecInput): string[] =>
  specProblems(input).filter(p => p.startsWith('controller.'));

describe('class: a system-node pod request no system node can give', () => {
  const system = instanceTypeFacts('m6i.large');
  if (system === undefined) throw new Error('m6i.large missing from the instance table');
  const allocatable = podAllocatable(system);
  const maxMi = Math.floor(allocatable.memoryGi * 1024);

  it('throws when controller.memoryMi is 8192 on m6i.large system nodes (Azure/AKS#691)', () => {
    expect(controllerProblems(withController({ memoryMi: 8192 }))).toEqual([
      `controller.memoryMi: 8192 MiB can never be scheduled: the controller runs on system nodes only, and a m6i.large system node offers pods ${maxMi} MiB and ${allocatable.cpuMillis} millicores, so its pods would stay Pending and nothing would scale the Kafka nodes; lower it (usually 256) or use a larger nodes.system.instanceType`,
    ]);
  });

  it('throws for a CPU request above the node, and not when the controller is not deployed or the cluster is joined', () => {
    expect(controllerProblems(withController({ cpuMillis: 4000 }))).toHaveLength(1);
    expect(controllerProblems(withController({ memoryMi: 8192 }, 'target-tracking'))).toEqual([]);
    const joined = { ...withController({ memoryMi: 8192 }), ...specInput(1, 3) };
    expect(
      controllerProblems({
        ...joined,
        controller: { memoryMi: 8192 },
        autoscaling: { mode: 'controller' },
      }),
    ).toEqual([]);
  });

  it('property: refused exactly above the system node allocatable', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 16384 }),
        fc.integer({ min: 1, max: 4000 }),
        (memoryMi, cpuMillis) => {
          const expected = (memoryMi > maxMi ? 1 : 0) + (cpuMillis > allocatable.cpuMillis ? 1 : 0);
          expect(controllerProblems(withController({ memoryMi, cpuMillis }))).toHaveLength(
            expected,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
