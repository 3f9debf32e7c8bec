/**
 * The Kubernetes adapter: the only file that imports `@kubernetes/client-node`. It supplies the
 * list and watch calls to `ListWatchCache`, the Lease store to `LeaderElector`, and the guarded
 * writes: every destructive write re-GETs the object, compares its UID, and patches with JSON Patch
 * `test` operations on UID and resourceVersion, so a stale view or a replaced object fails (409/422)
 * instead of acting on the wrong thing. Every request that is not a read, except the Lease's, goes
 * through the leadership fence given to the constructor (`controller/fence.ts`), and, given a
 * fencing token source, carries the writer's identity and token as annotations that the API server
 * checks against the Lease as it admits the write (`controller/admission-fence.ts`).
 */
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  HttpMethod,
  KubeConfig,
  PatchStrategy,
  Observable,
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type RequestContext,
  type ResponseContext,
  setHeaderOptions,
  V1MicroTime,
  Watch,
  type V1ConfigMap,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import {
  admissionFenceName,
  fenceStamp,
  stampedPatch,
  withStampOps,
  type JsonPatchOperation,
} from '../admission-fence';
import type { ControllerConfig } from '../config';
import {
  confirmedFence,
  fenceWrites,
  isKubernetesRead,
  recogniseFenceRefusals,
  type AdmissionFenceRefusedError,
  type LeaseConfirmation,
  type WriteFence,
} from '../fence';
import type { LeaseState, LeaseStore } from '../leader-election';
import {
  ROLLBACK_TALLY_ANNOTATION,
  encodeRollbackTally,
  type RollbackTally,
} from '../rollback-loop';
import type { ListWatchSource, WatchEvent } from '../list-watch';
import type { ObservedBroker, ObservedNode, OtherBrokerPod } from '../model';
import { instanceIdOf, observeBroker, type KafkaLike } from '../observe';
import {
  CORDON_ANNOTATION,
  MANUAL_ROLLING_UPDATE_ANNOTATION,
  OPERATION_ANNOTATION,
  encodeOperationRecord,
  type OperationRecord,
} from '../operation-record';
import type {
  ClusterWriter,
  ControllerEvent,
  EventRecorder,
  LiveBrokerCheck,
  LiveNodeCheck,
  WriteVersions,
} from '../ports';
import {
  DECISION_RECORD_KEY,
  decisionConfigMapName,
  encodeDecisionRecord,
  type DecisionRecord,
} from '../decision-record';
import {
  FORECAST_MARKER_KEY,
  decodeForecastMarker,
  encodeForecastMarker,
  forecastMarkerConfigMapName,
  type ForecastMarkerStore,
} from '../forecast-marker';

/**
 * An API client of `kubeConfig`'s current cluster (as `KubeConfig.makeApiClient` builds it) with
 * `fence` checked twice for every request that is not a read: when the method is called
 * (`fenceWrites`, by its name) and again innermost, as the client library hands the request,
 * authenticated, to its HTTP library (by its HTTP method: anything but GET), there with the Lease
 * read back from the API too when `confirm` is given (`confirmedFence`). Authentication is
 * work of its own between the two: an exec credential plugin is a child process, the in-cluster
 * token a file read, and a process stopped there (SIGSTOP, a long GC pause, a frozen VM) past the
 * lease would otherwise send the write when it resumes. The Auto Scaling client has the same inner
 * fence after signing (`fenceAutoScalingClient`). The inner fence wraps the HTTP library rather
 * than being a request middleware: the generated code of `@kubernetes/client-node` 1.3.0 applies
 * only middleware given with each call, never the configuration's (`ObservableAPI.js`). What stays
 * unfenced is the send itself (connection, TLS, the bytes on the wire): see docs/controller.md,
 * "A paused leader". Throws when the kubeconfig has no current cluster (as `makeApiClient` does);
 * a fenced request rejects with the fence's error (`NotLeaderError`), nothing sent. Tested in
 * test/controller/paused-write.test.ts. A write the API server's admission fence `refusals.name`
 * refused rejects with `AdmissionFenceRefusedError` (a `NotLeaderError`) after
 * `refusals.onRefusal` saw it (`recogniseFenceRefusals`).
 */
