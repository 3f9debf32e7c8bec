/**
 * Review s25-c: a hostile review with a fault injected at each step, looking for what the earlier
 * reviews missed.
 *
 * 1. Kafka's `Ready` condition was taken at face value. Strimzi writes it at the end of a
 *    reconciliation, so after a spec change (`metadata.generation` bumped, `status.observedGeneration`
 *    still the old one) it describes the cluster before the change, while Strimzi is about to roll
 *    or is rolling brokers for it; and with `strimzi.io/pause-reconciliation: "true"` Strimzi acts
 *    on no roll request, so a move asked for then could only time out, be retried, time out again
 *    and abandon the operation (an operator's way out only). Class: a status read without asking
 *    whether it answers for the current spec of a reconciling resource. Fix: `kafkaReadiness`
 *    (observe.ts) counts Ready only for the current generation and while reconciliation is not
 *    paused; the `kafka-not-ready` hold names why.
 * 2. The zone's Auto Scaling group was the first group the API listed with the zone's nodegroup
 *    tag (`eks:nodegroup-name`). A nodegroup name is unique only within its EKS cluster: two
 *    clusters of one account and region (a blue/green upgrade, two platforms of one name joining
 *    two existing clusters) each have a group with that tag, and the controller could take the
 *    other cluster's. Its InService instances have no Node here, so they look node-less, and the
 *    node-less exit terminates such an instance (the live Node read lists this cluster's Nodes
 *    only): a Kafka node of the other cluster, brokers aboard (only the IAM policy's tag condition
 *    stood in the way). Class: a lookup by a name that is not unique taking the first match.
 *    Fix: the groups must also carry `eks:cluster-name` of this cluster (`eksClusterName`, from
 *    the spec), and a zone that still matches several groups reads none (the describe throws,
 *    naming them; every write holds on the missing Auto Scaling view).
 * 3. The live read that licenses a terminate was taken before the waits in front of the call: the
 *    per-group spacing of mutating Auto Scaling calls (10 s after the unprotect that precedes
 *    every terminate, node-less exit and removal alike) and any retry's backoff. A kubelet that
 *    was late registers in those seconds and a broker is bound to its node, or someone uncordons
 *    a removal's node and a Pending broker lands: the instance went, broker aboard. Class: a check
 *    of the world taken before a wait, trusted after it. Fix: `GroupWriter.terminateInstance`
 *    asks the caller's live read (`mayTerminate`) right before each call goes out, after every
 *    wait; a refusal sends nothing (`refused`). The same class held for the other write a live
 *    read licenses, the roll request: the live broker read came before the wait for tokens (a
 *    429 pauses the whole bucket) and the adapter's read of the pod, so a broker that went down
 *    meanwhile did not hold the roll. `ClusterWriter.requestRoll` asks `mayRoll` right before
 *    the patch.
 */
import fc from 'fast-check';
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { AutoScalingAdapter, type AutoScalingCalls } from '../../controller/adapters/autoscaling';
import { GroupMutationSpacing, spacedGroupWriter } from '../../controller/rate-limit';
import { writeBlocker } from '../../controller/gate';
import { stepOperation } from '../../controller/operation';
import type { OperationRecord } from '../../controller/operation-record';
import type { ClusterWriter } from '../../controller/ports';
import { FakeCluster } from './fake-cluster';
import {
  landingOnNodeA1,
  lateKubeletCluster,
  removalOfNodeA1,
  waitingGroupWriter,
} from './writer-waits';
import { reconcilerOn } from './fake-reconciler';
import { assembleObservation, type KafkaLike } from '../../controller/observe';
import {
  STEP_CONTEXT,
  cordonRecordOfNodeA1,
  healthyCluster,
  testConfig,
  withNode,
} from './fixtures';

