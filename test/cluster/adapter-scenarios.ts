/**
 * The controller's Kubernetes adapter against the real API server. Runs as its own Node process
 * (`tsx`), because the adapter's client library is an ES module that jest's CommonJS runtime
 * cannot load; `kubernetes-adapter.test.ts` starts it and reports each scenario as one test.
 *
 * Usage: tsx test/cluster/adapter-scenarios.ts <control plane state.json>
 * Prints one line `RESULTS <json>`: `[{ name, ok, error?, ms }]`, or `LOAD_ERROR <message>` when
 * the adapter (or its client library) cannot be loaded on this Node version.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as ClientModule from '@kubernetes/client-node';
import type { KubeConfig, V1Node, V1Pod } from '@kubernetes/client-node';
import type * as AdapterModule from '../../controller/adapters/kubernetes';
import { apiFaultOf } from '../../controller/api-fault';
import { controllerConfigFromSpec, type ControllerConfig } from '../../controller/config';
import { decisionConfigMapName } from '../../controller/decision-record';
import { NotLeaderError, leaderFence } from '../../controller/fence';
import { LeaderElector } from '../../controller/leader-election';
import { ListWatchCache, type ListWatchSource, type WatchEvent } from '../../controller/list-watch';
import type { Observed } from '../../controller/model';
import { observeBroker, observeNode } from '../../controller/observe';
import { liveRollBlocker } from '../../controller/reconciler';
import { writeBlocker } from '../../controller/gate';
import type { OperationRecord } from '../../controller/operation-record';
import {
  CORDON_ANNOTATION,
  MANUAL_ROLLING_UPDATE_ANNOTATION,
  OPERATION_ANNOTATION,
  encodeOperationRecord,
} from '../../controller/operation-record';
import {
  FORECAST_MARKER_KEY,
  encodeForecastMarker,
  forecastMarkerConfigMapName,
  type ForecastMarker,
} from '../../controller/forecast-marker';
import { loadSpecFile } from '../../spec/load';
import { SCENARIOS, type ScenarioName, type ScenarioResult } from './adapter-scenario-names';
import { compactEtcd, startSecondApiServer, type ControlPlaneInfo } from './control-plane';
import { KubeApi, type KubeObject } from './kube-api';
import { synthObjects } from './synth-objects';
import { deleteOwnedNodes, isolatedConfig, ownerLabels } from './shared-plane';
import { REPO } from './tools';

const NAMESPACE = 'adapter-it';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

const info = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ControlPlaneInfo;
const api = new KubeApi(info);

const loaded = loadSpecFile(join(REPO, 'stacks/prod.yaml'));
const base = controllerConfigFromSpec(loaded);
// A namespace and a Kafka node label of its own: other suites share this control plane.
const config: ControllerConfig = isolatedConfig(base, NAMESPACE);

/** Loaded in `main`, so a library that does not load on this Node version is reported, not thrown. */
let client: typeof ClientModule;
let KubernetesAdapter: typeof AdapterModule.KubernetesAdapter;
let StaleObjectError: typeof AdapterModule.StaleObjectError;
let kubeConfig: KubeConfig;
let adapter: AdapterModule.KubernetesAdapter;

/** The forecast marker ConfigMap of `config`'s cluster, and its API path. */
const MARKER_NAME = forecastMarkerConfigMapName(config.clusterName);
const MARKER_PATH = `/api/v1/namespaces/${NAMESPACE}/configmaps/${MARKER_NAME}`;

/** A marker with one stamp: zone us-east-1a had a sufficient history at `ms`. */
function markerStamp(ms: number): ForecastMarker {
  return { version: 1, zones: { 'us-east-1a': { sufficientAtMs: ms } } };
}

/** The fence of a replica that leads throughout (the scenarios that are not about leadership). */
const leading = (): void => undefined;

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

async function eventually(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function rejectsStale(what: string, action: Promise<unknown>): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(
      error instanceof StaleObjectError,
      `${what}: expected StaleObjectError, got ${String(error)}`,
    );
    return true;
  });
}

// --- raw helpers (the test's own view of the server) ------------------------------------------

async function createNode(name: string, kafka: boolean, zone = 'us-east-1a'): Promise<V1Node> {
  const labels: Record<string, string> = {
    [ZONE_LABEL]: zone,
    'kubernetes.io/hostname': name,
    ...ownerLabels(NAMESPACE),
  };
  if (kafka) labels[config.kafkaNodeLabel.key] = config.kafkaNodeLabel.value;
  return (await api.ok('POST', '/api/v1/nodes', {
    body: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels },
      spec: { providerID: `aws:///${zone}/i-0${Buffer.from(name).toString('hex').slice(0, 16)}` },
    },
  })) as V1Node;
}

const getNode = async (name: string): Promise<V1Node> =>
  (await api.ok('GET', `/api/v1/nodes/${name}`)) as V1Node;

async function createPod(
  name: string,
  nodeName: string,
  annotations?: Record<string, string>,
): Promise<V1Pod> {
  return (await api.ok('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        annotations,
        labels: {
          'strimzi.io/cluster': config.clusterName,
          'strimzi.io/kind': 'Kafka',
          'strimzi.io/broker-role': 'true',
          'strimzi.io/pool-name': `${config.clusterName}-us-east-1a`,
        },
      },
      spec: {
        nodeName,
        containers: [{ name: 'kafka', image: 'quay.io/strimzi/kafka:1.2.0-kafka-4.3.1' }],
      },
    },
  })) as V1Pod;
}

const getPod = async (name: string): Promise<V1Pod> =>
  (await api.ok('GET', `/api/v1/namespaces/${NAMESPACE}/pods/${name}`)) as V1Pod;

/** No kubelet runs, so a bound pod is removed only by a zero-grace delete. */
const deletePod = (name: string): Promise<unknown> =>
  api.ok('DELETE', `/api/v1/namespaces/${NAMESPACE}/pods/${name}`, {
    query: { gracePeriodSeconds: 0 },
  });

/** The first zone of `config` with `brokers` broker pods: the live-read scenario's world. */
const liveConfig: ControllerConfig = { ...config, zones: [{ ...config.zones[0], brokers: 3 }] };
const LIVE_ZONE = liveConfig.zones[0];

