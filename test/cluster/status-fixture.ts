/**
 * Puts on the real API server what a running platform and its controller would have written, for
 * `status.test.ts`: the controller's configuration ConfigMap (as the autoscaler chart renders it),
 * Kafka nodes and broker pods (no kubelet: their Ready conditions are set through `/status`), and,
 * through the controller's own Kubernetes adapter, the leader Lease, an operation record on a node
 * and the leader's last decision. Runs under tsx (the adapter's client library is an ES module).
 *
 * Usage: tsx test/cluster/status-fixture.ts <control plane state.json> <fixture.json>
 * `fixture.json` is written by the test: `{ namespace, kafkaNamespace, clusterName, nowMs }`.
 * Prints `READY <json>` with the UIDs it created, or `ERROR <message>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJson, CONFIG_FILE_NAME, AUTOSCALER_NAME } from '../../charts/autoscaler/workload';
import { controllerConfigFromSpec, type ControllerConfig } from '../../controller/config';
import { decisionRecordOf } from '../../controller/decision-record';
import type { Plan } from '../../controller/model';
import { observeNode } from '../../controller/observe';
import type { OperationRecord } from '../../controller/operation-record';
import { loadSpecFile } from '../../spec/load';
import type { ControlPlaneInfo } from './control-plane';
import { KubeApi } from './kube-api';
import { ownerLabels } from './shared-plane';
import { REPO } from './tools';

interface Fixture {
  readonly namespace: string;
  readonly kafkaNamespace: string;
  readonly clusterName: string;
  readonly nowMs: number;
}

const info = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ControlPlaneInfo;
const fixture = JSON.parse(readFileSync(process.argv[3] ?? '', 'utf8')) as Fixture;
const api = new KubeApi(info);

const base = controllerConfigFromSpec(loadSpecFile(join(REPO, 'stacks/prod.yaml')));
const config: ControllerConfig = {
  ...base,
  clusterName: fixture.clusterName,
  kafkaNamespace: fixture.kafkaNamespace,
  kafkaNodeLabel: { key: base.kafkaNodeLabel.key, value: `${fixture.clusterName}-kafka` },
  zones: base.zones.map(zone => ({
    ...zone,
    nodegroupName: zone.nodegroupName.replace(base.clusterName, fixture.clusterName),
  })),
  leaderElection: {
    ...base.leaderElection,
    namespace: fixture.namespace,
    leaseName: `${fixture.clusterName}-kafka-autoscaler`,
  },
};

const CONDITION_TIME = new Date(fixture.nowMs - 3_600_000).toISOString();

async function namespace(name: string): Promise<void> {
  await api.ok('POST', '/api/v1/namespaces', {
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
  });
  // No controller manager runs here to create the default ServiceAccount pods need.
  await api.ok('POST', `/api/v1/namespaces/${name}/serviceaccounts`, {
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
  });
}

async function node(name: string, zone: string, options: { cordoned?: boolean } = {}) {
  await api.ok('POST', '/api/v1/nodes', {
    body: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'topology.kubernetes.io/zone': zone,
          'kubernetes.io/hostname': name,
          // status.test.ts deletes the nodes by this label when it ends.
          ...ownerLabels(fixture.namespace),
          [config.kafkaNodeLabel.key]: config.kafkaNodeLabel.value,
        },
      },
      spec: {
        providerID: `aws:///${zone}/i-0${Buffer.from(name).toString('hex').slice(0, 16)}`,
        unschedulable: options.cordoned === true,
      },
    },
  });
  await api.ok('PATCH', `/api/v1/nodes/${name}/status`, {
    body: {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'fixture',
            lastHeartbeatTime: CONDITION_TIME,
            lastTransitionTime: CONDITION_TIME,
          },
        ],
      },
    },
    contentType: 'application/merge-patch+json',
  });
  return observeNode(
    (await api.ok('GET', `/api/v1/nodes/${name}`)) as Parameters<typeof observeNode>[0],
  );
}

async function broker(name: string, pool: string, nodeName: string | undefined): Promise<void> {
  await api.ok('POST', `/api/v1/namespaces/${fixture.kafkaNamespace}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        labels: {
          'strimzi.io/cluster': fixture.clusterName,
          'strimzi.io/kind': 'Kafka',
          'strimzi.io/broker-role': 'true',
          'strimzi.io/pool-name': pool,
        },
      },
      spec: {
        ...(nodeName === undefined ? {} : { nodeName }),
        containers: [{ name: 'kafka', image: 'quay.io/strimzi/kafka:1.2.0-kafka-4.3.1' }],
      },
    },
  });
  if (nodeName === undefined) return;
  await api.ok('PATCH', `/api/v1/namespaces/${fixture.kafkaNamespace}/pods/${name}/status`, {
    body: {
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: CONDITION_TIME }],
      },
    },
    contentType: 'application/merge-patch+json',
  });
}

async function main(): Promise<void> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const { KubernetesAdapter } = await import('../../controller/adapters/kubernetes');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(info.kubeconfigPath);
  const adapter = new KubernetesAdapter(config, 'replica-a', () => undefined, kubeConfig); // leads throughout

  await namespace(fixture.namespace);
  await namespace(fixture.kafkaNamespace);
  // The configuration exactly as the autoscaler chart renders it.
  await api.ok('POST', `/api/v1/namespaces/${fixture.namespace}/configmaps`, {
    body: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: AUTOSCALER_NAME, namespace: fixture.namespace },
      data: { [CONFIG_FILE_NAME]: configJson(config) },
    },
  });

  const [zoneA, zoneB, zoneC] = config.zones;
  if (zoneA === undefined || zoneB === undefined || zoneC === undefined) {
    throw new Error('the prod example has three zones');
  }
  // Zone a: 2 nodes x 2 brokers. Zone b: one node being emptied (cordoned, one broker moving, one
  // Pending), one node with 2 brokers. Zone c: 4 nodes x 1 broker, demand low enough to go to 2.
  await node('st-a-1', zoneA.zone);
  await node('st-a-2', zoneA.zone);
  const emptied = await node('st-b-1', zoneB.zone, { cordoned: true });
  await node('st-b-2', zoneB.zone);
  for (const index of [1, 2, 3, 4]) await node(`st-c-${index}`, zoneC.zone);
  const pod = (zone: typeof zoneA, id: number) => `${fixture.clusterName}-${zone.poolName}-${id}`;
  await broker(pod(zoneA, 0), zoneA.poolName, 'st-a-1');
  await broker(pod(zoneA, 1), zoneA.poolName, 'st-a-1');
  await broker(pod(zoneA, 2), zoneA.poolName, 'st-a-2');
  await broker(pod(zoneA, 3), zoneA.poolName, 'st-a-2');
  await broker(pod(zoneB, 4), zoneB.poolName, 'st-b-1');
  await broker(pod(zoneB, 5), zoneB.poolName, undefined);
  await broker(pod(zoneB, 6), zoneB.poolName, 'st-b-2');
  await broker(pod(zoneB, 7), zoneB.poolName, 'st-b-2');
  for (const [index, id] of [8, 9, 10, 11].entries()) {
    await broker(pod(zoneC, id), zoneC.poolName, `st-c-${index + 1}`);
  }

  // The controller's own writes: the Lease, the operation record, the decision.
  await adapter.leaseStore().create({
    holderIdentity: 'replica-a',
    leaseDurationSeconds: 15,
    renewTimeMs: fixture.nowMs - 2_000,
    leaseTransitions: 3,
  });
  const record: OperationRecord = {
    id: 'op-1',
    kind: 'remove-node',
    zone: zoneB.zone,
    groupName: zoneB.nodegroupName,
    nodeName: emptied.name,
    nodeUid: emptied.uid,
    instanceId: emptied.instanceId,
    phase: 'drain',
    move: {
      podName: pod(zoneB, 4),
      podUid: 'uid-4',
      requestedAtMs: fixture.nowMs - 90_000,
      attempt: 1,
    },
    movesDone: 1,
    startedAtMs: fixture.nowMs - 600_000,
    phaseStartedAtMs: fixture.nowMs - 300_000,
    fencingToken: 3,
    holder: 'replica-a',
  };
  await adapter.writeOperation(emptied, record);
  const plan: Plan = {
    action: undefined,
    reason: 'operation-in-flight',
    detail: `remove-node op-1 on ${emptied.name} is in phase drain`,
    zones: [
      {
        zone: zoneA.zone,
        currentNodes: 2,
        desiredNodes: 2,
        scaleInLevelNodes: 2,
        demandMiBps: 300.04,
      },
      { zone: zoneB.zone, currentNodes: 1, desiredNodes: 1, scaleInLevelNodes: 1, demandMiBps: 90 },
      {
        zone: zoneC.zone,
        currentNodes: 4,
        desiredNodes: 2,
        scaleInLevelNodes: 2,
        demandMiBps: 120,
      },
    ],
    memory: {
      scaleInEligibleSinceMs: { [zoneC.zone]: fixture.nowMs - 120_000 },
      waitingForNodesSinceMs: {},
      levelCarriesSinceMs: {},
    },
  };
  await adapter.writeDecisionRecord(
    decisionRecordOf(plan, {
      nowMs: fixture.nowMs - 5_000,
      holder: 'replica-a',
      dryRun: false,
      scaleInStabilizationSeconds: config.scaleInStabilizationSeconds,
    }),
  );
  // A second write goes through the patch path (the ConfigMap exists now).
  await adapter.writeDecisionRecord(
    decisionRecordOf(plan, {
      nowMs: fixture.nowMs - 4_000,
      holder: 'replica-a',
      dryRun: false,
      scaleInStabilizationSeconds: config.scaleInStabilizationSeconds,
    }),
  );
  process.stdout.write(
    `READY ${JSON.stringify({ zones: config.zones.map(zone => zone.zone), stabilization: config.scaleInStabilizationSeconds })}\n`,
  );
}

main().then(
  () => api.close(),
  (error: unknown) => {
    process.stdout.write(`ERROR ${JSON.stringify(String(error))}\n`);
    api.close();
    process.exitCode = 1;
  },
);
