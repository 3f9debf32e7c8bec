/**
 * Which edits of `zones` a deployed platform can take, for both renderers. Two things follow a
 * zone's POSITION in the list, not its name: the broker pool's node-ID block (spec/derive.ts:
 * position p, 1-based, takes [p x 1000, p x 1000 + 999]) and, for a VPC the Pulumi program creates,
 * the zone's subnet ranges (components/lib/subnets.ts: block p - 1 of `cluster.vpcCidr`; a subnet's
 * range cannot change in place, so a moved zone's subnets are replaced with the nodes in them).
 *
 * The rule: every position of the deployed list keeps its zone, or is dropped from the end; new
 * zones go after the last deployed one. In other words one list is a prefix of the other. That
 * refuses a reorder, a removal or an insertion before the end, and also a zone put in the place of
 * another in the same run (`[a, b, c]` to `[a, x, c]`, or `[a, b, c]` to `[a, b, x]`). Dropping the
 * old zone in one run and adding the new one in the next is fine.
 *
 * Why a zone put in another's place is refused by both renderers:
 * - Pulumi: the new zone would take the old one's subnet ranges while `pulumi up` still holds the
 *   old subnets (it deletes what left the program only after it created the rest, and AWS refuses a
 *   range that overlaps a subnet of the VPC).
 * - Strimzi (both renderers, and all GitOps has): a broker pool's `strimzi.io/next-node-ids` block is
 *   only a preference. Strimzi takes the IDs in use from the `status.nodeIds` of the KafkaNodePools
 *   that exist, gives a new broker the lowest free ID of the block, and the lowest free ID outside
 *   it when the block is used up (cluster-operator `NodeIdAssignor`; Strimzi blog "Kafka Node Pools:
 *   Node ID Management", 2023-08). Deleting a KafkaNodePool deletes its pods with it (Strimzi
 *   proposal 050, "Kafka Node Pools"), and the check that keeps brokers holding partition replicas
 *   (`KafkaClusterCreator`) looks only at pools that still exist. So the new zone's pool gets the
 *   old zone's broker IDs when the old pool is already gone (the IDs Kafka still assigns the old
 *   brokers' partitions to, now on empty brokers in another zone), or IDs off its block while the
 *   old pool still runs; either way the per-broker NLB listener entries, written by ID and pinned
 *   to each zone's subnet, name brokers of another zone.
 *
 * The Pulumi program keeps the deployed list as the stack output `zoneOrder` (stacks/index.ts,
 * components/lib/zone-order-guard.ts); synth reads it back from the broker pools of its previous
 * output (charts/transitions.ts). Both call `zoneOrderProblem`, each with its own wording
 * (`PULUMI_ZONE_ORDER`, `GITOPS_ZONE_ORDER`): one rule, two renderers.
 */
import { showValue, type SpecIssue } from './errors';

/** Name of the stack output that records `zones` as last deployed (an array of zone names). */
export const ZONE_ORDER_OUTPUT = 'zoneOrder';

/** `true` when `next` keeps every deployed zone at its position (one list is a prefix of the other). */
export function keepsZonePositions(deployed: readonly string[], next: readonly string[]): boolean {
  const shared = Math.min(deployed.length, next.length);
  for (let index = 0; index < shared; index += 1) {
    if (deployed[index] !== next[index]) return false;
  }
  return true;
}

/** `[a, b]` as the message shows a list. */
function showList(zones: readonly string[]): string {
  return `[${zones.map(zone => showValue(zone)).join(', ')}]`;
}

/**
 * How one renderer keeps and applies `zones`: the words `zoneOrderProblem` puts around the shared
 * rule, so both refusals read alike (field, both lists, each moved position, why, fix).
 */
export interface ZoneOrderRenderer {
  /** The deployed list as the message names it, after "does not keep". */
  readonly deployed: string;
  /** Where the deployed list was read, shown in parentheses after it. */
  readonly readFrom: string;
  /** What applying the edit would do (one sentence, without the final period). */
  readonly harm: string;
  /** One deployment step, as in `(zones [a, b], one <step>)`. */
  readonly step: string;
  /** How to change the order on purpose (one sentence, without the final period). */
  readonly startOver: string;
}

/** The Pulumi program's wording: the deployed list is the stack output `zoneOrder`. */
export const PULUMI_ZONE_ORDER: ZoneOrderRenderer = {
  deployed: 'the zones the stack last deployed',
  readFrom: `stack output ${ZONE_ORDER_OUTPUT}`,
  harm:
    "Each zone's broker node-ID block and, for a VPC the stack creates, its subnet ranges follow " +
    'its position, so pulumi up would replace the subnets of the moved zones with the nodes in ' +
    "them, and the node IDs the platform gives each zone's brokers would name brokers of another " +
    'zone',
  step: 'pulumi up',
  startOver:
    'To change the order on purpose, pulumi destroy the platform first (its outputs go with it) ' +
    'or deploy to a new stack',
};

