/**
 * How Kafka reads a setting's value, for the rule modules that judge `kafka.config` and
 * `kafka.topics[].config` (one reading, so no rule judges a spelling another rule reads otherwise).
 *
 * Facts: Kafka's `ConfigDef.parseType` trims a string value before parsing it, and parses `INT`,
 * `SHORT` and `LONG` with Java's `Integer.parseInt` / `Short.parseShort` / `Long.parseLong`, which
 * accept one leading `+` or `-` and decimal digits only (no exponent, no fraction, no hex).
 */

/** A setting's value as the spec holds it (YAML scalar). */
export type ConfigValue = string | number | boolean;

/**
 * A whole-number setting as Kafka reads it: a YAML integer, or a string of decimal digits with an
 * optional sign and surrounding whitespace. Undefined for anything else (absent, a boolean, a
 * fraction, an exponent, hex), and for a value beyond 2^53 - 1 in size (not exact as a JavaScript
 * number; the type and range checks of kafka-config.ts report those).
 */
export function configWholeNumber(value: ConfigValue | undefined): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  const text = value.trim();
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const parsed = Number(text);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}
