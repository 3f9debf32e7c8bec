/**
 * The names other systems derive from the spec, and the limit each must meet. One table drives the
 * spec-time check: a spec is rejected when any derived name would be refused by Strimzi's
 * Kubernetes objects, by the Kubernetes API server or by AWS, and the message says how long `name`
 * may be for this very spec (the tightest entry that grows with it).
 *
 * Sources of the naming patterns (facts only):
 * - Strimzi 1.x with node pools (strimzi-kafka-operator `ListenersUtils`, `KafkaResources`,
 *   `KafkaPool`): pods and their per-broker Services are `<cluster>-<pool>-<node ID>` (the
 *   listener named `external` on port 9094 keeps the short, backwards-compatible per-broker name);
 *   the bootstrap Services are `<cluster>-kafka-bootstrap`, `<cluster>-kafka-brokers` (headless)
 *   and, for that listener, `<cluster>-kafka-external-bootstrap`; Secrets are
 *   `<cluster>-cluster-ca(-cert)`, `<cluster>-clients-ca(-cert)`, `<cluster>-kafka-brokers`,
 *   `<cluster>-entity-topic-operator-certs`, `<cluster>-entity-user-operator-certs`; Strimzi puts
 *   the pod name in the `statefulset.kubernetes.io/pod-name` and `strimzi.io/pod-name` labels.
 * - Kubernetes (apimachinery validation): Service names are DNS-1035 labels (63, start with a
 *   letter); a pod name is its hostname, a DNS-1123 label (63); label values at most 63; most other
 *   names DNS-1123 subdomains (253).
 * - AWS, through the Pulumi components in components/ (logical names as registered there;
 *   components/lib/names.ts for the explicit ones) and `spec/aws-name-limits.ts` for the limits and
 *   the provider's 8-character auto-name suffix (`-` + 7 hex). The EKS cluster's service role comes
 *   from pulumi-eks (`ServiceRole` `<cluster resource>-eksRole`, role `<that>-role`). Managed
 *   nodegroup names: EKS allows 63. Load balancers and their target groups are named by the AWS
 *   Load Balancer Controller (`k8s-<namespace, 8>-<service, 8>-<10 hex>`, 32 at most by
 *   construction), listed so the table shows why they never limit `name`.
 */
import { autoNameLength, nameLimitOf } from './aws-name-limits';
import { zoneSuffix, NODE_ID_BLOCK } from './derive';
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';
import { movedSystemNodegroupNameOf, systemNodegroupNameOf } from './system-nodegroup';

/** Who derives the name. */
export type NameOwner = 'Strimzi' | 'Kubernetes' | 'AWS (Pulumi)' | 'AWS (EKS)' | 'AWS (LBC)';

/** The syntax a name must follow, besides its length. */
export type NameSyntax =
  'dns1123-label' | 'dns1035-label' | 'dns1123-subdomain' | 'label-value' | 'aws-name';

/** One row of the table. */
export interface DerivedName {
  readonly owner: NameOwner;
  /** What carries the name, for example "Service of the external bootstrap NLB". */
  readonly what: string;
  /** The name as it will be (a sample random suffix where AWS adds one). */
  readonly name: string;
  /** Longest name allowed, characters. */
  readonly maxLength: number;
  readonly syntax: NameSyntax;
  /** Characters of `name` that do not come from the spec's `name`; undefined when it has none. */
  readonly fixedLength: number | undefined;
}

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** EKS cluster and nodegroup names; IAM role, launch template names are looser supersets. */
export const AWS_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_+=,.@/]*$/;
const SYNTAX: Readonly<Record<NameSyntax, RegExp>> = {
  'dns1123-label': DNS1123_LABEL,
  'dns1035-label': DNS1035_LABEL,
  'dns1123-subdomain': DNS1123_SUBDOMAIN,
  'label-value': LABEL_VALUE,
  'aws-name': AWS_NAME,
};
const KUBERNETES_LIMIT: Readonly<Record<Exclude<NameSyntax, 'aws-name'>, number>> = {
  'dns1123-label': 63,
  'dns1035-label': 63,
  'dns1123-subdomain': 253,
  'label-value': 63,
};
/** EKS CreateNodegroup: nodegroup names at most 63 characters. */
export const EKS_NODEGROUP_NAME_MAX = 63;
/** EKS CreateCluster: cluster names at most 100 characters. */
export const EKS_CLUSTER_NAME_MAX = 100;
/** The AWS Load Balancer Controller's load balancer and target group names: 32 characters. */
export const LBC_NAME_LENGTH = 32;
/** Stand-in for Pulumi's random auto-name suffix in the table (its length is what matters). */
const SAMPLE_SUFFIX = '-1a2b3c4';

/** EKS cluster name: `cluster.existing.name` when the platform joins one, else the platform name. */
export function clusterNameOf(spec: PlatformSpec): string {
  return spec.cluster.existing?.name ?? spec.name;
}

/** Name of the managed nodegroup for everything that is not Kafka (spec/system-nodegroup.ts). */
export { systemNodegroupNameOf } from './system-nodegroup';