/**
 * A broker pod of `liveConfig`'s zone, bound to `nodeName` (unbound when undefined), and, when
 * `ready`, with a Ready condition that turned True a minute ago (no kubelet runs: the test writes
 * the status subresource as the kubelet would).
 */
async function createBroker(name: string, nodeName: string | undefined, ready: boolean) {
  const pod = (await api.ok('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        labels: {
          'strimzi.io/cluster': config.clusterName,
          'strimzi.io/kind': 'Kafka',
          'strimzi.io/broker-role': 'true',
          'strimzi.io/pool-name': LIVE_ZONE.poolName,
        },
      },
      spec: {
        ...(nodeName === undefined ? {} : { nodeName }),
        containers: [{ name: 'kafka', image: 'quay.io/strimzi/kafka:1.2.0-kafka-4.3.1' }],
      },
    },
  })) as V1Pod;
  if (ready) await setReady(name, true);
  return pod;
}

/** Writes the pod's Ready condition (status subresource), turned `ready` a minute ago. */
async function setReady(name: string, ready: boolean): Promise<void> {
  await api.ok('PATCH', `/api/v1/namespaces/${NAMESPACE}/pods/${name}/status`, {
    body: {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: ready ? 'True' : 'False',
            lastTransitionTime: new Date(Date.now() - 60_000).toISOString(),
          },
        ],
      },
    },
    contentType: 'application/merge-patch+json',
  });
}

function record(node: V1Node, phase: OperationRecord['phase']): OperationRecord {
  return {
    id: `op-${phase}`,
    kind: 'remove-node',
    zone: 'us-east-1a',
    groupName: 'orders-kafka-us-east-1a',
    nodeName: node.metadata?.name ?? '',
    nodeUid: node.metadata?.uid ?? '',
    phase,
    movesDone: 0,
    startedAtMs: 1_700_000_000_000,
    fencingToken: 1,
    holder: 'replica-a',
  };
}

// --- scenarios -------------------------------------------------------------------------------

