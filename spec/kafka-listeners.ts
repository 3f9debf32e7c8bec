/**
 * The Kafka listeners of the platform's cluster, and the checks of the listener-prefixed keys of
 * `kafka.config` (`listener.name.<listener>.<key>`) that Strimzi lets through since 0.51.0
 * (`max.connections*`, `max.connection.creation.rate`, `connections.max.reauth.ms`; kafka-config.ts
 * `STRIMZI_LISTENER_PREFIX_EXCEPTION`).
 *
 * Facts relied on (re-stated, not copied):
 * - Strimzi names each listener in the broker configuration `<listener name>-<port>`, upper case
 *   (`TLS-9093`, `EXTERNAL-9094`), besides its own `REPLICATION-9091` (brokers, the operator) and
 *   `CONTROLPLANE-9090` (KRaft controllers) (strimzi/strimzi-kafka-operator#12859 shows the
 *   generated `listeners=` line). Kafka lower-cases a listener name in its per-listener prefix
 *   (`ListenerName.configPrefix`), so the prefix of the internal listener is
 *   `listener.name.tls-9093.`; a prefix naming no listener is never read.
 * - Kafka reads two connection limits per listener, `max.connections` and
 *   `max.connection.creation.rate` (its `ListenerConnectionQuota`, KIP-402 and KIP-612); the limits
 *   per client address (`max.connections.per.ip`, `.overrides`) are broker-wide only, so a
 *   listener-prefixed one does nothing.
 * - `connections.max.reauth.ms` drives re-authentication of SASL connections (KIP-368); a listener
 *   that authenticates with TLS client certificates has nothing to re-authenticate
 *   (strimzi/strimzi-kafka-operator#5639 asked for it per listener for SCRAM and OAuth).
 * Kafka logs nothing for such a key, so each of these settings silently does nothing.
 * - A connection limit is a number of slots: at the limit a new connection waits for a free slot
 *   (or, for the creation rate, for the quota window), and the client sees only timeouts. A
 *   listener's own limit holds on every listener, the inter-broker and controller ones included;
 *   the broker-wide `max.connections` and `max.connection.creation.rate` spare those two but hold
 *   for every client listener (`connectionSlotAvailable` in Kafka's SocketServer, apache/kafka#12559,
 *   which added the log lines because clients saw only connection timeouts; the 4.x broker
 *   configuration table for the broker-wide keys). So a limit of 0 shuts a listener, or every
 *   client listener, for good, and any limit on Strimzi's `replication-9091` and
 *   `controlplane-9090` caps the connections replication, the KRaft quorum and the operator need.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

/** The always-on internal listener: mutual TLS, for clients inside the cluster. */
export const INTERNAL_LISTENER = { name: 'tls', port: 9093 } as const;
/** The per-broker NLB listener rendered when `kafka.external.enabled`. */
export const EXTERNAL_LISTENER = { name: 'external', port: 9094 } as const;

/** One listener of the cluster as Kafka's per-listener prefix names it. */
export interface ListenerFacts {
  /** `<name>-<port>`, lower case: the `<listener>` of `listener.name.<listener>.`. */
  readonly id: string;
  /** What it serves, for messages. */
  readonly what: string;
  /** Whether clients authenticate with SASL (SCRAM) on it. */
  readonly sasl: boolean;
}

/** Keys Kafka reads with a listener prefix among those Strimzi lets through. */
const PER_LISTENER_KEYS: ReadonlySet<string> = new Set([
  'max.connections',
  'max.connection.creation.rate',
  'connections.max.reauth.ms',
]);

const LISTENER_KEY = /^listener\.name\.([^.\s]+)\.(.+)$/;

/** Strimzi's own listeners, which the spec never configures. */
const STRIMZI_LISTENERS: readonly string[] = ['replication-9091', 'controlplane-9090'];

/** Broker-wide connection limits that also hold for every client listener. */
const BROKER_WIDE_LIMITS = ['max.connections', 'max.connection.creation.rate'] as const;

/** A value Kafka reads as the number 0. */
function isZero(value: string | number | boolean | undefined): boolean {
  return value !== undefined && typeof value !== 'boolean' && /^\s*[+-]?0+\s*$/.test(String(value));
}

/**
 * Broker-wide connection limits of 0 (`max.connections`, `max.connection.creation.rate`): every
 * client listener is shut, only inter-broker and controller connections pass.
 */
export function brokerConnectionLimitIssues(spec: PlatformSpec): SpecIssue[] {
  const clients = clusterListeners(spec)
    .filter(listener => !STRIMZI_LISTENERS.includes(listener.id))
    .map(listener => listener.id)
    .join(', ');
  return BROKER_WIDE_LIMITS.filter(key => isZero(spec.kafka.config[key])).map(key => ({
    path: `kafka.config[${JSON.stringify(key)}]`,
    message: `${showValue(spec.kafka.config[key])} shuts every client listener (${clients}) for good: Kafka spares only its inter-broker and controller listeners from the broker-wide limit, so every client connection waits for a slot that never comes and sees only timeouts (apache/kafka#12559); use a positive limit sized for your clients, or remove it`,
  }));
}

