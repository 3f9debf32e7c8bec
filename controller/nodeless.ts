/**
 * The way out for an instance that never becomes a Node. After a scale-out, an instance can reach
 * `InService` in its group and never register (a bad AMI, a bootstrap failure, a network fault):
 * the group then wants more nodes than the cluster has, the zone waits (`waiting-for-nodes`, then
 * `zone-cannot-grow`), and a desired capacity someone set to an unbalanced count can never be
 * returned to a balanced level.
 *
 * Exit: once an InService instance has had no Node for `nodeReadyTimeoutSeconds` (timed by the
 * controller from when it first saw it so, on its own clock), the controller removes that
 * instance's scale-in protection and terminates exactly it with
 * `ShouldDecrementDesiredCapacity=true`, once per zone per process (a retry
 * once: the next scale-out launches a replacement; the retry is given back when an instance
 * launched after it becomes a Node, see `Reconciler`). If the replacement also never joins, the zone
 * holds with `zone-cannot-grow`, naming the group, and no longer holds the other zones. Nothing
 * ran on such an instance (no Node, so no pod), so terminating it cannot touch a broker. "No
 * Node" is read live right before (`LiveNodeCheck.nodesOfInstance`, every Node of the cluster, no
 * label selector): the cached view lists Kafka nodes by label and may miss one.
 *
 * Pure: the reconciler keeps the first-seen times and calls this each pass (leader only, not in
 * dry-run), through the write gate.
 */
import type { ControllerConfig } from './config';
import type { Observed } from './model';

/** One instance to terminate, with the decrement. */
export interface NodelessInstance {
  readonly zone: string;
  readonly groupName: string;
  readonly instanceId: string;
}

/** InService instances without a Node in the view, by instance ID: their group and zone. */
export function instancesWithoutNode(observed: Observed): Map<string, NodelessInstance> {
  const withNode = new Set(observed.nodes.map(node => node.instanceId));
  const result = new Map<string, NodelessInstance>();
  for (const group of observed.groups) {
    for (const instance of group.instances) {
      if (instance.lifecycleState !== 'InService' || withNode.has(instance.instanceId)) continue;
      result.set(instance.instanceId, {
        zone: group.zone,
        groupName: group.groupName,
        instanceId: instance.instanceId,
      });
    }
  }
  return result;
}

/**
 * The first instance to give up on: without a Node for longer than `nodeReadyTimeoutSeconds`
 * since `sinceMs[instanceId]`, in a zone not yet retried, in a group above its min size, and not
 * in `skipInstanceIds` (instances a live read found a Node for this pass: the next candidate
 * still gets its way out). @default skipInstanceIds - none
 */
export function nodelessInstanceToTerminate(
  observed: Observed,
  config: ControllerConfig,
  sinceMs: ReadonlyMap<string, number>,
  retriedZones: ReadonlySet<string>,
  skipInstanceIds: ReadonlySet<string> = new Set(),
): NodelessInstance | undefined {
  const limitMs = config.nodeReadyTimeoutSeconds * 1000;
  for (const candidate of instancesWithoutNode(observed).values()) {
    if (skipInstanceIds.has(candidate.instanceId)) continue;
    const since = sinceMs.get(candidate.instanceId);
    if (since === undefined || observed.nowMs - since <= limitMs) continue;
    if (retriedZones.has(candidate.zone)) continue;
    const group = observed.groups.find(each => each.groupName === candidate.groupName);
    if (group === undefined || group.desired <= group.min) continue;
    return candidate;
  }
  return undefined;
}

/**
 * Lifecycle states of the instances a group counts toward its desired capacity while they last:
 * a launch (`Pending`, `Pending:Wait`, `Pending:Proceed`) or a running member (`InService`).
 * Leaving (`Terminating...`, `Terminated`, `Detaching`, `Detached`) and Standby instances do not
 * count: the group launches others in their place, or lowered its desired capacity with them.
 */
export function countsTowardDesired(lifecycleState: string): boolean {
  return lifecycleState === 'InService' || lifecycleState.startsWith('Pending');
}

/**
 * A group whose desired capacity asks for more instances than it has, counting launches in
 * progress (`countsTowardDesired`): launches that never got an instance (no capacity for the
 * instance type in the zone, `InsufficientInstanceCapacity`, a quota, a launch template the
 * account cannot use). Auto Scaling keeps retrying them, and until one succeeds the zone waits
 * (`waiting-for-nodes`, then `zone-cannot-grow`): no re-spread, no scale-in, and the ramp guard
 * counts the missing nodes as launching.
 */
export interface LaunchShortfall {
  readonly zone: string;
  readonly groupName: string;
  /** The group's desired capacity. */
  readonly desired: number;
  /** Its instances that count toward it (`countsTowardDesired`). */
  readonly instances: number;
  /**
   * The desired capacity that gives the missing launches up and no more: the instances counted,
   * at least the group's min size. Lowering to it leaves the group no instance to terminate.
   */
  readonly toDesired: number;
}

/** Groups whose desired capacity is above `LaunchShortfall.toDesired`, by group name. */
export function launchShortfalls(observed: Observed): Map<string, LaunchShortfall> {
  const result = new Map<string, LaunchShortfall>();
  for (const group of observed.groups) {
    const instances = group.instances.filter(each =>
      countsTowardDesired(each.lifecycleState),
    ).length;
    const toDesired = Math.max(instances, group.min);
    if (group.desired <= toDesired) continue;
    result.set(group.groupName, {
      zone: group.zone,
      groupName: group.groupName,
      desired: group.desired,
      instances,
      toDesired,
    });
  }
  return result;
}

/** Since when (epoch ms, this process's clock) a group has fallen short at this desired capacity. */
export interface ShortfallSince {
  readonly desired: number;
  readonly sinceMs: number;
}

/**
 * The shortfall clocks after this observation: a group keeps its clock while it falls short at the
 * same desired capacity, and starts a new one at `observed.nowMs` when its desired capacity changed
 * (a scale-out asks for new launches, which get their own time) or it fell short anew; a group
 * that no longer falls short drops out. A clock set after now (the clock stepped back) restarts.
 */
export function nextShortfallClocks(
  observed: Observed,
  before: ReadonlyMap<string, ShortfallSince>,
): Map<string, ShortfallSince> {
  const next = new Map<string, ShortfallSince>();
  for (const shortfall of launchShortfalls(observed).values()) {
    const kept = before.get(shortfall.groupName);
    next.set(
      shortfall.groupName,
      kept !== undefined && kept.desired === shortfall.desired && kept.sinceMs <= observed.nowMs
        ? kept
        : { desired: shortfall.desired, sinceMs: observed.nowMs },
    );
  }
  return next;
}

/**
 * The first group to give its missing launches up: short of instances at the same desired
 * capacity for longer than `nodeReadyTimeoutSeconds` (the time a launch gets to become a Ready
 * node). Lowering its desired capacity to `toDesired` is the way out: the zone no longer waits for
 * nodes that will not come, and a scale-out it still needs raises the group again, which is a
 * fresh launch attempt. Undefined when none.
 */
export function launchShortfallToGiveUp(
  observed: Observed,
  config: ControllerConfig,
  clocks: ReadonlyMap<string, ShortfallSince>,
): LaunchShortfall | undefined {
  const limitMs = config.nodeReadyTimeoutSeconds * 1000;
  for (const shortfall of launchShortfalls(observed).values()) {
    const clock = clocks.get(shortfall.groupName);
    if (clock === undefined || clock.desired !== shortfall.desired) continue;
    if (observed.nowMs - clock.sinceMs > limitMs) return shortfall;
  }
  return undefined;
}
