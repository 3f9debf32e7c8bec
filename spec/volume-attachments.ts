/**
 * EBS volumes a Kafka node can attach, against the brokers the spec puts on one node.
 *
 * Every broker has its own EBS volume (one PersistentVolumeClaim per broker, gp3), attached to the
 * node its pod runs on. EC2 caps the attachments of an instance, and the EBS CSI driver reports
 * what is left for volumes to the scheduler (CSINode `allocatable.count`), so a broker whose volume
 * does not fit stays Pending, or its attach fails (kubernetes-sigs/aws-ebs-csi-driver#1728: 27
 * volumes on an m5.xlarge, the 27th never attached; #1163, #2064). At the lowest node level the
 * spec allows, a node carries brokers per zone / lowest level brokers.
 *
 * Facts (AWS EC2 user guide, "Amazon EBS volume limits for Amazon EC2 instances"):
 * - most Nitro instance types share 28 attachments among EBS volumes, network interfaces and NVMe
 *   instance store volumes; the root volume and the primary network interface take one each, and
 *   the VPC CNI keeps one more interface attached for pod addresses by default (WARM_ENI_TARGET 1),
 *   attaching more as pods need them;
 * - a few newer families have a dedicated EBS limit that network interfaces do not share (M7a,
 *   M7i, M7i-flex, M8g, C7a, C7i, C7i-flex, C8g, R7a, R7i, R7iz, R8g, X8g): 32 up to 12xlarge, 48
 *   at 16xlarge, 64 at 24xlarge, 88 at 32xlarge, 128 at 48xlarge, 39 for metal-16xl/-24xl and 79
 *   for metal-32xl/-48xl; the root volume takes one of them.
 * Older (Xen) families and names this table cannot read are not checked.
 */
import type { SpecIssue } from './errors';

/** Families with a dedicated EBS volume limit (not shared with network interfaces). */
const DEDICATED_FAMILIES: ReadonlySet<string> = new Set([
  'm7a',
  'm7i',
  'm7i-flex',
  'm8g',
  'c7a',
  'c7i',
  'c7i-flex',
  'c8g',
  'r7a',
  'r7i',
  'r7iz',
  'r8g',
  'x8g',
]);

/** Dedicated limit by size (AWS table above); sizes not listed (medium..12xlarge) have 32. */
const DEDICATED_LIMIT_BY_SIZE: Readonly<Record<string, number>> = {
  '16xlarge': 48,
  '24xlarge': 64,
  '32xlarge': 88,
  '48xlarge': 128,
  'metal-16xl': 39,
  'metal-24xl': 39,
  'metal-32xl': 79,
  'metal-48xl': 79,
};
const DEDICATED_DEFAULT_LIMIT = 32;
/** The attachments most Nitro instances share among volumes and network interfaces. */
const SHARED_NITRO_ATTACHMENTS = 28;
/** Nitro families before the 5th generation (the rest of generation 3-4 runs on Xen). */
const EARLY_NITRO_FAMILIES: ReadonlySet<string> = new Set(['a1', 't3', 't3a']);

/** How many broker volumes one node of an instance type can attach. */
export interface VolumeAttachmentLimit {
  /** Volumes beside the root volume that always fit: with the primary interface only. */
  readonly certain: number;
  /** Volumes that fit with the interfaces the VPC CNI usually attaches (primary plus one warm). */
  readonly usual: number;
  /** One line for messages: where the numbers come from. */
  readonly why: string;
}

/**
 * The volume attachment limit of an instance type for broker volumes, or undefined when the
 * family is not one this table knows to be Nitro (older Xen types, unreadable names).
 */
export function volumeAttachmentLimit(instanceType: string): VolumeAttachmentLimit | undefined {
  const match = /^([a-z]+)(\d+)([a-z-]*)\.([a-z0-9-]+)$/.exec(instanceType);
  if (match === null) return undefined;
  const [, letters = '', generationText = '', suffix = '', size = ''] = match;
  const family = `${letters}${generationText}${suffix}`;
  if (DEDICATED_FAMILIES.has(family)) {
    const limit = DEDICATED_LIMIT_BY_SIZE[size] ?? DEDICATED_DEFAULT_LIMIT;
    return {
      certain: limit - 1,
      usual: limit - 1,
      why: `a ${instanceType} has a dedicated limit of ${limit} EBS volumes, one of them the root volume`,
    };
  }
  const generation = Number(generationText);
  if (generation < 5 && !EARLY_NITRO_FAMILIES.has(family)) return undefined;
  return {
    certain: SHARED_NITRO_ATTACHMENTS - 2,
    usual: SHARED_NITRO_ATTACHMENTS - 3,
    why: `a ${instanceType} shares ${SHARED_NITRO_ATTACHMENTS} attachments among EBS volumes and network interfaces, and the root volume and the primary network interface take two`,
  };
}

/**
 * Broker volumes per node against the node's attachment limit, at the lowest node level.
 * @param brokersPerNode brokers on one node at the lowest level (brokers per zone / level).
 * @param lowest the lowest node count per zone the spec allows.
 * @returns a problem when even the primary interface alone leaves too few attachments, a warning
 *   (`warning: true`) when only the interface the VPC CNI keeps warm does; none otherwise or for an
 *   instance type the table does not know.
 */
export function volumeAttachmentIssue(
  instanceType: string,
  brokersPerNode: number,
  lowest: number,
): (SpecIssue & { readonly warning: boolean }) | undefined {
  const limit = volumeAttachmentLimit(instanceType);
  if (limit === undefined || brokersPerNode <= limit.usual) return undefined;
  const warning = brokersPerNode <= limit.certain;
  const fits = warning ? limit.usual : limit.certain;
  const effect = warning
    ? `, and ${limit.usual} once the VPC CNI attaches the spare network interface it keeps for pod addresses (more with more pods); so the last broker volumes may not attach and those brokers stay Pending`
    : '; so the EBS CSI driver reports too few attachable volumes and the brokers beyond them stay Pending (their volumes cannot attach)';
  return {
    path: 'nodes.kafka.minPerZone',
    warning,
    message: `${lowest} node(s) per zone put ${brokersPerNode} brokers, each with its own EBS volume, on one node, but ${limit.why}, leaving ${limit.certain} for broker volumes${effect} (kubernetes-sigs/aws-ebs-csi-driver#1728); raise nodes.kafka.minPerZone so a node carries at most ${fits} brokers, or use an instance type with a dedicated EBS volume limit (m7i, c7i, r7i)`,
  };
}
