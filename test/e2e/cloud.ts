/**
 * The AWS side of an end-to-end run. moto's server is the real Auto Scaling and EC2 API surface
 * (one group per zone, tagged the way EKS tags a managed nodegroup's group). The cloud bridge is
 * the one stand-in for AWS: EKS would boot an instance and its kubelet would register a Node; the
 * bridge does both for moto's instances, creating a kwok Node `launchDelaySeconds` after an
 * instance first appears InService, with the labels, taint, zone and `providerID` that
 * components/ gives real Kafka nodes, and deleting the Node once its instance has left the group.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { NODEGROUP_TAG } from '../../controller/adapters/autoscaling';
import { kafkaNodeLabels, kafkaNodeTaint } from '../../components/lib/nodegroup-config';
import type { LoadedSpec } from '../../spec/load';
import { KubeApi } from '../cluster/kube-api';
import type { Connection } from '../cluster/kube-api';
import { freePort } from '../cluster/control-plane';
import { motoServerBinary } from './binaries';
import { waitUntil, type ProcessGroup, type RunningProcess } from './processes';
import { KWOK_NODE_ANNOTATION } from './kube-components';

/** Credentials moto accepts (any); never real ones. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** A zone's group in moto. */
export interface ZoneGroup {
  readonly zone: string;
  readonly nodegroupName: string;
  readonly groupName: string;
}

/** moto's server and the zones' groups in it. */
export interface Moto {
  readonly endpoint: string;
  readonly process: RunningProcess;
  readonly client: AutoScalingClient;
  readonly groups: readonly ZoneGroup[];
  /** Current state of every zone group, by group name. */
  describe(): Promise<Map<string, AutoScalingGroup>>;
  /** Someone else changes a group's desired capacity (the fault). */
  setDesiredCapacity(groupName: string, desired: number): Promise<void>;
}

/** EKS's instance type taint effect names -> Kubernetes'. */
function taintEffect(effect: 'NO_SCHEDULE'): 'NoSchedule' {
  return effect === 'NO_SCHEDULE' ? 'NoSchedule' : effect;
}

/**
 * Starts moto and creates one group per zone of the spec, sized like the Kafka nodegroups
 * (min = the plan's lowest level, max = its highest, desired = min), tagged `eks:nodegroup-name`,
 * `eks:cluster-name` and `kubernetes.io/cluster/<name>` as EKS tags a managed nodegroup's group.
 */
export async function startMoto(loaded: LoadedSpec, processes: ProcessGroup): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = processes.start('moto', motoServerBinary(), [
    '-H',
    '127.0.0.1',
    '-p',
    String(port),
  ]);
  await waitUntil('moto', async () => (await fetch(`${endpoint}/moto-api/`)).ok, 60_000, {
    everyMs: 250,
  });
  const client = new AutoScalingClient({
    region: loaded.spec.region,
    endpoint,
    maxAttempts: 3,
    credentials: MOTO_CREDENTIALS,
  });
  await client.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: `${loaded.spec.name}-kafka`,
      ImageId: 'ami-12c6146b',
      InstanceType: loaded.plan.nodeCapacity.instanceType,
    }),
  );
  const groups: ZoneGroup[] = [];
  for (const zone of loaded.plan.zones) {
    const groupName = `eks-${zone.nodegroupName}-${zone.index}a2b3c4d`;
    await client.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: groupName,
        LaunchConfigurationName: `${loaded.spec.name}-kafka`,
        MinSize: loaded.plan.minNodesPerZone,
        MaxSize: loaded.plan.maxNodesPerZone,
        DesiredCapacity: loaded.plan.balancedNodeCounts[0],
        AvailabilityZones: [zone.zone],
        Tags: [
          { Key: NODEGROUP_TAG, Value: zone.nodegroupName, PropagateAtLaunch: true },
          { Key: 'eks:cluster-name', Value: loaded.spec.name, PropagateAtLaunch: true },
          {
            Key: `kubernetes.io/cluster/${loaded.spec.name}`,
            Value: 'owned',
            PropagateAtLaunch: true,
          },
        ],
      }),
    );
    groups.push({ zone: zone.zone, nodegroupName: zone.nodegroupName, groupName });
  }
  const describe = async (): Promise<Map<string, AutoScalingGroup>> => {
    const out = await client.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: groups.map(g => g.groupName) }),
    );
    return new Map((out.AutoScalingGroups ?? []).map(g => [g.AutoScalingGroupName ?? '', g]));
  };
  return {
    endpoint,
    process: child,
    client,
    groups,
    describe,
    setDesiredCapacity: async (groupName, desired) => {
      await client.send(
        new SetDesiredCapacityCommand({
          AutoScalingGroupName: groupName,
          DesiredCapacity: desired,
          HonorCooldown: false,
        }),
      );
    },
  };
}

