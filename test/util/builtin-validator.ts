/**
 * Validates built-in Kubernetes objects with the `kubernetes-models` schema library (types, enums,
 * required fields). Unknown fields are caught by the real API server tier.
 */

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** The `kubernetes-models` module path for an apiVersion: `apps/v1` -> `kubernetes-models/apps/v1`. */
export function modelModule(apiVersion: string): string {
  return `kubernetes-models/${apiVersion}`;
}

/** Returns the model class for a built-in kind, or undefined when the library does not know it. */
export function modelClass(apiVersion: string, kind: string): ModelClass | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const models = require(modelModule(apiVersion)) as Record<string, ModelClass | undefined>;
    return models[kind];
  } catch {
    return undefined;
  }
}

export interface BuiltInObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string };
}

/** Validates one object; returns problems, or `undefined` when its kind is not built in. */
export function validateBuiltIn(object: BuiltInObject): string[] | undefined {
  const Model = modelClass(object.apiVersion, object.kind);
  if (Model === undefined) return undefined;
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [
      `${object.kind}/${object.metadata?.name ?? '?'}: ${error instanceof Error ? error.message : String(error)}`,
    ];
  }
}
