/**
 * Package entry `kafka-eks-autoscaling/spec`: the platform spec, its validation and the numbers
 * derived from it. Loads neither cdk8s nor Pulumi.
 */
import { loadSpecFile, parseSpec, type LoadedSpec } from '../spec/load';

export * from '../spec/index';

/**
 * Reads a spec file (YAML or JSON; UTF-8 or UTF-16, see `decodeSpecBytes`), validates it, fills in defaults and derives the plan
 * (brokers per zone, balanced node counts, node-ID ranges, broker resources).
 * @param file path of the spec file, relative to the working directory or absolute.
 * @returns the validated spec, its derived plan and non-fatal warnings.
 * @throws SpecError listing every problem at once (field path, bad value, fix); an unreadable
 *   file is reported the same way, under path `""`.
 */
export function loadSpec(file: string): LoadedSpec {
  return loadSpecFile(file);
}

/**
 * Validates a spec given as a plain object (for example built in code, or parsed from your own
 * configuration), fills in defaults and derives the plan.
 * @param spec the spec object, the same shape as a spec file.
 * @param source optional name shown in error messages (for example a file name).
 * @throws SpecError listing every problem at once.
 */
export function validateSpec(spec: unknown, source?: string): LoadedSpec {
  return parseSpec(spec, source);
}
