/**
 * Rules that relate several fields of a structurally valid spec. Each rule returns its problems;
 * `checkRules` runs all of them so a user sees every problem at once.
 */
import * as ipaddr from 'ipaddr.js';
import {
  balancedNodeCounts,
  NODE_ID_BLOCK,
  brokerResourcesFor,
  divisors,
  maxNodesPerZone,
  nodeCapacityOf,
  podAllocatable,
  zoneSuffix,
} from './derive';
import { showValue, type SpecIssue } from './errors';
import { availabilityWarnings } from './availability';
import {
  MIN_ZONES_NEW_CLUSTER,
  SUPPORTED_KUBERNETES_VERSIONS,
  accessEntryPrincipalIssue,
  cidrFamilyIssue,
  isLocalZoneName,
  loadBalancerRuleWarnings,
  publicAccessCidrCountIssue,
  repeatedAccessEntryIssues,
} from './aws-inputs';
import { derivedNameIssues } from './derived-names';
import { passthroughIssues } from './passthrough';
import { activeSegmentWarnings, retentionCapacityIssues } from './retention-capacity';
import { throttledReplicaIssues } from './throttled-replicas';
import { requestSizeIssues, segmentSizeIssues, segmentSizeWarnings } from './request-size';
import { brokerHeapIssues, brokerHeapWarnings } from './broker-heap';
import { volumeAttachmentIssue } from './volume-attachments';
import { mapCountWarnings } from './map-count';
import { instanceTypeFacts, knownInstanceTypes } from './instance-types';
import {
  brokerConfigIssues,
  brokerConfigWarnings,
  leaderRebalanceWarnings,
  brokerLeaseWarnings,
  transactionTimeoutWarnings,
  timeUnitPrecedenceWarnings,
  perAddressLimitWarnings,
  offsetsRetentionWarnings,
  emptyCleanupPolicyWarnings,
  minInSyncIssue,
  replicationFactorIssue,
  topicConfigIssues,
} from './kafka-config';
import {
  PLACEHOLDER_RUNBOOK_BASE_URL,
  UNPUBLISHED_CONTROLLER_IMAGE,
  dns1123Label,
  type PlatformSpec,
} from './schema';
import { kafkaCollisionKey, topicResourceName } from './topic-names';
import { brokerTopicPartitionIssues, topicPartitionsProblem } from './topic-partitions';
import { indexRollIssues, segmentRollIssues } from './segment-roll';
import { sizeFloorIssues } from './record-size-floors';
import { logFlushIssues, logFlushWarnings } from './log-flush';
import { recordTimestampIssues, recordTimestampWarnings } from './record-timestamps';
import { cleanupPolicyKeyWarnings } from './cleanup-policy-keys';
import { logCleanerIssues } from './log-cleaner';
import { tieredStorageIssues, tieredStorageWarnings } from './tiered-storage-keys';
import { compressionLevelWarnings } from './compression-levels';
import { shortRetentionWarnings } from './short-retention';
import { classicSessionRangeIssues, classicSessionRangeWarnings } from './classic-group-session';
import { rebalanceProtocolIssues, rebalanceProtocolWarnings } from './group-rebalance-protocols';
import { KAFKA_VERSIONS_STRIMZI_RELEASE, SUPPORTED_KAFKA_VERSIONS } from './kafka-versions';
import { regionProblem } from './aws-regions';

const ZONE_SUFFIX_PATTERN = /^([a-z]|[a-z]+-\d+[a-z])$/;
const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;
const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const MAX_ZONES = 6;
const MAX_TOPIC_NAME_LENGTH = 249;
/**
 * Topics Kafka 4.x keeps for itself: group offsets, transactions, share-group state (KIP-932) and
 * the KRaft metadata log. A KafkaTopic for one would have the Topic Operator alter Kafka's own
 * topic; a name that collides with one ('.' versus '_') is refused by Kafka.
 */
const KAFKA_INTERNAL_TOPICS = [
  '__consumer_offsets',
  '__transaction_state',
  '__share_group_state',
  '__cluster_metadata',
];
/** A DNS-1123 label's limit; the derived-name table (derived-names.ts) sets the real, lower one. */
const MAX_NAME_LENGTH = 63;
const GP3_MAX_IOPS = 80000;
const GP3_MAX_THROUGHPUT_MIBPS = 2000;
const GP3_IOPS_PER_GI = 500;
const GP3_THROUGHPUT_PER_IOPS = 0.25;

export type Rule = (spec: PlatformSpec) => SpecIssue[];

function issue(path: string, message: string): SpecIssue {
  return { path, message };
}

function nearestMultiples(value: number, step: number): string {
  const lower = Math.floor(value / step) * step;
  const upper = lower + step;
  return lower > 0 ? `${lower} or ${upper}` : `${upper}`;
}

const identityRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  if (!dns1123Label.test(spec.name) || spec.name.length > MAX_NAME_LENGTH) {
    issues.push(
      issue(
        'name',
        `${showValue(spec.name)} is not a DNS-1123 label of at most ${MAX_NAME_LENGTH} characters; use lower-case letters, digits and '-', starting with a letter, for example "orders"`,
      ),
    );
  }
  const regionMessage = regionProblem(spec.region);
  if (regionMessage !== undefined) issues.push(issue('region', regionMessage));
  return issues;
};

const zoneRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const fewest = spec.cluster.existing === undefined ? MIN_ZONES_NEW_CLUSTER : 1;
  if (spec.zones.length > MAX_ZONES) {
    issues.push(
      issue(
        'zones',
        `${spec.zones.length} zones given; list ${fewest} to ${MAX_ZONES} availability zones`,
      ),
    );
  } else if (spec.zones.length < fewest) {
    issues.push(
      issue(
        'zones',
        fewest === 1
          ? `${spec.zones.length} zones given; list 1 to ${MAX_ZONES} availability zones`
          : `${spec.zones.length} zone(s) given, but EKS refuses to create a cluster whose subnets are not in at least ${MIN_ZONES_NEW_CLUSTER} different zones (InvalidParameterException); list ${MIN_ZONES_NEW_CLUSTER} to ${MAX_ZONES} zones, or join an existing cluster with cluster.existing`,
      ),
    );
  }
  const seen = new Set<string>();
  spec.zones.forEach((zone, index) => {
    const suffix = zoneSuffix(spec.region, zone);
    if (!zone.startsWith(spec.region) || !ZONE_SUFFIX_PATTERN.test(suffix)) {
      issues.push(
        issue(
          `zones[${index}]`,
          `${showValue(zone)} is not a zone of region ${spec.region}; use names like "${spec.region}a"`,
        ),
      );
    } else if (spec.cluster.existing === undefined && isLocalZoneName(spec.region, zone)) {
      issues.push(
        issue(
          `zones[${index}]`,
          `${showValue(zone)} is a Local Zone, and EKS cannot place a cluster's network interfaces there, so creating the cluster would fail (UnsupportedAvailabilityZoneException); list Availability Zones of ${spec.region} such as "${spec.region}a", or join an existing cluster with cluster.existing`,
        ),
      );
    }
    if (seen.has(zone)) {
      issues.push(
        issue(`zones[${index}]`, `${showValue(zone)} is listed twice; list each zone once`),
      );
    }
    seen.add(zone);
  });
  return issues;
};

const brokerRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const { kafka } = spec;
  const zoneCount = spec.zones.length;
  if (kafka.brokers < 1) {
    issues.push(
      issue('kafka.brokers', `${kafka.brokers} is too few; run at least one broker per zone`),
    );
  } else if (zoneCount > 0 && kafka.brokers % zoneCount !== 0) {
    issues.push(
      issue(
        'kafka.brokers',
        `${kafka.brokers} is not a multiple of the ${zoneCount} zones; use ${nearestMultiples(kafka.brokers, zoneCount)}`,
      ),
    );
  }
  if (zoneCount > 0 && kafka.brokers / zoneCount > NODE_ID_BLOCK) {
    issues.push(
      issue(
        'kafka.brokers',
        `${kafka.brokers} brokers put ${Math.ceil(kafka.brokers / zoneCount)} in each zone, more than the ${NODE_ID_BLOCK} node IDs of a zone's pool ([1000-1999] for the first zone, strimzi.io/next-node-ids); Strimzi then takes free IDs from other ranges, so a broker's ID no longer tells its zone and the per-broker NLB and zone mapping go wrong; use at most ${NODE_ID_BLOCK * zoneCount}`,
      ),
    );
  }
  if (kafka.controllers < 1 || kafka.controllers % 2 === 0 || kafka.controllers > 9) {
    issues.push(
      issue(
        'kafka.controllers',
        `${kafka.controllers} KRaft controllers cannot form a sensible quorum; use an odd number from 1 to 9, usually 3`,
      ),
    );
  }
  if (!dns1123Label.test(kafka.namespace)) {
    issues.push(
      issue(
        'kafka.namespace',
        `${showValue(kafka.namespace)} is not a DNS-1123 label; use "kafka"`,
      ),
    );
  }
  if (!SUPPORTED_KAFKA_VERSIONS.includes(kafka.version)) {
    issues.push(
      issue(
        'kafka.version',
        `${showValue(kafka.version)} is not a Kafka version Strimzi ${KAFKA_VERSIONS_STRIMZI_RELEASE} runs, so the Kafka resource would stay NotReady (UnsupportedKafkaVersionException) and no broker would start; use one of ${SUPPORTED_KAFKA_VERSIONS.join(', ')}`,
      ),
    );
  }
  return issues;
};

