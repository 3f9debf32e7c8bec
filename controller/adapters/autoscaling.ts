/**
 * The Auto Scaling adapter: the only file that imports `@aws-sdk/client-auto-scaling`.
 * Throttling, `ScalingActivityInProgress`, 5xx and timeouts are retried with backoff (checking the
 * group state before each retry, since a timed-out call may have succeeded); `ValidationError` is
 * never retried and never "fixed" by dropping the decrement: it stops the operation and alerts.
 */
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  type AutoScalingGroup,
  type DescribeAutoScalingGroupsCommandInput,
  type DescribeAutoScalingGroupsCommandOutput,
  type DescribeAutoScalingInstancesCommandInput,
  type DescribeAutoScalingInstancesCommandOutput,
  type SetDesiredCapacityCommandInput,
  type SetInstanceProtectionCommandInput,
  type TerminateInstanceInAutoScalingGroupCommandInput,
} from '@aws-sdk/client-auto-scaling';
import { backoffMs } from '../api-fault';
import type { ZoneConfig } from '../config';
import { confirmedFence, type LeaseConfirmation, type WriteFence } from '../fence';
import type { ObservedGroup } from '../model';
import { countsTowardDesired } from '../nodeless';
import type { GroupWriter } from '../ports';

/** Instance IDs `SetInstanceProtection` accepts in one call. */
export const MAX_PROTECTION_IDS = 50;

/** Tag EKS puts on a managed nodegroup's Auto Scaling group. */
export const NODEGROUP_TAG = 'eks:nodegroup-name';
/** The tag EKS puts on a managed nodegroup's Auto Scaling group naming its cluster. */
export const CLUSTER_TAG = 'eks:cluster-name';

/** The API calls the adapter makes, injectable for fault tests. */
export interface AutoScalingCalls {
  describeGroups(
    input: DescribeAutoScalingGroupsCommandInput,
  ): Promise<DescribeAutoScalingGroupsCommandOutput>;
  describeInstances(
    input: DescribeAutoScalingInstancesCommandInput,
  ): Promise<DescribeAutoScalingInstancesCommandOutput>;
  setDesiredCapacity(input: SetDesiredCapacityCommandInput): Promise<unknown>;
  terminateInstance(input: TerminateInstanceInAutoScalingGroupCommandInput): Promise<unknown>;
  setInstanceProtection(input: SetInstanceProtectionCommandInput): Promise<unknown>;
}

/** The calls through a real SDK client (its own retries off: the adapter retries). */
export function sdkCalls(client: AutoScalingClient): AutoScalingCalls {
  return {
    describeGroups: input => client.send(new DescribeAutoScalingGroupsCommand(input)),
    describeInstances: input => client.send(new DescribeAutoScalingInstancesCommand(input)),
    setDesiredCapacity: input => client.send(new SetDesiredCapacityCommand(input)),
    terminateInstance: input => client.send(new TerminateInstanceInAutoScalingGroupCommand(input)),
    setInstanceProtection: input => client.send(new SetInstanceProtectionCommand(input)),
  };
}

/**
 * Builds a client for the region; `endpoint` points it at a local peer (moto) in tests. With
 * `fence`, every command but the `Describe...` reads is fenced inside the client too
 * (`fenceAutoScalingClient`).
 */
export function autoScalingClient(
  region: string,
  endpoint?: string,
  fence?: WriteFence,
  confirm?: LeaseConfirmation,
): AutoScalingClient {
  const client = new AutoScalingClient({
    region,
    maxAttempts: 1,
    ...(endpoint === undefined ? {} : { endpoint }),
  });
  return fence === undefined ? client : fenceAutoScalingClient(client, fence, confirm);
}

