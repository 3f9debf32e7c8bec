/**
 * Third round of public Kafka-on-Kubernetes reports whose configuration the spec accepted, each
 * turned into the class of configuration behind it: one `throws when ...` test per report (citing
 * it) and a fast-check property per class.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import {
  TOPIC_CONFIG_KEYS,
  brokerConfigWarnings,
  forbiddenBrokerKey,
  isClassKey,
  misspeltBrokerKey,
  removedInKafka4,
} from '../../spec/kafka-config';
import { KAFKA_CLIENT_ONLY_KEYS } from '../../spec/kafka-client-keys';
import { KAFKA_4_BROKER_KEY_NAMES } from '../../spec/kafka-broker-key-names';
import { KAFKA_BROKER_KEYS } from '../../spec/kafka-broker-keys';
import {
  DEFAULT_MESSAGE_MAX_BYTES,
  DEFAULT_SOCKET_REQUEST_MAX_BYTES,
} from '../../spec/request-size';
import {
  EKS_AL2023_MAX_MAP_COUNT,
  MAP_AREAS_PER_SEGMENT,
  mapAreasPerBroker,
} from '../../spec/map-count';
import { synthPlatform, type KubeObject } from '../../charts/synth';
import { transitionReport } from '../../charts/transitions';
import { specInput, specProblems as problemsOf } from '../util/specs';

function withKafka(kafka: Partial<PlatformSpecInput['kafka']>): PlatformSpecInput {
  const base = specInput(3, 1);
  return { ...base, kafka: { ...base.kafka, ...kafka } };
}

/** Warnings about `kafka.config` of a spec that parses. */
function configWarnings(config: Record<string, string | number | boolean>): string[] {
  return parseSpec(withKafka({ config }))
    .warnings.filter(warning => warning.path.startsWith('kafka.config'))
    .map(warning => `${warning.path}: ${warning.message}`);
}

const BROKER_KEY_NAMES = new Set([...KAFKA_4_BROKER_KEY_NAMES, ...Object.keys(KAFKA_BROKER_KEYS)]);