describe('fault 1: the Kafka Ready condition counts only for the current spec, unpaused', () => {
  const config = testConfig();

  /** The healthy fixture with Kafka's readiness as the observation reads it from `kafka`. */
  function observedWith(kafka: KafkaLike) {
    const assembled = assembleObservation(
      {
        nowMs: 1,
        nodes: [],
        pods: [],
        kafka,
        kubernetesSyncedAtMs: 1,
        prometheus: undefined,
        autoscaling: undefined,
      },
      config,
    );
    return {
      ...healthyCluster(config, { nodesPerZone: 2 }),
      kafkaReady: assembled.kafkaReady,
      ...(assembled.kafkaNotReadyBecause === undefined
        ? {}
        : { kafkaNotReadyBecause: assembled.kafkaNotReadyBecause }),
    };
  }

  const ready = [{ type: 'Ready', status: 'True' }];
  const roll = { kind: 'request-roll', podName: 'orders-brokers-a-1001', podUid: 'x' } as const;

  test('a spec change Strimzi has not reconciled yet holds every roll, naming the generations', () => {
    const observed = observedWith({
      metadata: { generation: 7 },
      status: { observedGeneration: 6, conditions: ready },
    });
    const blocked = writeBlocker(observed, config, roll);
    expect(blocked?.reason).toBe('kafka-not-ready');
    expect(blocked?.detail).toContain('generation 6, the spec is at 7');
  });

  test('paused reconciliation holds every roll, before and after Strimzi rewrote the status', () => {
    for (const kafka of [
      {
        metadata: { generation: 7, annotations: { 'strimzi.io/pause-reconciliation': 'true' } },
        status: { observedGeneration: 7, conditions: ready },
      },
      {
        metadata: { generation: 7 },
        status: {
          observedGeneration: 7,
          conditions: [...ready, { type: 'ReconciliationPaused', status: 'True' }],
        },
      },
    ]) {
      const blocked = writeBlocker(observedWith(kafka), config, roll);
      expect(blocked?.reason).toBe('kafka-not-ready');
      expect(blocked?.detail).toContain('paused');
    }
  });

  test('a removal in drain asks for no roll while the spec is ahead of the status', () => {
    const record: OperationRecord = {
      ...cordonRecordOfNodeA1('remove-node'),
      phase: 'drain',
      fencingToken: 3,
    };
    const observed = withNode(
      observedWith({
        metadata: { generation: 2 },
        status: { observedGeneration: 1, conditions: ready },
      }),
      'node-a-1',
      node => ({ ...node, unschedulable: true, cordonedByController: true, operation: record }),
    );
    const step = stepOperation(record, observed, config, {
      ...STEP_CONTEXT,
      recordNodeName: 'node-a-1',
    });
    expect(step.effect).toBeUndefined();
    expect(step.waiting).toContain('the spec is at 2');
    // The same cluster with the status caught up: the move goes out.
    const caughtUp = withNode(
      observedWith({
        metadata: { generation: 2 },
        status: { observedGeneration: 2, conditions: ready },
      }),
      'node-a-1',
      node => ({ ...node, unschedulable: true, cordonedByController: true, operation: record }),
    );
    const moved = stepOperation(record, caughtUp, config, {
      ...STEP_CONTEXT,
      recordNodeName: 'node-a-1',
    });
    expect(moved.effect?.kind).toBe('request-roll');
  });

  test('property: a roll may go out only on Ready True, for the current generation, unpaused', () => {
    const generationArb = fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined });
    fc.assert(
      fc.property(
        generationArb,
        generationArb,
        fc.constantFrom(undefined, 'true', 'false', 'TRUE'),
        fc.constantFrom('True', 'False', 'Unknown', undefined),
        fc.constantFrom('True', 'False', undefined),
        (generation, observedGeneration, pause, readyStatus, pausedStatus) => {
          const conditions = [
            ...(readyStatus === undefined ? [] : [{ type: 'Ready', status: readyStatus }]),
            ...(pausedStatus === undefined
              ? []
              : [{ type: 'ReconciliationPaused', status: pausedStatus }]),
          ];
          const kafka: KafkaLike = {
            metadata: {
              ...(generation === undefined ? {} : { generation }),
              ...(pause === undefined
                ? {}
                : { annotations: { 'strimzi.io/pause-reconciliation': pause } }),
            },
            status: {
              conditions,
              ...(observedGeneration === undefined ? {} : { observedGeneration }),
            },
          };
          const allowed = writeBlocker(observedWith(kafka), config, roll) === undefined;
          const current = generation === undefined || observedGeneration === generation;
          const paused = pause === 'true' || pausedStatus === 'True';
          expect(allowed).toBe(readyStatus === 'True' && current && !paused);
        },
      ),
      { seed: 2025, numRuns: 400 },
    );
  });
});

