import type { Observed } from '../../controller/model';
import { startOperation } from '../../controller/operation';
import type { OperationPhase } from '../../controller/operation-record';
import { instancesToProtect } from '../../controller/protection';
import { NOW_MS, healthyCluster, testConfig, withNode, SCALE_IN_NODE_A1 } from './fixtures';

const config = testConfig();
const base = healthyCluster(config, { nodesPerZone: 2 });

const withInstances = (
  observed: Observed,
  change: (id: string) => { lifecycleState?: string; protectedFromScaleIn?: boolean },
): Observed => ({
  ...observed,
  groups: observed.groups.map(group => ({
    ...group,
    instances: group.instances.map(i => ({ ...i, ...change(i.instanceId) })),
  })),
});

const removal = (phase: OperationPhase) => ({
  ...startOperation(SCALE_IN_NODE_A1, { nowMs: NOW_MS, fencingToken: 1, holder: 'a', id: 'op-1' }),
  phase,
});

describe('instancesToProtect', () => {
  test('nothing when every instance is protected', () => {
    expect(instancesToProtect(base, config)).toEqual([]);
  });

  test('the unprotected InService instances, one request per group', () => {
    const observed = withInstances(base, id =>
      ['i-a0', 'i-a1', 'i-c1'].includes(id) ? { protectedFromScaleIn: false } : {},
    );
    expect(instancesToProtect(observed, config)).toEqual([
      { groupName: 'asg-orders-kafka-a', instanceIds: ['i-a0', 'i-a1'] },
      { groupName: 'asg-orders-kafka-c', instanceIds: ['i-c1'] },
    ]);
  });

  test('only InService instances, and not where the source does not report protection', () => {
    const observed = withInstances(base, id =>
      id === 'i-a0'
        ? { lifecycleState: 'Pending', protectedFromScaleIn: false }
        : id === 'i-b0'
          ? { lifecycleState: 'Terminating', protectedFromScaleIn: false }
          : id === 'i-c0'
            ? { protectedFromScaleIn: undefined }
            : {},
    );
    expect(instancesToProtect(observed, config)).toEqual([]);
  });

  test('leaves the instance a removal owns from its unprotect phase on', () => {
    const unprotected = withInstances(base, id =>
      id === 'i-a1' ? { protectedFromScaleIn: false } : {},
    );
    for (const phase of ['unprotect', 'terminate', 'terminated'] as const) {
      const observed = withNode(unprotected, 'node-a-1', node => ({
        ...node,
        operation: removal(phase),
      }));
      expect(instancesToProtect(observed, config)).toEqual([]);
    }
    for (const phase of ['cordon', 'drain', 'abandoned'] as const) {
      const observed = withNode(unprotected, 'node-a-1', node => ({
        ...node,
        operation: removal(phase),
      }));
      expect(instancesToProtect(observed, config)).toEqual([
        { groupName: 'asg-orders-kafka-a', instanceIds: ['i-a1'] },
      ]);
    }
  });

  test('nothing while the Kubernetes or Auto Scaling view is stale or missing', () => {
    const observed = withInstances(base, () => ({ protectedFromScaleIn: false }));
    const stale = NOW_MS - (config.staleAfterSeconds + 1) * 1000;
    for (const freshness of [
      { ...observed.freshness, kubernetesAtMs: undefined },
      { ...observed.freshness, autoscalingAtMs: undefined },
      { ...observed.freshness, kubernetesAtMs: stale },
      { ...observed.freshness, autoscalingAtMs: stale },
    ]) {
      expect(instancesToProtect({ ...observed, freshness }, config)).toEqual([]);
    }
  });
});
