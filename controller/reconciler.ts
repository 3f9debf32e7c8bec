/**
 * One pass of the control loop: observe, decide, keep the Kafka groups' instances protected from
 * scale-in (housekeeping, not an action), raise a group when `decide` asks for a scale-out (even
 * while an operation is in flight: it moves nothing), and either advance the operation in flight
 * by one step or start the one action `decide` asked for.
 *
 * Every write passes the write gate (`gate.ts`) on this pass's observation right before it is
 * made, its data aged by the clock at that moment (`now`); a step whose effect or record write the
 * gate refuses is skipped whole (nothing of it is written) and tried again next pass. The second
 * write of a step is gated again after the first (a refusal then leaves the state a crash between
 * the two would leave, which the next step resumes from). Leadership is checked before every write here, and again by
 * the fenced adapters at the moment the request goes out (`fence.ts`). In dry-run mode actions are
 * reported (log, Event, metric) and never performed.
 */
import { randomUUID } from 'node:crypto';
import type { ControllerConfig } from './config';
import { decide, removalContext, withWayOut } from './decide';
import { NotLeaderError } from './fence';
import {
  pendingBrokersOfZone,
  pendingClause,
  pendingOtherBrokerPods,
  pendingOtherClause,
  podsBoundTo,
  writeBlocker,
  type GatedWrite,
} from './gate';
import type { Logger } from './log';
import type { ControllerMetrics } from './metrics';
import {
  INITIAL_MEMORY,
  type Memory,
  type ScaleInAction,
  type Observed,
  type ObservedBroker,
  type ObservedNode,
  type Plan,
} from './model';
import {
  ownCordon,
  phaseDeadlines,
  startOperation,
  stepOperation,
  type Effect,
  type OperationEvent,
  type StepOutcome,
} from './operation';
import { OPERATION_ANNOTATION, operationRecordKey, type OperationRecord } from './operation-record';
import { NodeVersionChain, OwnWrites, recordIdentity, type NodeVersions } from './own-writes';
import { gatedWrite, stepWrites } from './step-writes';
import type { RollbackTally } from './rollback-loop';
import type {
  ClusterWriter,
  EventRecorder,
  GroupWriter,
  Leadership,
  LiveBrokerCheck,
  LiveNodeCheck,
  LiveRecordCheck,
  Observe,
  WriteVersions,
} from './ports';
import {
  instancesWithoutNode,
  launchShortfallToGiveUp,
  nextShortfallClocks,
  nodelessInstanceToTerminate,
  type NodelessInstance,
  type ShortfallSince,
} from './nodeless';
import { readySinceNotAfter } from './observe';
import { instancesToProtect } from './protection';
import { hostGoingDown, leavingState, staleDataBlocker, type Blocker } from './safety';

/** Everything one pass needs, injected. */
export interface ReconcilerDependencies {
  readonly config: ControllerConfig;
  readonly observe: Observe;
  readonly cluster: ClusterWriter;
  readonly groups: GroupWriter;
  readonly events: EventRecorder;
  readonly leadership: () => Leadership;
  readonly metrics: ControllerMetrics;
  readonly logger: Logger;
  /** Operation IDs; random by default. */
  readonly newId?: () => string;
  /**
   * A live read of the node right before unprotect and terminate (the cached pod view may be up
   * to `staleAfterSeconds` old), and of every Node that names an instance right before the
   * node-less exit terminates it. Without it, only the cached view is checked (tests).
   */
  readonly liveNodeCheck?: LiveNodeCheck;
  /**
   * A live read of the records on every node of the cluster, right before the first record of a
   * new operation. Without it, only the cached view is checked (tests).
   */
  readonly liveRecordCheck?: LiveRecordCheck;
  /**
   * A live read of every broker pod right before each roll request (a move or its retry): the
   * roll's checks (`writeBlocker`, `request-roll`) run again on it, since the cached pod view may
   * lag another actor's change while it counts as fresh. Without it, only the cached view is
   * checked (tests).
   */
  readonly liveBrokerCheck?: LiveBrokerCheck;
  /**
   * The clock, epoch ms. The gate judges the age of the observed data at the moment of each write
   * by this clock, not at the moment of the observation: a pass's earlier writes can wait (rate
   * limits, 429 pauses, Auto Scaling spacing and retries) until the observation is stale.
   * Default: the observation's own `nowMs` (tests whose writes take no time).
   */
  readonly now?: () => number;
}

/** What one pass did. */
export interface PassResult {
  readonly plan: Plan;
  /** The step taken on the operation in flight, if any. */
  readonly step: StepOutcome | undefined;
  /** Whether the action or the operation step wrote anything (protection does not count). */
  readonly acted: boolean;
  /** Instances this pass protected from scale-in (in dry-run: would have). */
  readonly protectedInstances: readonly string[];
}

/**
 * Age of the broker move in flight, 0 when no record carries a move. A retry re-requests the roll
 * (and resets `requestedAtMs`) once the first attempt has run `moveTimeoutSeconds`, so the age of
 * a second attempt counts that timeout too: the gauge keeps rising until the move ends.
 */
export function currentMoveAgeSeconds(
  nodes: readonly ObservedNode[],
  nowMs: number,
  moveTimeoutSeconds: number,
): number {
  let oldest = 0;
  for (const node of nodes) {
    const move = node.operation?.move;
    if (move === undefined) continue;
    const ageSeconds =
      (nowMs - move.requestedAtMs) / 1000 + (move.attempt - 1) * moveTimeoutSeconds;
    oldest = Math.max(oldest, ageSeconds);
  }
  return oldest;
}

export { NotLeaderError };

const EVENT_REASONS: Readonly<Record<OperationEvent, string>> = {
  adopted: 'OperationAdopted',
  'move-started': 'BrokerMoveStarted',
  'move-retried': 'BrokerMoveRetried',
  'move-finished': 'BrokerMoveFinished',
  'move-failed': 'BrokerMoveFailed',
  'unprotect-requested': 'ScaleInProtectionRemoved',
  'terminate-requested': 'TerminateRequested',
  'instance-terminated': 'InstanceTerminated',
  abandoned: 'OperationAbandoned',
  'rolled-back': 'OperationRolledBack',
  completed: 'OperationCompleted',
  're-cordoned': 'NodeCordonedAgain',
  'node-remains': 'NodeRemainsAfterTermination',
};

const WARNINGS: ReadonlySet<OperationEvent> = new Set([
  'move-failed',
  'abandoned',
  'move-retried',
  'rolled-back',
  're-cordoned',
  'node-remains',
]);

/** The control loop's state (decision memory) and its one pass. */
export class Reconciler {
  private memory: Memory = INITIAL_MEMORY;
  /** Records carrying a higher fencing token than ours, by node + content: first seen, epoch ms. */
  private foreignRecords = new Map<string, number>();
  /** InService instances seen without a Node: since when (epoch ms, this process's clock). */
  private nodelessSinceMs = new Map<string, number>();
  /** Zones whose node-less instance this process already terminated (retry once). */
  private readonly nodelessRetriedZones = new Set<string>();
  /** Instances the node-less exit found a Node for by a live read, already reported (Event). */
  private readonly nodelessWithNodeReported = new Set<string>();
  /** Per retried zone, the instance IDs its group had at the retry. */
  private readonly nodelessRetryInstances = new Map<string, ReadonlySet<string>>();
  /**
   * Nodes (by UID) carrying this controller's cordon but no operation record that the orphaned-cordon
   * release kept cordoned: since when (epoch ms, observation time), and when last reported.
   */
  private heldCordons = new Map<string, { sinceMs: number; reportedAtMs?: number }>();
  /**
   * Records found live on nodes outside the cached Kafka node view (`liveRecordCheck`), which hold
   * every new operation: the nodes (sorted, joined), since when (epoch ms, observation time), and
   * when last reported (`reportRecordsOutsideView`).
   */
  private recordsOutsideView:
    { readonly key: string; readonly sinceMs: number; reportedAtMs?: number } | undefined;
  /** Groups wanting more instances than they have: since when, at which desired capacity. */
  private launchShortfallSince = new Map<string, ShortfallSince>();

