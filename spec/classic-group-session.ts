/**
 * The session timeout range of classic consumer groups (`group.min.session.timeout.ms`,
 * `group.max.session.timeout.ms`, Kafka defaults 6000 and 1800000).
 *
 * A member of a classic group sends its own session timeout in each JoinGroup request, and the
 * group coordinator of Kafka 4.x answers INVALID_SESSION_TIMEOUT to any value outside the range
 * (`GroupCoordinatorService.joinGroup`); the client treats it as fatal and never joins. Unlike the
 * ranges of the consumer, share and streams protocols, Kafka does not check this one when the
 * broker starts (`GroupCoordinatorConfig` validates only the new protocols), so a minimum above the
 * maximum starts fine and then refuses every classic member: Kafka Connect workers, and consumers
 * and Kafka Streams applications on the classic protocol, which the Java consumer still uses by
 * default in Kafka 4 (`group.protocol=classic`). Users met the error when the broker's range left
 * out their client's value (dpkp/kafka-python#837, zendesk/ruby-kafka#186).
 *
 * An empty range is refused. A range that leaves out a client default is a warning: clients can
 * set their own `session.timeout.ms`, but one left at its default is refused. The defaults: 45000
 * for the Java consumer and Kafka Streams since Kafka 3.0 (KIP-735) and for librdkafka, 10000 for
 * Kafka Connect workers.
 */
import type { SpecIssue } from './errors';
import type { PlatformSpec } from './schema';
import { configWholeNumber } from './config-values';

const MIN_KEY = 'group.min.session.timeout.ms';
const MAX_KEY = 'group.max.session.timeout.ms';
/** Kafka's defaults of the two keys. */
export const CLASSIC_SESSION_DEFAULTS = { [MIN_KEY]: 6000, [MAX_KEY]: 1800000 } as const;
/** Client defaults of `session.timeout.ms` that a classic group member sends. */
export const CLIENT_SESSION_DEFAULTS: ReadonlyArray<readonly [number, string]> = [
  [10000, 'Kafka Connect workers'],
  [45000, 'the Java consumer, Kafka Streams and librdkafka'],
];

/** The effective range, or undefined when a set value is not a whole number (refused elsewhere). */
export function classicSessionRange(
  config: PlatformSpec['kafka']['config'],
): { min: number; max: number } | undefined {
  const read = (key: typeof MIN_KEY | typeof MAX_KEY): number | undefined => {
    const value = config[key];
    if (value === undefined) return CLASSIC_SESSION_DEFAULTS[key];
    return configWholeNumber(value);
  };
  const min = read(MIN_KEY);
  const max = read(MAX_KEY);
  return min === undefined || max === undefined ? undefined : { min, max };
}

function shown(
  config: PlatformSpec['kafka']['config'],
  key: typeof MIN_KEY | typeof MAX_KEY,
  value: number,
): string {
  return config[key] === undefined ? `${key} ${value} (Kafka's default)` : `${key} ${value}`;
}

/** The path of the issue: the key the spec sets (the minimum when it sets both). */
function pathOf(config: PlatformSpec['kafka']['config']): string {
  const key = config[MIN_KEY] !== undefined ? MIN_KEY : MAX_KEY;
  return `kafka.config[${JSON.stringify(key)}]`;
}

/** The problem of an empty range (minimum above maximum). */
export function classicSessionRangeIssues(spec: PlatformSpec): SpecIssue[] {
  const config = spec.kafka.config;
  if (config[MIN_KEY] === undefined && config[MAX_KEY] === undefined) return [];
  const range = classicSessionRange(config);
  if (range === undefined || range.min <= range.max) return [];
  return [
    {
      path: pathOf(config),
      message: `${shown(config, MIN_KEY, range.min)} is above ${shown(config, MAX_KEY, range.max)}, so no session timeout fits: Kafka starts, but answers every classic-protocol JoinGroup with INVALID_SESSION_TIMEOUT, and Kafka Connect workers and consumers and Kafka Streams applications on the classic protocol (the Java consumer's default) never join their groups (dpkp/kafka-python#837); make ${MIN_KEY} at most ${MAX_KEY}, with 45000 and 10000 inside the range`,
    },
  ];
}

/** The warning when a non-empty range leaves out a client's default session timeout. */
export function classicSessionRangeWarnings(spec: PlatformSpec): SpecIssue[] {
  const config = spec.kafka.config;
  if (config[MIN_KEY] === undefined && config[MAX_KEY] === undefined) return [];
  const range = classicSessionRange(config);
  if (range === undefined || range.min > range.max) return [];
  const outside = CLIENT_SESSION_DEFAULTS.filter(
    ([timeout]) => timeout < range.min || timeout > range.max,
  );
  if (outside.length === 0) return [];
  const which = outside.map(([timeout, clients]) => `${timeout} (${clients})`).join(' and ');
  return [
    {
      path: pathOf(config),
      message: `the classic group session timeout range (${shown(config, MIN_KEY, range.min)} to ${shown(config, MAX_KEY, range.max)} ms) leaves out the default session.timeout.ms ${which}, so such a client left at its default fails to join its group with INVALID_SESSION_TIMEOUT (dpkp/kafka-python#837, zendesk/ruby-kafka#186); widen the range, or make sure every such client sets a session.timeout.ms inside it`,
    },
  ];
}
