/**
 * Kubernetes name rules for test assertions (apimachinery validation): which kinds need a DNS-1035
 * or DNS-1123 label, the rest a DNS-1123 subdomain; label keys and values. Also the names inside a
 * cert-manager `Certificate` that its admission webhook refuses: a `commonName` over 64 bytes
 * (RFC 5280's upper bound; "spec.commonName: Too long: must have at most 64 bytes",
 * cryostatio/cryostat-operator#964, WASdev/websphere-liberty-operator#341) and `dnsNames` that are
 * not DNS names.
 */
import type { KubeObject } from '../../charts/synth';
import { DNS1035_LABEL, DNS1123_LABEL, LABEL_VALUE } from '../../spec/derived-names';
import { isDns1123Subdomain } from '../../spec/topic-names';

/** Kinds whose `metadata.name` must be a DNS-1035 label (63). */
const DNS1035_KINDS = new Set(['Service']);
/** Kinds whose `metadata.name` must be a DNS-1123 label (63). */
const DNS1123_LABEL_KINDS = new Set(['Namespace', 'Kafka', 'KafkaNodePool']);
const LABEL_KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Every way `object`'s name, namespace and labels break the Kubernetes rules; empty when none. */
export function nameProblems(object: KubeObject): string[] {
  const { kind, metadata } = object;
  const name = metadata.name;
  const where = `${kind} ${metadata.namespace ?? ''}/${name}`;
  const problems: string[] = [];
  if (DNS1035_KINDS.has(kind)) {
    if (!(name.length <= 63 && DNS1035_LABEL.test(name)))
      problems.push(`${where}: not a DNS-1035 label`);
  } else if (DNS1123_LABEL_KINDS.has(kind)) {
    if (!(name.length <= 63 && DNS1123_LABEL.test(name)))
      problems.push(`${where}: not a DNS-1123 label`);
  } else if (!isDns1123Subdomain(name)) {
    problems.push(`${where}: not a DNS-1123 subdomain`);
  }
  if (kind === 'Certificate' && object.apiVersion.startsWith('cert-manager.io/')) {
    problems.push(...certificateNameProblems(where, object));
  }
  const namespace = metadata.namespace;
  if (namespace !== undefined && !(namespace.length <= 63 && DNS1123_LABEL.test(namespace))) {
    problems.push(`${where}: namespace not a DNS-1123 label`);
  }
  const labels = (metadata as { labels?: Record<string, unknown> }).labels ?? {};
  for (const [key, value] of Object.entries(labels)) {
    const [prefix, keyName] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    if (
      keyName === undefined ||
      keyName.length > 63 ||
      !LABEL_KEY_NAME.test(keyName) ||
      (prefix !== undefined && !isDns1123Subdomain(prefix))
    ) {
      problems.push(`${where}: label key ${key} is invalid`);
    }
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      problems.push(`${where}: label ${key}=${String(value)} is not a valid label value`);
    }
  }
  return problems;
}

/** RFC 5280 `ub-common-name`: the longest subject common name cert-manager accepts, bytes. */
const COMMON_NAME_MAX_BYTES = 64;

/** The names of a cert-manager `Certificate` its webhook refuses (see the file comment). */
function certificateNameProblems(where: string, object: KubeObject): string[] {
  const spec = (object as { spec?: { commonName?: unknown; dnsNames?: unknown } }).spec ?? {};
  const problems: string[] = [];
  if (
    typeof spec.commonName === 'string' &&
    Buffer.byteLength(spec.commonName, 'utf8') > COMMON_NAME_MAX_BYTES
  ) {
    problems.push(
      `${where}: commonName "${spec.commonName}" is over ${COMMON_NAME_MAX_BYTES} bytes`,
    );
  }
  for (const dnsName of Array.isArray(spec.dnsNames) ? spec.dnsNames : []) {
    if (typeof dnsName !== 'string' || !isDns1123Subdomain(dnsName)) {
      problems.push(`${where}: dnsName ${String(dnsName)} is not a DNS name`);
    }
  }
  return problems;
}