  /** Kubernetes writes of this process its view has not shown yet. */
  private readonly ownWrites: OwnWrites;
  /** The current pass's observation time, epoch ms. */
  private passNowMs = 0;
  /** Per node (name/UID) of this pass: the resource versions known so far (own-writes.ts). */
  private passNodeVersions = new Map<string, NodeVersionChain>();

  /**
   * Per instance ID: the Nodes outside the Kafka node view that the live read before a removal's
   * first record found naming it, and when (epoch ms, the pass's time). Shown to `decide` as
   * `Observed.instancesNamedOutsideView` for `staleAfterSeconds`, then read again at the next pick
   * (review s34-a, item 1b).
   */
  private namedOutsideView = new Map<string, { names: readonly string[]; atMs: number }>();

  constructor(private readonly deps: ReconcilerDependencies) {
    this.ownWrites = new OwnWrites(deps.config.staleAfterSeconds);
  }

  /** Runs one pass. Errors from writes propagate; the caller logs and retries next interval. */
  async reconcileOnce(): Promise<PassResult> {
    const { config, metrics, logger } = this.deps;
    // A view that does not show this process's own last writes yet is stale (own-writes.ts).
    const fresh = await this.deps.observe();
    this.passNowMs = fresh.nowMs;
    this.passNodeVersions = new Map(
      fresh.nodes.map(node => [
        `${node.name}/${node.uid}`,
        new NodeVersionChain(node.resourceVersion),
      ]),
    );
    const observed = this.withNamedOutsideView(this.ownWrites.check(fresh, this.clockMs()));
    const plan = decide(observed, config, this.memory);
    this.memory = plan.memory;
    metrics.recordPlan(plan, observed.nowMs);
    metrics.setCurrentMoveAge(
      currentMoveAgeSeconds(observed.nodes, observed.nowMs, config.moveTimeoutSeconds),
    );
    const leadership = this.deps.leadership();
    metrics.setLeader(leadership.leading);
    logger.log('info', 'decision', {
      reason: plan.reason,
      detail: plan.detail,
      action: plan.action,
      leading: leadership.leading,
    });
    if (!leadership.leading) {
      // Held cordons are the leader's to report: a former leader's count would go stale.
      this.heldCordons = new Map();
      metrics.setNodesHeldCordoned(0);
      return { plan, step: undefined, acted: false, protectedInstances: [] };
    }
    // Housekeeping first, on the same observation: the instance an operation is removing is left
    // alone (see protection.ts), and any later write on the same group waits its spacing.
    const protectedInstances = await this.protectInstances(observed);
    const released = await this.releaseOrphanedCordons(observed);
    const replaced = await this.terminateNodelessInstance(observed);
    const gaveUp = await this.giveUpMissingLaunches(observed);
    const result = await this.act(observed, plan, leadership);
    return {
      ...result,
      acted: result.acted || replaced || released || gaveUp,
      protectedInstances,
    };
  }

  /**
   * Protects the InService instances observed unprotected: one call per group. Failures are
   * logged and retried next pass; they never stop the pass (protection is not the action).
   */
  private async protectInstances(observed: Observed): Promise<readonly string[]> {
    const { config, logger, metrics } = this.deps;
    const done: string[] = [];
    for (const request of instancesToProtect(observed, config)) {
      const blocked = writeBlocker(observed, config, {
        kind: 'protect',
        groupName: request.groupName,
      });
      if (blocked !== undefined) {
        logger.log('info', 'not protecting instances now', { ...request, blocked: blocked.detail });
        continue;
      }
      if (config.dryRun) {
        logger.log('info', 'would protect instances from scale-in', { ...request });
        done.push(...request.instanceIds);
        continue;
      }
      try {
        this.assertLeading();
        await this.deps.groups.setInstanceProtection(request.groupName, request.instanceIds, true);
      } catch (error) {
        logger.log('warn', 'could not protect instances from scale-in', {
          ...request,
          error: String(error),
        });
        continue;
      }
      done.push(...request.instanceIds);
      metrics.recordInstancesProtected(request.instanceIds.length);
      await this.event(
        'Normal',
        'ScaleInProtectionSet',
        `protected ${request.instanceIds.join(', ')} of ${request.groupName} from scale-in`,
      );
    }
    return done;
  }

