/**
 * The cloud halves of the two in-memory stand-ins (`FakeCluster` and the chaos property test's
 * `ChaosWorld`, each as a `GroupWriter`) against the shared scenarios of
 * `group-writer-scenarios.ts`; the same scenarios judge the real adapter on moto in
 * `test/integration/group-writer-conformance.moto.test.ts`, with the same expected answers.
 */
import { ChaosWorld } from './chaos-world';
import { FakeCluster } from './fake-cluster';
import { testConfig } from './fixtures';
import {
  GROUP_WRITER_SCENARIOS,
  type GroupShape,
  type GroupView,
  type GroupWorld,
} from './group-writer-scenarios';

/** A world on a fresh `FakeCluster` whose groups are only the ones the scenario makes. */
function fakeWorld(): GroupWorld {
  const cluster = new FakeCluster(testConfig(), { nodesPerZone: 1, demandMiBps: 10 });
  cluster.groups = [];
  let made = 0;
  return {
    writer: cluster,
    async group(shape: GroupShape) {
      made++;
      const groupName = `eks-g${made}`;
      const instanceIds = Array.from({ length: shape.desired }, (_, i) => `i-g${made}-${i}`);
      cluster.groups.push({
        zone: `us-east-1${'abcdefgh'[made - 1] ?? 'z'}`,
        groupName,
        desired: shape.desired,
        min: shape.min,
        max: shape.max,
        instances: instanceIds.map(instanceId => ({
          instanceId,
          lifecycleState: 'InService',
          protectedFromScaleIn: false,
        })),
      });
      return { groupName, instanceIds };
    },
    async read(groupName: string, instanceIds: readonly string[]): Promise<GroupView> {
      const group = cluster.groups.find(each => each.groupName === groupName);
      if (group === undefined) throw new Error(`no group ${groupName}`);
      const state = (id: string) => group.instances.find(each => each.instanceId === id);
      const positions = (keep: (id: string) => boolean) =>
        instanceIds.flatMap((id, position) => (keep(id) ? [position] : []));
      return {
        desired: group.desired,
        inService: positions(id => state(id)?.lifecycleState === 'InService'),
        protected: positions(
          id =>
            state(id)?.lifecycleState === 'InService' && state(id)?.protectedFromScaleIn === true,
        ),
      };
    },
    async setDesiredFromOutside(groupName: string, desired: number) {
      const group = cluster.groups.find(each => each.groupName === groupName);
      if (group === undefined) throw new Error(`no group ${groupName}`);
      if (desired < group.desired) cluster.lowerDesiredFromOutside(groupName, desired);
      else {
        cluster.groups = cluster.groups.map(each =>
          each.groupName === groupName ? { ...each, desired } : each,
        );
      }
    },
  };
}

/**
 * A world on a fresh `ChaosWorld` (no faults) whose zones' groups the scenario takes in turn: each
 * made group drops the zone's start instance and lists `desired` InService, unprotected ones.
 */
function chaosWorld(): GroupWorld {
  const world = new ChaosWorld(testConfig({ zones: 4 }), {
    stateDeadlineMs: 3_600_000,
    operationDeadlineMs: 3_600_000,
  });
  let made = 0;
  const groupNamed = (groupName: string) => {
    const group = world.groups.find(each => each.groupName === groupName);
    if (group === undefined) throw new Error(`no group ${groupName}`);
    return group;
  };
  return {
    writer: world,
    async group(shape: GroupShape) {
      const group = world.groups[made++];
      Object.assign(group, { min: shape.min, max: shape.max, desired: shape.desired });
      for (const each of world.instances.filter(i => i.zone === group.zone)) {
        world.instances.splice(world.instances.indexOf(each), 1);
      }
      const instanceIds = Array.from({ length: shape.desired }, (_, i) => `i-g${made}-${i}`);
      for (const instanceId of instanceIds) {
        world.instances.push({
          instanceId,
          zone: group.zone,
          lifecycleState: 'InService',
          protectedFromScaleIn: false,
          inServiceAtMs: world.nowMs,
          joinsAtMs: undefined,
          leavesAtMs: undefined,
        });
      }
      return { groupName: group.groupName, instanceIds };
    },
    async read(groupName: string, instanceIds: readonly string[]): Promise<GroupView> {
      const group = groupNamed(groupName);
      const state = (id: string) => world.instances.find(each => each.instanceId === id);
      const positions = (keep: (id: string) => boolean) =>
        instanceIds.flatMap((id, position) => (keep(id) ? [position] : []));
      return {
        desired: group.desired,
        inService: positions(id => state(id)?.lifecycleState === 'InService'),
        protected: positions(
          id =>
            state(id)?.lifecycleState === 'InService' && state(id)?.protectedFromScaleIn === true,
        ),
      };
    },
    async setDesiredFromOutside(groupName: string, desired: number) {
      world.setDesiredFromOutside(groupNamed(groupName), desired);
    },
  };
}

describe('ChaosWorld as a GroupWriter answers as the adapter on Auto Scaling (moto) does', () => {
  test.each(GROUP_WRITER_SCENARIOS.map(scenario => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const world = chaosWorld();
      const { groupName, instanceIds } = await world.group(scenario.shape);
      const other = async () => (await world.group({ min: 0, max: 2, desired: 1 })).instanceIds[0];
      const answer = await scenario.run(world, { groupName, instanceIds, other });
      expect({ answer, ...(await world.read(groupName, instanceIds)) }).toEqual(scenario.expected);
    },
  );
});

describe('FakeCluster as a GroupWriter answers as the adapter on Auto Scaling (moto) does', () => {
  test.each(GROUP_WRITER_SCENARIOS.map(scenario => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const world = fakeWorld();
      const { groupName, instanceIds } = await world.group(scenario.shape);
      const other = async () => (await world.group({ min: 0, max: 2, desired: 1 })).instanceIds[0];
      const answer = await scenario.run(world, { groupName, instanceIds, other });
      expect({ answer, ...(await world.read(groupName, instanceIds)) }).toEqual(scenario.expected);
    },
  );
});