describe("fault 2: a zone group is never another EKS cluster's group of the same nodegroup name", () => {
  const zones = [
    { zone: 'us-east-1a', poolName: 'brokers-a', nodegroupName: 'orders-kafka-a', brokers: 4 },
    { zone: 'us-east-1b', poolName: 'brokers-b', nodegroupName: 'orders-kafka-b', brokers: 4 },
  ];

  interface GroupSpec {
    readonly name: string;
    readonly nodegroup: string;
    readonly cluster: string | undefined;
  }

  /** DescribeAutoScalingGroups as the API answers it: tag filters ANDed, values ORed, in order. */
  function describing(specs: readonly GroupSpec[]): AutoScalingCalls {
    const groups: AutoScalingGroup[] = specs.map(spec => ({
      AutoScalingGroupName: spec.name,
      MinSize: 1,
      MaxSize: 4,
      DesiredCapacity: 1,
      DefaultCooldown: 0,
      AvailabilityZones: ['us-east-1a'],
      HealthCheckType: 'EC2',
      CreatedTime: new Date(0),
      Tags: [
        { Key: 'eks:nodegroup-name', Value: spec.nodegroup },
        ...(spec.cluster === undefined ? [] : [{ Key: 'eks:cluster-name', Value: spec.cluster }]),
      ],
      Instances: [
        {
          InstanceId: `i-${spec.name}`,
          LifecycleState: 'InService',
          AvailabilityZone: 'us-east-1a',
          HealthStatus: 'Healthy',
          ProtectedFromScaleIn: true,
        },
      ],
    }));
    const unused = async (): Promise<never> => {
      throw new Error('not a read');
    };
    return {
      describeGroups: async input => ({
        $metadata: {},
        AutoScalingGroups: groups.filter(group =>
          (input.Filters ?? []).every(filter =>
            (group.Tags ?? []).some(
              tag =>
                `tag:${tag.Key}` === filter.Name && (filter.Values ?? []).includes(tag.Value ?? ''),
            ),
          ),
        ),
      }),
      describeInstances: unused,
      setDesiredCapacity: unused,
      terminateInstance: unused,
      setInstanceProtection: unused,
    };
  }

  test('two groups tagged orders-kafka-a (another cluster listed first): the zone reads none', async () => {
    const adapter = new AutoScalingAdapter(
      describing([
        { name: 'eks-other-a', nodegroup: 'orders-kafka-a', cluster: 'staging' },
        { name: 'eks-ours-a', nodegroup: 'orders-kafka-a', cluster: 'prod' },
      ]),
    );
    await expect(adapter.describeZoneGroups(zones)).rejects.toThrow(
      /eks-ours-a.*orders-kafka-a.*cannot tell/,
    );
  });

  test("with the EKS cluster name, the zone reads its own cluster's group", async () => {
    const adapter = new AutoScalingAdapter(
      describing([
        { name: 'eks-other-a', nodegroup: 'orders-kafka-a', cluster: 'staging' },
        { name: 'eks-ours-a', nodegroup: 'orders-kafka-a', cluster: 'prod' },
      ]),
    );
    const groups = await adapter.describeZoneGroups(zones, 'prod');
    expect(groups.map(group => [group.zone, group.groupName])).toEqual([
      ['us-east-1a', 'eks-ours-a'],
    ]);
  });

  test("property: a zone gets its own cluster's unique group, or none and an error; never another's", async () => {
    const groupArb = fc.record({
      nodegroup: fc.constantFrom('orders-kafka-a', 'orders-kafka-b', 'payments-kafka-a'),
      cluster: fc.constantFrom('prod', 'staging', undefined),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(groupArb, { maxLength: 6 }),
        fc.constantFrom('prod', undefined),
        async (drawn, eksClusterName) => {
          const specs = drawn.map((group, index) => ({ ...group, name: `asg-${index}` }));
          const adapter = new AutoScalingAdapter(describing(specs));
          const candidates = (nodegroup: string) =>
            specs.filter(
              spec =>
                spec.nodegroup === nodegroup &&
                (eksClusterName === undefined || spec.cluster === eksClusterName),
            );
          const ambiguous = zones.some(zone => candidates(zone.nodegroupName).length > 1);
          const read = adapter.describeZoneGroups(zones, eksClusterName);
          if (ambiguous) {
            await expect(read).rejects.toThrow(/cannot tell/);
            return;
          }
          const groups = await read;
          for (const zone of zones) {
            const own = candidates(zone.nodegroupName);
            expect(groups.filter(group => group.zone === zone.zone).map(g => g.groupName)).toEqual(
              own.map(spec => spec.name),
            );
          }
        },
      ),
      { seed: 2025, numRuns: 300 },
    );
  });
});

