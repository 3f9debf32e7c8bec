/**
 * Adversarial review of the empty-node window (`emptyNodeStabilizationSeconds`, issue #16): pass
 * sequences with restarts, stale stretches and clock steps, against a model of what the passes saw;
 * the hold detail's countdown; the ConfigMap bound.
 *
 * Test config: one zone, levels 1/2/4, 4 brokers, baseline 100 MiB/s, target 0.5 (a node carries
 * 50 MiB/s), margin 0.1, full window 600 s, empty-node window 180 s, staleAfterSeconds 120,
 * interval 30 s (so a pass further than 120 s from the last fresh one restarts every window).
 */
import fc from 'fast-check';
import { emptyNodeStabilizationSeconds, type ControllerConfig } from '../../controller/config';
import {
  decide,
  INITIAL_MEMORY,
  type Memory,
  type Observed,
  type Plan,
} from '../../controller/decide';
import { parseControllerConfig } from '../../controller/load-config';
import { NOW_MS, healthyCluster, testConfig } from './fixtures';

const base = testConfig({ zones: 1 });
const PASS_MS = base.intervalSeconds * 1000;
const GAP_MS = Math.max(base.staleAfterSeconds, 2 * base.intervalSeconds) * 1000;

/** Two nodes, every broker on node 0: node 1 is empty (the spike's node). */
function spikeNode(scenario: ControllerConfig, demandMiBps: number): Observed {
  const observed = healthyCluster(scenario, { nodesPerZone: 2, demandMiBps });
  return {
    ...observed,
    brokers: observed.brokers.map(broker => ({ ...broker, nodeName: 'node-a-0' })),
  };
}

/** The cluster at `atMs` on the controller's clock, every view fresh (or all as old as `dataAtMs`). */
function at(observed: Observed, atMs: number, dataAtMs = atMs): Observed {
  return {
    ...observed,
    nowMs: atMs,
    freshness: { kubernetesAtMs: dataAtMs, prometheusAtMs: dataAtMs, autoscalingAtMs: dataAtMs },
    healthSampledAtMs: Object.fromEntries(
      observed.brokers.map(broker => [broker.podName, dataAtMs]),
    ),
  };
}

type Step =
  | { readonly kind: 'pass'; readonly demandMiBps: number; readonly afterMs: number }
  | { readonly kind: 'stale'; readonly afterMs: number }
  | { readonly kind: 'restart' }
  | { readonly kind: 'clock'; readonly stepMs: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('pass' as const),
      // Around the 45 MiB/s the margin lets level 1 take and the 50 it carries at the target.
      demandMiBps: fc.oneof(fc.integer({ min: 20, max: 60 }), fc.constantFrom(44, 45, 46, 50, 51)),
      afterMs: fc.constantFrom(PASS_MS, PASS_MS, PASS_MS, 1_000, 45_000),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('stale' as const),
      afterMs: fc.constantFrom(PASS_MS, 60_000, 90_000),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('clock' as const),
      // Steps the gap check can see (further than GAP_MS from the last pass, either way).
      stepMs: fc.constantFrom(GAP_MS + 1_000, -(GAP_MS + 1_000), 86_400_000, -86_400_000),
    }),
  },
);

