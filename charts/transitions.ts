/**
 * Changes between the output synth wrote last time and the output it is about to write that Strimzi,
 * Kafka or Kubernetes refuse once the earlier output is applied. A spec can be valid on its own and
 * still ask for one of these, so they are checked against the previous output in `--out` (the files
 * listed in its `.synth-manifest`, which is what GitOps applies), before anything is written.
 *
 * Besides the table, two rules read the whole outputs: the zones rule (below) and an acting
 * autoscaling controller moved to a leader Lease in another namespace (`controller.namespace`
 * changed while the previous output's controller acts): the old one would go on leading beside
 * the new one until it is pruned (`controllerLease`; the Pulumi program's guarded field
 * `controller.namespace` is the same rule).
 *
 * The table (`TRANSITION_RULES`), each row keyed by the upstream fact:
 *
 * - a broker pool's volume gets smaller: Kubernetes refuses to shrink a PersistentVolumeClaim
 *   (`spec.resources.requests.storage` may not go below the previous value), and Strimzi then
 *   ignores every storage change of the pool (strimzi/strimzi-kafka-operator#10818, #3387, #10306);
 * - a topic gets fewer partitions: Kafka cannot remove partitions, and the Topic Operator marks the
 *   KafkaTopic NotReady (strimzi/strimzi-kafka-operator#6884, #2930);
 * - a topic's replication factor changes: the Topic Operator changes it only through Cruise Control,
 *   which this platform does not deploy ("Replication factor change not supported",
 *   strimzi/strimzi-kafka-operator#9606);
 * - `kafka.version` goes to an older minor line: Strimzi moves the metadata version to the new
 *   version's default after an upgrade (the platform sets no `metadataVersion`), and a downgrade
 *   needs the metadata version lowered first to one the older line supports, which the spec cannot
 *   express (Strimzi "Downgrading" for KRaft clusters, docs/upgrade.md);
 * - `zones` moves a position of the previous output's list (a reorder, a zone inserted or removed
 *   before the end, a new zone in the place of one that leaves): each broker pool's node-ID block
 *   (`strimzi.io/next-node-ids`) follows its zone's position, and Strimzi keeps the IDs of running
 *   brokers and gives new ones the lowest ID no existing pool holds, so the per-broker listener
 *   entries the output writes by ID would land on brokers of other zones. This is the rule the
 *   Pulumi program applies to its last deployment (spec/zone-order.ts `zoneOrderProblem`, with the
 *   facts and sources); here the deployed list is read from the previous output's broker pools
 *   (`previousZoneOrder`);
 * - (warning) a zone's broker pool gets fewer brokers: Strimzi refuses to remove brokers that still
 *   hold partition replicas and the Kafka resource goes NotReady until they are moved
 *   (strimzi/strimzi-kafka-operator#6736, Strimzi 0.38 and later);
 * - (warning) the KRaft controller pool loses a zone (a dropped zone of the system nodegroup): the
 *   controller whose EBS volume lies there cannot start in another zone and stays Pending;
 * - (warning) the KRaft controller pool changes size: Strimzi runs a static controller quorum and
 *   documents controller scaling as unsupported (strimzi/strimzi-kafka-operator#9429, #11598); a
 *   changed voter set is refused by the controllers (#6862);
 * - a thread pool Kafka resizes in a running broker (`RESIZABLE_THREAD_POOLS`) changes by more than
 *   a factor of two: Kafka accepts a new size only from half to double the running one (the
 *   `validateReconfiguration` of its dynamic thread pools, the socket server and the log cleaner),
 *   so Strimzi's dynamic update fails and the size does not change, and Strimzi may restart the
 *   brokers over and over (strimzi/strimzi-kafka-operator#10253, #7391);
 * - `offsets.topic.num.partitions`, `transaction.state.log.num.partitions` or
 *   `share.coordinator.state.topic.num.partitions` differs from the running count (the previous
 *   output's, else Kafka's default 50): each coordinator maps an ID to a partition modulo the
 *   configured count while the topic keeps its partitions, so groups and transactional producers
 *   land on partitions without their state (apache/kafka#12911, KAFKA-14418;
 *   `DEPLOYMENT_FIXED_PARTITION_COUNTS`);
 * - (warning) the replication factor or min ISR of Kafka's internal topics changes
 *   (`CREATION_ONLY_INTERNAL_TOPIC_KEYS`, rendered from `kafka.replicationFactor` and
 *   `kafka.minInSyncReplicas`): Kafka applies them only when it creates those topics, so the
 *   running ones keep theirs (Yolean/kubernetes-kafka#114, #140);
 * - (warning) a topic whose cleanup policy (its own, else the broker default) includes `compact`
 *   gets more partitions: keys hash to other partitions and their old values stay behind
 *   uncollected (confluentinc/bottledwater-pg#39, `compactedTopicGrowth`);
 * - a StorageClass's parameters (`kafka.storage.iops`, `.throughputMiBps`), provisioner,
 *   reclaimPolicy or volumeBindingMode change: Kubernetes refuses any update of them ("updates to
 *   parameters are forbidden"; gardener/gardener-extension-provider-aws#502,
 *   microsoft/CromwellOnAzure#767), and a class reaches only volumes created after it anyway;
 * - (warning) `kafka.external.scheme` changes: a load balancer's scheme is fixed at creation, and
 *   the AWS Load Balancer Controller replaces a load balancer whose scheme (or type) differs from
 *   the desired one (`isSDKLoadBalancerRequiresReplacement` in its deployer; its documentation says
 *   so since kubernetes-sigs/aws-load-balancer-controller#4860), so every broker NLB and the
 *   bootstrap NLB get new names and addresses;
 * - (warning) a listener of the previous output leaves, or changes its authentication type or TLS
 *   (`listenerChange`): a client speaks one security protocol (SSL with a client certificate,
 *   SASL_SSL with SCRAM), and a Strimzi `KafkaUser` holds one kind of credential
 *   (`spec.authentication.type`), so every client connected through that listener fails until it
 *   gets new credentials or another address; a listener that leaves takes its Services, and with
 *   them the AWS Load Balancer Controller's NLBs, along;
 * - (warning) the cluster-wide `min.insync.replicas` changes: with Eligible Leader Replicas on
 *   (KIP-966, on by default in clusters created at Kafka 4.1 or later) Kafka refuses it per broker
 *   and clears every partition's eligible leader replicas when the cluster value changes
 *   (apache/kafka#17952, #20237); Strimzi releases before 0.48 restarted the brokers in a loop on
 *   it (strimzi/strimzi-kafka-operator#11685, #11854). Raising it also stops the high watermark of
 *   any partition with fewer in-sync replicas (apache/kafka#14594, Kafka 3.7+);
 * - (warning) a topic's KafkaTopic gets another resource name (its Kafka topic name stays): GitOps
 *   prunes the old resource, and the Topic Operator deletes a topic with its records when a
 *   managed KafkaTopic of it is deleted (Strimzi proposal 050, "Unidirectional Topic Operator";
 *   users lost topics this way, strimzi/strimzi-kafka-operator#1593, #2775).
 *
 * Objects are matched by kind, namespace and name (a KafkaTopic by its Kafka topic name); a new
 * object is no transition. Gone objects have their own table (`GONE_RULES`): the Kafka cluster
 * (a new `name` or `kafka.namespace` replaces the running cluster by an empty one, #3617; refused)
 * and a broker pool whose zone left `zones` while the cluster stays (warning: unlike a pool that
 * shrinks, #6736, a deleted pool takes its broker pods with it unchecked; see `GONE_RULES`).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CONFIG_FILE_NAME } from './autoscaler/workload';
import { previousOwnedFiles, readManifest } from './output';
import type { KubeObject } from './synth';
import { showValue, type SpecIssue } from '../spec/errors';
import type { PlatformSpec } from '../spec/schema';
import { NODE_ID_BLOCK } from '../spec/derive';
import { GITOPS_ZONE_ORDER, zoneOrderProblem } from '../spec/zone-order';
import type { LoadedSpec } from '../spec/load';
import {
  controllerZonesDropped,
  onSystemNodegroupZones,
  systemZonesAfterOutput,
} from '../spec/system-nodegroup';
import {
  STRIMZI_CLUSTER_LABEL,
  STRIMZI_NEXT_NODE_IDS_ANNOTATION,
  ZONE_LABEL,
} from './kafka/labels';

/** Problems (refused) and warnings (may be refused) of going from the previous output to the next. */
export interface TransitionReport {
  readonly problems: readonly SpecIssue[];
  readonly warnings: readonly SpecIssue[];
}

