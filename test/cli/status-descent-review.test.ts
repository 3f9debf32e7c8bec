/**
 * `status` while the forecast may waive the scale-in margin (review of issue #16's ramp-down
 * rules). With the forecast floor and the ramp guard both on (prod), the controller judges a
 * scale-in at the target without the margin while the zone's forecast for the lead time fits the
 * lower level at the target and demand is not rising (`descentConfirmed` in controller/decide.ts).
 * Fault: `status` named only the threshold less the margin ("not before demand is at most ...,
 * so a node can go as soon as demand is at most ..."), which is false while the forecast confirms
 * the descent: the node goes above it. Now the summary names the target too, and when it applies;
 * with either part off it is unchanged.
 */
import { controllerConfigFromSpec, type ControllerConfig } from '../../controller/config';
import { decisionRecordOf } from '../../controller/decision-record';
import type { ObservedNode, Plan } from '../../controller/model';
import { buildStatus, type StatusInput } from '../../cli/status/report';
import { exampleSpec } from '../util/specs';

const NOW = 1_800_000_000_000;
const prod = controllerConfigFromSpec(exampleSpec('prod'));
const [, zoneB] = prod.zones;
const TARGET_1 = Math.round(prod.nodeBaselineMiBps * prod.targetUtilization * 10) / 10;
const MARGIN_1 =
  Math.round(prod.nodeBaselineMiBps * prod.targetUtilization * (1 - prod.scaleInMargin) * 10) / 10;
const CONFIRMS = `at most ${TARGET_1} MiB/s (1 nodes at the target) is enough while the forecast confirms the descent`;

function node(name: string, zone: string): ObservedNode {
  return {
    name,
    uid: `uid-${name}`,
    resourceVersion: '1',
    zone,
    ready: true,
    unschedulable: false,
    instanceId: undefined,
    createdAtMs: 0,
    operation: undefined,
  };
}

/** Every zone at 2 nodes; zone b at `demandMiBps`, its 1-node clock as given. */
function plan(config: ControllerConfig, demandMiBps: number, sinceMs?: number): Plan {
  return {
    action: undefined,
    reason: 'at-target',
    detail: 'every zone at its level',
    zones: config.zones.map(zone => ({
      zone: zone.zone,
      currentNodes: 2,
      desiredNodes: 2,
      scaleInLevelNodes: 2,
      demandMiBps: zone.zone === zoneB.zone ? demandMiBps : 300,
    })),
    memory: {
      scaleInEligibleSinceMs: {},
      waitingForNodesSinceMs: {},
      levelCarriesSinceMs: sinceMs === undefined ? {} : { [zoneB.zone]: { 1: sinceMs } },
    },
  };
}

function nextScaleIn(config: ControllerConfig, p: Plan) {
  const input: StatusInput = {
    config,
    nodes: config.zones.flatMap(zone => [0, 1].map(i => node(`${zone.zone}-${i}`, zone.zone))),
    brokers: config.zones.flatMap(zone =>
      [0, 1].map(i => ({
        podName: `kafka-${zone.zone}-${i}`,
        uid: `uid-kafka-${zone.zone}-${i}`,
        zone: zone.zone,
        nodeName: `${zone.zone}-${i}`,
        ready: true,
        rollRequested: false,
        terminating: false,
      })),
    ),
    decision: decisionRecordOf(p, {
      nowMs: NOW - 10_000,
      holder: 'replica-a',
      dryRun: false,
      scaleInStabilizationSeconds: config.scaleInStabilizationSeconds,
    }),
    lease: { holder: 'replica-a', renewTimeMs: NOW - 1_000 },
    nowMs: NOW,
  };
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
