/**
 * Review s32-g: every hold has a way out that works. For every hold reason `decide` can emit
 * (`DECISION_REASONS` less the actions and `at-target`), a table builds the state that produces
 * it, applies the way out its detail names (as an operator, or time, would), runs more passes,
 * and asserts the hold clears and the controller proceeds to the action the cluster wants, or
 * to `at-target`. A meta-test fails when a reason is added without an entry; the table's type
 * (`Record<HoldReason, ...>`) fails to compile first.
 *
 * Fault 1: `no-removable-node`'s way out said "delete the stale Node object that names the same
 * instance" without saying which one, and its detail named the twin Node without the brokers on
 * it. A twin that is the live Node, hosting brokers, deleted by that advice has its pods deleted
 * by the pod garbage collector: brokers down at once, without the roll that checks in-sync
 * replicas (the class of `podsBoundTo`, review s26-b). Fix: the detail names the broker pods on
 * each Node naming the instance, and the way out deletes a Node only once no pod is bound to it.
 *
 * Fault 2: a record on a node outside the cached Kafka node view (its label changed) held every
 * new operation for good: no pass steps a record outside the view, and the hold left a log line
 * naming the node, no way out, while the decision still read `respread` or `scale-in`. Fix: the
 * log line names the fix (the label back, which lets the controller step the record to its end
 * or exit; the annotation removed only from a node that is none of the cluster's Kafka nodes),
 * and a Warning Event `OperationRecordOutsideView` names it once the hold has lasted the phase
 * deadline, again every phase deadline.
 *
 * Fault 3: a broker pod whose Ready condition is stamped ahead of the controller's clock (the
 * kubelet stamps it by its node's clock) held every move with `stale-data` ("partition health was
 * last sampled before the latest broker became Ready") until the controller's clock caught up:
 * for ever with a node clock years ahead, and the way out ("the source named answering with
 * fresh data") named nothing that clears it. Fix: `ReadySinceMemory` gives such a pod the time
 * this process first saw it Ready, as for a pod without a stamp (never earlier than the truth:
 * it was Ready when the view was read), and the live roll check does the same.
 *
 * Fault 4: `stale-data` "no Auto Scaling group found for zone ..." (a nodegroup deleted, renamed,
 * or named wrong in the configuration) holds everything, scale-out included, and never clears by
 * itself; its way out said only "the source named answering with fresh, complete data again".
 * Fix: the detail names the tag looked for and what the operator fixes.
 *
 * Fault 5: a write the gate refused logged its reason and detail with no way out ('write held by
 * the gate'), and the `NodeHeldCordoned` fix for a release the gate keeps holding sends the
 * operator to that line. Fix: the line's detail ends with the reason's way out (`withWayOut`).
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ControllerConfig } from '../../controller/config';
import { HOLD_WAY_OUT, decide } from '../../controller/decide';
import { ReadySinceMemory } from '../../controller/observe';
import type { ControllerEvent } from '../../controller/ports';
import { liveRollBlocker } from '../../controller/reconciler';
import { DEFAULT_FORECAST } from '../../controller/forecast';
import {
  DECISION_REASONS,
  INITIAL_MEMORY,
  type DecisionReason,
  type HoldReason,
  type Memory,
  type Observed,
  type Plan,
} from '../../controller/model';
import {
  NOW_MS,
  cordonRecordOfNodeA1,
  freshAt,
  healthyCluster,
  stabilizedLongAgo,
  testConfig,
  withBroker,
  withNode,
} from './fixtures';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';

const ACTING: ReadonlySet<DecisionReason> = new Set([
  'scale-out',
  'respread',
  'scale-in',
  'at-target',
]);
const HOLDS = DECISION_REASONS.filter(reason => !ACTING.has(reason)) as HoldReason[];

interface State {
  readonly config: ControllerConfig;
  readonly observed: Observed;
  readonly memory: Memory;
}

interface WayOutCase {
  /** The state that holds with the reason. */
  readonly held: () => State;
  /** The way out the detail names, applied as an operator (or time) would. */
  readonly wayOut: (state: State) => State;
  /** Passes, `intervalSeconds` apart, after the way out (time as the way out). @default 1 */
  readonly passes?: number;
  /** What the controller does once the way out is taken. */
  readonly proceeds: DecisionReason;
}