const scenarios: Record<ScenarioName, () => Promise<void>> = {
  'lists only Kafka nodes, with a resourceVersion': async () => {
    await createNode('kafka-a', true);
    await createNode('kafka-b', true, 'us-east-1b');
    await createNode('system-a', false);
    const listed = await adapter.nodeSource().list();
    assert.deepEqual(listed.items.map(n => n.metadata?.name).sort(), ['kafka-a', 'kafka-b']);
    assert.match(listed.resourceVersion ?? '', /^\d+$/);
  },

  'cordons and uncordons a node by UID': async () => {
    const node = await getNode('kafka-a');
    await adapter.setUnschedulable('kafka-a', node.metadata?.uid ?? '', true);
    const cordoned = await getNode('kafka-a');
    assert.equal(cordoned.spec?.unschedulable, true);
    assert.notEqual(cordoned.metadata?.resourceVersion, node.metadata?.resourceVersion);
    await adapter.setUnschedulable('kafka-a', node.metadata?.uid ?? '', false);
    assert.notEqual((await getNode('kafka-a')).spec?.unschedulable, true);
  },

  'never claims or undoes a cordon someone else made': async () => {
    const node = await getNode('kafka-a');
    const uid = node.metadata?.uid ?? '';
    const marked = async (): Promise<boolean> =>
      (await getNode('kafka-a')).metadata?.annotations?.[CORDON_ANNOTATION] !== undefined;
    // The controller's own cordon carries the marker, and its uncordon takes it away.
    await adapter.setUnschedulable('kafka-a', uid, true);
    assert.equal(await marked(), true);
    await adapter.setUnschedulable('kafka-a', uid, false);
    assert.equal(await marked(), false);
    // Someone cordons the node (kubectl cordon): a cordon the controller decided on an older view
    // does not claim it, and an uncordon does not undo it.
    await api.ok('PATCH', '/api/v1/nodes/kafka-a', {
      body: { spec: { unschedulable: true } },
      contentType: 'application/merge-patch+json',
    });
    await adapter.setUnschedulable('kafka-a', uid, true);
    assert.equal(await marked(), false);
    await adapter.setUnschedulable('kafka-a', uid, false);
    assert.equal((await getNode('kafka-a')).spec?.unschedulable, true);
    assert.equal(await marked(), false);
    await api.ok('PATCH', '/api/v1/nodes/kafka-a', {
      body: { spec: { unschedulable: null } },
      contentType: 'application/merge-patch+json',
    });
  },

  'marks its cordon on a node that already carries annotations (every kubelet-registered node)':
    async () => {
      // A kubelet annotates the Node it registers, so the cordon's patch adds the marker to an
      // existing annotations map (not the map itself, as on the bare test node above). Without
      // the marker the controller would take its own cordon for someone else's and never undo it.
      const kubelet = 'volumes.kubernetes.io/controller-managed-attach-detach';
      await api.ok('PATCH', '/api/v1/nodes/kafka-a', {
        body: { metadata: { annotations: { [kubelet]: 'true' } } },
        contentType: 'application/merge-patch+json',
      });
      const uid = (await getNode('kafka-a')).metadata?.uid ?? '';
      await adapter.setUnschedulable('kafka-a', uid, true);
      const cordoned = await getNode('kafka-a');
      assert.equal(cordoned.spec?.unschedulable, true);
      assert.equal(cordoned.metadata?.annotations?.[CORDON_ANNOTATION], 'true');
      assert.equal(cordoned.metadata?.annotations?.[kubelet], 'true');
      await adapter.setUnschedulable('kafka-a', uid, false);
      const uncordoned = await getNode('kafka-a');
      assert.notEqual(uncordoned.spec?.unschedulable, true);
      assert.equal(uncordoned.metadata?.annotations?.[CORDON_ANNOTATION], undefined);
      assert.equal(uncordoned.metadata?.annotations?.[kubelet], 'true');
      await api.ok('PATCH', '/api/v1/nodes/kafka-a', {
        body: { metadata: { annotations: { [kubelet]: null } } },
        contentType: 'application/merge-patch+json',
      });
    },

  'refuses to cordon a node that was replaced under the same name': async () => {
    const old = await getNode('kafka-b');
    await api.ok('DELETE', '/api/v1/nodes/kafka-b');
    const replaced = await createNode('kafka-b', true, 'us-east-1b');
    assert.notEqual(replaced.metadata?.uid, old.metadata?.uid);
    await rejectsStale(
      'old UID',
      adapter.setUnschedulable('kafka-b', old.metadata?.uid ?? '', true),
    );
    assert.notEqual((await getNode('kafka-b')).spec?.unschedulable, true);
  },

  'writes the operation record only on the node version it observed': async () => {
    const observed = observeNode(await getNode('kafka-a'));
    const first = record(await getNode('kafka-a'), 'cordon');
    await adapter.writeOperation(observed, first);
    const written = await getNode('kafka-a');
    assert.equal(
      written.metadata?.annotations?.[OPERATION_ANNOTATION],
      encodeOperationRecord(first),
    );
    assert.deepEqual(observeNode(written).operation, first);

    // Someone else changes the node: the view is stale, the write must not happen.
    await api.ok('PATCH', '/api/v1/nodes/kafka-a', {
      body: { metadata: { labels: { touched: 'yes' } } },
      contentType: 'application/merge-patch+json',
    });
    await rejectsStale(
      'stale view',
      adapter.writeOperation(observeNode(written), record(written, 'drain')),
    );
    assert.equal(
      (await getNode('kafka-a')).metadata?.annotations?.[OPERATION_ANNOTATION],
      encodeOperationRecord(first),
    );

    await adapter.writeOperation(observeNode(await getNode('kafka-a')), undefined);
    assert.equal(
      (await getNode('kafka-a')).metadata?.annotations?.[OPERATION_ANNOTATION],
      undefined,
    );
  },

  'the server refuses a JSON patch whose resourceVersion test fails': async () => {
    // What the adapter's guarded patch relies on, checked on the server itself.
    const node = await getNode('kafka-a');
    const response = await api.request('PATCH', '/api/v1/nodes/kafka-a', {
      body: [
        { op: 'test', path: '/metadata/resourceVersion', value: '1' },
        { op: 'add', path: '/spec/unschedulable', value: true },
      ],
      contentType: 'application/json-patch+json',
    });
    assert.ok(
      response.status === 409 || response.status === 422,
      `expected 409 or 422, got ${response.status}`,
    );
    const after = await getNode('kafka-a');
    assert.equal(after.metadata?.resourceVersion, node.metadata?.resourceVersion);
  },

  'annotates a broker pod for a Strimzi roll by UID': async () => {
    await api.apply(
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'default', namespace: NAMESPACE },
      },
      { dryRun: false },
    );
    const bare = await createPod('orders-us-east-1a-0', 'kafka-a');
    await adapter.requestRoll('orders-us-east-1a-0', bare.metadata?.uid ?? '');
    assert.equal(
      (await getPod('orders-us-east-1a-0')).metadata?.annotations?.[
        MANUAL_ROLLING_UPDATE_ANNOTATION
      ],
      'true',
    );
    const annotated = await createPod('orders-us-east-1a-1', 'kafka-a', { keep: 'me' });
    await adapter.requestRoll('orders-us-east-1a-1', annotated.metadata?.uid ?? '');
    const rolled = (await getPod('orders-us-east-1a-1')).metadata?.annotations;
    assert.equal(rolled?.[MANUAL_ROLLING_UPDATE_ANNOTATION], 'true');
    assert.equal(rolled?.keep, 'me');
  },

  'refuses to annotate a pod that Strimzi already recreated': async () => {
    const old = await getPod('orders-us-east-1a-0');
    await deletePod('orders-us-east-1a-0');
    const recreated = await createPod('orders-us-east-1a-0', 'kafka-b');
    assert.notEqual(recreated.metadata?.uid, old.metadata?.uid);
    await rejectsStale(
      'old pod UID',
      adapter.requestRoll('orders-us-east-1a-0', old.metadata?.uid ?? ''),
    );
    const annotations = (await getPod('orders-us-east-1a-0')).metadata?.annotations;
    assert.equal(annotations?.[MANUAL_ROLLING_UPDATE_ANNOTATION], undefined);
  },

  'reads a node and the broker pods bound to it, live': async () => {
    // What the controller reads right before unprotect and terminate (field selector spec.nodeName).
    assert.deepEqual(await adapter.nodeNow('kafka-a'), {
      unschedulable: false,
      brokers: ['orders-us-east-1a-1'],
    });
    assert.deepEqual((await adapter.nodeNow('kafka-b')).brokers, ['orders-us-east-1a-0']);
    const node = await getNode('kafka-a');
    await adapter.setUnschedulable('kafka-a', node.metadata?.uid ?? '', true);
    assert.equal((await adapter.nodeNow('kafka-a')).unschedulable, true);
    await adapter.setUnschedulable('kafka-a', node.metadata?.uid ?? '', false);
    await createNode('kafka-empty', true);
    assert.deepEqual(await adapter.nodeNow('kafka-empty'), { unschedulable: false, brokers: [] });
    await api.ok('DELETE', '/api/v1/nodes/kafka-empty');
  },

  'reads every broker pod live past the watch cache, and a roll checked on that read holds':
    async () => {
      // Two Kafka nodes of one zone and its three brokers, all Ready; the controller's pod cache
      // (the adapter's own list-watch source) has them, and the pass's observation is built from
      // it. Then other actors change the pods behind that observation: the live read
      // (`brokersNow`, one LIST) must show each change, and the roll check the controller runs on
      // it (`liveRollBlocker`, the reconciler's) must hold the roll that the cached view allows.
      const names = ['live-0', 'live-1', 'live-2'];
      try {
        // Ready nodes (the status subresource, as the kubelet would write it).
        const nodes: V1Node[] = [];
        for (const name of ['live-a', 'live-b']) {
          await createNode(name, true);
          nodes.push(
            (await api.ok('PATCH', `/api/v1/nodes/${name}/status`, {
              body: {
                status: {
                  conditions: [
                    { type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() },
                  ],
                },
              },
              contentType: 'application/merge-patch+json',
            })) as V1Node,
          );
        }
        await createBroker('live-0', 'live-a', true);
        await createBroker('live-1', 'live-b', true);
        await createBroker('live-2', 'live-b', true);
        const cache = new ListWatchCache(adapter.brokerPodSource(), { backoffBaseMs: 50 });
        cache.start();
        const cachedBrokers = () =>
          cache
            .snapshot()
            .map(pod => observeBroker(pod, liveConfig))
            .filter(broker => broker !== undefined && names.includes(broker.podName));
        try {
          await eventually('the three brokers Ready in the pod cache', () => {
            const seen = cachedBrokers();
            return seen.length === 3 && seen.every(broker => broker?.ready === true);
          });
        } finally {
          cache.stop();
        }
        const brokers = cachedBrokers().filter(broker => broker !== undefined);
        const nowMs = Date.now();
        const observedNodes = nodes.map(node => observeNode(node));
        const observed: Observed = {
          nowMs,
          freshness: { kubernetesAtMs: nowMs, prometheusAtMs: nowMs, autoscalingAtMs: nowMs },
          kafkaReady: true,
          underReplicatedPartitions: 0,
          underMinIsrPartitions: 0,
          healthSampledAtMs: Object.fromEntries(names.map(name => [name, nowMs])),
          nodes: observedNodes,
          brokers,
          groups: [
            {
              zone: LIVE_ZONE.zone,
              groupName: `asg-${LIVE_ZONE.nodegroupName}`,
              desired: 2,
              min: 1,
              max: 8,
              instances: observedNodes.map(node => ({
                instanceId: node.instanceId ?? '',
                lifecycleState: 'InService',
                protectedFromScaleIn: true,
              })),
            },
          ],
          loads: names.map(podName => ({ podName, receiveMiBps: 1, transmitMiBps: 1 })),
        };
        const target = brokers.find(broker => broker.podName === 'live-0');
        assert.ok(target !== undefined);
        const roll = { kind: 'request-roll', podName: 'live-0', podUid: target.uid } as const;
        const liveOnes = async () =>
          (await adapter.brokersNow()).filter(broker => names.includes(broker.podName));
        const check = async () =>
          liveRollBlocker(roll, observed, await liveOnes(), liveConfig, Date.now());
        // The way out: nothing changed, the live read agrees with the cache and the roll may go.
        assert.equal(await check(), undefined);
        assert.deepEqual(
          (await liveOnes()).map(b => [b.podName, b.uid, b.nodeName, b.ready]).sort(),
          brokers.map(b => [b.podName, b.uid, b.nodeName, b.ready]).sort(),
        );

        // 1. Someone deletes live-1 (default grace period; no kubelet, so it stays Terminating).
        await api.ok('DELETE', `/api/v1/namespaces/${NAMESPACE}/pods/live-1`);
        const terminating = (await liveOnes()).find(b => b.podName === 'live-1');
        assert.equal(terminating?.terminating, true, 'the live read shows live-1 terminating');
        assert.equal((await check())?.reason, 'roll-in-flight');
        // ... and it is gone for good: 2 of 3 broker pods.
        await deletePod('live-1');
        assert.equal((await liveOnes()).length, 2);
        assert.match((await check())?.detail ?? '', /2 of 3 broker pods/);
        // 2. Strimzi recreates it unbound (Pending): no node yet.
        await createBroker('live-1', undefined, false);
        const pending = (await liveOnes()).find(b => b.podName === 'live-1');
        assert.equal(pending?.nodeName, undefined);
        assert.equal((await check())?.reason, 'broker-not-ready');
        // 3. The scheduler binds it (the binding subresource) and it turns Ready: the roll may go.
        await api.ok('POST', `/api/v1/namespaces/${NAMESPACE}/pods/live-1/binding`, {
          body: {
            apiVersion: 'v1',
            kind: 'Binding',
            metadata: { name: 'live-1' },
            target: { apiVersion: 'v1', kind: 'Node', name: 'live-b' },
          },
        });
        await setReady('live-1', true);
        assert.equal((await liveOnes()).find(b => b.podName === 'live-1')?.nodeName, 'live-b');
        assert.equal(await check(), undefined);
        // 4. live-2 turns NotReady (a restart the pod cache has not delivered).
        await setReady('live-2', false);
        assert.equal((await check())?.reason, 'broker-not-ready');
        await setReady('live-2', true);
        assert.equal(await check(), undefined);
        // 5. An operator annotates live-2 for a roll of their own.
        await api.ok('PATCH', `/api/v1/namespaces/${NAMESPACE}/pods/live-2`, {
          body: { metadata: { annotations: { [MANUAL_ROLLING_UPDATE_ANNOTATION]: 'true' } } },
          contentType: 'application/merge-patch+json',
        });
        assert.equal((await check())?.reason, 'roll-in-flight');
        await api.ok('PATCH', `/api/v1/namespaces/${NAMESPACE}/pods/live-2`, {
          body: { metadata: { annotations: { [MANUAL_ROLLING_UPDATE_ANNOTATION]: null } } },
          contentType: 'application/merge-patch+json',
        });
        assert.equal(await check(), undefined);
        // 6. The pod to roll itself was recreated (new UID): the step's choice is stale.
        await deletePod('live-0');
        await createBroker('live-0', 'live-a', true);
        const blocked = await check();
        assert.equal(blocked?.reason, 'stale-data');
        assert.match(blocked?.detail ?? '', /live-0 is now UID/);
        // Throughout, the cached view alone let the roll through: only the live read held it.
        assert.equal(writeBlocker(observed, liveConfig, roll), undefined);
      } finally {
        for (const name of names) {
          await api.request('DELETE', `/api/v1/namespaces/${NAMESPACE}/pods/${name}`, {
            query: { gracePeriodSeconds: 0 },
          });
        }
        for (const node of ['live-a', 'live-b'])
          await api.request('DELETE', `/api/v1/nodes/${node}`);
      }
    },

  'reads every Node whose providerID names an instance, live, Kafka label or not': async () => {
    // What the node-less exit reads right before it terminates an instance: a Node that lost the
    // Kafka label is outside the cached view but still names its instance.
    const unlabelled = await createNode('kafka-unlabelled', false);
    const instanceId = unlabelled.spec?.providerID?.split('/').pop() ?? '';
    assert.match(instanceId, /^i-0[0-9a-f]+$/);
    assert.deepEqual(await adapter.nodesOfInstance(instanceId), ['kafka-unlabelled']);
    assert.deepEqual(await adapter.nodesOfInstance('i-0ffffffffffffffff'), []);
    await api.ok('DELETE', '/api/v1/nodes/kafka-unlabelled');
    assert.deepEqual(await adapter.nodesOfInstance(instanceId), []);
  },

  'records an Event on the Kafka resource': async () => {
    await adapter.record({ type: 'Normal', reason: 'ScaleOut', message: 'zone us-east-1a 1 -> 2' });
    const events = (await api.ok('GET', `/api/v1/namespaces/${NAMESPACE}/events`)) as {
      items: Array<{ reason: string; involvedObject: { kind: string; name: string } }>;
    };
    assert.ok(
      events.items.some(
        e =>
          e.reason === 'ScaleOut' &&
          e.involvedObject.kind === 'Kafka' &&
          e.involvedObject.name === config.clusterName,
      ),
    );
  },

  'forecast marker: none, created, read back, replaced; a value that is not one is an error':
    async () => {
      const store = adapter.forecastMarkerStore();
      const name = MARKER_NAME;
      assert.equal(store.location, `${NAMESPACE}/${name}`);
      // No ConfigMap yet (404): no marker, a new cluster, no version
      assert.deepEqual(await store.read(), { marker: undefined, version: undefined });
      const first = { version: 1 as const, zones: { 'us-east-1a': { sufficientAtMs: 1_000 } } };
      assert.equal(await store.write(first, undefined), 'written');
      const readFirst = await store.read();
      assert.deepEqual(readFirst.marker, first);
      assert.equal(typeof readFirst.version, 'string');
      const path = MARKER_PATH;
      const created = (await api.ok('GET', path)) as {
        data?: Record<string, string>;
        metadata?: { labels?: Record<string, string>; resourceVersion?: string };
      };
      assert.equal(created.data?.[FORECAST_MARKER_KEY], encodeForecastMarker(first));
      assert.equal(created.metadata?.labels?.['app.kubernetes.io/name'], 'kafka-autoscaler');
      assert.equal(readFirst.version, created.metadata?.resourceVersion);
      // A second write at the version read replaces the data (a patch, not a second create)
      const second = {
        version: 1 as const,
        zones: { 'us-east-1a': { sufficientAtMs: 2_000 }, 'us-east-1b': { sufficientAtMs: 3_000 } },
      };
      assert.equal(await store.write(second, readFirst.version), 'written');
      assert.deepEqual((await store.read()).marker, second);
      // Someone writes a value that is not a marker: read throws, naming the ConfigMap, key and fix
      await api.ok('PATCH', path, {
        body: [{ op: 'add', path: `/data/${FORECAST_MARKER_KEY}`, value: 'not json' }],
        contentType: 'application/json-patch+json',
      });
      await assert.rejects(store.read(), (error: unknown) => {
        assert.match(
          String(error),
          new RegExp(
            `ConfigMap ${NAMESPACE}/${name}: ${FORECAST_MARKER_KEY.replace(/\./g, '\\.')} is not JSON .*delete the ConfigMap to clear it`,
          ),
        );
        return true;
      });
      // The operator clears it by deleting the ConfigMap: no marker again
      await api.ok('DELETE', path);
      assert.deepEqual(await store.read(), { marker: undefined, version: undefined });
    },

  'forecast marker: a write based on a stale read is a conflict and changes nothing': async () => {
    const store = adapter.forecastMarkerStore();
    const path = MARKER_PATH;
    const storedText = async () =>
      ((await api.ok('GET', path)) as { data?: Record<string, string> }).data?.[
        FORECAST_MARKER_KEY
      ];
    // GIVEN a marker, read by this process
    assert.equal(await store.write(markerStamp(1_000), undefined), 'written');
    const read = await store.read();
    // WHEN someone else (another replica) writes a stamp before this process's write
    await api.ok('PATCH', path, {
      body: [
        {
          op: 'add',
          path: `/data/${FORECAST_MARKER_KEY}`,
          value: encodeForecastMarker(markerStamp(9_000)),
        },
      ],
      contentType: 'application/json-patch+json',
    });
    // THEN the write at the old version is a conflict, and the other stamp stays
    assert.equal(await store.write(markerStamp(2_000), read.version), 'conflict');
    assert.equal(await storedText(), encodeForecastMarker(markerStamp(9_000)));
    // AND the raw answers to a stale precondition: a JSON Patch whose first operation tests
    // /metadata/resourceVersion fails with 422 (the code invalid data also gets), ...
    const raw = await api.request('PATCH', path, {
      body: [
        { op: 'test', path: '/metadata/resourceVersion', value: read.version },
        { op: 'add', path: '/data', value: { [FORECAST_MARKER_KEY]: 'x' } },
      ],
      contentType: 'application/json-patch+json',
    });
    assert.equal(raw.status, 422);
    // ... a JSON merge patch carrying it (what the adapter sends) with 409 Conflict; neither writes
    const merge = await api.request('PATCH', path, {
      body: { metadata: { resourceVersion: read.version }, data: { [FORECAST_MARKER_KEY]: 'x' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(merge.status, 409);
    assert.equal((merge.body as { reason?: string }).reason, 'Conflict');
    assert.equal(await storedText(), encodeForecastMarker(markerStamp(9_000)));
    assert.equal(await storedText(), encodeForecastMarker(markerStamp(9_000)));
    // WHEN the operator deletes the marker after this process read it
    const beforeDelete = await store.read();
    await api.ok('DELETE', path);
    // THEN a write at the version read is a conflict, and the marker stays deleted (no create)
    assert.equal(await store.write(markerStamp(3_000), beforeDelete.version), 'conflict');
    assert.equal((await api.request('GET', path)).status, 404);
    // WHEN two processes both read "none" and both create
    const [a, b] = await Promise.all([store.read(), store.read()]);
    assert.equal(a.version, undefined);
    assert.equal(b.version, undefined);
    assert.equal(await store.write(markerStamp(4_000), a.version), 'written');
    // THEN the second create is a conflict (409 AlreadyExists), and the first stamp stays
    assert.equal(await store.write(markerStamp(5_000), b.version), 'conflict');
    assert.equal(await storedText(), encodeForecastMarker(markerStamp(4_000)));
    // AND a write after a fresh read goes through
    const fresh = await store.read();
    assert.equal(await store.write(markerStamp(6_000), fresh.version), 'written');
    assert.equal(await storedText(), encodeForecastMarker(markerStamp(6_000)));
    await api.ok('DELETE', path);
  },

  'forecast marker: a ConfigMap without the key, or recreated with other keys, keeps them':
    async () => {
      const store = adapter.forecastMarkerStore();
      const name = MARKER_NAME;
      const path = MARKER_PATH;
      const stored = async () =>
        ((await api.ok('GET', path)) as { data?: Record<string, string> }).data ?? {};
      // GIVEN a ConfigMap someone made without the marker's key (another key only)
      await api.ok('POST', `/api/v1/namespaces/${NAMESPACE}/configmaps`, {
        body: { metadata: { name }, data: { note: 'kept' } },
      });
      // THEN it reads as no marker, at its version (not as none: a create would conflict forever)
      const bare = await store.read();
      assert.equal(bare.marker, undefined);
      assert.equal(typeof bare.version, 'string');
      assert.notEqual(bare.version, '');
      // AND a write at that version adds the key and keeps the other one
      assert.equal(await store.write(markerStamp(1_000), bare.version), 'written');
      assert.deepEqual(await stored(), {
        note: 'kept',
        [FORECAST_MARKER_KEY]: encodeForecastMarker(markerStamp(1_000)),
      });
      // WHEN the operator deletes it and someone recreates it with other keys after a read
      const before = await store.read();
      await api.ok('DELETE', path);
      await api.ok('POST', `/api/v1/namespaces/${NAMESPACE}/configmaps`, {
        body: { metadata: { name }, data: { other: 'x' } },
      });
      // THEN the write at the version read is a conflict, and nothing is written back
      assert.equal(await store.write(markerStamp(2_000), before.version), 'conflict');
      assert.deepEqual(await stored(), { other: 'x' });
      // AND after a fresh read the write goes through, keeping the other key
      const fresh = await store.read();
      assert.equal(fresh.marker, undefined);
      assert.equal(await store.write(markerStamp(3_000), fresh.version), 'written');
      assert.deepEqual(await stored(), {
        other: 'x',
        [FORECAST_MARKER_KEY]: encodeForecastMarker(markerStamp(3_000)),
      });
      // AND an empty version is refused before any request: the server takes a merge patch
      // carrying resourceVersion "" as an unconditional write (200), which would drop any stamp
      const raw = await api.request('PATCH', path, {
        body: { metadata: { resourceVersion: '' }, data: { probe: 'y' } },
        contentType: 'application/merge-patch+json',
      });
      assert.equal(raw.status, 200);
      await assert.rejects(store.write(markerStamp(4_000), ''), /resourceVersion.*empty/);
      assert.equal((await stored())[FORECAST_MARKER_KEY], encodeForecastMarker(markerStamp(3_000)));
      await api.ok('DELETE', path);
    },

  "forecast marker: the controller's own RBAC from the chart allows it, and no other ConfigMap":
    async () => {
      // GIVEN the Role and RoleBinding the chart grants in the controller's own namespace, moved
      // to this test's namespace, and a client impersonating the controller's service account
      const own = synthObjects(loaded)
        .map(placed => placed.object)
        .filter(
          object =>
            (object.kind === 'Role' || object.kind === 'RoleBinding') &&
            object.metadata?.namespace === loaded.spec.controller.namespace,
        );
      assert.deepEqual(own.map(object => object.kind).sort(), ['Role', 'RoleBinding']);
      for (const object of own) {
        const moved = JSON.parse(JSON.stringify(object)) as KubeObject & {
          subjects?: Array<{ namespace?: string }>;
        };
        moved.metadata = { ...moved.metadata, namespace: NAMESPACE };
        for (const subject of moved.subjects ?? []) subject.namespace = NAMESPACE;
        const applied = await api.apply(moved, { dryRun: false });
        assert.ok(applied.status < 300, `applying the ${object.kind}: HTTP ${applied.status}`);
      }
      const binding = own.find(object => object.kind === 'RoleBinding') as
        (KubeObject & { subjects?: Array<{ name?: string }> }) | undefined;
      const serviceAccount = binding?.subjects?.[0]?.name ?? '';
      const base = new client.KubeConfig();
      base.loadFromFile(info.kubeconfigPath);
      const cluster = base.getCurrentCluster();
      assert.ok(cluster !== null, 'the kubeconfig names a cluster');
      const asController = new client.KubeConfig();
      asController.loadFromOptions({
        clusters: [cluster],
        users: [
          {
            name: 'controller',
            token: info.token,
            impersonateUser: `system:serviceaccount:${NAMESPACE}:${serviceAccount}`,
          },
        ],
        contexts: [{ name: 'controller', cluster: cluster.name, user: 'controller' }],
        currentContext: 'controller',
      });
      const store = new KubernetesAdapter(
        config,
        'replica-sa',
        leading,
        asController,
      ).forecastMarkerStore();
      // WHEN the controller reads (none), creates, reads back and replaces the marker
      // (RBAC answers within a second or so of the binding: retry the first call briefly)
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          assert.equal((await store.read()).marker, undefined);
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await sleep(200);
        }
      }
      const marker = { version: 1 as const, zones: { 'us-east-1a': { sufficientAtMs: 5_000 } } };
      assert.equal(await store.write(marker, undefined), 'written');
      const { version } = await store.read();
      assert.equal(
        await store.write(
          { ...marker, zones: { 'us-east-1a': { sufficientAtMs: 6_000 } } },
          version,
        ),
        'written',
      );
      // THEN it holds what was written
      assert.equal((await store.read()).marker?.zones['us-east-1a']?.sufficientAtMs, 6_000);
      // AND the same identity may not read another ConfigMap (the grant is by name)
      await assert.rejects(
        asController
          .makeApiClient(client.CoreV1Api)
          .readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: NAMESPACE }),
        (error: unknown) => {
          assert.equal((error as { code?: number }).code, 403);
          return true;
        },
      );
      await api.ok('DELETE', MARKER_PATH);
    },

  'reads the Kafka resource, or undefined when there is none': async () => {
    assert.equal(await adapter.readKafka(), undefined);
    if (info.crdsDir === undefined) return; // no Strimzi CRD installed: only the 404 path
    const kafka = synthObjects(loaded).find(p => p.object.kind === 'Kafka')?.object;
    assert.ok(kafka !== undefined, 'synth makes a Kafka resource');
    const created = await api.apply(
      { ...kafka, metadata: { ...kafka.metadata, namespace: NAMESPACE } } as KubeObject,
      { dryRun: false },
    );
    assert.ok(created.status < 300, `creating the Kafka resource: HTTP ${created.status}`);
    const read = await adapter.readKafka();
    assert.equal(
      (read as { metadata?: { name?: string } } | undefined)?.metadata?.name,
      config.clusterName,
    );
  },

  'lease: create, renew, 409 on a stale update and on a second create': async () => {
    const store = adapter.leaseStore();
    assert.equal(await store.get(), undefined);
    await store.create({
      holderIdentity: 'replica-a',
      leaseDurationSeconds: 15,
      renewTimeMs: Date.now(),
      leaseTransitions: 0,
    });
    const lease = await store.get();
    assert.equal(lease?.holderIdentity, 'replica-a');
    assert.ok(lease !== undefined);
    await store.update({ ...lease, renewTimeMs: Date.now() });
    await assert.rejects(store.update({ ...lease, renewTimeMs: Date.now() }), (error: unknown) => {
      assert.equal(apiFaultOf(error).status, 409);
      return true;
    });
    await assert.rejects(
      store.create({
        holderIdentity: 'replica-b',
        leaseDurationSeconds: 15,
        renewTimeMs: Date.now(),
        leaseTransitions: 0,
      }),
      (error: unknown) => {
        assert.equal(apiFaultOf(error).status, 409);
        return true;
      },
    );
    assert.equal((await store.get())?.holderIdentity, 'replica-a');
  },

  'leader election: one winner of a race, takeover after the leader stops renewing, and the old leader writes nothing':
    async () => {
      const timing = { leaseDurationSeconds: 2, renewDeadlineSeconds: 1, retryPeriodSeconds: 0.2 };
      const elected: ControllerConfig = {
        ...config,
        // Its own ConfigMap names (the marker, the status), apart from the other scenarios'.
        clusterName: 'election-it',
        leaderElection: { ...config.leaderElection, leaseName: 'election-it' },
      };
      const a = new LeaderElector(
        'replica-a',
        new KubernetesAdapter(elected, 'replica-a', leading, kubeConfig).leaseStore(),
        timing,
      );
      const b = new LeaderElector(
        'replica-b',
        new KubernetesAdapter(elected, 'replica-b', leading, kubeConfig).leaseStore(),
        timing,
      );
      const [wonA, wonB] = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
      assert.equal(
        Number(wonA) + Number(wonB),
        1,
        `exactly one of the racing replicas wins (${wonA}, ${wonB})`,
      );
      const [leader, follower] = wonA ? [a, b] : [b, a];
      assert.equal(await leader.tryAcquireOrRenew(), true);
      assert.equal(await follower.tryAcquireOrRenew(), false);
      const token = leader.leadership().fencingToken;

      // The leader stops renewing (crash, partition). The follower takes over once it has seen the
      // lease unchanged for a lease duration, with a higher fencing token.
      const started = Date.now();
      let tookOver = false;
      while (!tookOver && Date.now() - started < 10_000) {
        await sleep(200);
        tookOver = await follower.tryAcquireOrRenew();
      }
      assert.ok(tookOver, 'the follower takes over');
      assert.ok(Date.now() - started >= 1_800, 'not before the lease duration has passed');
      assert.ok(follower.leadership().fencingToken > token);
      assert.equal(leader.leadership().leading, false, 'the old leader stopped acting');
      assert.equal(await leader.tryAcquireOrRenew(), false, 'and cannot renew a lease it lost');

      // AND the old leader's adapter, fenced by its elector as in main.ts, sends none of its writes:
      // the forecast marker (a create, a conditional patch), the status ConfigMap, an Event
      const fencedBy = (elector: LeaderElector) =>
        new KubernetesAdapter(
          elected,
          elector.leadership().holder,
          leaderFence(() => elector.leadership()),
          kubeConfig,
        );
      const lost = fencedBy(leader);
      const marker = { version: 1 as const, zones: { 'us-east-1a': { sufficientAtMs: 5_000 } } };
      const notLeading = (error: unknown): boolean => {
        assert.ok(error instanceof NotLeaderError, `expected NotLeaderError, got ${String(error)}`);
        return true;
      };
      await assert.rejects(lost.forecastMarkerStore().write(marker, undefined), notLeading);
      await assert.rejects(lost.forecastMarkerStore().write(marker, '1'), notLeading);
      await assert.rejects(
        lost.writeDecisionRecord({
          version: 1,
          decidedAtMs: Date.now(),
          holder: leader.leadership().holder,
          dryRun: false,
          reason: 'at-target',
          detail: 'from a lost leader',
          scaleInStabilizationSeconds: 600,
          zones: [],
        }),
        notLeading,
      );
      await assert.rejects(
        lost.record({ type: 'Normal', reason: 'ScaleOut', message: 'from a lost leader' }),
        notLeading,
      );
      const configMaps = `/api/v1/namespaces/${NAMESPACE}/configmaps`;
      for (const name of [
        forecastMarkerConfigMapName(elected.clusterName),
        decisionConfigMapName(elected.clusterName),
      ]) {
        assert.equal((await api.request('GET', `${configMaps}/${name}`)).status, 404, `${name}`);
      }
      const events = (await api.ok('GET', `/api/v1/namespaces/${NAMESPACE}/events`)) as {
        items: Array<{ message?: string }>;
      };
      assert.ok(!events.items.some(event => event.message === 'from a lost leader'));
      // AND the new leader's marker write goes out
      assert.equal(
        await fencedBy(follower).forecastMarkerStore().write(marker, undefined),
        'written',
      );
      await api.ok('DELETE', `${configMaps}/${forecastMarkerConfigMapName(elected.clusterName)}`);
    },

  'watch: ordered events with increasing resourceVersions': async () => {
    const source = adapter.brokerPodSource();
    const { resourceVersion } = await source.list();
    const events: Array<WatchEvent<V1Pod>> = [];
    let done: unknown = 'running';
    const handle = await source.watch(
      resourceVersion,
      e => events.push(e),
      error => {
        done = error;
      },
    );
    try {
      await createPod('orders-us-east-1a-2', 'kafka-a');
      await adapter.requestRoll(
        'orders-us-east-1a-2',
        (await getPod('orders-us-east-1a-2')).metadata?.uid ?? '',
      );
      await deletePod('orders-us-east-1a-2');
      const mine = (): Array<WatchEvent<V1Pod>> =>
        events.filter(e => e.object.metadata?.name === 'orders-us-east-1a-2');
      await eventually('ADDED, MODIFIED, DELETED', () => mine().some(e => e.type === 'DELETED'));
      const types = mine().map(e => e.type);
      assert.equal(types[0], 'ADDED');
      assert.ok(types.includes('MODIFIED'));
      assert.equal(types[types.length - 1], 'DELETED');
      const versions = mine().map(e => Number(e.object.metadata?.resourceVersion));
      assert.deepEqual(
        [...versions].sort((x, y) => x - y),
        versions,
        'resourceVersions increase',
      );
      assert.ok(versions[0] > Number(resourceVersion));
      assert.equal(done, 'running', 'the watch is still open');
    } finally {
      handle.abort();
    }
  },

  '410 Gone after compaction: a reconnect to another API server, and the cache relists':
    async () => {
      const source = adapter.nodeSource();
      const before = await source.list();
      await api.ok('PATCH', '/api/v1/nodes/kafka-a', {
        body: { metadata: { labels: { generation: 'two' } } },
        contentType: 'application/merge-patch+json',
      });
      const revision = await compactEtcd(info.etcdUrl);
      assert.ok(revision > Number(before.resourceVersion));

      // EKS runs several API servers behind one endpoint. One that started after the compaction
      // keeps no history before it: a watch from the old resourceVersion is 410 Gone there.
      const second = await startSecondApiServer(info);
      try {
        const secondConfig = new client.KubeConfig();
        secondConfig.loadFromOptions({
          clusters: [
            {
              name: 'second',
              server: second.connection.server,
              caData: Buffer.from(info.caPem).toString('base64'),
            },
          ],
          users: [{ name: 'admin', token: info.token }],
          contexts: [{ name: 'second', cluster: 'second', user: 'admin' }],
          currentContext: 'second',
        });
        const secondSource = new KubernetesAdapter(
          config,
          'replica-a',
          leading,
          secondConfig,
        ).nodeSource();
        const fault = await new Promise<number | undefined>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no 410 within 10 s')), 10_000);
          const settle = (status: number | undefined): void => {
            clearTimeout(timer);
            resolve(status);
          };
          void secondSource
            .watch(
              before.resourceVersion,
              e => {
                if (e.type === 'ERROR') settle(apiFaultOf(e.object).status);
              },
              error => settle(apiFaultOf(error).status),
            )
            .then(handle => setTimeout(() => handle.abort(), 10_000).unref(), reject);
        });
        assert.equal(fault, 410, 'a watch from a compacted resourceVersion is 410 Gone');

        // The cache listed on the first server, then its watch lands on the second: 410, relist,
        // and from then on it follows the server.
        let firstList = true;
        const failover: ListWatchSource<V1Node> = {
          list: async () => {
            if (!firstList) return secondSource.list();
            firstList = false;
            return before;
          },
          watch: (rv, onEvent, onDone) => secondSource.watch(rv, onEvent, onDone),
        };
        const errors: number[] = [];
        const cache = new ListWatchCache(failover, {
          backoffBaseMs: 50,
          onError: error => errors.push(apiFaultOf(error).status ?? 0),
        });
        cache.start();
        try {
          await eventually('a relist after 410', () => cache.lists >= 2);
          assert.ok(errors.includes(410), `errors seen: ${errors.join(', ')}`);
          await createNode('kafka-c', true, 'us-east-1c');
          await eventually('kafka-c in the cache', () =>
            cache.snapshot().some(n => n.metadata?.name === 'kafka-c'),
          );
          assert.deepEqual(
            cache
              .snapshot()
              .map(n => n.metadata?.name)
              .sort(),
            ['kafka-a', 'kafka-b', 'kafka-c'],
          );
        } finally {
          cache.stop();
        }
      } finally {
        await second.stop();
      }
    },
};

async function load(): Promise<void> {
  client = await import('@kubernetes/client-node');
  const adapterModule = await import('../../controller/adapters/kubernetes');
  KubernetesAdapter = adapterModule.KubernetesAdapter;
  StaleObjectError = adapterModule.StaleObjectError;
  kubeConfig = new client.KubeConfig();
  kubeConfig.loadFromFile(info.kubeconfigPath);
  adapter = new KubernetesAdapter(config, 'replica-a', leading, kubeConfig);
}

async function main(): Promise<void> {
  try {
    await load();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(`LOAD_ERROR ${JSON.stringify(message)}\n`);
    return;
  }
  await api.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    { dryRun: false },
  );
  const results: ScenarioResult[] = [];
  try {
    for (const name of SCENARIOS) {
      const started = Date.now();
      try {
        await scenarios[name]();
        results.push({ name, ok: true, ms: Date.now() - started });
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        results.push({ name, ok: false, error: message, ms: Date.now() - started });
      }
    }
  } finally {
    await deleteOwnedNodes(api, NAMESPACE);
  }
  process.stdout.write(`RESULTS ${JSON.stringify(results)}\n`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`adapter scenarios failed to run: ${String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => api.close());
