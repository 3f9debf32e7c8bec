/**
 * `group.coordinator.rebalance.protocols` in `kafka.config` without the classic protocol.
 *
 * Facts (apache/kafka, core/src/main/scala/kafka/server/KafkaConfig.scala,
 * `groupCoordinatorRebalanceProtocols`): from 3.7 through the 4.2 line the broker reads the list
 * at start and throws a ConfigException ("Disabling the 'CLASSIC' protocol is not supported") when
 * it lacks `classic`, so the broker does not start. Kafka 4.0 kept the check when it dropped the
 * ZooKeeper-only warnings beside it (apache/kafka#18320, KAFKA-18341), and 4.2 kept it when
 * `share` stopped being read from the list (apache/kafka#20466). Kafka 4.3 deprecates the key for
 * removal in 5.0 (KIP-1237, apache/kafka#21522); whether 4.3 still throws was not verified, so a
 * 4.3 spec gets a warning and a 4.2 spec a problem. Each list entry's name is checked in
 * kafka-config.ts (`groupListIssues`), an empty list by its value rule; both are left to them.
 */
import { showValue, type SpecIssue } from './errors';
import type { PlatformSpec } from './schema';

const KEY = 'group.coordinator.rebalance.protocols';
const PATH = `kafka.config[${JSON.stringify(KEY)}]`;
const KNOWN = new Set(['classic', 'consumer', 'share', 'streams']);

/** The Kafka lines whose broker is known to refuse a list without classic. */
const REFUSING_LINES = ['4.0', '4.1', '4.2'];

/**
 * The protocol list when it is a non-empty list of known names without `classic`; undefined
 * otherwise (left out, empty, holding an unknown name, or holding classic).
 */
function listWithoutClassic(spec: PlatformSpec): string | undefined {
  const value = spec.kafka.config[KEY];
  if (value === undefined) return undefined;
  const entries = String(value)
    .split(',')
    .map(entry => entry.trim())
    .filter(entry => entry !== '');
  if (entries.length === 0 || entries.some(entry => !KNOWN.has(entry))) return undefined;
  return entries.includes('classic') ? undefined : String(value);
}

function refusingLine(version: string): boolean {
  return REFUSING_LINES.some(line => version === line || version.startsWith(`${line}.`));
}

/** The problem with a list without classic on a Kafka line that refuses it at start. */
export function rebalanceProtocolIssues(spec: PlatformSpec): SpecIssue[] {
  const list = listWithoutClassic(spec);
  if (list === undefined || !refusingLine(spec.kafka.version)) return [];
  const line = spec.kafka.version.split('.').slice(0, 2).join('.');
  return [
    {
      path: PATH,
      message: `${showValue(list)} leaves out the classic protocol, which Kafka ${line} refuses at broker start ("Disabling the 'CLASSIC' protocol is not supported", KafkaConfig), so no broker would start; keep classic in the list, e.g. "classic,consumer,streams", or leave the key out for Kafka's default`,
    },
  ];
}

/** The same list on a later line (4.3 deprecates the key, KIP-1237): a warning. */
export function rebalanceProtocolWarnings(spec: PlatformSpec): SpecIssue[] {
  const list = listWithoutClassic(spec);
  if (list === undefined || refusingLine(spec.kafka.version)) return [];
  return [
    {
      path: PATH,
      message: `${showValue(list)} leaves out the classic protocol, which Kafka up to 4.2 refuses at broker start ("Disabling the 'CLASSIC' protocol is not supported"), and Kafka 4.3 deprecates this key (KIP-1237); keep classic in the list, or leave the key out (Kafka's default enables every protocol)`,
    },
  ];
}
