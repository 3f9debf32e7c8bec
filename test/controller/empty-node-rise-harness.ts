/**
 * The scenario the empty-node rise tests share (`noisy-rise.test.ts`, `rising-bound.test.ts`):
 * levels 1/2/4, 4 brokers a zone, baseline 100 MiB/s, target 0.5, margin 0.1, window 600 s,
 * empty-node window 180 s, a pass every 30 s, ramp guard on (180 s look-ahead); two nodes a zone
 * with every broker on node 0, so node 1 is empty (a spike's node, Ready after it).
 */
import type { ControllerConfig } from '../../controller/config';
import { decide, INITIAL_MEMORY, type Observed, type Plan } from '../../controller/decide';
import type { RampSample } from '../../controller/ramp';
import { NOW_MS, freshAt, healthyCluster, testConfig } from './fixtures';

export const PASS_MS = 30_000;
export const config: ControllerConfig = { ...testConfig(), rampHorizonSeconds: 180 };
/** The pass (from 0) at which the short window (180 s) has carried level 1: 6. */
export const SHORT_PASS = 180_000 / PASS_MS;

/** Two nodes a zone, every broker on node 0: node 1 is empty. */
export function spikeNode(demandMiBps: number): Observed {
  const observed = healthyCluster(config, { nodesPerZone: 2, demandMiBps });
  return {
    ...observed,
    brokers: observed.brokers.map(broker => ({
      ...broker,
      nodeName: `node-${broker.zone.slice(-1)}-0`,
    })),
  };
}

/** One pass per demand, `PASS_MS` apart from `NOW_MS`, from a fresh memory. */
export function run(demands: readonly number[]): Plan[] {
  const plans: Plan[] = [];
  let memory = INITIAL_MEMORY;
  demands.forEach((demandMiBps, index) => {
    const plan = decide(freshAt(spikeNode(demandMiBps), NOW_MS + index * PASS_MS), config, memory);
    plans.push(plan);
    memory = plan.memory;
  });
  return plans;
}

/** Ramp samples `stepMs` apart from `NOW_MS`. */
export const samplesOf = (demands: readonly number[], stepMs = PASS_MS): RampSample[] =>
  demands.map((demandMiBps, index) => ({ atMs: NOW_MS + index * stepMs, demandMiBps }));