type Obj = Record<string, unknown>;

function field(object: unknown, ...path: string[]): unknown {
  let value: unknown = object;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Obj)[key];
  }
  return value;
}

/** `<n>Gi` as a number of GiB; undefined for any other form (the platform writes only Gi). */
function gibOf(size: unknown): number | undefined {
  const match = typeof size === 'string' ? /^(\d+)Gi$/.exec(size) : null;
  return match === null ? undefined : Number(match[1]);
}

/** The API group of Strimzi's kinds, as the start of `apiVersion`. */
const STRIMZI_API_GROUP = 'kafka.strimzi.io/';

function isStrimzi(object: KubeObject, kind: string): boolean {
  return object.kind === kind && object.apiVersion.startsWith(STRIMZI_API_GROUP);
}

/** Whether `object` is of the kind (and API group) a rule is about. */
function isOfRule(object: KubeObject, rule: { kind: string; apiGroup?: string }): boolean {
  return (
    object.kind === rule.kind && object.apiVersion.startsWith(rule.apiGroup ?? STRIMZI_API_GROUP)
  );
}

function keyOf(object: KubeObject): string {
  const topic = field(object, 'spec', 'topicName');
  const name =
    object.kind === 'KafkaTopic' && typeof topic === 'string' ? topic : object.metadata.name;
  return `${object.kind}/${object.metadata.namespace ?? ''}/${name}`;
}

/** The Kafka topic name of a KafkaTopic (spec.topicName, else metadata.name). */
function topicNameOf(object: KubeObject): string {
  const topic = field(object, 'spec', 'topicName');
  return typeof topic === 'string' ? topic : object.metadata.name;
}

function minorOf(version: unknown): [number, number] | undefined {
  const match = typeof version === 'string' ? /^(\d+)\.(\d+)\./.exec(version) : null;
  return match === null ? undefined : [Number(match[1]), Number(match[2])];
}

/**
 * The 1-based position in `zones` of the zone whose pool has the ID range `range` (`[<first>-<last>]`,
 * first = position x NODE_ID_BLOCK, spec/derive.ts); undefined for any other form.
 */
function blockPosition(range: string): number | undefined {
  const match = /^\[(\d+)-\d+\]$/.exec(range);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first % NODE_ID_BLOCK === 0 && first > 0 ? first / NODE_ID_BLOCK : undefined;
}

interface TransitionRule {
  readonly kind: string;
  /** The API group of `kind`, as the start of `apiVersion`. Default: Strimzi's, `kafka.strimzi.io/`. */
  readonly apiGroup?: string;
  readonly severity: 'problem' | 'warning';
  /** The issue for one object present before and after; undefined when the change is fine. */
  readonly check: (
    before: KubeObject,
    after: KubeObject,
    spec: PlatformSpec,
  ) => SpecIssue | undefined;
}

function topicPath(spec: PlatformSpec, after: KubeObject, leaf: string): string {
  const index = spec.kafka.topics.findIndex(topic => topic.name === topicNameOf(after));
  return index < 0 ? `kafka.topics.${leaf}` : `kafka.topics[${index}].${leaf}`;
}

/**
 * The thread pools Kafka resizes in a running broker, with Kafka's default size (Kafka 4.1 broker
 * configuration table, unchanged in 4.3; `num.recovery.threads.per.data.dir` became 2 in Kafka 4.0,
 * KIP-1030). Each pool takes a new size only from half (rounded down, at least 1) to double its
 * running size: `DynamicThreadPool` (I/O, replica fetcher, recovery and background threads), the
 * socket server's processors per listener (network threads) and the log cleaner, each in its
 * `validateReconfiguration`.
 */
export const RESIZABLE_THREAD_POOLS: Readonly<Record<string, number>> = {
  'num.io.threads': 8,
  'num.network.threads': 3,
  'num.replica.fetchers': 1,
  'num.recovery.threads.per.data.dir': 2,
  'background.threads': 10,
  'log.cleaner.threads': 1,
};

/** Whether Kafka resizes a running pool of `was` threads to `now` (see `RESIZABLE_THREAD_POOLS`). */
export function threadPoolResizeAccepted(was: number, now: number): boolean {
  return now === was || (now >= Math.max(1, Math.floor(was / 2)) && now <= was * 2);
}

/**
 * The sizes to apply one after another to go from `was` to `now` threads, each a resize Kafka
 * accepts from the one before (doubling or halving, the last step landing on `now`); empty when
 * `was` equals `now`. Both must be at least 1.
 */
export function threadPoolSteps(was: number, now: number): number[] {
  const steps: number[] = [];
  let size = was;
  while (size !== now) {
    size = now > size ? Math.min(now, size * 2) : Math.max(now, Math.floor(size / 2));
    steps.push(size);
  }
  return steps;
}

/** A whole number of threads from a config value (a YAML number or its text); else undefined. */
function threadCountOf(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  return /^\s*\d+\s*$/.test(text) ? Number(text) : undefined;
}

function threadPoolRule(key: string, kafkaDefault: number): TransitionRule {
  return {
    kind: 'Kafka',
    severity: 'problem',
    check: (before, after) => {
      const wasSet = field(before, 'spec', 'kafka', 'config', key);
      const nowSet = field(after, 'spec', 'kafka', 'config', key);
      const was = wasSet === undefined ? kafkaDefault : threadCountOf(wasSet);
      const now = nowSet === undefined ? kafkaDefault : threadCountOf(nowSet);
      if (was === undefined || now === undefined || was < 1 || now < 1) return undefined;
      if (threadPoolResizeAccepted(was, now)) return undefined;
      const running =
        wasSet === undefined
          ? `the ${was} the brokers run (Kafka's default; the previous output does not set it)`
          : `the ${was} of the previous output, the size the brokers run`;
      return {
        path: `kafka.config[${JSON.stringify(key)}]`,
        message: `${now} is ${now > was ? 'more than double' : 'less than half'} ${running}; Kafka resizes this thread pool in a running broker only to between half and double its size and refuses anything else, so Strimzi's dynamic update fails, the new size does not take effect, and Strimzi may restart the brokers over and over (strimzi-kafka-operator#10253, #7391); go there in steps, synthesizing and applying each before the next: ${threadPoolSteps(was, now).join(', ')}`,
      };
    },
  };
}

