/**
 * Leadership checked at the moment of the write. The reconciler checks the lease before it
 * starts a write, but a write can wait after that: in the Kubernetes token bucket, behind a 429
 * pause, in the per-group spacing of Auto Scaling calls, or between an adapter's retries. These
 * wrappers sit innermost, right where the request goes out, and drop it with `NotLeaderError`
 * when the lease may have expired by then (`Leadership.leading` is false once the last renewal is
 * older than the renew deadline, which is shorter than the lease duration).
 */
import type { AutoScalingCalls } from './adapters/autoscaling';
import type { ClusterWriter, Leadership } from './ports';

/** Thrown when a write would go out without the lease. */
export class NotLeaderError extends Error {}

/** Throws `NotLeaderError` unless this replica leads now. */
export type WriteFence = () => void;

/** A fence over a leadership source. */
export function leaderFence(leadership: () => Leadership): WriteFence {
  return () => {
    if (!leadership().leading) throw new NotLeaderError('lease may have expired; write dropped');
  };
}

/** The cluster writes, each dropped when the fence refuses right before it goes out. */
export function fencedClusterWriter(writer: ClusterWriter, fence: WriteFence): ClusterWriter {
  return {
    writeOperation: async (node, record) => {
      fence();
      return writer.writeOperation(node, record);
    },
    setUnschedulable: async (nodeName, nodeUid, unschedulable) => {
      fence();
      return writer.setUnschedulable(nodeName, nodeUid, unschedulable);
    },
    requestRoll: async (podName, podUid) => {
      fence();
      return writer.requestRoll(podName, podUid);
    },
  };
}

/**
 * The mutating Auto Scaling calls, fenced. Wrap the adapter's raw calls with this (not the
 * adapter), so every retry the adapter makes after a backoff is fenced too.
 */
export function fencedAutoScalingCalls(
  calls: AutoScalingCalls,
  fence: WriteFence,
): AutoScalingCalls {
  return {
    describeGroups: input => calls.describeGroups(input),
    describeInstances: input => calls.describeInstances(input),
    setDesiredCapacity: async input => {
      fence();
      return calls.setDesiredCapacity(input);
    },
    terminateInstance: async input => {
      fence();
      return calls.terminateInstance(input);
    },
    setInstanceProtection: async input => {
      fence();
      return calls.setInstanceProtection(input);
    },
  };
}
