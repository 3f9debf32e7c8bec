/**
 * The simulator's controller adapter (simulator/strategies/controller.ts) against the real
 * `Reconciler` (controller/reconciler.ts): given the same observation, both must make the same
 * writes, in the same order, and agree on whether the pass acted (which decides when the pass
 * scheduler runs the next pass: 1 s later, or at the next interval). The adapter re-implements the
 * reconciler's `act` and `apply` synchronously on the model; this is the test of that class of
 * fault (an effect without a record change that did not count as acted, a step written although
 * the gate refused its effect, ...).
 *
 * The reconciler writes to a recorder (below), a stand-in for the Kubernetes and Auto Scaling
 * adapters that only lists each write; the adapter writes to the cluster model, whose next
 * observation both see.
 */
import fc from 'fast-check';
import { ControllerMetrics } from '../../../controller/metrics';
import { silentLogger } from '../../../controller/log';
import type { Observed, ObservedNode } from '../../../controller/model';
import type { Effect, StepOutcome } from '../../../controller/operation';
import {
  encodeOperationRecord,
  OPERATION_PHASES,
  type OperationRecord,
} from '../../../controller/operation-record';
import type { ClusterWriter, GroupWriter } from '../../../controller/ports';
import { Reconciler } from '../../../controller/reconciler';
import { loadSpecFile } from '../../../spec/load';
import { ClusterModel } from '../../../simulator/cluster';
import type { DemandSeries } from '../../../simulator/demand';
import { strategyContext } from '../../../simulator/simulate';
import { ControllerStrategy, effectWrite } from '../../../simulator/strategies/controller';
import { START_MS } from '../helpers';

const spec = loadSpecFile('stacks/prod.yaml');

/** Lists every write the reconciler makes, in the adapter's `onWrite` form. */
class WriteRecorder implements ClusterWriter, GroupWriter {
  readonly writes: string[] = [];
  async writeOperation(node: ObservedNode, record: OperationRecord | undefined): Promise<void> {
    this.writes.push(
      record === undefined
        ? `remove-record ${node.name}`
        : `record ${node.name} ${encodeOperationRecord(record)}`,
    );
  }
  async setUnschedulable(nodeName: string, nodeUid: string, unschedulable: boolean) {
    this.writes.push(
      effectWrite({ kind: unschedulable ? 'cordon' : 'uncordon', nodeName, nodeUid }),
    );
  }
  async requestRoll(podName: string, podUid: string): Promise<void> {
    this.writes.push(effectWrite({ kind: 'request-roll', podName, podUid }));
  }
  async raiseDesiredCapacity(groupName: string, desired: number): Promise<void> {
    this.writes.push(`set-desired ${groupName} ${desired}`);
  }
  async lowerDesiredCapacity(
    groupName: string,
    fromDesired: number,
    toDesired: number,
  ): Promise<'lowered'> {
    this.writes.push(`lower-desired ${groupName} ${fromDesired} ${toDesired}`);
    return 'lowered';
  }
  async terminateInstance(groupName: string, instanceId: string): Promise<'requested'> {
    this.writes.push(
      effectWrite({ kind: 'terminate-instance', groupName, instanceId, nodeName: '' }),
    );
    return 'requested';
  }
  async setInstanceProtection(
    groupName: string,
    instanceIds: readonly string[],
    protectedFromScaleIn: boolean,
  ): Promise<void> {
    for (const instanceId of instanceIds) {
      this.writes.push(
        protectedFromScaleIn
          ? `protect ${instanceId}`
          : effectWrite({ kind: 'unprotect-instance', groupName, instanceId, nodeName: '' }),
      );
    }
  }
}

interface Pair {
  readonly cluster: ClusterModel;
  readonly adapter: ControllerStrategy;
  readonly adapterWrites: string[];
  readonly recorder: WriteRecorder;
  readonly reconciler: Reconciler;
  /** The observation the reconciler's next pass reads. */
  observed: Observed | undefined;
}

/** The model and its adapter, and a real reconciler with the adapter's holder and token. */
function pair(demand: DemandSeries, initialLevel?: number): Pair {
  const context = strategyContext(spec, demand);
  const cluster = new ClusterModel(
    context.facts,
    context.timings,
    demand,
    initialLevel ?? context.initialLevel,
  );
  const adapterWrites: string[] = [];
  const adapter = new ControllerStrategy(cluster, context.config, write =>
    adapterWrites.push(write),
  );
  const recorder = new WriteRecorder();
  let operations = 0;
  const result: Pair = {
    cluster,
    adapter,
    adapterWrites,
    recorder,
    observed: undefined,
    reconciler: new Reconciler({
      config: context.config,
      observe: async () => {
        if (result.observed === undefined) throw new Error('no observation');
        return result.observed;
      },
      cluster: recorder,
      groups: recorder,
      events: { record: async () => undefined },
      leadership: () => ({ leading: true, fencingToken: 1, holder: 'simulator' }),
      metrics: new ControllerMetrics({ defaultMetrics: false }),
      logger: silentLogger,
      newId: () => `op-${++operations}`,
    }),
  };
  return result;
}

