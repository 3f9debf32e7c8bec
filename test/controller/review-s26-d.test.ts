/**
 * Review s26-d: fault injection on the Prometheus-fed inputs of every step and on crashes between
 * a step's writes. docs/controller.md, "Review s26-d", says what each fault was and what changed.
 * Tests marked "(failed before)" fail on the code before the fix, and so do the properties next
 * to them.
 *
 * 1. "Partition health sampled after the broker became Ready" was judged by the Prometheus data's
 *    time alone, which without `healthSampleTimestamp` configured (it is optional) is the instant
 *    queries' evaluation time: a count of 0 scraped before the moved broker (or any broker) became
 *    Ready ended the move, and let the next roll go out, while its replicas were still catching
 *    up. The per-broker health sample times (`brokerHealthSampleTimestamps`, required) now count
 *    too (`partitionHealthSampledAtMs`).
 */
import fc from 'fast-check';
import type { Observed } from '../../controller/model';
import { stepOperation } from '../../controller/operation';
import type { OperationRecord } from '../../controller/operation-record';
import { writeBlocker } from '../../controller/gate';
import { kafkaBlocker } from '../../controller/safety';
import {
  NOW_MS,
  STEP_CONTEXT,
  healthyCluster,
  removalOfNodeA1,
  testConfig,
  withBroker,
  withNode,
} from './fixtures';

const config = testConfig();
const limitMs = config.staleAfterSeconds * 1000;

describe('1. partition health sampled before a broker became Ready', () => {
  const base = healthyCluster(config, { nodesPerZone: 2 });
  const pod = 'orders-brokers-a-1001';
  const cordoned = withNode(base, 'node-a-1', node => ({ ...node, unschedulable: true }));
  const record: OperationRecord = {
    ...removalOfNodeA1(STEP_CONTEXT),
    phase: 'drain',
    move: { podName: pod, podUid: `uid-${pod}`, requestedAtMs: NOW_MS - 300_000, attempt: 1 },
  };

  /**
   * The move of `pod` landed on node-a-0 and became Ready `readyAgoMs` ago; the data's time is the
   * query's (now), and broker `stalePod`'s own health sample was taken `sampleBeforeReadyMs`
   * before that Ready time (still within the stale limit, so no stale-data hold).
   */
  function movedWithOldSample(
    readyAgoMs: number,
    sampleBeforeReadyMs: number,
    stalePod: string,
  ): Observed {
    const readyMs = NOW_MS - readyAgoMs;
    const moved = withBroker(cordoned, pod, broker => ({
      ...broker,
      uid: 'uid-new',
      nodeName: 'node-a-0',
      readySinceMs: readyMs,
    }));
    return {
      ...moved,
      healthSampledAtMs: { ...moved.healthSampledAtMs, [stalePod]: readyMs - sampleBeforeReadyMs },
    };
  }

  test('the move is not done on a count sampled before the moved pod became Ready (failed before)', () => {
    const fresh = withBroker(cordoned, pod, broker => ({
      ...broker,
      uid: 'uid-new',
      nodeName: 'node-a-0',
      readySinceMs: NOW_MS - 10_000,
    }));
    expect(stepOperation(record, fresh, config, STEP_CONTEXT).events).toEqual(['move-finished']);
    const old = movedWithOldSample(10_000, 5_000, pod);
    const step = stepOperation(record, old, config, STEP_CONTEXT);
    expect(step.events).not.toContain('move-finished');
    expect(step.next?.move?.podName).toBe(pod);
  });

  test('no roll goes out on such a count (failed before)', () => {
    const old = movedWithOldSample(10_000, 5_000, 'orders-brokers-b-2000');
    const blocked = kafkaBlocker(old, config);
    expect(blocked?.reason).toBe('stale-data');
    const roll = {
      kind: 'request-roll',
      podName: 'orders-brokers-c-3000',
      podUid: 'uid-orders-brokers-c-3000',
    } as const;
    expect(writeBlocker(old, config, roll)).toBeDefined();
  });

  test('property: any Ready broker sampled at or before the latest Ready time holds the move end and every roll (failed before)', () => {
    const pods = base.brokers.map(broker => broker.podName);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: limitMs / 2 }),
        fc.integer({ min: 0, max: limitMs / 2 - 1 }),
        fc.constantFrom(...pods),
        (readyAgoMs, sampleBeforeReadyMs, stalePod) => {
          const old = movedWithOldSample(readyAgoMs, sampleBeforeReadyMs, stalePod);
          // Not a stale-data hold of the view: the sample is within the limit.
          expect(NOW_MS - (NOW_MS - readyAgoMs - sampleBeforeReadyMs)).toBeLessThanOrEqual(limitMs);
          const step = stepOperation(record, old, config, STEP_CONTEXT);
          expect(step.events).not.toContain('move-finished');
          expect(step.effect).toBeUndefined();
          expect(kafkaBlocker(old, config)).toBeDefined();
        },
      ),
    );
  });

  test('a later sample of every broker ends the move: a way out', () => {
    const later = movedWithOldSample(10_000, -1, pod);
    expect(stepOperation(record, later, config, STEP_CONTEXT).events).toEqual(['move-finished']);
  });
});