function replicationIssues(
  path: string,
  replicationFactor: number,
  minInSyncReplicas: number,
  spec: PlatformSpec,
): SpecIssue[] {
  return [
    replicationFactorIssue(`${path}replicationFactor`, replicationFactor, spec),
    minInSyncIssue(
      `${path}minInSyncReplicas`,
      minInSyncReplicas,
      replicationFactor,
      undefined,
      spec.zones.length,
    ),
  ].filter((found): found is SpecIssue => found !== undefined);
}

const replicationRules: Rule = spec =>
  replicationIssues('kafka.', spec.kafka.replicationFactor, spec.kafka.minInSyncReplicas, spec);

export { topicResourceName } from './topic-names';

const topicRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const names = new Map<string, number>();
  const resourceNames = new Map<string, number>();
  const collisionKeys = new Map<string, number>();
  spec.kafka.topics.forEach((topic, index) => {
    const path = `kafka.topics[${index}].`;
    if (
      !TOPIC_NAME_PATTERN.test(topic.name) ||
      topic.name.length > MAX_TOPIC_NAME_LENGTH ||
      topic.name === '.' ||
      topic.name === '..'
    ) {
      issues.push(
        issue(
          `${path}name`,
          `${showValue(topic.name)} is not a Kafka topic name; use letters, digits, '.', '_' and '-', at most ${MAX_TOPIC_NAME_LENGTH} characters`,
        ),
      );
    }
    const collisionKey = kafkaCollisionKey(topic.name);
    const internal = KAFKA_INTERNAL_TOPICS.find(name => kafkaCollisionKey(name) === collisionKey);
    if (internal !== undefined) {
      issues.push(
        issue(
          `${path}name`,
          internal === topic.name
            ? `${showValue(topic.name)} is a Kafka internal topic, which Kafka manages itself; remove it from kafka.topics`
            : `${showValue(topic.name)} differs from Kafka's internal topic ${showValue(internal)} only in '.' versus '_', so Kafka refuses to create it; rename it`,
        ),
      );
    }
    const twin = collisionKeys.get(collisionKey);
    if (twin !== undefined && spec.kafka.topics[twin]?.name !== topic.name) {
      issues.push(
        issue(
          `${path}name`,
          `${showValue(topic.name)} and kafka.topics[${twin}] (${showValue(spec.kafka.topics[twin]?.name)}) differ only in '.' versus '_', which Kafka treats as the same in metric names and refuses to create both; rename one`,
        ),
      );
    } else if (twin === undefined) {
      collisionKeys.set(collisionKey, index);
    }
    const earlier = names.get(topic.name);
    if (earlier !== undefined) {
      issues.push(
        issue(
          `${path}name`,
          `${showValue(topic.name)} is already kafka.topics[${earlier}]; remove one`,
        ),
      );
    } else {
      names.set(topic.name, index);
      const resourceName = topicResourceName(topic.name);
      const clash = resourceNames.get(resourceName);
      if (clash !== undefined) {
        issues.push(
          issue(
            `${path}name`,
            `${showValue(topic.name)} and kafka.topics[${clash}] map to the same KafkaTopic resource name "${resourceName}"; rename one`,
          ),
        );
      }
      resourceNames.set(resourceName, index);
    }
    const partitionsProblem = topicPartitionsProblem(topic, index);
    if (partitionsProblem !== undefined) issues.push(issue(`${path}partitions`, partitionsProblem));
    issues.push(
      ...replicationIssues(
        path,
        topic.replicationFactor ?? spec.kafka.replicationFactor,
        topic.minInSyncReplicas ?? spec.kafka.minInSyncReplicas,
        spec,
      ),
      ...topicConfigIssues(spec, topic, index),
    );
  });
  return issues;
};

const storageRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const { sizeGi, iops, throughputMiBps } = spec.kafka.storage;
  if (sizeGi < 1 || sizeGi > 65536) {
    issues.push(issue('kafka.storage.sizeGi', `${sizeGi} is out of range; use 1 to 65536 GiB`));
  }
  if (iops < 3000 || iops > GP3_MAX_IOPS) {
    issues.push(
      issue('kafka.storage.iops', `${iops} is out of gp3's range; use 3000 to ${GP3_MAX_IOPS}`),
    );
  } else if (iops > 3000 && iops > sizeGi * GP3_IOPS_PER_GI) {
    issues.push(
      issue(
        'kafka.storage.iops',
        `${iops} exceeds gp3's ${GP3_IOPS_PER_GI} IOPS per GiB for ${sizeGi} GiB; use at most ${Math.max(3000, sizeGi * GP3_IOPS_PER_GI)} or a bigger volume`,
      ),
    );
  }
  if (throughputMiBps < 125 || throughputMiBps > GP3_MAX_THROUGHPUT_MIBPS) {
    issues.push(
      issue(
        'kafka.storage.throughputMiBps',
        `${throughputMiBps} is out of gp3's range; use 125 to ${GP3_MAX_THROUGHPUT_MIBPS}`,
      ),
    );
  } else if (throughputMiBps > 125 && throughputMiBps > iops * GP3_THROUGHPUT_PER_IOPS) {
    issues.push(
      issue(
        'kafka.storage.throughputMiBps',
        `${throughputMiBps} exceeds gp3's 0.25 MiB/s per provisioned IOPS (${iops} IOPS); raise kafka.storage.iops to ${Math.ceil(throughputMiBps / GP3_THROUGHPUT_PER_IOPS)} or lower the throughput`,
      ),
    );
  }
  return issues;
};

/**
 * The network form of a CIDR: the address with its host bits cleared, in plain decimal (IPv4) or
 * the compact form (IPv6). `ipaddr.js` reads `010.0.0.0` as octal (8.0.0.0), Go's `net.ParseCIDR`
 * (Kubernetes) refuses it, and EC2 refuses a VPC or rule CIDR with host bits; only the network
 * form means the same to all of them.
 */
function canonicalCidr(cidr: string): string {
  const [address, prefix] = ipaddr.parseCIDR(cidr);
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(cidr)
      : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  return `${network.toString()}/${prefix}`;
}

/**
 * Syntax, network form, address family (`CIDR_FIELD_READERS` row of `path`) and the whole-internet
 * opt-in of every CIDR of a list field; `at(index)` names one entry.
 */
function cidrIssues(
  path: string,
  cidrs: readonly string[],
  allowAnywhere: boolean,
  at: (index: number) => string = index => `${path}[${index}]`,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  cidrs.forEach((cidr, index) => {
    const family = cidrFamilyIssue(path, at(index), cidr);
    if (family !== undefined) issues.push(family);
    let prefix: number;
    let canonical: string;
    try {
      [, prefix] = ipaddr.parseCIDR(cidr);
      canonical = canonicalCidr(cidr);
    } catch {
      issues.push(issue(at(index), `${showValue(cidr)} is not a CIDR; write it like "10.0.0.0/8"`));
      return;
    }
    if (canonical !== cidr) {
      issues.push(
        issue(
          at(index),
          `${showValue(cidr)} is not written as its network (host bits set, or leading zeros, which some readers take as octal); write ${showValue(canonical)}`,
        ),
      );
    }
    if (prefix === 0 && !allowAnywhere) {
      issues.push(
        issue(
          at(index),
          `${showValue(cidr)} opens the platform to the whole internet; list your client networks instead (or set kafka.external.allowPublic: true)`,
        ),
      );
    }
  });
  return issues;
}

/**
 * A client range listed twice in `kafka.external.allowedCidrs`. The ranges become each NLB
 * Service's `loadBalancerSourceRanges`, and the AWS Load Balancer Controller turns every entry into
 * its own security group permission per port without de-duplicating them; EC2 refuses a request
 * carrying the same permission twice, so the NLBs keep no client rule
 * (kubernetes-sigs/aws-load-balancer-controller#1218, #4263). Compared in network form, so a
 * range written two ways (already refused by `cidrIssues`) is caught as the same rule too.
 */
