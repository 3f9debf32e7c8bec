/**
 * `status`'s time for the next scale-in against decide.ts's own window rule, with Prometheus data
 * that runs behind the passes' clock. decide counts a level's window as the passes' time since its
 * clock started, but no more than the data advanced since the data time of the pass that started
 * it (`carriedForMs`: `levelCarriesSinceMs` and `levelCarriesSinceDataMs`). When the data falls
 * behind after the clock started (the oldest raw sample is older at this pass than at that one, or
 * a frozen sample is reread), decide needs that much longer; `status` said "in N s" from the pass
 * clock alone, so a node could not go when it said.
 *
 * The scenario runs the real `decide` pass by pass, builds the decision record of a pass and the
 * status from it, then runs decide on to the time status names: a scale-in must be allowed there,
 * and still held one pass before it (the time is the earliest, not a guess on the safe side).
 */
import fc from 'fast-check';
import { decide, INITIAL_MEMORY, type Memory, type Observed } from '../../controller/decide';
import { decisionRecordDue, decisionRecordOf } from '../../controller/decision-record';
import { buildStatus } from '../../cli/status/report';
import { NOW_MS, freshAt, healthyCluster, testConfig } from '../controller/fixtures';

// 3 zones of 4 brokers on 2 nodes each; levels 1, 2, 4; 1 node carries 50 MiB/s at the target,
// 45 MiB/s less the scale-in margin; window 600 s; passes every 30 s; data stale after 120 s.
const config = testConfig();
const PASS_MS = config.intervalSeconds * 1000;
const WINDOW_MS = config.scaleInStabilizationSeconds * 1000;
const ZONE = config.zones[0].zone;

/** The cluster at `atMs`, its Prometheus data `behindMs` old, every zone at `demandMiBps`. */
function observedAt(atMs: number, behindMs: number, demandMiBps: number): Observed {
  const fresh = freshAt(healthyCluster(config, { nodesPerZone: 2, demandMiBps }), atMs);
  return { ...fresh, freshness: { ...fresh.freshness, prometheusAtMs: atMs - behindMs } };
}

interface Scenario {
  /** Demand until the record's pass, MiB/s: 48 (1 node carries it, not with the margin) or 40. */
  readonly demandMiBps: number;
  /** The pass from which the data runs `behindMs` behind (before it: `startBehindMs`, or fresh). */
  readonly behindFromPass: number;
  readonly startBehindMs?: number;
  readonly behindMs: number;
  /** The pass whose decision record `status` reads (at or after `behindFromPass`). */
  readonly recordPass: number;
}

function run(scenario: Scenario): { atMs: number | undefined; before: Memory; state: string } {
  let memory: Memory = INITIAL_MEMORY;
  const behind = (pass: number) =>
    pass >= scenario.behindFromPass ? scenario.behindMs : (scenario.startBehindMs ?? 0);
  let plan = decide(observedAt(NOW_MS, behind(0), scenario.demandMiBps), config, memory);
  for (let pass = 0; pass <= scenario.recordPass; pass++) {
    const atMs = NOW_MS + pass * PASS_MS;
    plan = decide(observedAt(atMs, behind(pass), scenario.demandMiBps), config, memory);
    memory = plan.memory;
  }
  const recordAtMs = NOW_MS + scenario.recordPass * PASS_MS;
  const observed = observedAt(recordAtMs, behind(scenario.recordPass), scenario.demandMiBps);
  const status = buildStatus({
    config,
    nodes: observed.nodes,
    brokers: observed.brokers,
    decision: decisionRecordOf(plan, {
      nowMs: recordAtMs,
      holder: 'replica-a',
      dryRun: false,
      scaleInStabilizationSeconds: config.scaleInStabilizationSeconds,
    }),
    lease: { holder: 'replica-a', renewTimeMs: recordAtMs },
    nowMs: recordAtMs,
  });
  const next = status.zones.find(zone => zone.zone === ZONE)?.nextScaleIn;
  return { atMs: next?.atMs, before: memory, state: next?.state ?? 'none' };
}

/** decide's plan at `atMs`: passes every 30 s from the record's, demand 40 MiB/s (below the margin). */
function planAt(scenario: Scenario, memory: Memory, atMs: number) {
  let current = memory;
  let plan = undefined as ReturnType<typeof decide> | undefined;
  const fromMs = NOW_MS + scenario.recordPass * PASS_MS;
  for (let passMs = fromMs + PASS_MS; passMs < atMs; passMs += PASS_MS) {
    plan = decide(observedAt(passMs, scenario.behindMs, 40), config, current);
    current = plan.memory;
  }
  plan = decide(observedAt(atMs, scenario.behindMs, 40), config, current);
  return plan;
}