/** The Node the bridge registers for an instance (what EKS and the kubelet would produce). */
export function nodeForInstance(
  loaded: LoadedSpec,
  group: ZoneGroup,
  instanceId: string,
): Record<string, unknown> {
  const { plan, spec } = loaded;
  const name = `${instanceId}.${spec.region}.compute.internal`;
  const taint = kafkaNodeTaint(plan);
  const cpu = plan.nodeCapacity.vcpu;
  const memoryMi = plan.nodeCapacity.memoryGi * 1024;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake' },
      labels: {
        ...kafkaNodeLabels(plan),
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': group.zone,
        'topology.kubernetes.io/region': spec.region,
        'node.kubernetes.io/instance-type': plan.nodeCapacity.instanceType,
        'eks.amazonaws.com/nodegroup': group.nodegroupName,
        'eks.amazonaws.com/capacityType': 'ON_DEMAND',
        type: 'kwok',
      },
    },
    spec: {
      providerID: `aws:///${group.zone}/${instanceId}`,
      taints: [
        { key: taint.key, value: taint.value, effect: taintEffect(taint.effect) },
        // A kubelet registers with this taint; the node lifecycle controller removes it once the
        // node reports Ready.
        { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
      ],
    },
    status: {
      // The kubelet's reservations on an EKS node of this size are about 0.1 vCPU and 1.2 GiB.
      capacity: { cpu: String(cpu), memory: `${memoryMi}Mi`, pods: '58' },
      allocatable: {
        cpu: `${cpu * 1000 - 90}m`,
        memory: `${memoryMi - 1200}Mi`,
        pods: '58',
      },
    },
  };
}

/** What the bridge did, for the timeline. */
export interface BridgeEvent {
  readonly atMs: number;
  readonly kind: 'node-created' | 'node-deleted';
  readonly instanceId: string;
  readonly nodeName: string;
  readonly zone: string;
}

/** The cloud bridge: moto instances -> kwok Nodes. */
export class CloudBridge {
  private readonly firstSeenMs = new Map<string, number>();
  private readonly created = new Map<string, { nodeName: string; zone: string }>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly api: KubeApi;
  readonly events: BridgeEvent[] = [];
  /** Errors seen by the polling loop (moto or the API server down is expected in faults). */
  errors = 0;

  constructor(
    private readonly loaded: LoadedSpec,
    private readonly moto: Moto,
    connection: Connection,
    private readonly launchDelaySeconds: number,
  ) {
    this.api = new KubeApi(connection);
  }

  start(): void {
    this.running = true;
    const loop = async (): Promise<void> => {
      if (!this.running) return;
      try {
        await this.sync();
      } catch {
        this.errors++;
      }
      if (this.running) this.timer = setTimeout(() => void loop(), 500);
    };
    void loop();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.api.close();
  }

  /** One pass: create Nodes that are due, delete Nodes whose instance left. */
  async sync(): Promise<void> {
    const nowMs = Date.now();
    const described = await this.moto.describe();
    const present = new Set<string>();
    for (const group of this.moto.groups) {
      for (const instance of described.get(group.groupName)?.Instances ?? []) {
        const id = instance.InstanceId ?? '';
        if (id === '') continue;
        const leaving = (instance.LifecycleState ?? '').startsWith('Terminat');
        if (leaving) continue;
        present.add(id);
        if (this.created.has(id)) continue;
        const first = this.firstSeenMs.get(id) ?? nowMs;
        this.firstSeenMs.set(id, first);
        if (nowMs - first < this.launchDelaySeconds * 1000) continue;
        const node = nodeForInstance(this.loaded, group, id);
        const response = await this.api.request('POST', '/api/v1/nodes', { body: node });
        const nodeName = (node.metadata as { name: string }).name;
        if (response.status !== 201 && response.status !== 409) {
          throw new Error(`creating node ${nodeName}: HTTP ${response.status}`);
        }
        this.created.set(id, { nodeName, zone: group.zone });
        this.events.push({
          atMs: Date.now(),
          kind: 'node-created',
          instanceId: id,
          nodeName,
          zone: group.zone,
        });
      }
    }
    for (const [id, { nodeName, zone }] of [...this.created]) {
      if (present.has(id)) continue;
      const response = await this.api.request('DELETE', `/api/v1/nodes/${nodeName}`);
      if (response.status !== 200 && response.status !== 404) {
        throw new Error(`deleting node ${nodeName}: HTTP ${response.status}`);
      }
      this.created.delete(id);
      this.firstSeenMs.delete(id);
      this.events.push({ atMs: Date.now(), kind: 'node-deleted', instanceId: id, nodeName, zone });
    }
  }
}
