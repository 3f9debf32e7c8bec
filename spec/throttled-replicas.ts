/**
 * The replica lists of a topic's replication throttle (`leader.replication.throttled.replicas`,
 * `follower.replication.throttled.replicas` in `kafka.topics[].config`).
 *
 * Facts relied on (re-stated, not copied):
 * - Kafka takes either `*` (every replica of the topic) or a comma-separated list of
 *   `<partition>:<broker ID>` entries, and refuses anything else with a ConfigException (its
 *   `ThrottledReplicaListValidator`; Kafka 4.x is stricter still about empty entries between
 *   others). The Topic Operator's create or alter call then fails and the KafkaTopic stays
 *   NotReady, so the topic is not created, or keeps its old configuration.
 * - Kafka does not check that an entry's partition or broker exists; an entry for neither throttles
 *   nothing. The Topic Operator keeps the KafkaTopic's list in force, replacing the lists Kafka's
 *   reassignment tooling writes during a move (strimzi/strimzi-kafka-operator#9972), so a wrong
 *   static list is the only one the topic ever has.
 * - Broker IDs here: Strimzi numbers the broker pool of the zone at position i (from 0) from
 *   1000 x (i + 1) (`strimzi.io/next-node-ids`, spec/derive.ts), so with B brokers per zone the
 *   brokers are 1000..1000+B-1, 2000..2000+B-1, ...
 */
import { NODE_ID_BLOCK } from './derive';
import { showValue, type SpecIssue } from './errors';
import { javaTrim } from './java-trim';
import type { PlatformSpec } from './schema';

/** The two topic keys that hold replica lists. */
export const THROTTLED_REPLICA_KEYS = [
  'leader.replication.throttled.replicas',
  'follower.replication.throttled.replicas',
] as const;

const ENTRY = /^(\d+):(\d+)$/;

/** The broker IDs of the cluster, or undefined when the brokers do not split over the zones. */
export function clusterBrokerIds(spec: PlatformSpec): number[] | undefined {
  const zones = spec.zones.length;
  if (zones === 0 || spec.kafka.brokers < 1 || spec.kafka.brokers % zones !== 0) return undefined;
  const perZone = spec.kafka.brokers / zones;
  return spec.zones.flatMap((_, index) =>
    Array.from({ length: perZone }, (__, at) => (index + 1) * NODE_ID_BLOCK + at),
  );
}

/** `1000-1003, 2000-2003` for the message. */
function idRanges(ids: readonly number[]): string {
  const ranges: string[] = [];
  let start = ids[0];
  for (let at = 1; at <= ids.length; at += 1) {
    const previous = ids[at - 1];
    if (ids[at] !== undefined && previous !== undefined && ids[at] === previous + 1) continue;
    if (start !== undefined && previous !== undefined) {
      ranges.push(start === previous ? `${start}` : `${start}-${previous}`);
    }
    start = ids[at];
  }
  return ranges.join(', ');
}

/** Every problem of the throttled replica lists of every topic. */
export function throttledReplicaIssues(spec: PlatformSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const brokerIds = clusterBrokerIds(spec);
  spec.kafka.topics.forEach((topic, index) => {
    for (const key of THROTTLED_REPLICA_KEYS) {
      const value = topic.config[key];
      if (typeof value !== 'string') continue; // any other type is refused as not a list
      const path = `kafka.topics[${index}].config[${JSON.stringify(key)}]`;
      // Java's trim (what Kafka applies) removes only characters up to U+0020, not U+2028 and the
      // other Unicode spaces JavaScript's trim() removes.
      const entries = value
        .split(',')
        .map(javaTrim)
        .filter(entry => entry !== '');
      const wildcard = entries.length === 1 && entries[0] === '*';
      const bad = wildcard ? undefined : entries.find(entry => !ENTRY.test(entry));
      if (bad !== undefined) {
        issues.push({
          path,
          message: `${showValue(value)} has ${showValue(bad)}, but Kafka takes only "*" or <partition>:<broker ID> entries separated by commas, and refuses the rest, so the Topic Operator cannot create or change the topic and its KafkaTopic stays NotReady; write for example "0:${brokerIds?.[0] ?? NODE_ID_BLOCK}", or "*" for every replica`,
        });
        continue;
      }
      if (wildcard) continue;
      for (const entry of entries) {
        const [, partitionText = '', brokerText = ''] = ENTRY.exec(entry) ?? [];
        const partition = Number(partitionText);
        const broker = Number(brokerText);
        if (partition >= topic.partitions) {
          issues.push({
            path,
            message: `${showValue(value)} names partition ${partition} in ${showValue(entry)}, but the topic has ${topic.partitions} partition(s), 0 to ${topic.partitions - 1}, so that entry throttles nothing (Kafka does not check it, and the Topic Operator keeps the list in force, strimzi-kafka-operator#9972); use partitions 0 to ${topic.partitions - 1}, or "*"`,
          });
          break;
        }
        if (brokerIds !== undefined && !brokerIds.includes(broker)) {
          issues.push({
            path,
            message: `${showValue(value)} names broker ${broker} in ${showValue(entry)}, which is no broker of this cluster (its IDs are ${idRanges(brokerIds)}: the pool of the zone at position i is numbered from ${NODE_ID_BLOCK} x (i + 1)), so that entry throttles nothing (Kafka does not check it, and the Topic Operator keeps the list in force, strimzi-kafka-operator#9972); use this cluster's broker IDs, or "*"`,
          });
          break;
        }
      }
    }
  });
  return issues;
}
