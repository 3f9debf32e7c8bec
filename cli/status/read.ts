/**
 * Reads what `status` reports from the cluster, read-only: the controller's configuration
 * ConfigMap, its status ConfigMap (the leader's last decision), its leader Lease, the Kafka nodes
 * (with the operation records on them) and the broker pods. Nodes and pods are mapped with the
 * controller's own functions (`controller/observe.ts`), so status and controller agree on zones,
 * readiness and records.
 */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  type RequestContext,
} from '@kubernetes/client-node';
import { AUTOSCALER_NAME, CONFIG_FILE_NAME } from '../../charts/autoscaler/workload';
import type { ControllerConfig } from '../../controller/config';
import {
  DECISION_RECORD_KEY,
  decisionConfigMapName,
  decodeDecisionRecord,
} from '../../controller/decision-record';
import { parseControllerConfig } from '../../controller/load-config';
import type { ObservedBroker } from '../../controller/model';
import { observeBroker, observeNode, type NodeLike, type PodLike } from '../../controller/observe';
import type { StatusInput } from './report';

/** A problem reading the cluster, with what to do about it. */
export class StatusReadError extends Error {}

function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

function describe(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string' && body !== '') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message !== undefined) return parsed.message;
    } catch {
      // not JSON: fall through
    }
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads everything `buildStatus` needs.
 * @param kubeconfigPath kubeconfig file (its current context is used).
 * @param namespace the controller's namespace (`controller.namespace`, default kafka-autoscaler).
 * @param timeoutMs how long all reads together may take: an endpoint that takes the connection but
 *   never answers (a private EKS endpoint seen from outside its VPC, a firewall dropping packets)
 *   would otherwise hold the command for minutes, or for ever.
 * @throws StatusReadError when the cluster cannot be reached or does not answer in time, or the
 *   controller is not there.
 */
export async function readStatusInput(
  kubeconfigPath: string,
  namespace: string,
  nowMs: number,
  timeoutMs: number,
): Promise<StatusInput> {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(kubeconfigPath);
  } catch (error) {
    throw new StatusReadError(`--kubeconfig ${kubeconfigPath}: cannot load it: ${describe(error)}`);
  }
  const server = kubeConfig.getCurrentCluster()?.server;
  if (server === undefined) {
    throw new StatusReadError(
      `--kubeconfig ${kubeconfigPath}: its current context names no cluster; set one with kubectl config use-context`,
    );
  }
  // Every request gets its own connection agent from the kubeconfig; keep them, so that a read
  // past the deadline can be cut off instead of holding the process open.
  const agents = new Set<HttpAgent | HttpsAgent>();
  const authenticate = kubeConfig.applySecurityAuthentication.bind(kubeConfig);
  kubeConfig.applySecurityAuthentication = async (context: RequestContext): Promise<void> => {
    await authenticate(context);
    const agent = context.getAgent();
    if (agent !== undefined) agents.add(agent);
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      for (const agent of agents) agent.destroy();
      reject(
        new StatusReadError(
          `the API server ${server} did not answer within ${timeoutMs / 1000} s; check that this machine reaches it (a private EKS endpoint answers only from inside its VPC) and that the kubeconfig's current context is the cluster's, or give it longer with --timeout <seconds>`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([readCluster(kubeConfig, namespace, nowMs), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The reads of {@link readStatusInput}, once the kubeconfig is loaded. */
async function readCluster(
  kubeConfig: KubeConfig,
  namespace: string,
  nowMs: number,
): Promise<StatusInput> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const coordination = kubeConfig.makeApiClient(CoordinationV1Api);

  let config: ControllerConfig;
  try {
    const map = await core.readNamespacedConfigMap({ name: AUTOSCALER_NAME, namespace });
    const text = map.data?.[CONFIG_FILE_NAME];
    if (text === undefined) {
      throw new StatusReadError(
        `ConfigMap ${namespace}/${AUTOSCALER_NAME} has no ${CONFIG_FILE_NAME}; re-apply the autoscaler component of the synth output`,
      );
    }
    config = parseControllerConfig(JSON.parse(text) as unknown);
  } catch (error) {
    if (error instanceof StatusReadError) throw error;
    if (isNotFound(error)) {
      throw new StatusReadError(
        `namespace ${namespace} has no ConfigMap ${AUTOSCALER_NAME}: the controller is not deployed there; pass --namespace <controller.namespace>`,
      );
    }
    throw new StatusReadError(
      `cannot read ConfigMap ${namespace}/${AUTOSCALER_NAME}: ${describe(error)}`,
    );
  }

  const readDecision = async (): Promise<StatusInput['decision']> => {
    try {
      const map = await core.readNamespacedConfigMap({
        name: decisionConfigMapName(config.clusterName),
        namespace,
      });
      const text = map.data?.[DECISION_RECORD_KEY];
      if (text === undefined) return undefined;
      const decoded = decodeDecisionRecord(text);
      return 'record' in decoded ? decoded.record : decoded;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const readLease = async (): Promise<StatusInput['lease']> => {
    try {
      const lease = await coordination.readNamespacedLease({
        name: config.leaderElection.leaseName,
        namespace: config.leaderElection.namespace,
      });
      const holder = lease.spec?.holderIdentity;
      if (holder === undefined || holder === '') return undefined;
      return { holder, renewTimeMs: new Date(lease.spec?.renewTime ?? 0).getTime() };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  try {
    const [decision, lease, nodeList, podList] = await Promise.all([
      readDecision(),
      readLease(),
      core.listNode({
        labelSelector: `${config.kafkaNodeLabel.key}=${config.kafkaNodeLabel.value}`,
      }),
      core.listNamespacedPod({
        namespace: config.kafkaNamespace,
        labelSelector: `strimzi.io/cluster=${config.clusterName},strimzi.io/broker-role=true,strimzi.io/kind=Kafka`,
      }),
    ]);
    const brokers = podList.items
      .map(pod => observeBroker(pod as PodLike, config))
      .filter((broker): broker is ObservedBroker => broker !== undefined);
    return {
      config,
      nodes: nodeList.items.map(node => observeNode(node as NodeLike)),
      brokers,
      decision,
      lease,
      nowMs,
    };
  } catch (error) {
    throw new StatusReadError(`cannot read the cluster: ${describe(error)}`);
  }
}