const config = testConfig();
/** 2 nodes per zone at 10 MiB/s, demand carried long enough: a node is to be removed. */
function removalWanted(): State {
  return {
    config,
    observed: healthyCluster(config, { nodesPerZone: 2, demandMiBps: 10 }),
    memory: stabilizedLongAgo(config),
  };
}
/** Every broker of every zone on node -0 of 2, demand 60 (2 nodes): a re-spread is wanted. */
function respreadWanted(): State {
  const observed = healthyCluster(config, { nodesPerZone: 2, demandMiBps: 60 });
  return {
    config,
    observed: {
      ...observed,
      brokers: observed.brokers.map(broker => ({
        ...broker,
        nodeName: broker.nodeName?.replace(/-1$/, '-0'),
      })),
    },
    memory: INITIAL_MEMORY,
  };
}
/** 1 node per zone at 60 MiB/s, every group already raised to 2 that have not joined. */
function launching(): State {
  const observed = healthyCluster(config, { nodesPerZone: 1, demandMiBps: 60 });
  return {
    config,
    observed: { ...observed, groups: observed.groups.map(group => ({ ...group, desired: 2 })) },
    memory: INITIAL_MEMORY,
  };
}
/** The launched nodes joined Ready: 2 per zone, the brokers still on node -0. */
function joined(state: State): State {
  return { ...state, observed: respreadWanted().observed };
}
const mapObserved =
  (change: (observed: Observed) => Observed) =>
  (state: State): State => ({ ...state, observed: change(state.observed) });
const forecastConfig: ControllerConfig = {
  ...config,
  forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 },
};