/**
 * Adds the leadership fence to `client`'s middleware stack, innermost: in the `deserialize` step at
 * low priority, so it runs after the SDK has resolved the credentials (in the `serialize` step; with
 * IAM roles for service accounts, an STS `AssumeRoleWithWebIdentity` call whenever the cached ones
 * near their expiry) and signed the request, right before the HTTP request is sent. A fence at the
 * call (`fencedAutoScalingCalls`) runs before all that, so a lease that lapses while the SDK fetches
 * credentials would not stop the write. Every command whose name does not start with `Describe` is
 * fenced (`NotLeaderError`, nothing sent). With `confirm`, the Lease is read back from the API
 * there too (`confirmedFence`). Returns `client`.
 */
export function fenceAutoScalingClient(
  client: AutoScalingClient,
  fence: WriteFence,
  confirm?: LeaseConfirmation,
): AutoScalingClient {
  const innermost = confirmedFence(fence, confirm);
  client.middlewareStack.add(
    (next, context) => async args => {
      if (!/^Describe/.test(context.commandName ?? '')) await innermost();
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'leadershipFence' },
  );
  return client;
}

/** The API refused a change; the operation must stop and a human must look. */
export class AutoScalingRefusal extends Error {}

/** Retry timing. */
export interface RetryOptions {
  /** Attempts in total. @default 5 */
  readonly attempts?: number;
  /** @default 500 */
  readonly backoffBaseMs?: number;
  /** @default 20000 */
  readonly backoffMaxMs?: number;
  readonly delay?: (ms: number) => Promise<void>;
}

const RETRYABLE_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ScalingActivityInProgress',
  'ResourceContention',
  'ServiceUnavailable',
  'InternalFailure',
  'TimeoutError',
  'RequestTimeout',
  'AbortError',
]);