/** Synth's wording (the GitOps path): the deployed list is read from the previous output in `--out`. */
export const GITOPS_ZONE_ORDER: ZoneOrderRenderer = {
  deployed: 'the zones of the previous output',
  readFrom: 'the zone and strimzi.io/next-node-ids block of each of its broker pools',
  harm:
    "Each zone's broker pool takes the node-ID block of its position, while Strimzi keeps the " +
    'IDs of running brokers and gives new ones the lowest ID of the block that no existing pool ' +
    "holds: a moved pool keeps its old IDs, and a new pool in a leaving zone's position gets that " +
    "zone's broker IDs once its pool is pruned (Kafka still assigns that zone's partitions to " +
    'them) or IDs off its block before, so the per-broker NLB listener entries, written by ID ' +
    "and pinned to each zone's subnet, would name brokers of another zone",
  step: 'synth and sync',
  startOver:
    'To change the order on purpose, create the platform anew and pass --ignore-previous-output',
};

/**
 * The refusal, under path `zones`, when `next` moves a position of `deployed` (see the module
 * comment); undefined when it keeps every position. The message names the deployed and the new
 * list, each position that changed (1-based), why it matters, and the list to use instead: the
 * deployed zones up to the last one `next` still has, then the new zones appended (in two runs when
 * zones are dropped from the end and others added in their place).
 * @param deployed `zones` as last deployed (stack output `zoneOrder`, or read from the previous
 *   synth output).
 * @param next `zones` of the spec about to be deployed.
 * @param renderer whose words the message uses: `PULUMI_ZONE_ORDER` or `GITOPS_ZONE_ORDER`; the
 *   rule is the same.
 */
export function zoneOrderProblem(
  deployed: readonly string[],
  next: readonly string[],
  renderer: ZoneOrderRenderer,
): SpecIssue | undefined {
  if (keepsZonePositions(deployed, next)) return undefined;
  const shared = Math.min(deployed.length, next.length);
  const changes: string[] = [];
  for (let index = 0; index < shared; index += 1) {
    const was = deployed[index] ?? '';
    const now = next[index] ?? '';
    if (was === now) continue;
    const moved = next.indexOf(was);
    const fate = moved < 0 ? 'which leaves zones' : `which moves to position ${moved + 1}`;
    changes.push(
      `position ${index + 1} holds ${showValue(now)} instead of ${showValue(was)} (${fate})`,
    );
  }
  const lastKept = deployed.reduce((last, zone, index) => (next.includes(zone) ? index : last), -1);
  const kept = deployed.slice(0, lastKept + 1);
  const added = next.filter(zone => !deployed.includes(zone));
  const fix =
    added.length > 0 && kept.length < deployed.length && kept.length > 0
      ? `drop the zones from the end first (zones ${showList(kept)}, one ${renderer.step}), then append the new ones (zones ${showList([...kept, ...added])}, a second ${renderer.step})`
      : added.length > 0 && kept.length === 0
        ? `keep ${showList(deployed)} and append the new zones (zones ${showList([...deployed, ...added])})`
        : `use zones ${showList([...kept, ...added])}`;
  return {
    path: 'zones',
    message:
      `${showList(next)} does not keep ${renderer.deployed}, ${showList(deployed)} ` +
      `(${renderer.readFrom}): ${changes.join('; ')}. ${renderer.harm}. Fix: ${fix}; add new ` +
      `zones only at the end and remove zones only from the end. ${renderer.startOver}.`,
  };
}

/**
 * The deployed `zones` from the stack output `zoneOrder` of the last deployment: an array of
 * strings, returned as is; `undefined` when the output is absent (a first deployment, or one by a
 * version before this output existed).
 * @throws Error naming the output, the value and the fix when the output is not an array of strings.
 */
export function deployedZoneOrder(output: unknown): readonly string[] | undefined {
  if (output === undefined || output === null) return undefined;
  if (Array.isArray(output) && output.every(zone => typeof zone === 'string')) {
    return output as string[];
  }
  throw new Error(
    `stack output ${ZONE_ORDER_OUTPUT} of the last deployment is ${showValue(output)}, not a list ` +
      `of zone names, so the zones it deployed are unknown. Fix: restore it with pulumi stack ` +
      `export / pulumi stack import (outputs of the pulumi:pulumi:Stack resource), set to the ` +
      `zones list as last deployed`,
  );
}
