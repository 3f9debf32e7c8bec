/**
 * The admission webhook and its TLS: a self-signed root issues a long-lived CA, the CA issues the
 * serving certificate (a year, renewed a month early), and cert-manager's CA injector writes the
 * CA into the webhook. Renewing the serving certificate never changes the CA, so the webhook's
 * `caBundle` stays valid across renewals.
 */
import type { k8s } from 'cdk8s-plus-27';
import {
  DRAIN_CLEANER_NAME,
  DRAIN_CLEANER_TLS_SECRET,
  DRAIN_CLEANER_WEBHOOK_PATH,
} from './workload';

export const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1';
export const CA_INJECT_ANNOTATION = 'cert-manager.io/inject-ca-from';
export const SERVING_CERTIFICATE_NAME = DRAIN_CLEANER_NAME;
export const ROOT_ISSUER_NAME = `${DRAIN_CLEANER_NAME}-selfsigned`;
export const CA_CERTIFICATE_NAME = `${DRAIN_CLEANER_NAME}-ca`;
export const CA_ISSUER_NAME = `${DRAIN_CLEANER_NAME}-ca`;
const SERVING_VALIDITY_HOURS = 365 * 24;
const SERVING_RENEW_BEFORE_HOURS = 30 * 24;

/** DNS names the API server may use to reach the Service. */
export function servingDnsNames(namespace: string): string[] {
  return [
    `${DRAIN_CLEANER_NAME}.${namespace}.svc`,
    `${DRAIN_CLEANER_NAME}.${namespace}.svc.cluster.local`,
  ];
}

export function caCertificateSpec(validityDays: number): Record<string, unknown> {
  return {
    isCA: true,
    commonName: `${DRAIN_CLEANER_NAME}-ca`,
    secretName: CA_CERTIFICATE_NAME,
    duration: `${validityDays * 24}h`,
    renewBefore: `${Math.max(720, Math.floor((validityDays * 24) / 3))}h`,
    privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: ROOT_ISSUER_NAME },
  };
}

/**
 * Longest subject common name cert-manager's webhook accepts, bytes: RFC 5280's `ub-common-name`
 * ("spec.commonName: Too long: must have at most 64 bytes"; cryostatio/cryostat-operator#964).
 */
export const COMMON_NAME_MAX_BYTES = 64;

/**
 * Subject common name of the serving certificate: the Service's `<name>.<namespace>.svc` when it
 * fits in `COMMON_NAME_MAX_BYTES`, else undefined (no common name). The API server verifies a
 * webhook's certificate by its DNS subject alternative names only (Go ignores the common name
 * since 1.15), so leaving it out changes nothing for the webhook; it only keeps cert-manager from
 * refusing the Certificate when `drainCleaner.namespace` is longer than 38 characters.
 */
export function servingCommonName(namespace: string): string | undefined {
  const [shortest] = servingDnsNames(namespace);
  return shortest !== undefined && Buffer.byteLength(shortest, 'utf8') <= COMMON_NAME_MAX_BYTES
    ? shortest
    : undefined;
}

/**
 * Spec of the serving Certificate: `dnsNames` the Service's names (`servingDnsNames`), the common
 * name only where it fits (`servingCommonName`), a year's validity renewed a month early, ECDSA
 * P-256 keys rotated on renewal, issued by the CA issuer.
 */
export function servingCertificateSpec(namespace: string): Record<string, unknown> {
  const commonName = servingCommonName(namespace);
  return {
    secretName: DRAIN_CLEANER_TLS_SECRET,
    ...(commonName === undefined ? {} : { commonName }),
    dnsNames: servingDnsNames(namespace),
    duration: `${SERVING_VALIDITY_HOURS}h`,
    renewBefore: `${SERVING_RENEW_BEFORE_HOURS}h`,
    usages: ['server auth', 'digital signature', 'key encipherment'],
    privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: CA_ISSUER_NAME },
  };
}

/**
 * The webhook: pod evictions in the Kafka namespace only. `failurePolicy: Fail` because the scope
 * is narrow: if the Drain Cleaner is unreachable, evicting a Kafka pod fails and the drainer
 * retries, rather than the eviction slipping through to a PDB that knows nothing of in-sync
 * replicas. Evictions anywhere else never reach this webhook.
 */
export function drainCleanerWebhook(
  namespace: string,
  kafkaNamespace: string,
): k8s.ValidatingWebhook {
  return {
    name: 'strimzi-drain-cleaner.strimzi.io',
    rules: [
      {
        apiGroups: [''],
        apiVersions: ['v1'],
        operations: ['CREATE'],
        resources: ['pods/eviction'],
        scope: 'Namespaced',
      },
    ],
    namespaceSelector: {
      matchLabels: { 'kubernetes.io/metadata.name': kafkaNamespace },
    },
    clientConfig: {
      service: { namespace, name: DRAIN_CLEANER_NAME, path: DRAIN_CLEANER_WEBHOOK_PATH, port: 443 },
    },
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Fail',
    timeoutSeconds: 10,
  };
}
