/**
 * Reads a spec from YAML or JSON, checks its structure (types, unknown keys) and then its rules,
 * and fills in defaults. Every problem is collected and thrown at once in one `SpecError`.
 */
import { readFileSync } from 'node:fs';
import { closest } from 'fastest-levenshtein';
import { isNode, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { derivePlatform, type PlatformPlan } from './derive';
import { SpecError, formatPath, showValue, type SpecIssue } from './errors';
import { pathWithin, rulesIndependentOf } from './rule-reads';
import { checkRules, warningsFor } from './rules';
import { platformSpecSchema, type PlatformSpec } from './schema';

/** A validated spec, the numbers derived from it, and advice that did not stop it. */
export interface LoadedSpec {
  readonly spec: PlatformSpec;
  readonly plan: PlatformPlan;
  readonly warnings: readonly SpecIssue[];
}

type AnySchema = z.core.$ZodType;

/** The object keys the schema accepts at `path`, for "did you mean". */
export function keysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let current: AnySchema | undefined = schema;
  const unwrap = (node: AnySchema): AnySchema => {
    let inner = node;
    for (;;) {
      const def = inner._zod.def as { type: string; innerType?: AnySchema };
      if (def.innerType === undefined) return inner;
      inner = def.innerType;
    }
  };
  for (const segment of path) {
    if (current === undefined) return [];
    const def = unwrap(current)._zod.def as {
      type: string;
      shape?: Record<string, AnySchema>;
      element?: AnySchema;
      valueType?: AnySchema;
    };
    if (def.type === 'object' && def.shape !== undefined) current = def.shape[String(segment)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return [];
  }
  if (current === undefined) return [];
  const def = unwrap(current)._zod.def as { type: string; shape?: Record<string, AnySchema> };
  return def.type === 'object' && def.shape !== undefined ? Object.keys(def.shape) : [];
}

/**
 * The allowed key a typo most likely meant: among keys sharing its first four letters the closest
 * by edit distance, else the closest of all.
 */
export function suggestKey(typo: string, allowed: readonly string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const stem = typo.slice(0, 4).toLowerCase();
  const sameStem = allowed.filter(key => key.toLowerCase().startsWith(stem));
  return closest(typo, sameStem.length > 0 ? [...sameStem] : [...allowed]);
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current = raw;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * The source text of the value at a path of the spec, as the user wrote it (`1.30`, not the number
 * 1.3 it reads as); undefined when unknown (a spec given as an object, an alias, a missing node).
 */
type SourceTextAt = (path: readonly PropertyKey[]) => string | undefined;

/** `SourceTextAt` of a parsed YAML (or JSON) document and its text, from the node's range. */
function documentSourceText(document: Document, text: string): SourceTextAt {
  return path => {
    const node: unknown = document.getIn(
      path.map(segment => (typeof segment === 'symbol' ? String(segment) : segment)),
      true,
    );
    if (!isNode(node) || node.range === undefined || node.range === null) return undefined;
    const written = text.slice(node.range[0], node.range[1]).trim();
    return written === '' ? undefined : written;
  };
}

/**
 * The message for a number where the schema takes a string (a version such as
 * `kafka.version: 4.3` or `cluster.kubernetesVersion: 1.30`, which YAML reads as 1.3): say to quote
 * it and show the quoted form of what was written, when the source text is known.
 */
function quoteNumberMessage(value: number, written: string | undefined): string {
  const shown = written ?? showValue(value);
  const readAs =
    written === undefined || written === String(value)
      ? `${shown} is a number, not a string`
      : `${shown} is read as the number ${showValue(value)}, not a string`;
  return `${readAs}; quote it to keep it as written: ${JSON.stringify(shown)}`;
}

function structuralIssue(
  raw: unknown,
  zodIssue: z.core.$ZodIssue,
  sourceTextAt: SourceTextAt = () => undefined,
): SpecIssue[] {
  const path = formatPath(zodIssue.path);
  if (zodIssue.code === 'unrecognized_keys') {
    const allowed = keysAt(platformSpecSchema, zodIssue.path);
    return zodIssue.keys.map(key => {
      const suggestion = suggestKey(key, allowed);
      const keyPath = path === '' ? key : `${path}.${key}`;
      const hint =
        suggestion === undefined
          ? 'remove it'
          : `did you mean "${suggestion}"? Allowed here: ${allowed.join(', ')}`;
      return { path: keyPath, message: `unknown key; ${hint}` };
    });
  }
  const value = valueAt(raw, zodIssue.path);
  if (zodIssue.code === 'invalid_type') {
    if (zodIssue.expected === 'string' && typeof value === 'number') {
      return [{ path, message: quoteNumberMessage(value, sourceTextAt(zodIssue.path)) }];
    }
    const kind = typeNoun(zodIssue.expected);
    const message =
      value === undefined
        ? `is required; add ${kind}`
        : `${showValue(value)} is not ${kind}; write ${kind}`;
    return [{ path, message }];
  }
  if (zodIssue.code === 'invalid_value') {
    const choices = zodIssue.values.map(v => showValue(v)).join(', ');
    return [{ path, message: `${showValue(value)} is not allowed; use one of ${choices}` }];
  }
  if (zodIssue.code === 'too_small' || zodIssue.code === 'too_big') {
    return [{ path, message: boundMessage(value, zodIssue) }];
  }
  return [{ path, message: `${showValue(value)}: ${zodIssue.message}` }];
}

/**
 * A zod type name as a message reads it, with its article: `int` is `a whole number`, `object`
 * and `record` `a mapping`, `array` `a list`, any other name `a`/`an` and the name.
 */
function typeNoun(expected: string): string {
  if (expected === 'int') return 'a whole number';
  if (expected === 'object' || expected === 'record') return 'a mapping';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/**
 * The message of a value outside a schema bound (`.min`, `.max`, `.positive`, `.gt` on numbers,
 * lengths of strings and lists): the value, the bound it breaks and the value range to use, for
 * example `0 is too small; use a number above 0` or `30 is too big; use at most 14`.
 */
function boundMessage(
  value: unknown,
  zodIssue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
): string {
  const small = zodIssue.code === 'too_small';
  const bound = Number(small ? zodIssue.minimum : zodIssue.maximum);
  const what = small ? 'too small' : 'too big';
  if (zodIssue.origin === 'number' || zodIssue.origin === 'int') {
    const fix = zodIssue.inclusive
      ? `use ${small ? 'at least' : 'at most'} ${bound}`
      : `use a number ${small ? 'above' : 'below'} ${bound}`;
    return `${showValue(value)} is ${what}; ${fix}`;
  }
  const unit = zodIssue.origin === 'string' ? 'characters' : 'entries';
  const limit = zodIssue.inclusive ? bound : small ? bound + 1 : bound - 1;
  const size =
    typeof value === 'string' || Array.isArray(value) ? ` (${value.length} ${unit})` : '';
  return `${showValue(value)} is ${what}${size}; use ${small ? 'at least' : 'at most'} ${limit} ${unit}`;
}

function deleteAt(root: unknown, path: readonly PropertyKey[]): void {
  const holder = valueAt(root, path.slice(0, -1));
  if (holder === null || typeof holder !== 'object') return;
  const last = path[path.length - 1];
  if (last === undefined) return;
  if (Array.isArray(holder) && typeof last === 'number') holder.splice(last, 1, undefined);
  else delete (holder as Record<PropertyKey, unknown>)[last];
}

/**
 * The rule problems of a spec that also has structural problems, so one run reports both: unknown
 * keys are dropped and every structurally bad value is removed (its default applies; a required
 * field gets a placeholder the schema takes), then the rules run on what remains. A rule that reads
 * a removed field would judge a value the user never wrote, so its problems are left out and the
 * field is named in the notes instead (`rulesIndependentOf`); every other rule reports now.
 */
function rulesBeyondStructure(
  raw: object,
  zodIssues: readonly z.core.$ZodIssue[],
): { readonly issues: SpecIssue[]; readonly notes: SpecIssue[] } {
  const copy = structuredClone(raw) as Record<PropertyKey, unknown>;
  const removed: string[] = [];
  const removedSegments = new Map<string, readonly PropertyKey[]>();
  let pending = zodIssues;
  for (let round = 0; round < 5 && pending.length > 0; round++) {
    for (const zodIssue of pending) {
      if (zodIssue.code === 'unrecognized_keys') {
        const holder = valueAt(copy, zodIssue.path) as Record<string, unknown>;
        for (const key of zodIssue.keys) delete holder[key];
        continue;
      }
      const path = formatPath(zodIssue.path);
      if (!removed.includes(path)) removed.push(path);
      removedSegments.set(path, zodIssue.path);
      if (valueAt(copy, zodIssue.path) === undefined || !placeholderFits(copy, zodIssue.path)) {
        // Required (or still failing after its default): any value the schema takes stands in.
        if (!placePlaceholder(copy, zodIssue.path))
          return { issues: [], notes: deferredNotes(removed) };
      }
    }
    const reparsed = platformSpecSchema.safeParse(copy);
    if (reparsed.success) {
      const failed = removed.map(path => ({
        path,
        segments: removedSegments.get(path) ?? [],
        values: fewValuesAt(platformSpecSchema, removedSegments.get(path) ?? []),
      }));
      const { issues, deferred } = rulesIndependentOf(reparsed.data, failed);
      return {
        issues: issues.filter(ruleIssue => !removed.some(path => pathWithin(ruleIssue.path, path))),
        notes: deferredNotes(deferred),
      };
    }
    pending = reparsed.error.issues;
  }
  return { issues: [], notes: deferredNotes(removed) };
}

/**
 * Every value the field at `path` may take when there are few: an enum's values, or true and false
 * for a boolean; undefined for any other field (or one inside a list or record).
 */
export function fewValuesAt(
  schema: AnySchema,
  path: readonly PropertyKey[],
): readonly unknown[] | undefined {
  let current: AnySchema | undefined = schema;
  const unwrap = (node: AnySchema): AnySchema => {
    let inner = node;
    for (;;) {
      const def = inner._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
      if (def.innerType !== undefined) inner = def.innerType;
      else if (def.type === 'pipe' && def.in !== undefined) inner = def.in;
      else return inner;
    }
  };
  for (const segment of path) {
    if (current === undefined) return undefined;
    const def = unwrap(current)._zod.def as { type: string; shape?: Record<string, AnySchema> };
    if (def.type !== 'object' || def.shape === undefined) return undefined;
    current = def.shape[String(segment)];
  }
  if (current === undefined) return undefined;
  const def = unwrap(current)._zod.def as { type: string; entries?: Record<string, unknown> };
  if (def.type === 'enum' && def.entries !== undefined) return Object.values(def.entries);
  if (def.type === 'boolean') return [true, false];
  return undefined;
}

/** Removes the bad value at `path` (its default applies); false when that still fails there. */
function placeholderFits(
  copy: Record<PropertyKey, unknown>,
  path: readonly PropertyKey[],
): boolean {
  deleteAt(copy, path);
  return !failsAt(copy, path);
}

/** Values tried, in order, for a required field whose own value failed: the first the schema takes. */
const PLACEHOLDERS: readonly unknown[] = [1, 3, 'placeholder', false, [], {}];

function placePlaceholder(
  copy: Record<PropertyKey, unknown>,
  path: readonly PropertyKey[],
): boolean {
  const holder = valueAt(copy, path.slice(0, -1));
  const last = path[path.length - 1];
  if (holder === null || typeof holder !== 'object' || last === undefined) return false;
  for (const candidate of PLACEHOLDERS) {
    (holder as Record<PropertyKey, unknown>)[last] = structuredClone(candidate);
    if (!failsAt(copy, path)) return true;
  }
  return false;
}

/** True when the schema still reports a problem at `path` (or under it). */
function failsAt(copy: object, path: readonly PropertyKey[]): boolean {
  const reparsed = platformSpecSchema.safeParse(copy);
  if (reparsed.success) return false;
  const at = formatPath(path);
  return reparsed.error.issues.some(
    zodIssue => zodIssue.code !== 'unrecognized_keys' && pathWithin(formatPath(zodIssue.path), at),
  );
}

function deferredNotes(paths: readonly string[]): SpecIssue[] {
  return paths.map(path => ({
    path,
    message:
      'the cross-field checks that read this field (sizes, zones, replication, names, ...) run once it is fixed; the others ran',
  }));
}

/**
 * Rules that need to know what the user wrote rather than the value after defaults. A VPC that
 * already exists has its own range, which the network policies and the external listener's peers
 * must allow (NLB health checks and webhook calls come from VPC addresses): the default
 * `10.0.0.0/16` describes only a VPC this platform creates.
 */
function inputIssues(raw: object): SpecIssue[] {
  const cluster = (raw as { cluster?: unknown }).cluster;
  if (cluster === null || typeof cluster !== 'object') return [];
  const { existingVpc, vpcCidr } = cluster as { existingVpc?: unknown; vpcCidr?: unknown };
  if (existingVpc !== undefined && vpcCidr === undefined) {
    return [
      {
        path: 'cluster.vpcCidr',
        message:
          'is required with cluster.existingVpc: the network policies and the external listener must allow that VPC\'s range, and the 10.0.0.0/16 default only describes a VPC this platform creates; give its primary CIDR (aws ec2 describe-vpcs --vpc-ids <id> --query "Vpcs[0].CidrBlock")',
      },
    ];
  }
  return [];
}

/**
 * Validates a parsed document and fills in defaults.
 * @throws SpecError listing every problem.
 */
export function parseSpec(raw: unknown, source?: string): LoadedSpec {
  return validateSpec(raw, source);
}

/** `parseSpec`, with the source text of values when the spec was read from text. */
function validateSpec(raw: unknown, source?: string, sourceTextAt?: SourceTextAt): LoadedSpec {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SpecError(
      [
        {
          path: '',
          message: `the spec must be a mapping (name, region, zones, kafka, ...), got ${shortValue(raw)}`,
        },
      ],
      source,
    );
  }
  const parsed = platformSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap(i => structuralIssue(raw, i, sourceTextAt));
    const beyond = rulesBeyondStructure(raw, parsed.error.issues);
    throw new SpecError([...issues, ...beyond.issues, ...inputIssues(raw)], source, beyond.notes);
  }
  const issues = [...checkRules(parsed.data), ...inputIssues(raw)];
  if (issues.length > 0) throw new SpecError(issues, source);
  return {
    spec: parsed.data,
    plan: derivePlatform(parsed.data),
    warnings: warningsFor(parsed.data),
  };
}

/** Parses YAML (or JSON, which is YAML) text into a validated spec. */
export function parseSpecText(text: string, source?: string): LoadedSpec {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new SpecError(
      document.errors.map(error => ({
        path: '',
        message: `not valid YAML or JSON: ${error.message}`,
      })),
      source,
    );
  }
  return validateSpec(document.toJS(), source, documentSourceText(document, text));
}

