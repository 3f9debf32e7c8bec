/**
 * Round 16: a broker switch this platform's operations rely on, `controlled.shutdown.enable`, joins
 * the kept switches of spec/kafka-config.ts (`BROKER_SWITCHES`): without it a KRaft broker stops
 * without handing its partition leaders over, on every Strimzi roll and every scale-in. The CLI
 * refusal is in strimzi-reports-16-cli.test.ts. `auto.leader.rebalance.enable: false` is the
 * legitimate but risky neighbour: a warning (strimzi/strimzi-kafka-operator#5564).
 */
import fc from 'fast-check';
import { parseSpec } from '../../spec/load';
import { kafkaConfigProblems, specInput } from '../util/specs';

const PATH = 'kafka.config["controlled.shutdown.enable"]';

function shutdownProblems(value: string | boolean): string[] {
  return kafkaConfigProblems({ 'controlled.shutdown.enable': value }).filter(p =>
    p.startsWith(PATH),
  );
}

describe('round 16, class: a broker switch the rolls and scale-ins rely on', () => {
  it('throws on controlled.shutdown.enable: false', () => {
    expect(shutdownProblems(false)).toEqual([
      `${PATH}: false makes every broker stop without handing its partition leaders over first, and this platform stops brokers on every Strimzi roll and every scale-in, so each stop leaves the broker's partitions leaderless until the controllers fence it (broker.session.timeout.ms) and clients fail meanwhile; leave it out`,
    ]);
  });

  it('property: refused for every spelling Kafka reads as false, accepted for true', () => {
    const casings = (word: string) =>
      fc
        .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
        .map(upper => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    fc.assert(
      fc.property(fc.oneof(casings('false'), fc.constant(false)), value => {
        expect(shutdownProblems(value)).toHaveLength(1);
      }),
    );
    fc.assert(
      fc.property(fc.oneof(casings('true'), fc.constant(true)), value => {
        expect(shutdownProblems(value)).toEqual([]);
      }),
    );
  });

  it('a value that is no boolean is named as such', () => {
    expect(shutdownProblems('no')).toEqual([
      `${PATH}: "no" is not a boolean Kafka accepts; write true`,
    ]);
  });
});

describe('round 16, class: a broker switch the rolls lean on but that is legitimate (warned)', () => {
  const REBALANCE = 'kafka.config["auto.leader.rebalance.enable"]';

  function rebalanceWarnings(value: string | boolean): string[] {
    const base = specInput(3, 1);
    return parseSpec({
      ...base,
      kafka: { ...base.kafka, config: { 'auto.leader.rebalance.enable': value } },
    })
      .warnings.map(w => `${w.path}: ${w.message}`)
      .filter(w => w.startsWith(REBALANCE));
  }

  it('warns on auto.leader.rebalance.enable: false, and does not refuse it', () => {
    expect(kafkaConfigProblems({ 'auto.leader.rebalance.enable': false })).toEqual([]);
    expect(rebalanceWarnings(false)).toEqual([
      `${REBALANCE}: false stops the controllers from moving leaders back to their preferred replicas, and neither Strimzi's rolling restarts nor this platform's scale-outs and broker moves elect them (the last broker rolled leads nothing afterwards, strimzi/strimzi-kafka-operator#5564), so after each roll leadership and produce traffic pile up on the other brokers; leave it out, or run kafka-leader-election --election-type PREFERRED --all-topic-partitions after every roll and move`,
    ]);
  });

  it('property: warned for every spelling of false, silent for true', () => {
    const casings = (word: string) =>
      fc
        .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
        .map(upper => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    fc.assert(
      fc.property(fc.oneof(casings('false'), casings('true')), value => {
        expect(rebalanceWarnings(value)).toHaveLength(value.toLowerCase() === 'false' ? 1 : 0);
      }),
      { numRuns: 40 },
    );
  });
});