const CASES: Readonly<Record<HoldReason, WayOutCase>> = {
  'stale-data': {
    held: () =>
      mapObserved(observed => ({
        ...observed,
        freshness: { ...observed.freshness, prometheusAtMs: observed.nowMs - 600_000 },
      }))(removalWanted()),
    wayOut: mapObserved(observed => freshAt(observed, observed.nowMs)),
    proceeds: 'scale-in',
  },
  'kafka-not-ready': {
    held: () => mapObserved(observed => ({ ...observed, kafkaReady: false }))(removalWanted()),
    wayOut: mapObserved(observed => ({ ...observed, kafkaReady: true })),
    proceeds: 'scale-in',
  },
  'under-replicated': {
    held: () =>
      mapObserved(observed => ({ ...observed, underReplicatedPartitions: 4 }))(removalWanted()),
    wayOut: mapObserved(observed => ({ ...observed, underReplicatedPartitions: 0 })),
    proceeds: 'scale-in',
  },
  'under-min-isr': {
    held: () =>
      mapObserved(observed => ({ ...observed, underMinIsrPartitions: 1 }))(removalWanted()),
    wayOut: mapObserved(observed => ({ ...observed, underMinIsrPartitions: 0 })),
    proceeds: 'scale-in',
  },
  'broker-not-ready': {
    held: () =>
      mapObserved(observed =>
        withBroker(observed, 'orders-brokers-b-2000', broker => ({ ...broker, ready: false })),
      )(removalWanted()),
    // Ready again a pass later; the health sample after it comes with the next pass.
    wayOut: mapObserved(observed =>
      withBroker(observed, 'orders-brokers-b-2000', broker => ({
        ...broker,
        ready: true,
        readySinceMs: observed.nowMs,
      })),
    ),
    passes: 2,
    proceeds: 'scale-in',
  },
  'roll-in-flight': {
    held: () =>
      mapObserved(observed =>
        withBroker(observed, 'orders-brokers-c-3001', broker => ({
          ...broker,
          rollRequested: true,
        })),
      )(removalWanted()),
    // A roll annotation that stays on a pod Strimzi does not roll, removed by the operator.
    wayOut: mapObserved(observed =>
      withBroker(observed, 'orders-brokers-c-3001', broker => ({
        ...broker,
        rollRequested: false,
      })),
    ),
    proceeds: 'scale-in',
  },
  'operation-in-flight': {
    held: () =>
      mapObserved(observed =>
        withNode(observed, 'node-a-1', node => ({
          ...node,
          unschedulable: true,
          operation: { ...cordonRecordOfNodeA1('respread'), phase: 'drain' },
        })),
      )(removalWanted()),
    // The operation ends (its exit uncordons the node and removes the record).
    wayOut: mapObserved(observed =>
      withNode(observed, 'node-a-1', node => ({
        ...node,
        unschedulable: false,
        operation: undefined,
      })),
    ),
    proceeds: 'scale-in',
  },
  'operation-abandoned': {
    held: () =>
      mapObserved(observed =>
        withNode(observed, 'node-a-1', node => ({
          ...node,
          operation: { ...cordonRecordOfNodeA1('remove-node'), phase: 'abandoned', note: 'x' },
        })),
      )(removalWanted()),
    // The operator removes the record's annotation.
    wayOut: mapObserved(observed =>
      withNode(observed, 'node-a-1', node => ({ ...node, operation: undefined })),
    ),
    proceeds: 'scale-in',
  },
  'waiting-for-nodes': {
    held: launching,
    wayOut: joined,
    proceeds: 'respread',
  },
  'zone-cannot-grow': {
    held: () => {
      const state = launching();
      const first = decide(state.observed, state.config, state.memory);
      const laterMs = NOW_MS + (config.nodeReadyTimeoutSeconds + 1) * 1000;
      return { ...state, observed: freshAt(state.observed, laterMs), memory: first.memory };
    },
    // The launches are fixed: the nodes join Ready.
    wayOut: state => ({
      ...joined(state),
      observed: freshAt(joined(state).observed, state.observed.nowMs),
    }),
    proceeds: 'respread',
  },
  'group-at-max-size': {
    held: () => {
      const observed = healthyCluster(config, { nodesPerZone: 1, demandMiBps: 60 });
      return {
        config,
        observed: { ...observed, groups: observed.groups.map(group => ({ ...group, max: 1 })) },
        memory: INITIAL_MEMORY,
      };
    },
    wayOut: mapObserved(observed => ({
      ...observed,
      groups: observed.groups.map(group => ({ ...group, max: 4 })),
    })),
    proceeds: 'scale-out',
  },
  'group-at-min-size': {
    held: () =>
      mapObserved(observed => ({
        ...observed,
        groups: observed.groups.map(group => ({ ...group, min: 2 })),
      }))(removalWanted()),
    wayOut: mapObserved(observed => ({
      ...observed,
      groups: observed.groups.map(group => ({ ...group, min: 1 })),
    })),
    proceeds: 'scale-in',
  },
  'no-room-to-move': {
    // A third node per zone whose instance no group lists (detached by an operator): its
    // scale-in protection is unknown, and a broker moved off the node to remove could land there.
    held: () =>
      mapObserved(observed => ({
        ...observed,
        nodes: [
          ...observed.nodes,
          ...config.zones.map(zone => {
            const suffix = zone.poolName.slice(-1);
            return {
              ...observed.nodes[0],
              name: `node-${suffix}-2`,
              uid: `uid-node-${suffix}-2`,
              zone: zone.zone,
              instanceId: `i-${suffix}2`,
            };
          }),
        ],
      }))(removalWanted()),
    // The operator cordons them (the way out names cordoning or reattaching).
    wayOut: mapObserved(observed => ({
      ...observed,
      nodes: observed.nodes.map(node =>
        node.name.endsWith('-2') ? { ...node, unschedulable: true } : node,
      ),
    })),
    proceeds: 'scale-in',
  },
  'no-removable-node': {
    held: () =>
      mapObserved(observed => ({
        ...observed,
        groups: observed.groups.map(group => ({
          ...group,
          instances: group.instances.map(instance => ({ ...instance, lifecycleState: 'Standby' })),
        })),
      }))(removalWanted()),
    // The instances brought back InService.
    wayOut: mapObserved(observed => ({
      ...observed,
      groups: observed.groups.map(group => ({
        ...group,
        instances: group.instances.map(instance => ({ ...instance, lifecycleState: 'InService' })),
      })),
    })),
    proceeds: 'scale-in',
  },
  'node-cordoned-externally': {
    held: () =>
      mapObserved(observed => ({
        ...observed,
        nodes: observed.nodes.map(node =>
          node.name.endsWith('-1') ? { ...node, unschedulable: true } : node,
        ),
      }))(respreadWanted()),
    // The operator (or the drain that cordoned them) uncordons them.
    wayOut: mapObserved(observed => ({
      ...observed,
      nodes: observed.nodes.map(node => ({ ...node, unschedulable: false })),
    })),
    proceeds: 'respread',
  },
  'rollback-loop': {
    held: () =>
      mapObserved(observed => ({
        ...observed,
        nodes: observed.nodes.map(node => ({
          ...node,
          rollbacks: { kind: 'remove-node', count: 3, lastAtMs: observed.nowMs, note: 'x' },
        })),
      }))(removalWanted()),
    // The operator removes the tally annotation.
    wayOut: mapObserved(observed => ({
      ...observed,
      nodes: observed.nodes.map(node => ({ ...node, rollbacks: undefined })),
    })),
    proceeds: 'scale-in',
  },
  stabilizing: {
    held: () => ({ ...removalWanted(), memory: INITIAL_MEMORY }),
    // Time: demand stays down for the window.
    wayOut: state => state,
    passes: config.scaleInStabilizationSeconds / config.intervalSeconds + 2,
    proceeds: 'scale-in',
  },
  'forecast-unknown': {
    // The floor on and no forecast observed for any zone.
    held: () => ({ ...removalWanted(), config: forecastConfig }),
    // autoscaling.forecast turned off in the spec. The floor's clocks start again then (a level
    // judged while the floor was unknown never counted as carrying), so the window runs anew.
    wayOut: state => ({ ...state, config }),
    passes: config.scaleInStabilizationSeconds / config.intervalSeconds + 2,
    proceeds: 'scale-in',
  },
};