/**
 * Partition counts of Kafka's coordinator topics, fixed once the cluster runs, with Kafka's default
 * (50 for each, the 4.x `GroupCoordinatorConfig`, `TransactionLogConfig` and `ShareCoordinatorConfig`)
 * and what a coordinator keys by. Each coordinator finds its partition as a hash of the ID modulo
 * the configured count, while the topic keeps the partitions it was created with, so Kafka's
 * documentation says the count should not change after deployment; a changed count routes groups
 * or producers to partitions that do not hold their state (apache/kafka#12911, KAFKA-14418).
 */
export const DEPLOYMENT_FIXED_PARTITION_COUNTS: Readonly<
  Record<
    string,
    { readonly kafkaDefault: number; readonly keyedBy: string; readonly breaks: string }
  >
> = {
  'offsets.topic.num.partitions': {
    kafkaDefault: 50,
    keyedBy: 'consumer group',
    breaks:
      'groups to partitions that do not hold their committed offsets or state, and consumers rewind or stall',
  },
  'transaction.state.log.num.partitions': {
    kafkaDefault: 50,
    keyedBy: 'transactional ID',
    breaks:
      'transactional producers to partitions that do not hold their state, and transactions hang or abort',
  },
  'share.coordinator.state.topic.num.partitions': {
    kafkaDefault: 50,
    keyedBy: 'share-group partition',
    breaks:
      'share groups to partitions that do not hold their delivery state, and records are delivered again or skipped',
  },
};

function fixedPartitionCountRule(key: string): TransitionRule {
  const fact = DEPLOYMENT_FIXED_PARTITION_COUNTS[key];
  return {
    kind: 'Kafka',
    severity: 'problem',
    check: (before, after) => {
      if (fact === undefined) return undefined;
      const wasSet = field(before, 'spec', 'kafka', 'config', key);
      const nowSet = field(after, 'spec', 'kafka', 'config', key);
      const was = wasSet === undefined ? fact.kafkaDefault : threadCountOf(wasSet);
      const now = nowSet === undefined ? fact.kafkaDefault : threadCountOf(nowSet);
      if (was === undefined || now === undefined || was === now) return undefined;
      const running =
        wasSet === undefined
          ? `the ${was} the running cluster was deployed with (Kafka's default; the previous output does not set it)`
          : `the ${was} of the previous output, the count the running cluster uses`;
      const keep =
        wasSet === undefined ? `keep ${was} (remove the key, or set it to ${was})` : `keep ${was}`;
      return {
        path: `kafka.config[${JSON.stringify(key)}]`,
        message: `${now} differs from ${running}; Kafka finds the coordinator partition of each ${fact.keyedBy} as a hash modulo this count, and its topic keeps the partitions it was created with, so a new count sends ${fact.breaks} (apache/kafka#12911, KAFKA-14418); ${keep}`,
      };
    },
  };
}

/**
 * Settings of Kafka's internal topics that Kafka applies only when it creates them (the
 * replication factor and min ISR of `__consumer_offsets`, `__transaction_state` and
 * `__share_group_state`), with the typed spec field the Kafka chart renders each from
 * (charts/kafka/kafka-spec.ts). Changing one later leaves the running topics as they are
 * (Yolean/kubernetes-kafka#114: `__consumer_offsets` stayed at one replica after the setting was
 * raised, and #140 had users reassign it by hand).
 */
export const CREATION_ONLY_INTERNAL_TOPIC_KEYS = [
  'offsets.topic.replication.factor',
  'share.coordinator.state.topic.replication.factor',
  'transaction.state.log.replication.factor',
  'share.coordinator.state.topic.min.isr',
  'transaction.state.log.min.isr',
] as const;

function internalTopicSettingsRule(
  specField: 'kafka.replicationFactor' | 'kafka.minInSyncReplicas',
): TransitionRule {
  const keys = CREATION_ONLY_INTERNAL_TOPIC_KEYS.filter(key =>
    specField === 'kafka.replicationFactor'
      ? key.endsWith('.replication.factor')
      : key.endsWith('.min.isr'),
  );
  return {
    kind: 'Kafka',
    severity: 'warning',
    check: (before, after, spec) => {
      const changed = keys.filter(key => {
        const was = field(before, 'spec', 'kafka', 'config', key);
        const now = field(after, 'spec', 'kafka', 'config', key);
        return was !== undefined && now !== undefined && String(was) !== String(now);
      });
      if (changed.length === 0) return undefined;
      const setInConfig = changed.find(key => spec.kafka.config[key] !== undefined);
      const changes = changed
        .map(
          key =>
            `${key} ${String(field(before, 'spec', 'kafka', 'config', key))} -> ${String(field(after, 'spec', 'kafka', 'config', key))}`,
        )
        .join(', ');
      return {
        path:
          setInConfig === undefined ? specField : `kafka.config[${JSON.stringify(setInConfig)}]`,
        message: `changes ${changes} of the previous output, but Kafka applies these only when it creates its internal topics (__consumer_offsets, __transaction_state, __share_group_state), so the existing ones keep their replicas and settings (Yolean/kubernetes-kafka#114, #140); change the running topics with kafka-reassign-partitions (replicas) or kafka-configs --alter (min.insync.replicas) as well`,
      };
    },
  };
}

/**
 * The cleanup policy a KafkaTopic runs under: its own `cleanup.policy`, else the spec's broker
 * default `log.cleanup.policy`, else Kafka's default `delete`.
 */
function cleanupPolicyOf(topic: KubeObject, spec: PlatformSpec): string {
  const own = field(topic, 'spec', 'config', 'cleanup.policy');
  if (own !== undefined) return String(own);
  const brokerDefault = spec.kafka.config['log.cleanup.policy'];
  return brokerDefault === undefined ? 'delete' : String(brokerDefault);
}

/**
 * (Warning) a compacted topic gets more partitions: producers map a key to a partition as a hash
 * modulo the partition count, so most keys move while their earlier values stay behind in the old
 * partition, where compaction never collects them (confluentinc/bottledwater-pg#39).
 */
function compactedTopicGrowth(
  before: KubeObject,
  after: KubeObject,
  spec: PlatformSpec,
): SpecIssue | undefined {
  const was = field(before, 'spec', 'partitions');
  const now = field(after, 'spec', 'partitions');
  if (typeof was !== 'number' || typeof now !== 'number' || now <= was) return undefined;
  const policy = cleanupPolicyOf(after, spec);
  if (!policy.split(',').some(item => item.trim() === 'compact')) return undefined;
  return {
    path: topicPath(spec, after, 'partitions'),
    message: `${now} partitions instead of the ${was} of the previous output for the compacted topic ${showValue(topicNameOf(after))} (cleanup.policy ${showValue(policy)}); producers pick a key's partition as a hash modulo the partition count, so most keys move to another partition while their earlier values stay in the old one, where compaction never removes them and consumers rebuilding state from the topic read stale values (confluentinc/bottledwater-pg#39); keep ${was}, or copy the topic into a new one with ${now} partitions and move producers and consumers to it`,
  };
}

/** The NLB scheme annotation of a Kafka resource's `external` listener (bootstrap), if any. */
function externalSchemeOf(kafka: KubeObject): string | undefined {
  const listeners = field(kafka, 'spec', 'kafka', 'listeners');
  if (!Array.isArray(listeners)) return undefined;
  const external: unknown = listeners.find(listener => field(listener, 'name') === 'external');
  const scheme = field(
    external,
    'configuration',
    'bootstrap',
    'annotations',
    'service.beta.kubernetes.io/aws-load-balancer-scheme',
  );
  return typeof scheme === 'string' ? scheme : undefined;
}

