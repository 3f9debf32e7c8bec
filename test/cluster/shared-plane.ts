/**
 * Runners that share the cluster tier's one control plane (the state file named in
 * `KAFKA_EKS_CLUSTER_STATE`). jest runs the suites in any order, so whatever one suite leaves on
 * the plane is there for every suite after it. Two rules keep them apart:
 *
 * - Names: each runner works in a namespace of its own and gives its Kafka nodes a label value of
 *   its own (`isolatedConfig`), so a listing of "the Kafka nodes" sees only its own. Nodes are
 *   cluster-scoped, so a namespace alone does not keep them apart (a CI run at e7b4f05 failed that
 *   way: the adapter's node list held the conformance runner's nine nodes).
 * - Cleanup: every Node a runner creates carries its owner label (`ownerLabels`, Kafka label or
 *   not) and the runner deletes them all in a `finally` (`deleteOwnedNodes`). globalTeardown then
 *   compares the plane's cluster-scoped objects with what globalSetup found (`clusterScopedNames`,
 *   `leftovers`) and fails the run, naming each object, when a suite left one behind.
 *
 * Namespaces are the exception: this plane runs no kube-controller-manager, so a deleted namespace
 * stays `Terminating` forever; runners keep their own namespace names and leave them.
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

/** The label naming the runner that created a Node on the shared plane (test-only, not a product label). */
export const OWNER_LABEL = 'test.kafka-eks-autoscaling/owner';

/** Labels to add to every Node `runner` creates: `{ [OWNER_LABEL]: runner }`. */
export function ownerLabels(runner: string): Record<string, string> {
  return { [OWNER_LABEL]: runner };
}

/** Deletes every Node whose labels match `selector` (`key=value`); answers their names. */
async function deleteNodesMatching(api: KubeApi, selector: string): Promise<string[]> {
  const list = (await api.ok(
    'GET',
    `/api/v1/nodes?labelSelector=${encodeURIComponent(selector)}`,
  )) as { items: { metadata: { name: string } }[] };
  const names = list.items.map(node => node.metadata.name);
  for (const name of names) await api.request('DELETE', `/api/v1/nodes/${name}`);
  return names;
}

/**
 * Deletes every Node carrying `runner`'s owner label (`ownerLabels`), labelled as a Kafka node or
 * not; answers their names. Call it in a `finally`, so a failed scenario leaves nothing behind.
 */
export function deleteOwnedNodes(api: KubeApi, runner: string): Promise<string[]> {
  return deleteNodesMatching(api, `${OWNER_LABEL}=${runner}`);
}

/** Deletes every Node carrying `config`'s Kafka node label; returns how many it deleted. */
export async function deleteLabelledNodes(api: KubeApi, config: ControllerConfig): Promise<number> {
  const selector = `${config.kafkaNodeLabel.key}=${config.kafkaNodeLabel.value}`;
  return (await deleteNodesMatching(api, selector)).length;
}

/**
 * The collections the teardown audit compares: the cluster-scoped ones a runner can create and
 * delete on this plane, and the namespace `default`, which no runner owns. Namespaces themselves
 * are left out (see the file comment); CRDs are installed by globalSetup and never written by a
 * suite.
 */
export const AUDITED_COLLECTIONS: readonly string[] = [
  '/api/v1/namespaces/default/configmaps',
  '/api/v1/namespaces/default/pods',
  '/api/v1/namespaces/default/secrets',
  '/api/v1/nodes',
  '/api/v1/persistentvolumes',
  '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  '/apis/scheduling.k8s.io/v1/priorityclasses',
  '/apis/storage.k8s.io/v1/storageclasses',
  '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies',
  '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings',
  '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
  '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
  '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
];

/** `<collection path>/<name>` of every object in the audited collections, sorted. */
export async function clusterScopedNames(api: KubeApi): Promise<string[]> {
  const names: string[] = [];
  for (const collection of AUDITED_COLLECTIONS) {
    const list = (await api.ok('GET', collection)) as { items: { metadata: { name: string } }[] };
    for (const item of list.items) names.push(`${collection}/${item.metadata.name}`);
  }
  return names.sort();
}

/** The names in `after` that were not in `before` (what the suites left behind), sorted. */
export function leftovers(before: readonly string[], after: readonly string[]): string[] {
  const found = new Set(before);
  return after.filter(name => !found.has(name)).sort();
}

/**
 * The error globalTeardown throws for `left` (non-empty): each object, and the rule that fixes it.
 */
export function leftoversMessage(left: readonly string[]): string {
  return (
    `the cluster tier left ${left.length} object(s) (cluster-scoped, or in namespace default) ` +
    `on the shared control plane that globalSetup did not find there:\n  ${left.join('\n  ')}\n` +
    'A later suite would see them (jest runs suites in any order). Delete what a suite creates in ' +
    'a finally (Nodes: ownerLabels(<runner>) and deleteOwnedNodes, test/cluster/shared-plane.ts), ' +
    "and keep other objects in a namespace of the suite's own."
  );
}
