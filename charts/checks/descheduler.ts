/**
 * The descheduler policy, checked two ways: structural rules (`deschedulerPolicyProblems`) and a
 * small model of which pods the policy could evict (`evictionVerdict`), mirroring the parts of the
 * descheduler's DefaultEvictor and spread plugin that decide eligibility.
 */
import { parse } from 'yaml';
import {
  DEFAULT_EVICTOR,
  SPREAD_PLUGIN,
  type DefaultEvictorArgs,
  type DeschedulerPolicy,
  type SpreadPluginArgs,
} from '../descheduler/policy';
import { STRIMZI_BROKER_ROLE_LABEL, STRIMZI_CLUSTER_LABEL } from '../kafka/labels';
import { asRecord, at, describeObject, type JsonObject } from './objects';

/** Key under which the policy sits in the descheduler's ConfigMap. */
export const POLICY_FILE = 'policy.yaml';
/** Default protections of the DefaultEvictor (descheduler v0.34+). */
export const DEFAULT_PROTECTIONS = [
  'PodsWithLocalStorage',
  'SystemCriticalPods',
  'DaemonSetPods',
  'FailedBarePods',
] as const;
const EVICT_ANNOTATION = 'descheduler.alpha.kubernetes.io/evict';
const CRITICAL_PRIORITY_CLASSES = ['system-cluster-critical', 'system-node-critical'];

/** Policies found in ConfigMaps (key `policy.yaml`) among the objects. */
export function deschedulerPoliciesIn(
  objects: readonly JsonObject[],
): Array<{ readonly where: string; readonly policy: DeschedulerPolicy }> {
  return objects
    .filter(object => object.kind === 'ConfigMap')
    .flatMap(object => {
      const text = asRecord(at(object, 'data'))[POLICY_FILE];
      return text === undefined
        ? []
        : [{ where: describeObject(object), policy: parse(text) as DeschedulerPolicy }];
    });
}

function evictorArgsOf(profile: DeschedulerPolicy['profiles'][number]): DefaultEvictorArgs {
  const config = profile.pluginConfig.find(entry => entry.name === DEFAULT_EVICTOR);
  return (config?.args ?? {}) as DefaultEvictorArgs;
}

function spreadArgsOf(profile: DeschedulerPolicy['profiles'][number]): SpreadPluginArgs {
  const config = profile.pluginConfig.find(entry => entry.name === SPREAD_PLUGIN);
  return (config?.args ?? {}) as SpreadPluginArgs;
}

/** What the evictor protects under these args. */
export function protectionsOf(args: DefaultEvictorArgs): Set<string> {
  const disabled = new Set(args.podProtections?.defaultDisabled ?? []);
  if (args.evictLocalStoragePods === true) disabled.add('PodsWithLocalStorage');
  if (args.evictSystemCriticalPods === true) disabled.add('SystemCriticalPods');
  if (args.evictDaemonSetPods === true) disabled.add('DaemonSetPods');
  if (args.evictFailedBarePods === true) disabled.add('FailedBarePods');
  const result = new Set<string>(DEFAULT_PROTECTIONS.filter(name => !disabled.has(name)));
  for (const extra of args.podProtections?.extraEnabled ?? []) result.add(extra);
  return result;
}

export interface PolicyExpectations {
  readonly kafkaNamespace: string;
  readonly clusterName: string;
}

/** Structural problems with a policy; empty when it is broker-scoped and rate-limited. */
export function deschedulerPolicyProblems(
  policy: DeschedulerPolicy,
  expected: PolicyExpectations,
): string[] {
  const problems: string[] = [];
  if (policy.apiVersion !== 'descheduler/v1alpha2') {
    problems.push(`apiVersion ${String(policy.apiVersion)} is not descheduler/v1alpha2`);
  }
  if (policy.maxNoOfPodsToEvictTotal !== 1) {
    problems.push(`maxNoOfPodsToEvictTotal is ${String(policy.maxNoOfPodsToEvictTotal)}, not 1`);
  }
  if ((policy.maxNoOfPodsToEvictPerNamespace ?? Infinity) > 1) {
    problems.push('maxNoOfPodsToEvictPerNamespace is above 1 or unset');
  }
  if (policy.profiles.length === 0) problems.push('has no profile');
  for (const profile of policy.profiles) {
    const where = `profile ${profile.name}`;
    const active = [
      ...(profile.plugins.balance?.enabled ?? []),
      ...(profile.plugins.deschedule?.enabled ?? []),
    ];
    if (active.length !== 1 || active[0] !== SPREAD_PLUGIN) {
      problems.push(`${where}: enables [${active.join(', ')}]; enable only ${SPREAD_PLUGIN}`);
    }
    const spread = spreadArgsOf(profile);
    const include = spread.namespaces?.include ?? [];
    if (include.length !== 1 || include[0] !== expected.kafkaNamespace) {
      problems.push(
        `${where}: spread plugin namespaces.include is [${include.join(', ')}], not [${expected.kafkaNamespace}]`,
      );
    }
    const constraints = spread.constraints ?? ['DoNotSchedule'];
    if (constraints.some(constraint => constraint !== 'DoNotSchedule')) {
      problems.push(`${where}: balances soft constraints (${constraints.join(', ')})`);
    }
    const evictor = evictorArgsOf(profile);
    const selector = evictor.labelSelector?.matchLabels ?? {};
    if (
      selector[STRIMZI_BROKER_ROLE_LABEL] !== 'true' ||
      selector[STRIMZI_CLUSTER_LABEL] !== expected.clusterName
    ) {
      problems.push(
        `${where}: DefaultEvictor labelSelector does not pin ${STRIMZI_BROKER_ROLE_LABEL}=true and ${STRIMZI_CLUSTER_LABEL}=${expected.clusterName}, so pods other than this cluster's brokers are evictable`,
      );
    }
    for (const flag of [
      'evictLocalStoragePods',
      'evictSystemCriticalPods',
      'evictDaemonSetPods',
      'evictFailedBarePods',
    ] as const) {
      if (evictor[flag] !== undefined) {
        problems.push(`${where}: uses the deprecated ${flag}; use podProtections`);
      }
    }
    const disabled = evictor.podProtections?.defaultDisabled ?? [];
    const unexpected = disabled.filter(name => name !== 'PodsWithLocalStorage');
    if (unexpected.length > 0) {
      problems.push(`${where}: lifts protections ${unexpected.join(', ')}`);
    }
    if (evictor.nodeFit !== true) {
      problems.push(`${where}: DefaultEvictor nodeFit is not true`);
    }
  }
  return problems;
}