/**
 * Name of the Service Strimzi creates for the external bootstrap NLB: the listener named
 * `external` on port 9094 keeps Strimzi's backwards-compatible `<cluster>-kafka-external-bootstrap`.
 */
export function externalBootstrapServiceNameOf(spec: PlatformSpec): string {
  return `${spec.name}-kafka-external-bootstrap`;
}

/** Name of the Service of the internal bootstrap address. */
export function internalBootstrapServiceNameOf(spec: PlatformSpec): string {
  return `${spec.name}-kafka-bootstrap`;
}

/** True when `name` follows `syntax` (length aside). */
export function followsSyntax(name: string, syntax: NameSyntax): boolean {
  return SYNTAX[syntax].test(name);
}

/** Does `name` follow its syntax and fit its limit? */
export function isValidDerivedName(entry: DerivedName): boolean {
  return entry.name.length <= entry.maxLength && followsSyntax(entry.name, entry.syntax);
}

/** The broker pool of a zone and its highest possible node ID (see derive.ts). */
function pools(spec: PlatformSpec): Array<{ pool: string; lastId: number }> {
  return [
    { pool: 'controllers', lastId: NODE_ID_BLOCK - 1 },
    ...spec.zones.map((zone, index) => ({
      pool: `brokers-${zoneSuffix(spec.region, zone)}`,
      lastId: (index + 2) * NODE_ID_BLOCK - 1,
    })),
  ];
}

/**
 * Every derived name of the spec with its limit. Call on a spec whose fields are individually
 * valid (the zone and region rules passed); the names are computed, never looked up.
 */
export function derivedNames(spec: PlatformSpec): DerivedName[] {
  const name = spec.name;
  const rows: DerivedName[] = [];
  const withName = (
    owner: NameOwner,
    what: string,
    value: string,
    syntax: NameSyntax,
    maxLength?: number,
  ): void => {
    const limit = maxLength ?? (syntax === 'aws-name' ? 255 : KUBERNETES_LIMIT[syntax]);
    rows.push({
      owner,
      what,
      name: value,
      maxLength: limit,
      syntax,
      fixedLength: value.length - name.length,
    });
  };

  // Strimzi: Services (DNS-1035 labels), pods (hostnames, DNS-1123 labels), labels, Secrets.
  withName(
    'Strimzi',
    'Service of the internal bootstrap',
    internalBootstrapServiceNameOf(spec),
    'dns1035-label',
  );
  withName('Strimzi', 'headless Service of the brokers', `${name}-kafka-brokers`, 'dns1035-label');
  if (spec.kafka.external.enabled) {
    withName(
      'Strimzi',
      'Service of the external bootstrap NLB',
      externalBootstrapServiceNameOf(spec),
      'dns1035-label',
    );
  }
  for (const { pool, lastId } of pools(spec)) {
    const pod = `${name}-${pool}-${lastId}`;
    withName('Strimzi', `pod (hostname) of pool ${pool}, highest node ID`, pod, 'dns1123-label');
    withName('Strimzi', `pod-name label of pool ${pool}`, pod, 'label-value');
    withName('Strimzi', `StrimziPodSet of pool ${pool}`, `${name}-${pool}`, 'dns1123-subdomain');
    withName('Strimzi', `controller-name label of pool ${pool}`, `${name}-${pool}`, 'label-value');
    if (spec.kafka.external.enabled && pool !== 'controllers') {
      withName('Strimzi', `per-broker NLB Service of pool ${pool}`, pod, 'dns1035-label');
    }
  }
  for (const secret of [
    'cluster-ca-cert',
    'clients-ca-cert',
    'kafka-brokers',
    'entity-topic-operator-certs',
    'entity-user-operator-certs',
  ]) {
    withName('Strimzi', `Secret ${secret}`, `${name}-${secret}`, 'dns1123-subdomain');
  }
  withName('Strimzi', 'entity operator name label', `${name}-entity-operator`, 'label-value');

  // Kubernetes objects of this platform's own charts that carry the name.
  withName('Kubernetes', 'Kafka resource', name, 'dns1123-label');
  withName('Kubernetes', 'strimzi.io/cluster label', name, 'label-value');
  withName('Kubernetes', 'Kafka node label and taint value', `${name}-kafka`, 'label-value');

  // AWS, created by the Pulumi components (logical names as components/ registers them).
  withName('AWS (EKS)', 'EKS cluster', clusterNameOf(spec), 'aws-name', EKS_CLUSTER_NAME_MAX);
  withName(
    'AWS (EKS)',
    'system managed nodegroup',
    systemNodegroupNameOf(spec),
    'aws-name',
    EKS_NODEGROUP_NAME_MAX,
  );
  // The name the system group takes when a zone it spans is dropped: this spec's zones, if it is
  // the spec of that run (spec/system-nodegroup.ts).
  withName(
    'AWS (EKS)',
    'system managed nodegroup after a zone it spans is dropped',
    movedSystemNodegroupNameOf(spec, spec.zones),
    'aws-name',
    EKS_NODEGROUP_NAME_MAX,
  );
  for (const zone of spec.zones) {
    withName(
      'AWS (EKS)',
      `Kafka managed nodegroup of ${zone}`,
      `${name}-kafka-${zoneSuffix(spec.region, zone)}`,
      'aws-name',
      EKS_NODEGROUP_NAME_MAX,
    );
  }
  const autoNamed = (type: string, what: string, logical: string): void => {
    const limit = nameLimitOf(type);
    if (limit === undefined) throw new Error(`no AWS name limit known for ${type}`);
    const physical = `${limit.autoNamePrefix}${logical}${SAMPLE_SUFFIX}`;
    if (physical.length !== autoNameLength(type, logical)) {
      throw new Error(`sample suffix of ${type} is not as long as the provider's`);
    }
    withName('AWS (Pulumi)', what, physical, 'aws-name', limit.maxLength);
  };
  const role = 'aws:iam/role:Role';
  autoNamed(role, 'IAM role of the EKS cluster (pulumi-eks)', `${name}-eks-eksRole-role`);
  autoNamed(role, 'IAM role of the nodes', `${name}-node`);
  autoNamed(role, 'IAM role of the EBS CSI driver', `${name}-ebs-csi-role`);
  autoNamed(role, 'IAM role of the AWS Load Balancer Controller', `${name}-lbc-role`);
  autoNamed(role, 'IAM role of Cluster Autoscaler', `${name}-cluster-autoscaler-role`);
  const rolePolicy = 'aws:iam/rolePolicy:RolePolicy';
  autoNamed(rolePolicy, 'IAM policy of the AWS Load Balancer Controller', `${name}-lbc-policy`);
  autoNamed(rolePolicy, 'IAM policy of Cluster Autoscaler', `${name}-cluster-autoscaler-policy`);
  if (spec.autoscaling.mode === 'controller' && spec.controller.iamRoleArn === undefined) {
    autoNamed(
      role,
      'IAM role of the Kafka autoscaling controller',
      `${name}-kafka-autoscaler-role`,
    );
    autoNamed(
      rolePolicy,
      'IAM policy of the Kafka autoscaling controller',
      `${name}-kafka-autoscaler-policy`,
    );
  }
  const launchTemplate = 'aws:ec2/launchTemplate:LaunchTemplate';
  autoNamed(launchTemplate, 'launch template of the system nodes', `${name}-system`);
  autoNamed(launchTemplate, 'launch template of the Kafka nodes', `${name}-kafka`);
  withName(
    'AWS (Pulumi)',
    'KMS alias of the secrets key',
    `alias/${name}-eks-secrets`,
    'aws-name',
    256,
  );
  if (spec.kafka.external.enabled) {
    const alphanumeric = (text: string): string => text.replace(/[^A-Za-z0-9]/g, '').slice(0, 8);
    rows.push({
      owner: 'AWS (LBC)',
      what: 'NLB and target group names (AWS Load Balancer Controller truncates)',
      name: `k8s-${alphanumeric(spec.kafka.namespace)}-${alphanumeric(`${name}-kafka-external-bootstrap`)}-0123456789`,
      maxLength: LBC_NAME_LENGTH,
      syntax: 'aws-name',
      fixedLength: undefined,
    });
  }
  return rows;
}

