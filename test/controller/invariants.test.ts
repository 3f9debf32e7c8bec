import { checkInvariants, type HistoryEvent } from './invariants';

const setup: HistoryEvent = {
  kind: 'setup',
  atMs: 0,
  balancedNodeCounts: [1, 2, 4],
  brokerPods: ['b-0', 'b-1', 'b-2'],
  stateDeadlineMs: 1000,
  operationDeadlineMs: 5000,
};

const healthyPods: HistoryEvent = {
  kind: 'pods',
  atMs: 1,
  pods: [
    { name: 'b-0', nodeName: 'n-0', ready: true },
    { name: 'b-1', nodeName: 'n-1', ready: true },
    { name: 'b-2', nodeName: 'n-1', ready: true },
  ],
};
const nodes: HistoryEvent = {
  kind: 'nodes',
  atMs: 1,
  nodes: [
    { name: 'n-0', instanceId: 'i-0', unschedulable: false },
    { name: 'n-1', instanceId: 'i-1', unschedulable: true },
    { name: 'n-2', instanceId: 'i-2', unschedulable: true },
  ],
};
const healthyKafka: HistoryEvent = {
  kind: 'kafka',
  atMs: 1,
  ready: true,
  underReplicatedPartitions: 0,
};

const invariantsOf = (history: HistoryEvent[]) =>
  checkInvariants(history).map(violation => violation.invariant);