/** A change to one pass's observation that makes the write gate refuse some writes. */
type Perturbation =
  'none' | 'stale-metrics' | 'under-replicated' | 'kafka-not-ready' | 'groups-at-min';

function perturb(observed: Observed, perturbation: Perturbation): Observed {
  switch (perturbation) {
    case 'none':
      return observed;
    case 'stale-metrics':
      return {
        ...observed,
        freshness: { ...observed.freshness, prometheusAtMs: observed.nowMs - 3_600_000 },
      };
    case 'under-replicated':
      return { ...observed, underReplicatedPartitions: 7 };
    case 'kafka-not-ready':
      return { ...observed, kafkaReady: false };
    case 'groups-at-min':
      return {
        ...observed,
        groups: observed.groups.map(group => ({ ...group, min: group.desired })),
      };
  }
}

/** One pass of each on the same observation: what each wrote and whether it acted. */
async function passBoth(
  subject: Pair,
  perturbation: Perturbation,
): Promise<{
  readonly reconciler: { readonly acted: boolean; readonly writes: readonly string[] };
  readonly adapter: { readonly acted: boolean; readonly writes: readonly string[] };
}> {
  const observed = perturb(subject.adapter.observe(), perturbation);
  subject.observed = observed;
  subject.recorder.writes.length = 0;
  subject.adapterWrites.length = 0;
  const result = await subject.reconciler.reconcileOnce();
  const acted = subject.adapter.passOn(observed);
  return {
    reconciler: { acted: result.acted, writes: [...subject.recorder.writes] },
    adapter: { acted, writes: [...subject.adapterWrites] },
  };
}

/** Per-minute producer MiB/s from a list of (level, minutes) runs. */
function demandOf(runs: readonly (readonly [number, number])[]): DemandSeries {
  const minutes: number[] = [];
  for (const [level, length] of runs) for (let i = 0; i < length; i++) minutes.push(level);
  return { startMs: START_MS, producerMiBps: Float64Array.from(minutes), source: 'fidelity' };
}

describe('controller adapter vs the real reconciler: same observation, same writes, same acted', () => {
  it('over random demand and random gate refusals, every pass', async () => {
    const seen = new Set<string>();
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 5, max: 800 }), fc.integer({ min: 5, max: 40 })), {
          minLength: 2,
          maxLength: 6,
        }),
        fc.array(
          fc.record({
            perturbation: fc.constantFrom<Perturbation>(
              'none',
              'none',
              'none',
              'stale-metrics',
              'under-replicated',
              'kafka-not-ready',
              'groups-at-min',
            ),
            ticksAfter: fc.integer({ min: 0, max: 12 }),
          }),
          { minLength: 200, maxLength: 200 },
        ),
        async (runs, passes) => {
          const demand = demandOf(runs);
          const subject = pair(demand);
          const ticks = Math.floor((demand.producerMiBps.length * 60) / 10) - 1;
          let tick = 0;
          for (const { perturbation, ticksAfter } of passes) {
            const both = await passBoth(subject, perturbation);
            expect(both.adapter).toEqual(both.reconciler);
            for (const write of both.adapter.writes) seen.add(write.split(' ')[0]);
            if (perturbation !== 'none' && !both.adapter.acted) refused++;
            for (let i = 0; i < ticksAfter && tick < ticks; i++, tick++) subject.cluster.step();
          }
        },
      ),
      { numRuns: 12 },
    );
    // The runs reached operations (not only quiet passes) and passes the gate held.
    for (const kind of ['set-desired', 'record', 'cordon', 'roll'])
      expect(seen.has(kind)).toBe(true);
    expect(refused).toBeGreaterThan(0);
  });

  it('through whole scale-outs and scale-ins: the passes exercise every step kind', async () => {
    // GIVEN a load that climbs to the top level and falls back, passes 1 s apart after an action
    const demand = demandOf([
      [20, 10],
      [800, 40],
      [20, 120],
    ]);
    const subject = pair(demand);
    const seen = new Set<string>();
    const ticks = (demand.producerMiBps.length * 60) / 10 - 1;
    for (let tick = 0; tick < ticks; tick++) {
      // up to 10 passes a tick while they act, as the adapter's `act` and the pass scheduler
      for (let pass = 0; pass < 10; pass++) {
        const both = await passBoth(subject, 'none');
        // THEN both wrote the same and agree on acted, every pass
        expect(both.adapter).toEqual(both.reconciler);
        for (const write of both.adapter.writes) seen.add(write.split(' ')[0]);
        if (!both.adapter.acted) break;
      }
      subject.cluster.step();
    }
    // ... and the run went through every kind of write a removal and a scale-out make
    expect([...seen].sort()).toEqual(
      [
        'cordon',
        'record',
        'remove-record',
        'roll',
        'set-desired',
        'terminate',
        'uncordon',
        'unprotect',
      ].sort(),
    );
  });
});

type EffectKind = Effect['kind'] | 'none';
const EFFECTS: readonly EffectKind[] = [
  'none',
  'cordon',
  'uncordon',
  'request-roll',
  'protect-instance',
  'unprotect-instance',
  'terminate-instance',
];

