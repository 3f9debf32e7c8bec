/**
 * An in-memory cluster for state machine tests: nodes, broker pods, Auto Scaling groups and a
 * Strimzi that rolls annotated pods. Writes are guarded like the real adapters (resourceVersion,
 * UID, group state) and can be made to crash before or after they take effect.
 */
import type { ControllerConfig } from '../../controller/config';
import type {
  Observed,
  ObservedBroker,
  ObservedGroup,
  ObservedNode,
  OtherBrokerPod,
} from '../../controller/model';
import type { OperationRecord } from '../../controller/operation-record';
import type { ClusterWriter, GroupWriter, Leadership, WriteVersions } from '../../controller/ports';
import type { RollbackTally } from '../../controller/rollback-loop';
import { NOW_MS, healthyCluster } from './fixtures';

/** Instance IDs one `SetInstanceProtection` call takes (the adapter's `MAX_PROTECTION_IDS`). */
const MAX_PROTECTION_IDS = 50;

export class CrashError extends Error {}
export class ConflictError extends Error {}

/** What Strimzi does with a roll request. */
export type StrimziBehaviour = 'roll' | 'drop-annotation' | 'refuse';

export interface CrashPlan {
  /** 1-based index of the write that crashes. */
  readonly atWrite: number;
  /** Crash before the write takes effect, or after (a timeout after success). */
  readonly when: 'before' | 'after';
}

export class FakeCluster implements ClusterWriter, GroupWriter {
  nowMs = NOW_MS;
  nodes: ObservedNode[];
  brokers: ObservedBroker[];
  /** Pods of the broker selector outside the configured pools (`Observed.otherBrokerPods`). */
  otherBrokerPods: OtherBrokerPod[] = [];
  groups: ObservedGroup[];
  strimzi: StrimziBehaviour = 'roll';
  underReplicatedPartitions = 0;
  crash: CrashPlan | undefined;
  /** Every write attempted, in order (for counting boundaries). */
  readonly writes: string[] = [];
  /** Instances actually terminated. */
  readonly terminated: string[] = [];
  /** Instances terminated while protected from scale-in (the controller must never do that). */
  readonly terminatedWhileProtected: string[] = [];
  /** Instances the group itself picked when its desired capacity was lowered from outside. */
  readonly scaledIn: string[] = [];
  /** The most pods rolling (annotated or not yet Ready) at any instant. */
  mostRollsInFlight = 0;
  private nextUid = 1;
  private readonly loads: Observed['loads'];

  constructor(
    readonly config: ControllerConfig,
    options: { nodesPerZone: number; demandMiBps: number },
  ) {
    const healthy = healthyCluster(config, options);
    this.nodes = [...healthy.nodes];
    this.brokers = [...healthy.brokers];
    this.groups = [...healthy.groups];
    this.loads = healthy.loads;
  }

  observe = async (): Promise<Observed> => ({
    nowMs: this.nowMs,
    freshness: {
      kubernetesAtMs: this.nowMs,
      prometheusAtMs: this.nowMs,
      autoscalingAtMs: this.nowMs,
    },
    kafkaReady: true,
    underReplicatedPartitions: this.underReplicatedPartitions,
    underMinIsrPartitions: 0,
    healthSampledAtMs: Object.fromEntries(this.brokers.map(broker => [broker.podName, this.nowMs])),
    nodes: this.nodes.map(node => ({ ...node })),
    brokers: this.brokers.map(broker => ({ ...broker })),
    otherBrokerPods: this.otherBrokerPods.map(pod => ({ ...pod })),
    groups: this.groups.map(group => ({ ...group, instances: [...group.instances] })),
    loads: this.loads,
  });

  /** The live read of one node (no staleness): its cordon and the brokers bound to it. */
  nodeNow = async (
    nodeName: string,
  ): Promise<{ readonly unschedulable: boolean; readonly brokers: readonly string[] }> => {
    // As the adapter: a node that is gone is a 404, not an empty, schedulable node.
    const node = this.nodes.find(each => each.name === nodeName);
    if (node === undefined) {
      throw Object.assign(new Error(`nodes "${nodeName}" not found`), { code: 404 });
    }
    return {
      unschedulable: node.unschedulable,
      brokers: [...this.brokers, ...this.otherBrokerPods]
        .filter(broker => broker.nodeName === nodeName)
        .map(broker => broker.podName)
        .sort(),
    };
  };

  /** The live read of every broker pod (no staleness). */
  brokersNow = async (): Promise<readonly ObservedBroker[]> =>
    this.brokers.map(broker => ({ ...broker }));