/** True for errors worth retrying: throttling, contention, 5xx, timeouts, dropped connections. */
export function isRetryable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const fields = error as {
    name?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (typeof fields.name === 'string' && RETRYABLE_NAMES.has(fields.name)) return true;
  if (
    typeof fields.code === 'string' &&
    ['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE'].includes(fields.code)
  ) {
    return true;
  }
  return (fields.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * True when the API answered `error` with a 4xx status (throttling, validation): the request was
 * refused as a whole and changed nothing. A timeout, a dropped connection (no status) or a 5xx
 * may follow a call the API applied.
 */
function rejectedUnapplied(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500;
}

function isValidationError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError';
}

const realDelay = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** Reads the zones' groups and changes them, safely. */
export class AutoScalingAdapter implements GroupWriter {
  constructor(
    private readonly calls: AutoScalingCalls,
    private readonly options: RetryOptions = {},
  ) {}

  private async retrying<T>(
    what: string,
    call: () => Promise<T>,
    alreadyDone?: () => Promise<T | undefined>,
  ): Promise<T> {
    const attempts = this.options.attempts ?? 5;
    const delay = this.options.delay ?? realDelay;
    for (let attempt = 1; ; attempt++) {
      try {
        if (attempt > 1 && alreadyDone !== undefined) {
          const done = await alreadyDone();
          if (done !== undefined) return done;
        }
        return await call();
      } catch (error) {
        if (isValidationError(error)) {
          throw new AutoScalingRefusal(`${what} refused: ${(error as Error).message}`);
        }
        if (error instanceof AutoScalingRefusal || !isRetryable(error) || attempt >= attempts)
          throw error;
        await delay(
          backoffMs(
            attempt,
            this.options.backoffBaseMs ?? 500,
            this.options.backoffMaxMs ?? 20_000,
          ),
        );
      }
    }
  }

  private async groupsByName(
    names: readonly string[],
    eksClusterName: string | undefined,
  ): Promise<AutoScalingGroup[]> {
    const groups: AutoScalingGroup[] = [];
    let nextToken: string | undefined;
    // A token the API already gave (or an empty one, which asks for the first page again) would
    // page for ever: the pass never ends and every write waits behind it (review s35-a, fault 4).
    const tokens = new Set<string>();
    do {
      const page = await this.retrying('DescribeAutoScalingGroups', () =>
        this.calls.describeGroups({
          Filters: [
            { Name: `tag:${NODEGROUP_TAG}`, Values: [...names] },
            ...(eksClusterName === undefined
              ? []
              : [{ Name: `tag:${CLUSTER_TAG}`, Values: [eksClusterName] }]),
          ],
          NextToken: nextToken,
        }),
      );
      groups.push(...(page.AutoScalingGroups ?? []));
      nextToken = page.NextToken;
      if (nextToken !== undefined && (nextToken === '' || tokens.has(nextToken))) {
        throw new Error(
          `DescribeAutoScalingGroups answered the page token ${JSON.stringify(nextToken)} ${nextToken === '' ? '(empty)' : 'a second time'} after ${tokens.size + 1} pages: its pages would never end, so the groups are not read (the Auto Scaling view counts as missing: stale-data); check the endpoint the controller talks to (a proxy or a stand-in that echoes tokens)`,
        );
      }
      if (nextToken !== undefined) tokens.add(nextToken);
    } while (nextToken !== undefined);
    return groups;
  }

  /**
   * The zones' groups, found by their nodegroup tag (`eks:nodegroup-name`) and, when
   * `eksClusterName` is given, their cluster tag (`eks:cluster-name`). A nodegroup name is unique
   * only within its EKS cluster, so two clusters of one account and region (a blue/green upgrade,
   * two platforms of one name joining two existing clusters) can each have a group with the same
   * nodegroup tag. A zone whose tags match more than one group has no group the controller could
   * act on: the call throws, naming them (the Auto Scaling view is then missing and every write
   * holds, `stale-data`), rather than take whichever the API listed first, whose InService
   * instances would have no Node in this cluster and look like node-less instances to terminate.
   * Throws also when a Describe call fails after its retries.
   */
  async describeZoneGroups(
    zones: readonly ZoneConfig[],
    eksClusterName?: string,
  ): Promise<ObservedGroup[]> {
    const groups = await this.groupsByName(
      zones.map(zone => zone.nodegroupName),
      eksClusterName,
    );
    const tagged = (group: AutoScalingGroup, key: string, value: string) =>
      (group.Tags ?? []).some(tag => tag.Key === key && tag.Value === value);
    const result: ObservedGroup[] = [];
    for (const zone of zones) {
      const matching = groups.filter(
        each =>
          tagged(each, NODEGROUP_TAG, zone.nodegroupName) &&
          (eksClusterName === undefined || tagged(each, CLUSTER_TAG, eksClusterName)),
      );
      if (matching.length > 1) {
        const names = matching.map(each => each.AutoScalingGroupName ?? '?').sort();
        throw new Error(
          `zone ${zone.zone}: Auto Scaling groups ${names.join(', ')} all carry ${NODEGROUP_TAG}=${zone.nodegroupName}` +
            (eksClusterName === undefined ? '' : ` and ${CLUSTER_TAG}=${eksClusterName}`) +
            "; the controller cannot tell which one is this cluster's and reads none (set eksClusterName in its configuration to the EKS cluster's name, or give the nodegroups distinct names)",
        );
      }
      const group = matching[0];
      if (group === undefined) continue;
      result.push({
        zone: zone.zone,
        groupName: group.AutoScalingGroupName ?? '',
        desired: group.DesiredCapacity ?? 0,
        min: group.MinSize ?? 0,
        max: group.MaxSize ?? 0,
        instances: (group.Instances ?? []).map(instance => ({
          instanceId: instance.InstanceId ?? '',
          lifecycleState: instance.LifecycleState ?? 'Unknown',
          protectedFromScaleIn: instance.ProtectedFromScaleIn ?? false,
        })),
      });
    }
    return result;
  }

  private async describeGroup(groupName: string): Promise<AutoScalingGroup> {
    const page = await this.retrying('DescribeAutoScalingGroups', () =>
      this.calls.describeGroups({ AutoScalingGroupNames: [groupName] }),
    );
    const group = page.AutoScalingGroups?.[0];
    if (group === undefined)
      throw new AutoScalingRefusal(`Auto Scaling group ${groupName} not found`);
    return group;
  }

  async raiseDesiredCapacity(groupName: string, desired: number): Promise<void> {
    const alreadyThere = async () => {
      const group = await this.describeGroup(groupName);
      if ((group.MaxSize ?? 0) < desired) {
        throw new AutoScalingRefusal(`group ${groupName} max ${group.MaxSize} is below ${desired}`);
      }
      return (group.DesiredCapacity ?? 0) >= desired ? true : undefined;
    };
    if ((await alreadyThere()) === true) return;
    await this.retrying(
      'SetDesiredCapacity',
      () =>
        this.calls.setDesiredCapacity({
          AutoScalingGroupName: groupName,
          DesiredCapacity: desired,
          HonorCooldown: false,
        }),
      alreadyThere,
    );
  }

  /**
   * See `GroupWriter.lowerDesiredCapacity`. The group is read right before the call (and before
   * each retry: a timed-out call may have succeeded); the write goes out only while that read
   * shows `fromDesired`, at most `toDesired` instances counting toward it (a launch that started
   * since would be picked), `toDesired` at least the min size, and no InService instance
   * unprotected. `HonorCooldown` false, as for a raise.
   */
  async lowerDesiredCapacity(
    groupName: string,
    fromDesired: number,
    toDesired: number,
  ): Promise<'lowered' | 'changed'> {
    const check = async (): Promise<'lowered' | 'changed' | undefined> => {
      const group = await this.describeGroup(groupName);
      const live = group.DesiredCapacity ?? 0;
      if (live === toDesired) return 'lowered';
      const instances = group.Instances ?? [];
      const counted = instances.filter(each =>
        countsTowardDesired(each.LifecycleState ?? ''),
      ).length;
      const unprotected = instances.some(
        each => each.LifecycleState === 'InService' && each.ProtectedFromScaleIn !== true,
      );
      if (live !== fromDesired || counted > toDesired || toDesired < (group.MinSize ?? 0)) {
        return 'changed';
      }
      return unprotected ? 'changed' : undefined;
    };
    const first = await check();
    if (first !== undefined) return first;
    return this.retrying(
      'SetDesiredCapacity',
      async () => {
        await this.calls.setDesiredCapacity({
          AutoScalingGroupName: groupName,
          DesiredCapacity: toDesired,
          HonorCooldown: false,
        });
        return 'lowered' as const;
      },
      check,
    );
  }

  /** Whether the instance is already leaving (or gone); throws when it must not be terminated. */
  private async precheck(groupName: string, instanceId: string): Promise<'leaving' | 'in-service'> {
    const described = await this.retrying('DescribeAutoScalingInstances', () =>
      this.calls.describeInstances({ InstanceIds: [instanceId] }),
    );
    const instance = described.AutoScalingInstances?.[0];
    if (instance === undefined) return 'leaving';
    if (instance.AutoScalingGroupName !== groupName) {
      throw new AutoScalingRefusal(
        `instance ${instanceId} belongs to ${instance.AutoScalingGroupName}, not ${groupName}`,
      );
    }
    if (instance.LifecycleState !== 'InService') return 'leaving';
    const group = await this.describeGroup(groupName);
    if ((group.DesiredCapacity ?? 0) <= (group.MinSize ?? 0)) {
      throw new AutoScalingRefusal(
        `group ${groupName} desired ${group.DesiredCapacity} is at its minimum ${group.MinSize}; lower minSize first`,
      );
    }
    return 'in-service';
  }

  /**
   * See `GroupWriter.terminateInstance`: the group is checked first (`precheck`, again before each
   * retry: a timed-out call may have gone through), then `mayTerminate` is asked right before each
   * attempt, after the backoff that precedes it.
   */
  async terminateInstance(
    groupName: string,
    instanceId: string,
    mayTerminate?: () => Promise<string | undefined>,
  ): Promise<'requested' | 'already-leaving' | 'refused'> {
    if ((await this.precheck(groupName, instanceId)) === 'leaving') return 'already-leaving';
    return this.retrying(
      'TerminateInstanceInAutoScalingGroup',
      async () => {
        if ((await mayTerminate?.()) !== undefined) return 'refused' as const;
        await this.calls.terminateInstance({
          InstanceId: instanceId,
          ShouldDecrementDesiredCapacity: true,
        });
        return 'requested' as const;
      },
      async () =>
        (await this.precheck(groupName, instanceId)) === 'leaving' ? 'already-leaving' : undefined,
    );
  }

  /**
   * Sets `ProtectedFromScaleIn` on the instances, at most `MAX_PROTECTION_IDS` per call (the API's
   * limit per group). The call is idempotent, so a retry after a timeout that in fact succeeded
   * does no harm; `ValidationError` (for example an instance that left the group) is a refusal.
   * An unprotect asks `mayUnprotect` right before each attempt goes out, after the backoff that
   * precedes it (see `GroupWriter.setInstanceProtection`); a reason stops it: `refused`, once every
   * instance whose unprotect may have gone out (an earlier chunk, or an earlier attempt of this
   * one that failed without a 4xx answer: a timeout, a dropped connection or a 5xx says nothing of
   * whether the API took it) is protected again
   * (`reprotectAfterRefusal`, review s26-b). So `refused` always means the instances keep their
   * protection; a protect that fails then throws.
   */
  async setInstanceProtection(
    groupName: string,
    instanceIds: readonly string[],
    protectedFromScaleIn: boolean,
    mayUnprotect?: () => Promise<string | undefined>,
  ): Promise<'refused' | void> {
    /** Instances an unprotect call was sent for (its outcome known or not). */
    const maybeUnprotected: string[] = [];
    for (let start = 0; start < instanceIds.length; start += MAX_PROTECTION_IDS) {
      const chunk = instanceIds.slice(start, start + MAX_PROTECTION_IDS);
      let mayHaveGoneOut = false;
      const result = await this.retrying('SetInstanceProtection', async () => {
        if (!protectedFromScaleIn && (await mayUnprotect?.()) !== undefined) {
          return 'refused' as const;
        }
        try {
          await this.calls.setInstanceProtection({
            AutoScalingGroupName: groupName,
            InstanceIds: [...chunk],
            ProtectedFromScaleIn: protectedFromScaleIn,
          });
        } catch (error) {
          // A timeout, a dropped connection or a 5xx may follow the API taking the call; only an
          // answer in the 4xx range (throttling, validation) says it was not applied.
          if (!protectedFromScaleIn && !mayHaveGoneOut && !rejectedUnapplied(error)) {
            mayHaveGoneOut = true;
            maybeUnprotected.push(...chunk);
          }
          throw error;
        }
        if (!protectedFromScaleIn && !mayHaveGoneOut) {
          mayHaveGoneOut = true;
          maybeUnprotected.push(...chunk);
        }
        return 'sent' as const;
      });
      if (result === 'refused') {
        await this.reprotectAfterRefusal(groupName, maybeUnprotected);
        return 'refused';
      }
    }
  }

  /**
   * Protects again, chunk by chunk and with the usual retries, the instances of an unprotect that
   * was refused after calls for them went out (`setInstanceProtection`); nothing when there are
   * none. Throws when a protect fails after its retries: the caller cannot then take the refusal
   * for "nothing changed".
   */
  private async reprotectAfterRefusal(
    groupName: string,
    instanceIds: readonly string[],
  ): Promise<void> {
    for (let start = 0; start < instanceIds.length; start += MAX_PROTECTION_IDS) {
      const chunk = instanceIds.slice(start, start + MAX_PROTECTION_IDS);
      await this.retrying('SetInstanceProtection', () =>
        this.calls.setInstanceProtection({
          AutoScalingGroupName: groupName,
          InstanceIds: [...chunk],
          ProtectedFromScaleIn: true,
        }),
      );
    }
  }
}
