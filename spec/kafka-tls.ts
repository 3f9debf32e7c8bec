/**
 * The TLS keys of `kafka.config` that Strimzi lets through (`ssl.enabled.protocols`,
 * `ssl.protocol`, `ssl.cipher.suites`, `ssl.secure.random.implementation`; the other `ssl.` keys
 * are refused as Strimzi-reserved in kafka-config.ts). Strimzi writes them into every broker's
 * configuration as top-level keys, so they govern every TLS listener, the inter-broker replication
 * listener included: a combination with no TLS handshake left stops the whole cluster, not one
 * client.
 *
 * Facts relied on (re-stated, not copied):
 * - At start a broker builds a client and a server TLS engine from these settings and makes them
 *   shake hands (Kafka's `SslFactory` with `SslEngineValidator`); when they cannot, it stops with a
 *   ConfigException ("A client SSLEngine created with the provided settings can't connect to a
 *   server SSLEngine created with those settings"). strimzi/strimzi-kafka-operator#2655 shows a
 *   broker stopping this way on an `ssl.cipher.suites` entry its Java could not use.
 * - Java's TLS engine takes protocol and cipher suite names exactly as the JSSE standard names are
 *   written (`SSLEngine.setEnabledProtocols` / `setEnabledCipherSuites` refuse any other with
 *   IllegalArgumentException, "Unsupported protocol" / "Unsupported CipherSuite"): protocols
 *   `TLSv1.3`, `TLSv1.2`, `TLSv1.1`, `TLSv1`, `SSLv3`, `SSLv2Hello`; suites are upper-case names
 *   starting with `TLS_` (or the legacy `SSL_` aliases), never OpenSSL's dashed names.
 * - Java 17 and later (the Strimzi 1.x Kafka images) disable SSLv3, TLSv1 and TLSv1.1
 *   (`jdk.tls.disabledAlgorithms` in the JDK's `java.security`), so only TLSv1.2 and TLSv1.3 can
 *   be negotiated.
 * - TLS 1.3 has its own cipher suites, none shared with TLS 1.2 (RFC 8446 section B.4); Java
 *   implements `TLS_AES_128_GCM_SHA256`, `TLS_AES_256_GCM_SHA384` and
 *   `TLS_CHACHA20_POLY1305_SHA256`. `TLS_EMPTY_RENEGOTIATION_INFO_SCSV` only signals and encrypts
 *   nothing.
 * - Kafka's defaults (Kafka 4.x broker configuration table): `ssl.enabled.protocols`
 *   `TLSv1.2,TLSv1.3`, `ssl.protocol` `TLSv1.3`, `ssl.cipher.suites` empty (Java's defaults; Kafka
 *   passes an empty list as "not set"). Kafka documents that with `ssl.protocol` `TLSv1.2` the
 *   client side never uses TLSv1.3, even when it is enabled and the server offers nothing else; a
 *   broker is its own client on the replication listener and in the start-up check above.
 * - `ssl.protocol` and `ssl.secure.random.implementation` are Java algorithm names, looked up
 *   without regard to case (`SSLContext.getInstance`, `SecureRandom.getInstance`); an unknown one
 *   stops the broker with NoSuchAlgorithmException. OpenJDK on Linux provides the TLS contexts
 *   `TLS`, `TLSv1`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3` (and `SSL`, `SSLv3`, `DTLS`, not usable with the
 *   stream listeners Kafka runs; Kafka documents only TLSv1.2 and TLSv1.3 for current Java) and the
 *   random sources `NativePRNG`, `NativePRNGBlocking`, `NativePRNGNonBlocking`, `SHA1PRNG`, `DRBG`.
 */
import { showValue, type SpecIssue } from './errors';
import { javaTrim } from './java-trim';

type ConfigValue = string | number | boolean;