function repeatedSourceRangeIssues(cidrs: readonly string[]): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const first = new Map<string, number>();
  cidrs.forEach((cidr, index) => {
    let key: string;
    try {
      key = canonicalCidr(cidr);
    } catch {
      return;
    }
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, index);
      return;
    }
    const at = `kafka.external.allowedCidrs[${index}]`;
    issues.push(
      issue(
        at,
        `${showValue(cidr)} is already kafka.external.allowedCidrs[${earlier}]; the AWS Load Balancer Controller makes one security group rule per entry and port, EC2 refuses a request with the same rule twice ("The same permission must not appear multiple times", kubernetes-sigs/aws-load-balancer-controller#1218), so the NLBs would keep no client rule and no client could connect; remove ${at}`,
      ),
    );
  });
  return issues;
}

const externalRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const external = spec.kafka.external;
  if (external.scheme === 'internet-facing' && !external.allowPublic) {
    issues.push(
      issue(
        'kafka.external.scheme',
        '"internet-facing" puts the brokers on the internet; keep "internal", or set kafka.external.allowPublic: true on purpose',
      ),
    );
  }
  if (external.enabled && external.allowedCidrs.length === 0) {
    issues.push(
      issue(
        'kafka.external.allowedCidrs',
        'is empty while kafka.external.enabled is true; list the client CIDRs, for example [10.0.0.0/8]',
      ),
    );
  }
  issues.push(
    ...cidrIssues('kafka.external.allowedCidrs', external.allowedCidrs, external.allowPublic),
    ...repeatedSourceRangeIssues(external.allowedCidrs),
  );
  const pinned = Object.keys(external.subnets);
  for (const zone of pinned) {
    if (!spec.zones.includes(zone)) {
      issues.push(
        issue(
          `kafka.external.subnets.${zone}`,
          `${showValue(zone)} is not one of the spec's zones (${spec.zones.join(', ')}); remove it or fix the zone name`,
        ),
      );
    }
  }
  if (pinned.length > 0) {
    const missing = spec.zones.filter(zone => external.subnets[zone] === undefined);
    if (missing.length > 0) {
      issues.push(
        issue(
          'kafka.external.subnets',
          `pins some zones but not ${missing.join(', ')}; give a subnet for every zone or for none (cross-zone)`,
        ),
      );
    }
  }
  return issues;
};

const kafkaNodeRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const kafkaNodes = spec.nodes.kafka;
  const zoneCount = spec.zones.length;
  const brokersPerZone =
    zoneCount > 0 && spec.kafka.brokers % zoneCount === 0
      ? spec.kafka.brokers / zoneCount
      : undefined;
  if (kafkaNodes.minPerZone < 1) {
    issues.push(
      issue(
        'nodes.kafka.minPerZone',
        `${kafkaNodes.minPerZone} would leave a zone's brokers with no node; use at least 1`,
      ),
    );
  }
  // Checked on its own, so a broker count that does not split over the zones hides nothing.
  const givenMax = kafkaNodes.maxPerZone;
  const minAboveGivenMax = givenMax !== undefined && kafkaNodes.minPerZone > givenMax;
  if (minAboveGivenMax) {
    issues.push(
      issue(
        'nodes.kafka.minPerZone',
        `${kafkaNodes.minPerZone} is above nodes.kafka.maxPerZone ${givenMax}; lower it`,
      ),
    );
  }
  if (brokersPerZone !== undefined && brokersPerZone > 0) {
    const maxPerZone = maxNodesPerZone(spec);
    if (maxPerZone > brokersPerZone) {
      issues.push(
        issue(
          'nodes.kafka.maxPerZone',
          `${maxPerZone} is more than the ${brokersPerZone} brokers per zone, so some nodes would stay empty; use at most ${brokersPerZone}`,
        ),
      );
    }
    if (kafkaNodes.minPerZone > maxPerZone) {
      if (!minAboveGivenMax) {
        issues.push(
          issue(
            'nodes.kafka.minPerZone',
            `${kafkaNodes.minPerZone} is above nodes.kafka.maxPerZone ${maxPerZone}; lower it`,
          ),
        );
      }
    } else if (balancedNodeCounts(brokersPerZone, kafkaNodes.minPerZone, maxPerZone).length === 0) {
      issues.push(
        issue(
          'nodes.kafka',
          `no node count from ${kafkaNodes.minPerZone} to ${maxPerZone} divides the ${brokersPerZone} brokers per zone; widen the range to include one of ${divisors(brokersPerZone).join(', ')}`,
        ),
      );
    }
  }
  const capacity = nodeCapacityOf(spec);
  if (capacity === undefined) {
    issues.push(
      issue(
        'nodes.kafka.instanceType',
        `${showValue(kafkaNodes.instanceType)} is not in the built-in instance table; use one of ${knownInstanceTypes.join(', ')}, or give nodes.kafka.capacity.{vcpu, memoryGi, baselineGbps, pricePerHourUsd}`,
      ),
    );
  } else if (brokersPerZone !== undefined && brokersPerZone > 0 && kafkaNodes.minPerZone >= 1) {
    issues.push(...brokerFitIssues(spec, capacity, brokersPerZone));
  }
  issues.push(...volumeAttachmentFindings(spec, false));
  return issues;
};

/**
 * Broker volumes on one node at the lowest level against the Kafka instance type's EBS attachment
 * limit (spec/volume-attachments.ts): problems when `warnings` is false, warnings when true.
 */
function volumeAttachmentFindings(spec: PlatformSpec, warnings: boolean): SpecIssue[] {
  const zoneCount = spec.zones.length;
  if (zoneCount === 0 || spec.kafka.brokers < 1 || spec.kafka.brokers % zoneCount !== 0) return [];
  const brokersPerZone = spec.kafka.brokers / zoneCount;
  const lowest = balancedNodeCounts(
    brokersPerZone,
    spec.nodes.kafka.minPerZone,
    maxNodesPerZone(spec),
  )[0];
  if (lowest === undefined) return [];
  const found = volumeAttachmentIssue(
    spec.nodes.kafka.instanceType,
    brokersPerZone / lowest,
    lowest,
  );
  return found === undefined || found.warning !== warnings
    ? []
    : [issue(found.path, found.message)];
}

function brokerFitIssues(
  spec: PlatformSpec,
  capacity: NonNullable<ReturnType<typeof nodeCapacityOf>>,
  brokersPerZone: number,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const levels = balancedNodeCounts(
    brokersPerZone,
    spec.nodes.kafka.minPerZone,
    maxNodesPerZone(spec),
  );
  const lowest = levels[0];
  if (lowest === undefined) return issues;
  const perNode = brokersPerZone / lowest;
  const allocatable = podAllocatable(capacity);
  const derived = brokerResourcesFor(capacity, perNode);
  const requested = spec.kafka.brokerResources;
  const memoryGi = requested.memoryGi ?? derived.memoryGi;
  const cpuMillis = requested.cpuMillis ?? derived.cpuMillis;
  const packing = `${perNode} brokers share one ${capacity.instanceType} node at ${lowest} node(s) per zone`;
  if (memoryGi * perNode > allocatable.memoryGi || memoryGi < 1) {
    issues.push(
      issue(
        requested.memoryGi === undefined
          ? 'nodes.kafka.instanceType'
          : 'kafka.brokerResources.memoryGi',
        `${packing}, leaving ${derived.memoryGi} GiB per broker (asked: ${memoryGi}); use a larger instance type, raise nodes.kafka.minPerZone, or set kafka.brokerResources.memoryGi between 1 and ${derived.memoryGi}`,
      ),
    );
  }
  if (cpuMillis * perNode > allocatable.cpuMillis || cpuMillis < 100) {
    issues.push(
      issue(
        requested.cpuMillis === undefined
          ? 'nodes.kafka.instanceType'
          : 'kafka.brokerResources.cpuMillis',
        `${packing}, leaving ${derived.cpuMillis} millicores of CPU request per broker (asked: ${cpuMillis}); use a larger instance type, raise nodes.kafka.minPerZone, or set kafka.brokerResources.cpuMillis between 100 and ${derived.cpuMillis}`,
      ),
    );
  }
  return issues;
}

const systemNodeRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const system = spec.nodes.system;
  if (system.min < 1) {
    issues.push(
      issue('nodes.system.min', `${system.min} leaves no node for the operators; use at least 2`),
    );
  }
  if (system.max < system.min) {
    issues.push(
      issue('nodes.system.max', `${system.max} is below nodes.system.min ${system.min}; raise it`),
    );
  } else if (system.max < spec.kafka.controllers) {
    issues.push(
      issue(
        'nodes.system.max',
        `${system.max} system nodes can never hold the ${spec.kafka.controllers} KRaft controllers, which run one per host; use at least ${spec.kafka.controllers}`,
      ),
    );
  }
  return issues;
};

/** Lowest memory (GiB) and CPU request (millicores) of any Kafka pod, brokers and controllers alike. */
const KAFKA_POD_MIN_MEMORY_GI = 1;
const KAFKA_POD_MIN_CPU_MILLIS = 100;