  /**
   * Uncordons each Ready node that carries this controller's cordon marker (`CORDON_ANNOTATION`)
   * but no operation record: someone removed the record mid-operation, so no step of it will ever
   * uncordon the node, and `decide` would take the cordon for someone else's and hold the zone's
   * re-spread for good. The uncordon also removes the marker (a marker left on a node someone
   * already uncordoned is removed the same way). Through the write gate, like every write; a
   * failure is logged and tried again next pass. A node that is not Ready or whose instance is
   * leaving stays as it is, and one whose instance is observed unprotected (the record was removed
   * between unprotect and terminate) waits until the housekeeping has protected it, so no broker
   * lands on an instance a lowered desired capacity may pick; one whose instance no observed group
   * lists (its protection unknown) waits too. Before the uncordon, the instance is protected again
   * (one `SetInstanceProtection`), even when observed protected: the view may predate an unprotect
   * of the operation whose record was removed; a failed protect leaves the node cordoned. Returns
   * whether it wrote.
   */
  private async releaseOrphanedCordons(observed: Observed): Promise<boolean> {
    const { config, logger } = this.deps;
    if (config.dryRun) return false;
    let wrote = false;
    /** Why each node of ours still cordoned after this pass stays so, by node UID. */
    const held = new Map<string, { node: ObservedNode; why: string }>();
    const hold = (
      node: ObservedNode,
      why: string,
      fix = heldCordonFix(podsBoundTo(observed, node.name)),
    ) => {
      if (ownCordon(node)) held.set(node.uid, { node, why: `${why}. ${fix}` });
    };
    // On stale, partial or missing data nothing is released (the gate refuses every uncordon),
    // and why a node stays cordoned cannot be told: a group missing from the view is no sign of a
    // detached instance. Such nodes are held (and reported past the deadline) for that reason.
    const stale = staleDataBlocker(observed, config);
    for (const node of observed.nodes) {
      if (node.cordonedByController !== true || node.operation !== undefined) continue;
      if (stale !== undefined) {
        hold(
          node,
          `the controller's data is stale or missing (${stale.detail}), so it cannot tell whether the node may be released`,
          STALE_HOLD_FIX,
        );
        continue;
      }
      // A node going down stays cordoned; an instance still unprotected (the record was removed
      // between unprotect and terminate) is released once the housekeeping has protected it.
      const down = hostGoingDown(observed, node.name);
      if (down !== undefined) {
        hold(
          node,
          down,
          'Fix: if its instance is gone, delete the Node object; if the node comes back Ready in a group, the controller protects its instance and uncordons it',
        );
        continue;
      }
      // Every listing counts (an instance moved between groups while one Describe paged through
      // them is listed twice): a leaving or unprotected one is judged first.
      const listings = observed.groups.flatMap(each =>
        each.instances
          .filter(instance => instance.instanceId === node.instanceId)
          .map(instance => ({ group: each, instance })),
      );
      const worst =
        listings.find(each => leavingState(each.instance.lifecycleState)) ??
        listings.find(each => each.instance.protectedFromScaleIn === false) ??
        listings[0];
      const group = worst?.group;
      const instance = worst?.instance;
      // Unknown (no observed group lists its instance: detached by someone, or never one of the
      // groups'): its protection cannot be told, and it is not this controller's to make
      // schedulable, so it stays cordoned (protect before uncordon, as `releaseNode` in
      // operation.ts). So does one being detached (`Detaching`).
      if (group === undefined || instance === undefined) {
        hold(
          node,
          `its instance ${node.instanceId ?? '(none)'} is in no observed Auto Scaling group (detached by someone, or not one of the controller's groups)`,
        );
        continue;
      }
      if (leavingState(instance.lifecycleState)) {
        hold(node, `its instance ${instance.instanceId} is ${instance.lifecycleState}`);
        continue;
      }
      if (instance.protectedFromScaleIn === false) {
        hold(
          node,
          `its instance ${instance.instanceId} is not protected from scale-in yet`,
          'The housekeeping protects it each pass: check its SetInstanceProtection calls',
        );
        continue;
      }
      const write: GatedWrite = { kind: 'uncordon', nodeName: node.name, nodeUid: node.uid };
      if (!this.allowed(observed, write)) {
        hold(node, 'the write gate holds the uncordon', GATE_HOLD_FIX);
        continue;
      }
      try {
        this.assertLeading();
        // Protected again first, whatever the view says: the record was removed mid-operation,
        // perhaps after an unprotect that a cached Auto Scaling view does not show yet. A failed
        // protect leaves the node cordoned (tried again next pass).
        if (instance.protectedFromScaleIn === true) {
          await this.deps.groups.setInstanceProtection(
            group.groupName,
            [instance.instanceId],
            true,
          );
          if (!this.allowed(observed, write)) {
            hold(node, 'the write gate holds the uncordon', GATE_HOLD_FIX);
            continue;
          }
          this.assertLeading();
        }
        await this.setUnschedulable(node.name, node.uid, false);
      } catch (error) {
        if (error instanceof NotLeaderError) throw error;
        logger.log('warn', 'could not release an orphaned cordon', {
          node: node.name,
          error: String(error),
        });
        hold(
          node,
          `its release failed: ${String(error)}`,
          'Fix: the error above (permissions, the API); it is tried again each pass',
        );
        continue;
      }
      wrote = true;
      await this.event(
        'Warning',
        'OrphanedCordonReleased',
        `node ${node.name} was cordoned by this controller but carries no operation record (removed by someone mid-operation); uncordoned it`,
      );
    }
    await this.reportHeldCordons(observed.nowMs, held);
    return wrote;
  }

  /**
   * The way out of a node left cordoned by this controller with no operation record that it will
   * not release (its instance detached from its group, in no observed group, leaving, or not
   * Ready; or the view stale, when the reason says that and no cause; see
   * `releaseOrphanedCordons`): an operator. Such a node stays cordoned (no broker
   * belongs on an instance outside the groups the controller counts and protects), and while it
   * does, once it has been held for the phase deadline (`operationPhaseTimeoutSeconds`, default
   * 600 s), a Warning Event `NodeHeldCordoned` names it, why, and the fixes, again every phase
   * deadline; the gauge `kafka_autoscaler_nodes_held_cordoned` counts those nodes. A node that
   * leaves the state (released, uncordoned or deleted by someone, its record back) is forgotten.
   */
  private async reportHeldCordons(
    nowMs: number,
    held: ReadonlyMap<string, { node: ObservedNode; why: string }>,
  ): Promise<void> {
    const deadlineMs = phaseDeadlines(this.deps.config).phase;
    const next = new Map<string, { sinceMs: number; reportedAtMs?: number }>();
    let overdue = 0;
    for (const [uid, { node, why }] of held) {
      const seen = this.heldCordons.get(uid) ?? { sinceMs: nowMs };
      const entry = { ...seen };
      if (nowMs - entry.sinceMs >= deadlineMs) {
        overdue++;
        if (entry.reportedAtMs === undefined || nowMs - entry.reportedAtMs >= deadlineMs) {
          entry.reportedAtMs = nowMs;
          await this.event(
            'Warning',
            'NodeHeldCordoned',
            `node ${node.name} has stayed cordoned by this controller for ${Math.round((nowMs - entry.sinceMs) / 1000)}s without an operation record, and stays so: ${why}`,
          );
        }
      }
      next.set(uid, entry);
    }
    this.heldCordons = next;
    this.deps.metrics.setNodesHeldCordoned(overdue);
  }

  /**
   * The way out of new operations held by a record on a node outside the cached Kafka node view
   * (review s32-g fault 2): no pass steps such a record (the state machine steps only records in
   * the view), so the hold lasts until an operator acts, and a log line was all it left. Once the
   * same nodes have held for the phase deadline (`operationPhaseTimeoutSeconds`, default 600 s; a
   * record the cache has not shown yet clears long before), a Warning Event
   * `OperationRecordOutsideView` names them and the fix, again every phase deadline.
   */
  private async reportRecordsOutsideView(
    recorded: readonly string[],
    fix: string,
    nowMs: number,
  ): Promise<void> {
    const key = recorded.join(', ');
    const seen =
      this.recordsOutsideView?.key === key ? this.recordsOutsideView : { key, sinceMs: nowMs };
    const deadlineMs = phaseDeadlines(this.deps.config).phase;
    const entry = { ...seen };
    this.recordsOutsideView = entry;
    if (nowMs - entry.sinceMs < deadlineMs) return;
    if (entry.reportedAtMs !== undefined && nowMs - entry.reportedAtMs < deadlineMs) return;
    entry.reportedAtMs = nowMs;
    await this.event(
      'Warning',
      'OperationRecordOutsideView',
      `no new operation has started for ${Math.round((nowMs - entry.sinceMs) / 1000)}s: ${fix}`,
    );
  }

