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
