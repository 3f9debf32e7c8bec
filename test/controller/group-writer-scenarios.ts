/**
 * One list of `GroupWriter` scenarios, run against the in-memory stand-in (`FakeCluster`, fast
 * tier: `group-writer-conformance.test.ts`) and against the real adapter on moto's Auto Scaling
 * server (integration tier: `test/integration/group-writer-conformance.moto.test.ts`), with the
 * same expected answers. The stand-in imitates the adapter and Auto Scaling together, so the
 * controller's tests that run on it claim what the real pair would do; where the two answer
 * differently the stand-in is wrong (or moto is, which the scenario then names: `motoGap`).
 *
 * Answers are written in instance positions (0 = the first instance the group lists), so the
 * stand-in's made-up IDs and moto's random ones compare.
 */
import type { GroupWriter } from '../../controller/ports';

/** A group's shape at creation: every instance InService and unprotected. */
export interface GroupShape {
  readonly min: number;
  readonly max: number;
  /** Instances the group starts with (its desired capacity). */
  readonly desired: number;
}

/**
 * A group as a world shows it: `inService` the positions of its InService instances, `protected`
 * those of them protected from scale-in (ascending; an instance on its way out is in neither).
 */
export interface GroupView {
  readonly desired: number;
  readonly inService: readonly number[];
  readonly protected: readonly number[];
}

/** What a scenario observed: the call's answer (`rejected` when it threw) and the group after. */
export interface ScenarioAnswer extends GroupView {
  readonly answer: string;
}

/** One peer (or stand-in) the scenarios run on. */
export interface GroupWorld {
  readonly writer: GroupWriter;
  /** Makes a new group; answers its name and its instances' IDs in the order it lists them. */
  group(shape: GroupShape): Promise<{ groupName: string; instanceIds: readonly string[] }>;
  /** The group now, in the positions of `instanceIds` (as `group` answered them). */
  read(groupName: string, instanceIds: readonly string[]): Promise<GroupView>;
  /** Someone outside the controller sets the group's desired capacity (`SetDesiredCapacity`). */
  setDesiredFromOutside(groupName: string, desired: number): Promise<void>;
}

export interface GroupWriterScenario {
  readonly name: string;
  readonly shape: GroupShape;
  /** Runs the scenario's calls; answers the last call's answer (`rejected` when it threw). */
  readonly run: (
    world: GroupWorld,
    group: { groupName: string; instanceIds: readonly string[]; other: () => Promise<string> },
  ) => Promise<string>;
  readonly expected: ScenarioAnswer;
  /** Where moto answers otherwise than AWS documents: moto's answer, and why it is left so. */
  readonly motoGap?: { readonly answer: ScenarioAnswer; readonly why: string };
}

