/**
 * Runners that share the cluster tier's one control plane (the state file named in
 * `KAFKA_EKS_CLUSTER_STATE`) and create Nodes there. Nodes are cluster-scoped, so a namespace of
 * the runner's own does not keep them apart: a runner that lists "the Kafka nodes" would also see
 * every other runner's nodes carrying the same Kafka label, and jest runs the suites in any order
 * (a CI run at e7b4f05 failed that way: the adapter's node list held the conformance runner's
 * nine nodes). Each runner therefore gets a namespace and a Kafka node label value of its own, and
 * deletes its labelled nodes when it ends.
 */
import type { ControllerConfig } from '../../controller/config';
import type { KubeApi } from './kube-api';

/**
 * `base` with the Kafka namespace, the Lease's namespace and the Kafka node label's value set from
 * `runner` (a DNS label, e.g. `adapter-it`): the label value is `<runner>-kafka`.
 */
export function isolatedConfig(base: ControllerConfig, runner: string): ControllerConfig {
  return {
    ...base,
    kafkaNamespace: runner,
    kafkaNodeLabel: { key: base.kafkaNodeLabel.key, value: `${runner}-kafka` },
    leaderElection: { ...base.leaderElection, namespace: runner },
  };
}

/** Deletes every Node carrying `config`'s Kafka node label; returns how many it deleted. */
export async function deleteLabelledNodes(api: KubeApi, config: ControllerConfig): Promise<number> {
  const selector = encodeURIComponent(
    `${config.kafkaNodeLabel.key}=${config.kafkaNodeLabel.value}`,
  );
  const list = (await api.ok('GET', `/api/v1/nodes?labelSelector=${selector}`)) as {
    items: { metadata: { name: string } }[];
  };
  for (const node of list.items) await api.request('DELETE', `/api/v1/nodes/${node.metadata.name}`);
  return list.items.length;
}
