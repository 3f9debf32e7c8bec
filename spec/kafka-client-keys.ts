/**
 * Keys that belong to Kafka clients, not to the broker, written in `kafka.config`.
 *
 * The broker reads only the keys its own `ConfigDef` defines and logs every other one as "supplied
 * but isn't a known config", so a producer, consumer, Kafka Streams or Kafka Connect setting in the
 * broker map changes nothing: strimzi/strimzi-kafka-operator#8302 put `max.request.size` (and
 * `request.max.bytes`, which no Kafka component defines) into `Kafka.spec.kafka.config` and the
 * larger messages were still refused.
 *
 * Facts, re-typed by name only: the producer, consumer, Kafka Streams and Kafka Connect worker
 * configuration tables of the Apache Kafka 4.x documentation ("Producer Configs", "Consumer
 * Configs", "Kafka Streams Configs", "Kafka Connect Configs"). A name one of those tables shares
 * with the broker table (`compression.type`, `fetch.max.bytes`, `connections.max.idle.ms`, ...) is
 * a broker key and is left out; test/spec/strimzi-reports-3.test.ts checks that no name here is in
 * the Kafka 4.3 broker table (`kafka-broker-key-names.ts`). Names ending in `.class`/`.classes`
 * (`partitioner.class`, `interceptor.classes`) are left out too: the plugin-class rule refuses
 * them.
 */

/** The client a key belongs to. */
export type KafkaClientKind =
  'client' | 'producer' | 'consumer' | 'Kafka Streams' | 'Kafka Connect';

/** Client-only keys (not in the broker table), by the client that reads them. */
export const KAFKA_CLIENT_ONLY_KEYS: Readonly<Record<string, KafkaClientKind>> = {
  'bootstrap.servers': 'client',
  'client.dns.lookup': 'client',
  'client.id': 'client',
  'enable.metrics.push': 'client',
  'metadata.max.age.ms': 'client',
  'receive.buffer.bytes': 'client',
  'reconnect.backoff.max.ms': 'client',
  'reconnect.backoff.ms': 'client',
  'retry.backoff.max.ms': 'client',
  'retry.backoff.ms': 'client',
  'send.buffer.bytes': 'client',
  acks: 'producer',
  'batch.size': 'producer',
  'buffer.memory': 'producer',
  'delivery.timeout.ms': 'producer',
  'enable.idempotence': 'producer',
  'key.serializer': 'producer',
  'linger.ms': 'producer',
  'max.block.ms': 'producer',
  'max.in.flight.requests.per.connection': 'producer',
  'max.request.size': 'producer',
  'partitioner.adaptive.partitioning.enable': 'producer',
  'partitioner.availability.timeout.ms': 'producer',
  'partitioner.ignore.keys': 'producer',
  retries: 'producer',
  'transaction.timeout.ms': 'producer',
  'transactional.id': 'producer',
  'value.serializer': 'producer',
  'allow.auto.create.topics': 'consumer',
  'auto.commit.interval.ms': 'consumer',
  'auto.offset.reset': 'consumer',
  'check.crcs': 'consumer',
  'client.rack': 'consumer',
  'default.api.timeout.ms': 'consumer',
  'enable.auto.commit': 'consumer',
  'exclude.internal.topics': 'consumer',
  'fetch.max.wait.ms': 'consumer',
  'fetch.min.bytes': 'consumer',
  'group.id': 'consumer',
  'group.instance.id': 'consumer',
  'group.protocol': 'consumer',
  'group.remote.assignor': 'consumer',
  'heartbeat.interval.ms': 'consumer',
  'isolation.level': 'consumer',
  'key.deserializer': 'consumer',
  'max.partition.fetch.bytes': 'consumer',
  'max.poll.interval.ms': 'consumer',
  'max.poll.records': 'consumer',
  'partition.assignment.strategy': 'consumer',
  'session.timeout.ms': 'consumer',
  'value.deserializer': 'consumer',
  'metadata.max.idle.ms': 'producer',
  'share.acknowledgement.mode': 'consumer',
  'application.id': 'Kafka Streams',
  'application.server': 'Kafka Streams',
  'cache.max.bytes.buffering': 'Kafka Streams',
  'default.key.serde': 'Kafka Streams',
  'default.value.serde': 'Kafka Streams',
  'statestore.cache.max.bytes': 'Kafka Streams',
  'topology.optimization': 'Kafka Streams',
  'commit.interval.ms': 'Kafka Streams',
  'num.standby.replicas': 'Kafka Streams',
  'num.stream.threads': 'Kafka Streams',
  'processing.guarantee': 'Kafka Streams',
  'replication.factor': 'Kafka Streams',
  'state.dir': 'Kafka Streams',
  'config.storage.replication.factor': 'Kafka Connect',
  'config.storage.topic': 'Kafka Connect',
  'offset.storage.replication.factor': 'Kafka Connect',
  'status.storage.replication.factor': 'Kafka Connect',
  'key.converter': 'Kafka Connect',
  'offset.flush.interval.ms': 'Kafka Connect',
  'offset.storage.topic': 'Kafka Connect',
  'plugin.path': 'Kafka Connect',
  'status.storage.topic': 'Kafka Connect',
  'value.converter': 'Kafka Connect',
};

/**
 * The broker key that bounds or serves the same purpose as a client key, where there is one: the
 * broker's own message size limit, the group coordinator's session and heartbeat settings (Kafka
 * 4.x consumer group protocol, KIP-848; the classic protocol's bounds), the transaction timeout
 * ceiling, and the streams-group standby count (KIP-1071, Kafka 4.1+).
 */
const BROKER_COUNTERPART: Readonly<Record<string, string>> = {
  'max.request.size':
    'the broker-side limit is message.max.bytes here, or max.message.bytes in kafka.topics[].config',
  'session.timeout.ms':
    'the broker-side settings are group.consumer.session.timeout.ms (with its min and max) and, for the classic protocol, group.min.session.timeout.ms and group.max.session.timeout.ms',
  'heartbeat.interval.ms':
    'the broker-side setting is group.consumer.heartbeat.interval.ms (with its min and max)',
  'transaction.timeout.ms': 'the broker-side ceiling is transaction.max.timeout.ms',
  'num.standby.replicas': 'the broker-side setting is group.streams.num.standby.replicas',
  'replication.factor': 'the broker-side default for new topics is kafka.replicationFactor',
  'send.buffer.bytes': 'the broker-side setting is socket.send.buffer.bytes',
  'receive.buffer.bytes': 'the broker-side setting is socket.receive.buffer.bytes',
};

/** Where each kind of client key is set. */
const CONFIGURED_IN: Readonly<Record<KafkaClientKind, string>> = {
  client: 'clients (producers, consumers, admin clients)',
  producer: 'producers',
  consumer: 'consumers',
  'Kafka Streams': 'Kafka Streams applications',
  'Kafka Connect': 'Kafka Connect workers',
};

/**
 * The message for a client-only key in `kafka.config`, or undefined for any other key. The message
 * says which client reads it and, where one exists, the broker key to use instead.
 */
export function clientKeyInBrokerConfig(key: string): string | undefined {
  const kind = KAFKA_CLIENT_ONLY_KEYS[key];
  if (kind === undefined) return undefined;
  const counterpart = BROKER_COUNTERPART[key];
  const owner = kind === 'client' ? 'Kafka client' : kind;
  return `is a ${owner} setting, not a broker key, so the broker ignores it (strimzi-kafka-operator#8302); set it in the configuration of the ${CONFIGURED_IN[kind]}${counterpart === undefined ? '' : `; ${counterpart}`}`;
}