  /**
   * Terminates (with the decrement) one instance that stayed InService without a Node for
   * `nodeReadyTimeoutSeconds`, once per zone per process until an instance launched after that
   * retry becomes a Node (see `nodeless.ts`).
   */
  private async terminateNodelessInstance(observed: Observed): Promise<boolean> {
    const { config } = this.deps;
    if (staleDataBlocker(observed, config) !== undefined) return false;
    const seen = new Map<string, number>();
    for (const instanceId of instancesWithoutNode(observed).keys()) {
      seen.set(instanceId, this.nodelessSinceMs.get(instanceId) ?? observed.nowMs);
    }
    this.nodelessSinceMs = seen;
    // A zone's retry is spent until an instance launched after it becomes a Node: then a later,
    // unrelated instance that never joins gets its own way out. A launch that keeps failing (its
    // replacements never join) still gets one retry only.
    const withNode = new Set(observed.nodes.map(node => node.instanceId));
    for (const [zone, before] of this.nodelessRetryInstances) {
      const group = observed.groups.find(each => each.zone === zone);
      const joined = group?.instances.some(
        instance => !before.has(instance.instanceId) && withNode.has(instance.instanceId),
      );
      if (joined === true) {
        this.nodelessRetriedZones.delete(zone);
        this.nodelessRetryInstances.delete(zone);
      }
    }
    if (config.dryRun) return false;
    // "No Node" read live, not from the cache: the Kafka node view lists nodes by label, so a
    // Node whose label changed, or one the cache has not shown yet, hides its instance's Node and
    // any broker bound to it since the pod cache last heard. An instance found with a Node is
    // skipped for this pass, and the next candidate is tried.
    const withNodeNow = new Set<string>();
    let victim: NodelessInstance | undefined;
    let write: GatedWrite | undefined;
    for (;;) {
      victim = nodelessInstanceToTerminate(
        observed,
        config,
        this.nodelessSinceMs,
        this.nodelessRetriedZones,
        withNodeNow,
      );
      if (victim === undefined) return false;
      write = { kind: 'terminate-nodeless', ...victim };
      if (!this.allowed(observed, write)) return false;
      if (this.deps.liveNodeCheck === undefined) break;
      const hosts = await this.deps.liveNodeCheck.nodesOfInstance(victim.instanceId);
      if (hosts.length === 0) {
        // The live read took time: gate again.
        if (!this.allowed(observed, write)) return false;
        break;
      }
      withNodeNow.add(victim.instanceId);
      if (!this.nodelessWithNodeReported.has(victim.instanceId)) {
        this.nodelessWithNodeReported.add(victim.instanceId);
        await this.event(
          'Warning',
          'NodelessInstanceHasNode',
          `instance ${victim.instanceId} of ${victim.groupName} has no Node in the Kafka node view but Node ${hosts.join(', ')} names it (live read): not terminated as node-less; ${nodeOutsideViewFix(await this.brokersBoundNow(hosts))}`,
        );
      }
    }
    this.assertLeading();
    // Like a removal: take off its scale-in protection (the housekeeping set it), then terminate.
    // "No Node" is read again right before the unprotect goes out, after the spacing in front of
    // it (review s26-a): a kubelet that registers then may get a broker at once.
    const unprotected = await this.deps.groups.setInstanceProtection(
      victim.groupName,
      [victim.instanceId],
      false,
      this.stillNodeless(victim.instanceId),
    );
    if (unprotected === 'refused') {
      // The instance keeps its protection (the writer protects it again if an earlier attempt
      // of the unprotect may have gone out, review s26-b), and the retry is not spent.
      await this.event(
        'Warning',
        'NodelessInstanceHasNode',
        `instance ${victim.instanceId} of ${victim.groupName} got a Node while its node-less exit waited to unprotect it (live read right before the call): not unprotected, not terminated`,
      );
      return true;
    }
    // From here the instance is unprotected, and no record says so (a removal's record owns its
    // instance's protection; this exit has none): every way out of this function that does not
    // send the terminate protects it again (review s32-a fault 1). Before, a gate refusal of the
    // terminate (its data aged past the stale limit in the unprotect's spacing or backoff) or a
    // terminate that failed left it unprotected until a pass with fresh data let the housekeeping
    // protect it: through a Prometheus outage, for good, while its kubelet could still register
    // and get a broker.
    let terminateSent = false;
    try {
      if (!this.allowed(observed, write)) return true;
      this.assertLeading();
      // Counted once the terminate is attempted (a gate refusal before it is tried again).
      this.nodelessRetriedZones.add(victim.zone);
      const group = observed.groups.find(each => each.groupName === victim.groupName);
      this.nodelessRetryInstances.set(
        victim.zone,
        new Set(group?.instances.map(instance => instance.instanceId) ?? []),
      );
      // "No Node" read again right before the call goes out (after the spacing behind the
      // unprotect and any retry's backoff): a kubelet that was late may register in those
      // seconds, and a broker be bound to it.
      const result = await this.deps.groups.terminateInstance(
        victim.groupName,
        victim.instanceId,
        this.stillNodeless(victim.instanceId),
      );
      if (result === 'refused') {
        // Nothing went out: the retry is not spent, and the protection taken off above goes
        // back at once (the instance has a Node now, and may get a broker; `finally` below).
        this.nodelessRetriedZones.delete(victim.zone);
        this.nodelessRetryInstances.delete(victim.zone);
        await this.event(
          'Warning',
          'NodelessInstanceHasNode',
          `instance ${victim.instanceId} of ${victim.groupName} got a Node while its node-less exit waited to terminate it (live read right before the call): not terminated; its scale-in protection is set again`,
        );
        return true;
      }
      terminateSent = true;
    } finally {
      if (!terminateSent) await this.protectNodelessAgain(victim);
    }
    await this.event(
      'Warning',
      'NodelessInstanceTerminated',
      `instance ${victim.instanceId} of ${victim.groupName} never became a Node in ${config.nodeReadyTimeoutSeconds}s; terminated it (desired capacity decremented) so a scale-out can launch a replacement once`,
    );
    return true;
  }

  /**
   * The broker pods bound to `nodeNames` now (`LiveNodeCheck.nodeNow`, not the caches: a Node
   * the Kafka node view misses is one the pod cache may lag on too), sorted; undefined when there
   * is no live check or a read fails (what runs there is then unknown). For a way out only.
   */
  private async brokersBoundNow(
    nodeNames: readonly string[],
  ): Promise<readonly string[] | undefined> {
    const check = this.deps.liveNodeCheck;
    if (check === undefined) return undefined;
    try {
      const reads = await Promise.all(nodeNames.map(name => check.nodeNow(name)));
      return reads.flatMap(read => read.brokers).sort();
    } catch (error) {
      this.deps.logger.log('warn', 'could not read the broker pods of a Node outside the view', {
        nodes: nodeNames,
        error: String(error),
      });
      return undefined;
    }
  }

  /**
   * Puts back the scale-in protection the node-less exit took off `victim` when its terminate did
   * not go out (the gate refused it, the live read found a Node, the call failed, or the lease was
   * lost): one `SetInstanceProtection(true)`, which is always safe and so asks no gate. Never
   * throws: a failure (the lease lost, the API) is logged, and the error that ended the exit, if
   * any, is what the pass reports; the housekeeping then protects the instance at the next pass
   * with fresh data (it is in no record). A terminate that failed after the API took it leaves an
   * instance that is leaving, whose protect may be refused: logged alike.
   */
  private async protectNodelessAgain(victim: NodelessInstance): Promise<void> {
    try {
      this.assertLeading();
      await this.deps.groups.setInstanceProtection(victim.groupName, [victim.instanceId], true);
    } catch (error) {
      this.deps.logger.log('warn', 'could not protect a node-less instance again', {
        group: victim.groupName,
        instance: victim.instanceId,
        error: String(error),
      });
    }
  }

  /**
   * Lowers the desired capacity of a group whose launches never got an instance for
   * `nodeReadyTimeoutSeconds` to the instances it has (`nodeless.ts`, `LaunchShortfall`): one group
   * per pass, through the write gate (fresh data, the group as observed, every InService instance
   * protected), and conditional on a live read of the group (`GroupWriter.lowerDesiredCapacity`).
   * Not in dry-run (logged). Returns whether it wrote.
   */
  private async giveUpMissingLaunches(observed: Observed): Promise<boolean> {
    const { config, logger } = this.deps;
    if (staleDataBlocker(observed, config) !== undefined) return false;
    this.launchShortfallSince = nextShortfallClocks(observed, this.launchShortfallSince);
    const shortfall = launchShortfallToGiveUp(observed, config, this.launchShortfallSince);
    if (shortfall === undefined) return false;
    const write: GatedWrite = {
      kind: 'lower-desired',
      groupName: shortfall.groupName,
      fromDesired: shortfall.desired,
      toDesired: shortfall.toDesired,
    };
    if (!this.allowed(observed, write)) return false;
    const sentence = `group ${shortfall.groupName} wanted ${shortfall.desired} but had ${shortfall.instances} instances for more than ${config.nodeReadyTimeoutSeconds}s (launches without an instance: no capacity, a quota, a launch template error)`;
    if (config.dryRun) {
      logger.log('info', `would lower its desired capacity to ${shortfall.toDesired}`, {
        group: shortfall.groupName,
        detail: sentence,
      });
      return false;
    }
    this.assertLeading();
    const outcome = await this.deps.groups.lowerDesiredCapacity(
      shortfall.groupName,
      shortfall.desired,
      shortfall.toDesired,
    );
    if (outcome === 'changed') {
      logger.log('info', 'group changed since the observation; missing launches kept', {
        group: shortfall.groupName,
      });
      return false;
    }
    this.launchShortfallSince.delete(shortfall.groupName);
    await this.event(
      'Warning',
      'LaunchesAbandoned',
      `${sentence}; lowered its desired capacity to ${shortfall.toDesired} (a scale-out the zone still needs raises it again)`,
    );
    return true;
  }