/**
 * `kafka.controllerResources` against the floor brokers already have and against the system node
 * the controllers are pinned to (`nodes.system.instanceType`, when the instance table knows it).
 * A request no node can give leaves the controller pods Pending, so the KRaft quorum never forms
 * (strimzi/strimzi-kafka-operator#6203, Strimzi's test of recovery from an impossible memory
 * request); a limit far below a JVM's needs stops Kafka at start with OutOfMemoryError
 * (strimzi/strimzi-kafka-operator#3727). Memory is request and limit at once (charts/kafka/node-pools.ts).
 */
const controllerResourceRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const requested = spec.kafka.controllerResources;
  const system = instanceTypeFacts(spec.nodes.system.instanceType);
  const allocatable = system === undefined ? undefined : podAllocatable(system);
  const where =
    system === undefined
      ? ''
      : ` a ${spec.nodes.system.instanceType} system node offers pods ${allocatable?.memoryGi.toFixed(2)} GiB and ${allocatable?.cpuMillis} millicores;`;
  if (requested.memoryGi !== undefined) {
    if (requested.memoryGi < KAFKA_POD_MIN_MEMORY_GI) {
      issues.push(
        issue(
          'kafka.controllerResources.memoryGi',
          `${requested.memoryGi} GiB is below the ${KAFKA_POD_MIN_MEMORY_GI} GiB every Kafka pod gets (it is also the limit, and a Kafka JVM in less stops with OutOfMemoryError); use at least ${KAFKA_POD_MIN_MEMORY_GI}, usually 2`,
        ),
      );
    } else if (allocatable !== undefined && requested.memoryGi > allocatable.memoryGi) {
      issues.push(
        issue(
          'kafka.controllerResources.memoryGi',
          `${requested.memoryGi} GiB can never be scheduled:${where} the KRaft controllers would stay Pending and the cluster would never start; lower it or use a larger nodes.system.instanceType`,
        ),
      );
    }
  }
  if (requested.cpuMillis !== undefined) {
    if (requested.cpuMillis < KAFKA_POD_MIN_CPU_MILLIS) {
      issues.push(
        issue(
          'kafka.controllerResources.cpuMillis',
          `${requested.cpuMillis} millicores is below the ${KAFKA_POD_MIN_CPU_MILLIS} every Kafka pod requests; use at least ${KAFKA_POD_MIN_CPU_MILLIS}, usually 500`,
        ),
      );
    } else if (allocatable !== undefined && requested.cpuMillis > allocatable.cpuMillis) {
      issues.push(
        issue(
          'kafka.controllerResources.cpuMillis',
          `${requested.cpuMillis} millicores can never be scheduled:${where} the KRaft controllers would stay Pending and the cluster would never start; lower it or use a larger nodes.system.instanceType`,
        ),
      );
    }
  }
  return issues;
};

/**
 * `controller.memoryMi` and `controller.cpuMillis` against one system node (when the instance
 * table knows `nodes.system.instanceType` and the controller is deployed, `autoscaling.mode:
 * controller`). The controller's pods tolerate none of the Kafka nodegroups' taints
 * (charts/autoscaler/workload.ts), so only system nodes run them; a request above a system node's
 * allocatable (`podAllocatable`) leaves them Pending for good ("Insufficient memory",
 * Azure/AKS#691), and nothing scales the Kafka nodes. Memory is request and limit at once. Not
 * checked with `cluster.existing`: the platform creates no system nodegroup there.
 */
const autoscalerResourceRules: Rule = spec => {
  // A joined cluster (cluster.existing) keeps its own nodes, whose sizes the spec does not know.
  if (spec.autoscaling.mode !== 'controller' || spec.cluster.existing !== undefined) return [];
  const system = instanceTypeFacts(spec.nodes.system.instanceType);
  if (system === undefined) return [];
  const allocatable = podAllocatable(system);
  const allocatableMi = Math.floor(allocatable.memoryGi * 1024);
  const offer = `a ${spec.nodes.system.instanceType} system node offers pods ${allocatableMi} MiB and ${allocatable.cpuMillis} millicores`;
  const requests: Array<[string, number, number, string, string]> = [
    ['controller.memoryMi', spec.controller.memoryMi, allocatableMi, 'MiB', '256'],
    ['controller.cpuMillis', spec.controller.cpuMillis, allocatable.cpuMillis, 'millicores', '100'],
  ];
  return requests
    .filter(([, asked, most]) => asked > most)
    .map(([path, asked, , unit, usual]) =>
      issue(
        path,
        `${asked} ${unit} can never be scheduled: the controller runs on system nodes only, and ${offer}, so its pods would stay Pending and nothing would scale the Kafka nodes; lower it (usually ${usual}) or use a larger nodes.system.instanceType`,
      ),
    );
};

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/**
 * The longest `autoscaling.forecast.leadTimeSeconds`, seconds: 18 h. The controller trusts a
 * forecast history for min(6 h, 24 h - lead time) after its last successful range query
 * (`forecastHistoryMaxAgeMs` in controller/forecast-history.ts); past 18 h that bound falls under
 * 6 h, and near 24 h under the 10-minute refresh, so the forecast would be unknown between
 * refreshes and no node would be removed.
 */
export const FORECAST_MAX_LEAD_TIME_SECONDS = 64_800;

const autoscalingRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const autoscaling = spec.autoscaling;
  if (!(autoscaling.targetUtilization > 0 && autoscaling.targetUtilization <= 1)) {
    issues.push(
      issue(
        'autoscaling.targetUtilization',
        `${autoscaling.targetUtilization} is not a share of the baseline bandwidth; use a number above 0 and at most 1, usually 0.6`,
      ),
    );
  }
  if (!(autoscaling.scaleInMargin >= 0 && autoscaling.scaleInMargin < 0.5)) {
    issues.push(
      issue(
        'autoscaling.scaleInMargin',
        `${autoscaling.scaleInMargin} is out of range; use at least 0 and below 0.5, usually 0.07 (the default)`,
      ),
    );
  }
  if (autoscaling.intervalSeconds < 5) {
    issues.push(
      issue(
        'autoscaling.intervalSeconds',
        `${autoscaling.intervalSeconds} is too frequent; use at least 5`,
      ),
    );
  }
  if (autoscaling.scaleInStabilizationSeconds < 0) {
    issues.push(
      issue(
        'autoscaling.scaleInStabilizationSeconds',
        `${autoscaling.scaleInStabilizationSeconds} is negative; use 0 or more, usually 600 (the default)`,
      ),
    );
  }
  const emptyWindow = autoscaling.emptyNodeStabilizationSeconds;
  if (emptyWindow !== undefined && emptyWindow < 0) {
    issues.push(
      issue(
        'autoscaling.emptyNodeStabilizationSeconds',
        `${emptyWindow} is negative; use 0 or more, usually 180 (a node launch round trip plus a minute)`,
      ),
    );
  } else if (
    emptyWindow !== undefined &&
    autoscaling.scaleInStabilizationSeconds >= 0 &&
    emptyWindow > autoscaling.scaleInStabilizationSeconds
  ) {
    issues.push(
      issue(
        'autoscaling.emptyNodeStabilizationSeconds',
        `${emptyWindow} is longer than autoscaling.scaleInStabilizationSeconds (${autoscaling.scaleInStabilizationSeconds}); an empty node never waits longer than one with brokers, so use at most ${autoscaling.scaleInStabilizationSeconds} or leave it unset`,
      ),
    );
  }
  const leadTime = autoscaling.forecast?.leadTimeSeconds;
  if (leadTime !== undefined && leadTime > FORECAST_MAX_LEAD_TIME_SECONDS) {
    issues.push(
      issue(
        'autoscaling.forecast.leadTimeSeconds',
        `${leadTime} is longer than ${FORECAST_MAX_LEAD_TIME_SECONDS} (18 hours): the forecast reads the same window on past days, and a history refetched every 10 minutes could not be trusted for the 6 hours the controller allows, so no node would be removed; use at most ${FORECAST_MAX_LEAD_TIME_SECONDS}, usually unset (node launch plus the re-spread's moves)`,
      ),
    );
  }
  if (!(autoscaling.cpuTargetPercent > 0 && autoscaling.cpuTargetPercent <= 100)) {
    issues.push(
      issue(
        'autoscaling.cpuTargetPercent',
        `${autoscaling.cpuTargetPercent} is not a percentage; use 1 to 100`,
      ),
    );
  }
  issues.push(...scheduledMinimumIssues(spec));
  return issues;
};