/** Every listener of the cluster this spec describes, in the order the Kafka resource lists them. */
export function clusterListeners(spec: PlatformSpec): ListenerFacts[] {
  const listeners: ListenerFacts[] = [
    {
      id: `${INTERNAL_LISTENER.name}-${INTERNAL_LISTENER.port}`,
      what: 'internal clients, TLS certificates',
      sasl: false,
    },
  ];
  if (spec.kafka.external.enabled) {
    const scram = spec.kafka.external.authentication === 'scram-sha-512';
    listeners.push({
      id: `${EXTERNAL_LISTENER.name}-${EXTERNAL_LISTENER.port}`,
      what: `external clients, ${scram ? 'SCRAM' : 'TLS certificates'}`,
      sasl: scram,
    });
  }
  listeners.push(
    { id: 'replication-9091', what: "Strimzi's, brokers and the operator", sasl: false },
    { id: 'controlplane-9090', what: "Strimzi's, KRaft controllers", sasl: false },
  );
  return listeners;
}

/** The key a listener-prefixed key sets (`max.connections` of `listener.name.tls-9093.max.connections`). */
export function listenerBaseKey(key: string): string | undefined {
  return LISTENER_KEY.exec(key)?.[2];
}

/**
 * Problems of the listener-prefixed keys in `kafka.config` (only those `isAllowed` lets through;
 * the others are Strimzi-reserved and reported as such): a listener the cluster does not have, a
 * key Kafka does not read per listener, or re-authentication on a listener without SASL.
 */
export function listenerKeyIssues(
  spec: PlatformSpec,
  isAllowed: (key: string) => boolean,
): SpecIssue[] {
  const listeners = clusterListeners(spec);
  const issues: SpecIssue[] = [];
  for (const key of Object.keys(spec.kafka.config)) {
    const match = LISTENER_KEY.exec(key);
    if (match === null || !isAllowed(key)) continue;
    const [, name = '', base = ''] = match;
    const path = `kafka.config[${JSON.stringify(key)}]`;
    const value = showValue(spec.kafka.config[key]);
    const listener = listeners.find(candidate => candidate.id === name);
    if (listener === undefined) {
      const all = listeners.map(candidate => `${candidate.id} (${candidate.what})`).join(', ');
      const meant = listeners.find(candidate => candidate.id.split('-')[0] === name.split('-')[0]);
      const why =
        name === `${EXTERNAL_LISTENER.name}-${EXTERNAL_LISTENER.port}`
          ? 'kafka.external.enabled is false, so the cluster has no external-9094 listener'
          : `Strimzi names each listener <name>-<port> (strimzi-kafka-operator#12859) and this cluster has no listener "${name}"`;
      issues.push({
        path,
        message: `${value} does nothing: Kafka applies listener.name.<listener>. settings only to the listener of that name, and ${why}; its listeners are ${all}. ${meant === undefined ? 'Remove it, or set it broker-wide without the prefix' : `Write "listener.name.${meant.id}.${base}"`}`,
      });
      continue;
    }
    if (!PER_LISTENER_KEYS.has(base)) {
      const broker = base.startsWith('max.connections.per.ip');
      issues.push({
        path,
        message: `${value} does nothing: Kafka reads only ${[...PER_LISTENER_KEYS].join(', ')} per listener${broker ? ', and limits connections per client address broker-wide' : ''}; ${broker ? `set kafka.config["${base}"] instead (it applies to every listener)` : 'remove it'}`,
      });
      continue;
    }
    if (base !== 'connections.max.reauth.ms' && STRIMZI_LISTENERS.includes(listener.id)) {
      issues.push({
        path,
        message: `${value} limits ${listener.id}, Strimzi's own listener (${listener.what}), which replication, the KRaft quorum and the operator need; a connection over the limit waits with no log line (apache/kafka#12559) and the brokers fall out of sync or the operator loses them; remove it, and limit the client listeners (${listeners
          .filter(candidate => !STRIMZI_LISTENERS.includes(candidate.id))
          .map(candidate => `listener.name.${candidate.id}.`)
          .join(', ')}) instead`,
      });
      continue;
    }
    if (base !== 'connections.max.reauth.ms' && isZero(spec.kafka.config[key])) {
      issues.push({
        path,
        message: `${value} shuts ${listener.id} (${listener.what}) for good: every new connection waits for a slot or a quota window that never comes, and clients see only timeouts (apache/kafka#12559); use a positive limit, or remove it`,
      });
      continue;
    }
    if (base === 'connections.max.reauth.ms' && !listener.sasl) {
      issues.push({
        path,
        message: `${value} does nothing: re-authentication (KIP-368) exists only for SASL connections, and ${listener.id} (${listener.what}) has none (strimzi-kafka-operator#5639); remove it${spec.kafka.external.enabled && spec.kafka.external.authentication === 'scram-sha-512' ? `, or set it as listener.name.external-9094.${base} (the SCRAM listener)` : ''}`,
      });
    }
  }
  return issues;
}