describe('fault 3: the live read that licenses a terminate is taken right before the call', () => {
  const config = testConfig();

  /** Instances terminated while a broker pod was bound to a node that names them. */
  function terminatedWithBroker(cluster: FakeCluster): string[] {
    return cluster.terminated.filter(instanceId =>
      cluster.nodes.some(
        node =>
          node.instanceId === instanceId &&
          cluster.brokers.some(broker => broker.nodeName === node.name),
      ),
    );
  }

  test('node-less exit: a kubelet registers and gets a broker while the terminate waits', async () => {
    // GIVEN zone a with one node and an InService instance i-late that has no Node yet
    const { cluster, late } = lateKubeletCluster(config);
    const reconciler = reconcilerOn(cluster, config, {
      groups: waitingGroupWriter(cluster, 'terminate', late),
      liveNodeCheck: cluster,
    });
    // WHEN it has had no Node for longer than nodeReadyTimeoutSeconds, and registers (a broker
    // bound to it) while the node-less exit waits to terminate it
    await reconciler.reconcileOnce();
    cluster.nowMs += (config.nodeReadyTimeoutSeconds + 60) * 1000;
    await reconciler.reconcileOnce();
    // THEN the terminate is not sent, and the instance is protected again
    expect(cluster.nodes.some(node => node.name === 'node-late')).toBe(true);
    expect(cluster.terminated).toEqual([]);
    const late_ = cluster.groups
      .flatMap(group => group.instances)
      .find(instance => instance.instanceId === 'i-late');
    expect(late_?.protectedFromScaleIn).toBe(true);
  });

  test('removal: the node is uncordoned and a broker lands while the terminate waits', async () => {
    // GIVEN a removal of node-a-1 (emptied, cordoned) in unprotect, its instance unprotected
    const cluster = removalOfNodeA1(config, 'unprotect', true);
    const landing = landingOnNodeA1(cluster);
    const reconciler = reconcilerOn(cluster, config, {
      groups: waitingGroupWriter(cluster, 'terminate', landing),
      liveNodeCheck: cluster,
    });
    // WHEN the step asks for the terminate and, while it waits, someone uncordons the node and a
    // Pending broker is scheduled there
    await reconciler.reconcileOnce();
    // THEN no instance with a broker aboard is terminated
    expect(cluster.writes).not.toContain('terminate i-a1');
    expect(terminatedWithBroker(cluster)).toEqual([]);
  });

  test('the adapter asks right before each attempt, after the backoff; the spaced writer passes it on', async () => {
    const log: string[] = [];
    let attempts = 0;
    const unused = async (): Promise<never> => {
      throw new Error('not used');
    };
    const calls: AutoScalingCalls = {
      describeGroups: async () => ({
        $metadata: {},
        AutoScalingGroups: [
          {
            AutoScalingGroupName: 'asg-a',
            MinSize: 1,
            MaxSize: 4,
            DesiredCapacity: 2,
            DefaultCooldown: 0,
            AvailabilityZones: ['us-east-1a'],
            HealthCheckType: 'EC2',
            CreatedTime: new Date(0),
          },
        ],
      }),
      describeInstances: async () => ({
        $metadata: {},
        AutoScalingInstances: [
          {
            InstanceId: 'i-1',
            AutoScalingGroupName: 'asg-a',
            LifecycleState: 'InService',
            AvailabilityZone: 'us-east-1a',
            HealthStatus: 'HEALTHY',
            ProtectedFromScaleIn: false,
          },
        ],
      }),
      setDesiredCapacity: unused,
      setInstanceProtection: unused,
      terminateInstance: async () => {
        attempts++;
        log.push('terminate');
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'Throttling',
          $metadata: { httpStatusCode: 400 },
        });
      },
    };
    const adapter = new AutoScalingAdapter(calls, {
      attempts: 3,
      backoffBaseMs: 100,
      delay: async () => void log.push('backoff'),
    });
    let asked = 0;
    const spacing = new GroupMutationSpacing(10, {
      now: () => 0,
      sleep: async () => void log.push('spacing'),
    });
    await spacing.acquire('asg-a'); // the unprotect that precedes every terminate
    const result = await spacedGroupWriter(adapter, spacing).terminateInstance(
      'asg-a',
      'i-1',
      async () => {
        asked++;
        log.push('live read');
        return asked === 1 ? undefined : 'node-a-1 hosts orders-brokers-a-1000';
      },
    );
    expect(result).toBe('refused');
    expect(attempts).toBe(1);
    expect(log).toEqual(['spacing', 'live read', 'terminate', 'backoff', 'live read']);
  });

  test('roll: another broker goes down while the roll request waits for its turn', async () => {
    // GIVEN a removal of node-a-1 in drain, its brokers still aboard, every broker Ready
    const cluster = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
    const record: OperationRecord = {
      ...cordonRecordOfNodeA1('remove-node'),
      phase: 'drain',
      fencingToken: 1,
    };
    cluster.nodes = cluster.nodes.map(node =>
      node.name === 'node-a-1'
        ? { ...node, unschedulable: true, cordonedByController: true, operation: record }
        : node,
    );
    const down = 'orders-brokers-b-2000';
    const writer: ClusterWriter = {
      writeOperation: (node, next) => cluster.writeOperation(node, next),
      setUnschedulable: (name, uid, on) => cluster.setUnschedulable(name, uid, on),
      requestRoll: async (podName, podUid, mayRoll) => {
        // While it waits (a 429 pause of the token bucket): someone restarts a broker of zone b.
        cluster.brokers = cluster.brokers.map(broker =>
          broker.podName === down ? { ...broker, ready: false } : broker,
        );
        return cluster.requestRoll(podName, podUid, mayRoll);
      },
    };
    const reconciler = reconcilerOn(cluster, config, {
      cluster: writer,
      liveNodeCheck: cluster,
      liveBrokerCheck: cluster,
    });
    // WHEN the drain step asks for its roll
    await reconciler.reconcileOnce();
    // THEN no roll goes out beside the broker that went down
    expect(cluster.brokers.find(broker => broker.podName === down)?.ready).toBe(false);
    expect(cluster.writes.filter(write => write.startsWith('roll '))).toEqual([]);
  });
});
