/**
 * Review s25-c: a hostile review with a fault injected at each step, looking for what the earlier
 * reviews missed.
 *
 * 1. Kafka's `Ready` condition was taken at face value. Strimzi writes it at the end of a
 *    reconciliation, so after a spec change (`metadata.generation` bumped, `status.observedGeneration`
 *    still the old one) it describes the cluster before the change, while Strimzi is about to roll
 *    or is rolling brokers for it; and with `strimzi.io/pause-reconciliation: "true"` Strimzi acts
 *    on no roll request, so a move asked for then could only time out, be retried, time out again
 *    and abandon the operation (an operator's way out only). Class: a status read without asking
 *    whether it answers for the current spec of a reconciling resource. Fix: `kafkaReadiness`
 *    (observe.ts) counts Ready only for the current generation and while reconciliation is not
 *    paused; the `kafka-not-ready` hold names why.
 */
import fc from 'fast-check';
import { writeBlocker } from '../../controller/gate';
import { stepOperation } from '../../controller/operation';
import type { OperationRecord } from '../../controller/operation-record';
import { assembleObservation, type KafkaLike } from '../../controller/observe';
import {
  STEP_CONTEXT,
  cordonRecordOfNodeA1,
  healthyCluster,
  testConfig,
  withNode,
} from './fixtures';

describe('fault 1: the Kafka Ready condition counts only for the current spec, unpaused', () => {
  const config = testConfig();

  /** The healthy fixture with Kafka's readiness as the observation reads it from `kafka`. */
  function observedWith(kafka: KafkaLike) {
    const assembled = assembleObservation(
      {
        nowMs: 1,
        nodes: [],
        pods: [],
        kafka,
        kubernetesSyncedAtMs: 1,
        prometheus: undefined,
        autoscaling: undefined,
      },
      config,
    );
    return {
      ...healthyCluster(config, { nodesPerZone: 2 }),
      kafkaReady: assembled.kafkaReady,
      ...(assembled.kafkaNotReadyBecause === undefined
        ? {}
        : { kafkaNotReadyBecause: assembled.kafkaNotReadyBecause }),
    };
  }

  const ready = [{ type: 'Ready', status: 'True' }];
  const roll = { kind: 'request-roll', podName: 'orders-brokers-a-1001', podUid: 'x' } as const;

  test('a spec change Strimzi has not reconciled yet holds every roll, naming the generations', () => {
    const observed = observedWith({
      metadata: { generation: 7 },
      status: { observedGeneration: 6, conditions: ready },
    });
    const blocked = writeBlocker(observed, config, roll);
    expect(blocked?.reason).toBe('kafka-not-ready');
    expect(blocked?.detail).toContain('generation 6, the spec is at 7');
  });

  test('paused reconciliation holds every roll, before and after Strimzi rewrote the status', () => {
    for (const kafka of [
      {
        metadata: { generation: 7, annotations: { 'strimzi.io/pause-reconciliation': 'true' } },
        status: { observedGeneration: 7, conditions: ready },
      },
      {
        metadata: { generation: 7 },
        status: {
          observedGeneration: 7,
          conditions: [...ready, { type: 'ReconciliationPaused', status: 'True' }],
        },
      },
    ]) {
      const blocked = writeBlocker(observedWith(kafka), config, roll);
      expect(blocked?.reason).toBe('kafka-not-ready');
      expect(blocked?.detail).toContain('paused');
    }
  });

  test('a removal in drain asks for no roll while the spec is ahead of the status', () => {
    const record: OperationRecord = {
      ...cordonRecordOfNodeA1('remove-node'),
      phase: 'drain',
      fencingToken: 3,
    };
    const observed = withNode(
      observedWith({
        metadata: { generation: 2 },
        status: { observedGeneration: 1, conditions: ready },
      }),
      'node-a-1',
      node => ({ ...node, unschedulable: true, cordonedByController: true, operation: record }),
    );
    const step = stepOperation(record, observed, config, {
      ...STEP_CONTEXT,
      recordNodeName: 'node-a-1',
    });
    expect(step.effect).toBeUndefined();
    expect(step.waiting).toContain('the spec is at 2');
    // The same cluster with the status caught up: the move goes out.
    const caughtUp = withNode(
      observedWith({
        metadata: { generation: 2 },
        status: { observedGeneration: 2, conditions: ready },
      }),
      'node-a-1',
      node => ({ ...node, unschedulable: true, cordonedByController: true, operation: record }),
    );
    const moved = stepOperation(record, caughtUp, config, {
      ...STEP_CONTEXT,
      recordNodeName: 'node-a-1',
    });
    expect(moved.effect?.kind).toBe('request-roll');
  });

  test('property: a roll may go out only on Ready True, for the current generation, unpaused', () => {
    const generationArb = fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined });
    fc.assert(
      fc.property(
        generationArb,
        generationArb,
        fc.constantFrom(undefined, 'true', 'false', 'TRUE'),
        fc.constantFrom('True', 'False', 'Unknown', undefined),
        fc.constantFrom('True', 'False', undefined),
        (generation, observedGeneration, pause, readyStatus, pausedStatus) => {
          const conditions = [
            ...(readyStatus === undefined ? [] : [{ type: 'Ready', status: readyStatus }]),
            ...(pausedStatus === undefined
              ? []
              : [{ type: 'ReconciliationPaused', status: pausedStatus }]),
          ];
          const kafka: KafkaLike = {
            metadata: {
              ...(generation === undefined ? {} : { generation }),
              ...(pause === undefined
                ? {}
                : { annotations: { 'strimzi.io/pause-reconciliation': pause } }),
            },
            status: {
              conditions,
              ...(observedGeneration === undefined ? {} : { observedGeneration }),
            },
          };
          const allowed = writeBlocker(observedWith(kafka), config, roll) === undefined;
          const current = generation === undefined || observedGeneration === generation;
          const paused = pause === 'true' || pausedStatus === 'True';
          expect(allowed).toBe(readyStatus === 'True' && current && !paused);
        },
      ),
      { seed: 2025, numRuns: 400 },
    );
  });
});