/** Runs `passes` passes `intervalSeconds` apart from `state`, fresh data each; the last plan. */
function passesFrom(state: State, passes: number): Plan {
  let memory = state.memory;
  let plan: Plan | undefined;
  for (let pass = 0; pass < passes; pass++) {
    const atMs = state.observed.nowMs + (pass + 1) * state.config.intervalSeconds * 1000;
    plan = decide(freshAt(state.observed, atMs), state.config, memory);
    memory = plan.memory;
  }
  if (plan === undefined) throw new Error('no pass');
  return plan;
}

describe('every hold reason has a way out that clears it', () => {
  test('meta: the table has an entry for every hold reason, and no other', () => {
    expect(Object.keys(CASES).sort()).toEqual([...HOLDS].sort());
    expect(Object.keys(HOLD_WAY_OUT).sort()).toEqual([...HOLDS].sort());
  });

  test.each(HOLDS)('%s: held, the way out taken, the controller proceeds', reason => {
    const entry = CASES[reason];
    // GIVEN the state that holds with the reason, its detail naming the way out
    const state = entry.held();
    const held = decide(state.observed, state.config, state.memory);
    expect([held.reason, held.action]).toEqual([reason, undefined]);
    expect(held.detail).toContain(HOLD_WAY_OUT[reason]);
    // WHEN the way out is taken and the controller runs more passes
    const after = entry.wayOut({ ...state, memory: held.memory });
    const plan = passesFrom(after, entry.passes ?? 1);
    // THEN the hold cleared and the controller proceeds
    expect([plan.reason, plan.detail]).toEqual([entry.proceeds, expect.any(String)]);
  });

  test.each(HOLDS)(
    '%s: a process restarted after the way out (memory lost) proceeds within the scale-in window',
    reason => {
      const entry = CASES[reason];
      const after = entry.wayOut(entry.held());
      const passes = config.scaleInStabilizationSeconds / config.intervalSeconds + 2;
      expect(passesFrom({ ...after, memory: INITIAL_MEMORY }, passes).reason).toBe(entry.proceeds);
    },
  );

  test('property: the way out clears the hold after any number of held passes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HOLDS), fc.integer({ min: 0, max: 40 }), (reason, held) => {
        const entry = CASES[reason];
        const state = entry.held();
        // The hold persists for `held` passes (time alone moves on; for stabilizing that is the way out).
        let memory = state.memory;
        for (let pass = 0; pass < held; pass++) {
          const plan = decide(state.observed, state.config, memory);
          memory = plan.memory;
        }
        const after = entry.wayOut({ ...state, memory });
        expect(passesFrom(after, entry.passes ?? 1).reason).toBe(entry.proceeds);
      }),
      { numRuns: 80 },
    );
  });
});

describe('docs and texts of every way out', () => {
  const docs = fs.readFileSync(path.join(__dirname, '../../docs/controller.md'), 'utf8');

  test.each(HOLDS)('%s is documented in the hold table with its way out', reason => {
    const row = docs
      .split('\n')
      .find(line => line.startsWith('|') && line.includes(`\`${reason}\``));
    expect(row).toBeDefined();
  });

  test.each(HOLDS)(
    '%s: the way out never advises removing an instance or node unchecked',
    reason => {
      const text = HOLD_WAY_OUT[reason];
      // Removing (terminating, deleting) an instance or a Node is offered only once no pod is
      // bound to it (the detail names them).
      if (/terminat|delete|remove the instance|remove the node/i.test(text)) {
        expect(text).toMatch(/once no pod|no pod is bound|while they run|no broker/);
      }
    },
  );
});

