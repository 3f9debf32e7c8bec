/**
 * The end-to-end tier's own parts, checked in the fast tier (nothing started): the Nodes the cloud
 * bridge registers, the StatefulSets and volumes built from the synth output, kwok's stages, the
 * write classifiers of the taps, and the chart specification.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { instanceIdOf, observeNode } from '../../controller/observe';
import { controllerConfigFromSpec } from '../../controller/config';
import { kafkaNodeLabels, kafkaNodeTaint } from '../../components/lib/nodegroup-config';
import { exampleSpec } from '../util/specs';
import { nodeForInstance } from './cloud';
import { compressedConfig, serviceAccountKubeconfig } from './controller-process';
import { DEFAULT_TIMING } from './environment';
import { HOLD_READINESS_LABEL, kwokPodStages } from './kube-components';
import type { Timeline } from './recorder';
import { timelineChartSpec } from './timeline-chart';
import { brokerStatefulSet, brokerVolume, brokerPodNames, synthParts } from './workload';
import { autoScalingWrites, kubernetesWrites } from './write-tap';
import { WriteSteps } from './scenario';
import { encodeOperationRecord, type OperationRecord } from '../../controller/operation-record';
import {
  fenceStamp,
  withStampOps,
  type JsonPatchOperation,
} from '../../controller/admission-fence';

const loaded = exampleSpec('prod');

describe('cloud bridge nodes', () => {
  const group = {
    zone: 'us-east-1b',
    nodegroupName: 'orders-kafka-b',
    groupName: 'eks-orders-kafka-b-1',
  };
  const node = nodeForInstance(loaded, group, 'i-0abc123') as {
    metadata: { name: string; labels: Record<string, string> };
    spec: { providerID: string; taints: Array<{ key: string; value?: string; effect: string }> };
  };

  test('carry the labels and taint components/ gives Kafka nodes, and the zone', () => {
    expect(node.metadata.labels).toMatchObject(kafkaNodeLabels(loaded.plan));
    expect(node.metadata.labels['topology.kubernetes.io/zone']).toBe('us-east-1b');
    const taint = kafkaNodeTaint(loaded.plan);
    expect(node.spec.taints).toContainEqual({
      key: taint.key,
      value: taint.value,
      effect: 'NoSchedule',
    });
    expect(node.spec.taints).toContainEqual({
      key: 'node.kubernetes.io/not-ready',
      effect: 'NoSchedule',
    });
  });

  test('carry a providerID the controller reads back as the instance', () => {
    expect(instanceIdOf(node.spec.providerID)).toBe('i-0abc123');
    expect(observeNode(node).instanceId).toBe('i-0abc123');
    expect(observeNode(node).zone).toBe('us-east-1b');
  });
});

describe('broker StatefulSets and volumes from the synth output', () => {
  const parts = synthParts(loaded);
  const pool = parts.brokerPools.find(p => p.metadata.name === 'brokers-a');
  if (pool === undefined) throw new Error('no pool brokers-a');
  const sts = brokerStatefulSet(loaded, pool, 1000) as unknown as {
    spec: {
      ordinals: { start: number };
      updateStrategy: { type: string };
      template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> };
    };
  };

  test('use the pool template unchanged: affinity, tolerations, spread, resources', () => {
    const template = (pool.spec as { template: { pod: Record<string, unknown> } }).template.pod;
    expect(sts.spec.template.spec.affinity).toEqual(template.affinity);
    expect(sts.spec.template.spec.tolerations).toEqual(template.tolerations);
    expect(sts.spec.template.spec.topologySpreadConstraints).toEqual(
      template.topologySpreadConstraints,
    );
    const [container] = sts.spec.template.spec.containers as Array<{ resources: unknown }>;
    expect(container.resources).toEqual((pool.spec as { resources: unknown }).resources);
  });

  test("carry the labels the controller selects brokers by, and Strimzi's pod names", () => {
    expect(sts.spec.template.metadata.labels).toMatchObject({
      'strimzi.io/cluster': 'orders',
      'strimzi.io/broker-role': 'true',
      'strimzi.io/kind': 'Kafka',
      'strimzi.io/pool-name': 'brokers-a',
    });
    expect(sts.spec.ordinals.start).toBe(1000);
    expect(sts.spec.updateStrategy.type).toBe('OnDelete');
    expect(brokerPodNames(loaded).get('us-east-1a')).toEqual([
      'orders-brokers-a-1000',
      'orders-brokers-a-1001',
      'orders-brokers-a-1002',
      'orders-brokers-a-1003',
    ]);
  });

  test("pin each broker's volume to its zone and its claim", () => {
    const volume = brokerVolume(loaded, pool, 'us-east-1a', 'orders-brokers-a-1000') as unknown as {
      spec: { claimRef: { name: string }; nodeAffinity: unknown };
    };
    expect(volume.spec.claimRef.name).toBe('data-0-orders-brokers-a-1000');
    expect(JSON.stringify(volume.spec.nodeAffinity)).toContain('"values":["us-east-1a"]');
  });

  test('leave out the Deployment (no images run here) but keep the RBAC and the ConfigMap', () => {
    const kinds = parts.autoscaler.map(o => o.kind).sort();
    expect(kinds).toEqual(
      expect.arrayContaining([
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'Role',
        'RoleBinding',
        'ServiceAccount',
      ]),
    );
    expect(kinds).not.toContain('Deployment');
  });
});

describe('kwok pod stages', () => {
  test('make pods Ready after the broker start time unless held', () => {
    const docs = parseAllDocuments(kwokPodStages(8)).map(d => d.toJS() as unknown);
    expect(docs.map(d => (d as { metadata: { name: string } }).metadata.name)).toEqual([
      'e2e-pod-ready',
      'e2e-pod-delete',
    ]);
    const ready = docs[0] as {
      spec: {
        delay: { durationMilliseconds: number };
        selector: { matchExpressions: Array<{ key: string }> };
      };
    };
    expect(ready.spec.delay.durationMilliseconds).toBe(8000);
    expect(ready.spec.selector.matchExpressions.map(e => e.key)).toContain(
      `.metadata.labels["${HOLD_READINESS_LABEL}"]`,
    );
  });
});

describe('compressed controller configuration', () => {
  test("is the spec's configuration with only the timing, Prometheus and port changed", () => {
    const base = controllerConfigFromSpec(loaded);
    const config = compressedConfig(loaded, DEFAULT_TIMING, 'http://127.0.0.1:9', 18080);
    expect(config.zones).toEqual(base.zones);
    expect(config.balancedNodeCounts).toEqual(base.balancedNodeCounts);
    expect(config.intervalSeconds).toBe(DEFAULT_TIMING.intervalSeconds);
    expect(config.prometheusQueries.brokerReceiveBytesPerSecond).toContain('[10s]');
    expect(config.prometheusQueries.underReplicatedPartitions).toBe(
      base.prometheusQueries.underReplicatedPartitions,
    );
    expect(config.leaderElection.renewDeadlineSeconds).toBeLessThan(
      config.leaderElection.leaseDurationSeconds,
    );
  });

  test('kubeconfig carries the token and the CA, never an admin user', () => {
    const text = serviceAccountKubeconfig('https://127.0.0.1:1', 'CA', 'tok');
    expect(text).toContain('token: tok');
    expect(text).toContain(`certificate-authority-data: ${Buffer.from('CA').toString('base64')}`);
    expect(text).not.toMatch(/admin/);
  });
});

describe('write classifiers', () => {
  test('recognise cordon, uncordon, the operation record and a roll request', () => {
    const test = { op: 'test', path: '/metadata/uid', value: 'u' };
    expect(
      kubernetesWrites(
        'PATCH',
        '/api/v1/nodes/n1',
        JSON.stringify([test, { op: 'add', path: '/spec/unschedulable', value: true }]),
        1,
      ),
    ).toEqual([{ kind: 'write', atMs: 1, write: 'cordon', nodeName: 'n1' }]);
    // The cordon marker travels with the cordon (and leaves with the uncordon): one write.
    for (const marker of [
      {
        op: 'add',
        path: '/metadata/annotations/kafka.platform~1autoscaler-cordoned',
        value: 'true',
      },
      {
        op: 'add',
        path: '/metadata/annotations',
        value: { 'kafka.platform/autoscaler-cordoned': 'true' },
      },
      { op: 'remove', path: '/metadata/annotations/kafka.platform~1autoscaler-cordoned' },
    ]) {
      expect(
        kubernetesWrites(
          'PATCH',
          '/api/v1/nodes/n1',
          JSON.stringify([test, { op: 'add', path: '/spec/unschedulable', value: true }, marker]),
          1,
        ).map(write => write.write),
      ).toEqual(['cordon']);
    }
    expect(
      kubernetesWrites(
        'PATCH',
        '/api/v1/nodes/n1',
        JSON.stringify([{ op: 'add', path: '/spec/unschedulable', value: false }]),
        1,
      )[0].write,
    ).toBe('uncordon');
    expect(
      kubernetesWrites(
        'PATCH',
        '/api/v1/nodes/n1',
        JSON.stringify([
          {
            op: 'add',
            path: '/metadata/annotations/kafka.platform~1autoscaler-operation',
            value: '{}',
          },
        ]),
        1,
      )[0].write,
    ).toBe('record');
    expect(
      kubernetesWrites(
        'PATCH',
        '/api/v1/namespaces/kafka/pods/orders-brokers-a-1000',
        JSON.stringify([
          test,
          {
            op: 'add',
            path: '/metadata/annotations/strimzi.io~1manual-rolling-update',
            value: 'true',
          },
        ]),
        1,
      ),
    ).toEqual([
      { kind: 'write', atMs: 1, write: 'request-roll', podName: 'orders-brokers-a-1000' },
    ]);
    expect(kubernetesWrites('POST', '/api/v1/namespaces/kafka/events', '{}', 1)).toEqual([]);
  });

  test('read each write the same with the admission fence stamp the adapter adds to it', () => {
    // The stamp (controller/admission-fence.ts `withStampOps`, per key or as the whole map) is
    // not a write of its own: counted as a record, it broke the step order of leader-faults.
    const record = (phase: string) => ({
      op: 'add' as const,
      path: '/metadata/annotations/kafka.platform~1autoscaler-operation',
      value: JSON.stringify({ id: 'op-1', phase, holder: 'controller-0' }),
    });
    const cases: Array<[string, JsonPatchOperation[]]> = [
      ['/api/v1/nodes/n1', [{ op: 'add', path: '/spec/unschedulable', value: true }]],
      [
        '/api/v1/nodes/n1',
        [
          { op: 'add', path: '/spec/unschedulable', value: true },
          {
            op: 'add',
            path: '/metadata/annotations',
            value: { 'kafka.platform/autoscaler-cordoned': 'true' },
          },
        ],
      ],
      [
        '/api/v1/nodes/n1',
        [
          { op: 'replace', path: '/spec/unschedulable', value: false },
          { op: 'remove', path: '/metadata/annotations/kafka.platform~1autoscaler-cordoned' },
        ],
      ],
      ['/api/v1/nodes/n1', [record('cordon')]],
      ['/api/v1/nodes/n1', [record('drain')]],
      [
        '/api/v1/nodes/n1',
        [{ op: 'remove', path: '/metadata/annotations/kafka.platform~1autoscaler-operation' }],
      ],
      [
        '/api/v1/namespaces/kafka/pods/orders-brokers-a-1000',
        [
          {
            op: 'add',
            path: '/metadata/annotations/strimzi.io~1manual-rolling-update',
            value: 'true',
          },
        ],
      ],
    ];
    for (const [path, ops] of cases) {
      const plain = kubernetesWrites('PATCH', path, JSON.stringify(ops), 1);
      for (const hadAnnotations of [true, false]) {
        const stamped = withStampOps(ops, hadAnnotations, fenceStamp('controller-0', 3));
        expect(kubernetesWrites('PATCH', path, JSON.stringify(stamped), 1)).toEqual(plain);
      }
    }
    // The step order of a stamped removal is the plain one.
    const steps = new WriteSteps();
    const seen = ['cordon', 'drain', 'unprotect'].map(phase =>
      steps.stepOf(
        kubernetesWrites(
          'PATCH',
          '/api/v1/nodes/n1',
          JSON.stringify(withStampOps([record(phase)], true, fenceStamp('controller-0', 3))),
          1,
        )[0],
      ),
    );
    expect(seen).toEqual(['record-start', 'record-drain', 'record-unprotect']);
  });

  test('recognise desired capacity, termination and protection calls', () => {
    const classify = autoScalingWrites(id => (id === 'i-1' ? 'g' : undefined));
    expect(
      classify(
        'POST',
        '/',
        'Action=SetDesiredCapacity&AutoScalingGroupName=g&DesiredCapacity=4',
        1,
      ),
    ).toEqual([{ kind: 'write', atMs: 1, write: 'set-desired', groupName: 'g', desired: 4 }]);
    expect(
      classify(
        'POST',
        '/',
        'Action=TerminateInstanceInAutoScalingGroup&InstanceId=i-1&ShouldDecrementDesiredCapacity=true',
        1,
      ),
    ).toEqual([{ kind: 'write', atMs: 1, write: 'terminate', instanceId: 'i-1', groupName: 'g' }]);
    expect(
      classify(
        'POST',
        '/',
        'Action=SetInstanceProtection&AutoScalingGroupName=g&InstanceIds.member.1=i-1&InstanceIds.member.2=i-2&ProtectedFromScaleIn=false',
        1,
      ),
    ).toEqual([
      { kind: 'write', atMs: 1, write: 'unprotect', groupName: 'g', instanceId: 'i-1' },
      { kind: 'write', atMs: 1, write: 'unprotect', groupName: 'g', instanceId: 'i-2' },
    ]);
    expect(classify('POST', '/', 'Action=DescribeAutoScalingGroups', 1)).toEqual([]);
  });
});

describe('write steps', () => {
  const base: OperationRecord = {
    id: 'op-1',
    kind: 'remove-node',
    zone: 'us-east-1a',
    groupName: 'g',
    nodeName: 'n1',
    nodeUid: 'u1',
    instanceId: 'i-1',
    phase: 'cordon',
    movesDone: 0,
    startedAtMs: 1,
    fencingToken: 1,
    holder: 'controller-0',
    version: 2,
  };
  const move = { podName: 'p', podUid: 'pu', requestedAtMs: 2, attempt: 1 as const };
  const path = '/metadata/annotations/kafka.platform~1autoscaler-operation';
  const uidGuard = { op: 'test', path: '/metadata/uid', value: 'u1' };
  /** The patch `writeOperation` sends (kubernetes.ts), through the tap's classifier. */
  const recordWrite = (record: OperationRecord | undefined, firstAnnotation = false) =>
    kubernetesWrites(
      'PATCH',
      '/api/v1/nodes/n1',
      JSON.stringify([
        uidGuard,
        record === undefined
          ? { op: 'remove', path }
          : firstAnnotation
            ? {
                op: 'add',
                path: '/metadata/annotations',
                value: { 'kafka.platform/autoscaler-operation': encodeOperationRecord(record) },
              }
            : { op: 'add', path, value: encodeOperationRecord(record) },
      ]),
      1,
    );

  test('the record write carries what it stored, whichever way the annotation was added', () => {
    expect(recordWrite({ ...base, move }, true)).toEqual([
      {
        kind: 'write',
        atMs: 1,
        write: 'record',
        nodeName: 'n1',
        record: { id: 'op-1', phase: 'cordon', movesDone: 0, moving: true, holder: 'controller-0' },
      },
    ]);
    expect(recordWrite(undefined)[0].record).toEqual({});
  });

  test('tell a new record, each phase change, a takeover, a move started and finished, a removal', () => {
    const steps = new WriteSteps();
    const writes = [
      recordWrite(base, true),
      recordWrite({ ...base, phase: 'drain' }),
      recordWrite({ ...base, phase: 'drain', holder: 'controller-1', fencingToken: 2 }),
      recordWrite({ ...base, phase: 'drain', holder: 'controller-1', move }),
      recordWrite({ ...base, phase: 'drain', holder: 'controller-1', movesDone: 1 }),
      recordWrite({ ...base, phase: 'drain', holder: 'controller-1', movesDone: 1 }),
      recordWrite({ ...base, phase: 'unprotect', holder: 'controller-1', movesDone: 1 }),
      recordWrite(undefined),
      recordWrite({ ...base, id: 'op-2' }),
    ].flat();
    expect(writes.map(write => steps.stepOf(write))).toEqual([
      'record-start',
      'record-drain',
      'record-adopt',
      'record-move-started',
      'record-move-finished',
      'record-other',
      'record-unprotect',
      'record-remove',
      'record-start',
    ]);
    // Other writes are their own step; a record on another node starts afresh.
    const cordon = kubernetesWrites(
      'PATCH',
      '/api/v1/nodes/n2',
      JSON.stringify([{ op: 'add', path: '/spec/unschedulable', value: true }]),
      1,
    );
    expect(steps.stepOf(cordon[0])).toBe('cordon');
    expect(steps.stepOf({ ...writes[1], nodeName: 'n2' })).toBe('record-start');
  });
});

