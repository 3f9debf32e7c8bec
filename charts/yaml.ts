/**
 * YAML for every file synth writes, safe for YAML 1.1 and YAML 1.2 readers alike.
 *
 * A plain (unquoted) scalar means different things to the two versions: `on`, `yes`, `y`, `No`
 * are booleans in YAML 1.1 and strings in 1.2; `1_000` and `1:20` are integers in 1.1 (1000, 80)
 * and strings in 1.2; `0o17` is an integer in 1.2 and a string in 1.1; `2001-12-14` is a timestamp
 * in 1.1. kubectl and many Go tools read YAML 1.1 (go-yaml v2 rules), the `yaml` package here reads
 * 1.2 by default. So every string scalar that either version, or go-yaml v2's own resolver (see
 * `goYamlReadsAsNonString`), would read as anything but that same string is written double-quoted. Map keys are scalars too and get the same treatment.
 */
import { Document, parse, visit } from 'yaml';

/** 1.1-only oddities the resolver check below cannot see: the merge key and the value key. */
const ALWAYS_QUOTED = new Set(['<<', '=']);
const verdicts = new Map<string, boolean>();

/**
 * The plain scalars go-yaml v2 reads as something other than a string. kubectl, the API server
 * and client-go read manifests through sigs.k8s.io/yaml, which uses go-yaml v2's resolver
 * (`resolve.go`): a table of words (booleans `y`/`yes`/`on`/... in three casings, nulls, `.inf`,
 * `.nan`, `<<`); for a scalar starting with a digit, `+` or `-`: a timestamp (`YYYY-M-D`, with an
 * optional time), then, with every `_` removed, Go's `strconv.ParseInt(text, 0, 64)` (which takes
 * `0x`, `0o`, `0b` prefixes in either case, and a leading `0` as octal), `ParseUint`, and a YAML
 * style float; for one starting with `.`, Go's `ParseFloat`. Those rules differ from the `yaml`
 * package's YAML 1.1 schema in a few places (`0X1F`, `0O17`, `0B101`, `2026-1-5`), so they are
 * checked here on their own. The patterns may match a little more than go-yaml does; quoting a
 * string that needed no quotes is harmless.
 */
const GO_YAML_WORDS = new Set(
  [
    'y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE',
    'n|N|no|No|NO|off|Off|OFF|false|False|FALSE',
    '~|null|Null|NULL',
    '.nan|.NaN|.NAN|.inf|.Inf|.INF|+.inf|+.Inf|+.INF|-.inf|-.Inf|-.INF|<<',
  ].flatMap(words => words.split('|')),
);
const GO_INT = /^[+-]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/;
const GO_YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$/;

/** True when go-yaml v2 (kubectl, the API server) would read plain `text` as a non-string. */
export function goYamlReadsAsNonString(text: string): boolean {
  if (text === '' || GO_YAML_WORDS.has(text)) return true;
  const first = text.charAt(0);
  if (first === '.') return GO_YAML_FLOAT.test(text);
  if (!/[0-9+-]/.test(first)) return false;
  if (GO_TIMESTAMP.test(text)) return true;
  const plain = text.replace(/_/g, '');
  return GO_INT.test(plain) || GO_YAML_FLOAT.test(plain);
}

/**
 * One line of printable ASCII that starts with a letter or `/`, has no `: ` and no ` #` (nor a
 * `:` at its end), no tab and no two spaces in a row, and does not end in a space. No YAML 1.1 or
 * 1.2 rule gives such a plain scalar any type but string, except the words of booleans and nulls,
 * which are all in `GO_YAML_WORDS`: numbers, timestamps and sexagesimals start with a digit or
 * sign; `.inf` and `.nan` with a dot; indicators count only at the start, or as `: ` and ` #`
 * (flow indicators like `,[]{}` are plain text outside flow collections). One exception is left
 * out of the class: YAML 1.1 floats may drop the mantissa (`e5`, `E-3`), so text starting with `e`
 * or `E` and a digit or sign goes to the parser. Most strings synth writes (names, labels, images,
 * paths, URLs, descriptions) are such text; deciding them without parsing keeps synth's start-up
 * short. A property test checks this against {@link parsesAsNonString}.
 */
export const PLAIN_WORD = /^(?![eE][-+]?[0-9])[A-Za-z/](?:[!-9;-~]|:(?=[!-~])| (?=[!-"$-~]))*$/;

/**
 * True when the `yaml` package reads plain `text` under YAML 1.1 or 1.2 as anything but `text`
 * itself (text that is not a valid plain scalar at all counts as false: the writer quotes such
 * strings by itself).
 */
export function parsesAsNonString(text: string): boolean {
  let verdict = false;
  for (const version of ['1.1', '1.2'] as const) {
    try {
      if (parse(text, { version, logLevel: 'error' }) !== text) verdict = true;
    } catch {
      // Not a valid plain scalar at all: the writer quotes such strings by itself.
    }
  }
  return verdict;
}

/**
 * True when a one-line string, written plain, would read back under YAML 1.1 or 1.2 as something
 * other than itself (a boolean, number, null, timestamp, collection, or a trimmed string).
 */
export function readsAsNonString(text: string): boolean {
  if (text.includes('\n')) return false; // written as a block scalar, always a string
  if (ALWAYS_QUOTED.has(text)) return true;
  const known = verdicts.get(text);
  if (known !== undefined) return known;
  const verdict = PLAIN_WORD.test(text)
    ? GO_YAML_WORDS.has(text)
    : goYamlReadsAsNonString(text) || parsesAsNonString(text);
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