/** A pod as far as eviction eligibility is concerned. */
export interface FixturePod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Kinds of the owner references; empty for a bare pod. */
  readonly ownerKinds: readonly string[];
  readonly volumes: ReadonlyArray<
    'emptyDir' | 'hostPath' | 'persistentVolumeClaim' | 'configMap' | 'secret' | 'projected'
  >;
  readonly priorityClassName?: string;
  readonly ageSeconds: number;
}

export interface EvictionVerdict {
  readonly evictable: boolean;
  /** Why not, or which profile would evict it. */
  readonly reason: string;
}

function selects(
  selector: { readonly matchLabels: Readonly<Record<string, string>> } | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selector === undefined) return true;
  return Object.entries(selector.matchLabels).every(([key, value]) => labels[key] === value);
}

/** Parses the durations the policy uses (`90s`, `10m`, `1h`). */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(duration);
  if (match === null) throw new Error(`unsupported duration ${duration}`);
  const unit = match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1;
  return Number(match[1]) * unit;
}

function evictorRefusal(args: DefaultEvictorArgs, pod: FixturePod): string | undefined {
  if (!selects(args.labelSelector, pod.labels)) return 'not selected by the DefaultEvictor';
  const protections = protectionsOf(args);
  const forced = pod.annotations?.[EVICT_ANNOTATION] !== undefined;
  if (pod.ownerKinds.length === 0) return 'a bare pod (no owner recreates it)';
  if (!forced) {
    if (protections.has('DaemonSetPods') && pod.ownerKinds.includes('DaemonSet')) {
      return 'protected: DaemonSet pod';
    }
    if (
      protections.has('SystemCriticalPods') &&
      CRITICAL_PRIORITY_CLASSES.includes(pod.priorityClassName ?? '')
    ) {
      return 'protected: system-critical priority';
    }
    if (
      protections.has('PodsWithLocalStorage') &&
      pod.volumes.some(volume => volume === 'emptyDir' || volume === 'hostPath')
    ) {
      return 'protected: local storage (emptyDir or hostPath)';
    }
    if (protections.has('PodsWithPVC') && pod.volumes.includes('persistentVolumeClaim')) {
      return 'protected: has a PVC';
    }
  }
  if (args.minPodAge !== undefined && pod.ageSeconds < durationSeconds(args.minPodAge)) {
    return `younger than minPodAge ${args.minPodAge}`;
  }
  return undefined;
}

/** Whether any profile's spread plugin could evict the pod (if it violated a constraint). */
export function evictionVerdict(policy: DeschedulerPolicy, pod: FixturePod): EvictionVerdict {
  const refusals: string[] = [];
  for (const profile of policy.profiles) {
    const enabled = [
      ...(profile.plugins.balance?.enabled ?? []),
      ...(profile.plugins.deschedule?.enabled ?? []),
    ];
    if (!enabled.includes(SPREAD_PLUGIN)) continue;
    const spread = spreadArgsOf(profile);
    const include = spread.namespaces?.include;
    const exclude = spread.namespaces?.exclude ?? [];
    if (
      (include !== undefined && !include.includes(pod.namespace)) ||
      exclude.includes(pod.namespace)
    ) {
      refusals.push('outside the spread plugin namespaces');
      continue;
    }
    if (!selects(spread.labelSelector, pod.labels)) {
      refusals.push('not selected by the spread plugin');
      continue;
    }
    const refusal = evictorRefusal(evictorArgsOf(profile), pod);
    if (refusal === undefined) return { evictable: true, reason: `profile ${profile.name}` };
    refusals.push(refusal);
  }
  return { evictable: false, reason: refusals[0] ?? 'no profile runs the spread plugin' };
}
