/**
 * Kubernetes names of Kafka topics, and the Kafka-side clash check.
 *
 * A Kafka topic name allows upper case, `_` and runs of `.` (`Orders-.retry`, `orders._dlq`,
 * `orders..v2`), none of which a Kubernetes resource name allows: a `KafkaTopic`'s
 * `metadata.name` must be a DNS-1123 subdomain (lower-case alphanumeric labels joined by single
 * dots, each label starting and ending alphanumeric, at most 253 characters). The mapping below
 * keeps a name that already is one, and otherwise writes a readable cleaned-up form plus the first
 * 8 hex digits of the SHA-256 of the exact Kafka name, so two different topics never share a
 * resource name however similar they look; the Kafka name then goes in `spec.topicName`.
 */
import { createHash } from 'node:crypto';

/** Kubernetes `IsDNS1123Subdomain`: the pattern and the 253-character limit. */
export const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS1123_SUBDOMAIN_MAX = 253;
/** Hex digits of the SHA-256 that make a cleaned-up name unique. */
const HASH_HEX_DIGITS = 8;

/** True when `name` is a valid DNS-1123 subdomain (a valid name for most Kubernetes kinds). */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= DNS1123_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(name);
}

/**
 * `metadata.name` of the KafkaTopic for Kafka topic `topicName`: the name itself when it is a
 * DNS-1123 subdomain, else `<cleaned>-<8 hex of sha256(topicName)>` (or `topic-<hash>` when nothing
 * readable is left). Deterministic; always a DNS-1123 subdomain.
 */
export function topicResourceName(topicName: string): string {
  if (isDns1123Subdomain(topicName)) return topicName;
  const hash = createHash('sha256').update(topicName).digest('hex').slice(0, HASH_HEX_DIGITS);
  const readable = topicName
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .split('.')
    .map(label => label.replace(/^-+|-+$/g, ''))
    .filter(label => label !== '')
    .join('.')
    .slice(0, DNS1123_SUBDOMAIN_MAX - HASH_HEX_DIGITS - 1)
    .replace(/[.-]+$/, '');
  return readable === '' ? `topic-${hash}` : `${readable}-${hash}`;
}

/**
 * The form under which Kafka compares topic names for clashes: `.` and `_` both become `_`, since
 * Kafka's metric names cannot tell them apart and it refuses to create a topic whose name differs
 * from an existing one only there.
 */
export function kafkaCollisionKey(topicName: string): string {
  return topicName.replace(/\./g, '_');
}