/** `showValue`, cut to 120 characters: a whole file that is no mapping is not worth repeating. */
function shortValue(value: unknown): string {
  const shown = showValue(value);
  return shown.length <= 120 ? shown : `${shown.slice(0, 117)}...`;
}

/**
 * The text of a spec file's bytes. YAML 1.2 (section 5.2, "Character Encodings") has a reader
 * accept UTF-8 and UTF-16, and tell them apart by a byte order mark or, without one, by where the
 * first character's zero byte is (`00 x`: UTF-16BE, `x 00`: UTF-16LE); Windows PowerShell 5.1 writes
 * UTF-16LE with a mark by default. A UTF-8 mark is dropped.
 * @throws SpecError for UTF-32 (a mark or three zero bytes around the first character), and for
 *   bytes that are not valid in the detected encoding (a legacy 8-bit file, such as Windows-1252
 *   `é`), naming the line and the fix; never a silent U+FFFD.
 */
export function decodeSpecBytes(bytes: Uint8Array, source?: string): string {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  const fail = (message: string): never => {
    throw new SpecError([{ path: '', message }], source);
  };
  if (
    (b0 === 0 && b1 === 0 && ((b2 === 0xfe && b3 === 0xff) || b2 === 0)) ||
    (b0 !== undefined && b1 === 0 && b2 === 0 && b3 === 0) ||
    (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0)
  ) {
    return fail(
      'the file is UTF-32 encoded, which the spec reader does not take; save it as UTF-8',
    );
  }
  let encoding = 'utf-8';
  let start = 0;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) start = 3;
  else if (b0 === 0xff && b1 === 0xfe) [encoding, start] = ['utf-16le', 2];
  else if (b0 === 0xfe && b1 === 0xff) [encoding, start] = ['utf-16be', 2];
  else if (b0 === 0 && b1 !== undefined && b1 !== 0) encoding = 'utf-16be';
  else if (b0 !== undefined && b0 !== 0 && b1 === 0) encoding = 'utf-16le';
  const body = bytes.subarray(start);
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    // The line of the first bad byte: decode leniently and count the lines before U+FFFD.
    const lenient = new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
    const line = lenient.slice(0, lenient.indexOf('\ufffd')).split('\n').length;
    return fail(
      `the file is not valid ${encoding.toUpperCase()} (line ${line} holds bytes of another encoding, such as Windows-1252); save it as UTF-8`,
    );
  }
}

/** Reads and validates a spec file (UTF-8 or UTF-16, see `decodeSpecBytes`). */
export function loadSpecFile(file: string): LoadedSpec {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SpecError([{ path: '', message: `cannot read the spec file: ${reason}` }], file);
  }
  return parseSpecText(decodeSpecBytes(bytes, file), file);
}