describe('class: a client setting in the broker map', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/8302: `max.request.size` (a producer
  // key) and `request.max.bytes` (no Kafka key at all) in Kafka.spec.kafka.config; the broker
  // ignored both and larger messages stayed refused.
  it('throws when kafka.config carries the producer key of strimzi#8302', () => {
    expect(
      problemsOf(
        withKafka({
          config: {
            'max.request.size': 7179317,
            'message.max.bytes': 7179317,
            'socket.request.max.bytes': 104857600,
            'socket.send.buffer.bytes': 104857600,
          },
        }),
      ),
    ).toEqual([
      `kafka.config["max.request.size"]: is a producer setting, not a broker key, so the broker ignores it (strimzi-kafka-operator#8302); set it in the configuration of the producers; the broker-side limit is message.max.bytes here, or max.message.bytes in kafka.topics[].config`,
    ]);
  });

  it('throws when kafka.config carries consumer, Streams and Connect keys, naming the broker key', () => {
    expect(
      problemsOf(
        withKafka({
          config: {
            'session.timeout.ms': 30000,
            'fetch.min.bytes': 1,
            'num.stream.threads': 4,
            'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
          },
        }),
      ),
    ).toEqual([
      `kafka.config["session.timeout.ms"]: is a consumer setting, not a broker key, so the broker ignores it (strimzi-kafka-operator#8302); set it in the configuration of the consumers; the broker-side settings are group.consumer.session.timeout.ms (with its min and max) and, for the classic protocol, group.min.session.timeout.ms and group.max.session.timeout.ms`,
      `kafka.config["fetch.min.bytes"]: is a consumer setting, not a broker key, so the broker ignores it (strimzi-kafka-operator#8302); set it in the configuration of the consumers`,
      `kafka.config["num.stream.threads"]: is a Kafka Streams setting, not a broker key, so the broker ignores it (strimzi-kafka-operator#8302); set it in the configuration of the Kafka Streams applications`,
      `kafka.config["value.converter"]: is a Kafka Connect setting, not a broker key, so the broker ignores it (strimzi-kafka-operator#8302); set it in the configuration of the Kafka Connect workers`,
    ]);
  });

  it('lists no key the broker defines, and every broker key a suggestion names is one', () => {
    for (const key of Object.keys(KAFKA_CLIENT_ONLY_KEYS)) {
      expect([key, BROKER_KEY_NAMES.has(key) || TOPIC_CONFIG_KEYS.includes(key)]).toEqual([
        key,
        false,
      ]);
    }
    const named = [
      'message.max.bytes',
      'group.consumer.session.timeout.ms',
      'group.min.session.timeout.ms',
      'group.max.session.timeout.ms',
      'group.consumer.heartbeat.interval.ms',
      'transaction.max.timeout.ms',
      'group.streams.num.standby.replicas',
      'socket.send.buffer.bytes',
      'socket.receive.buffer.bytes',
    ];
    for (const key of named) expect([key, BROKER_KEY_NAMES.has(key)]).toEqual([key, true]);
  });

  it('refuses every client-only key with exactly one message that names its client', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(KAFKA_CLIENT_ONLY_KEYS)),
        fc.oneof(fc.integer(), fc.boolean(), fc.string()),
        (key, value) => {
          const problems = problemsOf(withKafka({ config: { [key]: value } })).filter(problem =>
            problem.startsWith(`kafka.config[${JSON.stringify(key)}]: is a `),
          );
          const kind = KAFKA_CLIENT_ONLY_KEYS[key];
          expect(problems).toHaveLength(1);
          expect(problems[0]).toContain(`is a ${kind === 'client' ? 'Kafka client' : kind}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('class: a broker key Kafka does not define (warning)', () => {
  // The second key of strimzi#8302, `request.max.bytes`, is no Kafka key at all and more than two
  // edits from every broker key, so the misspelling check did not catch it. Kafka also reads a few
  // undocumented internal keys, hence a warning rather than a refusal.
  it('warns when kafka.config holds a key that is in no Kafka table (strimzi#8302)', () => {
    expect(configWarnings({ 'request.max.bytes': 7179317 })).toEqual([
      `kafka.config["request.max.bytes"]: is not a key of Kafka 4.3's broker configuration table, so unless it is one of Kafka's undocumented internal keys the broker logs it as unknown and ignores it (strimzi-kafka-operator#8302); check the name against the broker configuration table, or remove it`,
    ]);
  });

  it('warns about no documented broker key, and about every unknown key no other rule names', () => {
    const documented = [...BROKER_KEY_NAMES].filter(
      key =>
        forbiddenBrokerKey(key) === undefined &&
        !isClassKey(key) &&
        !['log.cleaner.enable', 'remote.log.storage.system.enable'].includes(key),
    );
    fc.assert(
      fc.property(fc.constantFrom(...documented), key => {
        expect([key, configWarningKeys(key)]).toEqual([key, false]);
      }),
      { numRuns: 120 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{3,9}$/), { minLength: 2, maxLength: 4 }),
        parts => {
          const key = `${parts.join('.')}.zz`;
          fc.pre(
            !BROKER_KEY_NAMES.has(key) &&
              misspeltBrokerKey(key) === undefined &&
              forbiddenBrokerKey(key) === undefined &&
              removedInKafka4(key) === undefined &&
              KAFKA_CLIENT_ONLY_KEYS[key] === undefined,
          );
          expect(configWarningKeys(key)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/**
 * Whether a key alone in `kafka.config` draws the unknown-key warning, whatever other rules say
 * about its value (warnings are computed from the parsed spec, problems aside).
 */
function configWarningKeys(key: string): boolean {
  const parsed = parseSpec(withKafka({ config: {} })).spec;
  const spec = { ...parsed, kafka: { ...parsed.kafka, config: { [key]: '1' } } };
  return brokerConfigWarnings(spec).length > 0;
}

describe('class: a message size limit the request size limit cuts off', () => {
  // https://github.com/metersphere/metersphere/issues/33006: message.max.bytes of 500 MB with the
  // default socket.request.max.bytes of 100 MiB; the broker refused a 111 MB request with
  // "Invalid receive (size = 111338035 larger than 104857600)".
  it('throws when message.max.bytes is above the default request limit (metersphere#33006)', () => {
    expect(problemsOf(withKafka({ config: { 'message.max.bytes': 524288000 } }))).toEqual([
      `kafka.config["message.max.bytes"]: 524288000 is not below socket.request.max.bytes (Kafka's default) 104857600, the largest request the broker reads: the broker closes the connection of any request larger than socket.request.max.bytes (InvalidReceiveException, metersphere/metersphere#33006), so producers sending batches that large retry until they time out; use less than 104857600, or raise kafka.config["socket.request.max.bytes"] above 524288000`,
    ]);
  });

  it('throws when socket.request.max.bytes is lowered below the default message limit', () => {
    expect(problemsOf(withKafka({ config: { 'socket.request.max.bytes': 1048576 } }))).toEqual([
      `kafka.config["socket.request.max.bytes"]: 1048576 is not above message.max.bytes (Kafka's default) 1048588, the largest record batch the broker accepts: the broker closes the connection of any request larger than socket.request.max.bytes (InvalidReceiveException, metersphere/metersphere#33006), so producers sending batches that large retry until they time out; use more than 1048588`,
    ]);
  });

  it('throws when a topic allows larger batches than the broker reads', () => {
    expect(
      problemsOf(
        withKafka({
          topics: [{ name: 'blobs', partitions: 3, config: { 'max.message.bytes': 209715200 } }],
        }),
      ),
    ).toEqual([
      `kafka.topics[0].config["max.message.bytes"]: 209715200 is not below socket.request.max.bytes (Kafka's default) 104857600, the largest request the broker reads: the broker closes the connection of any request larger than socket.request.max.bytes (InvalidReceiveException, metersphere/metersphere#33006), so producers sending batches that large retry until they time out; use less than 104857600, or raise kafka.config["socket.request.max.bytes"] above 209715200`,
    ]);
  });

  it('accepts exactly the limits below the request limit, wherever each is set', () => {
    const size = fc.integer({ min: 1024 * 1024, max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(
        fc.option(size, { nil: undefined }),
        fc.option(size, { nil: undefined }),
        fc.array(size, { maxLength: 3 }),
        (socket, message, topicLimits) => {
          const config: Record<string, number> = {};
          if (socket !== undefined) config['socket.request.max.bytes'] = socket;
          if (message !== undefined) config['message.max.bytes'] = message;
          const problems = problemsOf(
            withKafka({
              config,
              topics: topicLimits.map((limit, index) => ({
                name: `t${index}`,
                partitions: 1,
                config: { 'max.message.bytes': limit },
              })),
            }),
          ).filter(problem => problem.includes('InvalidReceiveException'));
          const request = socket ?? DEFAULT_SOCKET_REQUEST_MAX_BYTES;
          const limits = [message ?? DEFAULT_MESSAGE_MAX_BYTES, ...topicLimits];
          expect(problems).toHaveLength(limits.filter(limit => limit >= request).length);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('class: a broker switch that keeps removed topics in Kafka', () => {
  // The spec's topic list is declarative. With delete.topic.enable false, Strimzi's unidirectional
  // Topic Operator (proposal 050) drops a deleted KafkaTopic's finalizer without deleting the
  // topic; https://github.com/banzaicloud/koperator/issues/369: another operator's KafkaTopic stuck
  // terminating on the same switch.
  it('throws when kafka.config turns topic deletion off', () => {
    expect(problemsOf(withKafka({ config: { 'delete.topic.enable': false } }))).toEqual([
      'kafka.config["delete.topic.enable"]: false keeps every topic removed from kafka.topics in Kafka: the Topic Operator then drops the KafkaTopic but leaves the topic and its data, unmanaged (Strimzi proposal 050, unidirectional Topic Operator; banzaicloud/koperator#369 for another operator stuck on it); leave it out',
    ]);
  });

  it('refuses every spelling of false and accepts every spelling of true', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.constantFrom('bool', 'lower', 'upper'), (value, form) => {
        const written =
          form === 'bool' ? value : form === 'lower' ? String(value) : String(value).toUpperCase();
        const problems = problemsOf(withKafka({ config: { 'delete.topic.enable': written } }));
        expect(problems.length === 0).toBe(value);
      }),
      { numRuns: 30 },
    );
  });
});

describe('class: more log segments per broker than the node maps (warning)', () => {
  // Kafka maps two index files per log segment, and a broker past vm.max_map_count stops with
  // "Map failed": https://github.com/apache/kafka/pull/4358 (a user's cluster failure from it) and
  // https://github.com/utilitywarehouse/tf_kube_ignition/pull/185 (a Kafka on Kubernetes at 305784
  // index files over a 262144 limit). EKS AL2023 nodes allow 524288 map areas.
  function mapWarnings(input: PlatformSpecInput): string[] {
    return parseSpec(input)
      .warnings.filter(warning => warning.path === 'kafka.topics')
      .map(warning => `${warning.path}: ${warning.message}`);
  }

  it('warns when a topic rolls a segment every second under the default 7-day retention', () => {
    expect(
      mapWarnings(
        withKafka({ topics: [{ name: 'clicks', partitions: 24, config: { 'segment.ms': 1000 } }] }),
      ),
    ).toEqual([
      `kafka.topics: under steady traffic each of the 3 brokers keeps about 29030700 index files mapped into memory (2 per log segment); the largest share is "clicks" (kafka.topics[0]): 72 partition replicas x 604800 segments (retention.ms 604800000 (Kafka's default) / segment.ms 1000 (kafka.topics[0].config["segment.ms"])), above the vm.max_map_count of 524288 the EKS AL2023 nodes allow, so a broker would stop with "Map failed" (OutOfMemoryError); roll segments less often (segment.ms, segment.bytes), keep less, use fewer partitions or more brokers`,
    ]);
  });

  it('warns when a broker-wide roll time applies to every topic', () => {
    const warnings = mapWarnings(
      withKafka({
        config: { 'log.roll.ms': 10000, 'log.retention.hours': 24 },
        topics: [{ name: 'events', partitions: 60 }],
      }),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      '180 partition replicas x 8640 segments (retention.ms 86400000 (kafka.config["log.retention.hours"]) / segment.ms 10000 (kafka.config["log.roll.ms"]))',
    );
  });

  it('warns exactly when the estimate passes the limit, for any topics and settings', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            partitions: fc.integer({ min: 1, max: 3000 }),
            retentionHours: fc.integer({ min: 1, max: 720 }),
            rollSeconds: fc.integer({ min: 10, max: 86400 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        topics => {
          const input = withKafka({
            topics: topics.map((topic, index) => ({
              name: `t${index}`,
              partitions: topic.partitions,
              config: {
                'retention.ms': topic.retentionHours * 3600000,
                'segment.ms': topic.rollSeconds * 1000,
              },
            })),
          });
          // 3 brokers, replication factor 3: every broker holds every partition once, plus one
          // segment for each of the 150 default partitions of Kafka's own three topics.
          const segments = topics.reduce(
            (sum, topic) =>
              sum +
              topic.partitions *
                Math.max(1, Math.ceil((topic.retentionHours * 3600) / topic.rollSeconds)),
            150,
          );
          const expected = segments * MAP_AREAS_PER_SEGMENT;
          expect(mapAreasPerBroker(parseSpec(input).spec)).toBe(expected);
          expect(mapWarnings(input).length > 0).toBe(expected > EKS_AL2023_MAX_MAP_COUNT);
        },
      ),
      { numRuns: 120 },
    );
  });
});

/** Transition issues (charts/transitions.ts) of synthesizing `after` over the output of `before`. */
function transitions(
  before: PlatformSpecInput,
  after: PlatformSpecInput,
): { problems: string[]; warnings: string[] } {
  const objects = (input: PlatformSpecInput): KubeObject[] =>
    synthPlatform(parseSpec(input)).components.flatMap(component => [...component.objects]);
  const found = transitionReport(objects(before), objects(after), parseSpec(after).spec);
  return {
    problems: found.problems.map(issue => `${issue.path}: ${issue.message}`),
    warnings: found.warnings.map(issue => `${issue.path}: ${issue.message}`),
  };
}

describe('class: a change that replaces the running Kafka cluster by an empty one', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/3617: Strimzi reuses broker volumes
  // only for a cluster of the same name; under another name the data needs claims made by hand.
  it('throws when name changes between two outputs (strimzi#3617)', () => {
    const before = specInput(3, 1);
    expect(transitions(before, { ...before, name: 'orders' }).problems).toEqual([
      `name: the previous output's Kafka cluster "test" in namespace "kafka" is not in this output, which has "orders" in "kafka" instead: applying it deletes the running cluster (GitOps prunes it) and starts a new, empty one, since Strimzi finds broker volumes only under claim names derived from the cluster name (strimzi-kafka-operator#3617), so the old data stays in unused claims (or goes with them, with kafka.storage.deleteClaim); keep name "test" and kafka.namespace "kafka", or pass --ignore-previous-output to start a new platform on purpose`,
    ]);
  });

  it('throws exactly when the name or the namespace of the cluster changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('test', 'orders'),
        fc.constantFrom('kafka', 'streaming'),
        (name, namespace) => {
          const before = specInput(3, 1);
          const after = { ...before, name, kafka: { ...before.kafka, namespace } };
          const problems = transitions(before, after).problems;
          const moved = name !== 'test' || namespace !== 'kafka';
          expect(problems).toHaveLength(moved ? 1 : 0);
          if (moved)
            expect(problems[0]).toMatch(name !== 'test' ? /^name: / : /^kafka\.namespace: /);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('class: brokers or controllers removed in a way Strimzi refuses (warning)', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/6736: removing brokers that hold
  // replicas fails the reconciliation, but only for a pool that stays; a zone taken out of `zones`
  // deletes its whole pool, whose pods go with it unchecked (they are owned by the pool).
  it('warns when a zone leaves zones and its broker pool goes, without claiming Strimzi stops it', () => {
    const four = specInput(4, 1);
    const three = { ...four, zones: four.zones.slice(0, 3), kafka: { ...four.kafka, brokers: 3 } };
    expect(transitions(four, three).warnings).toEqual([
      // the KRaft controllers' zones follow the system nodegroup's (charts/kafka/node-pools.ts)
      expect.stringMatching(/^zones: the KRaft controllers may no longer run in \["us-west-2d"\]/),
      `zones: broker pool "brokers-d" with 1 broker(s) is not in this output (its zone left zones); pruning the pool deletes its broker pods with it (they are owned by the pool), and Strimzi's check that refuses removing a broker holding partition replicas covers only pools that stay, so nothing stops the replicas on those brokers going offline: move them off those brokers first (kafka-reassign-partitions), or keep the zone`,
    ]);
  });

  // https://github.com/strimzi/strimzi-kafka-operator/issues/6862: scaling KRaft controllers
  // crashed them with "Configured voter set ... is different from the voter set read from the
  // state file"; Strimzi documents controller scaling as unsupported (#9429, #11598).
  it('warns when kafka.controllers changes (strimzi#6862)', () => {
    const input = specInput(3, 1);
    const before = { ...input, nodes: { ...input.nodes, system: { min: 3, max: 6 } } };
    const after = { ...before, kafka: { ...before.kafka, controllers: 5 } };
    expect(transitions(before, after).warnings).toEqual([
      'kafka.controllers: the KRaft controller pool "controllers" goes from 3 to 5 controllers; Strimzi runs the controllers as a static quorum and does not support scaling a controller pool (strimzi-kafka-operator#9429, #11598): the nodes would restart with a voter set that differs from the one the controllers stored, which Kafka refuses (strimzi-kafka-operator#6862, "Configured voter set ... is different from the voter set read from the state file"); keep 3, unless the Strimzi release you run documents controller scaling',
    ]);
  });

  it('warns exactly for a changed controller count and for each zone that leaves', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 6 }),
        fc.integer({ min: 3, max: 6 }),
        fc.constantFrom(1, 3, 5),
        fc.constantFrom(1, 3, 5),
        (zonesBefore, zonesAfter, controllersBefore, controllersAfter) => {
          const withShape = (zones: number, controllers: number): PlatformSpecInput => {
            const input = specInput(zones, 1);
            return {
              ...input,
              kafka: { ...input.kafka, controllers, topics: [] },
              nodes: { ...input.nodes, system: { min: 3, max: 6 } },
            };
          };
          const warnings = transitions(
            withShape(zonesBefore, controllersBefore),
            withShape(zonesAfter, controllersAfter),
          ).warnings;
          const paths = warnings.map(warning => warning.slice(0, warning.indexOf(':')));
          expect(paths.filter(path => path === 'kafka.controllers')).toHaveLength(
            controllersAfter === controllersBefore ? 0 : 1,
          );
          // one per broker pool that goes, and one for the KRaft controllers' zones it leaves
          const dropped = Math.max(0, zonesBefore - zonesAfter);
          expect(paths.filter(path => path === 'zones')).toHaveLength(
            dropped === 0 ? 0 : dropped + 1,
          );
        },
      ),
      { numRuns: 25 },
    );
  });
});
