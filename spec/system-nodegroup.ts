/**
 * Which zones the system managed nodegroup spans and what it is called, across deployments. The
 * group has a fixed name (EKS `nodeGroupName`) and its `subnetIds` are create-only, so a new zone
 * set replaces it, and Pulumi's default replacement (create the new one, then delete the old one)
 * asks EKS for a second nodegroup under the same name, which EKS refuses ("NodeGroup already
 * exists") half-way through `pulumi up`. The `zones` rule (spec/zone-order.ts) lets a deployed
 * platform append zones and drop zones from the end, so both must stay clear of that:
 *
 * - Zones appended: the group keeps the zones (and name) it was deployed with, so nothing about it
 *   changes. It does not spread into the new zones; system pods have no zone-pinned volumes, and
 *   the Kafka nodegroups, which do, are one per zone.
 * - A zone it spans dropped (its subnet goes with it in a created VPC): the group moves to the
 *   spec's zones under a new name derived from them, `<name>-system-<zone suffixes>` (for example
 *   `orders-system-ab` for `us-east-1a`, `us-east-1b`), so the replacement creates the new group
 *   beside the old one, then deletes the old one. A strict prefix of a zone list has a different
 *   suffix string, so the new name never equals the deployed one.
 *
 * The Pulumi program records the group as deployed in the stack output `systemNodegroup`
 * (`{ name, zones }`) and reads it back with the other outputs of the last deployment
 * (components/lib/zone-order-guard.ts). A deployment by an earlier version, which has no such
 * output, made the group `<name>-system` across the zones it deployed (its `statefulIdentity`
 * `zones`, or its `zoneOrder`).
 *
 * Sources: `aws_eks_node_group.node_group_name` and `subnet_ids` are ForceNew
 * (terraform-provider-aws internal/service/eks/node_group.go); EKS CreateNodegroup refuses a name
 * already in use in the cluster (ResourceInUseException) and takes names of at most 63 characters;
 * Pulumi replaces create-before-delete unless `deleteBeforeReplace` is set.
 */
import { zoneSuffix, type PlatformPlan } from './derive';
import { showValue, type SpecIssue } from './errors';
import { keepsZonePositions } from './zone-order';

/** Name of the stack output that records the system nodegroup as deployed. */
export const SYSTEM_NODEGROUP_OUTPUT = 'systemNodegroup';

/** The system nodegroup as deployed (or about to be): its EKS name and the zones it spans, in order. */
export interface SystemNodegroupIdentity {
  /** EKS nodegroup name, for example `orders-system`. */
  readonly name: string;
  /** Zones whose private subnet the group spans, in spec order (a prefix of `zones`). */
  readonly zones: readonly string[];
}

/** The parts of the spec the system nodegroup's identity reads. */
export interface SystemNodegroupSpec {
  readonly name: string;
  readonly region: string;
  readonly zones: readonly string[];
}

/** The name of a new platform's system nodegroup: `<name>-system`. */
export function systemNodegroupNameOf(spec: Pick<SystemNodegroupSpec, 'name'>): string {
  return `${spec.name}-system`;
}

/**
 * The name the group takes when it moves to `zones`: `<name>-system-` and each zone's suffix after
 * the region (spec/derive.ts `zoneSuffix`), for example `orders-system-ab`.
 */
export function movedSystemNodegroupNameOf(
  spec: Pick<SystemNodegroupSpec, 'name' | 'region'>,
  zones: readonly string[],
): string {
  return `${systemNodegroupNameOf(spec)}-${zones.map(zone => zoneSuffix(spec.region, zone)).join('')}`;
}

/**
 * The system nodegroup to deploy for `spec`, given the one deployed:
 * - none deployed (a first deployment): `<name>-system` across every spec zone;
 * - every deployed zone still in the spec, at its position (zones appended, or dropped only
 *   beyond the group's zones): the deployed group unchanged;
 * - otherwise (a zone of the group dropped): the spec's zones under `movedSystemNodegroupNameOf`.
 * @param deployed the group as last deployed (`deployedSystemNodegroup` of the stack output
 *   `systemNodegroup`, or `legacySystemNodegroup`); undefined on a first deployment.
 * @throws Error naming both when the moved name equals the deployed one, which only a hand-edited
 *   output can cause (pulumi up would then fail with "NodeGroup already exists").
 */