  private async act(
    observed: Observed,
    plan: Plan,
    leadership: Leadership,
  ): Promise<Omit<PassResult, 'protectedInstances'>> {
    const { config, metrics } = this.deps;
    // The oldest readable record is stepped first. A record this controller cannot read (a newer
    // format, an edit: `unreadable`) only waits for an operator, and stepping it instead froze a
    // readable operation in flight elsewhere (its deadlines, its rollback, protect before
    // uncordon) until the operator came: a Ready, schedulable node on an unprotected instance
    // could sit for hours (stop 36, the review of review s36-a). While one is present the
    // readable removal rolls back: the controller does not finish a removal beside state it
    // cannot read (every roll stays gated on the brokers' health as ever).
    const unreadable = (node: Observed['nodes'][number]): boolean =>
      node.operation?.unreadable !== undefined;
    const withRecords = observed.nodes.filter(node => node.operation !== undefined);
    const busy = [...withRecords].sort(
      (a, b) =>
        Number(unreadable(a)) - Number(unreadable(b)) ||
        (a.operation?.startedAtMs ?? 0) - (b.operation?.startedAtMs ?? 0),
    )[0];
    const unreadablePresent = withRecords.some(unreadable);
    this.trackForeignRecords(observed, leadership);
    const action = plan.action;
    let acted = false;
    if (action !== undefined) {
      metrics.recordAction(action.kind, config.dryRun);
      if (config.dryRun) {
        await this.event('Normal', 'DryRun', `would ${plan.detail}`);
        return { plan, step: undefined, acted: false };
      }
    }
    if (action?.kind === 'scale-out') {
      const write: GatedWrite = {
        kind: 'set-desired',
        groupName: action.groupName,
        desired: action.toDesired,
      };
      if (this.allowed(observed, write)) {
        this.assertLeading();
        await this.deps.groups.raiseDesiredCapacity(action.groupName, action.toDesired);
        await this.event('Normal', 'ScaleOut', plan.detail);
        acted = true;
      }
    }
    if (busy?.operation !== undefined) {
      if (config.dryRun) return { plan, step: undefined, acted };
      const record = busy.operation;
      const step = stepOperation(record, observed, config, {
        nowMs: observed.nowMs,
        fencingToken: leadership.fencingToken,
        holder: leadership.holder,
        ...removalContext(plan, record.zone),
        ...(unreadablePresent && record.unreadable === undefined
          ? { removalStillWanted: false }
          : {}),
        foreignRecordSinceMs: this.foreignRecords.get(foreignKey(busy)),
        recordNodeName: busy.name,
      });
      const applied = await this.apply(busy, step, observed);
      if (applied) await this.report(step, busy);
      return { plan, step, acted: acted || applied };
    }
    if (action === undefined || action.kind === 'scale-out')
      return { plan, step: undefined, acted };
    const node = observed.nodes.find(each => each.name === action.nodeName);
    if (node === undefined) return { plan, step: undefined, acted };
    if (!this.allowed(observed, { kind: 'record', nodeName: node.name })) {
      return { plan, step: undefined, acted };
    }
    // One operation at a time: no record anywhere, live (a record on a node outside the cached
    // Kafka node view, or one the cache has not shown yet, would make this a second operation).
    if (this.deps.liveRecordCheck !== undefined) {
      const recorded = await this.deps.liveRecordCheck.nodesWithRecords();
      if (recorded.length > 0) {
        const fix = recordOutsideViewFix(recorded, config);
        this.deps.logger.log(
          'warn',
          'not starting an operation: a record exists outside the view',
          {
            action: action.kind,
            nodes: recorded,
            fix,
          },
        );
        await this.reportRecordsOutsideView(recorded, fix, observed.nowMs);
        return { plan, step: undefined, acted };
      }
      this.recordsOutsideView = undefined;
      // The live read took time: gate again.
      if (!this.allowed(observed, { kind: 'record', nodeName: node.name })) {
        return { plan, step: undefined, acted };
      }
    }
    if (action.kind === 'scale-in' && !(await this.victimIsOnlyNodeOfInstance(action, observed))) {
      return { plan, step: undefined, acted };
    }
    const record = startOperation(action, {
      nowMs: observed.nowMs,
      fencingToken: leadership.fencingToken,
      holder: leadership.holder,
      id: (this.deps.newId ?? randomUUID)(),
    });
    this.assertLeading();
    await this.writeOperation(node, record);
    await this.event('Normal', action.kind === 'respread' ? 'Respread' : 'ScaleIn', plan.detail);
    return { plan, step: undefined, acted: true };
  }

  /**
   * `observed` with the instances the live read found named by a Node outside the Kafka node view
   * (`namedOutsideView`, entries younger than `staleAfterSeconds`; older ones are forgotten, so the
   * next pick reads again).
   */
  private withNamedOutsideView(observed: Observed): Observed {
    const limitMs = this.deps.config.staleAfterSeconds * 1000;
    for (const [instanceId, entry] of this.namedOutsideView) {
      const ageMs = observed.nowMs - entry.atMs;
      if (ageMs > limitMs || ageMs < 0) this.namedOutsideView.delete(instanceId);
    }
    if (this.namedOutsideView.size === 0) return observed;
    return {
      ...observed,
      instancesNamedOutsideView: Object.fromEntries(
        [...this.namedOutsideView].map(([instanceId, entry]) => [instanceId, entry.names]),
      ),
    };
  }

  /**
   * Right before a removal's first record: whether the victim's node is the one Node of the
   * cluster that names its instance (`LiveNodeCheck.nodesOfInstance`, every Node, no label
   * selector), and the gate still allows the record after that read. The pick (`decide`) sees only
   * the Kafka node view; a second Node naming the instance outside it (its label changed, the
   * kubelet registered again under another name) would have the removal started, cordoned and
   * drained, then its unprotect refused by the same live read and rolled back at the phase
   * deadline, again and again until the rollback loop breaker (review s34-a, item 1b). Such a Node
   * is remembered (`namedOutsideView`), so the next pass picks another node or holds the zone
   * with `no-removable-node` naming it; the warning names the Node, the pods bound to it and the
   * fix. True without a live check (stand-ins).
   */
  private async victimIsOnlyNodeOfInstance(
    action: ScaleInAction,
    observed: Observed,
  ): Promise<boolean> {
    const check = this.deps.liveNodeCheck;
    if (check === undefined) return true;
    const hosts = await check.nodesOfInstance(action.instanceId);
    const others = hosts.filter(name => name !== action.nodeName);
    if (others.length > 0) {
      this.namedOutsideView.set(action.instanceId, { names: others, atMs: observed.nowMs });
      this.deps.logger.log('warn', 'not starting a removal: another Node names its instance', {
        node: action.nodeName,
        instance: action.instanceId,
        others,
        fix: `${nodeOutsideViewFix(await this.brokersBoundNow(others))}, and delete a stale Node object only once no pod is bound to it`,
      });
      return false;
    }
    this.namedOutsideView.delete(action.instanceId);
    if (!hosts.includes(action.nodeName)) {
      // The node no longer names the instance (replaced): the view is behind; the next pass
      // picks again on a view that caught up.
      this.deps.logger.log(
        'warn',
        'not starting a removal: its node no longer names its instance',
        {
          node: action.nodeName,
          instance: action.instanceId,
        },
      );
      return false;
    }
    // The live read took time: gate again.
    return this.allowed(observed, { kind: 'record', nodeName: action.nodeName });
  }

