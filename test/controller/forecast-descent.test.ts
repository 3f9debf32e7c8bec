/**
 * Issue #16's rule "never scale in because of a forecast alone", on the ramp-down: whatever the
 * forecast says (known or not, however low), a zone whose current demand is above the target
 * capacity of the level below its node count neither starts a removal nor goes on with one (the
 * removal is rolled back). A low forecast may only ever agree with a scale-in that current demand
 * already allows: with the ramp guard on and its projection within the lower level's target, a
 * forecast that fits the lower level waives the scale-in margin (`descentConfirmed`), never the
 * target. Any ramp samples: `test/controller/descent-projection.test.ts`.
 *
 * Test config: levels 1/2/4, 4 brokers a zone, baseline 100 MiB/s, target 0.5 (a node carries
 * 50 MiB/s), margin 0.1, window 600 s, forecast floor on (lead time 1470 s), ramp guard on (horizon 180 s).
 */
import fc from 'fast-check';
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
} from './fixtures';

const config: ControllerConfig = forecastAndRampConfig();
const capacityMiBps = config.nodeBaselineMiBps * config.targetUtilization;

/** A generated forecast: `ok` with its figures, or a status without any. */
interface Generated {
  readonly status: ZoneForecast['status'];
  readonly forecastMiBps?: number;
  readonly correctionMiBps?: number;
}

/** Any forecast a zone may carry: ok with any figures (however low), short, or unknown. */
const anyForecast: fc.Arbitrary<Generated> = fc.oneof(
  fc.record({
    status: fc.constant('ok' as const),
    forecastMiBps: fc.integer({ min: 0, max: 3000 }).map(tenths => tenths / 10),
    correctionMiBps: fc.integer({ min: 0, max: 1000 }).map(tenths => tenths / 10),
  }),
  fc.record({ status: fc.constantFrom('insufficient-history' as const, 'unknown' as const) }),
);

function withForecasts(observed: Observed, forecasts: readonly Generated[]): Observed {
  return {
    ...observed,
    forecast: config.zones.map((zone, index): ZoneForecast => {
      const each = forecasts[index];
      const ok = each.status === 'ok';
      return {
        zone: zone.zone,
        status: each.status,
        historyHours: ok ? 72 : 3,
        forecastMiBps: ok ? each.forecastMiBps : undefined,
        profileMiBps: ok ? (each.forecastMiBps ?? 0) + (each.correctionMiBps ?? 0) : undefined,
        correctionMiBps: ok ? each.correctionMiBps : undefined,
        errorMiBps: ok ? 5 : undefined,
        ...(each.status === 'unknown' ? { unknownCause: 'test' } : {}),
      };
    }),
  };
}

/**
 * Stabilized long ago, with the ramp guard's samples of the last 2.5 minutes at `earlierMiBps`
 * (falling or flat when at or above this pass's demand: the forecast may then confirm a descent,
 * `descentConfirmed`, and waive the scale-in margin).
 */
const memoryAfter = (earlierMiBps: number): Memory => memoryAfterSamples(config, earlierMiBps);

/** The highest balanced level below `nodes`. */
function levelBelow(nodes: number): number {
  return config.balancedNodeCounts.filter(level => level < nodes).pop() ?? 0;
}

describe('the forecast alone never removes a node', () => {
  test('no removal starts while current demand is above the target of the level below (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 3, 4),
        fc.integer({ min: 0, max: 2200 }),
        fc.array(anyForecast, { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 2200 }),
        (nodes, tenths, forecasts, earlier) => {
          const demand = tenths / 10;
          const observed = healthyCluster(config, { nodesPerZone: nodes, demandMiBps: demand });
          const plan = decide(
            withForecasts(observed, forecasts),
            config,
            memoryAfter(Math.max(demand, earlier / 10)),
          );
          if (demand > levelBelow(nodes) * capacityMiBps) {
            expect(plan.action?.kind).not.toBe('scale-in');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('no removal goes on while current demand is above the target of the level below (property)', () => {
    const record = removalOfNodeA1();
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4),
        fc.integer({ min: 0, max: 2200 }),
        fc.array(anyForecast, { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 2200 }),
        (nodes, tenths, forecasts, earlier) => {
          const demand = tenths / 10;
          // node-a-1 is being emptied: zone a counts nodes - 1 nodes, which carry what the level
          // below `nodes` carries (3 nodes of 4 brokers: 2 on the hottest, as at level 2).
          const observed = drainingNodeA1(
            healthyCluster(config, { nodesPerZone: nodes, demandMiBps: demand }),
            record,
          );
          const plan = decide(
            withForecasts(observed, forecasts),
            config,
            memoryAfter(Math.max(demand, earlier / 10)),
          );
          if (demand > levelBelow(nodes) * capacityMiBps) {
            expect(removalStillWanted(plan, 'us-east-1a')).toBe(false);
            expect(removalMayProceed(plan, 'us-east-1a')).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
