/**
 * Class: a `group.coordinator.rebalance.protocols` list without `classic`. Kafka's broker
 * configuration (`KafkaConfig.groupCoordinatorRebalanceProtocols`, core/src/main/scala/kafka/server/
 * KafkaConfig.scala in apache/kafka, 3.7 through the 4.2 line) throws a ConfigException at start
 * when the list leaves out the classic protocol, so no broker starts. The check was kept when the
 * ZooKeeper-only parts around it went (apache/kafka#18320, KAFKA-18341) and when `share` left the
 * list (apache/kafka#20466). Kafka 4.3 deprecates the key (KIP-1237, apache/kafka#21522); whether
 * 4.3 still refuses the list was not verified, so there it is a warning.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import { SUPPORTED_KAFKA_VERSIONS } from '../../spec/kafka-versions';
import { specInput, specProblems } from '../util/specs';

const KEY = 'group.coordinator.rebalance.protocols';

function withProtocols(protocols: string, version = '4.2.1'): PlatformSpecInput {
  const base = specInput(3, 1);
  return { ...base, kafka: { ...base.kafka, version, config: { [KEY]: protocols } } };
}

const classicProblems = (input: PlatformSpecInput): string[] =>
  specProblems(input).filter(problem => problem.includes('classic protocol'));

const classicWarnings = (input: PlatformSpecInput): string[] =>
  parseSpec(input)
    .warnings.filter(warning => warning.message.includes('classic protocol'))
    .map(warning => `${warning.path}: ${warning.message}`);

describe('class: group.coordinator.rebalance.protocols without classic', () => {
  it('throws on Kafka 4.2 when the list is "consumer" only (Kafka: "Disabling the \'CLASSIC\' protocol is not supported")', () => {
    expect(classicProblems(withProtocols('consumer'))).toEqual([
      `kafka.config["${KEY}"]: "consumer" leaves out the classic protocol, which Kafka 4.2 refuses at broker start ("Disabling the 'CLASSIC' protocol is not supported", KafkaConfig), so no broker would start; keep classic in the list, e.g. "classic,consumer,streams", or leave the key out for Kafka's default`,
    ]);
  });

  it('warns, and does not refuse, on Kafka 4.3, which deprecates the key (KIP-1237)', () => {
    const input = withProtocols('consumer,streams', '4.3.1');
    expect(classicProblems(input)).toEqual([]);
    expect(classicWarnings(input)).toEqual([
      `kafka.config["${KEY}"]: "consumer,streams" leaves out the classic protocol, which Kafka up to 4.2 refuses at broker start ("Disabling the 'CLASSIC' protocol is not supported"), and Kafka 4.3 deprecates this key (KIP-1237); keep classic in the list, or leave the key out (Kafka's default enables every protocol)`,
    ]);
  });

  it('accepts every list with classic, and the key left out', () => {
    for (const version of SUPPORTED_KAFKA_VERSIONS) {
      expect(classicProblems(withProtocols('classic', version))).toEqual([]);
      expect(classicProblems(withProtocols('classic,consumer,streams', version))).toEqual([]);
      expect(classicWarnings(withProtocols('consumer,classic', version))).toEqual([]);
    }
    expect(classicProblems(specInput(3, 1))).toEqual([]);
  });

  it('property: refused on 4.2 and warned on 4.3 exactly when a non-empty valid list lacks classic', () => {
    const protocols = fc.subarray(['classic', 'consumer', 'share', 'streams'], { minLength: 1 });
    fc.assert(
      fc.property(protocols, fc.constantFrom(...SUPPORTED_KAFKA_VERSIONS), (list, version) => {
        const input = withProtocols(list.join(','), version);
        const lacksClassic = !list.includes('classic');
        const on42 = version.startsWith('4.2.');
        expect(classicProblems(input)).toHaveLength(lacksClassic && on42 ? 1 : 0);
        if (!(lacksClassic && on42)) {
          expect(classicWarnings(input)).toHaveLength(lacksClassic ? 1 : 0);
        }
      }),
      { numRuns: 40 },
    );
  });
});
