/** Builders for the `status` report tests: nodes, a held plan, and the report's input. */
import type { ControllerConfig } from '../../controller/config';
import { decisionRecordOf } from '../../controller/decision-record';
import type { ObservedBroker, ObservedNode, Plan } from '../../controller/model';
import type { StatusInput } from '../../cli/status/report';

/** The `status` tests' clock, ms since the epoch. */
export const NOW = 1_800_000_000_000;

/** A Ready, schedulable node `name` in `zone`, with no instance ID and no operation. */
export function node(name: string, zone: string): ObservedNode {
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

/**
 * 1 node's demand at the target utilization and at the target less the scale-in margin, MiB/s,
 * rounded to 0.1 as `status` prints them.
 */
export function oneNodeLevels(config: ControllerConfig): { target: number; lessMargin: number } {
  const planned = config.nodeBaselineMiBps * config.targetUtilization;
  return {
    target: Math.round(planned * 10) / 10,
    lessMargin: Math.round(planned * (1 - config.scaleInMargin) * 10) / 10,
  };
}

/**
 * Every zone at 2 nodes, held there (`at-target`); the second zone at `demandMiBps`, the others
 * at 300 MiB/s; the second zone's 1-node level carrying it since `oneNodeCarriesSinceMs`, if given.
 */
export function heldPlan(
  config: ControllerConfig,
  demandMiBps: number,
  oneNodeCarriesSinceMs?: number,
): Plan {
  const zoneB = config.zones[1]?.zone ?? '';
  return {
    action: undefined,
    reason: 'at-target',
    detail: 'every zone at its level',
    zones: config.zones.map(zone => ({
      zone: zone.zone,
      currentNodes: 2,
      desiredNodes: 2,
      scaleInLevelNodes: 2,
      demandMiBps: zone.zone === zoneB ? demandMiBps : 300,
    })),
    memory: {
      scaleInEligibleSinceMs: {},
      waitingForNodesSinceMs: {},
      levelCarriesSinceMs:
        oneNodeCarriesSinceMs === undefined ? {} : { [zoneB]: { 1: oneNodeCarriesSinceMs } },
    },
  };
}

/** What {@link statusInput} builds besides the plan. */
export interface StatusInputOptions {
  /** Nodes in every zone, named `<zone>-<i>`. @default 2 */
  readonly nodesPerZone?: number;
  /** A Ready broker on every node (so no node is empty), or none. @default false */
  readonly brokerOnEveryNode?: boolean;
}

/**
 * The report's input at {@link NOW}: the nodes, the brokers as asked, `plan`'s decision record
 * written 10 s before by leader `replica-a`, whose lease was renewed 1 s before.
 */
export function statusInput(
  config: ControllerConfig,
  plan: Plan,
  options: StatusInputOptions = {},
): StatusInput {
  const nodesPerZone = options.nodesPerZone ?? 2;
  const names = (zone: string) => Array.from({ length: nodesPerZone }, (_, i) => `${zone}-${i}`);
  return {
    config,
    nodes: config.zones.flatMap(zone => names(zone.zone).map(name => node(name, zone.zone))),
    brokers: !(options.brokerOnEveryNode ?? false)
      ? []
      : config.zones.flatMap(zone =>
          names(zone.zone).map((nodeName, i): ObservedBroker => ({
            podName: `kafka-${zone.zone}-${i}`,
            uid: `uid-kafka-${zone.zone}-${i}`,
            zone: zone.zone,
            nodeName,
            ready: true,
            rollRequested: false,
            terminating: false,
          })),
        ),
    decision: decisionRecordOf(plan, {
      nowMs: NOW - 10_000,
      holder: 'replica-a',
      dryRun: false,
      scaleInStabilizationSeconds: config.scaleInStabilizationSeconds,
    }),
    lease: { holder: 'replica-a', renewTimeMs: NOW - 1_000 },
    nowMs: NOW,
  };
}