  /** The live read of the broker selector's pods outside the configured pools (no staleness). */
  otherBrokerPodsNow = async (): Promise<readonly OtherBrokerPod[]> =>
    this.otherBrokerPods.map(pod => ({ ...pod }));

  /** The live read of every Node that names the instance (no staleness). */
  nodesOfInstance = async (instanceId: string): Promise<readonly string[]> =>
    this.nodes
      .filter(node => node.instanceId === instanceId)
      .map(node => node.name)
      .sort();

  private write(name: string, apply: () => void): void {
    this.writes.push(name);
    const crash = this.crash;
    if (crash !== undefined && crash.atWrite === this.writes.length) {
      this.crash = undefined;
      if (crash.when === 'after') apply();
      throw new CrashError(`crash ${crash.when} write ${crash.atWrite} (${name})`);
    }
    apply();
  }

  private updateNode(name: string, change: (node: ObservedNode) => ObservedNode): void {
    this.nodes = this.nodes.map(node =>
      node.name === name
        ? { ...change(node), resourceVersion: String(Number(node.resourceVersion) + 1) }
        : node,
    );
  }

  async writeOperation(
    node: ObservedNode,
    record: OperationRecord | undefined,
    rollbacks?: RollbackTally | null,
  ): Promise<WriteVersions | void> {
    const current = this.nodes.find(each => each.name === node.name);
    if (current === undefined || current.uid !== node.uid) throw new ConflictError('node replaced');
    if (current.resourceVersion !== node.resourceVersion) throw new ConflictError('node changed');
    return this.versioned(node.name, () =>
      this.write(`record ${node.name} ${record?.phase ?? 'clear'}`, () =>
        this.updateNode(node.name, each => {
          const { rollbacks: before, ...rest } = each;
          const tally = rollbacks === undefined ? before : (rollbacks ?? undefined);
          return {
            ...rest,
            operation: record,
            ...(tally === undefined ? {} : { rollbacks: tally }),
          };
        }),
      ),
    );
  }

  /** Runs a write of node `name` and answers its resource versions before and after, as the API. */
  private versioned(name: string, write: () => void): WriteVersions {
    const before = this.nodes.find(each => each.name === name)?.resourceVersion ?? '';
    write();
    const after = this.nodes.find(each => each.name === name)?.resourceVersion ?? '';
    return { before, after };
  }

  async setUnschedulable(
    nodeName: string,
    nodeUid: string,
    unschedulable: boolean,
  ): Promise<WriteVersions | void> {
    const current = this.nodes.find(each => each.name === nodeName);
    if (current === undefined || current.uid !== nodeUid) throw new ConflictError('node replaced');
    // As the adapter: a cordon someone else made (no controller marker) is left as it is, by a
    // cordon (never claimed) and by an uncordon (never undone); nothing is written, and the version
    // read is answered as unchanged, as the adapter answers a write it did not send (review s35-f).
    // A node whose marker the test leaves unset (`cordonedByController` absent: a fixture that
    // does not model the marker) has its cordon taken as the controller's, as `ownCordon` does.
    if (current.unschedulable && current.cordonedByController === false) {
      return this.versioned(nodeName, () =>
        this.write(`${unschedulable ? 'cordon' : 'uncordon'} ${nodeName}`, () => undefined),
      );
    }
    return this.versioned(nodeName, () =>
      this.write(`${unschedulable ? 'cordon' : 'uncordon'} ${nodeName}`, () =>
        this.updateNode(nodeName, each => ({
          ...each,
          unschedulable,
          cordonedByController: unschedulable,
        })),
      ),
    );
  }

  async requestRoll(
    podName: string,
    podUid: string,
    mayRoll?: () => Promise<string | undefined>,
  ): Promise<'refused' | void> {
    const pod = this.brokers.find(each => each.podName === podName);
    if (pod === undefined || pod.uid !== podUid) throw new ConflictError('pod replaced');
    // As the adapter: the caller's live read, right before the patch.
    if ((await mayRoll?.()) !== undefined) return 'refused';
    this.write(`roll ${podName}`, () => {
      this.brokers = this.brokers.map(each =>
        each.podName === podName ? { ...each, rollRequested: true } : each,
      );
    });
    this.trackRolls();
  }

  /** As the adapter: refused above the group's max size (checked before the call), else raised. */
  async raiseDesiredCapacity(groupName: string, desired: number): Promise<void> {
    const group = this.groups.find(each => each.groupName === groupName);
    if (group !== undefined && desired > group.max) {
      throw new Error(`ValidationError: desired ${desired} is above max ${group.max}`);
    }
    this.write(`desired ${groupName} ${desired}`, () => {
      this.groups = this.groups.map(group =>
        group.groupName === groupName && desired > group.desired ? { ...group, desired } : group,
      );
    });
  }

