/**
 * Keys Strimzi lets through although a forbidden prefix matches: broker.session.timeout.ms,
 * broker.heartbeat.interval.ms and controller.socket.timeout.ms (Strimzi 0.48.0) and the
 * listener-prefixed connection limits (0.51.0) were refused as reserved.
 */
import { forbiddenBrokerKey } from '../../spec/kafka-config';
import { kafkaConfigProblems as problemsOf } from '../util/specs';

describe('keys Strimzi lets through are not refused as reserved', () => {
  it('accepts the three keys Strimzi 0.48 made configurable', () => {
    for (const key of [
      'broker.session.timeout.ms',
      'broker.heartbeat.interval.ms',
      'controller.socket.timeout.ms',
    ]) {
      expect(forbiddenBrokerKey(key)).toBeUndefined();
      expect(problemsOf({ [key]: 9000 })).toEqual([]);
    }
  });

  it('accepts the listener-prefixed connection limits Strimzi 0.51 allows, not other listener keys', () => {
    // Keys Kafka reads per listener, on listeners the cluster has (the SCRAM external listener for
    // re-authentication); the others are refused by spec/kafka-listeners.ts (strimzi-reports-9).
    for (const key of [
      'listener.name.external-9094.max.connections',
      'listener.name.external-9094.max.connection.creation.rate',
      'listener.name.tls-9093.max.connection.creation.rate',
      'listener.name.external-9094.connections.max.reauth.ms',
    ]) {
      expect(forbiddenBrokerKey(key)).toBeUndefined();
      expect(problemsOf({ [key]: 100 })).toEqual([]);
    }
    for (const key of [
      'listener.name.tls-9093.ssl.keystore.location',
      'listener.name.tls-9093.sasl.enabled.mechanisms',
      'listener.security.protocol.map',
      'broker.rack',
    ]) {
      expect(forbiddenBrokerKey(key)?.by).toBe('Strimzi');
    }
  });
});
