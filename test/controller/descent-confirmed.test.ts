/**
 * The forecast confirms a descent (issue #16, synthetic days with 3% noise): while a zone's forecast
 * for the next lead time fits the level that carries its current demand, at the target, and so does
 * the ramp guard's projection, the scale-in is judged at the target without the scale-in margin, both
 * when a removal starts and while it goes on (`descentConfirmed` in `controller/decide.ts`). Before,
 * a noisy sample inside the margin held the start of the ramp-down and stalled removals in
 * progress (an empty node waited 5 minutes before its `unprotect` on daily:2).
 *
 * Test config: levels 1/2/4, 4 brokers a zone, baseline 100 MiB/s, target 0.5 (a node carries
 * 50 MiB/s; level 2 100 MiB/s), margin 0.1 (level 2 takes at most 90 MiB/s with it), window 600 s,
 * forecast floor on (lead time 1470 s), ramp guard on (horizon 180 s).
 */
import type { ControllerConfig } from '../../controller/config';
import {
  decide,
  removalMayProceed,
  removalStillWanted,
  type Memory,
  type Observed,
} from '../../controller/decide';
import type { ZoneForecast } from '../../controller/forecast';
import {
  drainingNodeA1,
  forecastAndRampConfig,
  healthyCluster,
  memoryAfterSamples,
  removalOfNodeA1,
  stabilizedLongAgo,
  withZoneForecasts,
} from './fixtures';

const config: ControllerConfig = forecastAndRampConfig();

/** Every zone's forecast: `ok` at `forecastMiBps`, or the given status without figures. */
const withForecast = (observed: Observed, forecastMiBps: number, status?: ZoneForecast['status']) =>
  withZoneForecasts(config, observed, forecastMiBps, status);

/** Stabilized long ago, the ramp guard's samples at `earlierMiBps` (see `memoryAfterSamples`). */
const memoryAfter = (earlierMiBps: number): Memory => memoryAfterSamples(config, earlierMiBps);

/** 4 nodes a zone at `demand` MiB/s, forecast `forecastMiBps`. */
function fourNodes(demand: number, forecastMiBps: number, status?: ZoneForecast['status']) {
  return withForecast(
    healthyCluster(config, { nodesPerZone: 4, demandMiBps: demand }),
    forecastMiBps,
    status,
  );
}

describe('the forecast confirms a descent', () => {
  test('demand inside level 2 margin, forecast fitting level 2, flat: the removal starts', () => {
    const plan = decide(fourNodes(94, 96), config, memoryAfter(96));
    expect(plan.zones[0]).toMatchObject({
      scaleOutLevelNodes: 2,
      scaleInLevelNodes: 2,
      desiredNodes: 2,
      descentConfirmed: true,
    });
    expect(plan.action).toMatchObject({ kind: 'scale-in', zone: 'us-east-1a' });
    expect(plan.detail).toContain(
      '; the forecast confirms the descent (96 MiB/s within 1470s fits 2 nodes at the target, and so does the ramp guard projection of 94 MiB/s within 180s): no scale-in margin',
    );
  });

  test('demand rising past level 2 target within the ramp guard horizon (94 after 85): the margin stays', () => {
    const plan = decide(fourNodes(94, 96), config, memoryAfter(85));
    expect(plan.zones[0].descentConfirmed).toBeUndefined();
    expect(plan.zones[0].scaleInLevelNodes).toBe(4);
    expect(plan.action?.kind).not.toBe('scale-in');
  });

  test.each(['insufficient-history', 'unknown'] as const)(
    'forecast %s: the margin stays',
    status => {
      const plan = decide(fourNodes(94, 96, status), config, memoryAfter(96));
      expect(plan.zones[0].descentConfirmed).toBeUndefined();
      expect(plan.action?.kind).not.toBe('scale-in');
    },
  );

  test('ramp guard off: the margin stays', () => {
    const noGuard: ControllerConfig = { ...config, rampHorizonSeconds: undefined };
    const plan = decide(fourNodes(94, 96), noGuard, stabilizedLongAgo(noGuard));
    expect(plan.zones[0].descentConfirmed).toBeUndefined();
    expect(plan.zones[0].scaleInLevelNodes).toBe(4);
    expect(plan.action?.kind).not.toBe('scale-in');
  });

  test('current demand above level 2 target: no removal, whatever the forecast', () => {
    const plan = decide(fourNodes(101, 10), config, memoryAfter(120));
    expect(plan.zones[0]).toMatchObject({ scaleOutLevelNodes: 4, desiredNodes: 4 });
    expect(plan.action).toBeUndefined();
  });

  test('the same demand with a margin-free forecast far below still waits out the window', () => {
    // The level-2 clock started at this pass: no removal before the window, forecast or not.
    const memory: Memory = { ...memoryAfter(96), levelCarriesSinceMs: {} };
    const plan = decide(fourNodes(94, 40), config, memory);
    expect(plan.action).toBeUndefined();
    expect(plan.reason).toBe('stabilizing');
  });
});

describe('a removal in progress while the forecast confirms the descent', () => {
  const record = removalOfNodeA1();
  // Zone a had 2 nodes; node-a-1 is being emptied, so 1 node counts (level 1: 50 MiB/s).
  const removing = (demand: number, forecastMiBps: number, earlierMiBps: number) =>
    decide(
      drainingNodeA1(
        withForecast(
          healthyCluster(config, { nodesPerZone: 2, demandMiBps: demand }),
          forecastMiBps,
        ),
        record,
      ),
      config,
      memoryAfter(earlierMiBps),
    );

  test('goes on inside the margin (47 of 50 MiB/s, margin limit 45)', () => {
    const plan = removing(47, 48, 48);
    expect(removalMayProceed(plan, 'us-east-1a')).toBe(true);
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(true);
  });

  test('waits inside the margin while demand rises past the target within the ramp guard horizon', () => {
    const plan = removing(47, 48, 40);
    expect(removalMayProceed(plan, 'us-east-1a')).toBe(false);
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(true);
  });

  test('rolls back past the target, whatever the forecast', () => {
    const plan = removing(51, 10, 60);
    expect(removalMayProceed(plan, 'us-east-1a')).toBe(false);
    expect(removalStillWanted(plan, 'us-east-1a')).toBe(false);
  });
});