describe('status: the next scale-in time is when decide allows it, with the data behind', () => {
  it('demand-too-high: the window ends later by how far the data fell behind since it started', () => {
    // GIVEN the 1-node clock starts on fresh data; from pass 4 the data runs 90 s behind
    const scenario = { demandMiBps: 48, behindFromPass: 4, behindMs: 90_000, recordPass: 10 };
    const { atMs, before, state } = run(scenario);
    expect(state).toBe('demand-too-high');
    // THEN status names the time decide's window really ends, 90 s after the passes' 600 s
    expect(atMs).toBe(NOW_MS + WINDOW_MS + 90_000);
    expect(planAt(scenario, before, atMs ?? 0).action?.kind).toBe('scale-in');
    expect(planAt(scenario, before, (atMs ?? 0) - PASS_MS).reason).toBe('stabilizing');
  });

  it('waiting: the same for a zone already eligible', () => {
    const scenario = { demandMiBps: 40, behindFromPass: 4, behindMs: 90_000, recordPass: 10 };
    const { atMs, before, state } = run(scenario);
    expect(state).toBe('waiting');
    expect(atMs).toBe(NOW_MS + WINDOW_MS + 90_000);
    expect(planAt(scenario, before, atMs ?? 0).action?.kind).toBe('scale-in');
    expect(planAt(scenario, before, (atMs ?? 0) - PASS_MS).reason).toBe('stabilizing');
  });

  it('property: at the time status names decide scales in, and one pass earlier it holds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(40, 48),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 110 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 110 }),
        (demandMiBps, behindFromPass, behindSeconds, afterPasses, startBehindSeconds) => {
          const scenario = {
            demandMiBps,
            behindFromPass,
            behindMs: behindSeconds * 1000,
            startBehindMs: startBehindSeconds * 1000,
            recordPass: behindFromPass + afterPasses,
          };
          const { atMs, before } = run(scenario);
          expect(atMs).toBeDefined();
          const at = atMs ?? 0;
          expect(planAt(scenario, before, at).action?.kind).toBe('scale-in');
          const recordAtMs = NOW_MS + scenario.recordPass * PASS_MS;
          if (at - PASS_MS > recordAtMs) {
            expect(planAt(scenario, before, at - PASS_MS).reason).toBe('stabilizing');
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('decision record: a restarted window is written at once', () => {
  const recordOf = (memory: Memory, nowMs: number) =>
    decisionRecordOf(
      { action: undefined, reason: 'at-target', detail: 'held', zones: [zoneView()], memory },
      { nowMs, holder: 'replica-a', dryRun: false, scaleInStabilizationSeconds: 600 },
    );
  const zoneView = () => ({
    zone: ZONE,
    currentNodes: 2,
    desiredNodes: 2,
    scaleInLevelNodes: 2,
    demandMiBps: 48,
  });
  const clocks = (sinceMs: number, sinceDataMs: number): Memory => ({
    ...INITIAL_MEMORY,
    levelCarriesSinceMs: { [ZONE]: { 1: sinceMs } },
    levelCarriesSinceDataMs: { [ZONE]: { 1: sinceDataMs } },
  });

  it('rewrites when only a level clock moved (a rise restarted the window), not 60 s later', () => {
    // GIVEN the record of a pass, and one 30 s later whose only change is the restarted 1-node clock
    const previous = recordOf(clocks(NOW_MS - 400_000, NOW_MS - 400_000), NOW_MS);
    const restarted = recordOf(clocks(NOW_MS + 30_000, NOW_MS + 30_000), NOW_MS + 30_000);
    const same = recordOf(clocks(NOW_MS - 400_000, NOW_MS - 400_000), NOW_MS + 30_000);
    // THEN the restarted clock is written now (status would quote the old window for up to 60 s)
    expect(decisionRecordDue(previous, restarted)).toBe(true);
    expect(decisionRecordDue(previous, same)).toBe(false);
    // AND so is a moved data clock alone
    const dataMoved = recordOf(clocks(NOW_MS - 400_000, NOW_MS - 300_000), NOW_MS + 30_000);
    expect(decisionRecordDue(previous, dataMoved)).toBe(true);
  });
});