/** JSSE protocol names Java's TLS engine knows (exact case). */
const JSSE_PROTOCOLS: readonly string[] = [
  'TLSv1.3',
  'TLSv1.2',
  'TLSv1.1',
  'TLSv1',
  'SSLv3',
  'SSLv2Hello',
];
/** The protocols Java 17+ still negotiates. */
const USABLE_PROTOCOLS: readonly string[] = ['TLSv1.2', 'TLSv1.3'];
/** Kafka's default `ssl.enabled.protocols`. */
const DEFAULT_ENABLED_PROTOCOLS: readonly string[] = ['TLSv1.2', 'TLSv1.3'];
/** TLS 1.3 cipher suites Java implements. */
export const TLS13_CIPHER_SUITES: readonly string[] = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
];
/** A suite name that signals renegotiation support and carries no cipher. */
const SIGNALLING_SUITE = 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV';
/** The form of a JSSE cipher suite name. */
const JSSE_SUITE_NAME = /^(TLS|SSL)_[A-Z0-9_]+$/;
/** `ssl.protocol` values that give a TLS context Kafka documents for current Java (any case). */
const CONTEXT_PROTOCOLS: readonly string[] = ['TLS', 'TLSv1.2', 'TLSv1.3'];
/** `SecureRandom` algorithms of OpenJDK on Linux (any case). */
const SECURE_RANDOM_ALGORITHMS: readonly string[] = [
  'NativePRNG',
  'NativePRNGBlocking',
  'NativePRNGNonBlocking',
  'SHA1PRNG',
  'DRBG',
];

const STOPS =
  'so every broker stops at start (Kafka tests a TLS handshake with these settings before it listens) and the replication listener, which uses them too, never connects (strimzi-kafka-operator#2655)';

/** Comma-separated items, trimmed as Java trims, empty ones dropped (Kafka's LIST parsing). */
function itemsOf(value: ConfigValue): string[] {
  return String(value)
    .split(',')
    .map(javaTrim)
    .filter(item => item !== '');
}

function keyPath(mapPath: string, key: string): string {
  return `${mapPath}[${JSON.stringify(key)}]`;
}

/** Whether `suite` is a TLS 1.3 suite (else a TLS 1.2-or-earlier one, or the signalling name). */
function isTls13Suite(suite: string): boolean {
  return TLS13_CIPHER_SUITES.includes(suite);
}

/**
 * Problems of the TLS keys in a broker configuration map (`mapPath`, for messages): names Java does
 * not know, and combinations that leave no protocol and cipher suite the broker can negotiate with
 * itself. Each message names the key, the value and the fix.
 */