describe('empty-node window: pass sequences with restarts, stale stretches and clock steps', () => {
  test('no removal comes before the window (short only for the empty node with demand not rising) of fresh passes that all saw level 1 carry the zone', () => {
    let removals = 0;
    let short = 0;
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        fc.constantFrom(0, 30, 180),
        (steps, guarded, emptyWindow) => {
          const scenario: ControllerConfig = {
            ...base,
            emptyNodeStabilizationSeconds: emptyWindow,
            ...(guarded ? { rampHorizonSeconds: 180 } : {}),
          };
          let memory: Memory = INITIAL_MEMORY;
          let worldMs = NOW_MS;
          let offsetMs = 0;
          // The model, on the world's clock: since when every fresh pass of this process saw level
          // 1 carry the zone (demand <= 50 at the target), with no gap the controller cannot see.
          let carriesSinceMs: number | undefined;
          let lastFreshMs: number | undefined;
          let lastFreshClockMs: number | undefined;
          for (const step of steps) {
            if (step.kind === 'restart') {
              memory = INITIAL_MEMORY;
              carriesSinceMs = undefined;
              lastFreshMs = undefined;
              lastFreshClockMs = undefined;
              continue;
            }
            if (step.kind === 'clock') {
              offsetMs += step.stepMs;
              continue;
            }
            worldMs += step.afterMs;
            const clockMs = worldMs + offsetMs;
            if (step.kind === 'stale') {
              const stale = at(
                spikeNode(scenario, 30),
                clockMs,
                clockMs - scenario.staleAfterSeconds * 1000 - 1_000,
              );
              const plan = decide(stale, scenario, memory);
              expect(plan.reason).toBe('stale-data');
              memory = plan.memory;
              continue;
            }
            const plan = decide(
              at(spikeNode(scenario, step.demandMiBps), clockMs),
              scenario,
              memory,
            );
            memory = plan.memory;
            if (lastFreshClockMs !== undefined && Math.abs(clockMs - lastFreshClockMs) > GAP_MS) {
              carriesSinceMs = undefined;
            }
            lastFreshMs = worldMs;
            lastFreshClockMs = clockMs;
            if (step.demandMiBps <= 50) carriesSinceMs ??= worldMs;
            else carriesSinceMs = undefined;
            if (plan.action?.kind !== 'scale-in') continue;
            removals++;
            const rising = guarded && plan.zones[0].rampRising === true;
            const windowMs =
              (rising
                ? scenario.scaleInStabilizationSeconds
                : emptyNodeStabilizationSeconds(scenario)) * 1000;
            if (!rising) short++;
            expect(plan.action.nodeName).toBe('node-a-1');
            expect(step.demandMiBps).toBeLessThanOrEqual(45);
            expect(carriesSinceMs).toBeDefined();
            expect(worldMs - (carriesSinceMs ?? worldMs)).toBeGreaterThanOrEqual(windowMs);
            // The guard, when on, saw at least a minute of this process's passes.
            if (guarded) expect(plan.zones[0].rampBlind).not.toBe(true);
            expect(lastFreshMs).toBe(worldMs);
          }
        },
      ),
      { numRuns: 3000, seed: 17 },
    );
    // The generator reaches removals on the short window.
    expect(short).toBeGreaterThan(0);
    expect(removals).toBeGreaterThanOrEqual(short);
  });
});