/**
 * Longest `name` this spec allows: the smallest headroom over every row that contains the name,
 * and never more than the 63 of a DNS-1123 label.
 */
export function maxNameLengthFor(spec: PlatformSpec): number {
  return derivedNames(spec).reduce(
    (most, row) =>
      row.fixedLength === undefined ? most : Math.min(most, row.maxLength - row.fixedLength),
    KUBERNETES_LIMIT['dns1123-label'],
  );
}

/**
 * Problems with the derived names: one issue for every name that would be too long (the three
 * longest shown, with the longest `name` this spec allows), one per name of the wrong syntax.
 */
export function derivedNameIssues(spec: PlatformSpec): SpecIssue[] {
  const rows = derivedNames(spec);
  const tooLong = rows
    .filter(row => row.name.length > row.maxLength)
    .sort((a, b) => b.name.length - b.maxLength - (a.name.length - a.maxLength));
  const issues: SpecIssue[] = [];
  if (tooLong.length > 0) {
    const shown = tooLong
      .slice(0, 3)
      .map(
        row =>
          `the ${row.owner} ${row.what} "${row.name}" is ${row.name.length} characters, over its limit of ${row.maxLength}`,
      )
      .join('; ');
    const more = tooLong.length > 3 ? ` (and ${tooLong.length - 3} more)` : '';
    issues.push({
      path: 'name',
      message: `${showValue(spec.name)} (${spec.name.length} characters) is too long for this spec: ${shown}${more}; with this spec, name may be at most ${maxNameLengthFor(spec)} characters`,
    });
  }
  for (const row of rows) {
    if (row.name.length <= row.maxLength && !followsSyntax(row.name, row.syntax)) {
      issues.push({
        path: 'name',
        message: `${showValue(spec.name)} makes the ${row.owner} ${row.what} "${row.name}", which is not a valid ${row.syntax}; use lower-case letters, digits and '-'`,
      });
    }
  }
  return issues;
}