export function tlsConfigIssues(
  mapPath: string,
  config: Readonly<Record<string, ConfigValue>>,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const push = (key: string, message: string): void => {
    issues.push({ path: keyPath(mapPath, key), message });
  };

  const protocolsValue = config['ssl.enabled.protocols'];
  const listed = protocolsValue === undefined ? [] : itemsOf(protocolsValue);
  let enabled = listed.length === 0 ? DEFAULT_ENABLED_PROTOCOLS : listed;
  const unknownProtocol = listed.find(item => !JSSE_PROTOCOLS.includes(item));
  if (unknownProtocol !== undefined) {
    const loose = (name: string): string => name.toLowerCase().replace('v', '');
    const meant = JSSE_PROTOCOLS.find(name => loose(name) === loose(unknownProtocol));
    push(
      'ssl.enabled.protocols',
      `${showValue(protocolsValue)} has ${showValue(unknownProtocol)}, which is not a protocol name Java knows (it takes ${JSSE_PROTOCOLS.join(', ')}, exactly so written), ${STOPS}; ${meant === undefined ? 'use "TLSv1.2,TLSv1.3", or leave the key out' : `write ${showValue(meant)}`}`,
    );
    enabled = [];
  } else if (listed.length > 0 && !listed.some(item => USABLE_PROTOCOLS.includes(item))) {
    push(
      'ssl.enabled.protocols',
      `${showValue(protocolsValue)} enables only protocols the broker's Java (17 and later) disables (SSLv3, TLSv1, TLSv1.1 are in jdk.tls.disabledAlgorithms), ${STOPS}; use "TLSv1.2,TLSv1.3", or leave the key out`,
    );
    enabled = [];
  }

  const contextValue = config['ssl.protocol'];
  const context = contextValue === undefined ? 'TLSv1.3' : javaTrim(String(contextValue));
  if (!CONTEXT_PROTOCOLS.some(name => name.toLowerCase() === context.toLowerCase())) {
    push(
      'ssl.protocol',
      `${showValue(contextValue)} is not a TLS context Kafka supports on current Java (TLSv1.3, TLSv1.2, or TLS; an unknown name stops the broker at start with NoSuchAlgorithmException, and the older ones cap the broker's own client below the protocols Java still allows); use "TLSv1.3" or leave the key out`,
    );
    enabled = [];
  } else if (
    context.toLowerCase() === 'tlsv1.2' &&
    enabled.length > 0 &&
    !enabled.includes('TLSv1.2')
  ) {
    push(
      'ssl.protocol',
      `${showValue(contextValue)} keeps the broker's own client from using TLSv1.3 (Kafka's documented behaviour), but ssl.enabled.protocols (${showValue(config['ssl.enabled.protocols'])}) enables no TLSv1.2, ${STOPS}; use "TLSv1.3", or add TLSv1.2 to ssl.enabled.protocols`,
    );
    enabled = [];
  }
  // Protocols a handshake of the broker with itself can use.
  const negotiable = enabled.filter(
    protocol =>
      USABLE_PROTOCOLS.includes(protocol) &&
      !(protocol === 'TLSv1.3' && context.toLowerCase() === 'tlsv1.2'),
  );

  const suitesValue = config['ssl.cipher.suites'];
  const suites = suitesValue === undefined ? [] : itemsOf(suitesValue);
  const badSuite = suites.find(suite => !JSSE_SUITE_NAME.test(suite));
  if (badSuite !== undefined) {
    const upper = badSuite.toUpperCase();
    const hint = JSSE_SUITE_NAME.test(upper)
      ? `write ${showValue(upper)}`
      : 'write the IANA/JSSE name, such as "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" for OpenSSL\'s "ECDHE-RSA-AES256-GCM-SHA384", or leave the key out for Java\'s defaults';
    push(
      'ssl.cipher.suites',
      `${showValue(suitesValue)} has ${showValue(badSuite)}, which is not a cipher suite name Java knows (JSSE names are upper-case and start with TLS_), ${STOPS}; ${hint}`,
    );
  } else if (suites.length > 0 && negotiable.length > 0) {
    const usable = suites.some(suite =>
      negotiable.some(protocol =>
        protocol === 'TLSv1.3'
          ? isTls13Suite(suite)
          : !isTls13Suite(suite) && suite !== SIGNALLING_SUITE,
      ),
    );
    if (!usable) {
      const only13 = suites.some(isTls13Suite);
      push(
        'ssl.cipher.suites',
        `${showValue(suitesValue)} has no cipher suite for the protocols the broker can negotiate (${negotiable.join(', ')}): TLS 1.3 suites (${TLS13_CIPHER_SUITES.join(', ')}) work only with TLSv1.3 and every other suite only with TLSv1.2, ${STOPS}; ${only13 ? 'enable TLSv1.3 in ssl.enabled.protocols (and leave ssl.protocol at TLSv1.3)' : 'add a suite of an enabled protocol, such as "TLS_AES_256_GCM_SHA384" for TLSv1.3, or enable TLSv1.2'}`,
      );
    }
  }

  const randomValue = config['ssl.secure.random.implementation'];
  if (randomValue !== undefined) {
    const random = javaTrim(String(randomValue));
    if (!SECURE_RANDOM_ALGORITHMS.some(name => name.toLowerCase() === random.toLowerCase())) {
      push(
        'ssl.secure.random.implementation',
        `${showValue(randomValue)} is not a SecureRandom algorithm of the broker's Java (OpenJDK on Linux: ${SECURE_RANDOM_ALGORITHMS.join(', ')}), so every broker stops at start with NoSuchAlgorithmException; use one of those, or leave the key out for Java's default`,
      );
    }
  }
  return issues;
}