export function systemNodegroupIdentityOf(
  spec: SystemNodegroupSpec,
  deployed: SystemNodegroupIdentity | undefined,
): SystemNodegroupIdentity {
  if (deployed === undefined) {
    return { name: systemNodegroupNameOf(spec), zones: [...spec.zones] };
  }
  if (
    deployed.zones.length <= spec.zones.length &&
    keepsZonePositions(deployed.zones, spec.zones)
  ) {
    return { name: deployed.name, zones: [...deployed.zones] };
  }
  const moved = { name: movedSystemNodegroupNameOf(spec, spec.zones), zones: [...spec.zones] };
  if (moved.name === deployed.name) {
    throw new Error(
      `stack output ${SYSTEM_NODEGROUP_OUTPUT} says the system nodegroup ${showValue(deployed.name)} ` +
        `spans ${showValue(deployed.zones)}, but that name is the one for ${showValue(moved.zones)}, ` +
        `so moving it there would ask EKS for a second nodegroup of the same name. Fix: restore ` +
        `the output with pulumi stack export / pulumi stack import to the group's real name and ` +
        `zones (aws eks describe-nodegroup shows its subnets)`,
    );
  }
  return moved;
}

/**
 * The group an earlier version deployed, which recorded no `systemNodegroup` output: `<name>-system`
 * across the zones that deployment recorded; undefined when it recorded none.
 * @param deployedZones `zones` of its `statefulIdentity` output, else its `zoneOrder` output.
 */
export function legacySystemNodegroup(
  spec: Pick<SystemNodegroupSpec, 'name'>,
  deployedZones: readonly string[] | undefined,
): SystemNodegroupIdentity | undefined {
  return deployedZones === undefined
    ? undefined
    : { name: systemNodegroupNameOf(spec), zones: [...deployedZones] };
}

/**
 * The group from the stack output `systemNodegroup` of the last deployment, returned as is;
 * undefined when absent (a first deployment, a joined cluster, or an earlier version).
 * @throws Error naming the output, the value and the fix when it is not `{ name, zones }` with a
 *   non-empty name and a list of zone names.
 */
export function deployedSystemNodegroup(output: unknown): SystemNodegroupIdentity | undefined {
  if (output === undefined || output === null) return undefined;
  const candidate = output as { name?: unknown; zones?: unknown };
  if (
    typeof output === 'object' &&
    !Array.isArray(output) &&
    typeof candidate.name === 'string' &&
    candidate.name !== '' &&
    Array.isArray(candidate.zones) &&
    candidate.zones.every(zone => typeof zone === 'string')
  ) {
    return { name: candidate.name, zones: [...(candidate.zones as string[])] };
  }
  throw new Error(
    `stack output ${SYSTEM_NODEGROUP_OUTPUT} of the last deployment is ${showValue(output)}, not ` +
      `{ name, zones } of the system nodegroup, so which subnets it spans is unknown. Fix: ` +
      `restore it with pulumi stack export / pulumi stack import (outputs of the ` +
      `pulumi:pulumi:Stack resource), for example {"name": "orders-system", "zones": ` +
      `["us-east-1a", "us-east-1b"]}, as aws eks describe-nodegroup shows the group`,
  );
}

/**
 * `loaded` with its plan's `controllerZones` set to the zones the system nodegroup spans, where the
 * KRaft controllers run. After zones were appended to a deployed platform the group keeps the
 * zones it was created in (`systemNodegroupIdentityOf`), and the controllers' node affinity and zone
 * spread must count those, not `spec.zones`: a spread whose `minDomains` exceeds the zones that
 * have system nodes leaves a rolled controller Pending (charts/kafka/node-pools.ts
 * `controllerPoolSpec`). Pure; returns `loaded` itself when the zones are the spec's.
 * @param systemZones the group's zones (`SystemNodegroupIdentity.zones`); undefined for a joined
 *   cluster, whose system nodes are the user's: then the spec's zones.
 * @throws Error naming both lists when `systemZones` is empty or not a prefix of `spec.zones` (the
 *   group always spans the first zones of the list: appended zones come after it, and a dropped
 *   zone of the group moves it to every spec zone).
 */
