/**
 * Test helper: a zone with a detached instance (review s26-a fault 3, review s26-b fault 2).
 */
import { FakeCluster } from './fake-cluster';
import { testConfig } from './fixtures';

/**
 * Zone a with node-a-0 (2 brokers), node-a-1 (2 brokers, its instance i-a1 detached from the
 * group, the Node still Ready and schedulable) and the group's replacement node-a-2 (empty,
 * InService, protected); 80 MiB/s, so zone a's counted nodes (a-0, a-2) are at their level and
 * uneven: a re-spread is wanted, and every roll of it is refused while node-a-1 may receive it.
 */
export function detachedBeside(demandMiBps: number): {
  config: ReturnType<typeof testConfig>;
  cluster: FakeCluster;
} {
  const config = { ...testConfig(), operationPhaseTimeoutSeconds: 600 };
  const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps });
  const template = cluster.nodes.find(node => node.name === 'node-a-1');
  if (template === undefined) throw new Error('no node-a-1');
  cluster.nodes = [
    ...cluster.nodes,
    {
      ...template,
      name: 'node-a-2',
      uid: 'uid-node-a-2',
      instanceId: 'i-a2',
      createdAtMs: cluster.nowMs - 3_600_000,
    },
  ];
  cluster.groups = cluster.groups.map(group =>
    group.zone === 'us-east-1a'
      ? {
          ...group,
          instances: [
            ...group.instances.filter(instance => instance.instanceId !== 'i-a1'),
            { instanceId: 'i-a2', lifecycleState: 'InService', protectedFromScaleIn: true },
          ],
        }
      : group,
  );
  return { config, cluster };
}
