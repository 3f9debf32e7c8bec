/**
 * Validates custom resources against the upstream CRDs in ../shared/crds (or PLATFORM_CRDS_DIR).
 * Objects are checked strictly: an object schema with declared properties rejects unknown fields,
 * as the API server does with `fieldValidation=Strict`. CEL rules are left to the real API server
 * tier. When no CRD folder exists, `crdsAvailable()` is false and callers skip with a notice.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';

export const CRDS_DIR = resolve(
  process.env.PLATFORM_CRDS_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'crds'),
);

type JsonSchema = Record<string, unknown>;

interface CrdVersion {
  readonly name: string;
  readonly schema?: { readonly openAPIV3Schema?: JsonSchema };
}

interface Crd {
  readonly kind: string;
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly CrdVersion[];
  };
}

export function crdsAvailable(): boolean {
  return existsSync(CRDS_DIR) && statSync(CRDS_DIR).isDirectory();
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/**
 * Schema keywords whose branches only validate values: in a structural schema (Kubernetes
 * "Specifying a structural schema") the fields are declared outside them, and the API server's
 * pruning and strict decoding read only those, so a branch naming one property (Strimzi's
 * `oneOf: [{properties: {value: {}}, required: [value]}, ...]` for an env var) must not reject the
 * object's other fields.
 */
const VALUE_VALIDATION_KEYWORDS = new Set(['oneOf', 'anyOf', 'allOf', 'not']);

/** Makes every object schema that lists properties reject undeclared ones (strict decoding). */
export function strictify(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictify);
  if (schema === null || typeof schema !== 'object') return schema;
  const source = schema as JsonSchema;
  const result: JsonSchema = {};
  for (const [key, value] of Object.entries(source)) {
    result[key] = VALUE_VALIDATION_KEYWORDS.has(key)
      ? value
      : key === 'properties' && value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, strictify(v)]))
        : strictify(value);
  }
  const declaresProperties = source.properties !== undefined;
  const preserves = source['x-kubernetes-preserve-unknown-fields'] === true;
  if (declaresProperties && !preserves && source.additionalProperties === undefined) {
    result.additionalProperties = false;
  }
  return result;
}

/**
 * CRD patterns use Go's RE2 syntax; the only construct JavaScript lacks in these CRDs is the inline
 * `(?i)` (case-insensitive) flag, which becomes the `i` flag for the whole pattern.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  return pattern.includes('(?i)')
    ? new RegExp(pattern.split('(?i)').join(''), `${flags}i`)
    : new RegExp(pattern, flags);
}
goRegExp.code = 'goRegExp';

function newAjv(): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: true,
    code: { regExp: goRegExp },
  });
  addFormats(ajv);
  for (const format of ['int32', 'int64', 'byte', 'double', 'float', 'binary', 'password']) {
    ajv.addFormat(format, true);
  }
  return ajv;
}

let cache: Map<string, ValidateFunction> | undefined;

/** `group/version/Kind` -> compiled validator for every CRD under CRDS_DIR. */
export function crdValidators(): Map<string, ValidateFunction> {
  if (cache !== undefined) return cache;
  const ajv = newAjv();
  const validators = new Map<string, ValidateFunction>();
  for (const file of yamlFilesUnder(CRDS_DIR)) {
    for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = document.toJS() as Crd | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (schema === undefined) continue;
        const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
        validators.set(key, ajv.compile(strictify(schema) as JsonSchema));
      }
    }
  }
  cache = validators;
  return validators;
}

export interface ObjectLike {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown };
}

/** `group/version/Kind` of an object. */
export function typeKey(object: ObjectLike): string {
  const apiVersion = String(object.apiVersion);
  const withGroup = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  return `${withGroup}/${String(object.kind)}`;
}

/** True when a CRD for the object's type is known. */
export function isCustomResource(object: ObjectLike): boolean {
  return crdValidators().has(typeKey(object));
}

/**
 * Validates custom resources; returns one message per problem (empty when all are valid).
 * Objects whose type has no CRD are skipped: built-in kinds are checked elsewhere.
 */
export function validateAgainstCrds(objects: readonly ObjectLike[]): string[] {
  const validators = crdValidators();
  const errors: string[] = [];
  for (const object of objects) {
    const validate = validators.get(typeKey(object));
    if (validate === undefined) continue;
    const valid: boolean = validate(object);
    if (!valid) {
      for (const error of validate.errors ?? []) {
        const extra =
          error.keyword === 'additionalProperties'
            ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
            : '';
        errors.push(
          `${String(object.kind)}/${String(object.metadata?.name)}: ${error.instancePath === '' ? '/' : error.instancePath} ${error.message ?? ''}${extra}`,
        );
      }
    }
  }
  return errors;
}