function fencedApiClient<T extends object>(
  kubeConfig: KubeConfig,
  apiClass: new (configuration: Configuration) => T,
  fence: WriteFence,
  confirm: LeaseConfirmation | undefined,
  refusals: {
    readonly name: string;
    readonly onRefusal?: ((error: AdmissionFenceRefusedError) => void) | undefined;
  },
): T {
  const innermost = confirmedFence(fence, confirm);
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig: no current cluster (current-context unset?)');
  const http = createConfiguration().httpApi;
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    httpApi: {
      send: (request: RequestContext): Observable<ResponseContext> => {
        if (request.getHttpMethod() === HttpMethod.GET) return http.send(request);
        return new Observable(innermost().then(() => http.send(request).toPromise()));
      },
    },
  });
  const watched = recogniseFenceRefusals(
    new apiClass(configuration),
    isKubernetesRead,
    refusals.name,
    refusals.onRefusal,
  );
  return fenceWrites(watched, fence, isKubernetesRead);
}

/** A write refused because the object changed or was replaced. */
export class StaleObjectError extends Error {}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

type JsonPatchOp = JsonPatchOperation;

/** All Kubernetes I/O of the controller. */
export class KubernetesAdapter
  implements ClusterWriter, EventRecorder, LiveNodeCheck, LiveBrokerCheck
{
  private readonly core: CoreV1Api;
  /** The Lease's client, the one client not fenced (see the constructor). */
  private readonly coordination: CoordinationV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly watcher: Watch;

  /**
   * @param fence checked right before every request of the core and custom-object clients that is
   *   not a read (`fenceWrites`, `isKubernetesRead`): node and pod patches, Events, the status
   *   ConfigMap and the forecast history marker; it throws `NotLeaderError` to drop the request
   *   (`leaderFence`). Checked again after the request is authenticated (`fencedApiClient`).
   * @param confirm with it, the innermost check also reads the Lease back from the API
   *   (`LeaderElector.confirm`) and drops the write unless it still names this replica as it last
   *   renewed it. Default: none (the clocks only; tests that lead throughout). The Lease store's requests are not fenced: its create and update are how
   *   leadership is won and kept. Watches (`Watch`) only read.
   * @param fencingToken with it, every write but the Lease's carries the admission fence's stamp
   *   (`fenceStamp` of `identity` and this token, read as each request body is built: the
   *   annotations `kafka.platform/autoscaler-holder` and `kafka.platform/autoscaler-fencing-token`,
   *   see controller/admission-fence.ts), which the chart's ValidatingAdmissionPolicy compares with
   *   the Lease. `fencedWriters` passes `leadership().fencingToken`. Default: none, no stamp (tests
   *   and clusters without the policy).
   * @param onFenceRefusal called when the API server's admission fence refused a write (a 403/422
   *   naming `<clusterName>-kafka-autoscaler-fence`, `isAdmissionFenceRefusal`), before the write
   *   rejects with `AdmissionFenceRefusedError`, a `NotLeaderError`. `fencedWriters` passes what
   *   `main.ts` wires (`onAdmissionFenceRefusal`: count it, drop leadership until the Lease is read
   *   again). Default: none (the error alone).
   */
  constructor(
    private readonly config: ControllerConfig,
    private readonly identity: string,
    fence: WriteFence,
    kubeConfig: KubeConfig = defaultKubeConfig(),
    confirm?: LeaseConfirmation,
    private readonly fencingToken?: () => number,
    onFenceRefusal?: (error: AdmissionFenceRefusedError) => void,
  ) {
    const refusals = { name: admissionFenceName(config.clusterName), onRefusal: onFenceRefusal };
    this.core = fencedApiClient(kubeConfig, CoreV1Api, fence, confirm, refusals);
    this.coordination = kubeConfig.makeApiClient(CoordinationV1Api);
    this.custom = fencedApiClient(kubeConfig, CustomObjectsApi, fence, confirm, refusals);
    this.watcher = new Watch(kubeConfig);
  }

  /**
   * The admission fence's annotations for a write built now: this replica's identity and the
   * fencing token it holds (`fenceStamp`); empty without a `fencingToken` source.
   */
  private stamp(): Record<string, string> {
    return this.fencingToken === undefined ? {} : fenceStamp(this.identity, this.fencingToken());
  }

  /** `metadata.annotations` for an object created now: the stamp, or none when it is empty. */
  private stampedAnnotations(): { annotations?: Record<string, string> } {
    const stamp = this.stamp();
    return Object.keys(stamp).length === 0 ? {} : { annotations: stamp };
  }

  private watchSource<T>(
    path: string,
    query: Record<string, string>,
    list: () => Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>,
  ): ListWatchSource<T> {
    return {
      list: async () => {
        const result = await list();
        return { items: result.items, resourceVersion: result.metadata?.resourceVersion };
      },
      watch: async (resourceVersion, onEvent, onDone) => {
        const controller = await this.watcher.watch(
          path,
          {
            ...query,
            allowWatchBookmarks: true,
            ...(resourceVersion === undefined ? {} : { resourceVersion }),
          },
          (type: string, object: T) => onEvent({ type, object } as WatchEvent<T>),
          (error: unknown) => onDone(error),
        );
        return { abort: () => controller.abort() };
      },
    };
  }

  /** Kafka nodes (by the Kafka nodegroup label). */
  nodeSource(): ListWatchSource<V1Node> {
    const labelSelector = `${this.config.kafkaNodeLabel.key}=${this.config.kafkaNodeLabel.value}`;
    return this.watchSource('/api/v1/nodes', { labelSelector }, () =>
      this.core.listNode({ labelSelector }),
    );
  }

  private brokerSelector(): string {
    return `strimzi.io/cluster=${this.config.clusterName},strimzi.io/broker-role=true,strimzi.io/kind=Kafka`;
  }

  /**
   * The node and the broker pods bound to it, read live (a GET and a LIST with the field selector
   * `spec.nodeName`), not from the caches. Throws when the node cannot be read.
   */
  async nodeNow(
    nodeName: string,
  ): Promise<{ readonly unschedulable: boolean; readonly brokers: readonly string[] }> {
    const node = await this.core.readNode({ name: nodeName });
    const pods = await this.core.listNamespacedPod({
      namespace: this.config.kafkaNamespace,
      labelSelector: this.brokerSelector(),
      fieldSelector: `spec.nodeName=${nodeName}`,
    });
    return {
      unschedulable: node.spec?.unschedulable === true,
      brokers: pods.items.map(pod => pod.metadata?.name ?? '').sort(),
    };
  }

  /**
   * Every Node of the cluster whose `spec.providerID` names this EC2 instance (`instanceIdOf`),
   * read live: one LIST of all nodes, no label selector, so a Kafka node whose label changed is
   * included. Sorted names; empty when no Node names the instance. Throws when the list fails.
   */
  async nodesOfInstance(instanceId: string): Promise<readonly string[]> {
    const nodes = await this.core.listNode({});
    return nodes.items
      .filter(node => instanceIdOf(node.spec?.providerID) === instanceId)
      .map(node => node.metadata?.name ?? '')
      .sort();
  }

  /**
   * Every node of the cluster that carries an operation record, read live (one LIST of all nodes,
   * no label selector, so a Kafka node whose label changed is included).
   */
  async nodesWithRecords(): Promise<readonly string[]> {
    const nodes = await this.core.listNode({});
    return nodes.items
      .filter(node => node.metadata?.annotations?.[OPERATION_ANNOTATION] !== undefined)
      .map(node => node.metadata?.name ?? '')
      .sort();
  }

  /**
   * Every broker pod of the cluster read live (one LIST with the broker label selector, not the
   * informer cache), mapped as the cached view maps them (`observeBroker`). Throws when the list
   * fails.
   */
  async brokersNow(): Promise<readonly ObservedBroker[]> {
    const pods = await this.core.listNamespacedPod({
      namespace: this.config.kafkaNamespace,
      labelSelector: this.brokerSelector(),
    });
    return pods.items
      .map(pod => observeBroker(pod, this.config))
      .filter((broker): broker is ObservedBroker => broker !== undefined);
  }

  /**
   * Every pod of the broker selector that maps to no configured pool's broker (`observeBroker`
   * answers undefined: `Observed.otherBrokerPods`), read live (one LIST, not the informer cache),
   * by name and `spec.nodeName` (undefined while unbound). Throws when the list fails.
   */
  async otherBrokerPodsNow(): Promise<readonly OtherBrokerPod[]> {
    const pods = await this.core.listNamespacedPod({
      namespace: this.config.kafkaNamespace,
      labelSelector: this.brokerSelector(),
    });
    return pods.items
      .filter(pod => observeBroker(pod, this.config) === undefined)
      .map(pod => ({ podName: pod.metadata?.name ?? '', nodeName: pod.spec?.nodeName }));
  }

  /** Broker pods of the cluster. */
  brokerPodSource(): ListWatchSource<V1Pod> {
    const namespace = this.config.kafkaNamespace;
    const labelSelector = this.brokerSelector();
    return this.watchSource(`/api/v1/namespaces/${namespace}/pods`, { labelSelector }, () =>
      this.core.listNamespacedPod({ namespace, labelSelector }),
    );
  }

  /** The `Kafka` resource, or undefined when it does not exist. */
  async readKafka(): Promise<KafkaLike | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({
        group: 'kafka.strimzi.io',
        version: 'v1',
        namespace: this.config.kafkaNamespace,
        plural: 'kafkas',
        name: this.config.clusterName,
      })) as KafkaLike;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  private async guardedNodePatch(
    name: string,
    uid: string,
    resourceVersion: string | undefined,
    ops: (node: V1Node) => JsonPatchOp[],
  ): Promise<WriteVersions | void> {
    const fresh = await this.core.readNode({ name });
    if (fresh.metadata?.uid !== uid) throw new StaleObjectError(`node ${name} was replaced`);
    if (resourceVersion !== undefined && fresh.metadata?.resourceVersion !== resourceVersion) {
      throw new StaleObjectError(`node ${name} changed since it was observed`);
    }
    const guards: JsonPatchOp[] = [
      { op: 'test', path: '/metadata/uid', value: uid },
      { op: 'test', path: '/metadata/resourceVersion', value: fresh.metadata?.resourceVersion },
    ];
    const before = fresh.metadata?.resourceVersion;
    // Nothing to change on the fresh read (a cordon of a node someone else cordoned, a record
    // removed that is not there): no request at all, rather than one carrying only the stamp.
    // Answered as a write that changed nothing (`after` the version read): the node at that
    // version is the state the write leaves, so read-your-writes counts the write shown once the
    // view reaches it. Answered with no versions (as before review s35-f), the write was judged by
    // content alone, and an uncordon left undone (someone else's cordon) was never shown: a
    // `stale-data` hold naming a write never sent, scale-out held too, for `staleAfterSeconds`.
    const body = stampedPatch(fresh, [...guards, ...ops(fresh)], this.stamp());
    if (body === undefined) return before === undefined ? undefined : { before, after: before };
    const patched: V1Node | undefined = await this.core.patchNode({ name, body });
    const after = patched?.metadata?.resourceVersion;
    // Both known, or neither (read-your-writes then judges the view by its content alone).
    if (before === undefined || after === undefined) return undefined;
    return { before, after };
  }

  async writeOperation(
    node: ObservedNode,
    record: OperationRecord | undefined,
    rollbacks?: RollbackTally | null,
  ): Promise<WriteVersions | void> {
    // The record and, when given, the rollback tally, in one patch (a crash cannot split them).
    const wanted: Array<[string, string | undefined]> = [
      [OPERATION_ANNOTATION, record === undefined ? undefined : encodeOperationRecord(record)],
    ];
    if (rollbacks !== undefined) {
      wanted.push([
        ROLLBACK_TALLY_ANNOTATION,
        rollbacks === null ? undefined : encodeRollbackTally(rollbacks),
      ]);
    }
    return this.guardedNodePatch(node.name, node.uid, node.resourceVersion, fresh => {
      const annotations = fresh.metadata?.annotations;
      const ops: JsonPatchOp[] = [];
      const added: Record<string, string> = {};
      for (const [key, value] of wanted) {
        const path = `/metadata/annotations/${escapePointer(key)}`;
        if (value === undefined) {
          if (annotations?.[key] !== undefined) ops.push({ op: 'remove', path });
        } else if (annotations === undefined) {
          added[key] = value;
        } else {
          ops.push({ op: 'add', path, value });
        }
      }
      if (Object.keys(added).length > 0) {
        ops.unshift({ op: 'add', path: '/metadata/annotations', value: added });
      }
      return ops;
    });
  }

  /**
   * Cordons (`true`) or uncordons (`false`) the node, guarded by its UID and by the resourceVersion
   * of a fresh read. The cordon marker (`CORDON_ANNOTATION`) goes with the cordon and leaves with
   * the uncordon, in the same patch. A node someone else cordoned (cordoned on the fresh read,
   * without the marker) is left exactly as it is either way: a cordon decided on a view up to
   * `staleAfterSeconds` old never claims that cordon as the controller's, and an uncordon never
   * undoes it; the next observation shows the node cordoned without the marker, which operations
   * treat as someone else's. A patch that would change nothing on the fresh read (that cordon, or
   * a node already as asked) is not sent (`stampedPatch`): it would carry only the stamp.
   * @throws StaleObjectError when the node was replaced; the API error when the patch fails (a
   *   409/422 when the node changed between the read and the patch).
   */
  async setUnschedulable(
    nodeName: string,
    nodeUid: string,
    unschedulable: boolean,
  ): Promise<WriteVersions | void> {
    const marker = `/metadata/annotations/${escapePointer(CORDON_ANNOTATION)}`;
    return this.guardedNodePatch(nodeName, nodeUid, undefined, fresh => {
      const annotations = fresh.metadata?.annotations;
      const foreignCordon =
        fresh.spec?.unschedulable === true && annotations?.[CORDON_ANNOTATION] === undefined;
      if (foreignCordon) return [];
      const ops: JsonPatchOp[] = [{ op: 'add', path: '/spec/unschedulable', value: unschedulable }];
      if (unschedulable && annotations === undefined) {
        ops.push({
          op: 'add',
          path: '/metadata/annotations',
          value: { [CORDON_ANNOTATION]: 'true' },
        });
      } else if (unschedulable) {
        ops.push({ op: 'add', path: marker, value: 'true' });
      } else if (annotations?.[CORDON_ANNOTATION] !== undefined) {
        ops.push({ op: 'remove', path: marker });
      }
      return ops;
    });
  }

  /**
   * See `ClusterWriter.requestRoll`: `mayRoll` is asked after the read of the pod. A pod that
   * already carries the roll annotation is left as it is (no request: it would change only the
   * admission fence's stamp).
   */
  async requestRoll(
    podName: string,
    podUid: string,
    mayRoll?: () => Promise<string | undefined>,
  ): Promise<'refused' | void> {
    const namespace = this.config.kafkaNamespace;
    const fresh = await this.core.readNamespacedPod({ name: podName, namespace });
    if (fresh.metadata?.uid !== podUid) throw new StaleObjectError(`pod ${podName} was replaced`);
    if ((await mayRoll?.()) !== undefined) return 'refused';
    const ops: JsonPatchOp[] = [{ op: 'test', path: '/metadata/uid', value: podUid }];
    if (fresh.metadata?.annotations === undefined) {
      ops.push({
        op: 'add',
        path: '/metadata/annotations',
        value: { [MANUAL_ROLLING_UPDATE_ANNOTATION]: 'true' },
      });
    } else {
      ops.push({
        op: 'add',
        path: `/metadata/annotations/${escapePointer(MANUAL_ROLLING_UPDATE_ANNOTATION)}`,
        value: 'true',
      });
    }
    // Already requested (the annotation is there, Strimzi has not rolled yet): nothing to send.
    const body = stampedPatch(fresh, ops, this.stamp());
    if (body === undefined) return;
    await this.core.patchNamespacedPod({ name: podName, namespace, body });
  }

  async record(event: ControllerEvent): Promise<void> {
    const namespace = this.config.kafkaNamespace;
    const now = new Date();
    await this.core.createNamespacedEvent({
      namespace,
      body: {
        metadata: {
          generateName: `${this.config.clusterName}-autoscaler-`,
          namespace,
          ...this.stampedAnnotations(),
        },
        involvedObject: {
          apiVersion: 'kafka.strimzi.io/v1',
          kind: 'Kafka',
          name: this.config.clusterName,
          namespace,
        },
        type: event.type,
        reason: event.reason,
        message: event.message,
        source: { component: 'kafka-autoscaler' },
        reportingComponent: 'kafka.platform/autoscaler',
        reportingInstance: this.identity,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  }

  /**
   * Stores the leader's last decision in the status ConfigMap (see `decision-record.ts`), creating
   * it on first use. Read only by people and `status`; the controller never reads it back.
   */
  async writeDecisionRecord(record: DecisionRecord): Promise<void> {
    const namespace = this.config.leaderElection.namespace;
    const name = decisionConfigMapName(this.config.clusterName);
    await this.replaceConfigMapData(namespace, name, {
      [DECISION_RECORD_KEY]: encodeDecisionRecord(record),
    });
  }

  /**
   * Replaces the `data` of the ConfigMap `namespace/name` and sets the admission fence's stamp on
   * it, in one JSON Patch: `add` of `/data`, then the stamp's annotations (`withStampOps`, one `add`
   * per key; the whole `/metadata/annotations` map only when `hadAnnotations` is false). Without a
   * fresh read, whether the map exists is not known: the first attempt assumes it does (every
   * ConfigMap this adapter creates carries the stamp), and a 422 then (the map is missing: a
   * ConfigMap created by an older controller) is retried once adding the map. Creates the ConfigMap
   * with the controller's name label and the stamp when it does not exist (404). Other errors are
   * thrown.
   */
  private async replaceConfigMapData(
    namespace: string,
    name: string,
    data: Record<string, string>,
  ): Promise<void> {
    const patch = (hadAnnotations: boolean) =>
      this.core.patchNamespacedConfigMap({
        name,
        namespace,
        body: withStampOps(
          [{ op: 'add', path: '/data', value: data }],
          hadAnnotations,
          this.stamp(),
        ),
      });
    try {
      try {
        await patch(true);
      } catch (error) {
        if ((error as { code?: number }).code !== 422 || Object.keys(this.stamp()).length === 0)
          throw error;
        await patch(false);
      }
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
      await this.core.createNamespacedConfigMap({
        namespace,
        body: {
          metadata: {
            name,
            namespace,
            labels: { 'app.kubernetes.io/name': 'kafka-autoscaler' },
            ...this.stampedAnnotations(),
          },
          data,
        },
      });
    }
  }

  /**
   * The forecast history marker (`controller/forecast-marker.ts`) in the ConfigMap
   * `<cluster>-kafka-autoscaler-forecast` of the controller's namespace: `read` answers the marker
   * and the ConfigMap's `metadata.resourceVersion` (both undefined on 404; the marker undefined when
   * the key does not exist) and throws on a value that is not a marker (the message names the key
   * and the fix) or an answer without a resourceVersion. `write` refuses (throws) an empty version:
   * a merge patch carrying `resourceVersion: ""` is unconditional. `write` with the version read is a JSON merge patch (RFC 7386) setting the
   * marker's key and carrying that `metadata.resourceVersion` as its precondition: a ConfigMap
   * changed since answers 409 Conflict and one deleted since 404, both a `conflict` (nothing
   * written, never a create). Chosen over a JSON Patch whose first operation tests
   * `/metadata/resourceVersion`, whose failure is a 422 the API server also answers for invalid
   * data. `write` without a version (none existed) only creates the ConfigMap: 409 AlreadyExists
   * (someone created it since) is a `conflict`. Other errors are thrown. The answers are checked
   * against a real kube-apiserver in test/cluster/adapter-scenarios.ts.
   */
  forecastMarkerStore(): ForecastMarkerStore {
    const namespace = this.config.leaderElection.namespace;
    const name = forecastMarkerConfigMapName(this.config.clusterName);
    const code = (error: unknown) => (error as { code?: number }).code;
    return {
      location: `${namespace}/${name}`,
      read: async () => {
        let configMap: V1ConfigMap;
        try {
          configMap = await this.core.readNamespacedConfigMap({ name, namespace });
        } catch (error) {
          if (code(error) === 404) return { marker: undefined, version: undefined };
          throw error;
        }
        const version = configMap.metadata?.resourceVersion;
        // No version on a ConfigMap that exists: a write could carry no precondition.
        if (version === undefined || version === '')
          throw new Error(
            `ConfigMap ${namespace}/${name}: the API server answered no metadata.resourceVersion`,
          );
        const text = configMap.data?.[FORECAST_MARKER_KEY];
        if (text === undefined) return { marker: undefined, version };
        const decoded = decodeForecastMarker(text);
        if ('error' in decoded) throw new Error(`ConfigMap ${namespace}/${name}: ${decoded.error}`);
        return { marker: decoded.marker, version };
      },
      write: async (marker, readVersion) => {
        const data = { [FORECAST_MARKER_KEY]: encodeForecastMarker(marker) };
        if (readVersion === undefined) {
          try {
            await this.core.createNamespacedConfigMap({
              namespace,
              body: {
                metadata: {
                  name,
                  namespace,
                  labels: { 'app.kubernetes.io/name': 'kafka-autoscaler' },
                  ...this.stampedAnnotations(),
                },
                data,
              },
            });
          } catch (error) {
            if (code(error) === 409) return 'conflict';
            throw error;
          }
          return 'written';
        }
        // A merge patch carrying resourceVersion "" is an unconditional write (checked against a
        // real kube-apiserver): refused, so no stamp another writer stored can be dropped.
        if (readVersion === '')
          throw new Error(
            `forecast marker write to ConfigMap ${namespace}/${name}: the resourceVersion read is ` +
              'empty; read the marker again (a write needs the version it is based on)',
          );
        try {
          await this.core.patchNamespacedConfigMap(
            {
              name,
              namespace,
              body: {
                metadata: { resourceVersion: readVersion, ...this.stampedAnnotations() },
                data,
              },
            },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
        } catch (error) {
          if (code(error) === 404 || code(error) === 409) return 'conflict';
          throw error;
        }
        return 'written';
      },
    };
  }

  /** The Lease used for leader election. */
  leaseStore(): LeaseStore {
    const { namespace, leaseName: name } = this.config.leaderElection;
    return {
      get: async (): Promise<LeaseState | undefined> => {
        try {
          const lease = await this.coordination.readNamespacedLease({ name, namespace });
          return {
            holderIdentity: lease.spec?.holderIdentity,
            leaseDurationSeconds: lease.spec?.leaseDurationSeconds ?? 15,
            renewTimeMs: new Date(lease.spec?.renewTime ?? 0).getTime(),
            leaseTransitions: lease.spec?.leaseTransitions ?? 0,
            resourceVersion: lease.metadata?.resourceVersion ?? '',
          };
        } catch (error) {
          if ((error as { code?: number }).code === 404) return undefined;
          throw error;
        }
      },
      create: async lease => {
        await this.coordination.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: {
              holderIdentity: lease.holderIdentity,
              leaseDurationSeconds: lease.leaseDurationSeconds,
              acquireTime: new V1MicroTime(lease.renewTimeMs),
              renewTime: new V1MicroTime(lease.renewTimeMs),
              leaseTransitions: lease.leaseTransitions,
            },
          },
        });
      },
      update: async lease => {
        await this.coordination.replaceNamespacedLease({
          name,
          namespace,
          body: {
            metadata: { name, namespace, resourceVersion: lease.resourceVersion },
            spec: {
              holderIdentity: lease.holderIdentity,
              leaseDurationSeconds: lease.leaseDurationSeconds,
              renewTime: new V1MicroTime(lease.renewTimeMs),
              leaseTransitions: lease.leaseTransitions,
            },
          },
        });
      },
    };
  }
}

/** In-cluster configuration, or the local kubeconfig outside a cluster. */
export function defaultKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}