  /**
   * As the adapter: lowers only while the group still wants `fromDesired`, has no more instances
   * counting toward it than `toDesired`, and every InService instance is protected.
   */
  async lowerDesiredCapacity(
    groupName: string,
    fromDesired: number,
    toDesired: number,
  ): Promise<'lowered' | 'changed'> {
    const group = this.groups.find(each => each.groupName === groupName);
    if (group === undefined) throw new Error(`no group ${groupName}`);
    if (group.desired === toDesired) return 'lowered';
    const counted = group.instances.filter(
      i => i.lifecycleState === 'InService' || i.lifecycleState.startsWith('Pending'),
    );
    if (
      group.desired !== fromDesired ||
      counted.length > toDesired ||
      toDesired < group.min ||
      counted.some(i => i.lifecycleState === 'InService' && i.protectedFromScaleIn !== true)
    ) {
      return 'changed';
    }
    this.write(`lower-desired ${groupName} ${toDesired}`, () => {
      this.groups = this.groups.map(each =>
        each.groupName === groupName ? { ...each, desired: toDesired } : each,
      );
    });
    return 'lowered';
  }

  async terminateInstance(
    groupName: string,
    instanceId: string,
    mayTerminate?: () => Promise<string | undefined>,
  ): Promise<'requested' | 'already-leaving' | 'refused'> {
    const group = this.groups.find(each => each.groupName === groupName);
    const instance = group?.instances.find(each => each.instanceId === instanceId);
    if (group === undefined) throw new Error(`no group ${groupName}`);
    // As the adapter: an instance another group lists is refused, not taken for one leaving.
    const owner = this.groups.find(each =>
      each.instances.some(i => i.instanceId === instanceId && i.lifecycleState !== 'Terminating'),
    );
    if (owner !== undefined && owner.groupName !== groupName) {
      throw new Error(`ValidationError: ${instanceId} belongs to ${owner.groupName}`);
    }
    if (instance === undefined || instance.lifecycleState !== 'InService') return 'already-leaving';
    if (group.desired <= group.min) throw new Error('ValidationError: desired equals min');
    // As the adapter: the caller's live read, right before the call.
    if ((await mayTerminate?.()) !== undefined) return 'refused';
    this.write(`terminate ${instanceId}`, () => {
      this.terminated.push(instanceId);
      if (instance.protectedFromScaleIn === true) this.terminatedWhileProtected.push(instanceId);
      this.groups = this.groups.map(each =>
        each.groupName === groupName
          ? {
              ...each,
              desired: each.desired - 1,
              instances: each.instances.map(i =>
                i.instanceId === instanceId ? { ...i, lifecycleState: 'Terminating' } : i,
              ),
            }
          : each,
      );
    });
    return 'requested';
  }

  /**
   * As the adapter: nothing for no instances; otherwise one call (one write) per 50 IDs, each
   * refused as a whole when it names an instance the group does not list (Auto Scaling's
   * `ValidationError`). An unprotect asks `mayUnprotect` before each call; a reason protects again
   * the chunks already sent and answers `refused`.
   */
  async setInstanceProtection(
    groupName: string,
    instanceIds: readonly string[],
    protectedFromScaleIn: boolean,
    mayUnprotect?: () => Promise<string | undefined>,
  ): Promise<'refused' | void> {
    const group = this.groups.find(each => each.groupName === groupName);
    if (group === undefined) throw new Error(`no group ${groupName}`);
    const sent: string[] = [];
    for (let start = 0; start < instanceIds.length; start += MAX_PROTECTION_IDS) {
      const chunk = instanceIds.slice(start, start + MAX_PROTECTION_IDS);
      // As the adapter: the caller's live read, right before an unprotect goes out.
      if (!protectedFromScaleIn && (await mayUnprotect?.()) !== undefined) {
        if (sent.length > 0) this.protect(groupName, sent, true);
        return 'refused';
      }
      this.protect(groupName, chunk, protectedFromScaleIn);
      sent.push(...chunk);
    }
  }