export function onSystemNodegroupZones<
  L extends { readonly spec: { readonly zones: readonly string[] }; readonly plan: PlatformPlan },
>(loaded: L, systemZones: readonly string[] | undefined): L {
  if (systemZones === undefined) return loaded;
  const zones = loaded.spec.zones;
  const prefix =
    systemZones.length > 0 &&
    systemZones.length <= zones.length &&
    systemZones.every((zone, index) => zones[index] === zone);
  if (!prefix) {
    throw new Error(
      `the system nodegroup spans ${showValue(systemZones)}, which is not a leading part of ` +
        `zones ${showValue(zones)}, so where the KRaft controllers may run is unknown. Fix: pass ` +
        `the zones systemNodegroupIdentityOf returns for this spec`,
    );
  }
  if (systemZones.length === zones.length) return loaded;
  return { ...loaded, plan: { ...loaded.plan, controllerZones: [...systemZones] } };
}

/**
 * The system nodegroup's zones as `npm run synth` (or `kafka-eks synth`) must assume them, from the
 * zones the previous output let the KRaft controllers use (charts/transitions.ts
 * `previousControllerZones`): synth reads no stack output, and those zones were the group's when
 * that output was written. The same rule as `systemNodegroupIdentityOf`: kept while every one of
 * them stays at its position in `spec.zones`, else the spec's zones (the group moves). Pure.
 * @param joined true for a joined cluster (`cluster.existing`): its system nodes are the user's, so
 *   undefined (the spec's zones).
 * @param previousControllerZones undefined on a first run: undefined (the spec's zones).
 */
export function systemZonesAfterOutput(
  spec: SystemNodegroupSpec,
  joined: boolean,
  previousControllerZones: readonly string[] | undefined,
): readonly string[] | undefined {
  if (joined || previousControllerZones === undefined) return undefined;
  return systemNodegroupIdentityOf(spec, legacySystemNodegroup(spec, previousControllerZones))
    .zones;
}

/**
 * The warning for KRaft controller zones that a change takes away: the zones of `before` missing
 * from `after` (the system nodegroup's zones, where the controllers may run), as one `zones` issue;
 * undefined when none goes, or when either side is unknown. A controller's metadata volume is an
 * EBS volume, which stays in its zone, so the controller whose volume lies in a zone that goes
 * cannot start anywhere else and stays Pending. A warning, not a refusal: the change is allowed
 * (a zone dropped from the end, spec/zone-order.ts) and the controller's recovery is the
 * operator's (docs/upgrade.md, "KRaft controllers and brokers across zones edits").
 *
 * One rule, two renderers: `synth` compares the controller pool's zones of the previous output
 * with the next one's (charts/transitions.ts), the Pulumi program the system nodegroup it last
 * deployed with the one it deploys now (components/kafka-eks-platform.ts). Pure.
 * @param before the zones the controllers could use as last deployed, in order.
 * @param after the zones they may use after this change.
 */
export function controllerZonesDropped(
  before: readonly string[] | undefined,
  after: readonly string[] | undefined,
): SpecIssue | undefined {
  if (before === undefined || after === undefined) return undefined;
  const gone = before.filter(zone => !after.includes(zone));
  if (gone.length === 0) return undefined;
  return {
    path: 'zones',
    message: `the KRaft controllers may no longer run in ${showValue(gone)} (the system nodegroup leaves it with the zone); a controller whose metadata volume is there cannot start anywhere else, since an EBS volume stays in its zone, so it stays Pending and the quorum runs without it (checked with the real kube-scheduler, test/cluster/zone-placement.test.ts); with 3 controllers one more failure stops the cluster. Before applying, find the controller whose PersistentVolume is in ${showValue(gone)} and plan its recovery (docs/upgrade.md, "KRaft controllers and brokers across zones edits"), or keep the zone`,
  };
}