  /** Remembers since when each record with a higher fencing token than ours has been unchanged. */
  private trackForeignRecords(observed: Observed, leadership: Leadership): void {
    const seen = new Map<string, number>();
    for (const node of observed.nodes) {
      if (node.operation === undefined) continue;
      if (node.operation.fencingToken <= leadership.fencingToken) continue;
      const key = foreignKey(node);
      // A since after now (the clock stepped back since it was noted) restarts at now: kept, the
      // wait would last as long as the step (a day) instead of `adoptForeignRecord`.
      const sinceMs = this.foreignRecords.get(key);
      seen.set(key, sinceMs === undefined || sinceMs > observed.nowMs ? observed.nowMs : sinceMs);
    }
    this.foreignRecords = seen;
  }

  /**
   * The node-less exit's live read, asked right before its unprotect and its terminate go out
   * (after the spacing and any backoff): undefined (allowed) while no Node names `instanceId`,
   * else why not (`'Node <names> names it now'`); undefined as a whole (no read) without a
   * `liveNodeCheck`.
   */
  private stillNodeless(instanceId: string): (() => Promise<string | undefined>) | undefined {
    const liveNodeCheck = this.deps.liveNodeCheck;
    if (liveNodeCheck === undefined) return undefined;
    return async () => {
      const hosts = await liveNodeCheck.nodesOfInstance(instanceId);
      return hosts.length === 0 ? undefined : `Node ${hosts.join(', ')} names it now`;
    };
  }

  /**
   * The write gate, logged when it refuses: the reason and the detail, ending with the reason's
   * way out (`withWayOut`; a refusal is a hold too, and the held-cordon and other reports send
   * the operator to this line: review s32-g).
   */
  private allowed(observed: Observed, write: GatedWrite): boolean {
    // Aged at the moment of the write (never younger than at the observation).
    const nowMs = Math.max(observed.nowMs, this.deps.now?.() ?? observed.nowMs);
    const blocked = writeBlocker({ ...observed, nowMs }, this.deps.config, write);
    if (blocked === undefined) return true;
    this.deps.logger.log('info', 'write held by the gate', {
      write: write.kind,
      reason: blocked.reason,
      detail: withWayOut(blocked.reason, blocked.detail),
    });
    return false;
  }

  private assertLeading(): void {
    if (!this.deps.leadership().leading) throw new NotLeaderError('lease lost; not writing');
  }

  private async apply(node: ObservedNode, step: StepOutcome, observed: Observed): Promise<boolean> {
    const writes = stepWrites(node, step);
    if (writes.order.length === 0) return false;
    // The whole step or nothing: all of its writes must pass the gate on this observation.
    if (!writes.gated.every(write => this.allowed(observed, write))) return false;
    if (!(await this.liveNodeStillEmpty(step.effect, observed))) return false;
    if (!(await this.liveBrokersAllowRoll(step.effect, observed))) return false;
    // The live read took time: gate again, at the moment of the first write.
    if (step.effect !== undefined && !this.allowed(observed, step.effect)) return false;
    this.assertLeading();
    for (const [index, write] of writes.order.entries()) {
      if (index > 0) {
        // After the first write went out, a refusal here leaves the step half done, as after a
        // crash: a roll request without its record (the next drain step adopts the annotated
        // pod), or the record ahead of its effect (the next step issues the effect again).
        if (!this.allowed(observed, gatedWrite(write, node.name))) return true;
        if (write.kind === 'effect') this.assertLeading();
      }
      if (write.kind === 'effect') {
        if ((await this.perform(write.effect, observed)) === 'refused') {
          // The live read right before the write refused it: nothing of this write went out. A
          // roll is a step's first write (`effectFirst`), so the step is skipped whole.
          return index > 0;
        }
      } else await this.writeOperation(node, write.record, write.rollbacks);
    }
    return true;
  }

  /**
   * Before the irreversible steps of a removal, reads the node live (`liveTerminateRefusal`): it
   * must still be cordoned, host no broker pod and be the one Node that names the instance.
   * Otherwise the step is skipped (the next pass, on a view that caught up, re-cordons the node or
   * goes back to drain).
   */
  private async liveNodeStillEmpty(
    effect: Effect | undefined,
    observed: Observed,
  ): Promise<boolean> {
    if (this.deps.liveNodeCheck === undefined || effect === undefined) return true;
    if (effect.kind !== 'unprotect-instance' && effect.kind !== 'terminate-instance') return true;
    const refused = await this.liveTerminateRefusal(effect, observed);
    if (refused === undefined) return true;
    this.deps.logger.log('warn', 'live read refused an irreversible step', {
      effect: effect.kind,
      node: effect.nodeName,
      detail: refused,
    });
    this.assertLeading();
    await this.protectAfterRefusal(effect, refused, observed);
    return false;
  }

  /**
   * After the live read refused a removal's unprotect or terminate: protects the instance at once.
   * In `unprotect` (an earlier unprotect may have gone out, the view not showing it yet) and in
   * `terminate` the instance may be unprotected, and what the live read found aboard (a broker on
   * the node the pod cache does not show yet, on a second Node naming the instance, or Pending
   * with a binding there in flight) is not in the cached view the step machine judges: it would
   * stay unprotected, open to anything that lowers the group's desired capacity, until that view
   * caught up or the phase deadline rolled the removal back (review s33-c fault 3). Protecting is
   * idempotent; the step machine then sees the instance protected and asks for the unprotect
   * again, through the same gate and live read, until the phase deadline rolls it back. A failed
   * protect is logged; the next refusal asks again.
   */
  private async protectAfterRefusal(
    effect: Extract<Effect, { kind: 'terminate-instance' | 'unprotect-instance' }>,
    refused: string,
    observed: Observed,
  ): Promise<void> {
    // A drain asking its first unprotect: the housekeeping keeps the instance protected.
    const instance = observed.groups
      .find(group => group.groupName === effect.groupName)
      ?.instances.find(each => each.instanceId === effect.instanceId);
    const phase = observed.nodes.find(node => node.name === effect.nodeName)?.operation?.phase;
    if (instance?.protectedFromScaleIn === true && phase !== 'unprotect' && phase !== 'terminate') {
      return;
    }
    try {
      await this.deps.groups.setInstanceProtection(effect.groupName, [effect.instanceId], true);
      this.deps.logger.log('warn', 'instance protected again after a refused removal step', {
        instance: effect.instanceId,
        node: effect.nodeName,
        detail: refused,
      });
    } catch (error) {
      this.deps.logger.log('warn', 'could not protect the instance after a refused removal step', {
        instance: effect.instanceId,
        error: String(error),
      });
    }
  }