describe('fault 1: no-removable-node never advises deleting a Node with brokers aboard', () => {
  // Zone a runs 2 nodes at level 1, both excluded: node-a-0's instance is Standby, and node-a-1's
  // instance is also named by a second Ready Node, node-a-1-new, which hosts zone a's brokers.
  function twinHostingBrokers(): Observed {
    let observed = healthyCluster(config, { nodesByZone: [2, 1, 1], demandMiBps: 10 });
    const twin = observed.nodes.find(node => node.name === 'node-a-1');
    if (twin === undefined) throw new Error('no node-a-1');
    observed = {
      ...observed,
      nodes: [...observed.nodes, { ...twin, name: 'node-a-1-new', uid: 'uid-node-a-1-new' }],
      groups: observed.groups.map(group => ({
        ...group,
        instances: group.instances.map(instance =>
          instance.instanceId === 'i-a0' ? { ...instance, lifecycleState: 'Standby' } : instance,
        ),
      })),
      brokers: observed.brokers.map(broker =>
        broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-1-new' } : broker,
      ),
    };
    return observed;
  }

  test('the detail names the brokers on the twin, and the way out deletes only a Node without pods', () => {
    // GIVEN the twin Node hosts zone a's brokers
    const plan = decide(twinHostingBrokers(), config, stabilizedLongAgo(config));
    // THEN the hold names which Node hosts them, and offers deleting only a Node with none bound
    expect(plan.reason).toBe('no-removable-node');
    expect(plan.detail).toContain(
      'Node node-a-1-new hosts orders-brokers-a-1000, orders-brokers-a-1001, orders-brokers-a-1002, orders-brokers-a-1003: do not delete it while they run there',
    );
    expect(plan.detail).toMatch(/delete the stale Node object .* once no pod is bound to it/);
  });

  test('the way out taken (the stale Node without pods deleted, the instance InService): a removal starts', () => {
    const fixed = twinHostingBrokers();
    const plan = decide(
      {
        ...fixed,
        nodes: fixed.nodes.filter(node => node.name !== 'node-a-1'),
        groups: fixed.groups.map(group => ({
          ...group,
          instances: group.instances.map(instance => ({
            ...instance,
            lifecycleState: 'InService',
          })),
        })),
      },
      config,
      stabilizedLongAgo(config),
    );
    expect(plan.action).toMatchObject({ kind: 'scale-in', zone: 'us-east-1a' });
  });
});

describe('fault 2: new operations held by a record outside the view name their way out', () => {
  test('a Warning Event after the phase deadline names the node, the label and the annotation; removing it lets the operation start', async () => {
    // GIVEN a re-spread is wanted, and a node outside the Kafka node view carries a record
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 80 });
    cluster.brokers = cluster.brokers.map(broker =>
      broker.podName === 'orders-brokers-a-1001' ? { ...broker, nodeName: 'node-a-0' } : broker,
    );
    let recorded: string[] = ['node-relabelled'];
    const events: ControllerEvent[] = [];
    const reconciler = reconcilerOn(cluster, config, {
      observe: () => cluster.observe(),
      liveRecordCheck: { nodesWithRecords: async () => recorded },
      events: { record: async event => void events.push(event) },
    });
    // WHEN it holds for longer than the phase deadline
    for (let pass = 0; pass < 25; pass++) {
      await reconciler.reconcileOnce();
      cluster.advance(30);
    }
    // THEN nothing was written, and one Warning names the node and the way out
    expect(cluster.writes).toEqual([]);
    const warnings = events.filter(event => event.reason === 'OperationRecordOutsideView');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].type).toBe('Warning');
    expect(warnings[0].message).toContain('node node-relabelled carries an operation record');
    expect(warnings[0].message).toContain(
      'gets its label kafka.platform/nodegroup=orders-kafka back',
    );
    expect(warnings[0].message).toContain(
      'remove the annotation kafka.platform/autoscaler-operation',
    );
    // AND once the operator takes the way out, the operation starts
    recorded = [];
    await reconciler.reconcileOnce();
    expect(cluster.writes).toEqual(['record node-a-0 cordon']);
  });
});