describe('checkInvariants', () => {
  test('a clean history has no violation and survives a JSON round trip', () => {
    const history: HistoryEvent[] = [
      setup,
      healthyPods,
      nodes,
      healthyKafka,
      { kind: 'write', atMs: 2, write: 'set-desired', groupName: 'g', desired: 4 },
      { kind: 'write', atMs: 3, write: 'request-roll', podName: 'b-1' },
      { kind: 'write', atMs: 4, write: 'terminate', groupName: 'g', instanceId: 'i-2' },
      { kind: 'operation', atMs: 5, id: 'op', nodeName: 'n-1', phase: 'cordon', movesDone: 0 },
      { kind: 'operation', atMs: 900, id: 'op', nodeName: 'n-1', phase: 'drain', movesDone: 0 },
      { kind: 'operation', atMs: 1800, id: 'op', nodeName: 'n-1' },
    ];
    expect(checkInvariants(JSON.parse(JSON.stringify(history)) as HistoryEvent[])).toEqual([]);
  });

  test('catches an uncordon of a node whose instance is not protected, not of a protected one', () => {
    const withProtection = (protectedFromScaleIn: boolean | undefined): HistoryEvent => ({
      kind: 'nodes',
      atMs: 1,
      nodes: [
        {
          name: 'node-a',
          instanceId: 'i-a',
          unschedulable: true,
          ...(protectedFromScaleIn === undefined ? {} : { protectedFromScaleIn }),
        },
      ],
    });
    const uncordon: HistoryEvent = {
      kind: 'write',
      atMs: 2,
      write: 'uncordon',
      nodeName: 'node-a',
    };
    expect(invariantsOf([setup, withProtection(false), uncordon])).toEqual([
      'uncordon-unprotected',
    ]);
    expect(invariantsOf([setup, withProtection(true), uncordon])).toEqual([]);
    expect(invariantsOf([setup, withProtection(undefined), uncordon])).toEqual([]);
  });

  test('catches an operation started while another is open, not after it ended or was abandoned', () => {
    const op = (atMs: number, id: string, phase?: 'cordon' | 'abandoned'): HistoryEvent => ({
      kind: 'operation',
      atMs,
      id,
      nodeName: phase === undefined ? '' : `node-${id}`,
      ...(phase === undefined ? {} : { phase, movesDone: 0 }),
    });
    expect(invariantsOf([setup, op(1, 'a', 'cordon'), op(2, 'b', 'cordon')])).toEqual([
      'two-operations',
    ]);
    expect(invariantsOf([setup, op(1, 'a', 'cordon'), op(2, 'a'), op(3, 'b', 'cordon')])).toEqual(
      [],
    );
    expect(
      invariantsOf([setup, op(1, 'a', 'cordon'), op(2, 'a', 'abandoned'), op(3, 'b', 'cordon')]),
    ).toEqual([]);
  });

  test('catches two broker pods down at one instant (missing, unbound or not Ready)', () => {
    const oneDown: HistoryEvent = {
      kind: 'pods',
      atMs: 2,
      pods: [
        { name: 'b-0', nodeName: 'n-0', ready: false },
        { name: 'b-1', nodeName: 'n-1', ready: true },
        { name: 'b-2', nodeName: 'n-1', ready: true },
      ],
    };
    expect(invariantsOf([setup, oneDown])).toEqual([]);
    const twoDown: HistoryEvent = {
      kind: 'pods',
      atMs: 3,
      pods: [
        { name: 'b-0', nodeName: 'n-0', ready: false },
        { name: 'b-1', ready: false },
      ],
    };
    const violations = checkInvariants([setup, twoDown]);
    expect(violations.map(each => each.invariant)).toEqual(['two-brokers-down']);
    expect(violations[0].detail).toMatch(/b-0, b-1, b-2/);
  });

  test('catches the termination of an instance whose node hosts a broker', () => {
    const violations = checkInvariants([
      setup,
      healthyPods,
      nodes,
      { kind: 'write', atMs: 2, write: 'terminate', groupName: 'g', instanceId: 'i-1' },
    ]);
    expect(violations.map(each => each.invariant)).toEqual(['terminated-with-broker']);
    expect(violations[0].detail).toMatch(/i-1 .* n-1 hosts b-1, b-2/);
  });

  test('catches a desired capacity written outside the balanced levels', () => {
    expect(
      invariantsOf([
        setup,
        { kind: 'write', atMs: 2, write: 'set-desired', groupName: 'g', desired: 3 },
      ]),
    ).toEqual(['unbalanced-desired']);
  });

  test('catches a move while partitions are under-replicated, Kafka is not Ready or unknown', () => {
    const roll: HistoryEvent = { kind: 'write', atMs: 3, write: 'request-roll', podName: 'b-0' };
    expect(invariantsOf([setup, roll])).toEqual(['move-while-unhealthy']);
    expect(
      invariantsOf([
        setup,
        { kind: 'kafka', atMs: 2, ready: true, underReplicatedPartitions: 2 },
        roll,
      ]),
    ).toEqual(['move-while-unhealthy']);
    expect(
      invariantsOf([
        setup,
        { kind: 'kafka', atMs: 2, ready: false, underReplicatedPartitions: 0 },
        roll,
      ]),
    ).toEqual(['move-while-unhealthy']);
  });

  test('catches an operation state that outlives its deadline, open or closed', () => {
    const start: HistoryEvent = {
      kind: 'operation',
      atMs: 10,
      id: 'op',
      nodeName: 'n-1',
      phase: 'drain',
      movesDone: 0,
      moveAttempt: 1,
    };
    // Still open at the end of the history, judged at the last event.
    expect(invariantsOf([setup, start, { ...healthyKafka, atMs: 2000 }])).toEqual([
      'operation-overdue',
    ]);
    // A new move attempt is progress; abandoned is a defined exit.
    expect(
      invariantsOf([
        setup,
        start,
        { ...start, atMs: 900, moveAttempt: 2 },
        { ...start, atMs: 1800, phase: 'abandoned' },
        { ...healthyKafka, atMs: 9000 },
      ]),
    ).toEqual([]);
    // Ended late.
    expect(
      invariantsOf([setup, start, { kind: 'operation', atMs: 1500, id: 'op', nodeName: 'n-1' }]),
    ).toEqual(['operation-overdue']);
  });

  test('catches an operation that outlives its total deadline while every state is short', () => {
    const history: HistoryEvent[] = [setup];
    for (let step = 0; step <= 8; step++) {
      history.push({
        kind: 'operation',
        atMs: 10 + step * 900,
        id: 'op',
        nodeName: 'n-1',
        phase: step % 2 === 0 ? 'drain' : 'unprotect',
      });
    }
    expect(invariantsOf(history)).toContain('operation-overdue');
  });

  test('rejects a history without setup or out of time order', () => {
    expect(invariantsOf([healthyKafka])).toEqual(['malformed-history']);
    expect(
      invariantsOf([setup, { ...healthyKafka, atMs: 5 }, { ...healthyKafka, atMs: 4 }]),
    ).toEqual(['malformed-history']);
  });
});
