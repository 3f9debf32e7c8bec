/**
 * What one zone outage does to the spec's placements, and where the KRaft controllers can run.
 *
 * Facts relied on: Kafka's rack-aware replica assignment (`broker.rack` = zone, set by the Kafka
 * chart's `rack.topologyKey`) spreads a partition's replicas over racks round-robin, so with Z
 * zones the fullest zone holds ceil(RF / Z) replicas; a write with acks=all needs
 * `min.insync.replicas` replicas in sync. The KRaft quorum needs a majority, floor(V / 2) + 1, of
 * its V voters. The controller pool's spread constraints (charts/kafka/node-pools.ts) place the
 * voters on distinct hosts and over min(V, Z) zones with at most one more voter in one zone than in
 * another, so the fullest zone holds ceil(V / min(V, Z)).
 */
import type { SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

/** Replicas left when the zone holding the most of them is down. */
export function replicasAfterZoneLoss(replicationFactor: number, zones: number): number {
  return replicationFactor - Math.ceil(replicationFactor / Math.max(1, zones));
}

/** Voters left when the zone holding the most of them is down, and the quorum they need. */
export function votersAfterZoneLoss(
  voters: number,
  zones: number,
): { readonly left: number; readonly quorum: number; readonly zonesUsed: number } {
  const zonesUsed = Math.max(1, Math.min(voters, zones));
  return {
    left: voters - Math.ceil(voters / zonesUsed),
    quorum: Math.floor(voters / 2) + 1,
    zonesUsed,
  };
}

function replicationWarning(
  path: string,
  replicationFactor: number,
  minInSyncReplicas: number,
  zones: number,
): SpecIssue | undefined {
  const left = replicasAfterZoneLoss(replicationFactor, zones);
  if (left >= minInSyncReplicas) return undefined;
  const fullest = replicationFactor - left;
  const placement =
    zones === 1
      ? `with 1 zone, all ${replicationFactor} replicas share it`
      : `with ${zones} zones and replication factor ${replicationFactor}, one zone holds ${fullest} replicas of some partitions`;
  return {
    path,
    message: `${placement}; with that zone down ${left} replica(s) remain, below min.insync.replicas ${minInSyncReplicas}, so producers with acks=all stop until it is back. Use ${zones === 1 ? 'at least 3 zones' : `a replication factor that leaves ${minInSyncReplicas} in the other zones (or ${Math.max(3, zones)} zones)`}`,
  };
}

/** Warnings with numbers for placements that lose quorum or in-sync replicas with one zone down. */
export function availabilityWarnings(spec: PlatformSpec): SpecIssue[] {
  const zones = spec.zones.length;
  const warnings: SpecIssue[] = [];
  const push = (found: SpecIssue | undefined): void => {
    if (found !== undefined) warnings.push(found);
  };
  push(
    replicationWarning(
      'kafka.replicationFactor',
      spec.kafka.replicationFactor,
      spec.kafka.minInSyncReplicas,
      zones,
    ),
  );
  spec.kafka.topics.forEach((topic, index) => {
    if (topic.replicationFactor === undefined && topic.minInSyncReplicas === undefined) return;
    push(
      replicationWarning(
        `kafka.topics[${index}].replicationFactor`,
        topic.replicationFactor ?? spec.kafka.replicationFactor,
        topic.minInSyncReplicas ?? spec.kafka.minInSyncReplicas,
        zones,
      ),
    );
  });
  const voters = spec.kafka.controllers;
  const { left, quorum, zonesUsed } = votersAfterZoneLoss(voters, zones);
  if (left < quorum) {
    warnings.push({
      path: 'kafka.controllers',
      message: `${voters} KRaft controllers in ${zonesUsed} zone(s): one zone holds ${voters - left}, and with it down ${left} of ${voters} voters remain, below the quorum of ${quorum}, so the cluster cannot change metadata (no leader elections) until it is back. Use at least 3 zones for the controllers`,
    });
  }
  const system = spec.nodes.system;
  if (system.min < voters && system.max >= voters) {
    warnings.push({
      path: 'nodes.system.min',
      message: `${system.min} system node(s) cannot hold the ${voters} KRaft controllers on distinct hosts in ${Math.min(voters, zones)} zones; the controller pool never doubles up (minDomains), so ${voters - system.min} controller(s) wait for Cluster Autoscaler to add system nodes. Set nodes.system.min to ${voters}`,
    });
  }
  return warnings;
}