describe('stabilization windows count only time the Prometheus data covered', () => {
  /**
   * Passes an interval apart from `NOW_MS` with level 1 carrying the zone (40 MiB/s); the
   * Prometheus data of pass `index` is from `dataAtMs(index, atMs)` (a frozen Prometheus answers
   * with its last sample, which stays fresh for `staleAfterSeconds`).
   */
  function passes(
    scenario: ControllerConfig,
    count: number,
    dataAtMs: (index: number, atMs: number) => number,
  ): Plan[] {
    const plans: Plan[] = [];
    let memory: Memory = INITIAL_MEMORY;
    for (let index = 0; index < count; index++) {
      const atMs = NOW_MS + index * scenario.intervalSeconds * 1000;
      const frozen = at(spikeNode(scenario, 40), atMs, dataAtMs(index, atMs));
      // Only Prometheus is frozen: the Kubernetes and Auto Scaling views stay current.
      const observed: Observed = {
        ...frozen,
        freshness: { ...frozen.freshness, kubernetesAtMs: atMs, autoscalingAtMs: atMs },
      };
      const plan = decide(observed, scenario, memory);
      expect(`${index} ${plan.reason} ${plan.detail}`).not.toContain('stale-data');
      plans.push(plan);
      memory = plan.memory;
    }
    return plans;
  }

  test('a Prometheus frozen for the last 120 s of the empty-node window (its sample still fresh) holds the removal until new data covers 180 s', () => {
    // Data advances with the passes until 60 s, then stays at 60 s up to the pass at 180 s (ages
    // 30 to 120 s, fresh), then comes back at 210 s.
    const plans = passes(base, 8, (index, atMs) =>
      index <= 2 || index >= 7 ? atMs : NOW_MS + 60_000,
    );
    // Before the fix: the node went at 180 s, on 60 s of data.
    expect(plans.slice(0, 7).map(plan => plan.action?.kind)).not.toContain('scale-in');
    expect(plans[6].detail).toContain(
      'for 60s, waiting 120s more (node-a-1 is empty: 180s window)',
    );
    expect(plans[7].action).toMatchObject({ kind: 'scale-in', nodeName: 'node-a-1' });
  });

  test('at a 60 s interval (staleAfterSeconds 240) one frozen sample no longer carries the whole empty-node window', () => {
    const slow: ControllerConfig = { ...base, intervalSeconds: 60, staleAfterSeconds: 240 };
    // Every pass after the first rereads the first pass's sample (180 s old at the fourth pass).
    const plans = passes(slow, 4, () => NOW_MS);
    expect(plans.map(plan => plan.action?.kind)).not.toContain('scale-in');
    expect(plans[3].detail).toContain('for 0s, waiting 180s more');
  });

  test('a Prometheus that lags the passes by a constant 60 s delays nothing', () => {
    const plans = passes(base, 8, (_, atMs) => atMs - 60_000);
    expect(plans[5].reason).toBe('stabilizing');
    expect(plans[6].action).toMatchObject({ kind: 'scale-in', nodeName: 'node-a-1' });
  });

  test('the full window too: a node with a broker waits for 600 s of data, not 600 s of passes', () => {
    const spread = (atMs: number, dataAtMs: number): Observed => {
      const frozen = at(healthyCluster(base, { nodesPerZone: 2, demandMiBps: 40 }), atMs, dataAtMs);
      return {
        ...frozen,
        freshness: { ...frozen.freshness, kubernetesAtMs: atMs, autoscalingAtMs: atMs },
      };
    };
    let memory: Memory = INITIAL_MEMORY;
    const reasons: string[] = [];
    for (let index = 0; index <= 24; index++) {
      const atMs = NOW_MS + index * PASS_MS;
      // Frozen from 480 s to 600 s (data at most 120 s old), fresh again after.
      const dataAtMs = index >= 16 && index <= 20 ? NOW_MS + 480_000 : atMs;
      const plan = decide(spread(atMs, dataAtMs), base, memory);
      reasons.push(plan.action?.kind ?? plan.reason);
      memory = plan.memory;
    }
    expect(reasons.slice(0, 21)).not.toContain('scale-in');
    expect(reasons[21]).toBe('scale-in');
  });
});

describe('empty-node window: what the hold and the ConfigMap say', () => {
  test('the stabilizing hold counts down the short window for the empty node, the full one once it has a broker', () => {
    let memory: Memory = INITIAL_MEMORY;
    const plans: Plan[] = [];
    for (let pass = 0; pass < 6; pass++) {
      const plan = decide(at(spikeNode(base, 40), NOW_MS + pass * PASS_MS), base, memory);
      plans.push(plan);
      memory = plan.memory;
    }
    expect(plans[5].detail).toBe(
      'zone us-east-1a could run 1 nodes; demand has fitted 1 nodes at the target for 150s, waiting 30s more (node-a-1 is empty: 180s window); the removal starts by itself once demand has stayed down for the window; nothing to do',
    );
    // A broker bound to node 1: the same clock, the full window.
    const spread = healthyCluster(base, { nodesPerZone: 2, demandMiBps: 40 });
    const plan = decide(at(spread, NOW_MS + 6 * PASS_MS), base, memory);
    expect(plan.detail).toBe(
      'zone us-east-1a could run 1 nodes; demand has fitted 1 nodes at the target for 180s, waiting 420s more; the removal starts by itself once demand has stayed down for the window; nothing to do',
    );
  });

  test('a ConfigMap whose empty-node window equals the full window loads (the e2e tier sets both to 20 s)', () => {
    const config = { ...base, scaleInStabilizationSeconds: 20, emptyNodeStabilizationSeconds: 20 };
    expect(parseControllerConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });
});