  /**
   * The reason not to terminate (or unprotect, review s26-a) the instance of a removal now, read
   * live right before the call goes out (after the per-group spacing and any retry's backoff,
   * `GroupWriter.terminateInstance` and `GroupWriter.setInstanceProtection`) and before the step,
   * or undefined: its node must still be cordoned and host no broker pod (a broker can land in the
   * seconds the call waits, when someone uncordons the node or a pod is bound by name), and it
   * must be the one Node of the cluster that names the instance (`nodesOfInstance`, every Node,
   * no label selector). A second Node naming it (the kubelet registered again under another name,
   * or a Node whose Kafka label changed: outside the cached view the gate judges) runs its pods
   * on the same machine, and the node named no longer naming it means it was replaced: either way
   * the terminate would take down what the node read does not show (review s33-c).
   */
  private async liveTerminateRefusal(
    effect: Extract<Effect, { kind: 'terminate-instance' | 'unprotect-instance' }>,
    observed: Observed,
  ): Promise<string | undefined> {
    // The zone of the instance's group (every zone when the view does not know the group).
    const zone = observed.groups.find(group => group.groupName === effect.groupName)?.zone;
    const check = this.deps.liveNodeCheck;
    if (check === undefined) return undefined;
    const now = await check.nodeNow(effect.nodeName);
    if (!now.unschedulable) return `node ${effect.nodeName} is no longer cordoned`;
    if (now.brokers.length > 0) {
      return `node ${effect.nodeName} hosts ${now.brokers.join(', ')}`;
    }
    const brokers = this.deps.liveBrokerCheck;
    if (brokers !== undefined) {
      const pending = pendingBrokersOfZone({ brokers: await brokers.brokersNow() }, zone);
      if (pending.length > 0) {
        return `${pendingClause(pending, zone)} (live read): it may still be bound to node ${effect.nodeName}`;
      }
      // A Pending pod of a pool outside the configuration: its zone cannot be told, so it holds
      // every zone's removal (review s34-a, item 1a).
      if (brokers.otherBrokerPodsNow !== undefined) {
        const other = pendingOtherBrokerPods({
          otherBrokerPods: await brokers.otherBrokerPodsNow(),
        });
        if (other.length > 0) {
          return `${pendingOtherClause(other)} (live read): it may still be bound to node ${effect.nodeName}`;
        }
      }
    }
    const hosts = await check.nodesOfInstance(effect.instanceId);
    if (hosts.length === 1 && hosts[0] === effect.nodeName) return undefined;
    const others = hosts.filter(name => name !== effect.nodeName);
    if (others.length === 0) {
      return `node ${effect.nodeName} no longer names instance ${effect.instanceId} (replaced): the removal's record is for the node it was`;
    }
    return `instance ${effect.instanceId} is also named by Node ${others.join(', ')} (live read); ${nodeOutsideViewFix(await this.brokersBoundNow(others))}, and delete a stale Node object only once no pod is bound to it`;
  }

  /**
   * Before a roll request, reads the broker pods live and asks the gate again with them in place of
   * the cached ones: every broker present, none other rolling, terminating, unbound or not Ready,
   * the pod to roll still the one the step chose (its UID), and partition health sampled after the
   * last broker became Ready. Otherwise the step is skipped whole (the next pass, on a view that
   * caught up, holds or rolls back by its own checks). A failed read throws (the pass fails, no
   * roll goes out).
   */
  private async liveBrokersAllowRoll(
    effect: Effect | undefined,
    observed: Observed,
  ): Promise<boolean> {
    const check = this.deps.liveBrokerCheck;
    if (check === undefined || effect?.kind !== 'request-roll') return true;
    return (await this.liveRollRefusal(check, effect, observed)) === undefined;
  }

  /**
   * The live broker read of `liveBrokersAllowRoll` (`liveRollBlocker` on `brokersNow`, at the
   * clock's time now), logged when it refuses: its detail, or undefined. Asked before a roll
   * step's writes and again right before the roll's patch goes out (`ClusterWriter.requestRoll`'s
   * `mayRoll`), after the waits in front of it: a broker that went down in those seconds (a
   * 429 pause of the whole token bucket, the Lease read-back) must hold the roll too.
   */
  private async liveRollRefusal(
    check: LiveBrokerCheck,
    effect: Extract<Effect, { kind: 'request-roll' }>,
    observed: Observed,
  ): Promise<string | undefined> {
    const nowMs = Math.max(observed.nowMs, this.deps.now?.() ?? observed.nowMs);
    const blocked = liveRollBlocker(
      effect,
      observed,
      await check.brokersNow(),
      this.deps.config,
      nowMs,
    );
    if (blocked === undefined) return undefined;
    this.deps.logger.log('warn', 'live read refused a roll request', {
      pod: effect.podName,
      reason: blocked.reason,
      detail: blocked.detail,
    });
    return blocked.detail;
  }

  /** The clock for own-write bookkeeping, epoch ms (default: the pass's observation time). */
  private clockMs(): number {
    return this.deps.now?.() ?? this.passNowMs;
  }

  private async writeOperation(
    node: ObservedNode,
    record: OperationRecord | undefined,
    rollbacks?: RollbackTally | null,
  ) {
    const answered = await this.deps.cluster.writeOperation(node, record, rollbacks);
    const versions = this.nodeVersions(node.name, node.uid, answered);
    this.ownWrites.wrote({
      kind: 'record',
      nodeName: node.name,
      nodeUid: node.uid,
      identity: recordIdentity(record),
      fencingToken: record?.fencingToken ?? node.operation?.fencingToken ?? 0,
      atMs: this.clockMs(),
      ...(versions === undefined ? {} : { versions }),
    });
  }

  private async setUnschedulable(nodeName: string, nodeUid: string, unschedulable: boolean) {
    const answered = await this.deps.cluster.setUnschedulable(nodeName, nodeUid, unschedulable);
    const versions = this.nodeVersions(nodeName, nodeUid, answered);
    this.ownWrites.wrote({
      kind: 'cordon',
      nodeName,
      nodeUid,
      unschedulable,
      atMs: this.clockMs(),
      ...(versions === undefined ? {} : { versions }),
    });
  }

  /** The node's versions around a write the writer answered (undefined when it did not). */
  private nodeVersions(
    nodeName: string,
    nodeUid: string,
    answered: WriteVersions | void,
  ): NodeVersions | undefined {
    if (answered === undefined) return undefined;
    const key = `${nodeName}/${nodeUid}`;
    // A node this pass did not observe: nothing is known before the write.
    const chain = this.passNodeVersions.get(key) ?? new NodeVersionChain('');
    this.passNodeVersions.set(key, chain);
    return chain.wrote(answered.before, answered.after);
  }

