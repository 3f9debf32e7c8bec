/**
 * `status`'s next scale-in for a zone that is not eligible to lose a node (no
 * `scaleInEligibleSinceMs`): what the hold waits for and how long is left, as decide.ts counts it.
 * The stabilization window of the next level down runs while that level carries the zone at the
 * target utilization (`levelCarriesSinceMs`), which starts before demand falls below the scale-in
 * margin, so the whole window is not always ahead; and a zone whose demand already fits the lower
 * level with the margin is held by a floor, not by its demand.
 */
import { controllerConfigFromSpec } from '../../controller/config';
import { decisionRecordOf, decodeDecisionRecord } from '../../controller/decision-record';
import type { Plan } from '../../controller/model';
import { buildStatus, formatStatus, type StatusInput } from '../../cli/status/report';
import { exampleSpec } from '../util/specs';
import { NOW, heldPlan, oneNodeLevels, statusInput } from './status-fixtures';

const config = controllerConfigFromSpec(exampleSpec('prod'));
const [, zoneB] = config.zones;
const WINDOW_S = config.scaleInStabilizationSeconds;
/** 1 node's demand at the target utilization, and less the scale-in margin, MiB/s. */
const { target: TARGET_1, lessMargin: MARGIN_1 } = oneNodeLevels(config);

/** Every zone at 2 nodes, held there; zone b at `demandMiBps`, its 1-node clock as given. */
const plan = (demandMiBps: number, oneNodeCarriesSinceMs?: number): Plan =>
  heldPlan(config, demandMiBps, oneNodeCarriesSinceMs);

// A broker on every node: no empty node, so the full window applies.
const input = (p: Plan): StatusInput => statusInput(config, p, { brokerOnEveryNode: true });

const zoneBStatus = (p: Plan) =>
  buildStatus(input(p)).zones.find(zone => zone.zone === zoneB.zone)?.nextScaleIn;

describe('status: the next scale-in of a zone that is not eligible', () => {
  it('counts the window already run: the next level has carried the zone at the target', () => {
    // GIVEN demand between 1 node's target and its target less the margin, 1 node fitting it at
    // the target for 400 s
    const demand = Math.round((TARGET_1 + MARGIN_1) * 5) / 10;
    const next = zoneBStatus(plan(demand, NOW - 400_000));
    // THEN the hold waits for demand below the margin, and the window has 200 s left, not 600
    expect(next).toMatchObject({
      state: 'demand-too-high',
      belowMiBps: MARGIN_1,
      atMs: NOW - 400_000 + WINDOW_S * 1000,
    });
    expect(next?.summary).toContain(`is at most ${MARGIN_1} MiB/s`);
    expect(next?.summary).toContain(`in ${WINDOW_S - 400}s`);
    expect(next?.summary).toContain('400s of it');
    expect(next?.summary).not.toContain(`for ${WINDOW_S}s`);
  });

  it('says the window has passed when the next level has carried the zone for all of it', () => {
    const demand = Math.round((TARGET_1 + MARGIN_1) * 5) / 10;
    const next = zoneBStatus(plan(demand, NOW - (WINDOW_S + 100) * 1000));
    expect(next).toMatchObject({ state: 'demand-too-high', belowMiBps: MARGIN_1 });
    expect(next?.summary).toContain(`as soon as demand is at most ${MARGIN_1} MiB/s`);
  });

  it('without a clock, names both thresholds and the whole window ahead', () => {
    // GIVEN demand above 1 node's target: no window runs
    const next = zoneBStatus(plan(300));
    expect(next).toMatchObject({ state: 'demand-too-high', belowMiBps: MARGIN_1 });
    expect(next?.atMs).toBeUndefined();
    expect(next?.summary).toBe(
      `not before demand (300 MiB/s) falls to ${TARGET_1} MiB/s (1 nodes at the target) and stays there for the ${WINDOW_S}s window, and is at most ${MARGIN_1} MiB/s (less the scale-in margin) at its end; at most ${TARGET_1} MiB/s (1 nodes at the target) is enough while the forecast confirms the descent (its forecast for the lead time fits 1 nodes at the target and so does the ramp guard projection: no scale-in margin)`,
    );
  });

  it('does not blame demand that already fits the lower level: a floor holds the zone', () => {
    // GIVEN demand below 1 node's target less the margin, the zone still wanted at 2
    const next = zoneBStatus(plan(100));
    // THEN status says what holds it
    expect(next?.state).toBe('held-by-floor');
    expect(next?.summary).not.toMatch(/not before demand/);
    expect(next?.summary).toContain('100 MiB/s');
    expect(next?.summary).toContain('the zone is wanted at 2 nodes');
    // prod runs every zone at the same level
    expect(config.sameLevelInAllZones).toBe(true);
    expect(next?.summary).toContain('sameLevelInAllZones');
    expect(formatStatus(buildStatus(input(plan(100))))).toContain(
      `next scale-in: ${next?.summary}`,
    );
  });

  it("keeps the level clocks in the decision record; an older record's hold reads as unstarted", () => {
    const demand = Math.round((TARGET_1 + MARGIN_1) * 5) / 10;
    const record = decisionRecordOf(plan(demand, NOW - 400_000), {
      nowMs: NOW,
      holder: 'replica-a',
      dryRun: false,
      scaleInStabilizationSeconds: WINDOW_S,
    });
    const stored = record.zones.find(zone => zone.zone === zoneB.zone);
    expect(stored?.levelCarriesSinceMs).toEqual({ 1: NOW - 400_000 });
    // A record written before the field: no clock known, the whole window is quoted
    const older = JSON.parse(JSON.stringify(record)) as { zones: Array<Record<string, unknown>> };
    for (const zone of older.zones) delete zone.levelCarriesSinceMs;
    const decoded = decodeDecisionRecord(JSON.stringify(older));
    expect('record' in decoded).toBe(true);
    const next = buildStatus({
      ...input(plan(demand)),
      decision: 'record' in decoded ? decoded.record : undefined,
    }).zones.find(zone => zone.zone === zoneB.zone)?.nextScaleIn;
    expect(next?.atMs).toBeUndefined();
    expect(next?.summary).toContain(`stays there for the ${WINDOW_S}s window`);
  });
});
