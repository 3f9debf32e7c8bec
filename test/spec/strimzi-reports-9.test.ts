/**
 * Ninth round of spec validation against public Strimzi reports: configurations the spec let
 * through that stop the Kafka cluster. Each report is one test that cites it; each class gets a
 * fast-check property over the whole class.
 */
import fc from 'fast-check';
import { type PlatformSpecInput } from '../../spec';
import { TLS13_CIPHER_SUITES } from '../../spec/kafka-tls';
import { kafkaConfigProblems, specInput } from '../util/specs';

type Config = Record<string, string | number | boolean>;

/** The problems about the TLS keys only. */
function tlsProblems(config: Config): string[] {
  return kafkaConfigProblems(config).filter(problem => problem.startsWith('kafka.config["ssl.'));
}

describe('class: broker TLS settings that leave the broker no handshake with itself', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/pull/2655 (the change that let
  // ssl.cipher.suites through Strimzi): with a cipher suite its Java could not use for the enabled
  // protocol, the broker stopped at start ("Unsupported ciphersuite TLS_AES_128_GCM_SHA256 ... A
  // client SSLEngine created with the provided settings can't connect to a server SSLEngine").
  // The same suite with only TLSv1.2 enabled does that on every Java today.
  it('throws when a TLS 1.3 suite is the only one and only TLSv1.2 is enabled (strimzi#2655)', () => {
    expect(
      tlsProblems({
        'ssl.enabled.protocols': 'TLSv1.2',
        'ssl.cipher.suites': 'TLS_AES_128_GCM_SHA256',
      }),
    ).toEqual([
      'kafka.config["ssl.cipher.suites"]: "TLS_AES_128_GCM_SHA256" has no cipher suite for the protocols the broker can negotiate (TLSv1.2): TLS 1.3 suites (TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256) work only with TLSv1.3 and every other suite only with TLSv1.2, so every broker stops at start (Kafka tests a TLS handshake with these settings before it listens) and the replication listener, which uses them too, never connects (strimzi-kafka-operator#2655); enable TLSv1.3 in ssl.enabled.protocols (and leave ssl.protocol at TLSv1.3)',
    ]);
  });

  // https://github.com/strimzi/strimzi-kafka-operator/issues/6818 carried
  // ssl.enabled.protocols "TLSv1,TLSv1.2,TLSv1.1": TLSv1.2 keeps it working on Java 17+, the old
  // two alone would not.
  it('accepts the protocol list of strimzi#6818, and throws without its TLSv1.2', () => {
    expect(tlsProblems({ 'ssl.enabled.protocols': 'TLSv1,TLSv1.2,TLSv1.1' })).toEqual([]);
    expect(tlsProblems({ 'ssl.enabled.protocols': 'TLSv1,TLSv1.1' })).toEqual([
      'kafka.config["ssl.enabled.protocols"]: "TLSv1,TLSv1.1" enables only protocols the broker\'s Java (17 and later) disables (SSLv3, TLSv1, TLSv1.1 are in jdk.tls.disabledAlgorithms), so every broker stops at start (Kafka tests a TLS handshake with these settings before it listens) and the replication listener, which uses them too, never connects (strimzi-kafka-operator#2655); use "TLSv1.2,TLSv1.3", or leave the key out',
    ]);
  });

  it("accepts Strimzi's documented TLS example (TLSv1.2 and an RSA GCM suite)", () => {
    expect(
      tlsProblems({
        'ssl.cipher.suites': 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
        'ssl.enabled.protocols': 'TLSv1.2',
        'ssl.protocol': 'TLSv1.2',
      }),
    ).toEqual([]);
  });

  it('throws on names Java does not know: an OpenSSL suite, a protocol in the wrong case, a context, a random source', () => {
    expect(
      tlsProblems({
        'ssl.cipher.suites': 'ECDHE-RSA-AES256-GCM-SHA384',
        'ssl.enabled.protocols': 'tlsv1.3',
        'ssl.protocol': 'TLSv1.4',
        'ssl.secure.random.implementation': 'Fortuna',
      }),
    ).toEqual([
      'kafka.config["ssl.enabled.protocols"]: "tlsv1.3" has "tlsv1.3", which is not a protocol name Java knows (it takes TLSv1.3, TLSv1.2, TLSv1.1, TLSv1, SSLv3, SSLv2Hello, exactly so written), so every broker stops at start (Kafka tests a TLS handshake with these settings before it listens) and the replication listener, which uses them too, never connects (strimzi-kafka-operator#2655); write "TLSv1.3"',
      'kafka.config["ssl.protocol"]: "TLSv1.4" is not a TLS context Kafka supports on current Java (TLSv1.3, TLSv1.2, or TLS; an unknown name stops the broker at start with NoSuchAlgorithmException, and the older ones cap the broker\'s own client below the protocols Java still allows); use "TLSv1.3" or leave the key out',
      'kafka.config["ssl.cipher.suites"]: "ECDHE-RSA-AES256-GCM-SHA384" has "ECDHE-RSA-AES256-GCM-SHA384", which is not a cipher suite name Java knows (JSSE names are upper-case and start with TLS_), so every broker stops at start (Kafka tests a TLS handshake with these settings before it listens) and the replication listener, which uses them too, never connects (strimzi-kafka-operator#2655); write the IANA/JSSE name, such as "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" for OpenSSL\'s "ECDHE-RSA-AES256-GCM-SHA384", or leave the key out for Java\'s defaults',
      'kafka.config["ssl.secure.random.implementation"]: "Fortuna" is not a SecureRandom algorithm of the broker\'s Java (OpenJDK on Linux: NativePRNG, NativePRNGBlocking, NativePRNGNonBlocking, SHA1PRNG, DRBG), so every broker stops at start with NoSuchAlgorithmException; use one of those, or leave the key out for Java\'s default',
    ]);
  });

  it('throws when ssl.protocol TLSv1.2 meets a TLSv1.3-only protocol list', () => {
    expect(tlsProblems({ 'ssl.protocol': 'TLSv1.2', 'ssl.enabled.protocols': 'TLSv1.3' })).toEqual([
      'kafka.config["ssl.protocol"]: "TLSv1.2" keeps the broker\'s own client from using TLSv1.3 (Kafka\'s documented behaviour), but ssl.enabled.protocols ("TLSv1.3") enables no TLSv1.2, so every broker stops at start (Kafka tests a TLS handshake with these settings before it listens) and the replication listener, which uses them too, never connects (strimzi-kafka-operator#2655); use "TLSv1.3", or add TLSv1.2 to ssl.enabled.protocols',
    ]);
  });

  // The class: some (protocol, suite) pair must be one the broker's Java negotiates with itself,
  // and every name must be one Java knows. The model below enumerates the pairs directly.
  const PROTOCOLS = ['TLSv1.3', 'TLSv1.2', 'TLSv1.1', 'TLSv1', 'SSLv3', 'TLSV1.2', 'TLS1.3'];
  const SUITES = [
    ...TLS13_CIPHER_SUITES,
    'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'tls_aes_128_gcm_sha256',
  ];
  const CONTEXTS = ['TLSv1.3', 'TLSv1.2', 'TLS', 'tlsv1.3', 'SSLv3', 'TLSv1.1', 'TLSv2'];
  const known = (protocol: string): boolean =>
    ['TLSv1.3', 'TLSv1.2', 'TLSv1.1', 'TLSv1', 'SSLv3', 'SSLv2Hello'].includes(protocol);
  const suiteOf = (suite: string): 'TLSv1.3' | 'TLSv1.2' | 'none' | 'bad' =>
    !/^TLS_[A-Z0-9_]+$/.test(suite)
      ? 'bad'
      : TLS13_CIPHER_SUITES.includes(suite)
        ? 'TLSv1.3'
        : suite === 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'
          ? 'none'
          : 'TLSv1.2';

  it('refuses exactly the settings with an unknown name or no negotiable pair, each message naming key, value and fix', () => {
    fc.assert(
      fc.property(
        fc.option(fc.subarray(PROTOCOLS, { minLength: 1 })),
        fc.option(fc.constantFrom(...CONTEXTS)),
        fc.option(fc.subarray(SUITES, { minLength: 1 })),
        (protocols, context, suites) => {
          const config: Config = {};
          if (protocols !== null) config['ssl.enabled.protocols'] = protocols.join(',');
          if (context !== null) config['ssl.protocol'] = context;
          if (suites !== null) config['ssl.cipher.suites'] = suites.join(', ');
          const enabled = protocols ?? ['TLSv1.2', 'TLSv1.3'];
          const contextName = (context ?? 'TLSv1.3').toLowerCase();
          const namesKnown =
            enabled.every(known) &&
            ['tls', 'tlsv1.2', 'tlsv1.3'].includes(contextName) &&
            (suites ?? []).every(suite => suiteOf(suite) !== 'bad');
          const pairs = enabled.flatMap(protocol =>
            (suites ?? ['TLS_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']).map(
              suite => [protocol, suite] as const,
            ),
          );
          const negotiable = pairs.some(
            ([protocol, suite]) =>
              ['TLSv1.2', 'TLSv1.3'].includes(protocol) &&
              !(protocol === 'TLSv1.3' && contextName === 'tlsv1.2') &&
              suiteOf(suite) === protocol,
          );
          const problems = tlsProblems(config);
          expect(problems.length > 0).toBe(!(namesKnown && negotiable));
          for (const problem of problems) {
            const [, key] = /^kafka\.config\["([^"]+)"\]: /.exec(problem) ?? [];
            expect(key).toBeDefined();
            expect(problem).toContain(JSON.stringify(config[key ?? '']));
            expect(problem).toMatch(/; (use|write|enable|add) /);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('leaves a spec without TLS keys, or with the defaults written out, alone', () => {
    const base: PlatformSpecInput = specInput(3, 1);
    expect(base.kafka.config).toBeUndefined();
    expect(tlsProblems({})).toEqual([]);
    expect(
      tlsProblems({
        'ssl.enabled.protocols': 'TLSv1.2,TLSv1.3',
        'ssl.protocol': 'TLSv1.3',
        'ssl.cipher.suites': '',
        'ssl.secure.random.implementation': 'SHA1PRNG',
      }),
    ).toEqual([]);
  });
});