function scheduledMinimumIssues(spec: PlatformSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const zoneCount = spec.zones.length;
  const brokersPerZone = zoneCount > 0 ? spec.kafka.brokers / zoneCount : 0;
  const levels = Number.isInteger(brokersPerZone)
    ? balancedNodeCounts(brokersPerZone, spec.nodes.kafka.minPerZone, maxNodesPerZone(spec))
    : [];
  spec.autoscaling.scheduledMinimums.forEach((window, index) => {
    const path = `autoscaling.scheduledMinimums[${index}].`;
    for (const key of ['startUtc', 'endUtc'] as const) {
      if (!TIME_PATTERN.test(window[key])) {
        issues.push(
          issue(
            `${path}${key}`,
            `${showValue(window[key])} is not a time; write HH:MM in UTC, like "07:30"`,
          ),
        );
      }
    }
    if (
      TIME_PATTERN.test(window.startUtc) &&
      minutesOf(window.startUtc) === minutesOf(window.endUtc)
    ) {
      issues.push(
        issue(`${path}endUtc`, 'equals startUtc, so the window is empty; pick a different end'),
      );
    }
    if (levels.length > 0 && !levels.includes(window.nodesPerZone)) {
      issues.push(
        issue(
          `${path}nodesPerZone`,
          `${window.nodesPerZone} is not a balanced node count; use one of ${levels.join(', ')}`,
        ),
      );
    }
    window.weekdays.forEach((day, dayIndex) => {
      if (day < 0 || day > 6) {
        issues.push(
          issue(`${path}weekdays[${dayIndex}]`, `${day} is not a weekday; use 0 (Sunday) to 6`),
        );
      }
    });
  });
  return issues;
}

const operationsRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  if (spec.drainCleaner.replicas < 2) {
    issues.push(
      issue(
        'drainCleaner.replicas',
        `${spec.drainCleaner.replicas} replica leaves evictions unguarded whenever it restarts (the webhook fails open); use at least 2`,
      ),
    );
  }
  if (spec.controller.replicas < 1) {
    issues.push(
      issue('controller.replicas', `${spec.controller.replicas} runs no controller; use 2`),
    );
  }
  if (!dns1123Label.test(spec.controller.namespace)) {
    issues.push(
      issue(
        'controller.namespace',
        `${showValue(spec.controller.namespace)} is not a DNS-1123 label; use "kafka-autoscaler"`,
      ),
    );
  }
  if (spec.controller.namespace === spec.kafka.namespace) {
    issues.push(
      issue(
        'controller.namespace',
        `${showValue(spec.controller.namespace)} is also the Kafka namespace; give the controller its own namespace so its network policy and RBAC stay separate`,
      ),
    );
  }
  if (spec.descheduler.intervalSeconds < 60) {
    issues.push(
      issue(
        'descheduler.intervalSeconds',
        `${spec.descheduler.intervalSeconds} is too frequent; use at least 60`,
      ),
    );
  }
  try {
    const url = new URL(spec.monitoring.prometheusUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    issues.push(
      issue(
        'monitoring.prometheusUrl',
        `${showValue(spec.monitoring.prometheusUrl)} is not an http(s) URL; write one like "http://prometheus.monitoring.svc:9090"`,
      ),
    );
  }
  return issues;
};

const clusterRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const cluster = spec.cluster;
  if (!/^1\.\d{2}$/.test(cluster.kubernetesVersion)) {
    issues.push(
      issue(
        'cluster.kubernetesVersion',
        `${showValue(cluster.kubernetesVersion)} is not a Kubernetes minor version; write one like "1.34"`,
      ),
    );
  } else if (!SUPPORTED_KUBERNETES_VERSIONS.includes(cluster.kubernetesVersion)) {
    issues.push(
      issue(
        'cluster.kubernetesVersion',
        `${showValue(cluster.kubernetesVersion)} has no pinned EKS add-on versions (components/lib/addon-versions.ts), so pulumi up would stop before creating anything, and EKS refuses versions outside its support window ("unsupported Kubernetes version"); use one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}, or add a row to that table after checking aws eks describe-addon-versions`,
      ),
    );
  }
  issues.push(...cidrIssues('cluster.publicEndpointCidrs', cluster.publicEndpointCidrs, false));
  // With cluster.existing the list is refused as a whole (existingClusterIssues).
  const publicCidrCount = publicAccessCidrCountIssue(cluster.publicEndpointCidrs);
  if (publicCidrCount !== undefined && cluster.existing === undefined) {
    issues.push(publicCidrCount);
  }
  issues.push(...cidrIssues('cluster.vpcCidr', [cluster.vpcCidr], false, () => 'cluster.vpcCidr'));
  if (cluster.existingVpc !== undefined) {
    const missing = spec.zones.filter(
      zone => cluster.existingVpc?.privateSubnetIds[zone] === undefined,
    );
    if (missing.length > 0) {
      issues.push(
        issue(
          'cluster.existingVpc.privateSubnetIds',
          `has no subnet for ${missing.join(', ')}; give one private subnet per spec zone`,
        ),
      );
    }
  }
  issues.push(...existingClusterIssues(spec));
  return issues;
};

/**
 * `cluster.existing`: the nodegroups need the cluster's subnets (`existingVpc`), the name must be
 * one EKS accepts (1-100 letters, digits, `-`, `_`, starting with a letter or digit), and options
 * that only shape a cluster the platform creates are refused rather than silently ignored.
 */
function existingClusterIssues(spec: PlatformSpec): SpecIssue[] {
  const cluster = spec.cluster;
  const existing = cluster.existing;
  if (existing === undefined) return [];
  const issues: SpecIssue[] = [];
  if (!/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(existing.name)) {
    issues.push(
      issue(
        'cluster.existing.name',
        `${showValue(existing.name)} is not an EKS cluster name; use 1-100 letters, digits, "-" or "_", starting with a letter or digit`,
      ),
    );
  }
  if (cluster.existingVpc === undefined) {
    issues.push(
      issue(
        'cluster.existingVpc',
        `is required with cluster.existing: give the VPC and the private subnet per zone of ${showValue(existing.name)} (vpcId, privateSubnetIds), for its Kafka nodegroups`,
      ),
    );
  }
  const newClusterOnly: Array<[string, boolean]> = [
    ['cluster.publicEndpointCidrs', cluster.publicEndpointCidrs.length > 0],
    ['cluster.adminPrincipalArns', cluster.adminPrincipalArns.length > 0],
  ];
  for (const [path, set] of newClusterOnly) {
    if (set) {
      issues.push(
        issue(
          path,
          `shapes a cluster the platform creates, but cluster.existing joins ${showValue(existing.name)} without changing it; remove it (configure the existing cluster directly)`,
        ),
      );
    }
  }
  return issues;
}

