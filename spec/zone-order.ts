/**
 * Which edits of `zones` a deployed platform can take. Two things follow a zone's POSITION in the
 * list, not its name: the broker pool's node-ID block (spec/derive.ts: position p, 1-based, takes
 * [p x 1000, p x 1000 + 999]; Strimzi keeps the IDs of running brokers and reads the block only for
 * new ones) and, for a VPC the stack creates, the zone's subnet ranges (components/lib/subnets.ts:
 * block p - 1 of `cluster.vpcCidr`; a subnet's range cannot change in place, so a moved zone's
 * subnets are replaced with the nodes in them).
 *
 * The rule: every position of the deployed list keeps its zone, or is dropped from the end; new
 * zones go after the last deployed one. In other words one list is a prefix of the other. That
 * refuses a reorder, a removal or an insertion before the end, and also a zone put in the place of
 * another in the same run (`[a, b, c]` to `[a, x, c]`, or `[a, b, c]` to `[a, b, x]`): the new zone
 * would take the old one's subnet ranges while `pulumi up` still holds the old subnets (it deletes
 * what left the program only after it created the rest, and AWS refuses a range that overlaps a
 * subnet of the VPC) and the old zone's node-ID block. Dropping the old zone in one run and adding
 * the new one in the next is fine.
 *
 * Synth checks the same positions against its previous output through the node-ID annotation of
 * each broker pool (charts/transitions.ts); this is the form for the Pulumi program, which keeps the
 * deployed list as the stack output `zoneOrder` (stacks/index.ts).
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
 * The refusal, under path `zones`, when `next` moves a position of `deployed` (see the module
 * comment); undefined when it keeps every position. The message names the deployed and the new
 * list, each position that changed (1-based), why it matters, and the list to use instead: the
 * deployed zones up to the last one `next` still has, then the new zones appended (in two runs when
 * zones are dropped from the end and others added in their place).
 * @param deployed `zones` as the stack last deployed it (stack output `zoneOrder`).
 * @param next `zones` of the spec about to be deployed.
 */
export function zoneOrderProblem(
  deployed: readonly string[],
  next: readonly string[],
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
      ? `drop the zones from the end first (zones ${showList(kept)}, one pulumi up), then append the new ones (zones ${showList([...kept, ...added])}, a second pulumi up)`
      : added.length > 0 && kept.length === 0
        ? `keep ${showList(deployed)} and append the new zones (zones ${showList([...deployed, ...added])})`
        : `use zones ${showList([...kept, ...added])}`;
  return {
    path: 'zones',
    message:
      `${showList(next)} does not keep the zones the stack last deployed, ${showList(deployed)} ` +
      `(stack output ${ZONE_ORDER_OUTPUT}): ${changes.join('; ')}. Each zone's broker node-ID ` +
      `block and, for a VPC the stack creates, its subnet ranges follow its position, so ` +
      `pulumi up would replace the subnets of the moved zones with the nodes in them, and the ` +
      `node IDs the platform gives each zone's brokers would name brokers of another zone. Fix: ` +
      `${fix}; add new zones only at the end and remove zones only from the end. To change the ` +
      `order on purpose, pulumi destroy the platform first (its outputs go with it) or deploy ` +
      `to a new stack.`,
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
