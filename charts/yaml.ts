/**
 * YAML for every file synth writes, safe for YAML 1.1 and YAML 1.2 readers alike.
 *
 * A plain (unquoted) scalar means different things to the two versions: `on`, `yes`, `y`, `No`
 * are booleans in YAML 1.1 and strings in 1.2; `1_000` and `1:20` are integers in 1.1 (1000, 80)
 * and strings in 1.2; `0o17` is an integer in 1.2 and a string in 1.1; `2001-12-14` is a timestamp
 * in 1.1. kubectl and many Go tools read YAML 1.1 (go-yaml v2 rules), the `yaml` package here reads
 * 1.2 by default. So every string scalar that either version would read as anything but that same
 * string is written double-quoted. Map keys are scalars too and get the same treatment.
 */
import { Document, parse, visit } from 'yaml';

/** 1.1-only oddities the resolver check below cannot see: the merge key and the value key. */
const ALWAYS_QUOTED = new Set(['<<', '=']);
const verdicts = new Map<string, boolean>();

/**
 * True when a one-line string, written plain, would read back under YAML 1.1 or 1.2 as something
 * other than itself (a boolean, number, null, timestamp, collection, or a trimmed string).
 */
export function readsAsNonString(text: string): boolean {
  if (text.includes('\n')) return false; // written as a block scalar, always a string
  if (ALWAYS_QUOTED.has(text)) return true;
  const known = verdicts.get(text);
  if (known !== undefined) return known;
  let verdict = false;
  for (const version of ['1.1', '1.2'] as const) {
    try {
      if (parse(text, { version }) !== text) verdict = true;
    } catch {
      // Not a valid plain scalar at all: the writer quotes such strings by itself.
    }
  }
  verdicts.set(text, verdict);
  return verdict;
}

/** One YAML document for `value`, with ambiguous strings double-quoted; keys keep their order. */
export function toSafeYaml(value: unknown): string {
  const document = new Document(value);
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && readsAsNonString(node.value)) {
        node.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return document.toString({ lineWidth: 0 });
}

/** Several documents separated by `---`, each as `toSafeYaml` writes it. */
export function toSafeYamlDocuments(values: readonly unknown[]): string {
  return values.map(toSafeYaml).join('---\n');
}
