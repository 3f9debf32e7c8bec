/**
 * The shared Kubernetes conformance scenarios (`test/controller/kube-conformance-scenarios.ts`) on
 * the controller's real adapter and a real kube-apiserver: the judge of the in-memory stand-ins
 * that the fast tier runs the same scenarios on. Runs as its own Node process under tsx, as
 * `adapter-scenarios.ts` does (the adapter's client library is an ES module);
 * `kube-conformance.test.ts` starts it and reports each scenario as one test.
 *
 * Usage: tsx test/cluster/kube-conformance-runner.ts <control plane state.json>
 * Prints one line `RESULTS <json>`: `[{ name, ok, error?, ms }]`, or `LOAD_ERROR <message>` when
 * the adapter (or its client library) cannot be loaded on this Node version.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig, V1Node, V1Pod } from '@kubernetes/client-node';
import type * as AdapterModule from '../../controller/adapters/kubernetes';
import { controllerConfigFromSpec, type ControllerConfig } from '../../controller/config';
import { forecastMarkerConfigMapName } from '../../controller/forecast-marker';
import { observeNode } from '../../controller/observe';
import { MANUAL_ROLLING_UPDATE_ANNOTATION } from '../../controller/operation-record';
import { loadSpecFile } from '../../spec/load';
import {
  LEASE_SCENARIOS,
  MARKER_SCENARIOS,
  NODE_SCENARIOS,
  type LeaseWorld,
  type MarkerWorld,
  type NodeWorld,
  type Scenario,
} from '../controller/kube-conformance-scenarios';
import type { ScenarioResult } from './adapter-scenario-names';
import type { ControlPlaneInfo } from './control-plane';
import { KubeApi } from './kube-api';
import { deleteOwnedNodes, isolatedConfig, ownerLabels } from './shared-plane';
import { REPO } from './tools';

const NAMESPACE = 'conformance-it';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

const info = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ControlPlaneInfo;
const api = new KubeApi(info);
const base = controllerConfigFromSpec(loadSpecFile(join(REPO, 'stacks/prod.yaml')));
// A namespace and a Kafka node label of its own: other suites share this control plane.
const config: ControllerConfig = isolatedConfig(base, NAMESPACE);

let KubernetesAdapter: typeof AdapterModule.KubernetesAdapter;
let kubeConfig: KubeConfig;
const leading = (): void => undefined;
const adapterFor = (cfg: ControllerConfig) =>
  new KubernetesAdapter(cfg, 'replica-a', leading, kubeConfig);

/** A Lease of its own for scenario `index`. */
function leaseWorld(index: number): LeaseWorld {
  const leaseName = `conformance-lease-${index}`;
  return {
    store: adapterFor({
      ...config,
      leaderElection: { ...config.leaderElection, leaseName },
    }).leaseStore(),
    deleteLease: async () => {
      await api.ok(
        'DELETE',
        `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/${leaseName}`,
      );
    },
  };
}

/** A marker ConfigMap of its own for scenario `index` (the cluster name names it). */
function markerWorld(index: number): MarkerWorld {
  const clusterName = `conformance${index}`;
  return {
    store: adapterFor({ ...config, clusterName }).forecastMarkerStore(),
    deleteMarker: async () => {
      await api.ok(
        'DELETE',
        `/api/v1/namespaces/${NAMESPACE}/configmaps/${forecastMarkerConfigMapName(clusterName)}`,
      );
    },
  };
}

const nodePath = (name: string) => `/api/v1/nodes/${name}`;
const podPath = (name: string) => `/api/v1/namespaces/${NAMESPACE}/pods/${name}`;
const mergePatch = 'application/merge-patch+json';

/** Instances named by the nodes this runner made so far (each node gets one of its own). */
let instances = 0;

/**
 * A Kafka node (labelled) whose providerID names an instance of its own, or, given `providerID`,
 * a node without the Kafka label that names that one.
 */