describe('fault 3: a Ready time stamped ahead of the clock does not hold moves for ever', () => {
  const YEAR_MS = 365 * 86_400_000;
  /** 2 nodes per zone at 80 MiB/s, broker b-2000's Ready condition stamped a year ahead. */
  function stampedAhead(): Observed {
    return withBroker(
      healthyCluster(config, { nodesPerZone: 2, demandMiBps: 80 }),
      'orders-brokers-b-2000',
      broker => ({ ...broker, readySinceMs: NOW_MS + YEAR_MS }),
    );
  }

  test('the view read twice, a scrape apart: the move goes', () => {
    const memory = new ReadySinceMemory();
    const crowded = {
      ...stampedAhead(),
      brokers: stampedAhead().brokers.map(broker =>
        broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
      ),
    };
    // GIVEN the first view: the pod counts as Ready since it was first seen, after the samples
    const first = decide(memory.fill(crowded), config, INITIAL_MEMORY);
    expect(first.reason).toBe('stale-data');
    // WHEN the next scrape comes after it
    const later = freshAt(crowded, crowded.nowMs + 30_000);
    const plan = decide(memory.fill(later), config, first.memory);
    // THEN the re-spread goes
    expect(plan.action).toMatchObject({ kind: 'respread', zone: 'us-east-1a' });
  });

  test('the live roll check: a live pod stamped ahead takes the cached time', () => {
    const memory = new ReadySinceMemory();
    memory.fill(stampedAhead());
    const observed = memory.fill(freshAt(stampedAhead(), NOW_MS + 30_000));
    const broker = observed.brokers.find(each => each.podName === 'orders-brokers-a-1001');
    if (broker === undefined) throw new Error('no broker');
    const live = stampedAhead().brokers;
    const blocker = liveRollBlocker(
      { kind: 'request-roll', podName: broker.podName, podUid: broker.uid },
      observed,
      live,
      config,
      observed.nowMs,
    );
    expect(blocker).toBeUndefined();
  });

  test('property: a filled stamp is never later than the view, nor earlier than a real one', () => {
    fc.assert(
      fc.property(fc.integer({ min: -YEAR_MS, max: YEAR_MS }), offsetMs => {
        const observed = withBroker(healthyCluster(config), 'orders-brokers-a-1000', broker => ({
          ...broker,
          readySinceMs: NOW_MS + offsetMs,
        }));
        const filled = new ReadySinceMemory().fill(observed);
        const since = filled.brokers[0].readySinceMs ?? Number.NaN;
        expect(since).toBeLessThanOrEqual(NOW_MS);
        expect(since).toBe(offsetMs <= 0 ? NOW_MS + offsetMs : NOW_MS);
      }),
    );
  });
});

describe('fault 4: a zone whose group is not found names the nodegroup to fix', () => {
  test('held with the tag looked for; the nodegroup back, the controller proceeds', () => {
    // GIVEN zone b's group is not in the Auto Scaling view
    const { observed, memory } = removalWanted();
    const missing = {
      ...observed,
      groups: observed.groups.filter(group => group.zone !== 'us-east-1b'),
    };
    const held = decide(missing, config, memory);
    // THEN the hold names the tag and the fix
    expect(held.reason).toBe('stale-data');
    expect(held.detail).toContain(
      'no Auto Scaling group found for zone us-east-1b: none carries the tag eks:nodegroup-name=orders-kafka-b',
    );
    expect(held.detail).toMatch(
      /create the nodegroup, or name the zone's nodegroup in the configuration/,
    );
    // AND with the group back the removal goes
    expect(decide(observed, config, held.memory).reason).toBe('scale-in');
  });
});

describe('fault 5: a write the gate refuses logs its way out', () => {
  test('a scale-out whose data is stale by the time it goes out: the line names the way out', async () => {
    // GIVEN a scale-out is wanted, and the write goes out ten minutes after the observation
    const cluster = new FakeCluster(config, { nodesPerZone: 1, demandMiBps: 80 });
    const lines: Array<{ message: string; fields?: Readonly<Record<string, unknown>> }> = [];
    const reconciler = reconcilerOn(cluster, config, {
      observe: () => cluster.observe(),
      now: () => cluster.nowMs + 600_000,
      logger: { log: (_level, message, fields) => void lines.push({ message, fields }) },
    });
    // WHEN a pass runs
    await reconciler.reconcileOnce();
    // THEN nothing was written, and the gate's refusal names the way out of its reason
    expect(cluster.writes).toEqual([]);
    const held = lines.filter(line => line.message === 'write held by the gate');
    expect(held.map(line => line.fields?.reason)).toContain('stale-data');
    for (const line of held) {
      const reason = line.fields?.reason as HoldReason;
      if (ACTING.has(reason)) continue;
      expect(line.fields?.detail).toContain(HOLD_WAY_OUT[reason]);
    }
  });
});