  /** One `SetInstanceProtection` call: at most 50 IDs, all of them in the group. */
  private protect(
    groupName: string,
    instanceIds: readonly string[],
    protectedFromScaleIn: boolean,
  ) {
    const group = this.groups.find(each => each.groupName === groupName);
    if (group === undefined) throw new Error(`no group ${groupName}`);
    for (const id of instanceIds) {
      if (!group.instances.some(each => each.instanceId === id)) {
        throw new Error(`ValidationError: ${id} is not in ${groupName}`);
      }
    }
    const ids = new Set(instanceIds);
    this.write(`${protectedFromScaleIn ? 'protect' : 'unprotect'} ${instanceIds.join(',')}`, () => {
      this.groups = this.groups.map(each =>
        each.groupName === groupName
          ? {
              ...each,
              instances: each.instances.map(i =>
                ids.has(i.instanceId) ? { ...i, protectedFromScaleIn } : i,
              ),
            }
          : each,
      );
    });
  }

  /** A new InService instance (and its Ready node) joins the zone's group, unprotected. */
  addInstance(zone: string, index: number): string {
    const group = this.groups.find(each => each.zone === zone);
    if (group === undefined) throw new Error(`no group in ${zone}`);
    const suffix = zone.slice(-1);
    const instanceId = `i-${suffix}${index}`;
    this.nodes.push({
      name: `node-${suffix}-${index}`,
      uid: `uid-node-${suffix}-${index}`,
      resourceVersion: '1',
      zone,
      ready: true,
      unschedulable: false,
      instanceId,
      createdAtMs: this.nowMs,
      operation: undefined,
    });
    this.groups = this.groups.map(each =>
      each === group
        ? {
            ...each,
            desired: each.desired + 1,
            instances: [
              ...each.instances,
              { instanceId, lifecycleState: 'InService', protectedFromScaleIn: false },
            ],
          }
        : each,
    );
    return instanceId;
  }

  /**
   * Someone outside the controller lowers the group's desired capacity: like Auto Scaling, the
   * group terminates InService instances that are not protected from scale-in (newest first),
   * and none when all are protected.
   */
  lowerDesiredFromOutside(groupName: string, desired: number): void {
    this.groups = this.groups.map(group => {
      if (group.groupName !== groupName) return group;
      const victims = group.instances
        .filter(i => i.lifecycleState === 'InService' && i.protectedFromScaleIn !== true)
        .reverse()
        .slice(0, Math.max(0, group.desired - desired))
        .map(i => i.instanceId);
      this.scaledIn.push(...victims);
      return {
        ...group,
        desired,
        instances: group.instances.map(i =>
          victims.includes(i.instanceId) ? { ...i, lifecycleState: 'Terminating' } : i,
        ),
      };
    });
  }

  private trackRolls(): void {
    const rolling = this.brokers.filter(b => b.rollRequested || !b.ready).length;
    this.mostRollsInFlight = Math.max(this.mostRollsInFlight, rolling);
  }

  /** Lets time pass: Strimzi handles roll requests, the cloud removes terminated instances. */
  advance(seconds: number): void {
    // A pod Strimzi recreates or the scheduler places is Ready from just after the advance began.
    const readyFromMs = this.nowMs + 1;
    this.nowMs += seconds * 1000;
    // Pending pods from an earlier roll are scheduled when room appears.
    this.brokers = this.brokers.map(broker => {
      if (broker.rollRequested) {
        if (this.strimzi === 'drop-annotation') return { ...broker, rollRequested: false };
        if (this.strimzi === 'refuse') return broker;
        return this.schedule(
          { ...broker, rollRequested: false, uid: `uid-new-${this.nextUid++}` },
          readyFromMs,
        );
      }
      if (broker.nodeName === undefined) return this.schedule(broker, readyFromMs);
      return broker;
    });
    this.trackRolls();
    const leaving = new Set(
      this.groups.flatMap(group =>
        group.instances.filter(i => i.lifecycleState === 'Terminating').map(i => i.instanceId),
      ),
    );
    this.nodes = this.nodes.filter(node => !leaving.has(node.instanceId ?? ''));
    this.groups = this.groups.map(group => ({
      ...group,
      instances: group.instances.filter(i => i.lifecycleState !== 'Terminating'),
    }));
  }

  private schedule(broker: ObservedBroker, readyFromMs: number): ObservedBroker {
    const candidates = this.nodes
      .filter(node => node.zone === broker.zone && node.ready && !node.unschedulable)
      .map(node => ({
        node,
        load: this.brokers.filter(b => b.nodeName === node.name && b.podName !== broker.podName)
          .length,
      }))
      .sort((a, b) => a.load - b.load || a.node.name.localeCompare(b.node.name));
    if (candidates.length === 0) return { ...broker, nodeName: undefined, ready: false };
    return { ...broker, nodeName: candidates[0].node.name, ready: true, readySinceMs: readyFromMs };
  }
}

/** A leadership that can be lost. */
export function leader(holder: string, fencingToken: number): { current: Leadership } {
  return { current: { leading: true, fencingToken, holder } };
}