/** A listener of a Kafka resource as the change rule reads it. */
interface ListenerFacts {
  readonly name: string;
  readonly port: unknown;
  readonly authentication: string | undefined;
  readonly tls: boolean;
}

/** The listeners of a Kafka resource by name; an empty map when it has none. */
function listenersOf(kafka: KubeObject): Map<string, ListenerFacts> {
  const listeners = field(kafka, 'spec', 'kafka', 'listeners');
  const byName = new Map<string, ListenerFacts>();
  if (!Array.isArray(listeners)) return byName;
  for (const listener of listeners as unknown[]) {
    const name = field(listener, 'name');
    if (typeof name !== 'string') continue;
    const type = field(listener, 'authentication', 'type');
    byName.set(name, {
      name,
      port: field(listener, 'port'),
      authentication: typeof type === 'string' ? type : undefined,
      tls: field(listener, 'tls') === true,
    });
  }
  return byName;
}

/** Name of the Strimzi listener `kafka.external` renders (charts/kafka). */
const EXTERNAL_LISTENER = 'external';

/**
 * The change of one listener between two outputs that cuts off its connected clients, or
 * undefined: the listener leaves, or its authentication type or TLS changes (see the file
 * comment). The path is the spec field that sets it (`kafka.external.*` for the external
 * listener; the internal listeners are fixed by the platform, so `kafka` for them).
 */
function listenerChange(
  before: ListenerFacts,
  after: ListenerFacts | undefined,
): SpecIssue | undefined {
  const isExternal = before.name === EXTERNAL_LISTENER;
  const clients = `every client connected through it fails until it moves`;
  if (after === undefined) {
    return {
      path: isExternal ? 'kafka.external.enabled' : 'kafka',
      message: `${isExternal ? 'false removes' : 'the output removes'} the ${before.name} listener (port ${String(before.port)}) of the previous output; Strimzi deletes its Services${isExternal ? ', so the AWS Load Balancer Controller deletes every broker NLB and the bootstrap NLB' : ''}, and ${clients} to another listener; move the clients first${isExternal ? ', or keep true' : ''}`,
    };
  }
  const was = before.authentication ?? 'none';
  const now = after.authentication ?? 'none';
  if (was !== now) {
    return {
      path: isExternal ? 'kafka.external.authentication' : 'kafka',
      message: `${showValue(now)} replaces the ${showValue(was)} authentication of the ${before.name} listener in the previous output; a client authenticates with one security protocol and a Strimzi KafkaUser holds one kind of credential (spec.authentication.type), so once the brokers have rolled ${clients} to KafkaUsers and client settings of the new type; create those users and switch the clients first${isExternal ? `, or keep ${showValue(was)}` : ''}`,
    };
  }
  if (before.tls !== after.tls) {
    return {
      path: isExternal ? 'kafka.external' : 'kafka',
      message: `TLS turns ${after.tls ? 'on' : 'off'} on the ${before.name} listener of the previous output; a client's security protocol names TLS or not, so once the brokers have rolled ${clients} to the new protocol`,
    };
  }
  return undefined;
}

/** Which spec field sets a gp3 StorageClass parameter (`charts/storage-chart.ts`). */
const STORAGE_PARAMETER_FIELDS: Readonly<Record<string, string>> = {
  iops: 'kafka.storage.iops',
  throughput: 'kafka.storage.throughputMiBps',
};

