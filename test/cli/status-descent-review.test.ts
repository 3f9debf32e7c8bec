/**
 * `status` while the forecast may waive the scale-in margin (review of issue #16's ramp-down
 * rules). With the forecast floor and the ramp guard both on (prod), the controller judges a
 * scale-in at the target without the margin while the zone's forecast for the lead time fits the
 * lower level at the target and so does the ramp guard's projection (`descentConfirmed` in
 * controller/decide.ts).
 * Fault: `status` named only the threshold less the margin ("not before demand is at most ...,
 * so a node can go as soon as demand is at most ..."), which is false while the forecast confirms
 * the descent: the node goes above it. Now the summary names the target too, and when it applies;
 * with either part off it is unchanged.
 */
import { controllerConfigFromSpec, type ControllerConfig } from '../../controller/config';
import type { Plan } from '../../controller/model';
import { buildStatus } from '../../cli/status/report';
import { exampleSpec } from '../util/specs';
import { NOW, heldPlan, oneNodeLevels, statusInput } from './status-fixtures';

const prod = controllerConfigFromSpec(exampleSpec('prod'));
const [, zoneB] = prod.zones;
const { target: TARGET_1, lessMargin: MARGIN_1 } = oneNodeLevels(prod);
const CONFIRMS = `at most ${TARGET_1} MiB/s (1 nodes at the target) is enough while the forecast confirms the descent`;

/** Every zone at 2 nodes; zone b at `demandMiBps`, its 1-node clock as given. */
const plan = heldPlan;

function nextScaleIn(config: ControllerConfig, p: Plan) {
  const input = statusInput(config, p, { brokerOnEveryNode: true });
  return buildStatus(input).zones.find(zone => zone.zone === zoneB.zone)?.nextScaleIn;
}

const inBand = Math.round((TARGET_1 + MARGIN_1) * 5) / 10;
const window = prod.scaleInStabilizationSeconds;

describe('status names the target while the forecast may waive the margin', () => {
  test('prod runs both the forecast floor and the ramp guard', () => {
    expect(prod.forecast).toBeDefined();
    expect(prod.rampHorizonSeconds).toBeDefined();
  });

  test.each([
    ['no clock', undefined],
    ['window running', NOW - 100_000],
    ['window passed', NOW - (window + 100) * 1000],
  ])('%s: the summary names both thresholds and when each applies', (_, sinceMs) => {
    const next = nextScaleIn(prod, plan(prod, sinceMs === undefined ? 300 : inBand, sinceMs));
    expect(next?.state).toBe('demand-too-high');
    expect(next?.summary).toContain(`${MARGIN_1} MiB/s`);
    expect(next?.summary).toContain(CONFIRMS);
  });

  test.each([
    ['forecast floor off', { ...prod, forecast: undefined }],
    ['ramp guard off', { ...prod, rampHorizonSeconds: undefined }],
  ])('%s: the margin always applies, and the summary says only it', (_, config) => {
    const next = nextScaleIn(config, plan(config, inBand, NOW - (window + 100) * 1000));
    expect(next?.summary).toContain(`as soon as demand is at most ${MARGIN_1} MiB/s`);
    expect(next?.summary).not.toContain('forecast confirms');
  });
});
