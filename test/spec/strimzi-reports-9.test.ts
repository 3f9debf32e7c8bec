/**
 * Ninth round of spec validation against public Strimzi reports: configurations the spec let
 * through that stop the Kafka cluster. Each report is one test that cites it; each class gets a
 * fast-check property over the whole class.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import { derivePlatform } from '../../spec/derive';
import { clusterListeners } from '../../spec/kafka-listeners';
import { TLS13_CIPHER_SUITES } from '../../spec/kafka-tls';
import { THROTTLED_REPLICA_KEYS } from '../../spec/throttled-replicas';
import { listeners } from '../../charts/kafka/kafka-spec';
import { kafkaConfigProblems, specInput, specProblems } from '../util/specs';

type Config = Record<string, string | number | boolean>;
type ExternalInput = NonNullable<PlatformSpecInput['kafka']['external']>;

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

describe('class: a listener-prefixed key Kafka never reads on this cluster', () => {
  function problemsWith(config: Config, external: Partial<ExternalInput> = {}): string[] {
    const base = specInput(3, 1);
    return specProblems({
      ...base,
      kafka: { ...base.kafka, config, external: { ...base.kafka.external, ...external } },
    }).filter(problem => problem.startsWith('kafka.config["listener.name.'));
  }

  // https://github.com/strimzi/strimzi-kafka-operator/issues/12859: Strimzi names a listener
  // <name>-<port> in the broker configuration (INTERNAL-9094, REPLICATION-9091), so a prefix with
  // the listener's name alone, as the Kafka resource spells it, matches no listener.
  it('throws when the prefix names the listener without its port (strimzi#12859)', () => {
    expect(problemsWith({ 'listener.name.external.max.connections': 500 })).toEqual([
      'kafka.config["listener.name.external.max.connections"]: 500 does nothing: Kafka applies listener.name.<listener>. settings only to the listener of that name, and Strimzi names each listener <name>-<port> (strimzi-kafka-operator#12859) and this cluster has no listener "external"; its listeners are tls-9093 (internal clients, TLS certificates), external-9094 (external clients, SCRAM), replication-9091 (Strimzi\'s, brokers and the operator), controlplane-9090 (Strimzi\'s, KRaft controllers). Write "listener.name.external-9094.max.connections"',
    ]);
  });

  it('throws for the external listener while kafka.external is off', () => {
    expect(
      problemsWith(
        { 'listener.name.external-9094.max.connection.creation.rate': 10 },
        { enabled: false, allowedCidrs: [] },
      ),
    ).toEqual([
      'kafka.config["listener.name.external-9094.max.connection.creation.rate"]: 10 does nothing: Kafka applies listener.name.<listener>. settings only to the listener of that name, and kafka.external.enabled is false, so the cluster has no external-9094 listener; its listeners are tls-9093 (internal clients, TLS certificates), replication-9091 (Strimzi\'s, brokers and the operator), controlplane-9090 (Strimzi\'s, KRaft controllers). Remove it, or set it broker-wide without the prefix',
    ]);
  });

  it('throws for a per-address limit per listener, which Kafka applies broker-wide only', () => {
    expect(problemsWith({ 'listener.name.tls-9093.max.connections.per.ip': 50 })).toEqual([
      'kafka.config["listener.name.tls-9093.max.connections.per.ip"]: 50 does nothing: Kafka reads only max.connections, max.connection.creation.rate, connections.max.reauth.ms per listener, and limits connections per client address broker-wide; set kafka.config["max.connections.per.ip"] instead (it applies to every listener)',
    ]);
  });

  // https://github.com/strimzi/strimzi-kafka-operator/issues/5639 asked for per-listener
  // re-authentication for SCRAM and OAuth listeners; a certificate listener has none.
  it('throws for re-authentication on a listener without SASL (strimzi#5639)', () => {
    expect(
      problemsWith(
        { 'listener.name.external-9094.connections.max.reauth.ms': 3600000 },
        { authentication: 'tls' },
      ),
    ).toEqual([
      'kafka.config["listener.name.external-9094.connections.max.reauth.ms"]: 3600000 does nothing: re-authentication (KIP-368) exists only for SASL connections, and external-9094 (external clients, TLS certificates) has none (strimzi-kafka-operator#5639); remove it',
    ]);
  });

  it('throws when a per-listener limit is not a number the broker can read', () => {
    expect(kafkaConfigProblems({ 'listener.name.tls-9093.max.connections': 'lots' })).toEqual([
      'kafka.config["listener.name.tls-9093.max.connections"]: "lots" is not a whole number Kafka accepts; write a plain whole number of at least 0 (no unit, no decimals)',
    ]);
  });

  it('names the listeners the Kafka resource renders, in its order', () => {
    for (const enabled of [false, true]) {
      const base = specInput(3, 1);
      const spec = parseSpec({
        ...base,
        kafka: {
          ...base.kafka,
          external: enabled ? base.kafka.external : { enabled: false, allowedCidrs: [] },
        },
      }).spec;
      const rendered = listeners(spec, derivePlatform(spec)).map(
        listener => `${listener.name}-${listener.port}`,
      );
      expect(clusterListeners(spec).map(listener => listener.id)).toEqual([
        ...rendered,
        'replication-9091',
        'controlplane-9090',
      ]);
    }
  });

  it("refuses exactly the keys of no listener, not read per listener, re-authenticating without SASL, limiting Strimzi's listeners or shutting one", () => {
    const NAMES = [
      'tls-9093',
      'external-9094',
      'replication-9091',
      'tls',
      'external',
      'plain-9092',
    ];
    const BASES = [
      'max.connections',
      'max.connection.creation.rate',
      'connections.max.reauth.ms',
      'max.connections.per.ip',
      'max.connections.per.ip.overrides',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES),
        fc.constantFrom(...BASES),
        fc.boolean(),
        fc.constantFrom<'tls' | 'scram-sha-512'>('tls', 'scram-sha-512'),
        fc.constantFrom(0, 100),
        (name, base, enabled, authentication, limit) => {
          const key = `listener.name.${name}.${base}`;
          const value = base.endsWith('overrides') ? '10.0.0.1:5' : limit;
          const external = enabled
            ? { enabled, authentication }
            : { enabled, authentication, allowedCidrs: [] };
          const problems = problemsWith({ [key]: value }, external);
          const listenerExists =
            ['tls-9093', 'replication-9091'].includes(name) ||
            (name === 'external-9094' && enabled);
          const readPerListener = !base.startsWith('max.connections.per.ip');
          const sasl = name === 'external-9094' && authentication === 'scram-sha-512';
          const fine =
            listenerExists &&
            readPerListener &&
            (base === 'connections.max.reauth.ms'
              ? sasl
              : name !== 'replication-9091' && limit > 0);
          expect(problems.length).toBe(fine ? 0 : 1);
          for (const problem of problems) {
            expect(problem).toContain(`${key}"]: ${JSON.stringify(value)} `);
            expect(problem).toMatch(/([Rr]emove it|[Ww]rite "|set kafka\.config)/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("class: a topic's throttled replica list Kafka refuses, or one that throttles nothing", () => {
  function topicProblems(config: Config, brokersPerZone = 2): string[] {
    const base = specInput(3, brokersPerZone);
    return specProblems({
      ...base,
      kafka: { ...base.kafka, topics: [{ name: 'events', partitions: 12, config }] },
    }).filter(problem => problem.includes('throttled.replicas'));
  }

  // https://github.com/strimzi/strimzi-kafka-operator/issues/9972: Kafka's reassignment tooling
  // writes these lists as partition:broker entries while it moves replicas, and the Topic Operator
  // enforces the KafkaTopic's own. A list in another form is refused by Kafka.
  it('throws when the list is not "*" or partition:broker entries (strimzi#9972)', () => {
    expect(topicProblems({ 'leader.replication.throttled.replicas': '0-1000,1-2000' })).toEqual([
      'kafka.topics[0].config["leader.replication.throttled.replicas"]: "0-1000,1-2000" has "0-1000", but Kafka takes only "*" or <partition>:<broker ID> entries separated by commas, and refuses the rest, so the Topic Operator cannot create or change the topic and its KafkaTopic stays NotReady; write for example "0:1000", or "*" for every replica',
    ]);
  });

  it('throws when an entry names a broker outside the zone ID blocks, or a missing partition', () => {
    expect(
      topicProblems({
        'follower.replication.throttled.replicas': '0:1,1:2',
        'leader.replication.throttled.replicas': '12:1000',
      }),
    ).toEqual([
      'kafka.topics[0].config["leader.replication.throttled.replicas"]: "12:1000" names partition 12 in "12:1000", but the topic has 12 partition(s), 0 to 11, so that entry throttles nothing (Kafka does not check it, and the Topic Operator keeps the list in force, strimzi-kafka-operator#9972); use partitions 0 to 11, or "*"',
      'kafka.topics[0].config["follower.replication.throttled.replicas"]: "0:1,1:2" names broker 1 in "0:1", which is no broker of this cluster (its IDs are 1000-1001, 2000-2001, 3000-3001: the pool of the zone at position i is numbered from 1000 x (i + 1)), so that entry throttles nothing (Kafka does not check it, and the Topic Operator keeps the list in force, strimzi-kafka-operator#9972); use this cluster\'s broker IDs, or "*"',
    ]);
  });

  it('accepts "*", an empty list and entries of real partitions and brokers', () => {
    expect(
      topicProblems({
        'leader.replication.throttled.replicas': ' * ',
        'follower.replication.throttled.replicas': '0:1000, 11:3001,',
      }),
    ).toEqual([]);
    expect(topicProblems({ 'leader.replication.throttled.replicas': '' })).toEqual([]);
  });

  it('trims entries as Java does: a trailing U+2028 stays, and Kafka refuses the entry', () => {
    expect(topicProblems({ 'leader.replication.throttled.replicas': '0:1000\u2028' })).toHaveLength(
      1,
    );
    expect(tlsProblems({ 'ssl.enabled.protocols': 'TLSv1.3\u2028' })).toHaveLength(1);
    expect(tlsProblems({ 'ssl.enabled.protocols': ' TLSv1.3\t' })).toEqual([]);
  });

  it('refuses exactly the lists with a malformed entry or an entry of no partition or broker', () => {
    const entry = fc.oneof(
      fc
        .tuple(fc.nat(15), fc.constantFrom(0, 1, 999, 1000, 1001, 1002, 2000, 3001, 4000))
        .map(([partition, broker]) => `${partition}:${broker}`),
      fc.constantFrom('*', '0-1000', '0:', ':1000', 'a:1000', '0 : 1000', '0:1000:1'),
    );
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 4 }),
        fc.constantFrom<(typeof THROTTLED_REPLICA_KEYS)[number]>(...THROTTLED_REPLICA_KEYS),
        (entries, key) => {
          const value = entries.join(',');
          const brokers = [1000, 1001, 2000, 2001, 3000, 3001];
          const wellFormed =
            (entries.length === 1 && entries[0] === '*') ||
            entries.every(item => /^\d+:\d+$/.test(item));
          const real =
            entries[0] === '*' ||
            entries.every(item => {
              const [partition, broker] = item.split(':').map(Number);
              return (partition ?? 99) < 12 && brokers.includes(broker ?? -1);
            });
          const problems = topicProblems({ [key]: value });
          expect(problems).toHaveLength(wellFormed && real ? 0 : 1);
          for (const problem of problems) {
            expect(problem).toContain(`config[${JSON.stringify(key)}]: ${JSON.stringify(value)}`);
            expect(problem).toMatch(/; (write|use) /);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('class: a connection limit that shuts clients or Strimzi out', () => {
  // https://github.com/apache/kafka/pull/12559: at a connection limit a new connection waits for a
  // slot, and clients saw only connection timeouts (the PR added the broker's log lines). A
  // listener's own limit holds for the inter-broker and controller listeners too; the broker-wide
  // one spares them and holds for every client listener.
  it('throws when the broker-wide limit is 0 (apache/kafka#12559)', () => {
    expect(
      kafkaConfigProblems({ 'max.connections': 0, 'max.connection.creation.rate': '0' }),
    ).toEqual([
      'kafka.config["max.connections"]: 0 shuts every client listener (tls-9093, external-9094) for good: Kafka spares only its inter-broker and controller listeners from the broker-wide limit, so every client connection waits for a slot that never comes and sees only timeouts (apache/kafka#12559); use a positive limit sized for your clients, or remove it',
      'kafka.config["max.connection.creation.rate"]: "0" shuts every client listener (tls-9093, external-9094) for good: Kafka spares only its inter-broker and controller listeners from the broker-wide limit, so every client connection waits for a slot that never comes and sees only timeouts (apache/kafka#12559); use a positive limit sized for your clients, or remove it',
    ]);
  });

  it("throws for a limit on Strimzi's replication listener, and for 0 on a client listener", () => {
    expect(
      kafkaConfigProblems({
        'listener.name.replication-9091.max.connections': 50,
        'listener.name.tls-9093.max.connections': 0,
      }),
    ).toEqual([
      'kafka.config["listener.name.replication-9091.max.connections"]: 50 limits replication-9091, Strimzi\'s own listener (Strimzi\'s, brokers and the operator), which replication, the KRaft quorum and the operator need; a connection over the limit waits with no log line (apache/kafka#12559) and the brokers fall out of sync or the operator loses them; remove it, and limit the client listeners (listener.name.tls-9093., listener.name.external-9094.) instead',
      'kafka.config["listener.name.tls-9093.max.connections"]: 0 shuts tls-9093 (internal clients, TLS certificates) for good: every new connection waits for a slot or a quota window that never comes, and clients see only timeouts (apache/kafka#12559); use a positive limit, or remove it',
    ]);
  });

  it('refuses exactly the broker-wide limits of 0, and accepts any positive one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('max.connections', 'max.connection.creation.rate'),
        fc.oneof(
          fc.constant(0),
          fc.constant('0'),
          fc.constant(' 00 '),
          fc.integer({ min: 1, max: 100000 }),
        ),
        (key, value) => {
          const problems = kafkaConfigProblems({ [key]: value });
          const zero = Number(String(value).trim()) === 0;
          expect(problems).toHaveLength(zero ? 1 : 0);
          for (const problem of problems) {
            expect(problem).toContain(
              `kafka.config[${JSON.stringify(key)}]: ${JSON.stringify(value)} shuts`,
            );
            expect(problem).toContain('; use a positive limit');
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('class: a ZooKeeper key Kafka 4 no longer reads', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/1954: Strimzi lets
  // zookeeper.connection.timeout.ms through its forbidden zookeeper.connect prefix, for ZooKeeper
  // clusters. Kafka 4 runs KRaft only (KIP-833, Strimzi proposal 058), so it, like every other
  // zookeeper. key, does nothing; the spec only warned about the key as unknown.
  it('throws when kafka.config keeps zookeeper.connection.timeout.ms (strimzi#1954)', () => {
    expect(kafkaConfigProblems({ 'zookeeper.connection.timeout.ms': 18000 })).toEqual([
      'kafka.config["zookeeper.connection.timeout.ms"]: was removed from Kafka 4 (or means nothing in KRaft), so the broker ignores it; use nothing: Kafka 4 runs KRaft only, without ZooKeeper (the KRaft quorum has its own timeouts, controller.quorum.election.timeout.ms and controller.quorum.fetch.timeout.ms)',
    ]);
  });

  it('reports every zookeeper. key exactly once, as Strimzi-reserved or as removed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'connect',
          'connection.timeout.ms',
          'session.timeout.ms',
          'max.in.flight.requests',
          'ssl.client.enable',
          'set.acl',
          'metadata.migration.enable',
          'sync.time.ms',
        ),
        suffix => {
          const key = `zookeeper.${suffix}`;
          const problems = kafkaConfigProblems({ [key]: 1 });
          expect(problems).toHaveLength(1);
          expect(problems[0]).toMatch(
            new RegExp(
              `^kafka\\.config\\["${key.replace(/\./g, '\\.')}"\\]: (is reserved by Strimzi|was removed from Kafka 4)`,
            ),
          );
          expect(problems[0]).toContain('; use ');
        },
      ),
      { numRuns: 40 },
    );
  });
});