describe('timeline chart', () => {
  test('draws demand, nodes, brokers per node, moves and decisions', () => {
    const timeline: Timeline = {
      scenario: 'day',
      startedAt: '2026-01-01T00:00:00Z',
      spec: 'stacks/prod.yaml',
      zones: ['us-east-1a'],
      levelCapacityMiBps: 100,
      balancedNodeCounts: [1, 2],
      samples: [0, 1, 2].map(t => ({
        t,
        demandMiBps: { 'us-east-1a': 50 * t },
        nodesPerZone: { 'us-east-1a': 1 },
        allNodesPerZone: { 'us-east-1a': 1 },
        desiredPerZone: { 'us-east-1a': 1 },
        brokersPerNode: { 'n1.x': 2 },
        zoneOfNode: { 'n1.x': 'us-east-1a' },
        brokersReady: 2,
        pendingBrokers: 0,
        underReplicatedPartitions: 0,
      })),
      moves: [{ t: 1, endT: 2, pod: 'p', fromNode: 'n1.x', toNode: 'n2.x' }],
      decisions: [{ t: 0, reason: 'at-target', detail: 'ok', identity: 'c0' }],
      faults: [{ t: 1, what: 'demand rises' }],
      controllerEvents: [],
    };
    const spec = timelineChartSpec(timeline) as { vconcat: Array<Record<string, unknown>> };
    expect(spec.vconcat).toHaveLength(5);
    const text = JSON.stringify(spec);
    expect(text).toContain('"reason":"at-target"');
    expect(text).toContain('"pod":"p"');
    expect(text).toContain('"mibps":100');
  });
});

describe('scenarios running side by side', () => {
  // The e2e tier runs three scenario files at once; each empties and fills build/e2e/<name>, so two
  // files with the same name would wipe each other's output (docs/testing.md, "Suites sharing a peer").
  it('each scenario file writes to an output folder of its own', () => {
    const files = readdirSync(__dirname).filter(file => file.endsWith('.e2e.ts'));
    const folders = files.map(file => {
      const source = readFileSync(join(__dirname, file), 'utf8');
      const names = [
        ...source.matchAll(/startRun\('([^']+)'/g),
        ...source.matchAll(/join\(REPO, 'build', 'e2e', '([^']+)'\)/g),
      ].map(match => match[1]);
      return { file, names };
    });
    expect(folders.filter(f => f.names.length !== 1)).toEqual([]);
    const names = folders.map(f => f.names[0]);
    expect(new Set(names).size).toBe(files.length);
  });
});