/** `rejected` when `call` throws, else its answer as text (`ok` for none). */
export async function answerOf(call: () => Promise<unknown>): Promise<string> {
  try {
    const answer = await call();
    return answer === undefined ? 'ok' : String(answer);
  } catch {
    return 'rejected';
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const refuse = async (): Promise<string | undefined> => 'a broker is aboard';

export const GROUP_WRITER_SCENARIOS: readonly GroupWriterScenario[] = [
  {
    name: 'raise desired capacity within max',
    shape: { min: 1, max: 4, desired: 2 },
    run: (world, g) => answerOf(() => world.writer.raiseDesiredCapacity(g.groupName, 3)),
    // moto launches the third instance at once; the stand-in launches nothing (its tests add
    // instances with `addInstance`), so only desired capacity is compared here.
    expected: { answer: 'ok', desired: 3, inService: [0, 1], protected: [] },
  },
  {
    name: 'a raise below the current desired capacity changes nothing',
    shape: { min: 1, max: 4, desired: 3 },
    run: (world, g) => answerOf(() => world.writer.raiseDesiredCapacity(g.groupName, 2)),
    expected: { answer: 'ok', desired: 3, inService: [0, 1, 2], protected: [] },
  },
  {
    name: 'a raise above max size is rejected and changes nothing',
    shape: { min: 1, max: 3, desired: 2 },
    run: (world, g) => answerOf(() => world.writer.raiseDesiredCapacity(g.groupName, 4)),
    expected: { answer: 'rejected', desired: 2, inService: [0, 1], protected: [] },
  },
  {
    name: 'protects every instance, then unprotects one; protecting again is idempotent',
    shape: { min: 1, max: 4, desired: 3 },
    run: async (world, g) => {
      await world.writer.setInstanceProtection(g.groupName, g.instanceIds, true);
      await world.writer.setInstanceProtection(g.groupName, g.instanceIds, true);
      return answerOf(() =>
        world.writer.setInstanceProtection(g.groupName, [g.instanceIds[0]], false),
      );
    },
    expected: { answer: 'ok', desired: 3, inService: [0, 1, 2], protected: [1, 2] },
  },
  {
    name: 'a protection change for no instances sends nothing and changes nothing',
    shape: { min: 1, max: 4, desired: 2 },
    run: (world, g) => answerOf(() => world.writer.setInstanceProtection(g.groupName, [], true)),
    expected: { answer: 'ok', desired: 2, inService: [0, 1], protected: [] },
  },
  {
    name: 'protects more instances than one call takes (51: two calls of at most 50)',
    shape: { min: 1, max: 60, desired: 51 },
    run: (world, g) =>
      answerOf(() => world.writer.setInstanceProtection(g.groupName, g.instanceIds, true)),
    expected: { answer: 'ok', desired: 51, inService: range(51), protected: range(51) },
  },
  {
    name: 'an unprotect refused by the live read keeps every instance protected',
    shape: { min: 1, max: 4, desired: 2 },
    run: async (world, g) => {
      await world.writer.setInstanceProtection(g.groupName, g.instanceIds, true);
      return answerOf(() =>
        world.writer.setInstanceProtection(g.groupName, g.instanceIds, false, refuse),
      );
    },
    expected: { answer: 'refused', desired: 2, inService: [0, 1], protected: [0, 1] },
  },
  {
    name: 'protecting an instance of another group is rejected',
    shape: { min: 1, max: 4, desired: 2 },
    run: async (world, g) => {
      const foreign = await g.other();
      return answerOf(() => world.writer.setInstanceProtection(g.groupName, [foreign], true));
    },
    expected: { answer: 'rejected', desired: 2, inService: [0, 1], protected: [] },
    motoGap: {
      answer: { answer: 'ok', desired: 2, inService: [0, 1], protected: [] },
      why:
        'moto skips IDs that are not in the group; Auto Scaling answers ValidationError (the ' +
        'instance is not part of the group). The adapter sends the call either way; the ' +
        'stand-in keeps the documented answer',
    },
  },
  {
    name: 'terminates exactly the chosen instance with one decrement, and only once',
    shape: { min: 1, max: 4, desired: 3 },
    run: async (world, g) => {
      const first = await answerOf(() =>
        world.writer.terminateInstance(g.groupName, g.instanceIds[1]),
      );
      const again = await answerOf(() =>
        world.writer.terminateInstance(g.groupName, g.instanceIds[1]),
      );
      return `${first}, ${again}`;
    },
    expected: {
      answer: 'requested, already-leaving',
      desired: 2,
      inService: [0, 2],
      protected: [],
    },
  },
  {
    name: 'terminating a protected instance is not stopped by its protection',
    shape: { min: 1, max: 4, desired: 2 },
    run: async (world, g) => {
      await world.writer.setInstanceProtection(g.groupName, g.instanceIds, true);
      return answerOf(() => world.writer.terminateInstance(g.groupName, g.instanceIds[0]));
    },
    expected: { answer: 'requested', desired: 1, inService: [1], protected: [1] },
  },
  {
    name: 'a terminate at minimum size is rejected and changes nothing',
    shape: { min: 2, max: 4, desired: 2 },
    run: (world, g) =>
      answerOf(() => world.writer.terminateInstance(g.groupName, g.instanceIds[0])),
    expected: { answer: 'rejected', desired: 2, inService: [0, 1], protected: [] },
  },
  {
    name: 'a terminate refused by the live read changes nothing',
    shape: { min: 1, max: 4, desired: 2 },
    run: (world, g) =>
      answerOf(() => world.writer.terminateInstance(g.groupName, g.instanceIds[0], refuse)),
    expected: { answer: 'refused', desired: 2, inService: [0, 1], protected: [] },
  },
  {
    name: 'a terminate of an instance unknown to Auto Scaling is already leaving',
    shape: { min: 1, max: 4, desired: 2 },
    run: (world, g) =>
      answerOf(() => world.writer.terminateInstance(g.groupName, 'i-0000000000000dead')),
    expected: { answer: 'already-leaving', desired: 2, inService: [0, 1], protected: [] },
  },
  {
    name: "a terminate of another group's instance is rejected and changes neither group",
    shape: { min: 1, max: 4, desired: 2 },
    run: async (world, g) => {
      const foreign = await g.other();
      return answerOf(() => world.writer.terminateInstance(g.groupName, foreign));
    },
    expected: { answer: 'rejected', desired: 2, inService: [0, 1], protected: [] },
  },
  {
    name: 'lowering to the desired capacity the group already has is lowered, without a write',
    shape: { min: 1, max: 4, desired: 2 },
    run: (world, g) => answerOf(() => world.writer.lowerDesiredCapacity(g.groupName, 3, 2)),
    expected: { answer: 'lowered', desired: 2, inService: [0, 1], protected: [] },
  },
  {
    name: 'lowering from a desired capacity the group no longer has is changed',
    shape: { min: 1, max: 4, desired: 3 },
    run: async (world, g) => {
      await world.writer.setInstanceProtection(g.groupName, g.instanceIds, true);
      return answerOf(() => world.writer.lowerDesiredCapacity(g.groupName, 4, 2));
    },
    expected: { answer: 'changed', desired: 3, inService: [0, 1, 2], protected: [0, 1, 2] },
  },
  {
    name: 'lowering below the instances counting toward desired capacity is changed',
    shape: { min: 1, max: 4, desired: 3 },
    run: async (world, g) => {
      await world.writer.setInstanceProtection(g.groupName, g.instanceIds, true);
      return answerOf(() => world.writer.lowerDesiredCapacity(g.groupName, 3, 2));
    },
    expected: { answer: 'changed', desired: 3, inService: [0, 1, 2], protected: [0, 1, 2] },
  },
  {
    name: 'a desired capacity lowered from outside takes only unprotected instances',
    shape: { min: 1, max: 4, desired: 3 },
    run: async (world, g) => {
      await world.writer.setInstanceProtection(g.groupName, g.instanceIds.slice(0, 2), true);
      await world.setDesiredFromOutside(g.groupName, 1);
      return 'ok';
    },
    // Auto Scaling never picks a protected instance for scale-in: the two stay, above desired.
    expected: { answer: 'ok', desired: 1, inService: [0, 1], protected: [0, 1] },
  },
];
