/**
 * The rollback loop breaker. An operation that does not finish by its deadline is rolled back, and
 * the next pass may start the same operation again: when the cause is one the controller's view
 * cannot see (a PodDisruptionBudget-like admission hook refusing the roll, a broker that never
 * comes back where Strimzi puts it, a node that cannot be cordoned), that repeats for ever, each
 * cycle a cordon, perhaps a move, a Warning Event and a rollback.
 *
 * So each deadline rollback is tallied on the node it happened on, in the annotation
 * `ROLLBACK_TALLY_ANNOTATION`, written in the same patch as the record that enters the rollback (a
 * crash cannot split them). The tally counts consecutive deadline rollbacks of one kind of
 * operation on that node; a re-spread of the node that completes clears it (a removal that
 * completes takes the Node, and its tally, away). Once a node's tally reaches
 * `rollbackLoopLimit` (default 3), its zone starts no new operation of that kind until the tally's
 * backoff has passed: `rollbackLoopBackoffSeconds` (default 3600) after the last rollback,
 * doubling with each further rollback past the limit, at most 24 hours. After the backoff, one
 * attempt goes: it clears the hold by completing, or rolls back and doubles it. An operator
 * releases the hold at once by removing the annotation from the node. The state lives on the
 * Node only, so a restart or another leader reads the same hold.
 *
 * This is no safety gate: it only withholds new operations (scale-out goes on), and every other
 * hold is unchanged. A tally that cannot be read, or whose last rollback lies more than
 * `staleAfterSeconds` ahead of the controller's clock, holds nothing (the loop is then as before:
 * each rollback raises its Warning).
 */
import { z } from 'zod';
import type { ControllerConfig } from './config';
import type { ObservedNode } from './model';

/** Annotation on a Node holding its rollback tally (JSON, `RollbackTally`). */
export const ROLLBACK_TALLY_ANNOTATION = 'kafka.platform/autoscaler-rollbacks';

/** Default of `rollbackLoopLimit`: consecutive deadline rollbacks before the zone is held. */
export const DEFAULT_ROLLBACK_LOOP_LIMIT = 3;

/** Default of `rollbackLoopBackoffSeconds`: the first hold's length, seconds (1 h). */
export const DEFAULT_ROLLBACK_LOOP_BACKOFF_SECONDS = 3600;

/** The longest hold, seconds (24 h), whatever the count. */
export const MAX_ROLLBACK_LOOP_BACKOFF_SECONDS = 86_400;

const tallySchema = z.object({
  kind: z.enum(['respread', 'remove-node']),
  count: z.number().int().positive(),
  lastAtMs: z.number().finite(),
  note: z.string(),
});

/** Consecutive deadline rollbacks of one kind of operation on one node. */
export interface RollbackTally {
  /** The kind of operation rolled back. */
  readonly kind: 'respread' | 'remove-node';
  /** How many in a row, without one of that kind completing on the node in between. */
  readonly count: number;
  /** When the last one was decided, epoch ms (the controller's clock). */
  readonly lastAtMs: number;
  /** Why the last one rolled back (the record's note). */
  readonly note: string;
}

/** Serialises a tally for the annotation. */
export function encodeRollbackTally(tally: RollbackTally): string {
  return JSON.stringify(tally);
}

/** Parses the annotation; undefined when absent or unreadable (an unreadable tally holds nothing). */
export function decodeRollbackTally(value: string | undefined): RollbackTally | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const result = tallySchema.safeParse(parsed);
  return result.success ? result.data : undefined;
}

/** The tally after one more deadline rollback of `kind` on a node whose tally was `previous`. */
export function nextRollbackTally(
  previous: RollbackTally | undefined,
  kind: RollbackTally['kind'],
  note: string,
  nowMs: number,
): RollbackTally {
  const count = previous !== undefined && previous.kind === kind ? previous.count + 1 : 1;
  return { kind, count, lastAtMs: nowMs, note };
}

/** `rollbackLoopLimit` of `config`, or its default. */
export function rollbackLoopLimit(config: ControllerConfig): number {
  return config.rollbackLoopLimit ?? DEFAULT_ROLLBACK_LOOP_LIMIT;
}

/**
 * When the hold of `tally` ends, epoch ms, or undefined when it holds nothing: below the limit,
 * or stamped more than `staleAfterSeconds` ahead of `nowMs` (a clock that stepped back, or an
 * edit: such a stamp could hold for as long as the step). The backoff doubles per rollback past
 * the limit, capped at `MAX_ROLLBACK_LOOP_BACKOFF_SECONDS`.
 */
export function rollbackHoldUntilMs(
  tally: RollbackTally | undefined,
  config: ControllerConfig,
  nowMs: number,
): number | undefined {
  if (tally === undefined) return undefined;
  const limit = rollbackLoopLimit(config);
  if (tally.count < limit) return undefined;
  if (tally.lastAtMs > nowMs + config.staleAfterSeconds * 1000) return undefined;
  const baseSeconds = config.rollbackLoopBackoffSeconds ?? DEFAULT_ROLLBACK_LOOP_BACKOFF_SECONDS;
  const seconds = Math.min(
    MAX_ROLLBACK_LOOP_BACKOFF_SECONDS,
    baseSeconds * 2 ** Math.min(tally.count - limit, 30),
  );
  return tally.lastAtMs + seconds * 1000;
}

/** A zone held from starting one kind of operation by a node's tally. */
export interface RollbackLoopHold {
  readonly nodeName: string;
  readonly tally: RollbackTally;
  readonly untilMs: number;
}

/**
 * The hold on starting a `kind` operation among `nodes` (a zone's), or undefined: the node whose
 * tally holds longest, when one does at `nowMs`.
 */
export function rollbackLoopHold(
  nodes: readonly ObservedNode[],
  kind: RollbackTally['kind'],
  config: ControllerConfig,
  nowMs: number,
): RollbackLoopHold | undefined {
  let held: RollbackLoopHold | undefined;
  for (const node of nodes) {
    const tally = node.rollbacks;
    if (tally === undefined || tally.kind !== kind) continue;
    const untilMs = rollbackHoldUntilMs(tally, config, nowMs);
    if (untilMs === undefined || untilMs <= nowMs) continue;
    if (held === undefined || untilMs > held.untilMs)
      held = { nodeName: node.name, tally, untilMs };
  }
  return held;
}

/** The way out of a `rollback-loop` hold, for `HOLD_WAY_OUT`. */
export const ROLLBACK_LOOP_WAY_OUT = `way out: find why the operation cannot finish (the OperationRolledBack Events and the note name the last cause), fix it, then remove the annotation ${ROLLBACK_TALLY_ANNOTATION} from the node named to retry at once; otherwise one attempt goes after the backoff`;

/** The hold detail: the zone, the kind, the count, the last cause and when the hold ends. */
export function rollbackLoopDetail(zone: string, hold: RollbackLoopHold, nowMs: number): string {
  const what = hold.tally.kind === 'respread' ? 're-spread' : 'node removal';
  const leftSeconds = Math.ceil((hold.untilMs - nowMs) / 1000);
  return `zone ${zone}: no ${what} starts for ${leftSeconds}s more: ${hold.tally.count} in a row on node ${hold.nodeName} were rolled back at their deadline without completing (last: ${hold.tally.note})`;
}