function isRecord(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The StorageClass fields Kubernetes refuses to update (`ValidateStorageClassUpdate` of its storage
 * API validation: `parameters`, `provisioner`, `reclaimPolicy` and `volumeBindingMode`).
 */
const IMMUTABLE_STORAGE_CLASS_FIELDS = [
  'provisioner',
  'reclaimPolicy',
  'volumeBindingMode',
] as const;

/** A change of a StorageClass field Kubernetes refuses to update (parameters one by one). */
function storageClassImmutableChange(before: KubeObject, after: KubeObject): SpecIssue | undefined {
  const wasParameters = field(before, 'parameters');
  const nowParameters = field(after, 'parameters');
  const was: Obj = isRecord(wasParameters) ? wasParameters : {};
  const now: Obj = isRecord(nowParameters) ? nowParameters : {};
  const changedParameters = [...new Set([...Object.keys(was), ...Object.keys(now)])]
    .sort()
    .filter(key => was[key] !== now[key]);
  const changedFields = IMMUTABLE_STORAGE_CLASS_FIELDS.filter(
    key => field(before, key) !== field(after, key),
  );
  if (changedParameters.length === 0 && changedFields.length === 0) return undefined;
  const change = (key: string, from: unknown, to: unknown): string =>
    `${key} ${showValue(from)} -> ${showValue(to)}`;
  const changes = [
    ...changedParameters.map(key => change(key, was[key], now[key])),
    ...changedFields.map(key => change(key, field(before, key), field(after, key))),
  ].join(', ');
  const specFields = changedParameters.filter(key => STORAGE_PARAMETER_FIELDS[key] !== undefined);
  const path = STORAGE_PARAMETER_FIELDS[specFields[0] ?? ''] ?? 'kafka.storage';
  const keep =
    specFields.length === 0
      ? 'the change comes from the platform, not the spec: delete the StorageClass by hand just before applying (running volumes keep theirs), or stay on the previous platform version'
      : `keep ${specFields.map(key => `${STORAGE_PARAMETER_FIELDS[key] ?? key} ${String(was[key])}`).join(' and ')}, and change a running volume's IOPS or throughput on the EBS side (ModifyVolume, such as aws ec2 modify-volume), which gp3 allows while the broker runs`;
  return {
    path,
    message: `StorageClass ${showValue(after.metadata.name)} would change fields Kubernetes does not let change (${changes}); it refuses any update of a StorageClass's parameters, provisioner, reclaimPolicy or volumeBindingMode ("updates to parameters are forbidden"), so applying this output fails (gardener/gardener-extension-provider-aws#502, microsoft/CromwellOnAzure#767), and a class reaches only volumes created after it changes, never the running brokers' volumes; ${keep}`,
  };
}

/** The table of refused (and risky) transitions; see the module comment for the sources. */
export const TRANSITION_RULES: readonly TransitionRule[] = [
  {
    kind: 'KafkaNodePool',
    severity: 'problem',
    check: (before, after) => {
      const was = gibOf(field(before, 'spec', 'storage', 'volumes', '0', 'size'));
      const now = gibOf(field(after, 'spec', 'storage', 'volumes', '0', 'size'));
      if (was === undefined || now === undefined || now >= was) return undefined;
      const roles = field(after, 'spec', 'roles');
      if (Array.isArray(roles) && !roles.includes('broker')) return undefined;
      return {
        path: 'kafka.storage.sizeGi',
        message: `${now} GiB is below the ${was} GiB of the broker volumes in the previous output; Kubernetes never shrinks a PersistentVolumeClaim and Strimzi then ignores every storage change of the pool; keep at least ${was} (volumes only grow)`,
      };
    },
  },
  {
    kind: 'KafkaTopic',
    severity: 'problem',
    check: (before, after, spec) => {
      const was = field(before, 'spec', 'partitions');
      const now = field(after, 'spec', 'partitions');
      if (typeof was !== 'number' || typeof now !== 'number' || now >= was) return undefined;
      return {
        path: topicPath(spec, after, 'partitions'),
        message: `${now} is below the ${was} partitions topic ${showValue(topicNameOf(after))} has in the previous output; Kafka cannot remove partitions and the KafkaTopic would stay NotReady; keep at least ${was}, or create a new topic`,
      };
    },
  },
  {
    kind: 'KafkaTopic',
    severity: 'problem',
    check: (before, after, spec) => {
      const was = field(before, 'spec', 'replicas');
      const now = field(after, 'spec', 'replicas');
      if (typeof was !== 'number' || typeof now !== 'number' || now === was) return undefined;
      return {
        path: topicPath(spec, after, 'replicationFactor'),
        message: `${now} differs from the replication factor ${was} topic ${showValue(topicNameOf(after))} has in the previous output; the Topic Operator changes it only through Cruise Control, which this platform does not deploy, so the KafkaTopic would stay NotReady; keep ${was} (set it on the topic if kafka.replicationFactor changed), or reassign the replicas with kafka-reassign-partitions first`,
      };
    },
  },
  {
    kind: 'Kafka',
    severity: 'problem',
    check: (before, after) => {
      const was = minorOf(field(before, 'spec', 'kafka', 'version'));
      const now = minorOf(field(after, 'spec', 'kafka', 'version'));
      if (was === undefined || now === undefined) return undefined;
      const older = now[0] < was[0] || (now[0] === was[0] && now[1] < was[1]);
      if (!older) return undefined;
      return {
        path: 'kafka.version',
        message: `${showValue(field(after, 'spec', 'kafka', 'version'))} is an older line than the ${showValue(field(before, 'spec', 'kafka', 'version'))} of the previous output; once ${was.join('.')} runs, Strimzi moves the metadata version to ${was.join('.')}'s default (the platform sets none), and the spec cannot lower it first, as a Strimzi downgrade needs (spec.kafka.metadataVersion set to one the older line supports before the version changes), so the older brokers would not start; keep ${was.join('.')}.x or newer, or lower the metadata version on the Kafka resource by hand and pass --ignore-previous-output`,
      };
    },
  },
  {
    kind: 'KafkaNodePool',
    severity: 'warning',
    check: (before, after) => {
      const was = field(before, 'spec', 'replicas');
      const now = field(after, 'spec', 'replicas');
      const roles = field(after, 'spec', 'roles');
      if (!Array.isArray(roles) || !roles.includes('broker')) return undefined;
      if (typeof was !== 'number' || typeof now !== 'number' || now >= was) return undefined;
      return {
        path: 'kafka.brokers',
        message: `node pool ${showValue(after.metadata.name)} goes from ${was} to ${now} brokers; Strimzi refuses to remove a broker that still holds partition replicas (the Kafka resource goes NotReady), so move them off the brokers being removed first (kafka-reassign-partitions), or keep ${was}`,
      };
    },
  },
  {
    kind: 'KafkaNodePool',
    severity: 'warning',
    check: (before, after) => {
      const was = field(before, 'spec', 'replicas');
      const now = field(after, 'spec', 'replicas');
      const roles = field(after, 'spec', 'roles');
      if (!Array.isArray(roles) || !roles.includes('controller')) return undefined;
      if (typeof was !== 'number' || typeof now !== 'number' || now === was) return undefined;
      return {
        path: 'kafka.controllers',
        message: `the KRaft controller pool ${showValue(after.metadata.name)} goes from ${was} to ${now} controllers; Strimzi runs the controllers as a static quorum and does not support scaling a controller pool (strimzi-kafka-operator#9429, #11598): the nodes would restart with a voter set that differs from the one the controllers stored, which Kafka refuses (strimzi-kafka-operator#6862, "Configured voter set ... is different from the voter set read from the state file"); keep ${was}, unless the Strimzi release you run documents controller scaling`,
      };
    },
  },
  {
    kind: 'KafkaNodePool',
    severity: 'warning',
    check: (before, after) => {
      const roles = field(after, 'spec', 'roles');
      if (!Array.isArray(roles) || !roles.includes('controller')) return undefined;
      // The same rule the Pulumi program applies to the system nodegroup it last deployed.
      return controllerZonesDropped(controllerPoolZones(before) ?? [], controllerPoolZones(after));
    },
  },
  ...Object.entries(RESIZABLE_THREAD_POOLS).map(([key, kafkaDefault]) =>
    threadPoolRule(key, kafkaDefault),
  ),
  ...Object.keys(DEPLOYMENT_FIXED_PARTITION_COUNTS).map(fixedPartitionCountRule),
  internalTopicSettingsRule('kafka.replicationFactor'),
  internalTopicSettingsRule('kafka.minInSyncReplicas'),
  { kind: 'KafkaTopic', severity: 'warning', check: compactedTopicGrowth },
  {
    kind: 'StorageClass',
    apiGroup: 'storage.k8s.io/',
    severity: 'problem',
    check: storageClassImmutableChange,
  },
  {
    kind: 'KafkaTopic',
    severity: 'warning',
    check: (before, after, spec) => {
      if (before.metadata.name === after.metadata.name) return undefined;
      return {
        path: topicPath(spec, after, 'name'),
        message: `topic ${showValue(topicNameOf(after))} gets the KafkaTopic ${showValue(after.metadata.name)} instead of the ${showValue(before.metadata.name)} of the previous output; GitOps prunes ${showValue(before.metadata.name)}, and the Topic Operator deletes the topic with all its records when a KafkaTopic that manages it is deleted (strimzi-kafka-operator#1593, #2775); annotate ${showValue(before.metadata.name)} with strimzi.io/managed: "false" before applying this output`,
      };
    },
  },
  {
    kind: 'Kafka',
    severity: 'warning',
    check: (before, after) => {
      const next = listenersOf(after);
      const changes = [...listenersOf(before).values()]
        .map(listener => listenerChange(listener, next.get(listener.name)))
        .filter((issue): issue is SpecIssue => issue !== undefined);
      if (changes.length <= 1) return changes[0];
      return {
        path: changes[0]?.path ?? 'kafka',
        message: changes.map(change => `${change.path}: ${change.message}`).join('; '),
      };
    },
  },
  {
    kind: 'Kafka',
    severity: 'warning',
    check: (before, after) => {
      const was = externalSchemeOf(before);
      const now = externalSchemeOf(after);
      if (was === undefined || now === undefined || was === now) return undefined;
      return {
        path: 'kafka.external.scheme',
        message: `${showValue(now)} replaces the ${showValue(was)} scheme of the previous output; a load balancer's scheme cannot change in place, so the AWS Load Balancer Controller deletes every broker NLB and the bootstrap NLB and creates new ones (kubernetes-sigs/aws-load-balancer-controller#4860): new DNS names and addresses, which the brokers advertise only once Strimzi has reconciled, and clients holding an old address or name fail until they get a new one; plan it as an outage of the external listener, or keep ${showValue(was)}`,
      };
    },
  },
  {
    kind: 'Kafka',
    severity: 'warning',
    check: (before, after, spec) => {
      const was = field(before, 'spec', 'kafka', 'config', 'min.insync.replicas');
      const now = field(after, 'spec', 'kafka', 'config', 'min.insync.replicas');
      if (was === undefined || now === undefined || String(was) === String(now)) return undefined;
      const path =
        spec.kafka.config['min.insync.replicas'] === undefined
          ? 'kafka.minInSyncReplicas'
          : 'kafka.config["min.insync.replicas"]';
      return {
        path,
        message: `${showValue(now)} changes the cluster-wide min.insync.replicas from the ${showValue(was)} of the previous output. With Eligible Leader Replicas on (KIP-966; on by default in clusters created at Kafka 4.1 or later) Kafka takes it only cluster-wide, as the pinned Strimzi applies it (releases before 0.48 tried it per broker and restarted the brokers in a loop, strimzi-kafka-operator#11685), and the change clears every partition's eligible leader replicas, so a partition below its min ISR at that moment loses the replicas it could safely elect a leader from; raised, it also stops the high watermark of every partition with fewer in-sync replicas than the new value (consumers get no new records, acks=all producers fail). Apply it while no partition is under-replicated and no broker move is in flight, or keep ${showValue(was)}`,
      };
    },
  },
];

/**
 * A rule for an object of the previous output that the next output no longer has, given every
 * object of the next output.
 */
interface GoneRule {
  readonly kind: string;
  readonly severity: 'problem' | 'warning';
  readonly check: (
    before: KubeObject,
    next: readonly KubeObject[],
    spec: PlatformSpec,
  ) => SpecIssue | undefined;
}

/**
 * Whether the Kafka cluster `object` belongs to (its `strimzi.io/cluster` label, in its namespace)
 * is still in `next`: a pool or topic that goes while its cluster stays.
 */
function clusterStays(object: KubeObject, next: readonly KubeObject[]): boolean {
  const cluster = field(object, 'metadata', 'labels', 'strimzi.io/cluster');
  return next.some(
    candidate =>
      isStrimzi(candidate, 'Kafka') &&
      candidate.metadata.name === cluster &&
      (candidate.metadata.namespace ?? '') === (object.metadata.namespace ?? ''),
  );
}

/**
 * Objects that disappear: the Kafka cluster itself (a new `name` or `kafka.namespace` makes a new,
 * empty cluster while GitOps prunes the running one; Strimzi finds existing broker volumes only
 * under the claim names it derives from the cluster and pool names, strimzi/strimzi-kafka-operator
 * #3617), a broker pool of a cluster that stays (a zone taken out of `zones`), and a topic of a
 * cluster that stays (the Topic Operator deletes the topic and its records when its KafkaTopic
 * goes, #1593, #2775; a renamed topic is a new, empty one). Both are warnings. Strimzi's check that
 * refuses removing brokers still holding partition replicas (#6736, `KafkaClusterCreator`) looks
 * only at the scaled-down nodes of the KafkaNodePools that exist; a deleted pool's StrimziPodSet
 * and pods are owned by the pool (`NodePoolUtils.createKafkaPools` gives each pool's resources the
 * pool as owner), so Kubernetes deletes them with it and no check runs (Strimzi proposal 050,
 * "Kafka Node Pools", deletion of a KafkaNodePool); the pool's warning says so.
 */
export const GONE_RULES: readonly GoneRule[] = [
  {
    kind: 'Kafka',
    severity: 'problem',
    check: (before, next) => {
      const now = next.find(object => isStrimzi(object, 'Kafka'));
      if (now === undefined) return undefined;
      const wasName = before.metadata.name;
      const wasNamespace = before.metadata.namespace ?? '';
      const path = now.metadata.name !== wasName ? 'name' : 'kafka.namespace';
      return {
        path,
        message: `the previous output's Kafka cluster ${showValue(wasName)} in namespace ${showValue(wasNamespace)} is not in this output, which has ${showValue(now.metadata.name)} in ${showValue(now.metadata.namespace ?? '')} instead: applying it deletes the running cluster (GitOps prunes it) and starts a new, empty one, since Strimzi finds broker volumes only under claim names derived from the cluster name (strimzi-kafka-operator#3617), so the old data stays in unused claims (or goes with them, with kafka.storage.deleteClaim); keep name ${showValue(wasName)} and kafka.namespace ${showValue(wasNamespace)}, or pass --ignore-previous-output to start a new platform on purpose`,
      };
    },
  },
  {
    kind: 'KafkaNodePool',
    severity: 'warning',
    check: (before, next) => {
      const roles = field(before, 'spec', 'roles');
      const replicas = field(before, 'spec', 'replicas');
      if (!Array.isArray(roles) || !roles.includes('broker')) return undefined;
      if (typeof replicas !== 'number' || replicas < 1) return undefined;
      if (!clusterStays(before, next)) return undefined;
      return {
        path: 'zones',
        message: `broker pool ${showValue(before.metadata.name)} with ${replicas} broker(s) is not in this output (its zone left zones); pruning the pool deletes its broker pods with it (they are owned by the pool), and Strimzi's check that refuses removing a broker holding partition replicas covers only pools that stay, so nothing stops the replicas on those brokers going offline: move them off those brokers first (kafka-reassign-partitions), or keep the zone`,
      };
    },
  },
  {
    kind: 'KafkaTopic',
    severity: 'warning',
    check: (before, next) => {
      if (!clusterStays(before, next)) return undefined;
      const partitions = field(before, 'spec', 'partitions');
      return {
        path: 'kafka.topics',
        message: `topic ${showValue(topicNameOf(before))}${typeof partitions === 'number' ? ` (${partitions} partitions)` : ''} is not in this output; applying it deletes its KafkaTopic, and the Topic Operator then deletes the topic in Kafka with all its records (strimzi-kafka-operator#1593, #2775); a renamed topic starts empty. To keep the data, keep the topic in kafka.topics, or annotate KafkaTopic ${showValue(before.metadata.name)} with strimzi.io/managed: "false" before applying`,
      };
    },
  },
];

/**
 * The value lists of a pool's required node affinity expressions `ZONE_LABEL In [...]`, in
 * order, each a list of strings (an expression with any other value is left out). Pure.
 */
function requiredZoneLists(pool: KubeObject): string[][] {
  const terms = field(
    pool,
    'spec',
    'template',
    'pod',
    'affinity',
    'nodeAffinity',
    'requiredDuringSchedulingIgnoredDuringExecution',
    'nodeSelectorTerms',
  );
  if (!Array.isArray(terms)) return [];
  return terms.flatMap((term: unknown) => {
    const expressions = field(term, 'matchExpressions');
    if (!Array.isArray(expressions)) return [];
    return expressions.flatMap((expression: unknown) => {
      const values = field(expression, 'values');
      return field(expression, 'key') === ZONE_LABEL &&
        field(expression, 'operator') === 'In' &&
        Array.isArray(values) &&
        values.every(value => typeof value === 'string')
        ? [[...(values as string[])]]
        : [];
    });
  });
}

/** The one zone a broker pool's pods must run in: its required node affinity on `ZONE_LABEL`. */
function poolZone(pool: KubeObject): string | undefined {
  const zones = requiredZoneLists(pool)
    .filter(values => values.length === 1)
    .map(values => values[0]);
  return zones.length === 1 ? zones[0] : undefined;
}

/** What the previous output tells of the deployed `zones`: the list, or why it cannot tell. */
export type PreviousZoneOrder =
  { readonly zones: readonly string[] | undefined } | { readonly problem: SpecIssue };

/**
 * `zones` as the previous output deployed them, for the Kafka cluster the next output keeps (same
 * name and namespace): each broker pool of that cluster gives its zone (the one value of its pods'
 * required node affinity on `topology.kubernetes.io/zone`, charts/kafka/node-pools.ts
 * `brokerPodTemplate`) and its 1-based position (the block of its `strimzi.io/next-node-ids`
 * annotation, `[p x 1000-p x 1000 + 999]`, spec/derive.ts). Pure.
 * @returns `{ zones }`, the zones in position order; `{ zones: undefined }` when the previous output
 *   has no broker pool of that cluster (a first run, or a replaced cluster, which `GONE_RULES`
 *   refuses); `{ problem }` under path `zones` when a pool tells no zone or block, or the
 *   positions are not 1 to n once each (an output synth did not write), naming the pool, the value
 *   and the fix.
 */
export function previousZoneOrder(
  previous: readonly KubeObject[],
  next: readonly KubeObject[],
): PreviousZoneOrder {
  const cluster = next.find(object => isStrimzi(object, 'Kafka'));
  if (cluster === undefined) return { zones: undefined };
  const namespace = cluster.metadata.namespace ?? '';
  const pools = previous.filter(object => {
    const roles = field(object, 'spec', 'roles');
    return (
      isStrimzi(object, 'KafkaNodePool') &&
      Array.isArray(roles) &&
      roles.includes('broker') &&
      field(object, 'metadata', 'labels', STRIMZI_CLUSTER_LABEL) === cluster.metadata.name &&
      (object.metadata.namespace ?? '') === namespace
    );
  });
  if (pools.length === 0) return { zones: undefined };
  const fix =
    'restore the previous output as synth wrote it (from version control), or pass --ignore-previous-output only when the platform is created anew';
  const byPosition = new Map<number, string>();
  for (const pool of pools) {
    const range = field(pool, 'metadata', 'annotations', STRIMZI_NEXT_NODE_IDS_ANNOTATION);
    const position = typeof range === 'string' ? blockPosition(range) : undefined;
    const zone = poolZone(pool);
    if (position === undefined || zone === undefined || byPosition.has(position)) {
      const what =
        position === undefined
          ? `${STRIMZI_NEXT_NODE_IDS_ANNOTATION} ${showValue(range)}, not a block [p x ${NODE_ID_BLOCK}-p x ${NODE_ID_BLOCK} + ${NODE_ID_BLOCK - 1}]`
          : zone === undefined
            ? `no single zone in its required node affinity on ${ZONE_LABEL}`
            : `the block ${showValue(range)} of another broker pool`;
      return {
        problem: {
          path: 'zones',
          message: `the previous output's broker pool ${showValue(pool.metadata.name)} has ${what}, so the zones it deployed, and which edits of zones keep them, are unknown; ${fix}`,
        },
      };
    }
    byPosition.set(position, zone);
  }
  const zones = Array.from({ length: pools.length }, (_, index) => byPosition.get(index + 1));
  const missing = zones.findIndex(zone => zone === undefined);
  if (missing >= 0) {
    return {
      problem: {
        path: 'zones',
        message: `the previous output's ${pools.length} broker pools hold no node-ID block for position ${missing + 1} (blocks ${[...byPosition.keys()].sort((a, b) => a - b).join(', ')}), so the zones it deployed are unknown; ${fix}`,
      },
    };
  }
  return { zones: zones as string[] };
}

/**
 * The zones the previous output let the KRaft controllers run in, for the Kafka cluster `cluster`
 * (the spec's `name` and `kafka.namespace`): the values of its controller pool's required node
 * affinity on `topology.kubernetes.io/zone` (charts/kafka/node-pools.ts `controllerPoolSpec`), which
 * are the system nodegroup's zones as deployed. Synth has no stack output to read the system
 * nodegroup from, so this stands in for it (spec/system-nodegroup.ts). Pure.
 * @returns the zones in the pool's order; undefined when the previous output has no controller
 *   pool of that cluster (a first run) or the pool lists no zones there.
 */
export function previousControllerZones(
  previous: readonly KubeObject[],
  cluster: { readonly name: string; readonly namespace: string },
): string[] | undefined {
  const pool = previous.find(object => {
    const roles = field(object, 'spec', 'roles');
    return (
      isStrimzi(object, 'KafkaNodePool') &&
      Array.isArray(roles) &&
      roles.includes('controller') &&
      field(object, 'metadata', 'labels', STRIMZI_CLUSTER_LABEL) === cluster.name &&
      (object.metadata.namespace ?? '') === cluster.namespace
    );
  });
  return pool === undefined ? undefined : controllerPoolZones(pool);
}

/** The zones of a controller pool's required node affinity on `ZONE_LABEL`; undefined without. */
function controllerPoolZones(pool: KubeObject): string[] | undefined {
  return requiredZoneLists(pool).find(values => values.length > 0);
}

/**
 * `loaded` with the KRaft controllers' zones the previous output implies: the system nodegroup's
 * zones as synth must assume them (spec/system-nodegroup.ts `systemZonesAfterOutput` over
 * `previousControllerZones`), so a run after zones were appended keeps the controllers in the zones
 * the group kept. Pure; `loaded` itself on a first run, for a joined cluster, or when nothing
 * changes.
 */
export function onPreviousSystemZones<L extends LoadedSpec>(
  loaded: L,
  previous: readonly KubeObject[],
): L {
  const { spec } = loaded;
  const zones = systemZonesAfterOutput(
    spec,
    spec.cluster.existing !== undefined,
    previousControllerZones(previous, { name: spec.name, namespace: spec.kafka.namespace }),
  );
  return onSystemNodegroupZones(loaded, zones);
}

/** The leader Lease an autoscaling controller elects itself through, and whether it acts. */
export interface ControllerLease {
  readonly namespace: string;
  readonly name: string;
  /** False with `dryRun`: the controller decides but never acts. */
  readonly acting: boolean;
}

/**
 * The Lease of the controller `objects` run, read from its configuration file (the ConfigMap
 * holding `config.json` with `leaderElection.namespace` and `leaseName`, as charts/autoscaler
 * renders it); undefined when they run none.
 */
export function controllerLease(objects: readonly KubeObject[]): ControllerLease | undefined {
  for (const object of objects) {
    if (object.kind !== 'ConfigMap' || object.apiVersion !== 'v1') continue;
    const text = field(object, 'data', CONFIG_FILE_NAME);
    if (typeof text !== 'string') continue;
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch {
      continue;
    }
    const namespace = field(config, 'leaderElection', 'namespace');
    const name = field(config, 'leaderElection', 'leaseName');
    if (typeof namespace !== 'string' || typeof name !== 'string') continue;
    return { namespace, name, acting: field(config, 'dryRun') !== true };
  }
  return undefined;
}

/**
 * An acting controller of the previous output that this output would move to a Lease in another
 * namespace (`controller.namespace` changed), acting or not there: the new controller elects
 * itself at once while the old Deployment still runs and leads, until the GitOps engine prunes it,
 * and `kubectl apply -k` never does, so an old controller left acting beside a new one that acts
 * later is two leaders too; the admission fence admits only the new ServiceAccount, and two
 * leaders may each have a broker move in flight and adopt each other's records (docs/controller.md
 * "Review s36-a"). The Pulumi program's guarded field `controller.namespace`
 * (spec/stateful-identity.ts) is the same rule for the objects it applies, which it deletes in
 * the same run. The move that passes: `autoscaling.dryRun: true` applied first in the old
 * namespace, then the new namespace, then `dryRun: false`.
 */
function controllerLeaseMove(
  previous: readonly KubeObject[],
  next: readonly KubeObject[],
): { problem?: SpecIssue; warning?: SpecIssue } {
  const running = controllerLease(previous);
  if (running === undefined || !running.acting) return {};
  const coming = controllerLease(next);
  if (coming === undefined) {
    return {
      warning: {
        path: 'autoscaling.mode',
        message: `the running controller (Lease ${running.namespace}/${running.name}) is not in this output: a GitOps engine that prunes deletes it, but kubectl apply -k does not, and it would go on acting; if you apply without pruning, delete its Deployment (kubectl -n ${running.namespace} delete deployment kafka-autoscaler), or set autoscaling.dryRun: true and apply that first`,
      },
    };
  }
  // The Lease name follows `name`, whose change the cluster rule already refuses (a new Kafka
  // cluster): only the namespace is judged here.
  if (running.namespace === coming.namespace) return {};
  return {
    problem: {
      path: 'controller.namespace',
      message: `the running controller leads through Lease ${running.namespace}/${running.name} and this output moves it to ${coming.namespace}/${coming.name}: the old one would go on acting until its Deployment is pruned (kubectl apply -k never prunes), beside the new one once that acts (two broker moves may be in flight, each adopting the other's operation records), and the admission fence admits only the new one. Move it in three steps, each applied and rolled out before the next: set autoscaling.dryRun: true (the running controller stops acting), then change controller.namespace, then set autoscaling.dryRun back to false`,
    },
  };
}

/** The objects the transitions concern (a kind and API group some rule is about), by key. */
function byKey(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(
    objects
      .filter(object => TRANSITION_RULES.some(rule => isOfRule(object, rule)))
      .map(object => [keyOf(object), object]),
  );
}

/** Every refused and risky transition from `previous` to `next` objects; pure. */
export function transitionReport(
  previous: readonly KubeObject[],
  next: readonly KubeObject[],
  spec: PlatformSpec,
): TransitionReport {
  const before = byKey(previous);
  const problems: SpecIssue[] = [];
  const warnings: SpecIssue[] = [];
  const after = byKey(next);
  for (const [key, now] of after) {
    const earlier = before.get(key);
    if (earlier === undefined) continue;
    for (const rule of TRANSITION_RULES) {
      if (!isOfRule(now, rule)) continue;
      const found = rule.check(earlier, now, spec);
      if (found !== undefined) (rule.severity === 'problem' ? problems : warnings).push(found);
    }
  }
  for (const [key, earlier] of before) {
    if (after.has(key)) continue;
    for (const rule of GONE_RULES) {
      if (rule.kind !== earlier.kind) continue;
      const found = rule.check(earlier, next, spec);
      if (found !== undefined) (rule.severity === 'problem' ? problems : warnings).push(found);
    }
  }
  // The zones rule, shared with the Pulumi program (spec/zone-order.ts), over the whole list.
  const deployed = previousZoneOrder(previous, next);
  const zonesIssue =
    'problem' in deployed
      ? deployed.problem
      : deployed.zones === undefined
        ? undefined
        : zoneOrderProblem(deployed.zones, spec.zones, GITOPS_ZONE_ORDER);
  if (zonesIssue !== undefined) problems.push(zonesIssue);
  const leaseMove = controllerLeaseMove(previous, next);
  if (leaseMove.problem !== undefined) problems.push(leaseMove.problem);
  if (leaseMove.warning !== undefined) warnings.push(leaseMove.warning);
  const unique = (issues: SpecIssue[]): SpecIssue[] =>
    issues.filter(
      (issue, index) =>
        issues.findIndex(o => o.path === issue.path && o.message === issue.message) === index,
    );
  return { problems: unique(problems), warnings: unique(warnings) };
}

/**
 * The kinds `transitionReport` reads from the previous output: those of `TRANSITION_RULES` and
 * `GONE_RULES`, and the node pools the zones rule reads (`previousZoneOrder`). Objects of any other
 * kind are never compared, so `previousOutputObjects` does not parse them where it can tell.
 */
export const TRANSITION_KINDS: ReadonlySet<string> = new Set([
  ...TRANSITION_RULES.map(rule => rule.kind),
  ...GONE_RULES.map(rule => rule.kind),
  'Kafka',
  'KafkaNodePool',
  // The controller's configuration (`controllerLease`).
  'ConfigMap',
]);

/**
 * The Kubernetes objects of the kinds in `TRANSITION_KINDS` in the output synth wrote last time in
 * `outDir`: from every YAML file its manifest lists that is still a plain file reached through real
 * folders (`previousOwnedFiles`: links, pipes and devices are never read). Empty when there is no
 * manifest (a first run).
 *
 * A file whose bytes still have the SHA-256 the manifest recorded is synth's own text, so each of
 * its documents names its kind on one `kind: <Kind>` line at the start of a line; a document of
 * another kind is skipped unparsed (`documentsToParse`). Re-running synth into its own output
 * parsed every document before, about half of the whole process's CPU time on the prod example
 * (bench/synth.ts). Any other file (edited by hand, line endings changed) is parsed whole.
 * @throws Error when a parsed file is not YAML the platform could have written (it names the
 *   file), or when the manifest is no regular file or is damaged (`readManifest`; the message
 *   names the fix).
 */
export function previousOutputObjects(outDir: string): KubeObject[] {
  const objects: KubeObject[] = [];
  const owned = previousOwnedFiles(outDir);
  const recorded = owned.size === 0 ? undefined : readManifest(outDir);
  for (const [path, content] of owned) {
    if (!path.endsWith('.yaml')) continue;
    const file = join(outDir, path);
    const text = content.toString('utf8');
    const asWritten = recorded?.get(path) === createHash('sha256').update(content).digest('hex');
    for (const part of asWritten ? documentsToParse(text, TRANSITION_KINDS) : [text]) {
      for (const document of parseAllDocuments(part)) {
        if ('errors' in document && document.errors.length > 0) {
          throw new Error(`${file}: is not valid YAML (${document.errors[0]?.message ?? ''})`);
        }
        const value: unknown = document.toJS();
        if (
          value !== null &&
          typeof value === 'object' &&
          typeof (value as Obj)['kind'] === 'string' &&
          TRANSITION_KINDS.has((value as Obj)['kind'] as string) &&
          typeof (value as Obj)['apiVersion'] === 'string' &&
          typeof field(value, 'metadata', 'name') === 'string'
        ) {
          objects.push(value as KubeObject);
        }
      }
    }
  }
  return objects;
}

/**
 * Characters other than LF that end a line for a JavaScript multiline pattern (CR, U+2028, U+2029)
 * or for a YAML reader (CR; YAML 1.1 also NEL U+0085, U+2028, U+2029). The writer puts U+2028 and
 * U+2029 raw into plain and quoted scalars (a spec string can carry them), where YAML 1.2 reads
 * them as text: cut at such a "line", a KafkaTopic's `spec.partitions` went to a part that failed
 * to parse or was skipped as another kind (review s24-r2 fault 1). Texts holding any of them are
 * parsed whole.
 */
const OTHER_LINE_ENDS = /[\r\u0085\u2028\u2029]/;

/**
 * The parts of the YAML stream `text` that may hold an object of one of `kinds`, as texts to parse:
 * `text` cut at its `---` lines, without the documents whose only line starting with `kind:` is
 * `kind: <Kind>` (a plain word) naming another kind. The whole text, uncut, when it has anything
 * but bare `---` lines between documents (a `---` with content after it, a `...` end marker or a
 * directive), or any line end but LF (`OTHER_LINE_ENDS`). Meant for synth's own output (a YAML writer puts a block scalar's lines and a
 * mapping's nested keys after indentation, so a line starting with `kind:` is a top-level key);
 * what it keeps is parsed as before, so a document it cannot tell about is kept. Pure.
 */
export function documentsToParse(text: string, kinds: ReadonlySet<string>): string[] {
  if (OTHER_LINE_ENDS.test(text) || /^(?:---[^\n]|\.\.\.|%)/m.test(text)) return [text];
  return text.split(/^---$/m).filter(part => {
    const lines = part.match(/^kind:.*$/gm) ?? [];
    const named = lines.length === 1 ? /^kind: ([A-Za-z][A-Za-z0-9]*)$/.exec(lines[0]) : null;
    return named === null || kinds.has(named[1]);
  });
}
