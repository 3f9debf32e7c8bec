/**
 * Changes between the output synth wrote last time and the output it is about to write that Strimzi,
 * Kafka or Kubernetes refuse once the earlier output is applied. A spec can be valid on its own and
 * still ask for one of these, so they are checked against the previous output in `--out` (the files
 * listed in its `.synth-manifest`, which is what GitOps applies), before anything is written.
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
 * - (warning) the KRaft controller pool changes size: Strimzi runs a static controller quorum and
 *   documents controller scaling as unsupported (strimzi/strimzi-kafka-operator#9429, #11598); a
 *   changed voter set is refused by the controllers (#6862).
 *
 * Objects are matched by kind, namespace and name (a KafkaTopic by its Kafka topic name); a new
 * object is no transition. Gone objects have their own table (`GONE_RULES`): the Kafka cluster
 * (a new `name` or `kafka.namespace` replaces the running cluster by an empty one, #3617; refused)
 * and a broker pool whose zone left `zones` while the cluster stays (warning: unlike a pool that
 * shrinks, #6736, a deleted pool takes its broker pods with it unchecked; see `GONE_RULES`).
 */
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { previousOwnedFiles } from './output';
import type { KubeObject } from './synth';
import { showValue, type SpecIssue } from '../spec/errors';
import type { PlatformSpec } from '../spec/schema';
import { NODE_ID_BLOCK } from '../spec/derive';
import { GITOPS_ZONE_ORDER, zoneOrderProblem } from '../spec/zone-order';
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

function isStrimzi(object: KubeObject, kind: string): boolean {
  return object.kind === kind && object.apiVersion.startsWith('kafka.strimzi.io/');
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
 * Objects that disappear: the Kafka cluster itself (a new `name` or `kafka.namespace` makes a new,
 * empty cluster while GitOps prunes the running one; Strimzi finds existing broker volumes only
 * under the claim names it derives from the cluster and pool names, strimzi/strimzi-kafka-operator
 * #3617), and a broker pool of a cluster that stays (a zone taken out of `zones`). Strimzi's check
 * that refuses removing brokers still holding partition replicas (#6736, `KafkaClusterCreator`)
 * looks only at the scaled-down nodes of the KafkaNodePools that exist; a deleted pool's
 * StrimziPodSet and pods are owned by the pool (`NodePoolUtils.createKafkaPools` gives each pool's
 * resources the pool as owner), so Kubernetes deletes them with it and no check runs (Strimzi
 * proposal 050, "Kafka Node Pools", deletion of a KafkaNodePool). Hence a warning that says so.
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
      const cluster = field(before, 'metadata', 'labels', 'strimzi.io/cluster');
      const clusterStays = next.some(
        object =>
          isStrimzi(object, 'Kafka') &&
          object.metadata.name === cluster &&
          (object.metadata.namespace ?? '') === (before.metadata.namespace ?? ''),
      );
      if (!clusterStays) return undefined;
      return {
        path: 'zones',
        message: `broker pool ${showValue(before.metadata.name)} with ${replicas} broker(s) is not in this output (its zone left zones); pruning the pool deletes its broker pods with it (they are owned by the pool), and Strimzi's check that refuses removing a broker holding partition replicas covers only pools that stay, so nothing stops the replicas on those brokers going offline: move them off those brokers first (kafka-reassign-partitions), or keep the zone`,
      };
    },
  },
];

/** The one zone a broker pool's pods must run in: its required node affinity on `ZONE_LABEL`. */
function poolZone(pool: KubeObject): string | undefined {
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
  if (!Array.isArray(terms)) return undefined;
  const zones = terms.flatMap((term: unknown) => {
    const expressions = field(term, 'matchExpressions');
    if (!Array.isArray(expressions)) return [];
    return expressions.flatMap((expression: unknown) => {
      const values = field(expression, 'values');
      return field(expression, 'key') === ZONE_LABEL &&
        field(expression, 'operator') === 'In' &&
        Array.isArray(values) &&
        values.length === 1 &&
        typeof values[0] === 'string'
        ? [values[0]]
        : [];
    });
  });
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

/** Kafka objects the transitions concern, by key. */
function byKey(objects: readonly KubeObject[]): Map<string, KubeObject> {
  const kinds = new Set(TRANSITION_RULES.map(rule => rule.kind));
  return new Map(
    objects
      .filter(object => [...kinds].some(kind => isStrimzi(object, kind)))
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
      if (rule.kind !== now.kind) continue;
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
  const unique = (issues: SpecIssue[]): SpecIssue[] =>
    issues.filter(
      (issue, index) =>
        issues.findIndex(o => o.path === issue.path && o.message === issue.message) === index,
    );
  return { problems: unique(problems), warnings: unique(warnings) };
}

/**
 * The Kubernetes objects of the output synth wrote last time in `outDir`: every YAML file its
 * manifest lists that is still a plain file reached through real folders (`previousOwnedFiles`:
 * links, pipes and devices are never read). Empty when there is no manifest (a first run).
 * @throws Error when a listed file is not YAML the platform could have written (it names the file),
 *   or when the manifest is no regular file or is damaged (`readManifest`; the message names the fix).
 */
export function previousOutputObjects(outDir: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const [path, content] of previousOwnedFiles(outDir)) {
    if (!path.endsWith('.yaml')) continue;
    const file = join(outDir, path);
    for (const document of parseAllDocuments(content.toString('utf8'))) {
      if ('errors' in document && document.errors.length > 0) {
        throw new Error(`${file}: is not valid YAML (${document.errors[0]?.message ?? ''})`);
      }
      const value: unknown = document.toJS();
      if (
        value !== null &&
        typeof value === 'object' &&
        typeof (value as Obj)['kind'] === 'string' &&
        typeof (value as Obj)['apiVersion'] === 'string' &&
        typeof field(value, 'metadata', 'name') === 'string'
      ) {
        objects.push(value as KubeObject);
      }
    }
  }
  return objects;
}
