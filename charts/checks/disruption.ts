/**
 * Disruption invariants: every replicated Deployment has a PDB that selects its pods, and the
 * Drain Cleaner's mode agrees with the Kafka PDB (deny mode -> maxUnavailable 1, legacy mode ->
 * maxUnavailable 0, so the PDB alone blocks evictions the webhook lets through).
 */
import { DENY_EVICTION_ENV, DRAIN_NAMESPACES_ENV } from '../drain-cleaner/workload';
import {
  asArray,
  asRecord,
  at,
  describeObject,
  matchLabelsSelect,
  type JsonObject,
} from './objects';

/** Deployments with 2+ replicas and no PDB selecting their pods in the same namespace. */
export function missingPdbProblems(objects: readonly JsonObject[]): string[] {
  const pdbs = objects.filter(object => object.kind === 'PodDisruptionBudget');
  const problems: string[] = [];
  for (const deployment of objects.filter(object => object.kind === 'Deployment')) {
    const replicas = at(deployment, 'spec', 'replicas');
    if (typeof replicas !== 'number' || replicas < 2) continue;
    const namespace = at(deployment, 'metadata', 'namespace');
    const labels = asRecord(at(deployment, 'spec', 'template', 'metadata', 'labels'));
    const covered = pdbs.some(
      pdb =>
        at(pdb, 'metadata', 'namespace') === namespace &&
        matchLabelsSelect(at(pdb, 'spec', 'selector'), labels),
    );
    if (!covered) {
      problems.push(
        `${describeObject(deployment)}: ${replicas} replicas and no PodDisruptionBudget`,
      );
    }
  }
  return problems;
}

function envValue(container: unknown, name: string): string | undefined {
  const entry = asArray(at(container, 'env')).find(env => at(env, 'name') === name);
  const value = at(entry, 'value');
  return typeof value === 'string' ? value : undefined;
}

/** The Drain Cleaner containers: those configured with `STRIMZI_DENY_EVICTION`. */
function drainCleaners(
  objects: readonly JsonObject[],
): Array<{ owner: JsonObject; container: unknown }> {
  return objects
    .filter(object => object.kind === 'Deployment')
    .flatMap(owner =>
      asArray(at(owner, 'spec', 'template', 'spec', 'containers'))
        .filter(container => envValue(container, DENY_EVICTION_ENV) !== undefined)
        .map(container => ({ owner, container })),
    );
}

/**
 * Drain Cleaner and Kafka PDB agree, the Drain Cleaner watches every Kafka namespace, runs 2+
 * replicas with a PDB, and a webhook routes pod evictions to it.
 */
export function drainCleanerProblems(objects: readonly JsonObject[]): string[] {
  const problems: string[] = [];
  const kafkas = objects.filter(object => object.kind === 'Kafka');
  const cleaners = drainCleaners(objects);
  if (kafkas.length === 0) return problems;
  if (cleaners.length !== 1) {
    return [`expected one Drain Cleaner Deployment, found ${cleaners.length}`];
  }
  const [{ owner, container }] = cleaners as [{ owner: JsonObject; container: unknown }];
  const deny = envValue(container, DENY_EVICTION_ENV) !== 'false';
  const watched = (envValue(container, DRAIN_NAMESPACES_ENV) ?? '').split(',').map(s => s.trim());
  for (const kafka of kafkas) {
    const where = describeObject(kafka);
    const maxUnavailable = at(
      kafka,
      'spec',
      'kafka',
      'template',
      'podDisruptionBudget',
      'maxUnavailable',
    );
    const effective = typeof maxUnavailable === 'number' ? maxUnavailable : 1;
    if (deny && effective !== 1) {
      problems.push(
        `${where}: Drain Cleaner is in deny mode but the Kafka PDB has maxUnavailable ${effective}; use 1`,
      );
    }
    if (!deny && effective !== 0) {
      problems.push(
        `${where}: Drain Cleaner is in legacy mode (${DENY_EVICTION_ENV}=false) but the Kafka PDB has maxUnavailable ${effective}; use 0, or evictions bypass Strimzi`,
      );
    }
    const namespace = String(at(kafka, 'metadata', 'namespace'));
    if (!watched.includes(namespace)) {
      problems.push(`${where}: ${DRAIN_NAMESPACES_ENV} does not include ${namespace}`);
    }
  }
  const replicas = at(owner, 'spec', 'replicas');
  if (typeof replicas !== 'number' || replicas < 2) {
    problems.push(`${describeObject(owner)}: ${String(replicas)} replicas; run at least 2`);
  }
  problems.push(
    ...missingPdbProblems([owner, ...objects.filter(o => o.kind === 'PodDisruptionBudget')]),
  );
  const webhooks = objects
    .filter(object => object.kind === 'ValidatingWebhookConfiguration')
    .flatMap(object => asArray(at(object, 'webhooks')))
    .filter(webhook =>
      asArray(at(webhook, 'rules')).some(rule =>
        asArray(at(rule, 'resources')).includes('pods/eviction'),
      ),
    );
  if (webhooks.length === 0) problems.push('no ValidatingWebhookConfiguration for pods/eviction');
  for (const webhook of webhooks) {
    const service = at(webhook, 'clientConfig', 'service');
    if (
      at(service, 'name') !== at(owner, 'metadata', 'name') ||
      at(service, 'namespace') !== at(owner, 'metadata', 'namespace')
    ) {
      problems.push(
        `webhook ${String(at(webhook, 'name'))} does not point at the Drain Cleaner Service`,
      );
    }
  }
  return problems;
}