/** Namespaces Kubernetes makes itself; no component may emit a `Namespace` object for one. */
const KUBERNETES_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * One creator per namespace (`charts/gitops-layers.ts` `namespaceOwners`, docs/gitops.md):
 * - the namespaces the synth output emits as `Namespace` objects (`kafka.namespace`,
 *   `controller.namespace`, `drainCleaner.namespace`, `descheduler.namespace`; `taken` holds them
 *   and the Strimzi release's) are none of Kubernetes' own (`kube-system`, `default`, ...);
 * - the namespaces an operator release or you create are nobody else's: cert-manager's release
 *   namespace (`cert-manager`, fixed), `monitoring.namespace` (kube-prometheus-stack's release, or
 *   your own stack; checked when monitoring is on or the stack is installed) and, with a GitOps
 *   engine, `gitops.namespace` (default `flux-system` or `argocd`; the engine's release or you).
 *   These three may be a Kubernetes namespace (the load balancer controller's is `kube-system`).
 */
function namespaceCreatorIssues(spec: PlatformSpec, taken: Map<string, string>): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [value, path] of taken) {
    if (path !== 'operators.strimziNamespace' && KUBERNETES_NAMESPACES.has(value)) {
      issues.push(
        issue(
          path,
          `${showValue(value)} is a namespace Kubernetes makes itself, and the synth output would also emit it as a Namespace object (two creators); use a namespace of its own`,
        ),
      );
    }
  }
  const certManager = "the cert-manager release's namespace";
  const clash = taken.get('cert-manager');
  if (clash !== undefined) {
    issues.push(
      issue(
        clash,
        `"cert-manager" is also ${certManager}, so two installers would create it (one creator per namespace); give it a namespace of its own`,
      ),
    );
  }
  const others = new Map(taken);
  others.set('cert-manager', certManager);
  const created: Array<[string, string]> = [];
  const { monitoring, gitops } = spec;
  if (monitoring.enabled || monitoring.installKubePrometheusStack) {
    created.push(['monitoring.namespace', monitoring.namespace]);
  }
  if (gitops.engine !== 'none') {
    const fallback = gitops.engine === 'flux' ? 'flux-system' : 'argocd';
    created.push(['gitops.namespace', gitops.namespace ?? fallback]);
  }
  for (const [path, value] of created) {
    const other = others.get(value);
    if (other !== undefined && !KUBERNETES_NAMESPACES.has(value)) {
      issues.push(
        issue(
          path,
          `${showValue(value)} is also ${other}, so two installers would create it (one creator per namespace); give it a namespace of its own`,
        ),
      );
    }
    others.set(value, path);
  }
  return issues;
}

/**
 * The most whole hours a Go `time.Duration` holds (int64 nanoseconds, about 292 years).
 * cert-manager parses a Certificate's `duration` with Go's time.ParseDuration (its Certificate
 * CRD says so), and the Drain Cleaner's CA gets `certificateValidityDays x 24` hours
 * (charts/drain-cleaner/webhook.ts); a longer value does not parse
 * (hashicorp/terraform-provider-tls#58 met the same ceiling).
 */
const GO_DURATION_MAX_HOURS = 2_562_047;

/** Namespaces, sizes and thresholds of the operations components (descheduler, Drain Cleaner, ...). */
const operationsComponentRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const namespaces: Array<[string, string]> = [
    ['operators.strimziNamespace', spec.operators.strimziNamespace],
    ['drainCleaner.namespace', spec.drainCleaner.namespace],
    ['descheduler.namespace', spec.descheduler.namespace],
    ['monitoring.namespace', spec.monitoring.namespace],
  ];
  if (spec.gitops.namespace !== undefined) {
    namespaces.push(['gitops.namespace', spec.gitops.namespace]);
  }
  for (const [path, value] of namespaces) {
    if (!dns1123Label.test(value)) {
      issues.push(
        issue(
          path,
          `${showValue(value)} is not a DNS-1123 label; use lower-case letters, digits and '-'`,
        ),
      );
    }
  }
  const ownNamespaces: Array<[string, string]> = [
    ['operators.strimziNamespace', spec.operators.strimziNamespace],
    ['drainCleaner.namespace', spec.drainCleaner.namespace],
    ['descheduler.namespace', spec.descheduler.namespace],
  ];
  const taken = new Map<string, string>([
    [spec.kafka.namespace, 'kafka.namespace'],
    [spec.controller.namespace, 'controller.namespace'],
  ]);
  for (const [path, value] of ownNamespaces) {
    const other = taken.get(value);
    if (other !== undefined) {
      issues.push(
        issue(
          path,
          `${showValue(value)} is also ${other}; give each component its own namespace so its network policy and RBAC stay separate`,
        ),
      );
    }
    taken.set(value, path);
  }
  issues.push(...namespaceCreatorIssues(spec, taken));
  if (spec.operators.loadBalancerControllerReplicas < 2) {
    issues.push(
      issue(
        'operators.loadBalancerControllerReplicas',
        `${spec.operators.loadBalancerControllerReplicas} replica leaves NLB targets unmanaged (and broker readiness gates stuck) whenever it restarts; use at least 2`,
      ),
    );
  }
  const validityDays = spec.drainCleaner.certificateValidityDays;
  if (validityDays < 90) {
    issues.push(
      issue(
        'drainCleaner.certificateValidityDays',
        `${validityDays} days is too short for a webhook that fails open when its certificate lapses; use at least 90, usually 3650 (cert-manager renews it)`,
      ),
    );
  } else if (validityDays * 24 > GO_DURATION_MAX_HOURS) {
    issues.push(
      issue(
        'drainCleaner.certificateValidityDays',
        `${validityDays} days is ${validityDays * 24}h, longer than the ${GO_DURATION_MAX_HOURS}h (about 292 years) a Go duration holds, so cert-manager cannot parse the Certificate duration ("time: invalid duration") and the webhook CA is never issued; use at most ${Math.floor(GO_DURATION_MAX_HOURS / 24)}, usually 3650`,
      ),
    );
  }
  const minutes: Array<[string, number]> = [
    ['monitoring.brokerMoveStuckMinutes', spec.monitoring.brokerMoveStuckMinutes],
    ['monitoring.autoscalerBlockedMinutes', spec.monitoring.autoscalerBlockedMinutes],
  ];
  for (const [path, value] of minutes) {
    if (value < 5) {
      issues.push(issue(path, `${value} minutes would page on normal moves; use at least 5`));
    }
  }
  const full = spec.monitoring.diskFillingPercent;
  if (!(full >= 50 && full <= 95)) {
    issues.push(
      issue(
        'monitoring.diskFillingPercent',
        `${full} is out of range; use 50 to 95, usually 80, so there is time to grow the volume`,
      ),
    );
  }
  if (spec.controller.memoryMi < 64) {
    issues.push(
      issue(
        'controller.memoryMi',
        `${spec.controller.memoryMi} MiB is too little; use at least 64, usually 256`,
      ),
    );
  }
  return issues;
};

/** What the Pulumi side needs of the network: a VPC range it can cut into per-zone subnets. */
const VPC_PREFIX_WIDEST = 16;
const VPC_PREFIX_NARROWEST = 20;

const awsNetworkRules: Rule = spec => {
  const issues: SpecIssue[] = [];
  const cluster = spec.cluster;
  if (cluster.existingVpc === undefined) {
    let prefix: number | undefined;
    try {
      prefix = ipaddr.parseCIDR(cluster.vpcCidr)[1];
    } catch {
      prefix = undefined; // clusterRules reports a malformed CIDR.
    }
    if (prefix !== undefined && (prefix < VPC_PREFIX_WIDEST || prefix > VPC_PREFIX_NARROWEST)) {
      issues.push(
        issue(
          'cluster.vpcCidr',
          `${showValue(cluster.vpcCidr)} is a /${prefix}; a new VPC needs a /${VPC_PREFIX_WIDEST} to /${VPC_PREFIX_NARROWEST} to hold a private and a public subnet per zone, for example "10.0.0.0/16"`,
        ),
      );
    }
  }
  cluster.adminPrincipalArns.forEach((arn, index) => {
    const session = accessEntryPrincipalIssue(`cluster.adminPrincipalArns[${index}]`, arn);
    if (session !== undefined) {
      issues.push(session);
    } else if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/.test(arn)) {
      issues.push(
        issue(
          `cluster.adminPrincipalArns[${index}]`,
          `${showValue(arn)} is not an IAM role or user ARN; write one like "arn:aws:iam::123456789012:role/platform-admin"`,
        ),
      );
    }
  });
  // With cluster.existing the list is refused as a whole (existingClusterIssues).
  if (cluster.existing === undefined) {
    issues.push(...repeatedAccessEntryIssues(cluster.adminPrincipalArns));
  }
  return issues;
};

/**
 * Names Strimzi, Kubernetes and AWS derive from the spec, against their limits. Runs only once the
 * name, region and zones are valid on their own, since the derived names are built from them.
 */
const derivedNameRules: Rule = spec =>
  identityRules(spec).length > 0 || zoneRules(spec).length > 0 ? [] : derivedNameIssues(spec);

/**
 * Container image references, in the grammar of the distribution project's `reference` package
 * (the one containerd, CRI-O and Docker parse with): `[host[:port]/]path[:tag][@digest]`, where the
 * first component is a host only if it has a dot or a port or is `localhost`; path
 * components lower-case alphanumeric joined by `.`, `_`, `__` or dashes, a tag of at most 128 word
 * characters, dots and dashes, the name at most 255 characters. The API server accepts almost any
 * string; a reference outside this grammar fails later, on the node, as InvalidImageName.
 */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_DOMAIN = `(?:(?:localhost|${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})+)(?::[0-9]+)?|${DOMAIN_COMPONENT}:[0-9]+)`;
const IMAGE_REFERENCE = new RegExp(
  `^(?:${IMAGE_DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*` +
    '(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$',
);
const IMAGE_NAME_MAX = 255;
/**
 * Hex digits of each digest algorithm the runtime verifies (opencontainers/go-digest, which the
 * reference parser calls: lower-case hex of exactly this length; any other algorithm is
 * "unsupported digest algorithm", another length "invalid checksum digest length").
 */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Whether the `@algorithm:hex` part of `image`, if any, is one go-digest accepts. */
function digestAccepted(image: string): boolean {
  const at = image.indexOf('@');
  if (at < 0) return true;
  const [algorithm = '', hex = ''] = image.slice(at + 1).split(':');
  const length = DIGEST_HEX_LENGTH[algorithm];
  return length !== undefined && new RegExp(`^[a-f0-9]{${length}}$`).test(hex);
}

/**
 * Every image field of the schema (test/spec/image-references.test.ts keeps this list equal to
 * the schema's `image` fields): an image that does not parse leaves its pod in InvalidImageName.
 */
const imageRules: Rule = spec =>
  [
    ['controller.image', spec.controller.image],
    ['descheduler.image', spec.descheduler.image],
    ['drainCleaner.image', spec.drainCleaner.image],
  ].flatMap(([path, image]) => {
    if (path === undefined || image === undefined) return [];
    const name = image.replace(/@.*$/, '').replace(/:[\w][\w.-]{0,127}$/, '');
    if (!IMAGE_REFERENCE.test(image) || name.length > IMAGE_NAME_MAX) {
      return [
        issue(
          path,
          `${showValue(image)} is not an image reference a container runtime can pull; write one like "registry.example.com/team/kafka-autoscaler:1.0.0" (lower-case repository path, no spaces)`,
        ),
      ];
    }
    return digestAccepted(image)
      ? []
      : [
          issue(
            path,
            `${showValue(image)} has a digest the runtime refuses ("invalid checksum digest length" or "unsupported digest algorithm"); write sha256: and 64 lower-case hex digits (or sha384: 96, sha512: 128), as the registry shows it`,
          ),
        ];
  });