describe('one step, table-driven: the adapter applies it as the reconciler does', () => {
  // A model with an empty, cordoned node in each zone (a removal's state before unprotect).
  const demand = demandOf([[100, 60]]);
  function emptyCordonedNode(subject: Pair): ObservedNode {
    const { cluster } = subject;
    const zoneIndex = 0;
    const level = cluster.groups[zoneIndex].desired;
    const next = cluster.facts.balancedNodeCounts.find(count => count > level);
    if (next === undefined) throw new Error('no higher level');
    cluster.setDesired(zoneIndex, next);
    while (cluster.nodes.some(node => !node.ready)) cluster.step();
    const empty = cluster.nodes.find(node => cluster.brokersOn(node.name).length === 0);
    if (empty === undefined) throw new Error('no empty node');
    cluster.cordon(empty.name, true);
    const node = subject.adapter.observe().nodes.find(each => each.name === empty.name);
    if (node === undefined) throw new Error('not observed');
    return node;
  }

  function effectOn(kind: EffectKind, node: ObservedNode, observed: Observed): Effect | undefined {
    const group = observed.groups.find(each => each.zone === node.zone);
    const broker = observed.brokers.find(each => each.zone === node.zone);
    switch (kind) {
      case 'none':
        return undefined;
      case 'cordon':
      case 'uncordon':
        return { kind, nodeName: node.name, nodeUid: node.uid };
      case 'request-roll':
        return { kind, podName: broker?.podName ?? '', podUid: broker?.uid ?? '' };
      case 'protect-instance':
      case 'unprotect-instance':
      case 'terminate-instance':
        return {
          kind,
          groupName: group?.groupName ?? '',
          instanceId: node.instanceId ?? '',
          nodeName: node.name,
        };
    }
  }

  const table = OPERATION_PHASES.flatMap(phase =>
    [false, true].flatMap(recordChanged =>
      EFFECTS.flatMap(effect =>
        (['none', 'stale-metrics'] as const).map(perturbation => ({
          phase,
          recordChanged,
          effect,
          perturbation,
        })),
      ),
    ),
  );

  it.each(table)(
    'phase $phase, record changed $recordChanged, effect $effect, gate on $perturbation',
    async ({ phase, recordChanged, effect, perturbation }) => {
      // GIVEN the same record on the same empty cordoned node, seen by both
      const subject = pair(demand, 1);
      const node = emptyCordonedNode(subject);
      const observedNow = subject.adapter.observe();
      const record: OperationRecord = {
        id: 'op-table',
        kind: 'remove-node',
        zone: node.zone,
        groupName: observedNow.groups.find(each => each.zone === node.zone)?.groupName ?? '',
        nodeName: node.name,
        nodeUid: node.uid,
        instanceId: node.instanceId,
        phase,
        movesDone: 0,
        startedAtMs: observedNow.nowMs,
        phaseStartedAtMs: observedNow.nowMs,
        fencingToken: 1,
        holder: 'simulator',
      };
      const observed = perturb(
        {
          ...observedNow,
          nodes: observedNow.nodes.map(each =>
            each.name === node.name ? { ...each, operation: record } : each,
          ),
        },
        perturbation,
      );
      const busy = observed.nodes.find(each => each.name === node.name) as ObservedNode;
      const stepEffect = effectOn(effect, busy, observed);
      const step: StepOutcome = {
        next: recordChanged ? { ...record, movesDone: 1 } : record,
        effect: stepEffect,
        effectFirst: effect === 'request-roll',
        waiting: undefined,
        events: [],
      };
      // WHEN each applies the step
      subject.observed = observed;
      const reconcilerApply = (
        subject.reconciler as unknown as {
          apply(node: ObservedNode, step: StepOutcome, observed: Observed): Promise<boolean>;
        }
      ).apply.bind(subject.reconciler);
      const adapterApply = (
        subject.adapter as unknown as {
          apply(node: ObservedNode, step: StepOutcome, observed: Observed): boolean;
        }
      ).apply.bind(subject.adapter);
      const reconcilerActed = await reconcilerApply(busy, step, observed);
      const adapterActed = adapterApply(busy, step, observed);
      // THEN both acted or neither, and with the same writes in the same order
      expect({ acted: adapterActed, writes: subject.adapterWrites }).toEqual({
        acted: reconcilerActed,
        writes: subject.recorder.writes,
      });
      // ... a step with nothing to write never acts; a stale view refuses every step
      if (!recordChanged && effect === 'none') expect(adapterActed).toBe(false);
      if (perturbation === 'stale-metrics') expect(adapterActed).toBe(false);
      if (perturbation === 'none' && (recordChanged || effect !== 'none')) {
        // The fresh view of an empty cordoned node lets every effect through but a roll: the
        // broker rolled is on the zone's other node, and the only node it could move to is this
        // cordoned one, so it would have nowhere to land (the gate's landing check,
        // `landingBlocker`); the whole step is refused, by both.
        expect(adapterActed).toBe(effect !== 'request-roll');
      }
    },
  );
});