  private async perform(effect: Effect, observed: Observed): Promise<'refused' | void> {
    const { cluster, groups } = this.deps;
    switch (effect.kind) {
      case 'cordon':
        return this.setUnschedulable(effect.nodeName, effect.nodeUid, true);
      case 'uncordon':
        return this.setUnschedulable(effect.nodeName, effect.nodeUid, false);
      case 'request-roll': {
        const live = this.deps.liveBrokerCheck;
        const result = await cluster.requestRoll(
          effect.podName,
          effect.podUid,
          live === undefined ? undefined : () => this.liveRollRefusal(live, effect, observed),
        );
        if (result === 'refused') return 'refused';
        this.ownWrites.wrote({
          kind: 'roll',
          podName: effect.podName,
          podUid: effect.podUid,
          atMs: this.clockMs(),
        });
        return;
      }
      case 'protect-instance':
        return groups.setInstanceProtection(effect.groupName, [effect.instanceId], true);
      case 'unprotect-instance': {
        // The live read again right before the call goes out (after the per-group spacing and
        // any retry's backoff): a broker may land in those seconds (review s26-a).
        const result = await groups.setInstanceProtection(
          effect.groupName,
          [effect.instanceId],
          false,
          () => this.liveTerminateRefusal(effect, observed),
        );
        if (result === 'refused') {
          this.deps.logger.log('warn', 'live read refused an unprotect as it went out', {
            node: effect.nodeName,
            instance: effect.instanceId,
          });
          await this.protectAfterRefusal(effect, 'the live read refused the unprotect', observed);
          return 'refused';
        }
        return;
      }
      case 'terminate-instance': {
        const result = await groups.terminateInstance(effect.groupName, effect.instanceId, () =>
          this.liveTerminateRefusal(effect, observed),
        );
        if (result === 'refused') {
          // Nothing went out: the record says `terminate`, so the next pass, on a view that has
          // caught up, goes back to drain, re-cordons the node or asks again.
          this.deps.logger.log('warn', 'live read refused a terminate as it went out', {
            node: effect.nodeName,
            instance: effect.instanceId,
          });
          await this.protectAfterRefusal(effect, 'the live read refused the terminate', observed);
        }
        return;
      }
    }
  }

  private async report(step: StepOutcome, node: ObservedNode): Promise<void> {
    this.deps.metrics.recordOperationEvents(step.events);
    const operation = step.next ?? node.operation;
    for (const event of step.events) {
      const message = `${operation?.kind} ${operation?.id} on ${node.name}: ${event}${
        step.next?.note !== undefined ? ` (${step.next.note})` : ''
      }${step.next?.move !== undefined ? `, broker ${step.next.move.podName}` : ''}`;
      await this.event(WARNINGS.has(event) ? 'Warning' : 'Normal', EVENT_REASONS[event], message);
    }
  }

  private async event(type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    this.deps.logger.log(type === 'Warning' ? 'warn' : 'info', message, { event: reason });
    try {
      await this.deps.events.record({ type, reason, message });
    } catch (error) {
      this.deps.logger.log('warn', 'could not record event', { error: String(error) });
    }
  }
}

/**
 * The fixes named for a node held cordoned because its instance left, or is leaving, its group,
 * given the pods of the broker selector bound to it (`aboard`, `podsBoundTo`): removing the
 * instance is named only for a node that hosts none (review s26-b); one that does is reattached,
 * or emptied first.
 */
function heldCordonFix(aboard: readonly string[]): string {
  const reattach =
    'reattach the instance to its group (aws autoscaling attach-instances; the controller then protects it and uncordons the node)';
  return aboard.length === 0
    ? `Fix: ${reattach}, or terminate the instance and delete the Node object; uncordon it yourself only if brokers may run there`
    : `Fix: it hosts ${aboard.join(', ')}: ${reattach}, or move those pods off it first (do not remove the instance while they run there); uncordon it yourself only if brokers may run there`;
}

/**
 * The way out named for an instance whose Node the Kafka node view misses (its label changed, or
 * the node cache lags; `NodelessInstanceHasNode`), given the broker pods a live read found bound
 * to that Node (`aboard`; undefined: the read failed or was not made). Removing the instance is
 * offered only when the read found none, and then only after checking the Node (review s32-a
 * fault 3, the class of s26-b fault 2): advice to remove an instance with brokers aboard is the
 * outside finding's fault done by hand.
 */
export function nodeOutsideViewFix(aboard: readonly string[] | undefined): string {
  const relabel =
    'give the Node the Kafka node label again (the controller then counts it and protects its instance)';
  if (aboard === undefined) {
    return `${relabel}; what runs on the Node could not be read, so do not remove the instance before checking it (kubectl get pods -A --field-selector spec.nodeName=<node>)`;
  }
  if (aboard.length > 0) {
    return `it hosts ${aboard.join(', ')}: ${relabel}, or move those pods off it first (do not remove the instance while they run there)`;
  }
  return `${relabel}, or remove the instance by hand once no pod runs on the Node (kubectl get pods -A --field-selector spec.nodeName=<node>)`;
}

/**
 * The way out named for new operations held by operation records on nodes outside the cached
 * Kafka node view (`recorded`, found by the live read of every node): no pass steps those records.
 * A Kafka node whose label changed gets it back, and the controller then steps its record to its
 * end or its exit (which protects, uncordons, rolls back); the annotation is removed by hand only
 * from a node that is none of this cluster's Kafka nodes.
 */
export function recordOutsideViewFix(
  recorded: readonly string[],
  config: ControllerConfig,
): string {
  const label = `${config.kafkaNodeLabel.key}=${config.kafkaNodeLabel.value}`;
  return `node ${recorded.join(', ')} carries an operation record (${OPERATION_ANNOTATION}) but is not in the Kafka node view, so no pass steps that record and no new operation starts beside it. Fix: a Kafka node of this cluster whose label changed gets its label ${label} back (the controller then steps the record to its end or its exit by itself); from a node that is none of this cluster's Kafka nodes, remove the annotation ${OPERATION_ANNOTATION}`;
}

/** The fix named for a node held while the controller's data is stale or missing. */
const STALE_HOLD_FIX =
  'Fix: the source named (Kubernetes, Prometheus or Auto Scaling; see the stale-data alerts); do not terminate or uncordon the node on this report alone';

/** The fix named for a node whose release the write gate keeps holding. */
const GATE_HOLD_FIX =
  "Fix: the gate's reason is in the controller's log ('write held by the gate'): stale or missing data, usually";

/**
 * Why a roll request must not go out on the live read of the broker pods (`brokersNow`, not the
 * informer cache), or undefined: the gate asked again (`writeBlocker`) on `observed` with `live`
 * in place of its cached brokers, at `nowMs` (epoch ms, never earlier than the observation's), and
 * the pod to roll must still be the one the step chose (`effect.podUid`; gone or recreated:
 * `stale-data`). A live Ready pod without a readiness time, or with one later than `nowMs` (a
 * node clock ahead: review s32-g fault 3), takes the cached view's time for the
 * same UID if that showed it Ready, else the observation's time (Ready since the view, so after
 * any sample; see `ReadySinceMemory`). Pure.
 */
export function liveRollBlocker(
  effect: Extract<Effect, { kind: 'request-roll' }>,
  observed: Observed,
  live: readonly ObservedBroker[],
  config: ControllerConfig,
  nowMs: number,
): Blocker | undefined {
  const cachedSince = new Map(observed.brokers.map(broker => [broker.uid, broker] as const));
  const brokers = live.map(broker => {
    if (!broker.ready || readySinceNotAfter(broker.readySinceMs, nowMs)) return broker;
    const cached = cachedSince.get(broker.uid);
    return {
      ...broker,
      readySinceMs:
        cached?.ready === true && readySinceNotAfter(cached.readySinceMs, nowMs)
          ? cached.readySinceMs
          : observed.nowMs,
    };
  });
  const target = brokers.find(broker => broker.podName === effect.podName);
  if (target?.uid !== effect.podUid) {
    return {
      reason: 'stale-data',
      detail: `pod ${effect.podName} is ${target === undefined ? 'gone' : `now UID ${target.uid}`}, not UID ${effect.podUid}`,
    };
  }
  return writeBlocker({ ...observed, nowMs, brokers }, config, effect);
}

function foreignKey(node: ObservedNode): string {
  return `${node.name} ${node.operation === undefined ? '' : operationRecordKey(node.operation)}`;
}