/** A Git ref name as `git check-ref-format --branch` accepts it (the common subset). */
function isGitBranchName(name: string): boolean {
  return (
    name.length > 0 &&
    !/[\s~^:?*[\\]/.test(name) &&
    ![...name].some(char => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) &&
    !name.includes('..') &&
    !name.includes('@{') &&
    !name.includes('//') &&
    !/^[-/.]/.test(name) &&
    !/[/.]$/.test(name) &&
    !name.endsWith('.lock') &&
    name !== '@'
  );
}

/** Kubernetes object names such as a Secret's: a DNS-1123 subdomain, at most 253 characters. */
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** scp-like Git address, `user@host:path` (no `://`). */
const SCP_GIT_URL = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)(\S+)$/;

/** The kind of Git URL `gitops.repository.url` is, or why it is none. */
export type GitUrlKind = 'https' | 'ssh' | 'scp' | 'http' | 'invalid';

/**
 * Classifies a Git URL: `https://host/path`, `ssh://[user@]host[:port]/path`, scp-like
 * `user@host:path`, plain `http://` (refused: unencrypted), or anything else (invalid). A URL needs
 * a host and a repository path; whitespace is never part of one.
 */
export function gitUrlKind(url: string): GitUrlKind {
  if (/\s/.test(url)) return 'invalid';
  if (SCP_GIT_URL.test(url)) return 'scp';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'invalid';
  }
  if (parsed.hostname === '' || parsed.pathname.replace(/\/+$/, '') === '') return 'invalid';
  switch (parsed.protocol) {
    case 'https:':
      return 'https';
    case 'ssh:':
      return 'ssh';
    case 'http:':
      return 'http';
    default:
      return 'invalid';
  }
}

/** `git@host:org/repo.git` written as the `ssh://` URL Flux accepts. */
export function scpToSshUrl(url: string): string {
  const match = SCP_GIT_URL.exec(url);
  if (match === null) return url;
  const [, user, host, path] = match;
  return `ssh://${user}@${host}/${(path ?? '').replace(/^\/+/, '')}`;
}

/**
 * The repository a GitOps engine syncs from: only with an engine, a Git URL the engine can clone
 * (Flux's `GitRepository` accepts `http(s)://` and `ssh://` only, source-controller API v1), a
 * branch name, and credentials that fit the engine (a Flux `secretRef` names a Secret; Argo CD
 * finds repository credentials by URL, so a name has nothing to bind to).
 */
const gitopsRules: Rule = spec => {
  const { engine, repository } = spec.gitops;
  if (repository === undefined) return [];
  if (engine === 'none') {
    return [
      issue(
        'gitops.repository',
        `is set (${showValue(repository.url)}), but gitops.engine is none, so no engine would sync from it; set gitops.engine to flux or argocd, or remove gitops.repository`,
      ),
    ];
  }
  const issues: SpecIssue[] = [];
  const url = repository.url;
  const kind = gitUrlKind(url);
  const example = 'https://github.com/acme/platform.git or ssh://git@github.com/acme/platform.git';
  if (kind === 'invalid') {
    issues.push(
      issue(
        'gitops.repository.url',
        `${showValue(url)} is not a Git URL with a host and a repository path; write one like ${example}`,
      ),
    );
  } else if (kind === 'http') {
    issues.push(
      issue(
        'gitops.repository.url',
        `${showValue(url)} uses plain http, which sends the repository and its credentials unencrypted; use ${showValue(url.replace(/^http:/, 'https:'))} or an ssh:// URL`,
      ),
    );
  } else if (kind === 'scp' && engine === 'flux') {
    issues.push(
      issue(
        'gitops.repository.url',
        `${showValue(url)} is an scp-like address, which Flux's GitRepository does not accept (only http(s):// and ssh://); write it as ${showValue(scpToSshUrl(url))}`,
      ),
    );
  }
  if (!isGitBranchName(repository.branch)) {
    issues.push(
      issue(
        'gitops.repository.branch',
        `${showValue(repository.branch)} is not a Git branch name (no spaces, '..', '~', '^', ':', '?', '*', '[', '\\', and no leading '-' or trailing '/' or '.lock'); use one like "main"`,
      ),
    );
  }
  const secretName = repository.secretName;
  if (secretName !== undefined) {
    if (engine === 'argocd') {
      issues.push(
        issue(
          'gitops.repository.secretName',
          `${showValue(secretName)} cannot be used: Argo CD finds repository credentials by URL, not by Secret name; remove it and label your Secret argocd.argoproj.io/secret-type: repository with url ${showValue(url)} in the Argo CD namespace (docs/gitops.md)`,
        ),
      );
    } else if (!DNS_SUBDOMAIN.test(secretName)) {
      issues.push(
        issue(
          'gitops.repository.secretName',
          `${showValue(secretName)} is not a Secret name (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'); use the name of your existing Secret, for example "platform-repo-auth"`,
        ),
      );
    }
  } else if (engine === 'flux' && (kind === 'ssh' || kind === 'scp')) {
    issues.push(
      issue(
        'gitops.repository.secretName',
        `is required with the ssh URL ${showValue(url)}: Flux clones over ssh only with a key; create a Secret with identity and known_hosts in the Flux namespace and name it here, or use an https:// URL for a public repository`,
      ),
    );
  }
  return issues;
};

/**
 * With a GitOps engine but no repository, `pulumi up` installs no engine: say so, since nothing
 * applies the synth output until one is bootstrapped.
 */
export function gitopsWarnings(spec: PlatformSpec): SpecIssue[] {
  const { engine, repository } = spec.gitops;
  if (engine === 'none' || repository !== undefined) return [];
  const name = engine === 'flux' ? 'Flux' : 'Argo CD';
  return [
    issue(
      'gitops.repository',
      `is not set, so pulumi up installs no ${name} and nothing applies the synth output until you bootstrap ${name} yourself and point it at gitops.path (docs/gitops.md); set gitops.repository.url to have pulumi up install ${name} and sync from that repository`,
    ),
  ];
}

/** Every rule, in report order (`spec/rule-reads.ts` runs them one by one to see what each reads). */
export const rules: readonly Rule[] = [
  imageRules,
  identityRules,
  derivedNameRules,
  brokerConfigIssues,
  passthroughIssues,
  zoneRules,
  brokerRules,
  replicationRules,
  topicRules,
  throttledReplicaIssues,
  storageRules,
  externalRules,
  kafkaNodeRules,
  systemNodeRules,
  controllerResourceRules,
  autoscalerResourceRules,
  retentionCapacityIssues,
  requestSizeIssues,
  segmentSizeIssues,
  spec => brokerTopicPartitionIssues(spec.kafka.config),
  segmentRollIssues,
  indexRollIssues,
  sizeFloorIssues,
  logFlushIssues,
  recordTimestampIssues,
  logCleanerIssues,
  tieredStorageIssues,
  classicSessionRangeIssues,
  rebalanceProtocolIssues,
  brokerHeapIssues,
  autoscalingRules,
  operationsRules,
  clusterRules,
  operationsComponentRules,
  awsNetworkRules,
  gitopsRules,
];

/** Runs every rule; returns all problems found. */
export function checkRules(spec: PlatformSpec): SpecIssue[] {
  return rules.flatMap(rule => rule(spec));
}

/** AWS's default quotas for Network Load Balancers (adjustable; ELB "Quotas for your NLBs"). */
const NLBS_PER_REGION_QUOTA = 50;
const NLB_ENIS_PER_VPC_QUOTA = 1200;

/**
 * EKS's default quota of nodes per managed node group ("Nodes per managed node group",
 * L-BD136A63: 450, awsdocs/amazon-eks-user-guide#260 and #291). EKS refuses a node group whose
 * maxSize is above the account's quota; the quota can be raised, so this is a warning.
 */
const NODES_PER_MANAGED_NODE_GROUP_QUOTA = 450;

/**
 * A nodegroup whose maxSize (components/lib/nodegroup-config.ts: `nodes.system.max` for the system
 * nodegroup, the per-zone maximum for each Kafka nodegroup) is above the default EKS quota.
 * @returns up to two warnings, at `nodes.system.max` and `nodes.kafka.maxPerZone`.
 */
