/**
 * Scale-in protection housekeeping, as a pure function. Every InService (or Standby) instance of
 * a Kafka group is kept `ProtectedFromScaleIn`, so nothing that lowers a group's desired capacity (a person, a
 * stray `desiredSize` change, EKS) lets the group pick a node that hosts brokers. The one
 * exception is the instance a `remove-node` operation is about to terminate: from its `unprotect`
 * phase on, the operation owns that instance's protection.
 *
 * This is not an action: it never blocks or replaces the one action `decide` returns. The
 * reconciler performs it each pass (leader only, not in dry-run), one `SetInstanceProtection`
 * call per group listing the unprotected instances. Setting protection is idempotent, so a crash
 * or a repeat is harmless: the next pass sees what is still unprotected and protects it.
 */
import type { ControllerConfig } from './config';
import type { Observed } from './model';
import type { OperationPhase } from './operation-record';

/** Phases of `remove-node` in which the operation, not the housekeeping, owns protection. */
export const UNPROTECTED_PHASES: ReadonlySet<OperationPhase> = new Set([
  'unprotect',
  'terminate',
  'terminated',
]);

/**
 * Lifecycle states whose instances the housekeeping keeps protected: `InService`, and `Standby`
 * (an operator's `EnterStandby`: the machine, its Node and its brokers keep running, and
 * `ExitStandby` puts it back `InService` at once). Protection only takes effect from `InService`,
 * but the flag can be set at any time, so a Standby instance comes back protected instead of open
 * to any lowering of the group's desired capacity until the next pass; and the orphaned-cordon
 * release (`reconciler.ts`), which waits for the protection, does not wait for the operator.
 */
export const PROTECTED_STATES: ReadonlySet<string> = new Set(['InService', 'Standby']);

/** Instances of one group to protect. */
export interface ProtectionRequest {
  readonly groupName: string;
  readonly instanceIds: readonly string[];
}

/** Instances the operations in flight are removing (their protection is theirs to manage). */
export function instancesBeingRemoved(observed: Observed): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const node of observed.nodes) {
    const record = node.operation;
    if (
      record?.kind === 'remove-node' &&
      record.instanceId !== undefined &&
      UNPROTECTED_PHASES.has(record.phase)
    ) {
      ids.add(record.instanceId);
    }
  }
  return ids;
}

/**
 * The instances observed unprotected in a `PROTECTED_STATES` state, per group, except those being
 * removed. Empty
 * while the Kubernetes or Auto Scaling view is stale or missing: the exception above is read
 * from the node records, so it must be current.
 */
export function instancesToProtect(
  observed: Observed,
  config: ControllerConfig,
): ProtectionRequest[] {
  const { kubernetesAtMs, autoscalingAtMs } = observed.freshness;
  const staleBeforeMs = observed.nowMs - config.staleAfterSeconds * 1000;
  if (kubernetesAtMs === undefined || kubernetesAtMs < staleBeforeMs) return [];
  if (autoscalingAtMs === undefined || autoscalingAtMs < staleBeforeMs) return [];
  const removing = instancesBeingRemoved(observed);
  const requests: ProtectionRequest[] = [];
  for (const group of observed.groups) {
    const instanceIds = group.instances
      .filter(
        instance =>
          PROTECTED_STATES.has(instance.lifecycleState) &&
          instance.protectedFromScaleIn === false &&
          instance.instanceId !== '' &&
          !removing.has(instance.instanceId),
      )
      .map(instance => instance.instanceId)
      .sort();
    if (instanceIds.length > 0) requests.push({ groupName: group.groupName, instanceIds });
  }
  return requests;
}