async function createNode(name: string, providerID?: string): Promise<V1Node> {
  const labels: Record<string, string> = {
    [ZONE_LABEL]: 'us-east-1a',
    'kubernetes.io/hostname': name,
    ...ownerLabels(NAMESPACE),
  };
  if (providerID === undefined) labels[config.kafkaNodeLabel.key] = config.kafkaNodeLabel.value;
  const own = `aws:///us-east-1a/i-0c0f${(++instances).toString(16).padStart(13, '0')}`;
  return (await api.ok('POST', '/api/v1/nodes', {
    body: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels },
      spec: { providerID: providerID ?? own },
    },
  })) as V1Node;
}

async function createPod(name: string, nodeName: string): Promise<V1Pod> {
  return (await api.ok('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        labels: {
          'strimzi.io/cluster': config.clusterName,
          'strimzi.io/kind': 'Kafka',
          'strimzi.io/broker-role': 'true',
          'strimzi.io/pool-name': config.zones[0].poolName,
        },
      },
      spec: {
        nodeName,
        containers: [{ name: 'kafka', image: 'quay.io/strimzi/kafka:1.2.0-kafka-4.3.1' }],
      },
    },
  })) as V1Pod;
}

function nodeWorld(): NodeWorld {
  const observed = async (name: string) =>
    observeNode((await api.ok('GET', nodePath(name))) as V1Node);
  const adapter = adapterFor(config);
  return {
    writer: adapter,
    live: adapter,
    sameInstanceNode: async (name, of) => {
      const providerID = ((await api.ok('GET', nodePath(of))) as V1Node).spec?.providerID;
      await createNode(name, providerID);
    },
    node: async name => observeNode(await createNode(name)),
    observed,
    cordonFromOutside: async name => {
      await api.ok('PATCH', nodePath(name), {
        body: { spec: { unschedulable: true } },
        contentType: mergePatch,
      });
    },
    touch: async name => {
      await api.ok('PATCH', nodePath(name), {
        body: { metadata: { labels: { 'conformance/touched': 'yes' } } },
        contentType: mergePatch,
      });
    },
    replaceNode: async name => {
      await api.ok('DELETE', nodePath(name));
      await createNode(name);
    },
    pod: async (name, nodeName) => (await createPod(name, nodeName)).metadata?.uid ?? '',
    rollRequested: async name =>
      ((await api.ok('GET', podPath(name))) as V1Pod).metadata?.annotations?.[
        MANUAL_ROLLING_UPDATE_ANNOTATION
      ] === 'true',
    replacePod: async (name, nodeName) => {
      // No kubelet runs, so a bound pod is removed only by a zero-grace delete.
      await api.ok('DELETE', podPath(name), { query: { gracePeriodSeconds: 0 } });
      await createPod(name, nodeName);
    },
  };
}

async function runAll<World>(
  scenarios: readonly Scenario<World>[],
  world: (index: number) => World,
  results: ScenarioResult[],
): Promise<void> {
  for (const [index, scenario] of scenarios.entries()) {
    const started = Date.now();
    try {
      await scenario.run(world(index));
      results.push({ name: scenario.name, ok: true, ms: Date.now() - started });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ name: scenario.name, ok: false, error: message, ms: Date.now() - started });
    }
  }
}

async function main(): Promise<void> {
  try {
    const client = await import('@kubernetes/client-node');
    KubernetesAdapter = (await import('../../controller/adapters/kubernetes')).KubernetesAdapter;
    kubeConfig = new client.KubeConfig();
    kubeConfig.loadFromFile(info.kubeconfigPath);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(`LOAD_ERROR ${JSON.stringify(message)}\n`);
    return;
  }
  await api.apply(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    { dryRun: false },
  );
  // No controller-manager runs, so nothing makes the namespace's default ServiceAccount (pods need it).
  await api.apply(
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: NAMESPACE },
    },
    { dryRun: false },
  );
  const results: ScenarioResult[] = [];
  await runAll(LEASE_SCENARIOS, leaseWorld, results);
  await runAll(MARKER_SCENARIOS, markerWorld, results);
  try {
    await runAll(NODE_SCENARIOS, () => nodeWorld(), results);
  } finally {
    await deleteOwnedNodes(api, NAMESPACE);
  }
  process.stdout.write(`RESULTS ${JSON.stringify(results)}\n`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`conformance scenarios failed to run: ${String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => api.close());