function nodegroupSizeQuotaWarnings(spec: PlatformSpec): SpecIssue[] {
  const quota = NODES_PER_MANAGED_NODE_GROUP_QUOTA;
  const sizes: ReadonlyArray<readonly [string, string, number]> = [
    ['nodes.system.max', 'the system nodegroup', spec.nodes.system.max],
    ['nodes.kafka.maxPerZone', 'each Kafka nodegroup', maxNodesPerZone(spec)],
  ];
  return sizes
    .filter(([, , size]) => size > quota)
    .map(([path, nodegroup, size]) =>
      issue(
        path,
        `${size} is the maxSize of ${nodegroup}, above the ${quota} nodes per managed node group EKS allows by default (Service Quotas, Amazon EKS "Nodes per managed node group", L-BD136A63), so creating or updating the nodegroup fails unless the account has a higher quota; raise the quota to at least ${size} before deploying, or use at most ${quota}`,
      ),
    );
}

/**
 * The external listener makes one NLB per broker plus a bootstrap NLB, each with one network
 * interface per zone it spans (all spec zones when cross-zone, one when pinned). Beyond AWS's
 * default quotas the AWS Load Balancer Controller cannot create the rest, and those brokers' Services
 * stay without an address. The quotas can be raised, so this is a warning, not an error.
 */
function loadBalancerQuotaWarnings(spec: PlatformSpec): SpecIssue[] {
  if (!spec.kafka.external.enabled) return [];
  const nlbs = spec.kafka.brokers + 1;
  const pinned = Object.keys(spec.kafka.external.subnets).length > 0;
  const enis = spec.kafka.brokers * (pinned ? 1 : spec.zones.length) + spec.zones.length;
  const warnings: SpecIssue[] = [];
  if (nlbs > NLBS_PER_REGION_QUOTA) {
    warnings.push(
      issue(
        'kafka.external.enabled',
        `needs ${nlbs} Network Load Balancers (one per broker plus the bootstrap), above AWS's default quota of ${NLBS_PER_REGION_QUOTA} per region; request "Network Load Balancers per Region" of at least ${nlbs} (plus any the account already has) in Service Quotas before deploying, or the brokers beyond it get no external address`,
      ),
    );
  }
  if (enis > NLB_ENIS_PER_VPC_QUOTA) {
    warnings.push(
      issue(
        'kafka.external.enabled',
        `needs ${enis} load balancer network interfaces (one per NLB per zone it spans), above AWS's default quota of ${NLB_ENIS_PER_VPC_QUOTA} per VPC; raise "Network Load Balancer ENIs per VPC", or pin each zone's NLBs with kafka.external.subnets`,
      ),
    );
  }
  return warnings;
}

/** Advice that does not stop synthesis: unbalanced bounds and too few levels to scale by. */
export function warningsFor(spec: PlatformSpec): SpecIssue[] {
  const warnings: SpecIssue[] = [
    ...placeholderWarnings(spec),
    ...gitopsWarnings(spec),
    ...prometheusWarnings(spec),
    ...availabilityWarnings(spec),
    ...loadBalancerQuotaWarnings(spec),
    ...nodegroupSizeQuotaWarnings(spec),
    ...loadBalancerRuleWarnings(spec),
    ...brokerConfigWarnings(spec),
    ...emptyCleanupPolicyWarnings(spec),
    ...brokerLeaseWarnings(spec),
    ...classicSessionRangeWarnings(spec),
    ...rebalanceProtocolWarnings(spec),
    ...transactionTimeoutWarnings(spec),
    ...timeUnitPrecedenceWarnings(spec),
    ...segmentSizeWarnings(spec),
    ...perAddressLimitWarnings(spec),
    ...offsetsRetentionWarnings(spec),
    ...logFlushWarnings(spec),
    ...recordTimestampWarnings(spec),
    ...activeSegmentWarnings(spec),
    ...cleanupPolicyKeyWarnings(spec),
    ...leaderRebalanceWarnings(spec),
    ...tieredStorageWarnings(spec),
    ...compressionLevelWarnings(spec),
    ...shortRetentionWarnings(spec),
    ...brokerHeapWarnings(spec),
    ...volumeAttachmentFindings(spec, true),
    ...mapCountWarnings(spec),
  ];
  const brokersPerZone = spec.kafka.brokers / spec.zones.length;
  const maxPerZone = maxNodesPerZone(spec);
  for (const [key, count] of [
    ['minPerZone', spec.nodes.kafka.minPerZone],
    ['maxPerZone', maxPerZone],
  ] as const) {
    if (brokersPerZone % count !== 0) {
      warnings.push(
        issue(
          `nodes.kafka.${key}`,
          `${count} nodes cannot carry ${brokersPerZone} brokers evenly, so some nodes would run hot; the controller only uses the balanced counts ${balancedNodeCounts(brokersPerZone, spec.nodes.kafka.minPerZone, maxPerZone).join(', ')}`,
        ),
      );
    }
  }
  if (spec.autoscaling.mode !== 'controller' && spec.autoscaling.forecast.enabled) {
    warnings.push(
      issue(
        'autoscaling.forecast.enabled',
        `true has no effect with autoscaling.mode ${spec.autoscaling.mode}: the forecast floor is part of the controller, which this mode does not deploy; set autoscaling.mode to controller to use it, or set autoscaling.forecast.enabled to false`,
      ),
    );
  }
  const levels = balancedNodeCounts(brokersPerZone, spec.nodes.kafka.minPerZone, maxPerZone);
  if (spec.autoscaling.mode !== 'off' && levels.length < 3) {
    warnings.push(
      issue(
        'kafka.brokers',
        `${brokersPerZone} brokers per zone give only ${levels.length} node level(s) (${levels.join(', ')}), so scaling saves little; choose brokers per zone with many divisors, such as 4, 6 or 12`,
      ),
    );
  }
  return warnings;
}

/**
 * Defaults that only name a place: the controller image is not published (a Deployment with it
 * ends in ImagePullBackOff), and the runbook links point at a placeholder repository. Each warning
 * names the field to set; the image one applies only when the controller is rendered, the runbook
 * one only when the alerts are.
 */
export function placeholderWarnings(spec: PlatformSpec): SpecIssue[] {
  const warnings: SpecIssue[] = [];
  if (
    spec.autoscaling.mode === 'controller' &&
    spec.controller.image === UNPUBLISHED_CONTROLLER_IMAGE
  ) {
    warnings.push(
      issue(
        'controller.image',
        `${showValue(UNPUBLISHED_CONTROLLER_IMAGE)} is the default and was never published, so the controller would end in ImagePullBackOff; build and push your own (npm run image -- --registry <registry/repository>, docs/controller.md) and set controller.image to the pushed reference`,
      ),
    );
  }
  if (spec.monitoring.enabled && spec.monitoring.runbookBaseUrl === PLACEHOLDER_RUNBOOK_BASE_URL) {
    warnings.push(
      issue(
        'monitoring.runbookBaseUrl',
        `${showValue(PLACEHOLDER_RUNBOOK_BASE_URL)} is a placeholder, so alert runbook links lead nowhere; set monitoring.runbookBaseUrl to where your copy of docs/runbooks is served`,
      ),
    );
  }
  return warnings;
}

/**
 * The controller holds (never acts) without fresh metrics, and the monitoring objects need the
 * Prometheus Operator's CRDs: say so when the spec does not install Prometheus itself.
 */
function prometheusWarnings(spec: PlatformSpec): SpecIssue[] {
  const warnings: SpecIssue[] = [];
  // The controller's readiness needs broker samples (controller/main.ts `fresh`); without the
  // PodMonitors nothing here scrapes the brokers (test/charts/platform-health-order.test.ts).
  if (spec.autoscaling.mode === 'controller' && !spec.monitoring.enabled) {
    warnings.push(
      issue(
        'monitoring.enabled',
        'is false, so nothing this spec emits has Prometheus scrape the Kafka brokers, and the controller stays unready (holding) until your own scrape config does; meanwhile the Flux Kustomization of the autoscaler folder (with Argo CD, the Application of the output) is not Ready, though no other folder waits for it, and with gitops.engine: none pulumi up times out waiting for the controller Deployment. Set monitoring.enabled: true, or scrape the brokers yourself before deploying',
      ),
    );
  }
  if (spec.monitoring.installKubePrometheusStack) return warnings;
  if (spec.autoscaling.mode === 'controller') {
    warnings.push(
      issue(
        'monitoring.installKubePrometheusStack',
        `is false, so the controller reads metrics from ${spec.monitoring.prometheusUrl}, which this spec does not install; without it the controller holds and never scales. Run a Prometheus there, or set monitoring.installKubePrometheusStack: true`,
      ),
    );
  }
  if (spec.monitoring.enabled) {
    warnings.push(
      issue(
        'monitoring.enabled',
        'renders PodMonitors and PrometheusRules, which need the Prometheus Operator CRDs in the cluster; install them (monitoring.installKubePrometheusStack: true does) or set monitoring.enabled: false',
      ),
    );
  }
  return warnings;
}
